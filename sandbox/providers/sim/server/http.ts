/**
 * handleApiRequest serves one authenticated request under a cluster's path
 * prefix: /version, discovery, OpenAPI, and the REST paths
 * (`/api/v1/...`, `/apis/<group>/<version>/...`) with their verbs, Tables,
 * watches and pod streams. Routing follows kube-apiserver's
 * (k8s.io/apiserver pkg/endpoints/installer.go; request info parsing in
 * pkg/endpoints/request/requestinfo.go).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KObject } from '../store/types.ts';
import { apiVersionOf, findResource, type ResourceType } from '../api/resources.ts';
import { discovery, groupVersionPaths } from '../api/discovery.ts';
import { StatusError, badRequest, methodNotSupported, pageNotFound } from '../api/status.ts';
import type { ClusterApi, DeleteOptions, FieldValidation, PatchType, WriteOptions } from './rest.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { decodeObjectBody, negotiateForm, readBody, sendJson, type AcceptedForm, type ProtobufDecoder } from './request.ts';
import { serveWatch, type WatchSettings } from './watch.ts';
import { servePodLogs } from '../streams/logs.ts';
import { issueServiceAccountToken } from './tokens.ts';
import { isAccessReviewPath, serveAccessReview } from './access-review.ts';
import type { ContainerRuntime } from '../streams/types.ts';

/** TableOptions / TableRenderer are the contract of ../api/tables. */
export interface TableOptions {
  includeObject?: 'None' | 'Metadata' | 'Object';
  now?: Date;
  resourceVersion?: string;
  continue?: string;
}
export type TableRenderer = (rt: ResourceType, objects: KObject[], options: TableOptions) => object;

/** ApiRenderers are the pure api/ modules the HTTP layer calls (wired in sim-server.ts). */
export interface ApiRenderers {
  toTable?: TableRenderer;
  openapiRoot?: () => object;
  openapiDocument?: (gvPath: string) => { body: string; hash: string } | undefined;
  decodeProtobuf?: ProtobufDecoder;
}

/** ClusterContext is what a request needs of its cluster. */
export interface ClusterContext {
  api: ClusterApi;
  runtime?: ContainerRuntime;
}

/** versionInfo is `/version`; the minor picks the kubectl the gcloud dispatcher runs (kubectl-wire-protocol.md). */
export const versionInfo = {
  major: '1',
  minor: '33',
  emulationMajor: '1',
  emulationMinor: '33',
  minCompatibilityMajor: '1',
  minCompatibilityMinor: '32',
  gitVersion: 'v1.33.1+kslab-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-05-15T00:00:00Z',
  goVersion: 'go1.24.2',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** RouteInfo is a parsed REST path. */
export interface RouteInfo {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watchPath: boolean;
}

/**
 * parseRoute turns `/api/v1/namespaces/ns/pods/p/log` into its parts, or
 * undefined for paths no served resource matches (the server then says 404
 * "the server could not find the requested resource", which is what makes
 * kubectl fall back or report "no matches").
 */
export function parseRoute(path: string): RouteInfo | undefined {
  const segs = path.split('/').filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else return undefined;
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  if (rest.length === 0) return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const rt = findResource(group, version, rest[2]!);
    if (rt && rt.namespaced) {
      if (rest.length > 5) return undefined;
      if (rest[4] !== undefined && !rt.subresources.some((s) => s.name === rest[4])) return undefined;
      return { rt, namespace: decodeURIComponent(rest[1]!), name: rest[3] && decodeURIComponent(rest[3]), subresource: rest[4], watchPath };
    }
  }
  const rt = findResource(group, version, rest[0]!);
  if (!rt || rest.length > 3) return undefined;
  if (rest[2] !== undefined && !rt.subresources.some((s) => s.name === rest[2])) return undefined;
  return { rt, name: rest[1] && decodeURIComponent(rest[1]), subresource: rest[2], watchPath };
}

function boolParam(q: URLSearchParams, k: string): boolean {
  const v = q.get(k);
  return v === 'true' || v === '1';
}

function intParam(q: URLSearchParams, k: string): number | undefined {
  const v = q.get(k);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${k}: ${v}`);
  return n;
}

function fieldValidationParam(q: URLSearchParams): FieldValidation | undefined {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return undefined;
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') {
    throw badRequest(`fieldValidation: Unsupported value: "${v}": supported values: "Ignore", "Strict", "Warn"`);
  }
  return v;
}

function dryRunParam(q: URLSearchParams): boolean {
  const all = q.getAll('dryRun');
  if (!all.length) return false;
  for (const v of all) if (v !== 'All') throw badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  return true;
}

function patchType(contentType: string | undefined): PatchType {
  const t = (contentType ?? '').split(';')[0]!.trim();
  switch (t) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
  }
  throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
}

function checkVerb(rt: ResourceType, verb: string): void {
  if (!rt.verbs.includes(verb)) throw methodNotSupported({ group: rt.group, resource: rt.plural }, verb);
}

function listBody(rt: ResourceType, items: KObject[], rv: string, cont?: string, remaining?: number): object {
  const metadata: Record<string, unknown> = { resourceVersion: rv };
  if (cont) metadata.continue = cont;
  if (remaining !== undefined) metadata.remainingItemCount = remaining;
  return { kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata, items };
}

function partialMetadata(obj: KObject, version: string): object {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

function tableContentType(version: string): string {
  return `application/json;as=Table;v=${version};g=meta.k8s.io`;
}

export interface HandlerSettings {
  renderers: ApiRenderers;
  watch: WatchSettings;
  /** tokenKeyPem signs service-account tokens (TokenRequest). */
  tokenKeyPem?: string;
}

/**
 * handleApiRequest answers one request whose cluster prefix has been
 * stripped (`path` starts with `/`). Errors become Status responses.
 */
export async function handleApiRequest(ctx: ClusterContext, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, settings: HandlerSettings): Promise<void> {
  const method = req.method ?? 'GET';
  if (path === '/version' || path === '/version/') {
    sendJson(res, 200, versionInfo);
    return;
  }
  if (path === '/' || path === '') {
    // The root lists the served paths, like kube-apiserver's index (`kubectl get --raw /`).
    const gv = groupVersionPaths();
    const groups = [...new Set(gv.filter((p) => p.startsWith('/apis/')).map((p) => p.split('/').slice(0, 3).join('/')))];
    sendJson(res, 200, { paths: ['/api', ...gv.filter((p) => p.startsWith('/api/')), '/apis', ...groups, ...gv.filter((p) => p.startsWith('/apis/')), '/healthz', '/livez', '/openapi/v2', '/openapi/v3', '/openapi/v3/', '/readyz', '/version'].sort() });
    return;
  }
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return;
  }
  if (path === '/openapi/v2' || path === '/openapi/v2/') {
    serveOpenApiV2(req, res);
    return;
  }
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    serveOpenApi(res, req, path, settings.renderers);
    return;
  }
  if (method === 'GET' && (path === '/api' || path === '/apis' || /^\/api\/[^/]+\/?$/.test(path) || /^\/apis\/[^/]+(\/[^/]+)?\/?$/.test(path))) {
    const d = discovery(path, req.headers.accept);
    if (d) {
      if (req.headers['if-none-match'] === d.etag || req.headers['if-none-match'] === `"${d.etag}"`) {
        res.writeHead(304, { ETag: `"${d.etag}"` });
        res.end();
        return;
      }
      res.writeHead(d.status, { 'Content-Type': d.contentType, ETag: `"${d.etag}"`, 'Cache-Control': 'public', Vary: 'Accept', 'Content-Length': String(Buffer.byteLength(d.body)) });
      res.end(d.body);
      return;
    }
  }
  if (isAccessReviewPath(path)) {
    const raw = await readBody(req);
    // The answer doesn't depend on the request (everything is allowed), so a protobuf body is not decoded.
    const json = raw.length && !(req.headers['content-type'] ?? '').includes('protobuf');
    serveAccessReview(path, method, json ? decodeObjectBody(raw, req.headers['content-type']) : undefined, res);
    return;
  }
  const route = parseRoute(path);
  if (!route) throw pageNotFound();
  await handleResource(ctx, req, res, route, query, settings);
}

/**
 * serveOpenApiV2 answers `/openapi/v2` with a document that lists no
 * schemas: the simulated server publishes its schemas only as OpenAPI v3.
 * kubectl falls back to v2 for group versions v3 doesn't list (e.g.
 * apps/v1beta1) and, finding no schema there, skips client-side validation
 * instead of failing with "failed to download openapi" — so the user gets
 * the real `no matches for kind` error (kubectl pkg/validation/schema.go
 * validateResource). The protobuf form of an empty openapi_v2.Document is
 * zero bytes.
 */
function serveOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
  if ((req.headers.accept ?? '').includes('protobuf')) {
    res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': '0' });
    res.end();
    return;
  }
  sendJson(res, 200, { swagger: '2.0', info: { title: 'Kubernetes', version: versionInfo.gitVersion }, paths: {}, definitions: {} });
}

function serveOpenApi(res: ServerResponse, req: IncomingMessage, path: string, r: ApiRenderers): void {
  if (!r.openapiRoot || !r.openapiDocument) throw pageNotFound();
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    sendJson(res, 200, r.openapiRoot());
    return;
  }
  const doc = r.openapiDocument(path.slice('/openapi/v3/'.length));
  if (!doc) throw pageNotFound();
  const etag = `"${doc.hash}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag });
    res.end();
    return;
  }
  // Hashed documents are immutable: kubectl then serves them from its disk cache (kubectl-wire-protocol.md §2).
  res.writeHead(200, {
    'Content-Type': 'application/json',
    ETag: etag,
    'Cache-Control': 'public, immutable',
    Expires: new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString(),
    'Content-Length': String(Buffer.byteLength(doc.body)),
  });
  res.end(doc.body);
}

async function handleResource(ctx: ClusterContext, req: IncomingMessage, res: ServerResponse, route: RouteInfo, q: URLSearchParams, settings: HandlerSettings): Promise<void> {
  const { rt, name, subresource } = route;
  const api = ctx.api;
  const method = req.method ?? 'GET';
  const namespace = route.namespace ?? '';
  if (rt.namespaced && route.namespace === undefined && (name !== undefined || method !== 'GET')) throw pageNotFound();
  if (subresource && !rt.subresources.some((s) => s.name === subresource)) throw pageNotFound();
  const form = negotiateForm(req.headers.accept);
  const renderers = settings.renderers;

  // Pod streams: log (plain text), exec/attach (WebSocket and SPDY upgrades are routed in sim-server.ts).
  if (subresource === 'log' && rt.kind === 'Pod' && rt.group === '') {
    if (method !== 'GET') throw methodNotSupported({ group: '', resource: 'pods/log' }, method.toLowerCase());
    await servePodLogs(api, ctx.runtime, namespace, name!, q, res);
    return;
  }
  if ((subresource === 'exec' || subresource === 'attach') && rt.kind === 'Pod') {
    // Upgrades (WebSocket or SPDY) are served from the server's 'upgrade' event; a plain request can't stream.
    api.get(rt, namespace, name!);
    throw badRequest('Upgrade request required');
  }
  if (subresource === 'portforward' || subresource === 'proxy') {
    throw new StatusError(503, 'ServiceUnavailable', `${rt.plural}/${subresource} is not available in this simulated cluster (kslab-sim models no network to proxy to)`);
  }

  if (method === 'GET') {
    const watch = route.watchPath || boolParam(q, 'watch');
    if (name === undefined || watch) {
      const labelSelector = parseLabelSelector(q.get('labelSelector'));
      const fieldSelector = parseFieldSelector(q.get('fieldSelector'), rt.storage.resource, rt.storage.group === '' && rt.group === 'events.k8s.io' ? 'events.k8s.io' : rt.group);
      if (name !== undefined) {
        // Watch on a single object path: the same as metadata.name=<name>.
        const byName = parseFieldSelector(`metadata.name=${name}`, rt.storage.resource, rt.group);
        fieldSelector.terms.push(...byName.terms);
        const inner = fieldSelector.matches;
        fieldSelector.matches = (o) => inner(o) && o.metadata.name === name;
      }
      if (watch) {
        checkVerb(rt, 'watch');
        const includeObject = (q.get('includeObject') as TableOptions['includeObject']) || 'Metadata';
        const table = form.as === 'Table' && renderers.toTable;
        serveWatch(
          api,
          rt,
          route.namespace,
          {
            resourceVersion: q.get('resourceVersion') ?? undefined,
            resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
            sendInitialEvents: boolParam(q, 'sendInitialEvents'),
            allowWatchBookmarks: boolParam(q, 'allowWatchBookmarks'),
            timeoutSeconds: intParam(q, 'timeoutSeconds'),
            labelSelector,
            fieldSelector,
          },
          res,
          table ? tableContentType((form as { version: string }).version) : 'application/json',
          (type, obj, first) => {
            if (type === 'BOOKMARK' || type === 'ERROR') return obj;
            if (table) {
              const t = renderers.toTable!(rt, [obj], { includeObject }) as Record<string, unknown>;
              if (!first) t.columnDefinitions = [];
              if (form.version === 'v1beta1') t.apiVersion = 'meta.k8s.io/v1beta1';
              return t;
            }
            if (form.as === 'PartialObjectMetadata') return partialMetadata(obj, form.version);
            return obj;
          },
          settings.watch,
        );
        return;
      }
      checkVerb(rt, 'list');
      const list = api.list(rt, route.namespace, { labelSelector, fieldSelector, limit: intParam(q, 'limit'), continue: q.get('continue') ?? undefined });
      sendRead(res, rt, form, list.items, true, renderers, q, list.resourceVersion, list.continue, list.remainingItemCount);
      return;
    }
    if (subresource === 'scale') {
      sendJson(res, 200, api.scaleOf(rt, api.get(rt, namespace, name)));
      return;
    }
    checkVerb(rt, 'get');
    const obj = api.get(rt, namespace, name);
    sendRead(res, rt, form, [obj], false, renderers, q, obj.metadata.resourceVersion ?? '');
    return;
  }

  const opts: WriteOptions = { dryRun: dryRunParam(q), fieldValidation: fieldValidationParam(q), fieldManager: q.get('fieldManager') ?? undefined, subresource };
  if (method === 'POST') {
    if (name !== undefined) {
      await handlePostSubresource(ctx, req, res, route, opts, settings);
      return;
    }
    const body = decodeObjectBody(await readBody(req), req.headers['content-type'], renderers.decodeProtobuf) as KObject;
    const r = api.create(rt, namespace, body, opts);
    sendJson(res, 201, r.object, r.warnings);
    return;
  }
  if (method === 'PUT') {
    if (name === undefined) throw methodNotSupported({ group: rt.group, resource: rt.plural }, 'update');
    checkVerb(rt, 'update');
    const body = decodeObjectBody(await readBody(req), req.headers['content-type'], renderers.decodeProtobuf) as KObject;
    const r = api.update(rt, namespace, name, body, opts);
    sendJson(res, r.created ? 201 : 200, r.object, r.warnings);
    return;
  }
  if (method === 'PATCH') {
    if (name === undefined) throw methodNotSupported({ group: rt.group, resource: rt.plural }, 'patch');
    checkVerb(rt, 'patch');
    const type = patchType(req.headers['content-type']);
    const raw = await readBody(req);
    const patch = decodeObjectBody(raw, type === 'apply' ? 'application/yaml' : 'application/json');
    const force = boolParam(q, 'force');
    if (type === 'apply' && !opts.fieldManager) {
      throw badRequest('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    }
    if (q.has('force') && type !== 'apply') throw badRequest('force: Forbidden: may not be specified for non-apply patch');
    const r = api.patch(rt, namespace, name, type, patch, { ...opts, force });
    sendJson(res, r.created ? 201 : 200, r.object, r.warnings);
    return;
  }
  if (method === 'DELETE') {
    const raw = await readBody(req);
    let body: Record<string, any> = {};
    if (raw.length) body = decodeObjectBody(raw, req.headers['content-type']) as Record<string, any>;
    const del: DeleteOptions = {
      dryRun: opts.dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
      gracePeriodSeconds: intParam(q, 'gracePeriodSeconds') ?? body.gracePeriodSeconds,
      propagationPolicy: (q.get('propagationPolicy') as DeleteOptions['propagationPolicy']) ?? body.propagationPolicy,
      preconditions: body.preconditions,
    };
    if (name === undefined) {
      const r = api.deleteCollection(rt, route.namespace, {
        labelSelector: parseLabelSelector(q.get('labelSelector')),
        fieldSelector: parseFieldSelector(q.get('fieldSelector'), rt.storage.resource, rt.group),
      }, del);
      sendJson(res, 200, listBody(rt, r.items, api.store.resourceVersion()), r.warnings);
      return;
    }
    const r = api.delete(rt, namespace, name, del);
    sendJson(res, 200, r.object, r.warnings);
    return;
  }
  throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
}

function sendRead(res: ServerResponse, rt: ResourceType, form: AcceptedForm, items: KObject[], isList: boolean, renderers: ApiRenderers, q: URLSearchParams, rv: string, cont?: string, remaining?: number): void {
  if (form.as === 'Table' && renderers.toTable) {
    const includeObject = (q.get('includeObject') as TableOptions['includeObject']) || 'Metadata';
    const table = renderers.toTable(rt, items, { includeObject, resourceVersion: rv, continue: cont }) as Record<string, unknown>;
    if (form.version === 'v1beta1') table.apiVersion = 'meta.k8s.io/v1beta1';
    sendJson(res, 200, table, [], tableContentType(form.version));
    return;
  }
  if (form.as === 'PartialObjectMetadata') {
    const body = isList
      ? { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${form.version}`, metadata: { resourceVersion: rv }, items: items.map((o) => partialMetadata(o, form.version)) }
      : partialMetadata(items[0]!, form.version);
    sendJson(res, 200, body, [], `application/json;as=${isList ? 'PartialObjectMetadataList' : 'PartialObjectMetadata'};v=${form.version};g=meta.k8s.io`);
    return;
  }
  sendJson(res, 200, isList ? listBody(rt, items, rv, cont, remaining) : items[0]);
}

/** handlePostSubresource serves POST on `pods/x/binding`, `pods/x/eviction`, and refuses the rest like the apiserver. */
async function handlePostSubresource(ctx: ClusterContext, req: IncomingMessage, res: ServerResponse, route: RouteInfo, opts: WriteOptions, settings: HandlerSettings): Promise<void> {
  const renderers = settings.renderers;
  const { rt, name, subresource } = route;
  const api = ctx.api;
  const namespace = route.namespace ?? '';
  if (rt.kind === 'Pod' && subresource === 'eviction') {
    const body = decodeObjectBody(await readBody(req), req.headers['content-type'], renderers.decodeProtobuf) as any;
    if (body?.metadata?.name && body.metadata.name !== name) {
      throw badRequest(`name in URL does not match name in Eviction object`);
    }
    const del = body?.deleteOptions ?? {};
    api.delete(rt, namespace, name!, { dryRun: opts.dryRun, gracePeriodSeconds: del.gracePeriodSeconds, preconditions: del.preconditions });
    sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    return;
  }
  if (rt.kind === 'Pod' && subresource === 'binding') {
    const body = decodeObjectBody(await readBody(req), req.headers['content-type']) as any;
    const node = body?.target?.name;
    if (!node) throw badRequest('Binding.target.name is required');
    const pod = api.get(rt, namespace, name!) as any;
    if (pod.spec?.nodeName) {
      throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${pod.spec.nodeName}"`, { name, kind: 'pods/binding' });
    }
    const next = structuredClone(pod);
    next.spec.nodeName = node;
    api.update(rt, namespace, name!, next, { dryRun: opts.dryRun, subresource: 'binding' });
    sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
    return;
  }
  if (rt.kind === 'ServiceAccount' && subresource === 'token' && settings.tokenKeyPem) {
    const body = decodeObjectBody(await readBody(req), req.headers['content-type'], renderers.decodeProtobuf) as any;
    const sa = api.get(rt, namespace, name!);
    const issued = issueServiceAccountToken({
      namespace,
      serviceAccount: name!,
      serviceAccountUid: sa.metadata.uid!,
      audiences: body?.spec?.audiences,
      expirationSeconds: body?.spec?.expirationSeconds,
      now: new Date(),
      keyPem: settings.tokenKeyPem,
    });
    sendJson(res, 201, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name, namespace, creationTimestamp: null },
      spec: { audiences: issued.audiences, expirationSeconds: issued.expirationSeconds, boundObjectRef: body?.spec?.boundObjectRef ?? null },
      status: { token: issued.token, expirationTimestamp: issued.expirationTimestamp },
    });
    return;
  }
  throw methodNotSupported({ group: rt.group, resource: `${rt.plural}/${subresource ?? ''}` }, 'create');
}
