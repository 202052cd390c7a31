/**
 * StatefulSetController is pkg/controller/statefulset
 * (stateful_set_control.go, stateful_pod_control.go, stateful_set_utils.go):
 * pods with stable names `<set>-<ordinal>`, hostname and subdomain, the
 * `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
 * `controller-revision-hash` labels; one PersistentVolumeClaim per
 * volumeClaimTemplate and ordinal, `<template>-<set>-<ordinal>`, created
 * before its pod and never deleted with it unless
 * persistentVolumeClaimRetentionPolicy says Delete (then the claim gets an
 * owner reference to the set or the condemned pod, and the garbage
 * collector removes it); a ControllerRevision `<set>-<hash>` per template.
 *
 * OrderedReady (the default) creates ordinal n+1 only once n is Running and
 * Ready, and scales down from the highest ordinal one at a time; Parallel
 * does not wait. A pod is recreated under the same name only after the old
 * one is completely gone — so a pod stuck Terminating on a dead node blocks
 * its ordinal, the "StatefulSets wait" behaviour. Until a kubelet marks pods
 * Ready, an OrderedReady set has only ordinal 0.
 *
 * Events: SuccessfulCreate "create Pod web-0 in StatefulSet web successful",
 * "create Claim data-web-0 Pod web-0 in StatefulSet web success",
 * SuccessfulDelete "delete Pod web-2 in StatefulSet web successful".
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { EventRecorder } from '../manager/events.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { objectKeyOf, splitKey } from '../manager/informer.ts';
import { resources } from '../manager/resources.ts';
import { StatusError } from '../../api/status.ts';
import { controllerRef, fnv32a, isControlledBy, isPodReady, ownerReferenceTo, podAvailability, podFromTemplate, safeEncodeString } from './pod-template.ts';
import { writeStatus } from './replicaset.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

const spec = (o: KObject): any => (o as any).spec ?? {};

/** ordinalOf parses `<set>-<n>`; -1 when the name is not one of the set's. */
export function ordinalOf(set: KObject, pod: KObject): number {
  const prefix = `${set.metadata.name}-`;
  const n = pod.metadata.name ?? '';
  if (!n.startsWith(prefix)) return -1;
  const rest = n.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
}

/** claimName is getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`. */
export function claimName(set: KObject, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name}-${ordinal}`;
}

/** revisionHash is controllerhistory.HashControllerRevision over the template patch, SafeEncodeString'd. */
export function revisionHash(set: KObject): string {
  return safeEncodeString(String(fnv32a(JSON.stringify({ spec: { template: { ...spec(set).template, $patch: 'replace' } } }))));
}

/**
 * ensureControllerRevision is controllerhistory's CreateControllerRevision
 * for StatefulSets and DaemonSets: `<owner>-<hash>` holding the template as
 * a replace patch, numbered one past the owner's newest revision, owned by
 * it (so `kubectl rollout history` lists it and GC removes it).
 */
export function ensureControllerRevision(ctx: ControllerContext, owner: KObject, hash: string): string {
  const name = `${owner.metadata.name}-${hash}`;
  if (ctx.store.get(resources.controllerrevisions.storage, owner.metadata.namespace!, name)) return name;
  const existing = ctx.store.list(resources.controllerrevisions.storage, owner.metadata.namespace!).filter((r) => isControlledBy(r, owner));
  const next = Math.max(0, ...existing.map((r) => Number((r as any).revision) || 0)) + 1;
  try {
    ctx.api.create(resources.controllerrevisions, owner.metadata.namespace!, {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name, namespace: owner.metadata.namespace, labels: { ...(spec(owner).selector?.matchLabels ?? {}), 'controller.kubernetes.io/hash': hash }, ownerReferences: [ownerReferenceTo(owner)] },
      data: { spec: { template: { ...structuredClone(spec(owner).template), $patch: 'replace' } } },
      revision: next,
    } as unknown as KObject);
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  }
  return name;
}

const isRunningAndReady = (p: KObject) => (p as any).status?.phase === 'Running' && isPodReady(p);
const isFailed = (p: KObject) => (p as any).status?.phase === 'Failed';

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private ctx!: ControllerContext;
  private sets!: Informer;
  private pods!: Informer;
  private claims!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('statefulset-controller');
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    this.sets = ctx.informer(resources.statefulsets);
    this.pods = ctx.informer(resources.pods);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.sets.addHandler({ add: (s) => this.queue.add(objectKeyOf(s)), update: (_o, s) => this.queue.add(objectKeyOf(s)) });
    const podChanged = (p: KObject) => {
      const ref = controllerRef(p);
      if (ref?.kind === 'StatefulSet') this.queue.add(`${p.metadata.namespace}/${ref.name}`);
    };
    this.pods.addHandler({ add: podChanged, update: podChanged, delete: podChanged });
  }

  stop(): void {}

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const set = this.sets.get(namespace, name);
    if (!set || set.metadata.deletionTimestamp) return;
    const s = spec(set);
    const revision = this.ensureRevision(set);
    const replicas: number = s.replicas ?? 1;
    const ordered = (s.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const pods = this.pods.list(namespace).filter((p) => isControlledBy(p, set) && ordinalOf(set, p) >= 0);
    const byOrdinal = new Map(pods.map((p) => [ordinalOf(set, p), p]));
    // Create or repair ordinals 0..replicas-1 in order.
    for (let i = 0; i < replicas; i++) {
      const pod = byOrdinal.get(i);
      if (pod && isFailed(pod) && !pod.metadata.deletionTimestamp) {
        this.deletePod(set, pod);
        if (ordered) break;
        continue;
      }
      if (!pod) {
        if (!this.createPod(set, i, revision)) break;
        if (ordered) break;
        continue;
      }
      // OrderedReady: a terminating or not yet Running-and-Ready pod holds back every later ordinal.
      if (ordered && (pod.metadata.deletionTimestamp || !isRunningAndReady(pod))) break;
    }
    // Scale down from the highest ordinal.
    const condemned = pods.filter((p) => ordinalOf(set, p) >= replicas).sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
    for (const pod of condemned) {
      if (pod.metadata.deletionTimestamp) {
        if (ordered) break;
        continue;
      }
      if (ordered && pods.some((p) => ordinalOf(set, p) < replicas && (!isRunningAndReady(p) || p.metadata.deletionTimestamp)) && replicas > 0) break;
      this.applyScaleDownRetention(set, pod);
      this.deletePod(set, pod);
      if (ordered) break;
    }
    // RollingUpdate: replace the highest ordinal not at the update revision, once everything else is ready.
    if ((s.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
      const live = this.pods.list(namespace).filter((p) => isControlledBy(p, set) && ordinalOf(set, p) >= 0 && ordinalOf(set, p) < replicas);
      const partition = s.updateStrategy?.rollingUpdate?.partition ?? 0;
      const stale = live.filter((p) => p.metadata.labels?.['controller-revision-hash'] !== revision && ordinalOf(set, p) >= partition).sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));
      if (stale.length && live.length === replicas && live.every((p) => isRunningAndReady(p) && !p.metadata.deletionTimestamp)) this.deletePod(set, stale[0]!);
    }
    this.updateStatus(set, revision);
  }

  /** ensureRevision keeps a ControllerRevision for the current template and returns its name. */
  private ensureRevision(set: KObject): string {
    return ensureControllerRevision(this.ctx, set, revisionHash(set));
  }

  /** createPod is newVersionedStatefulSetPod + createPersistentVolumeClaims: claims first, then the pod. */
  private createPod(set: KObject, ordinal: number, revision: string): boolean {
    const s = spec(set);
    const podName = `${set.metadata.name}-${ordinal}`;
    const pod = podFromTemplate(s.template, set, undefined, podName) as any;
    pod.metadata.labels = {
      ...pod.metadata.labels,
      'statefulset.kubernetes.io/pod-name': podName,
      'apps.kubernetes.io/pod-index': String(ordinal),
      'controller-revision-hash': revision,
    };
    pod.spec.hostname = podName;
    if (s.serviceName) pod.spec.subdomain = s.serviceName;
    const volumes: any[] = pod.spec.volumes ?? [];
    for (const tmpl of s.volumeClaimTemplates ?? []) {
      const cname = claimName(set, tmpl.metadata.name, ordinal);
      if (!this.ensureClaim(set, tmpl, cname, podName)) return false;
      const v = { name: tmpl.metadata.name, persistentVolumeClaim: { claimName: cname } };
      const i = volumes.findIndex((x) => x.name === tmpl.metadata.name);
      if (i >= 0) volumes[i] = v;
      else volumes.push(v);
    }
    if (volumes.length) pod.spec.volumes = volumes;
    try {
      this.ctx.api.create(resources.pods, set.metadata.namespace!, pod);
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} successful`);
      return true;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.code === 409) return false; // the old pod of that name is still there
      this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${e.message}`);
      return false;
    }
  }

  private ensureClaim(set: KObject, tmpl: any, name: string, podName: string): boolean {
    const existing = this.claims.get(set.metadata.namespace!, name);
    if (existing) return !existing.metadata.deletionTimestamp;
    const s = spec(set);
    const claim: any = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        namespace: set.metadata.namespace,
        labels: { ...(tmpl.metadata?.labels ?? {}), ...(s.selector?.matchLabels ?? {}) },
        ...(tmpl.metadata?.annotations ? { annotations: { ...tmpl.metadata.annotations } } : {}),
      },
      spec: structuredClone(tmpl.spec ?? {}),
    };
    // whenDeleted: Delete makes the set the claim's owner, so the garbage collector removes it with the set.
    if (s.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete') {
      claim.metadata.ownerReferences = [{ ...ownerReferenceTo(set), controller: true, blockOwnerDeletion: true }];
    }
    try {
      this.ctx.api.create(resources.persistentvolumeclaims, set.metadata.namespace!, claim);
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${podName} in StatefulSet ${set.metadata.name} success`);
      return true;
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${podName} in StatefulSet ${set.metadata.name} failed error: ${e.message}`);
      return false;
    }
  }

  /** applyScaleDownRetention: whenScaled Delete hands a condemned pod's claims to the pod, so they go with it. */
  private applyScaleDownRetention(set: KObject, pod: KObject): void {
    const s = spec(set);
    if (s.persistentVolumeClaimRetentionPolicy?.whenScaled !== 'Delete') return;
    const ordinal = ordinalOf(set, pod);
    for (const tmpl of s.volumeClaimTemplates ?? []) {
      const c = this.claims.get(set.metadata.namespace!, claimName(set, tmpl.metadata.name, ordinal));
      if (!c || c.metadata.ownerReferences?.some((r) => r.uid === pod.metadata.uid)) continue;
      try {
        const cur = this.ctx.api.get(resources.persistentvolumeclaims, c.metadata.namespace!, c.metadata.name!);
        cur.metadata.ownerReferences = [
          ...(cur.metadata.ownerReferences ?? []).filter((r) => r.uid !== set.metadata.uid),
          { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: pod.metadata.uid!, controller: true, blockOwnerDeletion: true },
        ];
        this.ctx.api.update(resources.persistentvolumeclaims, c.metadata.namespace!, c.metadata.name!, cur);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private deletePod(set: KObject, pod: KObject): void {
    try {
      this.ctx.api.delete(resources.pods, pod.metadata.namespace!, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  private updateStatus(set: KObject, revision: string): void {
    const pods = this.pods.list(set.metadata.namespace).filter((p) => isControlledBy(p, set) && ordinalOf(set, p) >= 0);
    const now = this.ctx.clock.now().getTime();
    const minReady = spec(set).minReadySeconds ?? 0;
    const live = pods; // status.replicas counts every created pod, Terminating ones too (isCreated)
    const prev = (set as any).status ?? {};
    const currentRevision = prev.currentRevision && live.some((p) => p.metadata.labels?.['controller-revision-hash'] === prev.currentRevision) && live.some((p) => p.metadata.labels?.['controller-revision-hash'] !== revision) ? prev.currentRevision : revision;
    const status = {
      observedGeneration: set.metadata.generation,
      replicas: live.length,
      readyReplicas: live.filter(isPodReady).length,
      currentReplicas: live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === currentRevision).length,
      updatedReplicas: live.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length,
      availableReplicas: live.filter((p) => podAvailability(p, minReady, now).available).length,
      currentRevision,
      updateRevision: revision,
      collisionCount: prev.collisionCount ?? 0,
    };
    writeStatus(this.ctx, resources.statefulsets, set, status, ['replicas', 'availableReplicas', 'collisionCount']);
  }
}
