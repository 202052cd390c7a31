/**
 * quay.io/ceph/ceph: the Ceph container image (v18, reef, on CentOS
 * Stream 8), as the course's Ceph toolbox runs it. It carries the `ceph` and
 * `rbd` clients (./client.ts: the sandbox terminal's implementations,
 * connected to the cluster's Ceph model through the container's
 * ClusterLink), bash with the usual tools (the simulation's shell and
 * busybox applets, as the mysql image has them) and /etc/ceph for the
 * mounted config. The Ceph daemons the real image also holds (ceph-mon,
 * ceph-osd, …) are not modelled: the lab's Ceph cluster is ../../ceph.
 *
 * Tags are reef's: the model is reef 18.2.4 (CEPH_RELEASE), so a toolbox
 * client of another release would contradict `ceph version`.
 */
import { registerImage, type ImageDefinition } from '../../containers/images/registry.ts';
import type { ImageEntry } from '../../containers/fs/image-layer.ts';
import type { Program } from '../../containers/program.ts';
import { busyboxApplets } from '../../containers/tools/index.ts';
import { createShellProgram, expandPrompt } from '../../containers/shell/sh.ts';
import { clientProgram } from './client.ts';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** bash's prompt on CentOS: `[root@ceph-tools-5d8f7c9b6-x2k4q /]# `. */
const shell = createShellProgram({ prompt: (info) => expandPrompt('[\\u@\\h \\W]\\$ ', { ...info, user: info.uid === 0 ? 'root' : info.uid === 167 ? 'ceph' : String(info.uid) }) });

function programs(): Record<string, Program> {
  const out: Record<string, Program> = { '/bin/sh': shell, '/bin/bash': shell, '/usr/bin/bash': shell, '/usr/bin/sh': shell };
  for (const [name, program] of Object.entries(busyboxApplets)) out[`/usr/bin/${name}`] = program;
  out['/usr/bin/ceph'] = clientProgram('ceph');
  out['/usr/bin/rbd'] = clientProgram('rbd');
  return out;
}

const files: Record<string, ImageEntry> = {
  '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin\nceph:x:167:167:Ceph daemons:/var/lib/ceph:/sbin/nologin\n' },
  '/etc/group': { type: 'file', mode: 0o644, content: 'root:x:0:\nnobody:x:65534:\nceph:x:167:\n' },
  '/etc/ceph': { type: 'dir', mode: 0o755 },
  '/var/lib/ceph': { type: 'dir', mode: 0o750, uid: 167, gid: 167 },
  '/var/log/ceph': { type: 'dir', mode: 0o770, uid: 167, gid: 167 },
  '/root': { type: 'dir', mode: 0o550 },
  '/tmp': { type: 'dir', mode: 0o1777 },
  '/etc/os-release': {
    type: 'file',
    mode: 0o644,
    content: 'NAME="CentOS Stream"\nVERSION="8"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="8"\nPRETTY_NAME="CentOS Stream 8 (kslab simulated image)"\n',
  },
};

/** CEPH_IMAGE is quay.io/ceph/ceph at reef's tags. */
export const CEPH_IMAGE: ImageDefinition = {
  repository: 'quay.io/ceph/ceph',
  tags: ['v18', 'v18.2', 'v18.2.4'],
  entrypoint: ['/opt/ceph-container/bin/entrypoint.sh'],
  cmd: [],
  env: { PATH, CEPH_VERSION: 'reef', CEPH_POINT_RELEASE: '-18.2.4', CONTAINER_IMAGE: 'quay.io/ceph/ceph:v18.2.4', I_AM_IN_A_CONTAINER: '1' },
  files,
  programs: programs(),
  sizeBytes: 487_000_000,
};

registerImage(CEPH_IMAGE);
