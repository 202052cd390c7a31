/**
 * sim-pods: what running pods on the simulated nodes (the kubelet model)
 * costs. Prints: pod create (HTTPS POST, as kubectl apply sends it) → Running
 * p50/p99 on a quiet cluster, first pull and cached image separately; memory
 * (RSS) and disk (data root bytes) per cluster with the article's MySQL on
 * hostPath running; 200 clusters with 10 busybox pods each (time to all
 * Running, RSS, create → Running p50/p99 for the burst and for single pods
 * while they all run). Real clock,
 * 127.0.0.1 only, bounded loops.
 */
import { Agent, request } from 'node:https';
import { readdirSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SimServer, type SimCluster } from '../sandbox/providers/sim/index.ts';

const QUIET_PODS = 100;
const MYSQL_CLUSTERS = 10;
const MANY_CLUSTERS = 200;
const PODS_PER_CLUSTER = 10;

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms  p99 ${percentile(s, 99).toFixed(1)} ms  (n=${s.length})`;
}

function settle(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

function diskBytes(path: string): number {
  let total = 0;
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.size;
  total += 4096;
  for (const e of readdirSync(path)) total += diskBytes(join(path, e));
  return total;
}

function post(agent: Agent, server: SimServer, cluster: SimCluster, path: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(`${cluster.url}${path}`, {
      method: 'POST',
      agent,
      ca: server.tls.caCertPem,
      headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function busybox(name: string, node?: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { ...(node ? { nodeName: node } : {}), terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox:1.36', command: ['sleep', '86400'] }] },
  };
}

/** runningTimes watches a cluster's pods and resolves each pod's time from `started[name]` to phase Running. */
function watchRunning(cluster: SimCluster, started: Map<string, number>, done: Map<string, number>): () => void {
  const w = cluster.store.watch({ group: '', resource: 'pods' }, 'default', cluster.store.currentRV(), {
    event: (e) => {
      const name = e.object.metadata.name!;
      const s = (e.object as { status?: { phase?: string } }).status;
      if (s?.phase === 'Running' && started.has(name) && !done.has(name)) done.set(name, performance.now() - started.get(name)!);
    },
    closed: () => {},
  });
  return () => w.stop();
}

async function waitFor(check: () => boolean, maxMs: number): Promise<void> {
  const end = performance.now() + maxMs;
  while (!check()) {
    if (performance.now() > end) throw new Error('benchmark: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export default async function (): Promise<void> {
  const server = await SimServer.start({ host: '127.0.0.1', port: 0 });
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    // 1. Quiet cluster: create → Running.
    {
      const c = server.createCluster({ id: 'quiet' });
      const started = new Map<string, number>();
      const done = new Map<string, number>();
      const stop = watchRunning(c, started, done);
      started.set('first', performance.now());
      await post(agent, server, c, '/api/v1/namespaces/default/pods', busybox('first', 'lab-worker'));
      await waitFor(() => done.has('first'), 30_000);
      console.log(`pod create → Running, first pull of busybox on the node: ${done.get('first')!.toFixed(1)} ms (includes the modelled pull time)`);
      const names: string[] = [];
      for (let i = 0; i < QUIET_PODS; i++) {
        const name = `p-${i}`;
        names.push(name);
        started.set(name, performance.now());
        await post(agent, server, c, '/api/v1/namespaces/default/pods', busybox(name, 'lab-worker'));
        await waitFor(() => done.has(name), 30_000);
      }
      console.log(`pod create → Running, image already present (one at a time): ${summary(names.map((n) => done.get(n)!))}`);
      stop();
      c.destroy();
    }

    // 2. Memory and disk per cluster with the article's MySQL (lesson 2, hostPath) running.
    {
      const deployment = parse(readFileSync('lessons/02-hostpath/manifests/mysql-hostpath.yaml', 'utf8'));
      const before = settle();
      const clusters: SimCluster[] = [];
      const t0 = performance.now();
      for (let i = 0; i < MYSQL_CLUSTERS; i++) {
        const c = server.createCluster({ id: `mysql-${i}` });
        clusters.push(c);
        await post(agent, server, c, '/apis/apps/v1/namespaces/default/deployments', deployment);
      }
      const ready = (c: SimCluster) =>
        c.store.list({ group: '', resource: 'pods' }, 'default').some((p) => {
          const s = (p as { status?: { phase?: string; containerStatuses?: { ready?: boolean }[] } }).status;
          return s?.phase === 'Running' && !!s.containerStatuses?.[0]?.ready;
        });
      await waitFor(() => clusters.every(ready), 120_000);
      // Let the entrypoint's temporary server finish and mysqld start for real.
      await new Promise((r) => setTimeout(r, 8000));
      const rss = settle() - before;
      const disk = clusters.map((c) => diskBytes(c.storage.dataRoot.root));
      console.log(`MySQL (hostPath) running in ${MYSQL_CLUSTERS} clusters after ${((performance.now() - t0) / 1000).toFixed(1)} s: RSS +${mib(rss / MYSQL_CLUSTERS)} per cluster; data root ${mib(disk.reduce((a, b) => a + b, 0) / disk.length)} per cluster`);
      for (const c of clusters) c.destroy();
    }

    // 3. 200 clusters with 10 pods each.
    {
      const before = settle();
      const t0 = performance.now();
      const clusters: SimCluster[] = [];
      for (let i = 0; i < MANY_CLUSTERS; i++) clusters.push(server.createCluster({ id: `many-${i}` }));
      const started = new Map<string, number>();
      const creates: Promise<number>[] = [];
      for (let p = 0; p < PODS_PER_CLUSTER; p++) {
        for (const c of clusters) {
          const name = `p-${p}`;
          started.set(`${c.id}/${name}`, performance.now());
          creates.push(post(agent, server, c, '/api/v1/namespaces/default/pods', busybox(name)));
        }
      }
      // The creates are in flight (HTTP); watching from the current resourceVersion sees every pod's progress.
      const done2 = new Map<string, number>();
      const stops2 = clusters.map((c) =>
        c.store.watch({ group: '', resource: 'pods' }, 'default', c.store.currentRV(), {
          event: (e) => {
            const key = `${c.id}/${e.object.metadata.name}`;
            const s = (e.object as { status?: { phase?: string } }).status;
            if (s?.phase === 'Running' && started.has(key) && !done2.has(key)) done2.set(key, performance.now() - started.get(key)!);
          },
          closed: () => {},
        }),
      );
      await Promise.all(creates);
      await waitFor(() => done2.size === MANY_CLUSTERS * PODS_PER_CLUSTER, 600_000);
      const total = performance.now() - t0;
      const rss = settle() - before;
      console.log(`${MANY_CLUSTERS} clusters × ${PODS_PER_CLUSTER} pods: all Running after ${(total / 1000).toFixed(1)} s; RSS +${mib(rss)} (${mib(rss / MANY_CLUSTERS)} per cluster)`);
      console.log(`  pod create → Running for that burst of ${MANY_CLUSTERS * PODS_PER_CLUSTER} creates at once (queueing included): ${summary([...done2.values()])}`);
      // One more pod at a time, in turn in each cluster, while all 2000 containers run.
      const steady: number[] = [];
      for (let i = 0; i < 100; i++) {
        const c = clusters[(i * 7) % clusters.length]!;
        const key = `${c.id}/extra-${i}`;
        started.set(key, performance.now());
        await post(agent, server, c, '/api/v1/namespaces/default/pods', busybox(`extra-${i}`));
        await waitFor(() => done2.has(key), 30_000);
        steady.push(done2.get(key)!);
      }
      console.log(`  pod create → Running, one at a time with the 2000 pods running: ${summary(steady)}`);
      for (const s of stops2) s.stop();
      for (const c of clusters) c.destroy();
    }
  } finally {
    agent.destroy();
    await server.close();
  }
}
