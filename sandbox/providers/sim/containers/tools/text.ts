/**
 * Text applets of busybox 1.36: echo, printf, cat, head, tail, wc, grep, tee,
 * base64, seq, sort, uniq, cut, tr, basename, dirname, yes. Output formats
 * follow busybox's sources (coreutils/wc.c, findutils/grep.c, …).
 */
import { errnoMessage, FsError } from '../fs/errors.ts';
import type { Program, ProgramContext } from '../program.ts';
import { LineReader } from '../streams.ts';
import { byteOrder, decode, fail, failErr, OptionError, parseOptions, readInput, resolve, streamReader, usageError } from './common.ts';

/** echo: ash's builtin echo (-n, -e; busybox's echo does not interpret escapes without -e). */
export const echo: Program = async (ctx) => {
  let args = ctx.argv.slice(1);
  let newline = true;
  let escapes = false;
  while (args.length > 0 && /^-[neE]+$/.test(args[0]!)) {
    for (const f of args[0]!.slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') escapes = true;
      else escapes = false;
    }
    args = args.slice(1);
  }
  let text = args.join(' ');
  if (escapes) {
    const r = interpretEscapes(text);
    text = r.text;
    if (r.stop) newline = false;
  }
  ctx.stdout.write(text + (newline ? '\n' : ''));
  return 0;
};

function interpretEscapes(s: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'e': out += '\x1b'; break;
      case '\\': out += '\\'; break;
      case 'c': return { text: out, stop: true };
      case '0': {
        const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))![0];
        out += String.fromCharCode(parseInt(m || '0', 8));
        i += m.length;
        break;
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += '\\x';
        break;
      }
      default:
        out += '\\' + n;
    }
  }
  return { text: out, stop: false };
}

/** printf (XCU printf): %s %d %i %u %x %X %o %c %f %e %g %b %%, widths and precision; the format is reused for extra arguments. */
export const printf: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length === 0) {
    ctx.stderr.write('printf: usage: printf FORMAT [ARGUMENT...]\n');
    return 1;
  }
  const format = args[0]!;
  let rest = args.slice(1);
  let status = 0;
  let out = '';
  do {
    let consumed = 0;
    let stop = false;
    const re = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([sdiuxXoceEfgGb%])|\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/gs;
    let last = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(format))) {
      out += format.slice(last, m.index);
      last = re.lastIndex;
      if (m[5] !== undefined) {
        out += interpretEscapes('\\' + m[5]).text;
        continue;
      }
      const [, flagsText, widthText, precText, conv] = m;
      if (conv === '%') {
        out += '%';
        continue;
      }
      const next = (): string | undefined => {
        const v = rest[consumed];
        consumed++;
        return v;
      };
      let width = widthText === '*' ? Number(next() ?? 0) : widthText ? Number(widthText) : 0;
      const precRaw = precText === '*' ? Number(next() ?? 0) : precText !== undefined ? Number(precText) : undefined;
      const prec = precRaw === undefined ? undefined : Math.min(precRaw, 65536);
      const flags = flagsText ?? '';
      const arg = next();
      let s: string;
      switch (conv) {
        case 's':
          s = arg ?? '';
          if (prec !== undefined) s = s.slice(0, prec);
          break;
        case 'b': {
          const r = interpretEscapes(arg ?? '');
          s = r.text;
          if (r.stop) stop = true;
          break;
        }
        case 'c':
          s = (arg ?? '').slice(0, 1);
          break;
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
          const n = parseNumber(arg);
          if (n === undefined) {
            ctx.stderr.write(`printf: invalid number '${arg}'\n`);
            status = 1;
          }
          const v = Math.trunc(n ?? 0);
          const base = conv === 'x' || conv === 'X' ? 16 : conv === 'o' ? 8 : 10;
          s = Math.abs(v).toString(base);
          if (conv === 'X') s = s.toUpperCase();
          if (prec !== undefined) s = s.padStart(prec, '0');
          if (v < 0) s = '-' + s;
          else if (flags.includes('+')) s = '+' + s;
          else if (flags.includes(' ')) s = ' ' + s;
          break;
        }
        default: {
          const n = parseNumber(arg) ?? 0;
          const p = prec ?? 6;
          s = conv === 'f' ? n.toFixed(p) : conv === 'e' || conv === 'E' ? n.toExponential(p) : String(Number(n.toPrecision(p || 1)));
          if (conv === 'E') s = s.toUpperCase();
          if (conv === 'e' || conv === 'E') s = s.replace(/e([+-])(\d)$/i, (_x, sign, d) => `${conv}${sign}0${d}`);
        }
      }
      if (width < 0) width = -width;
      // A field of a billion spaces would only exhaust the server's memory.
      width = Math.min(width, 65536);
      if (s.length < width) {
        if (flags.includes('-')) s = s.padEnd(width);
        else if (flags.includes('0') && /[diuxXofeEgG]/.test(conv!)) s = (s.startsWith('-') ? '-' + s.slice(1).padStart(width - 1, '0') : s.padStart(width, '0'));
        else s = s.padStart(width);
      }
      out += s;
      if (stop) break;
    }
    if (!stop) out += format.slice(last);
    rest = rest.slice(consumed);
    if (stop || consumed === 0) break;
  } while (rest.length > 0);
  ctx.stdout.write(out);
  return status;
};

function parseNumber(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return 0;
  if (/^['"]/.test(s)) return s.codePointAt(1) ?? 0;
  const t = s.trim();
  if (/^[-+]?0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
  if (/^[-+]?0[0-7]+$/.test(t)) return parseInt(t, 8);
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** cat [-n] FILE…: `cat: can't open 'x': No such file or directory`. */
export const cat: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'nbuvteA');
  } catch (err) {
    return usageError(ctx, err);
  }
  const files = opts.operands.length > 0 ? opts.operands : ['-'];
  const number = opts.flags.has('n') || opts.flags.has('b');
  let status = 0;
  let lineNo = 1;
  for (const f of files) {
    if (ctx.signal.aborted || ctx.stdout.closed) break;
    if (f === '-') {
      if (number) {
        const reader = new LineReader(ctx.stdin);
        for (;;) {
          const l = await reader.readLine();
          if (!l) break;
          ctx.stdout.write(`${String(lineNo++).padStart(6)}\t${l.line}${l.terminated ? '\n' : ''}`);
        }
        continue;
      }
      for (;;) {
        if (ctx.signal.aborted || ctx.stdout.closed) break;
        const c = await ctx.stdin.read();
        if (c === null) break;
        ctx.stdout.write(c);
      }
      continue;
    }
    const path = resolve(ctx, f);
    let st;
    let reader;
    try {
      st = ctx.fs.stat(path);
      if (st.type !== 'dir') reader = ctx.fs.openRead(path);
    } catch (err) {
      fail(ctx, `can't open '${f}': ${errnoMessage(err)}`);
      status = 1;
      continue;
    }
    if (!reader) {
      fail(ctx, `read error: Is a directory`);
      status = 1;
      continue;
    }
    if (number) {
      reader.close();
      const text = decode(ctx.fs.readFile(path));
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const l of lines) ctx.stdout.write(`${String(lineNo++).padStart(6)}\t${l}\n`);
      continue;
    }
    try {
      if (!(await streamReader(ctx, reader, st.type === 'chardev' ? 64 * 1024 * 1024 : Number.POSITIVE_INFINITY))) break;
    } catch (err) {
      // A read error (an NFS server gone away) is cat's; a write error propagates as the runtime words it.
      if (err instanceof FsError && err.code === 'EIO') {
        fail(ctx, `read error: ${err.message}`);
        status = 1;
        continue;
      }
      throw err;
    }
  }
  return status;
};

/** readLinesOf reads an operand (or stdin) as text lines; returns undefined after printing an error. */
async function readText(ctx: ProgramContext, operand: string | undefined, verbForError = "can't open"): Promise<string | undefined> {
  try {
    return decode(await readInput(ctx, operand));
  } catch (err) {
    fail(ctx, `${verbForError} '${operand}': ${errnoMessage(err)}`);
    return undefined;
  }
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** head [-n N|-N] [-c N] FILE… */
export const head: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'qv', 'nc', { numeric: true });
  } catch (err) {
    return usageError(ctx, err);
  }
  const n = Number(opts.flags.get('n') ?? opts.flags.get('#') ?? 10);
  const c = opts.flags.get('c');
  const files = opts.operands.length > 0 ? opts.operands : ['-'];
  let status = 0;
  for (const [i, f] of files.entries()) {
    if (files.length > 1) ctx.stdout.write(`${i > 0 ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`);
    if (c !== undefined) {
      const limit = Number(c);
      try {
        if (f !== '-') {
          const reader = ctx.fs.openRead(resolve(ctx, f));
          await streamReader(ctx, reader, limit);
          continue;
        }
        const data = await readInput(ctx, f, limit);
        ctx.stdout.write(data.subarray(0, limit));
      } catch (err) {
        fail(ctx, `can't open '${f}': ${errnoMessage(err)}`);
        status = 1;
      }
      continue;
    }
    if (f === '-') {
      const reader = new LineReader(ctx.stdin);
      for (let k = 0; k < n; k++) {
        const l = await reader.readLine();
        if (!l) break;
        ctx.stdout.write(l.line + (l.terminated ? '\n' : ''));
      }
      continue;
    }
    const text = await readText(ctx, f);
    if (text === undefined) {
      status = 1;
      continue;
    }
    const lines = text.split('\n');
    const taken = lines.slice(0, n);
    ctx.stdout.write(taken.join('\n') + (lines.length > n ? '\n' : ''));
  }
  return status;
};

/** tail [-n N|-N|-n +N] [-c N] [-f] FILE…; -f polls the file once a second until interrupted. */
export const tail: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'fFqv', 'ncs', { numeric: true, long: { follow: 'f', retry: null } });
  } catch (err) {
    return usageError(ctx, err);
  }
  const nText = String(opts.flags.get('n') ?? opts.flags.get('#') ?? '10');
  const fromStart = nText.startsWith('+');
  const n = Math.abs(Number(nText));
  const files = opts.operands.length > 0 ? opts.operands : ['-'];
  const follow = opts.flags.has('f') || opts.flags.has('F');
  let status = 0;
  const sizes = new Map<string, number>();
  for (const [i, f] of files.entries()) {
    if (files.length > 1) ctx.stdout.write(`${i > 0 ? '\n' : ''}==> ${f === '-' ? 'standard input' : f} <==\n`);
    const text = await readText(ctx, f);
    if (text === undefined) {
      status = 1;
      continue;
    }
    if (opts.flags.has('c')) {
      const bytes = Buffer.from(text);
      ctx.stdout.write(bytes.subarray(Math.max(0, bytes.length - Number(opts.flags.get('c')))));
    } else {
      const lines = splitLines(text);
      const taken = fromStart ? lines.slice(Math.max(0, n - 1)) : lines.slice(Math.max(0, lines.length - n));
      if (taken.length > 0) ctx.stdout.write(taken.join('\n') + (text.endsWith('\n') || taken.length < lines.length ? '\n' : ''));
    }
    if (f !== '-') sizes.set(f, Buffer.byteLength(text));
  }
  if (!follow || files.every((f) => f === '-')) return status;
  // tail -f: look for growth once a second (busybox polls with sleep(1) too).
  for (;;) {
    await ctx.clock.sleep(1000, ctx.signal);
    if (ctx.signal.aborted || ctx.stdout.closed) return status;
    for (const f of files) {
      if (f === '-') continue;
      try {
        const data = ctx.fs.readFile(resolve(ctx, f));
        const prev = sizes.get(f) ?? 0;
        if (data.length > prev) ctx.stdout.write(data.subarray(prev));
        else if (data.length < prev) fail(ctx, `${f}: file truncated`);
        sizes.set(f, data.length);
      } catch {
        // A vanished file is waited for, as tail -F does.
      }
    }
  }
};

/** wc [-lwcmL] FILE… (coreutils/wc.c: `%9u` columns unless exactly one count of one input). */
export const wc: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'lwcmL');
  } catch (err) {
    return usageError(ctx, err);
  }
  let kinds = ['l', 'w', 'c', 'L'].filter((k) => opts.flags.has(k) || (k === 'c' && opts.flags.has('m')));
  if (kinds.length === 0) kinds = ['l', 'w', 'c'];
  const files = opts.operands.length > 0 ? opts.operands : [undefined];
  const single = files.length === 1 && kinds.length === 1;
  const totals = { l: 0, w: 0, c: 0, L: 0 };
  let status = 0;
  const print = (counts: Record<string, number>, name: string | undefined): void => {
    const cols = kinds.map((k, i) => (i === 0 && single ? String(counts[k]) : String(counts[k]).padStart(9)));
    ctx.stdout.write(cols.join(' ') + (name !== undefined ? ` ${name}` : '') + '\n');
  };
  for (const f of files) {
    let data: Uint8Array;
    try {
      data = await readInput(ctx, f);
    } catch (err) {
      failErr(ctx, f!, err);
      status = 1;
      continue;
    }
    const text = decode(data);
    const counts = {
      l: (text.match(/\n/g) ?? []).length,
      w: (text.match(/\S+/g) ?? []).length,
      c: opts.flags.has('m') ? [...text].length : data.length,
      L: Math.max(0, ...text.split('\n').map((l) => l.length)),
    };
    for (const k of ['l', 'w', 'c'] as const) totals[k] += counts[k];
    totals.L = Math.max(totals.L, counts.L);
    print(counts, f);
  }
  if (files.length > 1) print(totals, 'total');
  return status;
};

/** bre converts a POSIX basic regular expression to a JavaScript one (\( \) \{ \} \| are the specials; + ? ( ) { } | literal). */
export function bre(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      const n = pattern[++i]!;
      if ('(){}|+?'.includes(n)) out += n;
      else if (/[1-9]/.test(n)) out += '\\' + n;
      else if (n === '<' || n === '>') out += '\\b';
      else out += '\\' + n;
      continue;
    }
    if ('(){}|+?'.includes(c)) out += '\\' + c;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + (pattern[i + 1] === ']' ? 2 : pattern[i + 1] === '^' && pattern[i + 2] === ']' ? 3 : 1));
      if (end < 0) {
        out += '\\[';
        continue;
      }
      out += bracket(pattern.slice(i, end + 1));
      i = end;
    } else out += c;
  }
  return out;
}

/** bracket translates POSIX classes ([:digit:] …) inside a bracket expression. */
function bracket(expr: string): string {
  return expr
    .replace(/\[:alpha:\]/g, 'A-Za-z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\[:alnum:\]/g, 'A-Za-z0-9')
    .replace(/\[:upper:\]/g, 'A-Z')
    .replace(/\[:lower:\]/g, 'a-z')
    .replace(/\[:space:\]/g, ' \\t\\n\\r\\f\\v')
    .replace(/\[:blank:\]/g, ' \\t')
    .replace(/\[:punct:\]/g, '!-\\/:-@\\[-`{-~')
    .replace(/\[:xdigit:\]/g, '0-9A-Fa-f');
}

export function ere(pattern: string): string {
  return pattern.replace(/\[[^\]]*\]/g, (m) => bracket(m)).replace(/\\([<>])/g, '\\b');
}

/** grep [-ivcEFrqnlLhHswxo] [-e PATTERN] PATTERN FILE… */
export const grep: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'ivcEFrRqnlLhHswxoZ', 'ef', { long: { color: null, colour: null, 'ignore-case': 'i', 'invert-match': 'v', count: 'c', recursive: 'r', quiet: 'q', 'line-number': 'n' } });
  } catch (err) {
    return usageError(ctx, err);
  }
  const operands = [...opts.operands];
  let patterns = opts.repeated.get('e') ?? [];
  if (opts.flags.has('f')) {
    try {
      patterns = [...patterns, ...splitLines(decode(ctx.fs.readFile(resolve(ctx, String(opts.flags.get('f'))))))];
    } catch (err) {
      failErr(ctx, String(opts.flags.get('f')), err);
      return 2;
    }
  }
  if (patterns.length === 0) {
    const p = operands.shift();
    if (p === undefined) {
      ctx.stderr.write('BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n');
      return 2;
    }
    patterns = p.split('\n');
  }
  const flagsRe = opts.flags.has('i') ? 'i' : '';
  let regexes: RegExp[];
  try {
    regexes = patterns.map((p) => {
      let src = opts.flags.has('F') ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : opts.flags.has('E') || ctx.argv[0] === 'egrep' ? ere(p) : bre(p);
      if (opts.flags.has('w')) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
      if (opts.flags.has('x')) src = `^(?:${src})$`;
      return new RegExp(src, flagsRe + (opts.flags.has('o') ? 'g' : ''));
    });
  } catch {
    fail(ctx, `bad regex '${patterns[0]}'`);
    return 2;
  }
  const recursive = opts.flags.has('r') || opts.flags.has('R');
  let files = operands.length > 0 ? operands : recursive ? ['.'] : ['-'];
  if (recursive) files = expandRecursive(ctx, files);
  const showNames = opts.flags.has('H') || (!opts.flags.has('h') && (files.length > 1 || recursive));
  let matchedAny = false;
  let errors = false;
  for (const f of files) {
    if (ctx.signal.aborted) break;
    let text: string;
    try {
      text = decode(await readInput(ctx, f));
    } catch (err) {
      if (!opts.flags.has('s')) failErr(ctx, f, err);
      errors = true;
      continue;
    }
    const name = f === '-' ? '(standard input)' : f;
    let count = 0;
    const lines = splitLines(text);
    for (const [idx, line] of lines.entries()) {
      const hit = regexes.some((r) => {
        r.lastIndex = 0;
        return r.test(line);
      });
      if (hit === opts.flags.has('v')) continue;
      count++;
      matchedAny = true;
      if (opts.flags.has('q')) return 0;
      if (opts.flags.has('l') || opts.flags.has('L') || opts.flags.has('c')) continue;
      const prefix = (showNames ? `${name}:` : '') + (opts.flags.has('n') ? `${idx + 1}:` : '');
      if (opts.flags.has('o') && !opts.flags.has('v')) {
        for (const r of regexes) {
          r.lastIndex = 0;
          for (const m of line.matchAll(r)) if (m[0] !== '') ctx.stdout.write(`${prefix}${m[0]}\n`);
        }
      } else ctx.stdout.write(`${prefix}${line}\n`);
    }
    if (opts.flags.has('c')) ctx.stdout.write(`${showNames ? name + ':' : ''}${count}\n`);
    if (opts.flags.has('l') && count > 0) ctx.stdout.write(`${name}\n`);
    if (opts.flags.has('L') && count === 0) ctx.stdout.write(`${name}\n`);
  }
  if (errors && !(opts.flags.has('q') && matchedAny)) return 2;
  return matchedAny ? 0 : 1;
};

function expandRecursive(ctx: ProgramContext, roots: string[]): string[] {
  const out: string[] = [];
  const walk = (display: string, depth: number): void => {
    if (depth > 64 || out.length > 100_000) return;
    let st;
    try {
      st = ctx.fs.stat(resolve(ctx, display));
    } catch {
      out.push(display);
      return;
    }
    if (st.type !== 'dir') {
      if (st.type === 'file') out.push(display);
      return;
    }
    let names: string[];
    try {
      names = ctx.fs.readdir(resolve(ctx, display)).sort(byteOrder);
    } catch {
      return;
    }
    for (const n of names) walk(display === '.' && roots.includes('.') && depth === 0 ? `./${n}` : `${display.replace(/\/$/, '')}/${n}`, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}

/** tee [-a] FILE…: copies stdin to stdout and the files. */
export const tee: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'ai');
  } catch (err) {
    return usageError(ctx, err);
  }
  let status = 0;
  const writers = [];
  for (const f of opts.operands) {
    try {
      writers.push(ctx.fs.openWrite(resolve(ctx, f), { append: opts.flags.has('a') }));
    } catch (err) {
      failErr(ctx, f, err);
      status = 1;
    }
  }
  try {
    for (;;) {
      if (ctx.signal.aborted) break;
      const chunk = await ctx.stdin.read();
      if (chunk === null) break;
      ctx.stdout.write(chunk);
      for (const w of writers) {
        try {
          w.write(chunk);
        } catch (err) {
          fail(ctx, `write error: ${errnoMessage(err)}`);
          status = 1;
        }
      }
    }
  } finally {
    for (const w of writers) w.close();
  }
  return status;
};

/** base64 [-d] [-w COLS] [FILE] (76-column lines, as busybox wraps). */
export const base64: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'di', 'w');
  } catch (err) {
    return usageError(ctx, err);
  }
  let data: Uint8Array;
  try {
    data = await readInput(ctx, opts.operands[0]);
  } catch (err) {
    failErr(ctx, opts.operands[0]!, err);
    return 1;
  }
  if (opts.flags.has('d')) {
    const text = decode(data).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
      ctx.stdout.write(Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
      fail(ctx, 'invalid input');
      return 1;
    }
    ctx.stdout.write(Buffer.from(text, 'base64'));
    return 0;
  }
  const wrap = Number(opts.flags.get('w') ?? 76);
  const encoded = Buffer.from(data).toString('base64');
  const lines = wrap > 0 ? encoded.match(new RegExp(`.{1,${wrap}}`, 'g')) ?? [] : [encoded];
  ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
};

/** seq [-w] [-s SEP] [FIRST [INC]] LAST */
export const seq: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let sep = '\n';
  let width = false;
  while (args.length > 0 && /^-[sw]/.test(args[0]!) && !/^-\d/.test(args[0]!)) {
    const a = args.shift()!;
    if (a === '-w') width = true;
    else if (a === '-s') sep = args.shift() ?? '\n';
    else if (a.startsWith('-s')) sep = a.slice(2);
  }
  const nums = args.map(Number);
  if (nums.length === 0 || nums.length > 3 || nums.some((n) => !Number.isFinite(n))) {
    fail(ctx, `invalid number '${args.find((a) => !Number.isFinite(Number(a))) ?? ''}'`);
    return 1;
  }
  const [first, inc, last] = nums.length === 1 ? [1, 1, nums[0]!] : nums.length === 2 ? [nums[0]!, 1, nums[1]!] : [nums[0]!, nums[1]!, nums[2]!];
  if (inc === 0) return 1;
  const decimals = Math.max(...args.map((a) => (a.includes('.') ? a.split('.')[1]!.length : 0)));
  const out: string[] = [];
  for (let v = first; inc > 0 ? v <= last + 1e-9 : v >= last - 1e-9; v += inc) {
    out.push(v.toFixed(decimals));
    if (out.length >= 1_000_000) break;
  }
  const w = width ? Math.max(...out.map((s) => s.length)) : 0;
  if (out.length > 0) ctx.stdout.write(out.map((s) => s.padStart(w, '0')).join(sep) + '\n');
  return 0;
};

/** sort [-rnu] FILE… */
export const sort: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'rnufb', 'tk');
  } catch (err) {
    return usageError(ctx, err);
  }
  const all: string[] = [];
  for (const f of opts.operands.length ? opts.operands : ['-']) {
    const t = await readText(ctx, f);
    if (t === undefined) return 1;
    all.push(...splitLines(t));
  }
  const cmp = opts.flags.has('n') ? (a: string, b: string) => (parseFloat(a) || 0) - (parseFloat(b) || 0) || byteOrder(a, b) : opts.flags.has('f') ? (a: string, b: string) => byteOrder(a.toLowerCase(), b.toLowerCase()) : byteOrder;
  let lines = all.sort(cmp);
  if (opts.flags.has('r')) lines.reverse();
  if (opts.flags.has('u')) lines = lines.filter((l, i) => i === 0 || cmp(l, lines[i - 1]!) !== 0);
  if (lines.length) ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
};

/** uniq [-c] [-d] [-u] [FILE] */
export const uniq: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'cdui');
  } catch (err) {
    return usageError(ctx, err);
  }
  const t = await readText(ctx, opts.operands[0]);
  if (t === undefined) return 1;
  const lines = splitLines(t);
  const groups: { line: string; n: number }[] = [];
  for (const l of lines) {
    const last = groups[groups.length - 1];
    if (last && (opts.flags.has('i') ? last.line.toLowerCase() === l.toLowerCase() : last.line === l)) last.n++;
    else groups.push({ line: l, n: 1 });
  }
  for (const g of groups) {
    if (opts.flags.has('d') && g.n < 2) continue;
    if (opts.flags.has('u') && g.n > 1) continue;
    ctx.stdout.write(opts.flags.has('c') ? `${String(g.n).padStart(7)} ${g.line}\n` : `${g.line}\n`);
  }
  return 0;
};

/** cut -d DELIM -f LIST | -c LIST [FILE] */
export const cut: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 's', 'dfcb');
  } catch (err) {
    return usageError(ctx, err);
  }
  const list = String(opts.flags.get('f') ?? opts.flags.get('c') ?? opts.flags.get('b') ?? '');
  if (!list) {
    fail(ctx, 'expected a list of bytes, characters, or fields');
    return 1;
  }
  const ranges = list.split(',').map((r) => {
    const [a, b] = r.split('-');
    return [a ? Number(a) : 1, r.includes('-') ? (b ? Number(b) : Infinity) : Number(a)] as const;
  });
  const inRange = (i: number): boolean => ranges.some(([a, b]) => i >= a && i <= b);
  const t = await readText(ctx, opts.operands[0]);
  if (t === undefined) return 1;
  const delim = String(opts.flags.get('d') ?? '\t');
  for (const line of splitLines(t)) {
    if (opts.flags.has('f')) {
      if (!line.includes(delim)) {
        if (!opts.flags.has('s')) ctx.stdout.write(line + '\n');
        continue;
      }
      ctx.stdout.write(line.split(delim).filter((_f, i) => inRange(i + 1)).join(delim) + '\n');
    } else {
      ctx.stdout.write([...line].filter((_c, i) => inRange(i + 1)).join('') + '\n');
    }
  }
  return 0;
};

function expandSet(s: string): string {
  let out = '';
  const t = s.replace(/\[:upper:\]/g, 'A-Z').replace(/\[:lower:\]/g, 'a-z').replace(/\[:digit:\]/g, '0-9').replace(/\[:space:\]/g, ' \t\n\r\f\v').replace(/\\n/g, '\n').replace(/\\t/g, '\t').replace(/\\r/g, '\r').replace(/\\([0-7]{1,3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))).replace(/\\\\/g, '\\');
  for (let i = 0; i < t.length; i++) {
    if (t[i + 1] === '-' && i + 2 < t.length) {
      for (let c = t.charCodeAt(i); c <= t.charCodeAt(i + 2); c++) out += String.fromCharCode(c);
      i += 2;
    } else out += t[i];
  }
  return out;
}

/** tr [-d] [-s] SET1 [SET2] */
export const tr: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'dsc');
  } catch (err) {
    return usageError(ctx, err);
  }
  const set1 = expandSet(opts.operands[0] ?? '');
  const set2 = expandSet(opts.operands[1] ?? '');
  const text = decode(await readInput(ctx, '-'));
  let out = '';
  let prev = '';
  for (const c of text) {
    let r = c;
    if (opts.flags.has('d')) {
      if (set1.includes(c)) continue;
    } else if (set2) {
      const i = set1.indexOf(c);
      if (i >= 0) r = set2[Math.min(i, set2.length - 1)]!;
    }
    if (opts.flags.has('s') && r === prev && (set2 || set1).includes(r)) continue;
    out += r;
    prev = r;
  }
  ctx.stdout.write(out);
  return 0;
};

/** basename PATH [SUFFIX] */
export const basenameApplet: Program = async (ctx) => {
  const [p, suffix] = ctx.argv.slice(1);
  if (p === undefined) {
    usageError(ctx, new OptionError('missing operand'));
    return 1;
  }
  let b = p.replace(/\/+$/, '');
  b = b === '' ? (p.startsWith('/') ? '/' : '') : b.slice(b.lastIndexOf('/') + 1);
  if (suffix && b !== suffix && b.endsWith(suffix)) b = b.slice(0, -suffix.length);
  ctx.stdout.write(b + '\n');
  return 0;
};

/** dirname PATH */
export const dirnameApplet: Program = async (ctx) => {
  const p = ctx.argv[1];
  if (p === undefined) {
    usageError(ctx, new OptionError('missing operand'));
    return 1;
  }
  const t = p.replace(/\/+$/, '');
  const i = t.lastIndexOf('/');
  ctx.stdout.write((i < 0 ? '.' : i === 0 ? '/' : t.slice(0, i).replace(/\/+$/, '') || '/') + '\n');
  return 0;
};

/** yes [STRING]: writes until the reader goes away (the pipe closes) or the program is stopped. */
export const yes: Program = async (ctx) => {
  const line = (ctx.argv.length > 1 ? ctx.argv.slice(1).join(' ') : 'y') + '\n';
  const block = line.repeat(Math.max(1, Math.floor(4096 / line.length)));
  let written = 0;
  while (!ctx.signal.aborted && !ctx.stdout.closed) {
    ctx.stdout.write(block);
    written += block.length;
    await ctx.stdout.ready();
    await new Promise<void>((r) => setImmediate(r));
    // Writing to a terminal or a log forever would fill memory: stop after 64 MiB as a runaway.
    if (written > 64 * 1024 * 1024) {
      fail(ctx, 'write error: output limit of this simulated container reached');
      return 1;
    }
  }
  return 0;
};
