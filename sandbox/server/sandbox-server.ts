/**
 * SandboxServer is `kslab serve`: one Node HTTP server on one port that
 * serves the built course site, the sandbox JSON API and the terminal
 * WebSocket. WebSocket upgrades are authenticated in the HTTP 'upgrade'
 * handler (session cookie + Origin allow-list) before ws ever sees them
 * (ws `noServer`; research sandbox-engineering.md §5), frames are capped at
 * 64 KiB and compression is off.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClusterProvider } from '../providers/types.ts';
import { SessionManager } from '../sessions/manager.ts';
import { LessonCatalog } from '../sessions/lesson-catalog.ts';
import type { SessionLimits } from '../sessions/expiry.ts';
import type { LiveSession, TerminalConnection } from '../sessions/live-session.ts';
import { decodeClientFrame, encodeServerControl, MAX_FRAME_BYTES, closeCodes } from '../terminal/protocol.ts';
import { handleApi, parseCookies, SESSION_COOKIE, type ApiContext } from './api.ts';
import { serveStatic } from './static-site.ts';

export interface SandboxServerOptions {
  host: string;
  port: number;
  /** siteDir is Astro's build output (dist/). */
  siteDir: string;
  lessonsDir: string;
  dataDir: string;
  provider: ClusterProvider;
  providerInfo: { name: string; simulated: boolean; label: string };
  limits: SessionLimits;
  kubectlPath: string;
  /** allowOrigins are extra browser origins allowed besides the server's own. */
  allowOrigins?: string[];
  log?: (message: string) => void;
  now?: () => number;
  /** sweepIntervalMs: how often expiry is checked (default 5 s). */
  sweepIntervalMs?: number;
  liveView?: boolean;
}

/** MAX_CONNECTIONS_PER_SESSION: a learner with many tabs is fine; a loop opening sockets is not. */
const MAX_CONNECTIONS_PER_SESSION = 8;
/** PING_INTERVAL_MS: dead connections (laptop lid closed) are found and dropped. */
const PING_INTERVAL_MS = 30_000;

export class SandboxServer {
  readonly manager: SessionManager;
  readonly lessons: LessonCatalog;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly ctx: ApiContext;
  private readonly log: (message: string) => void;
  private address?: AddressInfo;
  private pingTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: SandboxServerOptions) {
    this.log = options.log ?? (() => {});
    this.lessons = LessonCatalog.load(options.lessonsDir, (m) => this.log(`lessons: ${m}`));
    this.manager = new SessionManager({
      provider: options.provider,
      providerInfo: options.providerInfo,
      dataDir: options.dataDir,
      lessons: this.lessons,
      limits: options.limits,
      kubectlPath: options.kubectlPath,
      log: this.log,
      ...(options.now ? { now: options.now } : {}),
      ...(options.liveView !== undefined ? { liveView: options.liveView } : {}),
    });
    this.ctx = {
      manager: this.manager,
      lessons: this.lessons,
      providerInfo: options.providerInfo,
      originAllowed: (origin, host) => this.originAllowed(origin, host),
      secureCookies: false,
    };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: true });
    this.http = createServer((req, res) => {
      if (!this.hostAllowed(req.headers.host)) {
        res.writeHead(403, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'forbidden_host', message: `this server answers only to its own address, not ${req.headers.host ?? '(no Host)'}` }));
        return;
      }
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'same-origin');
      res.setHeader('X-Frame-Options', 'SAMEORIGIN');
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
        void handleApi(this.ctx, req, res, url);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Method not allowed\n');
        return;
      }
      serveStatic(options.siteDir, req, res, url.pathname);
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.http.on('clientError', (_e, socket) => socket.destroy());
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.address = this.http.address() as AddressInfo;
    this.manager.startSweeping(this.options.sweepIntervalMs ?? 5000);
    this.pingTimer = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pingTimer.unref();
  }

  get port(): number {
    return this.address!.port;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.port}`;
  }

  /**
   * originAllowed: same origin (the page's Origin names the host and port the
   * request was sent to, as its Host header says) or listed with --allow-origin.
   * Comparing with Host works however the server is bound (127.0.0.1, a LAN
   * address, a name); a page on another port of the same host is another origin.
   */
  originAllowed(origin: string, host: string | undefined): boolean {
    if (this.options.allowOrigins?.includes(origin)) return true;
    let u: URL;
    try {
      u = new URL(origin);
    } catch {
      return false;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
    if (!host || !this.hostAllowed(host)) return false;
    const defaultPort = u.protocol === 'https:' ? '443' : '80';
    const withPort = (h: string) => (/:\d+$/.test(h) && !h.endsWith(']') ? h : `${h}:${defaultPort}`);
    return withPort(u.host).toLowerCase() === withPort(host).toLowerCase();
  }

  /**
   * hostAllowed guards a loopback-bound server against DNS rebinding: a page on
   * another site whose name resolves to 127.0.0.1 sends its own name as Host.
   * Bound to another address, the Host is not checked (the Origin check still is).
   */
  hostAllowed(host: string | undefined): boolean {
    if (!['127.0.0.1', 'localhost', '::1'].includes(this.options.host)) return true;
    if (!host) return false;
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
    if (['127.0.0.1', 'localhost', '[::1]'].includes(name)) return true;
    return (this.options.allowOrigins ?? []).some((o) => {
      try {
        return new URL(o).hostname === name;
      } catch {
        return false;
      }
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const reject = (status: number, message: string) => {
      const body = JSON.stringify({ error: status === 403 ? 'forbidden_origin' : status === 404 ? 'not_found' : 'no_session', message });
      socket.end(
        `HTTP/1.1 ${status} ${status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : 'Unauthorized'}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    if (!this.hostAllowed(req.headers.host)) return reject(403, `this server answers only to its own address`);
    if (url.pathname !== '/api/terminal') return reject(404, `no WebSocket at ${url.pathname}`);
    const origin = req.headers.origin;
    if (!origin || !this.originAllowed(origin, req.headers.host)) return reject(403, `WebSocket connections from ${origin ?? 'an unknown origin'} are not allowed`);
    const session = this.manager.find(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
    if (!session) return reject(401, 'no session: load the lesson page (GET /api/session) first');
    const lesson = url.searchParams.get('lesson');
    if (lesson !== null && !this.lessons.get(lesson)) return reject(404, `there is no lesson "${lesson}"`);
    if (session.connections.size >= MAX_CONNECTIONS_PER_SESSION) return reject(503, 'too many terminals open for this session');
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connect(ws, session, lesson));
  }

  private connect(ws: WebSocket, session: LiveSession, lesson: string | null): void {
    // ws closes an oversized frame with 1009 but no reason; give the learner's page one to show.
    const close = ws.close.bind(ws);
    ws.close = ((code?: number, reason?: string | Buffer) =>
      close(code, code === closeCodes.messageTooBig && !reason ? `message too big: the limit is ${MAX_FRAME_BYTES / 1024} KiB per frame` : reason)) as typeof ws.close;
    const conn: TerminalConnection = {
      sendData: (text) => {
        if (text && ws.readyState === ws.OPEN) ws.send(text, { binary: false });
      },
      sendControl: (message) => {
        if (ws.readyState === ws.OPEN) ws.send(encodeServerControl(message), { binary: true });
      },
      close: (code, reason) => ws.close(code, reason),
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
    };
    (ws as WebSocket & { alive?: boolean }).alive = true;
    ws.on('pong', () => ((ws as WebSocket & { alive?: boolean }).alive = true));
    if (lesson) session.useLesson(lesson);
    session.touch();
    session.attach(conn);
    ws.on('message', (data, isBinary) => {
      if (session.ended) return;
      const frame = decodeClientFrame(data as Buffer, isBinary);
      if (frame.kind === 'input') session.input(frame.data);
      else if (frame.kind === 'control') session.control(conn, frame.message);
      else conn.sendControl({ type: 'error', error: 'invalid_frame', message: frame.message });
    });
    ws.on('close', () => session.detach(conn));
    ws.on('error', () => {
      /* 'close' follows; the oversized-frame error is answered by ws with 1009 */
    });
  }

  private ping(): void {
    for (const ws of this.wss.clients) {
      const w = ws as WebSocket & { alive?: boolean };
      if (w.alive === false) {
        ws.terminate();
        continue;
      }
      w.alive = false;
      ws.ping();
    }
  }

  /** close stops accepting, saves every cluster, closes sockets (1001, so pages reconnect) and the provider. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    const httpClosed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    await this.manager.shutdown();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await httpClosed;
    await this.options.provider.close();
  }
}

/** defaultDataDir is $XDG_STATE_HOME/k8s-storage-lab or ~/.local/state/k8s-storage-lab. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home = env.HOME ?? '.'): string {
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'k8s-storage-lab');
}
