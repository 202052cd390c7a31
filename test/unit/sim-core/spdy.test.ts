import { describe, expect, it } from 'vitest';
import { inflateSync } from 'node:zlib';
import { PassThrough } from 'node:stream';
import { expectedStreams, serveSpdyExec } from '../../../sandbox/providers/sim/streams/spdy.ts';
import type { ExecProcess } from '../../../sandbox/providers/sim/streams/types.ts';

function frames(bytes: Buffer): { control: boolean; type: number; id: number; flags: number; body: Buffer }[] {
  const out = [];
  let b = bytes;
  while (b.length >= 8) {
    const len = b.readUInt32BE(4) & 0xffffff;
    const control = (b[0]! & 0x80) !== 0;
    const body = b.subarray(8, 8 + len);
    out.push({ control, type: control ? b.readUInt16BE(2) : 0, id: control ? body.readUInt32BE(0) & 0x7fffffff : b.readUInt32BE(0), flags: b[4]!, body });
    b = b.subarray(8 + len);
  }
  return out;
}

function synStream(id: number): Buffer {
  const body = Buffer.alloc(10);
  body.writeUInt32BE(id, 0);
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8003, 0);
  h.writeUInt16BE(1, 2);
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

describe('SPDY exec streams', () => {
  it('expects the streams in the order client-go creates them', () => {
    expect(expectedStreams({ stdin: false, stdout: true, stderr: true, tty: false })).toEqual(['error', 'stdout', 'stderr']);
    expect(expectedStreams({ stdin: true, stdout: true, stderr: true, tty: true })).toEqual(['error', 'stdin', 'stdout', 'resize']);
  });

  it('replies to each SYN_STREAM, sends output as DATA frames and the status on the error stream', async () => {
    const socket = new PassThrough();
    let written = Buffer.alloc(0);
    socket.write = ((chunk: Buffer | string) => {
      written = Buffer.concat([written, Buffer.from(chunk)]);
      return true;
    }) as typeof socket.write;
    let exit!: (code: number) => void;
    serveSpdyExec(socket, Buffer.alloc(0), { stdin: false, stdout: true, stderr: true, tty: false }, {
      start: (out): ExecProcess => {
        setTimeout(() => {
          out.stdout(Buffer.from('out'));
          out.stderr(Buffer.from('err'));
          exit(3);
        }, 5);
        return { write() {}, closeStdin() {}, resize() {}, exited: new Promise((r) => (exit = r)) };
      },
      status: (code) => JSON.stringify({ status: code === 0 ? 'Success' : 'Failure', code }),
    });
    socket.emit('data', Buffer.concat([synStream(1), synStream(3), synStream(5)]));
    await new Promise((r) => setTimeout(r, 50));
    const text = written.toString('latin1');
    expect(text.startsWith('HTTP/1.1 101 Switching Protocols\r\n')).toBe(true);
    expect(text).toContain('X-Stream-Protocol-Version: v4.channel.k8s.io\r\n');
    const fs = frames(written.subarray(written.indexOf('\r\n\r\n') + 4));
    const replies = fs.filter((f) => f.control && f.type === 2);
    expect(replies.map((f) => f.id)).toEqual([1, 3, 5]);
    // The reply header blocks form one zlib stream that inflates to "zero headers" each.
    const zstream = Buffer.concat(replies.map((f) => f.body.subarray(4)));
    expect(inflateSync(zstream, { finishFlush: 2 /* Z_SYNC_FLUSH */ })).toEqual(Buffer.alloc(12));
    const data = fs.filter((f) => !f.control && f.body.length);
    expect(data.map((f) => `${f.id}:${f.body.toString()}`)).toEqual(['3:out', '5:err', '1:{"status":"Failure","code":3}']);
    expect(fs.filter((f) => !f.control && f.flags & 1).map((f) => f.id).sort()).toEqual([1, 3, 5]);
  });
});
