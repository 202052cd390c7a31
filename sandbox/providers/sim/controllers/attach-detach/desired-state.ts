/**
 * desired-state computes, as pure functions, what the attach/detach
 * controller (pkg/controller/volume/attachdetach) wants: which attachable
 * volumes must be attached to which nodes and for which pods (its
 * desiredStateOfWorld), and the Multi-Attach error text
 * (reconciler.go reportMultiAttachError).
 *
 * Attachable here means a CSI PersistentVolume whose CSIDriver says
 * attachRequired (true when unset, or when no CSIDriver object exists —
 * pkg/volume/csi/csi_attacher.go). NFS, hostPath, local and emptyDir are
 * never attached, so two nodes can use an RWO NFS volume at once.
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../../store/types.ts';
import { specOf, statusOf } from '../pv-binder/volume-helpers.ts';

/** DesiredAttachment is one (volume, node) pair with the pods on that node that need it. */
export interface DesiredAttachment {
  pvName: string;
  node: string;
  driver: string;
  volumeHandle: string;
  pods: KObject[];
  volume: KObject;
}

/**
 * isPodTerminated is volumeutil.IsPodTerminated: Succeeded/Failed, or being
 * deleted with no container still running. A Terminating pod whose
 * containers still run (on a node that stopped answering) keeps its volumes.
 */
export function isPodTerminated(pod: KObject): boolean {
  const st = statusOf(pod);
  if (st.phase === 'Succeeded' || st.phase === 'Failed') return true;
  if (!pod.metadata.deletionTimestamp) return false;
  const statuses: any[] = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? []), ...(st.ephemeralContainerStatuses ?? [])];
  // notRunning: a status that is neither terminated nor waiting counts as running.
  return !statuses.some((c) => !c.state?.terminated && !c.state?.waiting);
}

/** attachRequired: the CSIDriver's spec.attachRequired, true when unset or when there is no CSIDriver object. */
export function attachRequired(driver: string, csiDrivers: readonly KObject[]): boolean {
  const d = csiDrivers.find((x) => x.metadata.name === driver);
  if (!d) return true;
  return specOf(d).attachRequired !== false;
}

/** isMultiAttachAllowed is volumeutil.IsMultiAttachAllowed: RWX or ROX volumes (or no modes) may attach to several nodes. */
export function isMultiAttachAllowed(volume: KObject): boolean {
  const modes: string[] = specOf(volume).accessModes ?? [];
  if (modes.length === 0) return true;
  return modes.includes('ReadWriteMany') || modes.includes('ReadOnlyMany');
}

export interface WorldForAttach {
  pods: readonly KObject[];
  claims: readonly KObject[];
  volumes: readonly KObject[];
  csiDrivers: readonly KObject[];
  nodes: readonly KObject[];
}

/** desiredAttachments lists every attachable volume a scheduled, live pod needs on its node. */
export function desiredAttachments(w: WorldForAttach): DesiredAttachment[] {
  const out = new Map<string, DesiredAttachment>();
  const nodes = new Map(w.nodes.map((n) => [n.metadata.name!, n]));
  for (const pod of w.pods) {
    const nodeName: string | undefined = specOf(pod).nodeName;
    if (!nodeName || isPodTerminated(pod)) continue;
    const node = nodes.get(nodeName);
    // Only nodes whose kubelet lets the controller manage attachment (kind's nodes all do).
    if (!node || node.metadata.annotations?.['volumes.kubernetes.io/controller-managed-attach-detach'] !== 'true') continue;
    for (const v of specOf(pod).volumes ?? []) {
      const claimName = v.persistentVolumeClaim?.claimName;
      if (!claimName) continue;
      const claim = w.claims.find((c) => c.metadata.name === claimName && c.metadata.namespace === pod.metadata.namespace);
      const pvName: string | undefined = claim ? specOf(claim).volumeName : undefined;
      if (!claim || !pvName || statusOf(claim).phase !== 'Bound') continue;
      const volume = w.volumes.find((x) => x.metadata.name === pvName);
      const csi = volume ? specOf(volume).csi : undefined;
      if (!volume || !csi?.driver || !attachRequired(csi.driver, w.csiDrivers)) continue;
      const key = `${pvName}\u0000${nodeName}`;
      let d = out.get(key);
      if (!d) {
        d = { pvName, node: nodeName, driver: csi.driver, volumeHandle: String(csi.volumeHandle ?? ''), pods: [], volume };
        out.set(key, d);
      }
      if (!d.pods.includes(pod)) d.pods.push(pod);
    }
  }
  return [...out.values()];
}

/**
 * multiAttachMessage is the FailedAttachVolume text one waiting pod sees:
 * the pods in its own namespace that use the volume on other nodes, by
 * name, and only a count for other namespaces; with none left (they are
 * already gone) the "exclusively attached" variant.
 */
export function multiAttachMessage(pvName: string, waitingPod: KObject, podsElsewhere: readonly KObject[]): string {
  const prefix = `Multi-Attach error for volume "${pvName}"`;
  if (podsElsewhere.length === 0) return `${prefix} Volume is already exclusively attached to one node and can't be attached to another`;
  const local = podsElsewhere.filter((p) => p.metadata.namespace === waitingPod.metadata.namespace).map((p) => p.metadata.name!);
  const others = podsElsewhere.length - local.length;
  let msg: string;
  if (local.length > 0) {
    msg = `Volume is already used by pod(s) ${local.join(', ')}`;
    if (others > 0) msg = `${msg} and ${others} pod(s) in different namespaces`;
  } else msg = `Volume is already used by ${others} pod(s) in different namespaces`;
  return `${prefix} ${msg}`;
}

/** attachmentName is the CSI attacher's VolumeAttachment name: `csi-` + sha256(volumeHandle + driver + node) in hex (csi_attacher.go getAttachmentName). */
export function attachmentName(volumeHandle: string, driver: string, node: string): string {
  return `csi-${createHash('sha256').update(`${volumeHandle}${driver}${node}`).digest('hex')}`;
}

/** uniqueVolumeName is how kubelet and the node status name a CSI volume: `kubernetes.io/csi/<driver>^<volumeHandle>`. */
export function uniqueVolumeName(driver: string, volumeHandle: string): string {
  return `kubernetes.io/csi/${driver}^${volumeHandle}`;
}
