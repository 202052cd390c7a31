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
import type { CsiResizerController, ExternalProvisionerController } from '../../../sandbox/providers/sim/controllers/provisioners/index.ts';
import { cephCsiRbdProvisionerKey, cephCsiRbdResizerKey, localPathProvisionerKey } from '../../../sandbox/providers/sim/controllers/provisioners/service-keys.ts';

export const storageControllers = [
  'persistentvolume-binder-controller',
  'pvc-protection-controller',
  'pv-protection-controller',
  'local-path-provisioner',
  'csi-rbdplugin-provisioner',
  'persistentvolume-expander',
  'csi-resizer-rbd.csi.ceph.com',
];

/**
 * withKubelet adds the kubelet model: the provisioner pods then run their
 * images' programs, and local-path's helper pods run (local-path tests).
 */
export const withKubelet = [...storageControllers, 'kubelet'];

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
  // The provisioners act only while a provisioner pod runs. With the kubelet, the bootstrap's add-on
  // pods start a moment after it sees them; without it, nothing runs their programs, so the harness
  // attaches to the controllers for those pods the way the programs do (images/local-path-provisioner,
  // images/ceph-csi) — enough for tests of the protocol that never need a helper pod.
  let warmed: Promise<void> | undefined;
  const warm = () => (warmed ??= controllers.includes('kubelet') ? manager.advance(100, 10) : Promise.resolve(attachProvisionerPods(api, manager)));
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
    settled: () => warm().then(() => manager.settled()),
    advance: (ms) => warm().then(() => manager.advance(ms)),
    [Symbol.dispose]: () => {
      manager.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** attachProvisionerPods attaches the bootstrap's provisioner pods to their controllers, as their containers do when they start. */
function attachProvisionerPods(api: ClusterApi, manager: ControllerManager): void {
  const podIn = (namespace: string, prefix: string) => {
    const pod = (api.list(resources.pods, namespace).items as any[]).find((p) => p.metadata.name.startsWith(prefix));
    if (!pod) throw new Error(`harness: no ${prefix} pod in ${namespace}`);
    return { namespace, name: pod.metadata.name as string, node: pod.spec.nodeName as string };
  };
  const ignore = () => {};
  manager.controller<ExternalProvisionerController>(localPathProvisionerKey.name)?.attach({ pod: podIn('local-path-storage', 'local-path-provisioner-'), log: ignore });
  manager.controller<ExternalProvisionerController>(cephCsiRbdProvisionerKey.name)?.attach({ pod: podIn('ceph-csi-rbd', 'csi-rbdplugin-provisioner-'), log: ignore });
  manager.controller<CsiResizerController>(cephCsiRbdResizerKey.name)?.attach();
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

/** manifest makes a fixture look like what a learner applies (no uid, resourceVersion or status). */
export function manifest(o: KObject): KObject {
  const c = structuredClone(o) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  delete c.metadata.uid;
  delete c.metadata.resourceVersion;
  delete c.status;
  return c;
}
