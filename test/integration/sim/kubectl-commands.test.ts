/**
 * kubectl 1.33 (the version the dispatcher picks for this server) against a
 * simulated cluster: the everyday commands of the course and their output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimHarness, normalizeTable, skipNote, type TestCluster } from './harness.ts';

const missing = skipNote(33);

describe.skipIf(missing)('kubectl 1.33 against the simulated cluster', () => {
  const harness = new SimHarness();
  let c: TestCluster;
  beforeAll(async () => {
    c = await harness.cluster(33);
  });
  afterAll(() => harness.close());

  it('reports the simulated server version', async () => {
    const r = await c.kubectl(['version', '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion).toMatchObject({ major: '1', minor: '33', gitVersion: 'v1.33.1+kslab-sim' });
  });

  it('lists the nodes of the course shape', async () => {
    const r = await c.kubectl(['get', 'nodes', '-o', 'wide']);
    expect(r.stderr).toBe('');
    expect(normalizeTable(r.stdout)).toMatchInlineSnapshot(`
      "NAME  STATUS  ROLES  AGE  VERSION  INTERNAL-IP  EXTERNAL-IP  OS-IMAGE  KERNEL-VERSION  CONTAINER-RUNTIME
      lab-control-plane  Ready  control-plane  <age>  v1.33.1  172.18.0.2  <none>  Debian GNU/Linux 12 (bookworm)  6.1.0-37-amd64  containerd://2.1.1
      lab-worker  Ready  <none>  <age>  v1.33.1  172.18.0.3  <none>  Debian GNU/Linux 12 (bookworm)  6.1.0-37-amd64  containerd://2.1.1
      lab-worker2  Ready  <none>  <age>  v1.33.1  172.18.0.4  <none>  Debian GNU/Linux 12 (bookworm)  6.1.0-37-amd64  containerd://2.1.1
      "
    `);
  });

  it('has the default StorageClass, namespaces and ceph-csi config of the course cluster', async () => {
    const sc = await c.kubectl(['get', 'sc']);
    expect(normalizeTable(sc.stdout)).toMatchInlineSnapshot(`
      "NAME  PROVISIONER  RECLAIMPOLICY  VOLUMEBINDINGMODE  ALLOWVOLUMEEXPANSION  AGE
      standard (default)  rancher.io/local-path  Delete  WaitForFirstConsumer  false  <age>
      "
    `);
    const ns = await c.kubectl(['get', 'ns', '-o', 'name']);
    expect(ns.stdout.split('\n').filter(Boolean).sort()).toEqual(
      ['ceph-csi-rbd', 'default', 'kube-node-lease', 'kube-public', 'kube-system', 'local-path-storage'].map((n) => `namespace/${n}`),
    );
    const cfg = await c.kubectl(['get', 'cm', 'ceph-csi-config', '-n', 'ceph-csi-rbd', '-o', 'jsonpath={.data.config\\.json}']);
    expect(JSON.parse(cfg.stdout)).toEqual([{ clusterID: 'b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d', monitors: ['ceph:6789'] }]);
    const drv = await c.kubectl(['get', 'csidriver', 'rbd.csi.ceph.com', '-o', 'name']);
    expect(drv.stdout.trim()).toBe('csidriver.storage.k8s.io/rbd.csi.ceph.com');
  });

  it('applies from a file (create, then update), a directory and stdin', async () => {
    const file = c.write('cm-apply.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v1\n');
    expect((await c.kubectl(['apply', '-f', file])).stdout).toBe('configmap/applied created\n');
    c.write('cm-apply.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v2\n  extra: x\n');
    expect((await c.kubectl(['apply', '-f', file])).stdout).toBe('configmap/applied configured\n');
    expect((await c.kubectl(['apply', '-f', file])).stdout).toBe('configmap/applied unchanged\n');
    c.write('cm-apply.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: v3\n');
    await c.kubectl(['apply', '-f', file]);
    const got = JSON.parse((await c.kubectl(['get', 'cm', 'applied', '-o', 'json'])).stdout);
    expect(got.data).toEqual({ k: 'v3' });
    expect(got.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain('"k":"v3"');

    const { mkdirSync } = await import('node:fs');
    mkdirSync(`${c.dir}/manifests`);
    c.write('manifests/a.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dir-a\n');
    c.write('manifests/b.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: dir-b\nstringData:\n  p: s3cret\n');
    const dir = await c.kubectl(['apply', '-f', 'manifests']);
    expect(dir.stdout).toBe('configmap/dir-a created\nsecret/dir-b created\n');
    const stdin = await c.kubectl(['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: from-stdin\n' });
    expect(stdin.stdout).toBe('serviceaccount/from-stdin created\n');
  });

  it('applies server-side, creating then updating', async () => {
    const file = c.write('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n  b: "2"\n');
    expect((await c.kubectl(['apply', '--server-side', '-f', file])).stdout).toBe('configmap/ssa serverside-applied\n');
    c.write('ssa.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "10"\n');
    expect((await c.kubectl(['apply', '--server-side', '-f', file])).stdout).toBe('configmap/ssa serverside-applied\n');
    const got = JSON.parse((await c.kubectl(['get', 'cm', 'ssa', '-o', 'json'])).stdout);
    expect(got.data).toEqual({ a: '10' });
  });

  it('creates imperatively (protobuf bodies in 1.32+) and reports AlreadyExists', async () => {
    expect((await c.kubectl(['create', 'configmap', 'imp', '--from-literal=a=b'])).stdout).toBe('configmap/imp created\n');
    expect((await c.kubectl(['create', 'namespace', 'lab'])).stdout).toBe('namespace/lab created\n');
    expect((await c.kubectl(['create', 'secret', 'generic', 's1', '--from-literal=p=x', '-n', 'lab'])).stdout).toBe('secret/s1 created\n');
    const again = await c.kubectl(['create', 'configmap', 'imp', '--from-literal=a=b']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatchInlineSnapshot(`
      "error: failed to create configmap: configmaps "imp" already exists
      "
    `);
    const file = c.write('dup.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: imp\n');
    expect((await c.kubectl(['create', '-f', file])).stderr).toMatchInlineSnapshot(`
      "Error from server (AlreadyExists): error when creating "dup.yaml": configmaps "imp" already exists
      "
    `);
  });

  it('gets in every output format, with selectors, across namespaces and with labels', async () => {
    await c.kubectl(['create', 'namespace', 'other']);
    await c.kubectl(['apply', '-f', '-'], {
      stdin: [
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g1\n  labels: {tier: front, app: shop}\ndata: {a: "1"}',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g2\n  namespace: other\n  labels: {tier: back, app: shop}\ndata: {a: "1", b: "2"}',
      ].join('\n---\n'),
    });
    const labelled = await c.kubectl(['get', 'cm', '-A', '-l', 'app=shop', '--show-labels']);
    expect(normalizeTable(labelled.stdout)).toMatchInlineSnapshot(`
      "NAMESPACE  NAME  DATA  AGE  LABELS
      default  g1  1  <age>  app=shop,tier=front
      other  g2  2  <age>  app=shop,tier=back
      "
    `);
    expect((await c.kubectl(['get', 'cm', '-A', '-l', 'tier in (back),app', '-o', 'name'])).stdout).toBe('configmap/g2\n');
    expect((await c.kubectl(['get', 'cm', '-l', '!tier', '-o', 'name'])).stdout).not.toContain('g1');
    expect((await c.kubectl(['get', 'cm', 'g1', '-o', 'jsonpath={.metadata.labels.tier}'])).stdout).toBe('front');
    const yaml = (await c.kubectl(['get', 'cm', 'g1', '-o', 'yaml'])).stdout;
    expect(yaml).toMatch(/^apiVersion: v1\ndata:\n  a: "1"\nkind: ConfigMap\nmetadata:\n/);
    expect(yaml).toMatch(/  uid: [0-9a-f-]{36}\n/);
    const list = JSON.parse((await c.kubectl(['get', 'cm', '-n', 'other', '-o', 'json'])).stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((i: any) => i.metadata.name).sort()).toEqual(['g2', 'kube-root-ca.crt']);
  });

  it('patches with all three patch types, labels, annotates and scales', async () => {
    await c.kubectl(['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=1']);
    expect((await c.kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}'])).stdout).toBe('deployment.apps/web patched\n');
    expect((await c.kubectl(['patch', 'deployment', 'web', '--type=merge', '-p', '{"metadata":{"labels":{"m":"1"}}}'])).stdout).toBe('deployment.apps/web patched\n');
    expect((await c.kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":3}]'])).stdout).toBe('deployment.apps/web patched\n');
    expect((await c.kubectl(['label', 'deployment', 'web', 'team=storage'])).stdout).toBe('deployment.apps/web labeled\n');
    expect((await c.kubectl(['annotate', 'deployment', 'web', 'note=hello'])).stdout).toBe('deployment.apps/web annotated\n');
    expect((await c.kubectl(['scale', 'deployment', 'web', '--replicas=3'])).stdout).toBe('deployment.apps/web scaled\n');
    const d = JSON.parse((await c.kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
    expect(d.spec.template.spec.containers[0].image).toBe('nginx:1.28');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.revisionHistoryLimit).toBe(3);
    expect(d.metadata.labels).toMatchObject({ m: '1', team: 'storage', app: 'web' });
    expect(d.metadata.annotations.note).toBe('hello');
    const bad = await c.kubectl(['patch', 'deployment', 'web', '--type=json', '-p', '[{"op":"remove","path":"/spec/nope"}]']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatchInlineSnapshot(`
      "The request is invalid: : remove operation does not apply: doc is missing path: "/spec/nope": missing value
      "
    `);
  });

  it('explains fields from the served OpenAPI', async () => {
    const r = await c.kubectl(['explain', 'persistentvolumeclaim.spec.accessModes']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('KIND:       PersistentVolumeClaim');
    expect(r.stdout).toContain('FIELD: accessModes <[]string>');
  });

  it('lists api-resources as a 1.33 server serves them', async () => {
    const r = await c.kubectl(['api-resources', '--api-group=storage.k8s.io']);
    expect(normalizeTable(r.stdout)).toMatchInlineSnapshot(`
      "NAME  SHORTNAMES  APIVERSION  NAMESPACED  KIND
      csidrivers  storage.k8s.io/v1  false  CSIDriver
      csinodes  storage.k8s.io/v1  false  CSINode
      csistoragecapacities  storage.k8s.io/v1  true  CSIStorageCapacity
      storageclasses  sc  storage.k8s.io/v1  false  StorageClass
      volumeattachments  storage.k8s.io/v1  false  VolumeAttachment
      "
    `);
  });

  it('reports errors with the kube-apiserver wording', async () => {
    const nf = await c.kubectl(['get', 'pvc', 'nope']);
    expect(nf.stderr).toBe('Error from server (NotFound): persistentvolumeclaims "nope" not found\n');
    const nfd = await c.kubectl(['get', 'deploy', 'nope']);
    expect(nfd.stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    const old = c.write('old.yaml', 'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: old\nspec: {}\n');
    const nm = await c.kubectl(['apply', '-f', old]);
    expect(nm.stderr).toMatchInlineSnapshot(`
      "error: resource mapping not found for name: "old" namespace: "" from "old.yaml": no matches for kind "Deployment" in version "apps/v1beta1"
      ensure CRDs are installed first
      "
    `);
    const inv = c.write('inv.yaml', 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n');
    const iv = await c.kubectl(['apply', '-f', inv]);
    expect(iv.stderr).toMatchInlineSnapshot(`
      "The PersistentVolumeClaim "data" is invalid: spec.resources[storage]: Required value
      "
    `);
    const inv2 = c.write('inv2.yaml', 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data2\nspec:\n  storageClassName: standard\n');
    expect((await c.kubectl(['create', '-f', inv2])).stderr).toMatchInlineSnapshot(`
      "The PersistentVolumeClaim "data2" is invalid: 
      * spec.accessModes: Required value: at least 1 access mode is required
      * spec.resources[storage]: Required value
      "
    `);
    const unknown = c.write('unknown.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\nbogus: 1\n');
    const st = await c.kubectl(['apply', '-f', unknown]);
    expect(st.stderr).toMatchInlineSnapshot(`
      "Error from server (BadRequest): error when creating "unknown.yaml": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"
      "
    `);
    const ssa = await c.kubectl(['apply', '--server-side', '-f', unknown]);
    expect(ssa.stderr).toMatchInlineSnapshot(`
      "Error from server: failed to create typed patch object (default/strict; /v1, Kind=ConfigMap): .bogus: field not declared in schema
      "
    `);
    const warn = await c.kubectl(['apply', '--validate=warn', '-f', unknown]);
    expect(warn.stderr).toMatchInlineSnapshot(`
      "Warning: unknown field "bogus"
      "
    `);
    expect(warn.stdout).toBe('configmap/strict created\n');
  });

  it('replaces, edits and sorts', async () => {
    await c.kubectl(['create', 'configmap', 'r1', '--from-literal=a=1']);
    const yaml = (await c.kubectl(['get', 'cm', 'r1', '-o', 'yaml'])).stdout.replace('a: "1"', 'a: "2"');
    expect((await c.kubectl(['replace', '-f', '-'], { stdin: yaml })).stdout).toBe('configmap/r1 replaced\n');
    c.write('editor.sh', '#!/bin/sh\nsed -i \'s/a: "2"/a: "3"/\' "$1"\n');
    (await import('node:fs')).chmodSync(`${c.dir}/editor.sh`, 0o755);
    expect((await c.kubectl(['edit', 'cm', 'r1'], { env: { KUBE_EDITOR: `${c.dir}/editor.sh` } })).stdout).toBe('configmap/r1 edited\n');
    expect((await c.kubectl(['get', 'cm', 'r1', '-o', 'jsonpath={.data.a}'])).stdout).toBe('3');
    const stale = yaml.replace('a: "2"', 'a: "4"');
    const conflict = await c.kubectl(['replace', '-f', '-'], { stdin: stale });
    expect(conflict.stderr).toMatchInlineSnapshot(`
      "Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "r1": the object has been modified; please apply your changes to the latest version and try again
      "
    `);
    const sorted = await c.kubectl(['get', 'cm', '-n', 'kube-system', '--sort-by=.metadata.name', '-o', 'name']);
    expect(sorted.stdout).toBe('configmap/coredns\nconfigmap/kube-proxy\nconfigmap/kube-root-ca.crt\n');
  });

  it('issues service-account tokens (kubectl create token)', async () => {
    const r = await c.kubectl(['create', 'token', 'default', '--duration=1h']);
    expect(r.code).toBe(0);
    const claims = JSON.parse(Buffer.from(r.stdout.trim().split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'system:serviceaccount:default:default', aud: ['https://kubernetes.default.svc.cluster.local'] });
    expect(claims.exp - claims.iat).toBe(3600);
    const short = await c.kubectl(['create', 'token', 'default', '--duration=1m']);
    expect(short.stderr).toMatchInlineSnapshot(`
      "error: failed to create token: TokenRequest.authentication.k8s.io "default" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes
      "
    `);
  });

  it('passes admission warnings on as Warning: lines', async () => {
    const pv = c.write('recycle-pv.yaml', 'apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: old-style\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Recycle\n  hostPath: {path: /data/old}\n');
    const r = await c.kubectl(['apply', '-f', pv]);
    expect(r.stdout).toBe('persistentvolume/old-style created\n');
    expect(r.stderr).toMatchInlineSnapshot(`
      "Warning: spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.
      "
    `);
  });

  it('answers kubectl get --raw', async () => {
    const r = await c.kubectl(['get', '--raw', '/api/v1/namespaces/kube-system']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).metadata.name).toBe('kube-system');
    const root = JSON.parse((await c.kubectl(['get', '--raw', '/'])).stdout);
    expect(root.paths).toEqual(expect.arrayContaining(['/api/v1', '/apis/storage.k8s.io/v1', '/version', '/healthz']));
    expect((await c.kubectl(['get', '--raw', '/readyz'])).stdout).toBe('ok');
  });

  it('answers auth can-i and whoami as for the kind admin user', async () => {
    expect(await c.kubectl(['auth', 'can-i', 'delete', 'persistentvolumes'])).toMatchObject({ code: 0, stdout: 'yes\n' });
    const who = await c.kubectl(['auth', 'whoami']);
    expect(normalizeTable(who.stdout)).toBe('ATTRIBUTE  VALUE\nUsername  kubernetes-admin\nGroups  [kubeadm:cluster-admins system:authenticated]\n');
  });

  it('reports 401 for a wrong token', async () => {
    const broken = c.write('bad-kubeconfig', (await import('node:fs')).readFileSync(c.kubeconfigPath, 'utf8').replace(/token: .*/, 'token: wrong'));
    const r = await c.kubectl(['get', 'ns', '--kubeconfig', broken]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });
});
