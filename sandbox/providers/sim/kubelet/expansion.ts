/**
 * Node-side volume expansion of the kubelet model: when a claim's volume was
 * grown by the external-resizer (../controllers/provisioners/csi-resizer.ts:
 * PV capacity raised, claim `FileSystemResizePending` with
 * allocatedResourceStatuses `storage: NodeResizePending`), the kubelet of a
 * node that mounts it calls the driver's NodeExpandVolume (ceph-csi:
 * resize2fs) and records the result on the claim. These are the pure parts —
 * which claims need it, and the status the kubelet writes — that
 * ./kubelet.ts applies.
 *
 * Modelled on Kubernetes 1.33 with RecoverVolumeExpansionFailure (beta, on):
 * - pkg/volume/util/operationexecutor/operation_generator.go
 *   expandVolumeDuringMount (at mount: PVC status capacity < PV capacity)
 *   and GenerateExpandInUseVolumeFunc / nodeExpandVolume (online: the
 *   volume manager sees the PV grow past the size it recorded at mount);
 * - node_expander.go runPreCheck (expansion proceeds only while the claim
 *   says NodeResizePending or NodeResizeInProgress, to the size in
 *   status.allocatedResources) and expandOnPlugin (MarkNodeExpansionInProgress,
 *   NodeExpand, `FileSystemResizeSuccessful` on the pod and the claim, then
 *   the claim's capacity);
 * - pkg/volume/util/resize_util.go MarkNodeExpansionInProgress and
 *   MarkNodeExpansionFinishedWithRecovery (capacity = the new size,
 *   allocatedResourceStatuses' storage entry dropped, every resize condition
 *   removed; allocatedResources stays).
 * https://github.com/kubernetes/kubernetes/blob/release-1.33/pkg/volume/util/operationexecutor/node_expander.go
 */
import type { KObject } from '../store/types.ts';
import { parseQuantity } from '../admission/validation/quantity.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * onlineExpansionDelayMs is how long after the claim turns NodeResizePending
 * the kubelet of a node where the volume is mounted grows it. A real kubelet
 * only re-reads the PV when its desired-state populator reprocesses the pod,
 * which happens at the pod worker's next sync: on any change to the pod, else
 * at the periodic resync (syncFrequency 1 min, jittered up to 1.5 min,
 * pod_workers.go completeWork) — then the reconciler's 100 ms loop starts
 * NodeExpandVolume. Reports show anything from seconds (kubernetes#84030: 8 s)
 * to a minute; a fixed 10 s lets a learner watching `kubectl get pvc -w` see
 * the pending state and then its end, without a minute of nothing.
 */
export const onlineExpansionDelayMs = 10_000;

/** resizeConditionTypes are the claim conditions MergeResizeConditionOnPVC treats as resize conditions (knownResizeConditions). */
const resizeConditionTypes = new Set(['FileSystemResizePending', 'Resizing', 'ControllerResizeError', 'NodeResizeError']);

/**
 * pendingNodeExpansion says what NodeExpandVolume has to grow a claim's
 * filesystem volume to: the claim's allocatedResources.storage, when the
 * PV's capacity is above the claim's status capacity and the resizer left
 * the claim NodeResizePending (or a kubelet was interrupted in
 * NodeResizeInProgress). Undefined when the node has nothing to do —
 * including block volumes, which the resizer finishes by itself.
 */
export function pendingNodeExpansion(claim: KObject | undefined, pv: KObject | undefined): { newSize: string } | undefined {
  if (!claim || !pv) return undefined;
  const spec = (pv as any).spec ?? {};
  if ((spec.volumeMode ?? 'Filesystem') === 'Block') return undefined;
  const status = (claim as any).status ?? {};
  const have = parseQuantity(status.capacity?.storage ?? '0') ?? 0;
  const pvSize = parseQuantity(spec.capacity?.storage ?? '0') ?? 0;
  if (!(have < pvSize)) return undefined;
  const resizeStatus = status.allocatedResourceStatuses?.storage;
  if (resizeStatus !== 'NodeResizePending' && resizeStatus !== 'NodeResizeInProgress') return undefined;
  const newSize: string | undefined = status.allocatedResources?.storage ?? spec.capacity?.storage;
  return newSize ? { newSize } : undefined;
}

/** nodeExpansionInProgressStatus is the claim status MarkNodeExpansionInProgress writes before NodeExpandVolume runs. */
export function nodeExpansionInProgressStatus(status: any): any {
  return { ...status, allocatedResourceStatuses: { ...(status.allocatedResourceStatuses ?? {}), storage: 'NodeResizeInProgress' } };
}

/**
 * nodeExpansionFinishedStatus is the claim status
 * MarkNodeExpansionFinishedWithRecovery writes: the new capacity, no
 * storage entry in allocatedResourceStatuses (the field goes when nothing
 * else is in it), and no resize conditions (an empty conditions list is
 * omitted, as Go's omitempty does).
 */
export function nodeExpansionFinishedStatus(status: any, newSize: string): any {
  const next: any = { ...status, capacity: { ...(status.capacity ?? {}), storage: newSize } };
  const statuses = { ...(status.allocatedResourceStatuses ?? {}) };
  delete statuses.storage;
  if (Object.keys(statuses).length) next.allocatedResourceStatuses = statuses;
  else delete next.allocatedResourceStatuses;
  const conditions = ((status.conditions ?? []) as any[]).filter((c) => !resizeConditionTypes.has(c.type));
  if (conditions.length) next.conditions = conditions;
  else delete next.conditions;
  return next;
}

/**
 * nodeExpandSucceededMessage is the event message of `FileSystemResizeSuccessful`
 * (VolumeToMount.GenerateMsg("MountVolume.NodeExpandVolume succeeded", nodeName):
 * `<prefix> for volume "<spec name>" <suffix>`, the spec name being the PV's).
 */
export function nodeExpandSucceededMessage(pvName: string, node: string): string {
  return `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" ${node}`;
}

/** nodeExpandReadOnlyMessage is the `FileSystemResizeFailed` warning for a claim mounted read-only (expandVolumeDuringMount). */
export function nodeExpandReadOnlyMessage(pvName: string): string {
  return `MountVolume.NodeExpandVolume failed for volume "${pvName}" requested read-only file system`;
}
