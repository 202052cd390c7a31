/**
 * words turns one line the learner typed into a command list — pipelines of
 * argv arrays joined by `;`, `&&` and `||` — the way a POSIX shell splits words
 * (single quotes, double quotes, backslash), with ONE expansion: the special
 * parameter `$?` (the last exit status). The sandbox terminal never hands a
 * line to a host shell, so anything else a shell would expand or run in a
 * subshell is refused here with a message that says what to do instead.
 *
 * Quoting rules follow POSIX "Token Recognition" and "Quoting"
 * (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_03):
 * inside '…' every character is literal; inside "…" a backslash only escapes
 * $ ` " \ and newline; outside quotes a backslash makes the next character
 * literal. Globs (* ? [) are kept literally: with no filesystem expansion they
 * are harmless, and kubectl's jsonpath (`{.items[*].metadata.name}`) needs them.
 *
 * Lists follow POSIX "Lists"
 * (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_09_03):
 * `&&` and `||` have equal precedence and group left to right, `;` separates
 * and-or lists, and a trailing `;` is allowed. Because a skipped pipeline
 * leaves the status as it was, the list can be kept flat: each pipeline
 * records the operator before it, and runs when that operator and the
 * current status say so (see `runsAfter`).
 */

/** LastStatus stands for the special parameter `$?` inside a word; it is replaced when the pipeline runs. */
export interface LastStatus {
  parameter: '?';
}

/** WordPart is literal text, or `$?`. */
export type WordPart = string | LastStatus;

/** Word is one argument before expansion; its parts are joined once the status of the previous pipeline is known. */
export type Word = readonly WordPart[];

/** Pipeline is one pipeline of the list, with an optional output redirection of its own. */
export interface Pipeline {
  /** stages are the commands of a pipeline, left to right; each is a list of words (the first is the command). */
  stages: Word[][];
  /** redirect sends the last stage's output into a file of the working folder. */
  redirect?: { file: Word; append: boolean };
}

/** ListOperator joins a pipeline to the one before it; the first pipeline of a line has `;`. */
export type ListOperator = ';' | '&&' | '||';

/** ListEntry is one pipeline of a command list and the operator that precedes it. */
export interface ListEntry {
  after: ListOperator;
  pipeline: Pipeline;
}

/** ExpandedPipeline is a pipeline with `$?` replaced: argv arrays and a file name, ready to run. */
export interface ExpandedPipeline {
  stages: string[][];
  redirect?: { file: string; append: boolean };
}

/** ParseResult is the command list of a line (empty for a blank line or a comment), or why the line was refused. */
export type ParseResult = { ok: true; list: ListEntry[] } | { ok: false; message: string };

/** refusals names each shell feature the sandbox terminal does not offer, and what to do instead. */
export const refusals = {
  background: '`&` (background jobs) is not available here: run the command in the foreground and stop it with Ctrl-C.',
  input: '`<` (reading a file as input) is not available here: use `kubectl apply -f FILE` or `cat FILE | …`.',
  substitution: '`$(…)` and backticks (command substitution) are not available here: run the inner command on its own first.',
  variable: '`$NAME` (shell variables) is not available here: type the value itself (only `$?`, the last exit status, works).',
  subshell: '`(` and `)` (subshells) are not available here: join commands with `;`, `&&` or `||` instead.',
  fdRedirect: 'redirecting a numbered stream (like `2>`) is not available here: only `> FILE` and `>> FILE` work.',
  heredoc: '`<<` (here-documents) is not available here: write the manifest with the lesson files or `kubectl apply -f FILE`.',
  unterminatedSingle: "unterminated single quote: close it with another '",
  unterminatedDouble: 'unterminated double quote: close it with another "',
  emptyStage: '`|` needs a command on both sides',
  redirectTarget: '`>` needs a file name after it',
  redirectNotLast: '`>` can only send the output of the last command of a pipeline to a file',
  twoRedirects: 'only one `>` or `>>` per command',
} as const;

/**
 * syntaxError is bash's message for an operator where a command should be
 * (`bash: syntax error near unexpected token '&&'`), or for a line that ends
 * while `&&` / `||` still waits for its command.
 */
export function syntaxError(token: string | 'end of line', after?: ListOperator): string {
  if (token === 'end of line') return `syntax error: unexpected end of line: \`${after}\` needs a command after it`;
  return `syntax error near unexpected token '${token}'`;
}

/** runsAfter says whether a pipeline joined by `after` runs when the last status is `status` (POSIX AND/OR lists). */
export function runsAfter(after: ListOperator, status: number): boolean {
  if (after === '&&') return status === 0;
  if (after === '||') return status !== 0;
  return true;
}

/** expandWord joins a word's parts, putting the last exit status where `$?` was. */
export function expandWord(word: Word, status: number): string {
  return word.map((part) => (typeof part === 'string' ? part : String(status))).join('');
}

/** expandPipeline expands every word of a pipeline with the status of the pipeline that ran before it. */
export function expandPipeline(pipeline: Pipeline, status: number): ExpandedPipeline {
  return {
    stages: pipeline.stages.map((stage) => stage.map((w) => expandWord(w, status))),
    ...(pipeline.redirect ? { redirect: { file: expandWord(pipeline.redirect.file, status), append: pipeline.redirect.append } } : {}),
  };
}

const LAST_STATUS: LastStatus = { parameter: '?' };

/** parseCommandLine splits a line into a command list; the only expansion it prepares is `$?`. */
export function parseCommandLine(input: string): ParseResult {
  const list: ListEntry[] = [];
  let after: ListOperator = ';';
  let stages: Word[][] = [[]];
  let redirect: Pipeline['redirect'];
  let pendingRedirect: { append: boolean } | undefined;
  /** parts are the finished parts of the current word; text is the literal text since the last `$?`. */
  let parts: WordPart[] = [];
  let text = '';
  /** inWord is true once the current word has started (so '' makes an empty argument). */
  let inWord = false;
  /** wordQuoted: some part of the current word was quoted (for the fd-redirect rule). */
  let wordQuoted = false;

  const fail = (message: string): ParseResult => ({ ok: false, message });

  const addLastStatus = (): void => {
    if (text) parts.push(text);
    text = '';
    parts.push(LAST_STATUS);
    inWord = true;
  };

  const endWord = (): ParseResult | undefined => {
    if (!inWord) return undefined;
    if (text || parts.length === 0) parts.push(text);
    const word: Word = parts;
    if (pendingRedirect) {
      if (redirect) return fail(refusals.twoRedirects);
      redirect = { file: word, append: pendingRedirect.append };
      pendingRedirect = undefined;
    } else {
      if (redirect) return fail(refusals.redirectNotLast);
      stages[stages.length - 1]!.push(word);
    }
    parts = [];
    text = '';
    inWord = false;
    wordQuoted = false;
    return undefined;
  };

  /** endPipeline closes the current pipeline at a list operator (or at the end of the line when `op` is undefined). */
  const endPipeline = (op: ListOperator | ';;' | undefined): ParseResult | undefined => {
    const err = endWord();
    if (err) return err;
    if (pendingRedirect) return fail(refusals.redirectTarget);
    const last = stages[stages.length - 1]!;
    if (last.length === 0) {
      if (stages.length > 1) return fail(op === undefined ? refusals.emptyStage : syntaxError(op));
      if (redirect) return fail(refusals.redirectTarget);
      // An empty pipeline: fine at the end of a line after `;` (or of a blank line), a syntax error anywhere else.
      if (op !== undefined) return fail(syntaxError(op));
      if (after !== ';') return fail(syntaxError('end of line', after));
      return undefined;
    }
    if (op === ';;') return fail(syntaxError(op));
    list.push({ after, pipeline: { stages, ...(redirect ? { redirect } : {}) } });
    if (op !== undefined) after = op;
    stages = [[]];
    redirect = undefined;
    return undefined;
  };

  const len = input.length;
  for (let i = 0; i < len; i++) {
    const c = input[i]!;
    const next = input[i + 1];
    if (c === "'") {
      const close = input.indexOf("'", i + 1);
      if (close < 0) return fail(refusals.unterminatedSingle);
      text += input.slice(i + 1, close);
      inWord = true;
      wordQuoted = true;
      i = close;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let closed = false;
      for (; j < len; j++) {
        const d = input[j]!;
        if (d === '"') {
          closed = true;
          break;
        }
        if (d === '\\') {
          const e = input[j + 1];
          if (e === '$' || e === '`' || e === '"' || e === '\\') {
            text += e;
            j++;
            continue;
          }
          if (e === '\n') {
            j++;
            continue;
          }
          text += d;
          continue;
        }
        if (d === '`') return fail(refusals.substitution);
        if (d === '$') {
          const status = lastStatusLength(input, j);
          if (status > 0) {
            addLastStatus();
            j += status - 1;
            continue;
          }
          const refusal = dollarRefusal(input[j + 1]);
          if (refusal) return fail(refusal);
        }
        text += d;
      }
      if (!closed) return fail(refusals.unterminatedDouble);
      inWord = true;
      wordQuoted = true;
      i = j;
      continue;
    }
    if (c === '\\') {
      if (next === undefined) {
        // A trailing backslash would continue the line in a shell; here it is just dropped.
        continue;
      }
      if (next !== '\n') {
        text += next;
        inWord = true;
      }
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      const err = endWord();
      if (err) return err;
      continue;
    }
    if (c === '#' && !inWord) break; // a comment runs to the end of the line, as in sh
    if (c === ';') {
      // `;;` ends a case item in sh; outside `case` bash reports it as the unexpected token.
      const err = endPipeline(next === ';' ? ';;' : ';');
      if (err) return err;
      continue;
    }
    if (c === '&') {
      if (next !== '&') return fail(refusals.background);
      const err = endPipeline('&&');
      if (err) return err;
      i++;
      continue;
    }
    if (c === '`') return fail(refusals.substitution);
    if (c === '(' || c === ')') return fail(refusals.subshell);
    if (c === '$') {
      const status = lastStatusLength(input, i);
      if (status > 0) {
        addLastStatus();
        i += status - 1;
        continue;
      }
      const refusal = dollarRefusal(next);
      if (refusal) return fail(refusal);
      text += c;
      inWord = true;
      continue;
    }
    if (c === '<') return fail(next === '<' ? refusals.heredoc : refusals.input);
    if (c === '|') {
      if (next === '|') {
        const err = endPipeline('||');
        if (err) return err;
        i++;
        continue;
      }
      const err = endWord();
      if (err) return err;
      if (pendingRedirect) return fail(refusals.redirectTarget);
      if (redirect) return fail(refusals.redirectNotLast);
      if (stages[stages.length - 1]!.length === 0) return fail(refusals.emptyStage);
      stages.push([]);
      continue;
    }
    if (c === '>') {
      // `2>` / `2>&1`: a word made only of digits directly before `>` names a stream.
      if (inWord && !wordQuoted && parts.length === 0 && /^[0-9]+$/.test(text)) return fail(refusals.fdRedirect);
      if (next === '&' || next === '|') return fail(refusals.fdRedirect);
      const err = endWord();
      if (err) return err;
      if (pendingRedirect) return fail(refusals.redirectTarget);
      if (redirect) return fail(refusals.twoRedirects);
      const append = next === '>';
      if (append) i++;
      pendingRedirect = { append };
      continue;
    }
    text += c;
    inWord = true;
  }
  const err = endPipeline(undefined);
  if (err) return err;
  return { ok: true, list };
}

/** lastStatusLength is the length of `$?` or `${?}` starting at input[at] (a `$`), or 0 when it is something else. */
function lastStatusLength(input: string, at: number): number {
  if (input[at + 1] === '?') return 2;
  if (input.startsWith('{?}', at + 1)) return 4;
  return 0;
}

/** dollarRefusal says why `$` followed by `next` is refused, or undefined when a shell would keep `$` literally too. */
function dollarRefusal(next: string | undefined): string | undefined {
  if (next === '(') return refusals.substitution;
  if (next === '{' || (next !== undefined && /[A-Za-z0-9_!#@*$-]/.test(next))) return refusals.variable;
  return undefined;
}
