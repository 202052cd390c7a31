/**
 * snapshot saves a simulated cluster to a folder and brings it back after a
 * server restart, so a learner's cluster survives it (Cluster.save /
 * ClusterProvider.restore in sandbox/providers/types.ts). A snapshot folder
 * holds `sim-cluster.json` — the cluster id, its bearer token (so a
 * kubeconfig written before the restart still authenticates), the store's
 * resourceVersion, every stored object, the Ceph state, whether the NFS
 * server runs and which nodes are powered off — and `dataroot/`, a copy of
 * the cluster's data root (node trees, NFS exports, RBD image data). With
 * the SimServer's `tlsDir` set, the CA stays the same too, so the URL path,
 * token and CA of an existing kubeconfig all stay valid.
 *
 * First written by the sandbox-server engineer (objects and token, wrapping
 * SimProvider from outside); extended by the kubelet engineer with the data
 * root, Ceph/NFS/power state and the resourceVersion sequence.
 *
 * Restore stops the fresh cluster's controllers, swaps in the saved objects
 * with resourceVersions continuing after the saved one (as etcd's revision
 * does after a restore), puts the files and Ceph state back, and starts the
 * controllers again: kubelets find their pods with no containers and start
 * them, as after a reboot of every node.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceTypes } from '../api/resources.ts';
import { CephCluster } from '../ceph/ceph-cluster.ts';
import type { KObject, ResourceKey } from '../store/types.ts';
import type { SimCluster } from '../server/sim-server.ts';
import type { Cluster, ClusterProvider, CreateClusterOptions, RestoreClusterOptions } from '../../types.ts';
import { ClusterStartError } from '../../types.ts';
import type { CephState } from '../ceph/ceph-cluster.ts';
import { startControlPlane, type ControlPlaneOptions } from '../controllers/manager/index.ts';
import { isPoweredOn, powerOff } from '../controllers/node-lifecycle/index.ts';
import { nfsServerFor } from '../nfs/server.ts';

/** SNAPSHOT_FILE is the file a snapshot folder holds. */
export const SNAPSHOT_FILE = 'sim-cluster.json';

/** DATAROOT_DIR is the copy of the data root inside a snapshot folder. */
export const DATAROOT_DIR = 'dataroot';

export interface SimSnapshot {
  /** version 1 holds objects only; 2 adds the data root copy and the storage/power state. */
  version: 1 | 2;
  id: string;
  token: string;
  resourceVersion: string;
  savedAt: string;
  objects: { key: ResourceKey; object: KObject }[];
  ceph?: CephState;
  nfsRunning?: boolean;
  poweredOff?: string[];
}

/** storageKeys are the distinct stores of every served resource (core and events.k8s.io Events share one). */
function storageKeys(): ResourceKey[] {
  const seen = new Map<string, ResourceKey>();
  for (const rt of resourceTypes) seen.set(`${rt.storage.group}/${rt.storage.resource}`, rt.storage);
  return [...seen.values()];
}

/** snapshotOf reads every object of a cluster. */
export function snapshotOf(sim: SimCluster): SimSnapshot {
  const objects: SimSnapshot['objects'] = [];
  for (const key of storageKeys()) for (const object of sim.store.list(key)) objects.push({ key, object });
  const nodes = sim.store.list({ group: '', resource: 'nodes' }).map((n) => n.metadata.name!);
  return {
    version: 2,
    id: sim.id,
    token: sim.token,
    resourceVersion: sim.store.resourceVersion(),
    savedAt: new Date().toISOString(),
    objects,
    ceph: sim.storage.ceph.toJSON(),
    nfsRunning: nfsServerFor(sim.storage.dataRoot).isRunning(),
    poweredOff: nodes.filter((n) => {
      try {
        return !isPoweredOn(sim.controllers, n);
      } catch {
        return false;
      }
    }),
  };
}

/** saveSimCluster writes the snapshot into dir: the JSON file, then a fresh copy of the data root. */
export function saveSimCluster(sim: SimCluster, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const snap = snapshotOf(sim);
  const copy = join(dir, DATAROOT_DIR);
  rmSync(copy, { recursive: true, force: true });
  cpSync(sim.storage.dataRoot.root, copy, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(dir, SNAPSHOT_FILE), JSON.stringify(snap));
}

/** readSnapshot loads and checks a snapshot file. */
export function readSnapshot(dir: string): SimSnapshot {
  const snap = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8')) as SimSnapshot;
  if ((snap.version !== 1 && snap.version !== 2) || typeof snap.id !== 'string' || typeof snap.token !== 'string' || !Array.isArray(snap.objects)) {
    throw new Error(`${join(dir, SNAPSHOT_FILE)} is not a simulated-cluster snapshot this version can read`);
  }
  return snap;
}

/**
 * replaceContents makes a freshly created cluster hold exactly the snapshot:
 * its objects (resourceVersions continuing after the saved one), its token,
 * and — for version 2 snapshots read from `dir` — its files, Ceph state, NFS
 * server state and powered-off nodes. Controllers are stopped meanwhile so
 * none of them reacts to the swap, then started again.
 */
export function replaceContents(sim: SimCluster, snap: SimSnapshot, dir?: string): void {
  if (snap.id !== sim.id) throw new Error(`the snapshot is of cluster "${snap.id}", not "${sim.id}"`);
  // The token is a plain field: keeping the saved one keeps existing kubeconfigs valid.
  (sim as { token: string }).token = snap.token;
  const old = sim.controllers;
  old.stop();
  const store = sim.store;
  for (const key of storageKeys()) {
    for (const o of store.list(key)) store.remove(key, o.metadata.namespace ?? '', o.metadata.name!);
  }
  store.advanceTo(Number(snap.resourceVersion) || 0);
  // Namespaces first, so objects inside them land in an existing namespace.
  const ordered = [...snap.objects].sort((a, b) => Number(b.key.resource === 'namespaces') - Number(a.key.resource === 'namespaces'));
  for (const { key, object } of ordered) {
    const copy = structuredClone(object);
    delete copy.metadata.resourceVersion;
    store.create(key, copy);
  }
  const saved = dir ? join(dir, DATAROOT_DIR) : undefined;
  if (saved && existsSync(saved)) {
    const root = sim.storage.dataRoot.root;
    for (const e of readdirSync(root)) rmSync(join(root, e), { recursive: true, force: true });
    cpSync(saved, root, { recursive: true, verbatimSymlinks: true });
  }
  if (snap.ceph) {
    // The same CephCluster object stays in place (tools and provisioners hold it); only its state is swapped.
    sim.storage.ceph.replaceState(snap.ceph);
  }
  const nfs = nfsServerFor(sim.storage.dataRoot);
  if (snap.nfsRunning === false) nfs.stop();
  else nfs.start();
  sim.useControllers(startControlPlane(sim.api, { ...old.options, clock: old.clock } as ControlPlaneOptions));
  for (const n of snap.poweredOff ?? []) {
    try {
      powerOff(sim.controllers, n);
    } catch {
      // a node that is no longer there has no power to cut
    }
  }
}

/** simOf finds the SimCluster inside a SimProvider cluster (SimProviderCluster keeps it as `sim`). */
function simOf(cluster: Cluster): SimCluster {
  const sim = (cluster as { sim?: SimCluster }).sim;
  if (!sim) throw new Error('not a simulated cluster');
  return sim;
}

/** withSave adds Cluster.save to a simulated cluster. */
function withSave(cluster: Cluster): Cluster {
  const sim = simOf(cluster);
  return Object.assign(cluster, { save: async (dir: string) => saveSimCluster(sim, dir) });
}

/**
 * withSnapshots returns the SimProvider with Cluster.save and
 * ClusterProvider.restore: restore creates the cluster as usual, then puts
 * the saved objects and token back.
 */
export function withSnapshots(provider: ClusterProvider & { name: 'sim' }): ClusterProvider {
  return {
    name: provider.name,
    simulated: provider.simulated,
    create: async (options: CreateClusterOptions) => withSave(await provider.create(options)),
    restore: async (options: RestoreClusterOptions) => {
      const step = 'restoring your saved cluster';
      let snap: SimSnapshot;
      try {
        snap = readSnapshot(options.dir);
      } catch (e) {
        throw new ClusterStartError(step, `the saved copy could not be read: ${(e as Error).message}`, { cause: e });
      }
      const cluster = await provider.create({ ...options, dir: undefined } as CreateClusterOptions);
      options.onProgress?.({ step, status: 'running' });
      try {
        replaceContents(simOf(cluster), snap, options.dir);
      } catch (e) {
        await cluster.destroy().catch(() => {});
        options.onProgress?.({ step, status: 'failed', detail: (e as Error).message });
        throw new ClusterStartError(step, (e as Error).message, { cause: e });
      }
      options.onProgress?.({ step, status: 'done', detail: `${snap.objects.length} objects` });
      return withSave(cluster);
    },
    close: () => provider.close(),
  };
}
