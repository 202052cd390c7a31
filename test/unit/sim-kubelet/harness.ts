/**
 * harness builds a simulated cluster in-process for the kubelet tests: the
 * real ObjectStore, ClusterApi, admission and bootstrap, a FakeClock,
 * storage backends in a temp data dir, and a ControllerManager running the
 * whole registry (scheduler, node agents, storage controllers, kubelets).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { bootstrapCluster, ensureNamespaceEssentials } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { ControllerManager, type ControlPlaneOptions } from '../../../sandbox/providers/sim/controllers/manager/manager.ts';
import { controllerRegistry } from '../../../sandbox/providers/sim/controllers/manager/registry.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { createStorageBackends, type StorageBackends } from '../../../sandbox/providers/sim/dataroot/storage-backends.ts';
import { Kubelets, KubeletRuntime } from '../../../sandbox/providers/sim/kubelet/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

export interface KubeletTestCluster {
  api: ClusterApi;
  clock: FakeClock;
  manager: ControllerManager;
  storage: StorageBackends;
  runtime: KubeletRuntime;
  kubelets: Kubelets;
  errors: unknown[];
  apply(obj: KObject): KObject;
  pod(name: string, namespace?: string): any;
  events(name: string, namespace?: string): any[];
  settled(): Promise<void>;
  advance(ms: number, stepMs?: number): Promise<void>;
  /** exec runs argv in a container and collects its output. */
  exec(pod: string, argv: string[], container?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  logs(pod: string, opts?: { previous?: boolean; container?: string; tailLines?: number }): Promise<string>;
  [Symbol.dispose](): void;
}

export function kubeletCluster(options: ControlPlaneOptions = {}): KubeletTestCluster {
  const clock = new FakeClock(Date.UTC(2026, 10, 25, 12));
  const api = new ClusterApi(new ObjectStore(5000), { admit, now: () => clock.now() });
  bootstrapCluster(api, 'test-ca');
  ensureNamespaceEssentials(api, 'default', 'test-ca');
  const dataDir = mkdtempSync(join(tmpdir(), 'kslab-kubelet-test-'));
  const storage = createStorageBackends({ clusterId: 'unit', dataDir });
  const errors: unknown[] = [];
  const manager = new ControllerManager(api, { clock, onError: (_c, _k, e) => errors.push(e), ...options, storage } as ControlPlaneOptions).start(controllerRegistry);
  const kubelets = manager.controller<Kubelets>('kubelet')!;
  const runtime = new KubeletRuntime(() => kubelets);
  const kindRt = (o: KObject) => {
    const r = Object.values(resources).find((x) => x.kind === o.kind && (o.apiVersion === 'v1' ? x.group === '' : o.apiVersion.startsWith(`${x.group}/`)));
    if (!r) throw new Error(`no resource for ${o.apiVersion} ${o.kind}`);
    return r;
  };
  const pod = (name: string, namespace = 'default'): any => {
    try {
      return api.get(resources.pods, namespace, name);
    } catch {
      return undefined;
    }
  };
  return {
    api,
    clock,
    manager,
    storage,
    runtime,
    kubelets,
    errors,
    apply: (o) => api.create(kindRt(o), o.metadata.namespace ?? (kindRt(o).namespaced ? 'default' : ''), o).object,
    pod,
    events: (name, namespace = 'default') =>
      api.list(resources.events, namespace).items.filter((e: any) => e.involvedObject?.name === name).sort((a: any, b: any) => String(a.lastTimestamp).localeCompare(String(b.lastTimestamp))),
    settled: () => manager.settled(),
    advance: (ms, stepMs = 500) => manager.advance(ms, stepMs),
    exec: async (name, argv, container) => {
      const p = pod(name)!;
      let stdout = '';
      let stderr = '';
      const ac = new AbortController();
      const proc = runtime.exec(p, container ?? p.spec.containers[0].name, argv, {
        stdin: false,
        tty: false,
        stdout: (d) => (stdout += Buffer.from(d).toString()),
        stderr: (d) => (stderr += Buffer.from(d).toString()),
        signal: ac.signal,
      });
      // exec'd programs may sleep on the fake clock; step it until they finish.
      let code: number | undefined;
      void proc.exited.then((c) => (code = c));
      for (let i = 0; i < 200 && code === undefined; i++) {
        await new Promise((r) => setImmediate(r));
        if (code === undefined && i > 20) clock.advance(100);
      }
      return { code: code ?? -1, stdout, stderr };
    },
    logs: async (name, opts = {}) => {
      const p = pod(name)!;
      const ac = new AbortController();
      let out = '';
      for await (const l of runtime.logs(p, opts.container ?? p.spec.containers[0].name, { follow: false, previous: !!opts.previous, tailLines: opts.tailLines, signal: ac.signal })) out += `${l.text}\n`;
      return out;
    },
    [Symbol.dispose]: () => {
      manager.stop();
      storage.dataRoot.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** busyboxPod is a one-container pod manifest. */
export function busyboxPod(name: string, script: string, extra: Record<string, unknown> = {}, podExtra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', script], ...extra }], ...podExtra },
  } as KObject;
}
