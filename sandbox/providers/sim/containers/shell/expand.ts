/**
 * Word expansion (XCU 2.6): tilde, parameters (with the ${x:-y} family and
 * ${#x}, ${x%pat}…), command substitution, arithmetic, field splitting on
 * IFS, pathname expansion (globs, through the container's filesystem) and
 * quote removal. Pattern matching for `case` and ${x%pat} lives here too.
 */
import type { Script, Word, WordPart } from './ast.ts';
import { ShellSyntaxError } from './parser.ts';

/** ExpandHost is what expansion needs from the shell. */
export interface ExpandHost {
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  /** special returns $?, $$, $!, $#, $0, $-, $1… */
  special(name: string): string | undefined;
  positional(): string[];
  commandSubstitution(script: Script): Promise<string>;
  home(user: string): string | undefined;
  /** glob lists the container paths matching a pattern (sorted), or [] when none. */
  glob(pattern: GlobSegment[][]): string[];
  /** nounset: `set -u` — unset parameters are an error. */
  nounset: boolean;
}

/** ShellExpansionError is an expansion failure (`sh: x: parameter not set`). */
export class ShellExpansionError extends Error {}

/** Chunk is text with its quoting, so globbing and splitting know what was quoted. */
interface Chunk {
  text: string;
  quoted: boolean;
}

/** GlobSegment is one path component's pattern, as chunks (quoted chunks match literally). */
export type GlobSegment = Chunk;

interface Field {
  chunks: Chunk[];
  /** keep: the field had quotes, so it survives even if empty ("" is an argument). */
  keep: boolean;
}

const DEFAULT_IFS = ' \t\n';

/** expandWord expands without field splitting or globbing (assignments, redirection targets, case words). */
export async function expandWord(word: Word, host: ExpandHost): Promise<string> {
  let out = '';
  for (const part of word) out += (await expandPart(part, host, true)).join(' ');
  return out;
}

/** expandWords expands command words into fields. */
export async function expandWords(words: Word[], host: ExpandHost): Promise<string[]> {
  const out: string[] = [];
  for (const word of words) out.push(...(await expandFields(word, host)));
  return out;
}

/** expandPattern expands a word into pattern chunks (for case and ${x%pat}): quoted text matches literally. */
export async function expandPattern(word: Word, host: ExpandHost): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for (const part of word) {
    const values = await expandPart(part, host, true);
    const quoted = part.kind === 'lit' ? part.quoted : part.kind === 'tilde' ? true : part.quoted;
    chunks.push({ text: values.join(' '), quoted });
  }
  return chunks;
}

async function expandFields(word: Word, host: ExpandHost): Promise<string[]> {
  const fields: Field[] = [{ chunks: [], keep: false }];
  const cur = (): Field => fields[fields.length - 1]!;
  const ifs = host.getVar('IFS') ?? DEFAULT_IFS;
  for (const part of word) {
    if (part.kind === 'lit') {
      cur().chunks.push({ text: part.text, quoted: part.quoted });
      if (part.quoted) cur().keep = true;
      continue;
    }
    if (part.kind === 'tilde') {
      cur().chunks.push({ text: host.home(part.user) ?? '~' + part.user, quoted: true });
      continue;
    }
    const values = await expandPart(part, host, part.quoted);
    if (part.quoted) {
      // "$@" gives one field per positional parameter; everything else one string.
      values.forEach((v, i) => {
        if (i > 0) fields.push({ chunks: [], keep: true });
        cur().chunks.push({ text: v, quoted: true });
        cur().keep = true;
      });
      if (values.length === 0 && !(part.kind === 'param' && part.name === '@')) cur().keep = true;
      continue;
    }
    values.forEach((v, i) => {
      if (i > 0) fields.push({ chunks: [], keep: false });
      splitInto(v, ifs, fields);
    });
  }
  const out: string[] = [];
  for (const f of fields) {
    if (f.chunks.every((c) => c.text === '') && !f.keep) continue;
    const hasGlob = f.chunks.some((c) => !c.quoted && /[*?[]/.test(c.text));
    if (hasGlob) {
      const matches = host.glob(splitSegments(f.chunks));
      if (matches.length > 0) {
        out.push(...matches);
        continue;
      }
    }
    out.push(f.chunks.map((c) => c.text).join(''));
  }
  return out;
}

/** splitInto appends unquoted expansion text to the fields, splitting on IFS characters. */
function splitInto(value: string, ifs: string, fields: Field[]): void {
  const cur = (): Field => fields[fields.length - 1]!;
  if (ifs === '') {
    cur().chunks.push({ text: value, quoted: false });
    return;
  }
  const sep = new RegExp('[' + ifs.replace(/[\\\]^-]/g, '\\$&') + ']+');
  value.split(sep).forEach((piece, i) => {
    if (i > 0) {
      const f = cur();
      if (f.keep || f.chunks.some((c) => c.text !== '')) fields.push({ chunks: [], keep: false });
    }
    if (piece !== '') cur().chunks.push({ text: piece, quoted: false });
  });
}

function splitSegments(chunks: Chunk[]): GlobSegment[][] {
  const segments: GlobSegment[][] = [[]];
  for (const c of chunks) {
    const pieces = c.text.split('/');
    pieces.forEach((p, i) => {
      if (i > 0) segments.push([]);
      if (p !== '') segments[segments.length - 1]!.push({ text: p, quoted: c.quoted });
    });
  }
  return segments;
}

async function expandPart(part: WordPart, host: ExpandHost, quoted: boolean): Promise<string[]> {
  switch (part.kind) {
    case 'lit':
      return [part.text];
    case 'tilde':
      return [host.home(part.user) ?? '~' + part.user];
    case 'cmdsub': {
      const out = await host.commandSubstitution(part.script);
      return [out.replace(/\n+$/, '')];
    }
    case 'arith': {
      const text = await expandWord(part.expr, host);
      return [String(evaluateArithmetic(text, host))];
    }
    case 'param':
      return expandParam(part, host, quoted);
  }
}

async function expandParam(part: WordPart & { kind: 'param' }, host: ExpandHost, quoted: boolean): Promise<string[]> {
  const { name, op } = part;
  if ((name === '@' || name === '*') && !op) {
    const args = host.positional();
    if (name === '@' && quoted) return args;
    if (name === '*' && quoted) return [args.join((host.getVar('IFS') ?? ' ')[0] ?? '')];
    return args;
  }
  const value = lookup(name, host);
  if (op === '#len') return [String([...(value ?? '')].length)];
  if (!op) {
    if (value === undefined && host.nounset && !/^[@*#?$!0-]$/.test(name)) throw new ShellExpansionError(`${name}: parameter not set`);
    return [value ?? ''];
  }
  const arg = async (): Promise<string> => expandWord(part.arg ?? [], host);
  const unsetOrNull = value === undefined || value === '';
  switch (op) {
    case ':-':
      return [unsetOrNull ? await arg() : value!];
    case '-':
      return [value === undefined ? await arg() : value];
    case ':=':
    case '=': {
      if (op === ':=' ? unsetOrNull : value === undefined) {
        if (!/^[A-Za-z_]/.test(name)) throw new ShellExpansionError(`${name}: bad variable name`);
        const v = await arg();
        host.setVar(name, v);
        return [v];
      }
      return [value!];
    }
    case ':+':
      return [unsetOrNull ? '' : await arg()];
    case '+':
      return [value === undefined ? '' : await arg()];
    case ':?':
    case '?': {
      if (op === ':?' ? unsetOrNull : value === undefined) {
        const msg = await arg();
        throw new ShellExpansionError(`${name}: ${msg || 'parameter not set'}`);
      }
      return [value!];
    }
    case '%':
    case '%%':
    case '#':
    case '##': {
      const v = value ?? '';
      const re = patternRegex(await expandPattern(part.arg ?? [], host));
      const anchored = re.source.slice(1, -1);
      const longest = op === '%%' || op === '##';
      if (op === '#' || op === '##') {
        for (let i = longest ? v.length : 0; longest ? i >= 0 : i <= v.length; i += longest ? -1 : 1) {
          if (new RegExp('^' + anchored + '$', 's').test(v.slice(0, i))) return [v.slice(i)];
        }
        return [v];
      }
      for (let i = longest ? 0 : v.length; longest ? i <= v.length : i >= 0; i += longest ? 1 : -1) {
        if (new RegExp('^' + anchored + '$', 's').test(v.slice(i))) return [v.slice(0, i)];
      }
      return [v];
    }
  }
  return [value ?? ''];
}

function lookup(name: string, host: ExpandHost): string | undefined {
  if (/^[0-9]+$/.test(name) || /^[?$!#*@0-]$/.test(name)) return host.special(name);
  return host.getVar(name);
}

/** patternRegex compiles a shell pattern (XCU 2.13) to an anchored RegExp; quoted chunks match literally. */
export function patternRegex(chunks: Chunk[]): RegExp {
  let re = '';
  for (const c of chunks) {
    if (c.quoted) {
      re += escapeRegex(c.text);
      continue;
    }
    const t = c.text;
    for (let i = 0; i < t.length; i++) {
      const ch = t[i]!;
      if (ch === '*') re += '.*';
      else if (ch === '?') re += '.';
      else if (ch === '[') {
        const end = t.indexOf(']', i + 2);
        if (end < 0) {
          re += '\\[';
          continue;
        }
        let set = t.slice(i + 1, end);
        if (set.startsWith('!') || set.startsWith('^')) set = '^' + set.slice(1);
        re += '[' + set.replace(/\\/g, '\\\\') + ']';
        i = end;
      } else if (ch === '\\' && i + 1 < t.length) {
        re += escapeRegex(t[++i]!);
      } else re += escapeRegex(ch);
    }
  }
  try {
    return new RegExp('^' + re + '$', 's');
  } catch {
    return new RegExp('^' + escapeRegex(chunks.map((c) => c.text).join('')) + '$', 's');
  }
}

/** matchPattern tests a string against pattern chunks (case, [[ ]]-less test of globs). */
export function matchPattern(value: string, chunks: Chunk[]): boolean {
  return patternRegex(chunks).test(value);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * evaluateArithmetic evaluates $(( )) (XCU 2.6.4): integers, variables,
 * + - * / % ** << >> & | ^ ~ ! comparisons && || ?: and assignments (= += -= …).
 */
export function evaluateArithmetic(text: string, host: Pick<ExpandHost, 'getVar' | 'setVar'>): number {
  const tokens = text.match(/\s*(0x[0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\+\+|--|\*\*|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|[-+*/%<>=!~&|^?:()])/g) ?? [];
  const toks = tokens.map((t) => t.trim());
  if (toks.join('').replace(/\s/g, '') !== text.replace(/\s/g, '')) throw new ShellSyntaxError(`arithmetic syntax error`);
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const take = (): string => {
    const t = toks[i++];
    if (t === undefined) throw new ShellSyntaxError('arithmetic syntax error');
    return t;
  };
  const varValue = (name: string): number => {
    const v = host.getVar(name);
    if (v === undefined || v === '') return 0;
    const n = Number(v.trim());
    if (!Number.isFinite(n)) throw new ShellSyntaxError('arithmetic syntax error');
    return Math.trunc(n);
  };
  const binaryPrec: Record<string, number> = { '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10, '**': 11 };
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '||': return a || b ? 1 : 0;
      case '&&': return a && b ? 1 : 0;
      case '|': return a | b;
      case '^': return a ^ b;
      case '&': return a & b;
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
      case '<': return a < b ? 1 : 0;
      case '>': return a > b ? 1 : 0;
      case '<=': return a <= b ? 1 : 0;
      case '>=': return a >= b ? 1 : 0;
      case '<<': return a << b;
      case '>>': return a >> b;
      case '+': return a + b;
      case '-': return a - b;
      case '*': return Math.trunc(a * b);
      case '/':
      case '%':
        if (b === 0) throw new ShellSyntaxError('divide by zero');
        return op === '/' ? Math.trunc(a / b) : a % b;
      case '**': return Math.trunc(a ** b);
    }
    throw new ShellSyntaxError('arithmetic syntax error');
  };
  const unary = (): number => {
    const t = take();
    if (t === '++' || t === '--') {
      // Pre-increment: the variable changes, the new value is the result.
      const name = take();
      if (!/^[A-Za-z_]/.test(name)) throw new ShellSyntaxError('arithmetic syntax error');
      const v = varValue(name) + (t === '++' ? 1 : -1);
      host.setVar(name, String(v));
      return v;
    }
    if (t === '-') return -unary();
    if (t === '+') return unary();
    if (t === '!') return unary() ? 0 : 1;
    if (t === '~') return ~unary();
    if (t === '(') {
      const v = ternary();
      if (take() !== ')') throw new ShellSyntaxError('arithmetic syntax error');
      return v;
    }
    if (/^\d/.test(t)) return t.startsWith('0x') ? parseInt(t, 16) : t.length > 1 && t.startsWith('0') ? parseInt(t, 8) : Number(t);
    if (/^[A-Za-z_]/.test(t)) {
      const op = peek();
      if (op === '++' || op === '--') {
        // Post-increment: the old value is the result.
        take();
        const v = varValue(t);
        host.setVar(t, String(v + (op === '++' ? 1 : -1)));
        return v;
      }
      if (op && /^([-+*/%&|^]|<<|>>)?=$/.test(op) && op !== '==') {
        take();
        const rhs = ternary();
        const v = op === '=' ? rhs : apply(op.slice(0, -1), varValue(t), rhs);
        host.setVar(t, String(v));
        return v;
      }
      return varValue(t);
    }
    throw new ShellSyntaxError('arithmetic syntax error');
  };
  const binary = (minPrec: number): number => {
    let left = unary();
    for (;;) {
      const op = peek();
      const prec = op !== undefined ? binaryPrec[op] : undefined;
      if (prec === undefined || prec < minPrec) return left;
      take();
      const right = binary(op === '**' ? prec : prec + 1);
      left = apply(op!, left, right);
    }
  };
  const ternary = (): number => {
    const cond = binary(1);
    if (peek() === '?') {
      take();
      const a = ternary();
      if (take() !== ':') throw new ShellSyntaxError('arithmetic syntax error');
      const b = ternary();
      return cond ? a : b;
    }
    return cond;
  };
  if (toks.length === 0) return 0;
  const v = ternary();
  if (i < toks.length) throw new ShellSyntaxError('arithmetic syntax error');
  return v;
}
