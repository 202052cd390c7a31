/**
 * The `sh` program (busybox ash): `sh -c SCRIPT [NAME [ARG…]]`, `sh FILE`,
 * commands from a non-terminal stdin (`kubectl exec -i POD -- sh < script`),
 * and the interactive shell of `kubectl exec -it POD -- sh` and
 * `kubectl debug node/… -it`: a prompt (`/ # `), line editing with history
 * over the tty (the sandbox terminal's LineEditor: arrows, backspace, Ctrl-A/E,
 * Ctrl-U/K/W, Up/Down), Ctrl-C interrupting the running command (`^C`),
 * Ctrl-D on an empty line leaving the shell. While a command runs the tty is
 * cooked, as ash restores it before it forks.
 */
import { LineEditor, type Completer } from '../../../../terminal/line-editor.ts';
import { normalizePath } from '../fs/paths.ts';
import { SignalAbort, type Program, type ProgramContext } from '../program.ts';
import { LineReader, untilAborted } from '../streams.ts';
import { ExitShell, isShellBuiltin, ShellInterpreter, type ShellIO } from './interpreter.ts';
import { parseScript, ShellSyntaxError } from './parser.ts';
import type { Script } from './ast.ts';

/** ShellProgramOptions customise a shell for an image (bash in the mysql image shows `bash-5.1# `). */
export interface ShellProgramOptions {
  /** prompt overrides PS1 expansion for the primary prompt. */
  prompt?: (info: { cwd: string; hostname: string; uid: number; home: string }) => string;
}

/** expandPrompt implements ash's PS1 escapes (\w \W \u \h \H \$ \n \\) as busybox's FANCY_PROMPT does. */
export function expandPrompt(ps1: string, info: { cwd: string; hostname: string; uid: number; home: string; user: string }): string {
  const w = info.home && info.home !== '/' && (info.cwd === info.home || info.cwd.startsWith(info.home + '/')) ? '~' + info.cwd.slice(info.home.length) : info.cwd;
  return ps1.replace(/\\([wWuhH$n\\])/g, (_m, c: string) => {
    switch (c) {
      case 'w': return w;
      case 'W': return w === '/' ? '/' : w.slice(w.lastIndexOf('/') + 1);
      case 'u': return info.user;
      case 'h': return info.hostname.split('.')[0]!;
      case 'H': return info.hostname;
      case '$': return info.uid === 0 ? '#' : '$';
      case 'n': return '\n';
      default: return '\\';
    }
  });
}

/** createShellProgram makes an `sh`-like Program (images register it as /bin/sh, /bin/ash, /bin/bash). */
export function createShellProgram(options: ShellProgramOptions = {}): Program {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    let command: string | undefined;
    let commandMode = false;
    let interactive = false;
    let readStdin = false;
    const setOpts: string[] = [];
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--' || a === '-') {
        i++;
        break;
      }
      if (!/^[-+][a-zA-Z]+$/.test(a)) break;
      for (const f of a.slice(1)) {
        if (f === 'c') commandMode = true;
        else if (f === 'i') interactive = true;
        else if (f === 's') readStdin = true;
        else if ('exu'.includes(f)) setOpts.push((a[0] === '-' ? '-' : '+') + f);
        else if ('lmnvfC'.includes(f)) continue;
        else {
          ctx.stderr.write(`${ctx.argv[0]}: -${f}: invalid option\n`);
          return 2;
        }
      }
    }
    const rest = args.slice(i);
    const base = ctx.argv[0]!;
    if (commandMode) {
      command = rest[0];
      if (command === undefined) {
        ctx.stderr.write(`${base}: -c requires an argument\n`);
        return 2;
      }
      const shell = new ShellInterpreter(ctx, { name: rest[1] ?? base, positional: rest.slice(2) });
      applySetOptions(shell, setOpts);
      return finish(shell, await shell.runText(command, stdio(ctx)));
    }
    if (rest.length > 0 && !readStdin) {
      const file = rest[0]!;
      let text: string;
      try {
        text = ctx.fs.readText(file.startsWith('/') ? file : `${ctx.cwd}/${file}`);
      } catch (err) {
        ctx.stderr.write(`${base}: can't open '${file}': ${(err as Error).message}\n`);
        return 2;
      }
      const shell = new ShellInterpreter(ctx, { name: file, positional: rest.slice(1) });
      applySetOptions(shell, setOpts);
      return finish(shell, await shell.runText(text.replace(/^#![^\n]*\n/, '\n'), stdio(ctx)));
    }
    const isInteractive = interactive || (ctx.tty && !readStdin);
    const shell = new ShellInterpreter(ctx, { name: base, positional: readStdin ? rest : [], interactive: isInteractive });
    applySetOptions(shell, setOpts);
    if (isInteractive && ctx.tty) return runInteractive(ctx, shell, options);
    return runFromStdin(ctx, shell, isInteractive);
  };
}

/** sh is busybox's ash. */
export const sh: Program = createShellProgram();

function stdio(ctx: ProgramContext): ShellIO {
  return { stdin: ctx.stdin, stdout: ctx.stdout, stderr: ctx.stderr };
}

function applySetOptions(shell: ShellInterpreter, opts: string[]): void {
  for (const o of opts) {
    const on = o[0] === '-';
    if (o[1] === 'e') shell.options.errexit = on;
    if (o[1] === 'x') shell.options.xtrace = on;
    if (o[1] === 'u') shell.options.nounset = on;
  }
}

/** finish runs the EXIT trap, then returns the status. */
async function finish(shell: ShellInterpreter, status: number): Promise<number> {
  const exitTrap = shell.traps.get('EXIT');
  if (exitTrap) {
    shell.traps.delete('EXIT');
    await shell.runText(exitTrap, stdio(shell.ctx));
  }
  shell.closeFiles();
  return status;
}

/** runCommandText runs one complete entry; ExitShell propagates so the caller can leave. */
async function runEntry(shell: ShellInterpreter, script: Script, io: ShellIO): Promise<number> {
  try {
    return await shell.runScript(script, io);
  } catch (err) {
    if (err instanceof ExitShell) throw err;
    return shell.settle(err, io);
  }
}

/** runFromStdin reads commands line by line from a non-terminal stdin (`sh -s`, `kubectl exec -i … sh`). */
async function runFromStdin(ctx: ProgramContext, shell: ShellInterpreter, interactive: boolean): Promise<number> {
  const reader = new LineReader(ctx.stdin);
  const io = stdio(ctx);
  let pending = '';
  try {
    for (;;) {
      if (interactive) ctx.stderr.write(pending ? '> ' : '$ ');
      const got = await untilAborted(reader.readLine(), ctx.signal);
      if (got === null) break;
      pending += got.line + '\n';
      let script: Script;
      try {
        script = parseScript(pending);
      } catch (err) {
        if (err instanceof ShellSyntaxError) {
          if (err.incomplete) continue;
          shell.error(err.message, io);
          shell.status = 2;
          pending = '';
          if (!interactive) return finish(shell, 2);
          continue;
        }
        throw err;
      }
      pending = '';
      await runEntry(shell, script, io);
      shell.waited();
    }
    if (pending.trim() !== '') {
      try {
        parseScript(pending);
      } catch (err) {
        if (err instanceof ShellSyntaxError) {
          shell.error(err.message, io);
          return finish(shell, 2);
        }
      }
    }
  } catch (err) {
    if (err instanceof ExitShell) return finish(shell, err.status);
    throw err;
  }
  return finish(shell, shell.status);
}

/** runInteractive is ash's interactive loop on a tty. */
async function runInteractive(ctx: ProgramContext, shell: ShellInterpreter, options: ShellProgramOptions): Promise<number> {
  const history: string[] = [];
  shell.history = history;
  const editor = new LineEditor({ history, maxLine: 8192, completer: shellCompleter(ctx, shell) });
  const decoder = new TextDecoder();
  let current: AbortController | undefined;
  // ash ignores SIGINT/SIGTERM/SIGQUIT while interactive; Ctrl-C stops the foreground command.
  ctx.onSignal((signal) => {
    if (signal === 'INT' || signal === 'QUIT') current?.abort(new SignalAbort(signal));
    if (signal === 'HUP') current?.abort(new SignalAbort('HUP'));
  });
  const io = stdio(ctx);
  const prompt = (continuation: boolean): string => {
    if (continuation) return shell.getVar('PS2') ?? '> ';
    const home = shell.getVar('HOME') ?? '/';
    const info = { cwd: shell.cwd, hostname: ctx.container.hostname, uid: ctx.container.user.uid, home, user: ctx.container.user.name };
    return options.prompt ? options.prompt(info) : expandPrompt(shell.getVar('PS1') ?? '\\w \\$ ', info);
  };
  let pending = '';
  try {
    for (;;) {
      ctx.setRawMode?.(true);
      ctx.stdout.write(editor.start(prompt(pending !== '')));
      let event: { type: 'line'; text: string } | { type: 'interrupt' } | { type: 'eof' } | undefined;
      let input = editor.takeQueued();
      while (!event) {
        if (input === '') {
          const chunk = await untilAborted(ctx.stdin.read(), ctx.signal);
          if (chunk === null) {
            event = { type: 'eof' };
            break;
          }
          input = decoder.decode(chunk, { stream: true });
        }
        const out = editor.feed(input);
        input = '';
        if (out.echo) ctx.stdout.write(out.echo);
        for (const e of out.events) {
          if (e.type === 'clear') {
            ctx.stdout.write('\x1b[H\x1b[2J' + editor.redraw());
            continue;
          }
          event = e;
          break;
        }
      }
      ctx.setRawMode?.(false);
      if (event.type === 'eof') {
        ctx.stdout.write('\n');
        // End of input inside an unfinished command: ash reports what was missing.
        if (pending !== '') {
          try {
            parseScript(pending);
          } catch (err) {
            if (err instanceof ShellSyntaxError) {
              shell.error(err.message, io);
              shell.status = 2;
            }
          }
        }
        break;
      }
      if (event.type === 'interrupt') {
        pending = '';
        shell.status = 130;
        continue;
      }
      pending += event.text + '\n';
      let script: Script;
      try {
        script = parseScript(pending);
      } catch (err) {
        if (err instanceof ShellSyntaxError) {
          if (err.incomplete) continue;
          shell.error(err.message, io);
          shell.status = 2;
          pending = '';
          continue;
        }
        throw err;
      }
      pending = '';
      current = new AbortController();
      const outer = ctx.signal;
      const onOuter = (): void => current?.abort(outer.reason);
      outer.addEventListener('abort', onOuter, { once: true });
      // Each entry gets its own runaway budget, so one stopped loop does not end the session.
      shell.freshBudget(current.signal);
      // The entry is the foreground job: Ctrl-C on the tty stops it, and only it (a nested shell's job, not this shell).
      const entry = current;
      const previousForeground = ctx.setForeground?.((signal) => entry.abort(new SignalAbort(signal)));
      try {
        await runEntry(shell, script, io);
      } finally {
        ctx.setForeground?.(previousForeground);
        outer.removeEventListener('abort', onOuter);
      }
      if (current.signal.aborted && current.signal.reason instanceof SignalAbort && current.signal.reason.signalName !== 'KILL') {
        shell.status = current.signal.reason.exitCode;
        ctx.stdout.write('\n');
      }
      current = undefined;
      shell.freshBudget(ctx.signal);
      if (ctx.signal.aborted) break;
    }
  } catch (err) {
    if (err instanceof ExitShell) return finish(shell, err.status);
    throw err;
  }
  return finish(shell, shell.status);
}

/** MAX_COMPLETIONS bounds what one Tab lists (a directory of thousands of files). */
const MAX_COMPLETIONS = 200;

/**
 * shellCompleter is ash's Tab completion: command names (builtins and PATH)
 * in command position, else paths in the container. A single directory match
 * completes to `dir/` without a space; the editor inserts a common prefix
 * without one, so a directory is offered as two candidates sharing `dir/`.
 */
export function shellCompleter(ctx: ProgramContext, shell: ShellInterpreter): Completer {
  return (line, cursor) => {
    const before = line.slice(0, cursor);
    const word = /[^\s;&|<>]*$/.exec(before)![0];
    const start = cursor - word.length;
    const head = before.slice(0, start);
    const commandPosition = /(^|[;&|(]|&&|\|\|)\s*$/.test(head);
    if (commandPosition && !word.includes('/')) {
      const names = new Set<string>();
      for (const dir of (shell.getVar('PATH') ?? '').split(':')) {
        if (!dir) continue;
        try {
          for (const n of ctx.fs.readdir(normalizePath(dir))) if (n.startsWith(word)) names.add(n);
        } catch {
          continue;
        }
      }
      for (const n of [...shell.functions.keys(), 'cd', 'export', 'exit', 'read', 'set', 'unset', 'wait', 'trap', 'type']) if (n.startsWith(word) && (isShellBuiltin(n) || shell.functions.has(n))) names.add(n);
      return { start, candidates: [...names].sort().slice(0, MAX_COMPLETIONS) };
    }
    const slash = word.lastIndexOf('/');
    const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
    const prefix = word.slice(slash + 1);
    let names: string[];
    const dir = normalizePath(dirPart === '' ? '.' : dirPart, shell.cwd);
    try {
      names = ctx.fs.readdir(dir).filter((n) => n.startsWith(prefix) && (prefix.startsWith('.') || !n.startsWith('.')));
    } catch {
      return undefined;
    }
    names.sort();
    const candidates = names.slice(0, MAX_COMPLETIONS).map((n) => {
      let isDir = false;
      try {
        isDir = ctx.fs.stat(normalizePath(n, dir)).type === 'dir';
      } catch {
        isDir = false;
      }
      return dirPart + n + (isDir ? '/' : '');
    });
    if (candidates.length === 1 && candidates[0]!.endsWith('/')) return { start, candidates: [candidates[0]!, candidates[0]! + '.'] };
    return { start, candidates };
  };
}
