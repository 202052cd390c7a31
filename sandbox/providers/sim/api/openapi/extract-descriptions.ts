/**
 * extract-descriptions regenerates descriptions.json: the type and field
 * descriptions, and the required fields, of every model the simulated server
 * publishes, read from the doc comments in @kubernetes/client-node's `.d.ts`
 * model files (the JavaScript classes carry no descriptions at runtime).
 * Run it after upgrading client-node:
 *   node --import tsx sandbox/providers/sim/api/openapi/extract-descriptions.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaNames } from './models.ts';

/** ModelDoc is one model's entry: d = type description, f = field descriptions, r = required fields. */
export interface ModelDoc {
  d?: string;
  f?: Record<string, string>;
  r?: string[];
}

function unescape(s: string): string {
  return s.replace(/\\(['"\\])/g, '$1').trim();
}

function parseDeclaration(text: string): ModelDoc {
  const doc: ModelDoc = {};
  const cls = /\/\*\*\n\* ([^\n]*)\n\*\/\nexport declare class/.exec(text);
  if (cls) doc.d = unescape(cls[1]!);
  const lines = text.split('\n');
  let pending: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const comment = /^ {4}\* (.*)$/.exec(line);
    if (comment && lines[i - 1]?.trim() === '/**') {
      pending = unescape(comment[1]!);
      continue;
    }
    const prop = /^ {4}'([^']+)'(\?)?:/.exec(line);
    if (prop) {
      if (pending) (doc.f ??= {})[prop[1]!] = pending;
      if (!prop[2]) (doc.r ??= []).push(prop[1]!);
      pending = undefined;
    } else if (!/^\s*(\*\/|\/\*\*)\s*$/.test(line)) {
      pending = undefined;
    }
  }
  return doc;
}

const require = createRequire(import.meta.url);
const modelsDir = join(dirname(require.resolve('@kubernetes/client-node/dist/gen/models/all.js')));
const out: Record<string, ModelDoc> = {};
for (const model of [...schemaNames().keys()].sort()) {
  out[model] = parseDeclaration(readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8'));
}
const target = join(dirname(fileURLToPath(import.meta.url)), 'descriptions.json');
writeFileSync(target, JSON.stringify(out) + '\n');
console.log(`wrote ${Object.keys(out).length} models to ${target}`);
