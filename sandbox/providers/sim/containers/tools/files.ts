/**
 * File applets of busybox 1.36: ls, mkdir, touch, rm, rmdir, cp, mv, find,
 * stat, dd, chmod, chown, ln, du. All of them act only through the
 * container's filesystem view. `ls -l` follows coreutils/ls.c's
 * display_single() column widths; dd prints its transfer summary as
 * coreutils/dd.c does.
 */
import { FsError, errnoMessage } from '../fs/errors.ts';
import type { FileStat } from '../fs/container-fs.ts';
import { normalizePath } from '../fs/paths.ts';
import type { Program, ProgramContext } from '../program.ts';
import { byteOrder, fail, failErr, humanReadable, idNames, parseOptions, resolve, usageError } from './common.ts';
import { terminalWidth } from './tty.ts';

/** modeString is bb_mode_string: `drwxr-xr-x`, `-rw-r--r--`, `crw-rw-rw-`, with s/t bits. */
export function modeString(st: FileStat): string {
  const type = st.type === 'dir' ? 'd' : st.type === 'chardev' ? 'c' : st.type === 'other' ? 'p' : '-';
  const m = st.mode;
  const rwx = (shift: number, special: number, ch: string): string => {
    const r = m & (4 << shift) ? 'r' : '-';
    const w = m & (2 << shift) ? 'w' : '-';
    const xBit = m & (1 << shift);
    const x = m & special ? (xBit ? ch : ch.toUpperCase()) : xBit ? 'x' : '-';
    return r + w + x;
  };
  return type + rwx(6, 0o4000, 's') + rwx(3, 0o2000, 's') + rwx(0, 0o1000, 't');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** lsTime is ls -l's date column: `Nov 25 19:50` within six months, else `Sep 26  2024` (UTC: the images have no TZ). */
export function lsTime(mtime: Date, now: Date): string {
  const day = String(mtime.getUTCDate()).padStart(2, ' ');
  const month = MONTHS[mtime.getUTCMonth()]!;
  const age = now.getTime() - mtime.getTime();
  if (age < (365 / 2) * 24 * 3600 * 1000 && age > -15 * 60 * 1000) {
    return `${month} ${day} ${String(mtime.getUTCHours()).padStart(2, '0')}:${String(mtime.getUTCMinutes()).padStart(2, '0')}`;
  }
  return `${month} ${day}  ${mtime.getUTCFullYear()}`;
}

interface Entry {
  name: string;
  path: string;
  st: FileStat;
}

/** ls [-1alAdRhnrtSF] FILE… — busybox output: columns on a tty, one per line otherwise. */
export const ls: Program = async (ctx) => {
  let opts;
  try {
    // --color and friends are accepted; this simulation prints no colours.
    opts = parseOptions(ctx.argv.slice(1), '1aAlCdRhnrtSFpeic', '', { long: { color: null, 'full-time': null, 'group-directories-first': null, all: 'a', recursive: 'R', 'human-readable': 'h' } });
  } catch (err) {
    return usageError(ctx, err);
  }
  const f = opts.flags;
  const long = f.has('l') || f.has('n');
  const all = f.has('a');
  const almostAll = f.has('A');
  const users = idNames(ctx, '/etc/passwd');
  const groups = idNames(ctx, '/etc/group');
  const now = ctx.clock.now();
  const columns = ctx.tty && !f.has('1') && !long;
  const width = terminalWidth(ctx);
  let status = 0;

  const sortEntries = (entries: Entry[]): Entry[] => {
    const sorted = entries.sort((a, b) => {
      if (f.has('t')) return b.st.mtime.getTime() - a.st.mtime.getTime() || byteOrder(a.name, b.name);
      if (f.has('S')) return b.st.size - a.st.size || byteOrder(a.name, b.name);
      return byteOrder(a.name, b.name);
    });
    return f.has('r') ? sorted.reverse() : sorted;
  };
  const suffix = (e: Entry): string => (f.has('F') || f.has('p') ? (e.st.type === 'dir' ? '/' : f.has('F') && e.st.type === 'file' && e.st.mode & 0o111 ? '*' : '') : '');
  const line = (e: Entry): string => {
    if (!long) return e.name + suffix(e);
    const owner = f.has('n') ? String(e.st.uid) : users.get(e.st.uid) ?? String(e.st.uid);
    const group = f.has('n') ? String(e.st.gid) : groups.get(e.st.gid) ?? String(e.st.gid);
    const size = e.st.type === 'chardev' ? `${String(e.st.rdev![0]).padStart(4)}, ${String(e.st.rdev![1]).padStart(3)}` : f.has('h') ? humanReadable(e.st.size).padStart(7) : String(e.st.size).padStart(9);
    return `${modeString(e.st).padEnd(10)} ${String(e.st.nlink).padStart(4)} ${owner.slice(0, 8).padEnd(8)} ${group.slice(0, 8).padEnd(8)} ${size} ${lsTime(e.st.mtime, now)} ${e.name}${suffix(e)}`;
  };
  const print = (entries: Entry[]): void => {
    if (entries.length === 0) return;
    if (!columns) {
      for (const e of entries) ctx.stdout.write(line(e) + '\n');
      return;
    }
    // coreutils/ls.c showfiles(): column width = longest name + 2, filled down the columns.
    const colWidth = Math.max(...entries.map((e) => (e.name + suffix(e)).length)) + 2;
    const ncols = Math.max(1, Math.floor(width / colWidth));
    const nrows = Math.ceil(entries.length / ncols);
    for (let r = 0; r < nrows; r++) {
      let out = '';
      for (let c = 0; c < ncols; c++) {
        const i = c * nrows + r;
        if (i >= entries.length) break;
        const text = line(entries[i]!);
        const isLast = c === ncols - 1 || (c + 1) * nrows + r >= entries.length;
        out += isLast ? text : text.padEnd(colWidth);
      }
      ctx.stdout.write(out + '\n');
    }
  };
  const listDir = (dir: string, display: string): Entry[] | undefined => {
    let names: string[];
    try {
      names = ctx.fs.readdir(dir);
    } catch (err) {
      fail(ctx, `${display}: ${errnoMessage(err)}`);
      status = 1;
      return undefined;
    }
    const entries: Entry[] = [];
    if (all) {
      for (const dot of ['.', '..']) {
        try {
          entries.push({ name: dot, path: normalizePath(dot, dir), st: ctx.fs.stat(normalizePath(dot, dir)) });
        } catch {
          // A vanished directory lists without dots.
        }
      }
    }
    for (const name of names) {
      if (name.startsWith('.') && !all && !almostAll) continue;
      const path = dir === '/' ? '/' + name : dir + '/' + name;
      try {
        entries.push({ name, path, st: ctx.fs.stat(path) });
      } catch {
        // Removed between readdir and stat.
      }
    }
    return sortEntries(entries);
  };
  const totalBlocks = (entries: Entry[]): number => entries.reduce((sum, e) => sum + (e.st.type === 'file' ? Math.ceil(e.st.size / 4096) * 4 : e.st.type === 'dir' ? 4 : 0), 0);

  const operands = opts.operands.length > 0 ? opts.operands : ['.'];
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  for (const op of operands) {
    const path = resolve(ctx, op);
    try {
      const st = ctx.fs.stat(path);
      (st.type === 'dir' && !f.has('d') ? dirs : files).push({ name: op, path, st });
    } catch (err) {
      fail(ctx, `${op}: ${errnoMessage(err)}`);
      status = 1;
    }
  }
  print(sortEntries(files));
  const showHeaders = operands.length > 1 || f.has('R');
  let first = files.length === 0;
  const walk = (d: Entry, depth: number): void => {
    if (ctx.stdout.closed || depth > 64) return;
    if (showHeaders) {
      ctx.stdout.write(`${first ? '' : '\n'}${d.name}:\n`);
    }
    first = false;
    const entries = listDir(d.path, d.name);
    if (!entries) return;
    if (long) ctx.stdout.write(`total ${totalBlocks(entries)}\n`);
    print(entries);
    if (f.has('R')) {
      for (const e of entries) {
        if (e.st.type === 'dir' && e.name !== '.' && e.name !== '..') walk({ ...e, name: `${d.name.replace(/\/$/, '')}/${e.name}` }, depth + 1);
      }
    }
  };
  for (const d of sortEntries(dirs)) walk(d, 0);
  return status;
};

/** mkdir [-p] [-m MODE] DIR… */
export const mkdir: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'pv', 'm', { long: { parents: 'p', verbose: 'v' } });
  } catch (err) {
    return usageError(ctx, err);
  }
  const mode = opts.flags.has('m') ? parseInt(String(opts.flags.get('m')), 8) : 0o755;
  let status = 0;
  for (const op of opts.operands) {
    const path = resolve(ctx, op);
    try {
      if (opts.flags.has('p')) {
        const parts = path.split('/').filter(Boolean);
        for (let i = 1; i <= parts.length; i++) {
          const p = '/' + parts.slice(0, i).join('/');
          const st = ctx.fs.tryStat(p);
          if (st) {
            if (st.type !== 'dir') throw new FsError('ENOTDIR', p);
            continue;
          }
          ctx.fs.mkdir(p, i === parts.length ? mode : 0o755);
        }
      } else {
        ctx.fs.mkdir(path, mode);
      }
    } catch (err) {
      fail(ctx, `can't create directory '${op}': ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
};

/** touch [-c] FILE… */
export const touch: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'cam', 'dtr');
  } catch (err) {
    return usageError(ctx, err);
  }
  let status = 0;
  const when = opts.flags.has('d') ? new Date(String(opts.flags.get('d'))) : ctx.clock.now();
  for (const op of opts.operands) {
    const path = resolve(ctx, op);
    try {
      if (opts.flags.has('c') && !ctx.fs.exists(path)) continue;
      ctx.fs.touch(path, Number.isNaN(when.getTime()) ? ctx.clock.now() : when);
    } catch (err) {
      fail(ctx, `${op}: ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
};

/** removeTree deletes a path and, for directories, everything under it (rm -r). */
function removeTree(ctx: ProgramContext, path: string, display: string, depth = 0): boolean {
  const st = ctx.fs.stat(path);
  let ok = true;
  if (st.type === 'dir') {
    if (depth > 128) throw new FsError('ENAMETOOLONG', path);
    for (const name of ctx.fs.readdir(path)) {
      const child = path === '/' ? '/' + name : path + '/' + name;
      try {
        if (!removeTree(ctx, child, `${display.replace(/\/$/, '')}/${name}`, depth + 1)) ok = false;
      } catch (err) {
        fail(ctx, `can't remove '${display.replace(/\/$/, '')}/${name}': ${errnoMessage(err)}`);
        ok = false;
      }
    }
  }
  if (!ok) return false;
  ctx.fs.remove(path);
  return true;
}

/** rm [-rRf] FILE… */
export const rm: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'rRfiv', '', { long: { recursive: 'r', force: 'f', verbose: 'v' } });
  } catch (err) {
    return usageError(ctx, err);
  }
  const recursive = opts.flags.has('r') || opts.flags.has('R');
  const force = opts.flags.has('f');
  let status = 0;
  for (const op of opts.operands) {
    const path = resolve(ctx, op);
    if (/(^|\/)\.\.?\/*$/.test(op)) {
      fail(ctx, `can't remove '.' or '..'`);
      status = 1;
      continue;
    }
    try {
      const st = ctx.fs.stat(path);
      if (st.type === 'dir' && !recursive) {
        fail(ctx, `'${op}' is a directory`);
        status = 1;
        continue;
      }
      if (recursive) {
        if (!removeTree(ctx, path, op)) status = 1;
      } else ctx.fs.remove(path);
    } catch (err) {
      if (force && err instanceof FsError && err.code === 'ENOENT') continue;
      fail(ctx, `can't remove '${op}': ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
};

/** rmdir [-p] DIR… */
export const rmdir: Program = async (ctx) => {
  let status = 0;
  for (const op of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const path = resolve(ctx, op);
    try {
      if (ctx.fs.stat(path).type !== 'dir') throw new FsError('ENOTDIR', path);
      ctx.fs.remove(path);
    } catch (err) {
      fail(ctx, `'${op}': ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
};

/** copyTree copies a file or (recursively) a directory; returns false after printing errors. */
function copyTree(ctx: ProgramContext, src: string, dst: string, display: string, recursive: boolean, preserve: boolean, depth = 0): boolean {
  const st = ctx.fs.stat(src);
  if (st.type === 'dir') {
    if (!recursive) {
      fail(ctx, `omitting directory '${display}'`);
      return false;
    }
    if (depth > 64 || dst === src || dst.startsWith(src + '/')) {
      fail(ctx, `can't copy a directory, '${display}', into itself`);
      return false;
    }
    const existing = ctx.fs.tryStat(dst);
    if (!existing) ctx.fs.mkdir(dst, st.mode);
    else if (existing.type !== 'dir') throw new FsError('ENOTDIR', dst);
    let ok = true;
    for (const name of ctx.fs.readdir(src).sort(byteOrder)) {
      const s = src === '/' ? '/' + name : `${src}/${name}`;
      try {
        if (!copyTree(ctx, s, `${dst}/${name}`, `${display}/${name}`, recursive, preserve, depth + 1)) ok = false;
      } catch (err) {
        fail(ctx, `can't create '${dst}/${name}': ${errnoMessage(err)}`);
        ok = false;
      }
    }
    return ok;
  }
  const reader = ctx.fs.openRead(src);
  try {
    const writer = ctx.fs.openWrite(dst);
    try {
      for (;;) {
        const chunk = reader.read(1 << 20);
        if (!chunk) break;
        writer.write(chunk);
      }
    } finally {
      writer.close();
    }
  } finally {
    reader.close();
  }
  if (preserve || st.mode & 0o111) ctx.fs.chmod(dst, st.mode);
  if (preserve) ctx.fs.touch(dst, st.mtime);
  return true;
}

/** cp [-rRapf] SRC… DEST */
export const cp: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'rRapfdPLHiuvnT', '', { long: { recursive: 'r', archive: 'a', force: 'f', verbose: 'v' } });
  } catch (err) {
    return usageError(ctx, err);
  }
  const recursive = opts.flags.has('r') || opts.flags.has('R') || opts.flags.has('a');
  const preserve = opts.flags.has('p') || opts.flags.has('a');
  const ops = opts.operands;
  if (ops.length < 2) return usageError(ctx, new Error('missing file operand'));
  const dest = ops[ops.length - 1]!;
  const destPath = resolve(ctx, dest);
  const destSt = ctx.fs.tryStat(destPath);
  if (ops.length > 2 && destSt?.type !== 'dir') {
    fail(ctx, `'${dest}' is not a directory`);
    return 1;
  }
  let status = 0;
  for (const src of ops.slice(0, -1)) {
    const srcPath = resolve(ctx, src);
    if (!ctx.fs.exists(srcPath)) {
      fail(ctx, `can't stat '${src}': No such file or directory`);
      status = 1;
      continue;
    }
    const target = destSt?.type === 'dir' ? normalizePath(srcPath.slice(srcPath.lastIndexOf('/') + 1), destPath) : destPath;
    try {
      if (!copyTree(ctx, srcPath, target, src, recursive, preserve)) status = 1;
    } catch (err) {
      fail(ctx, `can't create '${target === destPath ? dest : target}': ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
};

/** mv SRC… DEST (across mounts: copy, then remove — busybox mv's EXDEV fallback). */
export const mv: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'finvT');
  } catch (err) {
    return usageError(ctx, err);
  }
  const ops = opts.operands;
  if (ops.length < 2) return usageError(ctx, new Error('missing file operand'));
  const dest = ops[ops.length - 1]!;
  const destPath = resolve(ctx, dest);
  const destSt = ctx.fs.tryStat(destPath);
  if (ops.length > 2 && destSt?.type !== 'dir') {
    fail(ctx, `'${dest}' is not a directory`);
    return 1;
  }
  let status = 0;
  for (const src of ops.slice(0, -1)) {
    const srcPath = resolve(ctx, src);
    const target = destSt?.type === 'dir' ? normalizePath(srcPath.slice(srcPath.lastIndexOf('/') + 1), destPath) : destPath;
    try {
      ctx.fs.stat(srcPath);
    } catch (err) {
      fail(ctx, `can't stat '${src}': ${errnoMessage(err)}`);
      status = 1;
      continue;
    }
    try {
      ctx.fs.rename(srcPath, target);
    } catch (err) {
      if (err instanceof FsError && err.code === 'EXDEV') {
        try {
          if (copyTree(ctx, srcPath, target, src, true, true) && !removeTree(ctx, srcPath, src)) status = 1;
        } catch (e2) {
          fail(ctx, `can't create '${dest}': ${errnoMessage(e2)}`);
          status = 1;
        }
        continue;
      }
      fail(ctx, `can't rename '${src}': ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
};

/** find [PATH…] [-name P] [-iname P] [-type f|d] [-maxdepth N] [-mindepth N] [-print] [-delete] */
export const find: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const roots: string[] = [];
  while (args.length > 0 && !args[0]!.startsWith('-') && args[0] !== '!' && args[0] !== '(') roots.push(args.shift()!);
  if (roots.length === 0) roots.push('.');
  type Test = (e: { name: string; st: FileStat; depth: number }) => boolean;
  // -o separates alternatives; the tests within one alternative must all hold.
  const alternatives: Test[][] = [[]];
  let tests = alternatives[0]!;
  let maxDepth = 64;
  let minDepth = 0;
  let negate = false;
  // -delete removes what matched instead of printing it, children before their directory (it implies -depth, as in findutils and busybox).
  let remove = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = args[i + 1];
    const add = (t: (e: { name: string; st: FileStat; depth: number }) => boolean): void => {
      const n = negate;
      tests.push(n ? (e) => !t(e) : t);
      negate = false;
    };
    switch (a) {
      case '!':
      case '-not':
        negate = true;
        break;
      case '-name':
      case '-iname': {
        if (value === undefined) return missing(ctx, a);
        const re = globToRegex(value, a === '-iname');
        add((e) => re.test(e.name));
        i++;
        break;
      }
      case '-type': {
        if (value === undefined) return missing(ctx, a);
        const want = value === 'd' ? 'dir' : value === 'f' ? 'file' : value === 'c' ? 'chardev' : 'other';
        add((e) => e.st.type === want);
        i++;
        break;
      }
      case '-maxdepth':
        maxDepth = Math.min(64, Number(value));
        i++;
        break;
      case '-mindepth':
        minDepth = Number(value);
        i++;
        break;
      case '-delete':
        remove = true;
        break;
      case '-print':
      case '-a':
      case '-and':
        break;
      case '-o':
      case '-or':
        tests = [];
        alternatives.push(tests);
        break;
      case '-size': {
        const m = /^([+-]?)(\d+)([ckMG]?)$/.exec(value ?? '');
        if (!m) return missing(ctx, a);
        const unit = { c: 1, k: 1024, M: 1 << 20, G: 1 << 30, '': 512 }[m[3] as 'c'] ?? 512;
        const n = Number(m[2]) * unit;
        add((e) => (m[1] === '+' ? e.st.size > n : m[1] === '-' ? e.st.size < n : Math.ceil(e.st.size / unit) * unit === n));
        i++;
        break;
      }
      default:
        fail(ctx, `unrecognized: ${a}`);
        return 1;
    }
  }
  let status = 0;
  const matched: { path: string; display: string }[] = [];
  const walk = (path: string, display: string, depth: number): void => {
    if (ctx.stdout.closed) return;
    let st: FileStat;
    try {
      st = ctx.fs.stat(path);
    } catch (err) {
      fail(ctx, `${display}: ${errnoMessage(err)}`);
      status = 1;
      return;
    }
    const name = depth === 0 ? display : display.slice(display.lastIndexOf('/') + 1);
    if (depth >= minDepth && alternatives.some((alt) => alt.every((t) => t({ name, st, depth })))) {
      if (remove) matched.push({ path, display });
      else ctx.stdout.write(display + '\n');
    }
    if (st.type !== 'dir' || depth >= maxDepth) return;
    let names: string[];
    try {
      names = ctx.fs.readdir(path);
    } catch (err) {
      fail(ctx, `${display}: ${errnoMessage(err)}`);
      status = 1;
      return;
    }
    for (const n of names.sort(byteOrder)) walk(path === '/' ? '/' + n : `${path}/${n}`, `${display.replace(/\/$/, '')}/${n}`, depth + 1);
  };
  for (const r of roots) walk(resolve(ctx, r), r, 0);
  // The walk is pre-order; reversed, every entry comes after everything under it.
  for (const m of matched.reverse()) {
    try {
      ctx.fs.remove(m.path);
    } catch (err) {
      fail(ctx, `${m.display}: ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
};

function missing(ctx: ProgramContext, opt: string): number {
  fail(ctx, `${opt}: requires an argument`);
  return 1;
}

function globToRegex(glob: string, ignoreCase: boolean): RegExp {
  const re = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, ignoreCase ? 'is' : 's');
}

/** stat [-c FORMAT] FILE… (busybox's default layout). */
export const stat: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'LftF', 'c');
  } catch (err) {
    return usageError(ctx, err);
  }
  const users = idNames(ctx, '/etc/passwd');
  const groups = idNames(ctx, '/etc/group');
  let status = 0;
  const typeName = (st: FileStat): string => (st.type === 'dir' ? 'directory' : st.type === 'chardev' ? 'character special file' : st.type === 'file' ? (st.size === 0 ? 'regular empty file' : 'regular file') : 'fifo');
  const time = (d: Date): string => d.toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1000000 +0000');
  for (const op of opts.operands) {
    let st: FileStat;
    try {
      st = ctx.fs.stat(resolve(ctx, op));
    } catch (err) {
      fail(ctx, `can't stat '${op}': ${errnoMessage(err)}`);
      status = 1;
      continue;
    }
    const octal = (st.mode & 0o7777).toString(8).padStart(4, '0');
    const user = users.get(st.uid) ?? 'UNKNOWN';
    const group = groups.get(st.gid) ?? 'UNKNOWN';
    if (opts.flags.has('c')) {
      const fmt = String(opts.flags.get('c'));
      const out = fmt.replace(/%([nsaAUGugFyYXxhi%])/g, (_m, c: string) => {
        switch (c) {
          case 'n': return op;
          case 's': return String(st.size);
          case 'a': return (st.mode & 0o7777).toString(8);
          case 'A': return modeString(st);
          case 'U': return user;
          case 'G': return group;
          case 'u': return String(st.uid);
          case 'g': return String(st.gid);
          case 'F': return typeName(st);
          case 'y': return time(st.mtime);
          case 'Y': return String(Math.floor(st.mtime.getTime() / 1000));
          case 'h': return String(st.nlink);
          case '%': return '%';
          default: return '?';
        }
      });
      ctx.stdout.write(out + '\n');
      continue;
    }
    const blocks = Math.ceil(st.size / 4096) * 8;
    ctx.stdout.write(
      `  File: ${op}\n` +
        `  Size: ${String(st.size).padEnd(10)}\tBlocks: ${String(blocks).padEnd(10)} IO Block: 4096   ${typeName(st)}\n` +
        `Device: 2bh/43d\tInode: ${String(inodeOf(op)).padEnd(11)} Links: ${st.nlink}\n` +
        `Access: (${octal}/${modeString(st)})  Uid: (${String(st.uid).padStart(5)}/${user.padStart(8)})   Gid: (${String(st.gid).padStart(5)}/${group.padStart(8)})\n` +
        `Access: ${time(st.mtime)}\nModify: ${time(st.mtime)}\nChange: ${time(st.mtime)}\n`,
    );
  }
  return status;
};

function inodeOf(path: string): number {
  let h = 2166136261;
  for (const c of path) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return 100000 + (h % 9000000);
}

/** parseSize reads dd's sizes: 512, 1k, 1K, 1M, 1G, 2x512 … */
function parseSize(s: string): number | undefined {
  const m = /^(\d+)([cwbkKMGT]?)(?:B)?$/.exec(s);
  if (!m) return undefined;
  const mult = { '': 1, c: 1, w: 2, b: 512, k: 1024, K: 1024, M: 1 << 20, G: 1 << 30, T: 2 ** 40 }[m[2] as ''] ?? 1;
  return Number(m[1]) * mult;
}

/** MAX_DD_BLOCK bounds dd's block buffer: the server holds one block in memory. */
const MAX_DD_BLOCK = 64 * 1024 * 1024;

/** dd if= of= bs= count= skip= seek= conv=notrunc status=none: block copy with busybox's summary on stderr. */
export const dd: Program = async (ctx) => {
  const params = new Map<string, string>();
  for (const a of ctx.argv.slice(1)) {
    const eq = a.indexOf('=');
    if (eq < 0) {
      fail(ctx, `invalid argument '${a}'`);
      return 1;
    }
    params.set(a.slice(0, eq), a.slice(eq + 1));
  }
  const bs = parseSize(params.get('bs') ?? params.get('ibs') ?? '512');
  const count = params.has('count') ? parseSize(params.get('count')!) : undefined;
  const skip = parseSize(params.get('skip') ?? '0') ?? 0;
  const seek = parseSize(params.get('seek') ?? '0') ?? 0;
  if (!bs || (params.has('count') && count === undefined)) {
    fail(ctx, `invalid number '${params.get('bs') ?? params.get('count')}'`);
    return 1;
  }
  if (bs > MAX_DD_BLOCK) {
    fail(ctx, `bs=${params.get('bs')}: block larger than ${MAX_DD_BLOCK / (1 << 20)}M (limit of this simulated container)`);
    return 1;
  }
  const started = ctx.clock.now().getTime();
  const quiet = params.get('status') === 'none';
  const inPath = params.get('if');
  const outPath = params.get('of');
  let reader: { read(max: number): Uint8Array | null; close(): void } | undefined;
  let stdinBuffer: Uint8Array = new Uint8Array(0);
  let stdinDone = false;
  if (inPath) {
    try {
      reader = ctx.fs.openRead(resolve(ctx, inPath));
    } catch (err) {
      fail(ctx, `can't open '${inPath}': ${errnoMessage(err)}`);
      return 1;
    }
  }
  const readBlock = async (): Promise<Uint8Array | null> => {
    if (reader) {
      const chunks: Uint8Array[] = [];
      let got = 0;
      while (got < bs) {
        const c = reader.read(bs - got);
        if (!c || c.length === 0) break;
        chunks.push(c);
        got += c.length;
      }
      return got === 0 ? null : Buffer.concat(chunks);
    }
    while (stdinBuffer.length < bs && !stdinDone) {
      const c = await ctx.stdin.read();
      if (c === null) stdinDone = true;
      else stdinBuffer = Buffer.concat([stdinBuffer, c]);
    }
    if (stdinBuffer.length === 0) return null;
    const block = stdinBuffer.subarray(0, bs);
    stdinBuffer = stdinBuffer.subarray(bs);
    return block;
  };
  let writer: { write(d: Uint8Array): void; close(): void; readonly written: number } | undefined;
  if (outPath) {
    try {
      const path = resolve(ctx, outPath);
      const notrunc = (params.get('conv') ?? '').includes('notrunc');
      writer = ctx.fs.openWrite(path, { append: notrunc || seek > 0 });
    } catch (err) {
      fail(ctx, `can't open '${outPath}': ${errnoMessage(err)}`);
      reader?.close();
      return 1;
    }
  }
  let inFull = 0;
  let inPartial = 0;
  let outFull = 0;
  let outPartial = 0;
  let total = 0;
  let status = 0;
  try {
    for (let i = 0; i < skip; i++) if (!(await readBlock())) break;
    for (let n = 0; count === undefined || n < count; n++) {
      if (ctx.signal.aborted) break;
      const block = await readBlock();
      if (!block) break;
      if (block.length === bs) inFull++;
      else inPartial++;
      if (writer) {
        const before = writer.written;
        try {
          writer.write(block);
        } catch (err) {
          const wrote = writer.written - before;
          total += wrote;
          if (wrote > 0) outPartial++;
          fail(ctx, `error writing '${outPath}': ${errnoMessage(err)}`);
          status = 1;
          break;
        }
      } else {
        ctx.stdout.write(block);
        await ctx.stdout.ready();
      }
      total += block.length;
      if (block.length === bs) outFull++;
      else outPartial++;
      if ((inFull + inPartial) % 64 === 0) await new Promise<void>((r) => setImmediate(r));
    }
  } finally {
    writer?.close();
    reader?.close();
  }
  if (!quiet) {
    const seconds = Math.max((ctx.clock.now().getTime() - started) / 1000, 0.000001);
    ctx.stderr.write(
      `${inFull}+${inPartial} records in\n${outFull}+${outPartial} records out\n` +
        `${total} bytes (${humanReadable(total)}B) copied, ${seconds.toFixed(6)} seconds, ${humanReadable(total / seconds)}B/s\n`,
    );
  }
  return status;
};

/** parseMode applies an octal or symbolic (u+x,go-w,a=r) mode to an existing one. */
export function parseMode(spec: string, current: number, isDir: boolean): number | undefined {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = current;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return undefined;
    const who = m[1] || 'a';
    let bits = 0;
    for (const p of m[3]!) {
      const base = p === 'r' ? 4 : p === 'w' ? 2 : p === 'x' || (p === 'X' && (isDir || current & 0o111)) ? 1 : 0;
      for (const w of who === 'a' ? 'ugo' : who) {
        const shift = w === 'u' ? 6 : w === 'g' ? 3 : 0;
        bits |= base << shift;
        if (p === 's' && w !== 'o') bits |= w === 'u' ? 0o4000 : 0o2000;
        if (p === 't') bits |= 0o1000;
      }
    }
    const mask = (who === 'a' ? 'ugo' : who).split('').reduce((acc, w) => acc | (7 << (w === 'u' ? 6 : w === 'g' ? 3 : 0)), 0);
    if (m[2] === '+') mode |= bits;
    else if (m[2] === '-') mode &= ~bits;
    else mode = (mode & ~mask) | bits;
  }
  return mode;
}

/** chmod [-R] MODE FILE… */
export const chmod: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const recursive = args[0] === '-R';
  if (recursive) args.shift();
  const [spec, ...files] = args;
  if (!spec || files.length === 0) return usageError(ctx, new Error('missing operand'));
  let status = 0;
  const apply = (path: string, display: string, depth: number): void => {
    try {
      const st = ctx.fs.stat(path);
      const mode = parseMode(spec, st.mode, st.type === 'dir');
      if (mode === undefined) {
        fail(ctx, `invalid mode '${spec}'`);
        status = 1;
        return;
      }
      ctx.fs.chmod(path, mode);
      if (recursive && st.type === 'dir' && depth < 64) for (const n of ctx.fs.readdir(path)) apply(`${path}/${n}`, `${display}/${n}`, depth + 1);
    } catch (err) {
      failErr(ctx, display, err);
      status = 1;
    }
  };
  for (const f of files) apply(resolve(ctx, f), f, 0);
  return status;
};

/** chown [-R] USER[:GROUP] FILE… (names from the container's /etc/passwd and /etc/group). */
export const chown: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  const recursive = args[0] === '-R';
  if (recursive) args.shift();
  const [spec, ...files] = args;
  if (!spec || files.length === 0) return usageError(ctx, new Error('missing operand'));
  const [u, g] = spec.split(/[:.]/);
  const byName = (file: '/etc/passwd' | '/etc/group', name: string): number | undefined => {
    if (/^\d+$/.test(name)) return Number(name);
    for (const [id, n] of idNames(ctx, file)) if (n === name) return id;
    return undefined;
  };
  const uid = u ? byName('/etc/passwd', u) : undefined;
  const gid = g ? byName('/etc/group', g) : undefined;
  if (u && uid === undefined) {
    fail(ctx, `unknown user ${u}`);
    return 1;
  }
  if (g && gid === undefined) {
    fail(ctx, `unknown group ${g}`);
    return 1;
  }
  let status = 0;
  const apply = (path: string, display: string, depth: number): void => {
    try {
      const st = ctx.fs.stat(path);
      ctx.fs.chown(path, uid ?? st.uid, gid ?? st.gid);
      if (recursive && st.type === 'dir' && depth < 64) for (const n of ctx.fs.readdir(path)) apply(`${path}/${n}`, `${display}/${n}`, depth + 1);
    } catch (err) {
      failErr(ctx, display, err);
      status = 1;
    }
  };
  for (const f of files) apply(resolve(ctx, f), f, 0);
  return status;
};

/** ln: links are not modelled (a symlink could point a tool at the host); say so instead of pretending. */
export const ln: Program = async (ctx) => {
  const target = ctx.argv.slice(1).filter((a) => !a.startsWith('-')).pop() ?? '';
  fail(ctx, `${target}: Operation not permitted (this simulated container does not create links)`);
  return 1;
};

/** du [-s] [-h] [-k] [-m] PATH… (1 KiB blocks). */
export const du: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 'shkmac', 'd');
  } catch (err) {
    return usageError(ctx, err);
  }
  const maxDepth = opts.flags.has('s') ? 0 : opts.flags.has('d') ? Number(opts.flags.get('d')) : Infinity;
  const fmt = (bytes: number): string => (opts.flags.has('h') ? humanReadable(bytes) : opts.flags.has('m') ? String(Math.ceil(bytes / (1 << 20))) : String(Math.ceil(bytes / 1024)));
  let status = 0;
  const walk = (path: string, display: string, depth: number): number => {
    let st: FileStat;
    try {
      st = ctx.fs.stat(path);
    } catch (err) {
      failErr(ctx, display, err);
      status = 1;
      return 0;
    }
    let size = st.type === 'file' ? Math.ceil(st.size / 4096) * 4096 : st.type === 'dir' ? 4096 : 0;
    if (st.type === 'dir' && depth < 64) {
      for (const n of ctx.fs.readdir(path).sort(byteOrder)) size += walk(path === '/' ? '/' + n : `${path}/${n}`, `${display.replace(/\/$/, '')}/${n}`, depth + 1);
    }
    if ((st.type === 'dir' || opts.flags.has('a') || depth === 0) && depth <= maxDepth) ctx.stdout.write(`${fmt(size)}\t${display}\n`);
    return size;
  };
  for (const op of opts.operands.length ? opts.operands : ['.']) walk(resolve(ctx, op), op, 0);
  return status;
};
