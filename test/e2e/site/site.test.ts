// The built course site (dist/, made by `npm run build` before the tests) in
// Debian's Chromium: every lesson page renders its title, manifests, diagrams
// and terminal pane without console errors or broken links; the home page
// lists the lessons in order; the narrow-screen drawer and the copy buttons work.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shellCommands } from '../../../site/lib/lesson-source.ts';
import { readCourse } from '../../unit/lessons/course-lint.ts';
import { launchChromium } from './browser.ts';
import { startStaticServer, type StartedStaticServer } from './static-server.ts';

const dist = path.resolve('dist');
const lessons = readCourse(path.resolve('lessons'))
  .filter((l) => l.frontmatter)
  .map((l) => ({ ...l, fm: l.frontmatter! }))
  .sort((a, b) => a.fm.order - b.fm.order);

const WIDE = { width: 1440, height: 900 };
const NARROW = { width: 390, height: 844 };

let server: StartedStaticServer;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('dist/index.html is missing: run `npm run build` first (npm test does).');
  server = await startStaticServer(dist);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** openPage opens a URL of the site and records console errors and failed requests while it lives. */
async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  const response = await page.goto(server.origin + url);
  expect(response?.status(), url).toBe(200);
  return { page, errors };
}

/** sameOriginTargets lists every link and asset URL of the page on this site, and the in-page fragments it links to. */
async function sameOriginTargets(page: Page): Promise<{ urls: string[]; fragments: string[] }> {
  const raw = await page.evaluate(() => {
    const attrs: string[] = [];
    for (const el of document.querySelectorAll('a[href], link[href]')) attrs.push((el as HTMLAnchorElement).href);
    for (const el of document.querySelectorAll('img[src], script[src], source[src]')) attrs.push((el as HTMLImageElement).src);
    return { attrs, here: location.href.split('#')[0] };
  });
  const urls = new Set<string>();
  const fragments = new Set<string>();
  for (const href of raw.attrs) {
    const url = new URL(href);
    if (url.origin !== server.origin) continue;
    if (url.href.split('#')[0] === raw.here && url.hash) fragments.add(decodeURIComponent(url.hash.slice(1)));
    else urls.add(url.href.split('#')[0]!);
  }
  return { urls: [...urls], fragments: [...fragments] };
}

describe('home page', () => {
  it('links every lesson in order, with its summary, time and exercise count', async () => {
    const context = await browser.newContext({ viewport: WIDE });
    try {
      const { page, errors } = await openPage(context, '/');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(/Kubernetes persistent storage/);
      const list = page.getByRole('list').filter({ has: page.getByRole('link', { name: lessons[0]!.fm.title }) });
      const items = list.getByRole('listitem');
      expect(await items.count()).toBe(lessons.length);
      for (const [i, lesson] of lessons.entries()) {
        const item = items.nth(i);
        const link = item.getByRole('link', { name: lesson.fm.title, exact: true });
        expect(await link.getAttribute('href')).toBe(`/lessons/${lesson.fm.id}/`);
        const text = await item.textContent();
        expect(text).toContain(lesson.fm.summary);
        expect(text).toContain(`${lesson.fm.minutes} min`);
        expect(text).toMatch(new RegExp(`\\b${lesson.fm.exercises.length} exercises?\\b`));
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('lesson pages', () => {
  it('exist for at least one lesson', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(1);
  });

  it.each(lessons.map((l) => [l.fm.id, l]))('/lessons/%s/ renders the lesson without errors or broken links', async (id, lesson) => {
    const context = await browser.newContext({ viewport: WIDE });
    try {
      const { page, errors } = await openPage(context, `/lessons/${id}/`);
      expect(await page.getByRole('heading', { level: 1, name: lesson.fm.title, exact: true }).count()).toBe(1);
      expect(await page.title()).toContain(lesson.fm.title);

      // Manifests: every <Manifest> shows its file, verbatim.
      const manifests = page.getByRole('figure', { name: /^Manifest / });
      expect(await manifests.count()).toBeGreaterThanOrEqual(1);
      const firstFile = lesson.references.manifests[0]!;
      const shown = await page.getByRole('figure', { name: `Manifest ${firstFile}`, exact: true }).first().locator('pre').textContent();
      expect(shown?.trimEnd()).toBe(fs.readFileSync(path.join(lesson.dir, 'manifests', firstFile), 'utf8').trimEnd());

      // Diagrams: an image with a text alternative that has really loaded.
      const diagrams = page.locator('figure.diagram').getByRole('img');
      expect(await diagrams.count()).toBeGreaterThanOrEqual(1);
      for (const img of await diagrams.all()) {
        expect((await img.getAttribute('alt'))?.length).toBeGreaterThan(0);
        await img.scrollIntoViewIfNeeded();
        expect(await img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
      }

      // Exercises: one box per frontmatter exercise, with its anchor and (empty) check panel.
      for (const exercise of lesson.fm.exercises) {
        const box = page.locator(`#exercise-${exercise.id}`);
        expect(await box.getByRole('heading', { name: exercise.title }).count(), exercise.id).toBe(1);
        expect(await box.locator(`[data-exercise-panel="${exercise.id}"]`).count()).toBe(1);
      }

      // Terminal pane: the status line and every shell command of the lesson.
      const pane = page.getByRole('complementary', { name: 'Terminal' });
      expect(await pane.isVisible()).toBe(true);
      expect(await pane.getByText('Live terminal: connects when the sandbox server is running').isVisible()).toBe(true);
      expect(await pane.locator('[data-terminal-mount]').count()).toBe(1);
      const commands = shellCommands(lesson.body).filter((l) => l.kind === 'command');
      expect(await pane.getByRole('listitem').locator('code').allTextContents()).toEqual(commands.map((c) => c.text));

      // No broken internal links or assets; in-page links point at existing ids.
      const { urls, fragments } = await sameOriginTargets(page);
      for (const url of urls) {
        const response = await page.request.get(url);
        expect(response.status(), url).toBe(200);
      }
      for (const fragment of fragments) {
        expect(await page.locator(`[id="${fragment}"]`).count(), `#${fragment}`).toBe(1);
      }
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('link to the previous and next lesson in order', async () => {
    if (lessons.length < 2) return;
    const context = await browser.newContext({ viewport: WIDE });
    try {
      const { page } = await openPage(context, `/lessons/${lessons[1]!.fm.id}/`);
      const nav = page.getByRole('navigation', { name: 'Previous and next lesson' });
      expect(await nav.getByRole('link', { name: new RegExp(lessons[0]!.fm.title) }).getAttribute('href')).toBe(`/lessons/${lessons[0]!.fm.id}/`);
      if (lessons[2]) {
        expect(await nav.getByRole('link', { name: new RegExp(lessons[2].fm.title) }).getAttribute('href')).toBe(`/lessons/${lessons[2].fm.id}/`);
      }
    } finally {
      await context.close();
    }
  });
});

describe('terminal pane on a narrow screen', () => {
  const lesson = lessons[0]!;

  it('is a drawer behind a Terminal toggle, which opens and closes it', async () => {
    const context = await browser.newContext({ viewport: NARROW });
    try {
      const { page, errors } = await openPage(context, `/lessons/${lesson.fm.id}/`);
      const toggle = page.getByRole('checkbox', { name: 'Terminal' });
      const pane = page.getByRole('complementary', { name: 'Terminal' });
      expect(await page.getByText('Terminal', { exact: true }).filter({ visible: true }).count()).toBe(1);
      expect(await pane.isVisible()).toBe(false);
      await page.getByText('Terminal', { exact: true }).filter({ visible: true }).click();
      expect(await toggle.isChecked()).toBe(true);
      expect(await pane.isVisible()).toBe(true);
      await pane.getByText('Close', { exact: true }).click();
      expect(await pane.isVisible()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('opens without JavaScript', async () => {
    const context = await browser.newContext({ viewport: NARROW, javaScriptEnabled: false });
    try {
      const { page } = await openPage(context, `/lessons/${lesson.fm.id}/`);
      await page.getByText('Terminal', { exact: true }).filter({ visible: true }).click();
      expect(await page.getByRole('complementary', { name: 'Terminal' }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('is a column beside the text on a wide screen, with no toggle', async () => {
    const context = await browser.newContext({ viewport: WIDE });
    try {
      const { page } = await openPage(context, `/lessons/${lesson.fm.id}/`);
      expect(await page.getByText('Terminal', { exact: true }).filter({ visible: true }).count()).toBe(1); // the pane's own title
      const article = await page.getByRole('article').boundingBox();
      const pane = await page.getByRole('complementary', { name: 'Terminal' }).boundingBox();
      expect(pane!.x).toBeGreaterThanOrEqual(article!.x + article!.width - 1);
    } finally {
      await context.close();
    }
  });
});

describe('copy buttons', () => {
  const lesson = lessons[0]!;

  it('copy a manifest to the clipboard and say so', async () => {
    const context = await browser.newContext({ viewport: WIDE });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    try {
      const { page, errors } = await openPage(context, `/lessons/${lesson.fm.id}/`);
      const file = lesson.references.manifests[0]!;
      const button = page.getByRole('button', { name: `Copy ${file}`, exact: true }).first();
      await button.click();
      await expect.poll(() => button.textContent()).toBe('Copied');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied.trimEnd()).toBe(fs.readFileSync(path.join(lesson.dir, 'manifests', file), 'utf8').trimEnd());
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('copy a command from the terminal pane', async () => {
    const command = lessons.flatMap((l) => shellCommands(l.body).filter((c) => c.kind === 'command').map((c) => ({ l, c })))[0];
    if (!command) return;
    const context = await browser.newContext({ viewport: WIDE });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    try {
      const { page } = await openPage(context, `/lessons/${command.l.fm.id}/`);
      await page.getByRole('button', { name: `Copy command: ${command.c.text}`, exact: true }).first().click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(command.c.text);
    } finally {
      await context.close();
    }
  });

  it('are on every fenced code block, and hidden when JavaScript is off', async () => {
    const withJs = await browser.newContext({ viewport: WIDE });
    const withoutJs = await browser.newContext({ viewport: WIDE, javaScriptEnabled: false });
    try {
      const { page } = await openPage(withJs, `/lessons/${lesson.fm.id}/`);
      const blocks = await page.locator('.lesson-body pre').count();
      expect(await page.locator('.lesson-body').getByRole('button', { name: /^Copy/ }).count()).toBe(blocks);
      const { page: plain } = await openPage(withoutJs, `/lessons/${lesson.fm.id}/`);
      expect(await plain.getByRole('button', { name: /^Copy/ }).count()).toBe(0);
      expect(await plain.locator('.lesson-body pre').count()).toBe(blocks);
    } finally {
      await withJs.close();
      await withoutJs.close();
    }
  });
});
