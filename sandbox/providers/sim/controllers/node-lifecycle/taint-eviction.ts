/**
 * TaintEvictionController is pkg/controller/tainteviction (taint_eviction.go):
 * a pod on a node with NoExecute taints is deleted when it does not
 * tolerate one of them at once, or when the shortest tolerationSeconds of
 * its matching tolerations has passed since the taint's timeAdded
 * (DefaultTolerationSeconds gives every pod 300 s for not-ready and
 * unreachable). Before deleting, it adds the DisruptionTarget condition
 * (DeletionByTaintManager) and records TaintManagerEviction
 * "Marking for deletion Pod <ns>/<name>"; if the taint goes away first, the
 * pending eviction is cancelled ("Cancelling deletion of Pod <ns>/<name>").
 *
 * The deletion is graceful: on a node that is down nobody finishes it, so
 * the pod stays Terminating until the node comes back, the Node is
 * deleted, or someone force-deletes it — the behaviour lessons show.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { EventRecorder } from '../manager/events.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { objectKeyOf, splitKey } from '../manager/informer.ts';
import { resources } from '../manager/resources.ts';
import { rfc3339 } from '../manager/events.ts';
import { StatusError } from '../../api/status.ts';
import { taintsOf, tolerationsOf, toleratesTaint, type Taint } from '../../scheduler/plugins.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * evictionDelayMs is getMinTolerationTime over the node's NoExecute taints:
 * 0 when a taint is not tolerated, undefined when tolerated forever, else
 * ms from the newest taint's timeAdded until the shortest toleration ends.
 */
export function evictionAt(pod: KObject, taints: readonly Taint[]): { never: true } | { atMs: number } {
  const noExecute = taints.filter((t) => t.effect === 'NoExecute');
  if (!noExecute.length) return { never: true };
  const tolerations = tolerationsOf(pod);
  let minSeconds = Infinity;
  let latestAdded = 0;
  for (const t of noExecute) {
    const matching = tolerations.filter((x) => toleratesTaint(x, t));
    if (!matching.length) return { atMs: 0 };
    const added = Date.parse(t.timeAdded ?? '') || 0;
    latestAdded = Math.max(latestAdded, added);
    for (const m of matching) {
      if (m.tolerationSeconds === undefined || m.tolerationSeconds === null) continue;
      minSeconds = Math.min(minSeconds, Math.max(0, m.tolerationSeconds));
    }
  }
  if (minSeconds === Infinity) return { never: true };
  return { atMs: latestAdded + minSeconds * 1000 };
}

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  private ctx!: ControllerContext;
  private nodes!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;
  /** scheduled: pods with an eviction pending (for the cancel event). */
  private readonly scheduled = new Set<string>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('taint-eviction-controller');
    this.nodes = ctx.informer(resources.nodes);
    this.pods = ctx.informer(resources.pods);
    this.queue = ctx.queue(this.name, (key) => this.syncPod(key));
    this.nodes.addHandler({
      add: (n) => this.nodeChanged(n),
      update: (o, n) => {
        if (JSON.stringify(taintsOf(o)) !== JSON.stringify(taintsOf(n))) this.nodeChanged(n);
      },
    });
    this.pods.addHandler({
      add: (p) => {
        if ((p as any).spec?.nodeName) this.queue.add(objectKeyOf(p));
      },
      update: (o, p) => {
        if ((p as any).spec?.nodeName && ((o as any).spec?.nodeName !== (p as any).spec?.nodeName || JSON.stringify(tolerationsOf(o)) !== JSON.stringify(tolerationsOf(p)))) this.queue.add(objectKeyOf(p));
      },
      delete: (p) => this.scheduled.delete(objectKeyOf(p)),
    });
  }

  stop(): void {
    this.scheduled.clear();
  }

  private nodeChanged(node: KObject): void {
    for (const p of this.pods.list()) if ((p as any).spec?.nodeName === node.metadata.name) this.queue.add(objectKeyOf(p));
  }

  private syncPod(key: string): void {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(namespace, name);
    if (!pod || pod.metadata.deletionTimestamp) {
      this.scheduled.delete(key);
      return;
    }
    const node = this.nodes.get('', (pod as any).spec?.nodeName ?? '');
    if (!node) return;
    const when = evictionAt(pod, taintsOf(node));
    if ('never' in when) {
      if (this.scheduled.delete(key)) this.recorder.record({ apiVersion: 'v1', kind: 'Pod', name, namespace }, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${namespace}/${name}`);
      return;
    }
    const left = when.atMs - this.ctx.clock.now().getTime();
    if (left > 0) {
      this.scheduled.add(key);
      this.queue.addAfter(key, left);
      return;
    }
    this.scheduled.delete(key);
    this.evict(pod);
  }

  /** evict is addConditionAndDeletePod + emitPodDeletionEvent. */
  private evict(pod: KObject): void {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    // The event reference carries no UID (emitPodDeletionEvent), so `kubectl describe pod` does not list it.
    this.recorder.record({ apiVersion: 'v1', kind: 'Pod', name, namespace: ns }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${ns}/${name}`);
    try {
      const current = this.ctx.api.get(resources.pods, ns, name) as any;
      const conds: any[] = ((current.status ??= {}).conditions ??= []);
      if (!conds.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) {
        const next = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(this.ctx.clock.now()), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' };
        const i = conds.findIndex((c) => c.type === 'DisruptionTarget');
        if (i >= 0) conds[i] = next;
        else conds.push(next);
        this.ctx.api.update(resources.pods, ns, name, current, { subresource: 'status' });
      }
      this.ctx.api.delete(resources.pods, ns, name, { preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
