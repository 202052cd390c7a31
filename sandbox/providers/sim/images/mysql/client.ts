/**
 * mysqlClientProgram is the `mysql` command-line client inside the
 * container (client/mysql.cc behaviour for the options the course uses):
 *
 * - `-uUSER`, `-pPASSWORD` (with the real client's warning about passwords
 *   on the command line), `-p` alone prompts, `-h`, `-P`, `-D`/database
 *   argument, `-e "…"`, `-B`, `-N`, `-s`, `-t`, `-E`, `--force`;
 * - it connects through the server's Unix socket in this container (or TCP
 *   127.0.0.1:3306 with `-h 127.0.0.1`), failing with ERROR 2002/2003 when
 *   no server listens and ERROR 1045 for a wrong password;
 * - output is a `+----+` table on a terminal and tab-separated with a header
 *   line otherwise, as the real client chooses; `-e` on a terminal prints the
 *   table without the "rows in set" line;
 * - without `-e` on a terminal it is the interactive monitor: banner,
 *   `mysql>` prompt, statements over several lines until `;` or `\G`,
 *   `use`, `\c`, `\q`, `exit`, `quit`.
 */
import type { InputStream, Program, ProgramContext } from '../../containers/program.ts';
import { FsError } from '../../containers/fs/errors.ts';
import { LineReader, readAll } from '../../containers/streams.ts';
import type { Result, Session } from './engine.ts';
import { formatBox, formatTabs, formatVertical, queryOk, rowsInSet } from './format.ts';
import type { ServerProfile } from './profile.ts';
import { findServer, MYSQL_PORT, type MysqldInstance } from './server.ts';
import { MysqlError } from './sql/errors.ts';
import { parseStatement, splitStatements } from './sql/parser.ts';

interface ClientOptions {
  user?: string;
  password?: string;
  /** passwordPrompt: `-p` without a value. */
  passwordPrompt: boolean;
  passwordOnCommandLine: boolean;
  host?: string;
  port: number;
  socket?: string;
  database?: string;
  execute?: string;
  batch: boolean;
  table: boolean;
  vertical: boolean;
  columnNames: boolean;
  silent: number;
  force: boolean;
  protocol?: string;
}

type Parsed = { ok: true; options: ClientOptions } | { ok: false; exit: number; stdout?: string; stderr?: string };

/** LONG_WITH_VALUE maps long options that take a value to their field. */
const LONG_WITH_VALUE: Record<string, keyof ClientOptions | 'ignore'> = {
  user: 'user',
  host: 'host',
  port: 'port',
  socket: 'socket',
  database: 'database',
  execute: 'execute',
  protocol: 'protocol',
  'default-character-set': 'ignore',
  'ssl-mode': 'ignore',
  'connect-timeout': 'ignore',
  'init-command': 'ignore',
  'defaults-extra-file': 'ignore',
  'defaults-file': 'ignore',
  'login-path': 'ignore',
  'max-allowed-packet': 'ignore',
  'get-server-public-key': 'ignore',
};

const LONG_FLAGS: Record<string, (o: ClientOptions) => void> = {
  batch: (o) => (o.batch = true),
  table: (o) => (o.table = true),
  vertical: (o) => (o.vertical = true),
  'skip-column-names': (o) => (o.columnNames = false),
  'column-names': (o) => (o.columnNames = true),
  silent: (o) => o.silent++,
  force: (o) => (o.force = true),
  'no-auto-rehash': () => {},
  'skip-auto-rehash': () => {},
  'auto-rehash': () => {},
  comments: () => {},
  'skip-comments': () => {},
  'skip-ssl': () => {},
  raw: () => {},
  unbuffered: () => {},
  'no-defaults': () => {},
  'skip-pager': () => {},
  'no-beep': () => {},
};

/** SHORT_WITH_VALUE are single-letter options whose value may be attached (-uroot) or the next word (-u root). */
const SHORT_WITH_VALUE: Record<string, keyof ClientOptions> = { u: 'user', h: 'host', P: 'port', S: 'socket', D: 'database', e: 'execute' };
const SHORT_FLAGS: Record<string, (o: ClientOptions) => void> = {
  B: (o) => (o.batch = true),
  t: (o) => (o.table = true),
  E: (o) => (o.vertical = true),
  N: (o) => (o.columnNames = false),
  s: (o) => o.silent++,
  f: (o) => (o.force = true),
  A: () => {},
  n: () => {},
  q: () => {},
  r: () => {},
  v: () => {},
  c: () => {},
};

function parseArgs(profile: ServerProfile, argv: string[]): Parsed {
  const o: ClientOptions = { passwordPrompt: false, passwordOnCommandLine: false, port: MYSQL_PORT, batch: false, table: false, vertical: false, columnNames: true, silent: 0, force: false };
  const name = profile.clientName;
  const positional: string[] = [];
  const set = (field: keyof ClientOptions | 'ignore', value: string) => {
    if (field === 'ignore') return;
    if (field === 'port') o.port = Number(value);
    else (o as unknown as Record<string, unknown>)[field] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--version' || a === '-V') return { ok: false, exit: 0, stdout: `${profile.clientVersion}\n` };
    if (a === '--help' || a === '-?' || a === '-I') return { ok: false, exit: 0, stdout: `${profile.clientVersion}\nUsage: ${name} [OPTIONS] [database]\n(kslab simulated client: -u -p -h -P -D -e -B -N -s -t -E -f and their long forms)\n` };
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const key = (eq < 0 ? a.slice(2) : a.slice(2, eq)).replace(/_/g, '-');
      const value = eq < 0 ? undefined : a.slice(eq + 1);
      if (key === 'password') {
        if (value === undefined) o.passwordPrompt = true;
        else {
          o.password = value;
          o.passwordOnCommandLine = true;
        }
        continue;
      }
      const field = LONG_WITH_VALUE[key];
      if (field) {
        const v = value ?? argv[++i];
        if (v === undefined) return { ok: false, exit: 1, stderr: `${name}: [ERROR] ${name}: option '--${key}' requires an argument.\n` };
        set(field, v);
        continue;
      }
      const flag = LONG_FLAGS[key];
      if (flag && value === undefined) {
        flag(o);
        continue;
      }
      return { ok: false, exit: 1, stderr: `${name}: [ERROR] unknown option '--${key}'.\n` };
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const ch = a[k]!;
        if (ch === 'p') {
          const rest = a.slice(k + 1);
          if (rest === '') o.passwordPrompt = true;
          else {
            o.password = rest;
            o.passwordOnCommandLine = true;
          }
          break;
        }
        const field = SHORT_WITH_VALUE[ch];
        if (field) {
          const rest = a.slice(k + 1);
          const v = rest !== '' ? rest : argv[++i];
          if (v === undefined) return { ok: false, exit: 1, stderr: `${name}: [ERROR] ${name}: option '-${ch}' requires an argument.\n` };
          set(field, v);
          break;
        }
        const flag = SHORT_FLAGS[ch];
        if (!flag) return { ok: false, exit: 1, stderr: `${name}: [ERROR] unknown option '-${ch}'.\n` };
        flag(o);
      }
      continue;
    }
    positional.push(a);
  }
  if (positional.length > 1) return { ok: false, exit: 1, stderr: `${name}: [ERROR] Too many arguments\n` };
  if (positional[0] !== undefined) o.database ??= positional[0];
  return { ok: true, options: o };
}

/** ClientConnection is an authenticated session on a server. */
interface ClientConnection {
  server: MysqldInstance;
  session: Session;
}

/**
 * connect reaches the server the way the client would: over this container's
 * socket, or TCP to 127.0.0.1/::1; anything else is another machine, which
 * the model does not reach (pods' networking is not modelled here).
 */
function connect(profile: ServerProfile, ctx: ProgramContext, o: ClientOptions, user: string): ClientConnection {
  const host = o.host ?? 'localhost';
  const socket = o.socket ?? profile.socket;
  const tcp = (host !== 'localhost' || o.protocol?.toUpperCase() === 'TCP') && host !== '';
  const { server, socketFileExists } = findServer(ctx.fs, socket);
  if (tcp) {
    const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
    if (!loopback) {
      if (/^[\d.]+$/.test(host) || host.includes(':')) throw new MysqlError(2003, 'HY000', `Can't connect to MySQL server on '${host}:${o.port}' (110)`);
      throw new MysqlError(2005, 'HY000', `Unknown MySQL server host '${host}' (-2)`);
    }
    if (!server || server.port === 0 || o.port !== server.port) throw new MysqlError(2003, 'HY000', `Can't connect to MySQL server on '${host}:${o.port}' (111)`);
  } else if (!server) {
    throw new MysqlError(2002, 'HY000', `Can't connect to local MySQL server through socket '${socket}' (${socketFileExists ? 111 : 2})`);
  }
  const session = server!.connect(user, o.password, tcp ? '127.0.0.1' : 'localhost', o.database);
  return { server: server!, session };
}

/** mysqlClientProgram builds the client for one server profile (`mysql`, `mariadb`). */
export function mysqlClientProgram(profile: ServerProfile): Program {
  return async (ctx) => {
    const parsed = parseArgs(profile, ctx.argv.slice(1));
    if (!parsed.ok) {
      if (parsed.stdout) ctx.stdout.write(parsed.stdout);
      if (parsed.stderr) ctx.stderr.write(parsed.stderr);
      return parsed.exit;
    }
    const o = parsed.options;
    const name = profile.clientName;
    if (o.passwordOnCommandLine && profile.product === 'mysql') ctx.stderr.write(`${name}: [Warning] Using a password on the command line interface can be insecure.\n`);
    if (o.passwordPrompt) {
      const typed = await promptPassword(ctx);
      if (typed === undefined) return 1;
      o.password = typed.password;
      ctx = { ...ctx, stdin: prependInput(typed.rest, ctx.stdin) };
    }
    const interactive = ctx.tty && o.execute === undefined && !o.batch;
    // mysql.cc: stdin or stdout not a terminal turns on batch mode (tab output); -e alone keeps a terminal's table.
    const tabOutput = !o.table && !o.vertical && (o.batch || !ctx.tty);
    const user = o.user ?? ctx.container.user.name;
    let conn: ClientConnection;
    try {
      conn = connect(profile, ctx, o, user);
    } catch (e) {
      if (e instanceof MysqlError) {
        ctx.stderr.write(`ERROR ${e.code} (${e.sqlState}): ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    if (interactive) return monitor(ctx, profile, conn, o);
    const input = o.execute ?? Buffer.from(await readAll(ctx.stdin, 16 * 1024 * 1024, ctx.signal)).toString('utf8');
    const { statements, rest, restLine } = splitStatements(input);
    const all = [...statements];
    if (rest.trim() !== '') all.push({ text: rest.trim(), terminator: ';', line: restLine });
    let status = 0;
    for (const st of all) {
      if (/^(exit|quit|\\q)$/i.test(st.text)) break;
      try {
        const result = runStatement(conn, st.text);
        const vertical = o.vertical || st.terminator === '\\G';
        writeBatchResult(ctx, result, { tabOutput, vertical, header: o.columnNames && o.silent < (ctx.tty ? 1 : 2) });
      } catch (e) {
        if (!(e instanceof MysqlError)) throw e;
        ctx.stderr.write(`ERROR ${e.code} (${e.sqlState}) at line ${st.line}: ${e.message}\n`);
        status = 1;
        if (!o.force) return 1;
      }
    }
    return status;
  };
}

/** OS_ERRNO are Linux errno numbers, for the storage-engine error a failing volume produces. */
const OS_ERRNO: Record<string, number> = { ENOENT: 2, EIO: 5, EACCES: 13, ENOSPC: 28, EROFS: 30, ESTALE: 116, EFBIG: 27, EPERM: 1 };

/**
 * runStatement parses and executes one statement on a connection. A volume
 * that fails underneath (the NFS server stopped: EIO; a full tmpfs: ENOSPC)
 * surfaces as the storage-engine error a real server reports.
 */
function runStatement(conn: ClientConnection, text: string): Result {
  if (!conn.server.running) throw new MysqlError(2013, 'HY000', 'Lost connection to MySQL server during query');
  try {
    return conn.server.engine.execute(parseStatement(text), conn.session);
  } catch (e) {
    if (e instanceof FsError) {
      if (e.code === 'ENOSPC') throw new MysqlError(1114, 'HY000', `The table is full`);
      throw new MysqlError(1030, 'HY000', `Got error ${OS_ERRNO[e.code] ?? 5} - '${e.message}' from storage engine`);
    }
    throw e;
  }
}

function writeBatchResult(ctx: ProgramContext, result: Result, f: { tabOutput: boolean; vertical: boolean; header: boolean }): void {
  // An empty result prints nothing in batch mode: mysql.cc only says "Empty set", and only interactively.
  if (result.kind !== 'rows' || result.rows.length === 0) return;
  if (f.vertical) ctx.stdout.write(formatVertical(result.columns, result.rows));
  else if (f.tabOutput) ctx.stdout.write(formatTabs(result.columns, result.rows, f.header));
  else ctx.stdout.write(formatBox(result.columns, result.rows));
}

/**
 * promptPassword reads a password without echo (`Enter password: `), the tty
 * in raw mode as get_tty_password sets it. Input typed ahead after the Enter
 * key is kept for what reads stdin next.
 */
async function promptPassword(ctx: ProgramContext): Promise<{ password: string; rest: Uint8Array } | undefined> {
  ctx.stdout.write('Enter password: ');
  ctx.setRawMode?.(true);
  let pw = '';
  let rest: Uint8Array = new Uint8Array(0);
  try {
    outer: for (;;) {
      const chunk = await ctx.stdin.read();
      if (chunk === null) break;
      const text = Buffer.from(chunk).toString('utf8');
      const chars = [...text];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i]!;
        if (ch === '\r' || ch === '\n') {
          let after = chars.slice(i + 1).join('');
          if (ch === '\r' && after.startsWith('\n')) after = after.slice(1);
          rest = Buffer.from(after.replace(/\r\n?/g, '\n'));
          break outer;
        }
        if (ch === '\x7f' || ch === '\b') pw = pw.slice(0, -1);
        else if (ch === '\x03') {
          ctx.stdout.write('^C\n');
          return undefined;
        } else pw += ch;
      }
    }
  } finally {
    ctx.setRawMode?.(false);
  }
  ctx.stdout.write('\n');
  return { password: pw, rest };
}

/** prependInput gives `first` before the rest of a stream (input typed ahead of a prompt). */
function prependInput(first: Uint8Array, input: InputStream): InputStream {
  let pending: Uint8Array | null = first.length > 0 ? first : null;
  return {
    read: async () => {
      if (pending) {
        const p = pending;
        pending = null;
        return p;
      }
      return input.read();
    },
  };
}

/** monitor is the interactive client: banner, prompt, multi-line statements. */
async function monitor(ctx: ProgramContext, profile: ServerProfile, conn: ClientConnection, o: ClientOptions): Promise<number> {
  const out = (s: string) => ctx.stdout.write(s);
  const product = profile.monitorName;
  const copyright = profile.product === 'mysql' ? 'Copyright (c) 2000, 2025, Oracle and/or its affiliates.\n\nOracle is a registered trademark of Oracle Corporation and/or its\naffiliates. Other names may be trademarks of their respective\nowners.\n' : 'Copyright (c) 2000, 2018, Oracle, MariaDB Corporation Ab and others.\n';
  out(
    `Welcome to the ${product} monitor.  Commands end with ; or \\g.\n` +
      `Your ${product} connection id is ${conn.session.connectionId}\n` +
      `Server version: ${conn.server.profile.version} ${profile.product === 'mysql' ? 'MySQL Community Server - GPL' : 'mariadb.org binary distribution'}\n\n` +
      copyright +
      `\nType 'help;' or '\\h' for help. Type '\\c' to clear the current input statement.\n\n`,
  );
  const promptMain = () => (profile.product === 'mysql' ? 'mysql> ' : `MariaDB [${conn.session.db ?? '(none)'}]> `);
  let buffer = '';
  ctx.onSignal((sig) => {
    if (sig === 'INT') {
      buffer = '';
      out(`\n${promptMain()}`);
    }
  });
  const reader = new LineReader(ctx.stdin);
  for (;;) {
    const open = splitStatements(buffer).openQuote;
    const prompt = buffer.trim() === '' ? promptMain() : open ? `    ${open}> ` : '    -> ';
    out(prompt);
    const next = await reader.readLine();
    if (next === null || ctx.signal.aborted) {
      out('Bye\n');
      return 0;
    }
    const line = next.line.replace(/\r$/, '');
    const trimmed = line.trim();
    if (buffer.trim() === '') {
      if (/^(exit|quit)\s*;?$/i.test(trimmed) || /^\\q\s*$/.test(trimmed)) {
        out('Bye\n');
        return 0;
      }
      if (/^(help|\\h|\?)\s*;?$/i.test(trimmed)) {
        out(helpText(profile));
        continue;
      }
      const use = /^(?:use|\\u)\s+`?([^`;\s]+)`?\s*;?$/i.exec(trimmed);
      if (use) {
        writeInteractive(ctx, conn, `USE \`${use[1]}\``, '');
        continue;
      }
    }
    if (/\\q\s*$/.test(line)) {
      out('Bye\n');
      return 0;
    }
    if (/\\c\s*$/.test(line) && !splitStatements(buffer + line.replace(/\\c\s*$/, '')).openQuote) {
      buffer = '';
      continue;
    }
    buffer += (buffer === '' ? '' : '\n') + line;
    const { statements, rest } = splitStatements(buffer);
    for (const st of statements) writeInteractive(ctx, conn, st.text, st.terminator, o.vertical);
    buffer = rest.trim() === '' ? '' : rest;
  }
}

function writeInteractive(ctx: ProgramContext, conn: ClientConnection, text: string, terminator: string, vertical = false): void {
  const out = (s: string) => ctx.stdout.write(s);
  try {
    const result = runStatement(conn, text);
    if (result.kind === 'rows') {
      if (result.rows.length > 0) out(vertical || terminator === '\\G' ? formatVertical(result.columns, result.rows) : formatBox(result.columns, result.rows));
      out(`${rowsInSet(result.rows.length, '0.00')}\n\n`);
    } else if (result.kind === 'ok') {
      out(`${queryOk(result.affected, result.warnings, '0.01')}\n${result.info ? result.info + '\n' : ''}\n`);
    } else {
      if (result.hasTables) out('Reading table information for completion of table and column names\nYou can turn off this feature to get a quicker startup with -A\n\n');
      out('Database changed\n');
    }
  } catch (e) {
    if (!(e instanceof MysqlError)) throw e;
    out(`ERROR ${e.code} (${e.sqlState}): ${e.message}\n`);
  }
}

function helpText(profile: ServerProfile): string {
  return (
    `\nFor information about ${profile.monitorName} products and services, visit the vendor's site.\n` +
    '(kslab simulated client: the commands below are modelled)\n\n' +
    'List of all client commands:\n' +
    'clear     (\\c) Clear the current input statement.\n' +
    'ego       (\\G) Send command to server, display result vertically.\n' +
    'exit      (\\q) Exit. Same as quit.\n' +
    'go        (\\g) Send command to server.\n' +
    'help      (\\h) Display this help.\n' +
    'quit      (\\q) Quit.\n' +
    'use       (\\u) Use another database. Takes database name as argument.\n\n'
  );
}

/**
 * mysqladminProgram is `mysqladmin ping|version|status|shutdown`, the command
 * readiness probes and healthchecks use; it connects like the client.
 */
export function mysqladminProgram(profile: ServerProfile): Program {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    const commands = args.filter((a) => !a.startsWith('-'));
    const flags = args.filter((a) => a.startsWith('-'));
    const parsed = parseArgs(profile, flags);
    if (!parsed.ok) {
      if (parsed.stdout) ctx.stdout.write(parsed.stdout);
      if (parsed.stderr) ctx.stderr.write(parsed.stderr.replace(`${profile.clientName}:`, 'mysqladmin:'));
      return parsed.exit;
    }
    const o = parsed.options;
    if (o.passwordOnCommandLine && profile.product === 'mysql') ctx.stderr.write('mysqladmin: [Warning] Using a password on the command line interface can be insecure.\n');
    if (commands.length === 0) {
      ctx.stdout.write(`mysqladmin  Ver 8.4.7 for Linux on x86_64 (MySQL Community Server - GPL)\nUsage: mysqladmin [OPTIONS] command command....\n`);
      return 0;
    }
    let conn: ClientConnection;
    try {
      conn = connect(profile, ctx, o, o.user ?? ctx.container.user.name);
    } catch (e) {
      if (!(e instanceof MysqlError)) throw e;
      // A ping that reaches the server but is refused still proves it is alive (mysqladmin.cc).
      if (commands[0] === 'ping' && e.code === 1045) {
        ctx.stdout.write('mysqld is alive\n');
        return 0;
      }
      const where = e.code === 2002 ? `'${o.host ?? 'localhost'}'` : `'${o.host ?? 'localhost'}'`;
      ctx.stderr.write(`mysqladmin: connect to server at ${where} failed\nerror: '${e.message}'\n`);
      if (e.code === 2002) ctx.stderr.write(`Check that mysqld is running and that the socket: '${o.socket ?? profile.socket}' exists!\n`);
      return 1;
    }
    for (const c of commands) {
      if (c === 'ping') ctx.stdout.write('mysqld is alive\n');
      else if (c === 'version' || c === 'status') ctx.stdout.write(`Server version\t\t${conn.server.profile.version}\nConnection\t\tLocalhost via UNIX socket\nUNIX socket\t\t${profile.socket}\n`);
      else if (c === 'shutdown') {
        await conn.server.shutdown(conn.session.user.user);
      } else {
        ctx.stderr.write(`mysqladmin: Unknown command: '${c}'\n`);
        return 1;
      }
    }
    return 0;
  };
}
