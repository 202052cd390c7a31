/**
 * MysqlError is a server error as the client prints it:
 * `ERROR 1049 (42000): Unknown database 'x'` — the error number, the
 * SQLSTATE and the message, worded as MySQL's share/messages_to_clients.txt
 * words them. Every refusal of the modelled server is one of these, so the
 * learner reads the same lines a real server would give.
 */
export class MysqlError extends Error {
  constructor(
    readonly code: number,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
    this.name = 'MysqlError';
  }
}

/** er builds the errors the model raises, by their MySQL names (ER_BAD_DB_ERROR …). */
export const er = {
  badDb: (db: string) => new MysqlError(1049, '42000', `Unknown database '${db}'`),
  dbCreateExists: (db: string) => new MysqlError(1007, 'HY000', `Can't create database '${db}'; database exists`),
  dbDropExists: (db: string) => new MysqlError(1008, 'HY000', `Can't drop database '${db}'; database doesn't exist`),
  noDb: () => new MysqlError(1046, '3D000', 'No database selected'),
  tableExists: (t: string) => new MysqlError(1050, '42S01', `Table '${t}' already exists`),
  noSuchTable: (db: string, t: string) => new MysqlError(1146, '42S02', `Table '${db}.${t}' doesn't exist`),
  badTable: (list: string) => new MysqlError(1051, '42S02', `Unknown table '${list}'`),
  badField: (col: string, where: string) => new MysqlError(1054, '42S22', `Unknown column '${col}' in '${where}'`),
  dupField: (col: string) => new MysqlError(1060, '42S21', `Duplicate column name '${col}'`),
  dupEntry: (value: string, key: string) => new MysqlError(1062, '23000', `Duplicate entry '${value}' for key '${key}'`),
  wrongValueCount: (row: number) => new MysqlError(1136, '21S01', `Column count doesn't match value count at row ${row}`),
  emptyQuery: () => new MysqlError(1065, '42000', 'Query was empty'),
  tableMustHaveColumns: () => new MysqlError(1113, '42000', 'A table must have at least 1 column'),
  dataTooLong: (col: string, row: number) => new MysqlError(1406, '22001', `Data too long for column '${col}' at row ${row}`),
  truncatedWrongValue: (type: string, value: string, col: string, row: number) =>
    new MysqlError(1366, 'HY000', `Incorrect ${type} value: '${value}' for column '${col}' at row ${row}`),
  wrongDatetime: (kind: string, value: string, col: string, row: number) => new MysqlError(1292, '22007', `Incorrect ${kind} value: '${value}' for column '${col}' at row ${row}`),
  badNull: (col: string) => new MysqlError(1048, '23000', `Column '${col}' cannot be null`),
  noDefault: (col: string) => new MysqlError(1364, 'HY000', `Field '${col}' doesn't have a default value`),
  parse: (near: string, line: number) =>
    new MysqlError(1064, '42000', `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${near.slice(0, 80)}' at line ${line}`),
  notSupportedYet: (what: string) => new MysqlError(1235, '42000', `This version of MySQL doesn't yet support '${what}'`),
  dbAccessDenied: (user: string, host: string, db: string) => new MysqlError(1044, '42000', `Access denied for user '${user}'@'${host}' to database '${db}'`),
  accessDenied: (user: string, host: string, usingPassword: boolean) =>
    new MysqlError(1045, '28000', `Access denied for user '${user}'@'${host}' (using password: ${usingPassword ? 'YES' : 'NO'})`),
  systemSchema: (db: string) => new MysqlError(3552, 'HY000', `Access to system schema '${db}' is rejected.`),
  wrongDbName: (db: string) => new MysqlError(1102, '42000', `Incorrect database name '${db}'`),
  wrongTableName: (t: string) => new MysqlError(1103, '42000', `Incorrect table name '${t}'`),
  tooLongIdent: (name: string) => new MysqlError(1059, '42000', `Identifier name '${name}' is too long`),
  multiplePk: () => new MysqlError(1068, '42000', 'Multiple primary key defined'),
  keyColumnDoesNotExist: (col: string) => new MysqlError(1072, '42000', `Key column '${col}' doesn't exist in table`),
};
