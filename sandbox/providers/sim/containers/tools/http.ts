/**
 * HTTP clients over the pod's loopback (../network.ts): busybox `wget` and
 * curl (in the nginx image). Only hosts that mean this pod answer; any other
 * name does not resolve, as there is no DNS or pod network in the simulation.
 */
import { errnoMessage } from '../fs/errors.ts';
import { isLoopback, parseUrl, type HttpResponse } from '../network.ts';
import type { Program, ProgramContext } from '../program.ts';
import { fail, resolve } from './common.ts';

type Fetched = { response: HttpResponse } | { error: 'resolve' | 'refused' | 'url'; host: string; port: number };

async function fetchUrl(ctx: ProgramContext, url: string, method: string, userAgent: string): Promise<Fetched> {
  const u = parseUrl(url);
  if (!u) return { error: 'url', host: url, port: 0 };
  if (!isLoopback(u.host, ctx.container.hostname)) return { error: 'resolve', host: u.host, port: u.port };
  const response = u.scheme === 'http' ? await ctx.network?.request(u.port, { method, path: u.path, userAgent, remoteAddr: '127.0.0.1' }) : undefined;
  if (!response) return { error: 'refused', host: u.host, port: u.port };
  return { response };
}

/** wget [-q] [-O FILE|-] URL (busybox networking/wget.c wording). */
export const wget: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let quiet = false;
  let output: string | undefined;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-q') quiet = true;
    else if (a === '-O') output = args[++i];
    else if (a.startsWith('-O')) output = a.slice(2);
    else if (/^-q?O-?$/.test(a) || a === '-qO-') {
      quiet = true;
      output = '-';
    } else if (a === '-qO') {
      quiet = true;
      output = args[++i];
    } else if (a.startsWith('-')) continue;
    else urls.push(a);
  }
  if (urls.length === 0) {
    fail(ctx, 'missing URL');
    return 1;
  }
  const url = urls[0]!;
  const got = await fetchUrl(ctx, url, 'GET', 'Wget');
  if ('error' in got) {
    if (got.error === 'resolve') fail(ctx, `bad address '${got.host}'`);
    else if (got.error === 'refused') fail(ctx, `can't connect to remote host (127.0.0.1): Connection refused`);
    else fail(ctx, `bad address '${url}'`);
    return 1;
  }
  const u = parseUrl(url)!;
  if (!quiet) ctx.stderr.write(`Connecting to ${u.host}${u.port === 80 ? '' : ':' + u.port} (127.0.0.1:${u.port})\n`);
  const r = got.response;
  if (r.status >= 400) {
    fail(ctx, `server returned error: HTTP/1.1 ${r.status} ${r.reason}`);
    return 1;
  }
  const target = output ?? (u.path.replace(/\/$/, '').split('/').pop() || 'index.html');
  if (target === '-') {
    if (!quiet) ctx.stderr.write('writing to stdout\n');
    ctx.stdout.write(r.body);
    if (!quiet) ctx.stderr.write(`-                    100% |********************************| ${String(r.body.length).padStart(5)}  0:00:00 ETA\nwritten to stdout\n`);
    return 0;
  }
  try {
    if (!quiet) ctx.stderr.write(`saving to '${target}'\n`);
    ctx.fs.writeFile(resolve(ctx, target), r.body);
    if (!quiet) ctx.stderr.write(`${target.padEnd(20).slice(0, 20)} 100% |********************************| ${String(r.body.length).padStart(5)}  0:00:00 ETA\n'${target}' saved\n`);
  } catch (err) {
    fail(ctx, `can't open '${target}': ${errnoMessage(err)}`);
    return 1;
  }
  return 0;
};

/** curl [-s] [-i] [-I] [-o FILE] [-f] URL (curl's own error numbers and wording). */
export const curl: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  let include = false;
  let head = false;
  let failOnError = false;
  let output: string | undefined;
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-o' || a === '--output') output = args[++i];
    else if (a === '-i' || a === '--include') include = true;
    else if (a === '-I' || a === '--head') head = true;
    else if (a === '-f' || a === '--fail') failOnError = true;
    else if (/^-[sSLfiIv]+$/.test(a)) {
      include ||= a.includes('i');
      head ||= a.includes('I');
      failOnError ||= a.includes('f');
    } else if (a.startsWith('-')) continue;
    else urls.push(a);
  }
  if (urls.length === 0) {
    ctx.stderr.write("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const got = await fetchUrl(ctx, urls[0]!, head ? 'HEAD' : 'GET', 'curl/7.88.1');
  if ('error' in got) {
    if (got.error === 'resolve') {
      ctx.stderr.write(`curl: (6) Could not resolve host: ${got.host}\n`);
      return 6;
    }
    if (got.error === 'url') {
      ctx.stderr.write('curl: (3) URL using bad/illegal format or missing URL\n');
      return 3;
    }
    ctx.stderr.write(`curl: (7) Failed to connect to ${got.host} port ${got.port} after 0 ms: Couldn't connect to server\n`);
    return 7;
  }
  const r = got.response;
  if (failOnError && r.status >= 400) {
    ctx.stderr.write(`curl: (22) The requested URL returned error: ${r.status}\n`);
    return 22;
  }
  let out = '';
  if (include || head) out += `HTTP/1.1 ${r.status} ${r.reason}\r\n` + Object.entries(r.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
  const body = head ? new Uint8Array(0) : r.body;
  if (output) {
    try {
      ctx.fs.writeFile(resolve(ctx, output), body);
    } catch (err) {
      ctx.stderr.write(`curl: (23) Failure writing output to destination: ${errnoMessage(err)}\n`);
      return 23;
    }
    if (out) ctx.stdout.write(out);
    return 0;
  }
  ctx.stdout.write(out);
  ctx.stdout.write(body);
  return 0;
};
