import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ext4Space, growExt4, mkfsExt4, overheadBlocks, type Ext4Layout } from '../../../sandbox/providers/sim/containers/fs/ext4.ts';
import { mountSource } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { exec, makeContainer, type TestContainer } from './harness.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Measured with e2fsprogs 1.47.0 (Debian 12, its /etc/mke2fs.conf):
 *   truncate -s SIZE x.img
 *   mkfs.ext4 -q -m0 -F -E nodiscard,lazy_itable_init=1,lazy_journal_init=1 x.img
 *   dumpe2fs -h x.img
 * columns: Block count, Free blocks, Block size, Reserved GDT blocks, Total journal blocks, Overhead clusters.
 * mke2fs's "Overhead clusters" is what ext4_calculate_overhead finds too (metadata + journal).
 */
const mkfsMeasured: [string, number, number, number, number, number, number, number][] = [
  ['3M', 3 * MiB, 3072, 1814, 1024, 23, 1024, 1244],
  ['10M', 10 * MiB, 10240, 8395, 1024, 79, 1024, 1831],
  ['16M', 16 * MiB, 16384, 14059, 1024, 127, 1024, 2311],
  ['100M', 100 * MiB, 102400, 90319, 1024, 256, 4096, 12067],
  ['300M', 300 * MiB, 307200, 277609, 1024, 256, 8192, 29577],
  ['511M', 511 * MiB, 523264, 479940, 1024, 256, 8192, 43310],
  ['512M', 512 * MiB, 131072, 124719, 4096, 63, 4096, 6347],
  ['1G', GiB, 262144, 249189, 4096, 127, 8192, 12949],
  // 1025M: the last 1 MiB is too short a group for its metadata and is left out; the inode count still comes from the whole device.
  ['1025M', 1025 * MiB, 262144, 249181, 4096, 127, 8192, 12957],
  ['1100M', 1100 * MiB, 281600, 268288, 4096, 137, 8192, 13306],
  ['2G', 2 * GiB, 524288, 498132, 4096, 255, 16384, 26150],
  ['3G', 3 * GiB, 786432, 755396, 4096, 383, 16384, 31030],
  ['5G', 5 * GiB, 1310720, 1268642, 4096, 639, 16384, 42072],
  ['10G', 10 * GiB, 2621440, 2554687, 4096, 1024, 16384, 66747],
  ['20G', 20 * GiB, 5242880, 5116558, 4096, 1024, 32768, 126316],
  ['100G', 100 * GiB, 26214400, 25656552, 4096, 1024, 131072, 557842],
  // 200G: the 1 GiB journal needs more than 4 extents, so one extent leaf block is used on top of the usual 6.
  ['200G', 200 * GiB, 52428800, 51328499, 4096, 1024, 262144, 1100294],
];

/**
 * Grown with resize2fs (offline, same e2fsprogs; the kernel's online resize
 * lays out new groups the same way): mkfs as above at FROM, then
 * `truncate -s TO x.img && resize2fs x.img && dumpe2fs -h x.img`.
 * columns: Block count, Free blocks, Reserved GDT blocks, Total journal blocks.
 */
const growMeasured: [string, number, number, number, number, number, number][] = [
  ['1G→2G', GiB, 2 * GiB, 524288, 507092, 127, 8192],
  ['1G→5G', GiB, 5 * GiB, 1310720, 1280930, 127, 8192],
  ['1G→10G', GiB, 10 * GiB, 2621440, 2570961, 126, 8192],
  ['2G→3G', 2 * GiB, 3 * GiB, 786432, 756164, 255, 16384],
  ['5G→10G', 5 * GiB, 10 * GiB, 2621440, 2558161, 638, 16384],
  ['100M→1G', 100 * MiB, GiB, 1048576, 978395, 249, 4096],
  ['1G→1100M', GiB, 1100 * MiB, 281600, 268131, 127, 8192],
  ['1G→1025M', GiB, 1025 * MiB, 262144, 249189, 127, 8192],
  ['10G→100G', 10 * GiB, 100 * GiB, 26214400, 25771405, 1013, 16384],
];

/** freeBlocks is dumpe2fs's "Free blocks" of an empty filesystem as the model has it: Size minus what mke2fs used. */
function freeBlocks(layout: Ext4Layout): number {
  const space = ext4Space(layout);
  return (space.sizeBytes - space.baseUsedBytes) / layout.blockSize;
}

describe('ext4 layout of a ceph-csi formatted RBD image', () => {
  it.each(mkfsMeasured)('mkfs.ext4 -m0 of %s matches dumpe2fs', (_name, bytes, blocks, free, blockSize, rsvGdt, journal, overhead) => {
    const layout = mkfsExt4(bytes);
    expect({ blocks: layout.blocksCount, free: freeBlocks(layout), blockSize: layout.blockSize, rsvGdt: layout.reservedGdtBlocks, journal: layout.journalBlocks, overhead: overheadBlocks(layout) }).toEqual({
      blocks,
      free,
      blockSize,
      rsvGdt,
      journal,
      overhead,
    });
  });

  it.each(growMeasured)('resize2fs %s matches dumpe2fs: journal and inode tables stay as mkfs made them', (_name, from, to, blocks, free, rsvGdt, journal) => {
    const layout = growExt4(mkfsExt4(from), to);
    expect({ blocks: layout.blocksCount, free: freeBlocks(layout), rsvGdt: layout.reservedGdtBlocks, journal: layout.journalBlocks }).toEqual({ blocks, free, rsvGdt, journal });
  });

  it('a grown filesystem is not a fresh one of the new size (1G grown to 2G keeps its 32 MiB journal)', () => {
    expect(ext4Space(growExt4(mkfsExt4(GiB), 2 * GiB)).sizeBytes - ext4Space(mkfsExt4(2 * GiB)).sizeBytes).toBe(35840 * 1024);
  });

  it('never shrinks: ceph-csi only grows a filesystem', () => {
    const layout = mkfsExt4(2 * GiB);
    expect(growExt4(layout, GiB)).toBe(layout);
  });

  it('df numbers (1K blocks) of fresh 1G, 2G, 5G and 10G filesystems: Size, Used 24K, Available short by the reserved clusters', () => {
    const df = (l: Ext4Layout) => {
      const s = ext4Space(l);
      return [s.sizeBytes / 1024, s.baseUsedBytes / 1024, (s.sizeBytes - s.baseUsedBytes - s.reservedBytes) / 1024];
    };
    expect(df(mkfsExt4(GiB))).toEqual([996780, 24, 980372]);
    expect(df(mkfsExt4(2 * GiB))).toEqual([1992552, 24, 1976144]);
    expect(df(mkfsExt4(5 * GiB))).toEqual([5074592, 24, 5058184]);
    expect(df(mkfsExt4(10 * GiB))).toEqual([10218772, 24, 10202364]);
    // 2 % of the blocks below 800 MiB: 16M has 327 KiB held back.
    expect(ext4Space(mkfsExt4(16 * MiB)).reservedBytes).toBe(327 * 1024);
  });
});

describe('df and writes on an ext4 RBD mount', () => {
  let c: TestContainer;
  afterEach(() => c?.cleanup());

  function rbdMount(base: string, deviceBytes: number) {
    const space = ext4Space(mkfsExt4(deviceBytes));
    const hostPath = path.join(base, 'rbd');
    fs.mkdirSync(hostPath, { recursive: true });
    return {
      containerPath: '/data',
      hostPath,
      source: mountSource.rbd('/dev/rbd0'),
      capacityBytes: space.sizeBytes,
      filesystemSpace: { baseUsedBytes: space.baseUsedBytes, reservedBytes: space.reservedBytes },
    };
  }

  it('df -h and df -k show the ext4 filesystem of a 1Gi image, not the raw device', async () => {
    c = makeContainer({ mounts: (base) => [rbdMount(base, GiB)] });
    expect((await exec(c, ['df', '-h', '/data'])).stdout).toBe(
      'Filesystem                Size      Used Available Use% Mounted on\n' + '/dev/rbd0               973.4M     24.0K    957.4M   0% /data\n',
    );
    expect((await exec(c, ['df', '-k', '/data'])).stdout.split('\n')[1]).toBe('/dev/rbd0               996780        24    980372   0% /data');
  });

  it('writes stop at Available (the reserved clusters stay free), and df then shows 0 available', async () => {
    c = makeContainer({ mounts: (base) => [rbdMount(base, 16 * MiB)] });
    const dd = await exec(c, ['dd', 'if=/dev/zero', 'of=/data/big', 'bs=1M', 'count=20']);
    expect(dd.code).toBe(1);
    expect(dd.stderr).toMatch(/^dd: error writing '\/data\/big': No space left on device\n/);
    // Size 14073K − Used 14K − reserved 327K = 13732K of room, in whole 4 KiB blocks.
    expect(fs.statSync(path.join(c.base, 'rbd', 'big')).size).toBe(13732 * 1024);
    expect((await exec(c, ['df', '-k', '/data'])).stdout.split('\n')[1]).toBe('/dev/rbd0                14073     13746         0 100% /data');
  });
});
