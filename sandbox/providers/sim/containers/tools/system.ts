/**
 * System applets of busybox 1.36: sleep, date, hostname, env/printenv, id,
 * whoami, uname, df, mount, test/[, true, false, pwd, clear, which, nproc,
 * sync, free. df and mount read the container's mount table, so they show
 * the volumes the kubelet mounted (coreutils/df.c, util-linux/mount.c).
 */
import { errnoMessage } from '../fs/errors.ts';
import { formatMountLine } from '../fs/mounts.ts';
import { KERNEL_RELEASE } from '../fs/pseudo.ts';
import { SignalAbort, type Program, type ProgramContext, type SignalName } from '../program.ts';
import { bre } from './text.ts';
import { fail, humanReadable, idNames, parseOptions, resolve, usageError } from './common.ts';

/** parseDuration reads sleep's operands: 1, 0.5, 1s, 2m, 1h, 1d (summed, as busybox's FANCY_SLEEP). */
function parseDuration(s: string): number | undefined {
  // `sleep infinity` (common in pod specs) parses as strtod's inf.
  if (/^inf(inity)?$/i.test(s)) return Number.POSITIVE_INFINITY;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(s);
  if (!m) return undefined;
  return Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as ''] ?? 1) * 1000;
}

/**
 * sleep N…: waits on the injected clock; returns early only when the process
 * is stopped. It installs no signal handler, so as PID 1 it ignores SIGTERM
 * (the kubelet then waits the grace period and sends SIGKILL).
 */
export const sleep: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args.length === 0) return usageError(ctx, new Error('missing operand'));
  let ms = 0;
  for (const a of args) {
    const d = parseDuration(a);
    if (d === undefined) {
      fail(ctx, `invalid number '${a}'`);
      return 1;
    }
    ms += d;
  }
  if (ms === Number.POSITIVE_INFINITY) {
    // No timer at all: only a signal ends it.
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 0;
  }
  await ctx.clock.sleep(ms, ctx.signal);
  return 0;
};

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** strftime formats a UTC date (the busybox image has no zoneinfo, so TZ is UTC). */
export function strftime(fmt: string, d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'y': return p2(d.getUTCFullYear() % 100);
      case 'm': return p2(d.getUTCMonth() + 1);
      case 'd': return p2(d.getUTCDate());
      case 'e': return String(d.getUTCDate()).padStart(2, ' ');
      case 'H': return p2(d.getUTCHours());
      case 'I': return p2(((d.getUTCHours() + 11) % 12) + 1);
      case 'M': return p2(d.getUTCMinutes());
      case 'S': return p2(d.getUTCSeconds());
      case 'N': return String(d.getUTCMilliseconds() * 1_000_000).padStart(9, '0');
      case 's': return String(Math.floor(d.getTime() / 1000));
      case 'a': return DAYS[d.getUTCDay()]!;
      case 'A': return DAY_NAMES[d.getUTCDay()]!;
      case 'b':
      case 'h': return MONTHS[d.getUTCMonth()]!;
      case 'B': return MONTH_NAMES[d.getUTCMonth()]!;
      case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'j': return String(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1).padStart(3, '0');
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case 'F': return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
      case 'T': return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
      case 'R': return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
      case 'D': return `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${p2(d.getUTCFullYear() % 100)}`;
      case 'c': return strftime('%a %b %e %H:%M:%S %Y', d);
      case 'u': return String(d.getUTCDay() || 7);
      case 'w': return String(d.getUTCDay());
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return '%' + c;
    }
  });
}

/** date [-u] [-R] [-I] [+FORMAT]: busybox's default is `Wed Nov 25 20:15:03 UTC 2026`. */
export const date: Program = async (ctx) => {
  let fmt = '%a %b %e %H:%M:%S %Z %Y';
  let when = ctx.clock.now();
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('+')) fmt = a.slice(1);
    else if (a === '-u' || a === '--utc') continue;
    else if (a === '-R') fmt = '%a, %d %b %Y %H:%M:%S %z';
    else if (a.startsWith('-I')) fmt = '%Y-%m-%d';
    else if (a === '-d' || a.startsWith('-d')) {
      const v = a === '-d' ? args[++i] : a.slice(2);
      const parsed = v?.startsWith('@') ? new Date(Number(v.slice(1)) * 1000) : new Date(v ?? '');
      if (Number.isNaN(parsed.getTime())) {
        fail(ctx, `invalid date '${v}'`);
        return 1;
      }
      when = parsed;
    } else {
      fail(ctx, `can't set date: Operation not permitted`);
      return 1;
    }
  }
  ctx.stdout.write(strftime(fmt, when) + '\n');
  return 0;
};

/** hostname [-s]: the pod's hostname (setting it needs CAP_SYS_ADMIN). */
export const hostname: Program = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
  if (args.length > 0) {
    fail(ctx, 'sethostname: Operation not permitted');
    return 1;
  }
  const h = ctx.container.hostname;
  ctx.stdout.write((ctx.argv.includes('-s') ? h.split('.')[0] : h) + '\n');
  return 0;
};

/** env [-i] [-u NAME] [NAME=VALUE…] [COMMAND…] */
export const env: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let vars = new Map(ctx.env);
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-i' || a === '-') vars = new Map();
    else if (a === '-u') vars.delete(args[++i] ?? '');
    else if (a === '--') {
      i++;
      break;
    } else if (/^[^=]+=/.test(a)) {
      const eq = a.indexOf('=');
      vars.set(a.slice(0, eq), a.slice(eq + 1));
    } else break;
  }
  const command = args.slice(i);
  if (command.length === 0) {
    for (const [k, v] of vars) ctx.stdout.write(`${k}=${v}\n`);
    return 0;
  }
  try {
    return await ctx.run(command, { env: vars });
  } catch (err) {
    fail(ctx, `can't execute '${command[0]}': No such file or directory`);
    return (err as Error).name === 'CommandNotExecutableError' ? 126 : 127;
  }
};

/** printenv [NAME…] */
export const printenv: Program = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (names.length === 0) {
    for (const [k, v] of ctx.env) ctx.stdout.write(`${k}=${v}\n`);
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = ctx.env.get(n);
    if (v === undefined) status = 1;
    else ctx.stdout.write(v + '\n');
  }
  return status;
};

function groupsOf(ctx: ProgramContext, user: string, gid: number): number[] {
  const out = new Set<number>([gid]);
  try {
    for (const line of ctx.fs.readText('/etc/group').split('\n')) {
      const f = line.split(':');
      if (f.length >= 4 && f[3]!.split(',').includes(user)) out.add(Number(f[2]));
    }
  } catch {
    // No /etc/group: only the primary group.
  }
  return [...out].sort((a, b) => a - b);
}

/** id [-u] [-g] [-n]: `uid=0(root) gid=0(root) groups=0(root),10(wheel)`. */
export const id: Program = async (ctx) => {
  const { uid, gid } = ctx.container.user;
  const users = idNames(ctx, '/etc/passwd');
  const groups = idNames(ctx, '/etc/group');
  const name = users.get(uid);
  const flags = ctx.argv.slice(1).join('');
  const named = (n: number, names: Map<number, string>): string => (names.has(n) ? `${n}(${names.get(n)})` : String(n));
  if (flags.includes('u')) {
    ctx.stdout.write((flags.includes('n') ? name ?? String(uid) : String(uid)) + '\n');
    return 0;
  }
  if (flags.includes('g')) {
    ctx.stdout.write((flags.includes('n') ? groups.get(gid) ?? String(gid) : String(gid)) + '\n');
    return 0;
  }
  const all = groupsOf(ctx, name ?? '', gid);
  ctx.stdout.write(`uid=${named(uid, users)} gid=${named(gid, groups)} groups=${all.map((g) => named(g, groups)).join(',')}\n`);
  return 0;
};

/** whoami */
export const whoami: Program = async (ctx) => {
  const uid = ctx.container.user.uid;
  const name = idNames(ctx, '/etc/passwd').get(uid);
  if (!name) {
    fail(ctx, `unknown uid ${uid}`);
    return 1;
  }
  ctx.stdout.write(name + '\n');
  return 0;
};

/** uname [-asnrvm]: the simulated node kernel. */
export const uname: Program = async (ctx) => {
  let flags = ctx.argv.slice(1).join('').replace(/-/g, '');
  if (flags === '') flags = 's';
  if (flags.includes('a')) flags = 'snrvmo';
  const parts: string[] = [];
  if (flags.includes('s')) parts.push('Linux');
  if (flags.includes('n')) parts.push(ctx.container.hostname);
  if (flags.includes('r')) parts.push(KERNEL_RELEASE);
  if (flags.includes('v')) parts.push('#1 SMP PREEMPT_DYNAMIC Debian 6.1.0 (kslab simulated)');
  if (flags.includes('m') || flags.includes('p')) parts.push('x86_64');
  if (flags.includes('o')) parts.push('GNU/Linux');
  ctx.stdout.write(parts.join(' ') + '\n');
  return 0;
};

/**
 * df [-h] [-k] [-m] [-T] [PATH…]: coreutils/df.c's layout — `Filesystem`
 * padded to 20, sizes `%9s`, `Use%` rounded as busybox rounds it.
 */
export const df: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'hkmPTaiB');
  } catch (err) {
    return usageError(ctx, err);
  }
  const human = opts.flags.has('h');
  const unit = opts.flags.has('m') ? 1 << 20 : 1024;
  const header = human ? '     Size' : opts.flags.has('m') ? '1M-blocks' : '1K-blocks';
  ctx.stdout.write(`Filesystem           ${header.padEnd(15)}Used Available ${opts.flags.has('P') ? 'Capacity' : 'Use%'} Mounted on\n`);
  let points: string[];
  let status = 0;
  if (opts.operands.length > 0) {
    points = [];
    for (const op of opts.operands) {
      const path = resolve(ctx, op);
      try {
        ctx.fs.stat(path);
        points.push(ctx.fs.mountPointOf(path));
      } catch (err) {
        fail(ctx, `${op}: can't find mount point`);
        status = 1;
        void errnoMessage(err);
      }
    }
  } else {
    points = ctx.fs.mountTable().map((m) => m.mountPoint);
  }
  for (const point of points) {
    let u;
    try {
      u = ctx.fs.usage(point);
    } catch (err) {
      fail(ctx, `${point}: ${errnoMessage(err)}`);
      status = 1;
      continue;
    }
    if (u.sizeBytes === 0 && opts.operands.length === 0 && !opts.flags.has('a')) continue;
    const usedPlusAvail = u.usedBytes + u.availableBytes;
    const percent = usedPlusAvail > 0 ? Math.floor((u.usedBytes * 100 + usedPlusAvail / 2) / usedPlusAvail) : 0;
    const fmt = (bytes: number): string => (human ? (bytes === 0 ? '0' : humanReadable(bytes)) : String(Math.round(bytes / unit)));
    const dev = u.device.length > 20 ? `${u.device}\n${' '.repeat(20)}` : u.device.padEnd(20);
    ctx.stdout.write(`${dev} ${fmt(u.sizeBytes).padStart(9)} ${fmt(u.usedBytes).padStart(9)} ${fmt(u.availableBytes).padStart(9)} ${String(percent).padStart(3)}% ${u.mountPoint}\n`);
  }
  return status;
};

/** mount: with no arguments lists the mount table; mounting needs privileges the container lacks. */
export const mount: Program = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '-l');
  if (args.length > 0 && !(args.length === 2 && args[0] === '-t')) {
    fail(ctx, 'permission denied (are you root?)');
    return 1;
  }
  const type = args[0] === '-t' ? args[1] : undefined;
  for (const m of ctx.fs.mountTable()) if (!type || m.fstype === type) ctx.stdout.write(formatMountLine(m) + '\n');
  return 0;
};

/** trueApplet / falseApplet */
export const trueApplet: Program = async () => 0;
export const falseApplet: Program = async () => 1;

/** pwd */
export const pwd: Program = async (ctx) => {
  ctx.stdout.write(ctx.cwd + '\n');
  return 0;
};

/** clear: ANSI home and erase. */
export const clear: Program = async (ctx) => {
  ctx.stdout.write('\x1b[H\x1b[J');
  return 0;
};

/** which NAME…: searches PATH in the container. */
export const which: Program = async (ctx) => {
  let status = 0;
  for (const name of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    let found: string | undefined;
    for (const dir of (ctx.env.get('PATH') ?? '').split(':')) {
      if (!dir) continue;
      const p = resolve(ctx, `${dir}/${name}`);
      try {
        const st = ctx.fs.tryStat(p);
        if (st?.type === 'file' && st.mode & 0o111) {
          found = p;
          break;
        }
      } catch {
        continue;
      }
    }
    if (found) ctx.stdout.write(found + '\n');
    else status = 1;
  }
  return status;
};

/** nproc: the simulated node's CPUs (kind nodes see the host's; the lab's nodes report 2). */
export const nproc: Program = async (ctx) => {
  ctx.stdout.write('2\n');
  return 0;
};

/** sync: nothing to flush (writes go straight to the host files). */
export const sync: Program = async () => 0;

/** test / [ (XCU test): files, strings, integers, ! -a -o and parentheses. */
export const test: Program = async (ctx) => {
  let args = ctx.argv.slice(1);
  const name = ctx.argv[0]!.replace(/^.*\//, '');
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      ctx.stderr.write(`${name}: missing ]\n`);
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evaluateTest(ctx, args) ? 0 : 1;
  } catch (err) {
    ctx.stderr.write(`${name}: ${(err as Error).message}\n`);
    return 2;
  }
};

class TestSyntaxError extends Error {}

function evaluateTest(ctx: ProgramContext, args: string[]): boolean {
  if (args.length === 0) return false;
  let i = 0;
  const peek = (): string | undefined => args[i];
  const integer = (s: string): number => {
    if (!/^\s*[-+]?\d+\s*$/.test(s)) throw new TestSyntaxError(`${s}: bad number`);
    return Number(s);
  };
  const stat = (p: string) => {
    try {
      return ctx.fs.tryStat(resolve(ctx, p));
    } catch {
      return undefined;
    }
  };
  const primary = (): boolean => {
    const a = args[i];
    if (a === undefined) throw new TestSyntaxError('argument expected');
    if (a === '!') {
      i++;
      return !primary();
    }
    if (a === '(' && args.length - i > 2) {
      i++;
      const v = or();
      if (args[i] !== ')') throw new TestSyntaxError(`missing )`);
      i++;
      return v;
    }
    const b = args[i + 1];
    const c = args[i + 2];
    const binops = ['=', '==', '!=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '<', '>', '-nt', '-ot', '-ef'];
    if (b !== undefined && binops.includes(b) && c !== undefined) {
      i += 3;
      switch (b) {
        case '=':
        case '==': return a === c;
        case '!=': return a !== c;
        case '<': return a < c;
        case '>': return a > c;
        case '-eq': return integer(a) === integer(c);
        case '-ne': return integer(a) !== integer(c);
        case '-lt': return integer(a) < integer(c);
        case '-le': return integer(a) <= integer(c);
        case '-gt': return integer(a) > integer(c);
        case '-ge': return integer(a) >= integer(c);
        case '-nt': return (stat(a)?.mtime.getTime() ?? 0) > (stat(c)?.mtime.getTime() ?? 0);
        case '-ot': return (stat(a)?.mtime.getTime() ?? 0) < (stat(c)?.mtime.getTime() ?? 0);
        case '-ef': return resolve(ctx, a) === resolve(ctx, c);
      }
    }
    if (/^-[a-zA-Z]$/.test(a) && b !== undefined && !(args.length - i === 2 && false)) {
      i += 2;
      const st = stat(b);
      switch (a) {
        case '-e': return !!st;
        case '-f': return st?.type === 'file';
        case '-d': return st?.type === 'dir';
        case '-c': return st?.type === 'chardev';
        case '-b':
        case '-p':
        case '-S':
        case '-L':
        case '-h': return false;
        case '-s': return !!st && st.size > 0;
        case '-r':
        case '-w': return !!st && (ctx.container.user.uid === 0 || (st.mode & (a === '-r' ? 0o444 : 0o222)) !== 0);
        case '-x': return !!st && ((st.mode & 0o111) !== 0 || (st.type === 'dir' && ctx.container.user.uid === 0));
        case '-u': return !!st && (st.mode & 0o4000) !== 0;
        case '-g': return !!st && (st.mode & 0o2000) !== 0;
        case '-k': return !!st && (st.mode & 0o1000) !== 0;
        case '-z': return b === '';
        case '-n': return b !== '';
        case '-t': return ctx.tty && (b === '0' || b === '1' || b === '2');
        default:
          throw new TestSyntaxError(`${a}: unknown operand`);
      }
    }
    i++;
    return a !== '';
  };
  const and = (): boolean => {
    let v = primary();
    while (peek() === '-a') {
      i++;
      const r = primary();
      v = v && r;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (peek() === '-o') {
      i++;
      const r = and();
      v = v || r;
    }
    return v;
  };
  const v = or();
  if (i < args.length) throw new TestSyntaxError(`${args[i]}: unknown operand`);
  return v;
}

/** free [-m] [-h]: memory of the simulated node (a fixed, modest kind-node-sized figure). */
export const free: Program = async (ctx) => {
  const totalKb = 8_148_000;
  const used = 2_310_000;
  const h = ctx.argv.includes('-h');
  const f = (kb: number): string => (h ? humanReadable(kb * 1024) : ctx.argv.includes('-m') ? String(Math.floor(kb / 1024)) : String(kb));
  ctx.stdout.write(
    `              total        used        free      shared  buff/cache   available\n` +
      `Mem:   ${f(totalKb).padStart(12)}${f(used).padStart(12)}${f(totalKb - used - 1_900_000).padStart(12)}${f(3_000).padStart(12)}${f(1_900_000).padStart(12)}${f(totalKb - used).padStart(12)}\n` +
      `Swap:  ${f(0).padStart(12)}${f(0).padStart(12)}${f(0).padStart(12)}\n`,
  );
  return 0;
};

/** ps: busybox's default columns (`PID   USER     TIME  COMMAND`) over this container's process table. */
export const ps: Program = async (ctx) => {
  const users = idNames(ctx, '/etc/passwd');
  ctx.stdout.write('PID   USER     TIME  COMMAND\n');
  // TIME is CPU time; a simulated process uses almost none, so it reads 0:00 as a sleeping process would.
  for (const p of ctx.process?.list() ?? []) {
    const user = users.get(p.uid) ?? String(p.uid);
    ctx.stdout.write(`${String(p.pid).padStart(5)} ${user.slice(0, 8).padEnd(8)} ${'0:00'.padStart(5)} ${p.argv.join(' ')}\n`);
  }
  return 0;
};

/** kill [-SIG] PID…: signals processes of this container. */
export const kill: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args[0] === '-l') {
    ctx.stdout.write(' 1) HUP\n 2) INT\n 3) QUIT\n 9) KILL\n15) TERM\n');
    return 0;
  }
  let signal: SignalName = 'TERM';
  if (args[0]?.startsWith('-')) {
    const s = args.shift()!.slice(1) || '';
    const name = (s === 's' ? args.shift() ?? '' : s).replace(/^SIG/i, '').toUpperCase();
    const byNumber: Record<string, SignalName> = { '1': 'HUP', '2': 'INT', '3': 'QUIT', '9': 'KILL', '15': 'TERM' };
    const resolved = Object.hasOwn(byNumber, name) ? byNumber[name] : (['HUP', 'INT', 'QUIT', 'KILL', 'TERM'] as const).find((n) => n === name);
    if (!resolved) {
      fail(ctx, `bad signal name '${s}'`);
      return 1;
    }
    signal = resolved;
  }
  let status = 0;
  for (const a of args) {
    const pid = Number(a);
    if (!Number.isInteger(pid) || ctx.process?.kill(pid, signal) !== 'ok') {
      fail(ctx, `can't kill pid ${a}: No such process`);
      status = 1;
    }
  }
  return status;
};

/** xargs [-n N] [-I REPL] [COMMAND [ARG…]]: runs COMMAND (default echo) with words read from stdin. */
export const xargs: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let perCall = Infinity;
  let replace: string | undefined;
  while (args.length > 0 && args[0]!.startsWith('-')) {
    const a = args.shift()!;
    if (a === '-n') perCall = Math.max(1, Number(args.shift()));
    else if (a.startsWith('-n')) perCall = Math.max(1, Number(a.slice(2)));
    else if (a === '-I') replace = args.shift();
    else if (a === '-r' || a === '--no-run-if-empty' || a === '-t') continue;
    else if (a === '--') break;
    else {
      fail(ctx, `unrecognized option: ${a}`);
      return 1;
    }
  }
  const command = args.length > 0 ? args : ['echo'];
  let input = '';
  for (;;) {
    const chunk = await ctx.stdin.read();
    if (chunk === null) break;
    input += Buffer.from(chunk).toString('utf8');
    if (input.length > 1 << 20) break;
  }
  const items = replace !== undefined ? input.split('\n').filter((l) => l !== '') : (input.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
  if (items.length === 0 && replace !== undefined) return 0;
  let status = 0;
  const calls: string[][] = [];
  if (replace !== undefined) {
    for (const item of items) calls.push(command.map((w) => w.split(replace!).join(item)));
  } else {
    if (items.length === 0) calls.push([...command]);
    for (let i = 0; i < items.length; i += perCall === Infinity ? items.length : perCall) calls.push([...command, ...items.slice(i, i + (perCall === Infinity ? items.length : perCall))]);
  }
  for (const argv of calls) {
    if (ctx.signal.aborted) break;
    try {
      const code = await ctx.run(argv);
      if (code === 255) return 124;
      if (code !== 0) status = 123;
    } catch {
      fail(ctx, `${argv[0]}: No such file or directory`);
      return 127;
    }
  }
  return status;
};

/** timeout [-s SIG] SECONDS COMMAND…: stops COMMAND after SECONDS (exit 124), as coreutils/timeout.c. */
export const timeout: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let signal: SignalName = 'TERM';
  if (args[0] === '-s') {
    args.shift();
    const name = (args.shift() ?? '').replace(/^SIG/i, '').toUpperCase();
    if (!['HUP', 'INT', 'QUIT', 'KILL', 'TERM'].includes(name)) {
      fail(ctx, `unknown signal '${name}'`);
      return 125;
    }
    signal = name as SignalName;
  }
  const seconds = parseDuration(args.shift() ?? '');
  if (seconds === undefined || args.length === 0) return usageError(ctx, new Error('missing operand'));
  const controller = new AbortController();
  const onParent = (): void => controller.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onParent, { once: true });
  let timedOut = false;
  const timer = new AbortController();
  void ctx.clock.sleep(seconds, timer.signal).then(() => {
    if (timer.signal.aborted) return;
    timedOut = true;
    controller.abort(new SignalAbort(signal));
  });
  try {
    const code = await ctx.run(args, { signal: controller.signal });
    return timedOut ? 124 : code;
  } catch {
    fail(ctx, `can't execute '${args[0]}': No such file or directory`);
    return 127;
  } finally {
    timer.abort();
    ctx.signal.removeEventListener('abort', onParent);
  }
};

/** expr: integer arithmetic, comparisons, `length`, and `STRING : REGEX` (coreutils/expr.c); exit 1 when the result is 0 or empty. */
export const expr: Program = async (ctx) => {
  const toks = ctx.argv.slice(1);
  let i = 0;
  const isInt = (v: string): boolean => /^-?\d+$/.test(v);
  const fail2 = (msg: string): never => {
    throw new Error(msg);
  };
  const primary = (): string => {
    const t = toks[i++];
    if (t === undefined) fail2('syntax error');
    if (t === '(') {
      const v = orExpr();
      if (toks[i++] !== ')') fail2('syntax error');
      return v;
    }
    if (t === 'length') return String([...primary()].length);
    return t!;
  };
  const match = (): string => {
    let v = primary();
    while (toks[i] === ':') {
      i++;
      // Anchored at the start; with a \( \) group the result is the group's text, else the match length.
      const pattern = primary();
      const m = new RegExp('^(?:' + bre(pattern) + ')').exec(v);
      v = /\\\(/.test(pattern) ? (m?.[1] ?? '') : String(m ? m[0].length : 0);
    }
    return v;
  };
  const mul = (): string => {
    let v = match();
    while (toks[i] === '*' || toks[i] === '/' || toks[i] === '%') {
      const op = toks[i++]!;
      const r = match();
      if (!isInt(v) || !isInt(r)) fail2('non-numeric argument');
      if (op !== '*' && Number(r) === 0) fail2('division by zero');
      v = String(op === '*' ? Number(v) * Number(r) : op === '/' ? Math.trunc(Number(v) / Number(r)) : Number(v) % Number(r));
    }
    return v;
  };
  const add = (): string => {
    let v = mul();
    while (toks[i] === '+' || toks[i] === '-') {
      const op = toks[i++]!;
      const r = mul();
      if (!isInt(v) || !isInt(r)) fail2('non-numeric argument');
      v = String(op === '+' ? Number(v) + Number(r) : Number(v) - Number(r));
    }
    return v;
  };
  const cmp = (): string => {
    let v = add();
    while (['=', '==', '!=', '<', '<=', '>', '>='].includes(toks[i] ?? '')) {
      const op = toks[i++]!;
      const r = add();
      const c = isInt(v) && isInt(r) ? Number(v) - Number(r) : v < r ? -1 : v > r ? 1 : 0;
      const ok = op === '=' || op === '==' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      v = ok ? '1' : '0';
    }
    return v;
  };
  const andExpr = (): string => {
    let v = cmp();
    while (toks[i] === '&') {
      i++;
      const r = cmp();
      v = v !== '' && v !== '0' && r !== '' && r !== '0' ? v : '0';
    }
    return v;
  };
  function orExpr(): string {
    let v = andExpr();
    while (toks[i] === '|') {
      i++;
      const r = andExpr();
      v = v !== '' && v !== '0' ? v : r !== '' && r !== '0' ? r : '0';
    }
    return v;
  }
  try {
    const v = orExpr();
    if (i < toks.length) fail2('syntax error');
    ctx.stdout.write(v + '\n');
    return v === '' || v === '0' ? 1 : 0;
  } catch (err) {
    fail(ctx, (err as Error).message);
    return 2;
  }
};

/** uptime: busybox's one line (` 20:15:03 up 5 min,  0 users,  load average: 0.08, 0.05, 0.01`), from /proc/uptime. */
export const uptime: Program = async (ctx) => {
  let seconds = 0;
  try {
    seconds = Number(ctx.fs.readText('/proc/uptime').split(' ')[0]) || 0;
  } catch {
    seconds = 0;
  }
  const minutes = Math.floor(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  const up = `${days > 0 ? `${days} day${days === 1 ? '' : 's'}, ` : ''}${h > 0 ? `${h}:${String(m).padStart(2, '0')}` : `${m} min`}`;
  ctx.stdout.write(` ${strftime('%H:%M:%S', ctx.clock.now())} up ${up},  0 users,  load average: 0.08, 0.05, 0.01\n`);
  return 0;
};
