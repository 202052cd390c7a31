/**
 * DaemonSetController is pkg/controller/daemon (daemon_controller.go,
 * util/daemonset_util.go): one pod per node that should run it — the
 * template's nodeSelector/affinity match and every NoSchedule/NoExecute
 * taint is tolerated, counting the tolerations the controller adds to
 * every daemon pod (not-ready/unreachable NoExecute, disk/memory/pid
 * pressure and unschedulable NoSchedule). Pods are `<ds>-<5 chars>` with a
 * required node affinity on `metadata.name` (the default scheduler then
 * places them, as since 1.12), labels `controller-revision-hash` and
 * `pod-template-generation`. Pods on nodes that should no longer run one
 * are deleted. Events SuccessfulCreate/SuccessfulDelete "Created pod: …".
 *
 * Rolling updates of the template replace pods one node at a time
 * (maxUnavailable 1) once the others are available; without a kubelet
 * none are, so an update waits.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { EventRecorder } from '../manager/events.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { objectKeyOf, splitKey } from '../manager/informer.ts';
import { resources } from '../manager/resources.ts';
import { StatusError } from '../../api/status.ts';
import { controllerRef, isControlledBy, isPodActive, isPodReady, podAvailability, podFromTemplate } from './pod-template.ts';
import { ensureControllerRevision, revisionHash } from './statefulset.ts';
import { writeStatus } from './replicaset.ts';
import { podMatchesNodeSelectorAndAffinity, taintsOf, tolerationFor, type Toleration } from '../../scheduler/plugins.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** daemonTolerations are what util.AddOrUpdateDaemonPodTolerations adds to every daemon pod. */
export const daemonTolerations: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function withDaemonTolerations(podSpec: any): any {
  const tolerations: any[] = [...(podSpec.tolerations ?? [])];
  for (const t of daemonTolerations) if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
  if (podSpec.hostNetwork && !tolerations.some((x) => x.key === 'node.kubernetes.io/network-unavailable')) {
    tolerations.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  }
  return { ...podSpec, tolerations };
}

/**
 * nodeShouldRunDaemonPod is daemon_controller.go's NodeShouldRunDaemonPod:
 * shouldRun when the template selects the node and tolerates all its
 * NoSchedule/NoExecute taints; shouldContinueRunning — for a pod already
 * there — as long as no NoExecute taint is untolerated ("Scheduled daemon pods
 * should continue running if they tolerate NoExecute taint"). So a node that
 * goes unreachable (NoSchedule + NoExecute taints) keeps its daemon pods,
 * which tolerate unreachable:NoExecute; it only stops counting as desired.
 */
export function nodeShouldRunDaemonPod(ds: KObject, node: KObject): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const template = (ds as any).spec?.template ?? {};
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: withDaemonTolerations(template.spec ?? {}) } as KObject;
  const wantedNode = template.spec?.nodeName;
  if ((wantedNode && wantedNode !== node.metadata.name) || !podMatchesNodeSelectorAndAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = (pod as any).spec.tolerations as Toleration[];
  const untolerated = taintsOf(node).filter((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerationFor(tolerations, t));
  if (untolerated.length === 0) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untolerated.some((t) => t.effect === 'NoExecute') };
}

export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  private ctx!: ControllerContext;
  private sets!: Informer;
  private pods!: Informer;
  private nodes!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('daemonset-controller');
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    this.sets = ctx.informer(resources.daemonsets);
    this.pods = ctx.informer(resources.pods);
    this.nodes = ctx.informer(resources.nodes);
    this.sets.addHandler({ add: (s) => this.queue.add(objectKeyOf(s)), update: (_o, s) => this.queue.add(objectKeyOf(s)) });
    const podChanged = (p: KObject) => {
      const ref = controllerRef(p);
      if (ref?.kind === 'DaemonSet') this.queue.add(`${p.metadata.namespace}/${ref.name}`);
    };
    this.pods.addHandler({ add: podChanged, update: podChanged, delete: podChanged });
    const all = () => {
      for (const s of this.sets.list()) this.queue.add(objectKeyOf(s));
    };
    this.nodes.addHandler({
      add: all,
      update: (o, n) => {
        if (JSON.stringify([o.metadata.labels, taintsOf(o)]) !== JSON.stringify([n.metadata.labels, taintsOf(n)])) all();
      },
      delete: all,
    });
  }

  stop(): void {}

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const ds = this.sets.get(namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = revisionHash(ds);
    ensureControllerRevision(this.ctx, ds, hash);
    const generation = String(ds.metadata.generation ?? 1);
    const pods = this.pods.list(namespace).filter((p) => isControlledBy(p, ds) && isPodActive(p));
    const nodeOf = (p: KObject) => (p as any).spec?.nodeName ?? targetNode(p);
    let desired = 0;
    let misscheduled = 0;
    const now = this.ctx.clock.now().getTime();
    const minReady = (ds as any).spec?.minReadySeconds ?? 0;
    const stale: KObject[] = [];
    for (const node of this.nodes.list()) {
      const nodeName = node.metadata.name!;
      const onNode = pods.filter((p) => nodeOf(p) === nodeName);
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(ds, node);
      if (shouldRun) {
        desired++;
        if (!onNode.length) this.createPod(ds, nodeName, hash, generation);
      } else if (onNode.some((p) => (p as any).spec?.nodeName)) {
        // updateDaemonSetStatus: a pod on a node that should not run one counts as misscheduled.
        misscheduled++;
      }
      if (shouldContinueRunning) {
        for (const extra of onNode.slice(1)) this.deletePod(ds, extra);
        const p = onNode[0];
        if (shouldRun && p && p.metadata.labels?.['controller-revision-hash'] !== hash) stale.push(p);
      } else {
        for (const p of onNode) this.deletePod(ds, p);
      }
    }
    // RollingUpdate with maxUnavailable 1: replace one stale pod when all others are available.
    if (((ds as any).spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && stale.length && pods.every((p) => podAvailability(p, minReady, now).available)) {
      this.deletePod(ds, stale[0]!);
    }
    const current = this.pods.list(namespace).filter((p) => isControlledBy(p, ds) && isPodActive(p) && (p as any).spec?.nodeName);
    const scheduled = current.filter((p) => {
      const node = this.nodes.get('', (p as any).spec.nodeName);
      return !!node && nodeShouldRunDaemonPod(ds, node).shouldRun;
    });
    const available = scheduled.filter((p) => podAvailability(p, minReady, now).available).length;
    writeStatus(
      this.ctx,
      resources.daemonsets,
      ds,
      {
        currentNumberScheduled: scheduled.length,
        numberMisscheduled: misscheduled,
        desiredNumberScheduled: desired,
        numberReady: scheduled.filter(isPodReady).length,
        observedGeneration: ds.metadata.generation,
        updatedNumberScheduled: scheduled.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length,
        numberAvailable: available,
        numberUnavailable: Math.max(0, desired - available),
      },
      ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
    );
  }

  private createPod(ds: KObject, node: string, hash: string, generation: string): void {
    const template = (ds as any).spec?.template ?? {};
    const pod = podFromTemplate(template, ds, `${ds.metadata.name}-`) as any;
    pod.metadata.labels = { ...pod.metadata.labels, 'controller-revision-hash': hash, 'pod-template-generation': generation };
    pod.spec = withDaemonTolerations(pod.spec);
    // ReplaceDaemonSetPodNodeNameNodeAffinity: pin to the node through affinity, the scheduler binds it.
    pod.spec.affinity = {
      ...(pod.spec.affinity ?? {}),
      nodeAffinity: {
        ...(pod.spec.affinity?.nodeAffinity ?? {}),
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] },
      },
    };
    try {
      const created = this.ctx.api.create(resources.pods, ds.metadata.namespace!, pod).object;
      this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
    }
  }

  private deletePod(ds: KObject, pod: KObject): void {
    try {
      this.ctx.api.delete(resources.pods, pod.metadata.namespace!, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}

/** targetNode reads the node a daemon pod is pinned to before it is bound. */
function targetNode(pod: KObject): string | undefined {
  const terms = (pod as any).spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  return undefined;
}
