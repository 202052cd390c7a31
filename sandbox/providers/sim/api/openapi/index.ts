/**
 * openapi serves the OpenAPI v3 discovery of the simulated server:
 * `/openapi/v3` (openapiRoot) lists one document per group version, each
 * fetched as `/openapi/v3/<gv>?hash=H` (openapiDocument). kubectl uses them
 * three ways (shared/research/kubectl-wire-protocol.md §2): to decide that
 * the server validates fields itself (a PATCH operation with the
 * `fieldValidation` query parameter and `x-kubernetes-group-version-kind`),
 * to compute client-side apply patches (component schemas with patch tags;
 * an incomplete schema triggers `unable to find api field`), and for
 * `kubectl explain`. Documents are static, generated once and cached; the
 * hash is a content hash so kubectl's immutable disk cache stays correct.
 */
import { createHash } from 'node:crypto';
import { resourceTypes, servedGroups, type ResourceType } from '../resources.ts';
import { PATCH, componentSchemas, referencedComponents, schemaNameForKind, type Schema } from './schemas.ts';

export { schemaFor, patchMetaAt, unknownFields, type StructuralSchema, type GroupVersionKind } from './structural.ts';

/** infoVersion is what `info.version` says; the documents describe a 1.33-shaped API. */
const infoVersion = 'v1.33.1+kslab-sim';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** operationGroup is the group part of upstream operation ids and tags: `Core`, `Apps`, `RbacAuthorization`, `Storage`. */
function operationGroup(group: string): string {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

function tag(rt: ResourceType): string {
  const g = operationGroup(rt.group);
  return `${g[0]!.toLowerCase()}${g.slice(1)}_${rt.version}`;
}

const stringParam = { type: 'string', uniqueItems: true };
const boolParam = { type: 'boolean', uniqueItems: true };
const intParam = { type: 'integer', uniqueItems: true };

const params = {
  pretty: { name: 'pretty', in: 'query', description: "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).", schema: stringParam },
  namespace: { name: 'namespace', in: 'path', description: 'object name and auth scope, such as for teams and projects', required: true, schema: stringParam },
  dryRun: {
    name: 'dryRun',
    in: 'query',
    description: 'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
    schema: stringParam,
  },
  fieldManager: {
    name: 'fieldManager',
    in: 'query',
    description: 'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
    schema: stringParam,
  },
  fieldValidation: {
    name: 'fieldValidation',
    in: 'query',
    description:
      'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
    schema: stringParam,
  },
  force: {
    name: 'force',
    in: 'query',
    description: 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
    schema: boolParam,
  },
  list: [
    ['allowWatchBookmarks', boolParam, 'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion.'],
    ['continue', stringParam, 'The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize.'],
    ['fieldSelector', stringParam, 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'],
    ['labelSelector', stringParam, 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'],
    ['limit', intParam, 'limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results.'],
    ['resourceVersion', stringParam, 'resourceVersion sets a constraint on what resource versions a request may be served from. See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset'],
    ['resourceVersionMatch', stringParam, 'resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions for details.\n\nDefaults to unset'],
    ['sendInitialEvents', boolParam, '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection.'],
    ['timeoutSeconds', intParam, 'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.'],
    ['watch', boolParam, 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.'],
  ].map(([name, schema, description]) => ({ name, in: 'query', description, schema })),
  delete: [
    ['gracePeriodSeconds', intParam, 'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.'],
    ['orphanDependents', boolParam, 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.'],
    ['propagationPolicy', stringParam, "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground."],
  ].map(([name, schema, description]) => ({ name, in: 'query', description, schema })),
};

const STATUS = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
const DELETE_OPTIONS = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';

function content(schemaName: string, types = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']): Record<string, { schema: Schema }> {
  return Object.fromEntries(types.map((t) => [t, { schema: { $ref: `#/components/schemas/${schemaName}` } }]));
}

function responses(codes: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, schemaName] of Object.entries(codes)) {
    out[code] = { description: code === '200' ? 'OK' : code === '201' ? 'Created' : 'Accepted', content: content(schemaName) };
  }
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** resourcePaths builds the upstream path items of one resource (collection, item, all-namespaces list, status). */
function resourcePaths(rt: ResourceType, kindSchema: string, listSchema: string | undefined): Record<string, unknown> {
  const base = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  const collection = rt.namespaced ? `${base}/namespaces/{namespace}/${rt.plural}` : `${base}/${rt.plural}`;
  const item = `${collection}/{name}`;
  const G = `${operationGroup(rt.group)}${rt.version[0]!.toUpperCase()}${rt.version.slice(1)}`;
  const scope = rt.namespaced ? 'Namespaced' : '';
  const gvk = { group: rt.group, kind: rt.kind, version: rt.version };
  const nameParam = { name: 'name', in: 'path', description: `name of the ${rt.kind}`, required: true, schema: stringParam };
  const has = (v: string) => rt.verbs.includes(v);
  const op = (action: string, id: string, description: string, extra: Record<string, unknown>, kind = gvk) => ({
    tags: [tag(rt)],
    description,
    operationId: id,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': kind,
  });
  const patchOp = (suffix: string, what: string) =>
    op('patch', `patch${G}${scope}${rt.kind}${suffix}`, `partially update ${what} of the specified ${rt.kind}`.replace('update  of', 'update'), {
      parameters: [params.dryRun, { ...params.fieldManager, description: `${params.fieldManager.description} This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).` }, params.fieldValidation, params.force],
      requestBody: { content: content(PATCH, ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']), required: true },
      responses: responses({ '200': kindSchema, '201': kindSchema }),
    });
  const writeParams = [params.dryRun, params.fieldManager, params.fieldValidation];

  const paths: Record<string, unknown> = {};
  const collectionItem: Record<string, unknown> = {};
  if (has('list') && listSchema) collectionItem.get = op('list', `list${G}${scope}${rt.kind}`, `list or watch objects of kind ${rt.kind}`, { parameters: params.list, responses: responses({ '200': listSchema }) });
  if (has('create')) {
    collectionItem.post = op('post', `create${G}${scope}${rt.kind}`, `create a ${rt.kind}`, {
      parameters: writeParams,
      requestBody: { content: { '*/*': { schema: { $ref: `#/components/schemas/${kindSchema}` } } }, required: true },
      responses: responses({ '200': kindSchema, '201': kindSchema, '202': kindSchema }),
    });
  }
  if (has('deletecollection')) {
    collectionItem.delete = op('deletecollection', `deleteCollection${G}${scope}${rt.kind}`, `delete collection of ${rt.kind}`, {
      parameters: [...params.list.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'), params.dryRun, ...params.delete],
      requestBody: { content: { '*/*': { schema: { $ref: `#/components/schemas/${DELETE_OPTIONS}` } } } },
      responses: responses({ '200': STATUS }),
    });
  }
  if (Object.keys(collectionItem).length) paths[collection] = { ...collectionItem, parameters: rt.namespaced ? [params.namespace, params.pretty] : [params.pretty] };

  const itemOps: Record<string, unknown> = {};
  if (has('get')) itemOps.get = op('get', `read${G}${scope}${rt.kind}`, `read the specified ${rt.kind}`, { responses: responses({ '200': kindSchema }) });
  if (has('update')) {
    itemOps.put = op('put', `replace${G}${scope}${rt.kind}`, `replace the specified ${rt.kind}`, {
      parameters: writeParams,
      requestBody: { content: { '*/*': { schema: { $ref: `#/components/schemas/${kindSchema}` } } }, required: true },
      responses: responses({ '200': kindSchema, '201': kindSchema }),
    });
  }
  if (has('delete')) {
    itemOps.delete = op('delete', `delete${G}${scope}${rt.kind}`, `delete a ${rt.kind}`, {
      parameters: [params.dryRun, ...params.delete],
      requestBody: { content: { '*/*': { schema: { $ref: `#/components/schemas/${DELETE_OPTIONS}` } } } },
      responses: responses({ '200': kindSchema, '202': kindSchema }),
    });
  }
  if (has('patch')) itemOps.patch = patchOp('', '');
  const itemParams = rt.namespaced ? [nameParam, params.namespace, params.pretty] : [nameParam, params.pretty];
  if (Object.keys(itemOps).length) paths[item] = { ...itemOps, parameters: itemParams };

  if (rt.namespaced && has('list') && listSchema) {
    paths[`${base}/${rt.plural}`] = {
      get: op('list', `list${G}${rt.kind}ForAllNamespaces`, `list or watch objects of kind ${rt.kind}`, { responses: responses({ '200': listSchema }) }),
      parameters: [...params.list, params.pretty],
    };
  }
  if (rt.hasStatus) {
    paths[`${item}/status`] = {
      get: op('get', `read${G}${scope}${rt.kind}Status`, `read status of the specified ${rt.kind}`, { responses: responses({ '200': kindSchema }) }),
      put: op('put', `replace${G}${scope}${rt.kind}Status`, `replace status of the specified ${rt.kind}`, {
        parameters: writeParams,
        requestBody: { content: { '*/*': { schema: { $ref: `#/components/schemas/${kindSchema}` } } }, required: true },
        responses: responses({ '200': kindSchema, '201': kindSchema }),
      }),
      patch: patchOp('Status', 'status'),
      parameters: itemParams,
    };
  }
  return paths;
}

/** groupVersionApi returns the path items of one group version and the component names they use directly. */
function groupVersionApi(group: string, version: string): { paths: Record<string, unknown>; roots: Set<string> } {
  const types = resourceTypes.filter((rt) => rt.group === group && rt.version === version);
  const paths: Record<string, unknown> = {};
  const roots = new Set<string>([STATUS, DELETE_OPTIONS, PATCH]);
  for (const rt of types) {
    const kindSchema = schemaNameForKind(rt.group, rt.version, rt.kind);
    if (!kindSchema) continue;
    const listSchema = schemaNameForKind(rt.group, rt.version, rt.listKind);
    roots.add(kindSchema);
    if (listSchema) roots.add(listSchema);
    Object.assign(paths, resourcePaths(rt, kindSchema, listSchema));
  }
  return { paths, roots };
}

function buildDocument(group: string, version: string): object {
  const { paths, roots } = groupVersionApi(group, version);
  const all = componentSchemas();
  const schemas: Record<string, Schema> = {};
  for (const name of [...referencedComponents(roots)].sort()) {
    const s = all.get(name);
    if (s) schemas[name] = s;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: infoVersion },
    paths,
    components: { schemas, securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } },
  };
}

/** OpenAPIDocument is one rendered group-version document and its content hash. */
export interface OpenAPIDocument {
  body: string;
  hash: string;
}

const documents = new Map<string, OpenAPIDocument>();

function render(group: string, version: string): OpenAPIDocument {
  const key = gvPath(group, version);
  let doc = documents.get(key);
  if (!doc) {
    const body = JSON.stringify(buildDocument(group, version));
    doc = { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
    documents.set(key, doc);
  }
  return doc;
}

/**
 * openapiDocument returns the document of one group version. `gvPath` is the
 * key used in the root (`api/v1`, `apis/apps/v1`); a leading `/` or
 * `/openapi/v3/` and a `?hash=` query are accepted. Unknown group versions give undefined.
 */
export function openapiDocument(path: string): OpenAPIDocument | undefined {
  const key = path.split('?')[0]!.replace(/^\/?(openapi\/v3\/)?/, '').replace(/\/+$/, '');
  for (const g of servedGroups()) {
    for (const v of g.versions) if (gvPath(g.group, v) === key) return render(g.group, v);
  }
  return undefined;
}

/** openapiRoot is the `/openapi/v3` index: one `serverRelativeURL` with a content hash per group version. */
export function openapiRoot(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const g of servedGroups()) {
    for (const v of g.versions) {
      const key = gvPath(g.group, v);
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${render(g.group, v).hash}` };
    }
  }
  return { paths };
}
