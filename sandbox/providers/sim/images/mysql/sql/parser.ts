/**
 * parseStatement turns one SQL statement into the small AST the modelled
 * server executes: database and table DDL, INSERT, SELECT (one table, WHERE,
 * ORDER BY, LIMIT, COUNT(*)), UPDATE, DELETE, SHOW, USE, DESCRIBE. Valid SQL
 * the model does not implement (joins, GROUP BY, ALTER …) is refused with
 * MySQL's ER_NOT_SUPPORTED_YET wording and says the server is simulated;
 * invalid SQL gets ER_PARSE_ERROR quoting the text from the bad token on.
 */
import { er, MysqlError } from './errors.ts';
import { lineOf, tokenize, type Token } from './lexer.ts';

export type Value = number | string | null;

export type Expr =
  | { k: 'lit'; v: Value; numeric: boolean }
  | { k: 'col'; table?: string; name: string }
  | { k: 'fn'; name: string; args: Expr[]; star: boolean }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'neg'; e: Expr }
  | { k: 'isnull'; e: Expr; not: boolean }
  | { k: 'like'; e: Expr; pattern: Expr; not: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { k: 'sysvar'; name: string };

export interface TableRef {
  db?: string;
  name: string;
}

export interface ColumnType {
  /** base: INT, BIGINT, VARCHAR, CHAR, TEXT, DECIMAL, DOUBLE, FLOAT, DATE, DATETIME, TIMESTAMP, TINYINT, BOOLEAN … as written, upper case. */
  base: string;
  length?: number;
  scale?: number;
  unsigned?: boolean;
}

export interface ColumnDef {
  name: string;
  type: ColumnType;
  notNull: boolean;
  default?: Value;
  /** defaultNow: DEFAULT CURRENT_TIMESTAMP. */
  defaultNow?: boolean;
  autoIncrement: boolean;
  primaryKey: boolean;
  unique: boolean;
}

export interface SelectItem {
  expr: Expr | 'star';
  /** label: the column heading — the alias, or the expression as written. */
  label: string;
}

export type Statement =
  | { k: 'createDb'; name: string; ifNotExists: boolean }
  | { k: 'dropDb'; name: string; ifExists: boolean }
  | { k: 'showDbs'; like?: string }
  | { k: 'showTables'; db?: string; like?: string }
  | { k: 'use'; name: string }
  | { k: 'createTable'; table: TableRef; ifNotExists: boolean; columns: ColumnDef[]; primaryKey?: string[]; uniques: string[][] }
  | { k: 'dropTable'; tables: TableRef[]; ifExists: boolean }
  | { k: 'truncate'; table: TableRef }
  | { k: 'insert'; table: TableRef; columns?: string[]; rows: Expr[][] }
  | { k: 'select'; items: SelectItem[]; from?: TableRef; where?: Expr; orderBy: { expr: Expr; desc: boolean }[]; limit?: number; offset?: number }
  | { k: 'delete'; table: TableRef; where?: Expr; limit?: number }
  | { k: 'update'; table: TableRef; sets: { column: string; expr: Expr }[]; where?: Expr; limit?: number }
  | { k: 'describe'; table: TableRef }
  | { k: 'showCreateTable'; table: TableRef }
  | { k: 'showVariables'; like?: string }
  | { k: 'showWarnings' }
  | { k: 'set' };

/** UNSUPPORTED are statements and clauses real MySQL has that this model refuses rather than fakes. */
const UNSUPPORTED_STATEMENTS = new Set(['ALTER', 'GRANT', 'REVOKE', 'RENAME', 'CALL', 'LOCK', 'UNLOCK', 'REPLACE', 'LOAD', 'HANDLER', 'PREPARE', 'EXECUTE', 'START', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'FLUSH', 'ANALYZE', 'OPTIMIZE', 'CHECK', 'REPAIR', 'KILL', 'WITH', 'EXPLAIN', 'TABLE', 'VALUES']);

/** RESERVED words cannot be bare identifiers (a subset of MySQL's reserved list that matters for this grammar). */
const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'ORDER', 'BY', 'LIMIT', 'INSERT', 'INTO', 'VALUES', 'UPDATE', 'SET', 'DELETE', 'CREATE', 'DROP', 'TABLE',
  'DATABASE', 'SCHEMA', 'AND', 'OR', 'NOT', 'NULL', 'IS', 'LIKE', 'IN', 'AS', 'ASC', 'DESC', 'GROUP', 'HAVING', 'JOIN', 'ON', 'USE',
  'SHOW', 'DEFAULT', 'PRIMARY', 'KEY', 'UNIQUE', 'IF', 'EXISTS', 'DATABASES', 'SCHEMAS', 'TABLES', 'UNION', 'LEFT', 'RIGHT', 'INNER',
  'CROSS', 'OUTER', 'DISTINCT', 'TRUE', 'FALSE', 'INTERVAL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'BETWEEN', 'DESCRIBE', 'TRUNCATE',
]);

/** MAX_DEPTH bounds expression nesting: MySQL's parser stack runs out too (`memory exhausted near …`), and ours must never exhaust the JS stack. */
const MAX_DEPTH = 200;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly sql: string,
    private readonly t: Token[],
  ) {}

  peek(offset = 0): Token {
    return this.t[Math.min(this.i + offset, this.t.length - 1)]!;
  }

  next(): Token {
    const tok = this.peek();
    if (tok.type !== 'eof') this.i++;
    return tok;
  }

  fail(tok: Token = this.peek()): never {
    throw er.parse(this.sql.slice(tok.pos), lineOf(this.sql, tok.pos));
  }

  isWord(word: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.type === 'ident' && tok.upper === word;
  }

  acceptWord(...words: string[]): boolean {
    if (words.every((w, k) => this.isWord(w, k))) {
      this.i += words.length;
      return true;
    }
    return false;
  }

  word(...words: string[]): void {
    for (const w of words) {
      if (!this.isWord(w)) this.fail();
      this.i++;
    }
  }

  isOp(op: string): boolean {
    const tok = this.peek();
    return tok.type === 'op' && tok.text === op;
  }

  acceptOp(op: string): boolean {
    if (this.isOp(op)) {
      this.i++;
      return true;
    }
    return false;
  }

  op(op: string): void {
    if (!this.acceptOp(op)) this.fail();
  }

  /** ident reads an identifier: back-quoted anything, or a bare word that is not reserved. */
  ident(): string {
    const tok = this.peek();
    if (tok.type === 'qident') {
      this.i++;
      return tok.text;
    }
    if (tok.type === 'ident' && !RESERVED.has(tok.upper)) {
      this.i++;
      return tok.text;
    }
    this.fail();
  }

  tableRef(): TableRef {
    const first = this.ident();
    if (this.acceptOp('.')) return { db: first, name: this.ident() };
    return { name: first };
  }

  end(): void {
    this.acceptOp(';');
    if (this.peek().type !== 'eof') this.fail();
  }

  unsupported(what: string): never {
    throw er.notSupportedYet(`${what} (kslab's simulated MySQL models a subset of SQL)`);
  }

  statement(): Statement {
    const tok = this.peek();
    if (tok.type === 'eof' || (tok.type === 'op' && tok.text === ';')) throw er.emptyQuery();
    if (tok.type !== 'ident') this.fail();
    switch (tok.upper) {
      case 'CREATE':
        return this.create();
      case 'DROP':
        return this.drop();
      case 'SHOW':
        return this.show();
      case 'USE': {
        this.next();
        const name = this.ident();
        this.end();
        return { k: 'use', name };
      }
      case 'INSERT':
        return this.insert();
      case 'SELECT':
        return this.select();
      case 'DELETE':
        return this.delete();
      case 'UPDATE':
        return this.update();
      case 'DESCRIBE':
      case 'DESC':
      case 'EXPLAIN': {
        if (tok.upper === 'EXPLAIN' && (this.isWord('SELECT', 1) || this.isWord('INSERT', 1) || this.isWord('UPDATE', 1) || this.isWord('DELETE', 1))) this.unsupported('EXPLAIN');
        this.next();
        const table = this.tableRef();
        this.end();
        return { k: 'describe', table };
      }
      case 'TRUNCATE': {
        this.next();
        this.acceptWord('TABLE');
        const table = this.tableRef();
        this.end();
        return { k: 'truncate', table };
      }
      case 'SET':
        // Session settings (autocommit, names, sql_log_bin…) are accepted and have no effect in the model.
        this.i = this.t.length - 1;
        return { k: 'set' };
    }
    if (UNSUPPORTED_STATEMENTS.has(tok.upper)) this.unsupported(tok.upper);
    this.fail();
  }

  create(): Statement {
    this.word('CREATE');
    if (this.acceptWord('DATABASE') || this.acceptWord('SCHEMA')) {
      const ifNotExists = this.acceptWord('IF', 'NOT', 'EXISTS');
      const name = this.ident();
      this.skipTableOptions();
      this.end();
      return { k: 'createDb', name, ifNotExists };
    }
    this.acceptWord('TEMPORARY') && this.unsupported('CREATE TEMPORARY TABLE');
    if (this.acceptWord('TABLE')) return this.createTable();
    if (this.isWord('USER') || this.isWord('INDEX') || this.isWord('VIEW') || this.isWord('PROCEDURE') || this.isWord('FUNCTION') || this.isWord('TRIGGER') || this.isWord('ROLE') || this.isWord('UNIQUE') || this.isWord('EVENT')) {
      this.unsupported(`CREATE ${this.peek().upper}`);
    }
    this.fail();
  }

  createTable(): Statement {
    const ifNotExists = this.acceptWord('IF', 'NOT', 'EXISTS');
    const table = this.tableRef();
    if (this.isWord('LIKE') || this.isWord('AS') || this.isWord('SELECT')) this.unsupported('CREATE TABLE … LIKE/SELECT');
    this.op('(');
    const columns: ColumnDef[] = [];
    let primaryKey: string[] | undefined;
    const uniques: string[][] = [];
    for (;;) {
      if (this.isWord('PRIMARY')) {
        this.word('PRIMARY', 'KEY');
        if (primaryKey) throw er.multiplePk();
        primaryKey = this.columnList();
      } else if (this.isWord('UNIQUE')) {
        this.next();
        this.acceptWord('KEY') || this.acceptWord('INDEX');
        if (!this.isOp('(')) this.ident();
        uniques.push(this.columnList());
      } else if (this.isWord('KEY') || this.isWord('INDEX')) {
        this.next();
        if (!this.isOp('(')) this.ident();
        this.columnList();
      } else if (this.isWord('CONSTRAINT') || this.isWord('FOREIGN') || this.isWord('CHECK')) {
        this.unsupported(this.peek().upper);
      } else {
        columns.push(this.columnDef());
      }
      if (this.acceptOp(',')) continue;
      this.op(')');
      break;
    }
    this.skipTableOptions();
    this.end();
    return { k: 'createTable', table, ifNotExists, columns, primaryKey, uniques };
  }

  /** skipTableOptions passes over ENGINE=…, DEFAULT CHARSET=…, COLLATE … which the model does not use. */
  skipTableOptions(): void {
    while (this.peek().type === 'ident' || this.isOp('=') || this.isOp(',')) {
      const tok = this.peek();
      if (tok.type === 'ident' && ['SELECT', 'AS', 'LIKE'].includes(tok.upper)) return;
      this.next();
      if (this.peek().type === 'number' || this.peek().type === 'string') this.next();
    }
  }

  columnList(): string[] {
    this.op('(');
    const cols = [this.ident()];
    this.skipKeyLength();
    while (this.acceptOp(',')) {
      cols.push(this.ident());
      this.skipKeyLength();
    }
    this.op(')');
    return cols;
  }

  skipKeyLength(): void {
    if (this.isOp('(') && this.peek(1).type === 'number') {
      this.i += 2;
      this.op(')');
    }
    this.acceptWord('ASC') || this.acceptWord('DESC');
  }

  columnDef(): ColumnDef {
    const name = this.ident();
    const type = this.columnType();
    const def: ColumnDef = { name, type, notNull: false, autoIncrement: false, primaryKey: false, unique: false };
    for (;;) {
      if (this.acceptWord('NOT', 'NULL')) def.notNull = true;
      else if (this.acceptWord('NULL')) def.notNull = false;
      else if (this.acceptWord('AUTO_INCREMENT')) def.autoIncrement = true;
      else if (this.acceptWord('PRIMARY', 'KEY') || this.acceptWord('KEY')) def.primaryKey = true;
      else if (this.acceptWord('UNIQUE')) {
        this.acceptWord('KEY');
        def.unique = true;
      } else if (this.acceptWord('DEFAULT')) {
        if (this.isWord('CURRENT_TIMESTAMP') || this.isWord('NOW')) {
          this.next();
          if (this.acceptOp('(')) this.op(')');
          def.defaultNow = true;
        } else {
          const e = this.primary();
          if (e.k !== 'lit') this.fail();
          def.default = e.v;
        }
      } else if (this.acceptWord('ON', 'UPDATE')) {
        this.next();
        if (this.acceptOp('(')) this.op(')');
      } else if (this.acceptWord('COMMENT')) {
        if (this.peek().type !== 'string') this.fail();
        this.next();
      } else if (this.acceptWord('COLLATE') || this.acceptWord('CHARACTER', 'SET') || this.acceptWord('CHARSET')) {
        this.next();
      } else if (this.isWord('REFERENCES') || this.isWord('CHECK') || this.isWord('GENERATED') || this.isWord('AS')) {
        this.unsupported(this.peek().upper);
      } else break;
    }
    if (def.primaryKey) def.notNull = true;
    return def;
  }

  columnType(): ColumnType {
    const tok = this.next();
    if (tok.type !== 'ident') this.fail(tok);
    let base = tok.upper;
    const known = ['INT', 'INTEGER', 'TINYINT', 'SMALLINT', 'MEDIUMINT', 'BIGINT', 'VARCHAR', 'CHAR', 'TEXT', 'TINYTEXT', 'MEDIUMTEXT', 'LONGTEXT', 'DECIMAL', 'NUMERIC', 'DEC', 'FLOAT', 'DOUBLE', 'REAL', 'DATE', 'DATETIME', 'TIMESTAMP', 'TIME', 'YEAR', 'BOOL', 'BOOLEAN', 'BLOB', 'JSON', 'BIT'];
    if (!known.includes(base)) {
      if (['ENUM', 'SET', 'GEOMETRY', 'POINT', 'BINARY', 'VARBINARY'].includes(base)) this.unsupported(`column type ${base}`);
      this.fail(tok);
    }
    if (base === 'INTEGER') base = 'INT';
    if (base === 'NUMERIC' || base === 'DEC') base = 'DECIMAL';
    if (base === 'REAL') base = 'DOUBLE';
    if (base === 'DOUBLE') this.acceptWord('PRECISION');
    const type: ColumnType = { base };
    if (this.acceptOp('(')) {
      const len = this.next();
      if (len.type !== 'number') this.fail(len);
      type.length = Number(len.text);
      if (this.acceptOp(',')) {
        const sc = this.next();
        if (sc.type !== 'number') this.fail(sc);
        type.scale = Number(sc.text);
      }
      this.op(')');
    }
    if (this.acceptWord('UNSIGNED')) type.unsigned = true;
    this.acceptWord('SIGNED');
    this.acceptWord('ZEROFILL');
    if ((base === 'VARCHAR') && type.length === undefined) this.fail();
    if (base === 'BOOL' || base === 'BOOLEAN') return { base: 'TINYINT', length: 1 };
    return type;
  }

  drop(): Statement {
    this.word('DROP');
    if (this.acceptWord('DATABASE') || this.acceptWord('SCHEMA')) {
      const ifExists = this.acceptWord('IF', 'EXISTS');
      const name = this.ident();
      this.end();
      return { k: 'dropDb', name, ifExists };
    }
    this.acceptWord('TEMPORARY');
    if (this.acceptWord('TABLE') || this.acceptWord('TABLES')) {
      const ifExists = this.acceptWord('IF', 'EXISTS');
      const tables = [this.tableRef()];
      while (this.acceptOp(',')) tables.push(this.tableRef());
      this.acceptWord('RESTRICT') || this.acceptWord('CASCADE');
      this.end();
      return { k: 'dropTable', tables, ifExists };
    }
    if (this.peek().type === 'ident') this.unsupported(`DROP ${this.peek().upper}`);
    this.fail();
  }

  show(): Statement {
    this.word('SHOW');
    this.acceptWord('FULL');
    if (this.acceptWord('DATABASES') || this.acceptWord('SCHEMAS')) {
      const like = this.likeClause();
      this.end();
      return { k: 'showDbs', like };
    }
    if (this.acceptWord('TABLES')) {
      let db: string | undefined;
      if (this.acceptWord('FROM') || this.acceptWord('IN')) db = this.ident();
      const like = this.likeClause();
      this.end();
      return { k: 'showTables', db, like };
    }
    if (this.acceptWord('WARNINGS')) {
      this.end();
      return { k: 'showWarnings' };
    }
    if (this.acceptWord('CREATE', 'TABLE')) {
      const table = this.tableRef();
      this.end();
      return { k: 'showCreateTable', table };
    }
    if (this.acceptWord('VARIABLES') || this.acceptWord('GLOBAL', 'VARIABLES') || this.acceptWord('SESSION', 'VARIABLES')) {
      const like = this.likeClause();
      this.end();
      return { k: 'showVariables', like };
    }
    if (this.acceptWord('COLUMNS') || this.acceptWord('FIELDS')) {
      if (!(this.acceptWord('FROM') || this.acceptWord('IN'))) this.fail();
      const table = this.tableRef();
      if (this.acceptWord('FROM') || this.acceptWord('IN')) table.db = this.ident();
      this.end();
      return { k: 'describe', table };
    }
    if (this.peek().type === 'ident') this.unsupported(`SHOW ${this.peek().upper}`);
    this.fail();
  }

  likeClause(): string | undefined {
    if (!this.acceptWord('LIKE')) return undefined;
    const tok = this.next();
    if (tok.type !== 'string') this.fail(tok);
    return tok.text;
  }

  insert(): Statement {
    this.word('INSERT');
    this.acceptWord('IGNORE') && this.unsupported('INSERT IGNORE');
    this.acceptWord('INTO');
    const table = this.tableRef();
    let columns: string[] | undefined;
    if (this.isOp('(')) {
      this.op('(');
      columns = [];
      if (!this.isOp(')')) {
        columns.push(this.ident());
        while (this.acceptOp(',')) columns.push(this.ident());
      }
      this.op(')');
    }
    if (this.isWord('SELECT')) this.unsupported('INSERT … SELECT');
    if (this.isWord('SET')) this.unsupported('INSERT … SET');
    if (!(this.acceptWord('VALUES') || this.acceptWord('VALUE'))) this.fail();
    const rows: Expr[][] = [];
    do {
      this.op('(');
      const row: Expr[] = [];
      if (!this.isOp(')')) {
        row.push(this.expr());
        while (this.acceptOp(',')) row.push(this.expr());
      }
      this.op(')');
      rows.push(row);
    } while (this.acceptOp(','));
    if (this.isWord('ON')) this.unsupported('ON DUPLICATE KEY UPDATE');
    this.end();
    return { k: 'insert', table, columns, rows };
  }

  select(): Statement {
    this.word('SELECT');
    if (this.isWord('DISTINCT')) this.unsupported('SELECT DISTINCT');
    this.acceptWord('ALL');
    const items: SelectItem[] = [];
    do {
      const startTok = this.peek();
      if (this.acceptOp('*')) {
        items.push({ expr: 'star', label: '*' });
        continue;
      }
      if ((startTok.type === 'ident' || startTok.type === 'qident') && this.peek(1).type === 'op' && this.peek(1).text === '.' && this.peek(2).type === 'op' && this.peek(2).text === '*') {
        this.i += 3;
        items.push({ expr: 'star', label: '*' });
        continue;
      }
      const expr = this.expr();
      const endPos = this.t[this.i - 1]!.end;
      let label = this.sql.slice(startTok.pos, endPos);
      // A plain column keeps its name as written, without back quotes or a table prefix.
      if (expr.k === 'col') label = expr.name;
      if (this.acceptWord('AS')) {
        const tok = this.next();
        if (tok.type !== 'ident' && tok.type !== 'qident' && tok.type !== 'string') this.fail(tok);
        label = tok.text;
      } else if (this.peek().type === 'qident' || this.peek().type === 'string' || (this.peek().type === 'ident' && !RESERVED.has(this.peek().upper))) {
        label = this.next().text;
      }
      items.push({ expr, label });
    } while (this.acceptOp(','));
    let from: TableRef | undefined;
    if (this.acceptWord('FROM')) {
      from = this.tableRef();
      if (this.peek().type === 'ident' && !RESERVED.has(this.peek().upper)) this.unsupported('table aliases');
      if (this.acceptWord('AS')) this.unsupported('table aliases');
      if (this.isOp(',') || this.isWord('JOIN') || this.isWord('LEFT') || this.isWord('RIGHT') || this.isWord('INNER') || this.isWord('CROSS') || this.isWord('NATURAL')) this.unsupported('joins');
    }
    let where: Expr | undefined;
    if (this.acceptWord('WHERE')) where = this.expr();
    if (this.isWord('GROUP')) this.unsupported('GROUP BY');
    if (this.isWord('HAVING')) this.unsupported('HAVING');
    const orderBy: { expr: Expr; desc: boolean }[] = [];
    if (this.acceptWord('ORDER', 'BY')) {
      do {
        const expr = this.expr();
        const desc = this.acceptWord('DESC');
        if (!desc) this.acceptWord('ASC');
        orderBy.push({ expr, desc });
      } while (this.acceptOp(','));
    }
    const { limit, offset } = this.limitClause();
    if (this.isWord('UNION')) this.unsupported('UNION');
    if (this.isWord('FOR') || this.isWord('LOCK')) this.unsupported('locking reads');
    this.end();
    return { k: 'select', items, from, where, orderBy, limit, offset };
  }

  limitClause(): { limit?: number; offset?: number } {
    if (!this.acceptWord('LIMIT')) return {};
    const a = this.next();
    if (a.type !== 'number') this.fail(a);
    if (this.acceptOp(',')) {
      const b = this.next();
      if (b.type !== 'number') this.fail(b);
      return { offset: Number(a.text), limit: Number(b.text) };
    }
    if (this.acceptWord('OFFSET')) {
      const b = this.next();
      if (b.type !== 'number') this.fail(b);
      return { limit: Number(a.text), offset: Number(b.text) };
    }
    return { limit: Number(a.text) };
  }

  delete(): Statement {
    this.word('DELETE');
    this.word('FROM');
    const table = this.tableRef();
    let where: Expr | undefined;
    if (this.acceptWord('WHERE')) where = this.expr();
    if (this.isWord('ORDER')) this.unsupported('DELETE … ORDER BY');
    const { limit } = this.limitClause();
    this.end();
    return { k: 'delete', table, where, limit };
  }

  update(): Statement {
    this.word('UPDATE');
    const table = this.tableRef();
    this.word('SET');
    const sets: { column: string; expr: Expr }[] = [];
    do {
      let column = this.ident();
      if (this.acceptOp('.')) column = this.ident();
      this.op('=');
      sets.push({ column, expr: this.expr() });
    } while (this.acceptOp(','));
    let where: Expr | undefined;
    if (this.acceptWord('WHERE')) where = this.expr();
    if (this.isWord('ORDER')) this.unsupported('UPDATE … ORDER BY');
    const { limit } = this.limitClause();
    this.end();
    return { k: 'update', table, sets, where, limit };
  }

  // ---- expressions: OR < XOR/AND < NOT < comparison < + - < * / % < unary ----

  expr(): Expr {
    if (++this.depth > MAX_DEPTH) {
      const tok = this.peek();
      throw new MysqlError(1064, '42000', `memory exhausted near '${this.sql.slice(tok.pos, tok.pos + 80)}' at line ${lineOf(this.sql, tok.pos)}`);
    }
    try {
      let l = this.andExpr();
      while (this.acceptWord('OR') || this.acceptOp('||')) l = { k: 'bin', op: 'OR', l, r: this.andExpr() };
      return l;
    } finally {
      this.depth--;
    }
  }

  andExpr(): Expr {
    let l = this.notExpr();
    while (this.acceptWord('AND') || this.acceptOp('&&')) l = { k: 'bin', op: 'AND', l, r: this.notExpr() };
    return l;
  }

  notExpr(): Expr {
    let nots = 0;
    while (this.acceptWord('NOT')) nots++;
    let e = this.comparison();
    for (; nots > 0; nots--) e = { k: 'not', e };
    return e;
  }

  comparison(): Expr {
    const l = this.additive();
    const tok = this.peek();
    if (tok.type === 'op' && ['=', '<>', '!=', '<', '>', '<=', '>=', '<=>'].includes(tok.text)) {
      this.next();
      return { k: 'bin', op: tok.text === '!=' ? '<>' : tok.text, l, r: this.additive() };
    }
    if (this.acceptWord('IS')) {
      const not = this.acceptWord('NOT');
      if (this.acceptWord('NULL')) return { k: 'isnull', e: l, not };
      if (this.acceptWord('TRUE')) return wrapNot({ k: 'bin', op: '<>', l, r: { k: 'lit', v: 0, numeric: true } }, not);
      if (this.acceptWord('FALSE')) return wrapNot({ k: 'bin', op: '=', l, r: { k: 'lit', v: 0, numeric: true } }, not);
      this.fail();
    }
    const not = this.isWord('NOT') && (this.isWord('LIKE', 1) || this.isWord('IN', 1) || this.isWord('BETWEEN', 1));
    if (not) this.next();
    if (this.acceptWord('LIKE')) return { k: 'like', e: l, pattern: this.additive(), not };
    if (this.acceptWord('IN')) {
      this.op('(');
      if (this.isWord('SELECT')) this.unsupported('subqueries');
      const list = [this.expr()];
      while (this.acceptOp(',')) list.push(this.expr());
      this.op(')');
      return { k: 'in', e: l, list, not };
    }
    if (this.acceptWord('BETWEEN')) {
      const lo = this.additive();
      this.word('AND');
      const hi = this.additive();
      const range: Expr = { k: 'bin', op: 'AND', l: { k: 'bin', op: '>=', l, r: lo }, r: { k: 'bin', op: '<=', l, r: hi } };
      return wrapNot(range, not);
    }
    return l;
  }

  additive(): Expr {
    let l = this.multiplicative();
    for (;;) {
      if (this.acceptOp('+')) l = { k: 'bin', op: '+', l, r: this.multiplicative() };
      else if (this.acceptOp('-')) l = { k: 'bin', op: '-', l, r: this.multiplicative() };
      else return l;
    }
  }

  multiplicative(): Expr {
    let l = this.unary();
    for (;;) {
      if (this.acceptOp('*')) l = { k: 'bin', op: '*', l, r: this.unary() };
      else if (this.acceptOp('/')) l = { k: 'bin', op: '/', l, r: this.unary() };
      else if (this.acceptOp('%') || this.acceptWord('MOD')) l = { k: 'bin', op: '%', l, r: this.unary() };
      else if (this.acceptWord('DIV')) l = { k: 'bin', op: 'DIV', l, r: this.unary() };
      else return l;
    }
  }

  unary(): Expr {
    if (this.isOp('-') || this.isOp('+') || this.isOp('!')) {
      if (++this.depth > MAX_DEPTH) this.fail();
      try {
        if (this.acceptOp('-')) return { k: 'neg', e: this.unary() };
        if (this.acceptOp('+')) return this.unary();
        this.op('!');
        return { k: 'not', e: this.unary() };
      } finally {
        this.depth--;
      }
    }
    return this.primary();
  }

  primary(): Expr {
    const tok = this.peek();
    if (tok.type === 'number') {
      this.next();
      return { k: 'lit', v: Number(tok.text), numeric: true };
    }
    if (tok.type === 'string') {
      this.next();
      // Adjacent strings concatenate ('a' 'b' = 'ab').
      let v = tok.text;
      while (this.peek().type === 'string') v += this.next().text;
      return { k: 'lit', v, numeric: false };
    }
    if (tok.type === 'op' && tok.text === '(') {
      this.next();
      if (this.isWord('SELECT')) this.unsupported('subqueries');
      const e = this.expr();
      this.op(')');
      return e;
    }
    if (tok.type === 'ident' || tok.type === 'qident') {
      if (tok.type === 'ident') {
        if (tok.upper === 'NULL') return this.next(), { k: 'lit', v: null, numeric: false };
        if (tok.upper === 'TRUE') return this.next(), { k: 'lit', v: 1, numeric: true };
        if (tok.upper === 'FALSE') return this.next(), { k: 'lit', v: 0, numeric: true };
        if (tok.upper === 'CASE' || tok.upper === 'INTERVAL' || tok.upper === 'EXISTS') this.unsupported(tok.upper);
        if (['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_USER', 'LOCALTIME', 'LOCALTIMESTAMP', 'UTC_TIMESTAMP'].includes(tok.upper) && !(this.peek(1).type === 'op' && this.peek(1).text === '(')) {
          this.next();
          return { k: 'fn', name: tok.upper, args: [], star: false };
        }
        if (tok.text.startsWith('@@')) {
          this.next();
          // @@datadir, @@global.port, @@session.sql_mode: the scope prefix does not change the value here.
          let name = tok.text.slice(2);
          if ((name.toLowerCase() === 'global' || name.toLowerCase() === 'session') && this.acceptOp('.')) name = this.ident();
          return { k: 'sysvar', name: name.toLowerCase() };
        }
        if (tok.text.startsWith('@')) this.unsupported('user variables');
      }
      if (tok.type === 'ident' && this.peek(1).type === 'op' && this.peek(1).text === '(') {
        this.i += 2;
        const name = tok.upper;
        if (this.acceptOp('*')) {
          this.op(')');
          return { k: 'fn', name, args: [], star: true };
        }
        if (this.isWord('DISTINCT')) this.unsupported(`${name}(DISTINCT …)`);
        const args: Expr[] = [];
        if (!this.isOp(')')) {
          args.push(this.expr());
          while (this.acceptOp(',')) args.push(this.expr());
        }
        this.op(')');
        return { k: 'fn', name, args, star: false };
      }
      const name = this.ident();
      if (this.acceptOp('.')) {
        const col = this.ident();
        if (this.acceptOp('.')) return { k: 'col', table: col, name: this.ident() };
        return { k: 'col', table: name, name: col };
      }
      return { k: 'col', name };
    }
    this.fail();
  }
}

function wrapNot(e: Expr, not: boolean): Expr {
  return not ? { k: 'not', e } : e;
}

/** parseStatement parses exactly one statement (an optional trailing `;` is allowed). */
export function parseStatement(sql: string): Statement {
  const p = new Parser(sql, tokenize(sql));
  return p.statement();
}

/**
 * splitStatements cuts client input into statements at `;` outside quotes and
 * comments, the way the mysql client does before sending each one; the
 * remainder without a terminating `;` is returned separately (an interactive
 * client keeps reading, `-e` sends it as the last statement).
 */
export interface SplitStatement {
  text: string;
  terminator: ';' | '\\G';
  /** line is the 1-based input line the statement starts on (the client's `ERROR … at line N`). */
  line: number;
}

export function splitStatements(input: string): { statements: SplitStatement[]; rest: string; restLine: number; openQuote?: string } {
  const statements: SplitStatement[] = [];
  let cur = '';
  let line = 1;
  let startLine = 0;
  const push = (terminator: ';' | '\\G') => {
    if (cur.trim() !== '') statements.push({ text: cur.trim(), terminator, line: startLine || line });
    cur = '';
    startLine = 0;
  };
  let quote: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '\n') line++;
    else if (!startLine && !/\s/.test(c)) startLine = line;
    if (quote) {
      cur += c;
      if (c === '\\' && quote !== '`' && i + 1 < input.length) {
        cur += input[++i];
        continue;
      }
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      cur += c;
      continue;
    }
    if (c === '#' || (c === '-' && input[i + 1] === '-' && /\s/.test(input[i + 2] ?? '\n'))) {
      const nl = input.indexOf('\n', i);
      const stop = nl < 0 ? input.length : nl;
      i = stop - 1;
      if (cur.trim() === '') startLine = 0;
      continue;
    }
    if (c === '/' && input[i + 1] === '*') {
      const close = input.indexOf('*/', i + 2);
      if (close < 0) {
        cur += input.slice(i);
        break;
      }
      for (let k = i; k <= close; k++) if (input[k] === '\n') line++;
      i = close + 1;
      cur += ' ';
      if (cur.trim() === '') startLine = 0;
      continue;
    }
    if (c === ';') {
      push(';');
      continue;
    }
    if (c === '\\' && (input[i + 1] === 'G' || input[i + 1] === 'g')) {
      push(input[i + 1] === 'G' ? '\\G' : ';');
      i++;
      continue;
    }
    cur += c;
  }
  return { statements, rest: cur, restLine: startLine || line, openQuote: quote };
}
