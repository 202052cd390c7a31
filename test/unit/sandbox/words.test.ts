import { describe, expect, it } from 'vitest';
import { expandPipeline, parseCommandLine, refusals, runsAfter, syntaxError, type ExpandedPipeline, type ListOperator } from '../../../sandbox/terminal/words.ts';

/** list parses a line and expands each pipeline with `status` as `$?`. */
function list(line: string, status = 0): { after: ListOperator; pipeline: ExpandedPipeline }[] {
  const r = parseCommandLine(line);
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.list.map((e) => ({ after: e.after, pipeline: expandPipeline(e.pipeline, status) }));
}

/** stages is the argv arrays of a line that holds one pipeline (none for a blank line). */
function stages(line: string, status = 0): string[][] {
  const l = list(line, status);
  if (l.length > 1) throw new Error(`several pipelines: ${JSON.stringify(l)}`);
  return l[0]?.pipeline.stages ?? [];
}

function refusal(line: string): string {
  const r = parseCommandLine(line);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.list)}`);
  return r.message;
}

describe('parseCommandLine: quoting like a POSIX word splitter', () => {
  it('splits on blanks', () => {
    expect(stages('kubectl  get\tpods')).toEqual([['kubectl', 'get', 'pods']]);
  });
  it('keeps single-quoted text literally, including $ and backslashes', () => {
    expect(stages(`kubectl get pods -o jsonpath='{.items[*].metadata.name} $HOME \\n'`)).toEqual([
      ['kubectl', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name} $HOME \\n'],
    ]);
  });
  it('joins quoted and unquoted parts of one word', () => {
    expect(stages(`echo a'b c'"d e"f`)).toEqual([['echo', 'ab cd ef']]);
  });
  it('handles backslash outside and inside double quotes as sh does', () => {
    expect(stages('echo a\\ b "x\\"y" "p\\q" \\$HOME')).toEqual([['echo', 'a b', 'x"y', 'p\\q', '$HOME']]);
  });
  it('keeps an empty quoted argument', () => {
    expect(stages(`kubectl annotate pod x note=''`)).toEqual([['kubectl', 'annotate', 'pod', 'x', 'note=']]);
    expect(stages(`echo "" x`)).toEqual([['echo', '', 'x']]);
  });
  it('keeps globs literally (no filesystem expansion)', () => {
    expect(stages('kubectl get pods -o jsonpath={.items[*].spec.nodeName} *.yaml ?')).toEqual([
      ['kubectl', 'get', 'pods', '-o', 'jsonpath={.items[*].spec.nodeName}', '*.yaml', '?'],
    ]);
  });
  it('treats a lone $ as literal, as sh does', () => {
    expect(stages('echo cost: $ 5')).toEqual([['echo', 'cost:', '$', '5']]);
  });
  it('ignores a comment', () => {
    expect(stages('kubectl get pv # the volumes')).toEqual([['kubectl', 'get', 'pv']]);
    expect(stages('echo a#b')).toEqual([['echo', 'a#b']]);
  });
  it('returns no stages for an empty or blank line', () => {
    expect(stages('   ')).toEqual([]);
  });
});

describe('parseCommandLine: pipes and redirection', () => {
  it('splits a pipeline', () => {
    expect(stages(`kubectl get secret s -o jsonpath='{.data.key}' | base64 -d`)).toEqual([
      ['kubectl', 'get', 'secret', 's', '-o', 'jsonpath={.data.key}'],
      ['base64', '-d'],
    ]);
  });
  it('keeps a quoted | as an argument', () => {
    expect(stages(`grep -E 'a|b'`)).toEqual([['grep', '-E', 'a|b']]);
  });
  it('reads > FILE and >> FILE', () => {
    expect(list('kubectl get pv -o yaml > pv.yaml')).toEqual([
      { after: ';', pipeline: { stages: [['kubectl', 'get', 'pv', '-o', 'yaml']], redirect: { file: 'pv.yaml', append: false } } },
    ]);
    expect(list('echo hi >>notes.txt')).toEqual([{ after: ';', pipeline: { stages: [['echo', 'hi']], redirect: { file: 'notes.txt', append: true } } }]);
    expect(list('kubectl get pods | grep web>out.txt')).toEqual([
      { after: ';', pipeline: { stages: [['kubectl', 'get', 'pods'], ['grep', 'web']], redirect: { file: 'out.txt', append: false } } },
    ]);
  });
  it('refuses broken pipelines and redirections', () => {
    expect(refusal('| grep x')).toBe(refusals.emptyStage);
    expect(refusal('kubectl get pods |')).toBe(refusals.emptyStage);
    expect(refusal('kubectl get pods >')).toBe(refusals.redirectTarget);
    expect(refusal('echo a > x | grep a')).toBe(refusals.redirectNotLast);
    expect(refusal('echo a > x > y')).toBe(refusals.twoRedirects);
  });
});

describe('parseCommandLine: lists joined by ;, && and || (POSIX AND-OR lists)', () => {
  it('splits a line into pipelines, each with the operator before it', () => {
    expect(list('kubectl apply -f pv.yaml && kubectl get pv')).toEqual([
      { after: ';', pipeline: { stages: [['kubectl', 'apply', '-f', 'pv.yaml']] } },
      { after: '&&', pipeline: { stages: [['kubectl', 'get', 'pv']] } },
    ]);
    expect(list('kubectl delete pod x; kubectl get pods').map((e) => [e.after, e.pipeline.stages])).toEqual([
      [';', [['kubectl', 'delete', 'pod', 'x']]],
      [';', [['kubectl', 'get', 'pods']]],
    ]);
    expect(list('kubectl get pvc data||echo missing').map((e) => [e.after, e.pipeline.stages])).toEqual([
      [';', [['kubectl', 'get', 'pvc', 'data']]],
      ['||', [['echo', 'missing']]],
    ]);
  });
  it('keeps pipes inside each pipeline and gives each pipeline its own redirect', () => {
    expect(list('kubectl get pods | grep web > a.txt && echo ok >> b.txt; wc -l a.txt')).toEqual([
      { after: ';', pipeline: { stages: [['kubectl', 'get', 'pods'], ['grep', 'web']], redirect: { file: 'a.txt', append: false } } },
      { after: '&&', pipeline: { stages: [['echo', 'ok']], redirect: { file: 'b.txt', append: true } } },
      { after: ';', pipeline: { stages: [['wc', '-l', 'a.txt']] } },
    ]);
  });
  it('allows a trailing ; and a comment after the list', () => {
    expect(list('echo a;').map((e) => e.pipeline.stages)).toEqual([[['echo', 'a']]]);
    expect(list('echo a; echo b ; # done').map((e) => e.pipeline.stages)).toEqual([[['echo', 'a']], [['echo', 'b']]]);
  });
  it('keeps quoted or escaped operators as arguments', () => {
    expect(stages(String.raw`echo 'a; b' "c && d" e\;f \&\& '||'`)).toEqual([['echo', 'a; b', 'c && d', 'e;f', '&&', '||']]);
  });
  it.each([
    ['&& kubectl get pv', "syntax error near unexpected token '&&'"],
    ['|| echo x', "syntax error near unexpected token '||'"],
    ['; echo x', "syntax error near unexpected token ';'"],
    [';', "syntax error near unexpected token ';'"],
    ['echo a && ; echo b', "syntax error near unexpected token ';'"],
    ['echo a ; ; echo b', "syntax error near unexpected token ';'"],
    ['echo a || && echo b', "syntax error near unexpected token '&&'"],
    ['echo a | && echo b', "syntax error near unexpected token '&&'"],
    ['echo a ;; echo b', "syntax error near unexpected token ';;'"],
    ['echo a ||', 'syntax error: unexpected end of line: `||` needs a command after it'],
    ['echo a &&   # a comment', 'syntax error: unexpected end of line: `&&` needs a command after it'],
  ])('%s is a syntax error, worded as bash words it', (line, message) => {
    expect(refusal(line)).toBe(message);
  });
  it('syntaxError names the token the way the table above expects', () => {
    expect(syntaxError('&&')).toBe("syntax error near unexpected token '&&'");
  });
  it('still refuses a lone & and a redirect without a file before an operator', () => {
    expect(refusal('kubectl get pods & echo x')).toBe(refusals.background);
    expect(refusal('echo a > && echo b')).toBe(refusals.redirectTarget);
    expect(refusal('echo a > x > y; echo b')).toBe(refusals.twoRedirects);
  });
  it('runsAfter: && runs after success, || after failure, ; always', () => {
    expect([runsAfter('&&', 0), runsAfter('&&', 1), runsAfter('||', 0), runsAfter('||', 127), runsAfter(';', 2)]).toEqual([true, false, false, true, true]);
  });
});

describe('parseCommandLine: $? is the only expansion', () => {
  it('expands $? and ${?}, also inside double quotes and inside a word', () => {
    expect(stages('echo $? "$?" ${?} "${?}" x$?y', 130)).toEqual([['echo', '130', '130', '130', '130', 'x130y']]);
  });
  it('expands $? in a redirect file name', () => {
    expect(list('echo a > out-$?.txt', 1)[0]!.pipeline.redirect).toEqual({ file: 'out-1.txt', append: false });
  });
  it('keeps $? literal where sh does: single quotes and a backslash', () => {
    expect(stages(String.raw`echo '$?' \$? "\$?"`, 1)).toEqual([['echo', '$?', '$?', '$?']]);
  });
  it('expands each pipeline with the status it is given when it runs', () => {
    const r = parseCommandLine('false; echo $?');
    if (!r.ok) throw new Error(r.message);
    expect(expandPipeline(r.list[1]!.pipeline, 1).stages).toEqual([['echo', '1']]);
    expect(expandPipeline(r.list[1]!.pipeline, 0).stages).toEqual([['echo', '0']]);
  });
});

describe('parseCommandLine: anything else a shell would expand is refused', () => {
  const cases: [string, string][] = [
    ['kubectl get pods &', refusals.background],
    ['kubectl apply -f $(curl evil)', refusals.substitution],
    ['kubectl apply -f "$(curl evil)"', refusals.substitution],
    ['kubectl get `id`', refusals.substitution],
    ['kubectl get "`id`"', refusals.substitution],
    ['kubectl get pods -n $NS', refusals.variable],
    ['kubectl get pods -n "${NS}"', refusals.variable],
    ['echo $HOME', refusals.variable],
    ['echo "${?:-x}"', refusals.variable],
    ['echo ${?', refusals.variable],
    ['echo $? $$', refusals.variable],
    ['echo $?$(id)', refusals.substitution],
    ['echo ok && $(rm -rf /)', refusals.substitution],
    ['echo ok; `rm -rf /`', refusals.substitution],
    ['echo ok || "$(rm -rf /)"', refusals.substitution],
    ['echo ok && (rm -rf /)', refusals.subshell],
    ['kubectl apply -f - < /etc/passwd', refusals.input],
    ['cat <<EOF', refusals.heredoc],
    ['(kubectl get pods)', refusals.subshell],
    ['kubectl get pods 2>/dev/null', refusals.fdRedirect],
    ['kubectl get pods >&2', refusals.fdRedirect],
    ["echo 'unterminated", refusals.unterminatedSingle],
    ['echo "unterminated', refusals.unterminatedDouble],
  ];
  it.each(cases)('%s', (line, message) => {
    expect(refusal(line)).toBe(message);
  });
  it('allows the same characters inside single quotes, where a shell keeps them literal too', () => {
    expect(stages(`echo '; && $(id) \`id\` $HOME < >'`)).toEqual([['echo', '; && $(id) `id` $HOME < >']]);
  });
  it('lets a quoted digit word before > be a normal argument', () => {
    expect(stages(`echo "2">x`)).toEqual([['echo', '2']]);
  });
  it('says what to do instead', () => {
    expect(refusals.subshell).toMatch(/`;`, `&&` or `\|\|`/);
    expect(refusals.variable).toMatch(/only `\$\?`/);
    expect(refusals.substitution).toMatch(/run the inner command/);
  });
});
