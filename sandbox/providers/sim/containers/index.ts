/**
 * Simulated containers: the pieces the kubelet model runs pods with.
 *
 * - Filesystem view (./fs/): ContainerFs — rootfs overlay (image layer + host
 *   upper dir), volume mounts onto host directories (VolumeMount, mountSource),
 *   /dev, /proc, /sys; confinement, readOnly (EROFS), capacity (ENOSPC).
 * - Programs (./program.ts): the Program / ProgramContext contract every
 *   executable implements (busybox applets, nginx, the MySQL model).
 * - Images (./images/): registerImage, resolveImage, runnableImages,
 *   imagePullError; ./images/catalogue.ts loads every image module.
 * - Processes (./process.ts): startContainer → ContainerProcess (exited, kill,
 *   logs), execInContainer / attachToContainer → ExecProcess (streams/types.ts).
 * - Pod loopback (./network.ts): PodNetwork, one per pod, shared by its containers.
 * See README.md for the behaviour the kubelet can rely on and the limits.
 */
export { ContainerFs, type ContainerFsOptions, type FileStat, type FsUser, type FileReader, type FileWriter } from './fs/container-fs.ts';
export { FsError, ERRNO_MESSAGES, type Errno } from './fs/errors.ts';
export { ImageLayer, type ImageEntry } from './fs/image-layer.ts';
export { mountSource, formatMountLine, type VolumeMount, type MountSource, type MountInfo, type FilesystemUsage } from './fs/mounts.ts';
export { normalizePath } from './fs/paths.ts';
export {
  systemClock,
  SignalAbort,
  CommandNotFoundError,
  CommandNotExecutableError,
  type Clock,
  type Program,
  type ProgramContext,
  type InputStream,
  type OutputStream,
  type SignalName,
} from './program.ts';
export {
  registerImage,
  resolveImage,
  parseImageRef,
  runnableImages,
  imagePullError,
  type ImageDefinition,
  type Image,
  type ImageRef,
  type ResolvedImage,
  type ImagePullError,
} from './images/registry.ts';
export {
  startContainer,
  execInContainer,
  attachToContainer,
  containerArgv,
  containerEnv,
  formatCriLogLine,
  ContainerLog,
  ContainerStartError,
  ContainerExecError,
  type ContainerProcess,
  type StartContainerOptions,
  type ContainerLogLine,
  type EnvVar,
} from './process.ts';
export { PodNetwork, type HttpHandler, type HttpRequest, type HttpResponse } from './network.ts';
export { createShellProgram, sh } from './shell/sh.ts';
export { busyboxApplets } from './tools/index.ts';
export { serviceKey, type ServiceKey, type ClusterLink, type PodIdentity } from './cluster-link.ts';
