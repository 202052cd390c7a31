/**
 * ServerProfile is what differs between the two modelled servers, MySQL 8.4
 * (the official `mysql` image, Oracle Linux based) and MariaDB 11.4 (the
 * official `mariadb` image, Ubuntu based): versions, paths, the names of the
 * files a fresh data directory holds, the client's banner and prompt, and the
 * entrypoint's environment variable names and messages.
 */

export interface ServerProfile {
  product: 'mysql' | 'mariadb';
  /** version is what VERSION() returns and the logs print. */
  version: string;
  /** packageVersion is the entrypoint's "MySQL Server 8.4.7-1.el9" / MariaDB's "1:11.4.4+maria~ubu2404". */
  packageVersion: string;
  /** serverBinary is the daemon's path (`/usr/sbin/mysqld`, `/usr/sbin/mariadbd`). */
  serverBinary: string;
  /** serverName is argv[0]'s name in log lines (`mysqld`, `mariadbd`). */
  serverName: string;
  /** edition is the tail of the ready line (`MySQL Community Server - GPL.`). */
  edition: string;
  datadir: string;
  socket: string;
  /** uid/gid of the image's mysql user (999 in both official images). */
  uid: number;
  gid: number;
  /** initFiles are the regular files a fresh data directory gets (placeholders; see README). */
  initFiles: string[];
  /** initDirs are its directories (system schemas and InnoDB's own). */
  initDirs: string[];
  /** systemSchemas are created by initialisation and listed by SHOW DATABASES. */
  systemSchemas: string[];
  /** clientName is the client's program name in messages (`mysql`, `mariadb`). */
  clientName: string;
  /** monitorName is the banner's "Welcome to the … monitor." product. */
  monitorName: string;
  /** envPrefixes are the entrypoint's variable prefixes, preferred first (MariaDB also reads MYSQL_*). */
  envPrefixes: string[];
  /** clientVersion is `mysql --version`. */
  clientVersion: string;
}

export const MYSQL_PROFILE: ServerProfile = {
  product: 'mysql',
  version: '8.4.7',
  packageVersion: '8.4.7-1.el9',
  serverBinary: '/usr/sbin/mysqld',
  serverName: 'mysqld',
  edition: 'MySQL Community Server - GPL.',
  datadir: '/var/lib/mysql',
  socket: '/var/run/mysqld/mysqld.sock',
  uid: 999,
  gid: 999,
  initFiles: [
    '#ib_16384_0.dblwr',
    '#ib_16384_1.dblwr',
    'auto.cnf',
    'binlog.index',
    'ca-key.pem',
    'ca.pem',
    'client-cert.pem',
    'client-key.pem',
    'ibdata1',
    'mysql.ibd',
    'mysql_upgrade_history',
    'private_key.pem',
    'public_key.pem',
    'server-cert.pem',
    'server-key.pem',
    'undo_001',
    'undo_002',
    '#innodb_redo/#ib_redo6',
    '#innodb_redo/#ib_redo7_tmp',
    'mysql/general_log.CSM',
    'mysql/general_log.CSV',
    'mysql/slow_log.CSM',
    'mysql/slow_log.CSV',
    'performance_schema/accounts_144.sdi',
    'performance_schema/events_stages__150.sdi',
    'sys/sys_config.ibd',
  ],
  initDirs: ['#innodb_redo', 'mysql', 'performance_schema', 'sys'],
  systemSchemas: ['mysql', 'performance_schema', 'sys'],
  clientName: 'mysql',
  monitorName: 'MySQL',
  envPrefixes: ['MYSQL_'],
  clientVersion: 'mysql  Ver 8.4.7 for Linux on x86_64 (MySQL Community Server - GPL)',
};

export const MARIADB_PROFILE: ServerProfile = {
  product: 'mariadb',
  version: '11.4.4-MariaDB-ubu2404',
  packageVersion: '1:11.4.4+maria~ubu2404',
  serverBinary: '/usr/sbin/mariadbd',
  serverName: 'mariadbd',
  edition: 'mariadb.org binary distribution',
  datadir: '/var/lib/mysql',
  socket: '/run/mysqld/mysqld.sock',
  uid: 999,
  gid: 999,
  initFiles: [
    'aria_log.00000001',
    'aria_log_control',
    'ib_buffer_pool',
    'ib_logfile0',
    'ibdata1',
    'mysql.ibd',
    'mariadb_upgrade_info',
    'multi-master.info',
    'ddl_recovery.log',
    'mysql/db.MAD',
    'mysql/db.MAI',
    'mysql/global_priv.MAD',
    'mysql/global_priv.MAI',
    'performance_schema/db.opt',
    'sys/db.opt',
    'sys/sys_config.ibd',
  ],
  initDirs: ['mysql', 'performance_schema', 'sys'],
  systemSchemas: ['mysql', 'performance_schema', 'sys'],
  clientName: 'mariadb',
  monitorName: 'MariaDB',
  envPrefixes: ['MARIADB_', 'MYSQL_'],
  clientVersion: 'mariadb from 11.4.4-MariaDB, client 15.2 for debian-linux-gnu (x86_64) using  EditLine wrapper',
};
