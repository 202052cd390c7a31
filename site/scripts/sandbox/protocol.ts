/**
 * protocol (browser side) speaks sandbox/terminal/protocol.ts: TEXT frames
 * are terminal data, BINARY frames are one JSON control message each. The
 * message types come from the server's module as a type-only import — erased
 * from the bundle, so the page ships none of the sandbox's code (the layers
 * still point one way: site -> sandbox over HTTP/WS), and one definition
 * of the contract means the two sides cannot drift apart.
 */
import type { ClientControl, ClusterProgress, ServerControl } from '../../../sandbox/terminal/protocol.ts';

export type { ClientControl, ClusterProgress, ServerControl };

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
