/**
 * PodGarbageCollector is the part of pkg/controller/podgc (gc_controller.go)
 * node failures need:
 *
 * - gcTerminating: pods being deleted on a node that is not Ready and has
 *   the node.kubernetes.io/out-of-service taint (non-graceful node
 *   shutdown, GA in 1.28) are force-deleted, so StatefulSets can recreate
 *   them and the attach/detach controller can detach their volumes;
 * - gcOrphaned: pods bound to a node that no longer exists are
 *   force-deleted (the real controller waits a 20 s quarantine first).
 *
 * Before force-deleting it marks the pod DisruptionTarget
 * (DeletionByPodGC) as the real one does.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { resources } from '../manager/resources.ts';
import { rfc3339 } from '../manager/events.ts';
import { StatusError } from '../../api/status.ts';
import { readyStatus, taintOutOfService } from './node-lifecycle.ts';
import { taintsOf } from '../../scheduler/plugins.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

const orphanQuarantineMs = 20_000;

export class PodGarbageCollector implements Controller {
  readonly name = 'pod-garbage-collector';
  private ctx!: ControllerContext;
  private nodes!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.nodes = ctx.informer(resources.nodes);
    this.pods = ctx.informer(resources.pods);
    this.queue = ctx.queue(this.name, () => this.gc());
    this.nodes.addHandler({ update: () => this.queue.add('gc'), delete: () => this.queue.addAfter('gc', orphanQuarantineMs) });
    this.pods.addHandler({
      update: (_o, p) => {
        if (p.metadata.deletionTimestamp) this.queue.add('gc');
      },
    });
  }

  stop(): void {}

  private gc(): void {
    for (const pod of this.pods.list()) {
      const nodeName = (pod as any).spec?.nodeName;
      if (!nodeName) continue;
      const node = this.nodes.get('', nodeName);
      if (!node) {
        this.forceDelete(pod);
        continue;
      }
      if (pod.metadata.deletionTimestamp && readyStatus(node) !== 'True' && taintsOf(node).some((t) => t.key === taintOutOfService && t.effect === 'NoExecute')) {
        this.forceDelete(pod);
      }
    }
  }

  private forceDelete(pod: KObject): void {
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    try {
      const current = this.ctx.api.get(resources.pods, ns, name) as any;
      const conds: any[] = ((current.status ??= {}).conditions ??= []);
      if (!conds.some((c) => c.type === 'DisruptionTarget')) {
        conds.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(this.ctx.clock.now()), reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
        if (this.nodes.get('', current.spec.nodeName)) conds[conds.length - 1].message = 'PodGC: node is out of service';
        this.ctx.api.update(resources.pods, ns, name, current, { subresource: 'status' });
      }
      this.ctx.api.delete(resources.pods, ns, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
