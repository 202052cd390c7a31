import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mysqlTiming } from '../../../sandbox/providers/sim/images/mysql/index.ts';
import { makeHarness, type Harness } from './harness.ts';

const READY_3306 = "ready for connections. Version: '8.4.7'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.";
const WARNING = 'mysql: [Warning] Using a password on the command line interface can be insecure.\n';

let h: Harness;
beforeAll(() => {
  mysqlTiming.scale = 0;
});
afterAll(() => {
  mysqlTiming.scale = 1;
});
beforeEach(() => {
  h = makeHarness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('mysql:8.4 entrypoint', () => {
  it('initialises a real-looking datadir on first start and logs like the server', async () => {
    const vol = h.volume('tmp-mysql');
    const c = h.start({ volume: vol });
    await c.waitForLog(READY_3306);
    const logs = c.logs();
    expect(logs).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00 \[Note\] \[Entrypoint\]: Entrypoint script for MySQL Server 8\.4\.7-1\.el9 started\.$/m);
    expect(logs).toContain("[Note] [Entrypoint]: Switching to dedicated user 'mysql'");
    expect(logs).toContain('[Note] [Entrypoint]: Initializing database files');
    expect(logs).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z 0 \[System\] \[MY-010931\] \[Server\] \/usr\/sbin\/mysqld: ready for connections\. Version: '8\.4\.7'  socket: '\/var\/run\/mysqld\/mysqld\.sock'  port: 0  MySQL Community Server - GPL\.$/m);
    expect(logs).toContain('[Note] [Entrypoint]: MySQL init process done. Ready for start up.');
    // Server log timestamps never go backwards, even within one millisecond.
    const stamps = logs.split('\n').map((l) => /^(\d{4}-\d\d-\d\dT[\d:.]+Z) /.exec(l)?.[1]).filter((x): x is string => !!x);
    expect(stamps.length).toBeGreaterThan(10);
    expect([...stamps].sort()).toEqual(stamps);
    // Two ready lines: the temporary server (port 0), then the real one.
    expect(logs.split('\n').filter((l) => l.includes('[MY-010931]'))).toHaveLength(2);
    // Exactly what lesson 2's `ls /host/tmp/mysql` lists on a real node (before `inventory` exists).
    const files = readdirSync(vol).filter((f) => !f.startsWith('.')).sort();
    expect(files).toEqual(
      [
        '#ib_16384_0.dblwr', '#ib_16384_1.dblwr', '#innodb_redo', '#innodb_temp', 'auto.cnf', 'binlog.000001', 'binlog.000002', 'binlog.index',
        'ca-key.pem', 'ca.pem', 'client-cert.pem', 'client-key.pem', 'ibdata1', 'ibtmp1', 'mysql', 'mysql.ibd', 'mysql_upgrade_history',
        'performance_schema', 'private_key.pem', 'public_key.pem', 'server-cert.pem', 'server-key.pem', 'sys', 'undo_001', 'undo_002',
      ].sort(),
    );
    expect(readFileSync(join(vol, 'auto.cnf'), 'utf8')).toMatch(/^\[auto\]\nserver-uuid=[0-9a-f-]{36}\n$/);
    expect(readFileSync(join(vol, 'ibdata1'), 'utf8')).toContain('contents are modelled');
  });

  it('refuses to start without a password option, exiting 1 with the script error', async () => {
    const c = h.start({ volume: h.volume('x'), env: {} });
    expect(await c.container.exited).toBe(1);
    expect(c.logs()).toContain('[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified');
    expect(c.logs()).toContain('    - MYSQL_RANDOM_ROOT_PASSWORD');
  });

  it('refuses a non-empty foreign datadir like mysqld --initialize', async () => {
    const vol = h.volume('foreign');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(vol, 'notes.txt'), 'something else lives here\n');
    const c = h.start({ volume: vol });
    expect(await c.container.exited).toBe(1);
    const logs = c.logs();
    expect(logs).toMatch(/\[ERROR\] \[MY-010457\] \[Server\] --initialize specified but the data directory has files in it\. Aborting\./);
    expect(logs).toContain('[ERROR] [MY-013236] [Server] The designated data directory /var/lib/mysql/ is unusable. You can remove all files that the server added to it.');
    expect(existsSync(join(vol, 'mysql'))).toBe(false);
  });

  it('MYSQL_DATABASE creates a database; MYSQL_RANDOM_ROOT_PASSWORD logs the password', async () => {
    const c = h.start({ volume: h.volume('r'), env: { MYSQL_RANDOM_ROOT_PASSWORD: 'yes', MYSQL_DATABASE: 'shop' } });
    await c.waitForLog(READY_3306);
    const pw = /GENERATED ROOT PASSWORD: (\S+)/.exec(c.logs())?.[1];
    expect(pw).toHaveLength(32);
    expect(c.logs()).toContain('[Note] [Entrypoint]: Creating database shop');
    const r = await c.exec(['mysql', '-uroot', `-p${pw}`, '-e', 'SHOW DATABASES']);
    expect(r.stdout).toBe('Database\ninformation_schema\nmysql\nperformance_schema\nshop\nsys\n');
  });
});

describe('mysql client against the modelled server', () => {
  it('runs the lesson 2 commands with the real output', async () => {
    const vol = h.volume('tmp-mysql');
    const c = h.start({ volume: vol });
    await c.waitForLog(READY_3306);
    const create = await c.exec(['mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE inventory']);
    expect(create).toEqual({ code: 0, stdout: '', stderr: WARNING });
    const show = await c.exec(['mysql', '-uroot', '-ppassword', '-e', 'SHOW DATABASES']);
    expect(show.stdout).toBe('Database\ninformation_schema\ninventory\nmysql\nperformance_schema\nsys\n');
    // A database is a directory in the datadir, owned by the container's mysql user, mode 0750.
    expect(statSync(join(vol, 'inventory')).isDirectory()).toBe(true);
    expect(statSync(join(vol, 'inventory')).mode & 0o777).toBe(0o750);
  });

  it('runs the lesson 3 commands: a table is a .ibd file of 112 KiB holding the row', async () => {
    const vol = h.volume('nfs-mysql');
    const c = h.start({ volume: vol });
    await c.waitForLog(READY_3306);
    const q = (sql: string) => c.exec(['mysql', '-uroot', '-ppassword', '-e', sql]);
    expect((await q('CREATE DATABASE library')).code).toBe(0);
    expect((await q('CREATE TABLE library.books (title VARCHAR(200))')).code).toBe(0);
    expect((await q("INSERT INTO library.books VALUES ('The Phoenix Project')")).code).toBe(0);
    const sel = await q('SELECT title FROM library.books');
    expect(sel).toEqual({ code: 0, stdout: 'title\nThe Phoenix Project\n', stderr: WARNING });
    const ibd = join(vol, 'library', 'books.ibd');
    expect(statSync(ibd).size).toBe(114688);
    expect(statSync(ibd).mode & 0o777).toBe(0o640);
    expect(readFileSync(ibd).toString('utf8')).toContain('The Phoenix Project');
  });

  it('keeps the data when a new container starts on the same datadir, and does not initialise again', async () => {
    const vol = h.volume('persist');
    const a = h.start({ volume: vol });
    await a.waitForLog(READY_3306);
    await a.exec(['mysql', '-uroot', '-ppassword', '-e', "CREATE DATABASE library; CREATE TABLE library.books (title VARCHAR(200)); INSERT INTO library.books VALUES ('The Phoenix Project')"]);
    a.container.kill('TERM');
    expect(await a.container.exited).toBe(0);
    expect(a.logs()).toContain('[System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: 8.4.7).');
    expect(existsSync(join(vol, 'ibtmp1'))).toBe(false);
    // The new pod's env says another password: an existing datadir keeps its own users.
    const b = h.start({ volume: vol, env: { MYSQL_ROOT_PASSWORD: 'other' } });
    await b.waitForLog(READY_3306);
    expect(b.logs()).not.toContain('Initializing database files');
    const sel = await b.exec(['mysql', '-uroot', '-ppassword', '-e', 'SELECT title FROM library.books']);
    expect(sel.stdout).toBe('title\nThe Phoenix Project\n');
    const denied = await b.exec(['mysql', '-uroot', '-pother', '-e', 'SELECT 1']);
    expect(denied).toEqual({ code: 1, stdout: '', stderr: WARNING + "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n" });
  });

  it('answers ERROR 2002 when no server runs in the container', async () => {
    const c = h.start({ volume: h.volume('none'), command: ['sleep', '3600'] });
    const r = await c.exec(['mysql', '-uroot', '-ppassword', '-e', 'SELECT 1']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: WARNING + "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n" });
  });
});
