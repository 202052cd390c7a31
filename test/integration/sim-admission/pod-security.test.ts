/**
 * PodSecurity admission as real kubectl 1.33 shows it against the simulated API server:
 * lesson 2's baseline flow (label the namespace, apply the hostPath Deployment, watch the
 * ReplicaSet fail to create pods), a warn-only restricted namespace, and an unlabelled one.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useKubectlCluster } from './kubectl-cluster.ts';
import { skipNote, waitFor } from '../sim/harness.ts';

const mysqlManifest = fileURLToPath(new URL('../../../lessons/02-hostpath/manifests/mysql-hostpath.yaml', import.meta.url));
const lab = useKubectlCluster('pod-security');
const kubectl = lab.kubectl;

/** createNamespace creates a namespace and waits for its default ServiceAccount (pods need it). */
async function createNamespace(ns: string): Promise<void> {
  // As a learner would: kubectl 1.33 sends this one as a protobuf body.
  const r = await kubectl(['create', 'namespace', ns]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(`namespace/${ns} created\n`);
  await waitFor(() => lab.cluster.store.get({ group: '', resource: 'serviceaccounts' }, ns, 'default'), 30_000);
}

describe.skipIf(skipNote(33))('kubectl 1.33 against sim PodSecurity admission', () => {
  it('lesson 2: a baseline-enforcing namespace accepts the hostPath Deployment with a warning and refuses its pods', async () => {
    await createNamespace('psa-baseline');
    const label = await kubectl(['label', 'namespace', 'psa-baseline', 'pod-security.kubernetes.io/enforce=baseline']);
    expect(label.stderr).toBe('');
    expect(label.stdout).toBe('namespace/psa-baseline labeled\n');

    const apply = await kubectl(['apply', '-n', 'psa-baseline', '-f', mysqlManifest]);
    expect(apply.code).toBe(0);
    expect(apply.stderr).toBe('Warning: would violate PodSecurity "baseline:latest": hostPath volumes (volume "mysql-data")\n');
    expect(apply.stdout).toBe('deployment.apps/mysql created\n');

    const failed = await waitFor(async () => {
      const ev = await kubectl(['get', 'events', '-n', 'psa-baseline', '--field-selector', 'reason=FailedCreate', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
      return ev.stdout.trim() ? ev.stdout : '';
    }, 30_000, 500);
    expect(failed.split('\n')[0]).toMatch(
      /^Error creating: pods "mysql-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes \(volume "mysql-data"\)$/,
    );

    const describe = await kubectl(['describe', 'rs', '-n', 'psa-baseline', '-l', 'app=mysql']);
    expect(describe.stdout).toMatch(/Warning\s+FailedCreate\s+.*replicaset-controller\s+Error creating: pods "mysql-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes \(volume "mysql-data"\)/);

    const deploy = await kubectl(['get', 'deployment', 'mysql', '-n', 'psa-baseline', '--no-headers']);
    expect(deploy.stdout).toMatch(/^mysql\s+0\/1\s+0\s+0\s+/);
    expect((await kubectl(['get', 'pods', '-n', 'psa-baseline'])).stderr).toBe('No resources found in psa-baseline namespace.\n');
  }, 90_000);

  it('a warn-only restricted namespace admits a busybox pod with the restricted reasons in PodSecurity order', async () => {
    await createNamespace('psa-warn');
    expect((await kubectl(['label', 'namespace', 'psa-warn', 'pod-security.kubernetes.io/warn=restricted'])).stderr).toBe('');
    const run = await kubectl(['run', 'bb', '-n', 'psa-warn', '--image=busybox:1.36', '--', 'sleep', '3600']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "bb" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "bb" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "bb" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "bb" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")\n',
    );
    expect(run.stdout).toBe('pod/bb created\n');
  }, 60_000);

  it('labelling a namespace with enforce warns about the pods already there that would violate it', async () => {
    await createNamespace('psa-existing');
    const pod = `apiVersion: v1
kind: Pod
metadata:
  name: node-logs
spec:
  containers:
  - name: reader
    image: busybox:1.36
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: logs, mountPath: /var/log/host}
  volumes:
  - name: logs
    hostPath: {path: /var/log}
`;
    expect((await kubectl(['apply', '-n', 'psa-existing', '-f', '-'], pod)).stderr).toBe('');
    const label = await kubectl(['label', 'namespace', 'psa-existing', 'pod-security.kubernetes.io/enforce=baseline']);
    expect(label.code).toBe(0);
    expect(label.stderr).toBe(
      'Warning: existing pods in namespace "psa-existing" violate the new PodSecurity enforce level "baseline:latest"\nWarning: node-logs: hostPath volumes\n',
    );
    expect(label.stdout).toBe('namespace/psa-existing labeled\n');
    // the pod already running is left alone; only new pods are refused
    expect((await kubectl(['get', 'pod', 'node-logs', '-n', 'psa-existing', '-o', 'name'])).stdout).toBe('pod/node-logs\n');
    const again = await kubectl(['run', 'again', '-n', 'psa-existing', '--image=busybox:1.36', '--overrides', '{"spec":{"hostNetwork":true}}']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('Error from server (Forbidden): pods "again" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)\n');
  }, 60_000);

  it('refuses an unknown level label with the server\'s Invalid message and leaves the namespace unlabelled', async () => {
    await createNamespace('psa-typo');
    const label = await kubectl(['label', 'namespace', 'psa-typo', 'pod-security.kubernetes.io/enforce=baselin']);
    expect(label.code).toBe(1);
    // the Status is 422 Invalid carrying the Forbidden's details (kind "namespaces"), so kubectl prints its short form
    expect(label.stderr).toBe('The namespaces "psa-typo" is invalid\n');
    const labels = await kubectl(['get', 'namespace', 'psa-typo', '-o', 'jsonpath={.metadata.labels}']);
    expect(labels.stdout).not.toContain('pod-security');
  }, 60_000);

  it('an unlabelled namespace is unchanged: the same Deployment applies silently and gets its pod', async () => {
    await createNamespace('psa-none');
    const apply = await kubectl(['apply', '-n', 'psa-none', '-f', mysqlManifest]);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toBe('deployment.apps/mysql created\n');
    await waitFor(() => lab.cluster.store.list({ group: '', resource: 'pods' }, 'psa-none').length > 0 || undefined, 30_000);
    const events = await kubectl(['get', 'events', '-n', 'psa-none', '--field-selector', 'reason=FailedCreate', '-o', 'name']);
    expect(events.stdout).toBe('');
  }, 60_000);
});
