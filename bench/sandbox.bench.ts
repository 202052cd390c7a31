/**
 * sandbox.bench measures the learner-facing sandbox (kslab serve with the sim provider):
 *
 * 1. page load → terminal prompt: Debian Chromium opens /lessons/emptydir/ in a
 *    fresh context (new session, new cluster) until the prompt shows; p50/p99.
 * 2. keystroke echo latency with 200 concurrent sessions, each typing: in-process
 *    WebSocket clients send one character at a time (every ~100 ms each, so
 *    ~2000 keystrokes/s in all) and time the echo; p50/p99.
 * 3. resident memory of the process with 200 sessions (clusters + shells + sockets),
 *    minus the process before the server started.
 *
 * The server, the 200 simulated clusters and the clients share one Node process
 * (and this shared 2-core machine), so latencies include client work. 2 and 3
 * run twice: terminal only, then with each page's live view (5 watches per
 * session against its simulated cluster) as a real page has it.
 * Set KSLAB_SITE_DIR to use a build other than dist/; SANDBOX_BENCH_SESSIONS to change 200.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { performance as nodePerformance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import { SandboxServer } from '../sandbox/server/sandbox-server.ts';
import { chooseProvider } from '../sandbox/server/provider-choice.ts';
import { findKubectl } from '../sandbox/server/kubectl-binary.ts';

const SESSIONS = Number(process.env.SANDBOX_BENCH_SESSIONS ?? 200);
const PAGE_LOADS = Number(process.env.SANDBOX_BENCH_PAGE_LOADS ?? 20);
const KEYSTROKES_PER_SESSION = 20;
const TYPING_INTERVAL_MS = 100;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

async function startServer(dataDir: string, siteDir: string, liveView: boolean): Promise<SandboxServer> {
  const choice = chooseProvider({ requested: 'sim', tlsDir: path.join(dataDir, 'sim-tls') });
  const server = new SandboxServer({
    host: '127.0.0.1',
    port: 0,
    siteDir,
    lessonsDir: path.resolve('lessons'),
    dataDir,
    provider: choice.provider,
    providerInfo: choice.info,
    limits: { idleTimeoutMs: 3600_000, maxLifetimeMs: 4 * 3600_000, maxSessions: SESSIONS + PAGE_LOADS + 10 },
    kubectlPath: findKubectl()!,
    liveView,
  });
  await server.listen();
  return server;
}

async function pageLoadToPrompt(siteDir: string): Promise<void> {
  if (PAGE_LOADS <= 0) return;
  if (!fs.existsSync(path.join(siteDir, 'lessons', 'emptydir', 'index.html'))) {
    console.log(`page load → prompt: skipped (${siteDir} is not built; run npm run build)`);
    return;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-bench-page-'));
  const server = await startServer(dataDir, siteDir, true);
  const browser = await chromium.launch({
    executablePath: process.env.KSLAB_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < PAGE_LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${server.url}/lessons/emptydir/`);
      await page.waitForFunction(() => /~\/emptydir \$/.test(document.querySelector('.xterm-rows')?.textContent ?? ''), null, { timeout: 30_000 });
      times.push(performance.now() - start);
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`page load → terminal prompt (new session + new sim cluster, ${PAGE_LOADS} loads): p50 ${ms(percentile(times, 50))}, p99 ${ms(percentile(times, 99))}`);
}

interface Learner {
  ws: WebSocket;
  text: string;
}

async function openLearner(server: SandboxServer): Promise<Learner> {
  const r = await fetch(`${server.url}/api/session?lesson=emptydir`);
  if (r.status !== 200) throw new Error(`session: HTTP ${r.status} ${await r.text()}`);
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/terminal?lesson=emptydir`, { headers: { Cookie: cookie, Origin: server.url } });
  const learner: Learner = { ws, text: '' };
  ws.on('message', (data, isBinary) => {
    if (!isBinary) learner.text += String(data);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const deadline = Date.now() + 60_000;
  while (!/~\/emptydir\x1b\[0m \$ $/.test(learner.text)) {
    if (Date.now() > deadline) throw new Error('no prompt');
    await new Promise((r) => setTimeout(r, 20));
  }
  return learner;
}

/** typeAndTime sends one character and resolves with the time until its echo comes back. */
function typeAndTime(learner: Learner, ch: string): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary && String(data).includes(ch)) {
        learner.ws.off('message', onMessage);
        resolve(performance.now() - start);
      }
    };
    learner.ws.on('message', onMessage);
    learner.ws.send(ch);
  });
}

async function concurrentTyping(liveView: boolean): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-bench-typing-'));
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const server = await startServer(dataDir, path.resolve('dist'), liveView);
  const label = liveView ? 'with the live view (5 watches per session)' : 'terminal only';
  console.log(`### ${SESSIONS} sessions, ${label}`);
  const learners: Learner[] = [];
  const openStart = performance.now();
  try {
    // Open sessions in small batches: each brings up a simulated cluster.
    for (let i = 0; i < SESSIONS; i += 10) {
      learners.push(...(await Promise.all(Array.from({ length: Math.min(10, SESSIONS - i) }, () => openLearner(server)))));
    }
    const openSeconds = (performance.now() - openStart) / 1000;
    global.gc?.();
    const rssSessions = process.memoryUsage().rss;
    // Let start-up settle (each live view lists and watches over TLS), then see how busy the
    // event loop is with every session open but nobody typing (clusters' own timers, pings).
    let idleElu = 1;
    let settle = 0;
    while (settle < 60) {
      const eluStart = nodePerformance.eventLoopUtilization();
      await new Promise((r) => setTimeout(r, 2000));
      settle += 2;
      idleElu = nodePerformance.eventLoopUtilization(eluStart).utilization;
      if (idleElu < 0.2) break;
    }
    const latencies: number[] = [];
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    await Promise.all(
      learners.map(async (learner, n) => {
        await new Promise((r) => setTimeout(r, (n * TYPING_INTERVAL_MS) / SESSIONS));
        for (let k = 0; k < KEYSTROKES_PER_SESSION; k++) {
          const ch = letters[(n + k) % letters.length]!;
          const t0 = performance.now();
          latencies.push(await typeAndTime(learner, ch));
          const rest = TYPING_INTERVAL_MS - (performance.now() - t0);
          if (rest > 0) await new Promise((r) => setTimeout(r, rest));
        }
      }),
    );
    console.log(
      `${SESSIONS} sessions opened (cluster + shell + socket each) in ${openSeconds.toFixed(1)} s; settled after ${settle} s; event loop ${(idleElu * 100).toFixed(0)} % busy while nobody types`,
    );
    console.log(
      `keystroke echo, ${SESSIONS} sessions typing (${latencies.length} keystrokes, one per ${TYPING_INTERVAL_MS} ms per session): p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}`,
    );
    console.log(
      `RSS with ${SESSIONS} sessions: ${(rssSessions / 2 ** 20).toFixed(0)} MiB (${((rssSessions - rssBefore) / 2 ** 20).toFixed(0)} MiB over the process before the server; ${((rssSessions - rssBefore) / SESSIONS / 1024).toFixed(0)} KiB per session; clients in the same process)`,
    );
  } finally {
    for (const l of learners) l.ws.terminate();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function (): Promise<void> {
  const siteDir = path.resolve(process.env.KSLAB_SITE_DIR ?? 'dist');
  // Typing first, in a fresh process, so its memory figure is not inflated by the page-load part.
  await concurrentTyping(false);
  await concurrentTyping(true);
  await pageLoadToPrompt(siteDir);
}
