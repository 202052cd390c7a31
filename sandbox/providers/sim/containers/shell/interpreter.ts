/**
 * ShellInterpreter runs parsed scripts (./ast.ts) the way busybox ash does:
 * variables and export, redirections through the container filesystem,
 * pipelines over in-memory pipes, && || ! ; &, if/while/until/for/case,
 * functions, subshells, and ash's builtins. External commands run through
 * ProgramContext.run — programs of the container image, never host processes.
 *
 * Runaway protection (a simulated container must not take the server down):
 * a budget shared by the shell and its subshells stops a script that runs
 * MAX_COMMANDS_WITHOUT_WAITING commands without ever sleeping or reading
 * input; function recursion, background jobs and nesting are capped; the
 * interpreter yields to the event loop regularly.
 */
import type { Command, Pipeline, Redirect, Script, SimpleCommand } from './ast.ts';
import { expandPattern, expandWord, expandWords, matchPattern, patternRegex, ShellExpansionError, type ExpandHost, type GlobSegment } from './expand.ts';
import { parseScript, parseWordText, ShellSyntaxError } from './parser.ts';
import { FsError, errnoMessage } from '../fs/errors.ts';
import { normalizePath } from '../fs/paths.ts';
import {
  CommandNotExecutableError,
  CommandNotFoundError,
  SignalAbort,
  type InputStream,
  type OutputStream,
  type ProgramContext,
  type SignalName,
} from '../program.ts';
import { bytesInput, CollectingOutput, emptyInput, LineReader, nullOutput, Pipe, untilAborted } from '../streams.ts';
import { builtinApplets } from '../tools/index.ts';

/** MAX_COMMANDS_WITHOUT_WAITING: commands a script may run without sleeping or reading input before it is stopped. */
export const MAX_COMMANDS_WITHOUT_WAITING = 100_000;
/** MAX_FUNCTION_DEPTH bounds recursion (ash would overflow its C stack; we stop with a message). */
export const MAX_FUNCTION_DEPTH = 100;
/** MAX_JOBS bounds concurrent background jobs and subshells of one shell (a pod's pids limit, scaled down). */
export const MAX_JOBS = 64;
/** MAX_VARIABLE_LENGTH bounds one variable (a doubling loop `a=$a$a` would otherwise eat the server's memory). */
export const MAX_VARIABLE_LENGTH = 8 * 1024 * 1024;
/** YIELD_EVERY: commands between yields to the event loop, so other clusters keep being served. */
const YIELD_EVERY = 200;

/** ShellIO is a command's standard streams. */
export interface ShellIO {
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
}

/** Budget is shared by a shell and all its subshells; tripping it stops them all. */
class Budget {
  commands = 0;
  sinceYield = 0;
  jobs = 0;
  tripped = false;
  reported = false;
  readonly controller = new AbortController();
  trip(message: string): RunawayError {
    const err = new RunawayError(message);
    if (!this.tripped) {
      this.tripped = true;
      this.controller.abort(err);
    }
    return this.controller.signal.reason as RunawayError;
  }
}

/** RunawayError stops a whole shell whose script would not stop by itself. */
export class RunawayError extends Error {}

class BreakLoop {
  constructor(public levels: number) {}
}
class ContinueLoop {
  constructor(public levels: number) {}
}
class ReturnFromFunction {
  constructor(readonly status: number) {}
}
/** ExitShell unwinds to the top of the shell with an exit status. */
export class ExitShell {
  constructor(readonly status: number) {}
}

interface Job {
  pid: number;
  done: Promise<number>;
  status?: number;
  controller: AbortController;
}

/** ShellState is what a subshell copies. */
interface ShellState {
  vars: Map<string, string>;
  exported: Set<string>;
  readonly: Set<string>;
  functions: Map<string, Command>;
  positional: string[];
  cwd: string;
  status: number;
  options: { errexit: boolean; xtrace: boolean; nounset: boolean; pipefail: boolean };
  traps: Map<string, string>;
}

let nextPid = 100;

export class ShellInterpreter implements ExpandHost {
  private state: ShellState;
  private budget: Budget;
  private readonly jobs: Job[];
  private functionDepth = 0;
  /** localFrames hold, per function call, the values `local` shadowed (restored on return). */
  private localFrames: Map<string, string | undefined>[] = [];
  private loopDepth = 0;
  /** signal stops the command now running (interactive Ctrl-C aborts a per-command signal). */
  signal: AbortSignal;
  /** name is $0 and the prefix of error messages (`sh: foo: not found`). */
  readonly name: string;
  readonly pid: number;
  private lastBackground = '';
  private pendingTraps: string[] = [];
  private waitInterrupt: (() => void) | undefined;
  readonly interactive: boolean;
  /** history is the interactive session's remembered lines (the line editor's list). */
  history: string[] = [];

  constructor(
    readonly ctx: ProgramContext,
    options: { name: string; positional?: string[]; interactive?: boolean; state?: ShellState; budget?: Budget; jobs?: Job[]; pid?: number; signal?: AbortSignal },
  ) {
    this.name = options.name;
    this.interactive = !!options.interactive;
    this.budget = options.budget ?? new Budget();
    this.signal = options.signal ?? AbortSignal.any([ctx.signal, this.budget.controller.signal]);
    this.jobs = options.jobs ?? [];
    this.pid = options.pid ?? ctx.process?.pid ?? (ctx.pid1 ? 1 : nextPid++);
    this.state = options.state ?? {
      vars: new Map(ctx.env),
      exported: new Set(ctx.env.keys()),
      readonly: new Set(),
      functions: new Map(),
      positional: options.positional ?? [],
      cwd: ctx.cwd,
      status: 0,
      options: { errexit: false, xtrace: false, nounset: false, pipefail: false },
      traps: new Map(),
    };
    if (!options.state) {
      this.state.vars.set('PWD', ctx.cwd);
      if (!this.state.vars.has('IFS')) this.state.vars.set('IFS', ' \t\n');
      this.state.vars.set('PPID', '0');
      if (!this.state.vars.has('PS1')) this.state.vars.set('PS1', ctx.container.user.uid === 0 ? '\\w # ' : '\\w $ ');
      this.state.vars.set('PS2', '> ');
    }
  }

  /** freshBudget starts a new budget (an interactive shell gives each entry its own) and returns the signal to run it under. */
  freshBudget(outer: AbortSignal): AbortSignal {
    this.budget = new Budget();
    this.signal = AbortSignal.any([outer, this.budget.controller.signal]);
    return this.signal;
  }

  get cwd(): string {
    return this.state.cwd;
  }

  get status(): number {
    return this.state.status;
  }

  set status(v: number) {
    this.state.status = v;
  }

  get options(): ShellState['options'] {
    return this.state.options;
  }

  // ---- ExpandHost -------------------------------------------------------------

  getVar(name: string): string | undefined {
    // ash's $RANDOM (FEATURE_SH_RANDOM_SUPPORT): a new number each time, until the script assigns it.
    if (name === 'RANDOM' && !this.state.vars.has('RANDOM')) return String(Math.floor(Math.random() * 32768));
    return this.state.vars.get(name);
  }

  setVar(name: string, value: string): void {
    if (this.state.readonly.has(name)) throw new ShellExpansionError(`${name}: is read only`);
    if (value.length > MAX_VARIABLE_LENGTH) throw new ShellExpansionError(`${name}: value longer than ${MAX_VARIABLE_LENGTH} characters (limit of this simulated shell)`);
    this.state.vars.set(name, value);
  }

  special(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.state.status);
      case '$':
        return String(this.pid);
      case '!':
        return this.lastBackground;
      case '#':
        return String(this.state.positional.length);
      case '0':
        return this.name;
      case '-':
        return (this.state.options.errexit ? 'e' : '') + (this.state.options.xtrace ? 'x' : '') + (this.state.options.nounset ? 'u' : '') + (this.interactive ? 'i' : '');
      case '*':
      case '@':
        return this.state.positional.join(' ');
    }
    if (/^[0-9]+$/.test(name)) return this.state.positional[Number(name) - 1];
    return undefined;
  }

  positional(): string[] {
    return this.state.positional;
  }

  get nounset(): boolean {
    return this.state.options.nounset;
  }

  home(user: string): string | undefined {
    if (user === '') return this.getVar('HOME') ?? '/root';
    try {
      const passwd = this.ctx.fs.readText('/etc/passwd');
      for (const line of passwd.split('\n')) {
        const f = line.split(':');
        if (f[0] === user) return f[5];
      }
    } catch {
      // No /etc/passwd: ~user stays as written.
    }
    return undefined;
  }

  async commandSubstitution(script: Script): Promise<string> {
    const out = new CollectingOutput(16 * 1024 * 1024);
    const sub = this.subshell();
    const status = await sub.runIsolated(script, { stdin: emptyInput, stdout: out, stderr: this.currentIO.stderr });
    this.state.status = status;
    return out.text();
  }

  glob(segments: GlobSegment[][]): string[] {
    const absolute = segments.length > 0 && segments[0]!.length === 0;
    let paths: string[] = [absolute ? '/' : ''];
    const fs = this.ctx.fs;
    for (let i = absolute ? 1 : 0; i < segments.length; i++) {
      const seg = segments[i]!;
      const literal = seg.every((c) => c.quoted || !/[*?[]/.test(c.text));
      const text = seg.map((c) => c.text).join('');
      const next: string[] = [];
      for (const base of paths) {
        const join = (name: string): string => (base === '' ? name : base === '/' ? '/' + name : base + '/' + name);
        if (literal) {
          next.push(join(text));
          continue;
        }
        const dir = normalizePath(base === '' ? '.' : base, this.state.cwd);
        let names: string[];
        try {
          names = fs.readdir(dir);
        } catch {
          continue;
        }
        const re = patternRegex(seg);
        const dotOk = text.startsWith('.');
        for (const name of names.sort(byteOrder)) {
          if (name.startsWith('.') && !dotOk) continue;
          if (re.test(name)) next.push(join(name));
        }
      }
      paths = next;
      if (paths.length === 0) return [];
    }
    return paths.filter((p) => {
      try {
        return fs.exists(normalizePath(p, this.state.cwd));
      } catch {
        return false;
      }
    });
  }

  // ---- running -----------------------------------------------------------------

  private currentIO: ShellIO = { stdin: emptyInput, stdout: nullOutput, stderr: nullOutput };
  /** baseIO is the shell's own streams (where trap actions write). */
  private baseIO: ShellIO | undefined;
  /** ioOverride is what `exec >file` made the shell's streams for the rest of the script. */
  private ioOverride: ShellIO | undefined;
  /** openedByExec closes the files `exec` redirections opened, when the shell ends. */
  private openedByExec: (() => void)[] = [];

  /** error prints `sh: message` on the shell's stderr. */
  error(message: string, io: ShellIO = this.currentIO): void {
    io.stderr.write(`${this.name}: ${message}\n`);
  }

  /** runScriptText parses and runs text; syntax errors print and give status 2. */
  async runText(text: string, io: ShellIO): Promise<number> {
    let script: Script;
    try {
      script = parseScript(text);
    } catch (err) {
      if (err instanceof ShellSyntaxError) {
        this.error(err.message, io);
        this.state.status = 2;
        return 2;
      }
      throw err;
    }
    return this.runIsolated(script, io);
  }

  /** runInline parses and runs text in this shell, letting exit/return/break reach the caller (eval, `.`). */
  async runInline(text: string, io: ShellIO): Promise<number> {
    let script: Script;
    try {
      script = parseScript(text);
    } catch (err) {
      if (err instanceof ShellSyntaxError) {
        this.error(err.message, io);
        if (!this.interactive) throw new ExitShell(2);
        return (this.state.status = 2);
      }
      throw err;
    }
    return this.runScript(script, io);
  }

  /**
   * runIsolated runs a script and turns `exit`, runaway stops and expansion
   * errors into a status; used for the top level, subshells and substitutions.
   */
  async runIsolated(script: Script, io: ShellIO): Promise<number> {
    this.baseIO ??= io;
    try {
      return await this.runScript(script, io);
    } catch (err) {
      return this.settle(err, io);
    }
  }

  /** settle maps a thrown control-flow value or error to an exit status. */
  settle(err: unknown, io: ShellIO): number {
    if (err instanceof ExitShell) {
      this.state.status = err.status;
      return err.status;
    }
    if (err instanceof ReturnFromFunction) return err.status;
    if (err instanceof BreakLoop || err instanceof ContinueLoop) return this.state.status;
    if (err instanceof RunawayError || (err instanceof SignalAbort && this.budget.tripped)) {
      if (!this.budget.reported) {
        this.budget.reported = true;
        this.error((this.budget.controller.signal.reason as Error).message, io);
      }
      this.state.status = 2;
      return 2;
    }
    if (err instanceof ShellExpansionError || err instanceof ShellSyntaxError) {
      this.error(err.message, io);
      this.state.status = 2;
      return 2;
    }
    if (err instanceof SignalAbort) return err.exitCode;
    // Anything else is a bug or a host error; report it instead of taking the server down.
    this.error(`internal error of the simulated shell: ${(err as Error)?.message ?? String(err)}`, io);
    this.state.status = 2;
    return 2;
  }

  async runScript(script: Script, io: ShellIO): Promise<number> {
    this.baseIO ??= io;
    for (const item of script.items) {
      const cur = this.ioOverride ?? io;
      if (item.background) {
        this.startBackground(item.andOr, cur);
        this.state.status = 0;
        continue;
      }
      await this.runAndOr(item.andOr, cur);
      await this.runPendingTraps();
    }
    return this.state.status;
  }

  private startBackground(andOr: Script['items'][number]['andOr'], io: ShellIO): void {
    if (this.budget.jobs >= MAX_JOBS) {
      // A script that keeps this many jobs alive is a fork bomb: stop the whole shell, as a pids limit would starve it.
      if (!this.budget.tripped) this.error("can't fork: Resource temporarily unavailable", io);
      throw this.budget.trip(`stopped: more than ${MAX_JOBS} background jobs at once (limit of this simulated shell)`);
    }
    const parent = this.signal;
    if (parent.aborted) throw this.abortReason();
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    const sub = this.subshell();
    sub.signal = controller.signal;
    this.budget.jobs++;
    const pid = nextPid++;
    const job: Job = {
      pid,
      controller,
      done: sub
        .runIsolated({ items: [{ andOr, background: false }] }, { ...io, stdin: emptyInput })
        .catch(() => 1)
        .then((s) => {
          this.budget.jobs--;
          parent.removeEventListener('abort', onAbort);
          job.status = s;
          return s;
        }),
    };
    this.jobs.push(job);
    this.lastBackground = String(pid);
  }

  private async runAndOr(andOr: Script['items'][number]['andOr'], io: ShellIO): Promise<number> {
    let status = await this.runPipeline(andOr.first, io, andOr.rest.length > 0);
    for (const { op, pipeline } of andOr.rest) {
      if ((op === '&&' && status !== 0) || (op === '||' && status === 0)) continue;
      status = await this.runPipeline(pipeline, io, pipeline !== andOr.rest[andOr.rest.length - 1]!.pipeline);
    }
    return status;
  }

  private async runPipeline(pipeline: Pipeline, io: ShellIO, inCondition: boolean): Promise<number> {
    let status: number;
    if (pipeline.commands.length === 1) {
      status = await this.runCommand(pipeline.commands[0]!, io);
    } else {
      const n = pipeline.commands.length;
      const pipes = Array.from({ length: n - 1 }, () => new Pipe());
      const runs = pipeline.commands.map(async (cmd, i) => {
        const stdin = i === 0 ? io.stdin : pipes[i - 1]!;
        const stdout = i === n - 1 ? io.stdout : pipes[i]!;
        // Every part of a pipeline runs in its own subshell (ash forks them all).
        const sub = this.subshell();
        try {
          return await sub.runIsolated({ items: [{ andOr: { first: { negate: false, commands: [cmd] }, rest: [] }, background: false }] }, { stdin, stdout, stderr: io.stderr });
        } finally {
          if (i < n - 1) pipes[i]!.end();
          if (i > 0) pipes[i - 1]!.closeReader();
        }
      });
      const statuses = (await Promise.allSettled(runs)).map((r) => (r.status === 'fulfilled' ? r.value : 2));
      status = statuses[n - 1]!;
      // set -o pipefail: the last command that failed decides.
      if (this.state.options.pipefail) status = [...statuses].reverse().find((s) => s !== 0) ?? 0;
      if (this.budget.tripped) throw this.budget.trip('');
    }
    if (pipeline.negate) status = status === 0 ? 1 : 0;
    this.state.status = status;
    if (this.signal.aborted) throw this.abortReason();
    if (status !== 0 && this.state.options.errexit && !pipeline.negate && !inCondition) throw new ExitShell(status);
    return status;
  }

  /** step counts one command against the budget and yields to the event loop now and then. */
  private abortReason(): Error {
    const reason = this.signal.reason;
    if (reason instanceof SignalAbort || reason instanceof RunawayError) return reason;
    return new SignalAbort('KILL');
  }

  private async step(): Promise<void> {
    if (this.signal.aborted) throw this.abortReason();
    if (this.budget.tripped) throw this.budget.trip('');
    if (++this.budget.commands > MAX_COMMANDS_WITHOUT_WAITING) {
      throw this.budget.trip(`stopped after ${MAX_COMMANDS_WITHOUT_WAITING} commands that never waited (sleep, read): this simulated shell ends runaway loops`);
    }
    if (++this.budget.sinceYield >= YIELD_EVERY) {
      this.budget.sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await this.runPendingTraps();
  }

  /** closeFiles closes what `exec` redirections opened (the shell is ending). */
  closeFiles(): void {
    for (const close of this.openedByExec.splice(0)) close();
  }

  /** runPendingTraps runs trap actions for signals that arrived (between commands, as ash does). */
  async runPendingTraps(): Promise<void> {
    if (this.pendingTraps.length === 0) return;
    const traps = this.pendingTraps;
    this.pendingTraps = [];
    for (const action of traps) {
      const script = parseScript(action);
      await this.runScript(script, this.baseIO ?? this.currentIO);
    }
  }

  /** waited resets the budget: the script paused (sleep, read, wait), so it is not spinning. */
  waited(): void {
    this.budget.commands = 0;
  }

  private async runCommand(cmd: Command, io: ShellIO): Promise<number> {
    await this.step();
    switch (cmd.type) {
      case 'simple':
        return this.runSimple(cmd, io);
      case 'function':
        this.state.functions.set(cmd.name, cmd.body);
        return (this.state.status = 0);
    }
    const redirected = await this.applyRedirects(cmd.redirects, io);
    if (!redirected) return (this.state.status = 1);
    const rio = redirected.io;
    try {
      switch (cmd.type) {
        case 'group':
          return await this.runScript(cmd.body, rio);
        case 'subshell': {
          const sub = this.subshell();
          return (this.state.status = await sub.runIsolated(cmd.body, rio));
        }
        case 'if': {
          for (const clause of cmd.clauses) {
            await this.runCondition(clause.cond, rio);
            if (this.state.status === 0) return await this.runScript(clause.body, rio);
          }
          if (cmd.elseBody) return await this.runScript(cmd.elseBody, rio);
          return (this.state.status = 0);
        }
        case 'while':
        case 'until': {
          let last = 0;
          this.loopDepth++;
          try {
            for (;;) {
              await this.step();
              await this.runCondition(cmd.cond, rio);
              const ok = this.state.status === 0;
              if (cmd.type === 'while' ? !ok : ok) break;
              const r = await this.loopBody(cmd.body, rio);
              last = this.state.status;
              if (r === 'break') break;
            }
          } finally {
            this.loopDepth--;
          }
          return (this.state.status = last);
        }
        case 'for': {
          const items = cmd.items ? await expandWords(cmd.items, this) : [...this.state.positional];
          let last = 0;
          this.loopDepth++;
          try {
            for (const item of items) {
              await this.step();
              this.setVar(cmd.name, item);
              const r = await this.loopBody(cmd.body, rio);
              last = this.state.status;
              if (r === 'break') break;
            }
          } finally {
            this.loopDepth--;
          }
          return (this.state.status = last);
        }
        case 'case': {
          const subject = await expandWord(cmd.subject, this);
          for (const item of cmd.items) {
            for (const p of item.patterns) {
              if (matchPattern(subject, await expandPattern(p, this))) {
                return await this.runScript(item.body, rio);
              }
            }
          }
          return (this.state.status = 0);
        }
      }
    } finally {
      redirected.close();
    }
  }

  private async runCondition(cond: Script, io: ShellIO): Promise<void> {
    const errexit = this.state.options.errexit;
    this.state.options.errexit = false;
    try {
      await this.runScript(cond, io);
    } finally {
      this.state.options.errexit = errexit;
    }
  }

  private async loopBody(body: Script, io: ShellIO): Promise<'break' | 'continue' | undefined> {
    try {
      await this.runScript(body, io);
      return undefined;
    } catch (err) {
      if (err instanceof BreakLoop) {
        if (--err.levels > 0) throw err;
        return 'break';
      }
      if (err instanceof ContinueLoop) {
        if (--err.levels > 0) throw err;
        return 'continue';
      }
      throw err;
    }
  }

  /** subshell copies the state (ash forks): changes inside do not come back. */
  subshell(): ShellInterpreter {
    const s = this.state;
    const copy: ShellState = {
      vars: new Map(s.vars),
      exported: new Set(s.exported),
      readonly: new Set(s.readonly),
      functions: new Map(s.functions),
      positional: [...s.positional],
      cwd: s.cwd,
      status: s.status,
      options: { ...s.options },
      traps: new Map(),
    };
    const sub = new ShellInterpreter(this.ctx, { name: this.name, state: copy, budget: this.budget, jobs: [], pid: this.pid, signal: this.signal });
    sub.functionDepth = this.functionDepth;
    sub.loopDepth = 0;
    return sub;
  }

  /** exportedEnv is the environment a command gets. */
  exportedEnv(extra: Map<string, string> = new Map()): Map<string, string> {
    const env = new Map<string, string>();
    for (const name of this.state.exported) {
      const v = this.state.vars.get(name);
      if (v !== undefined) env.set(name, v);
    }
    for (const [k, v] of extra) env.set(k, v);
    env.set('PWD', this.state.cwd);
    return env;
  }

  private async runSimple(cmd: SimpleCommand, io: ShellIO): Promise<number> {
    let argv: string[];
    const assigns = new Map<string, string>();
    try {
      argv = await expandWords(cmd.words, this);
      // Without a command, assignments happen left to right (`a=1 b=$a` sees the new a); before a command they only reach its environment.
      for (const a of cmd.assigns) {
        const value = await expandWord(a.value, this);
        if (argv.length === 0) this.setVar(a.name, value);
        assigns.set(a.name, value);
      }
    } catch (err) {
      if (err instanceof ShellExpansionError || err instanceof ShellSyntaxError) {
        this.error(err.message, io);
        if (!this.interactive) throw new ExitShell(2);
        return (this.state.status = 2);
      }
      throw err;
    }
    if (argv.length === 0) {
      const statusFromSubst = cmd.words.length > 0 || cmd.assigns.some((a) => a.value.some((p) => p.kind === 'cmdsub')) ? this.state.status : 0;
      const redirected = await this.applyRedirects(cmd.redirects, io);
      if (!redirected) return (this.state.status = 1);
      redirected.close();
      return (this.state.status = statusFromSubst);
    }
    if (argv.length === 1 && argv[0] === 'exec' && cmd.redirects.length > 0) {
      // `exec >file 2>&1`: the redirections become the shell's own streams from here on.
      const redirected = await this.applyRedirects(cmd.redirects, io);
      if (!redirected) return (this.state.status = this.interactive ? 1 : 2);
      this.openedByExec.push(redirected.close);
      this.ioOverride = redirected.io;
      this.baseIO = redirected.io;
      return (this.state.status = 0);
    }
    if (this.state.options.xtrace) {
      io.stderr.write(`+ ${[...[...assigns].map(([k, v]) => `${k}=${v}`), ...argv].map(traceQuote).join(' ')}\n`);
    }
    const redirected = await this.applyRedirects(cmd.redirects, io);
    if (!redirected) return (this.state.status = this.interactive ? 1 : 2);
    const rio = redirected.io;
    const prevIO = this.currentIO;
    this.currentIO = rio;
    try {
      return (this.state.status = await this.dispatch(argv, assigns, rio));
    } finally {
      this.currentIO = prevIO;
      redirected.close();
    }
  }

  private async dispatch(argv: string[], assigns: Map<string, string>, io: ShellIO): Promise<number> {
    const name = argv[0]!;
    const special = own(SPECIAL_BUILTINS, name);
    if (special) {
      for (const [k, v] of assigns) this.setVar(k, v);
      return special(this, argv, io);
    }
    const fn = this.state.functions.get(name);
    if (fn) return this.callFunction(fn, argv, assigns, io);
    const builtin = own(REGULAR_BUILTINS, name);
    if (builtin) {
      const saved = new Map<string, string | undefined>();
      for (const [k, v] of assigns) {
        saved.set(k, this.state.vars.get(k));
        this.state.vars.set(k, v);
      }
      try {
        return await builtin(this, argv, io);
      } finally {
        for (const [k, v] of saved) {
          if (v === undefined) this.state.vars.delete(k);
          else this.state.vars.set(k, v);
        }
      }
    }
    const applet = own(builtinApplets, name);
    if (applet) {
      return this.runApplet(argv, this.exportedEnv(assigns), io);
    }
    return this.runExternal(argv, this.exportedEnv(assigns), io);
  }

  /** runApplet runs a NOFORK busybox applet (echo, printf, test, sleep …) inside the shell, as ash does. */
  async runApplet(argv: string[], env: Map<string, string>, io: ShellIO): Promise<number> {
    const applet = own(builtinApplets, argv[0]!)!;
    const started = this.ctx.clock.now().getTime();
    let status: number;
    try {
      status = await applet({
      ...this.ctx,
      argv,
      env,
      cwd: this.state.cwd,
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      signal: this.signal,
      run: (a, o) => this.ctx.run(a, { cwd: this.state.cwd, env, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, signal: this.signal, ...o }),
      });
    } catch (err) {
      // A write to a full or read-only file fails inside the applet: busybox reports it as a write error.
      io.stderr.write(`${argv[0]}: ${err instanceof FsError ? 'write error: ' : ''}${errnoMessage(err)}\n`);
      status = 1;
    }
    if (argv[0] === 'sleep' && this.ctx.clock.now().getTime() - started >= 10) this.waited();
    if (this.signal.aborted) {
      const reason = this.abortReason();
      if (reason instanceof RunawayError) throw reason;
      return (reason as SignalAbort).exitCode;
    }
    return status;
  }

  /** runExternal runs a program of the image through ctx.run. */
  async runExternal(argv: string[], env: Map<string, string>, io: ShellIO): Promise<number> {
    try {
      return await this.ctx.run(argv, { env, cwd: this.state.cwd, stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, signal: this.signal });
    } catch (err) {
      if (err instanceof CommandNotFoundError) {
        this.error(`${argv[0]}: not found`, io);
        return 127;
      }
      if (err instanceof CommandNotExecutableError) {
        this.error(`${argv[0]}: ${err.reason}`, io);
        return 126;
      }
      throw err;
    }
  }

  private async callFunction(body: Command, argv: string[], assigns: Map<string, string>, io: ShellIO): Promise<number> {
    if (this.functionDepth >= MAX_FUNCTION_DEPTH) {
      throw this.budget.trip(`${argv[0]}: function calls nested deeper than ${MAX_FUNCTION_DEPTH} (limit of this simulated shell)`);
    }
    const savedPositional = this.state.positional;
    this.state.positional = argv.slice(1);
    for (const [k, v] of assigns) this.setVar(k, v);
    this.functionDepth++;
    this.localFrames.push(new Map());
    try {
      return await this.runCommand(body, io);
    } catch (err) {
      if (err instanceof ReturnFromFunction) return (this.state.status = err.status);
      throw err;
    } finally {
      this.functionDepth--;
      this.state.positional = savedPositional;
      for (const [name, value] of this.localFrames.pop()!) {
        if (value === undefined) this.state.vars.delete(name);
        else this.state.vars.set(name, value);
      }
    }
  }

  /** applyRedirects opens redirection targets through the container filesystem; undefined after printing the error. */
  async applyRedirects(redirects: Redirect[], io: ShellIO): Promise<{ io: ShellIO; close: () => void } | undefined> {
    if (redirects.length === 0) return { io, close: () => {} };
    const fds: (InputStream | OutputStream)[] = [io.stdin, io.stdout, io.stderr];
    const closers: (() => void)[] = [];
    const close = (): void => {
      for (const c of closers) c();
    };
    for (const r of redirects) {
      if (r.fd > 2) {
        this.error(`${r.fd}: Bad file descriptor`, io);
        close();
        return undefined;
      }
      if (r.op === '<<' || r.op === '<<-') {
        const body = r.heredoc!.quoted ? r.heredoc!.body : await expandWord(parseWordText(r.heredoc!.body), this);
        fds[r.fd] = bytesInput(body);
        continue;
      }
      const target = await expandWord(r.target, this);
      if (r.op === '>&' || r.op === '<&') {
        if (target === '-') {
          fds[r.fd] = r.op === '>&' ? nullOutput : emptyInput;
          continue;
        }
        if (/^[0-2]$/.test(target)) {
          fds[r.fd] = fds[Number(target)]!;
          continue;
        }
        if (r.op === '>&' && r.fd === 1 && !/^\d+$/.test(target)) {
          // `>& file` is bash's "both to file"; ash takes it as a file name for fd 1.
        } else {
          this.error(`${target}: Bad file descriptor`, io);
          close();
          return undefined;
        }
      }
      const path = normalizePath(target, this.state.cwd);
      try {
        if (r.op === '<' || r.op === '<>') {
          const reader = this.ctx.fs.openRead(path);
          closers.push(() => reader.close());
          fds[r.fd] = fileInput(reader);
        } else {
          const writer = this.ctx.fs.openWrite(path, { append: r.op === '>>' });
          closers.push(() => writer.close());
          fds[r.fd] = fileOutput(writer);
        }
      } catch (err) {
        if (err instanceof FsError) {
          this.error(`can't ${r.op.startsWith('<') ? 'open' : 'create'} ${target}: ${err.message}`, io);
          close();
          return undefined;
        }
        throw err;
      }
    }
    return { io: { stdin: fds[0] as InputStream, stdout: fds[1] as OutputStream, stderr: fds[2] as OutputStream }, close };
  }

  // ---- builtin helpers -------------------------------------------------------------

  /** cd changes the working directory (ash: `cd: can't cd to X: No such file or directory`). */
  changeDirectory(target: string, io: ShellIO): number {
    const path = normalizePath(target, this.state.cwd);
    try {
      const st = this.ctx.fs.stat(path);
      if (st.type !== 'dir') throw new FsError('ENOTDIR', path);
    } catch (err) {
      this.error(`cd: can't cd to ${target}: ${errnoMessage(err)}`, io);
      return 2;
    }
    this.state.vars.set('OLDPWD', this.state.cwd);
    this.state.cwd = path;
    this.state.vars.set('PWD', path);
    return 0;
  }

  async waitJobs(pids: number[]): Promise<number> {
    const targets = pids.length > 0 ? this.jobs.filter((j) => pids.includes(j.pid)) : [...this.jobs];
    let status = 0;
    for (const job of targets) {
      const interrupted = new Promise<'trap'>((resolve) => (this.waitInterrupt = () => resolve('trap')));
      const r = await untilAborted(Promise.race([job.done, interrupted]), this.signal);
      this.waitInterrupt = undefined;
      if (r === 'trap') return 128 + 15;
      if (r === null) break;
      status = r;
    }
    this.waited();
    for (const job of targets) if (job.status !== undefined) this.jobs.splice(this.jobs.indexOf(job), 1);
    return status;
  }

  listJobs(): Job[] {
    return this.jobs;
  }

  /** trap sets an action for a signal; signals arriving run it between commands (and interrupt `wait`). */
  setTrap(signal: string, action: string | undefined): void {
    if (action === undefined || action === '-') this.state.traps.delete(signal);
    else this.state.traps.set(signal, action);
    this.ctx.onSignal((sig: SignalName) => {
      const act = this.state.traps.get(sig);
      if (act === undefined) {
        if (!this.ctx.pid1) this.signalAbort(sig);
        return;
      }
      if (act === '') return;
      this.pendingTraps.push(act);
      this.waitInterrupt?.();
    });
  }

  private signalAbort(sig: SignalName): void {
    for (const job of this.jobs) job.controller.abort(new SignalAbort(sig));
  }

  get traps(): Map<string, string> {
    return this.state.traps;
  }

  get vars(): Map<string, string> {
    return this.state.vars;
  }

  get exported(): Set<string> {
    return this.state.exported;
  }

  get readonlyVars(): Set<string> {
    return this.state.readonly;
  }

  get functions(): Map<string, Command> {
    return this.state.functions;
  }

  setPositional(args: string[]): void {
    this.state.positional = args;
  }

  get inLoop(): number {
    return this.loopDepth;
  }

  get inFunction(): boolean {
    return this.functionDepth > 0;
  }

  /** makeLocal remembers a variable's value so the current function call restores it on return. */
  makeLocal(name: string): boolean {
    const frame = this.localFrames[this.localFrames.length - 1];
    if (!frame) return false;
    if (!frame.has(name)) frame.set(name, this.state.vars.get(name));
    return true;
  }

  async readLineFrom(io: ShellIO): Promise<string | null> {
    // read(1) reads byte by byte so the rest of the input stays for the next reader; we read a chunk per call and keep the rest.
    const reader = lineReaders.get(io.stdin) ?? new LineReader(io.stdin);
    lineReaders.set(io.stdin, reader);
    const r = await reader.readLine(this.signal);
    this.waited();
    return r === null ? null : r.terminated ? r.line : r.line + '\u0000';
  }

  static Break = BreakLoop;
  static Continue = ContinueLoop;
  static Return = ReturnFromFunction;
}

/** lineReaders keeps one LineReader per input, so `read` in a loop does not lose buffered lines. */
const lineReaders = new WeakMap<InputStream, LineReader>();

function fileInput(reader: { read(max: number): Uint8Array | null }): InputStream {
  return {
    read: async () => reader.read(65536),
  };
}

function fileOutput(writer: { write(data: Uint8Array | string): void }): OutputStream {
  return {
    write: (data) => writer.write(data),
    ready: () => Promise.resolve(),
    closed: false,
  };
}

function traceQuote(s: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Builtin = (sh: ShellInterpreter, argv: string[], io: ShellIO) => Promise<number> | number;

function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'"'"'`)}'`;
}

/** SPECIAL_BUILTINS (XCU 2.14): assignments before them persist. */
const SPECIAL_BUILTINS: Record<string, Builtin> = {
  ':': () => 0,
  true: () => 0,
  break: (sh, argv, io) => {
    const n = Number(argv[1] ?? 1);
    if (!Number.isInteger(n) || n < 1) {
      sh.error(`break: Illegal number: ${argv[1]}`, io);
      return 2;
    }
    if (sh.inLoop === 0) return 0;
    throw new ShellInterpreter.Break(n);
  },
  continue: (sh, argv, io) => {
    const n = Number(argv[1] ?? 1);
    if (!Number.isInteger(n) || n < 1) {
      sh.error(`continue: Illegal number: ${argv[1]}`, io);
      return 2;
    }
    if (sh.inLoop === 0) return 0;
    throw new ShellInterpreter.Continue(n);
  },
  return: (sh, argv, io) => {
    const n = argv[1] === undefined ? sh.status : Number(argv[1]);
    if (!Number.isInteger(n)) {
      sh.error(`return: Illegal number: ${argv[1]}`, io);
      return 2;
    }
    if (!sh.inFunction) throw new ExitShell(n & 255);
    throw new ShellInterpreter.Return(n & 255);
  },
  exit: (sh, argv, io) => {
    const n = argv[1] === undefined ? sh.status : Number(argv[1]);
    if (!Number.isInteger(n)) {
      sh.error(`exit: Illegal number: ${argv[1]}`, io);
      throw new ExitShell(2);
    }
    throw new ExitShell(n & 255);
  },
  export: (sh, argv, io) => {
    const args = argv.slice(1).filter((a) => a !== '-p');
    if (args.length === 0) {
      for (const name of [...sh.exported].sort()) {
        const v = sh.vars.get(name);
        io.stdout.write(v === undefined ? `export ${name}\n` : `export ${name}=${shellQuote(v)}\n`);
      }
      return 0;
    }
    for (const a of args) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        sh.error(`export: ${name}: bad variable name`, io);
        return 1;
      }
      if (eq >= 0) sh.setVar(name, a.slice(eq + 1));
      sh.exported.add(name);
    }
    return 0;
  },
  readonly: (sh, argv) => {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (eq >= 0) sh.setVar(name, a.slice(eq + 1));
      sh.readonlyVars.add(name);
    }
    return 0;
  },
  unset: (sh, argv, io) => {
    let functions = false;
    for (const a of argv.slice(1)) {
      if (a === '-f') {
        functions = true;
        continue;
      }
      if (a === '-v') continue;
      if (sh.readonlyVars.has(a)) {
        sh.error(`unset: ${a}: is read only`, io);
        return 1;
      }
      if (functions) sh.functions.delete(a);
      else {
        sh.vars.delete(a);
        sh.exported.delete(a);
      }
    }
    return 0;
  },
  set: (sh, argv, io) => {
    const args = argv.slice(1);
    if (args.length === 0) {
      for (const [k, v] of [...sh.vars].sort(([a], [b]) => byteOrder(a, b))) io.stdout.write(`${k}=${shellQuote(v)}\n`);
      return 0;
    }
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        i++;
        sh.setPositional(args.slice(i));
        return 0;
      }
      if (a === '-o' || a === '+o') {
        const name = args[++i];
        if (name === 'pipefail') sh.options.pipefail = a === '-o';
        else if (name === 'errexit') sh.options.errexit = a === '-o';
        else if (name === 'xtrace') sh.options.xtrace = a === '-o';
        else if (name === 'nounset') sh.options.nounset = a === '-o';
        else if (name === undefined) {
          for (const [k, v] of Object.entries(sh.options)) io.stdout.write(`${k.padEnd(15)}${v ? 'on' : 'off'}\n`);
        } else {
          sh.error(`set: illegal option -o ${name}`, io);
          return 2;
        }
        continue;
      }
      if (/^[-+][a-zA-Z]+$/.test(a)) {
        const on = a[0] === '-';
        for (const f of a.slice(1)) {
          if (f === 'e') sh.options.errexit = on;
          else if (f === 'x') sh.options.xtrace = on;
          else if (f === 'u') sh.options.nounset = on;
          else if (f === 'o' || 'fmnvCab'.includes(f)) continue;
          else {
            sh.error(`set: -${f}: invalid option`, io);
            return 2;
          }
        }
        continue;
      }
      break;
    }
    if (i < args.length) sh.setPositional(args.slice(i));
    return 0;
  },
  shift: (sh, argv, io) => {
    const n = Number(argv[1] ?? 1);
    const pos = sh.positional();
    if (!Number.isInteger(n) || n < 0 || n > pos.length) {
      sh.error(`shift: can't shift that many`, io);
      return 2;
    }
    sh.setPositional(pos.slice(n));
    return 0;
  },
  eval: (sh, argv, io) => sh.runInline(argv.slice(1).join(' '), io),
  '.': async (sh, argv, io) => {
    if (!argv[1]) {
      sh.error('.: .: Not enough arguments', io);
      return 2;
    }
    let text: string;
    try {
      text = sh.ctx.fs.readText(normalizePath(argv[1], sh.cwd));
    } catch (err) {
      sh.error(`.: can't open '${argv[1]}': ${errnoMessage(err)}`, io);
      return 2;
    }
    return sh.runInline(text, io);
  },
  exec: async (sh, argv, io) => {
    if (argv.length === 1) return 0;
    const status = own(builtinApplets, argv[1]!) ? await sh.runApplet(argv.slice(1), sh.exportedEnv(), io) : await sh.runExternal(argv.slice(1), sh.exportedEnv(), io);
    throw new ExitShell(status);
  },
  trap: (sh, argv, io) => {
    const args = argv.slice(1);
    if (args.length === 0) {
      for (const [sig, act] of sh.traps) io.stdout.write(`trap -- ${shellQuote(act)} ${sig}\n`);
      return 0;
    }
    const action = args.length === 1 ? undefined : args[0];
    for (const s of args.length === 1 ? args : args.slice(1)) {
      const sig = s.replace(/^SIG/, '').toUpperCase();
      const name = /^\d+$/.test(sig) ? ({ '0': 'EXIT', '1': 'HUP', '2': 'INT', '3': 'QUIT', '15': 'TERM' } as Record<string, string>)[sig] : sig;
      if (!name) {
        sh.error(`trap: ${s}: bad trap`, io);
        return 1;
      }
      sh.setTrap(name, action);
    }
    return 0;
  },
  times: (_sh, _argv, io) => {
    io.stdout.write('0m0.000000s 0m0.000000s\n0m0.000000s 0m0.000000s\n');
    return 0;
  },
};

/** REGULAR_BUILTINS are ash builtins that are not special (assignments before them are temporary). */
const REGULAR_BUILTINS: Record<string, Builtin> = {
  false: () => 1,
  cd: (sh, argv, io) => {
    const args = argv.slice(1).filter((a) => a !== '-P' && a !== '-L');
    let target = args[0];
    if (target === undefined) target = sh.getVar('HOME') ?? '/';
    if (target === '-') {
      target = sh.getVar('OLDPWD') ?? sh.cwd;
      const status = sh.changeDirectory(target, io);
      if (status === 0) io.stdout.write(sh.cwd + '\n');
      return status;
    }
    return sh.changeDirectory(target, io);
  },
  pwd: (sh, _argv, io) => {
    io.stdout.write(sh.cwd + '\n');
    return 0;
  },
  read: async (sh, argv, io) => {
    const args = argv.slice(1);
    let raw = false;
    const names: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-r') raw = true;
      else if (a === '-p') io.stderr.write(args[++i] ?? '');
      else if (a.startsWith('-') && names.length === 0) continue;
      else names.push(a);
    }
    if (names.length === 0) names.push('REPLY');
    const got = await sh.readLineFrom(io);
    if (got === null) {
      for (const n of names) sh.setVar(n, '');
      return 1;
    }
    const unterminated = got.endsWith('\u0000');
    let line = unterminated ? got.slice(0, -1) : got;
    if (!raw) line = line.replace(/\\(.)/g, '$1');
    const ifs = sh.getVar('IFS') ?? ' \t\n';
    const trimmed = ifs.includes(' ') ? line.replace(/^[ \t]+|[ \t]+$/g, '') : line;
    const sepRe = new RegExp('[' + ifs.replace(/[\\\]^-]/g, '\\$&') + ']+');
    let rest = trimmed;
    names.forEach((n, i) => {
      if (i === names.length - 1) {
        sh.setVar(n, rest);
        return;
      }
      const m = sepRe.exec(rest);
      if (!m || ifs === '') {
        sh.setVar(n, rest);
        rest = '';
      } else {
        sh.setVar(n, rest.slice(0, m.index));
        rest = rest.slice(m.index + m[0].length);
      }
    });
    return unterminated ? 1 : 0;
  },
  wait: async (sh, argv) => sh.waitJobs(argv.slice(1).map(Number).filter((n) => Number.isInteger(n))),
  jobs: (sh, _argv, io) => {
    sh.listJobs().forEach((j, i) => io.stdout.write(`[${i + 1}] ${j.status === undefined ? 'Running' : 'Done'}\n`));
    return 0;
  },
  umask: (_sh, argv, io) => {
    if (argv.length === 1) io.stdout.write('0022\n');
    return 0;
  },
  type: (sh, argv, io) => {
    let status = 0;
    for (const name of argv.slice(1)) {
      const where = describeCommand(sh, name);
      if (where) io.stdout.write(`${name} is ${where}\n`);
      else {
        io.stdout.write(`${name}: not found\n`);
        status = 1;
      }
    }
    return status;
  },
  command: async (sh, argv, io) => {
    const args = argv.slice(1);
    if (args[0] === '-v' || args[0] === '-V') {
      let status = 0;
      for (const name of args.slice(1)) {
        const where = describeCommand(sh, name);
        if (!where) {
          status = 1;
          continue;
        }
        io.stdout.write(args[0] === '-V' ? `${name} is ${where}\n` : `${where.startsWith('/') ? where : where.startsWith('a shell') ? name : where}\n`);
      }
      return status;
    }
    if (args.length === 0) return 0;
    if (own(builtinApplets, args[0]!)) return sh.runApplet(args, sh.exportedEnv(), io);
    return sh.runExternal(args, sh.exportedEnv(), io);
  },
  kill: async (sh, argv, io) => {
    const args = argv.slice(1);
    if (args[0] === '-l') {
      io.stdout.write(' 1) HUP\n 2) INT\n 3) QUIT\n 9) KILL\n15) TERM\n');
      return 0;
    }
    let sig: SignalName = 'TERM';
    let i = 0;
    if (args[0]?.startsWith('-')) {
      const s = args[0] === '-s' ? args[++i] ?? '' : args[0].slice(1);
      const name = s.replace(/^SIG/i, '').toUpperCase();
      const byNumber: Record<string, SignalName> = { '1': 'HUP', '2': 'INT', '3': 'QUIT', '9': 'KILL', '15': 'TERM' };
      const resolved = byNumber[name] ?? (['HUP', 'INT', 'QUIT', 'KILL', 'TERM'].includes(name) ? (name as SignalName) : undefined);
      if (!resolved) {
        sh.error(`kill: bad signal name '${s}'`, io);
        return 1;
      }
      sig = resolved;
      i++;
    }
    let status = 0;
    for (const p of args.slice(i)) {
      const pid = Number(p.replace(/^%/, ''));
      const job = sh.listJobs().find((j) => j.pid === pid) ?? (p.startsWith('%') ? sh.listJobs()[pid - 1] : undefined);
      if (job && job.status === undefined) {
        job.controller.abort(new SignalAbort(sig));
        continue;
      }
      // Not a job of this shell: another process of the container (kill 1 signals the main process).
      if (!p.startsWith('%') && Number.isInteger(pid) && sh.ctx.process?.kill(pid, sig) === 'ok') continue;
      sh.error(`kill: can't kill pid ${p}: No such process`, io);
      status = 1;
    }
    return status;
  },
  history: (sh, _argv, io) => {
    // busybox ash: `%4d %s` per remembered line.
    sh.history.forEach((line, i) => io.stdout.write(`${String(i).padStart(4)} ${line}\n`));
    return 0;
  },
  hash: () => 0,
  alias: () => 0,
  local: (sh, argv, io) => {
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!sh.makeLocal(name)) {
        sh.error('local: not in a function', io);
        return 2;
      }
      if (eq >= 0) sh.setVar(name, a.slice(eq + 1));
    }
    return 0;
  },
  ulimit: (_sh, _argv, io) => {
    io.stdout.write('unlimited\n');
    return 0;
  },
};
REGULAR_BUILTINS['source'] = SPECIAL_BUILTINS['.']!;

/** own looks a name up in a command table without reaching Object.prototype (`constructor` is not a builtin). */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function describeCommand(sh: ShellInterpreter, name: string): string | undefined {
  if (own(SPECIAL_BUILTINS, name)) return 'a special shell builtin';
  if (sh.functions.has(name)) return 'a function';
  if (own(REGULAR_BUILTINS, name) || own(builtinApplets, name)) return 'a shell builtin';
  const path = sh.getVar('PATH') ?? '';
  for (const dir of path.split(':')) {
    if (!dir) continue;
    const p = normalizePath(`${dir}/${name}`);
    try {
      if (sh.ctx.fs.tryStat(p)?.type === 'file') return p;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** isShellBuiltin says whether a name runs inside the shell (for `type` and completion). */
export function isShellBuiltin(name: string): boolean {
  return !!(own(SPECIAL_BUILTINS, name) || own(REGULAR_BUILTINS, name) || own(builtinApplets, name));
}

