/**
 * `kslab serve` runs the course: the built site, the sandbox API and the
 * learner terminals on one port (what `npm start` runs after building).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SandboxServer, defaultDataDir } from '../../server/sandbox-server.ts';
import { chooseProvider } from '../../server/provider-choice.ts';
import { findKubectl } from '../../server/kubectl-binary.ts';
import { parseDuration } from '../../sessions/expiry.ts';

export const summary = 'serve the course site and the sandbox (terminal, sessions, clusters) on one port';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

const usage = `usage: kslab serve [options]

  --host HOST            address to listen on (default 127.0.0.1; the sandbox is
                         for this machine unless you say otherwise)
  --port PORT            port (default 4321)
  --data-dir DIR         sessions, progress and saved clusters
                         (default $XDG_STATE_HOME/k8s-storage-lab or ~/.local/state/k8s-storage-lab)
  --idle-timeout DUR     end a session after this long without activity (default 30m)
  --max-lifetime DUR     end a session this long after it began (default 4h)
  --max-sessions N       at most N sessions at once; more get "server full" (default 20)
  --provider auto|sim    where clusters come from (default auto: kind when Docker
                         answers, else sim; kind is not built yet)
  --allow-origin ORIGIN  another browser origin allowed to open terminals (repeatable),
                         e.g. when a proxy serves the site under another name
  --site-dir DIR         the built site (default dist/)

DUR is a number with s, m or h (e.g. 90s, 30m, 4h).`;

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} kslab serve: ${message}\n`);
}

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '4321' },
        'data-dir': { type: 'string' },
        'idle-timeout': { type: 'string', default: '30m' },
        'max-lifetime': { type: 'string', default: '4h' },
        'max-sessions': { type: 'string', default: '20' },
        provider: { type: 'string', default: 'auto' },
        'allow-origin': { type: 'string', multiple: true },
        'site-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`kslab serve: ${(e as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage + '\n');
    return 0;
  }
  const port = Number(values.port);
  const idle = parseDuration(values['idle-timeout']!);
  const lifetime = parseDuration(values['max-lifetime']!);
  const maxSessions = Number(values['max-sessions']);
  const problems = [
    !Number.isInteger(port) || port < 0 || port > 65535 ? `--port ${values.port}: not a port number` : '',
    idle === undefined || idle < 1000 ? `--idle-timeout ${values['idle-timeout']}: give a duration like 30m` : '',
    lifetime === undefined || lifetime < 1000 ? `--max-lifetime ${values['max-lifetime']}: give a duration like 4h` : '',
    !Number.isInteger(maxSessions) || maxSessions < 1 ? `--max-sessions ${values['max-sessions']}: give a whole number ≥ 1` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    process.stderr.write(problems.map((p) => `kslab serve: ${p}`).join('\n') + '\n');
    return 2;
  }
  // Without kubectl the site and sessions still work; the terminal says what is missing.
  const kubectl = findKubectl() ?? '';
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const lock = lockDataDir(dataDir);
  if (typeof lock === 'string') {
    process.stderr.write(`kslab serve: ${lock}\n`);
    return 1;
  }
  let choice;
  try {
    choice = chooseProvider({ requested: values.provider, tlsDir: join(dataDir, 'sim-tls'), simDataDir: join(dataDir, 'sim-data') });
  } catch (e) {
    process.stderr.write(`kslab serve: ${(e as Error).message}\n`);
    lock.release();
    return 2;
  }
  const server = new SandboxServer({
    host: values.host!,
    port,
    siteDir: resolve(values['site-dir'] ?? join(repoRoot, 'dist')),
    lessonsDir: join(repoRoot, 'lessons'),
    dataDir,
    provider: choice.provider,
    providerInfo: choice.info,
    limits: { idleTimeoutMs: idle!, maxLifetimeMs: lifetime!, maxSessions },
    kubectlPath: kubectl,
    allowOrigins: values['allow-origin'] ?? [],
    log,
  });
  try {
    await server.listen();
  } catch (e) {
    process.stderr.write(`kslab serve: could not listen on ${values.host}:${port}: ${(e as Error).message}\n`);
    await server.close().catch(() => {});
    lock.release();
    return 1;
  }
  log(`provider: ${choice.info.label}`);
  log(`kubectl: ${kubectl || 'NOT FOUND on PATH (or $KSLAB_KUBECTL): the learner terminal cannot run kubectl'}; data: ${dataDir}`);
  log(`lessons: ${server.lessons.ids().join(', ') || '(none found)'}`);
  if (!['127.0.0.1', 'localhost', '::1'].includes(values.host!)) {
    log(`listening on ${values.host}: anyone who can reach this address can get a sandbox session`);
  }
  process.stdout.write(`k8s-storage-lab is running at ${server.url}/ (Ctrl-C to stop)\n`);

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) {
        log(`${signal} again: exiting without waiting`);
        process.exit(130);
      }
      stopping = true;
      log(`${signal}: saving clusters and stopping`);
      server.close().then(
        () => {
          lock.release();
          log('stopped');
          resolveExit(0);
        },
        (e) => {
          log(`error while stopping: ${(e as Error).message}`);
          resolveExit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/**
 * lockDataDir makes sure only one server uses a data directory (two would
 * fight over the same sessions and clusters). A lock left by a server that
 * died is taken over.
 */
function lockDataDir(dataDir: string): { release(): void } | string {
  const file = join(dataDir, 'serve.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return { release: () => rmSync(file, { force: true }) };
    } catch {
      const pid = Number(readFileSync(file, 'utf8').trim());
      let alive = false;
      try {
        alive = Number.isInteger(pid) && pid > 0 && process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (alive) return `another kslab serve (pid ${pid}) is using ${dataDir}; stop it, or give this one another --data-dir`;
      rmSync(file, { force: true });
    }
  }
  return `could not lock ${dataDir}`;
}
