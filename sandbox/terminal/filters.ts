/**
 * filters are the few text tools the sandbox terminal offers after a pipe
 * (`kubectl get pods | grep mysql`, `kubectl get secret x -o jsonpath='{.data.key}' | base64 -d`).
 * Each is a small streaming transform written in TypeScript — no host binary
 * runs — with the options learners reach for in the lessons:
 * grep [-i] [-v] [-c] [-E] PATTERN, base64 [-d], head [-n N], tail [-n N].
 */

/** TextFilter transforms a stream of text; push gets chunks, end flushes what is left. */
export interface TextFilter {
  push(chunk: string): string;
  end(): string;
  /** done is true once the filter needs no more input (head has its lines). */
  readonly done: boolean;
}

export type FilterResult = { ok: true; filter: TextFilter; file?: string } | { ok: false; message: string };

/** filterNames are the commands parseFilter understands. */
export const filterNames = ['grep', 'base64', 'head', 'tail'] as const;

/** parseFilter builds the filter for argv (argv[0] is the command name); a trailing file operand is returned as `file`. */
export function parseFilter(argv: readonly string[]): FilterResult {
  switch (argv[0]) {
    case 'grep':
      return parseGrep(argv.slice(1));
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

function parseGrep(args: string[]): FilterResult {
  let ignoreCase = false;
  let invert = false;
  let count = false;
  let extended = false;
  const operands: string[] = [];
  let endOfOptions = false;
  for (const arg of args) {
    if (!endOfOptions && arg === '--') {
      endOfOptions = true;
      continue;
    }
    if (!endOfOptions && arg.startsWith('-') && arg.length > 1 && operands.length === 0) {
      for (const f of arg.slice(1)) {
        if (f === 'i') ignoreCase = true;
        else if (f === 'v') invert = true;
        else if (f === 'c') count = true;
        else if (f === 'E') extended = true;
        else return { ok: false, message: `grep: -${f} is not available here (try -i, -v, -c or -E)` };
      }
      continue;
    }
    operands.push(arg);
  }
  if (operands.length === 0) return { ok: false, message: 'usage: grep [-i] [-v] [-c] [-E] PATTERN [FILE]' };
  if (operands.length > 2) return { ok: false, message: 'grep: one pattern and at most one file here' };
  let re: RegExp;
  try {
    re = new RegExp(extended ? operands[0]! : basicToExtended(operands[0]!), ignoreCase ? 'i' : '');
  } catch (e) {
    return { ok: false, message: `grep: invalid pattern: ${(e as Error).message}` };
  }
  const lines = new LineSplitter();
  let matches = 0;
  const filter: TextFilter = {
    done: false,
    push(chunk) {
      let out = '';
      lines.push(chunk, (line) => {
        if (re.test(line) !== invert) {
          matches++;
          if (!count) out += line + '\n';
        }
      });
      return out;
    },
    end() {
      let out = '';
      lines.end((line) => {
        if (re.test(line) !== invert) {
          matches++;
          if (!count) out += line + '\n';
        }
      });
      return count ? `${out}${matches}\n` : out;
    },
  };
  return { ok: true, filter, ...(operands[1] !== undefined ? { file: operands[1] } : {}) };
}

/**
 * basicToExtended turns a POSIX basic regular expression into a JavaScript one:
 * in BRE `+ ? | ( ) { }` are literal unless escaped, the opposite of ERE
 * (https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap09.html#tag_09_03).
 */
export function basicToExtended(bre: string): string {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]!;
    if (c === '\\' && i + 1 < bre.length) {
      const n = bre[i + 1]!;
      out += '+?|(){}'.includes(n) ? n : '\\' + n;
      i++;
    } else if ('+?|(){}'.includes(c)) {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  return out;
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
  const filter: TextFilter = {
    done: false,
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
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return 'base64: invalid input\n';
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
