/**
 * serveExecUpgrade runs `kubectl exec`/`attach` over WebSocket with the
 * Kubernetes channel protocols v5.channel.k8s.io and v4.channel.k8s.io
 * (k8s.io/apimachinery pkg/util/remotecommand/constants.go; kubelet
 * pkg/kubelet/cri/streaming/remotecommand/websocket.go): every binary frame
 * starts with a channel byte — 0 stdin, 1 stdout, 2 stderr, 3 status JSON
 * (a metav1.Status: Success, or Failure/NonZeroExitCode with the exit code in
 * details.causes), 4 resize `{"Width":W,"Height":H}`, 255 close (v5 only:
 * the client closing one of its streams). The chosen subprotocol is echoed,
 * pings are answered (ws does that), and an upgrade the server refuses is
 * answered with a Status body, which client-go turns into the error it prints.
 *
 * SPDY (kubectl ≤ 1.28's only transport, 1.29's default) is served by
 * ./spdy.ts with the same checks and the same runtime.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KObject } from '../store/types.ts';
import { findResource } from '../api/resources.ts';
import { StatusError, badRequest } from '../api/status.ts';
import type { ClusterApi } from '../server/rest.ts';
import { kubeletUnreachable, resolveContainer } from './logs.ts';
import type { ContainerRuntime, ExecOptions, ExecProcess, TerminalSize } from './types.ts';
import { SPDY_PROTOCOL, offeredProtocols, serveSpdyExec } from './spdy.ts';
import { TtySessionStart, parseTerminalSize } from './terminal-size.ts';

/** SUPPORTED_PROTOCOLS in order of preference. */
export const SUPPORTED_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

const podsType = findResource('', 'v1', 'pods')!;

const CH_STDIN = 0;
const CH_STDOUT = 1;
const CH_STDERR = 2;
const CH_STATUS = 3;
const CH_RESIZE = 4;
const CH_CLOSE = 255;

/** execWebSocketServer makes the ws server that performs the upgrades (one per SimServer). */
export function execWebSocketServer(): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 16 * 1024 * 1024,
    handleProtocols: (offered) => {
      for (const p of SUPPORTED_PROTOCOLS) if (offered.has(p)) return p;
      return false;
    },
  });
}

/** rejectUpgrade answers a refused upgrade with a Status body (client-go reports its message). */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const status =
    err instanceof StatusError
      ? err.toStatus()
      : { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${(err as Error)?.message ?? String(err)}`, reason: 'InternalError', code: 500 };
  const body = JSON.stringify(status);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status.code] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function exitStatus(code: number): object {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [...], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** ExecRequest is a parsed `…/pods/<name>/exec|attach` upgrade. */
export interface ExecRequest {
  kind: 'exec' | 'attach';
  namespace: string;
  name: string;
  query: URLSearchParams;
}

/**
 * serveExecUpgrade checks the pod like the apiserver does before it
 * proxies to a kubelet, then upgrades and bridges frames to the runtime.
 */
export function serveExecUpgrade(api: ClusterApi, runtime: ContainerRuntime | undefined, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, er: ExecRequest): void {
  let pod: KObject;
  let container: string;
  let argv: string[] = [];
  const q = er.query;
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const stdin = flag('stdin');
  const tty = flag('tty');
  // Streams the client did not ask for are not sent (client-node fails on an unexpected channel).
  const wantStdout = flag('stdout');
  const wantStderr = flag('stderr') && !tty;
  let spdy = false;
  try {
    pod = api.get(podsType, er.namespace, er.name);
    const p = pod as any;
    if (!p.spec?.nodeName) throw badRequest(`pod ${er.name} does not have a host assigned`);
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') {
      throw badRequest(`cannot ${er.kind} into a container in a completed pod; current phase is ${p.status.phase}`);
    }
    container = resolveContainer(pod, q.get('container'));
    if (er.kind === 'exec') {
      argv = q.getAll('command');
      if (!argv.length) throw badRequest('you must specify at least 1 command');
    }
    if (!runtime) throw kubeletUnreachable(pod, `${er.kind}/${er.namespace}/${er.name}/${container}`);
    if (er.kind === 'attach' && !runtime.attach) throw badRequest(`container ${container} in pod ${er.name} does not support attach`);
    if ((req.headers.upgrade ?? '').toLowerCase().includes('spdy')) {
      const offeredSpdy = offeredProtocols(req);
      if (!offeredSpdy.includes(SPDY_PROTOCOL)) {
        throw badRequest(`unable to upgrade connection: none of the offered stream protocols (${offeredSpdy.join(', ') || 'none'}) is supported over SPDY; this server speaks ${SPDY_PROTOCOL}`);
      }
      spdy = true;
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!spdy && !SUPPORTED_PROTOCOLS.some((p) => offered.includes(p))) {
      throw badRequest(`unable to upgrade connection: none of the offered subprotocols (${offered.join(', ') || 'none'}) is supported; this server speaks ${SUPPORTED_PROTOCOLS.join(', ')}`);
    }
  } catch (e) {
    rejectUpgrade(socket, e);
    return;
  }

  if (spdy) {
    const abort = new AbortController();
    socket.on('close', () => abort.abort());
    serveSpdyExec(socket, head, { stdin, stdout: wantStdout, stderr: flag('stderr'), tty }, {
      start: (out, terminalSize) => {
        const options = { stdin, tty, stdout: out.stdout, stderr: out.stderr, signal: abort.signal, terminalSize };
        return er.kind === 'exec' ? runtime!.exec(pod, container, argv, options) : runtime!.attach!(pod, container, options);
      },
      status: (result) => {
        if (result instanceof Error) {
          const e = result as Error & { reason?: string; code?: number };
          return JSON.stringify({ metadata: {}, status: 'Failure', message: e.message, reason: e instanceof StatusError ? e.reason : 'InternalError', ...(e instanceof StatusError ? { code: e.code } : {}) });
        }
        return JSON.stringify(exitStatus(er.kind === 'attach' ? 0 : result & 0xff));
      },
    });
    return;
  }

  wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
    const abort = new AbortController();
    const v5 = ws.protocol === 'v5.channel.k8s.io';
    const send = (channel: number, data: Uint8Array) => {
      if (ws.readyState !== ws.OPEN) return;
      const frame = Buffer.allocUnsafe(data.length + 1);
      frame[0] = channel;
      frame.set(data, 1);
      ws.send(frame);
    };
    let proc: ExecProcess | undefined;
    let finished = false;
    /** finish sends the one status frame, then a normal close; the client's close completes it (ws waits for it). */
    const finish = (status: object) => {
      if (finished) return;
      finished = true;
      send(CH_STATUS, Buffer.from(JSON.stringify(status)));
      ws.close(1000);
    };
    const failure = (e: unknown) =>
      e instanceof StatusError
        ? { metadata: {}, status: 'Failure', message: e.message, reason: e.reason, code: e.code }
        : { metadata: {}, status: 'Failure', message: e instanceof Error ? e.message : String(e), reason: 'InternalError' };
    const onFrame = (p: ExecProcess, data: Buffer) => {
      const ch = data[0];
      const payload = data.subarray(1);
      if (ch === CH_STDIN) {
        if (stdin) p.write(payload);
      } else if (ch === CH_RESIZE) {
        const size = parseTerminalSize(payload);
        if (size) p.resize(size);
      } else if (ch === CH_CLOSE && v5) {
        if (payload[0] === CH_STDIN) p.closeStdin();
      }
    };
    // Frames that come before the process starts (it waits for the terminal size, below) are applied in order.
    const early: Buffer[] = [];
    const start = (terminalSize?: TerminalSize) => {
      if (proc || finished) return;
      try {
        const options: ExecOptions = {
          stdin,
          tty,
          stdout: (d: Uint8Array) => {
            if (wantStdout) send(CH_STDOUT, d);
          },
          stderr: (d: Uint8Array) => {
            if (tty) {
              if (wantStdout) send(CH_STDOUT, d);
            } else if (wantStderr) send(CH_STDERR, d);
          },
          signal: abort.signal,
          terminalSize,
        };
        proc = er.kind === 'exec' ? runtime!.exec(pod, container, argv, options) : runtime!.attach!(pod, container, options);
      } catch (e) {
        finish(failure(e));
        return;
      }
      const started = proc;
      for (const data of early.splice(0)) onFrame(started, data);
      started.exited.then(
        // Attach reports no exit code: the runtime's attach stream just ends (kubelet ServeAttach sends
        // Success), and kubectl run -i reads the exit code from the pod status instead.
        (code) => finish(exitStatus(er.kind === 'attach' ? 0 : code & 0xff)),
        (e) => finish(failure(e)),
      );
    };
    // A tty session starts with the client's terminal size, as on a node (terminal-size.ts, QA F3).
    const gate = tty ? new TtySessionStart(start) : undefined;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      if (proc) return onFrame(proc, data);
      // The first size counts even when the kubelet would drop it (0x0): the client has written it.
      if (data[0] === CH_RESIZE && gate?.size(parseTerminalSize(data.subarray(1)))) return;
      early.push(data);
    });
    ws.on('close', () => {
      abort.abort();
      // A client gone before the process started leaves nothing to run.
      gate?.cancel();
      if (!proc) finished = true;
      proc?.closeStdin();
    });
    if (!gate) start();
  });
}
