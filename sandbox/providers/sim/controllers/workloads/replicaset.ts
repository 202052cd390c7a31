/**
 * ReplicaSetController is pkg/controller/replicaset/replica_set.go: keep
 * spec.replicas active pods matching the selector, created from the
 * template as `<rs>-<5 random chars>` with a controller reference
 * (SuccessfulCreate "Created pod: …"), deleting the least useful extra ones
 * (SuccessfulDelete "Deleted pod: …"), adopting orphans that match and
 * releasing owned pods that no longer do, and writing status
 * (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
 * observedGeneration).
 *
 * A pod with a deletionTimestamp is not active, so a pod stuck Terminating
 * on a dead node is replaced at once, as on a real cluster. Creation is
 * batched 1, 2, 4, … (slowStartBatch) and stops at the first error, which
 * sets the ReplicaFailure condition and is retried with backoff.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { EventRecorder } from '../manager/events.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { objectKeyOf, splitKey } from '../manager/informer.ts';
import { resources } from '../manager/resources.ts';
import { StatusError } from '../../api/status.ts';
import { rfc3339 } from '../manager/events.ts';
import {
  compareForDeletion,
  controllerRef,
  isControlledBy,
  isPodActive,
  isPodReady,
  labelSelectorMatches,
  ownerReferenceTo,
  podAvailability,
  podFromTemplate,
} from './pod-template.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** burstReplicas is the most pods one sync creates or deletes (replicaset BurstReplicas). */
const burstReplicas = 500;

export class ReplicaSetController implements Controller {
  readonly name = 'replicaset-controller';
  private ctx!: ControllerContext;
  private rsInformer!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('replicaset-controller');
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    this.rsInformer = ctx.informer(resources.replicasets);
    this.pods = ctx.informer(resources.pods);
    this.rsInformer.addHandler({
      add: (rs) => this.queue.add(objectKeyOf(rs)),
      update: (_o, rs) => this.queue.add(objectKeyOf(rs)),
    });
    const podChanged = (pod: KObject) => {
      const ref = controllerRef(pod);
      if (ref?.kind === 'ReplicaSet') {
        this.queue.add(`${pod.metadata.namespace}/${ref.name}`);
        return;
      }
      if (!ref) {
        // An orphan may be adopted by a matching ReplicaSet.
        for (const rs of this.rsInformer.list(pod.metadata.namespace)) {
          if (labelSelectorMatches((rs as any).spec?.selector, pod.metadata.labels)) this.queue.add(objectKeyOf(rs));
        }
      }
    };
    this.pods.addHandler({
      add: podChanged,
      update: (o, n) => {
        podChanged(n);
        const oldRef = controllerRef(o);
        if (oldRef && oldRef.uid !== controllerRef(n)?.uid && oldRef.kind === 'ReplicaSet') this.queue.add(`${o.metadata.namespace}/${oldRef.name}`);
      },
      delete: podChanged,
    });
  }

  stop(): void {}

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const rs = this.rsInformer.get(namespace, name);
    if (!rs) return;
    const r = rs as any;
    const owned = this.claimPods(rs);
    const active = owned.filter(isPodActive);
    let failure: string | undefined;
    if (!rs.metadata.deletionTimestamp) failure = this.manageReplicas(rs, active);
    // Status from a fresh view: the writes above changed the cache.
    const now = this.ctx.clock.now().getTime();
    const minReady = r.spec?.minReadySeconds ?? 0;
    const current = this.claimed(rs).filter(isPodActive);
    let available = 0;
    let nextCheck: number | undefined;
    for (const p of current) {
      const a = podAvailability(p, minReady, now);
      if (a.available) available++;
      else if (a.inMs !== undefined) nextCheck = Math.min(nextCheck ?? Infinity, a.inMs);
    }
    const templateLabels = r.spec?.template?.metadata?.labels ?? {};
    const status: any = {
      replicas: current.length,
      fullyLabeledReplicas: current.filter((p) => Object.entries<string>(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: current.filter(isPodReady).length,
      availableReplicas: available,
      observedGeneration: rs.metadata.generation,
    };
    const conditions: any[] = (r.status?.conditions ?? []).filter((c: any) => c.type !== 'ReplicaFailure');
    if (failure) {
      const old = (r.status?.conditions ?? []).find((c: any) => c.type === 'ReplicaFailure');
      // SetCondition keeps an existing condition of the same status and reason as it is (replica_set_utils.go),
      // so a failure repeating with a new pod name in its message does not rewrite status forever.
      conditions.push(old?.status === 'True' && old.reason === 'FailedCreate' ? old : { type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(this.ctx.clock.now()), reason: 'FailedCreate', message: failure });
    }
    if (conditions.length) status.conditions = conditions;
    writeStatus(this.ctx, resources.replicasets, rs, status, ['replicas']);
    if (nextCheck !== undefined) this.queue.addAfter(key, nextCheck);
    if (failure) throw new Error(failure); // retried with backoff, like a failed sync
  }

  /** claimed lists pods this ReplicaSet controls (from the cache). */
  private claimed(rs: KObject): KObject[] {
    return this.pods.list(rs.metadata.namespace).filter((p) => isControlledBy(p, rs));
  }

  /**
   * claimPods is PodControllerRefManager.ClaimPods: adopt matching orphans,
   * release owned pods whose labels no longer match.
   */
  private claimPods(rs: KObject): KObject[] {
    const selector = (rs as any).spec?.selector;
    const out: KObject[] = [];
    for (const pod of this.pods.list(rs.metadata.namespace)) {
      const ref = controllerRef(pod);
      const matches = labelSelectorMatches(selector, pod.metadata.labels);
      if (ref?.uid === rs.metadata.uid) {
        if (matches || rs.metadata.deletionTimestamp) out.push(pod);
        else this.patchOwners(pod, (pod.metadata.ownerReferences ?? []).filter((o) => o.uid !== rs.metadata.uid));
      } else if (!ref && matches && !pod.metadata.deletionTimestamp && !rs.metadata.deletionTimestamp && isPodActive(pod)) {
        if (this.patchOwners(pod, [...(pod.metadata.ownerReferences ?? []), ownerReferenceTo(rs)])) out.push(pod);
      }
    }
    return out;
  }

  private patchOwners(pod: KObject, ownerReferences: KObject['metadata']['ownerReferences']): boolean {
    try {
      this.ctx.api.patch(resources.pods, pod.metadata.namespace!, pod.metadata.name!, 'merge', {
        metadata: { ownerReferences: ownerReferences?.length ? ownerReferences : null },
      });
      return true;
    } catch (e) {
      if (e instanceof StatusError) return false;
      throw e;
    }
  }

  /** manageReplicas creates or deletes pods toward spec.replicas; returns a failure message if a create failed. */
  private manageReplicas(rs: KObject, active: KObject[]): string | undefined {
    const r = rs as any;
    const want = r.spec?.replicas ?? 1;
    const diff = active.length - want;
    if (diff < 0) {
      let left = Math.min(-diff, burstReplicas);
      // slowStartBatch: 1, 2, 4, … so a template that cannot be created fails fast.
      for (let batch = 1; left > 0; batch *= 2) {
        const n = Math.min(batch, left);
        for (let i = 0; i < n; i++) {
          try {
            const created = this.ctx.api.create(resources.pods, rs.metadata.namespace!, podFromTemplate(r.spec?.template, rs, `${rs.metadata.name}-`)).object;
            this.recorder.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
          } catch (e) {
            if (!(e instanceof StatusError)) throw e;
            this.recorder.event(rs, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
            return e.message;
          }
        }
        left -= n;
      }
    } else if (diff > 0) {
      const victims = [...active].sort(compareForDeletion).slice(0, Math.min(diff, burstReplicas));
      for (const pod of victims) {
        try {
          this.ctx.api.delete(resources.pods, pod.metadata.namespace!, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
          this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
        } catch (e) {
          if (!(e instanceof StatusError)) throw e;
          if (e.code !== 404 && e.code !== 409) this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${e.message}`);
        }
      }
    }
    return undefined;
  }
}

/**
 * writeStatus writes a workload's status through the status subresource
 * when it changed (the controllers' updateStatus helpers skip no-ops the
 * same way, so an idle cluster writes nothing).
 */
export function writeStatus(ctx: ControllerContext, rt: (typeof resources)[keyof typeof resources], obj: KObject, status: any, keepZero: string[] = []): void {
  // Go's omitempty: zero counts vanish from JSON except the fields the API type declares without it.
  const clean = Object.fromEntries(Object.entries(status).filter(([k, v]) => v !== undefined && (v !== 0 || keepZero.includes(k)) && !(Array.isArray(v) && v.length === 0)));
  if (JSON.stringify(sortKeys((obj as any).status ?? {})) === JSON.stringify(sortKeys(clean))) return;
  try {
    const current = ctx.api.get(rt, obj.metadata.namespace ?? '', obj.metadata.name!) as any;
    current.status = clean;
    ctx.api.update(rt, obj.metadata.namespace ?? '', obj.metadata.name!, current, { subresource: 'status' });
  } catch (e) {
    if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
    throw e;
  }
}

function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}
