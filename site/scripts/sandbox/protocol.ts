/**
 * protocol (browser side) mirrors sandbox/terminal/protocol.ts: TEXT frames
 * are terminal data, BINARY frames are one JSON control message each. The
 * site never imports sandbox code (DESIGN.md: site -> sandbox over HTTP/WS
 * only), so the few types are repeated here; a unit test checks both sides agree.
 */

export type ClientControl =
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'keepalive' };

export interface ClusterProgress {
  state: 'starting' | 'ready' | 'failed' | 'resetting' | 'restoring';
  steps: { step: string; status: 'running' | 'done' | 'failed'; detail?: string }[];
  error?: string;
  notice?: string;
}

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

/** encodeClientControl makes the bytes of a binary control frame. */
export function encodeClientControl(message: ClientControl): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(message));
}

/** decodeServerFrame reads a binary control frame; undefined when it is not valid JSON. */
export function decodeServerFrame(data: ArrayBuffer | Uint8Array): ServerControl | undefined {
  try {
    return JSON.parse(new TextDecoder().decode(data)) as ServerControl;
  } catch {
    return undefined;
  }
}

/** INPUT_CHUNK: pasted text is sent in pieces well under the server's 64 KiB frame limit. */
export const INPUT_CHUNK = 16 * 1024;

/** chunkInput splits input into frames of at most INPUT_CHUNK characters (UTF-8 ≤ 3 bytes each for BMP text). */
export function chunkInput(data: string, size = INPUT_CHUNK): string[] {
  if (data.length <= size) return [data];
  const out: string[] = [];
  for (let i = 0; i < data.length; ) {
    let end = Math.min(data.length, i + size);
    // Never cut between the two halves of a surrogate pair (an emoji would arrive as two broken characters).
    const last = data.charCodeAt(end - 1);
    if (end < data.length && last >= 0xd800 && last <= 0xdbff) end--;
    out.push(data.slice(i, end));
    i = end;
  }
  return out;
}
