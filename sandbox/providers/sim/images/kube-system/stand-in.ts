/**
 * standInProgram is the main program of a kube-system image: a container
 * that stands in for a cluster component the simulation models elsewhere
 * (the API server, the controllers, the scheduler) or not at all (DNS,
 * Service proxying, CNI routes). It logs what it stands for and what the
 * simulation does instead — never output pretending a real component runs —
 * then stays running until SIGTERM (exit 0, as the Go components exit on
 * TERM) or SIGKILL.
 */
import type { Program } from '../../containers/program.ts';

/** StandIn describes one component's stand-in. */
export interface StandIn {
  /** component is the binary's name (kube-apiserver, etcd, coredns, …). */
  component: string;
  /** version is the release the image is (v1.33.1, 3.5.21, 1.12.0, …). */
  version: string;
  /** instead says what the simulation does in this component's place. */
  instead: string;
}

/** standInLog is the start-up log of a stand-in: what it is, what the simulation does instead, how it was started. */
export function standInLog(s: StandIn, argv: readonly string[]): string[] {
  return [
    `kslab-sim: ${s.component} ${s.version} is simulated; this container is a stand-in that runs no ${s.component} process.`,
    `kslab-sim: ${s.instead}`,
    `kslab-sim: started as: ${argv.join(' ')}`,
    'kslab-sim: running until stopped (SIGTERM)',
  ];
}

/** standInProgram makes the executable of a stand-in image. */
export function standInProgram(s: StandIn): Program {
  return async (ctx) => {
    // Components log to stderr (klog), as the real binaries do.
    for (const line of standInLog(s, ctx.argv)) ctx.stderr.write(`${line}\n`);
    const stopped = new Promise<number>((resolve) => {
      ctx.onSignal((signal) => {
        if (signal === 'TERM' || signal === 'INT') {
          ctx.stderr.write(`kslab-sim: received SIG${signal}, ${s.component} stand-in exiting\n`);
          resolve(0);
        }
      });
      if (ctx.signal.aborted) resolve(137);
      ctx.signal.addEventListener('abort', () => resolve(137), { once: true });
    });
    return stopped;
  };
}
