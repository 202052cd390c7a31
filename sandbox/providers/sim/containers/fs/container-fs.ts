/**
 * ContainerFs is a container's view of files: the mount table a real
 * container runtime would set up, resolved in TypeScript. Every path a tool,
 * the shell or an image model touches goes through here:
 *
 * - the path is normalised as a container path first (`..` stops at `/`),
 *   then the mount table picks the longest mount point that contains it;
 * - the remainder is joined onto that mount's host directory, and the real
 *   path of the deepest existing host ancestor must lie inside the mount's
 *   host directory — so neither `../../..` nor a symlink someone else left on
 *   the host can reach anything outside (we never create symlinks);
 * - `/` is an overlay: the image's files (an in-memory ImageLayer) under the
 *   container's own writable host directory (copy-up on write, whiteouts on
 *   delete, kept in memory for the container's life);
 * - /dev, /proc and /sys are generated (./pseudo.ts), never the host's.
 *
 * Data are real files on the host: an emptyDir written here is on disk under
 * the node tree, and vanishes when the kubelet removes that directory.
 *
 * All calls are synchronous (node:fs *Sync): the files are small, and the
 * shell stays simple. Permission bits are real host bits; owners (uid/gid)
 * are kept in a hidden per-directory file, because the server cannot chown.
 * Non-root users are not denied anything by permission bits (not modelled).
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { FsError, type Errno } from './errors.ts';
import { ImageLayer, type ImageEntry } from './image-layer.ts';
import { isUnder, normalizePath, splitPath } from './paths.ts';
import {
  formatProcMountsLine,
  mountSource,
  type FilesystemUsage,
  type MountInfo,
  type VolumeMount,
} from './mounts.ts';
import { devFs, procFs, readDevice, sysFs, type ProcProcess, type PseudoEntry, type PseudoFs } from './pseudo.ts';

/** FileStat is what stat(2) reports, trimmed to what ls/stat/test print. */
export interface FileStat {
  type: 'file' | 'dir' | 'chardev' | 'other';
  /** mode is the permission bits, including setuid/sticky (no type bits). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
  nlink: number;
  /** rdev is [major, minor] for character devices. */
  rdev?: [number, number];
}

/** FsUser is whose name new files are created under. */
export interface FsUser {
  uid: number;
  gid: number;
}

/** FileReader streams a file's bytes (devices such as /dev/zero never end; callers bound their reads). */
export interface FileReader {
  /** read returns up to max bytes, or null at end of file. */
  read(max: number): Uint8Array | null;
  close(): void;
}

/** FileWriter streams bytes into a file; write throws FsError (ENOSPC, EFBIG, EIO) after writing what fits. */
export interface FileWriter {
  write(data: Uint8Array | string): void;
  close(): void;
  /** written counts the bytes this writer has put into the file. */
  readonly written: number;
}

export interface ContainerFsOptions {
  /** rootfs is the container's writable layer on the host (created if missing), e.g. …/pods/<uid>/containers/<name>/rootfs. */
  rootfs: string;
  /** image is the read-only lower layer; absent means an empty image. */
  image?: ImageLayer;
  /** mounts are the volume mounts (any order; nested mount points allowed). */
  mounts?: VolumeMount[];
  /** hostname shows in /proc/sys/kernel/hostname. */
  hostname?: string;
  /** user is whom new files belong to (default root). */
  user?: FsUser;
  /** maxFileBytes caps any one file (EFBIG): a guard so a runaway `dd` cannot fill the host's disk. */
  maxFileBytes?: number;
  /** maxWrittenBytes caps all bytes this container writes in its life (ENOSPC after), for the same reason. */
  maxWrittenBytes?: number;
  /** now gives the time for /proc/uptime (the container's injected clock). */
  now?: () => number;
}

/** DEFAULT_MAX_FILE_BYTES: larger than anything a lesson writes (the tmpfs lesson writes 64 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;
/** DEFAULT_MAX_WRITTEN_BYTES: what one container may write in total before the guard says ENOSPC. */
export const DEFAULT_MAX_WRITTEN_BYTES = 2 * 1024 * 1024 * 1024;

/** OWNERS_FILE is the hidden per-directory record of uid/gid (name → [uid, gid]; "." is the directory itself). */
export const OWNERS_FILE = '.kslab-owners.json';

const BLOCK = 4096;
/** directoryBlockBytes is what df charges for each directory inside a sized volume (see diskUsage). */
export const directoryBlockBytes = BLOCK;

/** MountEntry is a VolumeMount (or a pseudo filesystem) resolved for lookups. */
interface MountEntry {
  point: string;
  parts: number;
  volume?: VolumeMount;
  pseudo?: PseudoFs;
  /** isFile: a file bind mount (/etc/hosts); only the exact path matches. */
  isFile: boolean;
  /** lower: the image layer, for the root mount only. */
  lower?: ImageLayer;
  realRoot?: string;
  readOnly: boolean;
}

type Location =
  | { kind: 'host'; mount: MountEntry; rel: string[]; host: string; path: string }
  | { kind: 'pseudo'; mount: MountEntry; pseudo: PseudoFs; rel: string; path: string };

/** State shared by a ContainerFs and its `as(user)` views. */
interface SharedState {
  mounts: MountEntry[];
  /** hidden holds rootfs paths whose image (lower) entries are deleted: the path and everything under it. */
  hidden: Set<string>;
  written: number;
  maxFileBytes: number;
  maxWrittenBytes: number;
  hostname: string;
  startedAt: number;
  now: () => number;
  /** processes lists the container's processes for /proc (set by the runtime once the container starts). */
  processes: () => ProcProcess[];
}

export class ContainerFs {
  private readonly state: SharedState;
  readonly user: FsUser;

  constructor(options: ContainerFsOptions, shared?: SharedState) {
    this.user = options.user ?? { uid: 0, gid: 0 };
    if (shared) {
      this.state = shared;
      return;
    }
    const now = options.now ?? Date.now;
    this.state = {
      mounts: [],
      hidden: new Set(),
      written: 0,
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      maxWrittenBytes: options.maxWrittenBytes ?? DEFAULT_MAX_WRITTEN_BYTES,
      hostname: options.hostname ?? 'localhost',
      startedAt: now(),
      now,
      processes: () => [],
    };
    fs.mkdirSync(options.rootfs, { recursive: true });
    const root: VolumeMount = { containerPath: '/', hostPath: options.rootfs, source: mountSource.overlay() };
    this.addMount(root, options.image ?? new ImageLayer({}));
    this.addPseudo('/dev', devFs());
    this.addPseudo('/proc', procFs({
      mounts: () => this.mountTable().map(formatProcMountsLine).join('\n') + '\n',
      hostname: () => this.state.hostname,
      uptimeSeconds: () => (this.state.now() - this.state.startedAt) / 1000,
      processes: () => this.state.processes(),
    }));
    this.addPseudo('/sys', sysFs());
    for (const m of options.mounts ?? []) this.addMount(m);
  }

  /** as returns a view of the same filesystem that creates files as another user (an image's USER, e.g. mysql 999). */
  as(user: FsUser): ContainerFs {
    return new ContainerFs({ rootfs: '', user }, this.state);
  }

  get hostname(): string {
    return this.state.hostname;
  }

  /** setProcessSource connects /proc/PID to the container's process table (the runtime calls it at start). */
  setProcessSource(processes: () => ProcProcess[]): void {
    this.state.processes = processes;
  }

  private addPseudo(point: string, pseudo: PseudoFs): void {
    this.ensureMountPoint(point, false);
    this.insert({ point, parts: splitPath(point).length, pseudo, isFile: false, readOnly: pseudo.readOnly });
  }

  private addMount(volume: VolumeMount, lower?: ImageLayer): void {
    const point = normalizePath(volume.containerPath);
    let isFile = false;
    try {
      isFile = fs.statSync(volume.hostPath).isFile();
    } catch {
      // A missing host directory is the kubelet's problem; operations report ENOENT.
    }
    if (point !== '/') this.ensureMountPoint(point, isFile);
    let realRoot: string | undefined;
    try {
      realRoot = fs.realpathSync.native(volume.hostPath);
    } catch {
      realRoot = undefined;
    }
    this.insert({ point, parts: splitPath(point).length, volume, isFile, lower, realRoot, readOnly: !!volume.readOnly });
  }

  /** addVolume adds a mount to a running container's table (kubectl debug's /host is set up at start; this is for the kubelet). */
  addVolume(volume: VolumeMount): void {
    this.addMount(volume);
  }

  private insert(entry: MountEntry): void {
    this.state.mounts = this.state.mounts.filter((m) => m.point !== entry.point);
    this.state.mounts.push(entry);
    // Longest mount point first, so the first match is the deepest mount.
    this.state.mounts.sort((a, b) => b.parts - a.parts);
  }

  /** ensureMountPoint creates the mount point in the writable layer, as runc does for a bind mount target. */
  private ensureMountPoint(point: string, isFile: boolean): void {
    const root = this.state.mounts.find((m) => m.point === '/');
    if (!root || !root.volume) return;
    const parts = splitPath(point);
    // Only create it if no other mount (other than /) would hold it.
    const holder = this.findMount(parts, '/' + parts.join('/'));
    if (holder !== root) return;
    const host = nodePath.join(root.volume.hostPath, ...parts);
    try {
      fs.mkdirSync(isFile ? nodePath.dirname(host) : host, { recursive: true });
      if (isFile && !fs.existsSync(host)) fs.writeFileSync(host, '');
    } catch {
      // A mount point that cannot be made (a file in the way) is reported on use.
    }
  }

  private findMount(parts: string[], path: string): MountEntry {
    for (const m of this.state.mounts) {
      if (m.isFile ? path === m.point : isUnder(path, m.point)) return m;
    }
    return this.state.mounts[this.state.mounts.length - 1]!;
  }

  /** locate resolves a container path to the mount that holds it and the host path behind it. */
  private locate(path: string): Location {
    const parts = splitPath(path);
    if (parts.includes(OWNERS_FILE)) throw new FsError('ENOENT', path);
    const norm = '/' + parts.join('/');
    const mount = this.findMount(parts, norm);
    const rel = parts.slice(mount.parts);
    if (mount.pseudo) return { kind: 'pseudo', mount, pseudo: mount.pseudo, rel: rel.join('/'), path };
    const volume = mount.volume!;
    const health = volume.health?.();
    if (health) throw new FsError(health, path);
    const host = rel.length === 0 ? volume.hostPath : nodePath.join(volume.hostPath, ...rel);
    this.confine(mount, host, path);
    return { kind: 'host', mount, rel, host, path };
  }

  /** confine throws unless the host path's deepest existing ancestor really lies inside the mount's host directory. */
  private confine(mount: MountEntry, host: string, path: string): void {
    const volume = mount.volume!;
    if (!mount.realRoot) {
      try {
        mount.realRoot = fs.realpathSync.native(volume.hostPath);
      } catch {
        throw new FsError('ENOENT', path);
      }
    }
    let probe = host;
    for (;;) {
      let real: string;
      try {
        real = fs.realpathSync.native(probe);
      } catch {
        const up = nodePath.dirname(probe);
        if (up === probe || probe.length <= volume.hostPath.length) throw new FsError('ENOENT', path);
        probe = up;
        continue;
      }
      if (real === mount.realRoot || real.startsWith(mount.realRoot + nodePath.sep)) return;
      // Something on the host (a symlink we did not make) points outside the volume.
      throw new FsError('EACCES', path);
    }
  }

  private rootRel(loc: Location & { kind: 'host' }): string {
    return '/' + loc.rel.join('/');
  }

  /** lowerEntry is the image entry visible at a rootfs path, unless deleted. */
  private lowerEntry(loc: Location & { kind: 'host' }): ImageEntry | undefined {
    if (!loc.mount.lower) return undefined;
    const p = this.rootRel(loc);
    for (const hidden of this.state.hidden) if (isUnder(p, hidden)) return undefined;
    return loc.mount.lower.get(p);
  }

  private hostStat(host: string): fs.Stats | undefined {
    try {
      return fs.lstatSync(host);
    } catch {
      return undefined;
    }
  }

  // ---- reading -------------------------------------------------------------

  /** stat reports a path (there are no symlinks in a container view, so this is also lstat). */
  stat(path: string): FileStat {
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') {
      const e = loc.pseudo.entry(loc.rel);
      if (!e) throw new FsError('ENOENT', path);
      return pseudoStat(e, this.state.startedAt);
    }
    const st = this.hostStat(loc.host);
    if (st) {
      const owner = this.ownerOf(loc.host, st.isDirectory());
      return {
        type: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other',
        mode: st.mode & 0o7777,
        uid: owner[0],
        gid: owner[1],
        size: st.isDirectory() ? BLOCK : st.size,
        mtime: st.mtime,
        nlink: st.nlink,
      };
    }
    const lower = this.lowerEntry(loc);
    if (lower) {
      return {
        type: lower.type,
        mode: lower.mode,
        uid: lower.uid ?? 0,
        gid: lower.gid ?? 0,
        size: ImageLayer.sizeOf(lower),
        mtime: loc.mount.lower!.mtime,
        nlink: lower.nlink ?? (lower.type === 'dir' ? 2 : 1),
      };
    }
    throw new FsError('ENOENT', path);
  }

  /** exists is stat without the error. */
  exists(path: string): boolean {
    try {
      this.stat(path);
      return true;
    } catch (err) {
      if (err instanceof FsError && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return false;
      throw err;
    }
  }

  /** tryStat is stat returning undefined for a missing path (other errors still throw). */
  tryStat(path: string): FileStat | undefined {
    try {
      return this.stat(path);
    } catch (err) {
      if (err instanceof FsError && (err.code === 'ENOENT' || err.code === 'ENOTDIR')) return undefined;
      throw err;
    }
  }

  /** readdir lists a directory's names (unsorted, without . and ..). */
  readdir(path: string): string[] {
    const st = this.stat(path);
    if (st.type !== 'dir') throw new FsError('ENOTDIR', path);
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') return loc.pseudo.list(loc.rel);
    const names = new Set<string>();
    try {
      for (const name of fs.readdirSync(loc.host)) if (name !== OWNERS_FILE) names.add(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new FsError('EIO', path);
    }
    if (loc.mount.lower) {
      const base = this.rootRel(loc);
      for (const name of loc.mount.lower.list(base)) {
        const child = base === '/' ? '/' + name : base + '/' + name;
        if (![...this.state.hidden].some((h) => isUnder(child, h))) names.add(name);
      }
    }
    return [...names];
  }

  /** openRead opens a file (or device) for reading. */
  openRead(path: string): FileReader {
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') {
      const e = loc.pseudo.entry(loc.rel);
      if (!e) throw new FsError('ENOENT', path);
      if (e.type === 'dir') throw new FsError('EISDIR', path);
      if (e.type === 'chardev') return { read: (max) => readDevice(e.device, max), close: () => {} };
      if (e.type === 'stream') throw new FsError('EACCES', path);
      return bufferReader(Buffer.from(e.read()));
    }
    const st = this.hostStat(loc.host);
    if (st) {
      if (st.isDirectory()) throw new FsError('EISDIR', path);
      if (!st.isFile()) throw new FsError('EACCES', path);
      let fd: number;
      try {
        fd = fs.openSync(loc.host, 'r');
      } catch (err) {
        throw new FsError(hostErrno(err), path);
      }
      let open = true;
      return {
        read: (max) => {
          if (!open) return null;
          const health = loc.mount.volume?.health?.();
          if (health) throw new FsError(health, path);
          const buf = Buffer.alloc(Math.max(1, Math.min(max, 1 << 20)));
          const n = fs.readSync(fd, buf, 0, buf.length, null);
          return n === 0 ? null : buf.subarray(0, n);
        },
        close: () => {
          if (open) fs.closeSync(fd);
          open = false;
        },
      };
    }
    const lower = this.lowerEntry(loc);
    if (lower?.type === 'file') return bufferReader(ImageLayer.bytesOf(lower));
    if (lower?.type === 'dir') throw new FsError('EISDIR', path);
    throw new FsError('ENOENT', path);
  }

  /** readFile reads a whole file; devices that never end are cut at maxBytes (default 16 MiB). */
  readFile(path: string, maxBytes = 16 * 1024 * 1024): Buffer {
    const reader = this.openRead(path);
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for (;;) {
        const chunk = reader.read(Math.min(65536, maxBytes - total));
        if (!chunk) break;
        chunks.push(chunk);
        total += chunk.length;
        if (total >= maxBytes) break;
      }
    } finally {
      reader.close();
    }
    return Buffer.concat(chunks);
  }

  /** readText is readFile as UTF-8. */
  readText(path: string): string {
    return this.readFile(path).toString('utf8');
  }

  // ---- writing -------------------------------------------------------------

  private writable(loc: Location): void {
    if (loc.mount.readOnly) throw new FsError('EROFS', loc.path);
  }

  /** parentDir checks that the parent of a path exists and is a directory, and returns its stat. */
  private requireParent(path: string): void {
    const parts = splitPath(path);
    if (parts.length === 0) return;
    const parent = '/' + parts.slice(0, -1).join('/');
    const st = this.stat(parent);
    if (st.type !== 'dir') throw new FsError('ENOTDIR', path);
  }

  /** copyUpParents makes the rootfs's upper directories for a path whose parents may exist only in the image. */
  private copyUpParents(loc: Location & { kind: 'host' }): void {
    if (!loc.mount.lower) return;
    fs.mkdirSync(nodePath.dirname(loc.host), { recursive: true });
  }

  /** openWrite opens a file for writing (truncating, or appending), creating it as this view's user. */
  openWrite(path: string, options: { append?: boolean } = {}): FileWriter {
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') {
      const e = loc.pseudo.entry(loc.rel);
      if (e?.type === 'chardev') {
        return {
          write: () => {
            if (e.device === 'full') throw new FsError('ENOSPC', path);
          },
          close: () => {},
          written: 0,
        };
      }
      if (e?.type === 'stream') {
        let written = 0;
        return {
          write: (data) => {
            const bytes = typeof data === 'string' ? Buffer.from(data) : data;
            e.write(bytes);
            written += bytes.length;
          },
          close: () => {},
          get written() {
            return written;
          },
        };
      }
      if (e?.type === 'dir') throw new FsError('EISDIR', path);
      if (loc.pseudo.readOnly) throw new FsError('EROFS', path);
      throw new FsError('EACCES', path);
    }
    this.writable(loc);
    if (loc.rel.length === 0 && !loc.mount.isFile) throw new FsError('EISDIR', path);
    const st = this.hostStat(loc.host);
    const lower = st ? undefined : this.lowerEntry(loc);
    if (st?.isDirectory() || lower?.type === 'dir') throw new FsError('EISDIR', path);
    if (!st && !lower) this.requireParent(path);
    this.copyUpParents(loc);
    if (!st && lower && options.append) fs.writeFileSync(loc.host, ImageLayer.bytesOf(lower), { mode: lower.mode });
    let fd: number;
    try {
      fd = fs.openSync(loc.host, options.append ? 'a' : 'w', 0o644);
    } catch (err) {
      throw new FsError(hostErrno(err), path);
    }
    if (!st) this.recordOwner(loc.host, false);
    const volume = loc.mount.volume!;
    // A formatted filesystem's reserved space is out of reach as well (ext4_has_free_clusters keeps s_resv_clusters back).
    const capacity = volume.capacityBytes === undefined ? undefined : volume.capacityBytes - (volume.filesystemSpace?.reservedBytes ?? 0);
    let fileSize = options.append ? fs.fstatSync(fd).size : 0;
    // Usage is measured once at open; this writer's own growth is counted as it goes.
    let used = capacity !== undefined ? mountUsedBytes(volume) - (st && !options.append ? roundUp(st.size) : 0) : 0;
    const state = this.state;
    let open = true;
    let written = 0;
    return {
      get written() {
        return written;
      },
      write(data) {
        if (!open) throw new FsError('EINVAL', path);
        const bytes = typeof data === 'string' ? Buffer.from(data) : data;
        const health = volume.health?.();
        if (health) throw new FsError(health, path);
        let allowed = bytes.length;
        let limit: Errno | undefined;
        if (capacity !== undefined) {
          // Whole blocks: the file may fill its last partial block, then as many free blocks as remain.
          const slack = roundUp(fileSize) - fileSize;
          const fits = slack + Math.max(0, Math.floor((capacity - used) / BLOCK)) * BLOCK;
          if (allowed > fits) {
            allowed = Math.max(0, fits);
            limit = 'ENOSPC';
          }
        }
        if (fileSize + allowed > state.maxFileBytes) {
          allowed = Math.max(0, state.maxFileBytes - fileSize);
          limit = 'EFBIG';
        }
        if (state.written + allowed > state.maxWrittenBytes) {
          allowed = Math.max(0, state.maxWrittenBytes - state.written);
          limit = 'ENOSPC';
        }
        if (allowed > 0) fs.writeSync(fd, bytes, 0, allowed);
        used += roundUp(fileSize + allowed) - roundUp(fileSize);
        fileSize += allowed;
        written += allowed;
        state.written += allowed;
        if (limit && allowed < bytes.length) throw new FsError(limit, path);
      },
      close() {
        if (open) fs.closeSync(fd);
        open = false;
      },
    };
  }

  /** writeFile writes (or appends) a whole file. */
  writeFile(path: string, data: Uint8Array | string, options: { append?: boolean } = {}): void {
    const writer = this.openWrite(path, options);
    try {
      writer.write(data);
    } finally {
      writer.close();
    }
  }

  /** mkdir makes one directory (the parent must exist); EEXIST if something is there. */
  mkdir(path: string, mode = 0o755): void {
    const loc = this.locate(path);
    if (this.exists(path)) throw new FsError('EEXIST', path);
    if (loc.kind === 'pseudo') throw new FsError(loc.pseudo.readOnly ? 'EROFS' : 'EACCES', path);
    this.writable(loc);
    this.requireParent(path);
    this.copyUpParents(loc);
    try {
      fs.mkdirSync(loc.host, { mode });
    } catch (err) {
      throw new FsError(hostErrno(err), path);
    }
    this.recordOwner(loc.host, true);
  }

  /** remove deletes a file or an empty directory (rm -r recurses with readdir, as busybox does). */
  remove(path: string): void {
    const st = this.stat(path);
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') throw new FsError(loc.pseudo.readOnly ? 'EROFS' : 'EACCES', path);
    // A mount point cannot be removed while mounted.
    if (loc.rel.length === 0 || this.state.mounts.some((m) => m.point === normalizePath(path) && m.point !== '/')) {
      throw new FsError('EBUSY', path);
    }
    this.writable(loc);
    if (st.type === 'dir' && this.readdir(path).length > 0) throw new FsError('ENOTEMPTY', path);
    const hostSt = this.hostStat(loc.host);
    if (hostSt) {
      try {
        if (hostSt.isDirectory()) fs.rmSync(loc.host, { recursive: true, force: true });
        else fs.unlinkSync(loc.host);
      } catch (err) {
        throw new FsError(hostErrno(err), path);
      }
      this.forgetOwner(loc.host);
    }
    if (loc.mount.lower && loc.mount.lower.get(this.rootRel(loc))) this.state.hidden.add(this.rootRel(loc));
  }

  /** rename moves within one mount; across mounts it fails with EXDEV (mv then copies, as busybox mv does). */
  rename(from: string, to: string): void {
    const src = this.locate(from);
    const dst = this.locate(to);
    const st = this.stat(from);
    if (src.kind === 'pseudo' || dst.kind === 'pseudo') throw new FsError('EXDEV', to);
    if (src.mount !== dst.mount) throw new FsError('EXDEV', to);
    this.writable(src);
    if (src.rel.length === 0) throw new FsError('EBUSY', from);
    this.requireParent(to);
    const target = this.tryStat(to);
    if (target?.type === 'dir' && st.type !== 'dir') throw new FsError('EISDIR', to);
    if (target && target.type !== 'dir' && st.type === 'dir') throw new FsError('ENOTDIR', to);
    if (target?.type === 'dir' && this.readdir(to).length > 0) throw new FsError('ENOTEMPTY', to);
    const srcHost = this.hostStat(src.host);
    if (!srcHost) {
      // Only in the image: files are copied up; directories would need redirect_dir, which overlayfs refuses with EXDEV.
      if (st.type === 'dir') throw new FsError('EXDEV', to);
      this.copyUpParents(src);
      const lower = this.lowerEntry(src)!;
      fs.writeFileSync(src.host, ImageLayer.bytesOf(lower), { mode: lower.mode });
    } else if (st.type === 'dir' && src.mount.lower && src.mount.lower.list(this.rootRel(src)).length > 0) {
      throw new FsError('EXDEV', to);
    }
    this.copyUpParents(dst);
    const owner = this.ownerOf(src.host, st.type === 'dir');
    try {
      if (target?.type === 'dir') fs.rmSync(dst.host, { recursive: true, force: true });
      fs.renameSync(src.host, dst.host);
    } catch (err) {
      throw new FsError(hostErrno(err), to);
    }
    this.forgetOwner(src.host);
    if (st.type !== 'dir') this.setOwner(dst.host, false, owner);
    if (src.mount.lower && src.mount.lower.get(this.rootRel(src))) this.state.hidden.add(this.rootRel(src));
  }

  /** touch sets a file's times, creating it empty if missing (touch(1)). */
  touch(path: string, time: Date = new Date(this.state.now())): void {
    const st = this.tryStat(path);
    const loc = this.locate(path);
    if (!st) {
      this.writeFile(path, '');
    } else if (loc.kind === 'host') {
      this.writable(loc);
      if (!this.hostStat(loc.host)) this.copyUp(loc);
    } else {
      return;
    }
    if (loc.kind === 'host') fs.utimesSync(loc.host, time, time);
  }

  private copyUp(loc: Location & { kind: 'host' }): void {
    const lower = this.lowerEntry(loc);
    if (!lower) return;
    this.copyUpParents(loc);
    if (lower.type === 'dir') fs.mkdirSync(loc.host, { recursive: true, mode: lower.mode });
    else fs.writeFileSync(loc.host, ImageLayer.bytesOf(lower), { mode: lower.mode });
    if (lower.uid || lower.gid) this.setOwner(loc.host, lower.type === 'dir', [lower.uid ?? 0, lower.gid ?? 0]);
  }

  /** chmod sets permission bits. */
  chmod(path: string, mode: number): void {
    this.stat(path);
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') throw new FsError('EPERM', path);
    this.writable(loc);
    if (!this.hostStat(loc.host)) this.copyUp(loc);
    fs.chmodSync(loc.host, mode & 0o7777);
  }

  /** chown records an owner (only root may; others get EPERM, as without CAP_CHOWN). */
  chown(path: string, uid: number, gid: number): void {
    const st = this.stat(path);
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') throw new FsError('EPERM', path);
    this.writable(loc);
    if (this.user.uid !== 0) throw new FsError('EPERM', path);
    if (!this.hostStat(loc.host)) this.copyUp(loc);
    this.setOwner(loc.host, st.type === 'dir', [uid, gid]);
  }

  // ---- owners --------------------------------------------------------------

  private ownersFileFor(host: string, isDir: boolean): { file: string; key: string } {
    return isDir ? { file: nodePath.join(host, OWNERS_FILE), key: '.' } : { file: nodePath.join(nodePath.dirname(host), OWNERS_FILE), key: nodePath.basename(host) };
  }

  private ownerOf(host: string, isDir: boolean): [number, number] {
    const { file, key } = this.ownersFileFor(host, isDir);
    try {
      const owners = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, [number, number]>;
      return owners[key] ?? [0, 0];
    } catch {
      return [0, 0];
    }
  }

  private setOwner(host: string, isDir: boolean, owner: [number, number]): void {
    const { file, key } = this.ownersFileFor(host, isDir);
    let owners: Record<string, [number, number]> = {};
    try {
      owners = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      if (owner[0] === 0 && owner[1] === 0) return;
    }
    if (owner[0] === 0 && owner[1] === 0) delete owners[key];
    else owners[key] = owner;
    if (Object.keys(owners).length === 0) fs.rmSync(file, { force: true });
    else fs.writeFileSync(file, JSON.stringify(owners));
  }

  private recordOwner(host: string, isDir: boolean): void {
    if (this.user.uid !== 0 || this.user.gid !== 0) this.setOwner(host, isDir, [this.user.uid, this.user.gid]);
  }

  private forgetOwner(host: string): void {
    try {
      this.setOwner(host, false, [0, 0]);
    } catch {
      // The parent may be gone with a recursive removal.
    }
  }

  // ---- mounts and usage ----------------------------------------------------

  /** mountTable lists the mounts in mount order (/ first), as /proc/mounts and `mount` show them. */
  mountTable(): MountInfo[] {
    const ordered = [...this.state.mounts].sort((a, b) => a.parts - b.parts || a.point.localeCompare(b.point));
    return ordered.map((m) => {
      const src = m.pseudo ?? m.volume!.source;
      const options = [m.readOnly ? 'ro' : 'rw', src.options].filter(Boolean).join(',');
      return { device: src.device, mountPoint: m.point, fstype: src.fstype, options };
    });
  }

  /** mountPointOf is the mount point holding a path (df FILE). */
  mountPointOf(path: string): string {
    const norm = normalizePath(path);
    return this.findMount(splitPath(norm), norm).point;
  }

  /** usage is df's numbers for the mount at a mount point. */
  usage(mountPoint: string): FilesystemUsage {
    const m = this.state.mounts.find((x) => x.point === mountPoint);
    if (!m) throw new FsError('ENOENT', mountPoint);
    if (m.pseudo) {
      return { device: m.pseudo.device, mountPoint, fstype: m.pseudo.fstype, sizeBytes: m.pseudo.sizeBytes, usedBytes: 0, availableBytes: m.pseudo.sizeBytes };
    }
    const volume = m.volume!;
    const health = volume.health?.();
    if (health) throw new FsError(health, mountPoint);
    const base = { device: volume.source.device, mountPoint, fstype: volume.source.fstype };
    if (volume.capacityBytes !== undefined) {
      // statfs: Used = f_blocks − f_bfree, Available = f_bavail, which leaves out the filesystem's reserved space.
      const used = Math.min(volume.capacityBytes, mountUsedBytes(volume));
      const available = Math.max(0, volume.capacityBytes - used - (volume.filesystemSpace?.reservedBytes ?? 0));
      return { ...base, sizeBytes: volume.capacityBytes, usedBytes: used, availableBytes: available };
    }
    const s = fs.statfsSync(volume.hostPath);
    return {
      ...base,
      sizeBytes: s.blocks * s.bsize,
      usedBytes: (s.blocks - s.bfree) * s.bsize,
      availableBytes: s.bavail * s.bsize,
    };
  }

  /** hostPathOf gives the host path behind a container path, confined to its mount (for trusted callers: the kubelet, image models); undefined for /dev, /proc, /sys and image-only files. */
  hostPathOf(path: string): string | undefined {
    const loc = this.locate(path);
    if (loc.kind === 'pseudo') return undefined;
    return loc.host;
  }
}

function pseudoStat(e: PseudoEntry, started: number): FileStat {
  const mtime = new Date(started);
  if (e.type === 'dir') return { type: 'dir', mode: e.mode, uid: 0, gid: 0, size: 0, mtime, nlink: 2 };
  if (e.type === 'file') return { type: 'file', mode: e.mode, uid: 0, gid: 0, size: 0, mtime, nlink: 1 };
  if (e.type === 'stream') return { type: 'other', mode: e.mode, uid: 0, gid: 0, size: 0, mtime, nlink: 1 };
  return { type: 'chardev', mode: e.mode, uid: 0, gid: 0, size: 0, mtime, nlink: 1, rdev: [e.major, e.minor] };
}

function bufferReader(bytes: Uint8Array): FileReader {
  let offset = 0;
  return {
    read(max) {
      if (offset >= bytes.length) return null;
      const chunk = bytes.subarray(offset, offset + max);
      offset += chunk.length;
      return chunk;
    },
    close() {},
  };
}

function roundUp(n: number): number {
  return Math.ceil(n / BLOCK) * BLOCK;
}

/** mountUsedBytes is what a sized mount has used: its files' blocks plus what its filesystem itself took (ext4's root directory, lost+found). */
function mountUsedBytes(volume: VolumeMount): number {
  return (volume.filesystemSpace?.baseUsedBytes ?? 0) + diskUsage(volume.hostPath, volume.source.fstype === 'tmpfs');
}

/** diskUsage sums a host tree in 4 KiB blocks (tmpfs charges no blocks to directories). Depth-capped. */
export function diskUsage(host: string, tmpfs: boolean, depth = 0): number {
  let total = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(host, { withFileTypes: true });
  } catch {
    return 0;
  }
  if (!tmpfs && depth > 0) total += BLOCK;
  for (const e of entries) {
    if (e.name === OWNERS_FILE) continue;
    const p = nodePath.join(host, e.name);
    if (e.isDirectory()) {
      if (depth < 64) total += diskUsage(p, tmpfs, depth + 1);
    } else if (e.isFile()) {
      try {
        total += roundUp(fs.statSync(p).size);
      } catch {
        // Removed meanwhile.
      }
    }
  }
  return total;
}

/** hostErrno maps a node:fs error to the errno the container sees. */
function hostErrno(err: unknown): Errno {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
    case 'EEXIST':
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ENOTEMPTY':
    case 'EROFS':
    case 'ENOSPC':
    case 'EFBIG':
    case 'EACCES':
    case 'EPERM':
    case 'EINVAL':
    case 'EBUSY':
    case 'EXDEV':
    case 'ENAMETOOLONG':
      return code;
    default:
      return 'EIO';
  }
}
