/**
 * attach-detach: the attachdetach-controller and the CSI external-attacher
 * sidecars of the drivers the lab installs (ceph-csi RBD).
 */
import { clusterShape } from '../../../cluster-shape.ts';
export { AttachDetachController, maxWaitForUnmountMs, csiAttachTimeoutMs, outOfServiceTaint } from './controller.ts';
export { CsiAttacherController, attacherFinalizer } from './csi-attacher.ts';
export { volumeLatencyOf, defaultVolumeLatency, noVolumeLatency, type VolumeLatency } from './volume-latency.ts';
export {
  desiredAttachments,
  isMultiAttachAllowed,
  isPodTerminated,
  attachRequired,
  multiAttachMessage,
  attachmentName,
  uniqueVolumeName,
  type DesiredAttachment,
} from './desired-state.ts';

/** attachingDrivers are the CSI drivers whose external-attacher runs in a lab cluster. */
export const attachingDrivers: readonly string[] = [clusterShape.ceph.csiDriver];
