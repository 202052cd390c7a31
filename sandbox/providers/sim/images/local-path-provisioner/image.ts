/**
 * The two images of kind's default storage (kind v0.29.0,
 * pkg/build/nodeimage/const_storage.go):
 *
 * - docker.io/kindest/local-path-provisioner:v20250214-acbabc1a, kind's build
 *   of rancher/local-path-provisioner: one static binary on a distroless
 *   base, so there is no shell to `kubectl exec` into;
 * - docker.io/kindest/local-path-helper:v20241212-8ac705d0, the helper pods'
 *   image: a busybox userland that runs the ConfigMap's setup/teardown
 *   scripts with /bin/sh.
 *
 * Both are in the kind node image, so a node never pulls them.
 */
import { registerImage, type ImageDefinition } from '../../containers/images/registry.ts';
import { busyboxImage } from '../../containers/images/busybox.ts';
import { localPathProvisionerProgram } from './program.ts';

export const localPathProvisionerImageRef = 'docker.io/kindest/local-path-provisioner:v20250214-acbabc1a';
export const localPathHelperImageRef = 'docker.io/kindest/local-path-helper:v20241212-8ac705d0';

const distrolessFiles: ImageDefinition['files'] = {
  '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' },
  '/etc/group': { type: 'file', mode: 0o644, content: 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' },
  '/etc/os-release': { type: 'file', mode: 0o644, content: 'PRETTY_NAME="Distroless (kslab simulated image)"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n' },
  '/tmp': { type: 'dir', mode: 0o1777 },
  '/etc/config': { type: 'dir', mode: 0o755 },
};

/** localPathProvisionerImage: ENTRYPOINT is the binary; the Deployment's command names it again, as kind's manifest does. */
export const localPathProvisionerImage: ImageDefinition = {
  repository: 'docker.io/kindest/local-path-provisioner',
  tags: ['v20250214-acbabc1a'],
  entrypoint: ['/usr/local/bin/local-path-provisioner'],
  cmd: [],
  env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
  files: distrolessFiles,
  programs: { '/usr/local/bin/local-path-provisioner': localPathProvisionerProgram },
  sizeBytes: 21_374_000,
  preloaded: [localPathProvisionerImageRef],
};

/** localPathHelperImage: busybox's userland under kind's helper image name. */
export const localPathHelperImage: ImageDefinition = {
  ...busyboxImage,
  repository: 'docker.io/kindest/local-path-helper',
  tags: ['v20241212-8ac705d0'],
  sizeBytes: 2_121_000,
  preloaded: [localPathHelperImageRef],
};

registerImage(localPathProvisionerImage);
registerImage(localPathHelperImage);
