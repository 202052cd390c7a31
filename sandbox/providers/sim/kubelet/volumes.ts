/**
 * Pod volumes of the kubelet model: each volume of a pod becomes a real
 * directory (or file) on the host, under the cluster's data root, that the
 * container's filesystem view bind-mounts — the simulated counterpart of the
 * kubelet's volume manager and volume plugins
 * (pkg/kubelet/volumemanager, pkg/volume/{emptydir,hostpath,local,nfs,csi,
 * configmap,secret,downwardapi,projected}).
 *
 * Where the data lives, as on a kind node:
 * - emptyDir: `/var/lib/kubelet/pods/<uid>/volumes/kubernetes.io~empty-dir/<name>`
 *   in the node's tree, removed with the pod (medium: Memory is shown as tmpfs
 *   with its size limit, and the limit is enforced; the bytes still sit in
 *   that host directory — a simulation has no RAM disk);
 * - hostPath / local / local-path: the path in the node's tree;
 * - NFS: the NFS server's export directory (../nfs), mounted at
 *   `…/volumes/kubernetes.io~nfs/<name>` on the node;
 * - RBD (ceph-csi): the image's data directory (`<root>/ceph/<pool>/<image>`),
 *   mounted at `…/volumes/kubernetes.io~csi/<pv>/mount` once the volume is
 *   attached to this node and staged there (NodeStages: a few seconds, more
 *   when the image gets its filesystem first); the image gets a watcher with
 *   the node's address; its ext4 is grown to the image's size when mounted
 *   (ceph-csi's resizeNodeStagePath) and by nodeExpandRbd (NodeExpandVolume);
 * - configMap, secret, downwardAPI, projected (service-account token,
 *   ca.crt, namespace): files written under `…/volumes/kubernetes.io~<plugin>/<name>`.
 *   The real atomic writer's `..data` symlink and timestamped directory are
 *   not modelled: the keys are plain files (containers/fs never follows
 *   symlinks it did not make). They are written once at mount time, not
 *   refreshed when the ConfigMap changes.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import type { KObject } from '../store/types.ts';
import type { DataRoot } from '../dataroot/dataroot.ts';
import type { CephCluster } from '../ceph/ceph-cluster.ts';
import { formatNfsMountFailure, type NfsServer } from '../nfs/server.ts';
import { mountSource, type FilesystemSpace, type MountSource } from '../containers/fs/mounts.ts';
import { ext4Space, growExt4, mkfsExt4 } from '../containers/fs/ext4.ts';
import { directoryBlockBytes } from '../containers/fs/container-fs.ts';
import type { Errno } from '../containers/fs/errors.ts';
import { parseQuantity } from '../admission/validation/quantity.ts';
import { issueServiceAccountToken } from '../server/tokens.ts';
import { mapImageOnNode, unmapImageOnNode } from '../ceph/tools/index.ts';
import { clusterShape } from '../../cluster-shape.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** MountedVolume is one set-up pod volume: where its bytes are and how `mount`/`df` show it. */
export interface MountedVolume {
  name: string;
  /** hostPath is the real directory (or file) that holds the volume's data. */
  hostPath: string;
  source: MountSource;
  capacityBytes?: number;
  /** filesystemSpace: the RBD image's ext4 accounting (capacityBytes is then the filesystem's Size). */
  filesystemSpace?: FilesystemSpace;
  health?: () => Errno | undefined;
  /** readOnly: the plugin mounts it read-only (configMap, secret, downwardAPI, projected). */
  readOnly: boolean;
  /** nodePath is where the volume appears in the node's tree, when it is a mount from outside the tree (NFS, RBD). */
  nodePath?: string;
  /** nodeTreePath is the volume's path inside the node's tree when its data is there (hostPath, emptyDir, local). */
  nodeTreePath?: string;
  /** uniqueName is the volume's name in node.status.volumesInUse (attachable volumes only). */
  uniqueName?: string;
  /** shareKey names what teardown releases on the node (an NFS export, an RBD image): other pods on the node may still hold it. */
  shareKey?: string;
  /** teardown unmounts (NFS mount table, RBD watcher); data removal is the pod directory's. */
  teardown?: () => void;
}

/**
 * VolumeOutcome: set up, or still waiting without an event (an RBD volume not
 * attached or not staged yet; `retryMs` says when to look again, when known),
 * or failed with the kubelet's FailedMount message.
 * `hangMs` says a real mount would block that long before it fails.
 */
export type VolumeOutcome =
  | { kind: 'mounted'; volume: MountedVolume }
  | { kind: 'waiting'; why: string; retryMs?: number }
  | { kind: 'failed'; message: string; hangMs?: number };

/** VolumeEnvironment is what the volume plugins need from the node and cluster. */
export interface VolumeEnvironment {
  node: string;
  nodeIP: string;
  /** nodeMemoryBytes: an emptyDir of medium Memory without sizeLimit gets half of it (tmpfs default). */
  nodeMemoryBytes: number;
  dataRoot: DataRoot;
  ceph: CephCluster;
  nfs: NfsServer;
  claim(namespace: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  configMap(namespace: string, name: string): KObject | undefined;
  secret(namespace: string, name: string): KObject | undefined;
  serviceAccount(namespace: string, name: string): KObject | undefined;
  /** attached says whether a VolumeAttachment for the PV on this node reports attached. */
  attached(pvName: string): boolean;
  /** nodeStages is the kubelet's record of RBD images staged on its nodes; without it staging is instant. */
  nodeStages?: NodeStages;
  now(): Date;
  tokenKeyPem?: string;
}

/** StageTimes are NodeStageVolume's durations (ms), as in ControlPlaneOptions.volumeLatency. */
export interface StageTimes {
  /** stageNewMs: the image has no filesystem yet (rbd map, mkfs.ext4, mount). */
  stageNewMs: number;
  /** stageMs: it has one (rbd map, mount). */
  stageMs: number;
}

/** NodeStage is one image's staging on one node: when NodeStageVolume returns, and whether it formats the image. */
export interface NodeStage {
  doneAt: number;
  formats: boolean;
}

/**
 * NodeStages is the kubelet's record of the RBD images ceph-csi's
 * NodeStageVolume has staged, or is staging, on each node (the kubelet's
 * MountDevice, pkg/volume/util/operationexecutor GenerateMountVolumeFunc):
 * the global mount that every pod of the node using the image shares, so
 * only the first of them waits for it. An image with no filesystem yet
 * — its data folder was never made, the sim's blkid — is formatted first
 * (ceph-csi internal/rbd/nodeserver.go: mkfs when GetDiskFormat finds
 * none), which takes longer. The stage is dropped when the node unstages
 * the image (its last pod there is gone) or the volume is no longer
 * attached to the node.
 */
export class NodeStages {
  private readonly stages = new Map<string, NodeStage>();

  constructor(private readonly times: StageTimes) {}

  /** begin returns the image's stage on the node, starting NodeStageVolume now (formatting the image first when `formats`) if none runs. */
  begin(node: string, pool: string, image: string, formats: boolean, nowMs: number): NodeStage {
    const key = stageKey(node, pool, image);
    let s = this.stages.get(key);
    if (!s) this.stages.set(key, (s = { doneAt: nowMs + (formats ? this.times.stageNewMs : this.times.stageMs), formats }));
    return s;
  }

  /** forget drops the stage (NodeUnstageVolume, or a detach that leaves nothing staged). */
  forget(node: string, pool: string, image: string): void {
    this.stages.delete(stageKey(node, pool, image));
  }
}

function stageKey(node: string, pool: string, image: string): string {
  return `${node}\u0000${pool}/${image}`;
}

/** podDir is the pod's directory on its node (`/var/lib/kubelet/pods/<uid>`). */
export function podDir(uid: string): string {
  return `/var/lib/kubelet/pods/${uid}`;
}

/** pluginDir is where a volume plugin puts a pod's volume on the node. */
export function pluginDir(uid: string, plugin: string, name: string): string {
  return `${podDir(uid)}/volumes/kubernetes.io~${plugin}/${name}`;
}

/** setUpVolume mounts one pod volume (spec.volumes[i]) on the node. */
export function setUpVolume(env: VolumeEnvironment, pod: KObject, vol: any): VolumeOutcome {
  try {
    return setUp(env, pod, vol);
  } catch (e) {
    return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${vol.name}" : ${(e as Error).message}` };
  }
}

/**
 * unprocessed is the FailedMount of a volume the desired-state populator
 * could not add (a claim missing, unbound, or its PV gone): the volume
 * manager's error names it as unmounted and as failed to process, behind
 * the populator's own error (pkg/kubelet/volumemanager/volume_manager.go
 * WaitForAttachAndMount: "unmounted volumes=%v, unattached volumes=%v,
 * failed to process volumes=%v: %w"; SyncPod prefixes "Unable to attach or
 * mount volumes: "). The pod's other volumes are in the desired state and
 * mounted, so none is left unattached.
 */
function unprocessed(name: string, error: string): VolumeOutcome {
  return { kind: 'failed', message: `Unable to attach or mount volumes: unmounted volumes=[${name}], unattached volumes=[], failed to process volumes=[${name}]: ${error}` };
}

function setUp(env: VolumeEnvironment, pod: KObject, vol: any): VolumeOutcome {
  const uid = pod.metadata.uid!;
  const ns = pod.metadata.namespace!;
  const name: string = vol.name;
  if (vol.emptyDir) return emptyDir(env, pod, name, vol.emptyDir);
  if (vol.hostPath) return hostPath(env, name, vol.hostPath.path, vol.hostPath.type ?? '');
  if (vol.nfs) return nfs(env, uid, name, vol.nfs.server, vol.nfs.path, !!vol.nfs.readOnly);
  if (vol.persistentVolumeClaim) {
    const claimName = vol.persistentVolumeClaim.claimName;
    const claim = env.claim(ns, claimName);
    if (!claim) return unprocessed(name, `error processing PVC ${ns}/${claimName}: PVC ${ns}/${claimName} not found`);
    const pvName = (claim as any).spec?.volumeName;
    if (!pvName || (claim as any).status?.phase !== 'Bound') return unprocessed(name, `error processing PVC ${ns}/${claimName}: PVC is not bound`);
    const pv = env.volume(pvName);
    if (!pv) return unprocessed(name, `error processing PVC ${ns}/${claimName}: failed to fetch PV ${pvName} from API server: persistentvolumes "${pvName}" not found`);
    const ro = !!vol.persistentVolumeClaim.readOnly;
    return persistentVolume(env, uid, pv, ro);
  }
  if (vol.configMap) return keyFiles(env, pod, name, 'configmap', vol.configMap, 'configmap');
  if (vol.secret) return keyFiles(env, pod, name, 'secret', { ...vol.secret, name: vol.secret.secretName }, 'secret');
  if (vol.downwardAPI) return downward(env, pod, name, vol.downwardAPI);
  if (vol.projected) return projected(env, pod, name, vol.projected);
  const kind = Object.keys(vol).find((k) => k !== 'name') ?? 'unknown';
  return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : the ${kind} volume type is not modelled by this simulated cluster (kslab-sim)` };
}

function emptyDir(env: VolumeEnvironment, pod: KObject, name: string, spec: any): VolumeOutcome {
  const path = pluginDir(pod.metadata.uid!, 'empty-dir', name);
  const hostPath = env.dataRoot.ensureNodeDir(env.node, path, 0o777);
  chmodSync(hostPath, 0o777);
  if (spec.medium === 'Memory') {
    // pkg/volume/emptydir calculateEmptyDirMemorySize: the node's allocatable memory, lowered to the pod's
    // memory limit (when every container has one) and to sizeLimit.
    let size = env.nodeMemoryBytes;
    const limits = ((pod as any).spec?.containers ?? []).map((c: any) => (c.resources?.limits?.memory ? parseQuantity(c.resources.limits.memory) : undefined));
    if (limits.length && limits.every((l: number | undefined) => l !== undefined && l > 0)) size = Math.min(size, limits.reduce((a: number, b: number) => a + b, 0));
    const limit = spec.sizeLimit ? parseQuantity(spec.sizeLimit) : undefined;
    if (limit && limit > 0) size = Math.min(size, limit);
    return { kind: 'mounted', volume: { name, hostPath, source: mountSource.tmpfs(size), capacityBytes: size, readOnly: false, nodeTreePath: path } };
  }
  return { kind: 'mounted', volume: { name, hostPath, source: mountSource.nodeDisk(), readOnly: false, nodeTreePath: path } };
}

/**
 * hostPath checks `type` as pkg/volume/hostpath/host_path.go checkType does,
 * creating the path for DirectoryOrCreate (0755) and FileOrCreate (0644).
 * With no type, containerd creates a missing path as a directory.
 */
function hostPath(env: VolumeEnvironment, name: string, path: string, type: string): VolumeOutcome {
  const fail = (what: string): VolumeOutcome => ({ kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : hostPath type check failed: ${path} is not ${what}` });
  const host = env.dataRoot.nodePath(env.node, path);
  const st = statOf(host);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!st) env.dataRoot.ensureNodeDir(env.node, path, 0o755);
      else if (!st.isDirectory()) return fail('a directory');
      break;
    case 'Directory':
      if (!st?.isDirectory()) return fail('a directory');
      break;
    case 'FileOrCreate':
      if (!st) {
        if (!existsSync(dirname(host))) return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : open ${path}: no such file or directory` };
        writeFileSync(host, '', { mode: 0o644 });
      } else if (!st.isFile()) return fail('a file');
      break;
    case 'File':
      if (!st?.isFile()) return fail('a file');
      break;
    case 'Socket':
      return fail('a socket file');
    case 'CharDevice':
      return fail('a character device');
    case 'BlockDevice':
      return fail('a block device');
    default:
      if (!st) env.dataRoot.ensureNodeDir(env.node, path, 0o755);
  }
  return { kind: 'mounted', volume: { name, hostPath: host, source: mountSource.nodeDisk(), readOnly: false, nodeTreePath: path } };
}

function nfs(env: VolumeEnvironment, uid: string, name: string, server: string, path: string, readOnly: boolean): VolumeOutcome {
  const target = pluginDir(uid, 'nfs', name);
  const r = env.nfs.resolveNfsMount(server, path, env.nodeIP);
  if (!r.ok) return { kind: 'failed', message: formatNfsMountFailure(name, server, path, target, r.output), hangMs: r.hangMs };
  env.dataRoot.ensureNodeDir(env.node, target, 0o750);
  const nfsServer = env.nfs;
  return {
    kind: 'mounted',
    volume: {
      name,
      hostPath: r.hostPath,
      source: mountSource.nfs(server, r.exportPath, r.serverAddress, env.nodeIP),
      health: () => nfsServer.mountHealth(),
      readOnly,
      nodePath: target,
      shareKey: `nfs:${r.exportPath}`,
      teardown: () => nfsServer.unmount(env.nodeIP, r.exportPath),
    },
  };
}

function persistentVolume(env: VolumeEnvironment, uid: string, pv: KObject, readOnly: boolean): VolumeOutcome {
  const spec = (pv as any).spec ?? {};
  const name = pv.metadata.name!;
  if (spec.hostPath) {
    const out = hostPath(env, name, spec.hostPath.path, spec.hostPath.type ?? '');
    if (out.kind === 'mounted') out.volume.readOnly = readOnly;
    return out;
  }
  if (spec.local) {
    // pkg/volume/local: NewMounter checks the path exists on the node.
    const path: string = spec.local.path;
    if (!env.dataRoot.nodePathExists(env.node, path)) {
      return { kind: 'failed', message: `MountVolume.NewMounter initialization failed for volume "${name}" : path "${path}" does not exist` };
    }
    const host = env.dataRoot.nodePath(env.node, path);
    return { kind: 'mounted', volume: { name, hostPath: host, source: mountSource.nodeDisk(), readOnly, nodeTreePath: path } };
  }
  if (spec.nfs) return nfs(env, uid, name, spec.nfs.server, spec.nfs.path, readOnly || !!spec.nfs.readOnly);
  if (spec.csi?.driver === clusterShape.ceph.csiDriver) return rbd(env, uid, pv, readOnly);
  if (spec.rbd) {
    return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : the in-tree rbd volume plugin was removed in Kubernetes 1.31` };
  }
  const kind = Object.keys(spec).find((k) => !['accessModes', 'capacity', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'nodeAffinity', 'mountOptions'].includes(k)) ?? 'unknown';
  return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : the ${kind} volume source is not modelled by this simulated cluster (kslab-sim)` };
}

/**
 * rbd is ceph-csi's NodeStage + NodePublish: only once the attach/detach
 * controller's VolumeAttachment for this node says attached
 * (WaitForAttachAndMount) and the image's NodeStageVolume on the node has
 * had its time (NodeStages), the image is "mapped" (a watcher with the
 * node's address) and its data directory — the filesystem mkfs made —
 * mounted. Meanwhile the pod is ContainerCreating with no event, as a real
 * one is (the kubelet only logs MountDevice's success).
 */
function rbd(env: VolumeEnvironment, uid: string, pv: KObject, readOnly: boolean): VolumeOutcome {
  const name = pv.metadata.name!;
  const attrs = (pv as any).spec.csi.volumeAttributes ?? {};
  const pool: string = attrs.pool ?? clusterShape.ceph.pool;
  const imageName: string = attrs.imageName;
  if (!env.attached(name)) {
    // Not attached here (any more): nothing can be staged on this node, so a stage left by a pod
    // that went while it ran is over; the next attach stages afresh.
    if (imageName) env.nodeStages?.forget(env.node, pool, imageName);
    return { kind: 'waiting', why: `volume ${name} is not attached to node ${env.node}` };
  }
  const image = imageName ? env.ceph.image(pool, imageName) : undefined;
  if (!image) {
    return { kind: 'failed', message: `MountVolume.MountDevice failed for volume "${name}" : rpc error: code = Internal desc = image not found: RBD image not found` };
  }
  const dir = env.dataRoot.cephImageDir(pool, imageName);
  const nowMs = env.now().getTime();
  // A raw block volume (volumeMode Block) is only mapped, never formatted.
  const formats = (pv as any).spec.volumeMode !== 'Block' && !existsSync(dir);
  const stage = env.nodeStages?.begin(env.node, pool, imageName, formats, nowMs);
  if (stage && nowMs < stage.doneAt) {
    const step = stage.formats ? 'rbd map, mkfs.ext4 and mount' : 'rbd map and mount';
    return { kind: 'waiting', why: `NodeStageVolume of ${pool}/${imageName} on ${env.node} (${step}) is under way`, retryMs: stage.doneAt - nowMs };
  }
  // mkfs is done: the image has its filesystem (the data folder) from now on.
  const block = (pv as any).spec.volumeMode === 'Block';
  const formatted = !block && !existsSync(dir);
  if (formatted) recordMkfsSize(env.dataRoot, pool, imageName, image.sizeBytes);
  mkdirSync(dir, { recursive: true });
  // mke2fs makes lost+found (root, 0700) on every new ext4, so a fresh RBD volume is not empty (MySQL's --initialize refuses it).
  if (formatted) mkdirSync(join(dir, lostFound), { mode: 0o700 });
  // ceph-csi's NodeStageVolume grows a filesystem smaller than its image before it returns (resizeNodeStagePath).
  const space = block ? undefined : rbdFilesystemSpace(env.dataRoot, pool, imageName, image.sizeBytes);
  const target = `${pluginDir(uid, 'csi', name)}/mount`;
  env.dataRoot.ensureNodeDir(env.node, target, 0o750);
  mapImageOnNode(env.ceph, pool, imageName, env.nodeIP);
  const ceph = env.ceph;
  return {
    kind: 'mounted',
    volume: {
      name,
      hostPath: dir,
      source: mountSource.rbd(),
      capacityBytes: space?.sizeBytes ?? image.sizeBytes,
      filesystemSpace: space && { baseUsedBytes: space.baseUsedBytes, reservedBytes: space.reservedBytes },
      readOnly,
      nodePath: target,
      uniqueName: `kubernetes.io/csi/${(pv as any).spec.csi.driver}^${(pv as any).spec.csi.volumeHandle}`,
      shareKey: `rbd:${pool}/${imageName}`,
      teardown: () => {
        unmapImageOnNode(ceph, pool, imageName, env.nodeIP);
        env.nodeStages?.forget(env.node, pool, imageName);
      },
    },
  };
}

/**
 * nodeExpandRbd is ceph-csi's NodeExpandVolume for a mounted filesystem
 * volume (internal/rbd/nodeserver.go NodeExpandVolume → mount-utils
 * ResizeFs.Resize: resize2fs on the mapped device): the image's ext4 grows
 * to the image's current size, keeping mkfs's layout. Returns what df
 * shows for it then (capacityBytes and filesystemSpace of a MountedVolume).
 * Only the kubelet's model of the node calls it, for a volume it mounted.
 */
export function nodeExpandRbd(env: Pick<VolumeEnvironment, 'dataRoot' | 'ceph'>, pv: KObject): { capacityBytes: number; filesystemSpace: FilesystemSpace } {
  const attrs = (pv as any).spec?.csi?.volumeAttributes ?? {};
  const pool: string = attrs.pool ?? clusterShape.ceph.pool;
  const imageName: string = attrs.imageName;
  const image = imageName ? env.ceph.image(pool, imageName) : undefined;
  if (!image) throw new Error('rpc error: code = NotFound desc = image not found: RBD image not found');
  const space = rbdFilesystemSpace(env.dataRoot, pool, imageName, image.sizeBytes);
  return { capacityBytes: space.sizeBytes, filesystemSpace: { baseUsedBytes: space.baseUsedBytes, reservedBytes: space.reservedBytes } };
}

/** lostFound is the directory mke2fs creates at the root of every ext4 filesystem. */
const lostFound = 'lost+found';

/**
 * rbdFilesystemSpace is statfs of an image's ext4 once grown to the image's
 * size: mkfs's layout (as recorded) grown by resize2fs. ext4Space counts
 * lost+found's blocks in what the empty filesystem uses; while the
 * directory is there, the container's df already charges it one block as a
 * directory of the volume, so that block is not counted twice.
 */
function rbdFilesystemSpace(dataRoot: DataRoot, pool: string, imageName: string, imageBytes: number) {
  const space = ext4Space(growExt4(mkfsExt4(mkfsSize(dataRoot, pool, imageName) ?? imageBytes), imageBytes));
  const lostFoundCharged = existsSync(join(dataRoot.cephImageDir(pool, imageName), lostFound)) ? directoryBlockBytes : 0;
  return { ...space, baseUsedBytes: space.baseUsedBytes - lostFoundCharged };
}

/**
 * mkfsSizeFile keeps, beside an image's data folder, the device size its
 * ext4 was made for: the layout (journal, inodes per group, reserved
 * descriptor blocks) stays mkfs's when the image grows, so a grown
 * filesystem is not a fresh one of the new size. It stands for the
 * superblock a real image carries, and lives in the data root so cluster
 * snapshots keep it.
 */
function mkfsSizeFile(dataRoot: DataRoot, pool: string, image: string): string {
  const dir = dataRoot.cephImageDir(pool, image);
  return join(dirname(dir), `.${image}.kslab-mkfs.json`);
}

/** recordMkfsSize notes the size ceph-csi's mkfs.ext4 formatted the image at. */
function recordMkfsSize(dataRoot: DataRoot, pool: string, image: string, deviceBytes: number): void {
  writeFileSync(mkfsSizeFile(dataRoot, pool, image), JSON.stringify({ deviceBytes }));
}

/** mkfsSize is the recorded mkfs size; undefined for an image formatted before it was recorded. */
function mkfsSize(dataRoot: DataRoot, pool: string, image: string): number | undefined {
  try {
    const n = JSON.parse(readFileSync(mkfsSizeFile(dataRoot, pool, image), 'utf8')).deviceBytes;
    return typeof n === 'number' && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** keyFiles writes a ConfigMap's or Secret's keys as files (items, defaultMode, optional). */
function keyFiles(env: VolumeEnvironment, pod: KObject, name: string, plugin: 'configmap' | 'secret', spec: any, what: 'configmap' | 'secret'): VolumeOutcome {
  const ns = pod.metadata.namespace!;
  const obj = what === 'configmap' ? env.configMap(ns, spec.name) : env.secret(ns, spec.name);
  const files = new Map<string, Buffer>();
  if (!obj) {
    if (!spec.optional) return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : ${what} "${spec.name}" not found` };
  } else {
    const data = dataOf(obj, what);
    const items: any[] | undefined = spec.items;
    if (items?.length) {
      for (const it of items) {
        const v = data.get(it.key);
        if (v === undefined) {
          if (spec.optional) continue;
          return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : configmap references non-existent config key: ${it.key}` };
        }
        files.set(it.path, v);
      }
    } else for (const [k, v] of data) files.set(k, v);
  }
  const path = pluginDir(pod.metadata.uid!, plugin, name);
  const host = writeFiles(env, path, files, spec.defaultMode ?? 0o644);
  const source = plugin === 'secret' ? mountSource.tmpfs(Math.floor(env.nodeMemoryBytes / 2)) : mountSource.nodeDisk();
  return { kind: 'mounted', volume: { name, hostPath: host, source, readOnly: true, nodeTreePath: path } };
}

function dataOf(obj: KObject, what: 'configmap' | 'secret'): Map<string, Buffer> {
  const o = obj as any;
  const out = new Map<string, Buffer>();
  if (what === 'configmap') {
    for (const [k, v] of Object.entries(o.data ?? {})) out.set(k, Buffer.from(String(v)));
    for (const [k, v] of Object.entries(o.binaryData ?? {})) out.set(k, Buffer.from(String(v), 'base64'));
  } else {
    for (const [k, v] of Object.entries(o.data ?? {})) out.set(k, Buffer.from(String(v), 'base64'));
    for (const [k, v] of Object.entries(o.stringData ?? {})) out.set(k, Buffer.from(String(v)));
  }
  return out;
}

function writeFiles(env: VolumeEnvironment, path: string, files: Map<string, Buffer>, mode: number): string {
  const host = env.dataRoot.ensureNodeDir(env.node, path, 0o777);
  for (const [rel, content] of files) {
    if (rel.split('/').some((s) => s === '..' || s === '') || rel.startsWith('/')) continue;
    const file = join(host, ...rel.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content, { mode: mode & 0o777 });
    chmodSync(file, mode & 0o777);
  }
  return host;
}

/** fieldValue is the downward API's fieldRef (pkg/fieldpath ExtractFieldPathAsString). */
function fieldValue(pod: KObject, fieldPath: string): string | undefined {
  const p = pod as any;
  const m = pod.metadata;
  const fmtMap = (o: Record<string, string> | undefined) => Object.keys(o ?? {}).sort().map((k) => `${k}="${o![k]}"`).join('\n');
  switch (fieldPath) {
    case 'metadata.name': return m.name;
    case 'metadata.namespace': return m.namespace;
    case 'metadata.uid': return m.uid;
    case 'metadata.labels': return fmtMap(m.labels);
    case 'metadata.annotations': return fmtMap(m.annotations);
    case 'spec.nodeName': return p.spec?.nodeName;
    case 'spec.serviceAccountName': return p.spec?.serviceAccountName;
    case 'status.hostIP': return p.status?.hostIP;
    case 'status.podIP': return p.status?.podIP;
  }
  const lm = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (lm) return (m as any)[lm[1]!]?.[lm[2]!] ?? '';
  return undefined;
}

function downwardItems(pod: KObject, items: any[], files: Map<string, Buffer>): void {
  for (const it of items ?? []) {
    if (it.fieldRef) files.set(it.path, Buffer.from(fieldValue(pod, it.fieldRef.fieldPath) ?? ''));
    else if (it.resourceFieldRef) files.set(it.path, Buffer.from(resourceValue(pod, it.resourceFieldRef)));
  }
}

function resourceValue(pod: KObject, ref: any): string {
  const c = ((pod as any).spec?.containers ?? []).find((x: any) => !ref.containerName || x.name === ref.containerName);
  const [kind, res] = String(ref.resource).split('.');
  const v = c?.resources?.[kind === 'limits' ? 'limits' : 'requests']?.[res!];
  const divisor = parseQuantity(ref.divisor ?? '1') || 1;
  const n = v !== undefined ? parseQuantity(v) ?? 0 : 0;
  return String(Math.ceil(n / divisor));
}

function downward(env: VolumeEnvironment, pod: KObject, name: string, spec: any): VolumeOutcome {
  const files = new Map<string, Buffer>();
  downwardItems(pod, spec.items, files);
  const path = pluginDir(pod.metadata.uid!, 'downward-api', name);
  const host = writeFiles(env, path, files, spec.defaultMode ?? 0o644);
  return { kind: 'mounted', volume: { name, hostPath: host, source: mountSource.tmpfs(Math.floor(env.nodeMemoryBytes / 2)), readOnly: true, nodeTreePath: path } };
}

let fallbackKey: string | undefined;

/** projected combines sources; the service-account token is a real JWT (../server/tokens.ts), unchecked by anything. */
function projected(env: VolumeEnvironment, pod: KObject, name: string, spec: any): VolumeOutcome {
  const files = new Map<string, Buffer>();
  const ns = pod.metadata.namespace!;
  for (const src of spec.sources ?? []) {
    if (src.serviceAccountToken) {
      const saName = (pod as any).spec?.serviceAccountName ?? 'default';
      const sa = env.serviceAccount(ns, saName);
      const key = env.tokenKeyPem ?? (fallbackKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      const issued = issueServiceAccountToken({
        namespace: ns,
        serviceAccount: saName,
        serviceAccountUid: sa?.metadata.uid ?? '',
        audiences: src.serviceAccountToken.audience ? [src.serviceAccountToken.audience] : undefined,
        expirationSeconds: src.serviceAccountToken.expirationSeconds ?? 3607,
        now: env.now(),
        keyPem: key,
      });
      files.set(src.serviceAccountToken.path ?? 'token', Buffer.from(issued.token));
    } else if (src.configMap || src.secret) {
      const what = src.configMap ? 'configmap' : 'secret';
      const s = src.configMap ?? src.secret;
      const obj = what === 'configmap' ? env.configMap(ns, s.name) : env.secret(ns, s.name);
      if (!obj) {
        if (s.optional) continue;
        return { kind: 'failed', message: `MountVolume.SetUp failed for volume "${name}" : ${what} "${s.name}" not found` };
      }
      const data = dataOf(obj, what);
      if (s.items?.length) {
        for (const it of s.items) if (data.has(it.key)) files.set(it.path, data.get(it.key)!);
      } else for (const [k, v] of data) files.set(k, v);
    } else if (src.downwardAPI) {
      downwardItems(pod, src.downwardAPI.items, files);
    }
  }
  const path = pluginDir(pod.metadata.uid!, 'projected', name);
  const host = writeFiles(env, path, files, spec.defaultMode ?? 0o644);
  return { kind: 'mounted', volume: { name, hostPath: host, source: mountSource.tmpfs(Math.floor(env.nodeMemoryBytes / 2)), readOnly: true, nodeTreePath: path } };
}

/** removePodDir deletes the pod's directory on its node (emptyDirs and written files go with it). */
export function removePodDir(dataRoot: DataRoot, node: string, uid: string): void {
  try {
    rmSync(dataRoot.nodePath(node, podDir(uid)), { recursive: true, force: true });
  } catch {
    // A node tree that is already gone (cluster destroyed) has nothing to remove.
  }
}

function statOf(p: string) {
  try {
    lstatSync(p);
    return statSync(p);
  } catch {
    return undefined;
  }
}
