/**
 * LearnerShell is the sandbox terminal for the simulated provider: a small
 * line interpreter — never a host shell — that runs the real `kubectl` by
 * argv (child_process.spawn, no `shell: true`), a few built-ins over the
 * session's working folder (ls, cat, echo, rm, true, false, clear, history, help), the
 * cluster's modelled tools (ceph, rbd, showmount), pipes into grep/wc/
 * base64/head/tail, and `> FILE` / `>> FILE` into the working folder only.
 * A line may be a list of pipelines joined by `;`, `&&` and `||`, and `$?`
 * expands to the exit status of the last pipeline, as in sh.
 *
 * kubectl runs with the session's kubeconfig (KUBECONFIG), its own cache
 * folder (KUBECACHEDIR) and HOME, a PATH holding only kubectl's own folder,
 * in the lesson's folder. There is no PTY (node-pty would need a native
 * build on every install): `-t` is dropped and interactive commands
 * (`kubectl exec -i`) read the lines the learner types, ended by Ctrl-D.
 */
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants as osConstants } from 'node:os';
import type { TerminalTool } from '../providers/types.ts';
import { expandPipeline, parseCommandLine, runsAfter, type ExpandedPipeline } from './words.ts';
import { checkKubectlArgs, builtinVerbs, pathProblem } from './kubectl-policy.ts';
import { parseFilter, filterNames, type TextFilter } from './filters.ts';
import { LineEditor, type Completer } from './line-editor.ts';

/** KubectlRuntime says how to start kubectl for one session. */
export interface KubectlRuntime {
  /** path is the kubectl executable (resolved, not looked up on PATH at spawn time). */
  path: string;
  /** env is the complete environment kubectl gets (KUBECONFIG, KUBECACHEDIR, HOME, PATH). */
  env: Record<string, string>;
}

/** CompletionSource gives names for tab completion (kept fresh by the live view). */
export type CompletionSource = (resource: string) => string[];

export interface LearnerShellOptions {
  /** folder is the working folder of the lesson being viewed; label is how the prompt shows it. */
  folder: () => { path: string; label: string };
  kubectl: KubectlRuntime;
  tools?: () => Record<string, TerminalTool> | undefined;
  /** history is kept by the session (saved across server restarts). */
  history: string[];
  /** write sends terminal output (CR LF line ends) to every connected terminal. */
  write: (text: string) => void;
  completions?: CompletionSource;
  /** onCommandDone is called once after each typed line, however many commands it held (the session saves the cluster then). */
  onCommandDone?: (line: string) => void;
  spawn?: typeof nodeSpawn;
  /** maxFileBytes caps one redirected file; maxFiles caps the folder. */
  maxFileBytes?: number;
  maxFiles?: number;
}

/** MAX_FILE_BYTES: a redirected `kubectl get -o yaml` of a whole namespace fits; a runaway watch does not. */
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_FILES = 200;
/** KILL_GRACE_MS: after Ctrl-C, kubectl gets this long to exit on SIGINT before SIGKILL. */
const KILL_GRACE_MS = 2000;

/**
 * Exit statuses the shell itself gives, as bash does
 * (https://www.gnu.org/software/bash/manual/html_node/Exit-Status.html):
 * 2 for a line it cannot parse, 127 for a command it cannot find, 128+N for a
 * command killed by signal N (so 130 after Ctrl-C).
 */
const STATUS_SYNTAX = 2;
const STATUS_NOT_FOUND = 127;
const STATUS_INTERRUPTED = 128 + osConstants.signals.SIGINT;
/** STATUS_REFUSED is what a pipeline stage or redirection the sandbox refuses returns (bash gives 1 for a failed redirection). */
const STATUS_REFUSED = 1;

/** builtins are the commands the shell itself implements. */
const builtins = ['ls', 'cat', 'echo', 'rm', 'clear', 'history', 'help', 'pwd', 'exit', 'true', 'false'] as const;
/** toolNames are the modelled commands a cluster may offer (later issue for the sim). */
const toolNames = ['ceph', 'rbd', 'showmount'] as const;

const helpText = [
  'This terminal talks to your own sandbox cluster. It is not a full shell:',
  '  kubectl ...            the real kubectl (plugins, edit, proxy and port-forward are off)',
  '  ls, cat FILE, rm FILE  the files of this lesson (`kubectl apply -f FILE` uses them)',
  '  echo [-n] TEXT         print text (e.g. `echo -n secret | base64`)',
  '  ceph, rbd, showmount   storage tools, where the lesson needs them',
  '  CMD | grep [-ivcnwxoqE -e PAT -A/-B/-C N -m N] PATTERN, | wc [-l -w -c],',
  '  CMD | base64 [-d], | head [-n N], | tail [-n N]',
  '  CMD > FILE, CMD >> FILE   save output in this folder',
  '  A; B, A && B, A || B     several commands: B runs after A / if A succeeded / if A failed',
  '  echo $?                  the exit status of the last command (0 = success)',
  '  history, clear, help, true, false',
  "Quotes work as in a shell ('…', \"…\", \\); $VAR, $(…), &, < and ( ) do not.",
  'Keys: Up/Down history, Tab completion, Ctrl-C stop, Ctrl-A/E/U/W/K line editing, Ctrl-L clear.',
].join('\n');

/** toTerminal turns program output into terminal form: every line ends CR LF. */
export function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export class LearnerShell {
  private readonly editor: LineEditor;
  private readonly spawn: typeof nodeSpawn;
  /**
   * running is the typed line being run: `interrupted` stops the rest of its
   * list, `abort` and `child` belong to the pipeline running now.
   */
  private running: { child?: ChildProcess; abort: AbortController; interactive: boolean; interrupted: boolean } | undefined;
  /** lastStatus is what `$?` expands to: the exit status of the last pipeline that ran. */
  private lastStatus = 0;
  private typeAhead = '';
  private disposed = false;

  constructor(private readonly options: LearnerShellOptions) {
    this.spawn = options.spawn ?? nodeSpawn;
    this.editor = new LineEditor({ history: options.history, completer: this.completer });
  }

  /** busy is true while a command runs. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** prompt shows the lesson folder, like a shell's `~/dir $`. */
  prompt(): string {
    return `\x1b[1;34m~/${this.options.folder().label}\x1b[0m $ `;
  }

  /** start prints the greeting and the first prompt. */
  start(greeting?: string): void {
    if (greeting) this.options.write(toTerminal(greeting + '\n'));
    this.options.write(this.editor.start(this.prompt()));
  }

  /** notice prints a message above the line being typed (cluster events, warnings); the prompt is redrawn for the current folder. */
  notice(text: string): void {
    if (!this.running) this.editor.setPrompt(this.prompt());
    if (this.running) {
      this.options.write(toTerminal(text + '\n'));
      return;
    }
    this.options.write('\r\x1b[K' + toTerminal(text + '\n') + this.editor.redraw());
  }

  /** input handles what the learner typed. */
  input(data: string): void {
    if (this.disposed) return;
    if (this.running) {
      this.inputWhileRunning(data);
      return;
    }
    const { echo, events } = this.editor.feed(data);
    if (echo) this.options.write(echo);
    for (const event of events) {
      if (event.type === 'line') {
        void this.runLine(event.text);
        return;
      }
      if (event.type === 'interrupt' || event.type === 'eof') {
        this.options.write(this.editor.start(this.prompt()));
      } else if (event.type === 'clear') {
        this.options.write('\x1b[H\x1b[2J' + this.editor.redraw());
      }
    }
  }

  private inputWhileRunning(data: string): void {
    const run = this.running!;
    if (data.includes('\x03')) {
      this.interrupt();
      return;
    }
    if (!run.interactive || !run.child?.stdin || run.child.stdin.destroyed) {
      // Typed ahead: keep it for the next prompt, as a terminal's line discipline would.
      if (this.typeAhead.length < 4096) this.typeAhead += data;
      return;
    }
    const { echo, events } = this.editor.feed(data);
    if (echo) this.options.write(echo);
    for (const event of events) {
      if (event.type === 'line') {
        run.child.stdin.write(event.text + '\n');
        this.editor.start('');
        const queued = this.editor.takeQueued();
        if (queued) this.inputWhileRunning(queued);
        return;
      }
      if (event.type === 'eof') {
        run.child.stdin.end();
        this.editor.start('');
      }
    }
  }

  /** pauseOutput stops reading the running command's output (flow control: the browser is behind). */
  pauseOutput(): void {
    this.running?.child?.stdout?.pause();
  }

  /** resumeOutput reads the running command's output again. */
  resumeOutput(): void {
    this.running?.child?.stdout?.resume();
  }

  /**
   * interrupt stops the running command the way Ctrl-C would, and the rest of
   * its line: bash, too, abandons an interactive foreground list on SIGINT.
   */
  interrupt(): void {
    const run = this.running;
    if (!run) return;
    this.options.write('^C\r\n');
    run.interrupted = true;
    run.abort.abort();
    const child = run.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, KILL_GRACE_MS);
      timer.unref();
    }
  }

  /** dispose stops whatever runs; the shell takes no more input. */
  dispose(): void {
    this.disposed = true;
    const child = this.running?.child;
    this.running?.abort.abort();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }

  /** runLine runs one line — a list of pipelines — and prints the next prompt. */
  async runLine(text: string): Promise<void> {
    const parsed = parseCommandLine(text);
    if (!parsed.ok) {
      this.options.write(toTerminal(`${parsed.message}\n`));
      this.lastStatus = STATUS_SYNTAX;
    } else if (parsed.list.length > 0) {
      const run: NonNullable<LearnerShell['running']> = { abort: new AbortController(), interactive: false, interrupted: false };
      this.running = run;
      for (const entry of parsed.list) {
        if (run.interrupted || this.disposed) break;
        // A pipeline skipped by && or || leaves $? as it was (POSIX AND-OR lists).
        if (!runsAfter(entry.after, this.lastStatus)) continue;
        run.abort = new AbortController();
        run.child = undefined;
        run.interactive = false;
        let status: number;
        try {
          status = await this.runPipeline(expandPipeline(entry.pipeline, this.lastStatus), run.abort);
        } catch (e) {
          this.options.write(toTerminal(`error: ${(e as Error).message}\n`));
          status = 1;
        }
        this.lastStatus = run.interrupted ? STATUS_INTERRUPTED : status;
      }
      this.options.onCommandDone?.(text);
    }
    if (this.disposed) return;
    this.running = undefined;
    this.options.write(this.editor.start(this.prompt()));
    const pending = this.editor.takeQueued() + this.typeAhead;
    this.typeAhead = '';
    if (pending) this.input(pending);
  }

  /**
   * runPipeline runs one pipeline and resolves with its exit status: the last
   * stage's, as in sh without pipefail (a filter's own status when there is one).
   */
  private async runPipeline(line: ExpandedPipeline, abort: AbortController): Promise<number> {
    const [first, ...rest] = line.stages as [string[], ...string[][]];
    const filters: TextFilter[] = [];
    for (const stage of rest) {
      if (!(filterNames as readonly string[]).includes(stage[0]!)) {
        this.writeErr(
          `${stage[0]}: after \`|\` this terminal offers ${filterNames.join(', ')}; \`${stage[0]}\` cannot read a pipe here.`,
        );
        return STATUS_REFUSED;
      }
      const parsed = parseFilter(stage);
      if (!parsed.ok) return this.refuse(parsed.message, STATUS_SYNTAX);
      if (parsed.file !== undefined) return this.refuse(`${stage[0]}: a file operand cannot follow \`|\``, STATUS_SYNTAX);
      filters.push(parsed.filter);
    }
    const folder = this.options.folder().path;
    let redirectError: string | undefined;
    let redirectBuffer = '';
    if (line.redirect) {
      const problem = pathProblem(line.redirect.file, '>');
      if (problem) return this.refuse(problem);
      if (line.redirect.file.includes('/')) return this.refuse('> only writes files directly in this folder (no sub-folders).');
      const target = join(folder, line.redirect.file);
      if (existsSync(target) && statSync(target).isDirectory()) return this.refuse(`${line.redirect.file}: is a directory`);
      if (!existsSync(target) && readdirSync(folder).length >= (this.options.maxFiles ?? MAX_FILES)) {
        return this.refuse(`${line.redirect.file}: this folder already holds its limit of files; remove some with rm`);
      }
    }
    const maxBytes = this.options.maxFileBytes ?? MAX_FILE_BYTES;
    const sink = (text: string): void => {
      if (line.redirect) {
        if (redirectError) return;
        redirectBuffer += text;
        const existing = line.redirect.append && existsSync(join(folder, line.redirect.file)) ? statSync(join(folder, line.redirect.file)).size : 0;
        if (Buffer.byteLength(redirectBuffer) + existing > maxBytes) {
          redirectError = `${line.redirect.file}: file too large (over ${maxBytes} bytes); stopped`;
          abort.abort();
          this.running?.child?.kill('SIGKILL');
        }
        return;
      }
      this.options.write(toTerminal(text));
    };
    let filterError = false;
    /** failed reports a filter that gave up (grep's time budget) once, and stops the producer. */
    const failed = (f: TextFilter): boolean => {
      if (!f.error) return false;
      if (!filterError) this.writeErr(f.error);
      filterError = true;
      abort.abort();
      this.running?.child?.kill('SIGTERM');
      return true;
    };
    const stdout = (text: string): void => {
      let t = text;
      for (const f of filters) {
        if (f.done) return;
        t = f.push(t);
        if (failed(f)) return;
        if (f.done) {
          // Like SIGPIPE after `head` has its lines: stop the producer.
          abort.abort();
          this.running?.child?.kill('SIGTERM');
        }
        if (t === '') return;
      }
      sink(t);
    };
    const flush = (): void => {
      for (let i = 0; i < filters.length; i++) {
        if (filterError) return;
        let t = filters[i]!.end();
        if (failed(filters[i]!)) return;
        for (let j = i + 1; j < filters.length; j++) {
          t = filters[j]!.push(t);
          if (failed(filters[j]!)) return;
        }
        if (t) sink(t);
      }
    };
    const producerStatus = await this.runProducer(first, { stdout, stderr: (t) => this.options.write(toTerminal(t)), signal: abort.signal });
    flush();
    if (line.redirect) {
      const target = join(folder, line.redirect.file);
      if (redirectError) {
        this.writeErr(redirectError);
        return STATUS_REFUSED;
      } else if (line.redirect.append) {
        appendFileSync(target, redirectBuffer);
      } else {
        writeFileSync(target, redirectBuffer);
      }
    }
    // A filter that gave up (grep's time budget) ends the pipeline with its own status (grep's 2).
    const last = filterError ? filters.find((f) => f.error) : filters[filters.length - 1];
    return last ? last.status : producerStatus;
  }

  private writeErr(message: string): void {
    this.options.write(toTerminal(message + '\n'));
  }

  /** refuse prints why a pipeline cannot run and gives the status it ends with. */
  private refuse(message: string, status: number = STATUS_REFUSED): number {
    this.writeErr(message);
    return status;
  }

  /** runProducer runs the first command of a pipeline; it resolves with the exit code. */
  private async runProducer(
    argv: string[],
    io: { stdout(t: string): void; stderr(t: string): void; signal: AbortSignal },
  ): Promise<number> {
    const [name, ...args] = argv as [string, ...string[]];
    const folder = this.options.folder().path;
    const fileOf = (arg: string, cmd: string): string | undefined => {
      const problem = pathProblem(arg, cmd);
      if (problem) {
        io.stderr(problem + '\n');
        return undefined;
      }
      const p = join(folder, arg);
      if (!existsSync(p)) {
        io.stderr(`${cmd}: ${arg}: No such file (try \`ls\`)\n`);
        return undefined;
      }
      return p;
    };
    switch (name) {
      case 'kubectl':
        return this.runKubectl(args, io);
      case 'ls': {
        const long = args.includes('-l');
        const names = args.filter((a) => !a.startsWith('-'));
        const entries = names.length > 0 ? names : readdirSync(folder).filter((f) => !f.startsWith('.')).sort();
        let code = 0;
        for (const entry of entries) {
          const p = fileOf(entry, 'ls');
          if (!p) {
            code = 2;
            continue;
          }
          io.stdout(long ? `${String(statSync(p).size).padStart(8)}  ${entry}\n` : `${entry}\n`);
        }
        return code;
      }
      case 'cat': {
        if (args.length === 0) {
          io.stderr('usage: cat FILE... (files of this lesson; try `ls`)\n');
          return 1;
        }
        for (const arg of args) {
          const p = fileOf(arg, 'cat');
          if (!p) return 1;
          if (statSync(p).isDirectory()) {
            io.stderr(`cat: ${arg}: Is a directory\n`);
            return 1;
          }
          io.stdout(readFileSync(p, 'utf8'));
        }
        return 0;
      }
      case 'rm': {
        const files = args.filter((a) => a !== '-f');
        if (files.length === 0) {
          io.stderr('usage: rm FILE...\n');
          return 1;
        }
        for (const arg of files) {
          const p = fileOf(arg, 'rm');
          if (!p) return 1;
          if (statSync(p).isDirectory()) {
            io.stderr(`rm: ${arg}: is a directory\n`);
            return 1;
          }
          rmSync(p);
        }
        return 0;
      }
      case 'echo': {
        const noNewline = args[0] === '-n';
        const words = noNewline ? args.slice(1) : args;
        io.stdout(words.join(' ') + (noNewline ? '' : '\n'));
        return 0;
      }
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'pwd':
        io.stdout(`~/${this.options.folder().label}\n`);
        return 0;
      case 'clear':
        this.options.write('\x1b[H\x1b[2J\x1b[3J');
        return 0;
      case 'history': {
        const history = this.options.history;
        history.forEach((h, i) => io.stdout(`${String(i + 1).padStart(5)}  ${h}\n`));
        return 0;
      }
      case 'help':
        io.stdout(helpText + '\n');
        return 0;
      case 'exit':
        io.stdout('This terminal stays with your session; close the page to leave. (Reset the cluster with the Reset button.)\n');
        return 0;
      default:
        break;
    }
    if ((toolNames as readonly string[]).includes(name)) {
      const tool = this.options.tools?.()?.[name];
      if (!tool) {
        io.stderr(`${name}: not available in this sandbox yet\n`);
        return STATUS_NOT_FOUND;
      }
      return tool(args, io);
    }
    if ((filterNames as readonly string[]).includes(name)) {
      const parsed = parseFilter(argv);
      if (!parsed.ok) {
        io.stderr(parsed.message + '\n');
        return 2;
      }
      if (parsed.file === undefined) {
        io.stderr(`${name}: give a file of this lesson, or use it after \`|\` (e.g. \`kubectl get pods | ${name} …\`)\n`);
        return 2;
      }
      const p = fileOf(parsed.file, name);
      if (!p) return 2;
      const out = parsed.filter.push(readFileSync(p, 'utf8'));
      const rest = parsed.filter.error ? '' : parsed.filter.end();
      if (parsed.filter.error) {
        io.stderr(parsed.filter.error + '\n');
        return parsed.filter.status;
      }
      io.stdout(out + rest);
      return parsed.filter.status;
    }
    io.stderr(`${name}: command not found (this terminal runs kubectl and a few helpers; type \`help\`)\n`);
    return STATUS_NOT_FOUND;
  }

  private runKubectl(args: string[], io: { stdout(t: string): void; stderr(t: string): void; signal: AbortSignal }): Promise<number> {
    const policy = checkKubectlArgs(args);
    if (!policy.ok) {
      io.stderr(policy.message + '\n');
      return Promise.resolve(1);
    }
    if (!this.options.kubectl.path) {
      io.stderr('kubectl: not installed on the machine running this sandbox (install kubectl there and restart kslab serve)\n');
      return Promise.resolve(STATUS_NOT_FOUND);
    }
    for (const note of policy.notes) io.stderr(note + '\n');
    const interactive = wantsStdin(policy.argv);
    return new Promise((resolve) => {
      let child: ChildProcess;
      try {
        child = this.spawn(this.options.kubectl.path, policy.argv, {
          cwd: this.options.folder().path,
          env: this.options.kubectl.env,
          stdio: [interactive ? 'pipe' : 'ignore', 'pipe', 'pipe'],
          shell: false,
        });
      } catch (e) {
        io.stderr(`kubectl: could not start: ${(e as Error).message}\n`);
        resolve(STATUS_NOT_FOUND);
        return;
      }
      if (this.running) {
        this.running.child = child;
        this.running.interactive = interactive;
      }
      if (interactive) this.editor.start('');
      child.stdout!.setEncoding('utf8');
      child.stderr!.setEncoding('utf8');
      child.stdout!.on('data', (t: string) => io.stdout(t));
      child.stderr!.on('data', (t: string) => io.stderr(t));
      child.stdin?.on('error', () => {
        /* kubectl exited before reading its input */
      });
      child.on('error', (e) => {
        io.stderr(`kubectl: ${e.message}\n`);
        resolve(STATUS_NOT_FOUND);
      });
      child.on('close', (code, signal) => resolve(code ?? exitStatusOfSignal(signal)));
      if (interactive && this.typeAhead && this.running) {
        // Typed while an earlier command of the list ran: the first reader of the terminal gets it, as with a tty.
        const typed = this.typeAhead;
        this.typeAhead = '';
        this.inputWhileRunning(typed);
      }
    });
  }

  /** completer completes command names, kubectl verbs, resource types, object names and files. */
  private readonly completer: Completer = (line, cursor) => {
    // Only the command after the last `;`, `&&` or `||` matters (quotes are not tracked: completion is a hint, not a parse).
    const before = line.slice(0, cursor).replace(/^.*(?:;|&&|\|\|)\s*/s, '');
    const words = before.split(/\s+/);
    const current = words[words.length - 1] ?? '';
    const start = cursor - current.length;
    const pick = (all: readonly string[]) => ({ start, candidates: all.filter((w) => w.startsWith(current)).sort() });
    if (words.length === 1) return pick([...builtins, 'kubectl', ...toolNames, ...filterNames]);
    const previous = words[words.length - 2];
    if (previous === '|') return pick(filterNames);
    if (previous === '-f' || previous === '--filename' || ['cat', 'rm', 'ls'].includes(words[0]!)) {
      try {
        return pick(readdirSync(this.options.folder().path).filter((f) => !f.startsWith('.')));
      } catch {
        return undefined;
      }
    }
    if (words[0] !== 'kubectl') return undefined;
    const positional = words.slice(1, -1).filter((w) => !w.startsWith('-'));
    if (positional.length === 0) return pick(builtinVerbs.filter((v) => !['plugin', 'edit', 'proxy', 'port-forward', 'alpha'].includes(v)));
    if (positional.length === 1 && resourceVerbs.has(positional[0]!)) return pick(resourceTypeWords);
    if (positional.length === 2 && resourceVerbs.has(positional[0]!) && this.options.completions) {
      return pick(this.options.completions(canonicalResource(positional[1]!)));
    }
    if (positional.length === 1 && ['logs', 'exec', 'attach', 'cp'].includes(positional[0]!) && this.options.completions) {
      return pick(this.options.completions('pods'));
    }
    return undefined;
  };
}

/** exitStatusOfSignal is the status a shell gives a command killed by a signal: 128 + the signal's number. */
function exitStatusOfSignal(signal: NodeJS.Signals | null): number {
  const number = signal ? osConstants.signals[signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}

/** resourceVerbs take a resource type then names. */
const resourceVerbs = new Set(['get', 'describe', 'delete', 'edit', 'label', 'annotate', 'patch', 'scale', 'rollout', 'explain', 'wait', 'cordon', 'uncordon', 'drain', 'taint']);

/** resourceTypeWords are the resource names completion offers (the storage lessons' vocabulary first). */
const resourceTypeWords = [
  'pods', 'pod', 'po', 'persistentvolumeclaims', 'pvc', 'persistentvolumes', 'pv', 'storageclasses', 'sc', 'nodes', 'node',
  'no', 'deployments', 'deploy', 'statefulsets', 'sts', 'daemonsets', 'ds', 'replicasets', 'rs', 'events', 'ev',
  'secrets', 'configmaps', 'cm', 'services', 'svc', 'namespaces', 'ns', 'jobs', 'volumeattachments', 'csidrivers', 'csinodes', 'all',
];

/** canonicalResource maps what the learner typed to the plural the completion source knows. */
function canonicalResource(word: string): string {
  const w = word.split('.')[0]!.toLowerCase();
  const map: Record<string, string> = {
    pod: 'pods', po: 'pods', pvc: 'persistentvolumeclaims', persistentvolumeclaim: 'persistentvolumeclaims',
    pv: 'persistentvolumes', persistentvolume: 'persistentvolumes', sc: 'storageclasses', storageclass: 'storageclasses',
    node: 'nodes', no: 'nodes', deploy: 'deployments', deployment: 'deployments', sts: 'statefulsets', statefulset: 'statefulsets',
  };
  return map[w] ?? w;
}

/** wantsStdin is true when kubectl will read the terminal's input (`-i`, `--stdin`, `-f -`). */
export function wantsStdin(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--stdin' || a === '--stdin=true') return true;
    if (/^-[a-zA-Z]*i[a-zA-Z]*$/.test(a) && !a.startsWith('--') && !/[fkonlcspLev]/.test(a.slice(1, a.indexOf('i')))) return true;
    if ((a === '-f' || a === '--filename') && argv[i + 1] === '-') return true;
    if (a === '-f=-' || a === '--filename=-') return true;
  }
  return false;
}
