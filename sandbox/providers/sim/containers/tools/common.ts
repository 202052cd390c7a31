/**
 * Helpers shared by the busybox applets: option parsing in getopt32's style
 * (clustered flags, `--` ends options), path resolution against the working
 * directory, error lines worded as busybox prints them, user/group names from
 * the container's own /etc/passwd and /etc/group, and make_human_readable_str.
 */
import { errnoMessage } from '../fs/errors.ts';
import { normalizePath } from '../fs/paths.ts';
import type { ProgramContext } from '../program.ts';
import type { FileReader } from '../fs/container-fs.ts';

/** ParsedOptions: flags seen (with values for options that take one) and the operands. */
export interface ParsedOptions {
  flags: Map<string, string | true>;
  /** all values of options given several times (grep -e a -e b). */
  repeated: Map<string, string[]>;
  operands: string[];
}

/** OptionError is an unknown option or a missing option argument (busybox prints usage and exits 1). */
export class OptionError extends Error {}

/** parseOptions parses argv[1..]: `flags` lists letters, `withValue` those taking an argument, `long` the --names accepted (mapped to a letter, or null to record them as `--name`). Numeric `-5` is kept as flag '#'. */
export function parseOptions(args: string[], flags: string, withValue = '', options: { numeric?: boolean; stopAtFirstOperand?: boolean; long?: Record<string, string | null> } = {}): ParsedOptions {
  const out: ParsedOptions = { flags: new Map(), repeated: new Map(), operands: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      out.operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      // Long options: those the applet accepts are recorded by name; others are an error, as getopt32 says.
      const name = a.slice(2).replace(/=.*$/, '');
      const long = options.long ?? {};
      if (!Object.hasOwn(long, name)) throw new OptionError(`unrecognized option '${a}'`);
      const short = long[name];
      const value = a.includes('=') ? a.slice(a.indexOf('=') + 1) : true;
      out.flags.set(short ?? `--${name}`, value);
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      out.operands.push(a);
      if (options.stopAtFirstOperand) {
        out.operands.push(...args.slice(i + 1));
        break;
      }
      continue;
    }
    if (options.numeric && /^-\d+$/.test(a)) {
      out.flags.set('#', a.slice(1));
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (withValue.includes(f)) {
        const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (value === undefined) throw new OptionError(`option requires an argument -- '${f}'`);
        out.flags.set(f, value);
        out.repeated.set(f, [...(out.repeated.get(f) ?? []), value]);
        break;
      }
      if (!flags.includes(f)) throw new OptionError(`unrecognized option: ${f}`);
      out.flags.set(f, true);
    }
  }
  return out;
}

/** resolve makes a container path absolute against the program's cwd. */
export function resolve(ctx: ProgramContext, path: string): string {
  return normalizePath(path, ctx.cwd);
}

/** fail prints `applet: message` to stderr. */
export function fail(ctx: ProgramContext, message: string): void {
  ctx.stderr.write(`${ctx.argv[0]!.replace(/^.*\//, '')}: ${message}\n`);
}

/** failErr prints `applet: prefix: strerror` (bb_perror_msg style). */
export function failErr(ctx: ProgramContext, prefix: string, err: unknown): void {
  fail(ctx, `${prefix}: ${errnoMessage(err)}`);
}

/** usage prints busybox's short usage line for an option error and returns 1. */
export function usageError(ctx: ProgramContext, err: unknown): number {
  const name = ctx.argv[0]!.replace(/^.*\//, '');
  ctx.stderr.write(`${name}: ${(err as Error).message}\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: ${name} [OPTIONS] ...\n`);
  return 1;
}

/** idNames maps uids or gids to names from /etc/passwd or /etc/group (numeric when absent). */
export function idNames(ctx: ProgramContext, file: '/etc/passwd' | '/etc/group'): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of ctx.fs.readText(file).split('\n')) {
      const f = line.split(':');
      if (f.length >= 3 && f[0]) names.set(Number(f[2]), f[0]);
    }
  } catch {
    // A container without /etc/passwd shows numbers.
  }
  return names;
}

/**
 * humanReadable is busybox's make_human_readable_str(size, 1, 0): bytes below
 * 1024 plain, else one decimal and a K/M/G/T suffix (64.0M, 1.0G).
 */
export function humanReadable(bytes: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  let val = Math.floor(bytes);
  let u = 0;
  let frac = 0;
  while (val >= 1024) {
    frac = Math.floor(((val % 1024) * 10 + 512) / 1024);
    val = Math.floor(val / 1024);
    u++;
  }
  if (u === 0) return String(val);
  if (frac >= 10) {
    val++;
    frac = 0;
  }
  return `${val}.${frac}${units[u]}`;
}

/** decode is UTF-8 text of bytes. */
export function decode(data: Uint8Array): string {
  return Buffer.from(data).toString('utf8');
}

/** streamFile copies a file (or device) to stdout in chunks, honouring pipe back-pressure and signals. Returns false on abort. */
export async function streamFile(ctx: ProgramContext, path: string, limit = Number.POSITIVE_INFINITY): Promise<boolean> {
  return streamReader(ctx, ctx.fs.openRead(path), limit);
}

/** streamReader is streamFile for an already opened file; read errors and write errors propagate. */
export async function streamReader(ctx: ProgramContext, reader: FileReader, limit = Number.POSITIVE_INFINITY): Promise<boolean> {
  let total = 0;
  try {
    for (;;) {
      if (ctx.signal.aborted || ctx.stdout.closed) return false;
      const chunk = reader.read(Math.min(65536, limit - total));
      if (!chunk || chunk.length === 0) return true;
      ctx.stdout.write(chunk);
      total += chunk.length;
      if (total >= limit) return true;
      await ctx.stdout.ready();
      if (total % (1 << 20) < 65536) await new Promise<void>((r) => setImmediate(r));
    }
  } finally {
    reader.close();
  }
}

/** readInput reads a whole operand ('-' or none = stdin) as bytes; throws FsError. */
export async function readInput(ctx: ProgramContext, operand: string | undefined, limit = 64 * 1024 * 1024): Promise<Uint8Array> {
  if (operand === undefined || operand === '-') {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      if (ctx.signal.aborted) break;
      const c = await ctx.stdin.read();
      if (c === null) break;
      chunks.push(c);
      size += c.length;
      if (size >= limit) break;
    }
    return Buffer.concat(chunks);
  }
  return ctx.fs.readFile(resolve(ctx, operand), limit);
}

/** byteOrder sorts as strcmp does in the C locale (busybox images have no other locale). */
export function byteOrder(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return Buffer.compare(ba, bb);
}
