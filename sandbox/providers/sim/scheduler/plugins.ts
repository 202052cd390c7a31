/**
 * plugins are the filter and score plugins of kube-scheduler's default
 * profile that matter for a three-node lab cluster, as pure functions over
 * plain Pod/Node JSON (pkg/scheduler/framework/plugins/…). Each filter
 * returns undefined when the node fits, or a FilterStatus with the
 * plugin's exact reason string and code — the code decides whether
 * preemption could help (Unschedulable) or not (UnschedulableAndUnresolvable).
 *
 * Filters run in the default profile's order (NodeUnschedulable, NodeName,
 * TaintToleration, NodeAffinity, NodeResourcesFit, …, VolumeBinding) and
 * a node's first failing filter is its reason, as in the framework.
 */
import type { KObject } from '../store/types.ts';
import { parseQuantity } from '../admission/validation/quantity.ts';
import { nodeSelectorTermMatches } from '../controllers/pv-binder/volume-helpers.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export type StatusCode = 'Unschedulable' | 'UnschedulableAndUnresolvable';

/** FilterStatus is a plugin's verdict on one node: its reasons (usually one) and code. */
export interface FilterStatus {
  plugin: string;
  code: StatusCode;
  reasons: string[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string;
  timeAdded?: string;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal' | string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

const spec = (o: KObject): any => (o as any).spec ?? {};

/** taintsOf returns a node's taints. */
export function taintsOf(node: KObject): Taint[] {
  return spec(node).taints ?? [];
}

/** tolerationsOf returns a pod's tolerations. */
export function tolerationsOf(pod: KObject): Toleration[] {
  return spec(pod).tolerations ?? [];
}

/**
 * toleratesTaint is v1.Toleration.ToleratesTaint (k8s.io/api/core/v1
 * toleration.go): effects must match unless the toleration's is empty, keys
 * must match unless the toleration's is empty (with Exists), and Equal
 * compares values.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

/** tolerationFor returns the first toleration of the list that tolerates the taint. */
export function tolerationFor(tolerations: readonly Toleration[], taint: Taint): Toleration | undefined {
  return tolerations.find((t) => toleratesTaint(t, taint));
}

/** unschedulableTaint is the taint the NodeUnschedulable plugin checks tolerations against (cordon). */
export const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** nodeUnschedulable is the NodeUnschedulable filter (plugins/nodeunschedulable): a cordoned node, unless tolerated. */
export function nodeUnschedulable(pod: KObject, node: KObject): FilterStatus | undefined {
  if (!spec(node).unschedulable) return undefined;
  if (tolerationFor(tolerationsOf(pod), unschedulableTaint)) return undefined;
  return { plugin: 'NodeUnschedulable', code: 'UnschedulableAndUnresolvable', reasons: ['node(s) were unschedulable'] };
}

/** nodeName is the NodeName filter: a pod naming a node fits only there. */
export function nodeName(pod: KObject, node: KObject): FilterStatus | undefined {
  const want = spec(pod).nodeName;
  if (!want || want === node.metadata.name) return undefined;
  return { plugin: 'NodeName', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match the requested node name"] };
}

/**
 * taintToleration is the TaintToleration filter: the first NoSchedule or
 * NoExecute taint the pod does not tolerate rejects the node, named as
 * `{key: value}` (plugins/tainttoleration/taint_toleration.go, 1.33 wording).
 */
export function taintToleration(pod: KObject, node: KObject): FilterStatus | undefined {
  const tolerations = tolerationsOf(pod);
  const taint = taintsOf(node).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerationFor(tolerations, t));
  if (!taint) return undefined;
  return { plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable', reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`] };
}

/**
 * podMatchesNodeSelectorAndAffinity is nodeaffinity's required part:
 * every nodeSelector label, and one of the required node affinity terms.
 */
export function podMatchesNodeSelectorAndAffinity(pod: KObject, node: KObject): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries<string>(spec(pod).nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms: any[] | undefined = spec(pod).affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms === undefined) return true;
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}

/** nodeAffinity is the NodeAffinity filter (plugins/nodeaffinity ErrReasonPod). */
export function nodeAffinity(pod: KObject, node: KObject): FilterStatus | undefined {
  if (podMatchesNodeSelectorAndAffinity(pod, node)) return undefined;
  return { plugin: 'NodeAffinity', code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
}

/** PodRequests are the resources a pod asks for (cpu in cores, memory in bytes). */
export interface PodRequests {
  cpu: number;
  memory: number;
}

/**
 * podRequests is resourcehelper.PodRequests, coarse: the larger of the sum
 * of the containers' requests and the largest init container's, plus overhead.
 * nonZero applies the scoring defaults for containers without requests
 * (100m CPU, 200Mi memory; pkg/scheduler/util DefaultMilliCPURequest/DefaultMemoryRequest).
 */
export function podRequests(pod: KObject, nonZero = false): PodRequests {
  const sum = { cpu: 0, memory: 0 };
  const one = (c: any) => {
    const r = c?.resources?.requests ?? {};
    let cpu = r.cpu !== undefined ? (parseQuantity(String(r.cpu)) ?? 0) : 0;
    let memory = r.memory !== undefined ? (parseQuantity(String(r.memory)) ?? 0) : 0;
    if (nonZero) {
      if (r.cpu === undefined) cpu = 0.1;
      if (r.memory === undefined) memory = 200 * 2 ** 20;
    }
    return { cpu, memory };
  };
  for (const c of spec(pod).containers ?? []) {
    const r = one(c);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  for (const c of spec(pod).initContainers ?? []) {
    const r = one(c);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const overhead = spec(pod).overhead ?? {};
  if (overhead.cpu) sum.cpu += parseQuantity(String(overhead.cpu)) ?? 0;
  if (overhead.memory) sum.memory += parseQuantity(String(overhead.memory)) ?? 0;
  return sum;
}

/** NodeUsage is what pods already assigned to a node take. */
export interface NodeUsage {
  pods: number;
  requested: PodRequests;
  /** nonZeroRequested is the same with scoring defaults for containers without requests. */
  nonZeroRequested: PodRequests;
}

export function allocatableOf(node: KObject): { cpu: number; memory: number; pods: number } {
  const a = (node as any).status?.allocatable ?? {};
  return {
    cpu: parseQuantity(String(a.cpu ?? '0')) ?? 0,
    memory: parseQuantity(String(a.memory ?? '0')) ?? 0,
    pods: parseQuantity(String(a.pods ?? '0')) ?? 0,
  };
}

/**
 * nodeResourcesFit is the NodeResourcesFit filter (plugins/noderesources/fit.go):
 * `Too many pods`, `Insufficient cpu`, `Insufficient memory` — one reason per
 * short resource, all of them Unschedulable (preemption might free room).
 */
export function nodeResourcesFit(pod: KObject, node: KObject, usage: NodeUsage): FilterStatus | undefined {
  const alloc = allocatableOf(node);
  const req = podRequests(pod);
  const reasons: string[] = [];
  if (usage.pods + 1 > alloc.pods) reasons.push('Too many pods');
  if (req.cpu > 0 && usage.requested.cpu + req.cpu > alloc.cpu + 1e-9) reasons.push('Insufficient cpu');
  if (req.memory > 0 && usage.requested.memory + req.memory > alloc.memory) reasons.push('Insufficient memory');
  return reasons.length ? { plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons } : undefined;
}

/**
 * scoreNode is a coarse version of the default score plugins: LeastAllocated
 * (NodeResourcesFit, weight 1), the system-default PodTopologySpread by
 * hostname for pods of the same owner (weight 2), and TaintToleration's
 * PreferNoSchedule count (weight 3). Higher is better.
 */
export function scoreNode(pod: KObject, node: KObject, usage: NodeUsage, siblingsOnNode: number, maxSiblings: number): number {
  const alloc = allocatableOf(node);
  const req = podRequests(pod, true);
  const free = (cap: number, used: number) => (cap <= 0 ? 0 : Math.max(0, ((cap - used) * 100) / cap));
  const leastAllocated = (free(alloc.cpu, usage.nonZeroRequested.cpu + req.cpu) + free(alloc.memory, usage.nonZeroRequested.memory + req.memory)) / 2;
  const spread = maxSiblings === 0 ? 100 : ((maxSiblings - siblingsOnNode) * 100) / maxSiblings;
  const tolerations = tolerationsOf(pod);
  const preferNo = taintsOf(node).filter((t) => t.effect === 'PreferNoSchedule' && !tolerationFor(tolerations, t)).length;
  const taintScore = 100 - Math.min(100, preferNo * 100);
  return leastAllocated * 1 + spread * 2 + taintScore * 3;
}
