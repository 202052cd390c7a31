import { describe, expect, it } from 'vitest';
import { decodeClientFrame, encodeServerControl } from '../../../sandbox/terminal/protocol.ts';
import { FlowGate, OutputBatcher, nextPaused, type Timers } from '../../../sandbox/terminal/flow-control.ts';
import { decodeServerFrame, encodeClientControl } from '../../../site/scripts/sandbox/protocol.ts';

const bin = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('decodeClientFrame', () => {
  it('text frames are terminal input, whatever they contain', () => {
    expect(decodeClientFrame(Buffer.from('{"type":"resize","cols":1,"rows":1}'), false)).toEqual({
      kind: 'input',
      data: '{"type":"resize","cols":1,"rows":1}',
    });
  });
  it('binary frames are validated control messages', () => {
    expect(decodeClientFrame(bin({ type: 'resize', cols: 120, rows: 40 }), true)).toEqual({
      kind: 'control',
      message: { type: 'resize', cols: 120, rows: 40 },
    });
    expect(decodeClientFrame(bin({ type: 'pause' }), true)).toMatchObject({ kind: 'control' });
  });
  it('refuses malformed control messages with a reason', () => {
    expect(decodeClientFrame(Buffer.from('not json'), true)).toEqual({
      kind: 'invalid',
      message: 'a binary frame must hold one JSON control message',
    });
    expect(decodeClientFrame(bin({ type: 'resize', cols: 0, rows: 5 }), true)).toMatchObject({
      kind: 'invalid',
      message: expect.stringMatching(/^invalid control message: cols:/),
    });
    expect(decodeClientFrame(bin({ type: 'exec', cmd: 'sh' }), true)).toMatchObject({ kind: 'invalid' });
    expect(decodeClientFrame(bin({ type: 'pause', extra: 1 }), true)).toMatchObject({ kind: 'invalid' });
  });
  it('the browser client and the server agree on the format', () => {
    const frame = encodeClientControl({ type: 'resize', cols: 80, rows: 24 });
    expect(decodeClientFrame(Buffer.from(frame), true)).toEqual({ kind: 'control', message: { type: 'resize', cols: 80, rows: 24 } });
    const server = encodeServerControl({ type: 'expiry', reason: 'idle', at: '2026-01-01T00:00:00Z', secondsLeft: 60 });
    expect(decodeServerFrame(new Uint8Array(server))).toEqual({ type: 'expiry', reason: 'idle', at: '2026-01-01T00:00:00Z', secondsLeft: 60 });
  });
});

describe('nextPaused (hysteresis)', () => {
  const marks = { high: 100, low: 20 };
  it('pauses above high, stays paused until below low', () => {
    expect(nextPaused(false, 100, marks)).toBe(false);
    expect(nextPaused(false, 101, marks)).toBe(true);
    expect(nextPaused(true, 50, marks)).toBe(true);
    expect(nextPaused(true, 19, marks)).toBe(false);
    expect(nextPaused(false, 50, marks)).toBe(false);
  });
});

describe('FlowGate', () => {
  it('closes when any connection is behind or any browser asked to pause; forgets closed connections', () => {
    const gate = new FlowGate({ high: 100, low: 20 });
    const a = {};
    const b = {};
    expect(gate.observe(a, 10)).toBe(false);
    expect(gate.observe(b, 500)).toBe(true);
    expect(gate.observe(b, 50)).toBe(true);
    expect(gate.observe(b, 0)).toBe(false);
    expect(gate.clientPause(a, true)).toBe(true);
    expect(gate.forget(a)).toBe(false);
  });
});

describe('OutputBatcher', () => {
  function fakeTimers() {
    const pending: { fn: () => void; ms: number }[] = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        const t = { fn, ms };
        pending.push(t);
        return t;
      },
      clearTimeout: (h) => {
        const i = pending.indexOf(h as never);
        if (i >= 0) pending.splice(i, 1);
      },
    };
    return { timers, fire: () => pending.splice(0).forEach((t) => t.fn()), pending };
  }
  it('sends the first write at once and joins what follows within the delay', () => {
    const t = fakeTimers();
    const flushed: string[] = [];
    const b = new OutputBatcher((d) => flushed.push(d), { delayMs: 4, timers: t.timers });
    b.write('k');
    expect(flushed).toEqual(['k']);
    b.write('a');
    b.write('b');
    expect(flushed).toEqual(['k']);
    expect(t.pending).toHaveLength(1);
    t.fire();
    expect(flushed).toEqual(['k', 'ab']);
    t.fire();
    expect(t.pending).toHaveLength(0);
    b.write('x');
    expect(flushed).toEqual(['k', 'ab', 'x']);
  });
  it('flushes at once when the batch is large', () => {
    const t = fakeTimers();
    const flushed: string[] = [];
    const b = new OutputBatcher((d) => flushed.push(d), { maxBytes: 4, timers: t.timers });
    b.write('start');
    b.write('ab');
    b.write('cd');
    expect(flushed).toEqual(['start', 'abcd']);
  });
});
