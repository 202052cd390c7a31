/**
 * tar: ustar archives (POSIX pax interchange format's ustar header) created
 * from and extracted into the container filesystem — what `kubectl cp`
 * runs in the container (`tar cf - PATH` to copy out, `tar xmf - -C DIR` to
 * copy in; kubernetes pkg/kubectl/cmd/cp/cp.go). Compression (z, j) is not
 * modelled. Extraction never leaves the target directory: members with `..`
 * are skipped, as busybox's tar skips unsafe paths.
 */
import { errnoMessage } from '../fs/errors.ts';
import { normalizePath } from '../fs/paths.ts';
import type { Program, ProgramContext } from '../program.ts';
import { byteOrder, fail, idNames, readInput, resolve } from './common.ts';

const BLOCK = 512;
/** MAX_ARCHIVE_BYTES bounds an archive read into memory for extraction. */
const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;

interface TarOptions {
  mode: 'c' | 'x' | 't' | undefined;
  file?: string;
  dir?: string;
  verbose: boolean;
  keepMtime: boolean;
  operands: string[];
}

function parseTarArgs(args: string[]): TarOptions | string {
  const o: TarOptions = { mode: undefined, verbose: false, keepMtime: true, operands: [] };
  const rest = [...args];
  // The first word may be bundled letters without a dash (tar cf - x).
  if (rest[0] && !rest[0].startsWith('-')) rest[0] = '-' + rest[0];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--no-same-permissions' || a === '--no-same-owner' || a === '--overwrite') continue;
    if (a.startsWith('--')) return `unrecognized option '${a}'`;
    if (!a.startsWith('-') || a === '-') {
      o.operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      switch (f) {
        case 'c':
        case 'x':
        case 't':
          o.mode = f;
          break;
        case 'v':
          o.verbose = true;
          break;
        case 'm':
          o.keepMtime = false;
          break;
        case 'p':
        case 'o':
          break;
        case 'f':
        case 'C': {
          const value = j + 1 < a.length ? a.slice(j + 1) : rest[++i];
          if (value === undefined) return `option requires an argument -- '${f}'`;
          if (f === 'f') o.file = value;
          else o.dir = value;
          j = a.length;
          break;
        }
        case 'z':
        case 'j':
        case 'J':
          return 'compression is not supported in this simulated container';
        default:
          return `invalid option -- '${f}'`;
      }
    }
  }
  return o;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** header builds one ustar header block. */
function header(name: string, st: { mode: number; uid: number; gid: number; size: number; mtime: Date }, type: '0' | '5', uname: string, gname: string): Uint8Array | undefined {
  const block = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) return undefined;
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  block.write(base, 0, 100, 'utf8');
  block.write(octal(st.mode & 0o7777, 8), 100, 'ascii');
  block.write(octal(st.uid, 8), 108, 'ascii');
  block.write(octal(st.gid, 8), 116, 'ascii');
  block.write(octal(type === '5' ? 0 : st.size, 12), 124, 'ascii');
  block.write(octal(Math.floor(st.mtime.getTime() / 1000), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  block.write(uname.slice(0, 31), 265, 'utf8');
  block.write(gname.slice(0, 31), 297, 'utf8');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return block;
}

async function create(ctx: ProgramContext, o: TarOptions): Promise<number> {
  if (o.file && o.file !== '-') {
    fail(ctx, 'writing an archive file is not supported in this simulated container; use f -');
    return 1;
  }
  const base = o.dir ? resolve(ctx, o.dir) : ctx.cwd;
  const users = idNames(ctx, '/etc/passwd');
  const groups = idNames(ctx, '/etc/group');
  let status = 0;
  let warnedSlash = false;
  const emit = async (display: string, path: string, depth: number): Promise<void> => {
    if (ctx.stdout.closed || ctx.signal.aborted) return;
    let st;
    try {
      st = ctx.fs.stat(path);
    } catch (err) {
      fail(ctx, `${display}: ${errnoMessage(err)}`);
      status = 1;
      return;
    }
    let name = display;
    if (name.startsWith('/')) {
      if (!warnedSlash) ctx.stderr.write("tar: removing leading '/' from member names\n");
      warnedSlash = true;
      name = name.replace(/^\/+/, '');
    }
    if (st.type === 'dir') {
      const h = header(name.endsWith('/') ? name : name + '/', st, '5', users.get(st.uid) ?? '', groups.get(st.gid) ?? '');
      if (!h) {
        fail(ctx, `${display}: file name is too long`);
        status = 1;
        return;
      }
      ctx.stdout.write(h);
      if (o.verbose) ctx.stderr.write(name.replace(/\/?$/, '/') + '\n');
      if (depth > 64) return;
      for (const n of ctx.fs.readdir(path).sort(byteOrder)) await emit(`${display.replace(/\/$/, '')}/${n}`, path === '/' ? '/' + n : `${path}/${n}`, depth + 1);
      return;
    }
    if (st.type !== 'file') return;
    const h = header(name, st, '0', users.get(st.uid) ?? '', groups.get(st.gid) ?? '');
    if (!h) {
      fail(ctx, `${display}: file name is too long`);
      status = 1;
      return;
    }
    let data: Uint8Array;
    try {
      data = ctx.fs.readFile(path, MAX_ARCHIVE_BYTES);
    } catch (err) {
      fail(ctx, `${display}: ${errnoMessage(err)}`);
      status = 1;
      return;
    }
    ctx.stdout.write(h);
    ctx.stdout.write(data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) ctx.stdout.write(new Uint8Array(pad));
    if (o.verbose) ctx.stderr.write(name + '\n');
    await ctx.stdout.ready();
  };
  if (o.operands.length === 0) {
    fail(ctx, 'empty archive');
    return 1;
  }
  for (const op of o.operands) await emit(op, normalizePath(op, base), 0);
  ctx.stdout.write(new Uint8Array(BLOCK * 2));
  return status;
}

interface Member {
  name: string;
  type: string;
  mode: number;
  mtime: Date;
  data: Uint8Array;
}

function* members(archive: Uint8Array): Generator<Member | string> {
  let off = 0;
  while (off + BLOCK <= archive.length) {
    const h = archive.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) return;
    const text = (start: number, len: number): string => Buffer.from(h.subarray(start, start + len)).toString('utf8').replace(/\0.*$/s, '');
    const num = (start: number, len: number): number => parseInt(text(start, len).trim() || '0', 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (sum !== num(148, 8)) {
      yield 'invalid tar header checksum';
      return;
    }
    const size = num(124, 12);
    const prefix = text(345, 155);
    const name = (prefix ? prefix + '/' : '') + text(0, 100);
    const type = text(156, 1) || '0';
    const dataStart = off + BLOCK;
    yield { name, type, mode: num(100, 8), mtime: new Date(num(136, 12) * 1000), data: archive.subarray(dataStart, dataStart + size) };
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
}

async function extractOrList(ctx: ProgramContext, o: TarOptions): Promise<number> {
  let archive: Uint8Array;
  try {
    archive = await readInput(ctx, o.file && o.file !== '-' ? o.file : undefined, MAX_ARCHIVE_BYTES);
  } catch (err) {
    fail(ctx, `can't open '${o.file}': ${errnoMessage(err)}`);
    return 1;
  }
  if (archive.length % BLOCK !== 0) {
    fail(ctx, 'short read');
    return 1;
  }
  const base = o.dir ? resolve(ctx, o.dir) : ctx.cwd;
  let status = 0;
  for (const m of members(archive)) {
    if (typeof m === 'string') {
      fail(ctx, m);
      return 1;
    }
    if (o.mode === 't') {
      ctx.stdout.write(m.name + '\n');
      continue;
    }
    if (m.name.split('/').includes('..')) {
      fail(ctx, `skipping unsafe path: ${m.name}`);
      continue;
    }
    const path = normalizePath(m.name.replace(/^\/+/, ''), base);
    try {
      if (m.type === '5') {
        mkdirs(ctx, path);
      } else if (m.type === '0' || m.type === '\0' || m.type === '7') {
        mkdirs(ctx, path.slice(0, path.lastIndexOf('/')) || '/');
        ctx.fs.writeFile(path, m.data);
        ctx.fs.chmod(path, m.mode);
        if (o.keepMtime) ctx.fs.touch(path, m.mtime);
      } else {
        // Links and devices are not modelled.
        fail(ctx, `${m.name}: unsupported member type '${m.type}' skipped`);
        continue;
      }
      if (o.verbose) ctx.stdout.write(m.name + '\n');
    } catch (err) {
      fail(ctx, `${m.name}: ${errnoMessage(err)}`);
      status = 1;
    }
  }
  return status;
}

function mkdirs(ctx: ProgramContext, path: string): void {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const p = '/' + parts.slice(0, i).join('/');
    if (!ctx.fs.tryStat(p)) ctx.fs.mkdir(p);
  }
}

/** tar c|x|t [v] [m] [f -] [-C DIR] [PATH…] */
export const tar: Program = async (ctx) => {
  const o = parseTarArgs(ctx.argv.slice(1));
  if (typeof o === 'string') {
    fail(ctx, o);
    return 1;
  }
  if (!o.mode) {
    fail(ctx, 'need one of c, x or t');
    return 1;
  }
  return o.mode === 'c' ? create(ctx, o) : extractOrList(ctx, o);
};
