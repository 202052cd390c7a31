/**
 * kubectl's watch-driven commands against the simulated cluster: get -w,
 * delete --wait, wait --for, and describe's events query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimHarness, normalizeTable, skipNote, waitFor, type TestCluster } from './harness.ts';

const missing = skipNote(33);

describe.skipIf(missing)('kubectl 1.33 watches against the simulated cluster', () => {
  const harness = new SimHarness();
  let c: TestCluster;
  beforeAll(async () => {
    c = await harness.cluster(33);
    await c.kubectl(['get', 'ns']); // warm the discovery cache
  });
  afterAll(() => harness.close());

  it('get -w prints the list, then each change as a row, without replaying existing objects', async () => {
    await c.kubectl(['create', 'configmap', 'w-existing']);
    const w = c.spawnKubectl(['get', 'configmaps', '-w', '--output-watch-events']);
    await waitFor(() => w.output().includes('w-existing'));
    await c.kubectl(['create', 'configmap', 'w-new', '--from-literal=a=b']);
    await c.kubectl(['label', 'configmap', 'w-new', 'x=y']);
    await c.kubectl(['delete', 'configmap', 'w-new']);
    await waitFor(() => w.output().includes('DELETED'));
    const out = await w.stop();
    expect(normalizeTable(out.stdout)).toMatchInlineSnapshot(`
      "EVENT  NAME  DATA  AGE
      ADDED  kube-root-ca.crt  1  <age>
      ADDED  w-existing  0  <age>
      ADDED  w-new  1  <age>
      MODIFIED  w-new  1  <age>
      DELETED  w-new  1  <age>
      "
    `);
  });

  it('get NAME -w shows the current object first, then its changes', async () => {
    await c.kubectl(['create', 'configmap', 'w-one']);
    const w = c.spawnKubectl(['get', 'configmap', 'w-one', '-w', '-o', 'name']);
    await waitFor(() => w.output().includes('w-one'));
    await c.kubectl(['annotate', 'configmap', 'w-one', 'a=b']);
    await waitFor(() => w.output().split('\n').filter(Boolean).length >= 2);
    const out = await w.stop();
    expect(out.stdout).toBe('configmap/w-one\nconfigmap/w-one\n');
  });

  it('delete waits while a finalizer holds the object, and finishes when it is removed', async () => {
    await c.kubectl(['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  finalizers: [example.com/hold]\n' });
    const started = Date.now();
    const deleting = c.kubectl(['delete', 'configmap', 'held', '--timeout=20s']);
    await waitFor(async () => (await c.kubectl(['get', 'cm', 'held', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).stdout !== '');
    await new Promise((r) => setTimeout(r, 300));
    await c.kubectl(['patch', 'configmap', 'held', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const r = await deleting;
    expect(r.stdout).toBe('configmap "held" deleted\n');
    expect(Date.now() - started).toBeGreaterThan(300);
    expect((await c.kubectl(['get', 'cm', 'held'])).stderr).toBe('Error from server (NotFound): configmaps "held" not found\n');
  });

  it('wait --for=condition, --for=jsonpath and --for=delete', async () => {
    const ready = await c.kubectl(['wait', '--for=condition=Ready', 'node/lab-worker', '--timeout=10s']);
    expect(ready.stdout).toBe('node/lab-worker condition met\n');
    await c.kubectl(['create', 'configmap', 'w-wait', '--from-literal=phase=one']);
    const waiting = c.kubectl(['wait', '--for=jsonpath={.data.phase}=two', 'configmap/w-wait', '--timeout=10s']);
    await new Promise((r) => setTimeout(r, 300));
    await c.kubectl(['patch', 'configmap', 'w-wait', '-p', '{"data":{"phase":"two"}}']);
    expect((await waiting).stdout).toBe('configmap/w-wait condition met\n');
    const gone = c.kubectl(['wait', '--for=delete', 'configmap/w-wait', '--timeout=10s']);
    await new Promise((r) => setTimeout(r, 300));
    await c.kubectl(['delete', 'configmap', 'w-wait', '--wait=false']);
    expect((await gone).stdout).toBe('configmap/w-wait condition met\n');
    const timeout = await c.kubectl(['wait', '--for=jsonpath={.data.phase}=never', 'configmap/kube-root-ca.crt', '--timeout=1s']);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toContain('error: timed out waiting for the condition on configmaps/kube-root-ca.crt');
  });

  it('describe shows the events recorded for an object', async () => {
    await c.kubectl(['create', 'configmap', 'described', '--from-literal=a=b']);
    const uid = (await c.kubectl(['get', 'cm', 'described', '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await c.kubectl(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'described.1', namespace: 'default' },
        involvedObject: { kind: 'ConfigMap', name: 'described', namespace: 'default', uid, apiVersion: 'v1' },
        reason: 'Checked',
        message: 'configuration looked at by a test',
        type: 'Normal',
        source: { component: 'kslab-test' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      }),
    });
    const r = await c.kubectl(['describe', 'configmap', 'described']);
    expect(r.code).toBe(0);
    expect(normalizeTable(r.stdout)).toMatchInlineSnapshot(`
      "Name:  described
      Namespace:  default
      Labels:  <none>
      Annotations:  <none>

      Data
      ====
      a:
      ----
      b


      BinaryData
      ====

      Events:
        Type  Reason  Age  From  Message
        ----  ------  ----  ----  -------
        Normal  Checked  <age>  kslab-test  configuration looked at by a test
      "
    `);
  });
});
