/**
 * DefaultStorageClass, after kubernetes
 * plugin/pkg/admission/storage/storageclass/setdefault/admission.go and
 * pkg/volume/util/storageclass.go GetDefaultClass: a new claim that names no
 * class (neither `spec.storageClassName` nor the beta annotation; an explicit
 * "" counts as naming one) gets the default class. With several defaults the
 * newest wins (ties broken by name).
 */
import type { KObject, StoreReader } from '../../store/types.ts';

export const isDefaultClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
export const betaIsDefaultClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';
const betaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** defaultClass returns the StorageClass a claim without a class gets, or undefined. */
export function defaultClass(store: StoreReader): KObject | undefined {
  const defaults = store
    .list({ group: 'storage.k8s.io', resource: 'storageclasses' })
    .filter((sc) => sc.metadata.annotations?.[isDefaultClassAnnotation] === 'true' || sc.metadata.annotations?.[betaIsDefaultClassAnnotation] === 'true');
  if (defaults.length === 0) return undefined;
  defaults.sort((a, b) => {
    const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
    const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
    if (ta !== tb) return tb - ta;
    return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1;
  });
  return defaults[0];
}

export function defaultStorageClassAdmission(pvc: KObject, store: StoreReader): void {
  const spec = (pvc.spec ??= {}) as Record<string, unknown>;
  if (spec.storageClassName != null) return;
  if (pvc.metadata.annotations?.[betaStorageClassAnnotation] !== undefined) return;
  const sc = defaultClass(store);
  if (sc) spec.storageClassName = sc.metadata.name;
}
