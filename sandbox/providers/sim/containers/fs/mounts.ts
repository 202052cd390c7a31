/**
 * Mounts: what a container's filesystem view is assembled from. The kubelet
 * model builds one VolumeMount per `volumeMounts[]` entry (plus /etc/hosts,
 * /etc/hostname, /etc/resolv.conf, /dev/termination-log and the
 * service-account token, as the real kubelet adds them —
 * pkg/kubelet/kubelet_pods.go makeMounts) and hands them to ContainerFs.
 *
 * `source` is only presentation: what `mount`, `/proc/mounts` and `df` print
 * for the mount, e.g. `tmpfs on /cache type tmpfs (rw,relatime,size=65536k)`.
 * `capacityBytes` is behaviour: writes beyond it fail with ENOSPC.
 */
import type { Errno } from './errors.ts';

/** MountSource is the /proc/mounts identity of a mount (fs_spec, fs_vfstype, fs_mntops without rw/ro). */
export interface MountSource {
  /** device is the first column: `overlay`, `tmpfs`, `/dev/vda1`, `nfs:/exports/mysql`, `/dev/rbd0`. */
  device: string;
  /** fstype is `overlay`, `ext4`, `tmpfs`, `nfs4`, … */
  fstype: string;
  /** options follow `rw`/`ro` (added from readOnly): e.g. `relatime,size=65536k`. */
  options: string;
}

/** VolumeMount maps a container path onto a host directory (or, for a file mount such as /etc/hosts, a host file). */
export interface VolumeMount {
  /** containerPath is where the mount appears in the container (absolute). */
  containerPath: string;
  /** hostPath is the real directory or file on the host that holds the data. Nothing above it is reachable. */
  hostPath: string;
  /** readOnly makes every write fail with EROFS (`Read-only file system`). */
  readOnly?: boolean;
  /** source is what mount/df print for it; see the mountSource helpers. */
  source: MountSource;
  /**
   * capacityBytes is the filesystem size df reports; writes that would take the
   * mount's usage above it fail with ENOSPC (tmpfs sizeLimit, an RBD image's
   * size). Absent: df reports the host filesystem holding hostPath (statfs),
   * as a bind mount of a node directory shows the node's disk.
   */
  capacityBytes?: number;
  /**
   * filesystemSpace is set for a filesystem made on a block device (an RBD
   * image's ext4): what statfs counts beyond the files in it. capacityBytes
   * is then the filesystem's Size (f_blocks), not the device's.
   */
  filesystemSpace?: FilesystemSpace;
  /**
   * health is asked before every operation under the mount; an errno makes the
   * operation fail with it — e.g. 'EIO' while the simulated NFS server is
   * stopped (a real hard NFS mount would hang; we fail instead so a shell stays usable).
   */
  health?: () => Errno | undefined;
}

/**
 * FilesystemSpace is a formatted filesystem's own use of its space
 * (./ext4.ts works it out for ext4).
 */
export interface FilesystemSpace {
  /** baseUsedBytes is df's Used before any file is written (root directory, lost+found, …). */
  baseUsedBytes: number;
  /** reservedBytes is what Available keeps back besides Used (ext4's reserved clusters, root-reserved blocks); writes stop there too. */
  reservedBytes: number;
}

/** KIB is 1024 bytes; mount options count tmpfs sizes in k as the kernel prints them. */
const KIB = 1024;

/**
 * mountSource builds the MountSource a real node shows for each volume kind
 * (values as seen in /proc/mounts of a pod on a kind node).
 */
export const mountSource = {
  /** overlay is the container's own rootfs (containerd's overlayfs snapshotter). */
  overlay(): MountSource {
    return {
      device: 'overlay',
      fstype: 'overlay',
      options: 'relatime,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/2/fs,workdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/2/work',
    };
  },
  /** nodeDisk is a directory on the node's disk bind-mounted in: emptyDir, hostPath, local and local-path volumes, /etc/hosts. */
  nodeDisk(device = '/dev/vda1'): MountSource {
    return { device, fstype: 'ext4', options: 'relatime' };
  },
  /** tmpfs is emptyDir medium: Memory (size= is the sizeLimit, or half the node's RAM without one) and the service-account token. */
  tmpfs(sizeBytes: number): MountSource {
    return { device: 'tmpfs', fstype: 'tmpfs', options: `relatime,size=${Math.ceil(sizeBytes / KIB)}k` };
  },
  /** nfs is an NFS export mounted by the kubelet (mount.nfs, NFSv4.2 as a current Debian client negotiates). */
  nfs(server: string, exportPath: string, serverAddr = '172.18.0.5', clientAddr = '172.18.0.3'): MountSource {
    return {
      device: `${server}:${exportPath}`,
      fstype: 'nfs4',
      options: `relatime,vers=4.2,rsize=1048576,wsize=1048576,namlen=255,hard,proto=tcp,timeo=600,retrans=2,sec=sys,clientaddr=${clientAddr},local_lock=none,addr=${serverAddr}`,
    };
  },
  /** rbd is a mapped RBD image (ceph-csi formats it ext4 on first stage). */
  rbd(device = '/dev/rbd0'): MountSource {
    return { device, fstype: 'ext4', options: 'relatime,stripe=16' };
  },
};

/** MountInfo is one row of the mount table, as `mount` and /proc/mounts show it. */
export interface MountInfo {
  device: string;
  mountPoint: string;
  fstype: string;
  /** options including the leading rw/ro. */
  options: string;
}

/** formatMountLine is busybox `mount`'s line: `overlay on / type overlay (rw,…)` (util-linux/mount.c). */
export function formatMountLine(m: MountInfo): string {
  return `${m.device} on ${m.mountPoint} type ${m.fstype} (${m.options})`;
}

/** formatProcMountsLine is a /proc/mounts line: `tmpfs /cache tmpfs rw,relatime,size=65536k 0 0`. */
export function formatProcMountsLine(m: MountInfo): string {
  return `${m.device} ${m.mountPoint} ${m.fstype} ${m.options} 0 0`;
}

/** FilesystemUsage is what df prints for one mount (statfs numbers, in bytes). */
export interface FilesystemUsage {
  device: string;
  mountPoint: string;
  fstype: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
}
