// The lesson page's live terminal in Debian's Chromium against a real
// `kslab serve` (SandboxServer + SimProvider + real kubectl) serving the built
// site: prompt, kubectl, the lesson's manifest from the working folder, the
// live view, a refresh, a server restart, and a second learner.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../site/browser.ts';
import { startServer } from '../../integration/sandbox/harness.ts';
import type { SandboxServer } from '../../../sandbox/server/sandbox-server.ts';
import { ClusterStartError } from '../../../sandbox/providers/types.ts';

const dist = path.resolve(process.env.KSLAB_SITE_DIR ?? 'dist');
const screens = '/tmp/screens';
const WIDE = { width: 1440, height: 900 };

let browser: Browser;
let server: SandboxServer;
let dataDir: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(dist, 'lessons', 'emptydir', 'index.html'))) {
    throw new Error(`${dist}/lessons/emptydir/index.html is missing: run \`npm run build\` first (npm test does).`);
  }
  fs.mkdirSync(screens, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-e2e-'));
  server = await startServer(dataDir, dist);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** terminalText is what the xterm.js screen shows (its DOM renderer keeps the rows as text). */
async function terminalText(page: Page): Promise<string> {
  return page.locator('.xterm-rows').innerText();
}

async function waitForTerminal(page: Page, pattern: RegExp, timeout = 20_000, unwrap = false): Promise<string> {
  const start = Date.now();
  for (;;) {
    const rows = await terminalText(page).catch(() => '');
    // unwrap joins the rows, for messages longer than the terminal is wide.
    const text = unwrap ? rows.replace(/\n/g, '') : rows;
    if (pattern.test(text)) return text;
    if (Date.now() - start > timeout) throw new Error(`terminal never showed ${pattern}; it shows:\n${text}`);
    await page.waitForTimeout(100);
  }
}

async function typeLine(page: Page, line: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

async function sessionId(page: Page): Promise<string> {
  return page.evaluate(async () => ((await (await fetch('/api/session')).json()) as { session: { id: string } }).session.id);
}

async function openLesson(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(`${server.url}/lessons/emptydir/`);
  return page;
}

describe('lesson page terminal', () => {
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let firstId = '';

  it('connects on load, shows the cluster, and runs kubectl get nodes', async () => {
    context = await browser.newContext({ viewport: WIDE });
    page = await openLesson(context, errors);
    await waitForTerminal(page, /~\/emptydir \$/);
    expect(await page.getByText('Simulated cluster (chosen with --provider sim)').isVisible()).toBe(true);
    await typeLine(page, 'kubectl get nodes');
    const text = await waitForTerminal(page, /lab-worker2/);
    expect(text).toMatch(/lab-control-plane/);
    expect(text).toMatch(/lab-worker\s/);
    firstId = await sessionId(page);
    await page.screenshot({ path: `${screens}/sandbox-get-nodes.png` });
    // Nothing on the page broke (a Content-Security-Policy violation would show here).
    expect(errors).toEqual([]);
  });

  it('edits the line: history with Up, completion with Tab, Ctrl-C abandons the line', async () => {
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type(' -o name');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /kubectl get nodes -o name\nnode\/lab-control-plane/);
    await page.keyboard.type('kubectl desc');
    await page.keyboard.press('Tab');
    await waitForTerminal(page, /\$ kubectl describe[\s\u00a0]*$/m);
    await page.keyboard.press('Control+C');
    await waitForTerminal(page, /kubectl describe \^C\n~\/emptydir \$/);
  });

  it('applies the lesson manifest from the working folder and shows the pod in the live view', async () => {
    await typeLine(page, 'ls');
    await waitForTerminal(page, /producer-consumer\.yaml/);
    await typeLine(page, 'kubectl apply -f producer-consumer.yaml');
    await waitForTerminal(page, /pod\/producer-consumer (created|configured)/);
    const view = page.locator('[data-cluster-view]');
    await view.getByText('producer-consumer', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await view.getByText('lab-worker2', { exact: true }).isVisible()).toBe(true);
    expect(await view.getByText('standard', { exact: true }).isVisible()).toBe(true);
    await page.screenshot({ path: `${screens}/sandbox-live-view.png`, fullPage: false });
  });

  it('powers a node off and on from the live view', async () => {
    const view = page.locator('[data-cluster-view]');
    await view.getByRole('button', { name: 'Power off lab-worker2' }).click();
    await view.getByRole('button', { name: 'Power on lab-worker2' }).waitFor({ timeout: 10_000 });
    expect(await view.locator('[data-node="lab-worker2"]').getByText('Powered off').isVisible()).toBe(true);
    await waitForTerminal(page, /node lab-worker2 was powered off from the page/, 10_000, true);
    await page.screenshot({ path: `${screens}/sandbox-power-off.png` });
    await view.getByRole('button', { name: 'Power on lab-worker2' }).click();
    await view.getByRole('button', { name: 'Power off lab-worker2' }).waitFor({ timeout: 10_000 });
    // The control plane is not a node lesson 1 relies on: no button.
    expect(await view.getByRole('button', { name: /lab-control-plane/ }).count()).toBe(0);
  });

  it('keeps the same cluster after a refresh', async () => {
    await page.reload();
    // The refreshed page shows the terminal as it was (scrollback), then runs a new command.
    await waitForTerminal(page, /pod\/producer-consumer created\n[\s\S]*~\/emptydir \$/);
    expect(await sessionId(page)).toBe(firstId);
    await typeLine(page, 'kubectl get pods -o name');
    await waitForTerminal(page, /get pods -o name\npod\/producer-consumer\n/);
  });

  it('keeps the same cluster after a server restart', async () => {
    const port = server.port;
    await server.close();
    server = await startServerOnPort(port);
    // The page reconnects by itself (backoff) to the restarted server.
    await waitForTerminal(page, /restarting|reconnect/i, 5000).catch(() => undefined);
    await page.waitForFunction(() => document.querySelector('[data-sandbox-state]')?.textContent?.includes('ready'), null, { timeout: 30_000 });
    expect(await sessionId(page)).toBe(firstId);
    await waitForTerminal(page, /your cluster, files and history were restored/, 20_000, true);
    await typeLine(page, 'kubectl get pods');
    await waitForTerminal(page, /\$ kubectl get pods\nNAME .*\nproducer-consumer /);
    await page.screenshot({ path: `${screens}/sandbox-after-restart.png` });
    expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
  });

  it('gives a second browser context a different cluster', async () => {
    const other = await browser.newContext({ viewport: WIDE });
    const page2 = await openLesson(other, []);
    await waitForTerminal(page2, /~\/emptydir \$/);
    expect(await sessionId(page2)).not.toBe(firstId);
    await typeLine(page2, 'kubectl get pods');
    await waitForTerminal(page2, /No resources found/);
    await page2.screenshot({ path: `${screens}/sandbox-second-learner.png` });
    await other.close();
    await context.close();
  });
});

describe('start-up failure and a full server, in the page', () => {
  it('shows a cluster that failed to start, and Retry brings it up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-e2e-fail-'));
    let failures = 1;
    // The real SimProvider, except that the first bring-up fails the way a provider reports it.
    const failing = await startServer(dir, dist, {}, {
      wrapProvider: (p) => ({
        ...p,
        name: p.name,
        simulated: p.simulated,
        close: () => p.close(),
        restore: p.restore?.bind(p),
        create: async (o) => {
          if (failures-- > 0) {
            o.onProgress?.({ step: 'installing storage', status: 'failed' });
            throw new ClusterStartError('installing storage', 'the node disk is full (failure injected by the test)');
          }
          return p.create(o);
        },
      }),
    });
    const context = await browser.newContext({ viewport: WIDE });
    try {
      const page = await context.newPage();
      await page.goto(`${failing.url}/lessons/emptydir/`);
      const banner = page.getByRole('alert');
      await banner.getByText('The cluster did not start: installing storage: the node disk is full (failure injected by the test)').waitFor({ timeout: 10_000 });
      await page.screenshot({ path: `${screens}/sandbox-start-failed.png` });
      await banner.getByRole('button', { name: 'Retry' }).click();
      await waitForTerminal(page, /~\/emptydir \$/);
      await typeLine(page, 'kubectl get nodes -o name');
      await waitForTerminal(page, /node\/lab-worker2/);
    } finally {
      await context.close();
      await failing.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says the server is full when --max-sessions are in use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-e2e-full-'));
    const full = await startServer(dir, dist, { maxSessions: 1 });
    const first = await browser.newContext({ viewport: WIDE });
    const second = await browser.newContext({ viewport: WIDE });
    try {
      const p1 = await first.newPage();
      await p1.goto(`${full.url}/lessons/emptydir/`);
      await waitForTerminal(p1, /~\/emptydir \$/);
      const p2 = await second.newPage();
      await p2.goto(`${full.url}/lessons/emptydir/`);
      await p2.getByRole('alert').getByText(/This sandbox server is full: all 1 learner sessions are in use/).waitFor({ timeout: 10_000 });
      expect(await p2.getByText('Server full').isVisible()).toBe(true);
      await p2.screenshot({ path: `${screens}/sandbox-server-full.png` });
    } finally {
      await first.close();
      await second.close();
      await full.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('session expiry in the page', () => {
  it('warns before the idle timeout and "I\'m still here" keeps the session', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-e2e-expiry-'));
    // 20 s idle timeout: the warning comes 10 s before the end, room enough for a loaded machine.
    const short = await startServer(dir, dist, { idleTimeoutMs: 20_000 }, { sweepIntervalMs: 200 });
    const context = await browser.newContext({ viewport: WIDE });
    try {
      const page = await context.newPage();
      await page.goto(`${short.url}/lessons/emptydir/`);
      await waitForTerminal(page, /~\/emptydir \$/);
      const id = await sessionId(page);
      const banner = page.getByRole('alert');
      await banner.getByText(/Your session ends at/).waitFor({ timeout: 20_000 });
      await page.screenshot({ path: `${screens}/sandbox-expiry-warning.png` });
      await banner.getByRole('button', { name: "I'm still here" }).click();
      expect(await banner.isVisible()).toBe(false);
      // Past the moment the session would have ended without the click, it is still the same one.
      await page.waitForTimeout(12_000);
      expect(await page.getByText('Session ended').count()).toBe(0);
      expect(await sessionId(page)).toBe(id);
    } finally {
      await context.close();
      await short.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** startServerOnPort restarts on the same port and data dir, as `kslab serve` would after a restart. */
function startServerOnPort(port: number): Promise<SandboxServer> {
  return startServer(dataDir, dist, {}, { port });
}
