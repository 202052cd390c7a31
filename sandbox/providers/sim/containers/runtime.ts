/**
 * The process runner: finds a program by name the way execvp(3) does (PATH
 * search, `/`-paths, `#!/bin/sh` scripts), builds its ProgramContext, delivers
 * signals with Linux's rules, and resolves with the exit status. Nothing here
 * starts a host process: a "program" is a TypeScript function from the image.
 */
import type { ContainerFs } from './fs/container-fs.ts';
import { FsError } from './fs/errors.ts';
import { normalizePath } from './fs/paths.ts';
import { boundInput } from './streams.ts';
import type { PodNetwork } from './network.ts';
import type { ClusterLink } from './cluster-link.ts';
import type { ProcProcess } from './fs/pseudo.ts';
import type { Image, ImageUser } from './images/registry.ts';
import {
  CommandNotExecutableError,
  CommandNotFoundError,
  SignalAbort,
  type Clock,
  type InputStream,
  type OutputStream,
  type Program,
  type ProgramContext,
  type SignalHandler,
  type SignalName,
  type TerminalInfo,
  type ProcessInfo,
} from './program.ts';

/** ContainerSetup is what every process of one container shares. */
export interface ContainerSetup {
  image: Image;
  /** imageRef is the canonical reference (docker.io/library/busybox:1.36). */
  imageRef: string;
  /** fs is the container's filesystem as root; processes get `fs.as(user)`. */
  fs: ContainerFs;
  hostname: string;
  clock: Clock;
  /** user is the container's user (the image's USER, or the pod's securityContext.runAsUser). */
  user: ImageUser;
  /** processes is the container's process table (its PID namespace); created on first spawn if absent. */
  processes?: ProcessTable;
  /** network is the pod's loopback, shared by the pod's containers. */
  network?: PodNetwork;
  /** cluster is the kubelet's link to the simulated cluster's components (cluster-link.ts). */
  cluster?: ClusterLink;
}

/** ProcessTable is one container's PID namespace: PID 1 is the main process, others count up. */
export class ProcessTable {
  private next = 2;
  private readonly entries = new Map<number, ProcessInfo & { deliver(signal: SignalName): void; stdout: OutputStream; stderr: OutputStream }>();

  /** allocate returns the pid for a new process. */
  allocate(pid1: boolean): number {
    if (pid1) return 1;
    return this.next++;
  }

  add(info: ProcessInfo, deliver: (signal: SignalName) => void, io: { stdout: OutputStream; stderr: OutputStream }): void {
    this.entries.set(info.pid, { ...info, deliver, ...io });
  }

  /** procList is the table as /proc shows it, with each process's stdout/stderr (/proc/PID/fd/1 and 2). */
  procList(): ProcProcess[] {
    return [...this.entries.values()].map((e) => ({
      pid: e.pid,
      uid: e.uid,
      argv: e.argv,
      stdout: (d: Uint8Array) => e.stdout.write(d),
      stderr: (d: Uint8Array) => e.stderr.write(d),
    }));
  }

  remove(pid: number): void {
    this.entries.delete(pid);
  }

  list(): ProcessInfo[] {
    return [...this.entries.values()].map(({ pid, uid, argv, startedAt }) => ({ pid, uid, argv, startedAt })).sort((a, b) => a.pid - b.pid);
  }

  kill(pid: number, signal: SignalName): 'ok' | 'ESRCH' {
    const entry = this.entries.get(pid);
    if (!entry) return 'ESRCH';
    entry.deliver(signal);
    return 'ok';
  }
}

/** SpawnOptions are one process's own settings. */
export interface SpawnOptions {
  argv: string[];
  env: Map<string, string>;
  cwd: string;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  tty: boolean;
  terminal: TerminalInfo;
  setRawMode?: (raw: boolean) => void;
  setForeground?: ProgramContext['setForeground'];
  /** signal: the parent's stop signal; the child stops with it. */
  signal?: AbortSignal;
  pid1: boolean;
}

/** SpawnedProcess is a running program. */
export interface SpawnedProcess {
  /** exited resolves with the exit status (128 + n when killed by signal n). */
  readonly exited: Promise<number>;
  /** deliver sends a signal, with Linux's default actions (PID 1 ignores default-action signals). */
  deliver(signal: SignalName): void;
}

/** ResolvedCommand is what a command name names in a container. */
export type ResolvedCommand = { path: string; program: Program } | { path: string; script: string; interpreter: string[] };

/** resolveCommand finds `name` as execvp would; it throws CommandNotFoundError / CommandNotExecutableError. */
export function resolveCommand(setup: ContainerSetup, name: string, env: Map<string, string>, cwd: string): ResolvedCommand {
  const programs = setup.image.programs;
  const candidates: string[] = [];
  if (name.includes('/')) {
    candidates.push(normalizePath(name, cwd));
  } else {
    if (name === '') throw new CommandNotFoundError(name);
    const path = env.get('PATH') ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
    for (const dir of path.split(':')) if (dir !== '') candidates.push(normalizePath(`${dir}/${name}`, cwd));
  }
  for (const path of candidates) {
    const program: Program | undefined = programs[path];
    let st;
    try {
      st = setup.fs.tryStat(path);
    } catch (err) {
      if (err instanceof FsError) continue;
      throw err;
    }
    if (!st) continue;
    if (st.type === 'dir') {
      if (name.includes('/')) throw new CommandNotExecutableError(name);
      continue;
    }
    if (program !== undefined && st.type === 'file') return { path, program };
    if (st.type === 'file' && (st.mode & 0o111) !== 0) {
      // A script someone wrote into the container: honour `#!/bin/sh`-style lines whose interpreter we have.
      let head = '';
      try {
        head = setup.fs.readFile(path, 256).toString('utf8');
      } catch {
        throw new CommandNotExecutableError(name);
      }
      const shebang = /^#!\s*(\S+)(?:[ \t]+(.*))?/.exec(head.split('\n')[0] ?? '');
      if (shebang && programs[normalizePath(shebang[1]!)]) {
        return { path, script: path, interpreter: [shebang[1]!, ...(shebang[2] ? [shebang[2].trim()] : [])] };
      }
      throw new CommandNotExecutableError(name, shebang ? 'not found' : 'Exec format error');
    }
    if (name.includes('/')) throw new CommandNotExecutableError(name);
  }
  throw new CommandNotFoundError(name);
}

/** spawnProgram runs argv in the container. It throws CommandNotFoundError/CommandNotExecutableError before starting. */
export function spawnProgram(setup: ContainerSetup, options: SpawnOptions): SpawnedProcess {
  const name = options.argv[0] ?? '';
  const resolved = resolveCommand(setup, name, options.env, options.cwd);
  let program: Program;
  let argv = options.argv;
  if ('program' in resolved) {
    program = resolved.program;
  } else {
    const interp = resolveCommand(setup, resolved.interpreter[0]!, options.env, '/');
    if (!('program' in interp)) throw new CommandNotExecutableError(name);
    program = interp.program;
    argv = [...resolved.interpreter, resolved.script, ...options.argv.slice(1)];
  }

  const controller = new AbortController();
  const parent = options.signal;
  const onParentAbort = (): void => controller.abort(parent!.reason);
  if (parent) {
    if (parent.aborted) controller.abort(parent.reason);
    else parent.addEventListener('abort', onParentAbort, { once: true });
  }
  let handler: SignalHandler | undefined;
  const user = setup.user;
  const table = (setup.processes ??= new ProcessTable());
  const pid = table.allocate(options.pid1);

  const ctx: ProgramContext = {
    argv,
    env: options.env,
    cwd: options.cwd,
    fs: user.uid === 0 && user.gid === 0 ? setup.fs : setup.fs.as({ uid: user.uid, gid: user.gid }),
    stdin: boundInput(options.stdin, controller.signal),
    stdout: options.stdout,
    stderr: options.stderr,
    tty: options.tty,
    terminal: options.terminal,
    setRawMode: options.setRawMode,
    setForeground: options.setForeground,
    signal: controller.signal,
    onSignal: (h) => {
      handler = h;
    },
    clock: setup.clock,
    container: { hostname: setup.hostname, image: setup.imageRef, user: { ...user } },
    pid1: options.pid1,
    process: { pid, list: () => table.list(), kill: (target, signal) => table.kill(target, signal) },
    network: setup.network,
    cluster: setup.cluster,
    run: async (childArgv, overrides = {}) => {
      const child = spawnProgram(setup, {
        ...options,
        argv: childArgv,
        env: overrides.env ?? new Map(ctx.env),
        cwd: overrides.cwd ?? ctx.cwd,
        stdin: overrides.stdin ?? ctx.stdin,
        stdout: overrides.stdout ?? ctx.stdout,
        stderr: overrides.stderr ?? ctx.stderr,
        signal: overrides.signal ?? controller.signal,
        pid1: false,
      });
      return child.exited;
    },
  };

  const deliver = (signal: SignalName): void => {
      if (signal === 'KILL') {
        controller.abort(new SignalAbort('KILL'));
        return;
      }
      if (handler === 'ignore') return;
      if (typeof handler === 'function') {
        handler(signal);
        return;
      }
      // The kernel never applies a default-action signal to a PID namespace's init (pid_namespaces(7)):
      // `sleep` as PID 1 ignores SIGTERM, so the kubelet kills it after the grace period.
      if (options.pid1) return;
      controller.abort(new SignalAbort(signal));
  };
  table.add({ pid, uid: user.uid, argv: [...argv], startedAt: setup.clock.now() }, deliver, { stdout: options.stdout, stderr: options.stderr });

  const aborted = new Promise<number>((resolve) => {
    const done = (): void => {
      const reason = controller.signal.reason;
      resolve(reason instanceof SignalAbort ? reason.exitCode : 128 + 9);
    };
    if (controller.signal.aborted) done();
    else controller.signal.addEventListener('abort', done, { once: true });
  });
  const ran = (async () => {
    try {
      const code = await program(ctx);
      return code & 255;
    } catch (err) {
      if (controller.signal.aborted) return await aborted;
      // An error escaping a program is almost always a failed write to stdout (a full or read-only file): busybox words it so.
      try {
        options.stderr.write(`${name.replace(/^.*\//, '')}: ${err instanceof FsError ? 'write error: ' : ''}${(err as Error)?.message ?? String(err)}\n`);
      } catch {
        // stderr itself is the full file.
      }
      return 1;
    }
  })();
  const exited = Promise.race([ran, aborted]).finally(() => {
    table.remove(pid);
    parent?.removeEventListener('abort', onParentAbort);
    // Anything the program left running (children) stops with it.
    if (!controller.signal.aborted) controller.abort(new SignalAbort('KILL'));
  });

  return { exited, deliver };
}
