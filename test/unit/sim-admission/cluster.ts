/**
 * cluster: a tiny in-memory StoreReader over arrays of objects — a plain
 * implementation of the real interface admission reads through — plus a
 * request builder, for the sim-admission tests.
 */
import { findByKind, parseApiVersion } from '../../../sandbox/providers/sim/api/resources.ts';
import { StatusError } from '../../../sandbox/providers/sim/api/status.ts';
import type { AdmissionRequest } from '../../../sandbox/providers/sim/admission/index.ts';
import type { KObject, ResourceKey, StoreReader } from '../../../sandbox/providers/sim/store/types.ts';

export class ArrayStore implements StoreReader {
  constructor(readonly objects: KObject[] = []) {}

  private resourceOf(o: KObject): ResourceKey {
    const { group, version } = parseApiVersion(o.apiVersion);
    const rt = findByKind(group, version, o.kind);
    if (!rt) throw new Error(`unknown kind ${o.apiVersion} ${o.kind}`);
    return rt.storage;
  }

  get(key: ResourceKey, namespace: string, name: string): KObject | undefined {
    const o = this.objects.find((x) => {
      const r = this.resourceOf(x);
      return r.group === key.group && r.resource === key.resource && (x.metadata.namespace ?? '') === namespace && x.metadata.name === name;
    });
    return o ? structuredClone(o) : undefined;
  }

  list(key: ResourceKey, namespace?: string): KObject[] {
    return this.objects
      .filter((x) => {
        const r = this.resourceOf(x);
        return r.group === key.group && r.resource === key.resource && (namespace === undefined || (x.metadata.namespace ?? '') === namespace);
      })
      .map((x) => structuredClone(x));
  }

  resourceVersion(): string {
    return String(this.objects.length);
  }
}

/** baseCluster: what a fresh cluster has — namespaces default/kube-system and their default service accounts. */
export function baseCluster(extra: KObject[] = []): ArrayStore {
  return new ArrayStore([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' }, status: { phase: 'Active' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' }, status: { phase: 'Active' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } },
    ...extra,
  ]);
}

/** request builds an AdmissionRequest for `obj` (namespace from metadata, 'default' for namespaced kinds). */
export function request(
  operation: AdmissionRequest['operation'],
  obj: KObject,
  store: StoreReader,
  more: Partial<AdmissionRequest> = {},
): AdmissionRequest {
  const { group, version } = parseApiVersion(obj.apiVersion);
  const rt = findByKind(group, version, obj.kind);
  if (!rt) throw new Error(`unknown kind ${obj.kind}`);
  const namespace = rt.namespaced ? (obj.metadata.namespace ?? 'default') : '';
  const object = structuredClone(obj);
  if (rt.namespaced) object.metadata.namespace = namespace;
  return { operation, resource: rt, namespace, name: obj.metadata.name ?? '', object, store, dryRun: false, ...more };
}

/** refusal runs fn and returns the StatusError it throws (failing when it throws none). */
export function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a StatusError');
}
