/**
 * The storage-object-in-use protection controllers: they remove the
 * finalizers the StorageObjectInUseProtection admission plugin puts on
 * every claim and volume once deleting them is safe.
 *
 * - pvc-protection-controller (pkg/controller/volume/pvcprotection): a
 *   claim being deleted keeps `kubernetes.io/pvc-protection` while a pod
 *   that is scheduled to a node (any phase — a Completed pod still holds
 *   it) references it; `kubectl get pvc` shows Terminating meanwhile.
 * - pv-protection-controller (pkg/controller/volume/pvprotection): a volume
 *   being deleted keeps `kubernetes.io/pv-protection` while it is Bound.
 */
import type { KObject } from '../../store/types.ts';
import { resources, objectKeyOf, splitKey, type Controller, type ControllerContext, type Informer, type WorkQueue } from '../manager/index.ts';
import { podClaimNames, specOf, statusOf } from './volume-helpers.ts';

export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

/** claimInUse is pvcprotection's isBeingUsed: a pod on a node in the claim's namespace lists the claim. */
export function claimInUse(claim: KObject, pods: readonly KObject[]): boolean {
  return pods.some(
    (p) => (p.metadata.namespace ?? '') === (claim.metadata.namespace ?? '') && !!specOf(p).nodeName && podClaimNames(p).includes(claim.metadata.name!),
  );
}

/** volumeInUse is pvprotection's isBeingUsed: the volume is Bound. */
export function volumeInUse(volume: KObject): boolean {
  return statusOf(volume).phase === 'Bound';
}

function withoutFinalizer(obj: KObject, finalizer: string): KObject {
  const next = structuredClone(obj);
  next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return next;
}

export class PvcProtectionController implements Controller {
  readonly name = 'pvc-protection-controller';
  private ctx!: ControllerContext;
  private claims!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.pods = ctx.informer(resources.pods);
    this.queue = ctx.queue('pvc-protection', (key) => this.sync(key));
    this.claims.addHandler({
      add: (c) => this.maybeQueue(c),
      update: (_o, c) => this.maybeQueue(c),
    });
    // A pod going away (or losing its node) can free the claims it used.
    const podChanged = (p: KObject) => {
      for (const name of podClaimNames(p)) {
        const c = this.claims.get(p.metadata.namespace ?? '', name);
        if (c) this.maybeQueue(c);
      }
    };
    this.pods.addHandler({ delete: podChanged, update: (_o, p) => podChanged(p) });
  }

  stop(): void {}

  private maybeQueue(c: KObject): void {
    if (c.metadata.deletionTimestamp && (c.metadata.finalizers ?? []).includes(pvcProtectionFinalizer)) this.queue.add(objectKeyOf(c));
  }

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (!claim?.metadata.deletionTimestamp || !(claim.metadata.finalizers ?? []).includes(pvcProtectionFinalizer)) return;
    if (claimInUse(claim, this.pods.list(namespace))) return;
    this.ctx.api.update(resources.persistentvolumeclaims, namespace, name, withoutFinalizer(claim, pvcProtectionFinalizer));
  }
}

export class PvProtectionController implements Controller {
  readonly name = 'pv-protection-controller';
  private ctx!: ControllerContext;
  private volumes!: Informer;
  private queue!: WorkQueue;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.queue = ctx.queue('pv-protection', (name) => this.sync(name));
    const maybe = (v: KObject) => {
      if (v.metadata.deletionTimestamp && (v.metadata.finalizers ?? []).includes(pvProtectionFinalizer)) this.queue.add(v.metadata.name!);
    };
    this.volumes.addHandler({ add: maybe, update: (_o, v) => maybe(v) });
  }

  stop(): void {}

  private sync(name: string): void {
    const volume = this.volumes.get('', name);
    if (!volume?.metadata.deletionTimestamp || !(volume.metadata.finalizers ?? []).includes(pvProtectionFinalizer)) return;
    if (volumeInUse(volume)) return;
    this.ctx.api.update(resources.persistentvolumes, '', name, withoutFinalizer(volume, pvProtectionFinalizer));
  }
}
