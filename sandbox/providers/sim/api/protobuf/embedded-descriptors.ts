/**
 * embedded-descriptors finds protobuf file descriptors inside a Go binary
 * (kubectl) for the descriptor extraction script: gogo-generated packages
 * (k8s.io/api, apimachinery) register gzipped FileDescriptorProtos. It also writes protobuf.js JSON for the messages reachable from given
 * roots, with map fields as protobuf.js maps. Only used by scripts, never at runtime.
 */
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

const fileDescriptorProto = (descriptor as unknown as { FileDescriptorProto: protobuf.Type }).FileDescriptorProto;

/** gzippedDescriptors returns the gzip-embedded descriptors whose file names are in `wanted`. */
export function gzippedDescriptors(bin: Buffer, wanted: Set<string>): Map<string, unknown> {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
  const files = new Map<string, unknown>();
  for (let off = bin.indexOf(header); off >= 0; off = bin.indexOf(header, off + header.length)) {
    let raw: Buffer;
    try {
      raw = zlib.inflateRawSync(bin.subarray(off + 10, off + 10 + 1_000_000), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    if (raw[0] !== 0x0a) continue;
    try {
      const file = fileDescriptorProto.decode(raw) as unknown as { name: string };
      if (wanted.has(file.name) && !files.has(file.name)) files.set(file.name, file);
    } catch {
      // not a descriptor after all
    }
  }
  return files;
}

/** rootFromDescriptors builds a protobuf.js root from decoded FileDescriptorProtos. */
export function rootFromDescriptors(files: unknown[]): protobuf.Root {
  return (protobuf.Root as unknown as { fromDescriptor(d: unknown): protobuf.Root }).fromDescriptor({ file: files });
}

type FieldJson = { type: string; id: number; rule?: string; keyType?: string };
export type NamespaceJson = { nested?: Record<string, NamespaceJson>; fields?: Record<string, FieldJson> };

/** mapEntryOf returns the key/value fields when a repeated field is a protobuf map (a nested `XxxEntry` type). */
function mapEntryOf(owner: protobuf.Type, field: protobuf.Field): { key: protobuf.Field; value: protobuf.Field } | undefined {
  const t = field.resolvedType;
  if (!field.repeated || !(t instanceof protobuf.Type) || t.parent !== owner || !t.name.endsWith('Entry')) return undefined;
  const key = t.fieldsById[1];
  const value = t.fieldsById[2];
  return key && value ? { key, value } : undefined;
}

/**
 * reachableJson writes the messages reachable from `roots` as protobuf.js
 * JSON. Fields whose type cannot be resolved in `root` become `bytes`.
 */
export function reachableJson(root: protobuf.Root, roots: string[]): NamespaceJson {
  const kept = new Map<string, Record<string, FieldJson>>();
  const typeName = (field: protobuf.Field): string => {
    try {
      field.resolve();
    } catch {
      return 'bytes';
    }
    return field.resolvedType ? `.${field.resolvedType.fullName.replace(/^\./, '')}` : field.type;
  };
  const visit = (type: protobuf.Type): void => {
    const name = type.fullName.replace(/^\./, '');
    if (kept.has(name)) return;
    const fields: Record<string, FieldJson> = {};
    kept.set(name, fields);
    for (const field of type.fieldsArray) {
      const tn = typeName(field);
      const entry = mapEntryOf(type, field);
      if (entry) {
        fields[field.name] = { keyType: entry.key.type, type: typeName(entry.value), id: field.id };
        if (entry.value.resolvedType instanceof protobuf.Type) visit(entry.value.resolvedType);
        continue;
      }
      fields[field.name] = { ...(field.repeated ? { rule: 'repeated' } : {}), type: tn, id: field.id };
      if (field.resolvedType instanceof protobuf.Type) visit(field.resolvedType);
    }
  };
  for (const name of roots) visit(root.lookupType(name));
  const out: NamespaceJson = {};
  for (const [name, fields] of [...kept].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const parts = name.split('.');
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node.nested ??= {})[part] ??= {};
    ((node.nested ??= {})[parts.at(-1)!] ??= {}).fields = fields;
  }
  return out;
}
