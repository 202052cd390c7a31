import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../sandbox/providers/sim/containers/program.ts';

describe('systemClock', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  it('sleeps 41 days (sleep 3600000 in lesson pods) without asking Node for a timer it would fire at once', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-25T20:00:00Z') });
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    let woke = false;
    void systemClock.sleep(3_600_000 * 1000).then(() => (woke = true));
    await vi.advanceTimersByTimeAsync(30 * 24 * 3600 * 1000);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(12 * 24 * 3600 * 1000);
    expect(woke).toBe(true);
    // Node fires any delay above 2^31-1 ms after 1 ms (TimeoutOverflowWarning).
    expect(Math.max(...setTimeoutSpy.mock.calls.map((c) => Number(c[1] ?? 0)))).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it('wakes at once when the signal aborts', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(10_000_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
  });
});
