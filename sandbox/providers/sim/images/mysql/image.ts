/**
 * The `mysql` (8.4, Oracle Linux based) and `mariadb` (11.4, Ubuntu based)
 * images as catalogue entries: the file tree and config of the official
 * images (ENTRYPOINT docker-entrypoint.sh, CMD mysqld, /var/lib/mysql and
 * /var/run/mysqld mode 1777, the mysql user 999) with the modelled programs
 * on PATH. Their shell is the simulation's busybox-style shell under bash's
 * name and prompt (`bash-5.1# `), with the same applets busybox images have.
 */
import { registerImage, type ImageDefinition } from '../../containers/images/registry.ts';
import type { ImageEntry } from '../../containers/fs/image-layer.ts';
import type { Program } from '../../containers/program.ts';
import { busyboxApplets } from '../../containers/tools/index.ts';
import { createShellProgram } from '../../containers/shell/sh.ts';
import { mysqladminProgram, mysqlClientProgram } from './client.ts';
import { ENTRYPOINT_PATH, entrypointProgram, mysqldProgram } from './entrypoint.ts';
import { MARIADB_PROFILE, MYSQL_PROFILE, type ServerProfile } from './profile.ts';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function passwd(): Record<string, ImageEntry> {
  return {
    '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/bin/bash\nmysql:x:999:999::/var/lib/mysql:/bin/bash\n' },
    '/etc/group': { type: 'file', mode: 0o644, content: 'root:x:0:\nmysql:x:999:\n' },
  };
}

function shellAndTools(): Record<string, Program> {
  const shell = createShellProgram({ prompt: (info) => (info.uid === 0 ? 'bash-5.1# ' : 'bash-5.1$ ') });
  const programs: Record<string, Program> = { '/bin/sh': shell, '/bin/bash': shell, '/usr/bin/bash': shell, '/usr/bin/sh': shell };
  for (const [name, program] of Object.entries(busyboxApplets)) programs[`/usr/bin/${name}`] = program;
  return programs;
}

function serverDirs(profile: ServerProfile): Record<string, ImageEntry> {
  const socketDir = profile.socket.slice(0, profile.socket.lastIndexOf('/'));
  return {
    [profile.datadir]: { type: 'dir', mode: 0o1777, uid: profile.uid, gid: profile.gid },
    [socketDir]: { type: 'dir', mode: 0o1777, uid: profile.uid, gid: profile.gid },
    '/docker-entrypoint-initdb.d': { type: 'dir', mode: 0o755 },
    '/root': { type: 'dir', mode: 0o550 },
    '/tmp': { type: 'dir', mode: 0o1777 },
  };
}

/** MYSQL_IMAGE is mysql:8.4 (tags that name another series are not in the catalogue, so they fail to pull). */
export const MYSQL_IMAGE: ImageDefinition = {
  repository: 'mysql',
  tags: ['8.4', '8.4.7', '8.4-oracle', '8.4.7-oracle', 'lts', 'lts-oracle', '8', '8-oracle'],
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['mysqld'],
  env: { PATH, GOSU_VERSION: '1.17', MYSQL_MAJOR: '8.4', MYSQL_VERSION: MYSQL_PROFILE.packageVersion, MYSQL_SHELL_VERSION: MYSQL_PROFILE.packageVersion },
  files: {
    ...passwd(),
    ...serverDirs(MYSQL_PROFILE),
    '/etc/my.cnf': {
      type: 'file',
      mode: 0o644,
      content:
        '# kslab simulated image: the settings below are what the official image ships; the model uses datadir and socket\n' +
        '[mysqld]\nhost-cache-size=0\nskip-name-resolve\ndatadir=/var/lib/mysql\nsocket=/var/run/mysqld/mysqld.sock\nsecure-file-priv=/var/lib/mysql-files\nuser=mysql\n\npid-file=/var/run/mysqld/mysqld.pid\n[client]\nsocket=/var/run/mysqld/mysqld.sock\n\n!includedir /etc/mysql/conf.d/\n',
    },
    '/etc/mysql/conf.d': { type: 'dir', mode: 0o755 },
    '/var/lib/mysql-files': { type: 'dir', mode: 0o700, uid: 999, gid: 999 },
    '/etc/os-release': { type: 'file', mode: 0o644, content: 'NAME="Oracle Linux Server"\nVERSION="9.6"\nID="ol"\nPRETTY_NAME="Oracle Linux Server 9.6 (kslab simulated image)"\n' },
  },
  programs: {
    ...shellAndTools(),
    [ENTRYPOINT_PATH]: entrypointProgram(MYSQL_PROFILE),
    '/usr/sbin/mysqld': mysqldProgram(MYSQL_PROFILE),
    '/usr/bin/mysql': mysqlClientProgram(MYSQL_PROFILE),
    '/usr/bin/mysqladmin': mysqladminProgram(MYSQL_PROFILE),
  },
  sizeBytes: 172_000_000,
};

/** MARIADB_IMAGE is mariadb:11.4; it also answers to `mysql`/`mysqld` as the real image's compatibility links do. */
export const MARIADB_IMAGE: ImageDefinition = {
  repository: 'mariadb',
  tags: ['11.4', '11.4.4', 'lts', '11.4-noble', 'lts-noble'],
  entrypoint: ['docker-entrypoint.sh'],
  cmd: ['mariadbd'],
  env: { PATH, GOSU_VERSION: '1.17', LANG: 'C.UTF-8', MARIADB_VERSION: MARIADB_PROFILE.packageVersion },
  files: {
    ...passwd(),
    ...serverDirs(MARIADB_PROFILE),
    '/etc/mysql/my.cnf': { type: 'file', mode: 0o644, content: '# kslab simulated image\n[mariadbd]\ndatadir=/var/lib/mysql\nsocket=/run/mysqld/mysqld.sock\n' },
    '/etc/os-release': { type: 'file', mode: 0o644, content: 'NAME="Ubuntu"\nVERSION="24.04.1 LTS (Noble Numbat)"\nID=ubuntu\nPRETTY_NAME="Ubuntu 24.04.1 LTS (kslab simulated image)"\n' },
  },
  programs: {
    ...shellAndTools(),
    [ENTRYPOINT_PATH]: entrypointProgram(MARIADB_PROFILE),
    '/usr/sbin/mariadbd': mysqldProgram(MARIADB_PROFILE),
    '/usr/sbin/mysqld': mysqldProgram(MARIADB_PROFILE),
    '/usr/bin/mariadb': mysqlClientProgram(MARIADB_PROFILE),
    '/usr/bin/mysql': mysqlClientProgram(MARIADB_PROFILE),
    '/usr/bin/mariadb-admin': mysqladminProgram(MARIADB_PROFILE),
    '/usr/bin/mysqladmin': mysqladminProgram(MARIADB_PROFILE),
  },
  sizeBytes: 110_000_000,
};

/** registerMysqlImages adds both images to the catalogue (the catalogue module imports this file once). */
export function registerMysqlImages(): void {
  registerImage(MYSQL_IMAGE);
  registerImage(MARIADB_IMAGE);
}

registerMysqlImages();
