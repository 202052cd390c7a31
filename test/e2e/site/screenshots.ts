/**
 * screenshots: takes the pictures of the built site that a person looks at
 * before calling the design done (home, one lesson wide and narrow, the narrow
 * drawer open). Run after `npm run build`:
 *   node --import tsx test/e2e/site/screenshots.ts [lesson-id] [out-dir]
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from './browser.ts';
import { startStaticServer } from './static-server.ts';

const lessonId = process.argv[2] ?? 'nfs';
const outDir = process.argv[3] ?? '/tmp/screens';
fs.mkdirSync(outDir, { recursive: true });

const server = await startStaticServer(path.resolve('dist'));
const browser = await launchChromium();
try {
  const shots: Array<[string, string, { width: number; height: number }, boolean]> = [
    ['home-wide', '/', { width: 1366, height: 900 }, true],
    ['home-narrow', '/', { width: 390, height: 844 }, true],
    [`lesson-${lessonId}-wide`, `/lessons/${lessonId}/`, { width: 1440, height: 900 }, false],
    [`lesson-${lessonId}-wide-full`, `/lessons/${lessonId}/`, { width: 1440, height: 900 }, true],
    [`lesson-${lessonId}-narrow`, `/lessons/${lessonId}/`, { width: 390, height: 844 }, false],
  ];
  for (const [name, url, viewport, fullPage] of shots) {
    const page = await browser.newPage({ viewport });
    await page.goto(server.origin + url);
    await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage });
    await page.close();
  }
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${server.origin}/lessons/${lessonId}/`);
  await page.getByText('Terminal', { exact: true }).first().click();
  await page.screenshot({ path: path.join(outDir, `lesson-${lessonId}-narrow-drawer.png`) });
  // The lesson's building blocks, each scrolled into view on a wide screen.
  const wide = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await wide.goto(`${server.origin}/lessons/${lessonId}/`);
  for (const [name, selector] of [
    ['diagram', 'figure.diagram'],
    ['manifest', 'figure.manifest'],
    ['in-original', 'aside.in-original'],
    ['exercise', 'section.exercise'],
    ['pager', 'nav.pager'],
  ]) {
    const element = wide.locator(selector!).first();
    if ((await element.count()) === 0) continue;
    await element.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await wide.screenshot({ path: path.join(outDir, `lesson-${lessonId}-wide-${name}.png`) });
  }
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await server.close();
}
