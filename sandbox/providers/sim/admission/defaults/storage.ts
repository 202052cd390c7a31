/**
 * storage defaults: kubernetes pkg/apis/storage/v1/defaults.go
 * (SetDefaults_StorageClass, SetDefaults_CSIDriver).
 */
import type { KObject } from '../../store/types.ts';

type Obj = Record<string, any>;

export function defaultStorageClass(sc: KObject): void {
  const o = sc as Obj;
  o.reclaimPolicy ??= 'Delete';
  o.volumeBindingMode ??= 'Immediate';
}

export function defaultCSIDriver(d: KObject): void {
  const spec = (d.spec ??= {}) as Obj;
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
  spec.requiresRepublish ??= false;
  spec.volumeLifecycleModes ??= ['Persistent'];
  // SELinuxMountReadWriteOncePod is beta and on in 1.33, which defaults seLinuxMount to false.
  spec.seLinuxMount ??= false; // not checked against a 1.33 response: default depends on that feature gate
}
