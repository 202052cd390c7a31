/**
 * WorkQueue is client-go's rate-limiting work queue
 * (k8s.io/client-go/util/workqueue queue.go, delaying_queue.go,
 * default_rate_limiters.go) for one controller: a key is queued at most
 * once (dedup), a key being processed that is added again is processed once
 * more afterwards (never twice at the same time), addAfter() delays a key
 * on the injected Clock, and addRateLimited() requeues a failing key with
 * per-item exponential backoff (5 ms doubling to 1000 s, like
 * DefaultControllerRateLimiter's ItemExponentialFailureRateLimiter; its
 * overall 10 qps token bucket is left out — one learner's cluster never
 * comes near it).
 *
 * Processing happens on the event loop (setImmediate), one key at a time,
 * so a controller's sync runs like one worker goroutine would.
 */
import type { Clock, TimerHandle } from './clock.ts';

/** SyncHandler processes one key; throwing requeues it with backoff. */
export type SyncHandler = (key: string) => void | Promise<void>;

/** QueueActivity lets the manager know when any queue has work, so tests can wait until all are idle. */
export interface QueueActivity {
  busy(queue: WorkQueue): void;
  idle(queue: WorkQueue): void;
  error(queue: WorkQueue, key: string, err: unknown): void;
}

const baseDelayMs = 5;
const maxDelayMs = 1000_000;

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly waiting = new Map<string, { at: number; timer: TimerHandle }>();
  private scheduled = false;
  private running = false;
  private shuttingDown = false;

  constructor(
    readonly name: string,
    private readonly handler: SyncHandler,
    private readonly clock: Clock,
    private readonly activity?: QueueActivity,
  ) {}

  /** add queues a key unless it is already queued. */
  add(key: string): void {
    if (this.shuttingDown) return;
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return; // re-run after the current sync finishes
    this.queue.push(key);
    this.kick();
  }

  /** addAfter queues a key once ms have passed on the clock; an earlier pending time wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now().getTime() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    existing?.timer.cancel();
    const timer = this.clock.after(ms, () => {
      this.waiting.delete(key);
      this.add(key);
    });
    this.waiting.set(key, { at, timer });
  }

  /** addRateLimited requeues a key after its backoff, which doubles with each failure. */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(maxDelayMs, baseDelayMs * 2 ** n));
  }

  /** forget resets a key's backoff after it synced cleanly. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** numRequeues is how often a key has failed in a row. */
  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  get length(): number {
    return this.queue.length;
  }

  /** delayed is how many keys wait on a timer. */
  get delayed(): number {
    return this.waiting.size;
  }

  get isIdle(): boolean {
    return this.queue.length === 0 && !this.running;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
    this.queue.length = 0;
    this.dirty.clear();
    if (!this.running) this.activity?.idle(this);
  }

  private kick(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    this.activity?.busy(this);
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    this.scheduled = false;
    this.running = true;
    try {
      // Bounded batch per turn so one busy controller cannot starve the event loop (or other clusters).
      for (let i = 0; i < 64 && this.queue.length && !this.shuttingDown; i++) {
        const key = this.queue.shift()!;
        this.dirty.delete(key);
        this.processing.add(key);
        try {
          await this.handler(key);
        } catch (err) {
          if (!this.shuttingDown) {
            this.activity?.error(this, key, err);
            this.addRateLimited(key);
          }
        } finally {
          this.processing.delete(key);
          if (this.dirty.has(key) && !this.shuttingDown) this.queue.push(key);
        }
      }
    } finally {
      this.running = false;
      if (this.queue.length && !this.shuttingDown) this.kick();
      else this.activity?.idle(this);
    }
  }
}
