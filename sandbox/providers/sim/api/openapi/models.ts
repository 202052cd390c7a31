/**
 * models gives the server the API type metadata of @kubernetes/client-node
 * 1.4 (each model class's `attributeTypeMap`: JSON name, TypeScript type
 * string, OpenAPI format) together with the upstream descriptions, as
 * extracted into models.json by extract-models.ts. client-node's models are
 * generated from the upstream OpenAPI document, so this is the upstream type
 * graph; patch tags come from patch-meta.ts.
 */
import modelData from './models.json' with { type: 'json' };
import { buildCatalog, modelForKind as findModelForKind, referencedModels as findReferencedModels, type Catalog, type ModelAttribute } from './catalog.ts';
import type { ResourceType } from '../resources.ts';

export { shortName, type ModelAttribute } from './catalog.ts';

/**
 * ModelEntry is one model in models.json: a = [baseName, type, format] per
 * field, d/f = type and field descriptions, r = required fields, e = enum
 * values of string fields (`{items}` for lists of enum strings).
 */
export interface ModelEntry {
  a: [baseName: string, type: string, format: string][];
  d?: string;
  f?: Record<string, string>;
  r?: string[];
  e?: Record<string, string[] | { items: string[] }>;
}

const entries = modelData as unknown as Record<string, ModelEntry>;
const attributes = new Map<string, ModelAttribute[]>();

/** modelAttributes returns a model's fields, or undefined for models the server does not publish. */
export function modelAttributes(model: string): ModelAttribute[] | undefined {
  let attrs = attributes.get(model);
  if (!attrs) {
    const entry = entries[model];
    if (!entry) return undefined;
    attrs = entry.a.map(([baseName, type, format]) => ({ name: baseName, baseName, type, format }));
    attributes.set(model, attrs);
  }
  return attrs;
}

/** modelEntry returns a model's extracted descriptions and required fields. */
export function modelEntry(model: string): ModelEntry | undefined {
  return entries[model];
}

/** modelForKind is the client-node model of a served kind: `CoreV1Event`, `EventsV1Event`, `V1Pod`. */
export function modelForKind(group: string, version: string, kind: string): string | undefined {
  return findModelForKind(modelAttributes, group, version, kind);
}

/** referencedModels lists the model names a type string mentions (`Array<V1Container>` → `V1Container`). */
export function referencedModels(type: string): string[] {
  return findReferencedModels(modelAttributes, type);
}

let catalog: Catalog | undefined;

/** schemaNames maps every model reachable from a served kind to its upstream schema name. */
export function schemaNames(): ReadonlyMap<string, string> {
  catalog ??= buildCatalog(modelAttributes);
  return catalog.schemaName;
}

/** rootModels maps each served kind's model to its resource type. */
export function rootModels(): ReadonlyMap<string, ResourceType> {
  catalog ??= buildCatalog(modelAttributes);
  return catalog.roots;
}
