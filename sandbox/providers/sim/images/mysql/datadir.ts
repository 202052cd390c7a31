/**
 * DataDir is the modelled server's data directory, read and written through
 * the container's filesystem view — so the bytes land wherever the pod
 * mounted /var/lib/mysql (a node's hostPath, the NFS export, an RBD image's
 * folder). The layout is the real one: the files `mysqld --initialize` makes,
 * one directory per database (mode 0750, owner 999) and one `<table>.ibd`
 * file per table (mode 0640, at least 112 KiB like a fresh InnoDB
 * file-per-table tablespace).
 *
 * The CONTENTS are modelled, not InnoDB's: every file starts with a line
 * saying so. The data dictionary (users and schemata — what MySQL 8 keeps in
 * mysql.ibd) and each table (definition, rows, auto-increment counter) are
 * JSON on the line after that header.
 */
import { randomUUID, createHash } from 'node:crypto';
import type { ContainerFs } from '../../containers/fs/container-fs.ts';
import type { ColumnDef, Value } from './sql/parser.ts';
import type { ServerProfile } from './profile.ts';

/** MODEL_HEADER starts every file the model writes, so nobody mistakes them for real InnoDB files. */
export const MODEL_HEADER = 'kslab simulated MySQL data file: contents are modelled (see sandbox/providers/sim/images/mysql/README.md), not InnoDB pages';

/** IBD_PAGE_BYTES and IBD_MIN_PAGES: a new file-per-table tablespace is 7 pages of 16 KiB (114688 bytes). */
export const IBD_PAGE_BYTES = 16 * 1024;
export const IBD_MIN_PAGES = 7;

export interface DbUser {
  user: string;
  host: string;
  /** auth is `sha256:<hex>` of the password ('' for an empty password), standing in for caching_sha2_password's hash. */
  auth: string;
  /** databases the user has ALL on; `*` means every database (root). */
  grants: string[];
}

/** Dictionary is the data dictionary the model keeps in mysql.ibd. */
export interface Dictionary {
  serverUuid: string;
  users: DbUser[];
  /** schemata are user databases (system schemas are implied). */
  schemata: string[];
}

export interface TableData {
  name: string;
  columns: ColumnDef[];
  primaryKey?: string[];
  uniques: string[][];
  autoIncrement: number;
  rows: Value[][];
  created: string;
}

/** passwordAuth is the stored form of a password. */
export function passwordAuth(password: string): string {
  return password === '' ? '' : `sha256:${createHash('sha256').update(password).digest('hex')}`;
}

/**
 * encodeName maps a database or table name to its file name as MySQL's
 * filename character set does (strings/ctype-utf8.cc my_charset_filename):
 * ASCII letters, digits and `_` stay, everything else becomes `@xxxx`.
 * That is also what keeps `../x` from ever naming a path outside the datadir.
 */
export function encodeName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (/[A-Za-z0-9_]/.test(ch)) out += ch;
    else out += '@' + ch.codePointAt(0)!.toString(16).padStart(4, '0');
  }
  return out;
}

export class DataDir {
  readonly path: string;

  /** DataDir works on fs as the server's user (files owned by mysql, 999:999). */
  constructor(
    readonly fs: ContainerFs,
    readonly profile: ServerProfile,
  ) {
    this.path = profile.datadir;
  }

  private p(rel: string): string {
    return `${this.path}/${rel}`;
  }

  /** exists says whether the data directory itself exists. */
  exists(): boolean {
    return this.fs.tryStat(this.path)?.type === 'dir';
  }

  /** isInitialized is the entrypoint's test: `[ -d "$DATADIR/mysql" ]`. */
  isInitialized(): boolean {
    return this.fs.tryStat(this.p('mysql'))?.type === 'dir';
  }

  /** visibleEntries are what `--initialize` counts as "files in it": everything but dot-files. */
  visibleEntries(): string[] {
    if (!this.exists()) return [];
    return this.fs.readdir(this.path).filter((n) => !n.startsWith('.'));
  }

  /** initialize writes a fresh data directory (mysqld --initialize-insecure: root@localhost, empty password). */
  initialize(now: Date): Dictionary {
    if (!this.exists()) this.fs.mkdir(this.path, 0o750);
    for (const d of this.profile.initDirs) this.mkdir(d);
    const dict: Dictionary = { serverUuid: randomUUID(), users: [{ user: 'root', host: 'localhost', auth: '', grants: ['*'] }], schemata: [] };
    for (const f of this.profile.initFiles) {
      if (f === 'mysql.ibd') continue;
      this.write(f, this.initContent(f, dict, now));
    }
    this.writeDictionary(dict);
    return dict;
  }

  private initContent(file: string, dict: Dictionary, now: Date): string {
    if (file === 'auto.cnf') return `[auto]\nserver-uuid=${dict.serverUuid}\n`;
    // Each server start opens the next binary log: the entrypoint's temporary server writes
    // binlog.000001, the real one binlog.000002 (a first start leaves two, as lesson 2 lists).
    if (file === 'binlog.index') return '';
    if (file === 'mysql_upgrade_history') {
      const date = now.toISOString().replace('T', ' ').slice(0, 19);
      return JSON.stringify({ file_format: '1', upgrade_history: [{ date, version: this.profile.version, maturity: 'LTS', initialize: true }] });
    }
    if (file === 'mariadb_upgrade_info') return this.profile.version;
    if (file.endsWith('.pem')) return `${MODEL_HEADER}\n(no key material: TLS is not modelled)\n`;
    return `${MODEL_HEADER}\n`;
  }

  private mkdir(rel: string): void {
    if (!this.fs.exists(this.p(rel))) this.fs.mkdir(this.p(rel), 0o750);
    this.fs.chmod(this.p(rel), 0o750);
  }

  private write(rel: string, content: string | Uint8Array): void {
    this.fs.writeFile(this.p(rel), content);
    this.fs.chmod(this.p(rel), 0o640);
  }

  /** readDictionary loads users and schemata from mysql.ibd. */
  readDictionary(): Dictionary {
    const text = this.fs.readText(this.p('mysql.ibd'));
    const json = text.split('\n')[1];
    if (!json) throw new Error('mysql.ibd holds no data dictionary');
    return JSON.parse(json) as Dictionary;
  }

  writeDictionary(dict: Dictionary): void {
    this.write('mysql.ibd', `${MODEL_HEADER}\n${JSON.stringify(dict)}\n`);
  }

  /** startRuntime creates what exists only while a server runs (the temporary tablespaces) and a new binlog. */
  startRuntime(): void {
    if (this.profile.product === 'mysql') {
      this.mkdir('#innodb_temp');
      for (let i = 1; i <= 10; i++) this.write(`#innodb_temp/temp_${i}.ibt`, `${MODEL_HEADER}\n`);
      this.write('ibtmp1', `${MODEL_HEADER}\n`);
      const index = this.fs.exists(this.p('binlog.index')) ? this.fs.readText(this.p('binlog.index')) : '';
      const logs = index.split('\n').filter(Boolean);
      const next = `binlog.${String(logs.length + 1).padStart(6, '0')}`;
      this.write(next, `${MODEL_HEADER}\n`);
      this.write('binlog.index', [...logs, `./${next}`].map((l) => l + '\n').join(''));
    } else {
      this.write('ibtmp1', `${MODEL_HEADER}\n`);
    }
  }

  /** stopRuntime removes the temporary tablespaces, as a clean shutdown does. */
  stopRuntime(): void {
    for (const rel of ['ibtmp1', '#innodb_temp']) this.removeTree(this.p(rel));
  }

  private removeTree(path: string): void {
    const st = this.fs.tryStat(path);
    if (!st) return;
    if (st.type === 'dir') for (const n of this.fs.readdir(path)) this.removeTree(`${path}/${n}`);
    this.fs.remove(path);
  }

  // ---- schemata and tables -------------------------------------------------

  schemaPath(db: string): string {
    return this.p(encodeName(db));
  }

  schemaDirExists(db: string): boolean {
    return this.fs.tryStat(this.schemaPath(db))?.type === 'dir';
  }

  createSchemaDir(db: string): void {
    if (!this.schemaDirExists(db)) this.fs.mkdir(this.schemaPath(db), 0o750);
    this.fs.chmod(this.schemaPath(db), 0o750);
  }

  /**
   * removeSchemaDir drops a database's tables and its directory. Files the
   * server does not own stay, and then rmdir fails: the real server's
   * `Error dropping database (can't rmdir './x/', errno: 39 - Directory not empty)`.
   */
  removeSchemaDir(db: string): { tables: number; leftover: boolean } {
    const dir = this.schemaPath(db);
    if (!this.schemaDirExists(db)) return { tables: 0, leftover: false };
    let tables = 0;
    for (const n of this.fs.readdir(dir)) {
      if (n.endsWith('.ibd')) {
        this.fs.remove(`${dir}/${n}`);
        tables++;
      }
    }
    if (this.fs.readdir(dir).length > 0) return { tables, leftover: true };
    this.fs.remove(dir);
    return { tables, leftover: false };
  }

  tablePath(db: string, table: string): string {
    return `${this.schemaPath(db)}/${encodeName(table)}.ibd`;
  }

  /** listTables gives a database's table names (decoded from their .ibd files). */
  listTables(db: string): string[] {
    if (!this.schemaDirExists(db)) return [];
    const out: string[] = [];
    for (const n of this.fs.readdir(this.schemaPath(db))) {
      if (!n.endsWith('.ibd')) continue;
      const t = this.readTable(db, decodeName(n.slice(0, -4)));
      if (t) out.push(t.name);
    }
    return out.sort();
  }

  readTable(db: string, table: string): TableData | undefined {
    const path = this.tablePath(db, table);
    if (!this.fs.tryStat(path)) return undefined;
    const bytes = this.fs.readFile(path, 256 * 1024 * 1024);
    let end = bytes.indexOf(0);
    if (end < 0) end = bytes.length;
    const text = Buffer.from(bytes.subarray(0, end)).toString('utf8');
    const json = text.split('\n')[1];
    if (!json) return undefined;
    return JSON.parse(json) as TableData;
  }

  /** writeTable stores a table, padded with zero pages to InnoDB's size steps. */
  writeTable(db: string, t: TableData): void {
    const body = Buffer.from(`${MODEL_HEADER}\n${JSON.stringify(t)}\n`);
    const pages = Math.max(IBD_MIN_PAGES, Math.ceil(body.length / IBD_PAGE_BYTES));
    const file = Buffer.alloc(pages * IBD_PAGE_BYTES);
    body.copy(file);
    const path = this.tablePath(db, t.name);
    this.fs.writeFile(path, file);
    this.fs.chmod(path, 0o640);
  }

  removeTable(db: string, table: string): void {
    this.fs.remove(this.tablePath(db, table));
  }
}

/** decodeName reverses encodeName (`my@002ddb` → `my-db`). */
export function decodeName(file: string): string {
  return file.replace(/@([0-9a-f]{4})/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}
