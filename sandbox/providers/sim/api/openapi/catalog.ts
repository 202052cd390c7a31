/**
 * catalog names the API models the way the real server's OpenAPI does
 * (`V1PodSpec` → `io.k8s.api.core.v1.PodSpec`) and finds every model a
 * served kind reaches. It works on any model registry: the extraction script
 * runs it on @kubernetes/client-node's live model classes, the server on the
 * extracted models.json (so the server never loads client-node's ~700 model
 * modules, and the two always agree).
 */
import { resourceTypes, type ResourceType } from '../resources.ts';

/** ModelAttribute is one field of a model as client-node describes it. */
export interface ModelAttribute {
  name: string;
  baseName: string;
  /** type: `string`, `number`, `boolean`, `Date`, `any`, `IntOrString`, `V1MicroTime`, `Array<T>`, `{ [key: string]: T; }` or a model name */
  type: string;
  format: string;
}

/** ModelRegistry returns a model's fields, or undefined when there is no such model. */
export type ModelRegistry = (model: string) => ModelAttribute[] | undefined;

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

/** extraRoots are the meta types every group version document lists (DELETE bodies and error responses). */
const extraRoots = ['V1DeleteOptions', 'V1Status'];

/** modelForKind is the client-node model of a served kind: `CoreV1Event`, `EventsV1Event`, `V1Pod`. */
export function modelForKind(registry: ModelRegistry, group: string, version: string, kind: string): string | undefined {
  const v = version[0]!.toUpperCase() + version.slice(1);
  const prefixed = `${groupPrefix[group] ?? ''}${v}${kind}`;
  if (registry(prefixed)) return prefixed;
  const plain = `${v}${kind}`;
  return registry(plain) ? plain : undefined;
}

/** shortName strips client-node's version/group prefix: `CoreV1EventSeries` → `EventSeries`. */
export function shortName(model: string): string {
  return model.replace(/^(?:[A-Z][a-z]+)?V\d+(?:(?:alpha|beta)\d+)?/, '');
}

/** referencedModels lists the model names a type string mentions (`Array<V1Container>` → `V1Container`). */
export function referencedModels(registry: ModelRegistry, type: string): string[] {
  const inner = /^Array<(.+)>$/.exec(type)?.[1] ?? /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];
  if (inner) return referencedModels(registry, inner);
  return registry(type) ? [type] : [];
}

/** Catalog is the result of the walk: upstream names of every reachable model, and the served kinds' models. */
export interface Catalog {
  schemaName: Map<string, string>;
  roots: Map<string, ResourceType>;
}

/** buildCatalog walks from every served kind (core first) through the model registry. */
export function buildCatalog(registry: ModelRegistry): Catalog {
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
    for (const attr of registry(model) ?? []) for (const ref of referencedModels(registry, attr.type)) assign(ref, prefixGroup ?? group);
  };
  // Core kinds first: a type reachable from a core kind is a core type even if apps or batch use it too.
  for (const rt of resourceTypes) {
    const model = modelForKind(registry, rt.group, rt.version, rt.kind);
    if (!model) continue;
    roots.set(model, rt);
    assign(model, rt.group);
    const list = modelForKind(registry, rt.group, rt.version, rt.listKind);
    if (list) assign(list, rt.group);
  }
  for (const model of extraRoots) assign(model, '');
  return { schemaName, roots };
}
