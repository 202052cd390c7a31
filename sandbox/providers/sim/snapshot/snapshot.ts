/**
 * snapshot saves a simulated cluster to a folder and brings it back after a
 * server restart, so a learner's objects survive it (Cluster.save /
 * ClusterProvider.restore in sandbox/providers/types.ts). A snapshot is one
 * JSON file: the cluster id, its bearer token (so a kubeconfig written before
 * the restart still authenticates), the store's resourceVersion and every
 * stored object. With the SimServer's `tlsDir` set, the CA stays the same too.
 *
 * Written by the sandbox-server engineer because the sim did not offer
 * save/restore yet. It wraps SimProvider from outside (withSnapshots) using
 * only what SimProvider already exposes, so the sim's own files are untouched;
 * the sim-core engineer may fold it into SimCluster later.
 *
 * Restored objects get new resourceVersions above the saved one: the store
 * only ever moves forward, as an etcd restore does not (clients that cached
 * an older resourceVersion re-list, which every watch does after a restart anyway).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceTypes } from '../api/resources.ts';
import type { KObject, ResourceKey } from '../store/types.ts';
import type { SimCluster } from '../server/sim-server.ts';
import type { Cluster, ClusterProvider, CreateClusterOptions, RestoreClusterOptions } from '../../types.ts';
import { ClusterStartError } from '../../types.ts';

/** SNAPSHOT_FILE is the file a snapshot folder holds. */
export const SNAPSHOT_FILE = 'sim-cluster.json';

export interface SimSnapshot {
  version: 1;
  id: string;
  token: string;
  resourceVersion: string;
  savedAt: string;
  objects: { key: ResourceKey; object: KObject }[];
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
  return {
    version: 1,
    id: sim.id,
    token: sim.token,
    resourceVersion: sim.store.resourceVersion(),
    savedAt: new Date().toISOString(),
    objects,
  };
}

/** saveSimCluster writes the snapshot into dir. */
export function saveSimCluster(sim: SimCluster, dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, SNAPSHOT_FILE), JSON.stringify(snapshotOf(sim)));
}

/** readSnapshot loads and checks a snapshot file. */
export function readSnapshot(dir: string): SimSnapshot {
  const snap = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8')) as SimSnapshot;
  if (snap.version !== 1 || typeof snap.id !== 'string' || typeof snap.token !== 'string' || !Array.isArray(snap.objects)) {
    throw new Error(`${join(dir, SNAPSHOT_FILE)} is not a simulated-cluster snapshot this version can read`);
  }
  return snap;
}

/**
 * replaceContents makes a freshly created cluster hold exactly the snapshot's
 * objects, with the snapshot's token. Creating the cluster first (normal
 * bootstrap) keeps the sim's own watches in place; then its objects are replaced.
 */
export function replaceContents(sim: SimCluster, snap: SimSnapshot): void {
  if (snap.id !== sim.id) throw new Error(`the snapshot is of cluster "${snap.id}", not "${sim.id}"`);
  // The token is a plain field: keeping the saved one keeps existing kubeconfigs valid.
  (sim as { token: string }).token = snap.token;
  const store = sim.store;
  for (const key of storageKeys()) {
    for (const o of store.list(key)) store.remove(key, o.metadata.namespace ?? '', o.metadata.name!);
  }
  // Namespaces first, so objects inside them land in an existing namespace.
  const ordered = [...snap.objects].sort((a, b) => Number(b.key.resource === 'namespaces') - Number(a.key.resource === 'namespaces'));
  for (const { key, object } of ordered) {
    const copy = structuredClone(object);
    delete copy.metadata.resourceVersion;
    store.create(key, copy);
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
        replaceContents(simOf(cluster), snap);
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
