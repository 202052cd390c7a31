/**
 * apps validation, after kubernetes pkg/apis/apps/validation/validation.go:
 * selectors required, non-empty, matching the template labels and immutable;
 * templates restart Always; StatefulSet specs frozen but for a few fields.
 */
import type { KObject } from '../../store/types.ts';
import { validatePodTemplateSpec, validatePVCSpec, validateNonnegative } from './core.ts';
import { type FieldError, at, fieldImmutable, forbidden, goLabelSelector, goStringMap, idx, invalid, notSupported, required } from './errors.ts';
import { type LabelSelector, selectorIsEmpty, selectorMatches, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

type Obj = Record<string, any>;

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * validateTemplateForController: ValidatePodTemplateSpecForReplicaSet / ForStatefulSet / DaemonSet —
 * labels must match a non-empty selector and restartPolicy must be Always.
 */
function validateTemplateForController(template: Obj | undefined, selector: LabelSelector | undefined, path: string, extraVolumes: string[] = []): FieldError[] {
  if (!template) return [required(path)];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels as Record<string, string> | undefined;
  if (selector && !selectorIsEmpty(selector) && !selectorMatches(selector, labels)) {
    errs.push(invalid(at(path, 'metadata.labels'), labels ?? null, '`selector` does not match template `labels`', goStringMap(labels)));
  }
  errs.push(...validatePodTemplateSpec(template, path, extraVolumes));
  const rp = template.spec?.restartPolicy;
  if (rp !== 'Always') errs.push(notSupported(at(path, 'spec.restartPolicy'), rp ?? '', ['Always']));
  if (template.spec?.activeDeadlineSeconds != null) errs.push(forbidden(at(path, 'spec.activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  return errs;
}

function validateSelector(spec: Obj, kindWord: string): FieldError[] {
  if (!spec.selector) return [required('spec.selector')];
  const errs = validateLabelSelector(spec.selector, 'spec.selector');
  if (selectorIsEmpty(spec.selector)) errs.push(invalid('spec.selector', null, `empty selector is invalid for ${kindWord}`, goLabelSelector(spec.selector)));
  return errs;
}

function selectorImmutable(obj: KObject, old: KObject): FieldError[] {
  const a = (obj.spec as Obj)?.selector;
  const b = (old.spec as Obj)?.selector;
  return deepEqual(a, b) ? [] : [invalid('spec.selector', null, fieldImmutable, goLabelSelector(a))];
}

const deploymentStrategies = ['Recreate', 'RollingUpdate'];

export function validateDeployment(d: KObject): FieldError[] {
  const errs = validateObjectMeta(d.metadata, true);
  const spec = (d.spec ?? {}) as Obj;
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelector(spec, 'deployment'));
  errs.push(...validateTemplateForController(spec.template, spec.selector, 'spec.template'));
  const st = spec.strategy ?? {};
  if (st.type && !deploymentStrategies.includes(st.type)) errs.push(notSupported('spec.strategy.type', st.type, deploymentStrategies));
  if (st.type === 'Recreate' && st.rollingUpdate) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  return errs;
}

export function validateDeploymentUpdate(d: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(d.metadata, old.metadata), ...validateDeployment(d), ...selectorImmutable(d, old)];
}

export function validateReplicaSet(rs: KObject): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, true);
  const spec = (rs.spec ?? {}) as Obj;
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelector(spec, 'deployment'));
  errs.push(...validateTemplateForController(spec.template, spec.selector, 'spec.template'));
  return errs;
}

export function validateReplicaSetUpdate(rs: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...validateReplicaSet(rs), ...selectorImmutable(rs, old)];
}

const podManagementPolicies = ['OrderedReady', 'Parallel'];
const statefulSetUpdateStrategies = ['OnDelete', 'RollingUpdate'];

export function validateStatefulSet(sts: KObject): FieldError[] {
  const errs = validateObjectMeta(sts.metadata, true);
  const spec = (sts.spec ?? {}) as Obj;
  if (spec.podManagementPolicy && !podManagementPolicies.includes(spec.podManagementPolicy))
    errs.push(invalid('spec.podManagementPolicy', spec.podManagementPolicy, `must be 'OrderedReady' or 'Parallel'`)); // wording not verified
  const us = spec.updateStrategy ?? {};
  if (us.type && !statefulSetUpdateStrategies.includes(us.type)) errs.push(notSupported('spec.updateStrategy.type', us.type, statefulSetUpdateStrategies));
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateSelector(spec, 'statefulset'));
  const claimNames: string[] = [];
  ((spec.volumeClaimTemplates ?? []) as Obj[]).forEach((t, i) => {
    const p = idx('spec.volumeClaimTemplates', i);
    if (t.metadata?.name) claimNames.push(t.metadata.name);
    errs.push(...validatePVCSpec(t.spec, at(p, 'spec')));
  });
  // Mounts may name a claim template: the controller turns each into a volume of the pod.
  errs.push(...validateTemplateForController(spec.template, spec.selector, 'spec.template', claimNames));
  return errs;
}

/** statefulSetUpdatableFields: the 1.33 list quoted in the "updates to statefulset spec" error. */
const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(sts: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sts.metadata, old.metadata), ...validateStatefulSet(sts)];
  const a = { ...((sts.spec ?? {}) as Obj) };
  const b = { ...((old.spec ?? {}) as Obj) };
  for (const f of statefulSetMutable) {
    delete a[f];
    delete b[f];
  }
  if (JSON.stringify(sortKeys(a)) !== JSON.stringify(sortKeys(b))) {
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortKeys((v as Obj)[k])]));
  return v;
}

const daemonSetUpdateStrategies = ['OnDelete', 'RollingUpdate'];

export function validateDaemonSet(ds: KObject): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, true);
  const spec = (ds.spec ?? {}) as Obj;
  errs.push(...validateSelector(spec, 'daemonset'));
  errs.push(...validateTemplateForController(spec.template, spec.selector, 'spec.template'));
  const us = spec.updateStrategy ?? {};
  if (us.type && !daemonSetUpdateStrategies.includes(us.type)) errs.push(notSupported('spec.updateStrategy.type', us.type, daemonSetUpdateStrategies));
  return errs;
}

export function validateDaemonSetUpdate(ds: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(ds.metadata, old.metadata), ...validateDaemonSet(ds), ...selectorImmutable(ds, old)];
}
