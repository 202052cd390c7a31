/**
 * admission is the write path of the simulated kube-apiserver between
 * decoding and storage, in the order a real server runs it
 * (k8s.io/apiserver pkg/endpoints/handlers/create.go and update.go):
 *
 *   1. defaulting — the API types' SetDefaults, applied while decoding;
 *   2. mutating admission — NamespaceLifecycle, ServiceAccount, Priority,
 *      DefaultTolerationSeconds, DefaultStorageClass,
 *      StorageObjectInUseProtection (kube-apiserver's plugin order);
 *   3. the registry strategy's validation, failing with a 422 Invalid whose
 *      causes and message read like the real ones, plus its warnings;
 *   4. validating admission — PersistentVolumeClaimResize, PodSecurity
 *      (plugins/pod-security.ts; only namespaces labelled
 *      pod-security.kubernetes.io/* are affected).
 *
 * admit() never mutates its input; it returns a new object.
 */
import { invalid as invalidStatus } from '../api/status.ts';
import type { KObject } from '../store/types.ts';
import { patchAllocatedServiceValues, stampPVPhaseTransition } from './defaults/core.ts';
import { applyDefaults } from './defaults/index.ts';
import { defaultStorageClassAdmission } from './plugins/default-storage-class.ts';
import { defaultTolerationSeconds } from './plugins/default-toleration-seconds.ts';
import { namespaceLifecycle } from './plugins/namespace-lifecycle.ts';
import { keepPriorityOnUpdate, priorityAdmission } from './plugins/priority.ts';
import { podSecurityAdmission } from './plugins/pod-security.ts';
import { pvcResizeAdmission } from './plugins/pvc-resize.ts';
import { serviceAccountAdmission } from './plugins/service-account.ts';
import { addProtectionFinalizer, pvcProtectionFinalizer, pvProtectionFinalizer } from './plugins/storage-object-in-use-protection.ts';
import type { AdmissionRequest, AdmissionResult } from './types.ts';
import { validateCreate, validateUpdate, warningsFor } from './validation/index.ts';

export type { AdmissionRequest, AdmissionResult } from './types.ts';

type Obj = Record<string, any>;

/** podSpecsOf finds the pod spec(s) inside an object: a Pod's own, a workload's template, a CronJob's job template. */
function podSpecsOf(group: string, kind: string, obj: KObject): Obj[] {
  const spec = obj.spec as Obj | undefined;
  if (group === '' && kind === 'Pod') return spec ? [spec] : [];
  if (group === 'batch' && kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec ? [spec.jobTemplate.spec.template.spec] : [];
  if (spec?.template?.spec) return [spec.template.spec];
  if (kind === 'PodTemplate' && (obj as Obj).template?.spec) return [(obj as Obj).template.spec];
  return [];
}

/**
 * serviceAccount is the deprecated twin of serviceAccountName: v1 → internal conversion reads it when
 * serviceAccountName is empty, internal → v1 writes it back, so responses carry both.
 */
function readDeprecatedServiceAccount(specs: Obj[]): void {
  for (const s of specs) if (!s.serviceAccountName && s.serviceAccount) s.serviceAccountName = s.serviceAccount;
}
function writeDeprecatedServiceAccount(specs: Obj[]): void {
  for (const s of specs) {
    if (s.serviceAccountName) s.serviceAccount = s.serviceAccountName;
    else delete s.serviceAccount;
  }
}

/** admit runs defaulting, mutating admission and validation for one write; throws a StatusError when refused. */
export function admit(req: AdmissionRequest): AdmissionResult {
  const warnings: string[] = [];
  const { group, kind, namespaced } = req.resource;

  // NamespaceLifecycle is the first plugin for every operation (deletes of immortal namespaces, creates in
  // missing or terminating ones); deletes carry no object and stop here.
  namespaceLifecycle(req);
  if (req.operation === 'DELETE' || !req.object) return { warnings };

  // Subresources with their own body kinds (scale, binding, eviction, token, …) are not this kind's object.
  const ownBody = !req.subresource || req.subresource === 'status';
  const obj = structuredClone(req.object);
  if (req.subresource === 'scale' && obj.kind === 'Scale') {
    // ValidateScale (pkg/apis/autoscaling/validation): the only rule a Scale body has.
    const replicas = (obj.spec as Obj | undefined)?.replicas;
    if (typeof replicas === 'number' && replicas < 0)
      throw invalidStatus('Scale', req.name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }], 'autoscaling');
  }
  if (!ownBody) return { object: obj, warnings };

  const specs = podSpecsOf(group, kind, obj);
  readDeprecatedServiceAccount(specs);
  applyDefaults(group, kind, obj, req.operation, req.store);
  if (req.operation === 'UPDATE' && req.oldObject && group === '' && kind === 'Service' && !req.subresource) patchAllocatedServiceValues(obj, req.oldObject);
  if (req.operation === 'UPDATE' && req.oldObject && group === '' && kind === 'PersistentVolume') stampPVPhaseTransition(obj, req.oldObject);

  if (req.operation === 'CREATE' && !req.subresource) {
    if (group === '' && kind === 'Pod') {
      serviceAccountAdmission(req, obj);
      priorityAdmission(obj, req.name);
      defaultTolerationSeconds(obj);
    }
    if (group === '' && kind === 'PersistentVolumeClaim') {
      defaultStorageClassAdmission(obj, req.store);
      addProtectionFinalizer(obj, pvcProtectionFinalizer);
    }
    if (group === '' && kind === 'PersistentVolume') addProtectionFinalizer(obj, pvProtectionFinalizer);
  }
  if (req.operation === 'UPDATE' && !req.subresource && group === '' && kind === 'Pod' && req.oldObject) {
    keepPriorityOnUpdate(obj, req.oldObject);
    defaultTolerationSeconds(obj);
  }

  const target = { group, kind, namespaced };
  const errs =
    req.operation === 'UPDATE' && req.oldObject ? validateUpdate(target, obj, req.oldObject, req.subresource) : validateCreate(target, obj);
  if (errs.length > 0) throw invalidStatus(kind, req.name || obj.metadata.name || '', errs, group);

  // Validating admission plugins run after the strategy's validation.
  if (req.operation === 'UPDATE' && !req.subresource && group === '' && kind === 'PersistentVolumeClaim' && req.oldObject) {
    pvcResizeAdmission(obj, req.oldObject, req.store, req.name);
  }
  if (!req.subresource) warnings.push(...warningsFor(target, obj));
  warnings.push(...podSecurityAdmission(req, obj));

  writeDeprecatedServiceAccount(podSpecsOf(group, kind, obj));
  return { object: obj, warnings };
}
