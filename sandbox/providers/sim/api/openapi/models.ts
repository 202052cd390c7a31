/**
 * models reads the API type metadata that @kubernetes/client-node 1.4 ships
 * with its generated model classes (each class's static `attributeTypeMap`:
 * JSON name, TypeScript type string, OpenAPI format) and names each model the
 * way the real server's OpenAPI does (`V1PodSpec` → `io.k8s.api.core.v1.PodSpec`).
 * Those model files are generated from the upstream OpenAPI document, so this
 * is the upstream type graph minus descriptions (see descriptions.json) and
 * minus the patch tags (see patch-meta.ts).
 */
import * as clientModels from '@kubernetes/client-node/dist/gen/models/all.js';
import { resourceTypes, type ResourceType } from '../resources.ts';

/** ModelAttribute is one field of a model as client-node describes it. */
export interface ModelAttribute {
  name: string;
  baseName: string;
  /** type: `string`, `number`, `boolean`, `Date`, `any`, `IntOrString`, `V1MicroTime`, `Array<T>`, `{ [key: string]: T; }` or a model name */
  type: string;
  format: string;
}

type ModelClass = { attributeTypeMap?: ModelAttribute[] };
const registry = clientModels as unknown as Record<string, ModelClass | undefined>;

/** modelAttributes returns a model's fields, or undefined when client-node has no such model. */
export function modelAttributes(model: string): ModelAttribute[] | undefined {
  const cls = registry[model];
  return cls && Array.isArray(cls.attributeTypeMap) ? cls.attributeTypeMap : undefined;
}

/** groupPrefix is the prefix client-node puts on a model whose short name exists in several groups (`CoreV1Event`). */
const groupPrefix: Record<string, string> = {
  '': 'Core',
  apps: 'Apps',
  batch: 'Batch',
  policy: 'Policy',
  'rbac.authorization.k8s.io': 'Rbac',
  'storage.k8s.io': 'Storage',
  'coordination.k8s.io': 'Coordination',
  'events.k8s.io': 'Events',
  autoscaling: 'Autoscaling',
};

/** apiPackage is the Go package segment of a group in upstream schema names (`io.k8s.api.<pkg>.v1.X`). */
const apiPackage: Record<string, string> = {
  '': 'core',
  apps: 'apps',
  batch: 'batch',
  policy: 'policy',
  'rbac.authorization.k8s.io': 'rbac',
  'storage.k8s.io': 'storage',
  'coordination.k8s.io': 'coordination',
  'events.k8s.io': 'events',
  autoscaling: 'autoscaling',
};

/** metaTypes live in apimachinery's meta/v1 package, whatever group uses them. */
const metaTypes = new Set([
  'ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'ManagedFieldsEntry', 'OwnerReference',
  'Condition', 'DeleteOptions', 'Preconditions', 'Status', 'StatusDetails', 'StatusCause', 'FieldSelectorRequirement',
]);

/**
 * coreOwned names core/v1 types that served core kinds don't reach, so the
 * reachability walk would otherwise file them under the group that uses them.
 */
const coreOwned = new Set(['TopologySelectorTerm', 'TopologySelectorLabelRequirement']);

/** modelForKind is the client-node model of a served kind: `CoreV1Event`, `EventsV1Event`, `V1Pod`. */
export function modelForKind(group: string, version: string, kind: string): string | undefined {
  const v = version[0]!.toUpperCase() + version.slice(1);
  const prefixed = `${groupPrefix[group] ?? ''}${v}${kind}`;
  if (modelAttributes(prefixed)) return prefixed;
  const plain = `${v}${kind}`;
  return modelAttributes(plain) ? plain : undefined;
}

/** shortName strips client-node's version/group prefix: `CoreV1EventSeries` → `EventSeries`. */
export function shortName(model: string): string {
  return model.replace(/^(?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?/, '');
}

/** referencedModels lists the model names a type string mentions (`Array<V1Container>` → `V1Container`). */
export function referencedModels(type: string): string[] {
  const inner = /^Array<(.+)>$/.exec(type)?.[1] ?? /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
  if (inner) return referencedModels(inner);
  return modelAttributes(type) ? [type] : [];
}

interface Catalog {
  /** schemaName maps a client-node model to its upstream schema name */
  schemaName: Map<string, string>;
  /** rootOf maps a served kind's model to its resource type */
  roots: Map<string, ResourceType>;
}

function buildCatalog(): Catalog {
  const schemaName = new Map<string, string>();
  const roots = new Map<string, ResourceType>();
  const assign = (model: string, group: string): void => {
    if (schemaName.has(model)) return;
    const name = shortName(model);
    const prefix = /^([A-Z][a-z]+)V\d/.exec(model)?.[1];
    const prefixGroup = prefix ? Object.keys(groupPrefix).find((g) => groupPrefix[g] === prefix) : undefined;
    let full: string;
    if (metaTypes.has(name)) full = `io.k8s.apimachinery.pkg.apis.meta.v1.${name}`;
    else if (coreOwned.has(name)) full = `io.k8s.api.core.v1.${name}`;
    else full = `io.k8s.api.${apiPackage[prefixGroup ?? group]}.v1.${name}`;
    schemaName.set(model, full);
    for (const attr of modelAttributes(model) ?? []) for (const ref of referencedModels(attr.type)) assign(ref, prefixGroup ?? group);
  };
  // Core kinds first: a type reachable from a core kind is a core type even if apps or batch use it too.
  for (const rt of resourceTypes) {
    const model = modelForKind(rt.group, rt.version, rt.kind);
    if (!model) continue;
    roots.set(model, rt);
    assign(model, rt.group);
    const list = modelForKind(rt.group, rt.version, rt.listKind);
    if (list) assign(list, rt.group);
  }
  // The meta types every group version document lists (DELETE bodies and error responses).
  for (const model of ['V1DeleteOptions', 'V1Status']) assign(model, '');
  return { schemaName, roots };
}

let catalog: Catalog | undefined;

/** schemaNames maps every model reachable from a served kind to its upstream schema name. */
export function schemaNames(): ReadonlyMap<string, string> {
  catalog ??= buildCatalog();
  return catalog.schemaName;
}

/** rootModels maps each served kind's model to its resource type. */
export function rootModels(): ReadonlyMap<string, ResourceType> {
  catalog ??= buildCatalog();
  return catalog.roots;
}
