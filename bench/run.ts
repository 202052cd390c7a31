/**
 * `npm run bench` runs every bench/*.bench.ts in turn (or those whose names
 * contain one of the arguments). Each benchmark module exports
 * `default async function (): Promise<void>` and prints its own figures;
 * tests never time things, benchmarks do.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`bench: no benchmark matches ${filters.join(', ') || '(none written yet)'}`);
  process.exitCode = 1;
}
for (const file of files) {
  console.log(`\n## ${file}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<void> };
  await mod.default();
}
