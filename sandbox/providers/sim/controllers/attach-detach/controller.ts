/**
 * AttachDetachController is kube-controller-manager's
 * attachdetach-controller (pkg/controller/volume/attachdetach, reconciler
 * in reconciler/reconciler.go) for CSI volumes:
 *
 * - every scheduled, live pod's attachable volumes are attached to its
 *   node by creating a VolumeAttachment `csi-<sha256>` (attacher = driver,
 *   source.persistentVolumeName); once the driver's external-attacher marks
 *   it attached, the pods get `SuccessfulAttachVolume` and the node's
 *   status.volumesAttached lists the volume;
 * - an RWO (or RWOP) volume attached to one node is not attached to a
 *   second: each pod waiting there gets one Warning `FailedAttachVolume`
 *   "Multi-Attach error for volume … Volume is already used by pod(s) …" —
 *   once the attachment elsewhere is done: while it is still being attached
 *   or detached the operation is pending and the controller only waits;
 * - a volume no live pod on a node needs any more is detached (its
 *   VolumeAttachment deleted) — unless that node still reports it in
 *   status.volumesInUse (mounted): then the controller waits, and on a node
 *   that is not Ready it force-detaches after 6 minutes
 *   (maxWaitForUnmountDuration); a node tainted
 *   node.kubernetes.io/out-of-service is detached at once.
 *
 * The actual state of the world is the VolumeAttachment objects
 * themselves, so nothing is lost across a controller restart.
 */
import type { KObject } from '../../store/types.ts';
import { StatusError } from '../../api/status.ts';
import { resources, rfc3339, type Controller, type ControllerContext, type EventRecorder, type Informer, type TimerHandle, type WorkQueue } from '../manager/index.ts';
import { specOf, statusOf } from '../pv-binder/volume-helpers.ts';
import { attachmentName, desiredAttachments, isMultiAttachAllowed, multiAttachMessage, uniqueVolumeName, type DesiredAttachment } from './desired-state.ts';

/** maxWaitForUnmountMs is the reconciler's maxWaitForUnmountDuration (6 min). */
export const maxWaitForUnmountMs = 6 * 60_000;
/**
 * csiAttachTimeoutMs is how long the CSI attacher waits for a driver's
 * external-attacher to mark a VolumeAttachment attached (pkg/volume/csi
 * csiTimeout, 2 min) before the attach counts as failed and is retried.
 */
export const csiAttachTimeoutMs = 2 * 60_000;
export const outOfServiceTaint = 'node.kubernetes.io/out-of-service';
const reconcileKey = 'reconcile';

export class AttachDetachController implements Controller {
  readonly name = 'attachdetach-controller';
  private ctx!: ControllerContext;
  private pods!: Informer;
  private claims!: Informer;
  private volumes!: Informer;
  private nodes!: Informer;
  private csiDrivers!: Informer;
  private attachments!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;
  /** multiAttachReported: (pv, node) pairs whose Multi-Attach error was already reported (once per desired entry). */
  private readonly multiAttachReported = new Set<string>();
  /** attachReported: (pv, node) pairs whose SuccessfulAttachVolume went out. */
  private readonly attachReported = new Set<string>();
  /** undesiredSince: when each attached (pv, node) stopped being needed, for the force-detach timeout. */
  private readonly undesiredSince = new Map<string, number>();
  /** attachWaitingSince / attachFailedAt: an attachment nobody marks attached (no external-attacher for its driver). */
  private readonly attachWaitingSince = new Map<string, number>();
  private readonly attachFailedAt = new Map<string, number>();
  private timer?: TimerHandle;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('attachdetach-controller');
    this.queue = ctx.queue('attachdetach', () => this.reconcile());
    const kick = () => this.queue.add(reconcileKey);
    const h = { add: kick, update: kick, delete: kick };
    this.csiDrivers = ctx.informer(resources.csidrivers);
    this.nodes = ctx.informer(resources.nodes);
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.attachments = ctx.informer(resources.volumeattachments);
    this.pods = ctx.informer(resources.pods);
    for (const i of [this.csiDrivers, this.nodes, this.volumes, this.claims, this.attachments, this.pods]) i.addHandler(h);
  }

  stop(): void {
    this.timer?.cancel();
  }

  private reconcile(): void {
    const desired = desiredAttachments({
      pods: this.pods.list(),
      claims: this.claims.list(),
      volumes: this.volumes.list(),
      csiDrivers: this.csiDrivers.list(),
      nodes: this.nodes.list(),
    });
    const desiredKeys = new Set(desired.map((d) => pairKey(d.pvName, d.node)));
    const attachments = this.attachments.list().filter((va) => specOf(va).source?.persistentVolumeName);
    const attachedByPv = new Map<string, KObject[]>();
    for (const va of attachments) {
      const pv = specOf(va).source.persistentVolumeName as string;
      attachedByPv.set(pv, [...(attachedByPv.get(pv) ?? []), va]);
    }
    for (const k of [...this.multiAttachReported]) if (!desiredKeys.has(k)) this.multiAttachReported.delete(k);
    for (const k of [...this.attachReported]) if (!desiredKeys.has(k)) this.attachReported.delete(k);
    for (const m of [this.attachWaitingSince, this.attachFailedAt]) for (const k of [...m.keys()]) if (!desiredKeys.has(k)) m.delete(k);

    // Detach first (reconciler.go does too); a volume being detached from one node attaches elsewhere once that is done.
    let nextCheck = Infinity;
    for (const va of attachments) {
      const pv = specOf(va).source.persistentVolumeName as string;
      const node = specOf(va).nodeName as string;
      const key = pairKey(pv, node);
      if (desiredKeys.has(key)) {
        this.undesiredSince.delete(key);
        continue;
      }
      if (va.metadata.deletionTimestamp) continue;
      const wait = this.unmountWait(va, key);
      if (wait > 0) {
        nextCheck = Math.min(nextCheck, wait);
        continue;
      }
      this.undesiredSince.delete(key);
      this.detach(va);
      // The detach runs until the attacher lets the VolumeAttachment go: an RWO volume attaches to
      // another node only after that (its operation is pending meanwhile, see operationPending).
      const detaching = { ...va, metadata: { ...va.metadata, deletionTimestamp: rfc3339(this.ctx.clock.now()) } };
      attachedByPv.set(pv, (attachedByPv.get(pv) ?? []).map((x) => (x === va ? detaching : x)));
    }
    for (const k of [...this.undesiredSince.keys()]) if (desiredKeys.has(k)) this.undesiredSince.delete(k);

    for (const d of desired) {
      const key = pairKey(d.pvName, d.node);
      const onThisNode = (attachedByPv.get(d.pvName) ?? []).find((va) => specOf(va).nodeName === d.node);
      if (onThisNode) {
        if (statusOf(onThisNode).attached === true && !onThisNode.metadata.deletionTimestamp) {
          this.attachWaitingSince.delete(key);
          this.attachFailedAt.delete(key);
          this.attached(d, key);
        } else if (!onThisNode.metadata.deletionTimestamp) {
          nextCheck = Math.min(nextCheck, this.waitForAttacher(d, key));
        }
        continue;
      }
      const elsewhere = (attachedByPv.get(d.pvName) ?? []).filter((va) => specOf(va).nodeName !== d.node);
      if (elsewhere.length > 0 && !isMultiAttachAllowed(d.volume)) {
        // reconciler.go attachDesiredVolumes: while an attach or detach of this volume is running
        // (IsOperationPending without a node, for a volume that cannot multi-attach) nothing is
        // reported yet; the VolumeAttachment's next change brings the controller back.
        if (elsewhere.some((va) => this.operationPending(va))) continue;
        if (!this.multiAttachReported.has(key)) {
          this.multiAttachReported.add(key);
          const otherNodes = new Set(elsewhere.map((va) => specOf(va).nodeName as string));
          const podsElsewhere = desired.filter((x) => x.pvName === d.pvName && otherNodes.has(x.node)).flatMap((x) => x.pods);
          for (const pod of d.pods) this.recorder.event(pod, 'Warning', 'FailedAttachVolume', multiAttachMessage(d.pvName, pod, podsElsewhere));
        }
        continue;
      }
      this.attach(d);
      attachedByPv.set(d.pvName, [...(attachedByPv.get(d.pvName) ?? []), { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttachment', metadata: {}, spec: { nodeName: d.node, source: { persistentVolumeName: d.pvName } } } as KObject]);
    }
    this.syncNodeStatus(desired);

    this.timer?.cancel();
    this.timer = undefined;
    if (Number.isFinite(nextCheck)) this.timer = this.ctx.clock.after(nextCheck, () => this.queue.add(reconcileKey));
  }

  /**
   * operationPending says whether the attacher is still working on a
   * VolumeAttachment: it is being deleted (detach), or not attached yet and
   * younger than csiAttachTimeoutMs (the attach waits that long before it
   * fails). Entries this pass is about to create have no creationTimestamp
   * and count as pending too.
   */
  private operationPending(va: KObject): boolean {
    if (va.metadata.deletionTimestamp) return true;
    if (statusOf(va).attached === true) return false;
    const created = Date.parse(va.metadata.creationTimestamp ?? '');
    return !Number.isFinite(created) || this.ctx.clock.now().getTime() - created < csiAttachTimeoutMs;
  }

  /**
   * unmountWait is how long to keep an unneeded attachment because its node
   * still reports the volume mounted: 0 = detach now. A Ready node is waited
   * for indefinitely; an unhealthy one for maxWaitForUnmountMs; an
   * out-of-service one not at all.
   */
  private unmountWait(va: KObject, key: string): number {
    const nodeName = specOf(va).nodeName as string;
    const node = this.nodes.get('', nodeName);
    if (!node) return 0;
    if ((specOf(node).taints ?? []).some((t: any) => t.key === outOfServiceTaint && t.effect === 'NoExecute')) return 0;
    const pv = this.volumes.get('', specOf(va).source.persistentVolumeName);
    const csi = pv ? specOf(pv).csi : undefined;
    const unique = csi ? uniqueVolumeName(csi.driver, csi.volumeHandle) : undefined;
    const inUse: string[] = statusOf(node).volumesInUse ?? [];
    if (!unique || !inUse.includes(unique)) return 0;
    const now = this.ctx.clock.now().getTime();
    const since = this.undesiredSince.get(key) ?? now;
    this.undesiredSince.set(key, since);
    const ready = (statusOf(node).conditions ?? []).find((c: any) => c.type === 'Ready')?.status === 'True';
    if (ready) return Infinity;
    return Math.max(0, since + maxWaitForUnmountMs - now);
  }

  /**
   * waitForAttacher reports an attachment that stays unattached for
   * csiAttachTimeoutMs (a CSI driver whose external-attacher does not run),
   * again every time the retried attach times out; it returns when to look
   * next.
   */
  private waitForAttacher(d: DesiredAttachment, key: string): number {
    const now = this.ctx.clock.now().getTime();
    const since = this.attachWaitingSince.get(key) ?? now;
    this.attachWaitingSince.set(key, since);
    const last = this.attachFailedAt.get(key) ?? since;
    const due = last + csiAttachTimeoutMs;
    if (now < due) return due - now;
    this.attachFailedAt.set(key, now);
    const msg = `AttachVolume.Attach failed for volume "${d.pvName}" : timed out waiting for external-attacher of ${d.driver} CSI driver to attach volume ${d.volumeHandle}`;
    for (const pod of d.pods) this.recorder.event(pod, 'Warning', 'FailedAttachVolume', msg);
    return csiAttachTimeoutMs;
  }

  private attach(d: DesiredAttachment): void {
    const name = attachmentName(d.volumeHandle, d.driver, d.node);
    try {
      this.ctx.api.create(resources.volumeattachments, '', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'VolumeAttachment',
        metadata: { name },
        spec: { attacher: d.driver, nodeName: d.node, source: { persistentVolumeName: d.pvName } },
      } as KObject);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
  }

  private attached(d: DesiredAttachment, key: string): void {
    if (this.attachReported.has(key)) return;
    this.attachReported.add(key);
    // GenerateMsg("AttachVolume.Attach succeeded", "") leaves a trailing space, which kubectl trims when printing.
    for (const pod of d.pods) this.recorder.event(pod, 'Normal', 'SuccessfulAttachVolume', `AttachVolume.Attach succeeded for volume "${d.pvName}" `);
  }

  private detach(va: KObject): void {
    try {
      this.ctx.api.delete(resources.volumeattachments, '', va.metadata.name!);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }

  /** syncNodeStatus keeps each node's status.volumesAttached equal to its attached VolumeAttachments (nodestatusupdater). */
  private syncNodeStatus(_desired: DesiredAttachment[]): void {
    const byNode = new Map<string, { name: string; devicePath: string }[]>();
    for (const va of this.attachments.list()) {
      if (statusOf(va).attached !== true || va.metadata.deletionTimestamp) continue;
      const pv = this.volumes.get('', specOf(va).source?.persistentVolumeName ?? '');
      const csi = pv ? specOf(pv).csi : undefined;
      if (!csi) continue;
      const node = specOf(va).nodeName as string;
      byNode.set(node, [...(byNode.get(node) ?? []), { name: uniqueVolumeName(csi.driver, csi.volumeHandle), devicePath: '' }]);
    }
    for (const node of this.nodes.list()) {
      const want = (byNode.get(node.metadata.name!) ?? []).sort((a, b) => (a.name < b.name ? -1 : 1));
      const have = statusOf(node).volumesAttached ?? [];
      if (JSON.stringify(have) === JSON.stringify(want) || (have.length === 0 && want.length === 0)) continue;
      const next = structuredClone(node) as any;
      if (want.length) next.status.volumesAttached = want;
      else delete next.status.volumesAttached;
      try {
        this.ctx.api.update(resources.nodes, '', node.metadata.name!, next, { subresource: 'status' });
      } catch (e) {
        // A kubelet heartbeat may have moved the node on; the next pass retries.
        if (!(e instanceof StatusError && (e.code === 409 || e.code === 404))) throw e;
        this.queue.addAfter(reconcileKey, 100);
      }
    }
  }
}

function pairKey(pv: string, node: string): string {
  return `${pv}\u0000${node}`;
}
