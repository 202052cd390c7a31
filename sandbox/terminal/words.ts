/**
 * words turns one line the learner typed into a pipeline of argv arrays, the
 * way a POSIX shell splits words (single quotes, double quotes, backslash) —
 * but with NO expansion of any kind. The sandbox terminal never hands a line
 * to a host shell, so anything a shell would expand or use to chain commands
 * is refused here with a message that says what to do instead.
 *
 * Quoting rules follow POSIX "Token Recognition" and "Quoting"
 * (https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_03):
 * inside '…' every character is literal; inside "…" a backslash only escapes
 * $ ` " \ and newline; outside quotes a backslash makes the next character
 * literal. Globs (* ? [) are kept literally: with no filesystem expansion they
 * are harmless, and kubectl's jsonpath (`{.items[*].metadata.name}`) needs them.
 */

/** ParsedLine is a line split into pipeline stages plus an optional output redirection. */
export interface ParsedLine {
  /** stages are the commands of a pipeline, left to right; each is an argv (argv[0] is the command). */
  stages: string[][];
  /** redirect sends the last stage's output into a file of the working folder. */
  redirect?: { file: string; append: boolean };
}

export type ParseResult = { ok: true; line: ParsedLine } | { ok: false; message: string };

/** refusals names each shell feature the sandbox terminal does not offer, and what to do instead. */
export const refusals = {
  semicolon: '`;` (several commands on one line) is not available here: run one command per line.',
  and: '`&&` is not available here: run one command per line.',
  or: '`||` is not available here: run one command per line.',
  background: '`&` (background jobs) is not available here: run the command in the foreground and stop it with Ctrl-C.',
  input: '`<` (reading a file as input) is not available here: use `kubectl apply -f FILE` or `cat FILE | …`.',
  substitution: '`$(…)` and backticks (command substitution) are not available here: run the inner command on its own line first.',
  variable: '`$NAME` (shell variables) is not available here: type the value itself.',
  subshell: '`(` and `)` (subshells) are not available here: run one command per line.',
  fdRedirect: 'redirecting a numbered stream (like `2>`) is not available here: only `> FILE` and `>> FILE` work.',
  heredoc: '`<<` (here-documents) is not available here: write the manifest with the lesson files or `kubectl apply -f FILE`.',
  unterminatedSingle: "unterminated single quote: close it with another '",
  unterminatedDouble: 'unterminated double quote: close it with another "',
  emptyStage: '`|` needs a command on both sides',
  redirectTarget: '`>` needs a file name after it',
  redirectNotLast: '`>` can only send the output of the last command of a pipeline to a file',
  twoRedirects: 'only one `>` or `>>` per line',
} as const;

/** parseCommandLine splits a line into a pipeline; it never expands anything. */
export function parseCommandLine(input: string): ParseResult {
  const stages: string[][] = [[]];
  let redirect: ParsedLine['redirect'];
  let pendingRedirect: { append: boolean } | undefined;
  let word = '';
  /** inWord is true once the current word has started (so '' makes an empty argument). */
  let inWord = false;
  /** wordQuoted: some part of the current word was quoted (for the fd-redirect rule). */
  let wordQuoted = false;

  const fail = (message: string): ParseResult => ({ ok: false, message });

  const endWord = (): ParseResult | undefined => {
    if (!inWord) return undefined;
    if (pendingRedirect) {
      if (redirect) return fail(refusals.twoRedirects);
      redirect = { file: word, append: pendingRedirect.append };
      pendingRedirect = undefined;
    } else {
      if (redirect) return fail(refusals.redirectNotLast);
      stages[stages.length - 1]!.push(word);
    }
    word = '';
    inWord = false;
    wordQuoted = false;
    return undefined;
  };

  const len = input.length;
  for (let i = 0; i < len; i++) {
    const c = input[i]!;
    const next = input[i + 1];
    if (c === "'") {
      const close = input.indexOf("'", i + 1);
      if (close < 0) return fail(refusals.unterminatedSingle);
      word += input.slice(i + 1, close);
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
            word += e;
            j++;
            continue;
          }
          if (e === '\n') {
            j++;
            continue;
          }
          word += d;
          continue;
        }
        if (d === '`') return fail(refusals.substitution);
        if (d === '$') {
          const refusal = dollarRefusal(input[j + 1]);
          if (refusal) return fail(refusal);
        }
        word += d;
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
        word += next;
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
    if (c === ';') return fail(refusals.semicolon);
    if (c === '&') return fail(next === '&' ? refusals.and : refusals.background);
    if (c === '`') return fail(refusals.substitution);
    if (c === '(' || c === ')') return fail(refusals.subshell);
    if (c === '$') {
      const refusal = dollarRefusal(next);
      if (refusal) return fail(refusal);
      word += c;
      inWord = true;
      continue;
    }
    if (c === '<') return fail(next === '<' ? refusals.heredoc : refusals.input);
    if (c === '|') {
      if (next === '|') return fail(refusals.or);
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
      if (inWord && !wordQuoted && /^[0-9]+$/.test(word)) return fail(refusals.fdRedirect);
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
    word += c;
    inWord = true;
  }
  const err = endWord();
  if (err) return err;
  if (pendingRedirect) return fail(refusals.redirectTarget);
  const last = stages[stages.length - 1]!;
  if (last.length === 0) {
    if (stages.length > 1) return fail(refusals.emptyStage);
    if (redirect) return fail(refusals.redirectTarget);
  }
  return { ok: true, line: { stages: last.length === 0 ? [] : stages, ...(redirect ? { redirect } : {}) } };
}

/** dollarRefusal says why `$` followed by `next` is refused, or undefined when a shell would keep `$` literally too. */
function dollarRefusal(next: string | undefined): string | undefined {
  if (next === '(') return refusals.substitution;
  if (next === '{' || (next !== undefined && /[A-Za-z0-9_?!#@*$-]/.test(next))) return refusals.variable;
  return undefined;
}
