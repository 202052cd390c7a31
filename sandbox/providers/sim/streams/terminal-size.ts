/**
 * The terminal size of a `kubectl exec -it` / `attach -t` session: the resize
 * message both transports carry (`{"Width":W,"Height":H}`, channel 4 over
 * WebSocket, the resize stream over SPDY) and how long a tty session waits
 * for the first one before its process starts.
 */
import type { TerminalSize } from './types.ts';

/** SIZE_WAIT_MS bounds how long a tty session waits for the client's terminal size before it starts. */
export const SIZE_WAIT_MS = 100;

/**
 * parseTerminalSize reads a resize message `{"Width":W,"Height":H}`. Sizes
 * with a zero side are dropped, as the node's resize loop does (containerd's
 * CRI handleResizing: `if size.Height < 1 || size.Width < 1 { continue }`);
 * kubectl from a 0x0 terminal sends one. Malformed ones are dropped too.
 */
export function parseTerminalSize(payload: Uint8Array): TerminalSize | undefined {
  try {
    const size = JSON.parse(Buffer.from(payload).toString('utf8')) as { Width?: unknown; Height?: unknown };
    const width = Number(size.Width);
    const height = Number(size.Height);
    return width >= 1 && height >= 1 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TTY_START_MS is how long a node takes to start a tty session's process
 * after the connection is up: on kind, the apiserver's stream translator dials
 * the kubelet, and containerd sets up fifos and runs `runc exec` — tens of
 * milliseconds. kubectl -t writes on its own in that time (its terminal size,
 * and whatever its terminal sends), and on a real node those writes always
 * land before the session can end. A session that ended sooner (status frame,
 * close) would see them arrive after the client had read our close, which
 * client-go reports as `"Unhandled Error" err="websocket: close sent"`
 * (remotecommand v2.go copyStdin, v3.go handleResizes; QA F3).
 */
export const TTY_START_MS = 50;

/**
 * TtySessionStart decides when a tty session's process starts: once the
 * client's first terminal size has come (so the process sees the client's
 * width from its first instruction) and TTY_START_MS have passed, or after
 * SIZE_WAIT_MS without a size (client-node without a resize stream, kubectl
 * whose stdout is not a terminal).
 */
export class TtySessionStart {
  private timer: ReturnType<typeof setTimeout>;
  private sized = false;
  private done = false;
  private readonly readyAt: number;

  constructor(
    private readonly begin: (size: TerminalSize | undefined) => void,
    timing: { startMs?: number; sizeWaitMs?: number } = {},
  ) {
    const startMs = timing.startMs ?? TTY_START_MS;
    this.readyAt = Date.now() + startMs;
    this.timer = setTimeout(() => this.fire(undefined), Math.max(startMs, timing.sizeWaitMs ?? SIZE_WAIT_MS));
  }

  /** pending is true until the process has been started (or the session cancelled). */
  get pending(): boolean {
    return !this.done;
  }

  /**
   * size takes the client's first resize message and returns true; it returns
   * false for later ones, which the caller hands to the process once it runs.
   */
  size(size: TerminalSize | undefined): boolean {
    if (this.sized || this.done) return false;
    this.sized = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(size), Math.max(0, this.readyAt - Date.now()));
    return true;
  }

  /** cancel is the client gone before the start: nothing runs. */
  cancel(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private fire(size: TerminalSize | undefined): void {
    if (this.done) return;
    this.done = true;
    this.begin(size);
  }
}
