/**
 * pod-template holds what the workload controllers share
 * (pkg/controller/controller_utils.go, controller_ref_manager.go,
 * pkg/controller/deployment/util): pods from a template with a controller
 * reference, which pods count as active, readiness and availability, the
 * pod-template-hash, and picking which pods to delete first.
 */
import type { KObject, OwnerReference } from '../../store/types.ts';
import { labelSelectorMatches } from '../pv-binder/volume-helpers.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export { labelSelectorMatches };

/** controllerRef returns the owner reference with controller: true. */
export function controllerRef(o: KObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller);
}

/** isControlledBy: o's controller reference points at owner (by uid). */
export function isControlledBy(o: KObject, owner: KObject): boolean {
  return controllerRef(o)?.uid === owner.metadata.uid;
}

/** ownerReferenceTo builds the controller reference a controller puts on what it creates (metav1.NewControllerRef). */
export function ownerReferenceTo(owner: KObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/**
 * podFromTemplate is controller.GetPodFromTemplate: the template's labels,
 * annotations and spec, generateName `<prefix>`, and the controller reference.
 */
export function podFromTemplate(template: any, owner: KObject, generateName: string | undefined, name?: string): KObject {
  const meta: any = {
    namespace: owner.metadata.namespace,
    labels: { ...(template?.metadata?.labels ?? {}) },
    ownerReferences: [ownerReferenceTo(owner)],
  };
  if (template?.metadata?.annotations) meta.annotations = { ...template.metadata.annotations };
  if (template?.metadata?.finalizers) meta.finalizers = [...template.metadata.finalizers];
  if (name) meta.name = name;
  else meta.generateName = generateName;
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: structuredClone(template?.spec ?? {}) } as KObject;
}

/** isPodActive is controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: KObject): boolean {
  const phase = (pod as any).status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata.deletionTimestamp;
}

function readyCondition(pod: KObject): any {
  return ((pod as any).status?.conditions ?? []).find((c: any) => c.type === 'Ready');
}

/** isPodReady: the Ready condition is True (written by the kubelet). */
export function isPodReady(pod: KObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/**
 * isPodAvailable is podutil.IsPodAvailable: ready for at least
 * minReadySeconds. Returns the ms until it will be, when ready but not yet.
 */
export function podAvailability(pod: KObject, minReadySeconds: number, nowMs: number): { available: boolean; inMs?: number } {
  const c = readyCondition(pod);
  if (c?.status !== 'True') return { available: false };
  if (!minReadySeconds) return { available: true };
  const since = Date.parse(c.lastTransitionTime ?? '') || 0;
  const at = since + minReadySeconds * 1000;
  return at <= nowMs ? { available: true } : { available: false, inMs: at - nowMs };
}

/**
 * deletionRank orders pods for scale-down like controller.ActivePods (Less):
 * unassigned before assigned, Pending before Unknown before Running, not
 * ready before ready, then the newest first. Lower sorts first (deleted first).
 */
export function compareForDeletion(a: KObject, b: KObject): number {
  const assigned = (p: KObject) => ((p as any).spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
  const pa = phaseRank[(a as any).status?.phase] ?? 0;
  const pb = phaseRank[(b as any).status?.phase] ?? 0;
  if (pa !== pb) return pa - pb;
  const ra = isPodReady(a) ? 1 : 0;
  const rb = isPodReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta > tb ? -1 : 1;
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? 1 : -1;
}

const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** safeEncodeString is k8s.io/apimachinery/pkg/util/rand SafeEncodeString: each byte mapped into a vowel-free alphabet. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += safeAlphabet[s.charCodeAt(i) % safeAlphabet.length];
  return out;
}

/** fnv32a is FNV-1a, 32 bits. */
export function fnv32a(data: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(data, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as any)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * podTemplateHash is controller.ComputeHash: FNV-1a 32 of the template
 * (plus the collision count), printed in decimal and SafeEncodeString'd —
 * hence names like `web-7d948bd89d`. Kubernetes hashes the Go struct as
 * printed by go-spew; we hash canonical JSON, so the same manifest gets a
 * different (but equally stable) hash than on a real cluster.
 */
export function podTemplateHash(template: unknown, collisionCount?: number): string {
  let input = canonical(template);
  if (collisionCount) input += `#${collisionCount}`;
  return safeEncodeString(String(fnv32a(input)));
}

/** templateWithoutHash drops the pod-template-hash label, to compare a ReplicaSet's template with its Deployment's (EqualIgnoreHash). */
export function templateWithoutHash(template: any): any {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) {
    delete t.metadata.labels['pod-template-hash'];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  return t;
}

/** intOrPercent resolves maxSurge/maxUnavailable (intstr.GetScaledValueFromIntOrPercent). */
export function intOrPercent(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
