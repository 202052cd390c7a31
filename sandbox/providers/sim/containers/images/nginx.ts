/**
 * nginx: docker.io/library/nginx (Debian bookworm based). The main process is
 * the image's entrypoint: /docker-entrypoint.sh prints its configuration
 * steps, then nginx logs its start-up notices (to stderr, as the real image's
 * error log does) and serves its html directory on the pod's loopback
 * (../network.ts): `curl localhost` from any container of the pod gets the
 * files, and each request is an access-log line on stdout. Other pods and
 * Services cannot reach it (no pod network is modelled). SIGQUIT (the image's
 * STOPSIGNAL) and SIGTERM stop it gracefully with nginx's shutdown notices.
 * `kubectl exec` into it finds sh (dash-like prompt `# `), bash and the
 * usual tools (modelled by busybox's applets).
 */
import type { ImageEntry } from '../fs/image-layer.ts';
import type { Program, ProgramContext, SignalName } from '../program.ts';
import type { HttpRequest, HttpResponse } from '../network.ts';
import { normalizePath } from '../fs/paths.ts';
import { curl } from '../tools/http.ts';
import { createShellProgram } from '../shell/sh.ts';
import { strftime } from '../tools/system.ts';
import { busyboxApplets } from '../tools/index.ts';
import { registerImage, type ImageDefinition } from './registry.ts';

const NGINX_VERSION = '1.27.3';

const DEBIAN_PASSWD = `root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
nginx:x:101:101:nginx user:/nonexistent:/bin/false
`;

const DEBIAN_GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
www-data:x:33:
users:x:100:
nogroup:x:65534:
nginx:x:101:
`;

const INDEX_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const DEFAULT_CONF = `server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

/** nginxLogTime is nginx's error-log timestamp: `2026/11/25 20:15:03`. */
function nginxLogTime(d: Date): string {
  return strftime('%Y/%m/%d %H:%M:%S', d);
}

/** dockerEntrypoint is /docker-entrypoint.sh: its configuration messages, then exec of the command. */
const dockerEntrypoint: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args[0] === 'nginx' || args[0] === 'nginx-debug') {
    const say = (line: string): void => ctx.stdout.write(line + '\n');
    say('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration');
    say('/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/');
    say('/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh');
    say('10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf');
    say('10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf');
    say('/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh');
    say('/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh');
    say('/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh');
    say('/docker-entrypoint.sh: Configuration complete; ready for start up');
  }
  if (args.length === 0) return 0;
  // `exec "$@"`: the command replaces the script (it stays PID 1).
  const resolved = nginxProgram.get(args[0]!);
  if (resolved) return resolved({ ...ctx, argv: args });
  return ctx.run(args);
};

/** nginx is the server's master process: start-up notices, then it waits for a stop signal. */
const nginx: Program = async (ctx) => {
  const args = ctx.argv.slice(1);
  if (args[0] === '-v' || args[0] === '-V') {
    ctx.stderr.write(`nginx version: nginx/${NGINX_VERSION}\n`);
    return 0;
  }
  if (args[0] === '-t') {
    ctx.stderr.write('nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n');
    return 0;
  }
  if (!ctx.pid1) {
    ctx.stderr.write(`${nginxLogTime(ctx.clock.now())} [emerg] 42#42: bind() to 0.0.0.0:80 failed (98: Address already in use)\nnginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n`);
    return 1;
  }
  const notice = (text: string): void => ctx.stderr.write(`${nginxLogTime(ctx.clock.now())} [notice] 1#1: ${text}\n`);
  notice('using the "epoll" event method');
  notice(`nginx/${NGINX_VERSION}`);
  notice('built by gcc 12.2.0 (Debian 12.2.0-14)');
  notice('OS: Linux 6.1.0-kslab-sim');
  notice('getrlimit(RLIMIT_NOFILE): 1048576:1048576');
  notice('start worker processes');
  notice('start worker process 29');
  notice('start worker process 30');
  // Serve the html directory on the pod's loopback; each request is an access-log line on stdout (the image links access.log to /dev/stdout).
  let unlisten: (() => void) | undefined;
  try {
    unlisten = ctx.network?.listen(80, (req) => serveStatic(ctx, req));
  } catch {
    ctx.stderr.write(`${nginxLogTime(ctx.clock.now())} [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address already in use)\nnginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)\n`);
    return 1;
  }
  let stop: ((s: SignalName) => void) | undefined;
  const stopped = new Promise<SignalName>((resolve) => (stop = resolve));
  ctx.onSignal((s) => stop?.(s));
  const signal = await Promise.race([
    stopped,
    new Promise<'KILL'>((resolve) => ctx.signal.addEventListener('abort', () => resolve('KILL'), { once: true })),
  ]);
  unlisten?.();
  if (signal === 'KILL') return 137;
  const number = { HUP: 1, INT: 2, QUIT: 3, TERM: 15, KILL: 9 }[signal];
  notice(`signal ${number} (SIG${signal}) received, ${signal === 'QUIT' ? 'shutting down' : 'exiting'}`);
  ctx.stderr.write(`${nginxLogTime(ctx.clock.now())} [notice] 29#29: ${signal === 'QUIT' ? 'gracefully shutting down' : 'exiting'}\n`);
  notice('worker process 29 exited with code 0');
  notice('exit');
  return 0;
};

const NOT_FOUND = `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/${NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n`;

/** httpDate is an RFC 7231 date, as nginx sends in Date and Last-Modified. */
function httpDate(d: Date): string {
  return d.toUTCString();
}

/** serveStatic is nginx's default server: files under /usr/share/nginx/html, index.html for directories, 404 otherwise. */
function serveStatic(ctx: ProgramContext, req: HttpRequest): HttpResponse {
  const now = ctx.clock.now();
  const path = decodeURIComponent(req.path.split('?')[0]!);
  let file = normalizePath('/usr/share/nginx/html' + path);
  if (!file.startsWith('/usr/share/nginx/html')) file = '/usr/share/nginx/html';
  let status = 200;
  let body: Uint8Array;
  let modified = now;
  try {
    let st = ctx.fs.stat(file);
    if (st.type === 'dir') {
      file = file + '/index.html';
      st = ctx.fs.stat(file);
    }
    body = ctx.fs.readFile(file);
    modified = st.mtime;
  } catch {
    status = 404;
    body = Buffer.from(NOT_FOUND);
  }
  const reason = status === 200 ? 'OK' : 'Not Found';
  const sent = req.method === 'HEAD' ? 0 : body.length;
  ctx.stdout.write(`${req.remoteAddr} - - [${strftime('%d/%b/%Y:%H:%M:%S +0000', now)}] "${req.method} ${req.path} HTTP/1.1" ${status} ${sent} "-" "${req.userAgent}" "-"\n`);
  const headers: Record<string, string> = {
    Server: `nginx/${NGINX_VERSION}`,
    Date: httpDate(now),
    'Content-Type': 'text/html',
    'Content-Length': String(body.length),
    Connection: 'keep-alive',
  };
  if (status === 200) {
    headers['Last-Modified'] = httpDate(modified);
    headers['ETag'] = `"${Math.floor(modified.getTime() / 1000).toString(16)}-${body.length.toString(16)}"`;
    headers['Accept-Ranges'] = 'bytes';
  }
  return { status, reason, headers, body };
}

const nginxProgram = new Map<string, Program>([
  ['nginx', nginx],
  ['nginx-debug', nginx],
]);

const bash = createShellProgram({ prompt: ({ cwd, hostname, uid, home }) => `${uid === 0 ? 'root' : 'nginx'}@${hostname}:${cwd === home ? '~' : cwd}${uid === 0 ? '#' : '$'} ` });
const dash = createShellProgram({ prompt: ({ uid }) => (uid === 0 ? '# ' : '$ ') });

function programs(): Record<string, Program> {
  const out: Record<string, Program> = {};
  for (const [name, program] of Object.entries(busyboxApplets)) out[`/usr/bin/${name}`] = program;
  out['/bin/sh'] = dash;
  out['/usr/bin/sh'] = dash;
  out['/bin/bash'] = bash;
  out['/usr/bin/bash'] = bash;
  out['/usr/sbin/nginx'] = nginx;
  out['/usr/sbin/nginx-debug'] = nginx;
  out['/docker-entrypoint.sh'] = dockerEntrypoint;
  out['/usr/bin/curl'] = curl;
  return out;
}

const dir = (mode = 0o755): ImageEntry => ({ type: 'dir', mode });

const nginxPrograms = programs();

/** nginxImage is docker.io/library/nginx (any tag). */
export const nginxImage: ImageDefinition = {
  repository: 'nginx',
  entrypoint: ['/docker-entrypoint.sh'],
  cmd: ['nginx', '-g', 'daemon off;'],
  env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', NGINX_VERSION, NJS_VERSION: '0.8.7', NJS_RELEASE: '1~bookworm', PKG_RELEASE: '1~bookworm', DYNPKG_RELEASE: '1~bookworm' },
  files: {
    '/bin': dir(),
    '/boot': dir(),
    '/dev': dir(),
    '/docker-entrypoint.d': dir(),
    '/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh': { type: 'file', mode: 0o755, size: 2125 },
    '/docker-entrypoint.d/15-local-resolvers.envsh': { type: 'file', mode: 0o755, size: 389 },
    '/docker-entrypoint.d/20-envsubst-on-templates.sh': { type: 'file', mode: 0o755, size: 3018 },
    '/docker-entrypoint.d/30-tune-worker-processes.sh': { type: 'file', mode: 0o755, size: 4811 },
    '/etc/passwd': { type: 'file', mode: 0o644, content: DEBIAN_PASSWD },
    '/etc/group': { type: 'file', mode: 0o644, content: DEBIAN_GROUP },
    '/etc/os-release': {
      type: 'file',
      mode: 0o644,
      content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
    },
    '/etc/nginx/nginx.conf': { type: 'file', mode: 0o644, content: 'user  nginx;\nworker_processes  auto;\n\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\n\nevents {\n    worker_connections  1024;\n}\n\nhttp {\n    include       /etc/nginx/mime.types;\n    default_type  application/octet-stream;\n    access_log  /var/log/nginx/access.log  main;\n    sendfile        on;\n    keepalive_timeout  65;\n    include /etc/nginx/conf.d/*.conf;\n}\n' },
    '/etc/nginx/conf.d/default.conf': { type: 'file', mode: 0o644, content: DEFAULT_CONF },
    '/home': dir(),
    '/lib': dir(),
    '/media': dir(),
    '/mnt': dir(),
    '/opt': dir(),
    '/proc': dir(0o555),
    '/root': dir(0o700),
    '/run': dir(),
    '/sbin': dir(),
    '/srv': dir(),
    '/sys': dir(0o555),
    '/tmp': dir(0o1777),
    '/usr/share/nginx/html/index.html': { type: 'file', mode: 0o644, content: INDEX_HTML },
    '/usr/share/nginx/html/50x.html': { type: 'file', mode: 0o644, size: 497 },
    '/var/cache/nginx': dir(),
    '/var/log/nginx': dir(),
  },
  programs: nginxPrograms,
  sizeBytes: 72_188_133,
  stopSignal: 'QUIT',
};

registerImage(nginxImage);
