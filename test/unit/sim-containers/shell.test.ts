import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScript, ShellSyntaxError } from '../../../sandbox/providers/sim/containers/shell/parser.ts';
import { ManualClock, makeContainer, sh, type TestContainer } from './harness.ts';

function syntaxError(script: string): string {
  try {
    parseScript(script);
  } catch (err) {
    if (err instanceof ShellSyntaxError) return err.message;
    throw err;
  }
  return 'parsed';
}

describe('shell parser', () => {
  it('words syntax errors as busybox ash does', () => {
    expect(syntaxError('fi')).toBe('syntax error: unexpected "fi"');
    expect(syntaxError('if true; then echo x')).toBe('syntax error: unexpected end of file (expecting "fi")');
    expect(syntaxError('while true; do echo')).toBe('syntax error: unexpected end of file (expecting "done")');
    expect(syntaxError('echo "abc')).toBe('syntax error: unterminated quoted string');
    expect(syntaxError("echo 'abc")).toBe('syntax error: unterminated quoted string');
    expect(syntaxError('echo a |')).toBe('syntax error: unexpected end of file');
    expect(syntaxError('echo )')).toBe('syntax error: unexpected ")"');
    expect(syntaxError('; echo')).toBe('syntax error: unexpected ";"');
    expect(syntaxError('if true; then fi')).toBe('syntax error: unexpected "fi"');
    expect(syntaxError('echo ${')).toBe('syntax error: bad substitution');
    expect(syntaxError(':(){ :|:& };:')).toBe('syntax error: bad function name');
  });

  it('parses redirections with and without spaces, io numbers and here-documents', () => {
    const script = parseScript('echo a>/tmp/x 2>&1 3<in;cat<<-END\n\tbody\nEND\n');
    const [first, second] = script.items.map((i) => i.andOr.first.commands[0]!);
    expect(first).toMatchObject({
      type: 'simple',
      words: [[{ kind: 'lit', text: 'echo' }], [{ kind: 'lit', text: 'a' }]],
      redirects: [
        { fd: 1, op: '>', target: [{ kind: 'lit', text: '/tmp/x' }] },
        { fd: 2, op: '>&', target: [{ kind: 'lit', text: '1' }] },
        { fd: 3, op: '<', target: [{ kind: 'lit', text: 'in' }] },
      ],
    });
    expect(second).toMatchObject({ type: 'simple', redirects: [{ fd: 0, op: '<<-', heredoc: { body: 'body\n', quoted: false } }] });
  });

  it('keeps quoting in the tree: quoted text is never split or globbed', () => {
    const [cmd] = parseScript(String.raw`echo "a $B" 'c*' d\ e $(echo "x)")`).items.map((i) => i.andOr.first.commands[0]!);
    expect(cmd).toMatchObject({
      words: [
        [{ kind: 'lit', text: 'echo', quoted: false }],
        [
          { kind: 'lit', text: 'a ', quoted: true },
          { kind: 'param', name: 'B', quoted: true },
        ],
        [{ kind: 'lit', text: 'c*', quoted: true }],
        [
          { kind: 'lit', text: 'd', quoted: false },
          { kind: 'lit', text: ' ', quoted: true },
          { kind: 'lit', text: 'e', quoted: false },
        ],
        [{ kind: 'cmdsub', quoted: false }],
      ],
    });
  });

  it('says when more input could complete the script (PS2)', () => {
    for (const s of ['if true; then', 'echo "a', 'for i in 1 2; do', 'echo a &&', 'echo $(ls']) {
      try {
        parseScript(s);
        throw new Error('parsed');
      } catch (err) {
        expect((err as ShellSyntaxError).incomplete, s).toBe(true);
      }
    }
  });

  it('stops deep nesting with a clear error instead of overflowing the stack', () => {
    const deep = '('.repeat(5000) + 'true' + ')'.repeat(5000);
    expect(syntaxError(deep)).toMatch(/nesting deeper than 100 levels/);
    const subst = '$('.repeat(3000) + 'true' + ')'.repeat(3000);
    expect(syntaxError('echo ' + subst)).toMatch(/nesting deeper than 100 levels/);
  });

  it('never fails on hostile input with anything but a syntax error (seeded fuzz)', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ['echo', ' ', 'a', '"', "'", '\\', '$', '{', '}', '(', ')', '$(', '`', ';', '&', '|', '&&', '||', '<', '>', '>>', '2>&1', '<<', 'EOF', '\n', 'if', 'then', 'fi', 'do', 'done', 'for', 'in', 'case', 'esac', ';;', '*', '#', '$((', '))', '~', '=', 'x=', '!'];
    for (let n = 0; n < 3000; n++) {
      let script = '';
      const len = 1 + Math.floor(random() * 30);
      for (let i = 0; i < len; i++) script += pieces[Math.floor(random() * pieces.length)];
      try {
        parseScript(script);
      } catch (err) {
        if (!(err instanceof ShellSyntaxError)) throw new Error(`${JSON.stringify(script)}: ${(err as Error).stack}`);
      }
    }
  });

  it('refuses scripts longer than one -c argument may be', () => {
    expect(syntaxError('echo ' + 'a'.repeat(200_000))).toMatch(/script longer than 131072 bytes/);
  });
});

describe('shell', () => {
  let c: TestContainer;
  beforeEach(() => {
    c = makeContainer({ clock: new ManualClock(undefined, 60_000) });
  });
  afterEach(() => c.cleanup());

  it('quotes, escapes and expands like a POSIX shell', async () => {
    const r = await sh(c, `A=world; B="two  spaces"; echo 'single $A' "double $A" \\$A $B "$B" \${A}s "\${#A}" \${C:-dflt} "a"'b'c`);
    expect(r).toEqual({ stdout: 'single $A double world $A two spaces two  spaces worlds 5 dflt abc\n', stderr: '', code: 0 });
  });

  it('runs command substitution, arithmetic and $?', async () => {
    const r = await sh(c, 'x=$(echo hi; echo there); echo "$x"; echo $((3 * (4 + 1))) $(( 7 / 2 )); false; echo $?; i=0; i=$((i+1)); echo $i');
    expect(r.stdout).toBe('hi\nthere\n15 3\n1\n1\n');
    expect((await sh(c, 'a=1; a=$((a+1)) b=$a; echo $a $b; c=5 sh -c \'echo $c\'; echo "[$c]"')).stdout).toBe('2 2\n5\n[]\n');
    expect((await sh(c, 'i=5; echo $((i++)) $i $((++i)) $((i--)) $i $((-i)) $((i += 10)) $((1 ? 7 : 8))')).stdout).toBe('5 6 7 7 6 -6 16 7\n');
  });

  it('set -o pipefail makes a failing pipeline fail', async () => {
    expect((await sh(c, 'false | true; echo $?; set -o pipefail; false | true; echo $?')).stdout).toBe('0\n1\n');
  });

  it('runs && || ; pipelines and negation', async () => {
    const r = await sh(c, 'true && echo a || echo b; false && echo c || echo d; echo x | cat | cat; ! false; echo $?');
    expect(r.stdout).toBe('a\nd\nx\n0\n');
  });

  it('redirects output, appends, reads input and merges stderr', async () => {
    const r = await sh(c, 'echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f; ls /nonexistent 2>&1 | cat; ls /nonexistent 2>/dev/null; echo $?');
    expect(r.stdout).toBe('one\ntwo\nls: /nonexistent: No such file or directory\n1\n');
    expect(r.stderr).toBe('');
  });

  it('runs if/elif/else, while, until, for and case', async () => {
    const r = await sh(
      c,
      `for n in 1 2 3; do if [ $n -eq 1 ]; then echo one; elif [ $n = 2 ]; then echo two; else echo many; fi; done
i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; echo $i
until [ -f /tmp/flag ]; do touch /tmp/flag; done; echo flag
case hello.txt in *.md) echo md;; *.txt) echo txt;; esac`,
    );
    expect(r.stdout).toBe('one\ntwo\nmany\n3\nflag\ntxt\n');
  });

  it('reports unknown commands as ash does, with 127', async () => {
    const r = await sh(c, 'foo; echo $?');
    expect(r).toEqual({ stdout: '127\n', stderr: 'sh: foo: not found\n', code: 0 });
  });

  it('prints syntax errors with the sh: prefix and exits 2', async () => {
    const r = await sh(c, 'if true; then echo x');
    expect(r).toEqual({ stdout: '', stderr: 'sh: syntax error: unexpected end of file (expecting "fi")\n', code: 2 });
  });

  it('exits with exit N and honours set -e', async () => {
    expect((await sh(c, 'echo a; exit 3; echo b')).code).toBe(3);
    const r = await sh(c, 'set -e; echo a; false; echo b');
    expect(r).toEqual({ stdout: 'a\n', stderr: '', code: 1 });
  });

  it('runs the producer/consumer loop of lesson 1', async () => {
    const producer = sh(c, 'sleep 2; echo "hello world" > /tmp/hello');
    const consumer = sh(c, 'until [ -f /tmp/hello ]; do sleep 1; done; cat /tmp/hello');
    expect((await producer).code).toBe(0);
    expect((await consumer).stdout).toBe('hello world\n');
  });

  it('expands globs through the container filesystem', async () => {
    const r = await sh(c, 'mkdir -p /tmp/g && touch /tmp/g/a.txt /tmp/g/b.txt /tmp/g/c.log && echo /tmp/g/*.txt && echo /tmp/g/*.none && echo "/tmp/g/*"');
    expect(r.stdout).toBe('/tmp/g/a.txt /tmp/g/b.txt\n/tmp/g/*.none\n/tmp/g/*\n');
  });

  it('supports functions, local positional parameters and return', async () => {
    const r = await sh(c, 'greet() { echo "hi $1"; return 4; }; greet there; echo $?; set -- a b c; echo $# "$@"; shift; echo $1');
    expect(r.stdout).toBe('hi there\n4\n3 a b c\nb\n');
    const scoped = await sh(c, 'x=outer; f() { local x=inner; echo $x; }; f; echo $x; local y');
    expect(scoped).toEqual({ stdout: 'inner\nouter\n', stderr: 'sh: local: not in a function\n', code: 2 });
  });

  it('exec with only redirections redirects the rest of the script', async () => {
    const r = await sh(c, 'echo before; exec > /tmp/log 2>&1; echo after; ls /nope; exec >&2; echo err');
    expect(r.stdout).toBe('before\n');
    expect(c.fs.readText('/tmp/log')).toBe('after\nls: /nope: No such file or directory\nerr\n');
  });

  it('eval and . run in the current shell: variables stay, exit leaves', async () => {
    const r = await sh(c, 'echo "X=sourced" > /tmp/env.sh; . /tmp/env.sh; eval "Y=\\$X-evald"; echo $X $Y; eval "exit 3"; echo not reached');
    expect(r).toEqual({ stdout: 'sourced sourced-evald\n', stderr: '', code: 3 });
  });

  it('supports here-documents', async () => {
    const r = await sh(c, 'N=x\ncat <<EOF\nvalue $N\nEOF\ncat <<\'EOF\'\nraw $N\nEOF');
    expect(r.stdout).toBe('value x\nraw $N\n');
  });

  it('cd and pwd move within the container only', async () => {
    const r = await sh(c, 'cd /tmp && pwd && cd ../../../.. && pwd && cd /nope; echo $?');
    expect(r.stdout).toBe('/tmp\n/\n2\n');
    expect(r.stderr).toBe("sh: cd: can't cd to /nope: No such file or directory\n");
  });

  it('stops a busy loop that never waits, with a clear message', async () => {
    const r = await sh(c, 'while true; do :; done; echo after');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sh: stopped after 100000 commands that never waited \(sleep, read\): this simulated shell ends runaway loops\n$/);
  });

  it('stops runaway recursion (a fork bomb with a legal name)', async () => {
    const r = await sh(c, 'bomb() { echo x >> /tmp/calls; bomb | bomb & }; bomb; sleep 30; echo survived');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("sh: can't fork: Resource temporarily unavailable\nsh: stopped: more than 64 background jobs at once (limit of this simulated shell)\n");
    // Nothing of it keeps running once the shell has stopped.
    const calls = c.fs.stat('/tmp/calls').size;
    await new Promise((res) => setTimeout(res, 100));
    expect(c.fs.stat('/tmp/calls').size).toBe(calls);
  }, 20_000);

  it('rejects the classic fork bomb without running anything', async () => {
    const r = await sh(c, ':(){ :|:& };:');
    expect(r).toEqual({ stdout: '', stderr: 'sh: syntax error: bad function name\n', code: 2 });
  });

  it('never treats Object.prototype names as builtins', async () => {
    const r = await sh(c, 'constructor; toString; __proto__; hasOwnProperty');
    expect(r.stderr).toBe('sh: constructor: not found\nsh: toString: not found\nsh: __proto__: not found\nsh: hasOwnProperty: not found\n');
  });

  it('reads many lines with `while read` without piling up listeners', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const r = await sh(c, 'seq 500 > /tmp/n; n=0; while read line; do n=$((n+line)); done < /tmp/n; echo $n');
      expect(r.stdout).toBe('125250\n');
      await new Promise((res) => setTimeout(res, 20));
      expect(warnings.filter((w) => w.includes('listeners'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('bounds memory-hungry input: doubling variables, huge printf fields, deep recursion', async () => {
    const doubling = await sh(c, 'a=x; while :; do a=$a$a; done');
    expect(doubling.code).toBe(2);
    expect(doubling.stderr).toBe('sh: a: value longer than 8388608 characters (limit of this simulated shell)\n');
    const wide = await sh(c, 'printf "%999999999d|" 1 | wc -c');
    expect(wide.stdout).toBe('65537\n');
    const recursion = await sh(c, 'f() { f; }; f; echo not reached');
    expect(recursion).toEqual({ stdout: '', stderr: 'sh: f: function calls nested deeper than 100 (limit of this simulated shell)\n', code: 2 });
    const braces = await sh(c, 'echo ' + '${a:-'.repeat(5000) + 'x' + '}'.repeat(5000));
    expect(braces.stderr).toMatch(/nesting deeper than 100 levels/);
  });
});
