/**
 * volume-helpers are the small PV/PVC predicates the PV controller, the
 * provisioners and the scheduler's VolumeBinding plugin share, modelled on
 * k8s.io/component-helpers/storage/volume (pv_helpers.go, helpers.go) and
 * pkg/apis/core/v1/helper (access modes).
 */
import type { KObject } from '../../store/types.ts';
import { parseQuantity } from '../../admission/validation/quantity.ts';

/* The annotations of pkg/controller/volume/persistentvolume (pv_controller.go) and storage helpers. */
export const annBindCompleted = 'pv.kubernetes.io/bind-completed';
export const annBoundByController = 'pv.kubernetes.io/bound-by-controller';
export const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
export const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';
export const annSelectedNode = 'volume.kubernetes.io/selected-node';
export const annDynamicallyProvisioned = 'pv.kubernetes.io/provisioned-by';
export const annBetaStorageClass = 'volume.beta.kubernetes.io/storage-class';
export const annDefaultStorageClass = 'storageclass.kubernetes.io/is-default-class';
export const annBetaDefaultStorageClass = 'storageclass.beta.kubernetes.io/is-default-class';
/** notSupportedProvisioner is the provisioner name of local volumes that are never provisioned (volume/util.NotSupportedProvisioner). */
export const notSupportedProvisioner = 'kubernetes.io/no-provisioner';

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

/** accessModeOrder is the fixed order GetAccessModesAsString prints (RWO,ROX,RWX,RWOP). */
export const accessModeOrder: AccessMode[] = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];

const shortMode: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

// Field accessors over plain JSON (objects come from the store untyped).
/* eslint-disable @typescript-eslint/no-explicit-any */
export const specOf = (o: KObject): any => (o as any).spec ?? {};
export const statusOf = (o: KObject): any => (o as any).status ?? {};
export const annotationsOf = (o: KObject): Record<string, string> => o.metadata.annotations ?? {};
export const hasAnnotation = (o: KObject, key: string): boolean => Object.prototype.hasOwnProperty.call(annotationsOf(o), key);

/** accessModesOf returns the deduplicated access modes of a claim or volume, in the canonical order. */
export function accessModesOf(o: KObject): AccessMode[] {
  const modes = new Set<string>(specOf(o).accessModes ?? []);
  return accessModeOrder.filter((m) => modes.has(m));
}

/** accessModesString is helper.GetAccessModesAsString: `RWO,RWX`. */
export function accessModesString(modes: readonly string[]): string {
  return accessModeOrder.filter((m) => modes.includes(m)).map((m) => shortMode[m]).join(',');
}

/** containsAllAccessModes: every requested mode is in indexed (pkg/controller/volume/persistentvolume/util ContainsAllAccessModes). */
export function containsAllAccessModes(indexed: readonly string[], requested: readonly string[]): boolean {
  return requested.every((m) => indexed.includes(m));
}

/** checkAccessModes is storagehelpers.CheckAccessModes: the volume offers every mode the claim asks for. */
export function checkAccessModes(claim: KObject, volume: KObject): boolean {
  return containsAllAccessModes(accessModesOf(volume), accessModesOf(claim));
}

/** claimClass is GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName; unset is "". */
export function claimClass(claim: KObject): string {
  const a = annotationsOf(claim)[annBetaStorageClass];
  if (a !== undefined) return a;
  return specOf(claim).storageClassName ?? '';
}

/** volumeClass is GetPersistentVolumeClass. */
export function volumeClass(volume: KObject): string {
  const a = annotationsOf(volume)[annBetaStorageClass];
  if (a !== undefined) return a;
  return specOf(volume).storageClassName ?? '';
}

/** requestedBytes is the claim's spec.resources.requests.storage in bytes (0 when missing). */
export function requestedBytes(claim: KObject): number {
  return parseQuantity(specOf(claim).resources?.requests?.storage ?? '0') ?? 0;
}

/** capacityBytes is the volume's spec.capacity.storage in bytes (0 when missing). */
export function capacityBytes(volume: KObject): number {
  return parseQuantity(specOf(volume).capacity?.storage ?? '0') ?? 0;
}

/** checkVolumeModeMismatches: nil volumeMode means Filesystem on both sides (storagehelpers.CheckVolumeModeMismatches). */
export function volumeModeMismatch(claim: KObject, volume: KObject): boolean {
  return (specOf(claim).volumeMode ?? 'Filesystem') !== (specOf(volume).volumeMode ?? 'Filesystem');
}

/**
 * isVolumeBoundToClaim: the volume's claimRef names this claim, and, when
 * the claimRef carries a UID, the same UID (storagehelpers.IsVolumeBoundToClaim).
 */
export function isVolumeBoundToClaim(volume: KObject, claim: KObject): boolean {
  const ref = specOf(volume).claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || (ref.namespace ?? '') !== (claim.metadata.namespace ?? '')) return false;
  if (ref.uid && ref.uid !== claim.metadata.uid) return false;
  return true;
}

/** claimKey is `namespace/name`, the key the controller logs and queues claims under. */
export function claimKey(claim: { metadata: { namespace?: string; name?: string } }): string {
  return `${claim.metadata.namespace ?? ''}/${claim.metadata.name}`;
}

/** isDefaultClass: the (beta) is-default-class annotation is "true". */
export function isDefaultClass(sc: KObject): boolean {
  const a = annotationsOf(sc);
  return a[annDefaultStorageClass] === 'true' || a[annBetaDefaultStorageClass] === 'true';
}

/**
 * defaultClassName picks the default StorageClass as the DefaultStorageClass
 * admission plugin and the PV controller do since 1.26: among several
 * defaults the newest wins (then the name, for a stable order).
 */
export function defaultClassName(classes: readonly KObject[]): string | undefined {
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => {
    const ta = a.metadata.creationTimestamp ?? '';
    const tb = b.metadata.creationTimestamp ?? '';
    if (ta !== tb) return ta > tb ? -1 : 1;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0]?.metadata.name;
}

/** bindingModeOf is a class's volumeBindingMode (nil = Immediate). */
export function bindingModeOf(sc: KObject | undefined): 'Immediate' | 'WaitForFirstConsumer' {
  return (sc as any)?.volumeBindingMode === 'WaitForFirstConsumer' ? 'WaitForFirstConsumer' : 'Immediate';
}

/** labelSelectorMatches is metav1.LabelSelectorAsSelector(...).Matches over a label set. */
export function labelSelectorMatches(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values: string[] = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(l[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * nodeSelectorTermMatches evaluates one NodeSelectorTerm against a node's
 * labels and name (matchFields supports only metadata.name), as
 * k8s.io/component-helpers/scheduling/corev1/nodeaffinity does. An empty
 * term matches nothing.
 */
export function nodeSelectorTermMatches(term: any, node: KObject): boolean {
  const exprs: any[] = term?.matchExpressions ?? [];
  const fields: any[] = term?.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, labels)) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!requirementMatches(f, { 'metadata.name': node.metadata.name ?? '' })) return false;
  }
  return true;
}

function requirementMatches(e: any, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  const v = labels[e.key];
  const values: string[] = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return has && values.includes(v!);
    case 'NotIn':
      return !has || !values.includes(v!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = Number.parseInt(v!, 10);
      const b = Number.parseInt(values[0]!, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return e.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/**
 * volumeNodeAffinityMatches is storagehelpers.CheckNodeAffinity: a PV without
 * spec.nodeAffinity.required fits every node; otherwise one of its terms
 * must match the node.
 */
export function volumeNodeAffinityMatches(volume: KObject, node: KObject): boolean {
  const terms: any[] | undefined = specOf(volume).nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}

/** podClaimNames lists the PVC names a pod's volumes reference (ephemeral volumes name `<pod>-<volume>`). */
export function podClaimNames(pod: KObject): string[] {
  const out: string[] = [];
  for (const v of specOf(pod).volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata.name}-${v.name}`);
  }
  return out;
}

/** isPodTerminated: Succeeded or Failed pods no longer use their volumes. */
export function isPodTerminated(pod: KObject): boolean {
  const phase = statusOf(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
