/**
 * batch validation, after kubernetes pkg/apis/batch/validation/validation.go
 * (ValidateJob, ValidateGeneratedSelector, validateJobSpec, ValidateJobSpecUpdate,
 * ValidateCronJobCreate/Update). Order and wording follow the Go code.
 */
import type { KObject } from '../../store/types.ts';
import { validateNonnegative, validatePodTemplateSpec } from './core.ts';
import { type FieldError, at, fieldImmutable, goLabelSelector, goStringMap, invalid, notSupported, required } from './errors.ts';
import { selectorMatches, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

type Obj = Record<string, any>;

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortKeys((v as Obj)[k])]));
  return v;
}

const completionModes = ['NonIndexed', 'Indexed'];
const concurrencyPolicies = ['Allow', 'Forbid', 'Replace'];

/** validateJobSpecInner is validateJobSpec: counts, completion mode, the pod template, restartPolicy OnFailure/Never. */
function validateJobSpecInner(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateNonnegative(spec.parallelism, at(path, 'parallelism')));
  errs.push(...validateNonnegative(spec.completions, at(path, 'completions')));
  errs.push(...validateNonnegative(spec.activeDeadlineSeconds, at(path, 'activeDeadlineSeconds')));
  errs.push(...validateNonnegative(spec.backoffLimit, at(path, 'backoffLimit')));
  errs.push(...validateNonnegative(spec.ttlSecondsAfterFinished, at(path, 'ttlSecondsAfterFinished')));
  if (spec.completionMode != null) {
    if (!completionModes.includes(spec.completionMode)) errs.push(notSupported(at(path, 'completionMode'), spec.completionMode, completionModes));
    if (spec.completionMode === 'Indexed' && spec.completions == null) errs.push(required(at(path, 'completions'), 'when completion mode is Indexed'));
  }
  errs.push(...validatePodTemplateSpec(spec.template ?? {}, at(path, 'template')));
  // SetDefaults_PodSpec turns an unset restartPolicy into Always, so both land here.
  const rp = spec.template?.spec?.restartPolicy ?? '';
  if (rp === 'Always' || rp === '') errs.push(required(at(path, 'template.spec.restartPolicy'), 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(notSupported(at(path, 'template.spec.restartPolicy'), rp, ['OnFailure', 'Never']));
  return errs;
}

/** validateJobSpec is ValidateJobSpec: the inner checks, then the selector and that it matches the template. */
function validateJobSpec(spec: Obj, path: string): FieldError[] {
  const errs = validateJobSpecInner(spec, path);
  if (!spec.selector) errs.push(required(at(path, 'selector')));
  else errs.push(...validateLabelSelector(spec.selector, at(path, 'selector')));
  const labels = spec.template?.metadata?.labels as Record<string, string> | undefined;
  // A nil selector selects nothing, so it never matches.
  if (!spec.selector || !selectorMatches(spec.selector, labels))
    errs.push(invalid(at(path, 'template.metadata.labels'), null, '`selector` does not match template `labels`', goStringMap(labels)));
  return errs;
}

/** validateGeneratedSelector: unless manualSelector, the template carries the generated labels and the selector picks exactly those pods. */
function validateGeneratedSelector(job: KObject): FieldError[] {
  const spec = (job.spec ?? {}) as Obj;
  if (spec.manualSelector === true || !spec.selector) return [];
  const errs: FieldError[] = [];
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  if (!uid) errs.push(required('metadata.uid'));
  const labels = (spec.template?.metadata?.labels ?? {}) as Record<string, string>;
  const expected: Record<string, string> = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': name,
    'controller-uid': uid,
    'job-name': name,
  };
  for (const [k, v] of Object.entries(expected)) {
    const p = `spec.template.metadata.labels[${k}]`;
    if (!(k in labels)) errs.push(required(p, `must be '${v}'`));
    else if (labels[k] !== v) errs.push(invalid(p, null, `must be '${v}'`, goStringMap(labels)));
  }
  if (!selectorMatches(spec.selector, expected)) errs.push(invalid('spec.selector', null, '`selector` not auto-generated', goLabelSelector(spec.selector)));
  return errs;
}

export function validateJob(job: KObject): FieldError[] {
  const errs = validateObjectMeta(job.metadata, true);
  errs.push(...validateGeneratedSelector(job));
  errs.push(...validateJobSpec((job.spec ?? {}) as Obj, 'spec'));
  return errs;
}

/** validateJobUpdate: the spec again, then completions, selector, template and completionMode frozen. */
export function validateJobUpdate(job: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(job.metadata, old.metadata);
  const a = (job.spec ?? {}) as Obj;
  const b = (old.spec ?? {}) as Obj;
  errs.push(...validateJobSpec(a, 'spec'));
  if (!deepEqual(a.completions, b.completions)) errs.push(invalid('spec.completions', a.completions ?? null, fieldImmutable));
  if (!deepEqual(a.selector, b.selector)) errs.push(invalid('spec.selector', null, fieldImmutable, goLabelSelector(a.selector)));
  if (!deepEqual(a.template, b.template)) {
    // The real value is the whole internal PodTemplateSpec printed with %#v; abbreviated here.
    errs.push(invalid('spec.template', null, fieldImmutable, 'core.PodTemplateSpec{…}'));
  }
  if (!deepEqual(a.completionMode, b.completionMode)) errs.push(invalid('spec.completionMode', a.completionMode ?? null, fieldImmutable));
  return errs;
}

/** scheduleErrors approximates robfig/cron's ParseStandard errors (descriptors like @daily are accepted). */
function scheduleErrors(schedule: string): string[] {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    const ok = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'].includes(s) || /^@every \S+$/.test(s);
    return ok ? [] : [`unrecognized descriptor: ${s}`]; // wording not verified
  }
  const fields = s.replace(/^(CRON_)?TZ=\S+\s+/, '').split(/\s+/).filter(Boolean);
  // Real output (kind): `spec.schedule: Invalid value: "off": expected exactly 5 fields, found 1: [off]`.
  if (fields.length !== 5) return [`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`];
  return [];
}

function validateCronJobSpec(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.schedule) errs.push(required('spec.schedule'));
  else for (const m of scheduleErrors(String(spec.schedule))) errs.push(invalid('spec.schedule', spec.schedule, m));
  errs.push(...validateNonnegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds'));
  const cp = spec.concurrencyPolicy ?? '';
  if (cp === '') errs.push(required('spec.concurrencyPolicy'));
  else if (!concurrencyPolicies.includes(cp)) errs.push(notSupported('spec.concurrencyPolicy', cp, concurrencyPolicies));
  // ValidateJobTemplateSpec: the job spec without a selector (the controller fills it in per Job).
  const jt = (spec.jobTemplate?.spec ?? {}) as Obj;
  errs.push(...validateJobSpecInner(jt, 'spec.jobTemplate.spec'));
  errs.push(...validateNonnegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit'));
  errs.push(...validateNonnegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit'));
  return errs;
}

export function validateCronJob(cj: KObject): FieldError[] {
  const errs = [...validateObjectMeta(cj.metadata, true), ...validateCronJobSpec((cj.spec ?? {}) as Obj)];
  // The controller appends an 11-character suffix to each Job's name.
  if ((cj.metadata.name ?? '').length > 52) errs.push(invalid('metadata.name', cj.metadata.name, 'must be no more than 52 characters'));
  return errs;
}

export function validateCronJobUpdate(cj: KObject, old: KObject): FieldError[] {
  return [...validateObjectMetaUpdate(cj.metadata, old.metadata), ...validateCronJobSpec((cj.spec ?? {}) as Obj)];
}
