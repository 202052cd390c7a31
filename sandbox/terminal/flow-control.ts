/**
 * flow-control keeps a fast producer (kubectl printing a big `-o yaml`, a
 * `get -w` that never stops) from filling the server's memory when a browser
 * reads slowly. Two small pure units, after wetty's src/server/flowcontrol.ts
 * and hyper's app/session.ts DataBatcher:
 *
 * - nextPaused: hysteresis between a high and a low water mark, so the
 *   producer is paused once the socket's send buffer passes HIGH and resumed
 *   only when it has drained below LOW (no flapping at one threshold).
 * - OutputBatcher: joins output written within a few milliseconds into one
 *   frame (hyper: "batch data to avoid flooding the renderer with IPC"),
 *   but sends the first write after a quiet spell at once, so echo is immediate.
 */

/** WaterMarks in bytes of ws.bufferedAmount. */
export interface WaterMarks {
  high: number;
  low: number;
}

/**
 * DEFAULT_MARKS: pause at 1 MiB queued (research note: ttyd/xterm guidance),
 * resume at 256 KiB, enough headroom that a resumed producer does not pause
 * again at once.
 */
export const DEFAULT_MARKS: WaterMarks = { high: 1024 * 1024, low: 256 * 1024 };

/** nextPaused says whether the producer should be paused given the buffered bytes now. */
export function nextPaused(paused: boolean, buffered: number, marks: WaterMarks = DEFAULT_MARKS): boolean {
  if (!paused && buffered > marks.high) return true;
  if (paused && buffered < marks.low) return false;
  return paused;
}

/**
 * FlowGate combines every reason to hold output for one terminal: each
 * connection's send buffer (server side) and each browser's own pause
 * request (client side, ttyd's pause/resume). The producer runs only when no
 * reason holds.
 */
export class FlowGate {
  private readonly buffered = new Map<object, boolean>();
  private readonly clientPaused = new Set<object>();

  constructor(private readonly marks: WaterMarks = DEFAULT_MARKS) {}

  /** observe records a connection's bufferedAmount; it returns whether the gate is now closed. */
  observe(connection: object, bufferedAmount: number): boolean {
    this.buffered.set(connection, nextPaused(this.buffered.get(connection) ?? false, bufferedAmount, this.marks));
    return this.closed;
  }

  /** clientPause records a browser's pause/resume control message. */
  clientPause(connection: object, paused: boolean): boolean {
    if (paused) this.clientPaused.add(connection);
    else this.clientPaused.delete(connection);
    return this.closed;
  }

  /** forget drops a closed connection (its pause must not hold the others). */
  forget(connection: object): boolean {
    this.buffered.delete(connection);
    this.clientPaused.delete(connection);
    return this.closed;
  }

  get closed(): boolean {
    if (this.clientPaused.size > 0) return true;
    for (const paused of this.buffered.values()) if (paused) return true;
    return false;
  }
}

/** Timers lets tests drive time. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * BATCH_DELAY_MS: output arriving within 4 ms is sent as one frame. Hyper uses
 * 16 ms for a local renderer; a keystroke echo must feel instant over a
 * network, so the window is shorter.
 */
export const BATCH_DELAY_MS = 4;
/** BATCH_MAX_BYTES: a batch this large is sent at once instead of waiting. */
export const BATCH_MAX_BYTES = 128 * 1024;

/**
 * OutputBatcher collects writes and hands them to flush as one string. The
 * first write after a quiet spell goes out at once (a keystroke's echo should
 * not wait); writes that follow within the delay are joined into one frame
 * (a burst of kubectl output).
 */
export class OutputBatcher {
  private parts: string[] = [];
  private size = 0;
  private timer: unknown;
  private readonly timers: Timers;

  constructor(
    private readonly flush: (data: string) => void,
    private readonly options: { delayMs?: number; maxBytes?: number; timers?: Timers } = {},
  ) {
    this.timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  }

  write(data: string): void {
    if (data === '') return;
    if (this.timer === undefined) {
      // Quiet until now: send at once and open a window for what follows.
      this.flush(data);
      this.openWindow();
      return;
    }
    this.parts.push(data);
    this.size += data.length;
    if (this.size >= (this.options.maxBytes ?? BATCH_MAX_BYTES)) this.sendCollected();
  }

  /** drain sends what is collected now. */
  drain(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.sendCollected();
  }

  private openWindow(): void {
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.parts.length > 0) {
        this.sendCollected();
        // Output is still flowing: keep batching.
        this.openWindow();
      }
    }, this.options.delayMs ?? BATCH_DELAY_MS);
  }

  private sendCollected(): void {
    if (this.parts.length === 0) return;
    const data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.flush(data);
  }
}
