import { describe, expect, it } from 'vitest';
import { parseFilter, withinBudget } from '../../../sandbox/terminal/filters.ts';

function run(argv: string[], ...chunks: string[]): string {
  const r = parseFilter(argv);
  if (!r.ok) throw new Error(r.message);
  let out = '';
  for (const c of chunks) out += r.filter.push(c);
  return out + r.filter.end();
}

const table = 'NAME   STATUS\nmysql-0   Running\nweb-1   Pending\nMYSQL-backup   Running\n';

describe('grep', () => {
  it('keeps matching lines, across chunk boundaries', () => {
    expect(run(['grep', 'mysql'], table.slice(0, 12), table.slice(12))).toBe('mysql-0   Running\n');
  });
  it('-i -v -c and combined flags', () => {
    expect(run(['grep', '-i', 'mysql'], table)).toBe('mysql-0   Running\nMYSQL-backup   Running\n');
    expect(run(['grep', '-v', 'Running'], table)).toBe('NAME   STATUS\nweb-1   Pending\n');
    expect(run(['grep', '-ic', 'mysql'], table)).toBe('2\n');
  });
  it('basic vs extended regular expressions', () => {
    expect(run(['grep', 'web|mysql'], table)).toBe('');
    expect(run(['grep', 'web\\|mysql-0'], table)).toBe('mysql-0   Running\nweb-1   Pending\n');
    expect(run(['grep', '-E', 'web|mysql-0'], table)).toBe('mysql-0   Running\nweb-1   Pending\n');
    expect(run(['grep', 'a+(b)'], 'xa+(b)\nab\n')).toBe('xa+(b)\n');
  });
  it('handles a last line without newline', () => {
    expect(run(['grep', 'x'], 'a\nx')).toBe('x\n');
  });
  it('refuses what it does not offer, naming the option', () => {
    expect(parseFilter(['grep', '-r', 'x'])).toEqual({
      ok: false,
      message: 'grep: -r is not available here (grep reads what comes through the pipe, or one file of this lesson)',
    });
    expect(parseFilter(['grep', '--recursive', 'x'])).toMatchObject({ ok: false, message: expect.stringMatching(/^grep: --recursive is not available here/) });
    expect(parseFilter(['grep', '-f', 'patterns.txt'])).toEqual({ ok: false, message: 'grep: -f is not available here (give each pattern with -e PATTERN)' });
    expect(parseFilter(['grep', '--file=patterns.txt'])).toEqual({ ok: false, message: 'grep: --file is not available here (give each pattern with -e PATTERN)' });
    expect(parseFilter(['grep', '-P', '\\d+'])).toEqual({ ok: false, message: 'grep: -P is not available here (use -E for extended regular expressions)' });
    expect(parseFilter(['grep', '-ib', 'x'])).toMatchObject({ ok: false, message: expect.stringMatching(/^grep: -b is not available here \(this grep reads the pipe; it offers -i -v -c -n/) });
    expect(parseFilter(['grep', '--color=always', 'x'])).toMatchObject({ ok: false, message: expect.stringMatching(/^grep: --color=always is not available here/) });
    expect(parseFilter(['grep'])).toMatchObject({ ok: false, message: expect.stringMatching(/^usage: grep/) });
    expect(parseFilter(['grep', 'a', 'f1', 'f2'])).toEqual({ ok: false, message: 'grep: one pattern and at most one file here' });
    expect(parseFilter(['grep', '-E', '('])).toEqual({ ok: false, message: 'grep: Unmatched ( or \\(' });
  });
});

/** describe is the tail of `kubectl describe pod` that QA F8's learners grep through. */
const describeTail = `Volumes:
  data:
    ClaimName:  data-mysql-0
Events:
  Type     Reason            Age   From               Message
  ----     ------            ----  ----               -------
  Warning  FailedScheduling  12s   default-scheduler  0/3 nodes are available
  Normal   Scheduled         8s    default-scheduler  Successfully assigned default/mysql-0
`;

describe('grep options learners reach for (QA F8)', () => {
  it('-A3 Events shows the events table', () => {
    const expected = 'Events:\n  Type     Reason            Age   From               Message\n  ----     ------            ----  ----               -------\n  Warning  FailedScheduling  12s   default-scheduler  0/3 nodes are available\n';
    expect(run(['grep', '-A3', 'Events'], describeTail)).toBe(expected);
    expect(run(['grep', 'Events', '-A', '3'], describeTail)).toBe(expected);
    expect(run(['grep', '--after-context=3', 'Events'], describeTail)).toBe(expected);
  });
  it('several -e patterns, with -n line numbers and `--` between groups', () => {
    expect(run(['grep', '-n', '-e', 'ClaimName', '-e', 'Scheduled'], describeTail)).toBe('3:    ClaimName:  data-mysql-0\n8:  Normal   Scheduled         8s    default-scheduler  Successfully assigned default/mysql-0\n');
    expect(run(['grep', '-nC1', '-e', 'ClaimName', '-e', 'Scheduled'], describeTail)).toBe(
      '2-  data:\n3:    ClaimName:  data-mysql-0\n4-Events:\n--\n7-  Warning  FailedScheduling  12s   default-scheduler  0/3 nodes are available\n8:  Normal   Scheduled         8s    default-scheduler  Successfully assigned default/mysql-0\n',
    );
  });
  it('-w matches whole words only', () => {
    expect(run(['grep', '-c', 'Schedul'], describeTail)).toBe('2\n');
    expect(run(['grep', '-wc', 'Schedul'], describeTail)).toBe('0\n');
    expect(run(['grep', '-w', 'data'], describeTail)).toBe('  data:\n    ClaimName:  data-mysql-0\n');
  });
  it('exit status: 0 when a line was selected, 1 when none was', () => {
    const hit = parseFilter(['grep', 'Events']);
    const miss = parseFilter(['grep', '-c', 'NodeNotReady']);
    if (!hit.ok || !miss.ok) throw new Error('parse');
    hit.filter.push(describeTail);
    hit.filter.end();
    miss.filter.push(describeTail);
    expect(miss.filter.end()).toBe('0\n');
    expect(hit.filter.status).toBe(0);
    expect(miss.filter.status).toBe(1);
  });
  it('-q prints nothing and is done at the first match (the shell then stops kubectl)', () => {
    const r = parseFilter(['grep', '-q', 'ClaimName']);
    if (!r.ok) throw new Error(r.message);
    expect(r.filter.push('Volumes:\n')).toBe('');
    expect(r.filter.done).toBe(false);
    expect(r.filter.push('    ClaimName:  data\nmore\n')).toBe('');
    expect(r.filter.done).toBe(true);
    expect(r.filter.end()).toBe('');
    expect(r.filter.status).toBe(0);
  });
  it('streams: a selected line comes out with the chunk that ends it; -B holds back only its lines', () => {
    const r = parseFilter(['grep', '-B1', 'x']);
    if (!r.ok) throw new Error(r.message);
    expect(r.filter.push('a\nb\nc')).toBe('');
    expect(r.filter.push('x\nd\n')).toBe('b\ncx\n');
    expect(r.filter.push('x')).toBe('');
    expect(r.filter.end()).toBe('d\nx\n');
  });
  it('-m N is done after N lines and their trailing context', () => {
    const r = parseFilter(['grep', '-m1', '-A1', 'a']);
    if (!r.ok) throw new Error(r.message);
    expect(r.filter.push('a\n')).toBe('a\n');
    expect(r.filter.done).toBe(false);
    expect(r.filter.push('a\nc\n')).toBe('a\n');
    expect(r.filter.done).toBe(true);
  });
});

describe('wc', () => {
  it('counts a pipe as GNU wc does: one count bare, several in 7-wide columns', () => {
    const pods = 'NAME      READY\nmysql-0   1/1\nweb-1     0/1\n';
    expect(run(['wc', '-l'], pods)).toBe('3\n');
    expect(run(['wc'], pods)).toBe('      3       6      44\n');
    expect(run(['wc', '-wl'], pods.slice(0, 20), pods.slice(20))).toBe('      3       6\n');
  });
  it('for a file of the lesson, pads to the digits of its size and names it', () => {
    expect(parseFilter(['wc', '-l', 'pod.yaml'])).toMatchObject({ ok: true, file: 'pod.yaml' });
    const r = parseFilter(['wc', 'pod.yaml']);
    if (!r.ok) throw new Error(r.message);
    r.filter.push('apiVersion: v1\nkind: Pod\n');
    expect(r.filter.end()).toBe(' 2  4 25 pod.yaml\n');
  });
  it('refuses a second file', () => {
    expect(parseFilter(['wc', 'a', 'b'])).toEqual({ ok: false, message: 'wc: at most one file here' });
  });
});

describe('base64', () => {
  it('encodes like GNU base64 (newline at the end)', () => {
    expect(run(['base64'], 'admin')).toBe('YWRtaW4=\n');
  });
  it('decodes, ignoring whitespace', () => {
    expect(run(['base64', '-d'], 'YWRt', 'aW4=\n')).toBe('admin');
    expect(run(['base64', '--decode'], 'not base64!')).toBe('base64: invalid input\n');
  });
});

describe('head and tail', () => {
  const lines = Array.from({ length: 15 }, (_, i) => `line${i + 1}\n`).join('');
  it('head: ten lines by default, -n N, -N, and says when it is done', () => {
    expect(run(['head'], lines).split('\n').length - 1).toBe(10);
    expect(run(['head', '-n', '2'], lines)).toBe('line1\nline2\n');
    expect(run(['head', '-3'], lines)).toBe('line1\nline2\nline3\n');
    const r = parseFilter(['head', '-n1']);
    if (!r.ok) throw new Error();
    r.filter.push('a\nb\n');
    expect(r.filter.done).toBe(true);
  });
  it('tail: last lines', () => {
    expect(run(['tail', '-n', '2'], lines)).toBe('line14\nline15\n');
    expect(run(['tail', '-n', '0'], lines)).toBe('');
  });
  it('refuses bad counts', () => {
    expect(parseFilter(['head', '-n', 'x'])).toEqual({ ok: false, message: "head: invalid number of lines: 'x'" });
  });
  it('returns a file operand for the shell to check', () => {
    expect(parseFilter(['tail', 'pod.yaml'])).toMatchObject({ ok: true, file: 'pod.yaml' });
  });
});

describe('grep time budget', () => {
  it('gives up on a catastrophic pattern with status 2 and an error, instead of freezing the server', () => {
    const parsed = parseFilter(['grep', '-E', '(a*)*b']);
    if (!parsed.ok) throw new Error(parsed.message);
    const f = parsed.filter;
    expect(f.push('a'.repeat(40) + '\n')).toBe('');
    expect(f.error).toMatch(/^grep: this pattern took over 1 s/);
    expect(f.done).toBe(true);
    expect(f.end()).toBe('');
    expect(f.status).toBe(2);
  });
  it('withinBudget lets ordinary work finish', () => {
    let ran = 0;
    expect(withinBudget(() => void ran++)).toBe(true);
    expect(ran).toBe(1);
  });
});
