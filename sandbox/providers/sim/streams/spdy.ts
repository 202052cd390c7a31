/**
 * serveSpdyExec runs `kubectl exec`/`attach` over SPDY/3.1, the transport
 * kubectl ≤1.28 only has and 1.29 uses by default (client-go
 * tools/remotecommand, transport/spdy; framing per the SPDY/3 draft as
 * moby/spdystream implements it), with the v4.channel.k8s.io stream
 * protocol: the client opens one SPDY stream per channel — error, then
 * stdin, stdout, stderr, resize as requested (client-go
 * remotecommand/v2.go, v3.go createStreams) — and the server answers each
 * SYN_STREAM with a SYN_REPLY; output goes out as DATA frames, the exit
 * status as a metav1.Status on the error stream.
 *
 * Two simplifications, both within what the client accepts:
 * - the client's header blocks (zlib with the SPDY dictionary) are not
 *   decoded: each stream's type follows from the order client-go creates
 *   them and the request's stdin/stdout/stderr/tty flags;
 * - our own (empty) header blocks are zlib stored blocks without a preset
 *   dictionary, which Go's zlib reader takes (it applies the dictionary
 *   only when the stream asks for one).
 * No flow control is applied (WINDOW_UPDATE is ignored), as spdystream does.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ExecProcess, TerminalSize } from './types.ts';
import { TtySessionStart, parseTerminalSize } from './terminal-size.ts';

const SPDY_VERSION = 3;
const TYPE_SYN_STREAM = 1;
const TYPE_SYN_REPLY = 2;
const TYPE_RST_STREAM = 3;
const TYPE_PING = 6;
const TYPE_GOAWAY = 7;
const FLAG_FIN = 0x01;

/** SPDY_PROTOCOL is the stream protocol spoken over SPDY (client-go offers it from 1.27 to 1.33). */
export const SPDY_PROTOCOL = 'v4.channel.k8s.io';

/** StreamType names a channel the way the `streamtype` header would. */
type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/** expectedStreams is the order client-go creates the streams in, for the requested flags. */
export function expectedStreams(flags: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): StreamType[] {
  const out: StreamType[] = ['error'];
  if (flags.stdin) out.push('stdin');
  if (flags.stdout) out.push('stdout');
  if (flags.stderr && !flags.tty) out.push('stderr');
  if (flags.tty) out.push('resize');
  return out;
}

/** offeredProtocols reads the X-Stream-Protocol-Version header(s). */
export function offeredProtocols(req: IncomingMessage): string[] {
  const raw = req.headers['x-stream-protocol-version'];
  const all = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return all.split(',').map((s) => s.trim()).filter(Boolean);
}

function controlFrame(type: number, flags: number, body: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt32BE(body.length, 4);
  h[4] = flags;
  return Buffer.concat([h, body]);
}

function dataFrame(streamId: number, flags: number, data: Uint8Array): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h.writeUInt32BE(data.length, 4);
  h[4] = flags;
  return Buffer.concat([h, data]);
}

const syncFlushMarker = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/**
 * HeaderBlockWriter produces the compressed header blocks of one
 * connection: a zlib stream (header 78 01, no preset dictionary) of
 * non-final stored blocks, each header block ending with the empty stored
 * block a Z_SYNC_FLUSH writes.
 */
class HeaderBlockWriter {
  private started = false;

  block(headers: [string, string][]): Buffer {
    const parts: Buffer[] = [];
    const count = Buffer.alloc(4);
    count.writeUInt32BE(headers.length, 0);
    parts.push(count);
    for (const [k, v] of headers) {
      for (const s of [k, v]) {
        const b = Buffer.from(s);
        const len = Buffer.alloc(4);
        len.writeUInt32BE(b.length, 0);
        parts.push(len, b);
      }
    }
    const raw = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored[0] = 0x00; // BFINAL=0, BTYPE=00 (stored), padded to the byte
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const head = this.started ? Buffer.alloc(0) : Buffer.from([0x78, 0x01]);
    this.started = true;
    // The empty stored block is the sync-flush marker: it makes Go's flate reader hand the data over
    // without reading past the frame (it only flushes its window on a stored block).
    return Buffer.concat([head, stored, raw, syncFlushMarker]);
  }
}

/** SpdyExecIO is what the exec bridge needs from the SPDY side. */
export interface SpdyExecIO {
  /**
   * start launches the process once every stream is open (with a tty, when
   * TtySessionStart says so: with the client's first size from the resize
   * stream); output goes to the given sinks.
   */
  start(out: { stdout(d: Uint8Array): void; stderr(d: Uint8Array): void }, terminalSize?: TerminalSize): ExecProcess;
  /** status renders the exit (or failure) as the v4 error-stream Status JSON; null for success. */
  status(code: number | Error): string | null;
}

/**
 * serveSpdyExec completes the upgrade and bridges frames to the process.
 * The caller has checked the pod and the offered protocol.
 */
export function serveSpdyExec(socket: Duplex, head: Buffer, flags: { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }, io: SpdyExecIO): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${SPDY_PROTOCOL}\r\n\r\n`);
  const headers = new HeaderBlockWriter();
  const wanted = expectedStreams(flags);
  const streams = new Map<StreamType, number>();
  const types = new Map<number, StreamType>();
  let proc: ExecProcess | undefined;
  let closed = false;
  // Input that comes while a tty session waits for its size; it reaches the process once it runs.
  let pendingInput: Buffer[] = [];
  let pendingSize: TerminalSize | undefined;
  let inputEnded = false;
  let gate: TtySessionStart | undefined;
  let buf: Buffer = head.length ? Buffer.from(head) : Buffer.alloc(0);
  let resizeText = '';

  const send = (frame: Buffer) => {
    if (!closed) socket.write(frame);
  };
  const sendData = (type: StreamType, data: Uint8Array) => {
    const id = streams.get(type);
    if (id !== undefined && data.length) send(dataFrame(id, 0, data));
  };
  const finish = () => {
    if (closed) return;
    // Half-close every stream we write on, then let the client close the connection.
    for (const t of ['stdout', 'stderr', 'error'] as const) {
      const id = streams.get(t);
      if (id !== undefined) send(dataFrame(id, FLAG_FIN, new Uint8Array()));
    }
    setTimeout(() => {
      if (closed) return;
      send(controlFrame(TYPE_GOAWAY, 0, Buffer.alloc(8)));
      closed = true;
      socket.end();
    }, 1000).unref();
  };

  const startProcess = (terminalSize?: TerminalSize) => {
    if (proc || closed) return;
    try {
      proc = io.start(
        {
          stdout: (d) => sendData('stdout', d),
          stderr: (d) => sendData(flags.tty ? 'stdout' : 'stderr', d),
        },
        terminalSize,
      );
    } catch (e) {
      const s = io.status(e as Error);
      if (s) sendData('error', Buffer.from(s));
      finish();
      return;
    }
    for (const data of pendingInput) proc.write(data);
    pendingInput = [];
    if (pendingSize) proc.resize(pendingSize);
    if (inputEnded) proc.closeStdin();
    proc.exited.then(
      (code) => {
        const s = io.status(code);
        if (s) sendData('error', Buffer.from(s));
        finish();
      },
      (e) => {
        const s = io.status(e as Error);
        if (s) sendData('error', Buffer.from(s));
        finish();
      },
    );
  };

  const onControl = (type: number, flagsByte: number, body: Buffer) => {
    switch (type) {
      case TYPE_SYN_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const kind = wanted[streams.size];
        if (kind) {
          streams.set(kind, id);
          types.set(id, kind);
        }
        const reply = Buffer.concat([Buffer.from([(id >>> 24) & 0x7f, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff]), headers.block([])]);
        send(controlFrame(TYPE_SYN_REPLY, 0, reply));
        if (kind === 'stdin' && flagsByte & FLAG_FIN) endInput();
        if (streams.size === wanted.length && !proc && !gate) {
          // As over WebSocket (exec.ts): a tty session starts with the client's terminal size.
          if (flags.tty) gate = new TtySessionStart(startProcess);
          else startProcess();
        }
        break;
      }
      case TYPE_PING:
        send(controlFrame(TYPE_PING, 0, body.subarray(0, 4)));
        break;
      case TYPE_RST_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        if (types.get(id) === 'stdin') endInput();
        break;
      }
      case TYPE_GOAWAY:
        closed = true;
        socket.end();
        break;
      default:
        // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do without flow control.
        break;
    }
  };

  const endInput = () => {
    inputEnded = true;
    proc?.closeStdin();
  };
  const onData = (id: number, flagsByte: number, data: Buffer) => {
    const type = types.get(id);
    if (type === 'stdin') {
      if (data.length) {
        if (proc) proc.write(data);
        else pendingInput.push(Buffer.from(data));
      }
      if (flagsByte & FLAG_FIN) endInput();
    } else if (type === 'resize') {
      // client-go writes one JSON object per line.
      resizeText += data.toString('utf8');
      let nl;
      while ((nl = resizeText.indexOf('\n')) >= 0) {
        const line = resizeText.slice(0, nl);
        resizeText = resizeText.slice(nl + 1);
        const size = parseTerminalSize(Buffer.from(line));
        if (proc) {
          if (size) proc.resize(size);
        } else if (!gate?.size(size) && size) {
          pendingSize = size;
        }
      }
    }
  };

  const parse = () => {
    while (buf.length >= 8) {
      const length = buf.readUInt32BE(4) & 0xffffff;
      if (buf.length < 8 + length) return;
      const flagsByte = buf[4]!;
      const body = buf.subarray(8, 8 + length);
      if (buf[0]! & 0x80) onControl(buf.readUInt16BE(2), flagsByte, body);
      else onData(buf.readUInt32BE(0) & 0x7fffffff, flagsByte, body);
      buf = buf.subarray(8 + length);
    }
  };

  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    parse();
  });
  socket.on('close', () => {
    closed = true;
    gate?.cancel();
    proc?.closeStdin();
  });
  parse();
}
