/**
 * parseScript turns shell text into a Script (./ast.ts): the POSIX shell
 * grammar (XCU 2.10) for what the subset supports — quoting, parameter and
 * command substitution, arithmetic, redirections with here-documents,
 * pipelines, && and ||, ; and &, if/while/until/for/case, { } and ( ),
 * function definitions. Syntax errors are worded as busybox ash words them
 * (`syntax error: unexpected "fi"`, `… (expecting "done")`,
 * `unterminated quoted string`), and say whether more input could complete
 * the script (an interactive shell then prompts with PS2).
 */
import type { AndOr, CaseCommand, Command, ForCommand, IfCommand, LoopCommand, Pipeline, Redirect, Script, SimpleCommand, Word, WordPart, ParamOp } from './ast.ts';

/** ShellSyntaxError is a parse failure; `incomplete` means the text ended too early (more lines may fix it). */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly incomplete = false,
  ) {
    super(message);
  }
}

/** MAX_NESTING bounds how deep compound commands and substitutions nest, so hostile input cannot exhaust the stack. */
export const MAX_NESTING = 100;
/** MAX_SCRIPT_LENGTH bounds a script (Linux's ARG_MAX is 2 MiB; one -c argument may be 128 KiB, MAX_ARG_STRLEN). */
export const MAX_SCRIPT_LENGTH = 128 * 1024;

type Token =
  | { t: 'word'; word: Word; raw: string; line: number }
  | { t: 'op'; v: string; line: number }
  | { t: 'redir'; fd?: number; op: Redirect['op']; line: number }
  | { t: 'eof'; line: number };

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', '{', '}', '!']);
/** Words that end a list (what the enclosing compound command expects next). */
const LIST_END = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface PendingHeredoc {
  redirect: Redirect;
  delimiter: string;
  stripTabs: boolean;
}

class Parser {
  private pos = 0;
  private line = 1;
  private peeked: Token | undefined;
  private pendingHeredocs: PendingHeredoc[] = [];
  private depth: number;

  constructor(
    private readonly src: string,
    depth = 0,
    start = 0,
  ) {
    this.depth = depth;
    this.pos = start;
  }


  // ---- lexer ----------------------------------------------------------------

  private error(message: string, incomplete = false): never {
    throw new ShellSyntaxError(`syntax error: ${message}`, incomplete);
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') {
        this.pos += 2;
        this.line++;
      } else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  peek(): Token {
    if (!this.peeked) {
      this.skipBlanks();
      this.peeked = this.lex();
    }
    return this.peeked;
  }

  next(): Token {
    const t = this.peek();
    this.peeked = undefined;
    return t;
  }

  private lex(): Token {
    const line = this.line;
    if (this.pos >= this.src.length) return { t: 'eof', line };
    const c = this.src[this.pos]!;
    const two = this.src.slice(this.pos, this.pos + 2);
    if (c === '\n') {
      this.pos++;
      this.line++;
      this.readHeredocs();
      return { t: 'op', v: '\n', line };
    }
    if (two === '&&' || two === '||' || two === ';;') {
      this.pos += 2;
      return { t: 'op', v: two, line };
    }
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      this.pos++;
      return { t: 'op', v: c, line };
    }
    // An IO number: digits immediately followed by < or >.
    const io = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    if (io || c === '<' || c === '>') {
      const fdText = io ? io[1]! : '';
      const at = this.pos + fdText.length;
      const three = this.src.slice(at, at + 3);
      let op: Redirect['op'] | undefined;
      for (const candidate of ['<<-', '<<', '>>', '>&', '<&', '>|', '<>', '<', '>'] as const) {
        if (three.startsWith(candidate)) {
          op = candidate;
          break;
        }
      }
      if (op) {
        this.pos = at + op.length;
        return { t: 'redir', fd: fdText ? Number(fdText) : undefined, op, line };
      }
    }
    const start = this.pos;
    const word = this.lexWord();
    return { t: 'word', word, raw: this.src.slice(start, this.pos), line };
  }

  /** lexWord reads one word up to an unquoted metacharacter. */
  private lexWord(): Word {
    const parts: WordPart[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit !== '') parts.push({ kind: 'lit', text: lit, quoted: false });
      lit = '';
    };
    if (this.src[this.pos] === '~') {
      const m = /^~([A-Za-z0-9_.-]*)(?=\/|$|[\s;&|<>()])/.exec(this.src.slice(this.pos));
      if (m) {
        parts.push({ kind: 'tilde', user: m[1]! });
        this.pos += m[0].length;
      }
    }
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (' \t\n;&|<>()'.includes(c)) break;
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n === undefined) {
          this.pos++;
          lit += '\\';
          continue;
        }
        this.pos += 2;
        if (n === '\n') {
          this.line++;
          continue;
        }
        flush();
        parts.push({ kind: 'lit', text: n, quoted: true });
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.error('unterminated quoted string', true);
        flush();
        const text = this.src.slice(this.pos + 1, end);
        this.line += countLines(text);
        parts.push({ kind: 'lit', text, quoted: true });
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        flush();
        this.pos++;
        const inner = this.lexDoubleQuoted();
        // "" is an empty quoted word, not nothing.
        parts.push(...(inner.length === 0 ? [{ kind: 'lit' as const, text: '', quoted: true }] : inner));
        continue;
      }
      if (c === '$' || c === '`') {
        const part = this.lexDollarOrBackquote(false);
        if (part) {
          flush();
          parts.push(part);
          continue;
        }
      }
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  /** lexDoubleQuoted reads up to the closing quote; \ escapes only $ ` " \ and newline there. */
  private lexDoubleQuoted(): WordPart[] {
    const parts: WordPart[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit !== '') parts.push({ kind: 'lit', text: lit, quoted: true });
      lit = '';
    };
    for (;;) {
      if (this.pos >= this.src.length) this.error('unterminated quoted string', true);
      const c = this.src[this.pos]!;
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        if (n !== undefined && '$`"\\\n'.includes(n)) {
          this.pos += 2;
          if (n === '\n') this.line++;
          else lit += n;
          continue;
        }
        lit += c;
        this.pos++;
        continue;
      }
      if (c === '$' || c === '`') {
        const part = this.lexDollarOrBackquote(true);
        if (part) {
          flush();
          parts.push(part);
          continue;
        }
      }
      if (c === '\n') this.line++;
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  /** lexDollarOrBackquote reads $name, ${…}, $(…), $((…)) or `…` at pos; undefined if `$` is literal. */
  private lexDollarOrBackquote(quoted: boolean): WordPart | undefined {
    const c = this.src[this.pos]!;
    if (c === '`') {
      this.pos++;
      let body = '';
      for (;;) {
        if (this.pos >= this.src.length) this.error('unterminated quoted string', true);
        const ch = this.src[this.pos]!;
        if (ch === '`') {
          this.pos++;
          break;
        }
        if (ch === '\\' && '$`\\'.includes(this.src[this.pos + 1] ?? '')) {
          body += this.src[this.pos + 1];
          this.pos += 2;
          continue;
        }
        body += ch;
        this.pos++;
      }
      return { kind: 'cmdsub', script: this.nested(body), quoted };
    }
    const n = this.src[this.pos + 1];
    if (n === '(' && this.src[this.pos + 2] === '(') {
      // $(( arithmetic )): find the matching )).
      let depth = 0;
      let i = this.pos + 3;
      for (; i < this.src.length; i++) {
        const ch = this.src[i];
        if (ch === '(') depth++;
        else if (ch === ')') {
          if (depth === 0 && this.src[i + 1] === ')') break;
          depth--;
        }
      }
      if (i >= this.src.length) this.error('unterminated quoted string', true);
      const exprText = this.src.slice(this.pos + 3, i);
      this.pos = i + 2;
      const sub = new Parser(exprText, this.depth + 1);
      return { kind: 'arith', expr: sub.lexDoubleQuotedText(), quoted };
    }
    if (n === '(') {
      this.enter();
      const sub = new Parser(this.src, this.depth + 1, this.pos + 2);
      sub.line = this.line;
      const script = sub.parseList();
      const close = sub.next();
      if (close.t !== 'op' || close.v !== ')') sub.unexpected(close, ')');
      this.pos = sub.pos;
      this.line = sub.line;
      this.depth--;
      return { kind: 'cmdsub', script, quoted };
    }
    if (n === '{') return this.lexBraceParam(quoted);
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos + 1))!;
      this.pos += 1 + m[0].length;
      return { kind: 'param', name: m[0], quoted };
    }
    if (n !== undefined && /[0-9?$#!@*-]/.test(n)) {
      this.pos += 2;
      return { kind: 'param', name: n, quoted };
    }
    return undefined;
  }

  /** lexDoubleQuotedText lexes the whole source as the inside of double quotes (arithmetic, here-documents). */
  lexDoubleQuotedText(): Word {
    const parts: WordPart[] = [];
    let lit = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '\\' && '$`\\'.includes(this.src[this.pos + 1] ?? '')) {
        lit += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (c === '$' || c === '`') {
        const part = this.lexDollarOrBackquote(true);
        if (part) {
          if (lit) parts.push({ kind: 'lit', text: lit, quoted: true });
          lit = '';
          parts.push(part);
          continue;
        }
      }
      lit += c;
      this.pos++;
    }
    if (lit) parts.push({ kind: 'lit', text: lit, quoted: true });
    return parts;
  }

  private lexBraceParam(quoted: boolean): WordPart {
    this.enter();
    try {
      return this.lexBraceParamInner(quoted);
    } finally {
      this.depth--;
    }
  }

  private lexBraceParamInner(quoted: boolean): WordPart {
    this.pos += 2;
    let length = false;
    if (this.src[this.pos] === '#' && this.src[this.pos + 1] !== '}') {
      length = true;
      this.pos++;
    }
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#!@*-])/.exec(this.src.slice(this.pos));
    if (!m) this.badSubstitution();
    const name = m[0];
    this.pos += name.length;
    if (length) {
      if (this.src[this.pos] !== '}') this.badSubstitution();
      this.pos++;
      return { kind: 'param', name, quoted, op: '#len' };
    }
    if (this.src[this.pos] === '}') {
      this.pos++;
      return { kind: 'param', name, quoted };
    }
    const opMatch = /^(:-|:=|:\+|:\?|-|=|\+|\?|%%|%|##|#)/.exec(this.src.slice(this.pos));
    if (!opMatch) this.badSubstitution();
    const op = opMatch[0] as ParamOp;
    this.pos += op.length;
    // The word runs to the matching }, with quotes and nested expansions.
    const parts: WordPart[] = [];
    let lit = '';
    const flush = (): void => {
      if (lit) parts.push({ kind: 'lit', text: lit, quoted });
      lit = '';
    };
    for (;;) {
      if (this.pos >= this.src.length) this.error("missing '}'", true);
      const c = this.src[this.pos]!;
      if (c === '}') {
        this.pos++;
        break;
      }
      if (c === '\\' && this.src[this.pos + 1] !== undefined) {
        flush();
        parts.push({ kind: 'lit', text: this.src[this.pos + 1]!, quoted: true });
        this.pos += 2;
        continue;
      }
      if (c === "'" && !quoted) {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.error('unterminated quoted string', true);
        flush();
        parts.push({ kind: 'lit', text: this.src.slice(this.pos + 1, end), quoted: true });
        this.pos = end + 1;
        continue;
      }
      if (c === '"') {
        flush();
        this.pos++;
        parts.push(...this.lexDoubleQuoted());
        continue;
      }
      if (c === '$' || c === '`') {
        const part = this.lexDollarOrBackquote(quoted);
        if (part) {
          flush();
          parts.push(part);
          continue;
        }
      }
      if (c === '\n') this.line++;
      lit += c;
      this.pos++;
    }
    flush();
    return { kind: 'param', name, quoted, op, arg: parts };
  }

  private badSubstitution(): never {
    throw new ShellSyntaxError('syntax error: bad substitution');
  }

  private nested(body: string): Script {
    this.enter();
    const sub = new Parser(body, this.depth + 1);
    const script = sub.parseProgram();
    this.depth--;
    return script;
  }

  private enter(): void {
    if (++this.depth > MAX_NESTING) {
      throw new ShellSyntaxError(`syntax error: nesting deeper than ${MAX_NESTING} levels (limit of this simulated shell)`);
    }
  }

  private readHeredocs(): void {
    const pending = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const h of pending) {
      let body = '';
      for (;;) {
        if (this.pos >= this.src.length) break;
        const nl = this.src.indexOf('\n', this.pos);
        const end = nl < 0 ? this.src.length : nl;
        let lineText = this.src.slice(this.pos, end);
        this.pos = nl < 0 ? this.src.length : nl + 1;
        this.line++;
        if (h.stripTabs) lineText = lineText.replace(/^\t+/, '');
        if (lineText === h.delimiter) break;
        body += lineText + '\n';
      }
      h.redirect.heredoc = { body, quoted: h.redirect.heredoc!.quoted };
    }
  }

  // ---- parser ---------------------------------------------------------------

  private tokenName(t: Token): string {
    if (t.t === 'eof') return 'end of file';
    if (t.t === 'op') return t.v === '\n' ? 'newline' : `"${t.v}"`;
    if (t.t === 'redir') return `"${t.op}"`;
    const r = reservedWord(t);
    return r ? `"${r}"` : 'word';
  }

  unexpected(t: Token, expecting?: string): never {
    const msg = `unexpected ${this.tokenName(t)}${expecting ? ` (expecting "${expecting}")` : ''}`;
    this.error(msg, t.t === 'eof');
  }

  private skipNewlines(): void {
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && t.v === '\n') this.next();
      else return;
    }
  }

  /** parseProgram parses a whole script; anything left over is a syntax error. */
  parseProgram(): Script {
    if (this.src.length > MAX_SCRIPT_LENGTH) {
      throw new ShellSyntaxError(`syntax error: script longer than ${MAX_SCRIPT_LENGTH} bytes (limit of this simulated shell)`);
    }
    const script = this.parseList();
    const t = this.peek();
    if (t.t !== 'eof') this.unexpected(t);
    return script;
  }

  /** parseList parses and-or lists separated by ; & or newlines, stopping before a list terminator. */
  parseList(): Script {
    const script: Script = { items: [] };
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (t.t === 'eof') break;
      if (t.t === 'op' && (t.v === ')' || t.v === ';;')) break;
      if (t.t === 'word' && LIST_END.has(reservedWord(t) ?? '')) break;
      const andOr = this.parseAndOr();
      const sep = this.peek();
      let background = false;
      if (sep.t === 'op' && (sep.v === ';' || sep.v === '&' || sep.v === '\n')) {
        this.next();
        background = sep.v === '&';
        script.items.push({ andOr, background });
        this.skipNewlines();
        continue;
      }
      script.items.push({ andOr, background });
      break;
    }
    return script;
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '&&' || t.v === '||')) {
        this.next();
        this.skipNewlines();
        rest.push({ op: t.v, pipeline: this.parsePipeline() });
      } else break;
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    const t = this.peek();
    if (t.t === 'word' && reservedWord(t) === '!') {
      this.next();
      negate = true;
    }
    const commands: Command[] = [this.parseCommand()];
    for (;;) {
      const p = this.peek();
      if (p.t === 'op' && p.v === '|') {
        this.next();
        this.skipNewlines();
        commands.push(this.parseCommand());
      } else break;
    }
    return { negate, commands };
  }

  private parseCommand(): Command {
    const t = this.peek();
    if (t.t === 'word') {
      const r = reservedWord(t);
      switch (r) {
        case 'if':
          return this.withRedirects(this.parseIf());
        case 'while':
        case 'until':
          return this.withRedirects(this.parseLoop(r));
        case 'for':
          return this.withRedirects(this.parseFor());
        case 'case':
          return this.withRedirects(this.parseCase());
        case '{': {
          this.next();
          this.enter();
          const body = this.parseList();
          this.expectWord('}');
          this.depth--;
          if (body.items.length === 0) this.error('unexpected "}"');
          return this.withRedirects({ type: 'group', body, redirects: [] });
        }
        case undefined:
          break;
        default:
          if (r !== '!' ) this.unexpected(t);
      }
    }
    if (t.t === 'op' && t.v === '(') {
      this.next();
      this.enter();
      const body = this.parseList();
      const close = this.next();
      if (close.t !== 'op' || close.v !== ')') this.unexpected(close, ')');
      this.depth--;
      return this.withRedirects({ type: 'subshell', body, redirects: [] });
    }
    return this.parseSimple();
  }

  private withRedirects<T extends Exclude<Command, { type: 'function' } | SimpleCommand>>(cmd: T): T {
    for (;;) {
      const t = this.peek();
      if (t.t !== 'redir') return cmd;
      this.next();
      cmd.redirects.push(this.parseRedirect(t));
    }
  }

  private expectWord(word: string): void {
    const t = this.next();
    if (t.t !== 'word' || reservedWord(t) !== word) this.unexpected(t, word);
  }

  private parseIf(): IfCommand {
    this.next();
    this.enter();
    const clauses: { cond: Script; body: Script }[] = [];
    let elseBody: Script | undefined;
    let cond = this.requireList();
    this.expectWord('then');
    let body = this.requireList();
    clauses.push({ cond, body });
    for (;;) {
      const t = this.next();
      const r = t.t === 'word' ? reservedWord(t) : undefined;
      if (r === 'elif') {
        cond = this.requireList();
        this.expectWord('then');
        body = this.requireList();
        clauses.push({ cond, body });
        continue;
      }
      if (r === 'else') {
        elseBody = this.requireList();
        this.expectWord('fi');
        break;
      }
      if (r === 'fi') break;
      this.unexpected(t, 'fi');
    }
    this.depth--;
    return { type: 'if', clauses, elseBody, redirects: [] };
  }

  /** requireList parses a non-empty list (ash: `if true; then fi` is "unexpected fi"). */
  private requireList(): Script {
    const list = this.parseList();
    if (list.items.length === 0) this.unexpected(this.peek());
    return list;
  }

  private parseLoop(kind: 'while' | 'until'): LoopCommand {
    this.next();
    this.enter();
    const cond = this.requireList();
    this.expectWord('do');
    const body = this.requireList();
    this.expectWord('done');
    this.depth--;
    return { type: kind, cond, body, redirects: [] };
  }

  private parseFor(): ForCommand {
    this.next();
    this.enter();
    const nameTok = this.next();
    if (nameTok.t !== 'word' || !NAME_RE.test(nameTok.raw)) this.error('bad for loop variable');
    let items: Word[] | undefined;
    this.skipNewlines();
    let t = this.peek();
    if (t.t === 'word' && reservedWord(t) === 'in') {
      this.next();
      items = [];
      for (;;) {
        t = this.peek();
        if (t.t === 'word') {
          this.next();
          items.push(t.word);
        } else break;
      }
      const sep = this.next();
      if (!(sep.t === 'op' && (sep.v === ';' || sep.v === '\n'))) this.unexpected(sep);
    } else if (t.t === 'op' && t.v === ';') {
      this.next();
    }
    this.skipNewlines();
    this.expectWord('do');
    const body = this.requireList();
    this.expectWord('done');
    this.depth--;
    return { type: 'for', name: nameTok.raw, items, body, redirects: [] };
  }

  private parseCase(): CaseCommand {
    this.next();
    this.enter();
    const subjectTok = this.next();
    if (subjectTok.t !== 'word') this.unexpected(subjectTok);
    this.skipNewlines();
    this.expectWord('in');
    this.skipNewlines();
    const items: { patterns: Word[]; body: Script }[] = [];
    for (;;) {
      let t = this.peek();
      if (t.t === 'word' && reservedWord(t) === 'esac') {
        this.next();
        break;
      }
      if (t.t === 'op' && t.v === '(') {
        this.next();
        t = this.peek();
      }
      const patterns: Word[] = [];
      for (;;) {
        const p = this.next();
        if (p.t !== 'word') this.unexpected(p, ')');
        patterns.push(p.word);
        const sep = this.next();
        if (sep.t === 'op' && sep.v === '|') continue;
        if (sep.t === 'op' && sep.v === ')') break;
        this.unexpected(sep, ')');
      }
      const body = this.parseList();
      items.push({ patterns, body });
      const end = this.peek();
      if (end.t === 'op' && end.v === ';;') {
        this.next();
        this.skipNewlines();
        continue;
      }
      if (end.t === 'word' && reservedWord(end) === 'esac') continue;
      this.unexpected(end, 'esac');
    }
    this.depth--;
    return { type: 'case', subject: subjectTok.word, items, redirects: [] };
  }

  private parseRedirect(t: Token & { t: 'redir' }): Redirect {
    const target = this.next();
    if (target.t !== 'word') this.unexpected(target);
    const fd = t.fd ?? (t.op.startsWith('<') ? 0 : 1);
    const redirect: Redirect = { fd, op: t.op, target: target.word };
    if (t.op === '<<' || t.op === '<<-') {
      const quoted = target.word.some((p) => p.kind !== 'lit' || p.quoted);
      const delimiter = target.word.map((p) => (p.kind === 'lit' ? p.text : '')).join('');
      redirect.heredoc = { body: '', quoted };
      this.pendingHeredocs.push({ redirect, delimiter, stripTabs: t.op === '<<-' });
    }
    return redirect;
  }

  private parseSimple(): Command {
    const cmd: SimpleCommand = { type: 'simple', assigns: [], words: [], redirects: [], line: this.peek().line };
    for (;;) {
      const t = this.peek();
      if (t.t === 'redir') {
        this.next();
        cmd.redirects.push(this.parseRedirect(t));
        continue;
      }
      if (t.t !== 'word') break;
      if (cmd.words.length === 0) {
        const assign = asAssignment(t.word);
        if (assign) {
          this.next();
          cmd.assigns.push(assign);
          continue;
        }
      }
      this.next();
      cmd.words.push(t.word);
      // NAME ( ) compound-command: a function definition.
      if (cmd.words.length === 1 && cmd.assigns.length === 0 && cmd.redirects.length === 0) {
        const p = this.peek();
        if (p.t === 'op' && p.v === '(') {
          this.next();
          const close = this.next();
          if (close.t !== 'op' || close.v !== ')') this.unexpected(close, ')');
          if (!NAME_RE.test(t.raw)) this.error('bad function name');
          this.skipNewlines();
          this.enter();
          const body = this.parseCommand();
          this.depth--;
          if (body.type === 'simple' || body.type === 'function') this.unexpected(this.peek());
          return { type: 'function', name: t.raw, body };
        }
      }
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) this.unexpected(this.peek());
    return cmd;
  }
}

/** reservedWord returns the reserved word a token spells (unquoted, as a whole word), if any. */
function reservedWord(t: Token): string | undefined {
  if (t.t !== 'word') return undefined;
  if (t.word.length !== 1) return undefined;
  const p = t.word[0]!;
  if (p.kind !== 'lit' || p.quoted) return undefined;
  return RESERVED.has(p.text) ? p.text : undefined;
}

function asAssignment(word: Word): { name: string; value: Word } | undefined {
  const first = word[0];
  if (!first || first.kind !== 'lit' || first.quoted) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!m) return undefined;
  const rest = first.text.slice(m[0].length);
  const value: Word = [...(rest ? [{ kind: 'lit' as const, text: rest, quoted: false }] : []), ...word.slice(1)];
  return { name: m[1]!, value };
}

function countLines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

/** parseScript parses a whole script (sh -c text, a script file, or one interactive entry). */
export function parseScript(src: string): Script {
  return new Parser(src).parseProgram();
}

/** parseWordText lexes text as if inside double quotes (for here-document bodies). */
export function parseWordText(text: string): Word {
  return new Parser(text, 1).lexDoubleQuotedText();
}
