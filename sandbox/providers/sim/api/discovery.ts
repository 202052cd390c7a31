/**
 * discovery answers the API discovery endpoints (`/api`, `/apis`, `/api/v1`,
 * `/apis/<group>`, `/apis/<group>/<version>`) from the resource registry, in
 * the two formats kubectl understands:
 *
 * - aggregated discovery (apidiscovery.k8s.io v2, or v2beta1 for kubectl
 *   1.27–1.29, which only ask for v2beta1 and fail on v2) for `/api` and
 *   `/apis`, chosen by the Accept header; the client recognises it by the
 *   response Content-Type alone (client-go discovery/discovery_client.go
 *   `ContentTypeIsGVK`), so that must be exact;
 * - legacy APIVersions / APIGroupList / APIGroup / APIResourceList otherwise.
 *   The per-group-version lists are always served: `kubectl drain` reads
 *   `/api/v1` for `pods/eviction` (kubectl pkg/drain CheckEvictionSupport).
 *
 * Shapes follow apimachinery pkg/apis/meta/v1/types.go and
 * k8s.io/api/apidiscovery/v2/types.go, field order included.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, parseApiVersion, resourceTypes, servedGroups, type ResourceType } from './resources.ts';
import { storageApiVersion } from './convert.ts';

/** DiscoveryResponse is what the server writes back for a discovery path; `etag` is the body's sha256, unquoted. */
export interface DiscoveryResponse {
  status: number;
  contentType: string;
  body: string;
  etag: string;
}

type AggregatedVersion = 'v2' | 'v2beta1';

/** aggregatedContentType is the exact media type client-go checks for (`ContentTypeIsGVK`). */
export function aggregatedContentType(v: AggregatedVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`;
}

/**
 * negotiateDiscovery picks the discovery format from an Accept header: v2 if
 * offered, else v2beta1, else legacy. Media-type parameters may come in any
 * order and with spaces; only the JSON encoding is served.
 */
export function negotiateDiscovery(accept: string | undefined): AggregatedVersion | 'legacy' {
  const offered = new Set<string>();
  for (const part of (accept ?? '').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    if (type?.toLowerCase() !== 'application/json') continue;
    const p = new Map(params.map((kv) => { const i = kv.indexOf('='); return [kv.slice(0, i).trim(), kv.slice(i + 1).trim()] as const; }));
    if (p.get('g') === 'apidiscovery.k8s.io' && p.get('as') === 'APIGroupDiscoveryList' && p.get('q') !== '0') {
      const v = p.get('v');
      if (v) offered.add(v);
    }
  }
  if (offered.has('v2')) return 'v2';
  if (offered.has('v2beta1')) return 'v2beta1';
  return 'legacy';
}

/**
 * storageVersionHash is apimachinery's discovery.StorageVersionHash: base64 of
 * the first 8 bytes of sha256("<group>/<version>/<kind>") of the storage version.
 */
function storageVersionHash(rt: ResourceType): string {
  const { group, version } = parseApiVersion(storageApiVersion(rt));
  return createHash('sha256').update(`${group}/${version}/${rt.kind}`).digest().subarray(0, 8).toString('base64');
}

function typesOf(group: string, version: string): ResourceType[] {
  return resourceTypes.filter((rt) => rt.group === group && rt.version === version);
}

/** legacyResourceList is the APIResourceList of one group version, subresources as `pods/eviction` entries. */
function legacyResourceList(group: string, version: string): object {
  const resources: object[] = [];
  for (const rt of typesOf(group, version)) {
    resources.push({
      name: rt.plural,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: rt.verbs,
      ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
      ...(rt.categories.length ? { categories: rt.categories } : {}),
      storageVersionHash: storageVersionHash(rt),
    });
    for (const sub of rt.subresources) {
      resources.push({
        name: `${rt.plural}/${sub.name}`,
        singularName: '',
        namespaced: rt.namespaced,
        ...(sub.group !== undefined ? { group: sub.group, version: sub.version } : {}),
        kind: sub.kind,
        verbs: sub.verbs,
      });
    }
  }
  // The core list carries no apiVersion on a real server; group lists do.
  return group === ''
    ? { kind: 'APIResourceList', groupVersion: version, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
}

function legacyGroup(group: string, versions: string[]): object {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

/**
 * aggregatedResource is one APIResourceDiscovery. Like the real server,
 * `responseKind` leaves group and version empty when they are the containing
 * group version's (kubernetes api/discovery/aggregated_v2.json); only
 * cross-group subresources (eviction, scale, token) name theirs.
 */
function aggregatedResource(rt: ResourceType): object {
  return {
    resource: rt.plural,
    responseKind: { group: '', version: '', kind: rt.kind },
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: rt.verbs,
    ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
    ...(rt.categories.length ? { categories: rt.categories } : {}),
    ...(rt.subresources.length
      ? {
          subresources: rt.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group ?? '', version: s.version ?? '', kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/** aggregatedList is the APIGroupDiscoveryList for `/api` (core only) or `/apis` (every named group). */
function aggregatedList(core: boolean, v: AggregatedVersion): object {
  const items = servedGroups()
    .filter((g) => (g.group === '') === core)
    .map((g) => ({
      // ObjectMeta's zero creationTimestamp marshals as null in 1.33.
      metadata: core ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((version) => ({
        version,
        resources: typesOf(g.group, version).map(aggregatedResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${v}`, metadata: {}, items };
}

function respond(contentType: string, doc: object): DiscoveryResponse {
  const body = JSON.stringify(doc);
  // etag is the bare hash; the HTTP layer quotes it in the ETag header.
  return { status: 200, contentType, body, etag: createHash('sha256').update(body).digest('hex') };
}

/** cache holds rendered documents: they depend only on the static registry. */
const cache = new Map<string, DiscoveryResponse>();

function render(path: string, format: AggregatedVersion | 'legacy'): DiscoveryResponse | undefined {
  const json = 'application/json';
  if (path === '/api') {
    return format === 'legacy'
      ? respond(json, { kind: 'APIVersions', versions: ['v1'] })
      : respond(aggregatedContentType(format), aggregatedList(true, format));
  }
  if (path === '/apis') {
    return format === 'legacy'
      ? respond(json, { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups().filter((g) => g.group).map((g) => legacyGroup(g.group, g.versions)) })
      : respond(aggregatedContentType(format), aggregatedList(false, format));
  }
  if (path === '/api/v1') return respond(json, legacyResourceList('', 'v1'));
  const m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m) return undefined;
  const served = servedGroups().find((g) => g.group === m[1]);
  if (!served || !m[1]) return undefined;
  if (m[2] === undefined) return respond(json, { kind: 'APIGroup', apiVersion: 'v1', ...legacyGroup(served.group, served.versions) });
  if (!served.versions.includes(m[2])) return undefined;
  return respond(json, legacyResourceList(served.group, m[2]));
}

/**
 * discovery answers a discovery path, or returns undefined when the path is
 * not a discovery endpoint of a served group (the caller then answers 404).
 * Only `/api` and `/apis` have an aggregated form; the others ignore Accept.
 */
export function discovery(path: string, accept: string | undefined): DiscoveryResponse | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const format = clean === '/api' || clean === '/apis' ? negotiateDiscovery(accept) : 'legacy';
  const key = `${format} ${clean}`;
  const hit = cache.get(key);
  if (hit) return hit;
  // Only real documents are cached: unknown paths come from clients and would grow the map.
  const fresh = render(clean, format);
  if (fresh) cache.set(key, fresh);
  return fresh;
}

/** groupVersionPaths lists the per-group-version discovery paths (`/api/v1`, `/apis/apps/v1`, …). */
export function groupVersionPaths(): string[] {
  return servedGroups().flatMap((g) => g.versions.map((v) => (g.group ? `/apis/${apiVersionOf({ group: g.group, version: v })}` : `/api/${v}`)));
}
