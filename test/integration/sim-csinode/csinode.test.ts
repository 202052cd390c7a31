/**
 * CSINode objects through real kubectl 1.33: one per node from the start,
 * the ceph-csi node plugin's driver on the workers while its pod runs there
 * (gone when the DaemonSet's pod leaves the node, back with the next one),
 * `describe csinode` showing the driver and its node ID, and the objects
 * after a cluster reset and a snapshot restore.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import { withSnapshots } from '../../../sandbox/providers/sim/snapshot/snapshot.ts';
import { SimHarness, kubectlPath, normalizeTable, runProcess, skipNote, waitFor, type TestCluster } from '../sim/harness.ts';

const skip = skipNote(33);

describe.skipIf(skip)('CSINode (kubectl 1.33)', () => {
  let h: SimHarness;
  beforeAll(() => {
    h = new SimHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  /** driverCounts is `kubectl get csinode` as node → DRIVERS. */
  const driverCounts = async (c: TestCluster) => {
    const r = await c.kubectl(['get', 'csinode', '--no-headers']);
    expect(r.code).toBe(0);
    return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)).map(([name, drivers]) => [name, Number(drivers)]));
  };
  const allRunning = { 'lab-control-plane': 0, 'lab-worker': 1, 'lab-worker2': 1 };

  it('get csinode lists the three nodes, the workers with the RBD driver; describe shows it with its node ID', async () => {
    const c = await h.cluster();
    await waitFor(async () => JSON.stringify(await driverCounts(c)) === JSON.stringify(allRunning), 10_000, 100);
    const table = await c.kubectl(['get', 'csinode']);
    expect(normalizeTable(table.stdout)).toBe(['NAME  DRIVERS  AGE', 'lab-control-plane  0  <age>', 'lab-worker  1  <age>', 'lab-worker2  1  <age>', ''].join('\n'));

    const described = await c.kubectl(['describe', 'csinode', 'lab-worker']);
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^Name:\s+lab-worker$/m);
    expect(described.stdout).toMatch(
      /^Annotations:\s+storage\.alpha\.kubernetes\.io\/migrated-plugins:\s*$\n\s+kubernetes\.io\/aws-ebs,kubernetes\.io\/azure-disk,kubernetes\.io\/azure-file,kubernetes\.io\/cinder,kubernetes\.io\/gce-pd,kubern/m,
    );
    expect(described.stdout).toMatch(/^Spec:\n\s+Drivers:\n\s+rbd\.csi\.ceph\.com:\n\s+Node ID:\s+lab-worker$/m);

    const obj = JSON.parse((await c.kubectl(['get', 'csinode', 'lab-worker', '-o', 'json'])).stdout);
    expect(obj.spec.drivers).toEqual([{ name: 'rbd.csi.ceph.com', nodeID: 'lab-worker', topologyKeys: null }]);
    const node = JSON.parse((await c.kubectl(['get', 'node', 'lab-worker', '-o', 'json'])).stdout);
    expect(obj.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'lab-worker', uid: node.metadata.uid }]);
    const cp = JSON.parse((await c.kubectl(['get', 'csinode', 'lab-control-plane', '-o', 'json'])).stdout);
    expect(cp.spec).toEqual({ drivers: [] });
  }, 60_000);

  it('the driver leaves a worker with the DaemonSet’s pod and comes back with the next one', async () => {
    const c = await h.cluster();
    await waitFor(async () => JSON.stringify(await driverCounts(c)) === JSON.stringify(allRunning), 10_000, 100);

    // Keeping the DaemonSet off lab-worker (a nodeSelector for lab-worker2 only) removes its pod there: 0 drivers until it may run again.
    const off = await c.kubectl(['-n', 'ceph-csi-rbd', 'patch', 'ds', 'csi-rbdplugin', '--type=merge', '-p', '{"spec":{"template":{"spec":{"nodeSelector":{"kubernetes.io/hostname":"lab-worker2"}}}}}']);
    expect(off.code).toBe(0);
    await waitFor(async () => (await driverCounts(c))['lab-worker'] === 0, 20_000, 200);
    const pods = (await c.kubectl(['-n', 'ceph-csi-rbd', 'get', 'pods', '-l', 'app=csi-rbdplugin', '-o', 'wide', '--no-headers'])).stdout;
    expect(pods).not.toMatch(/\slab-worker\s/);
    const nodeIDs = async () => (await c.kubectl(['get', 'node', 'lab-worker', '-o', 'jsonpath={.metadata.annotations.csi\\.volume\\.kubernetes\\.io/nodeid}'])).stdout;
    expect(await nodeIDs()).toBe('');
    const back = await c.kubectl(['-n', 'ceph-csi-rbd', 'patch', 'ds', 'csi-rbdplugin', '--type=json', '-p', '[{"op":"remove","path":"/spec/template/spec/nodeSelector"}]']);
    expect(back.code).toBe(0);
    await waitFor(async () => JSON.stringify(await driverCounts(c)) === JSON.stringify(allRunning), 30_000, 200);
    expect(await nodeIDs()).toBe('{"rbd.csi.ceph.com":"lab-worker"}');

    // Deleting the pod on lab-worker2: a watch sees 1 → 0 when its registrar stops, then 1 again with the DaemonSet's new pod.
    const watch = c.spawnKubectl(['get', 'csinode', 'lab-worker2', '-w', '--no-headers']);
    await waitFor(() => /lab-worker2\s+1\s/.test(watch.output()), 10_000, 50);
    const pod = /^(csi-rbdplugin-[a-z0-9]{5})\s.*\slab-worker2\s/m.exec((await c.kubectl(['-n', 'ceph-csi-rbd', 'get', 'pods', '-l', 'app=csi-rbdplugin', '-o', 'wide', '--no-headers'])).stdout)![1]!;
    expect((await c.kubectl(['-n', 'ceph-csi-rbd', 'delete', 'pod', pod])).code).toBe(0);
    await waitFor(() => /lab-worker2\s+0\s[\s\S]*lab-worker2\s+1\s/.test(watch.output()), 20_000, 100);
    const seen = (await watch.stop()).stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]);
    expect(seen).toEqual(['1', '0', '1']);
    expect(await driverCounts(c)).toEqual(allRunning);
  }, 90_000);

  it('after a cluster reset there is again exactly one CSINode per node, the workers with their driver', async () => {
    const c = await h.cluster();
    await waitFor(async () => JSON.stringify(await driverCounts(c)) === JSON.stringify(allRunning), 10_000, 100);
    const before = JSON.parse((await c.kubectl(['get', 'csinode', '-o', 'json'])).stdout).items.map((n: any) => n.metadata.uid);
    c.sim.reset();
    await waitFor(async () => JSON.stringify(await driverCounts(c)) === JSON.stringify(allRunning), 10_000, 100);
    const after = JSON.parse((await c.kubectl(['get', 'csinode', '-o', 'json'])).stdout).items;
    expect(after.map((n: any) => n.metadata.name)).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    expect(after.map((n: any) => n.metadata.uid)).not.toContain(before[0]);
  }, 60_000);

  it('a snapshot restore (a server restart) brings back the same CSINodes, one per node, without writing them again', async () => {
    const base = mkdtempSync(join(tmpdir(), 'kslab-csinode-snap-'));
    const make = () => withSnapshots(new SimProvider({ tlsDir: join(base, 'tls'), dataDir: join(base, 'data') }));
    const kubectlFor = (name: string, kubeconfig: string) => {
      const file = join(base, name);
      writeFileSync(file, kubeconfig);
      const env = { KUBECONFIG: file, KUBECACHEDIR: join(base, 'cache'), HOME: base };
      return (args: string[]) => runProcess(kubectlPath(33), args, env);
    };
    const csiNodes = async (kubectl: (args: string[]) => ReturnType<typeof runProcess>) =>
      JSON.parse((await kubectl(['get', 'csinode', '-o', 'json'])).stdout).items.map((n: any) => `${n.metadata.name} ${n.metadata.uid} ${n.metadata.resourceVersion} ${n.spec.drivers.length}`);
    const p1 = make();
    try {
      const c1 = await p1.create({ id: 'csinode-snap' });
      const k1 = kubectlFor('kubeconfig1', c1.kubeconfig());
      const saved = await waitFor(async () => {
        const list = await csiNodes(k1);
        return list.map((l: string) => l.split(' ')[3]).join() === '0,1,1' && list;
      }, 10_000, 100);
      await c1.save!(join(base, 'snap'));
      await p1.close();
      const p2 = make();
      try {
        const c2 = await p2.restore!({ id: 'csinode-snap', dir: join(base, 'snap') });
        const k2 = kubectlFor('kubeconfig2', c2.kubeconfig());
        const restored = await csiNodes(k2);
        // Same objects (restoring gives them new resourceVersions), no second CSINode for any node.
        const withoutRV = (l: string[]) => l.map((x) => x.split(' ').filter((_, i) => i !== 2).join(' '));
        expect(withoutRV(restored)).toEqual(withoutRV(saved));
        // The node plugins run again and register; the entries they find are already right, so nothing is written.
        await waitFor(async () => /2\/2\s+Running[\s\S]*2\/2\s+Running/.test((await k2(['-n', 'ceph-csi-rbd', 'get', 'pods', '-l', 'app=csi-rbdplugin'])).stdout), 10_000, 100);
        await new Promise((r) => setTimeout(r, 500));
        expect(await csiNodes(k2)).toEqual(restored);
      } finally {
        await p2.close();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }, 60_000);
});
