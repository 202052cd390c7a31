/**
 * NodeAgents is the part of each simulated node's kubelet that part 2
 * needs, and its power switch:
 *
 * - the node heartbeat: the kubelet's Lease in kube-node-lease renewed every
 *   nodeStatusUpdateFrequency (10 s; pkg/kubelet/nodelease), and a node
 *   status post with Ready=True `KubeletReady` when it (re)starts;
 * - finishing the deletion of pods bound to the node: a pod with a
 *   deletionTimestamp is removed by its kubelet once its containers are
 *   stopped (pkg/kubelet/status/status_manager.go canBeDeleted →
 *   Delete with grace 0). When the kubelet model (../../kubelet) runs, it
 *   does this itself after stopping the containers; without it (controller
 *   unit tests) the pod goes at once;
 * - powerOff(): all of that stops, as when the machine loses power. The
 *   node lifecycle controller notices only through the missing heartbeat;
 * - powerOn(): the kubelet starts again (events `Starting`, `NodeReady`),
 *   posts Ready=True and removes the pods that were deleted meanwhile.
 *
 * The kubelet model of sim part 3 (running containers, volumes) builds on
 * this; it does not replace the heartbeat.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { EventRecorder } from '../manager/events.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import type { TimerHandle } from '../manager/clock.ts';
import { resources } from '../manager/resources.ts';
import { microTime, rfc3339 } from '../manager/events.ts';
import { StatusError, notFound } from '../../api/status.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const nodeLeaseNamespace = 'kube-node-lease';
/** leaseDurationSeconds is the kubelet's --node-lease-duration-seconds default. */
const leaseDurationSeconds = 40;
/** nodeStatusReportFrequencyMs is the kubelet's --node-status-report-frequency: an unchanged status is re-posted this often. */
const nodeStatusReportFrequencyMs = 5 * 60_000;

/** healthyConditions is what a kubelet with nothing wrong posts (pkg/kubelet/nodestatus/setters.go). */
export const healthyConditions: [type: string, status: string, reason: string, message: string][] = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/** NODE_AGENTS is the name the node agents (kubelet heartbeats and power) run under in the controller manager. */
export const NODE_AGENTS = 'kubelet-heartbeat';

export class NodeAgents implements Controller {
  readonly name = NODE_AGENTS;
  private ctx!: ControllerContext;
  private nodes!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;
  private kubeletRecorders = new Map<string, EventRecorder>();
  private readonly off = new Set<string>();
  private readonly timers = new Map<string, TimerHandle>();
  /** lastStatusPost: when each kubelet last posted node status (nodeStatusReportFrequency is 5 min). */
  private readonly lastStatusPost = new Map<string, number>();
  /** powerListeners: the kubelet model (../../kubelet) stops and restarts a node's containers with its power. */
  private readonly powerListeners = new Set<(node: string, on: boolean) => void>();

  /** onPowerChange tells a listener when a node's power goes off or on; returns an unsubscribe. */
  onPowerChange(listener: (node: string, on: boolean) => void): () => void {
    this.powerListeners.add(listener);
    return () => this.powerListeners.delete(listener);
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.nodes = ctx.informer(resources.nodes);
    this.pods = ctx.informer(resources.pods);
    // One queue key per node: `lease/<node>` renews, `pods/<node>` finishes deletions.
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    this.nodes.addHandler({
      add: (n) => this.startNode(n.metadata.name!),
      delete: (n) => this.stopNode(n.metadata.name!),
    });
    this.pods.addHandler({
      add: (p) => this.podChanged(p),
      update: (_o, p) => this.podChanged(p),
    });
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** isPoweredOn says whether a node's machine is running. */
  isPoweredOn(node: string): boolean {
    return !this.off.has(node);
  }

  /** powerOff cuts a node's power: no more heartbeats, nothing on it reacts. */
  powerOff(node: string): void {
    this.requireNode(node);
    if (this.off.has(node)) return;
    this.off.add(node);
    this.timers.get(node)?.cancel();
    this.timers.delete(node);
    for (const l of this.powerListeners) l(node, false);
  }

  /** powerOn boots the node: the kubelet starts, posts Ready and resumes its heartbeat. */
  powerOn(node: string): void {
    const n = this.requireNode(node);
    if (!this.off.has(node)) return;
    this.off.delete(node);
    for (const l of this.powerListeners) l(node, true);
    const rec = this.kubelet(node);
    rec.event(n, 'Normal', 'Starting', 'Starting kubelet.');
    rec.event(n, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    // The status setters record an event for each condition they change: after the node
    // controller marked them Unknown these all fire; after a short outage none does.
    const before = new Map<string, string>(((n as any).status?.conditions ?? []).map((c: any) => [c.type, c.status])); // eslint-disable-line @typescript-eslint/no-explicit-any
    this.postReadyStatus(node);
    const now = this.nodes.get('', node) ?? n;
    for (const [type, reason] of [['MemoryPressure', 'NodeHasSufficientMemory'], ['DiskPressure', 'NodeHasNoDiskPressure'], ['PIDPressure', 'NodeHasSufficientPID']] as const) {
      if (before.get(type) !== 'False') rec.event(now, 'Normal', reason, `Node ${node} status is now: ${reason}`);
    }
    if (before.get('Ready') !== 'True') rec.event(now, 'Normal', 'NodeReady', `Node ${node} status is now: NodeReady`);
    this.startNode(node);
    this.queue.add(`pods/${node}`);
  }

  private requireNode(node: string): KObject {
    const n = this.nodes.get('', node);
    if (!n) throw notFound({ group: '', resource: 'nodes' }, node);
    return n;
  }

  private kubelet(node: string): EventRecorder {
    let r = this.kubeletRecorders.get(node);
    if (!r) this.kubeletRecorders.set(node, (r = this.ctx.recorder('kubelet', { host: node })));
    return r;
  }

  private startNode(node: string): void {
    if (this.off.has(node) || this.timers.has(node)) return;
    this.queue.add(`lease/${node}`);
    this.queue.add(`pods/${node}`);
  }

  private stopNode(node: string): void {
    this.timers.get(node)?.cancel();
    this.timers.delete(node);
  }

  private podChanged(p: KObject): void {
    const node = (p as any).spec?.nodeName;
    if (node && p.metadata.deletionTimestamp && !this.off.has(node)) this.queue.add(`pods/${node}`);
  }

  private sync(key: string): void {
    const [kind, node] = key.split('/') as [string, string];
    if (this.off.has(node) || !this.nodes.get('', node)) return;
    if (kind === 'lease') {
      this.renewLease(node);
      const nowMs = this.ctx.clock.now().getTime();
      const last = this.lastStatusPost.get(node);
      if (last === undefined) this.lastStatusPost.set(node, nowMs);
      else if (nowMs - last >= nodeStatusReportFrequencyMs) this.postReadyStatus(node);
      this.timers.get(node)?.cancel();
      this.timers.set(
        node,
        this.ctx.clock.after(this.ctx.options.nodeStatusUpdateFrequencyMs, () => {
          this.timers.delete(node);
          this.queue.add(`lease/${node}`);
        }),
      );
    } else if (kind === 'pods') {
      // With the kubelet model running, it stops containers and deletes the pod itself after the grace period.
      if (this.ctx.controller('kubelet')) return;
      for (const p of this.pods.list()) {
        if ((p as any).spec?.nodeName !== node || !p.metadata.deletionTimestamp) continue;
        try {
          this.ctx.api.delete(resources.pods, p.metadata.namespace!, p.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } });
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
        }
      }
    }
  }

  /** renewLease is nodelease's controller: create the Lease once, then move renewTime forward. */
  private renewLease(node: string): void {
    const now = microTime(this.ctx.clock.now());
    const n = this.nodes.get('', node)!;
    const lease = this.ctx.store.get(resources.leases.storage, nodeLeaseNamespace, node);
    try {
      if (!lease) {
        this.ctx.api.create(resources.leases, nodeLeaseNamespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: node, namespace: nodeLeaseNamespace, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node, uid: n.metadata.uid! }] },
          spec: { holderIdentity: node, leaseDurationSeconds, renewTime: now },
        } as KObject);
      } else {
        this.ctx.api.patch(resources.leases, nodeLeaseNamespace, node, 'merge', { spec: { holderIdentity: node, leaseDurationSeconds, renewTime: now } });
      }
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  /** postReadyStatus is the kubelet's first status update after start: healthy conditions, fresh heartbeat. */
  private postReadyStatus(node: string): void {
    this.lastStatusPost.set(node, this.ctx.clock.now().getTime());
    const now = rfc3339(this.ctx.clock.now());
    try {
      const current = this.ctx.api.get(resources.nodes, '', node) as any;
      const old: any[] = current.status?.conditions ?? [];
      current.status = current.status ?? {};
      current.status.conditions = healthyConditions.map(([type, status, reason, message]) => {
        const prev = old.find((c) => c.type === type);
        return { type, status, lastHeartbeatTime: now, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now, reason, message };
      });
      this.ctx.api.update(resources.nodes, '', node, current, { subresource: 'status' });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
