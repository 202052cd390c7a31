/**
 * fast-forward runs a simulated cluster's FakeClock faster than wall time,
 * for the proof suite and the checks benchmark: containers start, MySQL
 * comes up and grace periods run out while the test waits, ten times
 * faster than on a real cluster, and an explicit wait (a solve step's
 * `sleep`) moves the clock by exactly what it asks for.
 */
import type { FakeClock } from './clock.ts';
import type { ControllerManager } from './manager.ts';

/** FastForward is a running ticker; stop() ends it. */
export interface FastForward {
  stop(): Promise<void>;
}

/**
 * fastForward advances clock by stepMs every tickMs of wall time (200 ms
 * per 20 ms: 10×) until stopped.
 */
export function fastForward(clock: FakeClock, { tickMs = 20, stepMs = 200 } = {}): FastForward {
  let running = true;
  const ticker = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, tickMs));
      if (running) clock.advance(stepMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await ticker;
    },
  };
}

/**
 * clusterSleep is a sleep for solve steps and checks on a FakeClock: it
 * moves the controllers' clock by ms in 500 ms steps (each step settles
 * the controllers), then yields a few wall milliseconds so kubectl, HTTP
 * and container I/O make progress.
 */
export function clusterSleep(controllers: Pick<ControllerManager, 'advance'>): (ms: number) => Promise<void> {
  return async (ms) => {
    await controllers.advance(ms, 500);
    await new Promise((r) => setTimeout(r, 5));
  };
}
