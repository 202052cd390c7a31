/**
 * extract-descriptors regenerates k8s-protobuf.json, the protobuf.js
 * descriptor of the Kubernetes messages the simulated server decodes. Go
 * binaries built from k8s.io/api and k8s.io/apimachinery embed each
 * generated.proto as a gzipped FileDescriptorProto (registered with the
 * gogo/golang protobuf registry); this script finds them in a kubectl
 * binary, keeps the messages reachable from the kinds kubectl 1.32+ sends as
 * protobuf (typed-client writes: `kubectl create …`, `kubectl debug`), and
 * writes them out, so field numbers come from the real API, not from hand.
 *   node --import tsx sandbox/providers/sim/api/protobuf/extract-descriptors.ts [/path/to/kubectl]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { protobufRoots } from './kinds.ts';

const wanted = new Set([
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io/apimachinery/pkg/runtime/schema/generated.proto',
  'k8s.io/apimachinery/pkg/api/resource/generated.proto',
  'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
  'k8s.io/api/batch/v1/generated.proto',
  'k8s.io/api/policy/v1/generated.proto',
  'k8s.io/api/rbac/v1/generated.proto',
  'k8s.io/api/authentication/v1/generated.proto',
]);

const binary = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const bin = readFileSync(binary);
const gzipHeader = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
const files = new Map<string, unknown>();
for (let off = bin.indexOf(gzipHeader); off >= 0; off = bin.indexOf(gzipHeader, off + gzipHeader.length)) {
  let raw: Buffer;
  try {
    raw = zlib.inflateRawSync(bin.subarray(off + 10, off + 10 + 1_000_000), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    continue;
  }
  if (raw[0] !== 0x0a) continue;
  try {
    const file = (descriptor as unknown as { FileDescriptorProto: protobuf.Type }).FileDescriptorProto.decode(raw) as unknown as { name: string };
    if (wanted.has(file.name) && !files.has(file.name)) files.set(file.name, file);
  } catch {
    // not a descriptor after all
  }
}
const missing = [...wanted].filter((f) => !files.has(f));
if (missing.length) throw new Error(`not found in ${binary}: ${missing.join(', ')}`);

const root = (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor({ file: [...files.values()] });
root.resolveAll();

/** mapEntryOf returns the key/value fields when a repeated field is a protobuf map (a nested `XxxEntry` type). */
function mapEntryOf(owner: protobuf.Type, field: protobuf.Field): { key: protobuf.Field; value: protobuf.Field } | undefined {
  const t = field.resolvedType;
  if (!field.repeated || !(t instanceof protobuf.Type) || t.parent !== owner || !t.name.endsWith('Entry')) return undefined;
  const key = t.fieldsById[1];
  const value = t.fieldsById[2];
  return key && value ? { key, value } : undefined;
}

function typeName(field: protobuf.Field): string {
  return field.resolvedType ? `.${field.resolvedType.fullName.replace(/^\./, '')}` : field.type;
}

// Keep only what the root kinds reach; write maps as protobuf.js map fields.
type FieldJson = { type: string; id: number; rule?: string; keyType?: string };
const kept = new Map<string, Record<string, FieldJson>>();
const visit = (type: protobuf.Type): void => {
  const name = type.fullName.replace(/^\./, '');
  if (kept.has(name)) return;
  const fields: Record<string, FieldJson> = {};
  kept.set(name, fields);
  for (const field of type.fieldsArray) {
    field.resolve();
    const entry = mapEntryOf(type, field);
    if (entry) {
      entry.value.resolve();
      fields[field.name] = { keyType: entry.key.type, type: typeName(entry.value), id: field.id };
      if (entry.value.resolvedType instanceof protobuf.Type) visit(entry.value.resolvedType);
      continue;
    }
    fields[field.name] = { ...(field.repeated ? { rule: 'repeated' } : {}), type: typeName(field), id: field.id };
    if (field.resolvedType instanceof protobuf.Type) visit(field.resolvedType);
  }
};
visit(root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown'));
for (const name of protobufRoots()) visit(root.lookupType(name));

type Json = { nested?: Record<string, Json>; fields?: Record<string, FieldJson> };
const pruned: Json = {};
for (const [name, fields] of [...kept].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const parts = name.split('.');
  let node = pruned;
  for (const part of parts.slice(0, -1)) node = (node.nested ??= {})[part] ??= {};
  ((node.nested ??= {})[parts.at(-1)!] ??= {}).fields = fields;
}
const target = join(dirname(fileURLToPath(import.meta.url)), 'k8s-protobuf.json');
writeFileSync(target, JSON.stringify({ source: `generated.proto descriptors embedded in ${binary.split('/').pop()}`, ...pruned }) + '\n');
console.log(`kept ${kept.size} messages from ${files.size} files; wrote ${target}`);
