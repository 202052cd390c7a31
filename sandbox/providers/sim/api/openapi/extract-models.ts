/**
 * extract-models regenerates models.json: for every model the simulated
 * server publishes (reachable from a served kind, see catalog.ts), its fields
 * as @kubernetes/client-node 1.4 describes them (`attributeTypeMap`: JSON name,
 * type string, format), its description and its field descriptions and
 * required fields. client-node 1.4 models the 1.34 API and its generator drops
 * the description of every field whose type is another model (`spec`,
 * `claimRef`, `nfs`, …) and every enum; the kubernetes-models dev dependency
 * declares the 1.33 API with all descriptions and enums as literal unions, so
 * it decides the 1.33 field set, descriptions, required fields and enums, and
 * client-node's doc comments fill in the rest. Only this script loads either
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

/** Interface133 is what a kubernetes-models declaration tells about one model of the 1.33 API. */
interface Interface133 {
  description?: string;
  fields: Map<string, { description?: string; type: string; required: boolean }>;
}

function jsdocText(block: string): string {
  const lines = block.split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
  while (lines.length && lines.at(-1) === '') lines.pop();
  return unescape(lines.join('\n').replace(/\\\*/g, '*'));
}

/**
 * parseInterface reads the first `export interface` of a kubernetes-models
 * declaration: its doc comment and each member's doc comment, type text and
 * optionality. kubernetes-models 4.5 describes the 1.33 API, with enum types
 * spelled as string-literal unions.
 */
function parseInterface(text: string): Interface133 {
  const at = text.indexOf('export interface ');
  const before = text.slice(0, at);
  const classDoc = /\/\*\*\n((?:\s*\*.*\n)+?)\s*\*\/\n$/.exec(before);
  const out: Interface133 = { description: classDoc ? jsdocText(classDoc[1]!) : undefined, fields: new Map() };
  const lines = text.slice(at).split('\n');
  let doc: string[] | undefined;
  let pendingDoc: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '}') break;
    if (/^ {4}\/\*\*$/.test(line)) {
      doc = [];
      continue;
    }
    if (doc) {
      if (/^ {5}\*\/$/.test(line)) {
        pendingDoc = jsdocText(doc.join('\n'));
        doc = undefined;
      } else doc.push(line);
      continue;
    }
    const member = /^ {4}"([^"]+)"(\?)?: (.*)$/.exec(line);
    if (!member) continue;
    let type = member[3]!;
    while (!type.endsWith(';') && i + 1 < lines.length) type += ` ${lines[++i]!.trim()}`;
    out.fields.set(member[1]!, { description: pendingDoc, type: type.slice(0, -1), required: !member[2] });
    pendingDoc = undefined;
  }
  return out;
}

/** enumValues reads a string-literal union (`"A" | "B"`, also as `Array<…>` items) from a declared type. */
function enumValues(type: string): { values: string[]; items: boolean } | undefined {
  const inner = /^Array<(.+)>$/.exec(type)?.[1];
  const union = inner ?? type;
  if (!/^"[^"]*"(?: \| "[^"]*")*$/.test(union)) return undefined;
  return { values: [...union.matchAll(/"([^"]*)"/g)].map((m) => m[1]!), items: inner !== undefined };
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
const clientNode = (model: string): ModelAttribute[] | undefined => {
  const cls = registryClasses[model];
  return cls && Array.isArray(cls.attributeTypeMap) ? cls.attributeTypeMap : undefined;
};

const require = createRequire(import.meta.url);
const modelsDir = dirname(require.resolve('@kubernetes/client-node/dist/gen/models/all.js'));
const nodeModules = join(dirname(require.resolve('kubernetes-models/package.json')), '..');

// First pass on client-node alone, only to learn each model's upstream name.
const names = buildCatalog(clientNode).schemaName;
const api133 = new Map<string, Interface133>();
for (const [model, schemaName] of names) {
  const pkg = schemaName.slice(0, schemaName.lastIndexOf('.'));
  const dir = modelsPackageDir[pkg];
  const declaration = dir ? join(nodeModules, dir, `${schemaName.slice(pkg.length + 1)}.d.ts`) : undefined;
  if (declaration && existsSync(declaration)) api133.set(model, parseInterface(readFileSync(declaration, 'utf8')));
}

/**
 * registry133 is client-node's 1.34 model set cut down to the fields the 1.33
 * API has (per kubernetes-models), so schemas, explain and strict field
 * validation match a 1.33 server; types only 1.34 fields use drop out of the walk.
 */
const registry133 = (model: string): ModelAttribute[] | undefined => {
  const attrs = clientNode(model);
  const known = api133.get(model);
  return attrs && known ? attrs.filter((a) => known.fields.has(a.baseName)) : attrs;
};

const out: Record<string, ModelEntry> = {};
let dropped = 0;
for (const [model] of [...buildCatalog(registry133).schemaName].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const attrs = registry133(model)!;
  dropped += clientNode(model)!.length - attrs.length;
  const own = parseDeclaration(readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8'));
  const known = api133.get(model);
  const entry: ModelEntry = { a: attrs.map((x) => [x.baseName, x.type, x.format]) };
  const description = known?.description ?? own.d;
  if (description) entry.d = description;
  for (const attr of attrs) {
    const field = known?.fields.get(attr.baseName);
    const text = field?.description ?? own.f?.[attr.baseName];
    if (text) (entry.f ??= {})[attr.baseName] = text;
    if (field ? field.required : own.r?.includes(attr.baseName)) (entry.r ??= []).push(attr.baseName);
    const values = field && enumValues(field.type);
    if (values) (entry.e ??= {})[attr.baseName] = values.items ? { items: values.values } : values.values;
  }
  out[model] = entry;
}
const target = join(dirname(fileURLToPath(import.meta.url)), 'models.json');
writeFileSync(target, JSON.stringify(out) + '\n');
console.log(`wrote ${Object.keys(out).length} models to ${target} (${dropped} fields newer than 1.33 left out)`);
