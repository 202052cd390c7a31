/**
 * decisions are the PV controller's sync rules as pure functions: given a
 * claim (or volume) and what the controller's caches hold, which step comes
 * next. They follow pkg/controller/volume/persistentvolume/pv_controller.go
 * syncUnboundClaim / syncBoundClaim / syncVolume branch by branch, so the
 * unit tests can pin every branch without a cluster; ./controller.ts
 * carries the steps out through the API.
 */
import type { KObject } from '../../store/types.ts';
import { checkVolumeSatisfyClaim, findMatchingVolume, isDelayBindingMode } from './matching.ts';
import {
  annBindCompleted,
  annBoundByController,
  annSelectedNode,
  claimClass,
  defaultClassName,
  hasAnnotation,
  podClaimNames,
  specOf,
  statusOf,
  volumeModeMismatch,
} from './volume-helpers.ts';

/** BinderWorld is the controller's view of the cluster (its informer caches). */
export interface BinderWorld {
  volumes: readonly KObject[];
  claims: readonly KObject[];
  classes: readonly KObject[];
  pods: readonly KObject[];
}

export interface PlannedEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** ClaimStep is what syncClaim does next for one claim. */
export type ClaimStep =
  /** bind the claim and the volume (bind(): PV claimRef, PV Bound, PVC volumeName, PVC Bound). */
  | { kind: 'bind'; volume: KObject }
  /** pending: the claim stays (or goes back to) Pending, optionally with an event. */
  | { kind: 'pending'; event?: PlannedEvent }
  /** assignDefaultClass: retroactive default StorageClass assignment (GA 1.28), then sync again. */
  | { kind: 'assignDefaultClass'; className: string }
  /** provision: hand the claim to the class's external provisioner (annotations + ExternalProvisioning). */
  | { kind: 'provision'; provisioner: string; className: string }
  /** provisioningFailed: the class cannot be used (it does not exist). */
  | { kind: 'provisioningFailed'; message: string }
  /** lost: terminal Lost phase with a Warning event (emitted once, on the phase change). */
  | { kind: 'lost'; reason: 'ClaimLost' | 'ClaimMisbound'; message: string }
  /** fail: an inconsistency the controller reports and retries (an error in the real controller). */
  | { kind: 'fail'; event: PlannedEvent; error: string };

/** VolumeStep is what syncVolume does next for one volume. */
export type VolumeStep =
  | { kind: 'phase'; phase: 'Available' | 'Bound' }
  /** reclaim: the claim is gone (or bound elsewhere and the volume was provisioned for it): Released, then the policy. */
  | { kind: 'reclaim' }
  /** syncClaim: the claim side has to finish (or repair) the binding. */
  | { kind: 'syncClaim'; claimKey: string }
  /** volumeModeMismatch: report it on both objects and leave them alone. */
  | { kind: 'volumeModeMismatch'; claim: KObject }
  /** unbind: the controller's own half-binding lost the race to another volume; release it. */
  | { kind: 'unbind' }
  | { kind: 'none' };

/** waitingForFirstConsumer is emitEventForUnboundDelayBindingClaim's event (WaitForFirstConsumer / WaitForPodScheduled). */
export function waitingForFirstConsumer(claim: KObject, pods: readonly KObject[]): PlannedEvent {
  // findNonScheduledPodsByPVC: pods in the claim's namespace that use it and have no node yet.
  const names = pods
    .filter((p) => (p.metadata.namespace ?? '') === (claim.metadata.namespace ?? '') && !specOf(p).nodeName && podClaimNames(p).includes(claim.metadata.name!))
    .map((p) => p.metadata.name!);
  if (names.length === 0) return { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' };
  if (names.length === 1) return { type: 'Normal', reason: 'WaitForPodScheduled', message: `waiting for pod ${names[0]} to be scheduled` };
  return { type: 'Normal', reason: 'WaitForPodScheduled', message: `waiting for pods ${names.join(',')} to be scheduled` };
}

/** decideClaim is syncClaim: unbound claims (no bind-completed annotation) look for a volume; bound ones check theirs. */
export function decideClaim(claim: KObject, world: BinderWorld): ClaimStep {
  return hasAnnotation(claim, annBindCompleted) ? decideBoundClaim(claim, world) : decideUnboundClaim(claim, world);
}

function decideUnboundClaim(claim: KObject, world: BinderWorld): ClaimStep {
  const volumeName: string | undefined = specOf(claim).volumeName || undefined;
  if (!volumeName) {
    const delayBinding = isDelayBindingMode(claim, world.classes);
    const volume = findMatchingVolume(claim, world.volumes, world.classes, { delayBinding });
    if (volume) return { kind: 'bind', volume };
    // assignDefaultStorageClass: only a claim whose storageClassName is nil (not "") gets one.
    if (specOf(claim).storageClassName === undefined && claim.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] === undefined) {
      const def = defaultClassName(world.classes);
      if (def) return { kind: 'assignDefaultClass', className: def };
    }
    const className = claimClass(claim);
    if (delayBinding && !hasAnnotation(claim, annSelectedNode)) {
      return { kind: 'pending', event: waitingForFirstConsumer(claim, world.pods) };
    }
    if (className !== '') {
      const sc = world.classes.find((c) => c.metadata.name === className);
      // findProvisionablePlugin: the lister's NotFound error becomes the event text.
      if (!sc) return { kind: 'provisioningFailed', message: `storageclass.storage.k8s.io "${className}" not found` };
      return { kind: 'provision', provisioner: String((sc as any).provisioner ?? ''), className };
    }
    return { kind: 'pending', event: { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' } };
  }
  // The user asked for a specific volume.
  const volume = world.volumes.find((v) => v.metadata.name === volumeName);
  if (!volume) return { kind: 'pending' }; // retried on the next sync, silently
  const ref = specOf(volume).claimRef;
  if (!ref) {
    const why = checkVolumeSatisfyClaim(volume, claim);
    if (why) return { kind: 'pending', event: { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind to requested volume "${volumeName}": ${why}` } };
    return { kind: 'bind', volume };
  }
  if (ref.name === claim.metadata.name && (ref.namespace ?? '') === (claim.metadata.namespace ?? '') && (!ref.uid || ref.uid === claim.metadata.uid)) {
    return { kind: 'bind', volume };
  }
  const event: PlannedEvent = { type: 'Warning', reason: 'FailedBinding', message: `volume "${volumeName}" already bound to a different claim.` };
  if (!hasAnnotation(claim, annBoundByController)) return { kind: 'pending', event };
  return { kind: 'fail', event, error: `invalid binding of claim "${claim.metadata.namespace}/${claim.metadata.name}" to volume "${volumeName}": volume already claimed by "${ref.namespace}/${ref.name}"` };
}

function decideBoundClaim(claim: KObject, world: BinderWorld): ClaimStep {
  const volumeName: string | undefined = specOf(claim).volumeName || undefined;
  if (!volumeName) return { kind: 'lost', reason: 'ClaimLost', message: 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!' };
  const volume = world.volumes.find((v) => v.metadata.name === volumeName);
  if (!volume) return { kind: 'lost', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!' };
  const ref = specOf(volume).claimRef;
  if (!ref || ref.uid === claim.metadata.uid) return { kind: 'bind', volume };
  return { kind: 'lost', reason: 'ClaimMisbound', message: 'Two claims are bound to the same volume, this one is bound incorrectly' };
}

/** decideVolume is syncVolume. */
export function decideVolume(volume: KObject, world: BinderWorld): VolumeStep {
  const ref = specOf(volume).claimRef;
  if (!ref) return { kind: 'phase', phase: 'Available' };
  // Pre-bound by the user and not yet taken: the claim's sync binds it.
  if (!ref.uid) return { kind: 'phase', phase: 'Available' };
  let claim = world.claims.find((c) => c.metadata.name === ref.name && (c.metadata.namespace ?? '') === (ref.namespace ?? ''));
  // A claim of the same name but another UID means the old one was deleted.
  if (claim && claim.metadata.uid !== ref.uid) claim = undefined;
  if (!claim) return { kind: 'reclaim' };
  const claimVolume: string = specOf(claim).volumeName ?? '';
  if (claimVolume === '') {
    if (volumeModeMismatch(claim, volume)) return { kind: 'volumeModeMismatch', claim };
    return { kind: 'syncClaim', claimKey: `${claim.metadata.namespace}/${claim.metadata.name}` };
  }
  if (claimVolume === volume.metadata.name) return { kind: 'phase', phase: 'Bound' };
  // The claim is bound to another volume.
  if (hasAnnotation(volume, 'pv.kubernetes.io/provisioned-by') && specOf(volume).persistentVolumeReclaimPolicy === 'Delete') return { kind: 'reclaim' };
  return { kind: 'unbind' };
}

/** claimRefTo is reference.GetReference of a claim, as bind() stores it in the PV. */
export function claimRefTo(claim: KObject): Record<string, string> {
  return {
    kind: 'PersistentVolumeClaim',
    namespace: claim.metadata.namespace ?? '',
    name: claim.metadata.name!,
    uid: claim.metadata.uid!,
    apiVersion: 'v1',
    resourceVersion: claim.metadata.resourceVersion!,
  };
}

/**
 * bindVolumeToClaim is storagehelpers.GetBindVolumeToClaim: the volume with
 * its claimRef pointing at the claim and bound-by-controller set unless the
 * user pre-bound it. `dirty` says whether anything changed. The scheduler's
 * VolumeBinding plugin uses it too (binder.go bindAPIUpdate).
 */
export function bindVolumeToClaim(volume: KObject, claim: KObject): { volume: KObject; dirty: boolean } {
  const out = structuredClone(volume) as any;
  let dirty = false;
  const preBound = !!specOf(volume).claimRef && specOf(volume).claimRef.name === claim.metadata.name && (specOf(volume).claimRef.namespace ?? '') === (claim.metadata.namespace ?? '') && (!specOf(volume).claimRef.uid || specOf(volume).claimRef.uid === claim.metadata.uid);
  const ref = specOf(volume).claimRef;
  if (!ref || ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace || ref.uid !== claim.metadata.uid) {
    out.spec = { ...(out.spec ?? {}), claimRef: claimRefTo(claim) };
    dirty = true;
  }
  if (!preBound && !hasAnnotation(out, annBoundByController)) {
    out.metadata.annotations = { ...(out.metadata.annotations ?? {}), [annBoundByController]: 'yes' };
    dirty = true;
  }
  return { volume: out, dirty };
}

/** bindClaimToVolume is bindClaimToVolume's change: volumeName, bound-by-controller (when the controller chose it), bind-completed. */
export function bindClaimToVolume(claim: KObject, volume: KObject): { claim: KObject; dirty: boolean } {
  const out = structuredClone(claim) as any;
  let dirty = false;
  const shouldBind = specOf(claim).volumeName !== volume.metadata.name;
  if (shouldBind) {
    out.spec = { ...(out.spec ?? {}), volumeName: volume.metadata.name };
    dirty = true;
  }
  const ann = { ...(out.metadata.annotations ?? {}) };
  if (shouldBind && ann[annBoundByController] === undefined) {
    ann[annBoundByController] = 'yes';
    dirty = true;
  }
  if (ann[annBindCompleted] === undefined) {
    ann[annBindCompleted] = 'yes';
    dirty = true;
  }
  out.metadata.annotations = ann;
  return { claim: out, dirty };
}

/**
 * claimStatusFor is updateClaimStatus's new status: the phase, the
 * volume's access modes, and — only when the claim is becoming Bound — the
 * volume's capacity (a 1Gi claim on a 5Gi volume shows 5Gi). Without a
 * volume both are cleared.
 */
export function claimStatusFor(claim: KObject, phase: 'Pending' | 'Bound' | 'Lost', volume?: KObject): { status: any; dirty: boolean } {
  const old = statusOf(claim);
  const status: any = structuredClone(old);
  let dirty = old.phase !== phase;
  status.phase = phase;
  if (!volume) {
    if (status.accessModes !== undefined) {
      delete status.accessModes;
      dirty = true;
    }
    if (status.capacity !== undefined) {
      delete status.capacity;
      dirty = true;
    }
  } else {
    const modes = specOf(volume).accessModes;
    if (JSON.stringify(status.accessModes) !== JSON.stringify(modes)) {
      status.accessModes = modes;
      dirty = true;
    }
    if (old.phase !== phase) {
      const cap = specOf(volume).capacity?.storage;
      if (status.capacity?.storage !== cap) {
        status.capacity = structuredClone(specOf(volume).capacity);
        dirty = true;
      }
    }
  }
  return { status, dirty };
}
