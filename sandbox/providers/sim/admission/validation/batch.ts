/**
 * batch validation, after kubernetes pkg/apis/batch/validation/validation.go:
 * restartPolicy OnFailure/Never, non-negative counts, the generated selector
 * matching the template, and the immutable selector/template of a Job.
 */
import type { KObject } from '../../store/types.ts';
import { validateNonnegative, validatePodTemplateSpec } from './core.ts';
import { type FieldError, at, fieldImmutable, goLabelSelector, goStringMap, invalid, notSupported, required } from './errors.ts';
import { selectorIsEmpty, selectorMatches, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

type Obj = Record<string, any>;

const jobRestartPolicies = ['OnFailure', 'Never'];
const completionModes = ['NonIndexed', 'Indexed'];
const concurrencyPolicies = ['Allow', 'Forbid', 'Replace'];

function validateJobTemplate(template: Obj | undefined, path: string): FieldError[] {
  if (!template) return [required(path)];
  const errs = validatePodTemplateSpec(template, path);
  const rp = template.spec?.restartPolicy;
  if (!jobRestartPolicies.includes(rp)) errs.push(notSupported(at(path, 'spec.restartPolicy'), rp ?? '', jobRestartPolicies));
  return errs;
}

function validateJobSpec(spec: Obj, path: string, checkSelector: boolean): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(spec.parallelism, at(path, 'parallelism')));
  errs.push(...validateNonnegative(spec.completions, at(path, 'completions')));
  errs.push(...validateNonnegative(spec.backoffLimit, at(path, 'backoffLimit')));
  if (spec.activeDeadlineSeconds != null && spec.activeDeadlineSeconds <= 0)
    errs.push(invalid(at(path, 'activeDeadlineSeconds'), spec.activeDeadlineSeconds, 'must be greater than zero')); // wording not verified
  if (spec.completionMode && !completionModes.includes(spec.completionMode)) errs.push(notSupported(at(path, 'completionMode'), spec.completionMode, completionModes));
  if (checkSelector) {
    if (!spec.selector) errs.push(required(at(path, 'selector')));
    else {
      errs.push(...validateLabelSelector(spec.selector, at(path, 'selector')));
      const labels = spec.template?.metadata?.labels;
      if (!selectorIsEmpty(spec.selector) && !selectorMatches(spec.selector, labels))
        errs.push(invalid(at(path, 'template.metadata.labels'), labels ?? null, '`selector` does not match template `labels`', goStringMap(labels)));
    }
  }
  errs.push(...validateJobTemplate(spec.template, at(path, 'template')));
  return errs;
}

export function validateJob(job: KObject): FieldError[] {
  return [...validateObjectMeta(job.metadata, true), ...validateJobSpec((job.spec ?? {}) as Obj, 'spec', true)];
}

export function validateJobUpdate(job: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(job.metadata, old.metadata), ...validateJob(job)];
  const a = (job.spec ?? {}) as Obj;
  const b = (old.spec ?? {}) as Obj;
  if (JSON.stringify(a.selector ?? null) !== JSON.stringify(b.selector ?? null)) errs.push(invalid('spec.selector', null, fieldImmutable, goLabelSelector(a.selector)));
  if (JSON.stringify(a.template ?? null) !== JSON.stringify(b.template ?? null)) {
    // The real value is the whole internal PodTemplateSpec printed with %#v; abbreviated here.
    errs.push(invalid('spec.template', null, fieldImmutable, 'core.PodTemplateSpec{…}'));
  }
  if (a.completions !== b.completions && a.completionMode !== 'Indexed') errs.push(invalid('spec.completions', a.completions ?? null, fieldImmutable));
  if (a.completionMode !== b.completionMode) errs.push(invalid('spec.completionMode', a.completionMode ?? null, fieldImmutable));
  return errs;
}

export function validateCronJob(cj: KObject): FieldError[] {
  const errs = validateObjectMeta(cj.metadata, true);
  const spec = (cj.spec ?? {}) as Obj;
  if (!spec.schedule) errs.push(required('spec.schedule'));
  else if (String(spec.schedule).trim().split(/\s+/).length !== 5 && !String(spec.schedule).startsWith('@'))
    // wording not verified: the real detail comes from robfig/cron's parser
    errs.push(invalid('spec.schedule', spec.schedule, `unparseable schedule: expected exactly 5 fields`));
  if (spec.concurrencyPolicy && !concurrencyPolicies.includes(spec.concurrencyPolicy))
    errs.push(notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, concurrencyPolicies));
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  errs.push(...validateJobSpec((spec.jobTemplate?.spec ?? {}) as Obj, 'spec.jobTemplate.spec', false));
  return errs;
}

export function validateCronJobUpdate(cj: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(cj.metadata, old.metadata), ...validateCronJob(cj)];
}
