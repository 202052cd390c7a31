/**
 * Scheduler is kube-scheduler's default profile for one simulated cluster
 * (pkg/scheduler/schedule_one.go): it takes pods with no spec.nodeName and
 * schedulerName default-scheduler off a queue, runs PreFilter/Filter over
 * every node (./plugins.ts, ./volume-binding.ts), scores the feasible ones,
 * breaks ties by node name (the real scheduler picks at random among equal
 * scores; a lab wants the same result every time), runs the VolumeBinding
 * PreBind (pre-bind a PV, or select the node for provisioning, then wait for
 * the PV controller to finish binding) and binds through pods/binding.
 *
 * A pod that fits nowhere gets a FailedScheduling Warning and
 * PodScheduled=False/Unschedulable with the same message, and is retried
 * when something it might be waiting for changes (nodes, claims, volumes,
 * classes, a pod leaving a node), after its backoff (1 s doubling to 10 s),
 * and at least every 5 minutes (podMaxInUnschedulablePodsDuration).
 */
import type { KObject } from '../store/types.ts';
import type { Controller, ControllerContext } from '../controllers/manager/manager.ts';
import type { EventRecorder } from '../controllers/manager/events.ts';
import type { Informer } from '../controllers/manager/informer.ts';
import type { WorkQueue } from '../controllers/manager/work-queue.ts';
import { objectKeyOf, splitKey } from '../controllers/manager/informer.ts';
import { resources } from '../controllers/manager/resources.ts';
import { rfc3339 } from '../controllers/manager/events.ts';
import { StatusError } from '../api/status.ts';
import { deepEqual } from '../server/patch.ts';
import {
  nodeAffinity,
  nodeName,
  nodeResourcesFit,
  nodeUnschedulable,
  podRequests,
  scoreNode,
  taintToleration,
  type FilterStatus,
  type NodeUsage,
} from './plugins.ts';
import { fitErrorMessage, type Diagnosis } from './fit-error.ts';
import {
  volumeBindingFilter,
  volumeBindingPreFilter,
  volumeRestrictionsFilter,
  type VolumeDecisions,
  type VolumeWorld,
} from './volume-binding.ts';
import { annBindCompleted, annBoundByController, annSelectedNode, isPodTerminated } from '../controllers/pv-binder/volume-helpers.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const schedulerName = 'default-scheduler';
/** reportingInstance is what kube-scheduler on kind's control-plane node reports (`<name>-<hostname>`). */
const reportingInstance = 'default-scheduler-lab-control-plane';
const initialBackoffMs = 1_000;
const maxBackoffMs = 10_000;
const maxInUnschedulableMs = 5 * 60_000;
/** bindTimeoutMs is VolumeBinding's bindTimeoutSeconds default (600). */
const bindTimeoutMs = 600_000;

/** ScheduleResult is the outcome of one scheduling cycle (exported for unit tests). */
export type ScheduleResult =
  | { kind: 'scheduled'; node: string; volumes: VolumeDecisions }
  | { kind: 'unschedulable'; message: string; diagnosis: Diagnosis };

/** ClusterSnapshot is what one cycle reads. */
export interface ClusterSnapshot extends VolumeWorld {
  nodes: readonly KObject[];
  /** usage per node name, including pods assumed to it. */
  usage: Map<string, NodeUsage>;
  /** podsOnNode lists pods assigned (or assumed) to a node, for spreading. */
  podsOnNode(node: string): readonly KObject[];
}

function controllerUid(pod: KObject): string | undefined {
  return pod.metadata.ownerReferences?.find((r) => r.controller)?.uid;
}

/**
 * schedulePod runs one scheduling cycle for a pod against a snapshot: pure,
 * so unit tests can check filters, messages and the node chosen.
 */
export function schedulePod(pod: KObject, snap: ClusterSnapshot): ScheduleResult {
  const nodes = [...snap.nodes].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
  const diagnosis: Diagnosis = { numAllNodes: nodes.length, nodeStatuses: new Map(), preemptionNever: (pod as any).spec?.preemptionPolicy === 'Never' };
  const fail = (): ScheduleResult => ({ kind: 'unschedulable', message: fitErrorMessage(diagnosis), diagnosis });
  if (!nodes.length) {
    diagnosis.preFilter = { plugin: '', code: 'UnschedulableAndUnresolvable', reasons: [] };
    return { kind: 'unschedulable', message: 'no nodes available to schedule pods', diagnosis };
  }
  const pre = volumeBindingPreFilter(pod, snap);
  if ('status' in pre) {
    diagnosis.preFilter = pre.status;
    return fail();
  }
  const empty: NodeUsage = { pods: 0, requested: { cpu: 0, memory: 0 }, nonZeroRequested: { cpu: 0, memory: 0 } };
  const feasible: { node: KObject; volumes: VolumeDecisions }[] = [];
  for (const node of nodes) {
    const usage = snap.usage.get(node.metadata.name!) ?? empty;
    const status: FilterStatus | undefined =
      nodeUnschedulable(pod, node) ??
      nodeName(pod, node) ??
      taintToleration(pod, node) ??
      nodeAffinity(pod, node) ??
      nodeResourcesFit(pod, node, usage) ??
      volumeRestrictionsFilter(pod, snap);
    if (status) {
      diagnosis.nodeStatuses.set(node.metadata.name!, status);
      continue;
    }
    const vb = volumeBindingFilter(pod, node, pre.volumes, snap);
    if (vb.status) {
      diagnosis.nodeStatuses.set(node.metadata.name!, vb.status);
      continue;
    }
    feasible.push({ node, volumes: vb.decisions });
  }
  if (!feasible.length) return fail();
  const owner = controllerUid(pod);
  const siblings = (n: string) => (owner ? snap.podsOnNode(n).filter((p) => controllerUid(p) === owner).length : 0);
  const maxSiblings = Math.max(0, ...feasible.map((f) => siblings(f.node.metadata.name!)));
  let best = feasible[0]!;
  let bestScore = -Infinity;
  for (const f of feasible) {
    const name = f.node.metadata.name!;
    const s = scoreNode(pod, f.node, snap.usage.get(name) ?? empty, siblings(name), maxSiblings);
    // Strictly greater: ties keep the earlier node name.
    if (s > bestScore + 1e-9) {
      best = f;
      bestScore = s;
    }
  }
  return { kind: 'scheduled', node: best.node.metadata.name!, volumes: best.volumes };
}

/** needsScheduling: an unassigned, live pod for this scheduler. */
export function needsScheduling(pod: KObject): boolean {
  const s = (pod as any).spec ?? {};
  if (s.nodeName) return false;
  if (pod.metadata.deletionTimestamp) return false;
  if ((s.schedulerName ?? schedulerName) !== schedulerName) return false;
  return !isPodTerminated(pod);
}

interface PendingBinding {
  node: string;
  pod: KObject;
  volumes: VolumeDecisions;
  deadline: number;
}

export class Scheduler implements Controller {
  readonly name = 'scheduler';
  private ctx!: ControllerContext;
  private pods!: Informer;
  private nodes!: Informer;
  private claims!: Informer;
  private volumes!: Informer;
  private classes!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;
  /** unschedulable pods (key → attempts) wait for a cluster change. */
  private readonly unschedulable = new Map<string, { attempts: number; lastMs: number }>();
  /** waiting pods are in PreBind: volumes written, waiting for the PV controller. */
  private readonly waiting = new Map<string, PendingBinding>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder(schedulerName, { style: 'events/v1', reportingInstance });
    this.queue = ctx.queue('scheduler', (key) => this.scheduleOne(key));
    this.pods = ctx.informer(resources.pods);
    this.nodes = ctx.informer(resources.nodes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.classes = ctx.informer(resources.storageclasses);
    this.pods.addHandler({
      add: (p) => {
        if (needsScheduling(p)) this.queue.add(objectKeyOf(p));
      },
      update: (o, n) => {
        const key = objectKeyOf(n);
        if (needsScheduling(n)) {
          // Our own status writes (PodScheduled=False) must not requeue the pod (eventhandlers.go isPodUpdated).
          if (!deepEqual((o as any).spec, (n as any).spec) || !deepEqual(o.metadata.labels, n.metadata.labels) || !deepEqual(o.metadata.annotations, n.metadata.annotations)) this.retry(key, true);
          return;
        }
        this.unschedulable.delete(key);
        // A pod leaving a node (finished or being deleted) frees room.
        if ((o as any).spec?.nodeName && (isPodTerminated(n) || (n.metadata.deletionTimestamp && !o.metadata.deletionTimestamp))) this.retryAll();
      },
      delete: (p) => {
        const key = objectKeyOf(p);
        this.unschedulable.delete(key);
        this.waiting.delete(key);
        if ((p as any).spec?.nodeName) this.retryAll();
      },
    });
    this.nodes.addHandler({
      add: () => this.retryAll(),
      update: (o, n) => {
        if (nodeSchedulingChanged(o, n)) this.retryAll();
      },
    });
    const claimOrVolume = {
      add: () => this.storageChanged(),
      update: (o: KObject, n: KObject) => {
        if (!deepEqual((o as any).spec, (n as any).spec) || !deepEqual((o as any).status, (n as any).status) || !deepEqual(o.metadata.annotations, n.metadata.annotations)) this.storageChanged();
      },
      delete: () => this.storageChanged(),
    };
    this.claims.addHandler(claimOrVolume);
    this.volumes.addHandler(claimOrVolume);
    this.classes.addHandler({ add: () => this.retryAll(), update: () => this.retryAll() });
  }

  stop(): void {
    this.unschedulable.clear();
    this.waiting.clear();
  }

  /** storageChanged re-checks pods waiting in PreBind and retries unschedulable pods. */
  private storageChanged(): void {
    for (const key of this.waiting.keys()) this.queue.add(key);
    this.retryAll();
  }

  private retryAll(): void {
    for (const key of this.unschedulable.keys()) this.retry(key, false);
  }

  /** retry moves an unschedulable pod back to the active queue once its backoff has passed. */
  private retry(key: string, podChanged: boolean): void {
    const u = this.unschedulable.get(key);
    if (!u) {
      if (podChanged) this.queue.add(key);
      return;
    }
    const backoff = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.max(0, u.attempts - 1));
    const left = u.lastMs + backoff - this.ctx.clock.now().getTime();
    this.queue.addAfter(key, left);
  }

  private snapshot(): ClusterSnapshot {
    const usage = new Map<string, NodeUsage>();
    const byNode = new Map<string, KObject[]>();
    const assign = (p: KObject, node: string) => {
      let u = usage.get(node);
      if (!u) usage.set(node, (u = { pods: 0, requested: { cpu: 0, memory: 0 }, nonZeroRequested: { cpu: 0, memory: 0 } }));
      const r = podRequests(p);
      const nz = podRequests(p, true);
      u.pods++;
      u.requested.cpu += r.cpu;
      u.requested.memory += r.memory;
      u.nonZeroRequested.cpu += nz.cpu;
      u.nonZeroRequested.memory += nz.memory;
      let l = byNode.get(node);
      if (!l) byNode.set(node, (l = []));
      l.push(p);
    };
    const assigned: KObject[] = [];
    for (const p of this.pods.list()) {
      const n = (p as any).spec?.nodeName;
      if (n && !isPodTerminated(p)) {
        assign(p, n);
        assigned.push(p);
      }
    }
    for (const w of this.waiting.values()) {
      assign(w.pod, w.node);
      assigned.push({ ...w.pod, spec: { ...(w.pod as any).spec, nodeName: w.node } } as KObject);
    }
    return {
      nodes: this.nodes.list(),
      usage,
      podsOnNode: (n) => byNode.get(n) ?? [],
      claim: (ns, name) => this.claims.get(ns, name),
      volume: (name) => this.volumes.get('', name),
      volumes: () => this.volumes.list(),
      classes: () => this.classes.list(),
      assignedPods: () => assigned,
    };
  }

  private scheduleOne(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod || !needsScheduling(pod)) {
      this.unschedulable.delete(key);
      this.waiting.delete(key);
      return;
    }
    const pending = this.waiting.get(key);
    if (pending) return this.continueBinding(key, pending);
    if (((pod as any).spec?.schedulingGates ?? []).length) {
      this.setCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' });
      return;
    }
    const result = schedulePod(pod, this.snapshot());
    if (result.kind === 'unschedulable') return this.failed(key, pod, result.message);
    this.unschedulable.delete(key);
    const { staticBindings, provisions } = result.volumes;
    if (!staticBindings.length && !provisions.length) return this.bind(key, pod, result.node);
    // PreBind: write the volume decisions, then wait for the PV controller (binder.go BindPodVolumes).
    try {
      for (const { claim, volume } of staticBindings) {
        const pv = structuredClone(volume) as any;
        pv.spec.claimRef = {
          kind: 'PersistentVolumeClaim',
          namespace: claim.metadata.namespace,
          name: claim.metadata.name,
          uid: claim.metadata.uid,
          apiVersion: 'v1',
          resourceVersion: claim.metadata.resourceVersion,
        };
        pv.metadata.annotations = { ...(pv.metadata.annotations ?? {}), [annBoundByController]: 'yes' };
        this.ctx.api.update(resources.persistentvolumes, '', volume.metadata.name!, pv);
      }
      for (const claim of provisions) {
        if (claim.metadata.annotations?.[annSelectedNode] === result.node) continue;
        this.ctx.api.patch(resources.persistentvolumeclaims, claim.metadata.namespace!, claim.metadata.name!, 'merge', {
          metadata: { annotations: { [annSelectedNode]: result.node } },
        });
      }
    } catch (e) {
      if (e instanceof StatusError) return this.failed(key, pod, `running PreBind plugin "VolumeBinding": binding volumes: ${e.message}`);
      throw e;
    }
    const binding: PendingBinding = { node: result.node, pod, volumes: result.volumes, deadline: this.ctx.clock.now().getTime() + bindTimeoutMs };
    this.waiting.set(key, binding);
    this.queue.addAfter(key, bindTimeoutMs);
    this.continueBinding(key, binding);
  }

  /** continueBinding is the wait in BindPodVolumes: bind the pod once every claim is fully bound. */
  private continueBinding(key: string, b: PendingBinding): void {
    const claims = [...b.volumes.staticBindings.map((s) => s.claim), ...b.volumes.provisions];
    for (const c of claims) {
      const now = this.claims.get(c.metadata.namespace!, c.metadata.name!);
      if (!now) return this.prebindFailed(key, b, `failed to check binding: persistentvolumeclaim "${c.metadata.name}" not found`);
      const provisioning = b.volumes.provisions.some((p) => p.metadata.uid === c.metadata.uid);
      // A provisioner that gives up removes selected-node so the scheduler tries again (binder.go checkBindings).
      if (provisioning && now.metadata.annotations?.[annSelectedNode] !== b.node && !(now as any).spec?.volumeName) {
        return this.prebindFailed(key, b, `provisioning failed for PVC "${c.metadata.name}"`);
      }
      const fully = (now as any).spec?.volumeName && Object.prototype.hasOwnProperty.call(now.metadata.annotations ?? {}, annBindCompleted);
      if (!fully) {
        if (this.ctx.clock.now().getTime() >= b.deadline) return this.prebindFailed(key, b, 'context deadline exceeded');
        return; // still waiting; claim/volume changes and the deadline requeue us
      }
    }
    this.waiting.delete(key);
    const pod = this.pods.get(b.pod.metadata.namespace!, b.pod.metadata.name!);
    if (pod && needsScheduling(pod)) this.bind(key, pod, b.node);
  }

  private prebindFailed(key: string, b: PendingBinding, why: string): void {
    this.waiting.delete(key);
    this.failed(key, b.pod, `running PreBind plugin "VolumeBinding": binding volumes: ${why}`);
  }

  private bind(key: string, pod: KObject, node: string): void {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    try {
      const current = this.ctx.api.get(resources.pods, ns, name) as any;
      if (current.spec?.nodeName) return;
      current.spec.nodeName = node;
      this.ctx.api.update(resources.pods, ns, name, current, { subresource: 'binding' });
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
    // The binding storage also marks the pod scheduled (pkg/registry/core/pod/storage setPodNodeAndMetadata).
    this.setCondition(pod, { type: 'PodScheduled', status: 'True' });
    this.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${ns}/${name} to ${node}`, 'Binding');
    this.unschedulable.delete(key);
  }

  private failed(key: string, pod: KObject, message: string): void {
    const prev = this.unschedulable.get(key);
    this.unschedulable.set(key, { attempts: (prev?.attempts ?? 0) + 1, lastMs: this.ctx.clock.now().getTime() });
    this.recorder.event(pod, 'Warning', 'FailedScheduling', message, 'Scheduling');
    this.setCondition(pod, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message });
    // Flushed back to the active queue at the latest after podMaxInUnschedulablePodsDuration.
    this.queue.addAfter(key, maxInUnschedulableMs);
  }

  /** setCondition is podutil.UpdatePodCondition through the status subresource; lastTransitionTime moves only when status changes. */
  private setCondition(pod: KObject, cond: { type: string; status: string; reason?: string; message?: string }): void {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    try {
      const current = this.ctx.api.get(resources.pods, ns, name) as any;
      const status = (current.status ??= {});
      const conditions: any[] = (status.conditions ??= []);
      const i = conditions.findIndex((c) => c.type === cond.type);
      const old = i >= 0 ? conditions[i] : undefined;
      const next: any = { type: cond.type, status: cond.status, lastProbeTime: null, lastTransitionTime: old && old.status === cond.status ? old.lastTransitionTime : rfc3339(this.ctx.clock.now()) };
      if (cond.reason) next.reason = cond.reason;
      if (cond.message) next.message = cond.message;
      if (old && deepEqual(old, next)) return;
      if (i >= 0) conditions[i] = next;
      else conditions.push(next);
      this.ctx.api.update(resources.pods, ns, name, current, { subresource: 'status' });
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
  }
}

/** nodeSchedulingChanged: the node changes the scheduler's queueing hints care about (labels, taints, cordon, allocatable, Ready). */
function nodeSchedulingChanged(o: KObject, n: KObject): boolean {
  const a = o as any;
  const b = n as any;
  if (!deepEqual(o.metadata.labels, n.metadata.labels)) return true;
  if (!deepEqual(a.spec?.taints, b.spec?.taints) || !!a.spec?.unschedulable !== !!b.spec?.unschedulable) return true;
  if (!deepEqual(a.status?.allocatable, b.status?.allocatable)) return true;
  const ready = (x: any) => x.status?.conditions?.find((c: any) => c.type === 'Ready')?.status;
  return ready(a) !== ready(b);
}
