/**
 * defaults dispatches to the per-group SetDefaults by kind. A real server runs
 * these while decoding every request body (create, update and patch alike),
 * before any admission plugin sees the object.
 */
import type { KObject, StoreReader } from '../../store/types.ts';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './apps.ts';
import { defaultCronJob, defaultJob } from './batch.ts';
import { defaultEndpoints, defaultNamespace, defaultNode, defaultPod, defaultPodTemplate, defaultPV, defaultPVC, defaultSecret, defaultService } from './core.ts';
import { defaultBinding } from './rbac.ts';
import { defaultCSIDriver, defaultStorageClass } from './storage.ts';

/** applyDefaults fills in defaults for `obj` (mutating it) according to its group and kind. */
export function applyDefaults(group: string, kind: string, obj: KObject, operation: string, store: StoreReader): void {
  switch (`${group}/${kind}`) {
    case '/Pod':
      return defaultPod(obj, operation);
    case '/PodTemplate':
      return defaultPodTemplate((obj as Record<string, any>).template);
    case '/ReplicationController': {
      const spec = ((obj as Record<string, any>).spec ??= {}) as Record<string, any>;
      spec.replicas ??= 1;
      return defaultPodTemplate(spec.template);
    }
    case '/PersistentVolumeClaim':
      return defaultPVC(obj, operation);
    case '/PersistentVolume':
      return defaultPV(obj, operation);
    case '/Namespace':
      return defaultNamespace(obj, operation);
    case '/Secret':
      return defaultSecret(obj);
    case '/Node':
      return defaultNode(obj);
    case '/Endpoints':
      return defaultEndpoints(obj);
    case '/Service':
      return defaultService(obj, operation, store);
    case 'apps/Deployment':
      return defaultDeployment(obj);
    case 'apps/ReplicaSet':
      return defaultReplicaSet(obj);
    case 'apps/StatefulSet':
      return defaultStatefulSet(obj);
    case 'apps/DaemonSet':
      return defaultDaemonSet(obj);
    case 'batch/Job':
      return defaultJob(obj, operation);
    case 'batch/CronJob':
      return defaultCronJob(obj);
    case 'storage.k8s.io/StorageClass':
      return defaultStorageClass(obj);
    case 'storage.k8s.io/CSIDriver':
      return defaultCSIDriver(obj);
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      return defaultBinding(obj);
  }
}
