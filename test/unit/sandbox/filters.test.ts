import { describe, expect, it } from 'vitest';
import { parseFilter, basicToExtended } from '../../../sandbox/terminal/filters.ts';

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
    expect(basicToExtended('a+(b)')).toBe('a\\+\\(b\\)');
  });
  it('handles a last line without newline', () => {
    expect(run(['grep', 'x'], 'a\nx')).toBe('x\n');
  });
  it('refuses what it does not offer', () => {
    expect(parseFilter(['grep', '-r', 'x'])).toEqual({ ok: false, message: 'grep: -r is not available here (try -i, -v, -c or -E)' });
    expect(parseFilter(['grep'])).toMatchObject({ ok: false });
    expect(parseFilter(['grep', '-E', '('])).toMatchObject({ ok: false, message: expect.stringMatching(/invalid pattern/) });
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
