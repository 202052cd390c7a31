/**
 * matching is how a claim finds its volume: the PV controller's
 * access-mode index search (pkg/controller/volume/persistentvolume/index.go
 * findByClaim / allPossibleMatchingAccessModes) over
 * k8s.io/component-helpers/storage/volume pv_helpers.go FindMatchingVolume,
 * and the checks a pre-bound claim's volume must pass
 * (pv_controller.go checkVolumeSatisfyClaim).
 *
 * Pure functions over plain objects: the PV controller calls them without a
 * node; the scheduler's VolumeBinding plugin calls findMatchingVolume with
 * the node it is filtering (then the PV's node affinity and access modes
 * are checked on every volume and WaitForFirstConsumer volumes are eligible).
 */
import type { KObject } from '../../store/types.ts';
import {
  accessModesOf,
  bindingModeOf,
  capacityBytes,
  checkAccessModes,
  claimClass,
  containsAllAccessModes,
  isVolumeBoundToClaim,
  labelSelectorMatches,
  requestedBytes,
  specOf,
  statusOf,
  volumeClass,
  volumeModeMismatch,
  volumeNodeAffinityMatches,
} from './volume-helpers.ts';

export interface FindMatchingVolumeOptions {
  /**
   * node switches to the scheduler's path (volumebinding binder.go
   * findMatchingVolumes): one pass over all volumes, PV node affinity and
   * access modes checked against this node, delayed binding allowed.
   */
  node?: KObject;
  /** excludedVolumes are volume names already chosen for other claims of the same pod. */
  excludedVolumes?: ReadonlySet<string>;
  /** delayBinding overrides what the claim's class says (WaitForFirstConsumer). */
  delayBinding?: boolean;
}

/**
 * isDelayBindingMode is storagehelpers.IsDelayBindingMode: the claim's class
 * exists and is WaitForFirstConsumer. A claim without a class, or whose
 * class does not exist, binds immediately.
 */
export function isDelayBindingMode(claim: KObject, classes: readonly KObject[]): boolean {
  const name = claimClass(claim);
  if (name === '') return false;
  const sc = classes.find((c) => c.metadata.name === name);
  return !!sc && bindingModeOf(sc) === 'WaitForFirstConsumer';
}

/**
 * findMatchingVolume returns the volume a claim should bind to, or
 * undefined. Without options.node it is the PV controller's search: the
 * access-mode sets that are a superset of the claim's are tried with the
 * fewest modes first, and the first set with any match wins — so a 10Gi RWO
 * volume beats a 2Gi RWO+RWX one for an RWO claim. Within a set:
 * a volume pre-bound to the claim is returned at once; otherwise the
 * smallest Available volume of the same class ("" only matches "") with
 * enough capacity, the same volumeMode and matching labels. Volumes of a
 * WaitForFirstConsumer class are left to the scheduler.
 */
export function findMatchingVolume(
  claim: KObject,
  volumes: readonly KObject[],
  classes: readonly KObject[],
  options: FindMatchingVolumeOptions = {},
): KObject | undefined {
  if (options.node) {
    return matchIn(claim, volumes, options.node, options.excludedVolumes, options.delayBinding ?? true);
  }
  const delayBinding = options.delayBinding ?? isDelayBindingMode(claim, classes);
  for (const modes of possibleAccessModeSets(volumes, accessModesOf(claim))) {
    const key = modes.join(',');
    const inSet = volumes.filter((v) => accessModesOf(v).join(',') === key);
    const best = matchIn(claim, inSet, undefined, options.excludedVolumes, delayBinding);
    if (best) return best;
  }
  return undefined;
}

/**
 * possibleAccessModeSets is allPossibleMatchingAccessModes: the distinct
 * access-mode sets the volumes are indexed under that contain every
 * requested mode, fewest modes first.
 */
export function possibleAccessModeSets(volumes: readonly KObject[], requested: readonly string[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const v of volumes) {
    const modes = accessModesOf(v);
    const key = modes.join(',');
    if (!seen.has(key) && containsAllAccessModes(modes, requested)) seen.set(key, modes);
  }
  // sort.Sort(byAccessModes) is not stable; ties keep index order here, which only matters for equal-length sets.
  return [...seen.values()].sort((a, b) => a.length - b.length);
}

/** matchIn is FindMatchingVolume over one list of candidate volumes. */
function matchIn(
  claim: KObject,
  volumes: readonly KObject[],
  node: KObject | undefined,
  excluded: ReadonlySet<string> | undefined,
  delayBinding: boolean,
): KObject | undefined {
  const requested = requestedBytes(claim);
  const requestedClass = claimClass(claim);
  const selector = specOf(claim).selector;
  let smallest: KObject | undefined;
  let smallestBytes = 0;
  for (const volume of volumes) {
    if (excluded?.has(volume.metadata.name!)) continue;
    if (specOf(volume).claimRef && !isVolumeBoundToClaim(volume, claim)) continue;
    const size = capacityBytes(volume);
    if (size < requested) continue;
    if (volumeModeMismatch(claim, volume)) continue;
    if (volume.metadata.deletionTimestamp) continue;
    const affinityOk = node ? volumeNodeAffinityMatches(volume, node) : true;
    if (isVolumeBoundToClaim(volume, claim)) {
      // A pre-bound (or provisioned-for-this-claim) volume is the answer, unless it cannot reach this node.
      return affinityOk ? volume : undefined;
    }
    if (!node && delayBinding) continue; // the scheduler binds these
    if (statusOf(volume).phase !== 'Available') continue;
    if (selector && !labelSelectorMatches(selector, volume.metadata.labels)) continue;
    if (volumeClass(volume) !== requestedClass) continue;
    if (!affinityOk) continue;
    if (node && !checkAccessModes(claim, volume)) continue;
    if (!smallest || smallestBytes > size) {
      smallest = volume;
      smallestBytes = size;
    }
  }
  return smallest;
}

/**
 * checkVolumeSatisfyClaim is pv_controller.go checkVolumeSatisfyClaim: why
 * the volume a claim names in spec.volumeName cannot serve it (the text
 * goes into the VolumeMismatch event "Cannot bind to requested volume …"),
 * or undefined when it can.
 */
export function checkVolumeSatisfyClaim(volume: KObject, claim: KObject): string | undefined {
  if (volume.metadata.deletionTimestamp) return `the volume is marked for deletion "${volume.metadata.name}"`;
  if (capacityBytes(volume) < requestedBytes(claim)) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, volume)) return 'incompatible volumeMode';
  if (!checkAccessModes(claim, volume)) return 'incompatible accessMode';
  return undefined;
}
