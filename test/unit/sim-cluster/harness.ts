/**
 * harness builds an in-process simulated cluster as SimCluster does — storage
 * backends first, then the bootstrap with its add-ons, then the whole
 * control plane (controllers, scheduler, kubelets) on a FakeClock — so the
 * system pods can be driven and inspected without HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { bootstrapCluster, ensureNamespaceEssentials } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';
import type { Addon } from '../../../sandbox/providers/sim/cluster/addons/index.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { ControllerManager, type ControlPlaneOptions } from '../../../sandbox/providers/sim/controllers/manager/manager.ts';
import { controllerRegistry } from '../../../sandbox/providers/sim/controllers/manager/registry.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { createStorageBackends, type StorageBackends } from '../../../sandbox/providers/sim/dataroot/storage-backends.ts';
import { Kubelets, KubeletRuntime } from '../../../sandbox/providers/sim/kubelet/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface SystemTestCluster {
  api: ClusterApi;
  clock: FakeClock;
  storage: StorageBackends;
  manager?: ControllerManager;
  /** start runs the control plane (the bootstrap alone leaves it stopped, for tests of the objects). */
  start(): void;
  pods(namespace?: string): any[];
  pod(namespace: string, name: string): any;
  list(kind: keyof typeof resources, namespace?: string): any[];
  events(namespace: string, name: string): any[];
  advance(ms: number, stepMs?: number): Promise<void>;
  exec(namespace: string, pod: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string; error?: string }>;
  logs(namespace: string, pod: string): Promise<string>;
  [Symbol.dispose](): void;
}

export function systemCluster(opts: { addons?: readonly Addon[] } = {}): SystemTestCluster {
  const clock = new FakeClock(Date.UTC(2026, 10, 25, 12));
  const api = new ClusterApi(new ObjectStore(5000), { admit, now: () => clock.now() });
  const dataDir = mkdtempSync(join(tmpdir(), 'kslab-sim-cluster-test-'));
  const storage = createStorageBackends({ clusterId: 'unit', dataDir });
  bootstrapCluster(api, 'test-ca', undefined, { ceph: storage.ceph, dataRoot: storage.dataRoot, addons: opts.addons });
  ensureNamespaceEssentials(api, 'default', 'test-ca');
  const c: SystemTestCluster = {
    api,
    clock,
    storage,
    start() {
      c.manager = new ControllerManager(api, { clock, ...{ storage } } as ControlPlaneOptions).start(controllerRegistry);
    },
    pods: (namespace) => api.list(resources.pods, namespace).items as any[],
    pod: (namespace, name) => {
      try {
        return api.get(resources.pods, namespace, name);
      } catch {
        return undefined;
      }
    },
    list: (kind, namespace) => api.list(resources[kind], namespace).items as any[],
    events: (namespace, name) => (api.list(resources.events, namespace).items as any[]).filter((e) => e.involvedObject?.name === name),
    advance: (ms, stepMs = 500) => c.manager!.advance(ms, stepMs),
    async exec(namespace, name, argv) {
      const kubelets = c.manager!.controller<Kubelets>('kubelet')!;
      const runtime = new KubeletRuntime(() => kubelets);
      const p = c.pod(namespace, name);
      let stdout = '';
      let stderr = '';
      let code: number | undefined;
      try {
        const proc = runtime.exec(p, p.spec.containers[0].name, argv, {
          stdin: false,
          tty: false,
          stdout: (d) => (stdout += Buffer.from(d).toString()),
          stderr: (d) => (stderr += Buffer.from(d).toString()),
          signal: new AbortController().signal,
        });
        void proc.exited.then((x) => (code = x));
      } catch (e) {
        return { code: -1, stdout, stderr, error: (e as Error).message };
      }
      for (let i = 0; i < 200 && code === undefined; i++) await new Promise((r) => setImmediate(r));
      return { code: code ?? -1, stdout, stderr };
    },
    async logs(namespace, name) {
      const kubelets = c.manager!.controller<Kubelets>('kubelet')!;
      const runtime = new KubeletRuntime(() => kubelets);
      const p = c.pod(namespace, name);
      let out = '';
      for await (const l of runtime.logs(p, p.spec.containers[0].name, { follow: false, previous: false, signal: new AbortController().signal })) out += `${l.text}\n`;
      return out;
    },
    [Symbol.dispose]() {
      c.manager?.stop();
      storage.dataRoot.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return c;
}

/** podNode is "<namespace>/<name> <node>" for sorting and comparing placements. */
export function placement(pods: KObject[]): string[] {
  return pods.map((p: any) => `${p.metadata.namespace}/${p.metadata.name} ${p.spec.nodeName ?? '-'}`).sort();
}
