/**
 * extract-models regenerates models.json: for every model the simulated
 * server publishes (reachable from a served kind, see catalog.ts), its fields
 * as @kubernetes/client-node 1.4 describes them (`attributeTypeMap`: JSON name,
 * type string, format), its description and its field descriptions and
 * required fields from client-node's `.d.ts` doc comments. client-node's
 * generator drops the description of every field whose type is another model
 * (`spec`, `claimRef`, `nfs`, …); those are taken from the kubernetes-models
 * dev dependency, whose declarations keep them. Only this script loads either
 * package; the server reads the JSON. Run it after upgrading client-node or
 * changing the served resources (a unit test notices a stale file):
 *   node --import tsx sandbox/providers/sim/api/openapi/extract-models.ts
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as clientModels from '@kubernetes/client-node/dist/gen/models/all.js';
import { buildCatalog, type ModelAttribute } from './catalog.ts';
import type { ModelEntry } from './models.ts';

interface Docs {
  d?: string;
  f?: Record<string, string>;
  r?: string[];
}

function unescape(s: string): string {
  return s.replace(/\\(['"\\])/g, '$1').trim();
}

function parseDeclaration(text: string): Docs {
  const doc: Docs = {};
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

/** parseInterfaceDocs reads `/** … *\/ "field"?: T;` members of a kubernetes-models interface declaration. */
function parseInterfaceDocs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = text.slice(text.indexOf('export interface '));
  for (const m of body.matchAll(/\/\*\*\n((?:\s*\*.*\n)+?)\s*\*\/\n\s*"([^"]+)"\??:/g)) {
    const lines = m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).filter((l, i, all) => i < all.length - 1 || l !== '');
    out[m[2]!] = unescape(lines.join('\n'));
  }
  return out;
}

/** modelsPackageDir maps an upstream schema package to its kubernetes-models folder. */
const modelsPackageDir: Record<string, string> = {
  'io.k8s.api.core.v1': 'kubernetes-models/v1',
  'io.k8s.api.apps.v1': 'kubernetes-models/apps/v1',
  'io.k8s.api.batch.v1': 'kubernetes-models/batch/v1',
  'io.k8s.api.policy.v1': 'kubernetes-models/policy/v1',
  'io.k8s.api.rbac.v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'io.k8s.api.storage.v1': 'kubernetes-models/storage.k8s.io/v1',
  'io.k8s.api.coordination.v1': 'kubernetes-models/coordination.k8s.io/v1',
  'io.k8s.api.events.v1': 'kubernetes-models/events.k8s.io/v1',
  'io.k8s.apimachinery.pkg.apis.meta.v1': '@kubernetes-models/apimachinery/apis/meta/v1',
};

const registryClasses = clientModels as unknown as Record<string, { attributeTypeMap?: ModelAttribute[] } | undefined>;
const registry = (model: string): ModelAttribute[] | undefined => {
  const cls = registryClasses[model];
  return cls && Array.isArray(cls.attributeTypeMap) ? cls.attributeTypeMap : undefined;
};

const require = createRequire(import.meta.url);
const modelsDir = dirname(require.resolve('@kubernetes/client-node/dist/gen/models/all.js'));
const nodeModules = join(dirname(require.resolve('kubernetes-models/package.json')), '..');
const out: Record<string, ModelEntry> = {};
let filled = 0;
for (const [model, schemaName] of [...buildCatalog(registry).schemaName].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const attrs = registry(model)!;
  const doc = parseDeclaration(readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8'));
  const pkg = schemaName.slice(0, schemaName.lastIndexOf('.'));
  const dir = modelsPackageDir[pkg];
  const declaration = dir ? join(nodeModules, dir, `${schemaName.slice(pkg.length + 1)}.d.ts`) : undefined;
  if (declaration && existsSync(declaration)) {
    const extra = parseInterfaceDocs(readFileSync(declaration, 'utf8'));
    for (const attr of attrs) {
      if (doc.f?.[attr.baseName] || !extra[attr.baseName]) continue;
      (doc.f ??= {})[attr.baseName] = extra[attr.baseName]!;
      filled++;
    }
  }
  out[model] = { a: attrs.map((x) => [x.baseName, x.type, x.format]), ...doc };
}
const target = join(dirname(fileURLToPath(import.meta.url)), 'models.json');
writeFileSync(target, JSON.stringify(out) + '\n');
console.log(`wrote ${Object.keys(out).length} models (${filled} field descriptions from kubernetes-models) to ${target}`);
