/**
 * PersistentVolumeController is the kube-controller-manager's
 * persistentvolume-binder-controller
 * (pkg/controller/volume/persistentvolume/pv_controller.go +
 * pv_controller_base.go): two work queues (claims, volumes) fed by
 * informers and a full resync every 15 s (--pvclaimbinder-sync-period), the
 * sync rules of ./decisions.ts carried out through the API, and the
 * reclaim policies: Retain (stay Released), Recycle (a recycler pod scrubs
 * an in-tree NFS or hostPath volume, back to Available), Delete (an external provisioner
 * deletes its own volumes; in-tree volumes without a deleter go Failed).
 *
 * Events come from `persistentvolume-controller`, as on a real cluster.
 */
import type { KObject } from '../../store/types.ts';
import { StatusError } from '../../api/status.ts';
import { resources, splitKey, objectKeyOf, type Controller, type ControllerContext, type EventRecorder, type Informer, type WorkQueue, type TimerHandle } from '../manager/index.ts';
import { annBetaStorageProvisioner, annBoundByController, annDynamicallyProvisioned, annStorageProvisioner, specOf, statusOf } from './volume-helpers.ts';
import { bindClaimToVolume, bindVolumeToClaim, claimStatusFor, decideClaim, decideVolume, type BinderWorld, type PlannedEvent } from './decisions.ts';
import { releasePrivateBackends, storageBackendsOf, type StorageBackends } from '../../dataroot/storage-backends.ts';
import { recyclerPodFor, recyclerPodNamespace, recyclerPodPrefix } from './recycler-pod.ts';

/** RecycleOperation is one recycler pod the controller waits for. */
interface RecycleOperation {
  podName: string;
  podUid: string;
  /** volumeUid: a volume deleted and made again under the same name is not this operation's. */
  volumeUid: string;
  /** forwarded holds the uids of the pod's events already copied onto the volume. */
  forwarded: Set<string>;
  /** seen: the pods informer has shown the pod, so its absence now means it was deleted. */
  seen: boolean;
  /** gone: the pods informer reported the pod deleted (perhaps before this operation ever looked at it). */
  gone?: boolean;
}

/** resyncPeriodMs is --pvclaimbinder-sync-period's default. */
export const resyncPeriodMs = 15_000;

export const pvControllerName = 'persistentvolume-binder-controller';

export class PersistentVolumeController implements Controller {
  readonly name = pvControllerName;
  private ctx!: ControllerContext;
  private volumes!: Informer;
  private claims!: Informer;
  private classes!: Informer;
  private pods!: Informer;
  private claimQueue!: WorkQueue;
  private volumeQueue!: WorkQueue;
  private recorder!: EventRecorder;
  private backends!: StorageBackends;
  private events!: Informer;
  private recycleQueue!: WorkQueue;
  /** recycles are the recycler pods under way, by PV name. */
  private readonly recycles = new Map<string, RecycleOperation>();
  private resync?: TimerHandle;
  private stopped = false;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.backends = storageBackendsOf(ctx);
    this.recorder = ctx.recorder('persistentvolume-controller');
    this.classes = ctx.informer(resources.storageclasses);
    this.pods = ctx.informer(resources.pods);
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.claimQueue = ctx.queue('pv-binder-claims', (key) => this.syncClaimKey(key));
    this.volumeQueue = ctx.queue('pv-binder-volumes', (key) => this.syncVolumeKey(key));
    this.events = ctx.informer(resources.events);
    this.recycleQueue = ctx.queue('pv-binder-recycler', (pv) => this.syncRecycle(pv));
    const recyclerChanged = (p: KObject) => this.recyclerPodChanged(p.metadata.namespace, p.metadata.name);
    this.pods.addHandler({ add: recyclerChanged, update: (_o, p) => recyclerChanged(p), delete: (p) => this.recyclerPodChanged(p.metadata.namespace, p.metadata.name, p.metadata.uid) });
    const recyclerEvent = (e: KObject) => this.recyclerPodChanged((e as any).involvedObject?.namespace, (e as any).involvedObject?.name);
    this.events.addHandler({ add: recyclerEvent, update: (_o, e) => recyclerEvent(e) });
    this.claims.addHandler({
      add: (c) => this.claimQueue.add(objectKeyOf(c)),
      update: (_o, c) => this.claimQueue.add(objectKeyOf(c)),
      // deleteClaim: the volume the claim was bound to is synced at once (Released, reclaim).
      delete: (c) => {
        const v = specOf(c).volumeName;
        if (v) this.volumeQueue.add(v);
      },
    });
    this.volumes.addHandler({
      add: (v) => this.volumeQueue.add(v.metadata.name!),
      update: (_o, v) => this.volumeQueue.add(v.metadata.name!),
      // deleteVolume: the claim bound to it is synced at once (it becomes Lost).
      delete: (v) => {
        const ref = specOf(v).claimRef;
        if (ref?.name) this.claimQueue.add(`${ref.namespace}/${ref.name}`);
      },
    });
    // A class appearing (or a default being set) can unblock Pending claims before the next resync.
    this.classes.addHandler({ add: () => this.enqueuePendingClaims(), update: () => this.enqueuePendingClaims() });
    this.scheduleResync();
  }

  stop(): void {
    this.stopped = true;
    this.resync?.cancel();
    if (this.ctx) releasePrivateBackends(this.ctx);
  }

  private scheduleResync(): void {
    if (this.stopped) return;
    this.resync = this.ctx.clock.after(resyncPeriodMs, () => {
      for (const c of this.claims.list()) this.claimQueue.add(objectKeyOf(c));
      for (const v of this.volumes.list()) this.volumeQueue.add(v.metadata.name!);
      this.scheduleResync();
    });
  }

  private enqueuePendingClaims(): void {
    for (const c of this.claims.list()) if (statusOf(c).phase !== 'Bound') this.claimQueue.add(objectKeyOf(c));
  }

  private world(): BinderWorld {
    return { volumes: this.volumes.list(), claims: this.claims.list(), classes: this.classes.list(), pods: this.pods.list() };
  }

  private event(obj: KObject, e: PlannedEvent): void {
    this.recorder.event(obj, e.type, e.reason, e.message);
  }

  // ---- claims ----

  private syncClaimKey(key: string): void {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (!claim) return;
    const step = decideClaim(claim, this.world());
    switch (step.kind) {
      case 'bind':
        this.bind(step.volume, claim);
        return;
      case 'pending':
        if (step.event) this.event(claim, step.event);
        this.updateClaimStatus(claim, 'Pending');
        return;
      case 'assignDefaultClass': {
        const next = structuredClone(claim) as any;
        next.spec.storageClassName = step.className;
        this.ctx.api.update(resources.persistentvolumeclaims, namespace, name, next);
        return;
      }
      case 'provision':
        this.provisionExternal(claim, step.provisioner);
        return;
      case 'provisioningFailed':
        this.event(claim, { type: 'Warning', reason: 'ProvisioningFailed', message: step.message });
        this.updateClaimStatus(claim, 'Pending');
        return;
      case 'lost':
        if (statusOf(claim).phase === 'Lost') return; // the event goes with the phase change only
        this.updateClaimStatus(claim, 'Lost');
        this.event(claim, { type: 'Warning', reason: step.reason, message: step.message });
        return;
      case 'fail':
        this.event(claim, step.event);
        throw new Error(step.error);
    }
  }

  /**
   * provisionExternal is provisionClaimOperationExternal: set both spellings
   * of the storage-provisioner annotation so the provisioner (if anyone runs
   * it) picks the claim up, and say so in an event. Provisioners that nobody
   * runs any more (kubernetes.io/rbd since 1.31, ceph.com/rbd) leave the
   * claim Pending with only this event, exactly as on a real cluster.
   */
  private provisionExternal(claim: KObject, provisioner: string): void {
    const ann = claim.metadata.annotations ?? {};
    let current = claim;
    if (ann[annStorageProvisioner] !== provisioner || ann[annBetaStorageProvisioner] !== provisioner) {
      const next = structuredClone(claim);
      next.metadata.annotations = { ...ann, [annBetaStorageProvisioner]: provisioner, [annStorageProvisioner]: provisioner };
      current = this.ctx.api.update(resources.persistentvolumeclaims, claim.metadata.namespace!, claim.metadata.name!, next).object;
    }
    this.event(current, {
      type: 'Normal',
      reason: 'ExternalProvisioning',
      message: `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    });
  }

  /** bind is pv_controller.go bind(): PV claimRef, PV Bound, PVC volumeName + annotations, PVC Bound with the PV's capacity. */
  private bind(volume: KObject, claim: KObject): void {
    const api = this.ctx.api;
    let v = volume;
    const vb = bindVolumeToClaim(v, claim);
    if (vb.dirty) v = api.update(resources.persistentvolumes, '', v.metadata.name!, vb.volume).object;
    v = this.updateVolumePhase(v, 'Bound');
    let c = claim;
    const cb = bindClaimToVolume(c, v);
    if (cb.dirty) c = api.update(resources.persistentvolumeclaims, c.metadata.namespace!, c.metadata.name!, cb.claim).object;
    this.updateClaimStatus(c, 'Bound', v);
  }

  private updateClaimStatus(claim: KObject, phase: 'Pending' | 'Bound' | 'Lost', volume?: KObject): KObject {
    const { status, dirty } = claimStatusFor(claim, phase, volume);
    if (!dirty) return claim;
    const next = structuredClone(claim) as any;
    next.status = status;
    return this.ctx.api.update(resources.persistentvolumeclaims, claim.metadata.namespace!, claim.metadata.name!, next, { subresource: 'status' }).object;
  }

  // ---- volumes ----

  private syncVolumeKey(name: string): void {
    const volume = this.volumes.get('', name);
    if (!volume) return;
    const step = decideVolume(volume, this.world());
    switch (step.kind) {
      case 'phase':
        this.updateVolumePhase(volume, step.phase);
        return;
      case 'syncClaim':
        this.claimQueue.add(step.claimKey);
        return;
      case 'volumeModeMismatch':
        this.event(volume, { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${step.claim.metadata.name}" due to incompatible volumeMode.` });
        this.event(step.claim, { type: 'Warning', reason: 'VolumeMismatch', message: `Cannot bind PersistentVolume "${volume.metadata.name}" to requested PersistentVolumeClaim due to incompatible volumeMode.` });
        return;
      case 'unbind':
        this.unbindVolume(volume);
        return;
      case 'reclaim': {
        let v = volume;
        const phase = statusOf(v).phase;
        // Failed is kept so the user sees that something went wrong, while the reclaim is retried.
        if (phase !== 'Released' && phase !== 'Failed') v = this.updateVolumePhase(v, 'Released');
        this.reclaimVolume(v);
        return;
      }
      case 'none':
        return;
    }
  }

  private updateVolumePhase(volume: KObject, phase: string, message?: string): KObject {
    const st = statusOf(volume);
    if (st.phase === phase && (message === undefined || st.message === message)) return volume;
    const next = structuredClone(volume) as any;
    next.status = { ...(next.status ?? {}), phase };
    if (message) next.status.message = message;
    else delete next.status.message;
    if (st.phase !== phase) next.status.lastPhaseTransitionTime = rfc3339(this.ctx.clock.now());
    return this.ctx.api.update(resources.persistentvolumes, '', volume.metadata.name!, next, { subresource: 'status' }).object;
  }

  /** updateVolumePhaseWithEvent emits the event only when the phase actually changes. */
  private updateVolumePhaseWithEvent(volume: KObject, phase: string, e: PlannedEvent): KObject {
    if (statusOf(volume).phase === phase) return volume;
    const v = this.updateVolumePhase(volume, phase, e.message);
    this.event(v, e);
    return v;
  }

  /** unbindVolume: a controller-made binding is dropped; a user pre-binding keeps its name and loses only the UID. */
  private unbindVolume(volume: KObject): KObject {
    const next = structuredClone(volume) as any;
    if (next.metadata.annotations?.[annBoundByController] !== undefined) {
      delete next.spec.claimRef;
      delete next.metadata.annotations[annBoundByController];
      if (Object.keys(next.metadata.annotations).length === 0) delete next.metadata.annotations;
    } else if (next.spec.claimRef) {
      delete next.spec.claimRef.uid;
    }
    const updated = this.ctx.api.update(resources.persistentvolumes, '', volume.metadata.name!, next).object;
    return this.updateVolumePhase(updated, 'Available');
  }

  /** reclaimVolume is pv_controller.go reclaimVolume. */
  private reclaimVolume(volume: KObject): void {
    const policy = specOf(volume).persistentVolumeReclaimPolicy;
    switch (policy) {
      case 'Retain':
        return; // Released until an administrator clears spec.claimRef
      case 'Recycle':
        this.recycleVolume(volume);
        return;
      case 'Delete':
        this.deleteVolume(volume);
        return;
      default:
        this.updateVolumePhaseWithEvent(volume, 'Failed', { type: 'Warning', reason: 'VolumeUnknownReclaimPolicy', message: 'Volume has unrecognized PersistentVolumeReclaimPolicy' });
    }
  }

  /**
   * recycleVolume is recycleVolumeOperation
   * (https://github.com/kubernetes/kubernetes/blob/release-1.33/pkg/controller/volume/persistentvolume/pv_controller.go).
   * Only the in-tree nfs and hostPath plugins have recyclers
   * (pkg/volume/nfs/nfs.go, pkg/volume/hostpath/host_path.go); theirs
   * start the recycler pod (./recycler-pod.ts) as
   * recyclerclient.RecycleVolumeByWatchingPodUntilCompletion does: pod
   * `recycler-for-<pv>` in `default`, which the scheduler places and the
   * kubelet runs like any pod, so its script really empties the volume
   * through the container's view of it. This call only creates the pod; the
   * pod's progress arrives through the informers and syncRecycle finishes
   * the operation, so the controller's other work goes on meanwhile (the
   * real operation runs in its own goroutine).
   */
  private recycleVolume(volume: KObject): void {
    const spec = specOf(volume);
    if (!spec.nfs && !spec.hostPath) {
      this.updateVolumePhaseWithEvent(volume, 'Failed', { type: 'Warning', reason: 'VolumeFailedRecycle', message: 'No recycler plugin found for the volume!' });
      return;
    }
    const name = volume.metadata.name!;
    if (this.recycles.has(name)) return; // one operation per volume, as the operation executor allows
    const pod = recyclerPodFor(volume);
    try {
      const created = this.ctx.api.create(resources.pods, recyclerPodNamespace, pod).object;
      this.recycles.set(name, { podName: created.metadata.name!, podUid: created.metadata.uid!, volumeUid: volume.metadata.uid!, forwarded: new Set(), seen: false });
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) {
        // An old recycler pod (an earlier controller's) is deleted and the recycle retried later.
        try {
          this.ctx.api.delete(resources.pods, recyclerPodNamespace, pod.metadata.name!);
        } catch (d) {
          if (!(d instanceof StatusError && d.code === 404)) throw d;
        }
        this.failRecycle(volume, 'old recycler pod found, will retry later');
        return;
      }
      this.failRecycle(volume, `unexpected error creating recycler pod:  ${(e as Error).message}`);
    }
  }

  /** recyclerPodChanged routes a recycler pod's (or its event's) change to its volume's recycle operation. */
  private recyclerPodChanged(namespace: string | undefined, podName: string | undefined, deletedUid?: string): void {
    if (namespace !== recyclerPodNamespace || !podName?.startsWith(recyclerPodPrefix)) return;
    const pv = podName.slice(recyclerPodPrefix.length);
    const op = this.recycles.get(pv);
    if (!op) return;
    if (deletedUid !== undefined && deletedUid === op.podUid) op.gone = true;
    this.recycleQueue.add(pv);
  }

  /**
   * syncRecycle is waitForPod plus the end of recycleVolumeOperation: new
   * events about the pod are copied onto the volume as `RecyclerPod`; a
   * Succeeded pod is deleted, then VolumeRecycled and the volume unbound
   * (Available); a Failed or vanished pod is deleted and the volume Failed.
   */
  private syncRecycle(pvName: string): void {
    const op = this.recycles.get(pvName);
    if (!op) return;
    // Read from the API, not the events informer: when the pod has ended, every event the kubelet recorded
    // before that is in the store, even if the informer has not delivered it yet.
    for (const e of this.ctx.api.list(resources.events, recyclerPodNamespace).items) {
      const io = (e as any).involvedObject ?? {};
      if (io.kind !== 'Pod' || io.name !== op.podName || io.uid !== op.podUid || op.forwarded.has(e.metadata.uid!)) continue;
      op.forwarded.add(e.metadata.uid!);
      const volume = this.volumes.get('', pvName);
      if (volume) this.recorder.event(volume, (e as any).type ?? 'Normal', 'RecyclerPod', `Recycler pod: ${(e as any).message ?? ''}`);
    }
    const pod = this.pods.get(recyclerPodNamespace, op.podName);
    let error: string | undefined;
    if (pod && pod.metadata.uid === op.podUid) {
      op.seen = true;
      const status = statusOf(pod);
      if (status.phase === 'Succeeded') error = '';
      else if (status.phase === 'Failed') error = status.message ? String(status.message) : 'pod failed, pod.Status.Message unknown';
      else return;
    } else if (op.seen || op.gone) {
      error = 'recycler pod was deleted';
    } else return;
    this.recycles.delete(pvName);
    try {
      this.ctx.api.delete(resources.pods, recyclerPodNamespace, op.podName);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
    const volume = this.volumes.get('', pvName);
    if (!volume || volume.metadata.uid !== op.volumeUid) return;
    if (error) {
      this.failRecycle(volume, `failed to recycle volume: ${error}`);
      return;
    }
    this.event(volume, { type: 'Normal', reason: 'VolumeRecycled', message: 'Volume recycled' });
    this.unbindVolume(volume);
  }

  private failRecycle(volume: KObject, error: string): void {
    this.updateVolumePhaseWithEvent(volume, 'Failed', { type: 'Warning', reason: 'VolumeFailedRecycle', message: `Recycle failed: ${error}` });
  }

  /**
   * deleteVolume is deleteVolumeOperation: a volume provisioned by an
   * external provisioner waits for it (the provisioner deletes the backing
   * store and then the PV); an in-tree volume without a deleter plugin goes
   * Failed with VolumeFailedDelete. The in-tree hostPath deleter only
   * accepts /tmp/… paths (pkg/volume/hostpath/host_path.go).
   */
  private deleteVolume(volume: KObject): void {
    const provisionedBy = volume.metadata.annotations?.[annDynamicallyProvisioned];
    if (provisionedBy && !provisionedBy.startsWith('kubernetes.io/')) return;
    const spec = specOf(volume);
    let error: string | undefined;
    if (spec.hostPath) {
      if (!/\/tmp\/.+/.test(spec.hostPath.path)) error = `host_path deleter only supports /tmp/.+ but received provided ${spec.hostPath.path}`;
      else {
        try {
          // The in-tree deleter runs os.RemoveAll inside kube-controller-manager, i.e. on the control-plane node.
          this.backends.dataRoot.removeNodePath(this.controlPlaneNode(), spec.hostPath.path);
        } catch (e) {
          error = (e as Error).message;
        }
      }
    } else {
      error = `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`;
    }
    if (error) {
      this.updateVolumePhaseWithEvent(volume, 'Failed', { type: 'Warning', reason: 'VolumeFailedDelete', message: error });
      return;
    }
    try {
      this.ctx.api.delete(resources.persistentvolumes, '', volume.metadata.name!);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }

  private controlPlaneNode(): string {
    const nodes = this.ctx.informer(resources.nodes).list();
    const cp = nodes.find((n) => n.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined);
    return cp?.metadata.name ?? 'lab-control-plane';
  }
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
