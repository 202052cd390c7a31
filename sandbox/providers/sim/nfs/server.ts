/**
 * NfsServer is the simulated cluster's NFS server `nfs`: one export,
 * `/exports *(rw,sync,no_root_squash,no_subtree_check)`, whose tree is a real
 * host directory under the cluster's data root (`<root>/nfs/exports`). Every
 * node "mounts" a directory below it by bind-mounting that host directory, so
 * a file MySQL writes on lab-worker is the same file a pod on lab-worker2
 * reads — which is the whole point of lesson 3.
 *
 * What it models: which server names a node can resolve, which paths the
 * server lets a client mount (and the exact mount.nfs failure text the kubelet
 * puts into its FailedMount event otherwise), the server being stopped and
 * started (mounts fail, existing mounts give I/O errors), and the mount table
 * `showmount` reports. It does not speak the NFS protocol, has no locking
 * (NLM/NFSv4 leases), no root squashing, no quotas.
 *
 * Kubelet side: pkg/volume/nfs/nfs.go SetUpAt runs `mount -t nfs server:path dir`
 * and wraps its output as
 * `mount failed: exit status 32\nMounting command: mount\nMounting arguments: …\nOutput: …`
 * (k8s.io/mount-utils mount_linux.go). `formatNfsMountFailure` builds that.
 */
import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { clusterShape } from '../../cluster-shape.ts';
import type { DataRoot } from '../dataroot/dataroot.ts';

/** NFS_SERVER_NAME is the host name every node resolves to the server (DESIGN.md: "NFS host `nfs`"). */
export const NFS_SERVER_NAME: string = clusterShape.nfs.server;

/** NFS_SERVER_ADDRESS is the server's address on the lab network (kind's docker network 172.18.0.0/16; nodes are .2–.4). */
export const NFS_SERVER_ADDRESS = '172.18.0.5';

/** EXPORT_PATH is the one exported directory, as clients name it. */
export const EXPORT_PATH: string = clusterShape.nfs.exportRoot;

/** EXPORT_OPTIONS are the server's /etc/exports options for EXPORT_PATH (lesson 3 explains each). */
export const EXPORT_OPTIONS = 'rw,sync,no_root_squash,no_subtree_check';

/** LESSON_EXPORT_DIRS exist below /exports from the start (lesson 3: "three directories already exist"). */
export const LESSON_EXPORT_DIRS: readonly string[] = clusterShape.nfs.directories;

/**
 * MOUNT_TIMEOUT_MS is how long mount.nfs keeps retrying an unreachable server
 * in the foreground before it gives up with "Connection timed out"
 * (nfs(5): retry=2 minutes for foreground mounts).
 */
export const MOUNT_TIMEOUT_MS = 2 * 60 * 1000;

/** NfsMountResult is what resolving a mount gives the kubelet model. */
export type NfsMountResult =
  | { ok: true; hostPath: string; exportPath: string; serverAddress: string }
  | {
      ok: false;
      /** output is mount.nfs's own message, the `Output:` line of the FailedMount event. */
      output: string;
      /**
       * hangMs is set when a real mount would block that long before failing
       * (an unreachable server): the kubelet should keep the pod in
       * ContainerCreating and report the failure only after it.
       */
      hangMs?: number;
    };

export interface NfsServerOptions {
  /** exportDir is the host directory that is the server's /exports (dataroot: `<root>/nfs/exports`). */
  exportDir: string;
  /** hostname the nodes resolve; default `nfs`. */
  hostname?: string;
  /** address of the server on the lab network; default 172.18.0.5. */
  address?: string;
  /** createLessonDirs makes /exports/mysql, /data and /capstone if missing (default true). */
  createLessonDirs?: boolean;
}

/** NfsClientMount is one entry of the server's mount table (rmtab), as `showmount -a` lists it. */
export interface NfsClientMount {
  client: string;
  path: string;
}

/** NfsServerState is what a running server knows: up or down, its mount table, who waits for it. */
interface NfsServerState {
  running: boolean;
  mounts: Map<string, NfsClientMount>;
  listeners: Set<(running: boolean) => void>;
}

/**
 * statesByExport makes every NfsServer object over the same export tree the
 * same server: stopping it through one (the lab's button, the kubelet model)
 * is what `showmount` through another sees. Entries of export trees that no
 * longer exist (a destroyed or reset cluster) are dropped as new ones come.
 */
const statesByExport = new Map<string, NfsServerState>();

function stateFor(exportDir: string): NfsServerState {
  const key = realpathSync(exportDir);
  let state = statesByExport.get(key);
  if (!state) {
    for (const dir of statesByExport.keys()) if (!existsSync(dir)) statesByExport.delete(dir);
    state = { running: true, mounts: new Map(), listeners: new Set() };
    statesByExport.set(key, state);
  }
  return state;
}

export class NfsServer {
  readonly hostname: string;
  readonly address: string;
  readonly exportDir: string;
  private readonly state: NfsServerState;

  constructor(options: NfsServerOptions) {
    this.exportDir = options.exportDir;
    this.hostname = options.hostname ?? NFS_SERVER_NAME;
    this.address = options.address ?? NFS_SERVER_ADDRESS;
    mkdirSync(this.exportDir, { recursive: true });
    this.state = stateFor(this.exportDir);
    if (options.createLessonDirs ?? true) {
      for (const dir of LESSON_EXPORT_DIRS) mkdirSync(join(this.exportDir, ...dir.slice(EXPORT_PATH.length + 1).split('/')), { recursive: true });
    }
  }

  /** forDataRoot is the server of a cluster whose export tree is `<root>/nfs/exports` (DataRoot.nfsPath). */
  static forDataRoot(dataRoot: DataRoot, options: Omit<NfsServerOptions, 'exportDir'> = {}): NfsServer {
    return new NfsServer({ ...options, exportDir: dataRoot.nfsPath(EXPORT_PATH) });
  }

  /** isRunning says whether the server answers (the lab can stop it to show what a dead NFS server does). */
  isRunning(): boolean {
    return this.state.running;
  }

  /** stop takes the server off the network: new mounts hang and fail, existing mounts give EIO. */
  stop(): void {
    if (!this.state.running) return;
    this.state.running = false;
    for (const l of [...this.state.listeners]) l(false);
  }

  /** start brings it back; clients' hard mounts recover on their own, as NFS clients retry forever. */
  start(): void {
    if (this.state.running) return;
    this.state.running = true;
    for (const l of [...this.state.listeners]) l(true);
  }

  /** onStateChange lets the kubelet model retry ContainerCreating pods when the server comes back. Returns an unsubscribe. */
  onStateChange(listener: (running: boolean) => void): () => void {
    this.state.listeners.add(listener);
    return () => this.state.listeners.delete(listener);
  }

  /** resolves says whether a node's resolver knows `server` as this NFS server (its name or its address). */
  resolves(server: string): boolean {
    return server === this.hostname || server === this.address;
  }

  /**
   * resolveNfsMount answers what `mount -t nfs server:path` on a node would
   * do: the host directory to bind, or mount.nfs's failure text.
   * `client` (the node's address) is recorded in the mount table on success.
   */
  resolveNfsMount(server: string, path: string, client?: string): NfsMountResult {
    const spec = `${server}:${path}`;
    if (!this.resolves(server)) {
      // A dotted quad is not looked up; the client tries to connect and times out.
      if (/^\d{1,3}(\.\d{1,3}){3}$/.test(server)) return { ok: false, output: 'mount.nfs: Connection timed out', hangMs: MOUNT_TIMEOUT_MS };
      return { ok: false, output: `mount.nfs: Failed to resolve server ${server}: Name or service not known` };
    }
    if (!this.state.running) return { ok: false, output: 'mount.nfs: Connection timed out', hangMs: MOUNT_TIMEOUT_MS };
    const hostPath = this.hostPathOf(path);
    if (hostPath === undefined) return { ok: false, output: `mount.nfs: access denied by server while mounting ${spec}` };
    const exportPath = posix.normalize(path).replace(/\/+$/, '') || '/';
    if (client) this.state.mounts.set(`${client} ${exportPath}`, { client, path: exportPath });
    return { ok: true, hostPath, exportPath, serverAddress: this.address };
  }

  /** unmount removes a client's entry from the mount table (the kubelet unmounting a pod's volume). */
  unmount(client: string, path: string): void {
    this.state.mounts.delete(`${client} ${posix.normalize(path).replace(/\/+$/, '') || '/'}`);
  }

  /** clientMounts is the server's mount table, sorted like showmount sorts it. */
  clientMounts(): NfsClientMount[] {
    return [...this.state.mounts.values()].sort((a, b) => a.client.localeCompare(b.client) || a.path.localeCompare(b.path));
  }

  /**
   * mountHealth is the VolumeMount.health hook for a mounted NFS volume:
   * EIO while the server is down. A real hard mount would block the process
   * instead; failing keeps the learner's shell usable (see containers/fs/mounts.ts).
   */
  mountHealth(): 'EIO' | undefined {
    return this.state.running ? undefined : 'EIO';
  }

  /**
   * hostPathOf maps an exported path to its host directory, or undefined when
   * the server refuses it: outside /exports, missing, not a directory, or a
   * symlink that leads out of the export (exportfs never serves those).
   */
  hostPathOf(path: string): string | undefined {
    if (!path.startsWith('/') || path.includes('\0')) return undefined;
    const normal = posix.normalize(path);
    if (normal !== EXPORT_PATH && !normal.startsWith(EXPORT_PATH + '/')) return undefined;
    const rel = normal.slice(EXPORT_PATH.length).replace(/^\/+|\/+$/g, '');
    const candidate = rel === '' ? this.exportDir : join(this.exportDir, ...rel.split('/'));
    if (!existsSync(candidate)) return undefined;
    let real: string;
    let root: string;
    try {
      real = realpathSync(candidate);
      root = realpathSync(this.exportDir);
      if (!statSync(real).isDirectory()) return undefined;
    } catch {
      return undefined;
    }
    if (real !== root && !real.startsWith(root + sep)) return undefined;
    return real;
  }
}

/**
 * formatNfsMountFailure is the message of the kubelet's FailedMount event for
 * an NFS volume whose mount failed (mount-utils: MountError from doMount, as
 * nfs.go SetUpAt returns it inside `MountVolume.SetUp failed for volume …`).
 */
export function formatNfsMountFailure(volumeName: string, server: string, path: string, targetDir: string, output: string): string {
  return (
    `MountVolume.SetUp failed for volume "${volumeName}" : mount failed: exit status 32\n` +
    `Mounting command: mount\n` +
    `Mounting arguments: -t nfs ${server}:${path} ${targetDir}\n` +
    `Output: ${output}`
  );
}

const serversByRoot = new WeakMap<DataRoot, NfsServer>();

/**
 * nfsServerFor is THE NFS server of a cluster: one per DataRoot, made on first
 * use, so the kubelet model (mounts, stop/start) and the learner terminal's
 * `showmount` see the same server and the same state. A cluster reset makes a
 * new DataRoot and so a new, running server.
 */
export function nfsServerFor(dataRoot: DataRoot): NfsServer {
  let server = serversByRoot.get(dataRoot);
  if (!server) {
    server = NfsServer.forDataRoot(dataRoot);
    serversByRoot.set(dataRoot, server);
  }
  return server;
}
