/**
 * StorageObjectInUseProtection, after kubernetes
 * plugin/pkg/admission/storage/storageobjectinuseprotection/admission.go:
 * every new PVC gets the `kubernetes.io/pvc-protection` finalizer and every
 * new PV `kubernetes.io/pv-protection`, so neither disappears while in use.
 */
import type { KObject } from '../../store/types.ts';

export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

export function addProtectionFinalizer(obj: KObject, finalizer: string): void {
  const f = obj.metadata.finalizers ?? [];
  if (!f.includes(finalizer)) obj.metadata.finalizers = [...f, finalizer];
}
