/**
 * DeploymentController is pkg/controller/deployment (deployment_controller.go,
 * sync.go, rolling.go, recreate.go, progress.go): it owns ReplicaSets named
 * `<deployment>-<pod-template-hash>`, creates the new one when the template
 * changes (revision annotation = highest old revision + 1), scales new and
 * old ReplicaSets within maxSurge/maxUnavailable (RollingUpdate) or all old
 * ones to zero first (Recreate), records ScalingReplicaSet events
 * ("Scaled up replica set web-7d948bd89d from 0 to 3"), prunes old
 * ReplicaSets beyond revisionHistoryLimit, and keeps status and the
 * Available/Progressing conditions that `kubectl rollout status` reads.
 *
 * Availability comes from pod readiness, which only a kubelet writes: until
 * the kubelet model exists, pods stay Pending, availableReplicas stays 0,
 * Available is False and a rollout waits — which is what a real cluster
 * whose pods never start shows.
 *
 * A replicas change during a rollout is spread over the active ReplicaSets
 * in proportion to their size (proportional scaling). Not modelled: hash
 * collisions beyond bumping collisionCount, spec.rollbackTo (gone from
 * apps/v1; kubectl rollout undo patches the template instead).
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
import { controllerRef, intOrPercent, isControlledBy, labelSelectorMatches, ownerReferenceTo, podTemplateHash, templateWithoutHash } from './pod-template.ts';
import { writeStatus } from './replicaset.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
/** annotations a Deployment does not copy to its ReplicaSets (deployment/util skipCopyAnnotation). */
const skipCopy = new Set(['kubectl.kubernetes.io/last-applied-configuration', revisionAnnotation, 'deployment.kubernetes.io/revision-history', desiredReplicasAnnotation, maxReplicasAnnotation, 'deprecated.deployment.rollback.to']);

const spec = (o: KObject): any => (o as any).spec ?? {};
const replicasOf = (o: KObject): number => spec(o).replicas ?? 1;
const statusOf = (o: KObject): any => (o as any).status ?? {};

function equalJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

/** maxSurge / maxUnavailable are deploymentutil.ResolveFenceposts. */
export function resolveFenceposts(d: KObject): { maxSurge: number; maxUnavailable: number } {
  const s = spec(d);
  if (s.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: 0 };
  const ru = s.strategy?.rollingUpdate ?? {};
  const replicas = replicasOf(d);
  const maxSurge = intOrPercent(ru.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = intOrPercent(ru.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  private ctx!: ControllerContext;
  private deployments!: Informer;
  private replicaSets!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('deployment-controller');
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    this.deployments = ctx.informer(resources.deployments);
    this.replicaSets = ctx.informer(resources.replicasets);
    this.pods = ctx.informer(resources.pods);
    this.deployments.addHandler({ add: (d) => this.queue.add(objectKeyOf(d)), update: (_o, d) => this.queue.add(objectKeyOf(d)) });
    const rsChanged = (rs: KObject) => {
      const ref = controllerRef(rs);
      if (ref?.kind === 'Deployment') this.queue.add(`${rs.metadata.namespace}/${ref.name}`);
    };
    this.replicaSets.addHandler({ add: rsChanged, update: rsChanged, delete: rsChanged });
    // Recreate waits for old pods to go: a pod deletion can unblock it.
    this.pods.addHandler({
      delete: (pod) => {
        const ref = controllerRef(pod);
        if (ref?.kind !== 'ReplicaSet') return;
        const rs = this.replicaSets.get(pod.metadata.namespace!, ref.name);
        if (rs) rsChanged(rs);
      },
    });
  }

  stop(): void {}

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const d = this.deployments.get(namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const owned = this.claimReplicaSets(d);
    const s = spec(d);
    if (s.paused) {
      this.syncStatusOnly(d, owned);
      return;
    }
    // A resumed Deployment says so before it goes on (sync.go checkPausedConditions).
    const prog = ((d as any).status?.conditions ?? []).find((c: any) => c.type === 'Progressing');
    if (prog?.reason === 'DeploymentPaused') this.setCondition(d, 'Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed');
    // A replicas change while ReplicaSets are active is a scaling event, handled before any rollout step.
    if (this.isScalingEvent(d, owned)) {
      const newRS = this.findNewReplicaSet(d, owned);
      const oldRSs = owned.filter((rs) => rs !== newRS);
      this.scale(d, newRS, oldRSs);
      this.syncRolloutStatus(d, newRS && this.refresh(newRS), owned.map((rs) => this.refresh(rs)));
      return;
    }
    if (s.strategy?.type === 'Recreate') this.rolloutRecreate(d, owned);
    else this.rolloutRolling(d, owned);
  }

  /**
   * claimReplicaSets is ReplicaSetControllerRefManager.ClaimReplicaSets: the
   * ReplicaSets this Deployment controls, plus orphans its selector matches
   * (say, left behind by `kubectl delete --cascade=orphan`), which it adopts.
   */
  private claimReplicaSets(d: KObject): KObject[] {
    const out: KObject[] = [];
    for (const rs of this.replicaSets.list(d.metadata.namespace)) {
      if (isControlledBy(rs, d)) {
        out.push(rs);
        continue;
      }
      if (controllerRef(rs) || rs.metadata.deletionTimestamp || !labelSelectorMatches(spec(d).selector, rs.metadata.labels)) continue;
      try {
        const cur = this.ctx.api.get(resources.replicasets, rs.metadata.namespace!, rs.metadata.name!);
        if (controllerRef(cur)) continue;
        cur.metadata.ownerReferences = [...(cur.metadata.ownerReferences ?? []), ownerReferenceTo(d)];
        out.push(this.ctx.api.update(resources.replicasets, rs.metadata.namespace!, rs.metadata.name!, cur).object);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
    return out;
  }

  /** findNewReplicaSet: the newest ReplicaSet whose template equals the Deployment's, ignoring the hash label. */
  private findNewReplicaSet(d: KObject, owned: KObject[]): KObject | undefined {
    const want = templateWithoutHash(spec(d).template);
    return [...owned].sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1)).find((rs) => equalJson(templateWithoutHash(spec(rs).template), want));
  }

  private maxRevision(rss: KObject[]): number {
    return Math.max(0, ...rss.map((rs) => Number(rs.metadata.annotations?.[revisionAnnotation] ?? 0) || 0));
  }

  /**
   * getNewReplicaSet (sync.go): the existing new ReplicaSet with its
   * revision brought up to date, or a new one created with `replicas` pods.
   */
  private getNewReplicaSet(d: KObject, owned: KObject[], oldRSs: KObject[], createReplicas: (() => number) | undefined): KObject | undefined {
    const existing = this.findNewReplicaSet(d, owned);
    const newRevision = String(this.maxRevision(oldRSs) + 1);
    const { maxSurge } = resolveFenceposts(d);
    if (existing) {
      const ann = existing.metadata.annotations ?? {};
      const want = { ...ann, ...this.copiedAnnotations(d), [revisionAnnotation]: Number(ann[revisionAnnotation] ?? 0) >= Number(newRevision) ? ann[revisionAnnotation]! : newRevision };
      if (!equalJson(ann, want)) {
        const rs = structuredClone(existing);
        rs.metadata.annotations = want;
        this.updateRS(rs);
      }
      this.setDeploymentRevision(d, want[revisionAnnotation]!);
      return this.replicaSets.get(existing.metadata.namespace!, existing.metadata.name!);
    }
    if (!createReplicas) return undefined;
    const template = structuredClone(spec(d).template ?? {});
    const hash = podTemplateHash(template, statusOf(d).collisionCount);
    template.metadata = template.metadata ?? {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), 'pod-template-hash': hash };
    const selector = structuredClone(spec(d).selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), 'pod-template-hash': hash };
    const replicas = createReplicas();
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...(template.metadata.labels ?? {}) },
        annotations: {
          ...this.copiedAnnotations(d),
          [desiredReplicasAnnotation]: String(replicasOf(d)),
          [maxReplicasAnnotation]: String(replicasOf(d) + maxSurge),
          [revisionAnnotation]: newRevision,
        },
        ownerReferences: [ownerReferenceTo(d)],
      },
      spec: { replicas, minReadySeconds: spec(d).minReadySeconds ?? 0, selector, template },
    } as unknown as KObject;
    let created: KObject;
    try {
      created = this.ctx.api.create(resources.replicasets, d.metadata.namespace!, rs).object;
    } catch (e) {
      if (e instanceof StatusError && e.code === 409) {
        // Hash collision with a ReplicaSet we do not own: bump collisionCount and try again next sync.
        this.patchStatus(d, { collisionCount: (statusOf(d).collisionCount ?? 0) + 1 });
        throw e;
      }
      throw e;
    }
    if (replicas > 0) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${replicas}`);
    this.setDeploymentRevision(d, newRevision);
    this.setCondition(d, 'Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`);
    return created;
  }

  private copiedAnnotations(d: KObject): Record<string, string> {
    return Object.fromEntries(Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !skipCopy.has(k)));
  }

  private setDeploymentRevision(d: KObject, revision: string): void {
    const current = this.deployments.get(d.metadata.namespace!, d.metadata.name!);
    if (!current || current.metadata.annotations?.[revisionAnnotation] === revision) return;
    try {
      // Through the status subresource, as sync.go does (UpdateStatus), so the annotation does not bump generation.
      const next = structuredClone(current);
      next.metadata.annotations = { ...(next.metadata.annotations ?? {}), [revisionAnnotation]: revision };
      this.ctx.api.update(resources.deployments, d.metadata.namespace!, d.metadata.name!, next, { subresource: 'status' });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  private updateRS(rs: KObject): void {
    try {
      this.ctx.api.update(resources.replicasets, rs.metadata.namespace!, rs.metadata.name!, rs);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }

  /** scaleReplicaSet sets a ReplicaSet's replicas and replica annotations, with the ScalingReplicaSet event. */
  private scaleReplicaSet(rs: KObject, to: number, d: KObject): void {
    const from = replicasOf(rs);
    const { maxSurge } = resolveFenceposts(d);
    const ann = rs.metadata.annotations ?? {};
    const annWant = { ...ann, [desiredReplicasAnnotation]: String(replicasOf(d)), [maxReplicasAnnotation]: String(replicasOf(d) + maxSurge) };
    if (from === to && equalJson(ann, annWant)) return;
    const next = structuredClone(rs) as any;
    next.spec.replicas = to;
    next.metadata.annotations = annWant;
    this.updateRS(next);
    if (from !== to) this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${from < to ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`);
  }

  private refresh(rs: KObject): KObject {
    return this.replicaSets.get(rs.metadata.namespace!, rs.metadata.name!) ?? rs;
  }

  /** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas (desired-replicas annotation). */
  private isScalingEvent(d: KObject, owned: KObject[]): boolean {
    return owned.some((rs) => {
      const desired = rs.metadata.annotations?.[desiredReplicasAnnotation];
      return replicasOf(rs) > 0 && desired !== undefined && Number(desired) !== replicasOf(d);
    });
  }

  /**
   * scale is sync.go scale(): one active ReplicaSet takes the new size; a
   * saturated new one lets the old ones go to zero; otherwise (a rollout in
   * progress) the change is spread over the active ReplicaSets in proportion
   * to their size (GetProportion), leftovers to the largest.
   */
  private scale(d: KObject, newRS: KObject | undefined, oldRSs: KObject[]): void {
    const want = replicasOf(d);
    const active = [...oldRSs, ...(newRS ? [newRS] : [])].filter((rs) => replicasOf(rs) > 0);
    if (active.length <= 1) {
      const target = active[0] ?? newRS ?? [...oldRSs].sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? 1 : -1))[0];
      if (target) this.scaleReplicaSet(target, want, d);
      return;
    }
    if (newRS && replicasOf(newRS) === want && Number(newRS.metadata.annotations?.[desiredReplicasAnnotation]) === want && (statusOf(newRS).availableReplicas ?? 0) === want) {
      for (const rs of oldRSs) if (replicasOf(rs) > 0) this.scaleReplicaSet(rs, 0, d);
      return;
    }
    if (spec(d).strategy?.type === 'Recreate') return;
    const { maxSurge } = resolveFenceposts(d);
    const allowed = want > 0 ? want + maxSurge : 0;
    const toAdd = allowed - active.reduce((n, rs) => n + replicasOf(rs), 0);
    const newer = (a: KObject, b: KObject) => (a.metadata.creationTimestamp! > b.metadata.creationTimestamp! ? -1 : 1);
    // Largest first; ties go to the newer ReplicaSet when growing, the older when shrinking.
    active.sort((a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? newer(a, b) : -newer(a, b)));
    let added = 0;
    const size = new Map<string, number>();
    for (const rs of active) {
      let proportion = 0;
      if (toAdd !== 0 && toAdd !== added) {
        let fraction: number;
        if (want === 0) fraction = -replicasOf(rs);
        else {
          const before = Number(rs.metadata.annotations?.[maxReplicasAnnotation] ?? 0) || (statusOf(d).replicas ?? 0);
          fraction = before ? Math.round((replicasOf(rs) * allowed) / before) - replicasOf(rs) : 0;
        }
        proportion = toAdd > 0 ? Math.min(fraction, toAdd - added) : Math.max(fraction, toAdd - added);
      }
      size.set(rs.metadata.name!, replicasOf(rs) + proportion);
      added += proportion;
    }
    active.forEach((rs, i) => {
      let n = size.get(rs.metadata.name!)!;
      if (i === 0 && toAdd !== 0) n = Math.max(0, n + toAdd - added);
      this.scaleReplicaSet(rs, n, d);
    });
  }

  /** rolloutRolling is rolling.go: scale the new ReplicaSet up within maxSurge, then old ones down within maxUnavailable. */
  private rolloutRolling(d: KObject, owned: KObject[]): void {
    const existingNew = this.findNewReplicaSet(d, owned);
    const oldRSs = owned.filter((rs) => rs !== existingNew);
    const newRS = this.getNewReplicaSet(d, owned, oldRSs, () => {
      const { maxSurge } = resolveFenceposts(d);
      const current = oldRSs.reduce((n, rs) => n + replicasOf(rs), 0);
      const maxTotal = replicasOf(d) + maxSurge;
      return Math.max(0, Math.min(maxTotal - current, replicasOf(d)));
    });
    if (!newRS) return;
    const all = () => [...oldRSs.map((rs) => this.refresh(rs)), this.refresh(newRS)];
    if (existingNew && this.reconcileNewReplicaSet(d, this.refresh(newRS), all())) return this.syncRolloutStatus(d, this.refresh(newRS), all());
    if (this.reconcileOldReplicaSets(d, this.refresh(newRS), oldRSs.map((rs) => this.refresh(rs)))) return this.syncRolloutStatus(d, this.refresh(newRS), all());
    this.cleanupOldReplicaSets(d, oldRSs.map((rs) => this.refresh(rs)));
    this.syncRolloutStatus(d, this.refresh(newRS), all());
  }

  private reconcileNewReplicaSet(d: KObject, newRS: KObject, allRSs: KObject[]): boolean {
    const want = replicasOf(d);
    const have = replicasOf(newRS);
    if (have === want) return false;
    if (have > want) {
      this.scaleReplicaSet(newRS, want, d);
      return true;
    }
    const { maxSurge } = resolveFenceposts(d);
    const current = allRSs.reduce((n, rs) => n + replicasOf(rs), 0);
    const maxTotal = want + maxSurge;
    if (current >= maxTotal) return false;
    const up = Math.min(maxTotal - current, want - have);
    this.scaleReplicaSet(newRS, have + up, d);
    return true;
  }

  private reconcileOldReplicaSets(d: KObject, newRS: KObject, oldRSs: KObject[]): boolean {
    const oldCount = oldRSs.reduce((n, rs) => n + replicasOf(rs), 0);
    if (oldCount === 0) return false;
    const allCount = oldCount + replicasOf(newRS);
    const { maxUnavailable } = resolveFenceposts(d);
    const minAvailable = replicasOf(d) - maxUnavailable;
    const newUnavailable = replicasOf(newRS) - (statusOf(newRS).availableReplicas ?? 0);
    const maxScaledDown = allCount - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    let scaled = 0;
    const sorted = [...oldRSs].sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? -1 : 1));
    // cleanupUnhealthyReplicas: unavailable old pods go first.
    for (const rs of sorted) {
      if (scaled >= maxScaledDown) break;
      const unhealthy = replicasOf(rs) - (statusOf(rs).availableReplicas ?? 0);
      if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
      const down = Math.min(maxScaledDown - scaled, unhealthy);
      this.scaleReplicaSet(rs, replicasOf(rs) - down, d);
      scaled += down;
    }
    // scaleDownOldReplicaSetsForRollingUpdate: then available ones, keeping minAvailable.
    const refreshed = sorted.map((rs) => this.refresh(rs));
    const available = [...refreshed, newRS].reduce((n, rs) => n + (statusOf(rs).availableReplicas ?? 0), 0);
    let total = Math.max(0, available - minAvailable);
    for (const rs of refreshed) {
      if (total <= 0) break;
      if (replicasOf(rs) === 0) continue;
      const down = Math.min(replicasOf(rs), total);
      this.scaleReplicaSet(rs, replicasOf(rs) - down, d);
      total -= down;
      scaled += down;
    }
    return scaled > 0;
  }

  /** rolloutRecreate is recreate.go: old ReplicaSets to zero, wait until their pods are gone, then the new one to full size. */
  private rolloutRecreate(d: KObject, owned: KObject[]): void {
    const existingNew = this.findNewReplicaSet(d, owned);
    const oldRSs = owned.filter((rs) => rs !== existingNew);
    let scaled = false;
    for (const rs of oldRSs) {
      if (replicasOf(rs) !== 0) {
        this.scaleReplicaSet(rs, 0, d);
        scaled = true;
      }
    }
    const oldPodsRunning = oldRSs.some((rs) => (statusOf(this.refresh(rs)).replicas ?? 0) > 0) || this.pods.list(d.metadata.namespace).some((p) => {
      const ref = controllerRef(p);
      if (!ref || ref.uid === existingNew?.metadata.uid || !oldRSs.some((rs) => rs.metadata.uid === ref.uid)) return false;
      const phase = (p as any).status?.phase;
      return phase !== 'Succeeded' && phase !== 'Failed';
    });
    if (scaled || oldPodsRunning) {
      const newRS = existingNew ?? this.getNewReplicaSet(d, owned, oldRSs, undefined);
      this.syncRolloutStatus(d, newRS, owned.map((rs) => this.refresh(rs)));
      return;
    }
    const newRS = this.getNewReplicaSet(d, owned, oldRSs, () => replicasOf(d))!;
    if (existingNew) this.scaleReplicaSet(this.refresh(newRS), replicasOf(d), d);
    const all = [...oldRSs.map((rs) => this.refresh(rs)), this.refresh(newRS)];
    if (this.deploymentComplete(d, this.calculateStatus(d, this.refresh(newRS), all))) this.cleanupOldReplicaSets(d, oldRSs.map((rs) => this.refresh(rs)));
    this.syncRolloutStatus(d, this.refresh(newRS), all);
  }

  private syncStatusOnly(d: KObject, owned: KObject[]): void {
    const newRS = this.findNewReplicaSet(d, owned);
    if (newRS && replicasOf(newRS) !== replicasOf(d) && owned.length === 1) this.scaleReplicaSet(newRS, replicasOf(d), d);
    const st = this.calculateStatus(d, newRS && this.refresh(newRS), owned.map((rs) => this.refresh(rs)));
    // A paused Deployment says so in Progressing (DeploymentPaused / "Deployment is paused").
    const cur = this.deployments.get(d.metadata.namespace!, d.metadata.name!)!;
    st.conditions = mergeCondition(statusOf(cur).conditions ?? st.conditions, this.condition(cur, 'Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'));
    this.patchStatus(cur, st, true);
  }

  /** cleanupOldReplicaSets is cleanupDeployment: keep revisionHistoryLimit (default 10) old ReplicaSets with no pods. */
  private cleanupOldReplicaSets(d: KObject, oldRSs: KObject[]): void {
    const limit = spec(d).revisionHistoryLimit ?? 10;
    const idle = oldRSs.filter((rs) => replicasOf(rs) === 0 && (statusOf(rs).replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp);
    const excess = idle.length - limit;
    if (excess <= 0) return;
    const byRevision = [...idle].sort((a, b) => Number(a.metadata.annotations?.[revisionAnnotation] ?? 0) - Number(b.metadata.annotations?.[revisionAnnotation] ?? 0));
    for (const rs of byRevision.slice(0, excess)) {
      try {
        this.ctx.api.delete(resources.replicasets, rs.metadata.namespace!, rs.metadata.name!);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  /** calculateStatus is sync.go calculateStatus, with the Available condition. */
  private calculateStatus(d: KObject, newRS: KObject | undefined, allRSs: KObject[]): any {
    const sum = (f: (rs: KObject) => number) => allRSs.reduce((n, rs) => n + f(rs), 0);
    const available = sum((rs) => statusOf(rs).availableReplicas ?? 0);
    const total = sum(replicasOf);
    const { maxUnavailable } = resolveFenceposts(d);
    const current = this.deployments.get(d.metadata.namespace!, d.metadata.name!) ?? d;
    const st: any = {
      observedGeneration: current.metadata.generation,
      replicas: sum((rs) => statusOf(rs).replicas ?? 0),
      updatedReplicas: newRS ? (statusOf(newRS).replicas ?? 0) : 0,
      readyReplicas: sum((rs) => statusOf(rs).readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, total - available),
      collisionCount: statusOf(current).collisionCount,
    };
    const conds = structuredClone(statusOf(current).conditions ?? []);
    const avail =
      available >= replicasOf(d) - maxUnavailable
        ? this.condition(current, 'Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : this.condition(current, 'Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');
    st.conditions = mergeCondition(conds, avail);
    return st;
  }

  private deploymentComplete(d: KObject, st: any): boolean {
    const r = replicasOf(d);
    return st.updatedReplicas === r && st.replicas === r && st.availableReplicas === r && st.observedGeneration >= (d.metadata.generation ?? 0);
  }

  /** syncRolloutStatus is progress.go: the Progressing condition (progressing, complete, or past progressDeadlineSeconds). */
  private syncRolloutStatus(d: KObject, newRS: KObject | undefined, allRSs: KObject[]): void {
    const cur = this.deployments.get(d.metadata.namespace!, d.metadata.name!);
    if (!cur) return;
    const st = this.calculateStatus(cur, newRS, allRSs);
    const old = statusOf(cur);
    const prog = (old.conditions ?? []).find((c: any) => c.type === 'Progressing');
    const deadline = spec(cur).progressDeadlineSeconds ?? 600;
    const complete = st.replicas === st.updatedReplicas && prog?.reason === 'NewReplicaSetAvailable';
    const rsName = newRS?.metadata.name;
    const subject = rsName ? `ReplicaSet "${rsName}"` : `Deployment "${cur.metadata.name}"`;
    if (!complete) {
      const nowMs = this.ctx.clock.now().getTime();
      if (this.deploymentComplete(cur, st)) {
        st.conditions = mergeCondition(st.conditions, this.condition(cur, 'Progressing', 'True', 'NewReplicaSetAvailable', `${subject} has successfully progressed.`));
      } else if (
        st.updatedReplicas > (old.updatedReplicas ?? 0) ||
        st.replicas - st.updatedReplicas < (old.replicas ?? 0) - (old.updatedReplicas ?? 0) ||
        st.readyReplicas > (old.readyReplicas ?? 0) ||
        st.availableReplicas > (old.availableReplicas ?? 0)
      ) {
        const c = this.condition(cur, 'Progressing', 'True', 'ReplicaSetUpdated', `${subject} is progressing.`);
        c.lastUpdateTime = rfc3339(this.ctx.clock.now());
        st.conditions = mergeCondition(st.conditions, c, true);
        this.queue.addAfter(objectKeyOf(cur), deadline * 1000 + 1000);
      } else if (prog && prog.reason !== 'NewReplicaSetAvailable' && prog.reason !== 'ProgressDeadlineExceeded') {
        const from = Date.parse(prog.lastUpdateTime ?? '') || nowMs;
        if (nowMs > from + deadline * 1000) {
          st.conditions = mergeCondition(st.conditions, this.condition(cur, 'Progressing', 'False', 'ProgressDeadlineExceeded', `${subject} has timed out progressing.`));
        } else this.queue.addAfter(objectKeyOf(cur), from + deadline * 1000 - nowMs + 1000);
      }
    }
    // getReplicaFailures: a ReplicaSet's ReplicaFailure (pods it cannot create) shows on the Deployment too.
    const failure = [newRS, ...allRSs].filter(Boolean).map((rs) => (statusOf(rs!).conditions ?? []).find((c: any) => c.type === 'ReplicaFailure'))[0];
    if (failure) st.conditions = mergeCondition(st.conditions, this.condition(cur, 'ReplicaFailure', failure.status, failure.reason, failure.message));
    else st.conditions = (st.conditions ?? []).filter((c: any) => c.type !== 'ReplicaFailure');
    this.patchStatus(cur, st, true);
  }

  /** condition builds a DeploymentCondition, keeping lastTransitionTime when the status is unchanged. */
  private condition(d: KObject, type: string, status: string, reason: string, message: string): any {
    const now = rfc3339(this.ctx.clock.now());
    const old = (statusOf(d).conditions ?? []).find((c: any) => c.type === type);
    if (old && old.status === status && old.reason === reason && old.message === message) return old;
    return { type, status, lastUpdateTime: now, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : now, reason, message };
  }

  private setCondition(d: KObject, type: string, status: string, reason: string, message: string): void {
    const cur = this.deployments.get(d.metadata.namespace!, d.metadata.name!);
    if (!cur) return;
    const conditions = mergeCondition(structuredClone(statusOf(cur).conditions ?? []), this.condition(cur, type, status, reason, message));
    this.patchStatus(cur, { ...statusOf(cur), conditions }, true);
  }

  private patchStatus(d: KObject, st: any, replace = false): void {
    const cur = this.deployments.get(d.metadata.namespace!, d.metadata.name!);
    if (!cur) return;
    writeStatus(this.ctx, resources.deployments, cur, replace ? st : { ...statusOf(cur), ...st });
  }
}

/** mergeCondition is SetDeploymentCondition: replace the condition of the same type (moving it last only when it is new). */
function mergeCondition(conds: any[], c: any, keepTransition = false): any[] {
  const out = [...(conds ?? [])];
  const i = out.findIndex((x) => x.type === c.type);
  if (i >= 0) {
    if (keepTransition && out[i].status === c.status) c = { ...c, lastTransitionTime: out[i].lastTransitionTime };
    if (out[i].status === c.status && out[i].reason === c.reason && out[i].message === c.message && !keepTransition) return out;
    out.splice(i, 1);
  }
  out.push(c);
  return out;
}
