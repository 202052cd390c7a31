import { describe, expect, it } from 'vitest';
import { checkKubectlArgs } from '../../../sandbox/terminal/kubectl-policy.ts';

function allowed(args: string[]): string[] {
  const r = checkKubectlArgs(args);
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.argv;
}

function refused(args: string[]): string {
  const r = checkKubectlArgs(args);
  if (r.ok) throw new Error(`allowed: ${r.argv.join(' ')}`);
  return r.message;
}

describe('checkKubectlArgs: what a lesson needs runs unchanged', () => {
  it.each([
    [['get', 'nodes']],
    [['apply', '-f', 'mysql-pvc.yaml']],
    [['apply', '-f=mysql-pvc.yaml']],
    [['apply', '-fmysql-pvc.yaml']],
    [['apply', '--filename', 'manifests/pod.yaml']],
    [['apply', '-f', '.']],
    [['-n', 'default', 'get', 'pods', '-o', 'wide']],
    [['--namespace', 'kube-system', 'get', 'pods']],
    [['get', 'pods', '-o', 'jsonpath={.items[*].spec.volumes[0].hostPath.path}']],
    [['get', '--raw', '/api/v1/nodes']],
    [['logs', '-f', 'producer-consumer', '-c', 'consumer']],
    [['delete', 'pod', 'web', '--grace-period=0', '--force']],
    [['exec', 'pod', '-c', 'consumer', '--', 'cat', '/consumer_dir/hello']],
    [['debug', 'node/lab-worker', '--image=busybox', '--', 'ls', '/host/var/lib/kubelet/pods']],
    [['cp', 'default/pod:/data/file', 'copy.txt']],
    [['create', 'secret', 'generic', 'ceph-admin', '--from-literal=key=AQB1', '--type=kubernetes.io/rbd']],
    [['create', 'configmap', 'c', '--from-file=my.cnf']],
    [['config', 'view']],
    [['patch', 'pv', 'mysql-pv', '-p', '{"spec":{"persistentVolumeReclaimPolicy":"Retain"}}']],
    [['version']],
    [[]],
  ])('%j', (args) => {
    expect(allowed(args)).toEqual(args);
  });
  it('drops -t for exec/run/debug (no TTY) and says so', () => {
    const r = checkKubectlArgs(['exec', '-it', 'mysql-0', '--', 'mysql', '-p']);
    expect(r).toEqual({ ok: true, argv: ['exec', '-i', 'mysql-0', '--', 'mysql', '-p'], notes: [expect.stringMatching(/no TTY/)] });
    expect(allowed(['run', 'shell', '--rm', '-ti', '--image=busybox', '--tty'])).toEqual(['run', 'shell', '--rm', '-i', '--image=busybox']);
  });
});

describe('checkKubectlArgs: the boundary (other clusters, identities, host files, plugins)', () => {
  it.each([
    [['--kubeconfig=/etc/kubernetes/admin.conf', 'get', 'pods'], /--kubeconfig is not available/],
    [['get', 'pods', '--kubeconfig', '/tmp/other'], /--kubeconfig is not available/],
    [['--token', 'abc', 'get', 'pods'], /--token/],
    [['--server=https://10.0.0.1:6443', 'get', 'pods'], /--server/],
    [['-s', 'https://10.0.0.1:6443', 'get', 'pods'], /--server/],
    [['get', 'pods', '--as=system:admin'], /--as/],
    [['get', 'pods', '--as-group', 'system:masters'], /--as-group/],
    [['--cache-dir=/tmp', 'get', 'pods'], /--cache-dir/],
    [['--certificate-authority', 'ca.crt', 'get', 'pods'], /--certificate-authority/],
    [['--client-key=k', 'get', 'pods'], /--client-key/],
    [['--context', 'other', 'get', 'pods'], /--context/],
    [['apply', '-f', '/etc/passwd'], /absolute paths/],
    [['apply', '-f=/etc/passwd'], /absolute paths/],
    [['apply', '-f/etc/passwd'], /absolute paths/],
    [['apply', '--filename=../other-session/secret.yaml'], /`\.\.`/],
    [['apply', '-f', 'x/../../y.yaml'], /`\.\.`/],
    [['apply', '-f', '~/.kube/config'], /absolute paths/],
    [['apply', '-k', '/'], /kustomize .* is not available/],
    [['apply', '-k', '.'], /kustomize .* is not available/],
    [['apply', '--kustomize=.'], /kustomize .* is not available/],
    [['kustomize', '.'], /kustomize .* is not available/],
    [['apply', '-f', 'https://example.com/evil.yaml'], /network/],
    [['create', 'secret', 'generic', 's', '--from-file=key=/etc/shadow'], /absolute paths/],
    [['create', 'configmap', 'c', '--from-env-file', '../x.env'], /`\.\.`/],
    [['patch', 'pod', 'p', '--patch-file=/etc/passwd'], /absolute paths/],
    [['get', 'pods', '-o', 'jsonpath-file=/etc/passwd'], /absolute paths/],
    [['get', 'pods', '--output=go-template-file=/etc/passwd'], /absolute paths/],
    [['cp', 'pod:/etc/hostname', '/tmp/stolen'], /absolute paths/],
    [['cp', '/etc/passwd', 'pod:/tmp/x'], /absolute paths/],
    [['cp', 'pod:/x', '../x'], /`\.\.`/],
    [['kustomize', '/etc'], /kustomize .* is not available/],
    [['cluster-info', 'dump', '--output-directory=/tmp/dump'], /absolute paths/],
    [['plugin', 'list'], /plugins are turned off/],
    [['evil'], /not a kubectl command here/],
    [['ns', 'default'], /not a kubectl command here/],
    [['--namespace', 'default', 'krew', 'install', 'x'], /not a kubectl command here/],
    [['edit', 'pv', 'x'], /text editor/],
    [['proxy'], /open a port/],
    [['port-forward', 'pod/x', '8080:80'], /open a port/],
    [['config', 'set-cluster', 'x', '--server=https://evil'], /would change/],
    [['config', 'use-context', 'other'], /would change/],
    [['--profile-output=/etc/x', 'get', 'pods'], /--profile-output/],
  ])('%j', (args, message) => {
    expect(refused(args)).toMatch(message);
  });
  it('does not let a value flag hide a refused flag', () => {
    expect(refused(['get', 'pods', '--selector', '--kubeconfig=/etc/x'])).toMatch(/--kubeconfig/);
  });
  it('words after -- are the container command and run in the cluster', () => {
    expect(allowed(['exec', 'p', '--', 'cat', '/etc/passwd', '--kubeconfig=/x'])).toEqual([
      'exec', 'p', '--', 'cat', '/etc/passwd', '--kubeconfig=/x',
    ]);
  });
});
