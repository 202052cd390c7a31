/**
 * sim-binding: the part-2 figure — time from `kubectl apply` of a claim +
 * pod (kind's default local-path class, WaitForFirstConsumer) to the claim
 * Bound and the pod scheduled, with 200 simulated clusters in one process.
 *
 * Each sample is one real kubectl 1.33 process against one cluster; the
 * end is observed in-process on the cluster's store (no polling), so the
 * figure is kubectl's own run + the API server + scheduler + PV controller +
 * local-path provisioner. Samples run a few at a time while all 200
 * clusters keep running their controllers in the background.
 *
 * Settings: BENCH_CLUSTERS (200), BENCH_SAMPLES (200), BENCH_CONCURRENCY (4).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimProvider } from '../sandbox/providers/sim/index.ts';
import type { SimCluster } from '../sandbox/providers/sim/index.ts';

const kubectl = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

const manifest = (i: number) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data-${i}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: app-${i}
spec:
  containers:
    - name: app
      image: busybox:1.36
      command: [sleep, "86400"]
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data-${i}
`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** whenBoundAndScheduled resolves with the time (performance.now) at which claim and pod are both done. */
function whenBoundAndScheduled(sim: SimCluster, claim: string, pod: string): { done: Promise<number>; createdAt: () => number | undefined } {
  let bound = false;
  let scheduled = false;
  let created: number | undefined;
  let resolve!: (t: number) => void;
  const done = new Promise<number>((r) => (resolve = r));
  const rv = sim.store.currentRV();
  const check = () => {
    if (bound && scheduled) {
      w1.stop();
      w2.stop();
      resolve(performance.now());
    }
  };
  const w1 = sim.store.watch({ group: '', resource: 'persistentvolumeclaims' }, 'default', rv, {
    event: (e) => {
      if (e.object.metadata.name !== claim) return;
      if (e.type === 'ADDED') created ??= performance.now();
      if ((e.object as any).status?.phase === 'Bound') bound = true;
      check();
    },
    closed: () => {},
  });
  const w2 = sim.store.watch({ group: '', resource: 'pods' }, 'default', rv, {
    event: (e) => {
      if (e.object.metadata.name !== pod) return;
      if ((e.object as any).spec?.nodeName) scheduled = true;
      check();
    },
    closed: () => {},
  });
  return { done, createdAt: () => created };
}

function run(args: string[], env: Record<string, string>, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(code) : reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

export default async function main(): Promise<void> {
  if (!existsSync(kubectl)) {
    console.log(`skipped: ${kubectl} is not installed`);
    return;
  }
  const clusters = Number(process.env.BENCH_CLUSTERS ?? 200);
  const samples = Number(process.env.BENCH_SAMPLES ?? 200);
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 4);
  const dir = mkdtempSync(join(tmpdir(), 'kslab-bench-binding-'));
  const provider = new SimProvider({ dataDir: join(dir, 'data') });
  try {
    const server = await provider.simServer();
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const sims: SimCluster[] = [];
    for (let i = 0; i < clusters; i++) {
      await provider.create({ id: `bench-${i}` });
      sims.push(server.cluster(`bench-${i}`)!);
    }
    const createMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 500));
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(`${clusters} clusters created in ${(createMs / 1000).toFixed(2)} s (${(createMs / clusters).toFixed(1)} ms each), heap +${heapMb.toFixed(0)} MiB (${((heapMb * 1024) / clusters).toFixed(0)} KiB per cluster)`);

    // Idle cost: what 200 clusters' controllers (resyncs, heartbeats, leases) take while nobody uses them.
    const cpu0 = process.cpuUsage();
    const idle0 = performance.now();
    await new Promise((r) => setTimeout(r, 5000));
    const cpu = process.cpuUsage(cpu0);
    const idleMs = performance.now() - idle0;
    console.log(`idle: ${(((cpu.user + cpu.system) / 1000 / idleMs) * 100).toFixed(1)} % of one core over ${(idleMs / 1000).toFixed(1)} s with ${clusters} clusters`);

    const endToEnd: number[] = [];
    const serverSide: number[] = [];
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= samples) return;
        const sim = sims[i % sims.length]!;
        const kubeconfig = join(dir, `kubeconfig-${i % sims.length}`);
        if (!existsSync(kubeconfig)) writeFileSync(kubeconfig, sim.kubeconfig());
        const file = join(dir, `m${i}.yaml`);
        writeFileSync(file, manifest(i));
        const watch = whenBoundAndScheduled(sim, `data-${i}`, `app-${i}`);
        const start = performance.now();
        await run(['apply', '-f', file], { KUBECONFIG: kubeconfig, HOME: dir, KUBECACHEDIR: join(dir, 'cache'), KUBECTL_KUBERC: 'false' }, dir);
        const end = await Promise.race([watch.done, new Promise<number>((_, rej) => setTimeout(() => rej(new Error(`sample ${i}: claim not Bound / pod not scheduled within 30 s`)), 30_000))]);
        endToEnd.push(end - start);
        const created = watch.createdAt();
        if (created !== undefined) serverSide.push(end - created);
      }
    };
    const t1 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, () => worker()));
    const wall = performance.now() - t1;
    endToEnd.sort((a, b) => a - b);
    serverSide.sort((a, b) => a - b);
    const f = (x: number) => `${x.toFixed(0)} ms`;
    console.log(`${samples} samples, ${concurrency} at a time, ${(wall / 1000).toFixed(1)} s wall`);
    console.log(`kubectl apply -> claim Bound + pod scheduled: p50 ${f(percentile(endToEnd, 50))}, p99 ${f(percentile(endToEnd, 99))}, max ${f(endToEnd[endToEnd.length - 1]!)}`);
    console.log(`claim stored -> claim Bound + pod scheduled (controllers only): p50 ${f(percentile(serverSide, 50))}, p99 ${f(percentile(serverSide, 99))}, max ${f(serverSide[serverSide.length - 1]!)}`);
  } finally {
    await provider.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
