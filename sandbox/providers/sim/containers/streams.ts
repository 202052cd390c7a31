/**
 * Byte streams between programs: pipes (`a | b`), sinks that collect output,
 * empty input, and a line reader. Pipes are bounded: a writer that runs ahead
 * awaits `ready()`, and once the reader has gone away `closed` is true (the
 * EPIPE a real writer would get), so `cat /dev/zero | head -c 10` ends.
 */
import type { InputStream, OutputStream } from './program.ts';

/** PIPE_BUFFER_BYTES is the pipe capacity before writers wait (Linux: 64 KiB). */
export const PIPE_BUFFER_BYTES = 64 * 1024;

const encoder = new TextEncoder();

/** toBytes converts text to UTF-8 bytes. */
export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encoder.encode(data) : data;
}

/** Pipe is an in-memory pipe: one OutputStream end, one InputStream end. */
export class Pipe implements OutputStream, InputStream {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private readerGone = false;
  private readWaiters: (() => void)[] = [];
  private drainWaiters: (() => void)[] = [];

  get closed(): boolean {
    return this.readerGone;
  }

  write(data: string | Uint8Array): void {
    if (this.readerGone || this.ended) return;
    const bytes = toBytes(data);
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.buffered += bytes.length;
    this.wakeReader();
  }

  ready(): Promise<void> {
    if (this.buffered < PIPE_BUFFER_BYTES || this.readerGone) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** end is the writer closing its end: the reader sees end of input after the buffered bytes. */
  end(): void {
    this.ended = true;
    this.wakeReader();
  }

  /** closeReader is the reader exiting: writers see `closed` and stop. */
  closeReader(): void {
    this.readerGone = true;
    this.chunks = [];
    this.buffered = 0;
    this.wakeDrain();
  }

  async read(signal?: AbortSignal): Promise<Uint8Array | null> {
    while (this.chunks.length === 0) {
      if (this.ended || this.readerGone || signal?.aborted) return null;
      await waitFor(this.readWaiters, signal);
    }
    if (signal?.aborted) return null;
    const chunk = this.chunks.shift()!;
    this.buffered -= chunk.length;
    if (this.buffered < PIPE_BUFFER_BYTES) this.wakeDrain();
    return chunk;
  }

  private wakeReader(): void {
    const ws = this.readWaiters;
    this.readWaiters = [];
    for (const w of ws) w();
  }

  private wakeDrain(): void {
    const ws = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of ws) w();
  }
}

/** waitFor parks a reader until woken (through the waiters list) or until signal aborts. */
export function waitFor(waiters: (() => void)[], signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      signal?.removeEventListener('abort', done);
      const i = waiters.indexOf(done);
      if (i >= 0) waiters.splice(i, 1);
      resolve();
    };
    waiters.push(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** boundInput gives a process its own view of a shared input: its reads end (taking nothing) when it stops. */
export function boundInput(input: InputStream, signal: AbortSignal): InputStream {
  return { read: (s) => input.read(s ?? signal) };
}

/** emptyInput is /dev/null as stdin. */
export const emptyInput: InputStream = { read: async () => null };

/** bytesInput reads from a fixed buffer (a here-string, a file redirected with <). */
export function bytesInput(data: string | Uint8Array): InputStream {
  let pending: Uint8Array | null = toBytes(data);
  return {
    read: async () => {
      const out = pending && pending.length > 0 ? pending : null;
      pending = null;
      return out;
    },
  };
}

/** CollectingOutput keeps everything written (command substitution, tests). */
export class CollectingOutput implements OutputStream {
  private chunks: Uint8Array[] = [];
  private size = 0;
  readonly closed = false;
  /** limit bounds what is kept; more is dropped (a runaway `$(cat /dev/zero)`). */
  constructor(private readonly limit = 16 * 1024 * 1024) {}
  write(data: string | Uint8Array): void {
    const bytes = toBytes(data);
    if (this.size >= this.limit) return;
    const kept = bytes.subarray(0, this.limit - this.size);
    this.chunks.push(kept);
    this.size += kept.length;
  }
  ready(): Promise<void> {
    return Promise.resolve();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** callbackOutput adapts a function (an exec stream's stdout) to an OutputStream. */
export function callbackOutput(write: (data: Uint8Array) => void, isClosed: () => boolean = () => false): OutputStream {
  return {
    write: (data) => {
      if (!isClosed()) write(toBytes(data));
    },
    ready: () => Promise.resolve(),
    get closed() {
      return isClosed();
    },
  };
}

/** nullOutput discards (2>/dev/null is handled by the filesystem; this is for programs with no stderr). */
export const nullOutput: OutputStream = { write: () => {}, ready: () => Promise.resolve(), closed: false };

/** LineReader splits an InputStream into lines (without the newline); the last line may lack one. */
export class LineReader {
  private buffer = '';
  private eof = false;
  private readonly decoder = new TextDecoder();
  constructor(private readonly input: InputStream) {}

  /** readLine resolves with the next line, or null at end of input (or when signal aborts). `terminated` says whether it ended with \n. */
  async readLine(signal?: AbortSignal): Promise<{ line: string; terminated: boolean } | null> {
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        return { line, terminated: true };
      }
      if (this.eof) {
        if (this.buffer === '') return null;
        const line = this.buffer;
        this.buffer = '';
        return { line, terminated: false };
      }
      const chunk = await this.input.read(signal);
      if (chunk === null) {
        // A stopped reader is not the end of the input: the next reader goes on.
        if (signal?.aborted) return null;
        this.eof = true;
        this.buffer += this.decoder.decode();
      } else {
        this.buffer += this.decoder.decode(chunk, { stream: true });
      }
    }
  }
}

/** readAll reads an InputStream to its end (bounded). */
export async function readAll(input: InputStream, limit = 64 * 1024 * 1024, signal?: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (signal?.aborted) break;
    const chunk = await input.read();
    if (chunk === null) break;
    chunks.push(chunk);
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks);
}

/**
 * untilAborted resolves with the promise's value, or null as soon as signal
 * aborts; the abort listener is removed either way (a long `while read`
 * loop must not pile up listeners on one signal).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    const onAbort = (): void => resolve(null);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
