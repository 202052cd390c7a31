/**
 * CephToolsContext is what the simulated `ceph` and `rbd` commands read: the
 * cluster's CephCluster state (the same instance ceph-csi's provisioner
 * writes images into and the kubelet model adds watchers to), the DataRoot
 * holding image data (for `rbd du` and `ceph df` usage), and the times ages
 * are counted from. The tools only read, except `rbd create`/`rbd rm` and
 * `ceph auth get-or-create`, which go through CephCluster's own methods.
 */
import { readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { CephCluster, RbdImage } from '../ceph-cluster.ts';
import type { DataRoot } from '../../dataroot/dataroot.ts';

/** CEPH_ADDRESS is the Ceph container's address on the lab network (nodes .2–.4, nfs .5). */
export const CEPH_ADDRESS = '172.18.0.6';

/** CEPH_RELEASE is the Ceph release the model follows; `ceph version` says it is simulated. */
export const CEPH_RELEASE = { version: '18.2.4', name: 'reef', major: 18 } as const;

/** RAW_CAPACITY_BYTES is the lab cluster's one 10 GiB OSD (lesson 4's `ceph -s`). */
export const RAW_CAPACITY_BYTES = 10 * 1024 ** 3;

/** BASE_USED_BYTES is what an empty one-OSD cluster uses (BlueStore metadata and RocksDB: lesson 4 shows 27 MiB). */
export const BASE_USED_BYTES = 27 * 1024 ** 2;

/** MGR_POOL_STORED_BYTES / MGR_POOL_OBJECTS are the .mgr pool's content (the devicehealth module's objects). */
export const MGR_POOL_STORED_BYTES = 449 * 1024;
export const MGR_POOL_OBJECTS = 2;

export interface CephToolsContext {
  ceph: CephCluster;
  /** dataRoot holds image data under `ceph/<pool>/<image>/`; without it images count as empty. */
  dataRoot?: DataRoot;
  /** startedAt is when the Ceph daemons started (the mon's quorum age, the osd's `up since`). */
  startedAt: Date;
  now?: () => Date;
}

export function nowOf(ctx: CephToolsContext): Date {
  return ctx.now?.() ?? new Date();
}

/** objectSize is an image's RADOS object size (2^order bytes). */
export function objectSize(image: RbdImage): number {
  return 2 ** image.order;
}

/**
 * imageUsedBytes is how much of an image RADOS stores: the bytes of files
 * in the image's data folder, rounded up to whole objects (a write allocates
 * the whole 4 MiB object only as far as it is written; thin provisioning
 * means an unwritten image uses nothing). A modelled estimate: the real
 * number also counts ext4's journal and metadata blocks.
 */
export function imageUsedBytes(ctx: CephToolsContext, image: RbdImage): number {
  if (!ctx.dataRoot) return 0;
  let bytes = 0;
  try {
    bytes = treeBytes(ctx.dataRoot.cephImageDir(image.pool, image.name));
  } catch {
    return 0;
  }
  const obj = objectSize(image);
  return Math.min(image.sizeBytes, Math.ceil(bytes / obj) * obj);
}

/** imageObjects is how many data objects an image has (`rbd_data.<id>.*`). */
export function imageObjects(ctx: CephToolsContext, image: RbdImage): number {
  return Math.ceil(imageUsedBytes(ctx, image) / objectSize(image));
}

function treeBytes(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) total += treeBytes(p);
    else if (st.isFile()) total += st.size;
  }
  return total;
}
