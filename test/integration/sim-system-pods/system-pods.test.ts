/**
 * The system pods of a fresh simulated cluster, through real kubectl 1.33:
 * what `kubectl get pods -A` shows on a kind cluster of the course's shape,
 * DaemonSets 3/3, logs, distroless exec, and the Ceph toolbox answering
 * `kubectl -n ceph-csi-rbd exec deploy/ceph-tools -- …` as the sandbox
 * terminal's ceph/rbd do — also with a worker powered off, after a reset and
 * after a snapshot restore.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimHarness, kubectlPath, runProcess, skipNote, type TestCluster } from '../sim/harness.ts';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import { withSnapshots } from '../../../sandbox/providers/sim/snapshot/snapshot.ts';
import type { SimCluster } from '../../../sandbox/providers/sim/server/sim-server.ts';
import type { Cluster } from '../../../sandbox/providers/types.ts';

const harness = new SimHarness();
afterAll(() => harness.close());

const skip = skipNote(33);

/** systemPods is `<namespace> <name> <node> <phase>` of every pod outside default, from kubectl. */
async function systemPods(c: TestCluster): Promise<string[]> {
  const r = await c.kubectl(['get', 'pods', '-A', '-o', 'custom-columns=NS:.metadata.namespace,NAME:.metadata.name,NODE:.spec.nodeName,PHASE:.status.phase', '--no-headers']);
  expect(r.stderr).toBe('');
  return r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')).filter((l) => !l.startsWith('default '));
}

/** untilAllRunning waits (real time) until every system pod is Running, and returns them. */
async function untilAllRunning(c: TestCluster, count: number): Promise<string[]> {
  let last: string[] = [];
  for (let i = 0; i < 100; i++) {
    last = await systemPods(c);
    if (last.length === count && last.every((l) => l.endsWith(' Running'))) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`system pods did not all run:\n${last.join('\n')}`);
}

/** shape replaces generated name suffixes, so the list compares with kind's. */
const shape = (l: string) => l.replace(/-[0-9a-f]{8,10}-[a-z0-9]{5} /, '-<hash>-<x> ').replace(/^(kube-system (?:kindnet|kube-proxy))-[a-z0-9]{5} /, '$1-<x> ');

const expected = [
  'ceph-csi-rbd ceph-tools-<hash>-<x> lab-control-plane Running',
  'kube-system coredns-<hash>-<x> lab-control-plane Running',
  'kube-system coredns-<hash>-<x> lab-control-plane Running',
  'kube-system etcd-lab-control-plane lab-control-plane Running',
  'kube-system kindnet-<x> lab-control-plane Running',
  'kube-system kindnet-<x> lab-worker Running',
  'kube-system kindnet-<x> lab-worker2 Running',
  'kube-system kube-apiserver-lab-control-plane lab-control-plane Running',
  'kube-system kube-controller-manager-lab-control-plane lab-control-plane Running',
  'kube-system kube-proxy-<x> lab-control-plane Running',
  'kube-system kube-proxy-<x> lab-worker Running',
  'kube-system kube-proxy-<x> lab-worker2 Running',
  'kube-system kube-scheduler-lab-control-plane lab-control-plane Running',
];

/** mine keeps the pods this brief adds (local-path and ceph-csi pods come from the storage add-ons). */
const mine = (l: string) => !/^(local-path-storage |ceph-csi-rbd csi-)/.test(l);

/** terminalTool runs the sandbox terminal's ceph/rbd of a cluster. */
async function terminalTool(cluster: Cluster, tool: 'ceph' | 'rbd', ...argv: string[]): Promise<string> {
  let out = '';
  await cluster.tools![tool]!(argv, { stdout: (t) => (out += t), stderr: () => {}, signal: new AbortController().signal });
  return out;
}

/** ages masks the durations `ceph -s` prints, which move with the clock. */
const ages = (s: string) => s.replace(/\((age|since) [^)]+\)/g, '($1 …)').replace(/since [0-9a-z]+\)/g, 'since …)');

describe.skipIf(skip)('system pods through kubectl 1.33', () => {
  it("lists kind's system pods Running on the right nodes, with kind's labels, DaemonSets 3/3, logs and distroless exec", async () => {
    const c = await harness.cluster();
    const pods = await untilAllRunning(c, (await systemPods(c)).length);
    expect(pods.filter(mine).map(shape).sort()).toEqual(expected);

    const dns = await c.kubectl(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[*].metadata.labels.k8s-app}']);
    expect(dns.stdout).toBe('kube-dns kube-dns');
    const mirror = await c.kubectl(['get', 'pod', '-n', 'kube-system', 'etcd-lab-control-plane', '-o', `jsonpath={.metadata.annotations.kubernetes\\.io/config\\.source} {.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.spec.priorityClassName}`]);
    expect(mirror.stdout).toBe('file Node/lab-control-plane system-node-critical');

    const ds = await c.kubectl(['get', 'ds', '-n', 'kube-system', '--no-headers', '-o', 'custom-columns=NAME:.metadata.name,DESIRED:.status.desiredNumberScheduled,READY:.status.numberReady']);
    expect(ds.stdout.trim().split('\n').map((l) => l.split(/\s+/).join(' '))).toEqual(['kindnet 3 3', 'kube-proxy 3 3']);
    const svc = await c.kubectl(['get', 'svc', '-n', 'kube-system', 'kube-dns', '-o', 'jsonpath={.spec.clusterIP} {.spec.ports[*].port}']);
    expect(svc.stdout).toBe('10.96.0.10 53 53 9153');

    const logs = await c.kubectl(['logs', '-n', 'kube-system', 'kube-apiserver-lab-control-plane']);
    expect(logs.code).toBe(0);
    expect(logs.stdout.split('\n')[0]).toBe('kslab-sim: kube-apiserver v1.33.1 is simulated; this container is a stand-in that runs no kube-apiserver process.');
    const dsLogs = await c.kubectl(['logs', '-n', 'kube-system', 'ds/kindnet']);
    expect(dsLogs.stdout).toContain('kslab-sim: kindnetd v20250512-df8de77b is simulated');

    const sh = await c.kubectl(['exec', '-n', 'kube-system', 'etcd-lab-control-plane', '--', 'sh']);
    expect(sh.code).toBe(1);
    expect(sh.stderr).toContain('OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown');

    const events = await c.kubectl(['get', 'events', '-n', 'kube-system', '--field-selector', 'involvedObject.name=etcd-lab-control-plane,reason=Pulled', '-o', 'jsonpath={.items[*].message}']);
    expect(events.stdout).toBe('Container image "registry.k8s.io/etcd:3.5.21-0" already present on machine');
  });

  it('answers ceph and rbd in the toolbox as the terminal does, also with lab-worker powered off', async () => {
    const c = await harness.cluster();
    await untilAllRunning(c, (await systemPods(c)).length);
    c.sim.storage.ceph.createImage('rbd', 'csi-vol-7a1e', 2 * 1024 ** 3);
    const tools = (...argv: string[]) => c.kubectl(['-n', 'ceph-csi-rbd', 'exec', 'deploy/ceph-tools', '--', ...argv]);

    const ls = await tools('rbd', 'ls', '-p', 'rbd');
    expect(ls).toEqual({ code: 0, stdout: 'csi-vol-7a1e\n', stderr: '' });
    expect(ls.stdout).toBe(await terminalTool(c.cluster, 'rbd', 'ls', '-p', 'rbd'));
    const key = await tools('ceph', 'auth', 'get-key', 'client.admin');
    expect(key.stdout).toMatch(/^AQ[A-Za-z0-9+/]{36}==$/);
    expect(key.stdout).toBe(await terminalTool(c.cluster, 'ceph', 'auth', 'get-key', 'client.admin'));
    const status = await tools('ceph', '-s');
    expect(status.code).toBe(0);
    expect(ages(status.stdout)).toBe(ages(await terminalTool(c.cluster, 'ceph', '-s')));

    await c.cluster.powerOff('lab-worker');
    await new Promise((r) => setTimeout(r, 500));
    expect((await tools('rbd', 'ls', '-p', 'rbd')).stdout).toBe('csi-vol-7a1e\n');
    await c.cluster.powerOn('lab-worker');
  });

  it('keeps one set of system pods across a reset, with a toolbox holding the new Ceph key', async () => {
    const c = await harness.cluster();
    const count = (await systemPods(c)).length;
    await untilAllRunning(c, count);
    const before = (await c.kubectl(['-n', 'ceph-csi-rbd', 'exec', 'deploy/ceph-tools', '--', 'ceph', 'auth', 'get-key', 'client.admin'])).stdout;
    await c.cluster.reset();
    const after = await untilAllRunning(c, count);
    expect(after.filter(mine).map(shape).sort()).toEqual(expected);
    const key = (await c.kubectl(['-n', 'ceph-csi-rbd', 'exec', 'deploy/ceph-tools', '--', 'ceph', 'auth', 'get-key', 'client.admin'])).stdout;
    expect(key).not.toBe(before);
    expect(key).toBe(await terminalTool(c.cluster, 'ceph', 'auth', 'get-key', 'client.admin'));
  });
});

describe.skipIf(skip)('system pods across a snapshot', () => {
  it('restores one set of system pods, running again, and the toolbox still authenticates', async () => {
    const base = mkdtempSync(join(tmpdir(), 'kslab-sysp-snap-'));
    const make = () => withSnapshots(new SimProvider({ tlsDir: join(base, 'tls'), dataDir: join(base, 'data') }));
    const simOf = (x: Cluster) => (x as unknown as { sim: SimCluster }).sim;
    const p1 = make();
    try {
      const c1 = await p1.create({ id: 'sysp-snap' });
      await new Promise((r) => setTimeout(r, 4000));
      const names1 = simOf(c1).store.list({ group: '', resource: 'pods' }).map((p) => p.metadata.name!).sort();
      await c1.save!(join(base, 'snap'));
      await p1.close();

      const p2 = make();
      try {
        const c2 = await p2.restore!({ id: 'sysp-snap', dir: join(base, 'snap') });
        const sim2 = simOf(c2);
        expect(sim2.store.list({ group: '', resource: 'pods' }).map((p) => p.metadata.name!).sort()).toEqual(names1);
        let phases: string[] = [];
        for (let i = 0; i < 50; i++) {
          phases = sim2.store.list({ group: '', resource: 'pods' }).map((p) => (p as { status?: { phase?: string } }).status?.phase ?? '');
          if (phases.every((x) => x === 'Running')) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect(phases.every((x) => x === 'Running')).toBe(true);
        const kubeconfig = join(base, 'kubeconfig');
        writeFileSync(kubeconfig, c2.kubeconfig());
        const env = { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(base, 'cache'), HOME: base };
        // The restored statuses say Running at once; the kubelets restart the containers a moment later, as after a reboot.
        let inToolbox = await runProcess(kubectlPath(33), ['-n', 'ceph-csi-rbd', 'exec', 'deploy/ceph-tools', '--', 'ceph', 'auth', 'get-key', 'client.admin'], env);
        for (let i = 0; i < 40 && inToolbox.stderr.includes('container not found'); i++) {
          await new Promise((r) => setTimeout(r, 250));
          inToolbox = await runProcess(kubectlPath(33), ['-n', 'ceph-csi-rbd', 'exec', 'deploy/ceph-tools', '--', 'ceph', 'auth', 'get-key', 'client.admin'], env);
        }
        expect(inToolbox.stderr).toBe('');
        expect(inToolbox.stdout).toBe(await terminalTool(c2, 'ceph', 'auth', 'get-key', 'client.admin'));
      } finally {
        await p2.close();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
