/**
 * JobController is pkg/controller/job (job_controller.go), NonIndexed mode:
 * keep min(parallelism, completions - succeeded) pods running, created as
 * `<job>-<5 chars>` with the `batch.kubernetes.io/job-tracking` finalizer;
 * count finished pods into status.succeeded / status.failed (then drop the
 * finalizer), recreate failed pods after the pod-failure backoff
 * (10 s doubling, max 6 min), fail the Job with BackoffLimitExceeded once
 * failures exceed backoffLimit, complete it (SuccessCriteriaMet + Complete,
 * completionTime, event Completed "Job completed") when enough pods
 * succeeded, and honour suspend.
 *
 * Pods only finish when a kubelet runs them: until the kubelet model exists
 * a Job keeps its pods active (Pending), as a real Job with unschedulable or
 * never-starting pods does. Indexed mode, pod failure policies and success
 * policies are not modelled; CronJob is not modelled.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { EventRecorder } from '../manager/events.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { objectKeyOf, splitKey } from '../manager/informer.ts';
import { resources } from '../manager/resources.ts';
import { rfc3339 } from '../manager/events.ts';
import { StatusError } from '../../api/status.ts';
import { compareForDeletion, controllerRef, isControlledBy, isPodReady, podFromTemplate } from './pod-template.ts';
import { writeStatus } from './replicaset.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
const podFailureBackoffMs = 10_000;
const maxPodFailureBackoffMs = 360_000;

const spec = (o: KObject): any => (o as any).spec ?? {};
const phaseOf = (p: KObject) => (p as any).status?.phase;

export class JobController implements Controller {
  readonly name = 'job-controller';
  private ctx!: ControllerContext;
  private jobs!: Informer;
  private pods!: Informer;
  private queue!: WorkQueue;
  private recorder!: EventRecorder;
  /** lastFailureMs: when each job last saw a pod fail, for the recreate backoff. */
  private readonly lastFailureMs = new Map<string, number>();
  /** deletedByUs: pods this controller deleted (suspend, scale down, failure), which are not failures. */
  private readonly deletedByUs = new Set<string>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.recorder = ctx.recorder('job-controller');
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    this.jobs = ctx.informer(resources.jobs);
    this.pods = ctx.informer(resources.pods);
    this.jobs.addHandler({ add: (j) => this.queue.add(objectKeyOf(j)), update: (_o, j) => this.queue.add(objectKeyOf(j)), delete: (j) => this.lastFailureMs.delete(objectKeyOf(j)) });
    const podChanged = (p: KObject) => {
      const ref = controllerRef(p);
      if (ref?.kind === 'Job') this.queue.add(`${p.metadata.namespace}/${ref.name}`);
    };
    this.pods.addHandler({ add: podChanged, update: podChanged, delete: podChanged });
  }

  stop(): void {}

  private sync(key: string): void {
    const { namespace, name } = splitKey(key);
    const job = this.jobs.get(namespace, name);
    if (!job) return;
    const s = spec(job);
    const prev = (job as any).status ?? {};
    const conditions: any[] = structuredClone(prev.conditions ?? []);
    const finished = conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    const now = this.ctx.clock.now();
    const pods = this.pods.list(namespace).filter((p) => isControlledBy(p, job));
    let succeeded = prev.succeeded ?? 0;
    let failed = prev.failed ?? 0;
    // Count newly finished pods, then release them (the job-tracking finalizer protocol).
    for (const p of pods) {
      const phase = phaseOf(p);
      const tracked = (p.metadata.finalizers ?? []).includes(jobTrackingFinalizer);
      if (!tracked) continue;
      if (phase === 'Succeeded') succeeded++;
      else if (phase === 'Failed' || (p.metadata.deletionTimestamp && !this.deletedByUs.has(p.metadata.uid!))) {
        // A pod deleted by someone else before it finished counts as failed (job_controller.go isPodFailed).
        failed++;
        this.lastFailureMs.set(key, now.getTime());
      } else if (!p.metadata.deletionTimestamp) continue;
      this.deletedByUs.delete(p.metadata.uid!);
      this.removeTracking(p);
    }
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && phaseOf(p) !== 'Succeeded' && phaseOf(p) !== 'Failed');
    const completions: number | undefined = s.completions ?? undefined;
    const parallelism: number = s.parallelism ?? 1;
    const backoffLimit: number = s.backoffLimit ?? 6;
    const setCondition = (type: string, status: string, reason: string, message: string) => {
      const i = conditions.findIndex((c) => c.type === type);
      const c = { type, status, lastProbeTime: rfc3339(now), lastTransitionTime: i >= 0 && conditions[i].status === status ? conditions[i].lastTransitionTime : rfc3339(now), reason, message };
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    };
    let completionTime = prev.completionTime;
    if (!finished) {
      if (failed > backoffLimit) {
        for (const p of active) this.deletePod(job, p);
        setCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
        setCondition('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
        this.recorder.event(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      } else if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) {
        setCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods');
        setCondition('Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods');
        completionTime = rfc3339(now);
        this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      } else if (s.suspend) {
        for (const p of active) this.deletePod(job, p);
        if (!conditions.some((c) => c.type === 'Suspended' && c.status === 'True')) {
          setCondition('Suspended', 'True', 'JobSuspended', 'Job suspended');
          this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
        }
      } else {
        if (conditions.some((c) => c.type === 'Suspended' && c.status === 'True')) {
          setCondition('Suspended', 'False', 'JobResumed', 'Job resumed');
          this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
        }
        const want = Math.min(parallelism, completions !== undefined ? completions - succeeded : parallelism);
        if (active.length < want) {
          const last = this.lastFailureMs.get(key);
          const backoff = last === undefined ? 0 : Math.min(maxPodFailureBackoffMs, podFailureBackoffMs * 2 ** Math.max(0, failed - 1));
          const wait = last === undefined ? 0 : last + backoff - now.getTime();
          if (wait > 0) this.queue.addAfter(key, wait);
          else for (let i = active.length; i < want; i++) this.createPod(job);
        } else if (active.length > want) {
          for (const p of [...active].sort(compareForDeletion).slice(0, active.length - want)) this.deletePod(job, p);
        }
      }
    }
    const current = this.pods.list(namespace).filter((p) => isControlledBy(p, job));
    const activeNow = current.filter((p) => !p.metadata.deletionTimestamp && phaseOf(p) !== 'Succeeded' && phaseOf(p) !== 'Failed');
    writeStatus(
      this.ctx,
      resources.jobs,
      job,
      {
        conditions,
        startTime: prev.startTime ?? (s.suspend ? undefined : rfc3339(now)),
        completionTime,
        active: activeNow.length,
        succeeded,
        failed,
        terminating: current.filter((p) => p.metadata.deletionTimestamp).length,
        ready: activeNow.filter(isPodReady).length,
        uncountedTerminatedPods: {},
      },
      ['terminating', 'ready'],
    );
  }

  private createPod(job: KObject): void {
    const pod = podFromTemplate(spec(job).template, job, `${job.metadata.name}-`) as any;
    pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), jobTrackingFinalizer];
    try {
      const created = this.ctx.api.create(resources.pods, job.metadata.namespace!, pod).object;
      this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
    }
  }

  private deletePod(job: KObject, pod: KObject): void {
    this.deletedByUs.add(pod.metadata.uid!);
    try {
      this.ctx.api.delete(resources.pods, pod.metadata.namespace!, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  private removeTracking(pod: KObject): void {
    try {
      const cur = this.ctx.api.get(resources.pods, pod.metadata.namespace!, pod.metadata.name!);
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f) => f !== jobTrackingFinalizer);
      this.ctx.api.update(resources.pods, pod.metadata.namespace!, pod.metadata.name!, cur);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
