/**
 * apps validation, after kubernetes pkg/apis/apps/validation/validation.go
 * (ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec,
 * ValidateDaemonSetSpec and their Update variants) and the apps registry
 * strategies, which add the apps/v1 selector immutability after the spec checks.
 * Error order follows the Go code so multi-error messages read the same.
 */
import type { KObject } from '../../store/types.ts';
import { isDNS1123Label, isValidPercent } from '../names.ts';
import { validateNonnegative, validatePodTemplateSpec } from './core.ts';
import { type FieldError, fieldImmutable, forbidden, goLabelSelector, goString, goStringMap, invalid, notSupported, required } from './errors.ts';
import { type LabelSelector, selectorIsEmpty, selectorMatches, validateAnnotations, validateLabels, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

type Obj = Record<string, any>;

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortKeys((v as Obj)[k])]));
  return v;
}
const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null));

/** goIntOrString renders an intstr.IntOrString like %#v (its String method has a pointer receiver). */
function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goString(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${Number(v ?? 0)}, StrVal:""}`;
}

/** intOrPercent is getIntOrPercentValue. */
function intOrPercent(v: unknown): number {
  if (typeof v === 'string') return /^[0-9]+%$/.test(v) ? Number(v.slice(0, -1)) : 0;
  return Number(v ?? 0);
}

/** validatePositiveIntOrPercent + IsNotMoreThan100Percent. */
function validateIntOrPercent(v: unknown, path: string, checkMax100: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (v === undefined) return errs;
  if (typeof v === 'string') for (const m of isValidPercent(v)) errs.push(invalid(path, null, m, goIntOrString(v)));
  else errs.push(...validateNonnegative(v, path));
  if (checkMax100 && typeof v === 'string' && /^[0-9]+%$/.test(v) && Number(v.slice(0, -1)) > 100)
    errs.push(invalid(path, null, 'must not be greater than 100%', goIntOrString(v)));
  return errs;
}

/** selectorErrs: required / strict label-selector checks / non-empty, as Deployment, ReplicaSet and StatefulSet do. */
function selectorErrs(spec: Obj, kindWord: string): FieldError[] {
  if (!spec.selector) return [required('spec.selector')];
  const errs = validateLabelSelector(spec.selector, 'spec.selector');
  if (selectorIsEmpty(spec.selector)) errs.push(invalid('spec.selector', null, `empty selector is invalid for ${kindWord}`, goLabelSelector(spec.selector)));
  return errs;
}

/**
 * labelsMismatch: a nil selector becomes labels.Nothing(), which is not Empty() and matches nothing, so a missing
 * selector reports both `spec.selector: Required value` and this; an empty `{}` selector matches everything.
 */
function labelsMismatch(selector: LabelSelector | undefined, template: Obj | undefined): FieldError[] {
  if (selector && selectorIsEmpty(selector)) return [];
  const labels = template?.metadata?.labels as Record<string, string> | undefined;
  if (selector && selectorMatches(selector, labels)) return [];
  return [invalid('spec.template.metadata.labels', null, '`selector` does not match template `labels`', goStringMap(labels))];
}

/** restartAndDeadline: templates of long-running controllers must restart Always and carry no activeDeadlineSeconds. */
function restartAndDeadline(template: Obj | undefined, kindWord: string): FieldError[] {
  const errs: FieldError[] = [];
  const rp = template?.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (template?.spec?.activeDeadlineSeconds != null)
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kindWord} is not Supported`));
  return errs;
}

/** validatePodTemplateForReplicaSet is ValidatePodTemplateSpecForReplicaSet (also used by Deployments). */
function validatePodTemplateForReplicaSet(spec: Obj): FieldError[] {
  if (!spec.template) return [required('spec.template')];
  return [...labelsMismatch(spec.selector, spec.template), ...validatePodTemplateSpec(spec.template, 'spec.template'), ...restartAndDeadline(spec.template, 'ReplicaSet')];
}

function selectorImmutable(obj: KObject, old: KObject): FieldError[] {
  const a = (obj.spec as Obj)?.selector;
  const b = (old.spec as Obj)?.selector;
  return deepEqual(a, b) ? [] : [invalid('spec.selector', null, fieldImmutable, goLabelSelector(a))];
}

function validateDeploymentStrategy(st: Obj | undefined): FieldError[] {
  const s = st ?? {};
  const errs: FieldError[] = [];
  switch (s.type) {
    case 'Recreate':
      if (s.rollingUpdate) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate': {
      const ru = s.rollingUpdate;
      if (!ru) {
        errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
        break;
      }
      errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', false));
      errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', false));
      if (intOrPercent(ru.maxUnavailable) === 0 && intOrPercent(ru.maxSurge) === 0)
        errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', null, 'may not be 0 when `maxSurge` is 0', goIntOrString(ru.maxUnavailable)));
      if (typeof ru.maxUnavailable === 'string' && intOrPercent(ru.maxUnavailable) > 100)
        errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', null, 'must not be greater than 100%', goIntOrString(ru.maxUnavailable)));
      break;
    }
    default: {
      // The value is the whole internal DeploymentStrategy; a set rollingUpdate pointer would print as an address.
      const ru = s.rollingUpdate ? '(*apps.RollingUpdateDeployment)(0xc000a1e2d0)' : '(*apps.RollingUpdateDeployment)(nil)';
      errs.push(notSupported('spec.strategy', null, ['Recreate', 'RollingUpdate'], `apps.DeploymentStrategy{Type:${goString(s.type ?? '')}, RollingUpdate:${ru}}`));
    }
  }
  return errs;
}

export function validateDeployment(d: KObject): FieldError[] {
  const errs = validateObjectMeta(d.metadata, true);
  const spec = (d.spec ?? {}) as Obj;
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...selectorErrs(spec, 'deployment'));
  errs.push(...validatePodTemplateForReplicaSet(spec));
  errs.push(...validateDeploymentStrategy(spec.strategy));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  if (spec.progressDeadlineSeconds != null) {
    errs.push(...validateNonnegative(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds'));
    if (spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0))
      errs.push(invalid('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** validateDeploymentUpdate: ValidateObjectMetaUpdate, the spec again (not the name), then the selector freeze. */
export function validateDeploymentUpdate(d: KObject, old: KObject): FieldError[] {
  const spec = validateDeployment(d).filter((e) => !e.field.startsWith('metadata.'));
  return [...validateObjectMetaUpdate(d.metadata, old.metadata), ...spec, ...selectorImmutable(d, old)];
}

export function validateReplicaSet(rs: KObject): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, true);
  const spec = (rs.spec ?? {}) as Obj;
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...selectorErrs(spec, 'deployment')); // sic: ReplicaSet reuses the Deployment wording
  errs.push(...validatePodTemplateForReplicaSet(spec));
  return errs;
}

export function validateReplicaSetUpdate(rs: KObject, old: KObject): FieldError[] {
  const spec = validateReplicaSet(rs).filter((e) => !e.field.startsWith('metadata.'));
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...spec, ...selectorImmutable(rs, old)];
}

const retentionPolicies = ['Retain', 'Delete'];

function validateStatefulSetSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy ?? '';
  if (pmp === '') errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = (spec.updateStrategy ?? {}) as Obj;
  switch (us.type ?? '') {
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (us.rollingUpdate)
        errs.push(
          invalid(
            'spec.updateStrategy.rollingUpdate',
            null,
            "only allowed for updateStrategy 'RollingUpdate'",
            `apps.RollingUpdateStatefulSetStrategy{Partition:${us.rollingUpdate.partition ?? 0}, MaxUnavailable:(*intstr.IntOrString)(nil)}`,
          ),
        );
      break;
    case 'RollingUpdate':
      if (us.rollingUpdate) {
        errs.push(...validateNonnegative(us.rollingUpdate.partition, 'spec.updateStrategy.rollingUpdate.partition'));
        if (us.rollingUpdate.maxUnavailable !== undefined) {
          const p = 'spec.updateStrategy.rollingUpdate.maxUnavailable';
          errs.push(...validateIntOrPercent(us.rollingUpdate.maxUnavailable, p, true));
          if (intOrPercent(us.rollingUpdate.maxUnavailable) === 0) errs.push(invalid(p, null, 'cannot be 0', goIntOrString(us.rollingUpdate.maxUnavailable)));
        }
      }
      break;
    default:
      errs.push(
        invalid(
          'spec.updateStrategy',
          null,
          "must be 'RollingUpdate' or 'OnDelete'",
          `apps.StatefulSetUpdateStrategy{Type:${goString(us.type)}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}`,
        ),
      );
  }
  const rp = spec.persistentVolumeClaimRetentionPolicy;
  if (rp) {
    for (const f of ['whenDeleted', 'whenScaled']) {
      if (!retentionPolicies.includes(rp[f])) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${f}`, rp[f] ?? '', retentionPolicies));
    }
  }
  errs.push(...validateNonnegative(spec.replicas, 'spec.replicas'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  if (spec.ordinals) errs.push(...validateNonnegative(spec.ordinals.start, 'spec.ordinals.start'));
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  errs.push(...selectorErrs(spec, 'statefulset'));
  // ValidatePodTemplateSpecForStatefulSet checks the selector match, labels and annotations only: the pod spec
  // itself is left to pod creation (a bad mount surfaces later as a FailedCreate event), volumeClaimTemplates too.
  const t = spec.template as Obj | undefined;
  if (t) {
    errs.push(...labelsMismatch(spec.selector, t));
    errs.push(...validateLabels(t.metadata?.labels, 'spec.template.labels'));
    errs.push(...validateAnnotations(t.metadata?.annotations, 'spec.template.annotations'));
  }
  errs.push(...restartAndDeadline(t, 'StatefulSet'));
  return errs;
}

export function validateStatefulSet(sts: KObject): FieldError[] {
  // ValidateStatefulSetName: StatefulSet names are DNS labels (pods are named <sts>-<ordinal>).
  return [...validateObjectMeta(sts.metadata, true, isDNS1123Label), ...validateStatefulSetSpec((sts.spec ?? {}) as Obj)];
}

/**
 * statefulSetMutable: the fields ValidateStatefulSetUpdate lets change. 1.31/1.32 servers omit
 * revisionHistoryLimit from the list (kubernetes#130263); later servers print the list used here.
 */
const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(sts: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(sts.metadata, old.metadata), ...validateStatefulSetSpec((sts.spec ?? {}) as Obj)];
  const a = { ...((sts.spec ?? {}) as Obj) };
  const b = { ...((old.spec ?? {}) as Obj) };
  for (const f of statefulSetMutable) {
    delete a[f];
    delete b[f];
  }
  if (!deepEqual(a, b)) {
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

function validateDaemonSetSpec(spec: Obj): FieldError[] {
  const errs = validateLabelSelector(spec.selector, 'spec.selector');
  const labels = spec.template?.metadata?.labels as Record<string, string> | undefined;
  // A missing selector selects nothing, so it "does not match" any template.
  if (!spec.selector || !selectorMatches(spec.selector, labels))
    errs.push(invalid('spec.template.metadata.labels', null, '`selector` does not match template `labels`', goStringMap(labels)));
  if (spec.selector && selectorIsEmpty(spec.selector)) errs.push(invalid('spec.selector', null, 'empty selector is invalid for daemonset', goLabelSelector(spec.selector)));
  errs.push(...validatePodTemplateSpec(spec.template ?? {}, 'spec.template'));
  errs.push(...restartAndDeadline(spec.template, 'DaemonSet'));
  errs.push(...validateNonnegative(spec.minReadySeconds, 'spec.minReadySeconds'));
  const us = (spec.updateStrategy ?? {}) as Obj;
  if (us.type === 'RollingUpdate') {
    const ru = us.rollingUpdate;
    if (!ru) errs.push(required('spec.updateStrategy.rollingUpdate'));
    else {
      errs.push(...validateIntOrPercent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', true));
      errs.push(...validateIntOrPercent(ru.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge', true));
      const hasUnavailable = intOrPercent(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercent(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid('spec.updateStrategy.rollingUpdate.maxSurge', null, 'may not be set when maxUnavailable is non-zero', goIntOrString(ru.maxSurge)));
      else if (!hasUnavailable && !hasSurge) errs.push(required('spec.updateStrategy.rollingUpdate.maxUnavailable', 'cannot be 0 when maxSurge is 0'));
    }
  } else if (us.type !== 'OnDelete') {
    errs.push(
      notSupported(
        'spec.updateStrategy',
        null,
        ['RollingUpdate', 'OnDelete'],
        `apps.DaemonSetUpdateStrategy{Type:${goString(us.type ?? '')}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`,
      ),
    );
  }
  errs.push(...validateNonnegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  return errs;
}

export function validateDaemonSet(ds: KObject): FieldError[] {
  return [...validateObjectMeta(ds.metadata, true), ...validateDaemonSetSpec((ds.spec ?? {}) as Obj)];
}

export function validateDaemonSetUpdate(ds: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(ds.metadata, old.metadata), ...validateDaemonSetSpec((ds.spec ?? {}) as Obj), ...selectorImmutable(ds, old)];
}
