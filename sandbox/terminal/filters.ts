/**
 * filters are the few text tools the sandbox terminal offers after a pipe
 * (`kubectl get pods | grep mysql`, `kubectl describe pod x | grep -A3 Events`,
 * `kubectl get secret x -o jsonpath='{.data.key}' | base64 -d`, `kubectl get pods | wc -l`).
 * Each is a small streaming transform written in TypeScript — no host binary
 * runs — that prints what GNU grep 3.x and coreutils 9 print for the options
 * learners reach for:
 *
 * - grep [-ivcnwxoqsHhlLEFG] [-A N] [-B N] [-C N] [-NUM] [-m N] [-e PATTERN]... PATTERN,
 *   with the long forms (`--after-context=3`, `--regexp=…`, unique abbreviations),
 *   `--` group separators, `--group-separator=SEP`, `--no-group-separator`, `--label`;
 * - wc [-l] [-w] [-m] [-c];
 * - base64 [-d]; head [-n N]; tail [-n N].
 *
 * grep's regular expressions are POSIX basic (default) or extended (-E) as
 * GNU reads them in a UTF-8 locale, translated to JavaScript ones
 * (see posixToJavaScript). What stays unsupported is refused with a message
 * naming the option (-r, -f FILE, -P, -b, -z, …).
 * Known differences from GNU grep: input holding a NUL byte is read as text
 * (GNU calls it binary, prints "binary file matches" instead of lines, and
 * may split lines at NULs), and bytes that are not UTF-8 never reach a filter
 * (the shell decodes kubectl's output first); grep's stderr warnings
 * ("* at start of expression") are not printed; non-ASCII character classes
 * follow Unicode properties, which glibc's tables approximate; a repetition
 * of a word assertion in basic syntax (`\<\{2\}`) is not read as GNU's dfa.c reads it.
 */
import vm from 'node:vm';

/** TextFilter transforms a stream of text; push gets chunks, end flushes what is left. */
export interface TextFilter {
  push(chunk: string): string;
  end(): string;
  /** done is true once the filter needs no more input (head has its lines, grep -q found one). */
  readonly done: boolean;
  /**
   * error is set once the filter gave up (a pattern that would take too long
   * to match): the shell prints it on stderr and stops the pipeline.
   */
  readonly error?: string;
  /**
   * status is the exit status the command would have once end() has run:
   * grep's is 0 when a line was selected and 1 when none was (GNU grep's rule),
   * base64 -d's is 1 on invalid input, the others' 0.
   */
  readonly status: number;
}

export type FilterResult = { ok: true; filter: TextFilter; file?: string } | { ok: false; message: string };

/** filterNames are the commands parseFilter understands. */
export const filterNames = ['grep', 'wc', 'base64', 'head', 'tail'] as const;

/** parseFilter builds the filter for argv (argv[0] is the command name); a trailing file operand is returned as `file`. */
export function parseFilter(argv: readonly string[]): FilterResult {
  switch (argv[0]) {
    case 'grep':
      return parseGrep(argv.slice(1));
    case 'wc':
      return parseWc(argv.slice(1));
    case 'base64':
      return parseBase64(argv.slice(1));
    case 'head':
    case 'tail':
      return parseHeadTail(argv[0], argv.slice(1));
    default:
      return { ok: false, message: `${argv[0]}: not a filter` };
  }
}

/** LineSplitter feeds whole lines to a callback and keeps the unfinished tail. */
class LineSplitter {
  private rest = '';
  push(chunk: string, onLine: (line: string) => void): void {
    const text = this.rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }
  end(onLine: (line: string) => void): void {
    if (this.rest !== '') onLine(this.rest);
    this.rest = '';
  }
}

/** LongOption is one `--name` a command knows; key is the short option it stands for, or its own name. */
interface LongOption {
  name: string;
  arg: 'none' | 'required' | 'optional';
  key: string;
}

type LongOptionMatch = { ok: true; option: LongOption; value?: string; usedNext: boolean } | { ok: false; message: string };

/**
 * matchLongOption finds `--word` in table the way glibc's getopt_long does:
 * an exact name wins, otherwise a unique prefix (`--after=3`), and prefixes
 * of several names that mean the same option (`--col`) are not ambiguous.
 * next is the argument after this one (a required value may come there).
 */
function matchLongOption(cmd: string, word: string, next: string | undefined, table: readonly LongOption[]): LongOptionMatch {
  const eq = word.indexOf('=');
  const name = eq < 0 ? word : word.slice(0, eq);
  const inline = eq < 0 ? undefined : word.slice(eq + 1);
  const exact = table.find((o) => o.name === name);
  const candidates = exact ? [exact] : table.filter((o) => o.name.startsWith(name));
  if (candidates.length === 0) return { ok: false, message: `${cmd}: unrecognized option '--${word}'` };
  const option = candidates[0]!;
  if (candidates.some((o) => o.key !== option.key || o.arg !== option.arg)) {
    const names = candidates.map((o) => `'--${o.name}'`).join(' ');
    return { ok: false, message: `${cmd}: option '--${word}' is ambiguous; possibilities: ${names}` };
  }
  if (option.arg === 'none' && inline !== undefined) return { ok: false, message: `${cmd}: option '--${option.name}' doesn't allow an argument` };
  if (option.arg === 'required' && inline === undefined) {
    if (next === undefined) return { ok: false, message: `${cmd}: option '--${option.name}' requires an argument` };
    return { ok: true, option, value: next, usedNext: true };
  }
  return { ok: true, option, ...(inline !== undefined ? { value: inline } : {}), usedNext: false };
}

/**
 * grepLongOptions are GNU grep 3.8's long options (its `long_options` table,
 * https://git.savannah.gnu.org/cgit/grep.git/tree/src/grep.c), so that
 * abbreviations resolve — or are ambiguous — exactly as there. Those with
 * key `unavailable` are refused here.
 */
const grepLongOptions: readonly LongOption[] = [
  { name: 'basic-regexp', arg: 'none', key: 'G' },
  { name: 'extended-regexp', arg: 'none', key: 'E' },
  { name: 'fixed-regexp', arg: 'none', key: 'F' },
  { name: 'fixed-strings', arg: 'none', key: 'F' },
  { name: 'perl-regexp', arg: 'none', key: 'unavailable' },
  { name: 'after-context', arg: 'required', key: 'A' },
  { name: 'before-context', arg: 'required', key: 'B' },
  { name: 'binary-files', arg: 'required', key: 'unavailable' },
  { name: 'byte-offset', arg: 'none', key: 'unavailable' },
  { name: 'context', arg: 'required', key: 'C' },
  { name: 'color', arg: 'optional', key: 'color' },
  { name: 'colour', arg: 'optional', key: 'color' },
  { name: 'count', arg: 'none', key: 'c' },
  { name: 'devices', arg: 'required', key: 'unavailable' },
  { name: 'directories', arg: 'required', key: 'unavailable' },
  { name: 'dereference-recursive', arg: 'none', key: 'unavailable' },
  { name: 'exclude', arg: 'required', key: 'unavailable' },
  { name: 'exclude-from', arg: 'required', key: 'unavailable' },
  { name: 'exclude-dir', arg: 'required', key: 'unavailable' },
  { name: 'file', arg: 'required', key: 'unavailable' },
  { name: 'files-with-matches', arg: 'none', key: 'l' },
  { name: 'files-without-match', arg: 'none', key: 'L' },
  { name: 'help', arg: 'none', key: 'unavailable' },
  { name: 'include', arg: 'required', key: 'unavailable' },
  { name: 'ignore-case', arg: 'none', key: 'i' },
  { name: 'no-ignore-case', arg: 'none', key: 'no-ignore-case' },
  { name: 'initial-tab', arg: 'none', key: 'unavailable' },
  { name: 'label', arg: 'required', key: 'label' },
  { name: 'line-buffered', arg: 'none', key: 'line-buffered' },
  { name: 'line-number', arg: 'none', key: 'n' },
  { name: 'line-regexp', arg: 'none', key: 'x' },
  { name: 'max-count', arg: 'required', key: 'm' },
  { name: 'no-filename', arg: 'none', key: 'h' },
  { name: 'no-group-separator', arg: 'none', key: 'no-group-separator' },
  { name: 'no-messages', arg: 'none', key: 's' },
  { name: 'null', arg: 'none', key: 'unavailable' },
  { name: 'null-data', arg: 'none', key: 'unavailable' },
  { name: 'only-matching', arg: 'none', key: 'o' },
  { name: 'quiet', arg: 'none', key: 'q' },
  { name: 'recursive', arg: 'none', key: 'unavailable' },
  { name: 'regexp', arg: 'required', key: 'e' },
  { name: 'invert-match', arg: 'none', key: 'v' },
  { name: 'silent', arg: 'none', key: 'q' },
  { name: 'text', arg: 'none', key: 'a' },
  { name: 'binary', arg: 'none', key: 'unavailable' },
  { name: 'unix-byte-offsets', arg: 'none', key: 'unavailable' },
  { name: 'version', arg: 'none', key: 'unavailable' },
  { name: 'with-filename', arg: 'none', key: 'H' },
  { name: 'word-regexp', arg: 'none', key: 'w' },
  { name: 'group-separator', arg: 'required', key: 'group-separator' },
];

/** grepFlagOptions are the short options without a value that grep offers here (-a, -s and -y as GNU: no effect on a pipe, -y is -i). */
const grepFlagOptions = 'EFGHLachilnoqsvwxy';
/** grepValueOptions take a value, attached (`-A3`) or as the next argument (`-A 3`). */
const grepValueOptions = 'ABCem';
/** grepOfferedHint lists what grep offers, for refusal messages. */
const grepOfferedHint = 'this grep reads the pipe; it offers -i -v -c -n -w -x -o -q -l -L -E -F -e PATTERN -A/-B/-C N -m N';
/** grepRefusalHints say what to do instead of the options learners most often try. */
const grepRefusalHints: Record<string, string> = {
  r: 'grep reads what comes through the pipe, or one file of this lesson',
  R: 'grep reads what comes through the pipe, or one file of this lesson',
  recursive: 'grep reads what comes through the pipe, or one file of this lesson',
  'dereference-recursive': 'grep reads what comes through the pipe, or one file of this lesson',
  f: 'give each pattern with -e PATTERN',
  file: 'give each pattern with -e PATTERN',
  P: 'use -E for extended regular expressions',
  'perl-regexp': 'use -E for extended regular expressions',
};

/** GrepSettings is what grep's options ask for. */
interface GrepSettings {
  patterns: string[];
  syntax: 'basic' | 'extended' | 'fixed';
  ignoreCase: boolean;
  invert: boolean;
  count: boolean;
  lineNumber: boolean;
  wordRegexp: boolean;
  lineRegexp: boolean;
  onlyMatching: boolean;
  quiet: boolean;
  withFilename: boolean;
  list: 'matching' | 'nonmatching' | undefined;
  /** maxCount is -m; Infinity when unlimited (GNU takes a negative -m as unlimited too). */
  maxCount: number;
  /** after and before are -A and -B; -1 when neither they nor -C/-NUM were given (then no `--` lines either). */
  after: number;
  before: number;
  /** groupSeparator is printed between non-adjacent groups of context; null for --no-group-separator. */
  groupSeparator: string | null;
  /** label names the input for -H, -c with -H, -l and -L: `(standard input)` unless --label or a file operand says otherwise. */
  label: string;
}

function parseGrep(args: string[]): FilterResult {
  const s: GrepSettings = {
    patterns: [],
    syntax: 'basic',
    ignoreCase: false,
    invert: false,
    count: false,
    lineNumber: false,
    wordRegexp: false,
    lineRegexp: false,
    onlyMatching: false,
    quiet: false,
    withFilename: false,
    list: undefined,
    maxCount: Infinity,
    after: -1,
    before: -1,
    groupSeparator: '--',
    label: '(standard input)',
  };
  let patternGiven = false;
  let defaultContext = -1;
  let label: string | undefined;
  const operands: string[] = [];
  const fail = (message: string): FilterResult => ({ ok: false, message });
  const refuse = (option: string, key: string): FilterResult =>
    fail(`grep: ${option} is not available here (${grepRefusalHints[key] ?? grepOfferedHint})`);

  /** contextLength reads a -A/-B/-C/-NUM value as GNU's context_length_arg does. */
  const contextLength = (value: string): number | undefined => (/^[0-9]+$/.test(value) ? Number(value) : undefined);

  /** apply records one option; it returns a message when the option or its value is refused. */
  const apply = (key: string, value: string | undefined, spelled: string): string | undefined => {
    switch (key) {
      case 'E':
        s.syntax = 'extended';
        break;
      case 'F':
        s.syntax = 'fixed';
        break;
      case 'G':
        s.syntax = 'basic';
        break;
      case 'i':
      case 'y':
        s.ignoreCase = true;
        break;
      case 'no-ignore-case':
        s.ignoreCase = false;
        break;
      case 'v':
        s.invert = true;
        break;
      case 'c':
        s.count = true;
        break;
      case 'n':
        s.lineNumber = true;
        break;
      case 'w':
        s.wordRegexp = true;
        break;
      case 'x':
        s.lineRegexp = true;
        break;
      case 'o':
        s.onlyMatching = true;
        break;
      case 'q':
        s.quiet = true;
        break;
      case 'H':
        s.withFilename = true;
        break;
      case 'h':
        s.withFilename = false;
        break;
      case 'l':
        s.list = 'matching';
        break;
      case 'L':
        s.list = 'nonmatching';
        break;
      case 'a': // --text: input here is text already
      case 's': // --no-messages: there are no file errors to silence on a pipe
      case 'line-buffered': // output is passed on line by line anyway
        break;
      case 'e':
        s.patterns.push(...value!.split('\n'));
        patternGiven = true;
        break;
      case 'A':
      case 'B':
      case 'C': {
        const n = contextLength(value!);
        if (n === undefined) return `grep: ${value}: invalid context length argument`;
        if (key === 'A') s.after = n;
        else if (key === 'B') s.before = n;
        else defaultContext = n;
        break;
      }
      case 'm':
        if (!/^-?[0-9]+$/.test(value!)) return 'grep: invalid max count';
        s.maxCount = Number(value) < 0 ? Infinity : Number(value);
        break;
      case 'label':
        label = value!;
        break;
      case 'group-separator':
        s.groupSeparator = value!;
        break;
      case 'no-group-separator':
        s.groupSeparator = null;
        break;
      case 'color':
        // grep writes into the terminal's pipe, not a TTY: `auto` means no colour, as it would for `grep … | cat`.
        if (value === undefined || ['never', 'no', 'none', 'auto', 'tty', 'if-tty'].includes(value)) break;
        if (['always', 'yes', 'force'].includes(value)) return `grep: ${spelled} is not available here (no colours in this terminal)`;
        return `grep: invalid argument '${value}' for '--color'`;
      default:
        return undefined;
    }
    return undefined;
  };

  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // GNU getopt permutes: options may follow the pattern (`grep Events -A3`) unless `--` came first.
    if (endOfOptions || arg === '-' || !arg.startsWith('-')) {
      operands.push(arg);
      continue;
    }
    if (arg === '--') {
      endOfOptions = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const found = matchLongOption('grep', arg.slice(2), args[i + 1], grepLongOptions);
      if (!found.ok) return fail(found.message);
      if (found.usedNext) i++;
      if (found.option.key === 'unavailable') return refuse(`--${found.option.name}`, found.option.name);
      const problem = apply(found.option.key, found.value, arg);
      if (problem) return fail(problem);
      continue;
    }
    // A word of short options: `-inE`, `-A3`, `-vc`, and GNU's `-NUM` (digits in one word make one number).
    let digits = '';
    for (let j = 1; j < arg.length; j++) {
      const c = arg[j]!;
      if (c >= '0' && c <= '9') {
        digits += c;
        continue;
      }
      if (digits !== '') {
        defaultContext = Number(digits);
        digits = '';
      }
      if (grepValueOptions.includes(c)) {
        let value = arg.slice(j + 1);
        if (value === '') {
          if (i + 1 >= args.length) return fail(`grep: option requires an argument -- '${c}'`);
          value = args[++i]!;
        }
        const problem = apply(c, value, `-${c}`);
        if (problem) return fail(problem);
        break;
      }
      if (!grepFlagOptions.includes(c)) return refuse(`-${c}`, c);
      apply(c, undefined, `-${c}`);
    }
    if (digits !== '') defaultContext = Number(digits);
  }
  if (!patternGiven) {
    const pattern = operands.shift();
    if (pattern === undefined) return fail('usage: grep [OPTION]... PATTERN (after a pipe), or grep [OPTION]... PATTERN FILE');
    s.patterns.push(...pattern.split('\n'));
  }
  if (operands.length > 1) return fail('grep: one pattern and at most one file here');
  // `-` names standard input, the pipe.
  if (operands[0] === '-') operands.pop();
  if (s.after < 0) s.after = defaultContext;
  if (s.before < 0) s.before = defaultContext;
  s.label = label ?? operands[0] ?? s.label;
  let matcher: LineMatcher;
  try {
    matcher = new LineMatcher(s);
  } catch (e) {
    return fail(`grep: ${(e as Error).message}`);
  }
  return { ok: true, filter: grepFilter(s, matcher), ...(operands[0] !== undefined ? { file: operands[0] } : {}) };
}

/**
 * grepFilter selects lines as GNU grep's grep()/prtext()/prpending() do
 * (https://git.savannah.gnu.org/cgit/grep.git/tree/src/grep.c): selected
 * lines print as `N:line`, context lines as `N-line`, a group separator goes
 * between groups that are not adjacent whenever -A/-B/-C was given (even 0),
 * and after -m's last selected line the trailing context still prints —
 * whether or not those lines match, as grep 3.8 does. It streams: only -B's
 * lines are held back.
 */
/**
 * MATCH_BUDGET_MS bounds the matching of one piece of input. JavaScript's
 * regular expressions backtrack, so a pattern like `(a*)*b` takes exponential
 * time on a line of a's; grep runs on the server's event loop, and one
 * learner's pattern must not freeze every session.
 */
export const MATCH_BUDGET_MS = 1000;

const budgetScript = new vm.Script('work()');
const budgetContext = vm.createContext({ work: undefined as undefined | (() => void) });

/**
 * withinBudget runs work and reports false when it took longer than ms: the
 * vm module's timeout interrupts running JavaScript (a regex mid-backtrack
 * included), which a plain clock check between lines could not.
 */
export function withinBudget(work: () => void, ms = MATCH_BUDGET_MS): boolean {
  budgetContext.work = work;
  try {
    budgetScript.runInContext(budgetContext, { timeout: ms });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
    throw e;
  } finally {
    budgetContext.work = undefined;
  }
}

function grepFilter(s: GrepSettings, matcher: LineMatcher): TextFilter {
  const lines = new LineSplitter();
  const contextShown = s.after >= 0 || s.before >= 0;
  const after = Math.max(s.after, 0);
  const before = Math.max(s.before, 0);
  const held: Array<[number, string]> = [];
  let lineNumber = 0;
  let selected = 0;
  let lastShown = 0;
  let afterLeft = 0;
  let stopped = false;
  // -m 0: GNU grep stops before reading anything.
  let done = s.maxCount === 0;
  let error: string | undefined;
  let out = '';
  /** guarded runs the matching of one piece of input within MATCH_BUDGET_MS; past it grep gives up. */
  const guarded = (work: () => void): void => {
    if (withinBudget(work)) return;
    out = '';
    done = true;
    error = `grep: this pattern took over ${MATCH_BUDGET_MS / 1000} s on one piece of input and was stopped (nested repetition such as (a*)* can make matching take exponential time); try a simpler pattern`;
  };

  const head = (n: number, sep: string): string => (s.withFilename ? s.label + sep : '') + (s.lineNumber ? `${n}${sep}` : '');
  const show = (n: number, text: string, sep: ':' | '-'): void => {
    if (contextShown && lastShown > 0 && n !== lastShown + 1 && s.groupSeparator !== null) out += s.groupSeparator + '\n';
    lastShown = n;
    if (!s.onlyMatching) {
      out += head(n, sep) + text + '\n';
      return;
    }
    // -o prints the matches of lines that match: selected lines, or context lines under -v.
    if ((sep === ':') === s.invert) return;
    for (const [from, to] of matcher.spans(text)) out += head(n, sep) + text.slice(from, to) + '\n';
  };
  const onLine = (text: string): void => {
    lineNumber++;
    if (done) return;
    if (stopped) {
      show(lineNumber, text, '-');
      if (--afterLeft <= 0) done = true;
      return;
    }
    if (matcher.matches(text) !== s.invert) {
      selected++;
      if (s.quiet || s.list !== undefined) {
        if (s.list === 'matching' && !s.quiet) out += s.label + '\n';
        done = true;
        return;
      }
      if (s.count) {
        if (selected >= s.maxCount) done = true;
        return;
      }
      for (const [n, t] of held) show(n, t, '-');
      held.length = 0;
      show(lineNumber, text, ':');
      afterLeft = after;
      if (selected >= s.maxCount) {
        stopped = true;
        if (afterLeft === 0) done = true;
      }
    } else if (afterLeft > 0) {
      afterLeft--;
      show(lineNumber, text, '-');
    } else if (before > 0) {
      held.push([lineNumber, text]);
      if (held.length > before) held.shift();
    }
  };
  return {
    get done() {
      return done;
    },
    get status() {
      return error ? 2 : selected > 0 ? 0 : 1;
    },
    get error() {
      return error;
    },
    push(chunk) {
      out = '';
      if (error) return out;
      guarded(() => lines.push(chunk, onLine));
      return out;
    },
    end() {
      out = '';
      if (error) return out;
      guarded(() => lines.end(onLine));
      if (error || s.quiet) return out;
      if (s.list === 'nonmatching') return selected === 0 ? s.label + '\n' : '';
      // With -m 0 GNU grep exits before counting: no count is printed (-L still lists).
      if (s.count && s.list === undefined && s.maxCount !== 0) out += (s.withFilename ? s.label + ':' : '') + `${selected}\n`;
      return out;
    },
  };
}

/** WORD_CHARACTERS are what GNU grep counts as word constituents in a UTF-8 locale (iswalnum and `_`), for -w, \w, \b, \< and \>. */
const WORD_CHARACTERS = '\\p{L}\\p{Nd}_';
/** SPACE_CHARACTERS are glibc's iswspace set, for [[:space:]] and \s. */
const SPACE_CHARACTERS = '\\t\\n\\v\\f\\r \\u1680\\u2000-\\u2006\\u2008-\\u200a\\u2028\\u2029\\u205f\\u3000';

/** posixClasses are the bracket-expression classes, as JavaScript class items (exact for ASCII; Unicode properties beyond it). */
const posixClasses: Record<string, string> = {
  alpha: '\\p{L}',
  digit: '0-9',
  alnum: '\\p{L}\\p{Nd}',
  upper: '\\p{Lu}',
  lower: '\\p{Ll}',
  space: SPACE_CHARACTERS,
  blank: ' \\t\\u1680\\u2000-\\u2006\\u2008-\\u200a\\u205f\\u3000',
  punct: '\\p{P}\\p{S}',
  cntrl: '\\p{Cc}',
  graph: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Cf}\\p{Co}',
  print: '\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Cf}\\p{Co}\\p{Zs}',
  xdigit: '0-9A-Fa-f',
};

/** escapeLiteral makes one character literal in a JavaScript `u` regular expression. */
function escapeLiteral(c: string): string {
  return '^$\\.*+?()[]{}|/'.includes(c) ? '\\' + c : c;
}

/** escapeClassCharacter makes one character literal inside a JavaScript `u` character class. */
function escapeClassCharacter(c: string): string {
  return '\\]^-['.includes(c) ? '\\' + c : c;
}

/**
 * posixToJavaScript turns a POSIX regular expression, read as GNU grep reads
 * it, into the source of a JavaScript one for the `su` flags (`.` matches
 * any character; `\p{…}` classes). Basic syntax (the default): `\( \) \| \{ \}
 * \+ \?` are operators and `( ) | { } + ?` literal, `*` is literal at the start,
 * `^`/`$` anchor only at the ends; extended (-E) is the other way round, a
 * `{` that does not start an interval is literal, and a repetition with
 * nothing before it repeats nothing. Both have GNU's `\w \W \s \S \b \B \< \>`,
 * back-references `\1`…`\9`, and a backslash before any other character
 * makes it literal (`\d` is `d`).
 * Rules: https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap09.html
 * and https://www.gnu.org/software/grep/manual/html_node/Regular-Expressions.html.
 * It throws an Error with GNU grep's message for what grep rejects; the slip
 * `[:space:]` for `[[:space:]]` is returned instead (classSyntaxSlip), as GNU
 * reports it only when no pattern has another error.
 */
export function posixToJavaScript(pattern: string, extended: boolean): { source: string; classSyntaxSlip: boolean } {
  let out = '';
  /** pieceStart is where the last thing a repetition can apply to begins in out; undefined when there is none. */
  let pieceStart: number | undefined;
  /** pieceKind: `atom` can take a JavaScript quantifier directly; others are wrapped in (?:…) first. */
  let pieceKind: 'atom' | 'other' = 'atom';
  /** atStart is true at the start of the expression and after an open group or alternation. */
  let atStart = true;
  /**
   * afterAssertion says the last piece was an anchor (`^ $ \` \'`) or a word
   * assertion (`\< \> \b \B`): in basic syntax a `*` right after one is literal;
   * in extended syntax a repetition of a word assertion repeats nothing,
   * as GNU grep reads them.
   */
  let afterAssertion: 'anchor' | 'word' | undefined;
  let classSyntaxSlip = false;
  const openGroups: Array<{ number: number; start: number }> = [];
  const closedGroups = new Set<number>();
  let groupCount = 0;

  const piece = (js: string, kind: 'atom' | 'other'): void => {
    pieceStart = out.length;
    pieceKind = kind;
    out += js;
    atStart = false;
    afterAssertion = undefined;
  };
  const literal = (c: string): void => piece(escapeLiteral(c), 'atom');
  const assertion = (js: string, kind: 'anchor' | 'word'): void => {
    piece(js, 'other');
    afterAssertion = kind;
  };
  const repeat = (quantifier: string): void => {
    // Extended syntax: a repetition at the start, or of a word assertion, repeats nothing (GNU warns).
    if (pieceStart === undefined || afterAssertion === 'word') return;
    if (pieceKind !== 'atom') out = out.slice(0, pieceStart) + '(?:' + out.slice(pieceStart) + ')';
    out += quantifier;
    // A second repetition (`a**`, `a+?`) applies to the repeated piece, not as a JavaScript lazy/possessive suffix.
    pieceKind = 'other';
  };
  const interval = (body: string): string => {
    const m = /^([0-9]*)(,([0-9]*))?$/.exec(body);
    if (!m || (m[1] === '' && m[2] === undefined)) throw new Error('Invalid content of \\{\\}');
    const min = m[1] === '' ? 0 : Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? undefined : Number(m[3]);
    if (max !== undefined && max < min) throw new Error('Invalid content of \\{\\}');
    if (min > 32767 || (max ?? 0) > 32767) throw new Error('Regular expression too big');
    return max === undefined ? `{${min},}` : max === min ? `{${min}}` : `{${min},${max}}`;
  };
  const openGroup = (): void => {
    groupCount++;
    openGroups.push({ number: groupCount, start: out.length });
    out += '(';
    pieceStart = undefined;
    atStart = true;
    afterAssertion = undefined;
  };
  const closeGroup = (): void => {
    const group = openGroups.pop()!;
    out += ')';
    closedGroups.add(group.number);
    pieceStart = group.start;
    pieceKind = 'atom';
    atStart = false;
    afterAssertion = undefined;
  };
  const alternation = (): void => {
    out += '|';
    pieceStart = undefined;
    atStart = true;
    afterAssertion = undefined;
  };
  const word = `[${WORD_CHARACTERS}]`;

  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 >= pattern.length) throw new Error('Trailing backslash');
      const n = pattern[++i]!;
      if (!extended && n === '(') openGroup();
      else if (!extended && n === ')') {
        if (openGroups.length === 0) throw new Error('Unmatched ) or \\)');
        closeGroup();
      } else if (!extended && n === '|') alternation();
      else if (!extended && n === '{') {
        if (atStart || afterAssertion) literal('{');
        else {
          const close = basicIntervalEnd(pattern, i + 1);
          repeat(interval(pattern.slice(i + 1, close)));
          i = close + 1;
        }
      } else if (!extended && (n === '+' || n === '?')) {
        if (atStart || afterAssertion) literal(n);
        else repeat(n);
      } else if (n >= '1' && n <= '9') {
        if (!closedGroups.has(Number(n))) throw new Error('Invalid back reference');
        piece('\\' + n, 'atom');
      } else if (n === 'w') piece(word, 'atom');
      else if (n === 'W') piece(`[^${WORD_CHARACTERS}]`, 'atom');
      else if (n === 's') piece(`[${SPACE_CHARACTERS}]`, 'atom');
      else if (n === 'S') piece(`[^${SPACE_CHARACTERS}]`, 'atom');
      else if (n === 'b') assertion(`(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`, 'word');
      else if (n === 'B') assertion(`(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`, 'word');
      else if (n === '<') assertion(`(?:(?<!${word})(?=${word}))`, 'word');
      else if (n === '>') assertion(`(?:(?<=${word})(?!${word}))`, 'word');
      else if (n === '`') assertion('(?<![\\s\\S])', 'anchor');
      else if (n === "'") assertion('(?![\\s\\S])', 'anchor');
      else {
        const cp = String.fromCodePoint(pattern.codePointAt(i)!);
        i += cp.length - 1;
        literal(cp);
      }
      continue;
    }
    if (c === '[') {
      const bracket = bracketToJavaScript(pattern, i);
      piece(bracket.source, 'atom');
      classSyntaxSlip ||= bracket.classSyntaxSlip;
      i = bracket.end;
      continue;
    }
    if (c === '.') {
      piece('.', 'atom');
      continue;
    }
    if (c === '*') {
      if (extended || !(atStart || afterAssertion)) repeat('*');
      else literal('*');
      continue;
    }
    if (extended && (c === '+' || c === '?')) {
      repeat(c);
      continue;
    }
    if (extended && c === '{') {
      const close = pattern.indexOf('}', i + 1);
      const body = close < 0 ? '' : pattern.slice(i + 1, close);
      // GNU reads a `{` that does not start an interval as a literal brace.
      if (close < 0 || !/^([0-9]+(,[0-9]*)?|,[0-9]*)$/.test(body)) literal('{');
      else {
        repeat(interval(body));
        i = close;
      }
      continue;
    }
    if (extended && c === '(') {
      openGroup();
      continue;
    }
    if (extended && c === ')') {
      if (openGroups.length === 0) literal(')');
      else closeGroup();
      continue;
    }
    if (extended && c === '|') {
      alternation();
      continue;
    }
    if (c === '^') {
      if (extended || atStart) assertion('^', 'anchor');
      else literal('^');
      continue;
    }
    if (c === '$') {
      // GNU's dfa.c lexer: an anchor at the end, or when at least two more characters follow and the next
      // (after a backslash, if any) is `)` or `|` — so `$\)`, `$\|` and also `$)x`, `$|x`; otherwise literal.
      const next = pattern[i + 1] === '\\' ? pattern[i + 2] : pattern[i + 1];
      const atEnd = i + 1 === pattern.length || (pattern.length - i - 1 > 1 && (next === ')' || next === '|'));
      if (extended || atEnd) assertion('$', 'anchor');
      else literal('$');
      continue;
    }
    const cp = String.fromCodePoint(pattern.codePointAt(i)!);
    i += cp.length - 1;
    literal(cp);
  }
  if (openGroups.length > 0) throw new Error('Unmatched ( or \\(');
  return { source: out, classSyntaxSlip };
}

/**
 * basicIntervalEnd finds the `\}` closing a basic-syntax interval whose body
 * starts at from, reporting errors in the order glibc's parse_dup_op does:
 * it reads the minimum up to `,` or `\}`, then the maximum, and says
 * "Unmatched \{" when the pattern ends first, "Invalid content" when a
 * `,` or `\}` follows something that is not a number.
 */
function basicIntervalEnd(pattern: string, from: number): number {
  let k = from;
  let bad = false;
  let comma = false;
  for (;;) {
    if (k >= pattern.length) throw new Error('Unmatched \\{');
    if (pattern.startsWith('\\}', k)) break;
    const c = pattern[k]!;
    // glibc reads `\,` as a comma too.
    if ((c === ',' || pattern.startsWith('\\,', k)) && !comma) {
      if (bad) throw new Error('Invalid content of \\{\\}');
      comma = true;
    } else if (c < '0' || c > '9') bad = true;
    k += c === '\\' ? 2 : 1;
  }
  if (bad) throw new Error('Invalid content of \\{\\}');
  return k;
}

/**
 * bracketToJavaScript reads the bracket expression starting at pattern[start]
 * (`[…]`, `[^…]`): a `]` first is literal, a backslash is literal, and
 * `[:class:]`, `[=c=]`, `[.c.]` name classes and single characters.
 */
function bracketToJavaScript(pattern: string, start: number): { source: string; end: number; classSyntaxSlip: boolean } {
  const unmatched = 'Unmatched [, [^, [:, [., or [=';
  let j = start + 1;
  let negate = false;
  if (pattern[j] === '^') {
    negate = true;
    j++;
  }
  // glibc's wording for a `[` (or `[^`) that ends the pattern.
  if (j >= pattern.length) throw new Error('Invalid regular expression');
  const contentStart = j;
  let items = '';
  /** endpoint reads one character or `[.c.]`/`[=c=]` at j, or a class (returned as its class items). */
  const endpoint = (): { char?: string; items?: string } => {
    if (j >= pattern.length) throw new Error(unmatched);
    const kind = pattern[j + 1];
    if (pattern[j] === '[' && (kind === ':' || kind === '.' || kind === '=')) {
      const close = pattern.indexOf(kind + ']', j + 2);
      if (close < 0) throw new Error(unmatched);
      const name = pattern.slice(j + 2, close);
      j = close + 2;
      if (kind === ':') {
        const cls = posixClasses[name];
        if (cls === undefined) throw new Error('Invalid character class name');
        return { items: cls };
      }
      // A UTF-8 locale has no multi-character collating elements: one character stands for itself.
      if ([...name].length !== 1) throw new Error('Invalid collation character');
      return { char: name };
    }
    const char = String.fromCodePoint(pattern.codePointAt(j)!);
    j += char.length;
    return { char };
  };
  for (let first = true; ; first = false) {
    if (j >= pattern.length) throw new Error(unmatched);
    if (pattern[j] === ']' && !first) break;
    const low = endpoint();
    if (low.items !== undefined) {
      // A class cannot start a range (`[[:alpha:]-z]`).
      if (pattern[j] === '-' && j + 1 < pattern.length && pattern[j + 1] !== ']') throw new Error('Invalid range end');
      items += low.items;
      continue;
    }
    if (pattern[j] === '-' && j + 1 < pattern.length && pattern[j + 1] !== ']') {
      j++;
      const high = endpoint();
      if (high.char === undefined || high.char.codePointAt(0)! < low.char!.codePointAt(0)!) throw new Error('Invalid range end');
      items += escapeClassCharacter(low.char!) + '-' + escapeClassCharacter(high.char);
    } else {
      items += escapeClassCharacter(low.char!);
    }
  }
  // GNU catches the common slip `[:space:]` for `[[:space:]]`.
  const classSyntaxSlip = /^:.*:$/s.test(pattern.slice(contentStart, j)) && !negate;
  return { source: `[${negate ? '^' : ''}${items}]`, end: j, classSyntaxSlip };
}

/** CompiledPattern is one grep pattern as JavaScript regular expressions. */
interface CompiledPattern {
  /** test says whether a line matches. */
  test: RegExp;
  /** scan finds the leftmost match from lastIndex (for -o). */
  scan: RegExp;
  source: string;
  flags: string;
  /** reaching caches sticky expressions that only match when they end at or after a code point offset (for -o's longest match). */
  reaching: Map<number, RegExp>;
}

/**
 * LineMatcher holds grep's patterns (several -e, or lines of one pattern) with
 * -F, -i, -w and -x applied. A line matches when any pattern does; -o's
 * matches are leftmost-longest over all patterns, as POSIX and GNU grep
 * choose them (JavaScript alone would take the first alternative: `a|ab`).
 */
class LineMatcher {
  private readonly patterns: CompiledPattern[];
  constructor(s: GrepSettings) {
    const flags = s.ignoreCase ? 'sui' : 'su';
    let classSyntaxSlip = false;
    this.patterns = s.patterns.map((p) => {
      let source: string;
      if (s.syntax === 'fixed') source = [...p].map(escapeLiteral).join('');
      else {
        const translated = posixToJavaScript(p, s.syntax === 'extended');
        source = translated.source;
        classSyntaxSlip ||= translated.classSyntaxSlip;
      }
      if (s.lineRegexp) source = `^(?:${source})$`;
      else if (s.wordRegexp) source = `(?<![${WORD_CHARACTERS}])(?:${source})(?![${WORD_CHARACTERS}])`;
      return { test: new RegExp(source, flags), scan: new RegExp(source, flags + 'g'), source, flags, reaching: new Map() };
    });
    if (classSyntaxSlip) throw new Error('character class syntax is [[:space:]], not [:space:]');
  }

  /** matches says whether any pattern matches somewhere in line. */
  matches(line: string): boolean {
    return this.patterns.some((p) => p.test.test(line));
  }

  /** spans lists the non-empty matches -o prints, as [from, to) offsets. */
  spans(line: string): Array<[number, number]> {
    const found: Array<[number, number]> = [];
    for (let from = 0; from <= line.length; ) {
      let best: [number, number] | undefined;
      for (const p of this.patterns) {
        const m = leftmostLongest(p, line, from);
        if (m && (!best || m[0] < best[0] || (m[0] === best[0] && m[1] > best[1]))) best = m;
      }
      if (!best) break;
      if (best[1] > best[0]) {
        found.push(best);
        from = best[1];
      } else {
        // An empty match prints nothing; look again one character on, as grep does.
        from = best[0] + (line.codePointAt(best[0])! > 0xffff ? 2 : 1);
      }
    }
    return found;
  }
}

/** leftmostLongest finds the leftmost match of p at or after from, extended to the longest match starting there. */
function leftmostLongest(p: CompiledPattern, line: string, from: number): [number, number] | undefined {
  p.scan.lastIndex = from;
  const m = p.scan.exec(line);
  if (!m) return undefined;
  const start = m.index;
  const end = start + m[0].length;
  if (end >= line.length) return [start, end];
  // Offsets in code points: `[\s\S]` under the `u` flag counts code points.
  const endPoint = codePointOffset(line, end);
  if (!reaches(p, line, start, endPoint + 1)) return [start, end];
  let low = endPoint + 1;
  let high = codePointOffset(line, line.length);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (reaches(p, line, start, mid)) low = mid;
    else high = mid - 1;
  }
  const re = reaching(p, low);
  re.lastIndex = start;
  const longest = re.exec(line)!;
  return [start, start + longest[0].length];
}

/** reaches says whether p has a match starting at start that ends at or after code point offset point. */
function reaches(p: CompiledPattern, line: string, start: number, point: number): boolean {
  const re = reaching(p, point);
  re.lastIndex = start;
  return re.test(line);
}

function reaching(p: CompiledPattern, point: number): RegExp {
  let re = p.reaching.get(point);
  if (!re) {
    if (p.reaching.size > 256) p.reaching.clear();
    re = new RegExp(`(?:${p.source})(?<=^[\\s\\S]{${point},})`, p.flags + 'y');
    p.reaching.set(point, re);
  }
  return re;
}

function codePointOffset(line: string, index: number): number {
  let n = 0;
  for (let i = 0; i < index; i++) {
    const c = line.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** wcLongOptions are GNU wc's long options (coreutils src/wc.c) that a pipe can use, plus those refused here. */
const wcLongOptions: readonly LongOption[] = [
  { name: 'bytes', arg: 'none', key: 'c' },
  { name: 'chars', arg: 'none', key: 'm' },
  { name: 'lines', arg: 'none', key: 'l' },
  { name: 'files0-from', arg: 'required', key: 'unavailable' },
  { name: 'max-line-length', arg: 'none', key: 'unavailable' },
  { name: 'words', arg: 'none', key: 'w' },
  { name: 'total', arg: 'required', key: 'unavailable' },
  { name: 'help', arg: 'none', key: 'unavailable' },
  { name: 'version', arg: 'none', key: 'unavailable' },
];

/**
 * wcSeparates says whether a character ends a word for GNU wc 9 in a UTF-8
 * locale: glibc's iswspace set plus the no-break spaces wc adds (U+00A0,
 * U+2007, U+202F, U+2060; coreutils src/wc.c iswnbspace).
 */
function wcSeparates(code: number): boolean {
  if (code <= 0x7f) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x2060 ||
    code === 0x3000
  );
}

/** wcPrintable says whether a character can start a word: wc 9 skips control characters (they neither start nor end one). */
function wcPrintable(code: number): boolean {
  return !(code < 0x20 || (code >= 0x7f && code <= 0x9f));
}

/**
 * parseWc counts lines (newlines), words, characters and bytes as GNU wc 9
 * does, printing them in that order whatever the order of the options. Its
 * column width follows coreutils' compute_number_width: one count alone is
 * printed as is; several are padded to 7 columns for a pipe, or to the digits
 * of the file's size for a file.
 */
function parseWc(args: string[]): FilterResult {
  const asked = new Set<string>();
  const operands: string[] = [];
  let endOfOptions = false;
  const refuse = (option: string): FilterResult => ({ ok: false, message: `wc: ${option} is not available here (try -l, -w, -c or -m)` });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (endOfOptions || arg === '-' || !arg.startsWith('-')) {
      operands.push(arg);
    } else if (arg === '--') {
      endOfOptions = true;
    } else if (arg.startsWith('--')) {
      const found = matchLongOption('wc', arg.slice(2), args[i + 1], wcLongOptions);
      if (!found.ok) return { ok: false, message: found.message };
      if (found.usedNext) i++;
      if (found.option.key === 'unavailable') return refuse(`--${found.option.name}`);
      asked.add(found.option.key);
    } else {
      for (const c of arg.slice(1)) {
        if (!'lwmc'.includes(c)) return refuse(`-${c}`);
        asked.add(c);
      }
    }
  }
  if (operands.length > 1) return { ok: false, message: 'wc: at most one file here' };
  const kinds = asked.size === 0 ? ['l', 'w', 'c'] : ['l', 'w', 'm', 'c'].filter((k) => asked.has(k));
  const file = operands[0];
  let lines = 0;
  let words = 0;
  let chars = 0;
  let bytes = 0;
  let inWord = false;
  const filter: TextFilter = {
    done: false,
    status: 0,
    push(chunk) {
      bytes += Buffer.byteLength(chunk, 'utf8');
      for (let i = 0; i < chunk.length; i++) {
        const code = chunk.charCodeAt(i);
        // A surrogate pair is one character; its halves are neither spaces nor control characters.
        if (code < 0xdc00 || code > 0xdfff) chars++;
        if (code === 0x0a) lines++;
        if (wcSeparates(code)) inWord = false;
        else if (wcPrintable(code) && !inWord) {
          words++;
          inWord = true;
        }
      }
      return '';
    },
    end() {
      const counts: Record<string, number> = { l: lines, w: words, m: chars, c: bytes };
      const width = kinds.length === 1 ? 1 : file !== undefined ? String(bytes).length : 7;
      const columns = kinds.map((k) => String(counts[k]).padStart(width)).join(' ');
      return file !== undefined ? `${columns} ${file}\n` : `${columns}\n`;
    },
  };
  return { ok: true, filter, ...(file !== undefined ? { file } : {}) };
}

function parseBase64(args: string[]): FilterResult {
  let decode = false;
  const operands: string[] = [];
  for (const arg of args) {
    if (arg === '-d' || arg === '--decode' || arg === '-D') decode = true;
    else if (arg.startsWith('-') && arg !== '-') return { ok: false, message: `base64: ${arg} is not available here (try -d)` };
    else operands.push(arg);
  }
  if (operands.length > 1) return { ok: false, message: 'base64: at most one file' };
  const chunks: string[] = [];
  let status = 0;
  const filter: TextFilter = {
    done: false,
    get status() {
      return status;
    },
    push(chunk) {
      chunks.push(chunk);
      return '';
    },
    end() {
      const text = chunks.join('');
      if (!decode) {
        // GNU base64 wraps encoded output at 76 columns.
        const encoded = Buffer.from(text, 'utf8').toString('base64');
        return (encoded.match(/.{1,76}/g) ?? ['']).join('\n') + '\n';
      }
      const compact = text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
        status = 1;
        return 'base64: invalid input\n';
      }
      return Buffer.from(compact, 'base64').toString('utf8');
    },
  };
  return { ok: true, filter, ...(operands[0] !== undefined ? { file: operands[0] } : {}) };
}

function parseHeadTail(name: 'head' | 'tail', args: string[]): FilterResult {
  let n = 10;
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    let value: string | undefined;
    if (arg === '-n') value = args[++i];
    else if (arg.startsWith('-n')) value = arg.slice(2);
    else if (/^-[0-9]+$/.test(arg)) value = arg.slice(1);
    else if (arg.startsWith('-') && arg !== '-') return { ok: false, message: `${name}: ${arg} is not available here (try -n N)` };
    else {
      operands.push(arg);
      continue;
    }
    if (value === undefined || !/^[0-9]+$/.test(value)) return { ok: false, message: `${name}: invalid number of lines: '${value ?? ''}'` };
    n = Number(value);
  }
  if (operands.length > 1) return { ok: false, message: `${name}: at most one file` };
  const lines = new LineSplitter();
  const file = operands[0] !== undefined ? { file: operands[0] } : {};
  if (name === 'head') {
    let seen = 0;
    const filter = {
      get done() {
        return seen >= n;
      },
      status: 0,
      push(chunk: string) {
        let out = '';
        lines.push(chunk, (line) => {
          if (seen < n) out += line + '\n';
          seen++;
        });
        return out;
      },
      end() {
        let out = '';
        lines.end((line) => {
          if (seen < n) out += line;
          seen++;
        });
        return out;
      },
    };
    return { ok: true, filter, ...file };
  }
  const kept: string[] = [];
  const filter: TextFilter = {
    done: false,
    status: 0,
    push(chunk) {
      lines.push(chunk, (line) => {
        kept.push(line + '\n');
        if (kept.length > n) kept.shift();
      });
      return '';
    },
    end() {
      lines.end((line) => {
        kept.push(line);
        if (kept.length > n) kept.shift();
      });
      return n === 0 ? '' : kept.join('');
    },
  };
  return { ok: true, filter, ...file };
}
