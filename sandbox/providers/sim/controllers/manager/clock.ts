/**
 * Clock is the time source of a simulated control plane. Controllers never
 * call Date.now() or setTimeout() directly: `kslab sim` runs them on the
 * RealClock, while tests drive a FakeClock so that a 50 s node-monitor grace
 * period or a 300 s toleration pass in microseconds (the same idea as
 * k8s.io/utils/clock and its testing.FakeClock, which Kubernetes' own
 * controller tests use).
 */

/** TimerHandle identifies a pending timer so it can be cancelled. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** now is the current time. */
  now(): Date;
  /** after runs fn once, ms milliseconds from now. */
  after(ms: number, fn: () => void): TimerHandle;
}

/**
 * MAX_TIMER_MS is the longest delay setTimeout honours (2^31-1 ms, 24.8 days);
 * Node fires a longer one after 1 ms (TimeoutOverflowWarning), which would
 * make a container's `sleep 3600000` (41 days) exit at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * RealClock is wall-clock time; timers are unref'd so a forgotten one never
 * keeps the process alive. Delays longer than MAX_TIMER_MS are waited out in
 * steps, re-checking the wall clock, as Go's time.AfterFunc has no such limit.
 */
export class RealClock implements Clock {
  now(): Date {
    return new Date();
  }

  after(ms: number, fn: () => void): TimerHandle {
    const due = Date.now() + Math.max(0, ms);
    let t: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      const left = due - Date.now();
      if (left > MAX_TIMER_MS) {
        t = setTimeout(arm, MAX_TIMER_MS);
      } else {
        t = setTimeout(fn, Math.max(0, left));
      }
      t.unref?.();
    };
    arm();
    return { cancel: () => clearTimeout(t) };
  }
}

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * FakeClock only moves when told to. advance(ms) fires every timer that
 * falls due, in time order, with now() set to each timer's due time, so
 * chains of timers (a heartbeat that re-arms itself) behave as they would
 * in real time.
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  after(ms: number, fn: () => void): TimerHandle {
    const timer: FakeTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** pending is how many timers are still waiting (for tests). */
  get pending(): number {
    return this.timers.filter((x) => !x.cancelled).length;
  }

  /** advance moves time forward by ms, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers = this.timers.filter((x) => !x.cancelled);
      let next: FakeTimer | undefined;
      for (const x of this.timers) if (x.at <= end && (!next || x.at < next.at || (x.at === next.at && x.seq < next.seq))) next = x;
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
}
