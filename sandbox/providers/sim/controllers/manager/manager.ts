/**
 * ControllerManager is the kube-controller-manager (+ kube-scheduler) of
 * one simulated cluster: it owns the shared informers, the work queues, the
 * event recorders and the clock, and starts every registered controller
 * (./registry.ts) against the cluster's in-process ClusterApi — controllers
 * write through the API like real ones write through the apiserver, so
 * admission, finalizers, generation and watches all apply to them.
 *
 * A cluster's manager starts when the cluster is created and stops on
 * reset (a new one starts on the fresh store) and destroy.
 */
import type { ClusterApi } from '../../server/rest.ts';
import type { ObjectStore } from '../../store/store.ts';
import type { ResourceType } from '../../api/resources.ts';
import { RealClock, type Clock } from './clock.ts';
import { Informer } from './informer.ts';
import { WorkQueue, type SyncHandler, type QueueActivity } from './work-queue.ts';
import { EventRecorder, type EventRecorderOptions } from './events.ts';

/** Controller is one control loop. start() registers handlers and queues; stop() releases timers. */
export interface Controller {
  readonly name: string;
  start(ctx: ControllerContext): void;
  stop(): void;
}

/**
 * ControlPlaneOptions are the settings a real cluster takes as
 * kube-controller-manager / kube-scheduler flags, with the current defaults.
 */
export interface ControlPlaneOptions {
  /** clock: RealClock for `kslab sim`, FakeClock in tests. */
  clock?: Clock;
  /**
   * nodeMonitorGracePeriodMs is --node-monitor-grace-period: how long a node
   * may go without a heartbeat before it is Unknown. 50 s since Kubernetes
   * 1.32 (kubernetes/kubernetes#126287; 40 s before).
   */
  nodeMonitorGracePeriodMs?: number;
  /** nodeStatusUpdateFrequencyMs is the kubelet's --node-status-update-frequency (10 s); also the Lease renew interval. */
  nodeStatusUpdateFrequencyMs?: number;
  /** nodeMonitorPeriodMs is --node-monitor-period (5 s): how often the node lifecycle controller looks at nodes. */
  nodeMonitorPeriodMs?: number;
  /**
   * provisionLatency: provisioners take their real time per Provision call (ceph-csi's CreateVolume,
   * local-path's helper pod), so a claim is Pending for a moment (default true; unit tests of other
   * behaviours may turn it off).
   */
  provisionLatency?: boolean;
  /**
   * volumeLatency: how long ceph-csi RBD volume steps take, in ms (attachMs 1000, stageNewMs 4000 —
   * rbd map + mkfs.ext4 + mount of a fresh image —, stageMs 1500, detachMs 1000; a missing value takes
   * its default; ../attach-detach/volume-latency.ts). Unit tests of other behaviours may set them to 0.
   */
  volumeLatency?: { attachMs?: number; detachMs?: number; stageNewMs?: number; stageMs?: number };
  /** controllers: run only these (by name); default all registered. */
  controllers?: string[];
  /** onError sees errors controllers hit (default: ignored after requeue; tests may collect them). */
  onError?: (controller: string, key: string, err: unknown) => void;
}

export const defaultControlPlaneOptions = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeStatusUpdateFrequencyMs: 10_000,
  nodeMonitorPeriodMs: 5_000,
} as const;

/** ControllerContext is what a controller gets: the API, informers, queues, recorders and clock. */
export interface ControllerContext {
  readonly api: ClusterApi;
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly options: Required<Pick<ControlPlaneOptions, 'nodeMonitorGracePeriodMs' | 'nodeStatusUpdateFrequencyMs' | 'nodeMonitorPeriodMs'>> & ControlPlaneOptions;
  /** informer returns the shared informer of a resource (started). */
  informer(rt: ResourceType): Informer;
  /** queue makes a work queue whose keys `handler` syncs; it stops with the manager. */
  queue(name: string, handler: SyncHandler): WorkQueue;
  /** recorder makes an EventRecorder for a component (`deployment-controller`, …). */
  recorder(component: string, options?: Omit<EventRecorderOptions, 'component'>): EventRecorder;
  /** controller finds another running controller by name (e.g. node-lifecycle for power). */
  controller<T extends Controller>(name: string): T | undefined;
}

export type ControllerFactory = () => Controller;

export class ControllerManager implements ControllerContext {
  readonly clock: Clock;
  readonly options: ControllerContext['options'];
  private readonly informers = new Map<string, Informer>();
  private readonly queues: WorkQueue[] = [];
  private readonly running = new Map<string, Controller>();
  private readonly busyQueues = new Set<WorkQueue>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;
  private readonly activity: QueueActivity;

  constructor(
    readonly api: ClusterApi,
    options: ControlPlaneOptions = {},
  ) {
    this.clock = options.clock ?? new RealClock();
    this.options = { ...defaultControlPlaneOptions, ...options };
    this.activity = {
      busy: (q) => this.busyQueues.add(q),
      idle: (q) => {
        this.busyQueues.delete(q);
        if (this.busyQueues.size === 0) this.wakeIdle();
      },
      error: (q, key, err) => this.options.onError?.(q.name, key, err),
    };
  }

  get store(): ObjectStore {
    return this.api.store;
  }

  /** start runs each factory's controller (in registry order). */
  start(factories: readonly { name: string; create: ControllerFactory }[]): this {
    for (const f of factories) {
      if (this.options.controllers && !this.options.controllers.includes(f.name)) continue;
      const c = f.create();
      this.running.set(f.name, c);
      c.start(this);
    }
    return this;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of [...this.running.values()].reverse()) c.stop();
    this.running.clear();
    for (const q of this.queues) q.shutDown();
    for (const i of this.informers.values()) i.stop();
    this.informers.clear();
    this.busyQueues.clear();
    this.wakeIdle();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  informer(rt: ResourceType): Informer {
    const k = `${rt.storage.group}/${rt.storage.resource}`;
    let i = this.informers.get(k);
    if (!i) {
      i = new Informer(rt.storage, this.api.store, (err) => this.options.onError?.('informer', k, err));
      this.informers.set(k, i);
      if (!this.stopped) i.start();
    }
    return i;
  }

  queue(name: string, handler: SyncHandler): WorkQueue {
    const q = new WorkQueue(name, handler, this.clock, this.activity);
    if (this.stopped) q.shutDown();
    this.queues.push(q);
    return q;
  }

  recorder(component: string, options: Omit<EventRecorderOptions, 'component'> = {}): EventRecorder {
    return new EventRecorder(() => this.api, this.clock, { component, ...options });
  }

  controller<T extends Controller>(name: string): T | undefined {
    return this.running.get(name) as T | undefined;
  }

  /**
   * settled resolves once every work queue is empty and no sync is running
   * (keys waiting on a timer do not count). Tests and the benchmark use it
   * instead of sleeping.
   */
  async settled(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      // Let informer callbacks and setImmediate-scheduled drains get going first.
      await new Promise<void>((r) => setImmediate(r));
      if (this.busyQueues.size === 0 && this.queues.every((q) => q.isIdle)) {
        await new Promise<void>((r) => setImmediate(r));
        if (this.busyQueues.size === 0 && this.queues.every((q) => q.isIdle)) return;
      }
      if (this.busyQueues.size > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    }
    throw new Error(`controllers did not settle: still busy ${[...this.busyQueues].map((q) => q.name).join(', ')}`);
  }

  /**
   * advance moves a FakeClock forward in steps, letting the controllers
   * react after each step as they would while real time passes (a timer
   * armed by a sync must see the time of that sync, not the end).
   */
  async advance(ms: number, stepMs = 1000): Promise<void> {
    const clock = this.clock as Clock & { advance?: (ms: number) => void };
    if (!clock.advance) throw new Error('ControllerManager.advance needs a FakeClock');
    await this.settled();
    for (let left = ms; left > 0; left -= stepMs) {
      clock.advance(Math.min(stepMs, left));
      await this.settled();
    }
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }
}
