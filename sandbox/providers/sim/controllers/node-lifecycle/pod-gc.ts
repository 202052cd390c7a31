/**
 * PodGarbageCollector is the part of pkg/controller/podgc (gc_controller.go)
 * node failures need:
 *
 * - gcTerminating: pods being deleted on a node that is not Ready and has
 *   the node.kubernetes.io/out-of-service taint (non-graceful node
 *   shutdown, GA in 1.28) are force-deleted, so StatefulSets can recreate
 *   them and the attach/detach controller can detach their volumes;
 * - gcOrphaned: pods bound to a node that does not exist (deleted, or a
 *   typo in spec.nodeName) are force-deleted after a 20 s quarantine.
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
  /** orphanSince: when each pod bound to a missing node was first seen so. */
  private readonly orphanSince = new Map<string, number>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.nodes = ctx.informer(resources.nodes);
    this.pods = ctx.informer(resources.pods);
    this.queue = ctx.queue(this.name, () => this.gc());
    this.nodes.addHandler({ update: () => this.queue.add('gc'), delete: () => this.queue.add('gc') });
    const podChanged = (p: KObject) => {
      const node = (p as any).spec?.nodeName;
      if (p.metadata.deletionTimestamp || (node && !this.nodes.get('', node))) this.queue.add('gc');
    };
    this.pods.addHandler({ add: podChanged, update: (_o, p) => podChanged(p) });
  }

  stop(): void {}

  private gc(): void {
    const now = this.ctx.clock.now().getTime();
    const seen = new Set<string>();
    for (const pod of this.pods.list()) {
      const nodeName = (pod as any).spec?.nodeName;
      if (!nodeName) continue;
      const node = this.nodes.get('', nodeName);
      if (!node) {
        // Quarantine first: the node may just not be in the cache yet (gcOrphaned's quarantineTime).
        const uid = pod.metadata.uid!;
        seen.add(uid);
        const since = this.orphanSince.get(uid) ?? now;
        this.orphanSince.set(uid, since);
        if (now - since >= orphanQuarantineMs) this.forceDelete(pod);
        else this.queue.addAfter('gc', since + orphanQuarantineMs - now);
        continue;
      }
      if (pod.metadata.deletionTimestamp && readyStatus(node) !== 'True' && taintsOf(node).some((t) => t.key === taintOutOfService && t.effect === 'NoExecute')) {
        this.forceDelete(pod);
      }
    }
    for (const uid of [...this.orphanSince.keys()]) if (!seen.has(uid)) this.orphanSince.delete(uid);
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
