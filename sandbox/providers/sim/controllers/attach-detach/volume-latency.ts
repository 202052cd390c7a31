/**
 * volume-latency: how long the steps between a scheduled pod and its
 * mounted ceph-csi RBD volume take on a real cluster, so a pod with an RBD
 * claim is ContainerCreating for as long as a real one (QA F10).
 *
 * - attach: the external-attacher sees the VolumeAttachment, adds its
 *   finalizer and marks it attached (ceph-csi RBD has no ControllerPublish
 *   work; what remains is the sidecar's watch and API round trips, ~0.5–1 s);
 * - stage: the kubelet's MountDevice → ceph-csi NodeStageVolume: `rbd map`,
 *   `mkfs.ext4` when blkid finds no filesystem on the image (its first use —
 *   a few seconds), then the mount at the staging path; NodePublishVolume's
 *   bind mount after it is quick and not modelled apart
 *   (https://github.com/ceph/ceph-csi/blob/devel/internal/rbd/nodeserver.go
 *   NodeStageVolume, and k8s.io/mount-utils FormatAndMount);
 * - detach: the external-attacher's handling of a deleted VolumeAttachment
 *   before it removes its finalizer (ControllerUnpublish, csi_handler.go
 *   csiDetach).
 *
 * The times are ControlPlaneOptions.volumeLatency; tests about other
 * behaviours set them to 0.
 */
import type { ControlPlaneOptions } from '../manager/manager.ts';

/** VolumeLatency is the time (ms) of each modelled RBD volume step. */
export interface VolumeLatency {
  /** attachMs: VolumeAttachment created → status.attached true. */
  attachMs: number;
  /** detachMs: VolumeAttachment deleted → the external-attacher's finalizer removed (the object goes). */
  detachMs: number;
  /** stageNewMs: NodeStageVolume of an image without a filesystem (rbd map, mkfs.ext4, mount). */
  stageNewMs: number;
  /** stageMs: NodeStageVolume of an image that already has one (rbd map, mount). */
  stageMs: number;
}

/** defaultVolumeLatency is what a kind cluster with ceph-csi shows: a fresh RBD claim's pod is ContainerCreating ~5 s after its claim is bound. */
export const defaultVolumeLatency: Readonly<VolumeLatency> = { attachMs: 1000, detachMs: 1000, stageNewMs: 4000, stageMs: 1500 };

/** noVolumeLatency makes every step immediate (tests of other behaviours). */
export const noVolumeLatency: Readonly<VolumeLatency> = { attachMs: 0, detachMs: 0, stageNewMs: 0, stageMs: 0 };

/** volumeLatencyOf resolves ControlPlaneOptions.volumeLatency against the defaults (a missing or negative value takes its default). */
export function volumeLatencyOf(options: Pick<ControlPlaneOptions, 'volumeLatency'>): VolumeLatency {
  const set = options.volumeLatency ?? {};
  const pick = (k: keyof VolumeLatency) => {
    const v = set[k];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : defaultVolumeLatency[k];
  };
  return { attachMs: pick('attachMs'), detachMs: pick('detachMs'), stageNewMs: pick('stageNewMs'), stageMs: pick('stageMs') };
}
