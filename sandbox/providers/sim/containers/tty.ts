/**
 * Tty is the terminal of an exec/attach session with `-t`: the part of the
 * kernel's tty layer (n_tty) a program relies on. Output gets `\n` → `\r\n`
 * (OPOST|ONLCR). Input is either raw (the interactive shell does its own line
 * editing, as busybox ash does) or cooked (ICANON: echo, backspace, Ctrl-U,
 * Ctrl-D = end of input, lines delivered on Enter) — and in cooked mode
 * Ctrl-C / Ctrl-\ become SIGINT / SIGQUIT for the foreground program, echoed
 * as `^C` (ECHOCTL).
 */
import type { InputStream, OutputStream, SignalName, TerminalInfo } from './program.ts';
import { toBytes, waitFor } from './streams.ts';

/** MAX_CANON is Linux's cooked line limit (4096). */
const MAX_CANON = 4096;

export class Tty implements InputStream {
  private raw = false;
  private rawQueue: Uint8Array[] = [];
  private cooked: (Uint8Array | null)[] = [];
  private line = '';
  private inputClosed = false;
  private waiters: (() => void)[] = [];
  private readonly decoder = new TextDecoder();
  readonly terminal: TerminalInfo = { columns: 80, rows: 24 };
  /**
   * foreground receives Ctrl-C / Ctrl-\ when set: the job a shell runs in the
   * foreground (tcsetpgrp). Unset, the session's process gets the signal.
   */
  foreground: ((signal: SignalName) => void) | undefined;
  readonly output: OutputStream;

  /**
   * Tty wraps the session's output function; onSignal is called for Ctrl-C/Ctrl-\
   * in cooked mode (the kubelet's foreground program gets the signal).
   */
  constructor(
    private readonly writeOut: (data: Uint8Array) => void,
    private readonly onSignal: (signal: SignalName) => void,
    private readonly isClosed: () => boolean = () => false,
  ) {
    this.output = {
      write: (data) => {
        if (this.isClosed()) return;
        const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
        this.writeOut(toBytes(text.replace(/\r?\n/g, '\r\n')));
      },
      ready: () => Promise.resolve(),
      get closed() {
        return isClosed();
      },
    };
  }

  /**
   * setRaw switches line discipline. Bytes typed ahead stay queued as they
   * were typed: a cooked reader cooks them when it reads; lines cooked but not
   * yet read go back to the raw queue when the program edits lines itself again.
   */
  setRaw(raw: boolean): void {
    if (raw === this.raw) return;
    this.raw = raw;
    if (raw) {
      const back: Uint8Array[] = this.cooked.map((c) => c ?? toBytes('\x04'));
      if (this.line !== '') back.push(toBytes(this.line));
      this.cooked = [];
      this.line = '';
      this.rawQueue.push(...back);
    }
    this.wake();
  }

  get isRaw(): boolean {
    return this.raw;
  }

  /** resize records the terminal size (ls lays out columns with it). */
  resize(columns: number, rows: number): void {
    if (columns > 0) this.terminal.columns = columns;
    if (rows > 0) this.terminal.rows = rows;
  }

  /** input feeds bytes typed by the user. */
  input(data: Uint8Array): void {
    if (this.raw) this.rawQueue.push(data);
    else this.cook(data);
    this.wake();
  }

  /** closeInput is the client closing stdin: end of input after what is queued. */
  closeInput(): void {
    this.inputClosed = true;
    this.wake();
  }

  private cook(data: Uint8Array): void {
    const text = this.decoder.decode(data, { stream: true });
    for (const c of text) {
      switch (c) {
        case '\r':
        case '\n':
          this.output.write('\n');
          this.cooked.push(toBytes(this.line + '\n'));
          this.line = '';
          break;
        case '\x7f':
        case '\b':
          if (this.line.length > 0) {
            this.line = [...this.line].slice(0, -1).join('');
            this.writeOut(toBytes('\b \b'));
          }
          break;
        case '\x15':
          this.writeOut(toBytes('\b \b'.repeat([...this.line].length)));
          this.line = '';
          break;
        case '\x03':
          this.line = '';
          this.writeOut(toBytes('^C'));
          (this.foreground ?? this.onSignal)('INT');
          break;
        case '\x1c':
          this.line = '';
          this.writeOut(toBytes('^\\'));
          (this.foreground ?? this.onSignal)('QUIT');
          break;
        case '\x04':
          if (this.line === '') this.cooked.push(null);
          else {
            this.cooked.push(toBytes(this.line));
            this.line = '';
          }
          break;
        default:
          if (c < ' ' && c !== '\t') break;
          if (this.line.length >= MAX_CANON) break;
          this.line += c;
          this.writeOut(toBytes(c));
      }
    }
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  async read(signal?: AbortSignal): Promise<Uint8Array | null> {
    for (;;) {
      if (signal?.aborted) return null;
      if (this.raw && this.rawQueue.length > 0) return this.rawQueue.shift()!;
      if (!this.raw && this.rawQueue.length > 0) {
        const typedAhead = this.rawQueue;
        this.rawQueue = [];
        for (const chunk of typedAhead) this.cook(chunk);
      }
      if (!this.raw && this.cooked.length > 0) {
        const next = this.cooked.shift()!;
        return next;
      }
      if (this.inputClosed) return null;
      await waitFor(this.waiters, signal);
    }
  }
}
