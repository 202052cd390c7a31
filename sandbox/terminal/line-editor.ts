/**
 * LineEditor is the readline of the sandbox terminal: it turns the bytes
 * xterm.js sends (keys, escape sequences, pasted text) into an edited line,
 * and says what to write back to the screen. It is pure — no I/O, no timers —
 * so every key can be tested. Keys follow GNU readline's emacs defaults:
 * Left/Right, Home/End, Ctrl-A/E, Backspace, Delete, Ctrl-U (kill to start),
 * Ctrl-K (kill to end), Ctrl-W (kill previous word), Up/Down (history),
 * Ctrl-C (abandon the line), Ctrl-D (end of input on an empty line), Ctrl-L
 * (clear screen), Tab (completion).
 */

export type EditorEvent =
  | { type: 'line'; text: string }
  | { type: 'interrupt' }
  | { type: 'eof' }
  | { type: 'clear' };

export interface EditorOutput {
  /** echo is what to write to the terminal (already in terminal form: CR LF, escape sequences). */
  echo: string;
  events: EditorEvent[];
}

/** Completion is what a completer offers for the word before the cursor. */
export interface Completion {
  /** start is the index in the line where the completed word begins. */
  start: number;
  candidates: string[];
}

export type Completer = (line: string, cursor: number) => Completion | undefined;

export interface LineEditorOptions {
  /** history is shared with the shell so `history` and restart-survival see the same list. */
  history: string[];
  completer?: Completer;
  /** maxLine bounds the line so a runaway paste cannot grow memory without limit. */
  maxLine?: number;
}

/** MAX_LINE_DEFAULT: 8 KiB is far beyond any kubectl command a lesson needs. */
const MAX_LINE_DEFAULT = 8192;

export class LineEditor {
  private line = '';
  private cursor = 0;
  private prompt = '';
  /** historyIndex points into history while browsing with Up/Down; history.length means "the line being typed". */
  private historyIndex: number;
  private draft = '';
  private readonly history: string[];
  private readonly completer: Completer | undefined;
  private readonly maxLine: number;
  /** pendingEscape holds an escape sequence split across two input chunks. */
  private pendingEscape = '';

  constructor(options: LineEditorOptions) {
    this.history = options.history;
    this.completer = options.completer;
    this.maxLine = options.maxLine ?? MAX_LINE_DEFAULT;
    this.historyIndex = this.history.length;
  }

  /** start begins a new line after printing prompt; it returns what to write. */
  start(prompt: string): string {
    this.prompt = prompt;
    this.line = '';
    this.cursor = 0;
    this.historyIndex = this.history.length;
    this.draft = '';
    return prompt;
  }

  /** setPrompt changes the prompt of the line being typed (the next redraw shows it). */
  setPrompt(prompt: string): void {
    this.prompt = prompt;
  }

  /** current is the line so far (for redrawing after output arrives). */
  current(): { prompt: string; line: string; cursor: number } {
    return { prompt: this.prompt, line: this.line, cursor: this.cursor };
  }

  /** redraw writes the prompt and line again (after something else wrote to the screen). */
  redraw(): string {
    return '\r\x1b[K' + this.prompt + this.line + moveLeft(this.line.length - this.cursor);
  }

  /** feed handles one chunk of input; a line event ends the line (call start again for the next). */
  feed(data: string): EditorOutput {
    let echo = '';
    const events: EditorEvent[] = [];
    const s = this.pendingEscape + data;
    this.pendingEscape = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\x1b') {
        const seq = matchEscape(s, i);
        if (seq === undefined) {
          // An incomplete sequence at the end of the chunk: wait for the rest.
          this.pendingEscape = s.slice(i);
          break;
        }
        echo += this.escape(seq);
        i += seq.length;
        continue;
      }
      i++;
      switch (c) {
        case '\r':
        case '\n': {
          const text = this.line;
          echo += '\r\n';
          if (text.trim() !== '' && this.history[this.history.length - 1] !== text) this.history.push(text);
          events.push({ type: 'line', text });
          this.line = '';
          this.cursor = 0;
          this.historyIndex = this.history.length;
          // Whatever follows in this chunk (a multi-line paste) waits for the next prompt:
          // the shell feeds it back with takeQueued() once this line has run.
          let rest = s.slice(i);
          if (c === '\r' && rest.startsWith('\n')) rest = rest.slice(1);
          this.queued += rest;
          return { echo, events };
        }
        case '\x7f':
        case '\b':
          if (this.cursor > 0) {
            this.line = this.line.slice(0, this.cursor - 1) + this.line.slice(this.cursor);
            this.cursor--;
            echo += this.cursor === this.line.length ? '\b \b' : this.redrawTail(1);
          }
          break;
        case '\x01':
          echo += moveLeft(this.cursor);
          this.cursor = 0;
          break;
        case '\x05':
          echo += moveRight(this.line.length - this.cursor);
          this.cursor = this.line.length;
          break;
        case '\x02':
          echo += this.escape('\x1b[D');
          break;
        case '\x06':
          echo += this.escape('\x1b[C');
          break;
        case '\x15': {
          const removed = this.cursor;
          this.line = this.line.slice(this.cursor);
          echo += moveLeft(this.cursor);
          this.cursor = 0;
          echo += this.redrawTail(removed);
          break;
        }
        case '\x0b': {
          const removed = this.line.length - this.cursor;
          this.line = this.line.slice(0, this.cursor);
          echo += ' '.repeat(removed) + moveLeft(removed);
          break;
        }
        case '\x17': {
          let start = this.cursor;
          while (start > 0 && this.line[start - 1] === ' ') start--;
          while (start > 0 && this.line[start - 1] !== ' ') start--;
          const removed = this.cursor - start;
          if (removed > 0) {
            this.line = this.line.slice(0, start) + this.line.slice(this.cursor);
            echo += moveLeft(removed);
            this.cursor = start;
            echo += this.redrawTail(removed);
          }
          break;
        }
        case '\x03':
          echo += '^C\r\n';
          this.line = '';
          this.cursor = 0;
          this.historyIndex = this.history.length;
          events.push({ type: 'interrupt' });
          return { echo, events };
        case '\x04':
          if (this.line === '') {
            events.push({ type: 'eof' });
            return { echo, events };
          }
          echo += this.escape('\x1b[3~');
          break;
        case '\x0c':
          events.push({ type: 'clear' });
          break;
        case '\t':
          echo += this.complete();
          break;
        default:
          if (c < ' ') break; // other control characters are ignored, as readline does by default
          if (this.line.length >= this.maxLine) break;
          this.line = this.line.slice(0, this.cursor) + c + this.line.slice(this.cursor);
          this.cursor++;
          echo += this.cursor === this.line.length ? c : c + this.redrawTail(0);
      }
    }
    return { echo, events };
  }

  /** queued holds text typed after a line ended in the same chunk; the shell feeds it after the next prompt. */
  queued = '';

  /** takeQueued returns and clears the queued text. */
  takeQueued(): string {
    const q = this.queued;
    this.queued = '';
    return q;
  }

  private escape(seq: string): string {
    switch (seq) {
      case '\x1b[D':
      case '\x1bOD':
        if (this.cursor > 0) {
          this.cursor--;
          return '\x1b[D';
        }
        return '';
      case '\x1b[C':
      case '\x1bOC':
        if (this.cursor < this.line.length) {
          this.cursor++;
          return '\x1b[C';
        }
        return '';
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~': {
        const out = moveLeft(this.cursor);
        this.cursor = 0;
        return out;
      }
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~': {
        const out = moveRight(this.line.length - this.cursor);
        this.cursor = this.line.length;
        return out;
      }
      case '\x1b[3~':
        if (this.cursor < this.line.length) {
          this.line = this.line.slice(0, this.cursor) + this.line.slice(this.cursor + 1);
          return this.redrawTail(1);
        }
        return '';
      case '\x1b[A':
      case '\x1bOA':
        return this.browseHistory(-1);
      case '\x1b[B':
      case '\x1bOB':
        return this.browseHistory(1);
      default:
        return '';
    }
  }

  private browseHistory(step: number): string {
    const target = this.historyIndex + step;
    if (target < 0 || target > this.history.length) return '';
    if (this.historyIndex === this.history.length) this.draft = this.line;
    this.historyIndex = target;
    return this.replaceLine(target === this.history.length ? this.draft : this.history[target]!);
  }

  private replaceLine(text: string): string {
    const out = moveLeft(this.cursor) + '\x1b[K' + text;
    this.line = text;
    this.cursor = text.length;
    return out;
  }

  /** redrawTail rewrites from the cursor to the end, blanks `erased` trailing cells, and puts the cursor back. */
  private redrawTail(erased: number): string {
    const tail = this.line.slice(this.cursor);
    return tail + ' '.repeat(erased) + moveLeft(tail.length + erased);
  }

  private complete(): string {
    if (!this.completer) return '';
    const result = this.completer(this.line, this.cursor);
    if (!result || result.candidates.length === 0) return '\x07';
    const word = this.line.slice(result.start, this.cursor);
    const common = commonPrefix(result.candidates);
    if (result.candidates.length === 1) {
      return this.insert(result.candidates[0]!.slice(word.length) + ' ');
    }
    if (common.length > word.length) return this.insert(common.slice(word.length));
    // Several candidates and nothing more to insert: list them, then redraw the line (as bash does on a second Tab).
    return '\r\n' + result.candidates.join('  ') + '\r\n' + this.prompt + this.line + moveLeft(this.line.length - this.cursor);
  }

  private insert(text: string): string {
    this.line = this.line.slice(0, this.cursor) + text + this.line.slice(this.cursor);
    this.cursor += text.length;
    return text + this.redrawTail(0);
  }
}

/** matchEscape returns the complete escape sequence starting at i, or undefined when it is cut off. */
function matchEscape(s: string, i: number): string | undefined {
  if (i + 1 >= s.length) return undefined;
  const second = s[i + 1]!;
  if (second === '[') {
    for (let j = i + 2; j < s.length; j++) {
      const code = s.charCodeAt(j);
      if (code >= 0x40 && code <= 0x7e) return s.slice(i, j + 1);
    }
    return undefined;
  }
  if (second === 'O') return i + 2 < s.length ? s.slice(i, i + 3) : undefined;
  return s.slice(i, i + 2); // Alt-<key>: ignored
}

function moveLeft(n: number): string {
  return n > 0 ? `\x1b[${n}D` : '';
}

function moveRight(n: number): string {
  return n > 0 ? `\x1b[${n}C` : '';
}

/** commonPrefix is the longest prefix every candidate shares. */
export function commonPrefix(words: readonly string[]): string {
  if (words.length === 0) return '';
  let prefix = words[0]!;
  for (const w of words) {
    while (!w.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}
