/**
 * pv-binder: the PersistentVolume controller and the claim/volume
 * protection controllers, plus the pure matching rules the scheduler's
 * VolumeBinding plugin shares with them.
 */
export { findMatchingVolume, checkVolumeSatisfyClaim, isDelayBindingMode, possibleAccessModeSets, type FindMatchingVolumeOptions } from './matching.ts';
export {
  decideClaim,
  decideVolume,
  bindVolumeToClaim,
  bindClaimToVolume,
  claimStatusFor,
  claimRefTo,
  waitingForFirstConsumer,
  type BinderWorld,
  type ClaimStep,
  type VolumeStep,
  type PlannedEvent,
} from './decisions.ts';
export * from './volume-helpers.ts';
export { PersistentVolumeController, pvControllerName, resyncPeriodMs } from './controller.ts';
export { PvcProtectionController, PvProtectionController, claimInUse, volumeInUse, pvcProtectionFinalizer, pvProtectionFinalizer } from './protection.ts';
export { VolumeExpandController, pvcNeedsResize, annStorageResizer } from './expander.ts';
