/**
 * CSINode objects of the simulated kubelets (controllers/csinode) on an
 * in-process cluster with a fake clock: made at node registration, the
 * ceph-csi node plugin's driver entry while its registrar runs, power cuts,
 * garbage collection with the Node, and a new control plane on the same
 * objects (as after a snapshot restore).
 */
import { describe, expect, it } from 'vitest';
import { storageCluster } from '../sim-controllers-storage/harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { ControllerManager, type ControlPlaneOptions } from '../../../sandbox/providers/sim/controllers/manager/manager.ts';
import { controllerRegistry } from '../../../sandbox/providers/sim/controllers/manager/registry.ts';
import { powerOff, powerOn } from '../../../sandbox/providers/sim/controllers/node-lifecycle/index.ts';
import { csiNodeInfoKey } from '../../../sandbox/providers/sim/controllers/csinode/registration.ts';
import type { CsiNodeInfoManager } from '../../../sandbox/providers/sim/controllers/csinode/csinode.ts';

/** nodeControllers: what CSINodes need — kubelets with their heartbeat, the DaemonSet controller, scheduler and garbage collector. */
const nodeControllers = ['kubelet-heartbeat', 'garbage-collector', 'daemonset-controller', 'scheduler', 'kubelet-csi-node-info', 'kubelet'];

const migrated =
  'kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,kubernetes.io/cinder,kubernetes.io/gce-pd,kubernetes.io/portworx-volume,kubernetes.io/vsphere-volume';

type Cluster = ReturnType<typeof storageCluster>;

const csiNodes = (c: Cluster) => c.api.list(resources.csinodes, '').items as any[];
const csiNode = (c: Cluster, name: string): any => csiNodes(c).find((n) => n.metadata.name === name);
/** drivers is `kubectl get csinode` in short: node → driver names. */
const drivers = (c: Cluster) => Object.fromEntries(csiNodes(c).map((n) => [n.metadata.name, (n.spec.drivers ?? []).map((d: any) => d.name)]));
const nodeIDs = (c: Cluster, node: string): string | undefined => (c.api.get(resources.nodes, '', node) as any).metadata.annotations?.['csi.volume.kubernetes.io/nodeid'];
const pluginPodOn = (c: Cluster, node: string): any =>
  (c.api.list(resources.pods, 'ceph-csi-rbd').items as any[]).find((p) => p.metadata.labels?.app === 'csi-rbdplugin' && p.spec.nodeName === node && !p.metadata.deletionTimestamp);

describe('CSINode per node (fake clock)', () => {
  it('every node gets one at registration: owned by its Node, no drivers, the 1.33 migrated-plugins annotation; the workers list rbd.csi.ceph.com once the registrar runs', async () => {
    using c = storageCluster(nodeControllers);
    await c.settled();
    expect(csiNodes(c).map((n) => n.metadata.name)).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    for (const n of csiNodes(c)) {
      const node = c.api.get(resources.nodes, '', n.metadata.name) as any;
      expect(n.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }]);
      expect(n.metadata.annotations).toEqual({ 'storage.alpha.kubernetes.io/migrated-plugins': migrated });
    }
    expect(csiNode(c, 'lab-control-plane').spec).toEqual({ drivers: [] });
    expect(csiNode(c, 'lab-worker').spec.drivers).toEqual([{ name: 'rbd.csi.ceph.com', nodeID: 'lab-worker', topologyKeys: null }]);
    expect(csiNode(c, 'lab-worker2').spec.drivers).toEqual([{ name: 'rbd.csi.ceph.com', nodeID: 'lab-worker2', topologyKeys: null }]);
    // The kubelet also records the driver's node ID on the Node (csi.volume.kubernetes.io/nodeid).
    expect(nodeIDs(c, 'lab-worker')).toBe('{"rbd.csi.ceph.com":"lab-worker"}');
    expect(nodeIDs(c, 'lab-worker2')).toBe('{"rbd.csi.ceph.com":"lab-worker2"}');
    expect(nodeIDs(c, 'lab-control-plane')).toBeUndefined();
    // Time passing (heartbeats, resyncs) writes nothing more.
    const rvs = csiNodes(c).map((n) => n.metadata.resourceVersion);
    await c.advance(60_000);
    expect(csiNodes(c).map((n) => n.metadata.resourceVersion)).toEqual(rvs);
    expect(c.errors).toEqual([]);
  });

  it('deleting the csi-rbdplugin pod of a worker drops its driver when the registrar stops; the DaemonSet’s new pod brings it back', async () => {
    using c = storageCluster(nodeControllers);
    await c.settled();
    const old = pluginPodOn(c, 'lab-worker');
    // Every write of lab-worker's CSINode, as `kubectl get csinode lab-worker -w` would show its DRIVERS.
    const seen: number[] = [];
    const watch = c.api.store.watch(resources.csinodes.storage, undefined, c.api.store.currentRV(), {
      event: (e) => e.object.metadata.name === 'lab-worker' && seen.push(((e.object as any).spec.drivers ?? []).length),
      closed: () => {},
    });
    c.api.delete(resources.pods, 'ceph-csi-rbd', old.metadata.name);
    await c.advance(10_000);
    watch.stop();
    expect(seen).toEqual([0, 1]);
    const fresh = pluginPodOn(c, 'lab-worker');
    expect(fresh.metadata.name).not.toBe(old.metadata.name);
    expect(fresh.status.phase).toBe('Running');
    expect(drivers(c)).toEqual({ 'lab-control-plane': [], 'lab-worker': ['rbd.csi.ceph.com'], 'lab-worker2': ['rbd.csi.ceph.com'] });
  });

  it('a powered-off node writes nothing: its driver stays listed; booting makes a CSINode deleted meanwhile again and the plugin registers anew', async () => {
    using c = storageCluster(nodeControllers);
    await c.settled();
    const rv = csiNode(c, 'lab-worker2').metadata.resourceVersion;
    powerOff(c.manager, 'lab-worker2');
    await c.advance(10_000);
    expect(csiNode(c, 'lab-worker2').metadata.resourceVersion).toBe(rv);
    expect(csiNode(c, 'lab-worker2').spec.drivers).toHaveLength(1);
    c.api.delete(resources.csinodes, '', 'lab-worker2');
    await c.advance(5_000);
    expect(csiNode(c, 'lab-worker2')).toBeUndefined();
    powerOn(c.manager, 'lab-worker2');
    await c.advance(10_000);
    expect(csiNode(c, 'lab-worker2').spec.drivers).toEqual([{ name: 'rbd.csi.ceph.com', nodeID: 'lab-worker2', topologyKeys: null }]);
    expect(drivers(c)['lab-worker']).toEqual(['rbd.csi.ceph.com']);
  });

  it('a CSINode goes with its Node (garbage collector, ownerReference) and is not made again', async () => {
    using c = storageCluster(nodeControllers);
    await c.settled();
    c.api.delete(resources.nodes, '', 'lab-worker2');
    await c.advance(5_000);
    expect(csiNodes(c).map((n) => n.metadata.name)).toEqual(['lab-control-plane', 'lab-worker']);
  });

  it('a new control plane on the same objects (as after a snapshot restore) keeps one CSINode per node, the same objects, one driver entry', async () => {
    using c = storageCluster(nodeControllers);
    await c.settled();
    const uids = csiNodes(c).map((n) => n.metadata.uid);
    c.manager.stop();
    const again = new ControllerManager(c.api, { ...c.manager.options, controllers: nodeControllers } as ControlPlaneOptions).start(controllerRegistry);
    try {
      await again.advance(10_000, 100);
      expect(csiNodes(c).map((n) => n.metadata.uid)).toEqual(uids);
      expect(drivers(c)).toEqual({ 'lab-control-plane': [], 'lab-worker': ['rbd.csi.ceph.com'], 'lab-worker2': ['rbd.csi.ceph.com'] });
    } finally {
      again.stop();
    }
  });

  it('a plugin reporting max_volumes_per_node gets allocatable.count; unregistering removes only that driver, an entry added by hand stays', async () => {
    using c = storageCluster(nodeControllers);
    await c.settled();
    const cp = csiNode(c, 'lab-control-plane');
    cp.spec.drivers = [{ name: 'hand.example.com', nodeID: 'cp-1', topologyKeys: ['topology.example.com/zone'] }];
    c.api.update(resources.csinodes, '', 'lab-control-plane', cp);
    const manager = c.manager.controller<CsiNodeInfoManager>(csiNodeInfoKey.name)!;
    const reg = manager.registerPlugin({ driver: 'limited.example.com', node: 'lab-control-plane', nodeID: 'cp', maxVolumesPerNode: 16 });
    await c.settled();
    expect(csiNode(c, 'lab-control-plane').spec.drivers).toEqual([
      { name: 'hand.example.com', nodeID: 'cp-1', topologyKeys: ['topology.example.com/zone'] },
      { name: 'limited.example.com', nodeID: 'cp', topologyKeys: null, allocatable: { count: 16 } },
    ]);
    expect(nodeIDs(c, 'lab-control-plane')).toBe('{"limited.example.com":"cp"}');
    reg.unregister();
    await c.settled();
    expect(nodeIDs(c, 'lab-control-plane')).toBeUndefined();
    expect(csiNode(c, 'lab-control-plane').spec.drivers).toEqual([{ name: 'hand.example.com', nodeID: 'cp-1', topologyKeys: ['topology.example.com/zone'] }]);
  });
});
