/**
 * protocol is the terminal WebSocket's wire format (documented in the README's
 * "API" section). Modelled on ttyd's (src/server.h: input, resize, pause,
 * resume), but with the control messages as JSON so they are readable and
 * validated with zod:
 *
 * - TEXT frames carry terminal data: keystrokes from the browser, terminal
 *   output (UTF-8, CR LF line ends, ANSI escapes) from the server.
 * - BINARY frames carry one UTF-8 JSON control message each.
 *
 * Keeping data and control in different frame types means no byte a learner
 * types or pastes can ever be mistaken for a control message.
 */
import { z } from 'zod';

/** clientControl is every control message a browser may send. */
export const clientControl = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('resize'),
      cols: z.number().int().min(1).max(1000),
      rows: z.number().int().min(1).max(1000),
    })
    .strict(),
  /** pause: the browser's terminal is behind (too many pending writes); stop the output for now. */
  z.object({ type: z.literal('pause') }).strict(),
  z.object({ type: z.literal('resume') }).strict(),
  /** keepalive: the learner is active (reading, not typing); resets the idle timer. */
  z.object({ type: z.literal('keepalive') }).strict(),
]);

export type ClientControl = z.infer<typeof clientControl>;

/** ClusterProgress is the cluster's bring-up state as the page shows it. */
export interface ClusterProgress {
  state: 'starting' | 'ready' | 'failed' | 'resetting' | 'restoring';
  /** steps are the bring-up steps so far, in order ("creating nodes", "installing storage"). */
  steps: { step: string; status: 'running' | 'done' | 'failed'; detail?: string }[];
  /** error says why start-up failed, in words for the learner. */
  error?: string;
  /** notice is a one-off remark (e.g. the cluster could not be restored and is fresh). */
  notice?: string;
}

/** ServerControl is every control message the server sends. */
export type ServerControl =
  | {
      type: 'hello';
      sessionId: string;
      provider: { name: string; simulated: boolean; label: string };
      lesson: string | null;
      expiresAt: string;
      idleExpiresAt: string;
      /** scrollback: the recent terminal output follows (the page clears its screen first, so nothing shows twice). */
      scrollback: boolean;
    }
  | { type: 'cluster'; cluster: ClusterProgress; poweredOff: string[] }
  | { type: 'view'; view: unknown }
  | { type: 'expiry'; reason: 'idle' | 'lifetime'; at: string; secondsLeft: number }
  | { type: 'ended'; reason: 'idle' | 'lifetime' | 'destroyed' | 'reset' | 'shutdown'; message: string }
  | { type: 'error'; error: string; message: string };

export type DecodedFrame =
  | { kind: 'input'; data: string }
  | { kind: 'control'; message: ClientControl }
  | { kind: 'invalid'; message: string };

/** decodeClientFrame reads one frame from the browser. */
export function decodeClientFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): DecodedFrame {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  if (!isBinary) return { kind: 'input', data: buf.toString('utf8') };
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8'));
  } catch {
    return { kind: 'invalid', message: 'a binary frame must hold one JSON control message' };
  }
  const parsed = clientControl.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'invalid',
      message: `invalid control message: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'unknown'}`,
    };
  }
  return { kind: 'control', message: parsed.data };
}

/** encodeServerControl turns a control message into the bytes of a binary frame. */
export function encodeServerControl(message: ServerControl): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

/** closeCodes are the WebSocket close codes the terminal uses (4000–4999 are for applications, RFC 6455 §7.4.2). */
export const closeCodes = {
  /** messageTooBig: a frame over the 64 KiB limit (RFC 6455 1009). */
  messageTooBig: 1009,
  /** sessionEnded: the session expired, was reset to a new one or destroyed; the page says why. */
  sessionEnded: 4000,
  /** noSession: the upgrade had no valid session cookie. */
  noSession: 4401,
  /** serverShutdown: the server is stopping; the client reconnects with backoff. */
  serverShutdown: 1001,
} as const;

/** MAX_FRAME_BYTES is the largest frame the server accepts (ws maxPayload). */
export const MAX_FRAME_BYTES = 64 * 1024;
