/**
 * harness builds a simulated cluster in-process for the storage-controller
 * tests: the real ObjectStore, ClusterApi, admission and bootstrap, a
 * FakeClock, storage backends in a temp data dir, and a ControllerManager
 * running the chosen controllers from the real registry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { bootstrapCluster } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { ControllerManager, type ControlPlaneOptions } from '../../../sandbox/providers/sim/controllers/manager/manager.ts';
import { controllerRegistry } from '../../../sandbox/providers/sim/controllers/manager/registry.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { createStorageBackends, type StorageBackends } from '../../../sandbox/providers/sim/dataroot/storage-backends.ts';
import { noVolumeLatency } from '../../../sandbox/providers/sim/controllers/attach-detach/volume-latency.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

export const storageControllers = [
  'persistentvolume-binder-controller',
  'pvc-protection-controller',
  'pv-protection-controller',
  'local-path-provisioner',
  'csi-rbdplugin-provisioner',
  'persistentvolume-expander',
  'csi-resizer-rbd.csi.ceph.com',
];

export interface StorageTestCluster {
  api: ClusterApi;
  clock: FakeClock;
  manager: ControllerManager;
  storage: StorageBackends;
  errors: unknown[];
  apply(obj: KObject): KObject;
  get(kind: 'pv' | 'pvc' | 'pod', name: string, namespace?: string): any;
  /** events lists the Events about an object (by name), oldest first. */
  events(name: string, namespace?: string): any[];
  settled(): Promise<void>;
  advance(ms: number): Promise<void>;
  [Symbol.dispose](): void;
}

const rtFor = { pv: resources.persistentvolumes, pvc: resources.persistentvolumeclaims, pod: resources.pods };

export function storageCluster(controllers: string[] = storageControllers, options: ControlPlaneOptions = {}): StorageTestCluster {
  const clock = new FakeClock(Date.UTC(2026, 10, 25, 12));
  const api = new ClusterApi(new ObjectStore(5000), { admit, now: () => clock.now() });
  bootstrapCluster(api, 'test-ca');
  const dataDir = mkdtempSync(join(tmpdir(), 'kslab-storage-test-'));
  const storage = createStorageBackends({ clusterId: 'unit', dataDir });
  const errors: unknown[] = [];
  const manager = new ControllerManager(api, {
    clock,
    controllers,
    onError: (_c, _k, e) => errors.push(e),
    // Provisioning takes its real time only in the test that is about it (controllers.test.ts);
    // attach and detach likewise (attach-latency.test.ts).
    provisionLatency: false,
    volumeLatency: noVolumeLatency,
    ...options,
    storage,
  } as ControlPlaneOptions).start(controllerRegistry);
  const kindRt = (o: KObject) => {
    const r = Object.values(resources).find((x) => x.kind === o.kind && (o.apiVersion === 'v1' ? x.group === '' : o.apiVersion.startsWith(`${x.group}/`)));
    if (!r) throw new Error(`no resource for ${o.apiVersion} ${o.kind}`);
    return r;
  };
  return {
    api,
    clock,
    manager,
    storage,
    errors,
    apply: (o) => api.create(kindRt(o), o.metadata.namespace ?? (kindRt(o).namespaced ? 'default' : ''), o).object,
    get: (kind, name, namespace = 'default') => {
      try {
        return api.get(rtFor[kind], kind === 'pv' ? '' : namespace, name);
      } catch {
        return undefined;
      }
    },
    events: (name, namespace) =>
      (api.list(resources.events, namespace).items as any[])
        .filter((e) => e.involvedObject.name === name)
        .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name))),
    settled: () => manager.settled(),
    advance: (ms) => manager.advance(ms),
    [Symbol.dispose]: () => {
      manager.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** secretOf builds an Opaque Secret the way `kubectl create secret generic --from-literal` does. */
export function secretOf(name: string, data: Record<string, string>, namespace = 'default'): KObject {
  const enc: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) enc[k] = Buffer.from(v).toString('base64');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', data: enc } as KObject;
}

/** csiRbdClass is lesson 4's csi-rbd-sc. */
export function csiRbdClass(overrides: Record<string, string> = {}): KObject {
  const s = 'csi.storage.k8s.io/';
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'csi-rbd-sc' },
    provisioner: 'rbd.csi.ceph.com',
    parameters: {
      clusterID: 'b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d',
      pool: 'rbd',
      imageFeatures: 'layering',
      [`${s}provisioner-secret-name`]: 'csi-rbd-secret',
      [`${s}provisioner-secret-namespace`]: 'default',
      [`${s}controller-expand-secret-name`]: 'csi-rbd-secret',
      [`${s}controller-expand-secret-namespace`]: 'default',
      [`${s}node-stage-secret-name`]: 'csi-rbd-secret',
      [`${s}node-stage-secret-namespace`]: 'default',
      [`${s}fstype`]: 'ext4',
      ...overrides,
    },
    reclaimPolicy: 'Delete',
    allowVolumeExpansion: true,
  } as KObject;
}
