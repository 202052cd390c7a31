/**
 * ceph-csi's RBD images (ceph/ceph-csi v3.14 deploy/rbd/kubernetes):
 *
 * - quay.io/cephcsi/cephcsi:v3.14.0, the driver: a CentOS Stream 9 based
 *   image with bash (the simulation's shell and busybox applets) and the
 *   `cephcsi` binary;
 * - the Kubernetes CSI sidecars from registry.k8s.io/sig-storage at the
 *   releases ceph-csi v3.14 deploys, each one static binary on a
 *   distroless base (no shell).
 *
 * The course preloads them into the kind nodes with the rest of ceph-csi,
 * so the pods start without a pull, as kind's own images do.
 */
import { registerImage, type ImageDefinition } from '../../containers/images/registry.ts';
import type { Program } from '../../containers/program.ts';
import { busyboxApplets } from '../../containers/tools/index.ts';
import { createShellProgram } from '../../containers/shell/sh.ts';
import { cephcsiProgram, cephCsiVersion, sidecarProgram, sidecarVersions, type SidecarKind } from './programs.ts';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const cephcsiImageRef = `quay.io/cephcsi/cephcsi:${cephCsiVersion}`;

/** sidecarImageRef is a sidecar's registry.k8s.io reference. */
export function sidecarImageRef(kind: SidecarKind): string {
  return `registry.k8s.io/sig-storage/${kind}:${sidecarVersions[kind]}`;
}

function cephcsiPrograms(): Record<string, Program> {
  const shell = createShellProgram({ prompt: (info) => (info.uid === 0 ? 'bash-5.1# ' : 'bash-5.1$ ') });
  const out: Record<string, Program> = { '/bin/sh': shell, '/bin/bash': shell, '/usr/bin/sh': shell, '/usr/bin/bash': shell };
  for (const [name, program] of Object.entries(busyboxApplets)) out[`/usr/bin/${name}`] = program;
  out['/usr/local/bin/cephcsi'] = cephcsiProgram;
  return out;
}

/** cephcsiImage: ENTRYPOINT ["/usr/local/bin/cephcsi"], as ceph-csi's Dockerfile has it. */
export const cephcsiImage: ImageDefinition = {
  repository: 'quay.io/cephcsi/cephcsi',
  tags: [cephCsiVersion],
  entrypoint: ['/usr/local/bin/cephcsi'],
  cmd: [],
  env: { PATH, CEPH_VERSION: 'squid' },
  files: {
    '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/bin/bash\nceph:x:167:167:Ceph daemons:/var/lib/ceph:/sbin/nologin\n' },
    '/etc/group': { type: 'file', mode: 0o644, content: 'root:x:0:\nceph:x:167:\n' },
    '/etc/ceph-csi-config': { type: 'dir', mode: 0o755 },
    '/etc/ceph': { type: 'dir', mode: 0o755 },
    '/tmp': { type: 'dir', mode: 0o1777 },
    '/root': { type: 'dir', mode: 0o550 },
    '/etc/os-release': { type: 'file', mode: 0o644, content: 'NAME="CentOS Stream"\nVERSION="9"\nID="centos"\nVERSION_ID="9"\nPRETTY_NAME="CentOS Stream 9 (kslab simulated image)"\n' },
  },
  programs: cephcsiPrograms(),
  sizeBytes: 478_000_000,
  preloaded: [cephcsiImageRef],
};

const sidecarSizes: Record<SidecarKind, number> = {
  'csi-provisioner': 31_000_000,
  'csi-attacher': 29_000_000,
  'csi-resizer': 29_500_000,
  'csi-snapshotter': 30_000_000,
  'csi-node-driver-registrar': 14_000_000,
};

/** sidecarImage is one sidecar: ENTRYPOINT ["/<name>"] on distroless static. */
export function sidecarImage(kind: SidecarKind): ImageDefinition {
  return {
    repository: `registry.k8s.io/sig-storage/${kind}`,
    tags: [sidecarVersions[kind]],
    entrypoint: [`/${kind}`],
    cmd: [],
    env: { PATH },
    files: {
      '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' },
      '/tmp': { type: 'dir', mode: 0o1777 },
    },
    programs: { [`/${kind}`]: sidecarProgram(kind) },
    sizeBytes: sidecarSizes[kind],
    preloaded: [sidecarImageRef(kind)],
  };
}

export const sidecarKinds: readonly SidecarKind[] = ['csi-provisioner', 'csi-attacher', 'csi-resizer', 'csi-snapshotter', 'csi-node-driver-registrar'];

registerImage(cephcsiImage);
for (const kind of sidecarKinds) registerImage(sidecarImage(kind));
