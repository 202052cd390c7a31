/**
 * DataRoot is the per-cluster folder on the HOST disk that holds what a
 * simulated cluster keeps on "disks": each node's file tree
 * (`<root>/nodes/<node>/…`, e.g. `/var/local-path-provisioner/pvc-…`), the
 * NFS server's export tree (`<root>/nfs/exports/…`) and the data of RBD
 * images (`<root>/ceph/<pool>/<image>/`). Provisioners create and remove
 * volume directories through it; the kubelet model (sim part 3) mounts them.
 *
 * Every path a learner can influence (a hostPath, an NFS path, a
 * local-path-config entry) goes through the mapping functions here, which
 * refuse anything that would leave the root: `..` segments, relative
 * paths, and symlinks whose target lies outside the tree they belong to.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { clusterShape } from '../../cluster-shape.ts';

/** DataRootError is a refused or failed path operation; `message` reads like the tool that would have failed. */
export class DataRootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataRootError';
  }
}

const nodeNamePattern = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * liveTempRoots are the default (os.tmpdir()) roots this process made and
 * has not destroyed yet; they are removed when the process exits, so a
 * test or server that never destroys its clusters leaves nothing behind.
 * Roots under an explicit dataDir are the caller's and are left alone.
 */
const liveTempRoots = new Set<string>();
let exitHookInstalled = false;

function removeLiveTempRoots(): void {
  for (const r of liveTempRoots) rmSync(r, { recursive: true, force: true });
  liveTempRoots.clear();
}
const segmentPattern = /^[^/\0]+$/;

export interface DataRootOptions {
  /** dataDir is where cluster roots go (`<dataDir>/<clusterId>`); default a fresh temp dir under os.tmpdir()/kslab-sim/. */
  dataDir?: string;
  clusterId: string;
  /** nodes to create trees for (default: the course's cluster shape). */
  nodes?: readonly string[];
  /** nfsDirectories exist under the export from the start (default: clusterShape.nfs.directories). */
  nfsDirectories?: readonly string[];
  /** cephPools get a data folder each (default: the shape's pool). */
  cephPools?: readonly string[];
}

export class DataRoot {
  private destroyed = false;

  private constructor(readonly root: string) {}

  /** create makes (or reuses) a cluster's root and lays out the node, NFS and Ceph trees. */
  static create(options: DataRootOptions): DataRoot {
    if (!/^[a-z0-9-]{1,63}$/.test(options.clusterId)) throw new DataRootError(`invalid cluster id "${options.clusterId}"`);
    let root: string;
    if (options.dataDir) {
      root = join(options.dataDir, options.clusterId);
      mkdirSync(root, { recursive: true });
    } else {
      const parent = join(tmpdir(), 'kslab-sim');
      mkdirSync(parent, { recursive: true });
      root = mkdtempSync(join(parent, `${options.clusterId}-`));
    }
    const dr = new DataRoot(realpathSync(root));
    if (!options.dataDir) {
      liveTempRoots.add(dr.root);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.once('exit', removeLiveTempRoots);
      }
    }
    const nodes = options.nodes ?? [clusterShape.nodes.controlPlane, ...clusterShape.nodes.workers];
    for (const n of nodes) dr.ensureNode(n);
    mkdirSync(join(dr.root, 'nfs'), { recursive: true });
    for (const d of options.nfsDirectories ?? clusterShape.nfs.directories) dr.ensureNfsDir(d);
    for (const p of options.cephPools ?? [clusterShape.ceph.pool]) mkdirSync(dr.cephPoolDir(p), { recursive: true });
    return dr;
  }

  get isDestroyed(): boolean {
    return this.destroyed;
  }

  /** nodeRoot is the host folder that stands for a node's `/`. */
  nodeRoot(node: string): string {
    if (!nodeNamePattern.test(node)) throw new DataRootError(`invalid node name "${node}"`);
    return join(this.root, 'nodes', node);
  }

  /** ensureNode creates a node's tree (a node that joins later gets one too). */
  ensureNode(node: string): string {
    const r = this.nodeRoot(node);
    mkdirSync(r, { recursive: true });
    return r;
  }

  /** nodePath maps an absolute path on a node to its host path, refusing escapes. */
  nodePath(node: string, path: string): string {
    return this.inside(this.nodeRoot(node), path);
  }

  /** nfsRoot is the NFS server's `/` (its exports live under `/exports`). */
  get nfsRoot(): string {
    return join(this.root, 'nfs');
  }

  /** nfsPath maps a path on the NFS server (`/exports/mysql`) to its host path; only the export tree is reachable. */
  nfsPath(path: string): string {
    const exportRoot = clusterShape.nfs.exportRoot;
    const norm = normalizeAbsolute(path);
    if (norm !== exportRoot && !norm.startsWith(`${exportRoot}/`)) throw new DataRootError(`${path} is not under the export ${exportRoot}`);
    return this.inside(this.nfsRoot, norm);
  }

  /** ensureNfsDir creates a directory under the export (cluster start, or a lesson's setup). */
  ensureNfsDir(path: string): string {
    const p = this.nfsPath(path);
    mkdirSync(p, { recursive: true });
    return p;
  }

  /** cephPoolDir is where a pool's image data folders live. */
  cephPoolDir(pool: string): string {
    if (!segmentPattern.test(pool) || pool === '.' || pool === '..') throw new DataRootError(`invalid pool name "${pool}"`);
    return join(this.root, 'ceph', pool);
  }

  /** cephImageDir is the data folder of one RBD image. */
  cephImageDir(pool: string, image: string): string {
    if (!segmentPattern.test(image) || image === '.' || image === '..') throw new DataRootError(`invalid image name "${image}"`);
    return join(this.cephPoolDir(pool), image);
  }

  /** ensureNodeDir creates a directory on a node (local-path setup: `mkdir -m 0777 -p "$VOL_DIR"`). */
  ensureNodeDir(node: string, path: string, mode = 0o777): string {
    const p = this.nodePath(node, path);
    mkdirSync(p, { recursive: true, mode });
    this.assertNoEscape(this.nodeRoot(node), p);
    return p;
  }

  /** removeNodePath removes a path on a node (local-path teardown: `rm -rf "$VOL_DIR"`); refuses a node's `/`. */
  removeNodePath(node: string, path: string): void {
    const norm = normalizeAbsolute(path);
    if (norm === '/') throw new DataRootError(`refusing to remove / on ${node}`);
    const p = this.nodePath(node, norm);
    rmSync(p, { recursive: true, force: true });
  }

  /** nodePathExists says whether a path exists on a node. */
  nodePathExists(node: string, path: string): boolean {
    try {
      return existsSync(this.nodePath(node, path));
    } catch {
      return false;
    }
  }

  /** removeCephImageDir drops an image's data. */
  removeCephImageDir(pool: string, image: string): void {
    rmSync(this.cephImageDir(pool, image), { recursive: true, force: true });
  }

  /** destroy removes the whole root (cluster destroy). */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    liveTempRoots.delete(this.root);
    rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * inside joins an absolute in-tree path to a tree's host folder. `..`
   * segments are refused outright (not normalised away: a learner's
   * `/var/../etc` is suspicious in itself), and the deepest existing
   * ancestor must resolve, symlinks followed, to a place inside the tree.
   */
  private inside(treeRoot: string, path: string): string {
    const norm = normalizeAbsolute(path);
    const host = norm === '/' ? treeRoot : join(treeRoot, ...norm.slice(1).split('/'));
    this.assertNoEscape(treeRoot, host);
    return host;
  }

  private assertNoEscape(treeRoot: string, host: string): void {
    let probe = host;
    // Walk up to the deepest component that exists (lstat: a dangling symlink exists too).
    for (;;) {
      if (exists(probe)) break;
      const parent = probe.slice(0, probe.lastIndexOf(sep));
      if (parent.length < treeRoot.length) return;
      probe = parent;
    }
    let real: string;
    try {
      real = realpathSync(probe);
    } catch {
      throw new DataRootError(`${host.slice(treeRoot.length) || '/'}: a symbolic link points nowhere`);
    }
    const rootReal = exists(treeRoot) ? realpathSync(treeRoot) : treeRoot;
    if (real !== rootReal && !real.startsWith(rootReal + sep)) {
      throw new DataRootError(`${host.slice(treeRoot.length) || '/'}: path leaves the node's file system`);
    }
  }
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** normalizeAbsolute checks an in-tree path: absolute, no `..`, no NUL; collapses `//` and `/.`. */
export function normalizeAbsolute(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/')) throw new DataRootError(`path "${path}" must be absolute`);
  if (path.includes('\0')) throw new DataRootError('path contains a NUL byte');
  const parts: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw new DataRootError(`path "${path}" must not contain ".."`);
    parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

