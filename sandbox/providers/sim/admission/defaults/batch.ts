/**
 * batch defaults: kubernetes pkg/apis/batch/v1/defaults.go (SetDefaults_Job,
 * SetDefaults_CronJob) and the job strategy's generateSelector
 * (pkg/registry/batch/job/strategy.go), which labels the pod template with
 * the job's uid and name and selects on the uid.
 */
import type { KObject } from '../../store/types.ts';
import { defaultPodTemplate } from './core.ts';

type Obj = Record<string, any>;

export function defaultJob(job: KObject, operation: string): void {
  const spec = (job.spec ??= {}) as Obj;
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  spec.completionMode ??= 'NonIndexed';
  // Real 1.33 responses show `manualSelector: false` on every Job that did not set it.
  spec.manualSelector ??= false;
  spec.suspend ??= false;
  // JobPodReplacementPolicy (beta, on in 1.33): Failed when a podFailurePolicy is set, else TerminatingOrFailed.
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  defaultPodTemplate(spec.template);
  if (operation === 'CREATE' && !spec.manualSelector) generateSelector(job);
  // The job's own labels default to the template's (SetDefaults_Job; applied again when read back from storage).
  const tl = spec.template?.metadata?.labels;
  if (tl && Object.keys(job.metadata.labels ?? {}).length === 0) job.metadata.labels = { ...tl };
}

/** generateSelector: template labels batch.kubernetes.io/controller-uid, batch.kubernetes.io/job-name, controller-uid, job-name; selector on the uid. */
function generateSelector(job: KObject): void {
  const spec = job.spec as Obj;
  const template = (spec.template ??= {}) as Obj;
  template.metadata ??= {};
  const labels = (template.metadata.labels ??= {}) as Record<string, string>;
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  labels['batch.kubernetes.io/controller-uid'] ??= uid;
  labels['batch.kubernetes.io/job-name'] ??= name;
  labels['controller-uid'] ??= uid;
  labels['job-name'] ??= name;
  const selector = (spec.selector ??= {}) as Obj;
  selector.matchLabels ??= {};
  selector.matchLabels['batch.kubernetes.io/controller-uid'] ??= uid;
}

export function defaultCronJob(cj: KObject): void {
  const spec = (cj.spec ??= {}) as Obj;
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jt = (spec.jobTemplate ??= {}) as Obj;
  jt.metadata ??= {};
  if (!('creationTimestamp' in jt.metadata)) jt.metadata.creationTimestamp = null;
  jt.spec ??= {};
  defaultPodTemplate(jt.spec.template);
}
