/**
 * Pseudo filesystems a container sees that are not directories on disk:
 * /dev (character devices: null, zero, full, random, urandom, tty), /proc
 * (mounts, version, uptime, …) and /sys (read-only, nearly empty). They are
 * generated on read and never write to the host.
 */
import { randomFillSync } from 'node:crypto';

/** DeviceKind is a character device's behaviour (drivers/char/mem.c). */
export type DeviceKind = 'null' | 'zero' | 'full' | 'random' | 'urandom' | 'tty';

/** PseudoEntry is one node of a pseudo filesystem. */
export type PseudoEntry =
  | { type: 'dir'; mode: number }
  | { type: 'file'; mode: number; read: () => string }
  | { type: 'chardev'; mode: number; device: DeviceKind; major: number; minor: number }
  /** stream: a process's open stdout/stderr (/proc/PID/fd/1): writes go to it. */
  | { type: 'stream'; mode: number; write: (data: Uint8Array) => void };

/** PseudoFs is a small tree of generated entries, keyed by path relative to its mount point ('' is the root). */
export interface PseudoFs {
  fstype: string;
  device: string;
  options: string;
  readOnly: boolean;
  /** sizeBytes: what df shows; 0 hides it from df (proc, sysfs), as busybox df skips f_blocks == 0. */
  sizeBytes: number;
  entry(rel: string): PseudoEntry | undefined;
  list(rel: string): string[];
}

function tree(entries: Record<string, PseudoEntry>): Pick<PseudoFs, 'entry' | 'list'> {
  const all = new Map<string, PseudoEntry>(Object.entries(entries));
  all.set('', { type: 'dir', mode: 0o755 });
  return {
    entry: (rel) => all.get(rel),
    list: (rel) => {
      const prefix = rel === '' ? '' : rel + '/';
      const names: string[] = [];
      for (const key of all.keys()) {
        if (key !== '' && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) names.push(key.slice(prefix.length));
      }
      return names;
    },
  };
}

/** DEV_SIZE is the 64 MiB tmpfs containerd mounts on /dev (oci spec default: size=65536k). */
const DEV_SIZE = 64 * 1024 * 1024;

/** devFs is /dev as containerd sets it up (mem.c majors/minors). */
export function devFs(): PseudoFs {
  return {
    fstype: 'tmpfs',
    device: 'tmpfs',
    options: 'nosuid,size=65536k,mode=755',
    readOnly: false,
    sizeBytes: DEV_SIZE,
    ...tree({
      null: { type: 'chardev', mode: 0o666, device: 'null', major: 1, minor: 3 },
      zero: { type: 'chardev', mode: 0o666, device: 'zero', major: 1, minor: 5 },
      full: { type: 'chardev', mode: 0o666, device: 'full', major: 1, minor: 7 },
      random: { type: 'chardev', mode: 0o666, device: 'random', major: 1, minor: 8 },
      urandom: { type: 'chardev', mode: 0o666, device: 'urandom', major: 1, minor: 9 },
      tty: { type: 'chardev', mode: 0o666, device: 'tty', major: 5, minor: 0 },
      pts: { type: 'dir', mode: 0o755 },
      shm: { type: 'dir', mode: 0o1777 },
      mqueue: { type: 'dir', mode: 0o1777 },
    }),
  };
}

/** ProcProcess is one process as /proc/PID shows it. */
export interface ProcProcess {
  pid: number;
  uid: number;
  argv: readonly string[];
  /** fds 1 and 2: writing /proc/PID/fd/1 reaches the process's stdout (for PID 1, `kubectl logs`). */
  stdout?: (data: Uint8Array) => void;
  stderr?: (data: Uint8Array) => void;
}

/** ProcInfo is what /proc reports about the container; the caller supplies live values. */
export interface ProcInfo {
  mounts: () => string;
  hostname: () => string;
  uptimeSeconds: () => number;
  processes: () => ProcProcess[];
}

/** processEntry resolves /proc/PID/… from the live process table. */
function processEntry(info: ProcInfo, rel: string): PseudoEntry | undefined {
  const m = /^(\d+)(?:\/(cmdline|status|fd|fd\/[012]))?$/.exec(rel);
  if (!m) return undefined;
  const p = info.processes().find((x) => x.pid === Number(m[1]));
  if (!p) return undefined;
  switch (m[2]) {
    case undefined:
    case 'fd':
      return { type: 'dir', mode: 0o555 };
    case 'cmdline':
      return { type: 'file', mode: 0o444, read: () => p.argv.join('\0') + '\0' };
    case 'status':
      return {
        type: 'file',
        mode: 0o444,
        read: () => `Name:\t${(p.argv[0] ?? '').replace(/^.*\//, '').slice(0, 15)}\nState:\tS (sleeping)\nPid:\t${p.pid}\nPPid:\t${p.pid === 1 ? 0 : 1}\nUid:\t${p.uid}\t${p.uid}\t${p.uid}\t${p.uid}\n`,
      };
    case 'fd/0':
      return { type: 'chardev', mode: 0o500, device: 'null', major: 1, minor: 3 };
    default: {
      const write = m[2] === 'fd/1' ? p.stdout : p.stderr;
      return write ? { type: 'stream', mode: 0o300, write } : { type: 'chardev', mode: 0o300, device: 'null', major: 1, minor: 3 };
    }
  }
}


/** KERNEL_VERSION is the simulated node kernel (a Debian 12 kernel, as kind nodes on a Debian host report). */
export const KERNEL_RELEASE = '6.1.0-kslab-sim';
export const KERNEL_VERSION_LINE = `Linux version ${KERNEL_RELEASE} (simulated by k8s-storage-lab) #1 SMP PREEMPT_DYNAMIC Debian 6.1.0`;

/** procFs is /proc, with the few files scripts read. */
export function procFs(info: ProcInfo): PseudoFs {
  const fixed = tree({
    mounts: { type: 'file', mode: 0o444, read: info.mounts },
    self: { type: 'dir', mode: 0o555 },
    'self/mounts': { type: 'file', mode: 0o444, read: info.mounts },
    version: { type: 'file', mode: 0o444, read: () => KERNEL_VERSION_LINE + '\n' },
    uptime: { type: 'file', mode: 0o444, read: () => `${info.uptimeSeconds().toFixed(2)} ${(info.uptimeSeconds() * 1.9).toFixed(2)}\n` },
    loadavg: { type: 'file', mode: 0o444, read: () => '0.08 0.05 0.01 1/212 1\n' },
    filesystems: { type: 'file', mode: 0o444, read: () => 'nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\toverlay\n\text4\nnodev\tnfs4\n' },
    sys: { type: 'dir', mode: 0o555 },
    'sys/kernel': { type: 'dir', mode: 0o555 },
    'sys/kernel/hostname': { type: 'file', mode: 0o644, read: () => info.hostname() + '\n' },
  });
  return {
    fstype: 'proc',
    device: 'proc',
    options: 'nosuid,nodev,noexec,relatime',
    readOnly: false,
    sizeBytes: 0,
    entry: (rel) => fixed.entry(rel) ?? processEntry(info, rel),
    list: (rel) => {
      if (rel === '') return [...info.processes().map((p) => String(p.pid)), ...fixed.list('')];
      if (/^\d+$/.test(rel)) return ['cmdline', 'fd', 'status'];
      if (/^\d+\/fd$/.test(rel)) return ['0', '1', '2'];
      return fixed.list(rel);
    },
  };
}

/** sysFs is /sys, mounted read-only in an unprivileged container. */
export function sysFs(): PseudoFs {
  return {
    fstype: 'sysfs',
    device: 'sysfs',
    options: 'nosuid,nodev,noexec,relatime',
    readOnly: true,
    sizeBytes: 0,
    ...tree({
      fs: { type: 'dir', mode: 0o755 },
      'fs/cgroup': { type: 'dir', mode: 0o755 },
      kernel: { type: 'dir', mode: 0o755 },
      class: { type: 'dir', mode: 0o755 },
    }),
  };
}

/** readDevice produces `max` bytes from a device, or null at end of file. */
export function readDevice(device: DeviceKind, requested: number): Uint8Array | null {
  // One read returns at most 1 MiB, as a pipe or device read would; callers loop.
  const max = Math.max(0, Math.min(requested, 1 << 20));
  switch (device) {
    case 'null':
    case 'tty':
      return null;
    case 'zero':
    case 'full':
      return new Uint8Array(max);
    case 'random':
    case 'urandom':
      return randomFillSync(new Uint8Array(max));
  }
}
