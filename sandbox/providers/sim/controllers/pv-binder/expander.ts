/**
 * VolumeExpandController is kube-controller-manager's
 * persistentvolume-expander (pkg/controller/volume/expand/expand_controller.go)
 * for the volumes a lab has: none of them has an in-tree expander, so for a
 * bound claim whose request grew past its capacity it names the CSI
 * driver of the volume in `volume.kubernetes.io/storage-resizer` and says
 * `ExternalExpanding` "waiting for an external controller to expand this
 * PVC"; the driver's external-resizer (../provisioners/csi-resizer.ts) does
 * the rest. Claims on non-CSI volumes (NFS, hostPath, local) get the same
 * event and then nothing, as on a real cluster without a resizer for them.
 */
import type { KObject } from '../../store/types.ts';
import { resources, objectKeyOf, splitKey, type Controller, type ControllerContext, type EventRecorder, type Informer, type WorkQueue } from '../manager/index.ts';
import { parseQuantity } from '../../admission/validation/quantity.ts';
import { specOf, statusOf } from './volume-helpers.ts';

export const annStorageResizer = 'volume.kubernetes.io/storage-resizer';

/** pvcNeedsResize: Bound, and the requested storage is more than the status capacity (and more than what is already allocated). */
export function pvcNeedsResize(claim: KObject): boolean {
  if (statusOf(claim).phase !== 'Bound') return false;
  const want = parseQuantity(specOf(claim).resources?.requests?.storage ?? '0') ?? 0;
  const have = parseQuantity(statusOf(claim).capacity?.storage ?? '0') ?? 0;
  return want > have;
}

export class VolumeExpandController implements Controller {
  readonly name = 'persistentvolume-expander';
  private ctx!: ControllerContext;
  private claims!: Informer;
  private volumes!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('volume_expand');
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.queue = ctx.queue('volume-expand', (key) => this.sync(key));
    const changed = (o: KObject | undefined, c: KObject) => {
      const before = o ? specOf(o).resources?.requests?.storage : undefined;
      // Only a change of the request (or a new claim) starts an expansion check, as the controller's update handler does.
      if ((!o || before !== specOf(c).resources?.requests?.storage) && pvcNeedsResize(c)) this.queue.add(objectKeyOf(c));
    };
    this.claims.addHandler({ add: (c) => changed(undefined, c), update: (o, c) => changed(o, c) });
  }

  stop(): void {}

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (!claim || !pvcNeedsResize(claim)) return;
    const volume = this.volumes.get('', specOf(claim).volumeName ?? '');
    if (!volume || specOf(volume).claimRef?.uid !== claim.metadata.uid) return;
    const driver: string | undefined = specOf(volume).csi?.driver;
    let current = claim;
    if (driver && claim.metadata.annotations?.[annStorageResizer] !== driver) {
      const next = structuredClone(claim);
      next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [annStorageResizer]: driver };
      current = this.ctx.api.update(resources.persistentvolumeclaims, namespace, name, next).object;
    }
    this.recorder.event(current, 'Normal', 'ExternalExpanding', 'waiting for an external controller to expand this PVC');
  }
}
