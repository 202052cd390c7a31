/**
 * CsiResizerController is the external-resizer sidecar of ceph-csi's RBD
 * driver (kubernetes-csi/external-resizer pkg/controller/controller.go,
 * ceph-csi internal/rbd controllerserver.go ControllerExpandVolume):
 *
 * - it takes a claim the expand controller handed to it
 *   (`volume.kubernetes.io/storage-resizer: rbd.csi.ceph.com`) whose
 *   request exceeds its capacity, sets the `Resizing` condition and emits
 *   `Resizing` "External resizer is resizing volume pvc-…";
 * - it grows the RBD image (controller-expand secret, size rounded up to
 *   whole MiB) and the PV's capacity;
 * - a filesystem volume then needs the node to grow the filesystem:
 *   condition `FileSystemResizePending` "Waiting for user to (re-)start a
 *   pod to finish file system resize of volume on node.", event
 *   `FileSystemResizeRequired` "Require file system resize of volume on
 *   node", allocatedResourceStatuses NodeResizePending — the kubelet
 *   finishes it; a block volume is done at once (`VolumeResizeSuccessful`).
 * - failures are Warning `VolumeResizeFailed` with the gRPC error, retried.
 *
 * Events come from `external-resizer rbd.csi.ceph.com`.
 *
 * It resizes only while a csi-resizer sidecar container runs (the
 * csi-rbdplugin-provisioner pod's, images/ceph-csi): the container attaches
 * when it starts and detaches when it stops; a claim raised meanwhile waits
 * and is picked up when one attaches again.
 */
import type { KObject } from '../../store/types.ts';
import { resources, objectKeyOf, splitKey, type Controller, type ControllerContext, type EventRecorder, type Informer, type WorkQueue } from '../manager/index.ts';
import { releasePrivateBackends, storageBackendsOf, type StorageBackends } from '../../dataroot/storage-backends.ts';
import { parseQuantity } from '../../admission/validation/quantity.ts';
import { CephError } from '../../ceph/ceph-cluster.ts';
import { specOf, statusOf } from '../pv-binder/volume-helpers.ts';
import { annStorageResizer, pvcNeedsResize } from '../pv-binder/expander.ts';
import { binaryQuantity, cephCsiRbdProvisionerName, parseVolumeHandle } from './ceph-csi-rbd.ts';

const MiB = 1 << 20;
const retryStartMs = 1000;
const retryMaxMs = 5 * 60_000;

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function decode(secret: KObject | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(((secret as any)?.data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  return out;
}

export class CsiResizerController implements Controller {
  readonly name = 'csi-resizer-rbd.csi.ceph.com';
  private ctx!: ControllerContext;
  private claims!: Informer;
  private volumes!: Informer;
  private secrets!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;
  private backends!: StorageBackends;
  private readonly failures = new Map<string, number>();
  /** attached counts the running csi-resizer containers. */
  private attached = 0;

  /** attach is called by a csi-resizer container when it starts; detach() when it stops. */
  attach(): { detach(): void } {
    this.attached++;
    // A resizer that starts lists every claim, as its informer does.
    if (this.attached === 1 && this.claims) for (const c of this.claims.list()) if (this.wants(c)) this.queue.add(objectKeyOf(c));
    let done = false;
    return {
      detach: () => {
        if (done) return;
        done = true;
        this.attached--;
      },
    };
  }

  private wants(c: KObject): boolean {
    return c.metadata.annotations?.[annStorageResizer] === cephCsiRbdProvisionerName && pvcNeedsResize(c);
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.backends = storageBackendsOf(ctx);
    this.recorder = ctx.recorder(`external-resizer ${cephCsiRbdProvisionerName}`);
    this.secrets = ctx.informer(resources.secrets);
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    const changed = (c: KObject) => {
      if (this.attached > 0 && this.wants(c)) this.queue.add(objectKeyOf(c));
    };
    this.claims.addHandler({ add: changed, update: (_o, c) => changed(c) });
  }

  stop(): void {
    if (this.ctx) releasePrivateBackends(this.ctx);
  }

  private sync(key: string): void {
    if (this.attached === 0) return;
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (!claim || claim.metadata.annotations?.[annStorageResizer] !== cephCsiRbdProvisionerName || !pvcNeedsResize(claim)) return;
    const volume = this.volumes.get('', specOf(claim).volumeName ?? '');
    const csi = volume ? specOf(volume).csi : undefined;
    if (!volume || csi?.driver !== cephCsiRbdProvisionerName) return;
    const wantBytes = parseQuantity(specOf(claim).resources.requests.storage) ?? 0;
    const newBytes = Math.ceil(wantBytes / MiB) * MiB;
    const conditions = (statusOf(claim).conditions ?? []) as any[];
    // A claim already waiting for its node to grow the filesystem to this size has nothing left for the controller.
    if (conditions.some((c) => c.type === 'FileSystemResizePending') && parseQuantity(statusOf(claim).allocatedResources?.storage ?? '0') === wantBytes) return;
    const now = rfc3339(this.ctx.clock.now());
    const api = this.ctx.api;
    let current = this.updateStatus(claim, (st) => {
      st.conditions = [{ type: 'Resizing', status: 'True', lastProbeTime: null, lastTransitionTime: now }];
      st.allocatedResources = { storage: specOf(claim).resources.requests.storage };
      st.allocatedResourceStatuses = { storage: 'ControllerResizeInProgress' };
    });
    this.recorder.event(current, 'Normal', 'Resizing', `External resizer is resizing volume ${volume.metadata.name}`);
    try {
      this.expandImage(csi, newBytes);
    } catch (e) {
      this.recorder.event(current, 'Warning', 'VolumeResizeFailed', (e as Error).message);
      current = this.updateStatus(current, (st) => {
        st.conditions = [];
        st.allocatedResourceStatuses = { storage: 'ControllerResizeInfeasible' };
      });
      const n = this.failures.get(key) ?? 0;
      this.failures.set(key, n + 1);
      this.queue.addAfter(key, Math.min(retryMaxMs, retryStartMs * 2 ** n));
      return;
    }
    this.failures.delete(key);
    const pv = structuredClone(volume) as any;
    pv.spec.capacity = { ...pv.spec.capacity, storage: binaryQuantity(newBytes) };
    api.update(resources.persistentvolumes, '', volume.metadata.name!, pv);
    if ((specOf(volume).volumeMode ?? 'Filesystem') === 'Block') {
      this.updateStatus(current, (st) => {
        st.conditions = [];
        st.capacity = { ...(st.capacity ?? {}), storage: binaryQuantity(newBytes) };
        delete st.allocatedResourceStatuses;
      });
      this.recorder.event(current, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
      return;
    }
    this.updateStatus(current, (st) => {
      st.conditions = [
        {
          type: 'FileSystemResizePending',
          status: 'True',
          lastProbeTime: null,
          lastTransitionTime: now,
          message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.',
        },
      ];
      st.allocatedResourceStatuses = { storage: 'NodeResizePending' };
    });
    this.recorder.event(current, 'Normal', 'FileSystemResizeRequired', 'Require file system resize of volume on node');
  }

  /** expandImage is ControllerExpandVolume: controller-expand credentials, then `rbd resize`. */
  private expandImage(csi: any, newBytes: number): void {
    const ref = csi.controllerExpandSecretRef;
    if (!ref?.name) throw new Error('rpc error: code = InvalidArgument desc = provided secret is empty');
    const secret = this.secrets.get(ref.namespace ?? '', ref.name);
    if (!secret) throw new Error(`error getting secret ${ref.name} in namespace ${ref.namespace}: secrets "${ref.name}" not found`);
    const data = decode(secret);
    const ceph = this.backends.ceph;
    try {
      ceph.authenticate(data.userID ?? '', data.userKey ?? '');
    } catch (e) {
      if (e instanceof CephError) throw new Error(`rpc error: code = Internal desc = failed to get connection: connecting failed: rados: ret=-${e.code}, ${e.strerror}`);
      throw e;
    }
    const handle = parseVolumeHandle(String(csi.volumeHandle ?? ''));
    const pool = handle ? ceph.pools().find((p) => p.id === handle.poolId) : undefined;
    const image = csi.volumeAttributes?.imageName;
    if (!pool || !image || !ceph.image(pool.name, image)) throw new Error(`rpc error: code = NotFound desc = image not found: RBD image not found`);
    if (ceph.image(pool.name, image)!.sizeBytes < newBytes) ceph.resizeImage(pool.name, image, newBytes);
  }

  private updateStatus(claim: KObject, change: (st: any) => void): KObject {
    const next = structuredClone(claim) as any;
    next.status = next.status ?? {};
    change(next.status);
    return this.ctx.api.update(resources.persistentvolumeclaims, claim.metadata.namespace!, claim.metadata.name!, next, { subresource: 'status' }).object;
  }
}
