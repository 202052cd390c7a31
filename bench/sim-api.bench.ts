/**
 * sim-api: what one simulated API server process costs and how fast it
 * answers. Prints: cold start to kubeconfig written; RSS with 1, 50 and 200
 * clusters; p50/p99 of get, list and server-side apply over HTTPS with 200
 * clusters busy; p50/p99 from a write to its watch event. Bounded loops,
 * 127.0.0.1 only.
 */
import { Agent, request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimServer, type SimCluster } from '../sandbox/providers/sim/index.ts';
import { findResource } from '../sandbox/providers/sim/api/resources.ts';

const REQUESTS_PER_KIND = 2000;
const CONCURRENCY = 16;
const WATCH_WRITES = 1000;

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(2)} ms  p99 ${percentile(s, 99).toFixed(2)} ms  (n=${s.length})`;
}

function settle(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

function send(agent: Agent, server: SimServer, cluster: SimCluster, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${cluster.url}${path}`, {
      method,
      agent,
      ca: server.tls.caCertPem,
      headers: { authorization: `Bearer ${cluster.token}`, ...(payload ? { 'content-type': contentType } : {}) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function timed(n: number, concurrency: number, one: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const t = performance.now();
      await one(i);
      times.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kslab-bench-'));
  const baseline = settle();
  const t0 = performance.now();
  const server = await SimServer.start({ host: '127.0.0.1', port: 0 });
  const first = server.createCluster({ id: 'bench-0' });
  writeFileSync(join(dir, 'kubeconfig'), first.kubeconfig());
  console.log(`cold start (server + TLS + first cluster) to kubeconfig written: ${(performance.now() - t0).toFixed(0)} ms`);
  const t1 = performance.now();
  const second = server.createCluster({ id: 'bench-1' });
  writeFileSync(join(dir, 'kubeconfig-2'), second.kubeconfig());
  console.log(`next cluster on a running server to kubeconfig written: ${(performance.now() - t1).toFixed(1)} ms`);

  const clusters: SimCluster[] = [first, second];
  console.log(`RSS baseline (before the server): ${mib(baseline)}`);
  console.log(`RSS with 1 cluster: ${mib(settle())}`);
  const grow = async (to: number) => {
    while (clusters.length < to) {
      clusters.push(server.createCluster({ id: `bench-${clusters.length}` }));
      if (clusters.length % 25 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 200));
    console.log(`RSS with ${to} clusters: ${mib(settle())}`);
  };
  await grow(50);
  await grow(200);

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const pick = (i: number) => clusters[i % clusters.length]!;
  const configMaps = findResource('', 'v1', 'configmaps')!;
  // Every cluster gets the ConfigMaps the requests below read and write, then one warm-up request each.
  for (const c of clusters) {
    for (let k = 0; k < 10; k++) c.api.patch(configMaps, 'default', `bench-${k}`, 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${k}` }, data: { i: '0' } }, { fieldManager: 'bench' });
  }
  await timed(clusters.length, CONCURRENCY, (i) => send(agent, server, pick(i), 'GET', '/api/v1/namespaces/default').then(() => {}));

  const getTimes = await timed(REQUESTS_PER_KIND, CONCURRENCY, async (i) => {
    const r = await send(agent, server, pick(i), 'GET', `/api/v1/namespaces/default/configmaps/bench-${i % 10}`);
    if (r.status !== 200) throw new Error(`get: ${r.status}`);
  });
  const listTimes = await timed(REQUESTS_PER_KIND, CONCURRENCY, async (i) => {
    const r = await send(agent, server, pick(i), 'GET', `/api/v1/namespaces/default/configmaps?limit=500`);
    if (r.status !== 200) throw new Error(`list: ${r.status}`);
  });
  const applyTimes = await timed(REQUESTS_PER_KIND, CONCURRENCY, async (i) => {
    const r = await send(agent, server, pick(i), 'PATCH', `/api/v1/namespaces/default/configmaps/bench-${i % 10}?fieldManager=bench`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${i % 10}` }, data: { i: String(i) } }, 'application/apply-patch+yaml');
    if (r.status >= 300) throw new Error(`apply: ${r.status} ${r.body}`);
  });
  console.log(`with ${clusters.length} clusters busy (${CONCURRENCY} concurrent requests, keep-alive HTTPS):`);
  console.log(`  get   ${summary(getTimes)}`);
  console.log(`  list  ${summary(listTimes)} (≈11 ConfigMaps per list)`);
  console.log(`  apply ${summary(applyTimes)} (server-side apply, PATCH application/apply-patch+yaml)`);

  // Watch delivery: one watch per cluster on default/configmaps; time from sending a write to its event.
  const pending = new Map<string, number>();
  const delivery: number[] = [];
  const watches = clusters.map((c) =>
    request(`${c.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${c.store.resourceVersion()}`, { ca: server.tls.caCertPem, headers: { authorization: `Bearer ${c.token}` } }, (res) => {
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const ev = JSON.parse(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          const key = `${c.id}/${ev.object?.data?.w}`;
          const started = pending.get(key);
          if (started !== undefined) {
            delivery.push(performance.now() - started);
            pending.delete(key);
          }
        }
      });
    }).end(),
  );
  await new Promise((r) => setTimeout(r, 500));
  await timed(WATCH_WRITES, CONCURRENCY, async (i) => {
    const c = pick(i);
    pending.set(`${c.id}/${i}`, performance.now());
    await send(agent, server, c, 'PATCH', `/api/v1/namespaces/default/configmaps/bench-0`, { data: { w: String(i) } }, 'application/merge-patch+json');
  });
  const deadline = Date.now() + 5000;
  while (pending.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  console.log(`  watch event delivery (write sent → event received): ${summary(delivery)}${pending.size ? `, ${pending.size} not delivered within 5 s` : ''}`);

  for (const w of watches) w.destroy();
  agent.destroy();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
