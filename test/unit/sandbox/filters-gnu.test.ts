/**
 * The terminal's grep and wc filters against the host's GNU grep 3.x and GNU
 * coreutils wc as the oracle: for a table of inputs (kubectl output learners
 * pipe, and edge cases) and option sets, the filter's output and exit status
 * must be byte-for-byte what /usr/bin/grep and /usr/bin/wc give in a UTF-8
 * locale — whole, and fed in chunks that split lines (and characters' lines)
 * anywhere. Only these tests run the host tools; the product never does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseFilter } from '../../../sandbox/terminal/filters.ts';

// Each case runs the host tool a few hundred times; on a busy machine that outlasts the 5 s default.
vi.setConfig({ testTimeout: 60_000 });

const oracleEnv = { LC_ALL: 'C.UTF-8', PATH: '/usr/bin:/bin' };

function version(tool: string): string {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8', env: oracleEnv });
  return r.status === 0 ? r.stdout.split('\n')[0]! : '';
}
const gnuGrep = /^grep \(GNU grep\) 3\./.test(version('/usr/bin/grep'));
const gnuWc = /^wc \(GNU coreutils\) 9\./.test(version('/usr/bin/wc'));

/** oracle runs the host tool on input; stderr is kept to show in a failure. */
function oracle(tool: string, args: string[], input: string, cwd?: string): { stdout: string; status: number | null; stderr: string } {
  const r = spawnSync(tool, args, { input, encoding: 'utf8', env: oracleEnv, argv0: tool.split('/').pop()!, ...(cwd ? { cwd } : {}) });
  return { stdout: r.stdout, status: r.status, stderr: r.stderr };
}

/** ours runs the filter on input pushed in pieces of `size` characters (0: all at once). */
function ours(argv: string[], input: string, size: number): { stdout: string; status: number } {
  const r = parseFilter(argv);
  if (!r.ok) throw new Error(r.message);
  let stdout = '';
  const pieces = size === 0 ? [input] : (input.match(new RegExp(`[\\s\\S]{1,${size}}`, 'gu')) ?? []);
  for (const piece of pieces) {
    if (r.filter.done) break;
    stdout += r.filter.push(piece);
  }
  stdout += r.filter.end();
  return { stdout, status: r.filter.status };
}

const describePod = `Name:             mysql-0
Namespace:        default
Node:             kind-worker2/172.18.0.3
Labels:           app=mysql
Status:           Pending
Volumes:
  data:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  data-mysql-0
    ReadOnly:   false
Events:
  Type     Reason            Age   From               Message
  ----     ------            ----  ----               -------
  Warning  FailedScheduling  12s   default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.
  Normal   Scheduled         8s    default-scheduler  Successfully assigned default/mysql-0 to kind-worker2


Name:             mysql-1
Namespace:        default
Status:           Running
Events:           <none>
`;

const events = `LAST SEEN   TYPE      REASON                   OBJECT                MESSAGE
2m          Normal    NodeNotReady             pod/mysql-0           Node is not ready
2m          Warning   NodeNotReady             node/kind-worker2     Node kind-worker2 status is now: NodeNotReady
90s         Normal    TaintManagerEviction     pod/mysql-0           Marking for deletion Pod default/mysql-0
60s         Normal    Scheduled                pod/mysql-0           Successfully assigned default/mysql-0 to kind-worker
30s         Normal    SuccessfulAttachVolume   pod/mysql-0           AttachVolume.Attach succeeded for volume "pvc-3f2a"
`;

const letters = 'a\nb\na\nc\nd\ne\na\nf\nab\nba b\n(a)\nA\n';

/** inputs are what learners pipe, plus edges: no final newline, empty, blank lines, non-ASCII. */
const inputs: Record<string, string> = {
  describePod,
  events,
  letters,
  noFinalNewline: 'mysql-0   Running\nweb-1   Pending\nmysql-1   Running',
  empty: '',
  blankLines: '\n\nx\n\n',
  unicode: 'naïve café\nÉvénement 9\nstraße_ok\nαβγ δ\n日本 語\nemoji 😀 ok\n',
  volumeNames: 'pod/mysql-0 pvc-3f2a-11ee-9c1b data-mysql-0\nabcabcabc xyz 😀😀abc\n',
};

/** grepArgs are option sets learners type (QA F8) and what GNU does at the edges of each option. */
const grepArgs: string[][] = [
  ['mysql'],
  ['-i', 'MYSQL'],
  ['-v', 'mysql'],
  ['-c', 'mysql'],
  ['-vc', 'a'],
  ['-ic', 'a'],
  ['-n', 'a'],
  ['-A3', 'Events'],
  ['-A', '3', 'Events'],
  ['--after-context=3', 'Events'],
  ['--after', '2', 'Events'],
  ['-B2', 'Events'],
  ['-C1', 'Events'],
  ['--context=1', 'mysql-0'],
  ['-2', 'Events'],
  ['-1', 'a'],
  ['-12', 'mysql-1'],
  ['-A1', 'a'],
  ['-B1', 'a'],
  ['-C1', 'a'],
  ['-A0', 'a'],
  ['-nA1', 'a'],
  ['-nB2', 'c'],
  ['-A1', '-B3', 'c'],
  ['-C1', '-A0', 'c'],
  ['-A0', '-C1', 'c'],
  ['-vA1', 'a'],
  ['-nvC1', 'a'],
  ['-A1', '--group-separator=~~', 'a'],
  ['-A1', '--no-group-separator', 'a'],
  ['-e', 'NodeNotReady', '-e', 'TaintManagerEviction'],
  ['-E', '-e', 'NodeNot(Ready)?', '-e', 'Taint.*Eviction'],
  ['-e', 'a', '-e', 'c', '-n'],
  ['-E', 'NodeNotReady|TaintManagerEviction'],
  ['NodeNotReady\\|Taint'],
  ['-n', 'Events'],
  ['-w', 'a'],
  ['-w', 'mysql'],
  ['-wi', 'A'],
  ['-x', 'a'],
  ['-xw', 'a'],
  ['-x', '-e', 'a', '-e', 'b'],
  ['-o', 'a'],
  ['-o', 'mysql-[0-9]'],
  ['-on', 'Node[A-Za-z]*'],
  ['-oE', 'pod/[a-z0-9-]+'],
  ['-oE', 'a|ab'],
  ['-o', '-e', 'a', '-e', 'ab'],
  ['-oE', '(a|ab)(c|bcd)?'],
  ['-oE', 'p|pvc-[0-9a-f-]+|pod/[a-z]+'],
  ['-oE', '(abc)?|abcabcabc'],
  ['-oE', '😀|😀+abc'],
  ['-o', '-e', 'x', '-e', 'xyz'],
  ['-oE', '[a-z]|[a-z-]+[0-9]'],
  ['-ow', 'a'],
  ['-oi', 'a'],
  ['-o', 'b*'],
  ['-on', '-C1', 'a'],
  ['-ov', 'a'],
  ['-ovC1', 'a'],
  ['-F', '(a)'],
  ['-F', 'a.b'],
  ['-F', '.'],
  ['-Fx', '(a)'],
  ['-Fi', 'a'],
  ['-Fo', 'a'],
  ['(a)'],
  ['\\(a\\)'],
  ['-E', '\\(a\\)'],
  ['-q', 'a'],
  ['-q', 'zzz'],
  ['-qv', 'a'],
  ['-h', 'a'],
  ['-H', 'a'],
  ['-Hn', '-A1', 'a'],
  ['-Hc', 'a'],
  ['--label=pods', '-H', 'a'],
  ['-l', 'a'],
  ['-L', 'a'],
  ['-L', 'zzz'],
  ['-m1', 'a'],
  ['-m', '2', '-n', 'a'],
  ['-m1', '-A3', 'a'],
  ['-m2', '-A3', '-n', 'a'],
  ['-m1', '-c', 'a'],
  ['-m0', 'a'],
  ['-m0', '-c', 'a'],
  ['-m0', '-L', 'a'],
  ['-m0', '-l', 'a'],
  ['-m', '-1', 'a'],
  ['--max-count=1', 'Normal'],
  ['-inE', 'mysql-[01]'],
  ['-vn', 'a'],
  ['--ignore-case', '--invert-match', '--line-number', 'e'],
  ['--word-regexp', '--only-matching', 'ok'],
  ['--count', '--regexp=a', '--regexp=b'],
  ['--fixed-strings', '-e', '.'],
  ['--extended-regexp', 'a{2}|b+'],
  ['--basic-regexp', 'a\\{1,\\}'],
  ['--col', '--no-ignore-case', '-i', 'A'],
  ['-y', 'A'],
  ['-s', '-a', 'a'],
  ['a', '-n'],
  ['--', '-n'],
  ['-e', '-n'],
  ['-H', 'a', '-'],
  [''],
  ['-e', ''],
  ['-c', ''],
  ['-w', ''],
  ['-x', ''],
  ['-v', ''],
  ['^'],
  ['$'],
  ['^$'],
  ['-c', '^$'],
  ['^a'],
  ['a$'],
  ['a^b'],
  ['a$b'],
  ['^*a'],
  ['*a'],
  ['-E', '^*a'],
  ['\\(^a\\)'],
  ['-E', '(^a|b$)'],
  ['a\\|^b'],
  ['[[:upper:]]'],
  ['[[:space:]]b'],
  ['[[:alpha:]][[:digit:]]'],
  ['-o', '[[:alnum:]_]*'],
  ['-o', '[[:punct:]]'],
  ['[^a-z]'],
  ['[]a]'],
  ['[^]a]'],
  ['[a-]'],
  ['[\\]'],
  ['[[.a.]]'],
  ['[[=a=]]'],
  ['\\w\\+'],
  ['-o', '\\w\\+'],
  ['-o', '\\W'],
  ['-c', '\\s'],
  ['-o', '\\S\\+'],
  ['\\bb'],
  ['-o', '\\<.'],
  ['-o', '.\\>'],
  ['-c', '\\Ba'],
  ['\\`a'],
  ["a\\'"],
  ['\\d'],
  ['a\\.b'],
  ['-E', 'a\\|b'],
  ['-E', 'a{'],
  ['-E', 'a{1'],
  ['-E', 'a{,2}b'],
  ['a{,2}'],
  ['-E', 'a{x}'],
  ['-E', 'a)'],
  ['-E', '()a'],
  ['x**'],
  ['-E', 'a+*'],
  ['-E', 'a*?'],
  ['-E', '+a'],
  ['-E', 'a|*b'],
  ['-E', '(a)\\1'],
  ['\\(a\\)\\1'],
  ['-o', '-E', '(.)\\1'],
  ['-i', 'É'],
  ['-w', 'caf'],
  ['-ow', 'caf.'],
  ['-o', '..'],
  ['-c', '.'],
  ['ß'],
  ['-i', 'STRASSE'],
];

const chunkSizes = [0, 1, 3, 7];

describe.runIf(gnuGrep)('grep prints what GNU grep 3.x prints', () => {
  for (const [name, input] of Object.entries(inputs)) {
    it(`on ${name}`, () => {
      for (const args of grepArgs) {
        const expected = oracle('/usr/bin/grep', args, input);
        expect(expected.status, `host grep ${JSON.stringify(args)}: ${expected.stderr}`).not.toBe(2);
        for (const size of chunkSizes) {
          const got = ours(['grep', ...args], input, size);
          expect({ args, size, ...got }).toEqual({ args, size, stdout: expected.stdout, status: expected.status });
        }
      }
    });
  }
});

describe.runIf(gnuGrep)('grep refuses what GNU grep rejects, with its words', () => {
  const rejected: Array<[string[], string]> = [
    [['-E', '('], 'grep: Unmatched ( or \\('],
    [['\\('], 'grep: Unmatched ( or \\('],
    [['\\)'], 'grep: Unmatched ) or \\)'],
    [['x\\'], 'grep: Trailing backslash'],
    [['[a'], 'grep: Unmatched [, [^, [:, [., or [='],
    [['[[:foo:]]'], 'grep: Invalid character class name'],
    [['[[.ab.]]'], 'grep: Invalid collation character'],
    [['[b-a]'], 'grep: Invalid range end'],
    [['[:space:]'], 'grep: character class syntax is [[:space:]], not [:space:]'],
    [['a\\1'], 'grep: Invalid back reference'],
    [['\\(a\\1\\)'], 'grep: Invalid back reference'],
    [['-E', 'a{2,1}'], 'grep: Invalid content of \\{\\}'],
    [['a\\{x\\}'], 'grep: Invalid content of \\{\\}'],
    [['a\\{1'], 'grep: Unmatched \\{'],
    [['-E', 'x{99999}'], 'grep: Regular expression too big'],
    [['-A', 'x', 'a'], 'grep: x: invalid context length argument'],
    [['-C-1', 'a'], 'grep: -1: invalid context length argument'],
    [['-m', 'x', 'a'], 'grep: invalid max count'],
    [['-A'], "grep: option requires an argument -- 'A'"],
    [['--context', 'a'], 'grep: a: invalid context length argument'],
    [['--count=3', 'a'], "grep: option '--count' doesn't allow an argument"],
    [['--frobnicate', 'a'], "grep: unrecognized option '--frobnicate'"],
  ];
  for (const [args, message] of rejected) {
    it(`grep ${args.join(' ')}`, () => {
      const host = oracle('/usr/bin/grep', args, 'a\n');
      expect(host.status).toBe(2);
      expect(host.stderr.split('\n')[0]).toBe(message);
      expect(parseFilter(['grep', ...args])).toEqual({ ok: false, message });
    });
  }
  it('an ambiguous abbreviation names it, as getopt does', () => {
    expect(oracle('/usr/bin/grep', ['--co=1', 'a'], 'a\n').stderr).toMatch(/^grep: option '--co=1' is ambiguous; possibilities: '--context' '--color' '--colour' '--count'/);
    expect(parseFilter(['grep', '--co=1', 'a'])).toEqual({
      ok: false,
      message: "grep: option '--co=1' is ambiguous; possibilities: '--context' '--color' '--colour' '--count'",
    });
  });
});

/**
 * Random patterns over the characters POSIX syntax treats specially (seeded,
 * so a failure repeats): output, exit status and — for patterns GNU rejects —
 * the message must match. Word assertions (\< \b) are left out: GNU's dfa
 * reads their repetitions in ways not modelled here (see filters.ts).
 */
describe.runIf(gnuGrep)('grep reads random POSIX patterns as GNU grep does', () => {
  const alphabet = ['a', 'b', '.', '*', '+', '?', '|', '(', ')', '{', '}', '1', ',', '2', '[', ']', '^', '$', '\\', '-', ':', ' ', 'é'];
  const tokens = [...alphabet, '[:alpha:]', '\\(', '\\)', '\\{', '\\}', '\\|', '\\1', '\\w'];
  const input = 'a\nab\naab\nb a\n(a)\na{1}\na+b\n*a\n^a$\n1,2\n\\\n-\n:\néa\n a b \nabab\n[]\n|\n\n';
  const modes = [[], ['-E'], ['-o'], ['-oE'], ['-w'], ['-wE'], ['-x'], ['-cv']];
  let seed = 20261125;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  it('600 patterns', () => {
    for (let t = 0; t < 600; t++) {
      let pattern = '';
      for (let n = 1 + random(6); n > 0; n--) pattern += tokens[random(tokens.length)];
      const args = [...modes[random(modes.length)]!, '--', pattern];
      const host = oracle('/usr/bin/grep', args, input);
      const parsed = parseFilter(['grep', ...args]);
      if (host.status === 2) {
        // GNU may print warnings first; the error is its last line.
        expect({ args, result: parsed }).toEqual({ args, result: { ok: false, message: host.stderr.trim().split('\n').pop() } });
      } else {
        expect({ args, ...ours(['grep', ...args], input, 0) }).toEqual({ args, stdout: host.stdout, status: host.status });
      }
    }
  });
});

/** Random combinations of options (seeded): each combination's output and status, fed in 5-character chunks, must be GNU grep's. */
describe.runIf(gnuGrep)('grep combines options as GNU grep does', () => {
  const options = [['-i'], ['-v'], ['-c'], ['-n'], ['-w'], ['-x'], ['-o'], ['-q'], ['-l'], ['-L'], ['-H'], ['-h'], ['-A1'], ['-B2'], ['-C1'], ['-A0'], ['-m1'], ['-m2'], ['-E'], ['-F'], ['-3'], ['--no-group-separator'], ['-e', 'b'], ['-e', 'A']];
  const patterns = ['a', 'b', 'a|b', 'a.', '^a', 'b$', 'A', 'x', 'ab', '(a)', ''];
  const input = 'a\nb\na\nc\nd\ne\na\nf\nab\nba b\n(a)\nA\nq\nr\ns\na|b\nxb';
  let seed = 8;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  it('600 combinations', () => {
    for (let t = 0; t < 600; t++) {
      const args: string[] = [];
      for (let n = random(5); n > 0; n--) args.push(...options[random(options.length)]!);
      args.push('--', patterns[random(patterns.length)]!);
      const expected = oracle('/usr/bin/grep', args, input);
      expect({ args, ...ours(['grep', ...args], input, 5) }).toEqual({ args, stdout: expected.stdout, status: expected.status });
    }
  });
});

/** wcInputs: counts of words need GNU's separators (no-break spaces) and its skipping of control characters. */
const wcInputs: Record<string, string> = {
  describePod,
  events,
  empty: '',
  noFinalNewline: 'a b\nc d e',
  spaces: '  lead  and trail \t\v\f\r\n\n',
  unicode: 'héllo wörld\nα\u00a0β\u2007γ\u202fδ\u2060ε\u3000ζ\u2003η\u200bθ\n',
  controls: 'a\u0001 \u0001b \u0085c\n\u0001\n',
  big: 'x '.repeat(500_000).concat('\n'),
};
const wcArgs: string[][] = [[], ['-l'], ['-w'], ['-c'], ['-m'], ['-lw'], ['-wl'], ['-lc'], ['-l', '-c', '-w'], ['-lwmc'], ['--lines'], ['--words', '--bytes'], ['--chars'], ['--line']];

describe.runIf(gnuWc)('wc prints what GNU wc 9 prints for a pipe', () => {
  for (const [name, input] of Object.entries(wcInputs)) {
    it(`on ${name}`, () => {
      for (const args of wcArgs) {
        const expected = oracle('/usr/bin/wc', args, input);
        for (const size of name === 'big' ? [0, 65536] : chunkSizes) {
          expect({ args, size, ...ours(['wc', ...args], input, size) }).toEqual({ args, size, stdout: expected.stdout, status: expected.status });
        }
      }
    });
  }
  it('refuses what it does not offer, naming the option', () => {
    expect(parseFilter(['wc', '-L'])).toEqual({ ok: false, message: 'wc: -L is not available here (try -l, -w, -c or -m)' });
    expect(parseFilter(['wc', '--max-line-length'])).toEqual({ ok: false, message: 'wc: --max-line-length is not available here (try -l, -w, -c or -m)' });
    expect(parseFilter(['wc', '-x'])).toEqual({ ok: false, message: 'wc: -x is not available here (try -l, -w, -c or -m)' });
  });
});

/** A file of the lesson as the operand (`grep -H x pod.yaml`, `wc pod.yaml`): the shell reads it and pushes it through the filter. */
describe.runIf(gnuGrep && gnuWc)('with a file operand, grep and wc print what GNU prints for that file', () => {
  it('names the file and pads wc to the digits of its size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kslab-filters-'));
    try {
      for (const [name, content] of [['pods.txt', events], ['pod.yaml', 'apiVersion: v1\nkind: Pod\n'], ['big.txt', describePod.repeat(40)]] as const) {
        writeFileSync(join(dir, name), content);
        const runs: string[][] = [
          ['/usr/bin/grep', 'mysql-0', name],
          ['/usr/bin/grep', '-Hn', '-A1', 'Normal', name],
          ['/usr/bin/grep', '-Hc', 'Normal', name],
          ['/usr/bin/grep', '-l', 'kind', name],
          ['/usr/bin/grep', '-L', 'kind', name],
          ['/usr/bin/wc', name],
          ['/usr/bin/wc', '-l', name],
          ['/usr/bin/wc', '-lw', name],
          ['/usr/bin/wc', '-cm', name],
        ];
        for (const [tool, ...args] of runs) {
          const expected = oracle(tool!, args, '', dir);
          const parsed = parseFilter([tool!.split('/').pop()!, ...args]);
          if (!parsed.ok) throw new Error(parsed.message);
          expect(parsed.file).toBe(name);
          const stdout = parsed.filter.push(content) + parsed.filter.end();
          expect({ args, stdout, status: parsed.filter.status }).toEqual({ args, stdout: expected.stdout, status: expected.status });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
