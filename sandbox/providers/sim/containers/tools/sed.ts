/**
 * sed: the stream editor subset people type in a container — `s/re/repl/[gpI]`,
 * `p`, `d`, `q`, `=`, addresses (N, $, /re/, ranges A,B), `-n`, `-e`, `-E`/`-r`,
 * `-i` (edit files in place through the container filesystem). Regular
 * expressions are POSIX basic (or extended with -E), as busybox's sed reads them.
 */
import { errnoMessage } from '../fs/errors.ts';
import type { Program } from '../program.ts';
import { bre, ere } from './text.ts';
import { decode, fail, readInput, resolve } from './common.ts';

type Address = { kind: 'line'; n: number } | { kind: 'last' } | { kind: 're'; re: RegExp };

interface SedCommand {
  from?: Address;
  to?: Address;
  negate: boolean;
  name: 's' | 'p' | 'd' | 'q' | '=';
  re?: RegExp;
  replacement?: string;
  global?: boolean;
  print?: boolean;
  /** inRange tracks an A,B range across lines. */
  inRange: boolean;
}

class SedSyntaxError extends Error {}

/** parseScript reads sed commands separated by ; or newlines. */
function parseSed(script: string, extended: boolean): SedCommand[] {
  const cmds: SedCommand[] = [];
  let i = 0;
  const toRe = (src: string, flags = ''): RegExp => {
    try {
      return new RegExp(extended ? ere(src) : bre(src), flags);
    } catch {
      throw new SedSyntaxError(`bad regex '${src}'`);
    }
  };
  const readDelimited = (delim: string): string => {
    let out = '';
    while (i < script.length && script[i] !== delim) {
      if (script[i] === '\\' && script[i + 1] === delim) {
        out += delim;
        i += 2;
        continue;
      }
      if (script[i] === '\\' && i + 1 < script.length) {
        out += script[i]! + script[i + 1]!;
        i += 2;
        continue;
      }
      out += script[i++];
    }
    if (script[i] !== delim) throw new SedSyntaxError(`unmatched '${delim}'`);
    i++;
    return out;
  };
  const readAddress = (): Address | undefined => {
    const c = script[i];
    if (c === '$') {
      i++;
      return { kind: 'last' };
    }
    if (c !== undefined && /\d/.test(c)) {
      const m = /^\d+/.exec(script.slice(i))![0];
      i += m.length;
      return { kind: 'line', n: Number(m) };
    }
    if (c === '/') {
      i++;
      return { kind: 're', re: toRe(readDelimited('/')) };
    }
    return undefined;
  };
  while (i < script.length) {
    while (i < script.length && /[\s;]/.test(script[i]!)) i++;
    if (i >= script.length) break;
    const from = readAddress();
    let to: Address | undefined;
    if (from && script[i] === ',') {
      i++;
      to = readAddress();
      if (!to) throw new SedSyntaxError('unexpected `,\'');
    }
    while (script[i] === ' ') i++;
    let negate = false;
    if (script[i] === '!') {
      negate = true;
      i++;
    }
    const name = script[i++];
    if (name === 's') {
      const delim = script[i++];
      if (!delim || delim === '\n' || delim === '\\') throw new SedSyntaxError('unterminated `s\' command');
      const pattern = readDelimited(delim);
      const replacement = readDelimited(delim);
      let flags = '';
      while (i < script.length && /[gpIi0-9]/.test(script[i]!)) flags += script[i++];
      cmds.push({ from, to, negate, name: 's', re: toRe(pattern, flags.includes('I') || flags.includes('i') ? 'i' : ''), replacement, global: flags.includes('g'), print: flags.includes('p'), inRange: false });
    } else if (name === 'p' || name === 'd' || name === 'q' || name === '=') {
      cmds.push({ from, to, negate, name, inRange: false });
    } else {
      throw new SedSyntaxError(`unsupported command ${name ?? ''}`);
    }
  }
  return cmds;
}

/** replacementFor turns sed's `&` and `\1`…`\9` into the match's text. */
function replacementFor(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '\\' && i + 1 < template.length) {
      const n = template[++i]!;
      if (/[1-9]/.test(n)) out += m[Number(n)] ?? '';
      else if (n === 'n') out += '\n';
      else if (n === 't') out += '\t';
      else out += n;
    } else if (c === '&') out += m[0];
    else out += c;
  }
  return out;
}

function matches(addr: Address, line: string, n: number, last: boolean): boolean {
  if (addr.kind === 'line') return n === addr.n;
  if (addr.kind === 'last') return last;
  addr.re.lastIndex = 0;
  return addr.re.test(line);
}

function selected(cmd: SedCommand, line: string, n: number, last: boolean): boolean {
  let hit: boolean;
  if (!cmd.from) hit = true;
  else if (!cmd.to) hit = matches(cmd.from, line, n, last);
  else if (cmd.inRange) {
    hit = true;
    if (cmd.to.kind === 'line' ? n >= cmd.to.n : matches(cmd.to, line, n, last)) cmd.inRange = false;
  } else if (matches(cmd.from, line, n, last)) {
    hit = true;
    cmd.inRange = !(cmd.to.kind === 'line' && cmd.to.n <= n);
  } else hit = false;
  return cmd.negate ? !hit : hit;
}

/** sed [-n] [-E] [-i] [-e SCRIPT]… [SCRIPT] [FILE]… */
export const sed: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let quiet = false;
  let extended = false;
  let inPlace = false;
  const scripts: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-n') quiet = true;
    else if (a === '-E' || a === '-r') extended = true;
    else if (a === '-i' || a.startsWith('-i')) inPlace = true;
    else if (a === '-e') scripts.push(args[++i] ?? '');
    else if (/^-[nEri]+$/.test(a)) {
      quiet ||= a.includes('n');
      extended ||= a.includes('E') || a.includes('r');
      inPlace ||= a.includes('i');
    } else if (scripts.length === 0) scripts.push(a);
    else files.push(a);
  }
  if (scripts.length === 0) {
    fail(ctx, 'no script specified');
    return 1;
  }
  let commands: SedCommand[];
  try {
    commands = parseSed(scripts.join('\n'), extended);
  } catch (err) {
    fail(ctx, `-e expression #1, char 0: ${(err as Error).message}`);
    return 1;
  }
  const run = (text: string): { out: string; quit: boolean } => {
    const lines = text.split('\n');
    const trailingNewline = text.endsWith('\n');
    if (trailingNewline) lines.pop();
    let out = '';
    for (const c of commands) c.inRange = false;
    for (let n = 1; n <= lines.length; n++) {
      let line = lines[n - 1]!;
      const last = n === lines.length;
      let deleted = false;
      let quit = false;
      for (const c of commands) {
        if (!selected(c, line, n, last)) continue;
        if (c.name === 'p') out += line + '\n';
        else if (c.name === '=') out += `${n}\n`;
        else if (c.name === 'd') {
          deleted = true;
          break;
        } else if (c.name === 'q') {
          quit = true;
          break;
        } else {
          const re = new RegExp(c.re!.source, c.re!.flags + (c.global ? 'g' : ''));
          let changed = false;
          line = line.replace(re, (...m) => {
            changed = true;
            const groups = m.slice(0, -2) as string[];
            const exec = Object.assign([...groups], { index: 0, input: line }) as unknown as RegExpExecArray;
            return replacementFor(c.replacement!, exec);
          });
          if (changed && c.print) out += line + '\n';
        }
      }
      if (!deleted && !quiet) out += line + (last && !trailingNewline ? '' : '\n');
      if (quit) return { out, quit: true };
    }
    return { out, quit: false };
  };
  if (inPlace) {
    let status = 0;
    for (const f of files) {
      try {
        const path = resolve(ctx, f);
        const { out } = run(decode(ctx.fs.readFile(path, 64 * 1024 * 1024)));
        ctx.fs.writeFile(path, out);
      } catch (err) {
        fail(ctx, `${f}: ${errnoMessage(err)}`);
        status = 1;
      }
    }
    return status;
  }
  let text = '';
  let status = 0;
  for (const f of files.length ? files : ['-']) {
    try {
      text += decode(await readInput(ctx, f));
    } catch (err) {
      fail(ctx, `${f}: ${errnoMessage(err)}`);
      status = 2;
    }
  }
  ctx.stdout.write(run(text).out);
  return status;
};
