/**
 * harness starts a real SandboxServer (real SimProvider, real kubectl) on a
 * free port of 127.0.0.1 and drives it like a browser would: HTTP with a
 * cookie jar, and the terminal WebSocket typing lines and waiting for output.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import WebSocket from 'ws';
import { SandboxServer } from '../../../sandbox/server/sandbox-server.ts';
import { chooseProvider } from '../../../sandbox/server/provider-choice.ts';
import { findKubectl } from '../../../sandbox/server/kubectl-binary.ts';
import type { SessionLimits } from '../../../sandbox/sessions/expiry.ts';
import type { ClusterProvider } from '../../../sandbox/providers/types.ts';

export const lessonsDir = resolve('lessons');

/** makeSite writes a tiny stand-in for dist/ (integration tests do not need the real build). */
export function makeSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kslab-site-'));
  mkdirSync(join(dir, 'lessons', 'emptydir'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(join(dir, '404.html'), '<!doctype html><title>Not found</title><h1>Page not found</h1>');
  writeFileSync(join(dir, 'lessons', 'emptydir', 'index.html'), '<!doctype html><title>emptydir</title>');
  return dir;
}

export async function startServer(
  dataDir: string,
  siteDir: string,
  limits: Partial<SessionLimits> = {},
  extra: { sweepIntervalMs?: number; port?: number; wrapProvider?: (p: ClusterProvider) => ClusterProvider } = {},
): Promise<SandboxServer> {
  const kubectl = findKubectl();
  if (!kubectl) throw new Error('kubectl not found on PATH');
  const choice = chooseProvider({ requested: 'sim', tlsDir: join(dataDir, 'sim-tls'), simDataDir: join(dataDir, 'sim-data') });
  const server = new SandboxServer({
    host: '127.0.0.1',
    port: extra.port ?? 0,
    siteDir,
    lessonsDir,
    dataDir,
    provider: extra.wrapProvider ? extra.wrapProvider(choice.provider) : choice.provider,
    providerInfo: choice.info,
    limits: { idleTimeoutMs: 30 * 60_000, maxLifetimeMs: 4 * 3600_000, maxSessions: 10, ...limits },
    kubectlPath: kubectl,
    liveView: true,
    ...(extra.sweepIntervalMs ? { sweepIntervalMs: extra.sweepIntervalMs } : {}),
  });
  await server.listen();
  return server;
}

/** Browser is one cookie jar against one server origin. */
export class Browser {
  cookie: string | undefined;
  constructor(public origin: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('Cookie', this.cookie);
    const r = await fetch(this.origin + path, { ...init, headers, redirect: 'manual' });
    const set = r.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return r;
  }

  async session(lesson = 'emptydir'): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const r = await this.fetch(`/api/session?lesson=${lesson}`);
    return { status: r.status, body: await r.json() };
  }

  terminal(lesson = 'emptydir', origin = this.origin): TerminalSocket {
    return new TerminalSocket(this.origin.replace('http', 'ws') + `/api/terminal?lesson=${lesson}`, {
      ...(this.cookie ? { Cookie: this.cookie } : {}),
      Origin: origin,
    });
  }
}

/** TerminalSocket collects terminal text and control messages. */
export class TerminalSocket {
  readonly ws: WebSocket;
  text = '';
  controls: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  closed: Promise<{ code: number; reason: string }>;
  opened: Promise<void>;
  unexpectedResponse: Promise<number>;

  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data, isBinary) => {
      if (isBinary) this.controls.push(JSON.parse(String(data)));
      else this.text += String(data);
    });
    this.closed = new Promise((r) => this.ws.on('close', (code, reason) => r({ code, reason: String(reason) })));
    this.opened = new Promise((resolve, reject) => {
      this.ws.on('open', () => resolve());
      this.ws.on('error', reject);
    });
    this.unexpectedResponse = new Promise((r) => this.ws.on('unexpected-response', (_req, res) => r(res.statusCode ?? 0)));
  }

  /** waitFor resolves once the terminal text (since `from`) matches. */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<string> {
    const start = Date.now();
    while (Date.now() - start < timeoutMs) {
      const slice = this.text.slice(from);
      if (pattern.test(slice)) return slice;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out waiting for ${pattern}; terminal shows:\n${this.text.slice(from)}`);
  }

  /** run types a line and waits for the next prompt; it returns what was printed in between. */
  async run(line: string, timeoutMs = 20_000): Promise<string> {
    const from = this.text.length;
    this.ws.send(line + '\r');
    const out = await this.waitFor(/\r\n[^\n]*\$ $/, from, timeoutMs);
    return out;
  }

  close(): void {
    this.ws.close();
  }
}
