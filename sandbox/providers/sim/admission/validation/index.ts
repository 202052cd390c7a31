/**
 * validation dispatches to the per-kind Validate / ValidateUpdate of the
 * registry strategies and returns the field errors (empty when valid) and
 * the warnings the strategies' WarningsOnCreate/Update would add.
 */
import type { KObject } from '../../store/types.ts';
import { validateDaemonSet, validateDaemonSetUpdate, validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate, validateStatefulSet, validateStatefulSetUpdate } from './apps.ts';
import { validateCronJob, validateCronJobUpdate, validateJob, validateJobUpdate } from './batch.ts';
import {
  validateConfigMap,
  validateConfigMapUpdate,
  validateNamespace,
  validateNode,
  validatePod,
  validatePodUpdate,
  validatePV,
  validatePVC,
  validatePVCUpdate,
  validatePVUpdate,
  validateSecret,
  validateSecretUpdate,
  validateService,
  validateServiceAccount,
  validateServiceUpdate,
  warningsForPV,
  warningsForPVC,
} from './core.ts';
import type { FieldError } from './errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { warningsForWorkload } from './pod-warnings.ts';
import { validateBinding, validateBindingUpdate, validateRole } from './rbac.ts';
import { validateCSIDriver, validateCSIDriverUpdate, validateStorageClass, validateStorageClassUpdate, validateVolumeAttachment, validateVolumeAttachmentUpdate } from './storage.ts';

export interface ValidationTarget {
  group: string;
  kind: string;
  namespaced: boolean;
}

/** validateCreate: the kind's Validate on create. */
export function validateCreate(t: ValidationTarget, obj: KObject): FieldError[] {
  switch (`${t.group}/${t.kind}`) {
    case '/Pod':
      return validatePod(obj);
    case '/PersistentVolumeClaim':
      return validatePVC(obj);
    case '/PersistentVolume':
      return validatePV(obj);
    case '/Namespace':
      return validateNamespace(obj);
    case '/Service':
      return validateService(obj);
    case '/ConfigMap':
      return validateConfigMap(obj);
    case '/Secret':
      return validateSecret(obj);
    case '/Node':
      return validateNode(obj);
    case '/ServiceAccount':
      return validateServiceAccount(obj);
    case 'apps/Deployment':
      return validateDeployment(obj);
    case 'apps/ReplicaSet':
      return validateReplicaSet(obj);
    case 'apps/StatefulSet':
      return validateStatefulSet(obj);
    case 'apps/DaemonSet':
      return validateDaemonSet(obj);
    case 'batch/Job':
      return validateJob(obj);
    case 'batch/CronJob':
      return validateCronJob(obj);
    case 'storage.k8s.io/StorageClass':
      return validateStorageClass(obj);
    case 'storage.k8s.io/CSIDriver':
      return validateCSIDriver(obj);
    case 'storage.k8s.io/VolumeAttachment':
      return validateVolumeAttachment(obj);
    case 'rbac.authorization.k8s.io/Role':
    case 'rbac.authorization.k8s.io/ClusterRole':
      return validateRole(obj, t.namespaced);
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      return validateBinding(obj, t.namespaced);
    default:
      return validateObjectMeta(obj.metadata, t.namespaced);
  }
}

/** validateUpdate: the kind's ValidateUpdate (status writes only check metadata and the kind's status-safe rules). */
export function validateUpdate(t: ValidationTarget, obj: KObject, old: KObject, subresource?: string): FieldError[] {
  if (subresource && subresource !== 'scale') return validateObjectMetaUpdate(obj.metadata, old.metadata);
  switch (`${t.group}/${t.kind}`) {
    case '/Pod':
      return validatePodUpdate(obj, old);
    case '/PersistentVolumeClaim':
      return validatePVCUpdate(obj, old);
    case '/PersistentVolume':
      return validatePVUpdate(obj, old);
    case '/Service':
      return validateServiceUpdate(obj, old);
    case '/ConfigMap':
      return validateConfigMapUpdate(obj, old);
    case '/Secret':
      return validateSecretUpdate(obj, old);
    case 'apps/Deployment':
      return validateDeploymentUpdate(obj, old);
    case 'apps/ReplicaSet':
      return validateReplicaSetUpdate(obj, old);
    case 'apps/StatefulSet':
      return validateStatefulSetUpdate(obj, old);
    case 'apps/DaemonSet':
      return validateDaemonSetUpdate(obj, old);
    case 'batch/Job':
      return validateJobUpdate(obj, old);
    case 'batch/CronJob':
      return validateCronJobUpdate(obj, old);
    case 'storage.k8s.io/StorageClass':
      return validateStorageClassUpdate(obj, old);
    case 'storage.k8s.io/CSIDriver':
      return validateCSIDriverUpdate(obj, old);
    case 'storage.k8s.io/VolumeAttachment':
      return validateVolumeAttachmentUpdate(obj, old, subresource);
    case 'rbac.authorization.k8s.io/RoleBinding':
    case 'rbac.authorization.k8s.io/ClusterRoleBinding':
      return validateBindingUpdate(obj, old, t.namespaced);
    default:
      // ValidateXUpdate = ValidateObjectMetaUpdate + the kind's spec rules (the name is not re-validated).
      return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateCreate(t, obj).filter((e) => !e.field.startsWith('metadata.'))];
  }
}

/** warningsFor: WarningsOnCreate / WarningsOnUpdate of the kinds that have them. */
export function warningsFor(t: ValidationTarget, obj: KObject): string[] {
  switch (`${t.group}/${t.kind}`) {
    case '/PersistentVolume':
      return warningsForPV(obj);
    case '/PersistentVolumeClaim':
      return warningsForPVC(obj);
    default:
      return warningsForWorkload(t.group, t.kind, obj);
  }
}
