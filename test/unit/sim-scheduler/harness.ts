/**
 * harness builds a simulated cluster without HTTP for unit tests: the real
 * ObjectStore, ClusterApi, admission and bootstrap (three kind-like nodes),
 * a FakeClock, and a ControllerManager running the chosen controllers.
 */
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { bootstrapCluster, ensureNamespaceEssentials } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { ControllerManager, type ControlPlaneOptions } from '../../../sandbox/providers/sim/controllers/manager/manager.ts';
import { controllerRegistry } from '../../../sandbox/providers/sim/controllers/manager/registry.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

export interface TestCluster {
  api: ClusterApi;
  clock: FakeClock;
  manager: ControllerManager;
  errors: unknown[];
  /** events lists the Events about an object (by name), oldest first. */
  events(name: string, namespace?: string): any[];
  pod(name: string, namespace?: string): any;
  pods(namespace?: string): any[];
  node(name: string): any;
  [Symbol.dispose](): void;
}

export function testCluster(controllers?: string[], options: ControlPlaneOptions = {}): TestCluster {
  const clock = new FakeClock(Date.UTC(2026, 10, 25, 12));
  const api = new ClusterApi(new ObjectStore(5000), { admit, now: () => clock.now() });
  bootstrapCluster(api, 'test-ca');
  // serviceaccounts-controller, as SimCluster runs it: new namespaces get their `default` ServiceAccount.
  api.store.watch(resources.namespaces.storage, undefined, api.store.currentRV(), {
    event: (e) => {
      if (e.type === 'ADDED') setImmediate(() => !api.store.closed && ensureNamespaceEssentials(api, e.object.metadata.name!, 'test-ca'));
    },
    closed: () => {},
  });
  const errors: unknown[] = [];
  const manager = new ControllerManager(api, {
    clock,
    controllers,
    onError: (_c, _k, e) => errors.push(e),
    ...options,
  }).start(controllerRegistry);
  return {
    api,
    clock,
    manager,
    errors,
    events: (name, namespace) =>
      (api.list(resources.events, namespace).items as any[])
        .filter((e) => e.involvedObject.name === name)
        .sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name))),
    pod: (name, namespace = 'default') => {
      try {
        return api.get(resources.pods, namespace, name);
      } catch {
        return undefined;
      }
    },
    pods: (namespace = 'default') => api.list(resources.pods, namespace).items as any[],
    node: (name) => api.get(resources.nodes, '', name),
    [Symbol.dispose]: () => {
      manager.stop();
      api.store.close();
    },
  };
}

/** podObject is a minimal pod as a learner would write it. */
export function podObject(name: string, spec: Record<string, unknown> = {}, namespace = 'default'): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36' }], ...spec },
  } as KObject;
}
