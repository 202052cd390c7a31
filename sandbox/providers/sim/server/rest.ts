/**
 * ClusterApi is the REST semantics of one simulated cluster, independent of
 * HTTP: what kube-apiserver's generic registry (k8s.io/apiserver
 * pkg/registry/generic/registry/store.go) and the per-resource strategies do
 * around a write — names (generateName), uid, creationTimestamp,
 * generation, resourceVersion preconditions, status/scale subresources,
 * finalizers and deletionTimestamp, dry-run, field validation, admission —
 * before the object reaches the ObjectStore.
 *
 * The HTTP layer (./http.ts) decodes requests and calls this; controllers
 * (sim part 2) can call it in-process to get the same semantics.
 * Objects in and out are in the version of `rt`; the store keeps the storage form.
 */
import { randomUUID } from 'node:crypto';
import type { KObject, StoreReader } from '../store/types.ts';
import type { AdmissionRequest, AdmissionResult } from '../admission/types.ts';
import type { ObjectStore } from '../store/store.ts';
import { apiVersionOf, parseApiVersion, type ResourceType } from '../api/resources.ts';
import { fromStorage, toStorage } from '../api/convert.ts';
import { StatusError, badRequest, conflict, invalid, methodNotSupported, notFound } from '../api/status.ts';
import { deepEqual, jsonMergePatch, jsonPatch, strategicMergePatch, type PatchMeta } from './patch.ts';
import type { FieldSelector, LabelSelector } from './selectors.ts';

/** Admit is the signature of ../admission's admit(): the REST layer takes it as an option so tests can run without admission. */
export type { AdmissionRequest, AdmissionResult };
export type Admit = (req: AdmissionRequest) => AdmissionResult;

/** GVK identifies a kind for the schema lookups. */
export interface GVK {
  group: string;
  version: string;
  kind: string;
}

/** SchemaLookup is what the REST layer needs from the OpenAPI module (../api/openapi). */
export interface SchemaLookup {
  patchMetaAt(gvk: GVK, path: string[]): PatchMeta;
  unknownFields(gvk: GVK, obj: KObject): string[];
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  dryRun?: boolean;
  /** fieldValidation defaults to Warn, the apiserver default since 1.25 (ServerSideFieldValidation GA in 1.27). */
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  /** subresource: `status` or `scale` writes go through those subresources' rules. */
  subresource?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WriteResult {
  object: KObject;
  warnings: string[];
  /** created is true when the write made a new object (201). */
  created?: boolean;
}

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** ListOptions narrows a list or deletecollection. */
export interface ListOptions {
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/**
 * generationKinds are the kinds whose strategies keep metadata.generation
 * (set to 1 on create, bumped when the spec changes); Deployment also bumps
 * on annotation changes (pkg/registry/apps/deployment/strategy.go).
 * Pods have it since 1.33 (KEP-5067).
 */
const generationKinds = new Set([
  'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'PodDisruptionBudget',
  'ReplicationController', 'Pod',
]);

/** nameChars is the alphabet of generated name suffixes (no vowels, so no words; apiserver names/generate.go). */
const nameChars = 'bcdfghjklmnpqrstvwxz2456789';

/** generateNameSuffix is apiserver's SimpleNameGenerator: 5 random chars from a vowel-free alphabet. */
export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += nameChars[Math.floor(Math.random() * nameChars.length)];
  return s;
}

/** nowTimestamp is metav1.Now() serialized: RFC 3339 at second precision. */
export function nowTimestamp(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function gr(rt: ResourceType): { group: string; resource: string } {
  return { group: rt.group, resource: rt.plural };
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** specPart is everything a generation bump looks at: the object minus type/object meta and status. */
function specPart(o: KObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, status: _s, ...rest } = o;
  return rest;
}

/** sameObject is the no-op check: equal apart from resourceVersion and managedFields (compared without copying). */
function sameObject(a: KObject, b: KObject): boolean {
  const { metadata: am, ...ar } = a;
  const { metadata: bm, ...br } = b;
  const { resourceVersion: _ar, managedFields: _af, ...amRest } = am;
  const { resourceVersion: _br, managedFields: _bf, ...bmRest } = bm;
  return deepEqual(amRest, bmRest) && deepEqual(ar, br);
}

export interface ClusterApiOptions {
  admit?: Admit;
  schema?: SchemaLookup;
  /** now is the clock (tests may pin it). */
  now?: () => Date;
}

export class ClusterApi {
  /**
   * appliedConfigs remembers, per object uid and field manager, the last
   * configuration server-side apply received, so a re-apply can remove the
   * fields the manager dropped (a simplification of managedFields ownership).
   */
  private readonly appliedConfigs = new Map<string, Map<string, KObject>>();

  constructor(
    public store: ObjectStore,
    private readonly options: ClusterApiOptions = {},
  ) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** get returns one object, or throws NotFound. */
  get(rt: ResourceType, namespace: string, name: string): KObject {
    const o = this.store.get(rt.storage, rt.namespaced ? namespace : '', name);
    if (!o) throw notFound(gr(rt), name);
    return fromStorage(rt, o);
  }

  /** list returns matching objects in (namespace, name) order, paged by limit/continue. */
  list(rt: ResourceType, namespace: string | undefined, opts: ListOptions = {}): ListResult {
    const rv = this.store.resourceVersion();
    let items = this.store.list(rt.storage, rt.namespaced ? namespace : undefined).map((o) => fromStorage(rt, o));
    if (opts.labelSelector && !opts.labelSelector.empty) items = items.filter((o) => opts.labelSelector!.matches(o.metadata.labels));
    if (opts.fieldSelector && opts.fieldSelector.terms.length) items = items.filter((o) => opts.fieldSelector!.matches(o));
    if (opts.continue) {
      const after = decodeContinue(opts.continue);
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    if (opts.limit && opts.limit > 0 && items.length > opts.limit) {
      const page = items.slice(0, opts.limit);
      const last = page[page.length - 1]!;
      return {
        items: page,
        resourceVersion: rv,
        continue: encodeContinue(`${last.metadata.namespace ?? ''}/${last.metadata.name}`, rv),
        remainingItemCount: items.length - page.length,
      };
    }
    return { items, resourceVersion: rv };
  }

  /** create stores a new object (POST). */
  create(rt: ResourceType, namespace: string, body: KObject, opts: WriteOptions = {}): WriteResult {
    if (!rt.verbs.includes('create')) throw methodNotSupported(gr(rt), 'create');
    const warnings: string[] = [];
    let obj = this.decodeBody(rt, body, namespace, warnings, opts.fieldValidation);
    const meta = obj.metadata;
    if (!meta.name) {
      if (meta.generateName) meta.name = `${meta.generateName}${generateNameSuffix()}`;
      else throw invalid(rt.kind, '', [{ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' }], rt.group);
    }
    if (rt.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    meta.uid = randomUUID();
    meta.creationTimestamp = nowTimestamp(this.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (generationKinds.has(rt.kind)) meta.generation = 1;
    else delete meta.generation;
    if (rt.hasStatus && rt.kind !== 'Pod' && rt.kind !== 'Node' && rt.kind !== 'Namespace' && rt.kind !== 'Service') {
      // Most strategies' PrepareForCreate clear the status a client sent (e.g. deployment/strategy.go).
      if (['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'PersistentVolumeClaim', 'PersistentVolume', 'PodDisruptionBudget', 'VolumeAttachment', 'ReplicationController'].includes(rt.kind)) {
        // Serialized as `status: {}` like the zero-value struct the real server returns.
        obj.status = {};
      }
    }
    if (rt.kind === 'Pod') {
      // pod strategy PrepareForCreate: status starts Pending with QoS set by admission/defaulting.
      obj.status = { phase: 'Pending', ...(obj.status && typeof obj.status === 'object' ? { qosClass: (obj.status as any).qosClass } : {}) };
    }
    obj = this.runAdmission(rt, 'CREATE', namespace, meta.name!, obj, undefined, !!opts.dryRun, warnings, opts.subresource);
    if (opts.dryRun) {
      if (this.store.get(rt.storage, rt.namespaced ? namespace : '', obj.metadata.name!)) {
        throw new StatusError(409, 'AlreadyExists', `${rt.group ? `${rt.plural}.${rt.group}` : rt.plural} "${obj.metadata.name}" already exists`, { name: obj.metadata.name, group: rt.group || undefined, kind: rt.plural });
      }
      return { object: obj, warnings, created: true };
    }
    const stored = this.store.create(rt.storage, toStorage(rt, obj));
    return { object: fromStorage(rt, stored), warnings, created: true };
  }

  /** update replaces an object (PUT), or its status/scale with opts.subresource. */
  update(rt: ResourceType, namespace: string, name: string, body: KObject, opts: WriteOptions = {}): WriteResult {
    if (opts.subresource === 'scale') return this.updateScale(rt, namespace, name, body, opts);
    const warnings: string[] = [];
    const current = this.get(rt, namespace, name);
    const obj = this.decodeBody(rt, body, namespace, warnings, opts.fieldValidation);
    if (obj.metadata.name && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    obj.metadata.name = name;
    return this.writeUpdate(rt, namespace, current, obj, opts, warnings);
  }

  /** patch applies one of the four patch types (PATCH); server-side apply creates a missing object. */
  patch(rt: ResourceType, namespace: string, name: string, type: PatchType, patch: unknown, opts: WriteOptions & { force?: boolean } = {}): WriteResult {
    if (opts.subresource === 'scale') {
      const scale = this.scaleOf(rt, this.get(rt, namespace, name));
      const patched = this.applyPatch(scale, type, patch, () => ({})) as KObject;
      return this.updateScale(rt, namespace, name, patched, opts);
    }
    let current: KObject | undefined;
    try {
      current = this.get(rt, namespace, name);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404 && type === 'apply' && !opts.subresource)) throw e;
    }
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    const meta = (path: string[]) => this.options.schema?.patchMetaAt(gvk, path) ?? {};
    if (type === 'apply') {
      const applied = this.checkApplyBody(rt, patch, name);
      this.checkApplyFields(rt, namespace, name, applied, meta);
      const manager = opts.fieldManager ?? '';
      if (!current) {
        // Unknown fields were refused above; the create must not report them again.
        const res = this.create(rt, namespace, clone(applied), { ...opts, fieldValidation: 'Ignore' });
        if (!opts.dryRun) this.rememberApplied(res.object.metadata.uid!, manager, applied);
        return res;
      }
      const previous = this.appliedConfigs.get(current.metadata.uid!)?.get(manager);
      const base = clone(current);
      if (previous) removeDropped(base, previous, applied, [], meta);
      const next = strategicMergePatch(base, applied, meta) as KObject;
      const warnings: string[] = [];
      const res = this.writeUpdate(rt, namespace, current, next, opts, warnings);
      if (!opts.dryRun) this.rememberApplied(current.metadata.uid!, manager, applied);
      return res;
    }
    const warnings: string[] = [];
    const next = this.applyPatch(current!, type, patch, meta) as KObject;
    if (!next || typeof next !== 'object' || Array.isArray(next)) throw badRequest('the patch produced something that is not an object');
    if (type !== 'json') this.checkUnknownFields(rt, patch as KObject, warnings, opts.fieldValidation, true);
    else this.checkUnknownFields(rt, next, warnings, opts.fieldValidation);
    // Identity fields a patch cannot change; a resourceVersion in the patch is a precondition.
    const nm = next.metadata ?? (next.metadata = {} as KObject['metadata']);
    if (nm.name !== undefined && nm.name !== name) throw badRequest(`the name of the object (${nm.name}) does not match the name on the URL (${name})`);
    nm.name = name;
    // A resourceVersion the patch carries stays in `next` and acts as a precondition in writeUpdate.
    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    return this.writeUpdate(rt, namespace, current!, next, opts, warnings);
  }

  private applyPatch(current: unknown, type: PatchType, patch: unknown, meta: (path: string[]) => PatchMeta): unknown {
    switch (type) {
      case 'json':
        return jsonPatch(current, patch);
      case 'merge':
        return jsonMergePatch(current, patch);
      case 'strategic':
        return strategicMergePatch(current, patch, meta);
      case 'apply':
        return strategicMergePatch(current, patch, meta);
    }
  }

  private checkApplyBody(rt: ResourceType, patch: unknown, name: string): KObject {
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw badRequest('error decoding YAML: the apply patch must be an object');
    const p = patch as KObject;
    if (!p.apiVersion || !p.kind) {
      throw badRequest(`invalid object type: ${!p.kind ? '' : p.kind}`);
    }
    if (p.apiVersion !== apiVersionOf(rt) || p.kind !== rt.kind) {
      throw badRequest(`the API version in the data (${p.apiVersion}) does not match the expected API version (${apiVersionOf(rt)})`);
    }
    if (p.metadata?.name && p.metadata.name !== name) {
      throw badRequest(`the name of the object (${p.metadata.name}) does not match the name on the URL (${name})`);
    }
    const out = clone(p);
    out.metadata = { ...(out.metadata ?? {}), name };
    return out;
  }

  /**
   * checkApplyFields refuses unknown fields in a server-side apply body
   * whatever fieldValidation says: the typed conversion of the apply patch
   * fails first (apiserver fieldmanager structuredmerge.go), with
   * structured-merge-diff's paths (`.spec.containers[name="app"].imagee`)
   * and no reason, so kubectl prints "Error from server: failed to create typed patch object …".
   */
  private checkApplyFields(rt: ResourceType, namespace: string, name: string, applied: KObject, meta: (path: string[]) => PatchMeta): void {
    const schema = this.options.schema;
    if (!schema) return;
    let unknown: string[];
    try {
      unknown = schema.unknownFields({ group: rt.group, version: rt.version, kind: rt.kind }, applied);
    } catch {
      return;
    }
    if (!unknown.length) return;
    const paths = unknown.map((f) => `${smdPath(applied, f, meta)}: field not declared in schema`);
    const nn = `${rt.namespaced ? namespace : ''}/${name}`;
    const gvk = `${rt.group}/${rt.version}, Kind=${rt.kind}`;
    const detail = paths.length === 1 ? paths[0] : `errors:\n  ${paths.join('\n  ')}`;
    throw new StatusError(500, '', `failed to create typed patch object (${nn}; ${gvk}): ${detail}`);
  }

  private rememberApplied(uid: string, manager: string, applied: KObject): void {
    let m = this.appliedConfigs.get(uid);
    if (!m) this.appliedConfigs.set(uid, (m = new Map()));
    m.set(manager, applied);
  }

  /** delete removes an object, or marks it with deletionTimestamp while finalizers (or a kubelet) still hold it. */
  delete(rt: ResourceType, namespace: string, name: string, opts: DeleteOptions = {}): WriteResult & { finished: boolean } {
    if (!rt.verbs.includes('delete')) throw methodNotSupported(gr(rt), 'delete');
    const current = this.get(rt, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(gr(rt), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(gr(rt), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    const warnings: string[] = [];
    this.runAdmission(rt, 'DELETE', namespace, name, undefined, current, !!opts.dryRun, warnings);
    const ns = rt.namespaced ? namespace : '';

    // Graceful pod deletion: a pod bound to a node waits for its kubelet
    // (pkg/registry/core/pod/strategy.go CheckGracefulDelete); unbound or
    // finished pods, and grace period 0, go at once.
    const podGrace = rt.kind === 'Pod' ? podGracePeriod(current, opts.gracePeriodSeconds) : 0;
    let finalizers = current.metadata.finalizers ?? [];
    const isNamespace = rt.kind === 'Namespace' && rt.group === '';
    // Orphan and Foreground propagation hold the object with a finalizer for the garbage collector
    // (registry/store.go deletionFinalizersForGarbageCollection); an explicit Background drops them.
    if (opts.propagationPolicy && !isNamespace) {
      const gc = opts.propagationPolicy === 'Orphan' ? 'orphan' : opts.propagationPolicy === 'Foreground' ? 'foregroundDeletion' : undefined;
      const next = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
      if (gc) next.push(gc);
      finalizers = next;
    }
    const finalizersChanged = JSON.stringify(finalizers) !== JSON.stringify(current.metadata.finalizers ?? []);
    if (finalizers.length > 0 || podGrace > 0 || isNamespace) {
      if (current.metadata.deletionTimestamp) {
        // Already being deleted: only the garbage-collection finalizers may still change.
        if (!finalizersChanged || opts.dryRun) return { object: current, warnings, finished: false };
        const updated = clone(current);
        updated.metadata.finalizers = finalizers;
        const stored = this.store.update(rt.storage, toStorage(rt, updated), current.metadata.resourceVersion);
        return { object: fromStorage(rt, stored), warnings, finished: false };
      }
      const marked = clone(current);
      if (finalizers.length) marked.metadata.finalizers = finalizers;
      else delete marked.metadata.finalizers;
      const now = this.now();
      marked.metadata.deletionTimestamp = nowTimestamp(new Date(now.getTime() + podGrace * 1000));
      marked.metadata.deletionGracePeriodSeconds = podGrace;
      // Setting deletionTimestamp bumps a kept generation (registry/store.go markAsDeleting, rest/delete.go BeforeDelete).
      if ((marked.metadata.generation ?? 0) > 0) marked.metadata.generation = marked.metadata.generation! + 1;
      if (isNamespace) {
        // The namespace controller (sim part 2) empties it and removes spec.finalizers; until then it is Terminating.
        (marked as any).status = { ...((marked as any).status ?? {}), phase: 'Terminating' };
        if (!(marked as any).spec?.finalizers?.length && finalizers.length === 0) {
          // Nothing holds it: a namespace without the `kubernetes` finalizer goes right away.
          return this.removeNow(rt, ns, name, current, opts, warnings);
        }
      }
      if (opts.dryRun) return { object: marked, warnings, finished: false };
      const stored = this.store.update(rt.storage, toStorage(rt, marked), current.metadata.resourceVersion);
      return { object: fromStorage(rt, stored), warnings, finished: false };
    }
    return this.removeNow(rt, ns, name, current, opts, warnings);
  }

  private removeNow(rt: ResourceType, ns: string, name: string, current: KObject, opts: DeleteOptions, warnings: string[]): WriteResult & { finished: boolean } {
    if (opts.dryRun) return { object: current, warnings, finished: true };
    const gone = this.store.remove(rt.storage, ns, name);
    this.appliedConfigs.delete(current.metadata.uid!);
    return { object: fromStorage(rt, gone), warnings, finished: true };
  }

  /** deleteCollection deletes every matching object (DELETE on a collection) and returns them. */
  deleteCollection(rt: ResourceType, namespace: string | undefined, list: ListOptions, opts: DeleteOptions = {}): { items: KObject[]; warnings: string[] } {
    if (!rt.verbs.includes('deletecollection')) throw methodNotSupported(gr(rt), 'deletecollection');
    const items: KObject[] = [];
    const warnings: string[] = [];
    for (const o of this.list(rt, namespace, { ...list, limit: undefined, continue: undefined }).items) {
      try {
        const r = this.delete(rt, o.metadata.namespace ?? '', o.metadata.name!, opts);
        items.push(r.object);
        warnings.push(...r.warnings);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return { items, warnings };
  }

  /** scaleOf renders the autoscaling/v1 Scale of a workload (pkg/registry/apps/deployment/storage ScaleREST). */
  scaleOf(rt: ResourceType, obj: KObject): KObject {
    const o = obj as any;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: { replicas: o.status?.replicas ?? 0, selector: selectorString(o.spec?.selector) },
    };
  }

  private updateScale(rt: ResourceType, namespace: string, name: string, scale: KObject, opts: WriteOptions): WriteResult {
    if (!rt.subresources.some((s) => s.name === 'scale')) throw notFound(gr(rt), name);
    const current = this.get(rt, namespace, name);
    const replicas = (scale as any).spec?.replicas;
    if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
      throw invalid('Scale', name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }], 'autoscaling');
    }
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(gr(rt), name);
    const next = clone(current) as any;
    next.spec = { ...(next.spec ?? {}), replicas: replicas ?? 0 };
    const res = this.writeUpdate(rt, namespace, current, next, { ...opts, subresource: 'scale' }, []);
    return { object: this.scaleOf(rt, res.object), warnings: res.warnings };
  }

  /**
   * writeUpdate is the shared tail of update and patch: subresource rules,
   * immutable metadata, generation, finalizer-driven removal, admission,
   * optimistic concurrency, no-op detection.
   */
  private writeUpdate(rt: ResourceType, namespace: string, current: KObject, incoming: KObject, opts: WriteOptions, warnings: string[]): WriteResult {
    const name = current.metadata.name!;
    if (!rt.verbs.includes('update') && !rt.verbs.includes('patch')) throw methodNotSupported(gr(rt), 'update');
    let next: KObject;
    const sub = opts.subresource;
    if (sub === 'status') {
      // Status writes change only status (metav1.ResetObjectMetaForStatus + strategy PrepareForUpdate).
      next = clone(current);
      if ((incoming as any).status === undefined) delete (next as any).status;
      else (next as any).status = clone((incoming as any).status);
      next.metadata.resourceVersion = incoming.metadata?.resourceVersion;
      // deploymentStatusStrategy keeps annotations: the deployment controller writes the revision annotation with UpdateStatus, without a generation bump.
      if (rt.kind === 'Deployment' && incoming.metadata?.annotations) next.metadata.annotations = clone(incoming.metadata.annotations);
    } else if (sub === 'finalize' && rt.kind === 'Namespace') {
      next = clone(current);
      (next as any).spec = { ...((next as any).spec ?? {}), finalizers: (incoming as any).spec?.finalizers ?? [] };
      next.metadata.resourceVersion = incoming.metadata?.resourceVersion;
    } else {
      next = clone(incoming);
      next.metadata = next.metadata ?? ({} as KObject['metadata']);
      if (rt.hasStatus && sub !== 'scale') {
        // Main-resource writes keep the stored status.
        if ((current as any).status === undefined) delete (next as any).status;
        else (next as any).status = clone((current as any).status);
      }
    }
    const m = next.metadata;
    const cm = current.metadata;
    m.name = name;
    if (rt.namespaced) m.namespace = namespace;
    else delete m.namespace;
    m.uid = cm.uid;
    m.creationTimestamp = cm.creationTimestamp;
    if (cm.deletionTimestamp) m.deletionTimestamp = cm.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (cm.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = cm.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    delete m.selfLink;
    if (m.generateName === undefined && cm.generateName !== undefined) m.generateName = cm.generateName;
    if (m.managedFields === undefined && cm.managedFields !== undefined) m.managedFields = cm.managedFields;
    if (cm.deletionTimestamp) {
      const added = (m.finalizers ?? []).filter((f) => !(cm.finalizers ?? []).includes(f));
      if (added.length) {
        throw invalid(rt.kind, name, [{ type: 'Forbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` }], rt.group);
      }
    }
    if (m.finalizers && m.finalizers.length === 0) delete m.finalizers;

    const expectedRV = m.resourceVersion;
    if (expectedRV && expectedRV !== cm.resourceVersion) throw conflict(gr(rt), name);

    next.apiVersion = apiVersionOf(rt);
    next.kind = rt.kind;
    next = this.runAdmission(rt, 'UPDATE', namespace, name, next, current, !!opts.dryRun, warnings, sub);
    next.metadata.resourceVersion = cm.resourceVersion;

    // Generation follows spec changes only (and annotations for Deployments).
    // It is compared after admission has defaulted the incoming object, as the
    // apiserver decodes (and defaults) before the strategy's PrepareForUpdate
    // compares specs: replacing an object with its own manifest is no change.
    const nm = next.metadata;
    if (generationKinds.has(rt.kind)) {
      const changed = !deepEqual(specPart(current), specPart(next)) || (rt.kind === 'Deployment' && !deepEqual(cm.annotations ?? {}, nm.annotations ?? {}));
      nm.generation = (cm.generation ?? 1) + (changed && sub !== 'status' ? 1 : 0);
    } else if (cm.generation !== undefined) {
      nm.generation = cm.generation;
    } else delete nm.generation;

    if (sameObject(current, next)) {
      return { object: current, warnings };
    }
    const ns = rt.namespaced ? namespace : '';
    // An object being deleted goes once its last finalizer is removed (registry/store.go deleteWithoutFinalizers).
    const nsFinalizers = rt.kind === 'Namespace' ? ((next as any).spec?.finalizers ?? []).length : 0;
    if (cm.deletionTimestamp && !(next.metadata.finalizers?.length) && nsFinalizers === 0 && !(rt.kind === 'Pod' && (cm.deletionGracePeriodSeconds ?? 0) > 0)) {
      if (opts.dryRun) return { object: next, warnings };
      this.store.update(rt.storage, toStorage(rt, next), cm.resourceVersion);
      const gone = this.store.remove(rt.storage, ns, name);
      this.appliedConfigs.delete(cm.uid!);
      return { object: fromStorage(rt, gone), warnings };
    }
    if (opts.dryRun) return { object: next, warnings };
    const stored = this.store.update(rt.storage, toStorage(rt, next), cm.resourceVersion);
    return { object: fromStorage(rt, stored), warnings };
  }

  /**
   * decodeBody checks a request body's type meta against the URL (like the
   * apiserver's decoder does), fills them in when missing, and applies field
   * validation.
   */
  private decodeBody(rt: ResourceType, body: KObject, namespace: string, warnings: string[], fv: FieldValidation | undefined): KObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    const obj = clone(body);
    if (obj.apiVersion) {
      const { group, version } = parseApiVersion(obj.apiVersion);
      if (group !== rt.group || version !== rt.version) {
        throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(rt)})`);
      }
    }
    if (obj.kind && obj.kind !== rt.kind) {
      throw badRequest(`${obj.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: no kind "${obj.kind}" is registered for version "${apiVersionOf(rt)}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
    }
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    if (!obj.metadata || typeof obj.metadata !== 'object') obj.metadata = {};
    if (rt.namespaced && obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    this.checkUnknownFields(rt, obj, warnings, fv);
    return obj;
  }

  /**
   * checkUnknownFields applies fieldValidation: Strict rejects unknown fields
   * with the decoder's "strict decoding error", Warn reports them as
   * warnings; both drop them from the stored object, as decoding would.
   */
  private checkUnknownFields(rt: ResourceType, obj: KObject, warnings: string[], fv: FieldValidation | undefined, isPatch = false): void {
    const schema = this.options.schema;
    if (!schema || fv === 'Ignore') return;
    const gvk = { group: rt.group, version: rt.version, kind: rt.kind };
    let unknown: string[];
    try {
      unknown = schema.unknownFields(gvk, isPatch ? ({ apiVersion: apiVersionOf(rt), kind: rt.kind, ...stripPatchDirectives(obj) } as KObject) : obj);
    } catch {
      return;
    }
    if (!unknown.length) return;
    if ((fv ?? 'Warn') === 'Strict') {
      const list = unknown.map((f) => `unknown field "${f}"`).join(', ');
      throw badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${list}`);
    }
    for (const f of unknown) warnings.push(`unknown field "${f}"`);
    for (const f of unknown) deletePath(obj, f);
  }

  private runAdmission(rt: ResourceType, operation: AdmissionRequest['operation'], namespace: string, name: string, object: KObject | undefined, oldObject: KObject | undefined, dryRun: boolean, warnings: string[], subresource?: string): KObject {
    const admit = this.options.admit;
    if (!admit) return object!;
    const result = admit({
      operation,
      resource: rt,
      subresource,
      namespace: rt.namespaced ? namespace : '',
      name,
      object: object ? clone(object) : undefined,
      oldObject: oldObject ? clone(oldObject) : undefined,
      store: this.store,
      dryRun,
    });
    warnings.push(...(result.warnings ?? []));
    return result.object ?? object!;
  }
}

/** podGracePeriod is how long a pod deletion waits for its kubelet (0 = remove now). */
function podGracePeriod(pod: KObject, requested: number | undefined): number {
  const p = pod as any;
  if (!p.spec?.nodeName) return 0;
  if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return 0;
  const g = requested ?? p.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(0, g);
}

/** selectorString renders a LabelSelector the way Scale.status.selector carries it (metav1.LabelSelectorAsSelector). */
export function selectorString(sel: any): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const op = String(e.operator).toLowerCase();
    if (op === 'exists') parts.push(e.key);
    else if (op === 'doesnotexist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${op} (${[...(e.values ?? [])].sort().join(',')})`);
  }
  return parts.join(',');
}

function stripPatchDirectives(o: any): any {
  if (Array.isArray(o)) return o.map(stripPatchDirectives);
  if (!o || typeof o !== 'object') return o;
  const out: any = {};
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    out[k] = stripPatchDirectives(v);
  }
  return out;
}

/**
 * smdPath rewrites a dotted field path (`spec.containers[0].imagee`) the way
 * structured-merge-diff prints it: a leading dot, and list items of keyed
 * lists named by their key (`.spec.containers[name="app"].imagee`).
 */
function smdPath(obj: unknown, dotted: string, meta: (path: string[]) => PatchMeta): string {
  let out = '';
  let cur: any = obj;
  const fieldPath: string[] = [];
  for (const seg of dotted.split('.')) {
    const m = /^([^[]*)((\[\d+\])*)$/.exec(seg);
    const field = m ? m[1]! : seg;
    if (field) {
      out += `.${field}`;
      fieldPath.push(field);
      cur = cur?.[field];
    }
    for (const idx of m ? m[2]!.matchAll(/\[(\d+)\]/g) : []) {
      const i = Number(idx[1]);
      const key = meta(fieldPath).mergeKey;
      const item = cur?.[i];
      out += key && item && typeof item === 'object' && item[key] !== undefined ? `[${key}=${JSON.stringify(item[key])}]` : `[${i}]`;
      cur = item;
    }
  }
  return out;
}

/** deletePath removes a dotted field path like `spec.containers[0].bogus` from an object. */
export function deletePath(obj: unknown, path: string): void {
  const parts: (string | number)[] = [];
  for (const seg of path.split('.')) {
    const m = /^([^[]*)((\[\d+\])*)$/.exec(seg);
    if (!m) {
      parts.push(seg);
      continue;
    }
    if (m[1]) parts.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
  }
  let cur: any = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    cur = cur?.[parts[i]!];
    if (cur === undefined || cur === null) return;
  }
  if (cur && typeof cur === 'object') delete cur[parts[parts.length - 1]!];
}

/**
 * removeDropped deletes from `live` the fields a manager applied before
 * (`previous`) but no longer applies (`next`) — the part of server-side
 * apply that makes removing a line from a manifest remove the field.
 */
function removeDropped(live: any, previous: any, next: any, path: string[], meta: (p: string[]) => PatchMeta): void {
  if (!live || typeof live !== 'object' || !previous || typeof previous !== 'object') return;
  for (const k of Object.keys(previous)) {
    if (path.length === 0 && (k === 'apiVersion' || k === 'kind')) continue;
    const p = previous[k];
    const n = next?.[k];
    if (n === undefined) {
      delete live[k];
      continue;
    }
    if (Array.isArray(p) && Array.isArray(n) && Array.isArray(live[k])) {
      const m = meta([...path, k]);
      if (m.strategy?.includes('merge') && m.mergeKey) {
        const key = m.mergeKey;
        const keep = new Set(n.map((x: any) => JSON.stringify(x?.[key])));
        live[k] = live[k].filter((x: any) => {
          const id = JSON.stringify(x?.[key]);
          const wasApplied = p.some((y: any) => JSON.stringify(y?.[key]) === id);
          return !wasApplied || keep.has(id);
        });
        for (const item of live[k]) {
          const id = JSON.stringify(item?.[key]);
          const pi = p.find((y: any) => JSON.stringify(y?.[key]) === id);
          const ni = n.find((y: any) => JSON.stringify(y?.[key]) === id);
          if (pi && ni) removeDropped(item, pi, ni, [...path, k], meta);
        }
      }
      continue;
    }
    if (p && typeof p === 'object' && !Array.isArray(p) && n && typeof n === 'object') {
      removeDropped(live[k], p, n, [...path, k], meta);
    }
  }
}

function encodeContinue(lastKey: string, rv: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(rv), start: `${lastKey}\u0000` })).toString('base64url');
}

function decodeContinue(token: string): string {
  try {
    const d = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return String(d.start).replace(/\u0000$/, '');
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
}
