// Lesson 3's exercise panels in Debian's Chromium against a real `kslab serve`
// (sim provider, real kubectl) serving the built site: type the lesson's
// commands, click Check and see every check pass; break the claim and see the
// intended hint; refresh and the progress marks are still there; the home
// page shows the lesson's progress; the panel re-checks by itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../site/browser.ts';
import { startServer } from '../../integration/sandbox/harness.ts';
import type { SandboxServer } from '../../../sandbox/server/sandbox-server.ts';

const dist = path.resolve(process.env.KSLAB_SITE_DIR ?? 'dist');
const screens = '/tmp/screens';

let browser: Browser;
let server: SandboxServer;
let dataDir: string;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  if (!fs.existsSync(path.join(dist, 'lessons', 'nfs', 'index.html'))) {
    throw new Error(`${dist}/lessons/nfs/index.html is missing: run \`npm run build\` first (npm test does).`);
  }
  fs.mkdirSync(screens, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-e2e-checks-'));
  server = await startServer(dataDir, dist);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitForTerminal(pattern: RegExp, timeout = 20_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    const text = await page.locator('.xterm-rows').innerText().catch(() => '');
    if (pattern.test(text)) return;
    if (Date.now() - start > timeout) throw new Error(`terminal never showed ${pattern}; it shows:\n${text}`);
    await page.waitForTimeout(100);
  }
}

async function typeLine(line: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

const exercise = (id: string) => page.locator(`#exercise-${id}`);

/** clickCheck clicks Check and waits for the results of that click (the panel counts rendered results). */
async function clickCheck(id: string): Promise<void> {
  const panel = page.locator(`[data-exercise-panel="${id}"]`);
  // Let a running automatic check finish first, so the click is not ignored as busy.
  await page.waitForFunction((sel) => !document.querySelector(sel)?.hasAttribute('data-busy'), `[data-exercise-panel="${id}"]`);
  const before = Number((await panel.getAttribute('data-checks')) ?? 0);
  await exercise(id).getByRole('button', { name: 'Check', exact: true }).click();
  await page.waitForFunction(
    ([sel, n]) => Number(document.querySelector(sel as string)?.getAttribute('data-checks') ?? 0) > (n as number),
    [`[data-exercise-panel="${id}"]`, before] as const,
    { timeout: 30_000 },
  );
}

describe('lesson 3 exercise panels', () => {
  it('passes every check of the first two exercises after the lesson\'s commands', async () => {
    await page.goto(`${server.url}/lessons/nfs/`);
    await waitForTerminal(/~\/nfs \$/);
    await typeLine('kubectl apply -f mysql-pv.yaml');
    await waitForTerminal(/persistentvolume\/mysql-pv created/);
    await typeLine('kubectl apply -f mysql-pvc.yaml');
    await waitForTerminal(/persistentvolumeclaim\/mysql-pvc created/);
    await clickCheck('nfs-pv-available');
    await clickCheck('nfs-bind-claim');
    expect(await exercise('nfs-bind-claim').getByRole('status').innerText()).toBe('All checks pass');
    expect(await exercise('nfs-bind-claim').locator('.check-result[data-status="pass"]').count()).toBe(3);
    expect(await exercise('nfs-bind-claim').getAttribute('data-progress')).toBe('pass');
    expect(await page.locator('.toc a[href="#exercise-nfs-bind-claim"]').innerText()).toMatch(/✓$/);
    await exercise('nfs-bind-claim').screenshot({ path: `${screens}/checks-nfs-pass.png` });
  });

  it('shows the intended hint when the claim asks for ReadWriteMany', async () => {
    // The learner edits the claim in the working folder (the test writes the file an editor would).
    const session = (await page.evaluate(async () => (await (await fetch('/api/session')).json()) as { session: { id: string } })).session.id;
    const claim = fs.readFileSync(path.resolve('lessons/03-nfs/variants/claim-rwx-against-rwo-volume.yaml'), 'utf8');
    fs.writeFileSync(path.join(dataDir, 'sessions', session, 'work', 'nfs', 'claim-rwx.yaml'), claim);
    await typeLine('kubectl delete pvc mysql-pvc');
    await waitForTerminal(/delete pvc mysql-pvc\n.*persistentvolumeclaim "mysql-pvc" deleted/);
    await typeLine('kubectl patch pv mysql-pv --type json -p \'[{"op":"remove","path":"/spec/claimRef"}]\'');
    await waitForTerminal(/persistentvolume\/mysql-pv patched/);
    await typeLine('kubectl apply -f claim-rwx.yaml');
    await waitForTerminal(/apply -f claim-rwx\.yaml\n.*persistentvolumeclaim\/mysql-pvc created/);
    await clickCheck('nfs-bind-claim');
    const failing = exercise('nfs-bind-claim').locator('.check-result[data-check="claim-matches-volume"]');
    expect(await failing.getAttribute('data-status')).toBe('fail');
    expect(await failing.locator('.check-result__hint').innerText()).toBe(
      'Hint: The claim asks for ReadWriteMany but the volume only offers ReadWriteOnce; a volume must offer every access mode the claim asks for.',
    );
    expect(await failing.locator('table').innerText()).toMatch(/accessModes\s+ReadWriteOnce\s+ReadWriteMany/);
    await exercise('nfs-bind-claim').screenshot({ path: `${screens}/checks-nfs-rwx-hint.png` });
  });

  it('keeps the progress marks after a refresh, and shows them on the home page', async () => {
    await page.reload();
    await waitForTerminal(/~\/nfs \$/);
    await page.locator('#exercise-nfs-bind-claim[data-progress="pass"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('.toc a[href="#exercise-nfs-pv-available"]').innerText()).toMatch(/✓$/);
    await page.goto(`${server.url}/`);
    expect(await page.locator('[data-lesson-progress="nfs"]').innerText()).toBe('2 of 4 done');
    await page.locator('.lesson-card', { hasText: 'NFS PersistentVolumes' }).screenshot({ path: `${screens}/checks-home-progress.png` });
  });

  it('re-checks by itself once the terminal goes quiet, so a fixed exercise lights up without a click', async () => {
    await page.goto(`${server.url}/lessons/nfs/`);
    await waitForTerminal(/~\/nfs \$/);
    await typeLine('kubectl apply -f mysql-nfs.yaml');
    await waitForTerminal(/deployment.apps\/mysql created/);
    // No click: the panel of the first exercise not yet passed (nfs-mysql-on-claim) shows results by itself.
    await exercise('nfs-mysql-on-claim').locator('.check-result').first().waitFor({ timeout: 20_000 });
    expect(await exercise('nfs-mysql-on-claim').locator('.check-result[data-check="deployment-uses-claim"]').getAttribute('data-status')).toBe('pass');
  });
});

describe('Solve on a lesson page', () => {
  it('applies the reference solution and shows every check passing', async () => {
    await page.goto(`${server.url}/lessons/emptydir/`);
    await waitForTerminal(/~\/emptydir \$/);
    const panel = page.locator('[data-exercise-panel="emptydir-memory"]');
    const before = Number((await panel.getAttribute('data-checks')) ?? 0);
    await exercise('emptydir-memory').getByRole('button', { name: 'Solve', exact: true }).click();
    await page.waitForFunction(
      ([sel, n]) => Number(document.querySelector(sel as string)?.getAttribute('data-checks') ?? 0) > (n as number),
      ['[data-exercise-panel="emptydir-memory"]', before] as const,
      { timeout: 60_000 },
    );
    expect(await exercise('emptydir-memory').getByRole('status').innerText()).toBe('All checks pass');
    expect(await exercise('emptydir-memory').locator('.check-result[data-status="pass"]').count()).toBe(3);
  });
});
