/**
 * flow holds the browser side's small pure rules: when to reconnect after a
 * dropped connection, and when to ask the server to pause output because
 * xterm.js has too many writes pending (xterm.js flow-control guide,
 * https://xtermjs.org/docs/guides/flowcontrol/; ttyd uses the same marks).
 */

/** reconnectDelay: exponential backoff from 0.5 s to 10 s, with up to 25 % jitter so tabs don't reconnect in step. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** Math.max(0, attempt));
  return Math.round(base * (1 + 0.25 * random()));
}

/** WRITE_HIGH / WRITE_LOW: pending xterm writes at which output is paused / resumed (ttyd: 10 / 4). */
export const WRITE_HIGH = 10;
export const WRITE_LOW = 4;

/** WriteFlow counts writes xterm has not rendered yet and says when to send pause or resume. */
export class WriteFlow {
  private pending = 0;
  private paused = false;

  /** written is called before term.write; it returns 'pause' when the server should stop sending. */
  written(): 'pause' | undefined {
    this.pending++;
    if (!this.paused && this.pending > WRITE_HIGH) {
      this.paused = true;
      return 'pause';
    }
    return undefined;
  }

  /** rendered is called from term.write's callback; it returns 'resume' when the server may send again. */
  rendered(): 'resume' | undefined {
    this.pending = Math.max(0, this.pending - 1);
    if (this.paused && this.pending < WRITE_LOW) {
      this.paused = false;
      return 'resume';
    }
    return undefined;
  }
}
