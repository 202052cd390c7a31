import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContainerFs } from '../../../sandbox/providers/sim/containers/fs/container-fs.ts';
import { mountSource } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { mysqlTiming } from '../../../sandbox/providers/sim/images/mysql/index.ts';
import { makeHarness, type Harness, type Running } from './harness.ts';

const WARNING = 'mysql: [Warning] Using a password on the command line interface can be insecure.\n';

let h: Harness;
let c: Running;
let vol: string;
beforeAll(() => {
  mysqlTiming.scale = 0;
});
afterAll(() => {
  mysqlTiming.scale = 1;
});
beforeEach(async () => {
  h = makeHarness();
  vol = h.volume('data');
  c = h.start({ volume: vol });
  await c.waitForLog("port: 3306  MySQL Community Server - GPL.");
});
afterEach(async () => {
  await h.cleanup();
});

const sql = (text: string, extra: string[] = []) => c.exec(['mysql', '-uroot', '-ppassword', ...extra, '-e', text]);

describe('batch mode (-e, no terminal)', () => {
  it('prints tab-separated rows with a header, escaping tabs and newlines, NULL as NULL', async () => {
    await sql("CREATE DATABASE shop; CREATE TABLE shop.items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL, note TEXT, price DECIMAL(6,2))");
    await sql("INSERT INTO shop.items (name, note, price) VALUES ('pen', 'blue\tink', 1.5), ('pad', NULL, 3)");
    const r = await sql('SELECT * FROM shop.items ORDER BY id');
    expect(r.stdout).toBe('id\tname\tnote\tprice\n1\tpen\tblue\\tink\t1.50\n2\tpad\tNULL\t3.00\n');
    expect((await sql('SELECT name FROM shop.items', ['-N'])).stdout).toBe('pen\npad\n');
    expect((await sql('SELECT name FROM shop.items WHERE id = 7')).stdout).toBe('');
  });

  it('prints server errors with the input line, and stops at the first one', async () => {
    expect(await sql('USE nope')).toEqual({ code: 1, stdout: '', stderr: WARNING + "ERROR 1049 (42000) at line 1: Unknown database 'nope'\n" });
    await sql('CREATE DATABASE inventory');
    expect((await sql('CREATE DATABASE inventory')).stderr).toBe(WARNING + "ERROR 1007 (HY000) at line 1: Can't create database 'inventory'; database exists\n");
    expect((await sql('SELECT * FROM inventory.parts')).stderr).toBe(WARNING + "ERROR 1146 (42S02) at line 1: Table 'inventory.parts' doesn't exist\n");
    expect((await sql('SELECT * FROM parts')).stderr).toBe(WARNING + 'ERROR 1046 (3D000) at line 1: No database selected\n');
    expect((await sql('SELEC 1')).stderr).toBe(
      WARNING + "ERROR 1064 (42000) at line 1: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near 'SELEC 1' at line 1\n",
    );
    const two = await sql('CREATE DATABASE a1;\nCREATE DATABASE a1;\nCREATE DATABASE a2');
    expect(two.stderr).toBe(WARNING + "ERROR 1007 (HY000) at line 2: Can't create database 'a1'; database exists\n");
    expect((await sql('SHOW DATABASES LIKE \'a%\'')).stdout).toBe('Database (a%)\na1\n');
  });

  it('connects to a database given as argument or -D, and refuses an unknown one at connect', async () => {
    await sql('CREATE DATABASE library; CREATE TABLE library.books (title VARCHAR(200))');
    expect((await c.exec(['mysql', '-uroot', '-ppassword', 'library', '-e', 'SHOW TABLES'])).stdout).toBe('Tables_in_library\nbooks\n');
    expect((await c.exec(['mysql', '-uroot', '-ppassword', '-D', 'library', '-e', 'SELECT DATABASE()'])).stdout).toBe('DATABASE()\nlibrary\n');
    expect(await c.exec(['mysql', '-uroot', '-ppassword', '-Dnope', '-e', 'SELECT 1'])).toEqual({ code: 1, stdout: '', stderr: WARNING + "ERROR 1049 (42000): Unknown database 'nope'\n" });
  });

  it('reads statements from stdin when there is no -e', async () => {
    const r = await c.exec(['mysql', '-uroot', '-ppassword'], { stdin: "CREATE DATABASE d;\nCREATE TABLE d.t (n INT);\nINSERT INTO d.t VALUES (1),(2),(3);\nSELECT COUNT(*) FROM d.t;\n" });
    expect(r).toEqual({ code: 0, stdout: 'COUNT(*)\n3\n', stderr: WARNING });
  });

  it('checks values against column types in strict mode', async () => {
    await sql('CREATE DATABASE d; CREATE TABLE d.t (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL, born DATE)');
    expect((await sql("INSERT INTO d.t VALUES (1, 'toolong', NULL)")).stderr).toBe(WARNING + "ERROR 1406 (22001) at line 1: Data too long for column 'name' at row 1\n");
    expect((await sql("INSERT INTO d.t VALUES ('x', 'a', NULL)")).stderr).toBe(WARNING + "ERROR 1366 (HY000) at line 1: Incorrect integer value: 'x' for column 'id' at row 1\n");
    expect((await sql("INSERT INTO d.t VALUES (1, 'a', NULL), (1, 'b', NULL)")).stderr).toBe(WARNING + "ERROR 1062 (23000) at line 1: Duplicate entry '1' for key 't.PRIMARY'\n");
    expect((await sql("INSERT INTO d.t VALUES (1, NULL, NULL)")).stderr).toBe(WARNING + "ERROR 1048 (23000) at line 1: Column 'name' cannot be null\n");
    expect((await sql("INSERT INTO d.t (id) VALUES (2)")).stderr).toBe(WARNING + "ERROR 1364 (HY000) at line 1: Field 'name' doesn't have a default value\n");
    expect((await sql("INSERT INTO d.t VALUES (1, 'a')")).stderr).toBe(WARNING + "ERROR 1136 (21S01) at line 1: Column count doesn't match value count at row 1\n");
    expect((await sql("INSERT INTO d.t VALUES (1, 'a', '2026-02-30')")).stderr).toBe(WARNING + "ERROR 1292 (22007) at line 1: Incorrect date value: '2026-02-30' for column 'born' at row 1\n");
    expect((await sql("SELECT nosuch FROM d.t")).stderr).toBe(WARNING + "ERROR 1054 (42S22) at line 1: Unknown column 'nosuch' in 'field list'\n");
    // Nothing of the failed multi-row insert was kept.
    expect((await sql('SELECT COUNT(*) FROM d.t')).stdout).toBe('COUNT(*)\n0\n');
  });

  it('supports WHERE, ORDER BY, LIMIT, UPDATE, DELETE and DROP', async () => {
    await sql("CREATE DATABASE d; CREATE TABLE d.b (id INT, title VARCHAR(50)); INSERT INTO d.b VALUES (3,'c'),(1,'a'),(2,'B')");
    expect((await sql('SELECT title FROM d.b ORDER BY title DESC LIMIT 2')).stdout).toBe('title\nc\nB\n');
    expect((await sql("SELECT id FROM d.b WHERE title = 'b'")).stdout).toBe('id\n2\n');
    expect((await sql('SELECT id, title FROM d.b WHERE id >= 2 AND id < 3 OR id = 1 ORDER BY id')).stdout).toBe('id\ttitle\n1\ta\n2\tB\n');
    await sql("UPDATE d.b SET title = 'z' WHERE id = 3");
    await sql('DELETE FROM d.b WHERE id = 1');
    expect((await sql('SELECT * FROM d.b ORDER BY id')).stdout).toBe('id\ttitle\n2\tB\n3\tz\n');
    await sql('DROP TABLE d.b');
    expect((await sql('DROP TABLE d.b')).stderr).toBe(WARNING + "ERROR 1051 (42S02) at line 1: Unknown table 'd.b'\n");
    expect((await sql('DROP DATABASE d')).code).toBe(0);
    expect((await sql('DROP DATABASE d')).stderr).toBe(WARNING + "ERROR 1008 (HY000) at line 1: Can't drop database 'd'; database doesn't exist\n");
  });

  it('refuses SQL the model does not implement, saying so', async () => {
    await sql('CREATE DATABASE d; CREATE TABLE d.a (x INT); CREATE TABLE d.b (x INT)');
    const r = await sql('SELECT * FROM d.a JOIN d.b');
    expect(r.stderr).toBe(WARNING + "ERROR 1235 (42000) at line 1: This version of MySQL doesn't yet support 'joins (kslab's simulated MySQL models a subset of SQL)'\n");
  });

  it('IF [NOT] EXISTS leaves a note that SHOW WARNINGS lists', async () => {
    const r = await sql('CREATE DATABASE IF NOT EXISTS mysql; SHOW WARNINGS; DROP DATABASE IF EXISTS nope; SHOW WARNINGS');
    expect(r.stdout).toBe("Level\tCode\tMessage\nNote\t1007\tCan't create database 'mysql'; database exists\nLevel\tCode\tMessage\nNote\t1008\tCan't drop database 'nope'; database doesn't exist\n");
  });

  it('answers VERSION() and NOW()', async () => {
    expect((await sql('SELECT VERSION()')).stdout).toBe('VERSION()\n8.4.7\n');
    expect((await sql('SELECT NOW()')).stdout).toMatch(/^NOW\(\)\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n$/);
  });

  it('answers ERROR 2003 for TCP to 127.0.0.1 on a wrong port and 2005 for unknown hosts', async () => {
    expect((await c.exec(['mysql', '-h', '127.0.0.1', '-uroot', '-ppassword', '-e', 'SELECT 1'])).stdout).toBe('1\n1\n');
    expect((await c.exec(['mysql', '-h127.0.0.1', '-P3307', '-uroot', '-ppassword', '-e', 'SELECT 1'])).stderr).toBe(WARNING + "ERROR 2003 (HY000): Can't connect to MySQL server on '127.0.0.1:3307' (111)\n");
    expect((await c.exec(['mysql', '-h', 'db', '-uroot', '-ppassword', '-e', 'SELECT 1'])).stderr).toBe(WARNING + "ERROR 2005 (HY000): Unknown MySQL server host 'db' (-2)\n");
  });

  it('writes database directories owned by the container user 999 (lesson 2: ls -ld shows 999 999)', async () => {
    await sql('CREATE DATABASE inventory');
    const node = new ContainerFs({ rootfs: join(h.base, 'debug-rootfs'), mounts: [{ containerPath: '/host/tmp/mysql', hostPath: vol, source: mountSource.nodeDisk() }] });
    const st = node.stat('/host/tmp/mysql/inventory');
    expect([st.uid, st.gid, st.mode]).toEqual([999, 999, 0o750]);
  });
});

describe('terminal mode', () => {
  it('-e on a terminal prints a table without the summary line', async () => {
    const r = await c.exec(['mysql', '-uroot', '-ppassword', '-e', 'SHOW DATABASES'], { tty: true });
    expect(r.stdout).toBe(
      WARNING.replace('\n', '\r\n') +
        '+--------------------+\r\n| Database           |\r\n+--------------------+\r\n| information_schema |\r\n| mysql              |\r\n| performance_schema |\r\n| sys                |\r\n+--------------------+\r\n',
    );
  });

  it('is an interactive monitor with multi-line statements, USE, errors and exit', async () => {
    const input = 'CREATE DATABASE library;\nuse library\nCREATE TABLE books (\n  id INT,\n  title VARCHAR(200)\n);\nINSERT INTO books VALUES (1, \'The Phoenix Project\'), (2, \'Accelerate\');\nSELECT * FROM books\nORDER BY id;\nSELECT * FROM nope;\nexit\n';
    const r = await c.exec(['mysql', '-uroot', '-ppassword'], { tty: true, stdin: input });
    const out = r.stdout.replace(/\r\n/g, '\n');
    expect(out).toContain('Welcome to the MySQL monitor.  Commands end with ; or \\g.\nYour MySQL connection id is ');
    expect(out).toContain('Server version: 8.4.7 MySQL Community Server - GPL\n');
    // The terminal echoes the typed input first (it was all sent at once); the answers follow, prompt by prompt.
    expect(out).toContain("exit\nQuery OK, 1 row affected (0.01 sec)\n\nmysql> Database changed\nmysql>     ->     ->     -> Query OK, 0 rows affected (0.01 sec)\n\nmysql> ");
    expect(out).toContain('Query OK, 2 rows affected (0.01 sec)\nRecords: 2  Duplicates: 0  Warnings: 0\n\n');
    expect(out).toContain(
      '+------+---------------------+\n| id   | title               |\n+------+---------------------+\n|    1 | The Phoenix Project |\n|    2 | Accelerate          |\n+------+---------------------+\n2 rows in set (0.00 sec)\n\n',
    );
    expect(out).toContain("\nmysql>     -> +------+");
    expect(out).toContain("mysql> ERROR 1146 (42S02): Table 'library.nope' doesn't exist\nmysql> Bye\n");
    expect(r.code).toBe(0);
  });
});

describe('password prompt', () => {
  it('-p alone asks for the password without echo, then runs the monitor', async () => {
    const r = await c.exec(['mysql', '-uroot', '-p'], { tty: true, stdin: 'password\rSELECT 1;\nexit\n' });
    const out = r.stdout.replace(/\r\n/g, '\n');
    expect(out.startsWith('Enter password: \nWelcome to the MySQL monitor.')).toBe(true);
    expect(out).not.toContain('password\n');
    expect(out).toContain('| 1 |\n+---+\n1 row in set (0.00 sec)\n');
  });

  it('a wrong or missing password is refused with ERROR 1045', async () => {
    expect((await c.exec(['mysql', '-uroot', '-e', 'SELECT 1'])).stderr).toBe("ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)\n");
    expect((await c.exec(['mysql', '-uroot', '-p'], { stdin: 'nope\n' })).stderr).toBe("ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n");
  });
});

describe('two servers on one datadir', () => {
  it('the second cannot lock ibdata1 and gives up like InnoDB', async () => {
    const second = h.start({ volume: vol });
    expect(await second.container.exited).toBe(1);
    const logs = second.logs();
    expect(logs).toMatch(/\[ERROR\] \[MY-012574\] \[InnoDB\] Unable to lock \.\/ibdata1 error: 11/);
    expect(logs.split('\n').filter((l) => l.includes('Unable to lock ./ibdata1 error: 11'))).toHaveLength(100);
    expect(logs).toContain('[ERROR] [MY-010119] [Server] Aborting');
    // The first server still serves.
    expect((await sql('SELECT 1')).stdout).toBe('1\n1\n');
  });
});

describe('names and hostile input', () => {
  it('encodes database names into file names so none escapes the datadir', async () => {
    const r = await sql('CREATE DATABASE `../../etc`; CREATE DATABASE `my-db`');
    expect(r.code).toBe(0);
    const { readdirSync, existsSync } = await import('node:fs');
    expect(readdirSync(vol)).toContain('@002e@002e@002f@002e@002e@002fetc');
    expect(readdirSync(vol)).toContain('my@002ddb');
    expect(existsSync(join(vol, '..', 'etc'))).toBe(false);
    expect((await sql('SHOW DATABASES LIKE \'%-db\'')).stdout).toBe('Database (%-db)\nmy-db\n');
  });

  it('treats quotes, comments and semicolons inside strings as data', async () => {
    await sql("CREATE DATABASE d; CREATE TABLE d.t (s VARCHAR(100))");
    const r = await sql("INSERT INTO d.t VALUES ('a;b'), ('it''s'), ('-- not a comment'), ('back\\\\slash'); SELECT s FROM d.t");
    expect(r.stdout).toBe("s\na;b\nit's\n-- not a comment\nback\\\\slash\n");
  });

  it('shows rows vertically with \\G', async () => {
    await sql("CREATE DATABASE d; CREATE TABLE d.t (id INT, title VARCHAR(20)); INSERT INTO d.t VALUES (1, 'x')");
    const r = await sql('SELECT * FROM d.t\\G');
    expect(r.stdout).toBe('*************************** 1. row ***************************\n   id: 1\ntitle: x\n');
  });
});

describe('mariadb:11.4', () => {
  it('initialises, serves the mysql and mariadb clients, and keeps databases as directories', async () => {
    const mvol = h.volume('maria');
    const m = h.start({ image: 'mariadb:11.4', volume: mvol, env: { MARIADB_ROOT_PASSWORD: 'pw' } });
    await m.waitForLog("port: 3306  mariadb.org binary distribution");
    expect(m.logs()).toContain('[Note] [Entrypoint]: Entrypoint script for MariaDB Server 1:11.4.4+maria~ubu2404 started.');
    expect((await m.exec(['mariadb', '-uroot', '-ppw', '-e', 'CREATE DATABASE shop'])).code).toBe(0);
    expect((await m.exec(['mysql', '-uroot', '-ppw', '-e', 'SELECT VERSION()'])).stdout).toBe('VERSION()\n11.4.4-MariaDB-ubu2404\n');
    const { statSync } = await import('node:fs');
    expect(statSync(join(mvol, 'shop')).isDirectory()).toBe(true);
  });

  it('refuses to start without a root password option', async () => {
    const m = h.start({ image: 'mariadb:11.4', volume: h.volume('maria2'), env: {} });
    expect(await m.container.exited).toBe(1);
    expect(m.logs()).toContain('You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_HASH, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD');
  });
});

describe('failing storage', () => {
  it('turns I/O errors under the datadir (NFS server stopped) into the storage-engine error', async () => {
    let down = false;
    const nvol = h.volume('nfs');
    const n = h.start({ volume: nvol, health: () => (down ? 'EIO' : undefined) });
    await n.waitForLog("port: 3306  MySQL Community Server - GPL.");
    down = true;
    const r = await n.exec(['mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE x']);
    expect(r.stderr).toBe(WARNING + "ERROR 1030 (HY000) at line 1: Got error 5 - 'I/O error' from storage engine\n");
    down = false;
    expect((await n.exec(['mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE x'])).code).toBe(0);
  });

  it('a read-only datadir stops the server with its own message, exit 1', async () => {
    const ro = h.start({ volume: h.volume('ro'), readOnly: true });
    expect(await ro.container.exited).toBe(1);
    expect(ro.logs()).toMatch(/Read-only file system/);
  });

  it('bounds expression nesting like the server parser does', async () => {
    const deep = 'SELECT ' + '('.repeat(5000) + '1' + ')'.repeat(5000);
    const r = await sql(deep);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mysql: \[Warning\].*\nERROR 1064 \(42000\) at line 1: memory exhausted near '\(+/);
  });
});

describe('where the data is', () => {
  it('@@datadir and @@hostname say which directory and which pod', async () => {
    const r = await sql('SELECT @@datadir, @@hostname');
    expect(r.stdout).toBe(`@@datadir\t@@hostname\n/var/lib/mysql/\t${c.container.hostname}\n`);
    expect((await sql("SHOW VARIABLES LIKE 'datadir'")).stdout).toBe('Variable_name\tValue\ndatadir\t/var/lib/mysql/\n');
    expect((await sql('SELECT @@nosuch')).stderr).toBe(WARNING + "ERROR 1193 (HY000) at line 1: Unknown system variable 'nosuch'\n");
  });

  it('SHOW CREATE TABLE prints the canonical definition', async () => {
    await sql('CREATE DATABASE d; CREATE TABLE d.books (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200) NOT NULL, added DATETIME DEFAULT CURRENT_TIMESTAMP)');
    const r = await sql('SHOW CREATE TABLE d.books');
    expect(r.stdout).toBe(
      'Table\tCreate Table\nbooks\tCREATE TABLE `books` (\\n  `id` int NOT NULL AUTO_INCREMENT,\\n  `title` varchar(200) NOT NULL,\\n  `added` datetime DEFAULT CURRENT_TIMESTAMP,\\n  PRIMARY KEY (`id`)\\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci\n',
    );
  });
});
