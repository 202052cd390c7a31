/**
 * PodNetwork is a pod's loopback interface: the containers of one pod share
 * it (one network namespace per pod), so a program listening on a port is
 * reachable from every container of the pod as localhost:PORT. Traffic
 * between pods and Services is not modelled.
 */

/** HttpRequest is what a client sends (only what the modelled servers look at). */
export interface HttpRequest {
  method: string;
  path: string;
  userAgent: string;
  /** remoteAddr is the client address the server logs (loopback: 127.0.0.1). */
  remoteAddr: string;
}

/** HttpResponse is a server's answer. */
export interface HttpResponse {
  status: number;
  reason: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse> | HttpResponse;

export class PodNetwork {
  private readonly listeners = new Map<number, HttpHandler>();

  /** listen binds a port; it throws EADDRINUSE when the port is taken (nginx: `bind() … failed (98: Address already in use)`). */
  listen(port: number, handler: HttpHandler): () => void {
    if (this.listeners.has(port)) throw Object.assign(new Error('Address already in use'), { code: 'EADDRINUSE' });
    this.listeners.set(port, handler);
    return () => {
      if (this.listeners.get(port) === handler) this.listeners.delete(port);
    };
  }

  /** request sends one HTTP request to a port; undefined means connection refused. */
  async request(port: number, request: HttpRequest): Promise<HttpResponse | undefined> {
    const handler = this.listeners.get(port);
    if (!handler) return undefined;
    return handler(request);
  }
}

/** isLoopback says whether a host name reaches this pod (localhost, 127.0.0.1, ::1, or the pod's own hostname). */
export function isLoopback(host: string, hostname: string): boolean {
  return host === 'localhost' || host === '127.0.0.1' || host === '::1' || host === '[::1]' || host === hostname || /^127\./.test(host);
}

/** parseUrl splits http://host[:port]/path (the scheme defaults to http). */
export function parseUrl(url: string): { scheme: string; host: string; port: number; path: string } | undefined {
  const m = /^(?:(https?):\/\/)?(\[[^\]]+\]|[^/:?#]+)(?::(\d+))?([^#]*)$/.exec(url);
  if (!m) return undefined;
  const scheme = m[1] ?? 'http';
  return { scheme, host: m[2]!, port: m[3] ? Number(m[3]) : scheme === 'https' ? 443 : 80, path: m[4] || '/' };
}
