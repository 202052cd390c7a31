import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerFs } from '../../../sandbox/providers/sim/containers/fs/container-fs.ts';
import { FsError } from '../../../sandbox/providers/sim/containers/fs/errors.ts';
import { ImageLayer } from '../../../sandbox/providers/sim/containers/fs/image-layer.ts';
import { formatMountLine, mountSource } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { makeHostDirs, type HostDirs } from './fs-fixture.ts';

const image = new ImageLayer({
  '/bin/sh': { type: 'file', mode: 0o755, size: 1131168, nlink: 400 },
  '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/bin/sh\n' },
  '/tmp': { type: 'dir', mode: 0o1777 },
});

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof FsError) return err.code;
    throw err;
  }
  return 'ok';
}

describe('ContainerFs', () => {
  let dirs: HostDirs;
  beforeEach(() => {
    dirs = makeHostDirs();
  });
  afterEach(() => dirs.cleanup());

  it('writes volume files as real files in the mapped host directory', () => {
    const c = new ContainerFs({ rootfs: dirs.rootfs, image, mounts: [{ containerPath: '/data', hostPath: dirs.volume, source: mountSource.nodeDisk() }] });
    c.writeFile('/data/hello', 'hello world\n');
    expect(fs.readFileSync(path.join(dirs.volume, 'hello'), 'utf8')).toBe('hello world\n');
    c.writeFile('/tmp/note.txt', 'keep me\n');
    expect(fs.readFileSync(path.join(dirs.rootfs, 'tmp/note.txt'), 'utf8')).toBe('keep me\n');
  });

  it('keeps ../.. and absolute host paths inside the container', () => {
    const c = new ContainerFs({ rootfs: dirs.rootfs, image, mounts: [{ containerPath: '/data', hostPath: dirs.volume, source: mountSource.nodeDisk() }] });
    // /data/../../.. is /, the container's root; the host's secret beside rootfs is not reachable by any spelling.
    expect(c.readText('/data/../../../etc/passwd')).toBe('root:x:0:0:root:/root:/bin/sh\n');
    expect(code(() => c.readText(dirs.secret))).toBe('ENOENT');
    expect(code(() => c.readText('/../secret.txt'))).toBe('ENOENT');
    expect(code(() => c.readText('/etc/shadow'))).toBe('ENOENT');
    c.writeFile('/data/../../../../x', 'x');
    expect(fs.existsSync(path.join(dirs.base, 'x'))).toBe(false);
    expect(fs.existsSync(path.join(dirs.rootfs, 'x'))).toBe(true);
  });

  it('refuses a symlink someone left on the host that points outside the volume', () => {
    fs.symlinkSync(dirs.base, path.join(dirs.volume, 'escape'));
    const c = new ContainerFs({ rootfs: dirs.rootfs, mounts: [{ containerPath: '/data', hostPath: dirs.volume, source: mountSource.nodeDisk() }] });
    expect(code(() => c.readText('/data/escape/secret.txt'))).toBe('EACCES');
    expect(code(() => c.writeFile('/data/escape/new', 'x'))).toBe('EACCES');
    expect(fs.existsSync(path.join(dirs.base, 'new'))).toBe(false);
  });

  it('answers Read-only file system on a readOnly mount', () => {
    fs.writeFileSync(path.join(dirs.volume, 'a'), 'a');
    const c = new ContainerFs({ rootfs: dirs.rootfs, mounts: [{ containerPath: '/ro', hostPath: dirs.volume, readOnly: true, source: mountSource.nodeDisk() }] });
    expect(c.readText('/ro/a')).toBe('a');
    for (const op of [() => c.writeFile('/ro/b', 'b'), () => c.mkdir('/ro/d'), () => c.remove('/ro/a'), () => c.writeFile('/ro/a', 'x', { append: true })]) {
      expect(code(op)).toBe('EROFS');
    }
    expect(new FsError('EROFS', '/ro/b').message).toBe('Read-only file system');
  });

  it('fills a 64Mi tmpfs to exactly its size, then fails with No space left on device', () => {
    const c = new ContainerFs({ rootfs: dirs.rootfs, mounts: [{ containerPath: '/cache', hostPath: dirs.volume, capacityBytes: 64 * 1024 * 1024, source: mountSource.tmpfs(64 * 1024 * 1024) }] });
    const w = c.openWrite('/cache/big');
    const block = new Uint8Array(1024 * 1024);
    let failure = '';
    for (let i = 0; i < 100; i++) {
      try {
        w.write(block);
      } catch (err) {
        failure = (err as FsError).message;
        break;
      }
    }
    w.close();
    expect(failure).toBe('No space left on device');
    expect(fs.statSync(path.join(dirs.volume, 'big')).size).toBe(64 * 1024 * 1024);
    expect(c.usage('/cache')).toMatchObject({ device: 'tmpfs', sizeBytes: 67108864, usedBytes: 67108864, availableBytes: 0 });
    c.remove('/cache/big');
    expect(c.usage('/cache').usedBytes).toBe(0);
  });

  it('shows image files, copies them up on write and hides them on delete', () => {
    const c = new ContainerFs({ rootfs: dirs.rootfs, image });
    expect(c.readdir('/bin')).toEqual(['sh']);
    expect(c.stat('/bin/sh')).toMatchObject({ type: 'file', size: 1131168, nlink: 400, mode: 0o755 });
    c.writeFile('/etc/passwd', 'mysql:x:999:999::/var/lib/mysql:/bin/bash\n', { append: true });
    expect(c.readText('/etc/passwd')).toBe('root:x:0:0:root:/root:/bin/sh\nmysql:x:999:999::/var/lib/mysql:/bin/bash\n');
    c.remove('/bin/sh');
    expect(c.exists('/bin/sh')).toBe(false);
    expect(c.readdir('/bin')).toEqual([]);
    // Another container of the same image still has it: the layer is shared and read-only.
    const other = new ContainerFs({ rootfs: path.join(dirs.base, 'other'), image });
    expect(other.exists('/bin/sh')).toBe(true);
  });

  it('creates mount points, refuses to remove them and lists the mount table like /proc/mounts', () => {
    const c = new ContainerFs({
      rootfs: dirs.rootfs,
      mounts: [
        { containerPath: '/var/lib/mysql', hostPath: dirs.volume, source: mountSource.nfs('nfs', '/exports/mysql') },
      ],
    });
    expect(c.readdir('/var/lib')).toEqual(['mysql']);
    expect(code(() => c.remove('/var/lib/mysql'))).toBe('EBUSY');
    const lines = c.mountTable().map(formatMountLine);
    expect(lines[0]).toMatch(/^overlay on \/ type overlay \(rw,relatime,lowerdir=/);
    expect(lines).toContain('tmpfs on /dev type tmpfs (rw,nosuid,size=65536k,mode=755)');
    expect(lines).toContain('proc on /proc type proc (rw,nosuid,nodev,noexec,relatime)');
    expect(lines).toContain('sysfs on /sys type sysfs (ro,nosuid,nodev,noexec,relatime)');
    expect(lines.find((l) => l.includes('/var/lib/mysql'))).toMatch(/^nfs:\/exports\/mysql on \/var\/lib\/mysql type nfs4 \(rw,relatime,vers=4\.2,/);
    expect(c.readText('/proc/mounts')).toContain('nfs:/exports/mysql /var/lib/mysql nfs4 rw,relatime,vers=4.2');
  });

  it('fails with the mount health errno while the NFS server is down', () => {
    let down = false;
    const c = new ContainerFs({ rootfs: dirs.rootfs, mounts: [{ containerPath: '/nfs', hostPath: dirs.volume, source: mountSource.nfs('nfs', '/exports'), health: () => (down ? 'EIO' : undefined) }] });
    c.writeFile('/nfs/a', 'a');
    down = true;
    expect(code(() => c.readText('/nfs/a'))).toBe('EIO');
    down = false;
    expect(c.readText('/nfs/a')).toBe('a');
  });

  it('records owners of files a non-root user creates, visible to other views of the same host directory', () => {
    const mysql = new ContainerFs({ rootfs: dirs.rootfs, mounts: [{ containerPath: '/var/lib/mysql', hostPath: dirs.volume, source: mountSource.nodeDisk() }] }).as({ uid: 999, gid: 999 });
    mysql.mkdir('/var/lib/mysql/inventory', 0o750);
    mysql.writeFile('/var/lib/mysql/ibdata1', 'x');
    const debug = new ContainerFs({ rootfs: path.join(dirs.base, 'debug'), mounts: [{ containerPath: '/host/tmp/mysql', hostPath: dirs.volume, source: mountSource.nodeDisk() }] });
    expect(debug.stat('/host/tmp/mysql/inventory')).toMatchObject({ type: 'dir', uid: 999, gid: 999, mode: 0o750 });
    expect(debug.stat('/host/tmp/mysql/ibdata1')).toMatchObject({ uid: 999, gid: 999 });
    expect(debug.readdir('/host/tmp/mysql').sort()).toEqual(['ibdata1', 'inventory']);
  });

  it('guards the host disk with a per-file cap (File too large)', () => {
    const c = new ContainerFs({ rootfs: dirs.rootfs, maxFileBytes: 1000, mounts: [{ containerPath: '/data', hostPath: dirs.volume, source: mountSource.nodeDisk() }] });
    expect(code(() => c.writeFile('/data/f', new Uint8Array(2000)))).toBe('EFBIG');
    expect(fs.statSync(path.join(dirs.volume, 'f')).size).toBe(1000);
  });

  it('rejects over-long names and NUL bytes', () => {
    const c = new ContainerFs({ rootfs: dirs.rootfs });
    expect(code(() => c.writeFile('/tmp/' + 'a'.repeat(300), 'x'))).toBe('ENAMETOOLONG');
    expect(code(() => c.writeFile('/' + 'a/'.repeat(3000), 'x'))).toBe('ENAMETOOLONG');
    expect(code(() => c.stat('/tmp/a\0b'))).toBe('EINVAL');
  });

  it('reads /dev/zero and discards writes to /dev/null without touching the host', () => {
    const c = new ContainerFs({ rootfs: dirs.rootfs });
    expect(c.readFile('/dev/zero', 10)).toEqual(Buffer.alloc(10));
    c.writeFile('/dev/null', 'gone');
    expect(c.stat('/dev/null')).toMatchObject({ type: 'chardev', rdev: [1, 3] });
    expect(code(() => c.writeFile('/proc/version', 'x'))).toBe('EACCES');
    expect(code(() => c.writeFile('/sys/x', 'x'))).toBe('EROFS');
  });
});
