/**
 * busybox and alpine: the images most lesson pods run. Both are one busybox
 * binary with its applets linked into /bin; alpine adds its release files and
 * calls its shell ash. Files follow the official images (docker-library/busybox
 * rootfs; alpine's minirootfs), trimmed to what a learner would look at.
 */
import type { ImageEntry } from '../fs/image-layer.ts';
import type { Program } from '../program.ts';
import { sh } from '../shell/sh.ts';
import { busyboxApplets } from '../tools/index.ts';
import { registerImage, type ImageDefinition } from './registry.ts';

/** BUSYBOX_BINARY_SIZE is the size `ls -l /bin/sh` shows in busybox:1.36 (one binary, hard-linked ~400 times). */
const BUSYBOX_BINARY_SIZE = 1131168;
const BUSYBOX_LINKS = 404;

const BUSYBOX_PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const BUSYBOX_GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nobody:x:65534:
`;

const dir = (mode = 0o755): ImageEntry => ({ type: 'dir', mode });

/** busyboxPrograms puts every applet (and the shell) at /bin/<name>. */
function busyboxPrograms(shellNames: string[]): Record<string, Program> {
  const programs: Record<string, Program> = {};
  for (const [name, program] of Object.entries(busyboxApplets)) programs[`/bin/${name}`] = program;
  for (const name of shellNames) programs[`/bin/${name}`] = sh;
  return programs;
}

function busyboxFiles(programs: Record<string, Program>, extra: Record<string, ImageEntry>): Record<string, ImageEntry> {
  const files: Record<string, ImageEntry> = {
    '/bin': dir(),
    '/dev': dir(),
    '/etc': dir(),
    '/etc/passwd': { type: 'file', mode: 0o644, content: BUSYBOX_PASSWD },
    '/etc/group': { type: 'file', mode: 0o644, content: BUSYBOX_GROUP },
    '/etc/shadow': { type: 'file', mode: 0o600, content: 'root:*::0:::::\ndaemon:*::0:::::\nbin:*::0:::::\nsys:*::0:::::\nsync:*::0:::::\nmail:*::0:::::\nwww-data:*::0:::::\noperator:*::0:::::\nnobody:*::0:::::\n' },
    '/home': dir(),
    '/lib': dir(),
    '/lib64': dir(),
    '/proc': dir(0o555),
    '/root': dir(0o700),
    '/sys': dir(0o555),
    '/tmp': dir(0o1777),
    '/usr': dir(),
    '/usr/sbin': dir(),
    '/var': dir(),
    '/var/spool': dir(),
    '/var/spool/mail': dir(),
    '/var/www': dir(),
    ...extra,
  };
  for (const path of Object.keys(programs)) files[path] = { type: 'file', mode: 0o755, size: BUSYBOX_BINARY_SIZE, nlink: BUSYBOX_LINKS };
  return files;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const busyboxProgramsMap = busyboxPrograms(['sh', 'ash']);

/** busyboxImage is docker.io/library/busybox (any tag: our busybox stands for every release). */
export const busyboxImage: ImageDefinition = {
  repository: 'busybox',
  entrypoint: [],
  cmd: ['sh'],
  env: { PATH },
  files: busyboxFiles(busyboxProgramsMap, {}),
  programs: busyboxProgramsMap,
  sizeBytes: 2_156_456,
};

const alpineProgramsMap = busyboxPrograms(['sh', 'ash']);

/** alpineImage is docker.io/library/alpine: busybox userland, ash as /bin/sh. */
export const alpineImage: ImageDefinition = {
  repository: 'alpine',
  entrypoint: [],
  cmd: ['/bin/sh'],
  env: { PATH },
  files: busyboxFiles(alpineProgramsMap, {
    '/etc/passwd': { type: 'file', mode: 0o644, content: BUSYBOX_PASSWD.replace('root:x:0:0:root:/root:/bin/sh', 'root:x:0:0:root:/root:/bin/ash') },
    '/etc/alpine-release': { type: 'file', mode: 0o644, content: '3.21.0\n' },
    '/etc/os-release': {
      type: 'file',
      mode: 0o644,
      content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.21.0\nPRETTY_NAME="Alpine Linux v3.21"\nHOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
    },
    '/etc/hostname': { type: 'file', mode: 0o644, content: 'localhost\n' },
    '/media': dir(),
    '/mnt': dir(),
    '/opt': dir(),
    '/run': dir(),
    '/sbin': dir(),
    '/srv': dir(),
    '/usr/bin': dir(),
    '/usr/lib': dir(),
    '/usr/local': dir(),
    '/usr/share': dir(),
  }),
  programs: alpineProgramsMap,
  sizeBytes: 3_644_011,
};

registerImage(busyboxImage);
registerImage(alpineImage);
