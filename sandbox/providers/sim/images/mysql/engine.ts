/**
 * Engine executes parsed statements against a DataDir the way a MySQL 8
 * server in its default strict SQL mode answers them: which error for a
 * missing database or table, how values are checked against column types
 * (STRICT_TRANS_TABLES: bad values are errors, not warnings), what
 * "N rows affected" counts, how results are ordered and labelled. It is a
 * model for proving where data lives, not a query engine: one table per
 * query, no joins, no GROUP BY, no transactions.
 */
import { er, MysqlError } from './sql/errors.ts';
import type { ColumnDef, ColumnType, Expr, SelectItem, Statement, TableRef, Value } from './sql/parser.ts';
import { DataDir, passwordAuth, type DbUser, type Dictionary, type TableData } from './datadir.ts';

/** ResultColumn is one column of a result set; numeric columns are right-aligned by the client. */
export interface ResultColumn {
  name: string;
  numeric: boolean;
  /** nullable columns are at least 4 wide in a table, so `NULL` fits (mysql.cc print_table_data). */
  nullable?: boolean;
}

export type Result =
  | { kind: 'rows'; columns: ResultColumn[]; rows: (string | null)[][] }
  | { kind: 'ok'; affected: number; warnings: number; info?: string }
  | { kind: 'dbChanged'; hasTables: boolean };

/** Session is one client connection's state. */
export interface Session {
  user: DbUser;
  /** host is how the server sees the client (`localhost` for the socket and 127.0.0.1). */
  host: string;
  db?: string;
  connectionId: number;
  /** warnings of the last statement, for SHOW WARNINGS (Level, Code, Message). */
  warnings?: { level: 'Note' | 'Warning'; code: number; message: string }[];
}

const MAX_IDENT = 64;

const INT_RANGES: Record<string, [number, number, number]> = {
  TINYINT: [-128, 127, 255],
  SMALLINT: [-32768, 32767, 65535],
  MEDIUMINT: [-8388608, 8388607, 16777215],
  INT: [-2147483648, 2147483647, 4294967295],
  BIGINT: [-9223372036854775808, 9223372036854775807, 18446744073709551615],
};

const NUMERIC_TYPES = new Set(['TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'BIGINT', 'DECIMAL', 'FLOAT', 'DOUBLE', 'BIT', 'YEAR']);

const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG']);

export interface EngineOptions {
  now: () => Date;
  version: string;
  /** variables are the server's system variables (@@datadir, @@hostname, …), as SHOW VARIABLES lists them. */
  variables?: () => Record<string, string | number>;
  /** informationSchema names the virtual schema SHOW DATABASES lists first. */
  systemSchemas: string[];
}

export class Engine {
  constructor(
    readonly dir: DataDir,
    private readonly options: EngineOptions,
  ) {}

  /** aclCache is the last dictionary read: the server keeps its grant tables in memory, so logins work while the disk does not. */
  private aclCache?: Dictionary;

  /** dictionary reads mysql.ibd; when the disk fails it answers from memory, as the server's dictionary cache would. */
  dictionary(): Dictionary {
    try {
      this.aclCache = this.dir.readDictionary();
    } catch (e) {
      if (!this.aclCache) throw e;
    }
    return structuredClone(this.aclCache);
  }

  /** authenticate finds the user a login matches, or throws ER_ACCESS_DENIED_ERROR (1045). */
  authenticate(user: string, password: string | undefined, host: string): DbUser {
    const dict = this.dictionary();
    const candidates = dict.users.filter((u) => u.user === user && (u.host === host || u.host === '%' || (host === '127.0.0.1' && u.host === 'localhost')));
    const auth = passwordAuth(password ?? '');
    const match = candidates.find((u) => u.auth === auth);
    if (!match) throw er.accessDenied(user, 'localhost', password !== undefined && password !== '');
    return match;
  }

  /** canUse says whether a user may see a database (root: all; others: their grants). */
  canUse(user: DbUser, db: string): boolean {
    if (user.grants.includes('*')) return true;
    return db === 'information_schema' || user.grants.includes(db);
  }

  execute(stmt: Statement, s: Session): Result {
    if (stmt.k === 'showWarnings') {
      const rows = (s.warnings ?? []).map((w) => [w.level, String(w.code), w.message]);
      return { kind: 'rows', columns: [{ name: 'Level', numeric: false }, { name: 'Code', numeric: true }, { name: 'Message', numeric: false }], rows };
    }
    s.warnings = [];
    return this.executeStatement(stmt, s);
  }

  private note(s: Session, e: MysqlError): void {
    (s.warnings ??= []).push({ level: 'Note', code: e.code, message: e.message });
  }

  private executeStatement(stmt: Exclude<Statement, { k: 'showWarnings' }>, s: Session): Result {
    switch (stmt.k) {
      case 'createDb':
        return this.createDb(stmt.name, stmt.ifNotExists, s);
      case 'dropDb':
        return this.dropDb(stmt.name, stmt.ifExists, s);
      case 'showDbs':
        return this.showDbs(stmt.like, s);
      case 'showTables':
        return this.showTables(stmt.db, stmt.like, s);
      case 'use':
        return this.use(stmt.name, s);
      case 'createTable':
        return this.createTable(stmt, s);
      case 'dropTable':
        return this.dropTable(stmt.tables, stmt.ifExists, s);
      case 'truncate': {
        const { db, table } = this.openTable(stmt.table, s);
        table.rows = [];
        table.autoIncrement = 1;
        this.dir.writeTable(db, table);
        return { kind: 'ok', affected: 0, warnings: 0 };
      }
      case 'insert':
        return this.insert(stmt.table, stmt.columns, stmt.rows, s);
      case 'select':
        return this.select(stmt, s);
      case 'delete':
        return this.delete(stmt.table, stmt.where, stmt.limit, s);
      case 'update':
        return this.update(stmt.table, stmt.sets, stmt.where, stmt.limit, s);
      case 'describe':
        return this.describe(stmt.table, s);
      case 'showCreateTable':
        return this.showCreateTable(stmt.table, s);
      case 'showVariables': {
        const vars = this.options.variables?.() ?? {};
        const rows = Object.keys(vars)
          .sort()
          .filter((k) => stmt.like === undefined || likeMatch(k, stmt.like))
          .map((k) => [k, String(vars[k])]);
        return { kind: 'rows', columns: [{ name: 'Variable_name', numeric: false }, { name: 'Value', numeric: false }], rows };
      }
      case 'set':
        return { kind: 'ok', affected: 0, warnings: 0 };
    }
  }

  // ---- databases -------------------------------------------------------------

  private isSystem(db: string): boolean {
    return db === 'information_schema' || this.options.systemSchemas.includes(db);
  }

  private checkDbName(db: string): void {
    if (db === '' || db.endsWith(' ')) throw er.wrongDbName(db);
    if (db.length > MAX_IDENT) throw er.tooLongIdent(db);
  }

  /** databaseExists: in the dictionary (MySQL 8 lists schemata from its data dictionary, not from directories). */
  databaseExists(db: string): boolean {
    if (this.isSystem(db)) return true;
    return this.dictionary().schemata.includes(db);
  }

  private createDb(db: string, ifNotExists: boolean, s: Session): Result {
    this.checkDbName(db);
    if (db === 'information_schema' || db === 'performance_schema') throw er.dbAccessDenied(s.user.user, s.host, db);
    if (!s.user.grants.includes('*') && !s.user.grants.includes(db)) throw er.dbAccessDenied(s.user.user, '%', db);
    if (this.databaseExists(db)) {
      if (ifNotExists) {
        this.note(s, er.dbCreateExists(db));
        return { kind: 'ok', affected: 1, warnings: 1 };
      }
      throw er.dbCreateExists(db);
    }
    const dict = this.dictionary();
    this.dir.createSchemaDir(db);
    dict.schemata.push(db);
    this.dir.writeDictionary(dict);
    return { kind: 'ok', affected: 1, warnings: 0 };
  }

  private dropDb(db: string, ifExists: boolean, s: Session): Result {
    if (db === 'information_schema' || db === 'performance_schema') throw er.dbAccessDenied(s.user.user, s.host, db);
    if (db === 'mysql') throw er.systemSchema(db);
    if (!this.canUse(s.user, db)) throw er.dbAccessDenied(s.user.user, '%', db);
    const dict = this.dictionary();
    if (!dict.schemata.includes(db) && db !== 'sys') {
      if (ifExists) {
        this.note(s, er.dbDropExists(db));
        return { kind: 'ok', affected: 0, warnings: 1 };
      }
      throw er.dbDropExists(db);
    }
    const { tables, leftover } = this.dir.removeSchemaDir(db);
    if (leftover) throw new MysqlError(1010, 'HY000', `Error dropping database (can't rmdir './${db}/', errno: 39 - Directory not empty)`);
    dict.schemata = dict.schemata.filter((x) => x !== db);
    this.dir.writeDictionary(dict);
    if (s.db === db) s.db = undefined;
    return { kind: 'ok', affected: tables, warnings: 0 };
  }

  private showDbs(like: string | undefined, s: Session): Result {
    const all = ['information_schema', ...this.options.systemSchemas, ...this.dictionary().schemata].filter((d) => this.canUse(s.user, d));
    const names = [...new Set(all)].filter((d) => like === undefined || likeMatch(d, like)).sort();
    return { kind: 'rows', columns: [{ name: like === undefined ? 'Database' : `Database (${like})`, numeric: false }], rows: names.map((n) => [n]) };
  }

  private use(db: string, s: Session): Result {
    if (!this.databaseExists(db)) {
      if (!this.canUse(s.user, db)) throw er.dbAccessDenied(s.user.user, '%', db);
      throw er.badDb(db);
    }
    if (!this.canUse(s.user, db)) throw er.dbAccessDenied(s.user.user, '%', db);
    s.db = db;
    return { kind: 'dbChanged', hasTables: !this.isSystem(db) && this.dir.listTables(db).length > 0 };
  }

  private showTables(dbName: string | undefined, like: string | undefined, s: Session): Result {
    const db = dbName ?? s.db;
    if (!db) throw er.noDb();
    if (!this.databaseExists(db)) throw er.badDb(db);
    if (!this.canUse(s.user, db)) throw er.dbAccessDenied(s.user.user, '%', db);
    if (this.isSystem(db)) this.systemTables(db);
    const names = this.dir.listTables(db).filter((t) => like === undefined || likeMatch(t, like));
    const header = `Tables_in_${db}${like === undefined ? '' : ` (${like})`}`;
    return { kind: 'rows', columns: [{ name: header, numeric: false }], rows: names.map((n) => [n]) };
  }

  /** systemTables: the system schemas' tables are not modelled; say so instead of showing an empty schema. */
  private systemTables(db: string): never {
    throw er.notSupportedYet(`tables of the system schema ${db} (kslab's simulated MySQL models only user databases)`);
  }

  // ---- tables ----------------------------------------------------------------

  private resolveDb(ref: TableRef, s: Session): string {
    const db = ref.db ?? s.db;
    if (!db) throw er.noDb();
    if (!this.databaseExists(db)) throw er.badDb(db);
    if (!this.canUse(s.user, db)) throw er.dbAccessDenied(s.user.user, '%', db);
    if (this.isSystem(db)) this.systemTables(db);
    return db;
  }

  private openTable(ref: TableRef, s: Session): { db: string; table: TableData } {
    const db = this.resolveDb(ref, s);
    const table = this.dir.readTable(db, ref.name);
    if (!table) throw er.noSuchTable(db, ref.name);
    return { db, table };
  }

  private createTable(stmt: Extract<Statement, { k: 'createTable' }>, s: Session): Result {
    const db = this.resolveDb(stmt.table, s);
    const name = stmt.table.name;
    if (name === '' || name.endsWith(' ')) throw er.wrongTableName(name);
    if (name.length > MAX_IDENT) throw er.tooLongIdent(name);
    if (this.dir.readTable(db, name)) {
      if (stmt.ifNotExists) {
        this.note(s, er.tableExists(name));
        return { kind: 'ok', affected: 0, warnings: 1 };
      }
      throw er.tableExists(name);
    }
    if (stmt.columns.length === 0) throw er.tableMustHaveColumns();
    const seen = new Set<string>();
    for (const c of stmt.columns) {
      const key = c.name.toLowerCase();
      if (seen.has(key)) throw er.dupField(c.name);
      seen.add(key);
    }
    const colPk = stmt.columns.filter((c) => c.primaryKey).map((c) => c.name);
    if (colPk.length > 1 || (colPk.length === 1 && stmt.primaryKey)) throw er.multiplePk();
    const primaryKey = stmt.primaryKey ?? (colPk.length ? colPk : undefined);
    for (const key of [primaryKey ?? [], ...stmt.uniques]) {
      for (const col of key) if (!stmt.columns.some((c) => c.name.toLowerCase() === col.toLowerCase())) throw er.keyColumnDoesNotExist(col);
    }
    const columns = stmt.columns.map((c) => ({ ...c, notNull: c.notNull || (primaryKey ?? []).some((k) => k.toLowerCase() === c.name.toLowerCase()) }));
    const uniques = [...stmt.uniques, ...columns.filter((c) => c.unique).map((c) => [c.name])];
    const table: TableData = { name, columns, primaryKey, uniques, autoIncrement: 1, rows: [], created: this.options.now().toISOString() };
    this.dir.writeTable(db, table);
    return { kind: 'ok', affected: 0, warnings: 0 };
  }

  private dropTable(refs: TableRef[], ifExists: boolean, s: Session): Result {
    const missing: string[] = [];
    const found: { db: string; name: string }[] = [];
    for (const ref of refs) {
      const db = this.resolveDb(ref, s);
      if (this.dir.readTable(db, ref.name)) found.push({ db, name: ref.name });
      else missing.push(`${db}.${ref.name}`);
    }
    if (missing.length && !ifExists) throw er.badTable(missing.join(','));
    for (const t of found) this.dir.removeTable(t.db, t.name);
    for (const m of missing) this.note(s, er.badTable(m));
    return { kind: 'ok', affected: 0, warnings: missing.length };
  }

  /** showCreateTable prints the definition in MySQL 8's canonical form (back-quoted names, lower-case types, table options). */
  private showCreateTable(ref: TableRef, s: Session): Result {
    const { table } = this.openTable(ref, s);
    const lines = table.columns.map((c) => {
      let l = `  \`${c.name}\` ${typeName(c.type)}`;
      if (c.notNull) l += ' NOT NULL';
      if (c.autoIncrement) l += ' AUTO_INCREMENT';
      else if (c.defaultNow) l += ' DEFAULT CURRENT_TIMESTAMP';
      else if (c.default !== undefined && c.default !== null) l += ` DEFAULT '${String(c.default).replace(/'/g, "''")}'`;
      else if (!c.notNull) l += ' DEFAULT NULL';
      return l;
    });
    if (table.primaryKey) lines.push(`  PRIMARY KEY (${table.primaryKey.map((k) => `\`${k}\``).join(',')})`);
    for (const u of table.uniques) lines.push(`  UNIQUE KEY \`${u[0]}\` (${u.map((k) => `\`${k}\``).join(',')})`);
    const ai = table.columns.some((c) => c.autoIncrement) && table.autoIncrement > 1 ? ` AUTO_INCREMENT=${table.autoIncrement}` : '';
    const text = `CREATE TABLE \`${table.name}\` (\n${lines.join(',\n')}\n) ENGINE=InnoDB${ai} DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci`;
    return { kind: 'rows', columns: [{ name: 'Table', numeric: false }, { name: 'Create Table', numeric: false }], rows: [[table.name, text]] };
  }

  private describe(ref: TableRef, s: Session): Result {
    const { table } = this.openTable(ref, s);
    const pk = new Set((table.primaryKey ?? []).map((k) => k.toLowerCase()));
    const uni = new Set(table.uniques.filter((u) => u.length === 1).map((u) => u[0]!.toLowerCase()));
    const rows = table.columns.map((c) => [
      c.name,
      typeName(c.type),
      c.notNull ? 'NO' : 'YES',
      pk.has(c.name.toLowerCase()) ? 'PRI' : uni.has(c.name.toLowerCase()) ? 'UNI' : '',
      c.defaultNow ? 'CURRENT_TIMESTAMP' : c.default === undefined || c.default === null ? null : String(c.default),
      c.autoIncrement ? 'auto_increment' : c.defaultNow ? 'DEFAULT_GENERATED' : '',
    ]);
    return { kind: 'rows', columns: ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'].map((name) => ({ name, numeric: false, nullable: name === 'Default' })), rows };
  }

  // ---- rows ------------------------------------------------------------------

  private insert(ref: TableRef, columnNames: string[] | undefined, rows: Expr[][], s: Session): Result {
    const { db, table } = this.openTable(ref, s);
    const targets = columnNames ? columnNames.map((n) => this.columnIndex(table, n, 'field list')) : table.columns.map((_, i) => i);
    const ctx = this.evalContext(s);
    const newRows: Value[][] = [];
    let autoInc = table.autoIncrement;
    rows.forEach((exprs, r) => {
      const rowNo = r + 1;
      if (exprs.length !== targets.length) throw er.wrongValueCount(rowNo);
      const given = new Map<number, Value>();
      exprs.forEach((e, k) => given.set(targets[k]!, evaluate(e, ctx, undefined)));
      const row: Value[] = table.columns.map((col, i) => {
        let v: Value | undefined = given.get(i);
        if (col.autoIncrement && (v === undefined || v === null || v === 0)) {
          v = autoInc++;
        } else if (v === undefined) {
          if (col.defaultNow) v = formatDateTime(this.options.now());
          else if (col.default !== undefined) v = col.default;
          else if (!col.notNull) v = null;
          else throw er.noDefault(col.name);
        }
        const stored = convert(v, col, rowNo);
        if (col.autoIncrement && typeof stored === 'number' && stored >= autoInc) autoInc = stored + 1;
        return stored;
      });
      newRows.push(row);
    });
    this.checkUnique(table, [...table.rows, ...newRows], table.rows.length);
    table.rows.push(...newRows);
    table.autoIncrement = autoInc;
    this.dir.writeTable(db, table);
    const info = rows.length > 1 ? `Records: ${rows.length}  Duplicates: 0  Warnings: 0` : undefined;
    return { kind: 'ok', affected: rows.length, warnings: 0, info };
  }

  /** checkUnique raises ER_DUP_ENTRY (`Duplicate entry '1' for key 'books.PRIMARY'`) for the first new row that collides. */
  private checkUnique(table: TableData, rows: Value[][], firstNew: number): void {
    const keys: { name: string; cols: number[] }[] = [];
    if (table.primaryKey) keys.push({ name: 'PRIMARY', cols: table.primaryKey.map((c) => this.columnIndex(table, c, 'field list')) });
    for (const u of table.uniques) keys.push({ name: u[0]!, cols: u.map((c) => this.columnIndex(table, c, 'field list')) });
    for (const key of keys) {
      const seen = new Set<string>();
      rows.forEach((row, i) => {
        const vals = key.cols.map((c) => row[c]);
        if (vals.some((v) => v === null)) return;
        const k = JSON.stringify(vals.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)));
        if (seen.has(k) && i >= firstNew) throw er.dupEntry(vals.map((v) => String(v)).join('-'), `${table.name}.${key.name}`);
        seen.add(k);
      });
    }
  }

  private columnIndex(table: TableData, name: string, where: string): number {
    const i = table.columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
    if (i < 0) throw er.badField(name, where);
    return i;
  }

  private evalContext(s: Session): EvalContext {
    return { now: this.options.now(), version: this.options.version, variables: this.options.variables, session: s, columns: [] };
  }

  private select(stmt: Extract<Statement, { k: 'select' }>, s: Session): Result {
    let table: TableData | undefined;
    let dbName: string | undefined;
    if (stmt.from) {
      const opened = this.openTable(stmt.from, s);
      table = opened.table;
      dbName = opened.db;
    }
    const ctx: EvalContext = { ...this.evalContext(s), columns: table?.columns ?? [], tableName: table?.name, dbName };
    // Validate column references clause by clause, as the server resolves names before reading rows.
    for (const item of stmt.items) if (item.expr !== 'star') checkColumns(item.expr, ctx, 'field list');
    if (stmt.where) checkColumns(stmt.where, ctx, 'where clause');
    for (const o of stmt.orderBy) if (!isAlias(o.expr, stmt.items)) checkColumns(o.expr, ctx, 'order clause');
    if (stmt.items.some((i) => i.expr === 'star') && !table) throw new MysqlError(1096, 'HY000', 'No tables used');

    let rows = table ? table.rows : [[]];
    if (stmt.where) rows = rows.filter((r) => truthy(evaluate(stmt.where!, ctx, r)));

    const aggregate = stmt.items.some((i) => i.expr !== 'star' && hasAggregate(i.expr));
    const columns: ResultColumn[] = [];
    for (const item of stmt.items) {
      if (item.expr === 'star') for (const c of table!.columns) columns.push({ name: c.name, numeric: NUMERIC_TYPES.has(c.type.base), nullable: !c.notNull });
      else columns.push({ name: item.label, numeric: isNumericExpr(item.expr, ctx), nullable: isNullableExpr(item.expr, ctx) });
    }

    let out: Value[][];
    if (aggregate) {
      stmt.items.forEach((item, idx) => {
        if (item.expr === 'star' || (!hasAggregate(item.expr) && referencesColumn(item.expr))) {
          const col = item.expr === 'star' ? table!.columns[0]!.name : firstColumn(item.expr as Expr)!;
          throw new MysqlError(
            1140,
            '42000',
            `In aggregated query without GROUP BY, expression #${idx + 1} of SELECT list contains nonaggregated column '${dbName}.${table?.name}.${col}'; this is incompatible with sql_mode=only_full_group_by`,
          );
        }
      });
      out = [stmt.items.map((item) => evaluateAggregate(item.expr as Expr, ctx, rows))];
    } else {
      let ordered = rows.map((r) => ({ r, projected: project(stmt.items, table, ctx, r) }));
      if (stmt.orderBy.length) {
        ordered = ordered
          .map((x, i) => ({ ...x, i }))
          .sort((a, b) => {
            for (const o of stmt.orderBy) {
              const alias = isAlias(o.expr, stmt.items);
              const va = alias !== undefined ? a.projected[alias]! : evaluate(o.expr, ctx, a.r);
              const vb = alias !== undefined ? b.projected[alias]! : evaluate(o.expr, ctx, b.r);
              const c = compareForSort(va, vb);
              if (c !== 0) return o.desc ? -c : c;
            }
            return a.i - b.i;
          });
      }
      out = ordered.map((x) => x.projected);
    }
    const offset = stmt.offset ?? 0;
    if (stmt.limit !== undefined || offset) out = out.slice(offset, stmt.limit === undefined ? undefined : offset + stmt.limit);
    return { kind: 'rows', columns, rows: out.map((r) => r.map((v) => display(v))) };
  }

  private delete(ref: TableRef, where: Expr | undefined, limit: number | undefined, s: Session): Result {
    const { db, table } = this.openTable(ref, s);
    const ctx: EvalContext = { ...this.evalContext(s), columns: table.columns, tableName: table.name, dbName: db };
    if (where) checkColumns(where, ctx, 'where clause');
    let removed = 0;
    table.rows = table.rows.filter((r) => {
      if (limit !== undefined && removed >= limit) return true;
      const hit = where ? truthy(evaluate(where, ctx, r)) : true;
      if (hit) removed++;
      return !hit;
    });
    this.dir.writeTable(db, table);
    return { kind: 'ok', affected: removed, warnings: 0 };
  }

  private update(ref: TableRef, sets: { column: string; expr: Expr }[], where: Expr | undefined, limit: number | undefined, s: Session): Result {
    const { db, table } = this.openTable(ref, s);
    const ctx: EvalContext = { ...this.evalContext(s), columns: table.columns, tableName: table.name, dbName: db };
    const targets = sets.map((x) => ({ i: this.columnIndex(table, x.column, 'field list'), expr: x.expr }));
    for (const t of targets) checkColumns(t.expr, ctx, 'field list');
    if (where) checkColumns(where, ctx, 'where clause');
    let matched = 0;
    let changed = 0;
    const next = table.rows.map((r, rowIdx) => {
      if (limit !== undefined && matched >= limit) return r;
      if (where && !truthy(evaluate(where, ctx, r))) return r;
      matched++;
      const copy = [...r];
      for (const t of targets) copy[t.i] = convert(evaluate(t.expr, ctx, r), table.columns[t.i]!, rowIdx + 1);
      if (JSON.stringify(copy) !== JSON.stringify(r)) changed++;
      return copy;
    });
    this.checkUnique(table, next, 0);
    table.rows = next;
    this.dir.writeTable(db, table);
    return { kind: 'ok', affected: changed, warnings: 0, info: `Rows matched: ${matched}  Changed: ${changed}  Warnings: 0` };
  }
}

// ---- values and expressions --------------------------------------------------

interface EvalContext {
  now: Date;
  version: string;
  variables?: () => Record<string, string | number>;
  session: Session;
  columns: ColumnDef[];
  tableName?: string;
  dbName?: string;
}

function project(items: SelectItem[], table: TableData | undefined, ctx: EvalContext, row: Value[]): Value[] {
  const out: Value[] = [];
  for (const item of items) {
    if (item.expr === 'star') out.push(...row.slice(0, table!.columns.length));
    else out.push(evaluate(item.expr, ctx, row));
  }
  return out;
}

function isAlias(e: Expr, items: SelectItem[]): number | undefined {
  if (e.k === 'lit' && e.numeric && typeof e.v === 'number' && Number.isInteger(e.v) && e.v >= 1 && e.v <= items.length) return e.v - 1;
  if (e.k !== 'col' || e.table) return undefined;
  const i = items.findIndex((it) => it.expr !== 'star' && it.label === e.name && !(it.expr.k === 'col' && it.expr.name === e.name));
  return i >= 0 ? i : undefined;
}

function checkColumns(e: Expr, ctx: EvalContext, where: string): void {
  switch (e.k) {
    case 'col':
      if (!ctx.columns.some((c) => c.name.toLowerCase() === e.name.toLowerCase()) || (e.table && ctx.tableName && e.table !== ctx.tableName)) {
        throw er.badField(e.table ? `${e.table}.${e.name}` : e.name, where);
      }
      return;
    case 'fn':
      e.args.forEach((a) => checkColumns(a, ctx, where));
      if (!KNOWN_FUNCTIONS.has(e.name) && !AGGREGATES.has(e.name)) {
        if (!ctx.session.db) throw er.noDb();
        throw new MysqlError(1305, '42000', `FUNCTION ${ctx.session.db}.${e.name.toLowerCase()} does not exist`);
      }
      return;
    case 'bin':
      checkColumns(e.l, ctx, where);
      checkColumns(e.r, ctx, where);
      return;
    case 'not':
    case 'neg':
    case 'isnull':
      checkColumns(e.e, ctx, where);
      return;
    case 'like':
      checkColumns(e.e, ctx, where);
      checkColumns(e.pattern, ctx, where);
      return;
    case 'in':
      checkColumns(e.e, ctx, where);
      e.list.forEach((x) => checkColumns(x, ctx, where));
      return;
    case 'lit':
    case 'sysvar':
      return;
  }
}

const KNOWN_FUNCTIONS = new Set([
  'VERSION', 'NOW', 'CURRENT_TIMESTAMP', 'LOCALTIME', 'LOCALTIMESTAMP', 'SYSDATE', 'UTC_TIMESTAMP', 'CURDATE', 'CURRENT_DATE', 'CURRENT_TIME', 'CURTIME',
  'DATABASE', 'SCHEMA', 'USER', 'CURRENT_USER', 'SESSION_USER', 'SYSTEM_USER', 'CONNECTION_ID', 'UPPER', 'UCASE', 'LOWER', 'LCASE', 'LENGTH',
  'CHAR_LENGTH', 'CHARACTER_LENGTH', 'CONCAT', 'IFNULL', 'COALESCE', 'ABS', 'ROUND', 'FLOOR', 'CEIL', 'CEILING', 'UUID', 'SLEEP',
]);

function hasAggregate(e: Expr): boolean {
  switch (e.k) {
    case 'fn':
      return AGGREGATES.has(e.name) || e.args.some(hasAggregate);
    case 'bin':
      return hasAggregate(e.l) || hasAggregate(e.r);
    case 'not':
    case 'neg':
    case 'isnull':
      return hasAggregate(e.e);
    case 'like':
      return hasAggregate(e.e) || hasAggregate(e.pattern);
    case 'in':
      return hasAggregate(e.e) || e.list.some(hasAggregate);
    default:
      return false;
  }
}

function referencesColumn(e: Expr): boolean {
  return firstColumn(e) !== undefined;
}

function firstColumn(e: Expr): string | undefined {
  switch (e.k) {
    case 'col':
      return e.name;
    case 'fn':
      if (AGGREGATES.has(e.name)) return undefined;
      for (const a of e.args) {
        const c = firstColumn(a);
        if (c) return c;
      }
      return undefined;
    case 'bin':
      return firstColumn(e.l) ?? firstColumn(e.r);
    case 'not':
    case 'neg':
    case 'isnull':
      return firstColumn(e.e);
    case 'like':
      return firstColumn(e.e) ?? firstColumn(e.pattern);
    case 'in':
      return firstColumn(e.e) ?? e.list.map(firstColumn).find(Boolean);
    default:
      return undefined;
  }
}

function isNumericExpr(e: Expr, ctx: EvalContext): boolean {
  switch (e.k) {
    case 'lit':
      return e.numeric;
    case 'col': {
      const c = ctx.columns.find((x) => x.name.toLowerCase() === e.name.toLowerCase());
      return c ? NUMERIC_TYPES.has(c.type.base) : false;
    }
    case 'fn':
      return ['COUNT', 'SUM', 'AVG', 'LENGTH', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'CONNECTION_ID', 'ABS', 'ROUND', 'FLOOR', 'CEIL', 'CEILING', 'SLEEP'].includes(e.name) ||
        ((e.name === 'MIN' || e.name === 'MAX') && e.args[0] !== undefined && isNumericExpr(e.args[0], ctx));
    case 'bin':
      return ['+', '-', '*', '/', '%', 'DIV', '=', '<>', '<', '>', '<=', '>=', '<=>', 'AND', 'OR'].includes(e.op);
    case 'neg':
    case 'not':
    case 'isnull':
    case 'like':
    case 'in':
      return true;
    case 'sysvar':
      return typeof ctx.variables?.()[e.name] === 'number';
  }
}

function isNullableExpr(e: Expr, ctx: EvalContext): boolean {
  switch (e.k) {
    case 'lit':
      return e.v === null;
    case 'col':
      return !(ctx.columns.find((x) => x.name.toLowerCase() === e.name.toLowerCase())?.notNull ?? false);
    case 'fn':
      if (e.name === 'COUNT') return false;
      if (['DATABASE', 'SCHEMA', 'SUM', 'MIN', 'MAX', 'AVG'].includes(e.name)) return true;
      return e.args.some((a) => isNullableExpr(a, ctx));
    case 'bin':
      return e.op === '/' || e.op === '%' || e.op === 'DIV' || isNullableExpr(e.l, ctx) || isNullableExpr(e.r, ctx);
    case 'not':
    case 'neg':
      return isNullableExpr(e.e, ctx);
    case 'isnull':
      return false;
    case 'like':
      return isNullableExpr(e.e, ctx) || isNullableExpr(e.pattern, ctx);
    case 'in':
      return isNullableExpr(e.e, ctx) || e.list.some((x) => isNullableExpr(x, ctx));
    case 'sysvar':
      return false;
  }
}

function evaluateAggregate(e: Expr, ctx: EvalContext, rows: Value[][]): Value {
  if (e.k === 'fn' && AGGREGATES.has(e.name)) {
    if (e.name === 'COUNT') return e.star ? rows.length : rows.filter((r) => evaluate(e.args[0]!, ctx, r) !== null).length;
    const vals = rows.map((r) => evaluate(e.args[0]!, ctx, r)).filter((v): v is number | string => v !== null);
    if (vals.length === 0) return null;
    if (e.name === 'SUM') return vals.reduce((a: number, v) => a + toNumber(v), 0);
    if (e.name === 'AVG') return (vals.reduce((a: number, v) => a + toNumber(v), 0) / vals.length).toFixed(4);
    const sorted = [...vals].sort(compareForSort);
    return e.name === 'MIN' ? sorted[0]! : sorted[sorted.length - 1]!;
  }
  if (e.k === 'bin') {
    const l = evaluateAggregate(e.l, ctx, rows);
    const r = evaluateAggregate(e.r, ctx, rows);
    return evaluate({ k: 'bin', op: e.op, l: literal(l), r: literal(r) }, ctx, []);
  }
  return evaluate(e, ctx, rows[0] ?? []);
}

function literal(v: Value): Expr {
  return { k: 'lit', v, numeric: typeof v === 'number' };
}

/** evaluate computes an expression for one row with MySQL's coercions (strings compare case-insensitively, NULL propagates). */
function evaluate(e: Expr, ctx: EvalContext, row: Value[] | undefined): Value {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'col': {
      const i = ctx.columns.findIndex((c) => c.name.toLowerCase() === e.name.toLowerCase());
      if (i < 0 || !row) throw er.badField(e.name, 'field list');
      return row[i] ?? null;
    }
    case 'neg': {
      const v = evaluate(e.e, ctx, row);
      return v === null ? null : -toNumber(v);
    }
    case 'not': {
      const v = evaluate(e.e, ctx, row);
      return v === null ? null : truthy(v) ? 0 : 1;
    }
    case 'isnull': {
      const isNull = evaluate(e.e, ctx, row) === null;
      return (e.not ? !isNull : isNull) ? 1 : 0;
    }
    case 'like': {
      const v = evaluate(e.e, ctx, row);
      const p = evaluate(e.pattern, ctx, row);
      if (v === null || p === null) return null;
      const m = likeMatch(String(v), String(p));
      return (e.not ? !m : m) ? 1 : 0;
    }
    case 'in': {
      const v = evaluate(e.e, ctx, row);
      if (v === null) return null;
      const vals = e.list.map((x) => evaluate(x, ctx, row));
      const hit = vals.some((x) => x !== null && compare(v, x) === 0);
      if (!hit && vals.includes(null)) return null;
      return (e.not ? !hit : hit) ? 1 : 0;
    }
    case 'bin':
      return binary(e.op, e.l, e.r, ctx, row);
    case 'fn':
      return callFunction(e, ctx, row);
    case 'sysvar': {
      const vars = ctx.variables?.() ?? {};
      if (!(e.name in vars)) throw new MysqlError(1193, 'HY000', `Unknown system variable '${e.name}'`);
      return vars[e.name]!;
    }
  }
}

function binary(op: string, le: Expr, re: Expr, ctx: EvalContext, row: Value[] | undefined): Value {
  if (op === 'AND') {
    const l = evaluate(le, ctx, row);
    if (l !== null && !truthy(l)) return 0;
    const r = evaluate(re, ctx, row);
    if (r !== null && !truthy(r)) return 0;
    return l === null || r === null ? null : 1;
  }
  if (op === 'OR') {
    const l = evaluate(le, ctx, row);
    if (l !== null && truthy(l)) return 1;
    const r = evaluate(re, ctx, row);
    if (r !== null && truthy(r)) return 1;
    return l === null || r === null ? null : 0;
  }
  const l = evaluate(le, ctx, row);
  const r = evaluate(re, ctx, row);
  if (op === '<=>') return (l === null && r === null) || (l !== null && r !== null && compare(l, r) === 0) ? 1 : 0;
  if (l === null || r === null) return null;
  switch (op) {
    case '=':
      return compare(l, r) === 0 ? 1 : 0;
    case '<>':
      return compare(l, r) !== 0 ? 1 : 0;
    case '<':
      return compare(l, r) < 0 ? 1 : 0;
    case '>':
      return compare(l, r) > 0 ? 1 : 0;
    case '<=':
      return compare(l, r) <= 0 ? 1 : 0;
    case '>=':
      return compare(l, r) >= 0 ? 1 : 0;
    case '+':
      return toNumber(l) + toNumber(r);
    case '-':
      return toNumber(l) - toNumber(r);
    case '*':
      return toNumber(l) * toNumber(r);
    case '/':
      // Division by zero is NULL (ERROR_FOR_DIVISION_BY_ZERO only warns for SELECT); results keep 4 decimals (div_precision_increment).
      return toNumber(r) === 0 ? null : (toNumber(l) / toNumber(r)).toFixed(4);
    case '%':
      return toNumber(r) === 0 ? null : toNumber(l) % toNumber(r);
    case 'DIV':
      return toNumber(r) === 0 ? null : Math.trunc(toNumber(l) / toNumber(r));
  }
  return null;
}

function callFunction(e: Extract<Expr, { k: 'fn' }>, ctx: EvalContext, row: Value[] | undefined): Value {
  const args = () => e.args.map((a) => evaluate(a, ctx, row));
  switch (e.name) {
    case 'VERSION':
      return ctx.version;
    case 'NOW':
    case 'CURRENT_TIMESTAMP':
    case 'LOCALTIME':
    case 'LOCALTIMESTAMP':
    case 'SYSDATE':
    case 'UTC_TIMESTAMP':
      return formatDateTime(ctx.now);
    case 'CURDATE':
    case 'CURRENT_DATE':
      return formatDateTime(ctx.now).slice(0, 10);
    case 'CURTIME':
    case 'CURRENT_TIME':
      return formatDateTime(ctx.now).slice(11);
    case 'DATABASE':
    case 'SCHEMA':
      return ctx.session.db ?? null;
    case 'USER':
    case 'SESSION_USER':
    case 'SYSTEM_USER':
      return `${ctx.session.user.user}@localhost`;
    case 'CURRENT_USER':
      return `${ctx.session.user.user}@${ctx.session.user.host}`;
    case 'CONNECTION_ID':
      return ctx.session.connectionId;
    case 'UPPER':
    case 'UCASE': {
      const [v] = args();
      return v === null || v === undefined ? null : String(v).toUpperCase();
    }
    case 'LOWER':
    case 'LCASE': {
      const [v] = args();
      return v === null || v === undefined ? null : String(v).toLowerCase();
    }
    case 'LENGTH': {
      const [v] = args();
      return v === null || v === undefined ? null : Buffer.byteLength(String(v));
    }
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH': {
      const [v] = args();
      return v === null || v === undefined ? null : [...String(v)].length;
    }
    case 'CONCAT': {
      const vs = args();
      return vs.some((v) => v === null) ? null : vs.map((v) => display(v)).join('');
    }
    case 'IFNULL':
    case 'COALESCE':
      return args().find((v) => v !== null) ?? null;
    case 'ABS': {
      const [v] = args();
      return v === null || v === undefined ? null : Math.abs(toNumber(v));
    }
    case 'ROUND': {
      const [v, d] = args();
      if (v === null || v === undefined) return null;
      const places = d === undefined || d === null ? 0 : toNumber(d);
      return Number(toNumber(v).toFixed(places));
    }
    case 'FLOOR': {
      const [v] = args();
      return v === null || v === undefined ? null : Math.floor(toNumber(v));
    }
    case 'CEIL':
    case 'CEILING': {
      const [v] = args();
      return v === null || v === undefined ? null : Math.ceil(toNumber(v));
    }
    case 'UUID':
      return crypto.randomUUID();
    case 'SLEEP':
      return 0;
  }
  if (AGGREGATES.has(e.name)) throw new MysqlError(1111, 'HY000', 'Invalid use of group function');
  if (!ctx.session.db) throw er.noDb();
  throw new MysqlError(1305, '42000', `FUNCTION ${ctx.session.db}.${e.name.toLowerCase()} does not exist`);
}

/** toNumber is MySQL's string-to-number cast: the longest numeric prefix, else 0. */
export function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(v);
  return m ? Number(m[0]) : 0;
}

function truthy(v: Value): boolean {
  return v !== null && toNumber(v) !== 0;
}

/** compare orders two non-NULL values: numerically when either is a number, else by utf8mb4_0900_ai_ci (accent- and case-insensitive). */
function compare(a: Value, b: Value): number {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return String(a).localeCompare(String(b), 'en', { sensitivity: 'base' });
}

/** compareForSort puts NULL first, as ORDER BY … ASC does. */
function compareForSort(a: Value, b: Value): number {
  if (a === null && b === null) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return compare(a, b);
}

/**
 * likeMatch implements LIKE: `%` any run, `_` one character, `\\` escapes,
 * case-insensitive. Two pointers with one backtrack point (O(n·m)), not a
 * regular expression, so a pattern like '%a%a%a%…' cannot stall the server.
 */
export function likeMatch(value: string, pattern: string): boolean {
  type Tok = { any: true } | { one: true } | { ch: string };
  const toks: Tok[] = [];
  const p = [...pattern];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) toks.push({ ch: p[++i]!.toLowerCase() });
    else if (c === '%') {
      if (!(toks.length && 'any' in toks[toks.length - 1]!)) toks.push({ any: true });
    } else if (c === '_') toks.push({ one: true });
    else toks.push({ ch: c.toLowerCase() });
  }
  const v = [...value.toLowerCase()];
  let vi = 0;
  let ti = 0;
  let starT = -1;
  let starV = 0;
  while (vi < v.length) {
    const t = toks[ti];
    if (t && !('any' in t) && ('one' in t || t.ch === v[vi])) {
      vi++;
      ti++;
    } else if (t && 'any' in t) {
      starT = ti++;
      starV = vi;
    } else if (starT >= 0) {
      ti = starT + 1;
      vi = ++starV;
    } else return false;
  }
  while (ti < toks.length && 'any' in toks[ti]!) ti++;
  return ti === toks.length;
}

/** formatDateTime is MySQL's DATETIME text in the server's time zone (the container's UTC). */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace('T', ' ').slice(0, 19);
}

/** display is how the client shows a value (NULL stays null; the formatter prints `NULL`). */
function display(v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  return v;
}

/** typeName is DESCRIBE's Type column (8.0.19+: no display width for integers, except tinyint(1)). */
export function typeName(t: ColumnType): string {
  const base = t.base.toLowerCase();
  let s = base;
  if (base === 'tinyint' && t.length === 1) s = 'tinyint(1)';
  else if (['varchar', 'char'].includes(base)) s = `${base}(${t.length ?? 1})`;
  else if (base === 'decimal') s = `decimal(${t.length ?? 10},${t.scale ?? 0})`;
  else if (['float', 'double'].includes(base) && t.length !== undefined) s = `${base}(${t.length},${t.scale ?? 0})`;
  if (t.unsigned) s += ' unsigned';
  return s;
}

/**
 * convert checks and converts a value for a column as strict mode does
 * (sql_mode STRICT_TRANS_TABLES, MySQL 8's default): a wrong value is an
 * error naming the column and the row, not a silent truncation.
 */
function convert(v: Value, col: ColumnDef, row: number): Value {
  if (v === null) {
    if (col.notNull) throw er.badNull(col.name);
    return null;
  }
  const base = col.type.base;
  const range = INT_RANGES[base];
  if (range) {
    const text = typeof v === 'number' ? String(v) : v.trim();
    if (typeof v === 'string' && !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw er.truncatedWrongValue('integer', v, col.name, row);
    const n = Math.round(Number(text));
    const [min, max, umax] = range;
    if (col.type.unsigned ? n < 0 || n > umax : n < min || n > max) throw new MysqlError(1264, '22003', `Out of range value for column '${col.name}' at row ${row}`);
    return n;
  }
  if (base === 'DECIMAL') {
    if (typeof v === 'string' && !/^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(v)) throw er.truncatedWrongValue('decimal', v, col.name, row);
    const scale = col.type.scale ?? 0;
    const precision = col.type.length ?? 10;
    const fixed = toNumber(v).toFixed(scale);
    if (fixed.replace(/^-/, '').replace('.', '').replace(/^0+(?=\d)/, '').length > precision) throw new MysqlError(1264, '22003', `Out of range value for column '${col.name}' at row ${row}`);
    return fixed;
  }
  if (base === 'FLOAT' || base === 'DOUBLE') {
    if (typeof v === 'string' && !/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) throw er.truncatedWrongValue('double', v, col.name, row);
    return toNumber(v);
  }
  if (base === 'VARCHAR' || base === 'CHAR') {
    const s = typeof v === 'number' ? String(v) : v;
    if ([...s].length > (col.type.length ?? 1)) throw er.dataTooLong(col.name, row);
    return base === 'CHAR' ? s.replace(/ +$/, '') : s;
  }
  if (base.endsWith('TEXT') || base === 'BLOB' || base === 'JSON') {
    const s = typeof v === 'number' ? String(v) : v;
    const limit = base === 'TINYTEXT' ? 255 : base === 'TEXT' || base === 'BLOB' ? 65535 : 16 * 1024 * 1024;
    if (Buffer.byteLength(s) > limit) throw er.dataTooLong(col.name, row);
    return s;
  }
  if (base === 'DATE' || base === 'DATETIME' || base === 'TIMESTAMP') {
    const s = String(v).trim();
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?$/.exec(s);
    const kind = base === 'DATE' ? 'date' : 'datetime';
    if (!m) throw er.wrongDatetime(kind, s, col.name, row);
    const [y, mo, d, h = '0', mi = '0', se = '0'] = m.slice(1).map((x) => x ?? '0');
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se)));
    if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23) throw er.wrongDatetime(kind, s, col.name, row);
    return base === 'DATE' ? formatDateTime(date).slice(0, 10) : formatDateTime(date);
  }
  return typeof v === 'number' ? v : v;
}
