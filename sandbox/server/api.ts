/**
 * api is the sandbox's HTTP API (JSON, under /api/): the learner's session,
 * the cluster's state and progress (JSON and server-sent events), node power,
 * reset, and the route shape for exercise checks. Input is validated with zod
 * at the edge; every error is `{error, message}` with a fitting status code.
 * The README's "API" section and /api/openapi.json describe the same routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SessionManager } from '../sessions/manager.ts';
import { SessionsFullError } from '../sessions/manager.ts';
import type { LiveSession, TerminalConnection } from '../sessions/live-session.ts';
import type { LessonCatalog } from '../sessions/lesson-catalog.ts';
import { warnBeforeMs } from '../sessions/expiry.ts';
import type { ServerControl } from '../terminal/protocol.ts';
import { clusterShape } from '../providers/cluster-shape.ts';
import { openapiDocument } from './openapi.ts';

/** SESSION_COOKIE is the cookie holding the session token. */
export const SESSION_COOKIE = 'kslab_session';
/** MAX_BODY_BYTES: every request body of this API is a few bytes of JSON. */
export const MAX_BODY_BYTES = 16 * 1024;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiContext {
  manager: SessionManager;
  lessons: LessonCatalog;
  providerInfo: { name: string; simulated: boolean; label: string };
  /** originAllowed says whether a browser Origin may use the API (CSRF guard for POST/DELETE). */
  originAllowed: (origin: string, host: string | undefined) => boolean;
  /** secureCookies adds `Secure` (when served over HTTPS by a proxy). */
  secureCookies: boolean;
}

const lessonParam = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/);
const exerciseParam = z.string().regex(/^[a-z][a-z0-9-]{1,49}$/);
const nodeNames = [clusterShape.nodes.controlPlane, ...clusterShape.nodes.workers] as string[];
const powerBody = z.object({ on: z.boolean({ required_error: 'give "on": true or false' }) }).strict();

/** parseCookies reads a Cookie header. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !(name in out)) out[name] = part.slice(eq + 1).trim();
  }
  return out;
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof ApiError) {
    sendJson(res, e.status, { error: e.error, message: e.message }, e.status === 405 ? { Allow: 'GET, POST, DELETE' } : {});
    return;
  }
  if (e instanceof SessionsFullError) {
    sendJson(res, 503, { error: 'full', message: e.message }, { 'Retry-After': '60' });
    return;
  }
  sendJson(res, 500, { error: 'internal', message: `the sandbox server failed: ${(e as Error).message}` });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, 'too_large', `request body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'too_large', `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}

/** decodeSegment decodes one path segment; a malformed %-escape is the client's mistake (400), not the server's. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, 'invalid_input', `malformed path segment "${segment}"`);
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  throw new ApiError(400, 'invalid_input', `${what}: ${where}${issue?.message ?? 'invalid'}`);
}

function requireSession(ctx: ApiContext, req: IncomingMessage): LiveSession {
  const session = ctx.manager.find(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
  if (!session) {
    throw new ApiError(404, 'no_session', 'no session: open a lesson page first (GET /api/session creates one); an expired session cannot be resumed');
  }
  session.touch();
  return session;
}

function lessonInfo(ctx: ApiContext, id: string) {
  const lesson = ctx.lessons.get(id);
  if (!lesson) throw new ApiError(404, 'unknown_lesson', `there is no lesson "${id}"`);
  return { id: lesson.id, title: lesson.title, nodes: lesson.nodes, exercises: lesson.exercises };
}

/** describeSession is the body of GET /api/session. */
export function describeSession(ctx: ApiContext, session: LiveSession, extra: Record<string, unknown> = {}) {
  const hello = session.hello() as Extract<ServerControl, { type: 'hello' }>;
  const limits = ctx.manager.limits;
  return {
    session: {
      id: session.id,
      createdAt: new Date(session.record.createdAt).toISOString(),
      expiresAt: hello.expiresAt,
      idleExpiresAt: hello.idleExpiresAt,
      idleTimeoutSeconds: Math.round(limits.idleTimeoutMs / 1000),
      maxLifetimeSeconds: Math.round(limits.maxLifetimeMs / 1000),
      warnBeforeSeconds: Math.round(warnBeforeMs(limits) / 1000),
      lesson: session.record.lesson,
    },
    provider: ctx.providerInfo,
    cluster: { ...session.progress, poweredOff: session.record.poweredOff },
    progress: ctx.manager.store.progress(session.id),
    ...extra,
  };
}

/** handleApi answers one request under /api/. */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (method !== 'GET' && method !== 'HEAD') {
      const origin = req.headers.origin;
      if (origin !== undefined && !ctx.originAllowed(origin, req.headers.host)) {
        throw new ApiError(403, 'forbidden_origin', `requests from ${origin} are not allowed`);
      }
    }
    const allow = (...methods: string[]) => {
      if (!methods.includes(method)) throw new ApiError(405, 'method_not_allowed', `${method} is not allowed on ${path}`);
    };

    if (path === '/api/openapi.json') {
      allow('GET');
      return sendJson(res, 200, openapiDocument());
    }
    if (path === '/api/health') {
      allow('GET');
      return sendJson(res, 200, { ok: true, provider: ctx.providerInfo, sessions: ctx.manager.store.count() });
    }
    if (path === '/api/session') {
      if (method === 'DELETE') {
        const session = requireSession(ctx, req);
        await ctx.manager.destroy(session);
        res.writeHead(204, { 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0` });
        res.end();
        return;
      }
      allow('GET');
      const lessonId = url.searchParams.get('lesson');
      const lesson = lessonId === null ? null : lessonInfo(ctx, validate(lessonParam, lessonId, 'lesson'));
      const token = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      const opened = ctx.manager.open(token);
      if (lesson) opened.session.useLesson(lesson.id);
      const maxAge = Math.round(ctx.manager.limits.maxLifetimeMs / 1000);
      return sendJson(
        res,
        200,
        describeSession(ctx, opened.session, { lesson, created: opened.created, previousEnded: opened.previousEnded }),
        opened.created ? { 'Set-Cookie': sessionCookie(opened.token, maxAge, ctx.secureCookies) } : {},
      );
    }
    if (path === '/api/session/keepalive') {
      allow('POST');
      requireSession(ctx, req);
      res.writeHead(204);
      res.end();
      return;
    }
    if (path === '/api/cluster') {
      allow('GET');
      const session = requireSession(ctx, req);
      return sendJson(res, 200, { ...session.progress, poweredOff: session.record.poweredOff });
    }
    if (path === '/api/cluster/events') {
      allow('GET');
      const session = requireSession(ctx, req);
      return streamEvents(session, req, res);
    }
    if (path === '/api/cluster/reset') {
      allow('POST');
      const session = requireSession(ctx, req);
      if (session.progress.state === 'starting' || session.progress.state === 'resetting' || session.progress.state === 'restoring') {
        throw new ApiError(409, 'busy', `the cluster is ${session.progress.state}; wait until it is ready (or failed) to reset it`);
      }
      void session.reset();
      return sendJson(res, 202, { ...session.progress, poweredOff: session.record.poweredOff });
    }
    let m = /^\/api\/cluster\/nodes\/([^/]+)\/power$/.exec(path);
    if (m) {
      allow('POST');
      const session = requireSession(ctx, req);
      const node = decodeSegment(m[1]!);
      if (!nodeNames.includes(node)) throw new ApiError(404, 'unknown_node', `there is no node "${node}" (nodes: ${nodeNames.join(', ')})`);
      const body = validate(powerBody, await readJson(req), 'body');
      if (session.progress.state !== 'ready' || !session.cluster) {
        throw new ApiError(409, 'not_ready', `the cluster is ${session.progress.state}; nodes can be powered off and on once it is ready`);
      }
      try {
        await session.power(node, body.on);
      } catch (e) {
        const message = (e as Error).message;
        throw new ApiError(/not modelled/.test(message) ? 501 : 500, 'power_failed', message);
      }
      return sendJson(res, 200, { node, on: body.on, poweredOff: session.record.poweredOff });
    }
    m = /^\/api\/lessons\/([^/]+)$/.exec(path);
    if (m) {
      allow('GET');
      return sendJson(res, 200, lessonInfo(ctx, validate(lessonParam, decodeSegment(m[1]!), 'lesson')));
    }
    m = /^\/api\/lessons\/([^/]+)\/exercises\/([^/]+)\/(check|solve)$/.exec(path);
    if (m) {
      allow('POST');
      const lesson = lessonInfo(ctx, validate(lessonParam, decodeSegment(m[1]!), 'lesson'));
      const exercise = validate(exerciseParam, decodeSegment(m[2]!), 'exercise');
      if (!lesson.exercises.includes(exercise)) {
        throw new ApiError(404, 'unknown_exercise', `lesson "${lesson.id}" has no exercise "${exercise}"`);
      }
      const session = requireSession(ctx, req);
      // The check engine (sandbox/checks) grades through the session cluster's kubeconfig, like `kslab check`.
      const { checkExercise, solveExercise, solveBody, ExerciseRouteError } = await import('./exercise-routes.ts');
      try {
        if (m[3] === 'check') return sendJson(res, 200, await checkExercise(session, ctx.manager.store, lesson.id, exercise));
        const body = validate(solveBody, await readJson(req), 'body');
        return sendJson(res, 200, await solveExercise(session, lesson.id, exercise, body?.mode ?? 'solve'));
      } catch (e) {
        if (e instanceof ExerciseRouteError) throw new ApiError(e.status, e.code, e.message);
        throw e;
      }
    }
    throw new ApiError(404, 'not_found', `no API route ${path}`);
  } catch (e) {
    if (!res.headersSent) sendError(res, e);
    else res.destroy();
  }
}

/** streamEvents sends the session's cluster progress (and warnings, live view) as server-sent events. */
function streamEvents(session: LiveSession, req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  const conn: TerminalConnection = {
    sendData: () => {},
    sendControl: (message) => {
      res.write(`event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`);
    },
    close: () => res.end(),
    get bufferedAmount() {
      return res.writableLength;
    },
  };
  session.attach(conn);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
  req.on('close', () => {
    clearInterval(heartbeat);
    session.detach(conn);
  });
}
