/**
 * The three patch formats the apiserver accepts on PATCH (plus the merge step
 * of server-side apply): JSON merge patch (RFC 7386), JSON patch (RFC 6902)
 * and Kubernetes' strategic merge patch with the directives kubectl sends
 * (`$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/…`,
 * `$setElementOrder/…`), modelled on k8s.io/apimachinery
 * pkg/util/strategicpatch/patch.go. Pure functions over plain JSON.
 */
import { StatusError, badRequest } from '../api/status.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonMap = { [k: string]: Json };

/** PatchMeta is what the schema says about a list or map field: its merge key and patch strategies. */
export interface PatchMeta {
  mergeKey?: string;
  strategy?: string[];
}

/** PatchMetaLookup answers PatchMeta for a field path (list indices left out: spec, template, spec, containers, env). */
export type PatchMetaLookup = (path: string[]) => PatchMeta;

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** jsonMergePatch applies an RFC 7386 merge patch. */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return clone(patch);
  const out: JsonMap = isMap(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = jsonMergePatch(out[k], v) as Json;
  }
  return out;
}

/** jsonPatchError builds the 422 the apiserver returns when a JSON patch cannot be applied (endpoints/handlers/patch.go). */
function jsonPatchError(message: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw jsonPatchError(`path "${p}" must start with "/"`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  return ak.length === bk.length && ak.every((k) => deepEqual((a as any)[k], (b as any)[k]));
}

export { deepEqual };

/** jsonPatch applies an RFC 6902 patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target) as Json;
  for (const raw of ops) {
    if (!isMap(raw)) throw jsonPatchError('invalid operation');
    const op = raw.op as string;
    const path = parsePointer(String(raw.path ?? ''));
    switch (op) {
      case 'add':
        doc = pointerAdd(doc, path, clone(raw.value as Json), raw.path as string);
        break;
      case 'remove':
        doc = pointerRemove(doc, path, raw.path as string).doc;
        break;
      case 'replace': {
        const r = pointerRemove(doc, path, raw.path as string, 'replace');
        doc = pointerAdd(r.doc, path, clone(raw.value as Json), raw.path as string);
        break;
      }
      case 'move': {
        const from = parsePointer(String(raw.from ?? ''));
        const r = pointerRemove(doc, from, raw.from as string, 'move');
        doc = pointerAdd(r.doc, path, r.value, raw.path as string);
        break;
      }
      case 'copy': {
        const from = parsePointer(String(raw.from ?? ''));
        doc = pointerAdd(doc, path, clone(pointerGet(doc, from, raw.from as string)), raw.path as string);
        break;
      }
      case 'test': {
        const v = pointerGet(doc, path, raw.path as string);
        if (!deepEqual(v, raw.value)) throw jsonPatchError(`testing value ${raw.path} failed: test failed`);
        break;
      }
      default:
        throw jsonPatchError(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

function pointerGet(doc: Json, path: string[], raw: string): Json {
  let cur: Json = doc;
  for (const p of path) {
    if (Array.isArray(cur)) cur = cur[Number(p)] as Json;
    else if (isMap(cur)) cur = cur[p] as Json;
    else cur = undefined as unknown as Json;
    if (cur === undefined) throw jsonPatchError(`unable to get nested value for key "${raw}": missing value`);
  }
  return cur;
}

function pointerAdd(doc: Json, path: string[], value: Json, raw: string): Json {
  if (path.length === 0) return value;
  const parent = pointerGet(doc, path.slice(0, -1), raw);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw jsonPatchError(`add operation does not apply: doc is missing path: "${raw}": invalid index referenced`);
    parent.splice(i, 0, value);
  } else if (isMap(parent)) {
    parent[last] = value;
  } else {
    throw jsonPatchError(`add operation does not apply: doc is missing path: "${raw}": missing value`);
  }
  return doc;
}

function pointerRemove(doc: Json, path: string[], raw: string, opName = 'remove'): { doc: Json; value: Json } {
  if (path.length === 0) return { doc: null, value: doc };
  let parent: Json;
  try {
    parent = pointerGet(doc, path.slice(0, -1), raw);
  } catch {
    throw jsonPatchError(`${opName} operation does not apply: doc is missing path: "${raw}": missing value`);
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw jsonPatchError(`${opName} operation does not apply: doc is missing path: "${raw}": missing value`);
    const [v] = parent.splice(i, 1);
    return { doc, value: v as Json };
  }
  if (isMap(parent) && last in parent) {
    const v = parent[last] as Json;
    delete parent[last];
    return { doc, value: v };
  }
  throw jsonPatchError(`${opName} operation does not apply: doc is missing path: "${raw}": missing value`);
}

const directivePrefixes = ['$setElementOrder/', '$deleteFromPrimitiveList/'];

/**
 * strategicMergePatch applies a strategic merge patch to `original`. `meta`
 * gives each list field's merge key and strategy (from the kind's OpenAPI
 * schema); lists without `merge` strategy are replaced wholesale.
 */
export function strategicMergePatch(original: unknown, patch: unknown, meta: PatchMetaLookup): unknown {
  if (!isMap(patch)) throw badRequest('the patch must be a JSON object for a strategic merge patch');
  const out = mergeMap(isMap(original) ? clone(original) : {}, patch, [], meta);
  return out ?? {};
}

function mergeMap(original: JsonMap, patch: JsonMap, path: string[], meta: PatchMetaLookup): JsonMap | undefined {
  const directive = patch['$patch'];
  if (directive === 'replace') {
    const rest = { ...patch };
    delete rest['$patch'];
    return stripDirectives(rest) as JsonMap;
  }
  if (directive === 'delete') return undefined;

  // $retainKeys: keys of the original not listed are cleared (used with the retainKeys strategy, e.g. volumes' sources).
  const retain = patch['$retainKeys'];
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
  }

  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = original[field];
      if (Array.isArray(cur) && Array.isArray(v)) {
        original[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      }
      continue;
    }
    if (k.startsWith('$setElementOrder/')) continue;
    if (v === null) {
      delete original[k];
      continue;
    }
    const childPath = [...path, k];
    const cur = original[k];
    if (isMap(v)) {
      if (isMap(cur)) {
        const merged = mergeMap(cur, v, childPath, meta);
        if (merged === undefined) delete original[k];
        else original[k] = merged;
      } else {
        const fresh = mergeMap({}, v, childPath, meta);
        if (fresh === undefined) delete original[k];
        else original[k] = fresh;
      }
      continue;
    }
    if (Array.isArray(v)) {
      const m = meta(childPath);
      if (m.strategy?.includes('merge')) {
        original[k] = mergeList(Array.isArray(cur) ? cur : [], v, childPath, m, meta);
      } else {
        original[k] = stripDirectives(v) as Json;
      }
      continue;
    }
    original[k] = v;
  }

  // $setElementOrder/<field>: put the merged list in the order the client sent (server-only items keep their place).
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/') || !Array.isArray(order)) continue;
    const field = k.slice('$setElementOrder/'.length);
    const list = original[field];
    if (!Array.isArray(list)) continue;
    const m = meta([...path, field]);
    original[field] = orderList(list, order, m.mergeKey);
  }
  return original;
}

function stripDirectives(v: Json): Json {
  if (Array.isArray(v)) return v.filter((x) => !(isMap(x) && x['$patch'] !== undefined && Object.keys(x).length === 1)).map(stripDirectives);
  if (!isMap(v)) return v;
  const out: JsonMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || directivePrefixes.some((p) => k.startsWith(p))) continue;
    out[k] = stripDirectives(x);
  }
  return out;
}

function mergeList(original: Json[], patch: Json[], path: string[], m: PatchMeta, meta: PatchMetaLookup): Json[] {
  // A `{"$patch": "replace"}` element replaces the whole list with the other elements.
  if (patch.some((x) => isMap(x) && x['$patch'] === 'replace')) {
    return patch.filter((x) => !(isMap(x) && x['$patch'] === 'replace')).map(stripDirectives);
  }
  const key = m.mergeKey;
  if (!key || !patch.every(isMap)) {
    // Primitive list with merge strategy (e.g. finalizers): union, keeping order.
    const out = [...original];
    for (const x of patch) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    return out;
  }
  const out = [...original];
  for (const item of patch as JsonMap[]) {
    const idx = out.findIndex((o) => isMap(o) && deepEqual(o[key], item[key]));
    if (item['$patch'] === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) {
      const merged = mergeMap(clone(out[idx] as JsonMap), item, path, meta);
      if (merged === undefined) out.splice(idx, 1);
      else out[idx] = merged;
    } else {
      const fresh = mergeMap({}, item, path, meta);
      if (fresh !== undefined) out.push(fresh);
    }
  }
  return out;
}

function orderList(list: Json[], order: Json[], mergeKey?: string): Json[] {
  const id = (x: Json): Json => (mergeKey && isMap(x) ? (x[mergeKey] as Json) : x);
  const ordered: Json[] = [];
  const used = new Set<number>();
  for (const o of order) {
    const want = mergeKey && isMap(o) ? o[mergeKey] : o;
    const i = list.findIndex((x, j) => !used.has(j) && deepEqual(id(x), want as Json));
    if (i >= 0) {
      used.add(i);
      ordered.push(list[i]!);
    }
  }
  // Server-only items go back after the item that preceded them in the original list.
  const result = [...ordered];
  list.forEach((x, j) => {
    if (used.has(j)) return;
    let insertAt = 0;
    for (let p = j - 1; p >= 0; p--) {
      const at = result.indexOf(list[p]!);
      if (at >= 0) {
        insertAt = at + 1;
        break;
      }
    }
    result.splice(insertAt, 0, x);
  });
  return result;
}
