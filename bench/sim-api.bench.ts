/**
 * sim-api: what one simulated API server process costs and how fast it
 * answers. Prints: cold start to kubeconfig written; RSS with 1, 50 and 200
 * clusters; p50/p99 of get, list and server-side apply over HTTPS with 200
 * clusters busy; p50/p99 from a write to its watch event. Bounded loops,
 * 127.0.0.1 only.
 */
import { Worker } from 'node:worker_threads';
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

interface LoadResult {
  get: number[];
  list: number[];
  apply: number[];
  delivery: number[];
  undelivered: number;
  errors: string[];
}

/** loadWorker is the client side of the benchmark, plain JavaScript run in a worker thread. */
const loadWorker = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:https');
const { targets, ca, requests, concurrency, watchWrites } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const errors = [];
function send(t, method, path, body, contentType) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: 'Bearer ' + t.token };
    if (payload) headers['content-type'] = contentType || 'application/json';
    const req = request(t.url + path, { method, agent, ca, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => { if (res.statusCode >= 300) errors.push(method + ' ' + path + ' ' + res.statusCode); resolve(); });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
async function timed(n, one) {
  const times = [];
  let next = 0;
  const worker = async () => { while (next < n) { const i = next++; const t = performance.now(); await one(i); times.push(performance.now() - t); } };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}
const pick = (i) => targets[i % targets.length];
(async () => {
  await timed(targets.length, (i) => send(pick(i), 'GET', '/api/v1/namespaces/default'));
  const get = await timed(requests, (i) => send(pick(i), 'GET', '/api/v1/namespaces/default/configmaps/bench-' + (i % 10)));
  const list = await timed(requests, (i) => send(pick(i), 'GET', '/api/v1/namespaces/default/configmaps?limit=500'));
  const apply = await timed(requests, (i) => send(pick(i), 'PATCH', '/api/v1/namespaces/default/configmaps/bench-' + (i % 10) + '?fieldManager=bench',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bench-' + (i % 10) }, data: { i: String(i) } }, 'application/apply-patch+yaml'));
  const pending = new Map();
  const delivery = [];
  const watches = targets.map((t, k) => request(t.url + '/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dbench-0', { ca, headers: { authorization: 'Bearer ' + t.token } }, (res) => {
    let buf = '';
    res.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\\n')) >= 0) {
        const ev = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        const key = k + '/' + (ev.object && ev.object.data && ev.object.data.w);
        const started = pending.get(key);
        if (started !== undefined) { delivery.push(performance.now() - started); pending.delete(key); }
      }
    });
  }).end());
  await new Promise((r) => setTimeout(r, 1000));
  await timed(watchWrites, (i) => {
    const k = i % targets.length;
    pending.set(k + '/' + i, performance.now());
    return send(targets[k], 'PATCH', '/api/v1/namespaces/default/configmaps/bench-0', { data: { w: String(i) } }, 'application/merge-patch+json');
  });
  const deadline = Date.now() + 5000;
  while (pending.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  for (const w of watches) w.destroy();
  agent.destroy();
  parentPort.postMessage({ get, list, apply, delivery, undelivered: pending.size, errors });
})().catch((e) => { errors.push(String(e)); parentPort.postMessage({ get: [], list: [], apply: [], delivery: [], undelivered: 0, errors }); });
`;

function runLoad(workerData: unknown): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(loadWorker, { eval: true, workerData });
    w.once('message', (m: LoadResult) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
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

  const configMaps = findResource('', 'v1', 'configmaps')!;
  // Every cluster gets the ConfigMaps the requests below read and write.
  for (const c of clusters) {
    for (let k = 0; k < 10; k++) c.api.patch(configMaps, 'default', `bench-${k}`, 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${k}` }, data: { i: '0' } }, { fieldManager: 'bench' });
  }
  // The load runs in a worker thread, so client work doesn't queue behind the server on one event loop.
  const result = await runLoad({
    targets: clusters.map((c) => ({ url: c.url, token: c.token, rv: c.store.resourceVersion() })),
    ca: server.tls.caCertPem,
    requests: REQUESTS_PER_KIND,
    concurrency: CONCURRENCY,
    watchWrites: WATCH_WRITES,
  });
  console.log(`with ${clusters.length} clusters busy (${CONCURRENCY} concurrent requests, keep-alive HTTPS, client in a worker thread):`);
  console.log(`  get   ${summary(result.get)}`);
  console.log(`  list  ${summary(result.list)} (≈11 ConfigMaps per list)`);
  console.log(`  apply ${summary(result.apply)} (server-side apply, PATCH application/apply-patch+yaml)`);
  console.log(`  watch event delivery (write sent → event received, one watch per cluster): ${summary(result.delivery)}${result.undelivered ? `, ${result.undelivered} not delivered within 5 s` : ''}`);
  if (result.errors.length) console.log(`  errors: ${result.errors.slice(0, 3).join('; ')}`);

  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
