/**
 * Container processes: what the kubelet model starts and stops. startContainer
 * computes the process the way Docker/containerd do from the pod spec and the
 * image (`command` replaces ENTRYPOINT, `args` replaces CMD —
 * https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes),
 * runs it as PID 1 with the image's env, user and working directory, and
 * records stdout/stderr as timestamped lines for `kubectl logs`.
 * execInContainer and attachToContainer give ExecProcess objects matching
 * ../streams/types.ts, so the kubelet's ContainerRuntime only has to look the
 * container up and call them.
 *
 * Termination follows the kernel: kill('TERM') delivers SIGTERM; a program
 * without a handler that is PID 1 ignores it (busybox `sleep 86400`), so the
 * kubelet's grace period runs out and kill('KILL') ends it with 137.
 */
import type { ExecOptions, ExecProcess, LogLine } from '../streams/types.ts';
import type { ContainerFs } from './fs/container-fs.ts';
import { normalizePath } from './fs/paths.ts';
import { resolveImage, type Image, type ImageUser, type ResolvedImage } from './images/registry.ts';
import {
  CommandNotExecutableError,
  CommandNotFoundError,
  systemClock,
  type Clock,
  type InputStream,
  type OutputStream,
  type ProgramContext,
  type SignalName,
  type TerminalInfo,
} from './program.ts';
import { ProcessTable, spawnProgram, type ContainerSetup, type SpawnedProcess } from './runtime.ts';
import { emptyInput, Pipe, callbackOutput } from './streams.ts';
import { Tty } from './tty.ts';
import { PodNetwork } from './network.ts';
import type { ClusterLink } from './cluster-link.ts';

/** EnvVar is a resolved environment variable (the kubelet has already expanded $(VAR) and valueFrom). */
export interface EnvVar {
  name: string;
  value: string;
}

/** StartContainerOptions: the container spec, resolved by the kubelet. */
export interface StartContainerOptions {
  /** image is the pod's `image:` (resolved through the catalogue) or an already resolved image. */
  image: string | ResolvedImage;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  workingDir?: string;
  /** fs is the container's filesystem view (rootfs + volume mounts), built by the kubelet. */
  fs: ContainerFs;
  /** hostname is the pod's hostname (HOSTNAME env, `hostname`, /etc/hostname is the kubelet's file mount). */
  hostname: string;
  /** stdin/stdinOnce/tty mirror the container spec (kubectl run -it, kubectl debug -it). */
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  /** user overrides the image's USER (securityContext.runAsUser / runAsGroup). */
  user?: { uid: number; gid?: number };
  clock?: Clock;
  /** network is the pod's loopback: pass one PodNetwork to all containers of a pod (default: one per container). */
  network?: PodNetwork;
  /** onLogLine is called for every line the container writes (the kubelet writes /var/log/pods files from it). */
  onLogLine?: (line: ContainerLogLine) => void;
  /** cluster links images that stand in for cluster components to the simulated components (cluster-link.ts). */
  cluster?: ClusterLink;
}

/** ContainerLogLine is a LogLine with the stream it came from (CRI log format needs it). */
export interface ContainerLogLine extends LogLine {
  stream: 'stdout' | 'stderr';
}

/** ContainerStartError is a container that cannot start (StartError, exit code 128), worded as containerd/runc do. */
export class ContainerStartError extends Error {
  readonly exitCode = 128;
  readonly reason = 'StartError';
}

/** ContainerExecError is an exec that cannot start; the kubelet answers it as an internal error with this message. */
export class ContainerExecError extends Error {}

/** MAX_LOG_LINES is how many lines a container keeps (the kubelet rotates at containerLogMaxSize 10Mi). */
export const MAX_LOG_LINES = 10_000;

/** ContainerLog holds a container's output lines and lets readers follow it. */
export class ContainerLog {
  private readonly lines: ContainerLogLine[] = [];
  private readonly partial = { stdout: '', stderr: '' };
  private readonly listeners = new Set<(line: ContainerLogLine | null) => void>();
  private ended = false;

  constructor(
    private readonly clock: Clock,
    private readonly onLine?: (line: ContainerLogLine) => void,
  ) {}

  /** append records output; complete lines become log lines. */
  append(stream: 'stdout' | 'stderr', data: Uint8Array | string): void {
    const text = this.partial[stream] + (typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    const parts = text.split('\n');
    this.partial[stream] = parts.pop()!;
    for (const part of parts) this.push(stream, part.replace(/\r$/, ''));
  }

  private push(stream: 'stdout' | 'stderr', text: string): void {
    const line: ContainerLogLine = { time: this.clock.now(), text, stream };
    this.lines.push(line);
    if (this.lines.length > MAX_LOG_LINES) this.lines.splice(0, this.lines.length - MAX_LOG_LINES);
    this.onLine?.(line);
    for (const l of this.listeners) l(line);
  }

  /** end flushes unterminated output and wakes followers (the container stopped). */
  end(): void {
    if (this.ended) return;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.push(stream, this.partial[stream]);
      this.partial[stream] = '';
    }
    this.ended = true;
    for (const l of this.listeners) l(null);
  }

  /** snapshot is the lines so far. */
  snapshot(): readonly ContainerLogLine[] {
    return [...this.lines];
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** follow yields new lines as they come, until the container stops or signal aborts. */
  async *follow(signal: AbortSignal): AsyncIterable<ContainerLogLine> {
    if (this.ended) return;
    const queue: (ContainerLogLine | null)[] = [];
    let wake: (() => void) | undefined;
    const listener = (line: ContainerLogLine | null): void => {
      queue.push(line);
      wake?.();
    };
    const onAbort = (): void => wake?.();
    this.listeners.add(listener);
    signal.addEventListener('abort', onAbort);
    try {
      for (;;) {
        while (queue.length > 0) {
          const line = queue.shift()!;
          if (line === null) return;
          yield line;
        }
        if (signal.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.listeners.delete(listener);
      signal.removeEventListener('abort', onAbort);
    }
  }
}

/** ContainerProcess is a started container: its main process, log and streams. */
export interface ContainerProcess {
  /** exited resolves with the main process's exit status (137 after KILL, 143 if TERM kills it). */
  readonly exited: Promise<number>;
  /** kill delivers a signal to the main process (the kubelet: TERM, then KILL after the grace period). */
  kill(signal: 'TERM' | 'KILL' | 'INT' | 'HUP' | 'QUIT'): void;
  readonly logs: ContainerLog;
  readonly startedAt: Date;
  readonly image: ResolvedImage;
  readonly fs: ContainerFs;
  readonly hostname: string;
  /** running is false once the main process has exited. */
  readonly running: boolean;
  /** exitCode is set once exited. */
  readonly exitCode: number | undefined;
  /** argv is the main process's command line (entrypoint/cmd/command/args applied). */
  readonly argv: readonly string[];
}

/** RunningContainer is the implementation behind ContainerProcess (exec/attach need its internals). */
class RunningContainer implements ContainerProcess {
  readonly logs: ContainerLog;
  readonly startedAt: Date;
  readonly exited: Promise<number>;
  running = true;
  exitCode: number | undefined;
  readonly argv: readonly string[];
  readonly setup: ContainerSetup;
  readonly baseEnv: Map<string, string>;
  readonly workingDir: string;
  private readonly main: SpawnedProcess;
  /** attachers receive the main process's output (kubectl attach / run -it / debug -it). */
  readonly attachers = new Set<{ stdout: (d: Uint8Array) => void; stderr: (d: Uint8Array) => void }>();
  readonly stdinPipe: Pipe | undefined;
  readonly tty: Tty | undefined;
  /** stdin mirrors the container spec's `stdin`: without it an attach session's input goes nowhere. */
  readonly stdin: boolean;
  readonly stdinOnce: boolean;
  /** execs are the running exec sessions; they end with the container. */
  readonly execs = new Set<SpawnedProcess>();
  /** exitWaiters are attach sessions waiting for the main process to end. */
  readonly exitWaiters = new Set<(code: number) => void>();

  constructor(
    readonly image: ResolvedImage,
    readonly fs: ContainerFs,
    readonly hostname: string,
    options: StartContainerOptions,
  ) {
    const clock = options.clock ?? systemClock;
    this.startedAt = clock.now();
    this.logs = new ContainerLog(clock, options.onLogLine);
    const img = image.image;
    this.argv = containerArgv(img.entrypoint, img.cmd, options.command, options.args);
    if (this.argv.length === 0) {
      throw new ContainerStartError('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: no command specified: unknown');
    }
    const user: ImageUser =
      options.user !== undefined
        ? { uid: options.user.uid, gid: options.user.gid ?? options.user.uid, name: options.user.uid === img.user.uid ? img.user.name : String(options.user.uid) }
        : img.user;
    const processes = new ProcessTable();
    this.setup = { image: img, imageRef: image.ref.canonical, fs, hostname, clock, user, network: options.network ?? new PodNetwork(), processes, cluster: options.cluster };
    fs.setProcessSource(() => processes.procList());
    this.baseEnv = containerEnv(img.env, hostname, options.env ?? [], homeOf(img, user));
    this.workingDir = normalizePath(options.workingDir || img.workingDir);
    this.stdin = !!options.stdin;
    this.stdinOnce = !!options.stdinOnce;

    let stdout: OutputStream;
    let stderr: OutputStream;
    let stdin: InputStream = emptyInput;
    let terminal: TerminalInfo = { columns: 80, rows: 24 };
    let setRawMode: ((raw: boolean) => void) | undefined;
    let setForeground: ProgramContext['setForeground'];
    if (options.tty) {
      this.tty = new Tty(
        (data) => {
          this.logs.append('stdout', data);
          for (const a of this.attachers) a.stdout(data);
        },
        (signal) => this.kill(signal),
      );
      stdout = stderr = this.tty.output;
      stdin = options.stdin ? this.tty : emptyInput;
      terminal = this.tty.terminal;
      setRawMode = (raw) => this.tty!.setRaw(raw);
      setForeground = foregroundSetter(this.tty);
    } else {
      stdout = callbackOutput((data) => {
        this.logs.append('stdout', data);
        for (const a of this.attachers) a.stdout(data);
      });
      stderr = callbackOutput((data) => {
        this.logs.append('stderr', data);
        for (const a of this.attachers) a.stderr(data);
      });
      if (options.stdin) {
        this.stdinPipe = new Pipe();
        stdin = this.stdinPipe;
      }
    }
    try {
      this.main = spawnProgram(this.setup, {
        argv: [...this.argv],
        env: new Map(this.baseEnv),
        cwd: this.workingDir,
        stdin,
        stdout,
        stderr,
        tty: !!options.tty,
        terminal,
        setRawMode,
        setForeground,
        pid1: true,
      });
    } catch (err) {
      throw startError(err, this.argv[0]!);
    }
    this.exited = this.main.exited.then((code) => {
      this.running = false;
      this.exitCode = code;
      this.logs.end();
      // The container stopping takes its exec'd processes with it.
      for (const e of this.execs) e.deliver('KILL');
      for (const w of this.exitWaiters) w(code);
      this.exitWaiters.clear();
      return code;
    });
  }

  kill(signal: SignalName): void {
    if (this.running) this.main.deliver(signal);
  }
}

/** foregroundSetter lets programs on a tty claim its Ctrl-C (see ProgramContext.setForeground). */
function foregroundSetter(tty: Tty): NonNullable<ProgramContext['setForeground']> {
  return (handler) => {
    const previous = tty.foreground;
    tty.foreground = handler;
    return previous;
  };
}

/** containerArgv applies Docker's rules: command replaces ENTRYPOINT (and drops CMD); args replace CMD. */
export function containerArgv(entrypoint: readonly string[], cmd: readonly string[], command?: string[], args?: string[]): string[] {
  if (command && command.length > 0) return [...command, ...(args ?? [])];
  if (args && args.length > 0) return [...entrypoint, ...args];
  return [...entrypoint, ...cmd];
}

/** containerEnv layers the image's ENV, HOSTNAME and the container's env (later wins, as in the OCI spec the kubelet builds). */
export function containerEnv(imageEnv: Readonly<Record<string, string>>, hostname: string, env: EnvVar[], home = '/root'): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(imageEnv)) out.set(k, v);
  out.set('HOSTNAME', hostname);
  // runc sets HOME from the user's passwd entry when the image does not (root: /root).
  if (!out.has('HOME')) out.set('HOME', home);
  for (const { name, value } of env) out.set(name, value);
  if (!out.has('PATH')) out.set('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  return out;
}

/** homeOf reads the user's home directory from the image's /etc/passwd (`/` when it has none). */
function homeOf(image: Image, user: ImageUser): string {
  const passwd = image.layer.get('/etc/passwd');
  if (passwd?.content !== undefined) {
    const text = typeof passwd.content === 'string' ? passwd.content : Buffer.from(passwd.content).toString('utf8');
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (Number(f[2]) === user.uid && f[5]) return f[5];
    }
  }
  return user.uid === 0 ? '/root' : '/';
}

function startError(err: unknown, command: string): Error {
  if (err instanceof CommandNotFoundError) {
    const where = command.includes('/') ? `stat ${command}: no such file or directory` : `exec: "${command}": executable file not found in $PATH`;
    return new ContainerStartError(`failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: ${where}: unknown`);
  }
  if (err instanceof CommandNotExecutableError) {
    return new ContainerStartError(`failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "${command}": permission denied: unknown`);
  }
  return err as Error;
}

/**
 * startContainer starts a container's main process. Resolve the image first
 * (resolveImage, and imagePullError when it is not there): an unknown image here
 * is a programming error. It throws ContainerStartError when the command cannot be started
 * (the kubelet reports terminated/StartError, exit code 128, with the message).
 */
export function startContainer(options: StartContainerOptions): ContainerProcess {
  const image = typeof options.image === 'string' ? resolveImage(options.image) : options.image;
  if (!image) throw new Error(`startContainer: image ${String(options.image)} is not in the catalogue (check with resolveImage first)`);
  return new RunningContainer(image, options.fs, options.hostname, options);
}

/** sessionStreams builds a session's stdin/stdout/stderr from ExecOptions (tty or not). */
function sessionStreams(options: ExecOptions, onSignal: (s: SignalName) => void) {
  const closed = (): boolean => options.signal.aborted;
  if (options.tty) {
    const tty = new Tty((d) => options.stdout(d), onSignal, closed);
    if (options.terminalSize) tty.resize(options.terminalSize.width, options.terminalSize.height);
    return { tty, stdin: options.stdin ? (tty as InputStream) : emptyInput, stdout: tty.output, stderr: tty.output, pipe: undefined };
  }
  const pipe = options.stdin ? new Pipe() : undefined;
  return {
    tty: undefined,
    stdin: (pipe ?? emptyInput) as InputStream,
    stdout: callbackOutput((d) => options.stdout(d), closed),
    stderr: callbackOutput((d) => options.stderr(d), closed),
    pipe,
  };
}

/**
 * execInContainer runs argv in a running container (kubectl exec), with the
 * container's env and working directory and the image's user. It throws
 * ContainerExecError (worded as containerd's exec failure) when argv[0] is not
 * a program there; the process stops when options.signal aborts.
 */
export function execInContainer(container: ContainerProcess, argv: string[], options: ExecOptions): ExecProcess {
  const c = container as RunningContainer;
  if (!c.running) throw new ContainerExecError('container not running');
  let proc: SpawnedProcess | undefined;
  const streams = sessionStreams(options, (s) => proc?.deliver(s));
  try {
    proc = spawnProgram(c.setup, {
      argv,
      env: new Map(c.baseEnv),
      cwd: c.workingDir,
      stdin: streams.stdin,
      stdout: streams.stdout,
      stderr: streams.stderr,
      tty: options.tty,
      terminal: streams.tty?.terminal ?? { columns: 80, rows: 24 },
      setRawMode: streams.tty ? (raw) => streams.tty!.setRaw(raw) : undefined,
      setForeground: streams.tty ? foregroundSetter(streams.tty) : undefined,
      pid1: false,
    });
  } catch (err) {
    if (err instanceof CommandNotFoundError) {
      throw new ContainerExecError(`failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown`);
    }
    if (err instanceof CommandNotExecutableError) {
      throw new ContainerExecError(`failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]}": permission denied: unknown`);
    }
    throw err;
  }
  const running = proc;
  const onAbort = (): void => running.deliver('KILL');
  options.signal.addEventListener('abort', onAbort, { once: true });
  c.execs.add(running);
  const exited = running.exited.finally(() => {
    options.signal.removeEventListener('abort', onAbort);
    c.execs.delete(running);
  });
  return {
    write: (data) => {
      if (streams.tty) streams.tty.input(data);
      else streams.pipe?.write(data);
    },
    closeStdin: () => {
      if (streams.tty) streams.tty.closeInput();
      else streams.pipe?.end();
    },
    resize: (size) => streams.tty?.resize(size.width, size.height),
    exited,
  };
}

/**
 * attachToContainer connects a session to the main process (kubectl attach,
 * kubectl run -it, kubectl debug -it): its output from now on, and its stdin
 * if the container has `stdin: true`. `exited` resolves when the session
 * ends: the container exits, the client goes away, or the client's stdin
 * ends. The last follows containerd's ContainerIO.Attach
 * (internal/cri/io/container_io.go): when the session's stdin ends, a
 * container with stdinOnce attached without a tty has its stdin closed (the
 * program reads end of input, `echo 'echo hi' | kubectl run -i … -- sh`);
 * otherwise only this session is let go and the container keeps running
 * (`kubectl debug node/… -it </dev/null`: kubectl debug sets no stdinOnce,
 * so the debugger shell stays up and kubectl returns).
 */
export function attachToContainer(container: ContainerProcess, options: ExecOptions): ExecProcess {
  const c = container as RunningContainer;
  if (!c.running) throw new ContainerExecError('cannot attach to a stopped container');
  const attacher = {
    stdout: (d: Uint8Array) => {
      if (!options.signal.aborted) options.stdout(d);
    },
    stderr: (d: Uint8Array) => {
      if (!options.signal.aborted) (options.tty ? options.stdout : options.stderr)(d);
    },
  };
  c.attachers.add(attacher);
  let finish!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (finish = resolve));
  let ended = false;
  const done = (code: number): void => {
    if (ended) return;
    ended = true;
    c.attachers.delete(attacher);
    c.exitWaiters.delete(done);
    options.signal.removeEventListener('abort', onAbort);
    finish(code);
  };
  // The client going away ends its stdin too (containerd's copy from it returns), with the same rule.
  const onAbort = (): void => {
    endOfInput();
    done(0);
  };
  let inputEnded = false;
  const endOfInput = (): void => {
    if (inputEnded || !options.stdin || !c.stdin) return;
    inputEnded = true;
    if (c.stdinOnce && !options.tty) {
      if (c.tty) c.tty.closeInput();
      else c.stdinPipe?.end();
    } else {
      done(0);
    }
  };
  c.exitWaiters.add(done);
  options.signal.addEventListener('abort', onAbort, { once: true });
  if (options.terminalSize) c.tty?.resize(options.terminalSize.width, options.terminalSize.height);
  return {
    write: (data) => {
      if (!options.stdin || !c.stdin || inputEnded) return;
      if (c.tty) c.tty.input(data);
      else c.stdinPipe?.write(data);
    },
    closeStdin: endOfInput,
    resize: (size) => c.tty?.resize(size.width, size.height),
    exited,
  };
}

/** formatCriLogLine is a line of the kubelet's /var/log/pods/…/N.log file (CRI format: RFC3339Nano stream F text). */
export function formatCriLogLine(line: ContainerLogLine): string {
  const iso = line.time.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  return `${iso} ${line.stream} F ${line.text}`;
}

