/**
 * The simulated cluster's `ceph` and `rbd` commands for the learner terminal
 * (Cluster.tools), reading and writing the same CephCluster state ceph-csi's
 * provisioner writes. Watchers shown by `rbd status` come from
 * CephCluster.addWatcher / removeWatchers, which the kubelet model calls when
 * a node stages (maps) and unstages (unmaps) an image — see mapImageOnNode.
 */
import type { TerminalTool } from '../../../types.ts';
import type { CephCluster, RbdWatcher } from '../ceph-cluster.ts';
import { cephTool } from './ceph.ts';
import { rbdTool } from './rbd.ts';
import type { CephToolsContext } from './context.ts';

export { cephTool } from './ceph.ts';
export { rbdTool } from './rbd.ts';
export { CEPH_ADDRESS, CEPH_RELEASE, type CephToolsContext } from './context.ts';
export { formatBytes, formatAge, formatCtime } from './format.ts';

/** cephTerminalTools are the two commands, ready for Cluster.tools. */
export function cephTerminalTools(ctx: CephToolsContext): Record<'ceph' | 'rbd', TerminalTool> {
  return { ceph: cephTool(ctx), rbd: rbdTool(ctx) };
}

/**
 * mapImageOnNode is what ceph-csi's NodeStageVolume does to Ceph when it runs
 * `rbd map` on a node: the kernel client opens the image and registers a
 * watch, so `rbd status` lists `watcher=<node ip>:0/<nonce> client.<id> cookie=<n>`.
 * Mapping twice from the same node keeps one watcher (the node's kernel client is one session).
 */
export function mapImageOnNode(ceph: CephCluster, pool: string, image: string, nodeAddress: string): RbdWatcher {
  const existing = ceph.image(pool, image)?.watchers.find((w) => w.address.startsWith(`${nodeAddress}:`));
  return existing ?? ceph.addWatcher(pool, image, nodeAddress);
}

/** unmapImageOnNode is NodeUnstageVolume's `rbd unmap`: the node's watch goes away. */
export function unmapImageOnNode(ceph: CephCluster, pool: string, image: string, nodeAddress: string): void {
  ceph.removeWatchers(pool, image, nodeAddress);
}
export { simClusterTools } from './cluster-tools.ts';
