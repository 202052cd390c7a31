/**
 * volume-binding is the scheduler's VolumeBinding and VolumeRestrictions
 * plugins (pkg/scheduler/framework/plugins/volumebinding/{volume_binding.go,binder.go},
 * plugins/volumerestrictions): which of a pod's claims are bound, which
 * wait for this pod (WaitForFirstConsumer), whether a node can host the
 * bound volumes (PV node affinity), find a volume or be provisioned for the
 * unbound ones — and, once a node is chosen, the PreBind writes: a PV's
 * claimRef for a static match, `volume.kubernetes.io/selected-node` on a
 * claim to provision.
 *
 * Volume matching itself is the PV controller's (../controllers/pv-binder),
 * shared rather than copied, as the real binder shares
 * k8s.io/component-helpers/storage/volume FindMatchingVolume.
 */
import type { KObject } from '../store/types.ts';
import type { FilterStatus } from './plugins.ts';
import { findMatchingVolume, isDelayBindingMode } from '../controllers/pv-binder/matching.ts';
import {
  accessModesOf,
  annBindCompleted,
  annSelectedNode,
  claimClass,
  isPodTerminated,
  notSupportedProvisioner,
  podClaimNames,
  requestedBytes,
  volumeNodeAffinityMatches,
} from '../controllers/pv-binder/volume-helpers.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const errUnboundImmediate = 'pod has unbound immediate PersistentVolumeClaims';
export const errReasonBindConflict = "node(s) didn't find available persistent volumes to bind";
/**
 * errReasonNodeConflict: kubernetes/kubernetes#129887 (merged 2025) rewords
 * this as "node(s) didn't match PersistentVolume's node affinity", and
 * #129145 rewords the ReadWriteOncePod reason below as "node(s) unavailable
 * due to PersistentVolumeClaim with ReadWriteOncePod access mode already
 * in-use by another pod". Which release first ships them is not verified;
 * the lessons teach the older wording (and name the newer), so it stays here.
 */
export const errReasonNodeConflict = 'node(s) had volume node affinity conflict';
export const errReasonPVNotExist = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const errReasonReadWriteOncePodConflict = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

/** VolumeWorld is what the plugin reads: the cluster's claims, volumes, classes and pods (from informers). */
export interface VolumeWorld {
  claim(namespace: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  volumes(): readonly KObject[];
  classes(): readonly KObject[];
  /** pods assigned to nodes (or assumed), for the ReadWriteOncePod check. */
  assignedPods(): readonly KObject[];
}

/** PodVolumes is PreFilter's sorting of a pod's claims. */
export interface PodVolumes {
  bound: KObject[];
  toBind: KObject[];
}

/** StaticBinding / the result of Filter on the chosen node: what PreBind has to write. */
export interface VolumeDecisions {
  staticBindings: { claim: KObject; volume: KObject }[];
  provisions: KObject[];
}

const isFullyBound = (c: KObject) => !!(c as any).spec?.volumeName && Object.prototype.hasOwnProperty.call(c.metadata.annotations ?? {}, annBindCompleted);

/**
 * volumeBindingPreFilter sorts the pod's claims (binder.go GetPodVolumes)
 * or rejects the pod outright: a claim that does not exist, is Lost, is
 * being deleted, or is unbound with Immediate binding.
 */
export function volumeBindingPreFilter(pod: KObject, world: VolumeWorld): { volumes: PodVolumes } | { status: FilterStatus } {
  const ns = pod.metadata.namespace ?? 'default';
  const bound: KObject[] = [];
  const toBind: KObject[] = [];
  let unboundImmediate = false;
  const reject = (msg: string) => ({ status: { plugin: 'VolumeBinding', code: 'UnschedulableAndUnresolvable' as const, reasons: [msg] } });
  for (const name of podClaimNames(pod)) {
    const claim = world.claim(ns, name);
    if (!claim) return reject(`persistentvolumeclaim "${name}" not found`);
    const c = claim as any;
    if (c.status?.phase === 'Lost') return reject(`persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${c.spec?.volumeName ?? ''}"`);
    if (claim.metadata.deletionTimestamp) return reject(`persistentvolumeclaim "${name}" is being deleted`);
    if (isFullyBound(claim)) bound.push(claim);
    else if (isDelayBindingMode(claim, world.classes()) && !c.spec?.volumeName) toBind.push(claim);
    else unboundImmediate = true;
  }
  if (unboundImmediate) return reject(errUnboundImmediate);
  return { volumes: { bound, toBind } };
}

/**
 * volumeBindingFilter is binder.go FindPodVolumes for one node: bound
 * claims' volumes must exist and accept the node; unbound (WFFC) claims
 * need a matching Available volume that accepts the node, or a class whose
 * provisioner can provision there (not kubernetes.io/no-provisioner, and the
 * node within allowedTopologies).
 */
export function volumeBindingFilter(pod: KObject, node: KObject, pv: PodVolumes, world: VolumeWorld): { status?: FilterStatus; decisions: VolumeDecisions } {
  const decisions: VolumeDecisions = { staticBindings: [], provisions: [] };
  let nodeConflict = false;
  let bindConflict = false;
  let pvMissing = false;
  for (const claim of pv.bound) {
    const vol = world.volume((claim as any).spec.volumeName);
    if (!vol) {
      pvMissing = true;
      break;
    }
    if (!volumeNodeAffinityMatches(vol, node)) {
      nodeConflict = true;
      break;
    }
  }
  if (!nodeConflict && !pvMissing && pv.toBind.length) {
    const toMatch: KObject[] = [];
    const toProvision: KObject[] = [];
    for (const claim of pv.toBind) {
      const selected = claim.metadata.annotations?.[annSelectedNode];
      if (selected !== undefined) {
        if (selected !== node.metadata.name) bindConflict = true;
        else toProvision.push(claim);
      } else toMatch.push(claim);
    }
    if (!bindConflict) {
      // Smallest requests first, so the smallest claims get the smallest fits (binder.go byPVCSize).
      const chosen = new Set<string>();
      for (const claim of [...toMatch].sort((a, b) => requestedBytes(a) - requestedBytes(b))) {
        const cls = claimClass(claim);
        const candidates = world.volumes().filter((v) => ((v as any).spec?.storageClassName ?? '') === cls);
        const vol = findMatchingVolume(claim, candidates, world.classes(), { node, excludedVolumes: chosen, delayBinding: true });
        if (vol) {
          chosen.add(vol.metadata.name!);
          decisions.staticBindings.push({ claim, volume: vol });
        } else toProvision.push(claim);
      }
      for (const claim of toProvision) {
        const cls = world.classes().find((c) => c.metadata.name === claimClass(claim)) as any;
        const provisioner = cls?.provisioner ?? '';
        if (!cls || provisioner === '' || provisioner === notSupportedProvisioner) {
          bindConflict = true;
          break;
        }
        const topologies: any[] | undefined = cls.allowedTopologies;
        if (topologies?.length && !topologies.some((t) => topologyTermMatches(t, node))) {
          bindConflict = true;
          break;
        }
        decisions.provisions.push(claim);
      }
    }
  }
  const reasons: string[] = [];
  if (nodeConflict) reasons.push(errReasonNodeConflict);
  if (bindConflict) reasons.push(errReasonBindConflict);
  if (pvMissing) reasons.push(errReasonPVNotExist);
  return reasons.length ? { status: { plugin: 'VolumeBinding', code: 'UnschedulableAndUnresolvable', reasons }, decisions } : { decisions };
}

/**
 * volumeRestrictionsFilter is the ReadWriteOncePod part of
 * VolumeRestrictions: a claim with that mode already used by a scheduled
 * pod blocks every node (preemption might help, so Unschedulable).
 */
export function volumeRestrictionsFilter(pod: KObject, world: VolumeWorld): FilterStatus | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  const rwop = podClaimNames(pod).filter((n) => {
    const c = world.claim(ns, n);
    return c && accessModesOf(c).includes('ReadWriteOncePod');
  });
  if (!rwop.length) return undefined;
  for (const other of world.assignedPods()) {
    if (other.metadata.uid === pod.metadata.uid || (other.metadata.namespace ?? '') !== ns || isPodTerminated(other)) continue;
    if (podClaimNames(other).some((n) => rwop.includes(n))) {
      return { plugin: 'VolumeRestrictions', code: 'Unschedulable', reasons: [errReasonReadWriteOncePodConflict] };
    }
  }
  return undefined;
}

/** topologyTermMatches is MatchTopologySelectorTerms for one StorageClass allowedTopologies term. */
function topologyTermMatches(term: any, node: KObject): boolean {
  const labels = node.metadata.labels ?? {};
  const exprs: any[] = term?.matchLabelExpressions ?? [];
  if (!exprs.length) return false;
  return exprs.every((e) => e.key in labels && (e.values ?? []).includes(labels[e.key]));
}
