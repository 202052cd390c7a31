/**
 * registry.k8s.io/build-image/debian-base: the Kubernetes project's Debian 12
 * (bookworm) base image, which kube-controller-manager's default recycler pod
 * template runs (pkg/volume/plugins.go NewPersistentVolumeRecyclerPodTemplate:
 * https://github.com/kubernetes/kubernetes/blob/release-1.33/pkg/volume/plugins.go).
 *
 * Simulated: the userland is the simulation's busybox-style applets and
 * shell under Debian's paths (/bin and /usr/bin), not coreutils and dash;
 * /etc/os-release says so. kind's node image does not hold it, so a node
 * pulls it the first time a recycler pod runs there, as on kind.
 */
import type { Program } from '../../containers/program.ts';
import { sh } from '../../containers/shell/sh.ts';
import { busyboxApplets } from '../../containers/tools/index.ts';
import { registerImage, type ImageDefinition } from '../../containers/images/registry.ts';

/** debianBaseRepository is the image's repository (any bookworm-v1.0.x tag resolves to this stand-in). */
export const debianBaseRepository = 'registry.k8s.io/build-image/debian-base';

/** debianBaseRecyclerTag is the tag the 1.33 recycler pod template names. */
export const debianBaseRecyclerTag = 'bookworm-v1.0.4';

function debianPrograms(): Record<string, Program> {
  const programs: Record<string, Program> = {};
  for (const [name, program] of Object.entries(busyboxApplets)) programs[`/bin/${name}`] = program;
  for (const name of ['sh', 'bash', 'dash']) programs[`/bin/${name}`] = sh;
  return programs;
}

const dir = { type: 'dir', mode: 0o755 } as const;

/** debianBaseImage is the stand-in; CMD is /bin/sh as in the real image (it has no ENTRYPOINT). */
export const debianBaseImage: ImageDefinition = {
  repository: debianBaseRepository,
  entrypoint: [],
  cmd: ['/bin/sh'],
  env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
  files: {
    '/bin': dir,
    '/dev': dir,
    '/etc': dir,
    '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' },
    '/etc/group': { type: 'file', mode: 0o644, content: 'root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n' },
    '/etc/debian_version': { type: 'file', mode: 0o644, content: '12.10\n' },
    '/etc/os-release': {
      type: 'file',
      mode: 0o644,
      content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm) (kslab simulated image: busybox-style userland)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
    },
    '/root': { type: 'dir', mode: 0o700 },
    '/tmp': { type: 'dir', mode: 0o1777 },
    '/usr': dir,
    '/usr/bin': dir,
    '/usr/sbin': dir,
    '/var': dir,
  },
  programs: debianPrograms(),
  // The compressed size of debian-base:bookworm-v1.0.x for amd64 (about 28 MB), for the Pulled event.
  sizeBytes: 28_532_000,
};

registerImage(debianBaseImage);
