/**
 * structural turns the published component schemas into a resolved,
 * walkable tree for the server's own use: strategic merge patch
 * (`patchMetaAt`, the same lookups as apimachinery strategicpatch
 * PatchMetaFromOpenAPIV3) and field validation (`unknownFields`, the paths
 * apimachinery's strict JSON decoding reports, e.g.
 * `spec.template.spec.initContainers[0].restartPolicy`).
 */
import type { ResourceType } from '../resources.ts';
import { INT_OR_STRING, QUANTITY, componentSchemas, schemaNameForKind, type Schema } from './schemas.ts';

/** StructuralSchema is a resolved schema node: `$ref`/`allOf` followed, patch tags lifted into plain fields. */
export interface StructuralSchema {
  /** component is the upstream schema name this node resolves to, if any (`io.k8s.api.core.v1.Container`) */
  component?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema;
  items?: StructuralSchema;
  patchStrategy?: string[];
  patchMergeKey?: string;
  listType?: string;
  listMapKeys?: string[];
  /** opaque: any JSON is accepted below this node (RawExtension, FieldsV1, preserve-unknown-fields) */
  opaque?: boolean;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

const resolved = new Map<string, StructuralSchema>();

function componentNode(name: string): StructuralSchema {
  const hit = resolved.get(name);
  if (hit) return hit;
  const node: StructuralSchema = { component: name };
  // Registered before filling in, so recursive types resolve to the same object.
  resolved.set(name, node);
  const schema = componentSchemas().get(name);
  if (schema) Object.assign(node, convert(schema, name));
  return node;
}

function convert(schema: Schema, componentName?: string): StructuralSchema {
  const target = schema.$ref ?? schema.allOf?.[0]?.$ref;
  const base: StructuralSchema = target ? { ...componentNode(target.replace('#/components/schemas/', '')) } : {};
  if (!target) {
    if (componentName) base.component = componentName;
    if (schema.type) base.type = schema.type;
    if (schema.format) base.format = schema.format;
    if (schema.properties) {
      base.properties = {};
      for (const [k, v] of Object.entries(schema.properties)) base.properties[k] = convert(v);
    }
    if (schema.additionalProperties) base.additionalProperties = convert(schema.additionalProperties);
    if (schema.items) base.items = convert(schema.items);
    if (schema['x-kubernetes-preserve-unknown-fields'] || (schema.type === 'object' && !schema.properties && !schema.additionalProperties)) base.opaque = true;
  }
  if (schema.description) base.description = schema.description;
  if (schema['x-kubernetes-patch-strategy']) base.patchStrategy = schema['x-kubernetes-patch-strategy'].split(',');
  if (schema['x-kubernetes-patch-merge-key']) base.patchMergeKey = schema['x-kubernetes-patch-merge-key'];
  if (schema['x-kubernetes-list-type']) base.listType = schema['x-kubernetes-list-type'];
  if (schema['x-kubernetes-list-map-keys']) base.listMapKeys = schema['x-kubernetes-list-map-keys'];
  return base;
}

/** schemaFor returns the resolved schema of a served kind, or undefined for kinds without one. */
export function schemaFor(gvk: GroupVersionKind | ResourceType): StructuralSchema | undefined {
  const name = schemaNameForKind(gvk.group, gvk.version, gvk.kind);
  return name ? componentNode(name) : undefined;
}

/**
 * patchMetaAt returns the strategic-merge-patch tags of the field at `path`
 * (field names from the object root; list items are stepped into implicitly,
 * numeric segments are skipped): `['spec','containers']` → merge on `name`.
 */
export function patchMetaAt(gvk: GroupVersionKind, path: string[]): { mergeKey?: string; strategy?: string[] } {
  let node = schemaFor(gvk);
  for (const segment of path) {
    if (!node) return {};
    if (/^\d+$/.test(segment)) continue;
    if (node.items) node = node.items;
    node = node.properties?.[segment] ?? node.additionalProperties;
  }
  if (!node) return {};
  const out: { mergeKey?: string; strategy?: string[] } = {};
  if (node.patchMergeKey) out.mergeKey = node.patchMergeKey;
  if (node.patchStrategy) out.strategy = node.patchStrategy;
  return out;
}

function walk(value: unknown, node: StructuralSchema | undefined, path: string, out: string[]): void {
  if (!node || node.opaque || value === null || typeof value !== 'object') return;
  if (node.component === INT_OR_STRING || node.component === QUANTITY) return;
  if (Array.isArray(value)) {
    if (node.items) value.forEach((item, i) => walk(item, node.items, `${path}[${i}]`, out));
    return;
  }
  const join = (key: string) => (path ? `${path}.${key}` : key);
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const prop = node.properties?.[key];
    if (prop) walk(child, prop, join(key), out);
    else if (node.additionalProperties) walk(child, node.additionalProperties, join(key), out);
    else if (node.properties) out.push(join(key));
  }
}

/**
 * unknownFields lists the fields of `obj` that the kind's schema doesn't
 * define, as dotted paths in document order, the way strict decoding reports
 * them (`spec.containers[0].bogus`). Map values and IntOrString/Quantity
 * fields accept anything their type allows. Kinds without a schema yield [].
 */
export function unknownFields(gvk: GroupVersionKind, obj: unknown): string[] {
  const out: string[] = [];
  walk(obj, schemaFor(gvk), '', out);
  return out;
}
