/**
 * StorageBackends are what sits behind a simulated cluster's volumes: its
 * DataRoot on the host disk and its Ceph cluster state. The cluster creates
 * them once (and again on reset) and hands them to the control plane as the
 * `storage` control-plane option; provisioners, the PV controller's
 * recycler and (later) the kubelet model and the `ceph`/`rbd` commands use
 * the same instances.
 *
 * storageBackendsOf(ctx) finds them in a controller's context. When a
 * control plane was started without them (a manager unit test), it makes a
 * private pair on first use and removes the data root when the manager
 * stops, so nothing is left behind in os.tmpdir().
 */
import { serviceKey } from '../containers/cluster-link.ts';
import { clusterShape } from '../../cluster-shape.ts';
import { CephCluster } from '../ceph/ceph-cluster.ts';
import { DataRoot } from './dataroot.ts';

export interface StorageBackends {
  dataRoot: DataRoot;
  ceph: CephCluster;
  /** startedAt is when this Ceph cluster's daemons "started" (the ages `ceph -s` shows, in the terminal and in the toolbox pod alike). */
  startedAt: Date;
}

export interface StorageBackendOptions {
  clusterId: string;
  /** dataDir: parent folder for data roots (SimProvider option `dataDir`); default os.tmpdir()/kslab-sim/. */
  dataDir?: string;
}

/** storageBackendsKey lets a container that stands in for a storage component (the Ceph toolbox, ceph-csi) reach this cluster's backends (../containers/cluster-link.ts). */
export const storageBackendsKey = serviceKey<StorageBackends>('storage-backends');

/** createStorageBackends lays out a cluster's data root and a fresh Ceph cluster (new admin key). */
export function createStorageBackends(options: StorageBackendOptions): StorageBackends {
  const dataRoot = DataRoot.create({ clusterId: options.clusterId, dataDir: options.dataDir });
  const ceph = CephCluster.create({ fsid: clusterShape.ceph.fsid, monitors: [clusterShape.ceph.monitor], pools: [clusterShape.ceph.pool] });
  return { dataRoot, ceph, startedAt: new Date() };
}

/** destroyStorageBackends removes the data root from disk (nothing to do when the cluster never got that far). */
export function destroyStorageBackends(b: StorageBackends | undefined): void {
  b?.dataRoot.destroy();
}

interface ContextLike {
  options: object;
  controller?: unknown;
}

const privateBackends = new WeakMap<object, StorageBackends>();
let privateSeq = 0;

/** storageBackendsOf returns the backends a control plane was started with (options.storage). */
export function storageBackendsOf(ctx: ContextLike): StorageBackends {
  const given = (ctx.options as { storage?: StorageBackends }).storage;
  if (given) return given;
  let b = privateBackends.get(ctx);
  if (!b) {
    b = createStorageBackends({ clusterId: `private-${process.pid}-${++privateSeq}` });
    privateBackends.set(ctx, b);
  }
  return b;
}

/** releasePrivateBackends removes the backends storageBackendsOf made for a context (the controller's stop()). */
export function releasePrivateBackends(ctx: object): void {
  const b = privateBackends.get(ctx);
  if (!b) return;
  privateBackends.delete(ctx);
  b.dataRoot.destroy();
}
