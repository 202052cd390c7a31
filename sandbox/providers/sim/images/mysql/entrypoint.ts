/**
 * The two programs that run when a mysql/mariadb container starts:
 *
 * - entrypointProgram models the official image's docker-entrypoint.sh
 *   (docker-library/mysql 8.4/docker-entrypoint.sh): switch to the mysql
 *   user, and when `$DATADIR/mysql` is missing insist on a root password
 *   option, run `mysqld --initialize-insecure`, start a temporary server
 *   without networking, set passwords, create MYSQL_DATABASE / MYSQL_USER,
 *   run /docker-entrypoint-initdb.d/*.sql, stop it, then exec mysqld.
 * - mysqldProgram models the server binary: `--initialize` refusing a
 *   non-empty directory, refusing to run as root, starting on an existing
 *   data directory (which is how data persists across pods), and a clean
 *   shutdown on SIGTERM.
 */
import type { ContainerFs } from '../../containers/fs/container-fs.ts';
import type { Program, ProgramContext } from '../../containers/program.ts';
import { FsError } from '../../containers/fs/errors.ts';
import { DataDir, passwordAuth, type Dictionary } from './datadir.ts';
import { MysqldInstance, ServerLog, mkdirs, pause } from './server.ts';
import type { ServerProfile } from './profile.ts';
import { parseStatement, splitStatements } from './sql/parser.ts';
import { MysqlError } from './sql/errors.ts';

/** ENTRYPOINT_PATH is where the image keeps the script (its ENTRYPOINT names it by basename via PATH). */
export const ENTRYPOINT_PATH = '/usr/local/bin/docker-entrypoint.sh';

/** TZINFO_WARNINGS are what mysql_tzinfo_to_sql prints for the non-zone files in /usr/share/zoneinfo. */
const TZINFO_WARNINGS = ['iso3166.tab', 'leap-seconds.list', 'leapseconds', 'tzdata.zi', 'zone.tab', 'zone1970.tab'];

/** entrypointDate is `date --rfc-3339=seconds` in the container (UTC). */
function entrypointDate(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, '+00:00');
}

class EntrypointLog {
  constructor(private readonly ctx: ProgramContext) {}
  note(text: string): void {
    this.ctx.stdout.write(`${entrypointDate(this.ctx.clock.now())} [Note] [Entrypoint]: ${text}\n`);
  }
  warn(text: string): void {
    this.ctx.stderr.write(`${entrypointDate(this.ctx.clock.now())} [Warn] [Entrypoint]: ${text}\n`);
  }
  error(text: string): number {
    this.ctx.stderr.write(`${entrypointDate(this.ctx.clock.now())} [ERROR] [Entrypoint]: ${text}\n`);
    return 1;
  }
}

/** mysqlFs is the container's filesystem acting as the image's mysql user (gosu mysql). */
function mysqlFs(ctx: ProgramContext, profile: ServerProfile): ContainerFs {
  return ctx.container.user.uid === 0 ? ctx.fs.as({ uid: profile.uid, gid: profile.gid }) : ctx.fs;
}

/**
 * env reads a setting the way file_env does: VAR, or the contents of the file
 * VAR_FILE names (Docker/Kubernetes secrets); MariaDB's MARIADB_* win over MYSQL_*.
 */
function env(ctx: ProgramContext, profile: ServerProfile, name: string): string | undefined {
  for (const prefix of profile.envPrefixes) {
    const v = ctx.env.get(prefix + name);
    if (v) return v;
    const file = ctx.env.get(`${prefix}${name}_FILE`);
    if (file) {
      try {
        return ctx.fs.readText(file).replace(/\n$/, '');
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** initializeDataDir is `mysqld --initialize-insecure`; false when the server refused (it has logged why). */
export async function initializeDataDir(ctx: ProgramContext, fs: ContainerFs, profile: ServerProfile): Promise<boolean> {
  const log = new ServerLog(ctx, profile);
  const dir = new DataDir(fs, profile);
  if (profile.product === 'mysql') {
    log.line(0, 'System', 'MY-015017', 'Server', 'MySQL Server Initialization - start.');
    log.line(0, 'System', 'MY-013169', 'Server', `${profile.serverBinary} (${profile.serverName} ${profile.version}) initializing of server in progress as process 80`);
  }
  const entries = dir.visibleEntries();
  if (entries.length > 0) {
    if (profile.product === 'mysql') {
      log.line(0, 'ERROR', 'MY-010457', 'Server', '--initialize specified but the data directory has files in it. Aborting.');
      log.line(0, 'ERROR', 'MY-013236', 'Server', `The designated data directory ${profile.datadir}/ is unusable. You can remove all files that the server added to it.`);
      log.line(0, 'ERROR', 'MY-010119', 'Server', 'Aborting');
      log.line(0, 'System', 'MY-015018', 'Server', 'MySQL Server Initialization - end.');
    } else {
      ctx.stderr.write(`ERROR: the data directory ${profile.datadir} is not empty and has no mysql system database; mariadb-install-db refuses to overwrite it\n`);
    }
    return false;
  }
  if (profile.product === 'mysql') log.line(1, 'System', 'MY-013576', 'InnoDB', 'InnoDB initialization has started.');
  await pause(ctx, 1500);
  if (ctx.signal.aborted) return false;
  dir.initialize(ctx.clock.now());
  if (profile.product === 'mysql') {
    log.line(1, 'System', 'MY-013577', 'InnoDB', 'InnoDB initialization has ended.');
    log.line(6, 'Warning', 'MY-010453', 'Server', 'root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.');
  }
  await pause(ctx, 500);
  if (profile.product === 'mysql') log.line(0, 'System', 'MY-015018', 'Server', 'MySQL Server Initialization - end.');
  return !ctx.signal.aborted;
}

/**
 * serve runs a started server until a signal stops it: SIGTERM/INT/QUIT shut
 * down cleanly (exit 0), SIGKILL (the abort signal) drops it where it stands.
 */
async function serve(ctx: ProgramContext, server: MysqldInstance): Promise<number> {
  const how = await new Promise<'clean' | 'killed' | 'stopped'>((resolve) => {
    ctx.onSignal(() => resolve('clean'));
    if (ctx.signal.aborted) resolve('killed');
    ctx.signal.addEventListener('abort', () => resolve('killed'), { once: true });
    void server.whenStopped().then(() => resolve('stopped'));
  });
  if (how === 'killed') {
    server.release();
    return 137;
  }
  if (how === 'clean') await server.shutdown('<via user signal>');
  return 0;
}

const MYSQLD_BOOLEAN_FLAGS = new Set(['--initialize', '--initialize-insecure', '--daemonize', '--skip-networking', '--verbose', '--help', '--version', '-V', '--validate-config']);

/** mysqldProgram is the server binary (`mysqld` / `mariadbd`). */
export function mysqldProgram(profile: ServerProfile): Program {
  return withDatadirErrors(profile, async (ctx) => {
    const args = ctx.argv.slice(1);
    if (args.includes('--version') || args.includes('-V')) {
      ctx.stdout.write(`${profile.serverBinary}  Ver ${profile.version} for Linux on x86_64 (${profile.edition.replace(/\.$/, '')})\n`);
      return 0;
    }
    if (args.includes('--help') || args.includes('--verbose')) {
      ctx.stdout.write(`${profile.serverBinary}  Ver ${profile.version} for Linux on x86_64 (${profile.edition.replace(/\.$/, '')})\n(kslab simulated server: options are accepted but not modelled)\n`);
      return 0;
    }
    for (const a of args) {
      if (a.startsWith('-') && !a.startsWith('--') && !MYSQLD_BOOLEAN_FLAGS.has(a)) {
        ctx.stderr.write(`${profile.serverBinary}: unknown option '${a}'\n`);
        return 1;
      }
    }
    const log = new ServerLog(ctx, profile);
    const user = args.find((a) => a.startsWith('--user='))?.slice(7);
    if (ctx.container.user.uid === 0 && user !== 'mysql' && user !== 'root') {
      log.line(0, 'ERROR', 'MY-010123', 'Server', 'Fatal error: Please read "Security" section of the manual to find out how to run mysqld as root!');
      log.line(0, 'ERROR', 'MY-010119', 'Server', 'Aborting');
      return 1;
    }
    const fs = user === 'mysql' ? mysqlFs(ctx, profile) : ctx.fs;
    if (args.includes('--initialize') || args.includes('--initialize-insecure')) {
      return (await initializeDataDir(ctx, fs, profile)) ? 0 : 1;
    }
    const dir = new DataDir(fs, profile);
    if (!dir.isInitialized()) {
      if (profile.product === 'mysql') {
        log.line(0, 'System', 'MY-015015', 'Server', 'MySQL Server - start.');
        log.line(0, 'System', 'MY-010116', 'Server', `${profile.serverBinary} (${profile.serverName} ${profile.version}) starting as process ${ctx.pid1 ? 1 : 200}`);
        log.line(0, 'ERROR', 'MY-010331', 'Server', 'Failed to find valid data directory.');
        log.line(0, 'ERROR', 'MY-010020', 'Server', 'Data Dictionary initialization failed.');
        log.line(0, 'ERROR', 'MY-010119', 'Server', 'Aborting');
        log.line(0, 'System', 'MY-010910', 'Server', `${profile.serverBinary}: Shutdown complete (${profile.serverName} ${profile.version})  ${profile.edition}`);
      } else {
        log.line(0, 'ERROR', '', 'Server', "Can't open and lock privilege tables: Table 'mysql.servers' doesn't exist");
      }
      return 1;
    }
    const server = new MysqldInstance(ctx, fs, profile, log, { temporary: args.includes('--skip-networking'), processId: ctx.pid1 ? 1 : 200 });
    if (!(await server.start())) return 1;
    return serve(ctx, server);
  });
}

/**
 * withDatadirErrors turns a failing volume under the server (read-only, full,
 * I/O errors) into the server's own complaint and exit 1, instead of a crash
 * of the model: `[MY-013276] Failed to set datadir to '/var/lib/mysql/' (OS errno: 30 - Read-only file system)`.
 */
function withDatadirErrors(profile: ServerProfile, program: Program): Program {
  return async (ctx) => {
    try {
      return await program(ctx);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      const errno: Record<string, number> = { ENOENT: 2, EIO: 5, EACCES: 13, ENOSPC: 28, EROFS: 30, ESTALE: 116, EPERM: 1 };
      new ServerLog(ctx, profile).line(0, 'ERROR', 'MY-013276', 'Server', `Failed to set datadir to '${profile.datadir}/' (OS errno: ${errno[e.code] ?? 5} - ${e.message})`);
      new ServerLog(ctx, profile).line(0, 'ERROR', 'MY-010119', 'Server', 'Aborting');
      return 1;
    }
  };
}

/** entrypointProgram is docker-entrypoint.sh. */
export function entrypointProgram(profile: ServerProfile): Program {
  return withDatadirErrors(profile, async (ctx) => {
    let args = ctx.argv.slice(1);
    if (args[0]?.startsWith('-')) args = [profile.serverName, ...args];
    const wantsHelp = args.some((a) => ['-?', '--help', '--print-defaults', '-V', '--version'].includes(a));
    const isServer = args[0] === profile.serverName || args[0] === 'mysqld' || args[0] === profile.serverBinary;
    if (!isServer || wantsHelp) {
      if (args.length === 0) return 0;
      return ctx.run(args);
    }
    const log = new EntrypointLog(ctx);
    const product = profile.product === 'mysql' ? 'MySQL' : 'MariaDB';
    log.note(`Entrypoint script for ${product} Server ${profile.packageVersion} started.`);
    const rootFs = ctx.fs;
    if (ctx.container.user.uid === 0) {
      // docker_create_db_directories: make the data and socket directories and chown them to mysql.
      for (const dir of [profile.datadir, profile.socket.slice(0, profile.socket.lastIndexOf('/'))]) {
        try {
          mkdirs(rootFs, dir);
          rootFs.chown(dir, profile.uid, profile.gid);
        } catch (e) {
          ctx.stderr.write(`chown: changing ownership of '${dir}': ${(e as Error).message}\n`);
          return 1;
        }
      }
      log.note(`Switching to dedicated user 'mysql'`);
      log.note(`Entrypoint script for ${product} Server ${profile.packageVersion} started.`);
    }
    const fs = mysqlFs(ctx, profile);
    const dir = new DataDir(fs, profile);
    let initialized: boolean;
    try {
      initialized = dir.isInitialized();
    } catch (e) {
      ctx.stderr.write(`ls: cannot access '${profile.datadir}/mysql': ${(e as Error).message}\n`);
      return 1;
    }
    if (!initialized) {
      const status = await firstStart(ctx, fs, profile, log);
      if (status !== 0) return status;
    }
    const server = new MysqldInstance(ctx, fs, profile, new ServerLog(ctx, profile), { temporary: false, processId: 1 });
    if (!(await server.start())) return 1;
    return serve(ctx, server);
  });
}

/** firstStart is the entrypoint's initialisation branch; non-zero when the container should exit. */
async function firstStart(ctx: ProgramContext, fs: ContainerFs, profile: ServerProfile, log: EntrypointLog): Promise<number> {
  const rootPassword = env(ctx, profile, 'ROOT_PASSWORD');
  const allowEmpty = env(ctx, profile, profile.product === 'mysql' ? 'ALLOW_EMPTY_PASSWORD' : 'ALLOW_EMPTY_ROOT_PASSWORD') ?? (profile.product === 'mariadb' ? env(ctx, profile, 'ALLOW_EMPTY_PASSWORD') : undefined);
  const random = env(ctx, profile, profile.product === 'mysql' ? 'RANDOM_ROOT_PASSWORD' : 'RANDOM_ROOT_PASSWORD');
  const dbUser = env(ctx, profile, 'USER');
  const dbPassword = env(ctx, profile, 'PASSWORD');
  const database = env(ctx, profile, 'DATABASE');
  if (!rootPassword && !allowEmpty && !random) {
    if (profile.product === 'mysql') {
      return log.error(
        'Database is uninitialized and password option is not specified\n' +
          '    You need to specify one of the following as an environment variable:\n' +
          '    - MYSQL_ROOT_PASSWORD\n' +
          '    - MYSQL_ALLOW_EMPTY_PASSWORD\n' +
          '    - MYSQL_RANDOM_ROOT_PASSWORD',
      );
    }
    return log.error(
      'Database is uninitialized and password option is not specified\n' +
        '\tYou need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD',
    );
  }
  if (dbUser === 'root') {
    return log.error(
      `${profile.envPrefixes[0]}USER="root", ${profile.envPrefixes[0]}USER and ${profile.envPrefixes[0]}PASSWORD are for configuring a regular user and cannot be used for the root user\n` +
        '    Remove MYSQL_USER="root" and use one of the following to control the root user password:\n' +
        '    - MYSQL_ROOT_PASSWORD\n' +
        '    - MYSQL_ALLOW_EMPTY_PASSWORD\n' +
        '    - MYSQL_RANDOM_ROOT_PASSWORD',
    );
  }
  if (dbUser && !dbPassword) log.warn(`${profile.envPrefixes[0]}USER specified, but missing ${profile.envPrefixes[0]}PASSWORD; ${profile.envPrefixes[0]}USER will not be created`);
  else if (!dbUser && dbPassword) log.warn(`${profile.envPrefixes[0]}PASSWORD specified, but missing ${profile.envPrefixes[0]}USER; ${profile.envPrefixes[0]}PASSWORD will be ignored`);

  log.note('Initializing database files');
  if (!(await initializeDataDir(ctx, fs, profile))) return 1;
  log.note('Database files initialized');
  log.note('Starting temporary server');
  const temp = new MysqldInstance(ctx, fs, profile, new ServerLog(ctx, profile), { temporary: true, processId: 121 });
  if (!(await temp.start())) return log.error('Unable to start server.');
  log.note('Temporary server started.');
  if (profile.product === 'mysql') for (const f of TZINFO_WARNINGS) ctx.stderr.write(`Warning: Unable to load '/usr/share/zoneinfo/${f}' as time zone. Skipping it.\n`);
  await pause(ctx, 1000);

  let password = rootPassword ?? '';
  if (!rootPassword && random) {
    password = randomPassword();
    log.note(`GENERATED ROOT PASSWORD: ${password}`);
  }
  const rootHost = env(ctx, profile, 'ROOT_HOST') ?? '%';
  const dict: Dictionary = temp.dictionary();
  dict.users = dict.users.map((u) => (u.user === 'root' && u.host === 'localhost' ? { ...u, auth: passwordAuth(password) } : u));
  if (rootHost !== 'localhost') dict.users.push({ user: 'root', host: rootHost, auth: passwordAuth(password), grants: ['*'] });
  temp.dataDir.writeDictionary(dict);
  const root = temp.connect('root', password, 'localhost');
  try {
    if (database) {
      log.note(`Creating database ${database}`);
      temp.engine.execute({ k: 'createDb', name: database, ifNotExists: true }, root);
    }
    if (dbUser && dbPassword) {
      log.note(`Creating user ${dbUser}`);
      const d = temp.dictionary();
      d.users.push({ user: dbUser, host: '%', auth: passwordAuth(dbPassword), grants: database ? [database] : [] });
      temp.dataDir.writeDictionary(d);
      if (database) log.note(`Giving user ${dbUser} access to schema ${database}`);
    }
    const initdb = '/docker-entrypoint-initdb.d';
    ctx.stdout.write('\n');
    if (ctx.fs.tryStat(initdb)?.type === 'dir') {
      for (const name of ctx.fs.readdir(initdb).sort()) {
        const path = `${initdb}/${name}`;
        if (name.endsWith('.sql')) {
          log.note(`${ENTRYPOINT_PATH}: running ${path}`);
          const session = temp.connect('root', password, 'localhost', database);
          for (const st of splitStatements(ctx.fs.readText(path) + '\n;').statements) temp.engine.execute(parseStatement(st.text), session);
          ctx.stdout.write('\n');
        } else {
          // .sh scripts and compressed dumps are not run by the model.
          log.warn(`${ENTRYPOINT_PATH}: ignoring ${path}`);
        }
        ctx.stdout.write('\n');
      }
    }
  } catch (e) {
    if (e instanceof MysqlError) {
      ctx.stderr.write(`ERROR ${e.code} (${e.sqlState}) at line 1: ${e.message}\n`);
      temp.release();
      return 1;
    }
    throw e;
  }
  log.note('Stopping temporary server');
  await temp.shutdown('root');
  log.note('Temporary server stopped');
  ctx.stdout.write('\n');
  log.note(`${profile.product === 'mysql' ? 'MySQL' : 'MariaDB'} init process done. Ready for start up.`);
  ctx.stdout.write('\n');
  return 0;
}

/** randomPassword is `openssl rand -base64 24`: 32 characters. */
function randomPassword(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64');
}
