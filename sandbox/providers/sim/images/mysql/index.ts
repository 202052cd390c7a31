/**
 * The MySQL / MariaDB model: importing this module registers the `mysql` and
 * `mariadb` images in the container catalogue (see README.md for what is
 * modelled). The named exports are for tests and for the kubelet model.
 */
export { MYSQL_IMAGE, MARIADB_IMAGE, registerMysqlImages } from './image.ts';
export { MYSQL_PROFILE, MARIADB_PROFILE, type ServerProfile } from './profile.ts';
export { mysqlTiming, findServer, LOCK_RETRIES, LOCK_RETRY_MS, MYSQL_PORT } from './server.ts';
export { mysqlClientProgram, mysqladminProgram } from './client.ts';
export { entrypointProgram, mysqldProgram, initializeDataDir, ENTRYPOINT_PATH } from './entrypoint.ts';
export { DataDir, MODEL_HEADER, encodeName, decodeName, IBD_PAGE_BYTES, IBD_MIN_PAGES } from './datadir.ts';
export { parseStatement, splitStatements } from './sql/parser.ts';
export { MysqlError } from './sql/errors.ts';
