/**
 * Program is the contract every simulated executable implements — busybox's
 * applets, the shell itself, nginx, and image models from other modules
 * (mysqld, the mysql client, docker-entrypoint.sh). A program gets its argv,
 * environment, working directory, the container's filesystem view and three
 * byte streams, and resolves with its exit status. It must never spawn a host
 * process or touch a host path: everything goes through `ctx.fs`.
 */
import type { ContainerFs } from './fs/container-fs.ts';
import type { PodNetwork } from './network.ts';
import type { ClusterLink } from './cluster-link.ts';

/** Clock is injectable time: tests drive sleeps and log timestamps with a fake. */
export interface Clock {
  now(): Date;
  /** sleep resolves after ms, or early (without throwing) when signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** MAX_TIMER_MS is the longest setTimeout delay Node honours (2^31-1 ms, ~24.8 days); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** systemClock is wall-clock time. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      // `sleep 3600000` (the lessons' "forever") is 41 days: wait in steps Node's timers can hold.
      const until = Date.now() + Math.max(0, ms);
      let timer = setTimeout(step, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
      function step(): void {
        const left = until - Date.now();
        if (left > 0) timer = setTimeout(step, Math.min(MAX_TIMER_MS, left));
        else done();
      }
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** OutputStream is where a program writes (a pipe, a file, the exec stream, the container log). */
export interface OutputStream {
  write(data: string | Uint8Array): void;
  /** ready resolves when the reader has caught up (pipes); streaming tools await it between chunks. */
  ready(): Promise<void>;
  /** closed is true once nobody reads any more (the pipe's reader exited: EPIPE); writers should stop. */
  readonly closed: boolean;
}

/** InputStream is what a program reads (a pipe, a file, the exec stdin). */
export interface InputStream {
  /**
   * read resolves with the next chunk, or null at end of input. With a
   * signal, it resolves null once the signal aborts, without taking any input
   * (a reader stopped by Ctrl-C must not swallow what is typed next).
   */
  read(signal?: AbortSignal): Promise<Uint8Array | null>;
}

/** SignalName is the signals the simulation delivers. */
export type SignalName = 'HUP' | 'INT' | 'QUIT' | 'KILL' | 'TERM';

/** SIGNAL_NUMBERS are Linux's (signal(7)); a process killed by one exits 128 + n. */
export const SIGNAL_NUMBERS: Record<SignalName, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, TERM: 15 };

/** SignalAbort is the abort reason of a program stopped by a signal. */
export class SignalAbort extends Error {
  readonly signalName: SignalName;
  constructor(signal: SignalName) {
    super(`killed by SIG${signal}`);
    this.signalName = signal;
  }
  /** exitCode is 128 + signal number, what a shell reports for a killed child. */
  get exitCode(): number {
    return 128 + SIGNAL_NUMBERS[this.signalName];
  }
}

/** SignalHandler is what a program installs with ctx.onSignal: 'ignore', or a function (the program then decides when to exit). */
export type SignalHandler = 'ignore' | ((signal: SignalName) => void);

/** ContainerIdentity is what a program may know about the container it runs in. */
export interface ContainerIdentity {
  /** hostname is the pod name (or the pod's hostname field). */
  hostname: string;
  /** image is the normalised image reference, e.g. docker.io/library/busybox:1.36. */
  image: string;
  /** user is the process's user: uid/gid and the name /etc/passwd gives it. */
  user: { uid: number; gid: number; name: string };
}

/** TerminalInfo is the tty's size (resize messages update it). */
export interface TerminalInfo {
  columns: number;
  rows: number;
}

/** ProgramContext is everything a running program may use. */
export interface ProgramContext {
  /** argv[0] is the name it was invoked by (`sh`, `/bin/ls`). */
  argv: string[];
  env: Map<string, string>;
  /** cwd is an absolute, normalised container path. */
  cwd: string;
  /** fs is the container's filesystem, already acting as the process's user. */
  fs: ContainerFs;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  /** tty: stdin/stdout are a terminal (kubectl -t); tools format for humans (ls in columns). */
  tty: boolean;
  terminal: TerminalInfo;
  /** setRawMode switches the tty between raw (the program edits lines itself) and cooked input; absent without a tty. */
  setRawMode?: (raw: boolean) => void;
  /**
   * setForeground makes handler receive the tty's Ctrl-C/Ctrl-\ (a shell running
   * a job in the foreground); it returns the previous handler to restore. Absent without a tty.
   */
  setForeground?: (handler: ((signal: SignalName) => void) | undefined) => ((signal: SignalName) => void) | undefined;
  /** signal aborts when the program must stop now (SIGKILL, or a signal whose default action kills it). Its reason is a SignalAbort. */
  signal: AbortSignal;
  /** onSignal installs a handler for catchable signals (TERM, INT, HUP); 'ignore' ignores them. */
  onSignal(handler: SignalHandler): void;
  clock: Clock;
  container: ContainerIdentity;
  /** pid1 is true for the container's main process (which the kernel does not kill with default-action signals). */
  pid1: boolean;
  /** process is this process's entry in the container's process table (ps, kill, $$). Optional so tests can build a context by hand. */
  process?: ProcessHandle;
  /** network is the pod's loopback (servers listen, clients connect to localhost). */
  network?: PodNetwork;
  /** cluster links a container that stands in for a cluster component to the simulated component (see cluster-link.ts); absent outside a kubelet. */
  cluster?: ClusterLink;
  /**
   * run starts another program of this container as a child (a shell running
   * `mysql`, an entrypoint exec'ing `mysqld`), with the same streams unless
   * overridden, and resolves with its exit status.
   */
  run(argv: string[], overrides?: Partial<Pick<ProgramContext, 'env' | 'cwd' | 'stdin' | 'stdout' | 'stderr' | 'signal' | 'onSignal'>>): Promise<number>;
}

/** CommandNotFoundError: ctx.run found no program by that name on PATH (the shell says `sh: foo: not found`, 127). */
export class CommandNotFoundError extends Error {
  constructor(readonly command: string) {
    super(`${command}: not found`);
  }
}

/** CommandNotExecutableError: the path exists but is not a program (`sh: ./x: Permission denied`, 126). */
export class CommandNotExecutableError extends Error {
  constructor(readonly command: string, readonly reason: string = 'Permission denied') {
    super(`${command}: ${reason}`);
  }
}

/** ProcessInfo is one row of a container's process table (what ps shows). */
export interface ProcessInfo {
  pid: number;
  /** user is the uid the process runs as. */
  uid: number;
  argv: readonly string[];
  startedAt: Date;
}

/** ProcessHandle lets a program see and signal the processes of its own container (one PID namespace per container). */
export interface ProcessHandle {
  readonly pid: number;
  list(): ProcessInfo[];
  /** kill delivers a signal; 'ESRCH' when no such process lives in this container. */
  kill(pid: number, signal: SignalName): 'ok' | 'ESRCH';
}

/** Program is one simulated executable. */
export type Program = (ctx: ProgramContext) => Promise<number>;
