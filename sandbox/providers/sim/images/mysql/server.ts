/**
 * The modelled MySQL server process (mysqld) and what ties it to clients:
 *
 * - MysqldInstance is one running server: its data directory (through the
 *   container's filesystem view), its engine, whether it listens on TCP (the
 *   entrypoint's temporary server runs with --skip-networking, `port: 0`).
 * - Clients find a server by its Unix socket, as the real client does: the
 *   registry is keyed by the socket's host path, which is inside the
 *   container's own rootfs — so `mysql` in another container or pod never
 *   reaches it, and a container whose server stopped gets ERROR 2002.
 * - InnoDB's lock on ibdata1 is keyed by the real host path of the data
 *   directory, so two servers on the same files — two pods on one NFS export
 *   (RWO is not enforced for NFS) — collide like InnoDB does: the second logs
 *   `Unable to lock ./ibdata1 error: 11` once a second and gives up.
 *
 * Log lines follow MySQL 8.4's error log (log_error=stderr in the image):
 * `2026-11-25T19:56:47.903311Z 0 [System] [MY-010931] [Server] …`.
 */
import { realpathSync } from 'node:fs';
import type { ContainerFs } from '../../containers/fs/container-fs.ts';
import type { ProgramContext } from '../../containers/program.ts';
import { DataDir, type Dictionary } from './datadir.ts';
import { Engine, type Session } from './engine.ts';
import { er } from './sql/errors.ts';
import type { ServerProfile } from './profile.ts';

/**
 * mysqlTiming scales the model's start-up delays (initialising takes a few
 * seconds on a real node). Tests that run the image end to end may set
 * `mysqlTiming.scale = 0`; the delays go through the container's injectable clock.
 */
export const mysqlTiming = { scale: 1 };

/** LOCK_RETRIES and LOCK_RETRY_MS: InnoDB tries to lock ibdata1 100 times, a second apart (os_file_lock in storage/innobase). */
export const LOCK_RETRIES = 100;
export const LOCK_RETRY_MS = 1000;

/** MYSQL_PORT is where the final server listens. */
export const MYSQL_PORT = 3306;

const servers = new Map<string, MysqldInstance>();
const locks = new Map<string, MysqldInstance>();

export async function pause(ctx: ProgramContext, ms: number): Promise<void> {
  if (mysqlTiming.scale > 0) await ctx.clock.sleep(ms * mysqlTiming.scale, ctx.signal);
}

let lastLogMicros = 0;

/**
 * logTime is the error log's timestamp: ISO 8601 UTC with microseconds. The
 * clock has milliseconds; the microseconds only ever move forward, so lines
 * written in one millisecond still sort in the order they were written.
 */
export function logTime(d: Date): string {
  let micros = d.getTime() * 1000 + 1 + Math.floor(Math.random() * 400);
  if (micros <= lastLogMicros) micros = lastLogMicros + 1;
  lastLogMicros = micros;
  const ms = Math.floor(micros / 1000);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, `.${String(micros % 1_000_000).padStart(6, '0')}Z`);
}

/** ServerLog writes error-log lines in the server's format. */
export class ServerLog {
  constructor(
    private readonly ctx: ProgramContext,
    private readonly profile: ServerProfile,
  ) {}

  line(thread: number, prio: 'System' | 'Warning' | 'ERROR' | 'Note', code: string, subsystem: 'Server' | 'InnoDB', message: string): void {
    if (this.profile.product === 'mariadb') {
      const t = this.ctx.clock.now().toISOString().replace('T', ' ').slice(0, 19);
      const level = prio === 'System' ? 'Note' : prio;
      this.ctx.stderr.write(`${t} ${thread} [${level}] ${subsystem === 'InnoDB' ? 'InnoDB: ' : ''}${message}\n`);
      return;
    }
    this.ctx.stderr.write(`${logTime(this.ctx.clock.now())} ${thread} [${prio}] [${code}] [${subsystem}] ${message}\n`);
  }
}

/** hostKey is a path's real location on the host, the identity locks and sockets are keyed by. */
function hostKey(fs: ContainerFs, path: string): string | undefined {
  const host = fs.hostPathOf(path);
  if (!host) return undefined;
  try {
    return realpathSync(host);
  } catch {
    return host;
  }
}

export interface StartOptions {
  /** temporary: the entrypoint's --skip-networking server (port 0). */
  temporary: boolean;
  processId: number;
}

export class MysqldInstance {
  readonly dataDir: DataDir;
  readonly engine: Engine;
  readonly port: number;
  private socketKey?: string;
  private lockKey?: string;
  private connections = 8;
  private stopListeners: (() => void)[] = [];
  running = false;

  constructor(
    readonly ctx: ProgramContext,
    readonly fs: ContainerFs,
    readonly profile: ServerProfile,
    readonly log: ServerLog,
    readonly options: StartOptions,
  ) {
    this.dataDir = new DataDir(fs, profile);
    this.engine = new Engine(this.dataDir, {
      now: () => ctx.clock.now(),
      version: profile.version,
      systemSchemas: profile.systemSchemas,
      variables: () => this.variables(),
    });
    this.port = options.temporary ? 0 : MYSQL_PORT;
  }

  /**
   * start brings the server up on an initialised data directory: the
   * ibdata1 lock (retrying like InnoDB), runtime files, the socket, the
   * ready line. It resolves false when the server aborted (it has logged why).
   */
  async start(): Promise<boolean> {
    const log = this.log;
    const p = this.profile;
    if (p.product === 'mysql') {
      log.line(0, 'System', 'MY-015015', 'Server', 'MySQL Server - start.');
      log.line(0, 'System', 'MY-010116', 'Server', `${p.serverBinary} (${p.serverName} ${p.version}) starting as process ${this.options.processId}`);
      log.line(1, 'System', 'MY-013576', 'InnoDB', 'InnoDB initialization has started.');
    } else {
      log.line(0, 'Note', '', 'Server', `Starting MariaDB ${p.version} source revision as process ${this.options.processId}`);
    }
    const lockKey = hostKey(this.fs, `${p.datadir}/ibdata1`) ?? `${p.datadir}/ibdata1`;
    for (let attempt = 1; ; attempt++) {
      const holder = locks.get(lockKey);
      if (!holder || !holder.running || holder === this) break;
      if (attempt > LOCK_RETRIES) {
        if (p.product === 'mysql') {
          log.line(1, 'ERROR', 'MY-012592', 'InnoDB', 'Operating system error number 11 in a file operation.');
          log.line(1, 'ERROR', 'MY-012596', 'InnoDB', "Error number 11 means 'Resource temporarily unavailable'");
          log.line(1, 'ERROR', 'MY-012930', 'InnoDB', 'Plugin initialization aborted with error Generic error.');
          log.line(1, 'ERROR', 'MY-010334', 'Server', 'Failed to initialize DD Storage Engine');
          log.line(0, 'ERROR', 'MY-010020', 'Server', 'Data Dictionary initialization failed.');
          log.line(0, 'ERROR', 'MY-010119', 'Server', 'Aborting');
          log.line(0, 'System', 'MY-010910', 'Server', `${p.serverBinary}: Shutdown complete (${p.serverName} ${p.version})  ${p.edition}`);
        } else {
          log.line(0, 'ERROR', '', 'Server', 'Plugin \'InnoDB\' registration as a STORAGE ENGINE failed.');
          log.line(0, 'ERROR', '', 'Server', 'Aborting');
        }
        return false;
      }
      log.line(1, 'ERROR', 'MY-012574', 'InnoDB', 'Unable to lock ./ibdata1 error: 11');
      // MySQL 8 logs the Note only at log_error_verbosity=3; the image's default (2) shows errors, warnings and system lines.
      if (p.product === 'mariadb') log.line(0, 'Note', '', 'InnoDB', 'Check that you do not already have another mariadbd process using the same InnoDB data or log files.');
      await pause(this.ctx, LOCK_RETRY_MS);
      if (this.ctx.signal.aborted) return false;
    }
    locks.set(lockKey, this);
    this.lockKey = lockKey;
    this.running = true;
    await pause(this.ctx, this.options.temporary ? 800 : 1200);
    if (this.ctx.signal.aborted) {
      this.release();
      return false;
    }
    this.dataDir.startRuntime();
    this.engine.dictionary();
    if (p.product === 'mysql') {
      log.line(1, 'System', 'MY-013577', 'InnoDB', 'InnoDB initialization has ended.');
      log.line(0, 'Warning', 'MY-010068', 'Server', 'CA certificate ca.pem is self signed.');
      log.line(0, 'System', 'MY-013602', 'Server', 'Channel mysql_main configured to support TLS. Encrypted connections are now supported for this channel.');
      log.line(0, 'Warning', 'MY-011810', 'Server', "Insecure configuration for --pid-file: Location '/var/run/mysqld' in the path is accessible to all OS users. Consider choosing a different directory.");
      if (!this.options.temporary) log.line(0, 'System', 'MY-011323', 'Server', 'X Plugin ready for connections. Bind-address: \'::\' port: 33060, socket: /var/run/mysqld/mysqlx.sock');
      else log.line(0, 'System', 'MY-011323', 'Server', 'X Plugin ready for connections. Socket: /var/run/mysqld/mysqlx.sock');
    }
    this.openSocket();
    if (p.product === 'mysql') {
      log.line(0, 'System', 'MY-010931', 'Server', `${p.serverBinary}: ready for connections. Version: '${p.version}'  socket: '${p.socket}'  port: ${this.port}  ${p.edition}`);
    } else {
      log.line(0, 'Note', '', 'Server', `${p.serverBinary}: ready for connections.`);
      this.ctx.stderr.write(`Version: '${p.version}'  socket: '${p.socket}'  port: ${this.port}  ${p.edition}\n`);
    }
    return true;
  }

  private openSocket(): void {
    const dir = this.profile.socket.slice(0, this.profile.socket.lastIndexOf('/'));
    mkdirs(this.fs, dir);
    this.fs.writeFile(this.profile.socket, '');
    this.fs.chmod(this.profile.socket, 0o777);
    this.socketKey = hostKey(this.fs, this.profile.socket);
    if (this.socketKey) servers.set(this.socketKey, this);
  }

  /** shutdown is a clean stop (SIGTERM or mysqladmin shutdown): logs, temporary files removed, lock and socket released. */
  async shutdown(by: string): Promise<void> {
    const p = this.profile;
    if (p.product === 'mysql') {
      log(this, by);
    } else {
      this.log.line(0, 'Note', '', 'Server', `${p.serverBinary} (initiated by: ${by}): Normal shutdown`);
    }
    await pause(this.ctx, 300);
    try {
      this.dataDir.stopRuntime();
      if (this.fs.exists(p.socket)) this.fs.remove(p.socket);
    } catch {
      // The volume may have gone away (the NFS server stopped); the lock still goes.
    }
    this.release();
    if (p.product === 'mysql') {
      this.log.line(0, 'System', 'MY-010910', 'Server', `${p.serverBinary}: Shutdown complete (${p.serverName} ${p.version})  ${p.edition}`);
      this.log.line(0, 'System', 'MY-015016', 'Server', 'MySQL Server - end.');
    } else {
      this.log.line(0, 'Note', '', 'Server', `${p.serverBinary}: Shutdown complete`);
    }
  }

  /** whenStopped resolves once the server has stopped for any reason (a signal, `mysqladmin shutdown`). */
  whenStopped(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.stopListeners.push(resolve));
  }

  /** release drops the lock and the socket registration without a clean shutdown (SIGKILL, a node losing power). */
  release(): void {
    this.running = false;
    const listeners = this.stopListeners;
    this.stopListeners = [];
    for (const l of listeners) l();
    if (this.lockKey && locks.get(this.lockKey) === this) locks.delete(this.lockKey);
    if (this.socketKey && servers.get(this.socketKey) === this) servers.delete(this.socketKey);
  }

  /** connect authenticates a client and opens a session (ER_ACCESS_DENIED_ERROR, ER_BAD_DB_ERROR as the server answers). */
  connect(user: string, password: string | undefined, host: string, database?: string): Session {
    const u = this.engine.authenticate(user, password, host);
    const session: Session = { user: u, host: 'localhost', connectionId: this.connections++ };
    if (database !== undefined) {
      if (!this.engine.databaseExists(database)) throw er.badDb(database);
      if (!this.engine.canUse(u, database)) throw er.dbAccessDenied(user, '%', database);
      session.db = database;
    }
    return session;
  }

  /**
   * variables are the system variables a learner may ask for to see where the
   * data is and which pod answered: @@datadir, @@hostname (the pod's name), …
   */
  variables(): Record<string, string | number> {
    const p = this.profile;
    return {
      datadir: `${p.datadir}/`,
      hostname: this.ctx.container.hostname,
      port: this.port,
      socket: p.socket,
      server_uuid: this.engine.dictionary().serverUuid,
      version: p.version,
      version_comment: p.product === 'mysql' ? 'MySQL Community Server - GPL' : 'mariadb.org binary distribution',
      innodb_file_per_table: 'ON',
      skip_networking: this.options.temporary ? 'ON' : 'OFF',
      sql_mode: 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION',
      time_zone: 'SYSTEM',
    };
  }

  /** dictionary reads users and schemata (the entrypoint changes them during set-up). */
  dictionary(): Dictionary {
    return this.dataDir.readDictionary();
  }
}

function log(server: MysqldInstance, by: string): void {
  const p = server.profile;
  server.log.line(by === 'root' ? 10 : 0, 'System', 'MY-013172', 'Server', `Received SHUTDOWN from user ${by}. Shutting down ${p.serverName} (Version: ${p.version}).`);
}

/** mkdirs is `mkdir -p` through a container view. */
export function mkdirs(fs: ContainerFs, path: string): void {
  const parts = path.split('/').filter(Boolean);
  let cur = '';
  for (const part of parts) {
    cur += `/${part}`;
    if (!fs.exists(cur)) fs.mkdir(cur, 0o755);
  }
}

/**
 * findServer is how a client reaches a server through the socket path it
 * connects to: undefined when nothing listens there — the socket file may
 * still exist after a crash, which changes the errno the client reports.
 */
export function findServer(fs: ContainerFs, socket: string): { server?: MysqldInstance; socketFileExists: boolean } {
  const key = hostKey(fs, socket);
  const server = key ? servers.get(key) : undefined;
  return { server: server?.running ? server : undefined, socketFileExists: fs.exists(socket) };
}
