/**
 * tokenize splits one SQL statement into tokens the way MySQL's lexer
 * (sql/sql_lex.cc) sees them for the subset the model parses: identifiers
 * (plain or `back-quoted`), 'strings' and "strings" (with '' doubling and
 * backslash escapes), numbers, operators and punctuation; `-- `, `#` and
 * C-style comments are skipped. Each token keeps its offset so a syntax error
 * can quote the statement from where it went wrong, as ER_PARSE_ERROR does.
 */
import { er } from './errors.ts';

export type TokenType = 'ident' | 'qident' | 'string' | 'number' | 'op' | 'eof';

export interface Token {
  type: TokenType;
  /** text: the identifier or operator as written, a string's decoded value, a number's digits. */
  text: string;
  /** upper: text in upper case, for keyword tests (plain identifiers only). */
  upper: string;
  /** pos: offset of the token in the statement. */
  pos: number;
  /** end: offset just after it. */
  end: number;
}

const OPERATORS = ['<=>', '<=', '>=', '<>', '!=', '||', '&&', '=', '<', '>', '(', ')', ',', ';', '.', '*', '+', '-', '/', '%', '!'];

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a', '\\': '\\', "'": "'", '"': '"' };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= n || /\s/.test(sql[i + 2]!)))) {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw er.parse(sql.slice(i), lineOf(sql, i));
      i = close + 2;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw er.parse(sql.slice(start), lineOf(sql, start));
        const ch = sql[i]!;
        if (ch === '\\' && i + 1 < n) {
          const next = sql[i + 1]!;
          value += ESCAPES[next] ?? next;
          i += 2;
          continue;
        }
        if (ch === c) {
          if (sql[i + 1] === c) {
            value += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ type: 'string', text: value, upper: value, pos: start, end: i });
      continue;
    }
    if (c === '`') {
      let value = '';
      i++;
      for (;;) {
        if (i >= n) throw er.parse(sql.slice(start), lineOf(sql, start));
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') {
            value += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += sql[i];
        i++;
      }
      tokens.push({ type: 'qident', text: value, upper: value.toUpperCase(), pos: start, end: i });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      while (i < n && /[0-9]/.test(sql[i]!)) i++;
      if (sql[i] === '.' && /[0-9]/.test(sql[i + 1] ?? '')) {
        i++;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      } else if (sql[i] === '.' && !/[A-Za-z_]/.test(sql[i + 1] ?? '')) {
        i++;
      }
      if (/[eE]/.test(sql[i] ?? '') && /[-+0-9]/.test(sql[i + 1] ?? '')) {
        i += 2;
        while (i < n && /[0-9]/.test(sql[i]!)) i++;
      }
      // 1abc is an identifier in MySQL (names may start with digits).
      if (/[A-Za-z_$]/.test(sql[i] ?? '')) {
        while (i < n && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
        const text = sql.slice(start, i);
        tokens.push({ type: 'ident', text, upper: text.toUpperCase(), pos: start, end: i });
        continue;
      }
      const text = sql.slice(start, i);
      tokens.push({ type: 'number', text, upper: text, pos: start, end: i });
      continue;
    }
    if (/[A-Za-z_$@\u0080-\uffff]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$@\u0080-\uffff]/.test(sql[i]!)) i++;
      const text = sql.slice(start, i);
      tokens.push({ type: 'ident', text, upper: text.toUpperCase(), pos: start, end: i });
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (!op) throw er.parse(sql.slice(i), lineOf(sql, i));
    i += op.length;
    tokens.push({ type: 'op', text: op, upper: op, pos: start, end: i });
  }
  tokens.push({ type: 'eof', text: '', upper: '', pos: n, end: n });
  return tokens;
}

/** lineOf is the 1-based line of an offset (ER_PARSE_ERROR's `at line N`). */
export function lineOf(sql: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < sql.length; i++) if (sql[i] === '\n') line++;
  return line;
}
