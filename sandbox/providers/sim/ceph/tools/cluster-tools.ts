/**
 * simClusterTools are the commands the learner terminal offers besides
 * kubectl for one simulated cluster (Cluster.tools): `ceph`, `rbd` and
 * `showmount`. They look the cluster's storage backends up on every call,
 * because a cluster reset replaces its DataRoot and Ceph state.
 */
import type { TerminalTool } from '../../../types.ts';
import type { StorageBackends } from '../../dataroot/storage-backends.ts';
import { nfsServerFor, showmountTool } from '../../nfs/index.ts';
import { cephTool } from './ceph.ts';
import { rbdTool } from './rbd.ts';

export function simClusterTools(backends: () => StorageBackends, startedAt: () => Date): Record<string, TerminalTool> {
  const ctx = () => ({ ceph: backends().ceph, dataRoot: backends().dataRoot, startedAt: startedAt() });
  return {
    ceph: (argv, io) => cephTool(ctx())(argv, io),
    rbd: (argv, io) => rbdTool(ctx())(argv, io),
    showmount: (argv, io) => showmountTool(nfsServerFor(backends().dataRoot))(argv, io),
  };
}
