/**
 * GarbageCollector is pkg/controller/garbagecollector for the simulated
 * cluster: it follows ownerReferences (by uid) across every resource and
 *
 * - background: deletes an object once none of its owners exists any more
 *   (an owner with the same name but another uid counts as gone); owners
 *   that are gone while others remain are just dropped from the list;
 * - foreground: an owner deleted with propagationPolicy=Foreground carries
 *   the `foregroundDeletion` finalizer; its dependents are deleted (in
 *   foreground themselves when they have dependents), and the finalizer is
 *   removed once no dependent with blockOwnerDeletion=true is left;
 * - orphan: an owner deleted with propagationPolicy=Orphan carries the
 *   `orphan` finalizer; the collector removes the owner's reference from
 *   every dependent, then the finalizer.
 *
 * The real collector builds its dependency graph from watches of every
 * deletable resource; here the index is rebuilt from the informer caches
 * when needed, which is cheap at lab scale. Owner kinds that are not served
 * are left alone (the real collector cannot resolve them either).
 */
import type { KObject, OwnerReference } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { findByKind, parseApiVersion, resourceTypes, type ResourceType } from '../../api/resources.ts';
import { StatusError } from '../../api/status.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const orphanFinalizer = 'orphan';
export const foregroundFinalizer = 'foregroundDeletion';

/** gcResources: one served type per stored resource (Events never own anything). */
function gcResources(): ResourceType[] {
  const seen = new Set<string>();
  const out: ResourceType[] = [];
  for (const rt of resourceTypes) {
    const k = `${rt.storage.group}/${rt.storage.resource}`;
    if (seen.has(k) || rt.storage.resource === 'events' || !rt.verbs.includes('delete') || !rt.verbs.includes('watch')) continue;
    seen.add(k);
    out.push(rt);
  }
  return out;
}

interface Ref {
  rt: ResourceType;
  obj: KObject;
}

const idOf = (rt: ResourceType, o: KObject) => `${rt.storage.group}/${rt.storage.resource}|${o.metadata.namespace ?? ''}|${o.metadata.name}`;

export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';
  private ctx!: ControllerContext;
  private readonly informers = new Map<string, { rt: ResourceType; informer: Informer }>();
  private queue!: WorkQueue;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    for (const rt of gcResources()) {
      const informer = ctx.informer(rt);
      const k = `${rt.storage.group}/${rt.storage.resource}`;
      this.informers.set(k, { rt, informer });
      informer.addHandler({
        add: (o) => {
          if (o.metadata.ownerReferences?.length || o.metadata.deletionTimestamp) this.queue.add(idOf(rt, o));
        },
        update: (old, o) => {
          if (o.metadata.deletionTimestamp || JSON.stringify(old.metadata.ownerReferences) !== JSON.stringify(o.metadata.ownerReferences)) this.queue.add(idOf(rt, o));
        },
        delete: (o) => this.ownerGone(o),
      });
    }
  }

  stop(): void {}

  /** ownerGone queues every dependent of a removed object, and owners waiting for it in foreground. */
  private ownerGone(o: KObject): void {
    for (const d of this.dependentsOf(o.metadata.uid!)) this.queue.add(idOf(d.rt, d.obj));
    for (const ref of o.metadata.ownerReferences ?? []) {
      const owner = this.resolve(ref, o.metadata.namespace ?? '');
      if (owner && owner !== 'unknown' && owner.obj.metadata.deletionTimestamp) this.queue.add(idOf(owner.rt, owner.obj));
    }
  }

  private dependentsOf(uid: string): Ref[] {
    const out: Ref[] = [];
    for (const { rt, informer } of this.informers.values()) {
      for (const o of informer.list()) if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push({ rt, obj: o });
    }
    return out;
  }

  /** resolve finds an owner reference's object with the same uid, undefined when it is gone, 'unknown' for kinds not served. */
  private resolve(ref: OwnerReference, namespace: string): Ref | undefined | 'unknown' {
    const { group, version } = parseApiVersion(ref.apiVersion);
    const rt = findByKind(group, version, ref.kind);
    if (!rt) return 'unknown';
    const entry = this.informers.get(`${rt.storage.group}/${rt.storage.resource}`);
    if (!entry) return 'unknown';
    const o = entry.informer.get(rt.namespaced ? namespace : '', ref.name);
    return o && o.metadata.uid === ref.uid ? { rt: entry.rt, obj: o } : undefined;
  }

  private sync(id: string): void {
    const [storage, namespace, name] = id.split('|') as [string, string, string];
    const entry = this.informers.get(storage);
    const obj = entry?.informer.get(namespace, name);
    if (!entry || !obj) return;
    const finalizers = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && finalizers.includes(orphanFinalizer)) return this.orphanDependents(entry.rt, obj);
    if (obj.metadata.deletionTimestamp && finalizers.includes(foregroundFinalizer)) return this.deleteDependentsInForeground(entry.rt, obj);
    this.attemptToDelete(entry.rt, obj);
  }

  /** attemptToDelete is attemptToDeleteItem: delete when no owner remains, else drop dangling references. */
  private attemptToDelete(rt: ResourceType, obj: KObject): void {
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.length || obj.metadata.deletionTimestamp) return;
    const ns = obj.metadata.namespace ?? '';
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const owner = this.resolve(ref, ns);
      if (owner === 'unknown') solid.push(ref);
      else if (!owner) dangling.push(ref);
      else if (owner.obj.metadata.deletionTimestamp && (owner.obj.metadata.finalizers ?? []).includes(foregroundFinalizer)) waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length) {
      if (!dangling.length && !waiting.length) return;
      // Some owner still stands: forget the gone ones (and stop blocking foreground owners).
      const gone = new Set([...dangling, ...waiting].map((r) => r.uid));
      this.patchOwners(rt, obj, refs.filter((r) => !gone.has(r.uid)));
      return;
    }
    if (waiting.length && !dangling.length) return; // the foreground owner's sync deletes us
    const hasDependents = this.dependentsOf(obj.metadata.uid!).length > 0;
    this.deleteObject(rt, obj, waiting.length && hasDependents ? 'Foreground' : 'Background');
  }

  /** orphanDependents is orphanDependents + removeFinalizer(orphan). */
  private orphanDependents(rt: ResourceType, owner: KObject): void {
    for (const d of this.dependentsOf(owner.metadata.uid!)) {
      this.patchOwners(d.rt, d.obj, (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid));
    }
    this.removeFinalizer(rt, owner, orphanFinalizer);
  }

  /** deleteDependentsInForeground is processDeletingDependentsItem + the dependents' deletion. */
  private deleteDependentsInForeground(rt: ResourceType, owner: KObject): void {
    const dependents = this.dependentsOf(owner.metadata.uid!);
    for (const d of dependents) {
      if (d.obj.metadata.deletionTimestamp) continue;
      const others = (d.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid).some((r) => {
        const o = this.resolve(r, d.obj.metadata.namespace ?? '');
        return o === 'unknown' || (o && !o.obj.metadata.deletionTimestamp);
      });
      if (others) continue;
      this.deleteObject(d.rt, d.obj, this.dependentsOf(d.obj.metadata.uid!).length ? 'Foreground' : 'Background');
    }
    const blocking = this.dependentsOf(owner.metadata.uid!).filter((d) => d.obj.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid && r.blockOwnerDeletion));
    if (!blocking.length) this.removeFinalizer(rt, owner, foregroundFinalizer);
  }

  private deleteObject(rt: ResourceType, obj: KObject, propagationPolicy: 'Foreground' | 'Background'): void {
    try {
      this.ctx.api.delete(rt, obj.metadata.namespace ?? '', obj.metadata.name!, { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  private patchOwners(rt: ResourceType, obj: KObject, refs: OwnerReference[]): void {
    try {
      const current = this.ctx.api.get(rt, obj.metadata.namespace ?? '', obj.metadata.name!);
      if (current.metadata.uid !== obj.metadata.uid) return;
      if (refs.length) current.metadata.ownerReferences = refs;
      else delete current.metadata.ownerReferences;
      this.ctx.api.update(rt, obj.metadata.namespace ?? '', obj.metadata.name!, current);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  private removeFinalizer(rt: ResourceType, obj: KObject, finalizer: string): void {
    try {
      const current = this.ctx.api.get(rt, obj.metadata.namespace ?? '', obj.metadata.name!);
      if (current.metadata.uid !== obj.metadata.uid || !(current.metadata.finalizers ?? []).includes(finalizer)) return;
      current.metadata.finalizers = current.metadata.finalizers!.filter((f) => f !== finalizer);
      this.ctx.api.update(rt, obj.metadata.namespace ?? '', obj.metadata.name!, current);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
