/**
 * PersistentVolumeClaimResize, after kubernetes
 * plugin/pkg/admission/storage/persistentvolume/resize/admission.go: a
 * validating plugin (it runs after the strategy's validation) that lets a
 * claim grow only when it is bound and its StorageClass says
 * `allowVolumeExpansion: true`.
 */
import { forbidden } from '../../api/status.ts';
import type { KObject, StoreReader } from '../../store/types.ts';
import { compareQuantity } from '../validation/quantity.ts';

type Obj = Record<string, any>;

/** claimClass is GetPersistentVolumeClaimClass: the beta annotation wins over spec.storageClassName. */
function claimClass(pvc: KObject): string {
  return pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? ((pvc.spec as Obj)?.storageClassName as string | undefined) ?? '';
}

export function pvcResizeAdmission(pvc: KObject, old: KObject, store: StoreReader, name: string): void {
  const newSize = (pvc.spec as Obj)?.resources?.requests?.storage;
  const oldSize = (old.spec as Obj)?.resources?.requests?.storage;
  if (newSize === undefined || oldSize === undefined) return;
  if ((compareQuantity(String(newSize), String(oldSize)) ?? 0) <= 0) return;
  const gr = { group: '', resource: 'persistentvolumeclaims' };
  if ((old.status as Obj | undefined)?.phase !== 'Bound') throw forbidden(gr, name, 'Only bound persistent volume claims can be expanded');
  const cls = claimClass(pvc);
  const oldCls = claimClass(old);
  const sc = cls && cls === oldCls ? store.get({ group: 'storage.k8s.io', resource: 'storageclasses' }, '', cls) : undefined;
  if (!sc || (sc as Obj).allowVolumeExpansion !== true) {
    throw forbidden(gr, name, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
  }
}
