/**
 * NodeLifecycleController is pkg/controller/nodelifecycle
 * (node_lifecycle_controller.go monitorNodeHealth, doNoScheduleTaintingPass,
 * doNoExecuteTaintingPass) for the simulated cluster. Every
 * nodeMonitorPeriod (5 s) it looks at each node's heartbeat — the kubelet's
 * Lease renewTime and the Ready condition's lastHeartbeatTime — and once a
 * node has been silent for nodeMonitorGracePeriod (50 s since 1.32,
 * kubernetes/kubernetes#126287) it:
 *
 * - sets Ready, MemoryPressure, DiskPressure and PIDPressure to Unknown,
 *   reason NodeStatusUnknown, "Kubelet stopped posting node status."
 *   (lastHeartbeatTime kept, lastTransitionTime now);
 * - records NodeNotReady "Node <n> status is now: NodeNotReady";
 * - marks the node's pods Ready=False (MarkPodsNotReady) with a Warning
 *   NodeNotReady "Node is not ready" on each;
 * - taints it node.kubernetes.io/unreachable with NoSchedule and NoExecute
 *   (not-ready for Ready=False), and removes them when Ready is True again;
 * - keeps node.kubernetes.io/unschedulable:NoSchedule in step with cordon.
 *
 * Zone-based rate limiting of evictions (large clusters, partial
 * disruption) is not modelled: a lab has one zone and three nodes.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { EventRecorder } from '../manager/events.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import type { TimerHandle } from '../manager/clock.ts';
import { resources } from '../manager/resources.ts';
import { rfc3339 } from '../manager/events.ts';
import { StatusError } from '../../api/status.ts';
import { nodeLeaseNamespace } from './node-agent.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const taintUnreachable = 'node.kubernetes.io/unreachable';
export const taintNotReady = 'node.kubernetes.io/not-ready';
export const taintUnschedulable = 'node.kubernetes.io/unschedulable';
export const taintOutOfService = 'node.kubernetes.io/out-of-service';

/** nodeConditionTypes are the conditions the controller sets to Unknown (nodeConditionTypes). */
const unknownOnSilence = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface Health {
  /** probeMs: when the controller last saw the heartbeat move (its own clock, like nodeHealthData.probeTimestamp). */
  probeMs: number;
  leaseRenew?: string;
  heartbeat?: string;
}

export function readyStatus(node: KObject): string | undefined {
  return ((node as any).status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status;
}

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private ctx!: ControllerContext;
  private nodes!: Informer;
  private leases!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;
  private readonly health = new Map<string, Health>();
  private timer?: TimerHandle;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('node-controller');
    this.nodes = ctx.informer(resources.nodes);
    this.leases = ctx.informer(resources.leases);
    this.pods = ctx.informer(resources.pods);
    this.queue = ctx.queue(this.name, (node) => this.syncNode(node));
    this.nodes.addHandler({
      add: (n) => this.queue.add(n.metadata.name!),
      update: (_o, n) => this.queue.add(n.metadata.name!),
      delete: (n) => this.health.delete(n.metadata.name!),
    });
    this.leases.addHandler({
      update: (_o, l) => {
        if (l.metadata.namespace === nodeLeaseNamespace) this.observe(l.metadata.name!);
      },
      add: (l) => {
        if (l.metadata.namespace === nodeLeaseNamespace) this.observe(l.metadata.name!);
      },
    });
    this.tick();
  }

  stop(): void {
    this.timer?.cancel();
  }

  private tick(): void {
    for (const n of this.nodes.list()) this.queue.add(n.metadata.name!);
    this.timer = this.ctx.clock.after(this.ctx.options.nodeMonitorPeriodMs, () => this.tick());
  }

  /** observe moves a node's probe time when its lease or heartbeat changed (tryUpdateNodeHealth). */
  private observe(name: string): void {
    const node = this.nodes.get('', name);
    const lease = this.leases.get(nodeLeaseNamespace, name) as any;
    const renew = lease?.spec?.renewTime;
    const hb = ((node as any)?.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.lastHeartbeatTime;
    const h = this.health.get(name);
    const now = this.ctx.clock.now().getTime();
    if (!h) {
      this.health.set(name, { probeMs: now, leaseRenew: renew, heartbeat: hb });
      return;
    }
    if (renew !== h.leaseRenew || hb !== h.heartbeat) {
      h.probeMs = now;
      h.leaseRenew = renew;
      h.heartbeat = hb;
    }
  }

  private syncNode(name: string): void {
    const node = this.nodes.get('', name);
    if (!node) return;
    this.observe(name);
    const h = this.health.get(name)!;
    const now = this.ctx.clock.now();
    const silentFor = now.getTime() - h.probeMs;
    let current = node;
    if (silentFor > this.ctx.options.nodeMonitorGracePeriodMs && readyStatus(node) !== 'Unknown') {
      current = this.markUnknown(node, now) ?? node;
    }
    this.reconcileTaints(current, now);
  }

  /** markUnknown is monitorNodeHealth's "Kubelet stopped posting node status." branch. */
  private markUnknown(node: KObject, now: Date): KObject | undefined {
    const wasReady = readyStatus(node) === 'True';
    let updated: KObject | undefined;
    try {
      const current = this.ctx.api.get(resources.nodes, '', node.metadata.name!) as any;
      const conds: any[] = current.status?.conditions ?? [];
      for (const type of unknownOnSilence) {
        const c = conds.find((x) => x.type === type);
        if (!c) {
          conds.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: current.metadata.creationTimestamp, lastTransitionTime: rfc3339(now) });
        } else if (c.status !== 'Unknown') {
          c.status = 'Unknown';
          c.reason = 'NodeStatusUnknown';
          c.message = 'Kubelet stopped posting node status.';
          c.lastTransitionTime = rfc3339(now);
        }
      }
      current.status.conditions = conds;
      updated = this.ctx.api.update(resources.nodes, '', node.metadata.name!, current, { subresource: 'status' }).object;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      return undefined;
    }
    if (wasReady) {
      this.recorder.record({ apiVersion: 'v1', kind: 'Node', name: node.metadata.name!, uid: node.metadata.uid }, 'Normal', 'NodeNotReady', `Node ${node.metadata.name} status is now: NodeNotReady`);
      this.markPodsNotReady(node.metadata.name!);
    }
    return updated;
  }

  /** markPodsNotReady is nodeutil.MarkPodsNotReady: Ready=False on every pod of the node, with an event. */
  private markPodsNotReady(node: string): void {
    const now = rfc3339(this.ctx.clock.now());
    for (const p of this.pods.list()) {
      if ((p as any).spec?.nodeName !== node) continue;
      try {
        const pod = this.ctx.api.get(resources.pods, p.metadata.namespace!, p.metadata.name!) as any;
        const conds: any[] = (pod.status ??= {}).conditions ??= [];
        const ready = conds.find((c) => c.type === 'Ready');
        if (ready?.status === 'False') continue;
        if (ready) {
          ready.status = 'False';
          ready.lastTransitionTime = now;
        } else conds.push({ type: 'Ready', status: 'False', lastProbeTime: null, lastTransitionTime: now });
        this.ctx.api.update(resources.pods, pod.metadata.namespace, pod.metadata.name, pod, { subresource: 'status' });
        this.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  /**
   * reconcileTaints is doNoScheduleTaintingPass + doNoExecuteTaintingPass:
   * the Ready condition decides the unreachable/not-ready taints, cordon
   * the unschedulable one; other taints are left alone.
   */
  private reconcileTaints(node: KObject, now: Date): void {
    const ready = readyStatus(node);
    const want: { key: string; effect: string }[] = [];
    if (ready === 'Unknown') want.push({ key: taintUnreachable, effect: 'NoSchedule' }, { key: taintUnreachable, effect: 'NoExecute' });
    else if (ready === 'False') want.push({ key: taintNotReady, effect: 'NoSchedule' }, { key: taintNotReady, effect: 'NoExecute' });
    if ((node as any).spec?.unschedulable) want.push({ key: taintUnschedulable, effect: 'NoSchedule' });
    const managed = new Set([taintUnreachable, taintNotReady, taintUnschedulable]);
    const taints: any[] = (node as any).spec?.taints ?? [];
    const keep = taints.filter((t) => !managed.has(t.key) || want.some((w) => w.key === t.key && w.effect === t.effect));
    const add = want.filter((w) => !taints.some((t) => t.key === w.key && t.effect === w.effect));
    if (add.length === 0 && keep.length === taints.length) return;
    const next = [...keep, ...add.map((w) => (w.effect === 'NoExecute' ? { key: w.key, effect: w.effect, timeAdded: rfc3339(now) } : { key: w.key, effect: w.effect }))];
    try {
      this.ctx.api.patch(resources.nodes, '', node.metadata.name!, 'merge', { spec: { taints: next.length ? next : null } });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
