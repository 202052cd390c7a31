/**
 * ext4 space accounting: what `df` shows for a block device that ceph-csi
 * formatted, worked out from the layout mke2fs gives it rather than from a
 * table of sizes. ceph-csi's NodeStageVolume runs
 * `mkfs.ext4 -m0 -Enodiscard,lazy_itable_init=1,lazy_journal_init=1` on a
 * fresh image (ceph-csi internal/rbd/nodeserver.go), and grows it with
 * resize2fs on NodeExpandVolume (k8s.io/mount-utils resizefs_linux.go).
 *
 * The layout follows e2fsprogs with its default /etc/mke2fs.conf (ext4:
 * has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,
 * extra_isize; resize_inode and sparse_super from base_features):
 * - misc/mke2fs.c: the size type picks block size and inode ratio
 *   (floppy < 3 MiB, small < 512 MiB: 1 KiB blocks; default: 4 KiB blocks,
 *   one inode per 16 KiB; big ≥ 4 TiB and huge ≥ 16 TiB fewer inodes);
 *   calc_reserved_gdt_blocks leaves room to grow 1024-fold;
 * - lib/ext2fs/initialize.c ext2fs_initialize: groups of 8 × block size
 *   blocks, inodes per group rounded to fill whole inode-table blocks, and
 *   a last group too small for its metadata (+50 blocks) dropped;
 * - lib/ext2fs/mkjournal.c ext2fs_default_journal_size: the journal size
 *   by block count (4 MiB … 1 GiB);
 * - lib/ext2fs/closefs.c ext2fs_bg_has_super: superblock and descriptor
 *   backups in groups 0, 1 and powers of 3, 5 and 7 (sparse_super).
 *
 * What statfs then reports is the kernel's (fs/ext4/super.c):
 * - ext4_statfs: f_blocks = blocks − overhead, f_bfree = free blocks,
 *   f_bavail = f_bfree − (root-reserved blocks + s_resv_clusters);
 * - ext4_calculate_overhead: blocks before s_first_data_block, each group's
 *   superblock, descriptors and reserved descriptor blocks (counted since
 *   Linux 5.18, "ext4: fix overhead calculation to account for the reserved
 *   gdt blocks"; older kernels showed those as Used), bitmaps, inode tables,
 *   and the journal;
 * - ext4_calculate_resv_clusters: 2 % of the blocks or 4096 blocks, whichever
 *   is smaller, kept back for punch-hole and delalloc metadata — so even with
 *   -m0 Available is 16 MiB short of Size − Used on a 1 GiB volume.
 *
 * Checked against mkfs.ext4 (e2fsprogs 1.47.0) + dumpe2fs, see
 * test/unit/sim-containers/ext4.test.ts, and against a published df of a
 * 300Mi ceph-csi volume (ceph/ceph-csi#213: `/dev/rbd3 282.5M 2.0M 276.5M`,
 * which this layout reproduces with that era's 128-byte small-fs inodes and
 * its kernel counting reserved descriptor blocks as Used).
 */

/** Ext4Layout is the shape of an ext4 filesystem that decides its statfs numbers. */
export interface Ext4Layout {
  blockSize: number;
  blocksCount: number;
  /** firstDataBlock is 1 with 1 KiB blocks (block 0 is the boot block), else 0. */
  firstDataBlock: number;
  blocksPerGroup: number;
  groups: number;
  inodesPerGroup: number;
  inodeTableBlocksPerGroup: number;
  /** descriptorBlocks hold the group descriptors (64 bytes each with 64bit). */
  descriptorBlocks: number;
  /** reservedGdtBlocks are kept after each descriptor copy so the resize inode can add descriptor blocks when the filesystem grows. */
  reservedGdtBlocks: number;
  /** journalBlocks is the internal journal's length (inode 8). */
  journalBlocks: number;
}

/** Ext4Space is what statfs says about an empty ext4 filesystem, in bytes. */
export interface Ext4Space {
  /** sizeBytes is df's Size: f_blocks × block size, the blocks left once metadata and journal are taken out. */
  sizeBytes: number;
  /** baseUsedBytes is df's Used on the empty filesystem: the root directory, lost+found and the resize inode's block. */
  baseUsedBytes: number;
  /** reservedBytes is kept out of Available besides Used: root-reserved blocks (none with -m0) and ext4's reserved clusters. */
  reservedBytes: number;
  /** blockSize is the filesystem's block size: files take whole blocks of it. */
  blockSize: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const TiB = 1024 * 1024 * MiB;
/** descriptorSize: 64-byte group descriptors with the 64bit feature (EXT2_MIN_DESC_SIZE_64BIT). */
const descriptorSize = 64;
/** inodeSize: mke2fs.conf's `inode_size = 256`, for every size type in current configs (older ones gave small filesystems 128-byte inodes). */
const inodeSize = 256;
/** lostFoundBytes: mke2fs create_lost_and_found grows lost+found to 16 KiB, within its 12 direct blocks. */
const lostFoundBytes = 16 * KiB;
/** growthFactor: calc_reserved_gdt_blocks plans for 1024 times the initial size. */
const growthFactor = 1024;
/** maxExtentBlocks: one extent maps at most 32768 blocks; the inode holds 4 extents, a leaf block 340 (4 KiB). */
const maxExtentBlocks = 32768;

/** sizeType is mke2fs's size type for a device (misc/mke2fs.c parse_fs_type) with its mke2fs.conf block size and inode ratio. */
function sizeType(deviceBytes: number): { blockSize: number; inodeRatio: number } {
  if (deviceBytes < 3 * MiB) return { blockSize: 1024, inodeRatio: 8192 }; // floppy
  if (deviceBytes < 512 * MiB) return { blockSize: 1024, inodeRatio: 4096 }; // small
  if (deviceBytes < 4 * TiB) return { blockSize: 4096, inodeRatio: 16384 }; // default
  if (deviceBytes < 16 * TiB) return { blockSize: 4096, inodeRatio: 32768 }; // big
  return { blockSize: 4096, inodeRatio: 65536 }; // huge
}

/** defaultJournalBlocks is ext2fs_default_journal_size (lib/ext2fs/mkjournal.c); 0: too small for a journal. */
export function defaultJournalBlocks(blocks: number): number {
  if (blocks < 2048) return 0;
  if (blocks < 32768) return 1024;
  if (blocks < 256 * 1024) return 4096;
  if (blocks < 512 * 1024) return 8192;
  if (blocks < 4096 * 1024) return 16384;
  if (blocks < 8192 * 1024) return 32768;
  if (blocks < 16384 * 1024) return 65536;
  if (blocks < 32768 * 1024) return 131072;
  return 262144;
}

/** hasSuper is ext2fs_bg_has_super with sparse_super: groups 0, 1 and powers of 3, 5 and 7 keep superblock and descriptor backups. */
export function hasSuper(group: number): boolean {
  if (group <= 1) return true;
  if (group % 2 === 0) return false;
  for (const base of [3, 5, 7]) {
    let n = base;
    while (n < group) n *= base;
    if (n === group) return true;
  }
  return false;
}

function groupsOf(blocks: number, firstDataBlock: number, blocksPerGroup: number): number {
  return Math.ceil((blocks - firstDataBlock) / blocksPerGroup);
}

function descriptorBlocksOf(groups: number, blockSize: number): number {
  return Math.ceil(groups / (blockSize / descriptorSize));
}

/** groupMetadataBlocks is a group's superblock + descriptor + reserved descriptor blocks (ext4_num_base_meta_clusters). */
function groupMetadataBlocks(layout: Ext4Layout, group: number): number {
  return hasSuper(group) ? 1 + layout.descriptorBlocks + layout.reservedGdtBlocks : 0;
}

/**
 * mkfsExt4 is the layout `mkfs.ext4 -m0` gives a device of deviceBytes
 * (ext2fs_initialize's arithmetic; see the file comment).
 */
export function mkfsExt4(deviceBytes: number): Ext4Layout {
  const { blockSize, inodeRatio } = sizeType(deviceBytes);
  const firstDataBlock = blockSize === 1024 ? 1 : 0;
  const blocksPerGroup = 8 * blockSize;
  const deviceBlocks = Math.floor(deviceBytes / blockSize);
  // The inode count is fixed from the whole device before a short last group is dropped.
  const inodesCount = Math.max(12, Math.floor((deviceBlocks * blockSize) / inodeRatio));
  let blocks = deviceBlocks;
  for (;;) {
    const groups = groupsOf(blocks, firstDataBlock, blocksPerGroup);
    let ipg = Math.ceil(inodesCount / groups);
    // Fill whole inode-table blocks, then keep a multiple of 8 ("waste not, want not").
    let itb = Math.ceil((ipg * inodeSize) / blockSize);
    ipg = Math.floor((itb * blockSize) / inodeSize);
    ipg = Math.max(8, ipg) & ~7;
    itb = Math.ceil((ipg * inodeSize) / blockSize);
    const descriptorBlocks = descriptorBlocksOf(groups, blockSize);
    const layout: Ext4Layout = {
      blockSize,
      blocksCount: blocks,
      firstDataBlock,
      blocksPerGroup,
      groups,
      inodesPerGroup: ipg,
      inodeTableBlocksPerGroup: itb,
      descriptorBlocks,
      reservedGdtBlocks: reservedGdtBlocks(blocks, firstDataBlock, blocksPerGroup, blockSize, descriptorBlocks),
      journalBlocks: 0,
    };
    // ext2fs_initialize: a last group too small for its bitmaps, inode table and descriptor copies (+50) is dropped.
    let overhead = 3 + itb + layout.reservedGdtBlocks;
    if (hasSuper(groups - 1)) overhead += 1 + descriptorBlocks + layout.reservedGdtBlocks;
    const rem = (blocks - firstDataBlock) % blocksPerGroup;
    if (rem && rem < overhead + 50 && groups > 1) {
      blocks -= rem;
      continue;
    }
    layout.journalBlocks = defaultJournalBlocks(blocks);
    return layout;
  }
}

/** reservedGdtBlocks is mke2fs calc_reserved_gdt_blocks: descriptor room for 1024 × the blocks (at most 2^32 blocks, at most one block of pointers). */
function reservedGdtBlocks(blocks: number, firstDataBlock: number, blocksPerGroup: number, blockSize: number, descriptorBlocks: number): number {
  const maxBlocks = Math.min(0xffffffff, blocks * growthFactor);
  const rsvGroups = Math.ceil((maxBlocks - firstDataBlock) / blocksPerGroup);
  const rsv = Math.ceil(rsvGroups / (blockSize / descriptorSize)) - descriptorBlocks;
  return Math.max(0, Math.min(rsv, blockSize / 4));
}

/**
 * growExt4 is the layout after resize2fs grows a mounted filesystem to
 * deviceBytes (online: the kernel's ext4_resize_fs, fs/ext4/resize.c). New
 * groups get the same inode tables; the journal keeps its size; each new
 * descriptor block is taken from the reserved ones. A last group too short
 * for its metadata is left out, as the kernel does. A smaller device leaves
 * the filesystem as it is (ceph-csi never shrinks).
 */
export function growExt4(layout: Ext4Layout, deviceBytes: number): Ext4Layout {
  let blocks = Math.floor(deviceBytes / layout.blockSize);
  if (blocks <= layout.blocksCount) return layout;
  const { firstDataBlock, blocksPerGroup, blockSize } = layout;
  let groups = groupsOf(blocks, firstDataBlock, blocksPerGroup);
  const lastStart = firstDataBlock + (groups - 1) * blocksPerGroup;
  const grown = (g: number): Ext4Layout => {
    const descriptorBlocks = descriptorBlocksOf(g, blockSize);
    const used = descriptorBlocks - layout.descriptorBlocks;
    return { ...layout, groups: g, descriptorBlocks, reservedGdtBlocks: Math.max(0, layout.reservedGdtBlocks - used) };
  };
  let next = grown(groups);
  // ext4_resize_fs: the last group must hold its metadata, 2 bitmaps, an inode table and a block.
  if (groups > layout.groups && lastStart + groupMetadataBlocks(next, groups - 1) + 2 + layout.inodeTableBlocksPerGroup + 1 >= blocks) {
    blocks = lastStart;
    groups -= 1;
    next = grown(groups);
  }
  if (blocks <= layout.blocksCount) return layout;
  return { ...next, blocksCount: blocks };
}

/** overheadBlocks is ext4_calculate_overhead: what statfs leaves out of Size. */
export function overheadBlocks(layout: Ext4Layout): number {
  let overhead = layout.firstDataBlock;
  for (let g = 0; g < layout.groups; g++) overhead += groupMetadataBlocks(layout, g);
  overhead += layout.groups * (2 + layout.inodeTableBlocksPerGroup);
  return overhead + layout.journalBlocks;
}

/**
 * ext4Space is statfs of the layout with no files yet: Size (f_blocks),
 * the blocks mke2fs itself used (root directory, lost+found, the resize
 * inode's double-indirect block, and the journal's extent leaf once the
 * journal needs more than the inode's 4 extents — a 1 GiB journal, from
 * 128 GiB up) and what Available keeps back.
 */
export function ext4Space(layout: Ext4Layout): Ext4Space {
  const { blockSize } = layout;
  const sizeBlocks = layout.blocksCount - overheadBlocks(layout);
  const lostFound = Math.min(12, Math.ceil(lostFoundBytes / blockSize));
  const journalExtents = Math.ceil(layout.journalBlocks / maxExtentBlocks);
  const journalLeaves = journalExtents > 4 ? Math.ceil(journalExtents / ((blockSize - 12) / 12)) : 0;
  const baseUsed = 1 + lostFound + (layout.reservedGdtBlocks > 0 ? 1 : 0) + journalLeaves;
  const resvClusters = Math.min(Math.floor(layout.blocksCount / 50), 4096);
  return { sizeBytes: sizeBlocks * blockSize, baseUsedBytes: baseUsed * blockSize, reservedBytes: resvClusters * blockSize, blockSize };
}
