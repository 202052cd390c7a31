/**
 * CsiNodeInfoManager is the part of every simulated kubelet that keeps the
 * node's CSINode (storage.k8s.io/v1) — the kubelet's nodeinfomanager
 * (https://github.com/kubernetes/kubernetes/blob/master/pkg/volume/csi/nodeinfomanager/nodeinfomanager.go):
 *
 * - when a kubelet starts (node registration, a cluster reset, a snapshot
 *   restore, power on) it makes sure the CSINode named after its node exists
 *   (InitializeCSINodeWithAnnotation → CreateCSINode): `spec.drivers: []`,
 *   an ownerReference to the Node — so the garbage collector deletes it with
 *   the node — and the `storage.alpha.kubernetes.io/migrated-plugins`
 *   annotation; an existing one only gets the annotation brought up to date;
 * - when a CSI node plugin's driver-registrar registers on the node
 *   (./registration.ts) the driver is added with NodeGetInfo's answer
 *   (InstallCSIDriver: `{name, nodeID, topologyKeys}`, `allocatable.count`
 *   only for a positive max_volumes_per_node), and the Node's
 *   `csi.volume.kubernetes.io/nodeid` annotation maps the driver to its node
 *   ID; when the registrar stops both are removed again (UninstallCSIDriver);
 * - a powered-off kubelet writes nothing and sees no plugin go: the entries
 *   stay as they were, and the plugin pod registers again when the node is
 *   back. Like a real kubelet, it removes only drivers it saw unregister, so
 *   an entry added by hand stays.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { resources } from '../manager/resources.ts';
import { StatusError } from '../../api/status.ts';
import { NODE_AGENTS, type NodeAgents } from '../node-lifecycle/node-agent.ts';
import { csiNodeInfoKey, type CsiPluginRegistration, type PluginRegistration } from './registration.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** migratedPluginsAnnotation is v1.MigratedPluginsAnnotationKey. */
export const migratedPluginsAnnotation = 'storage.alpha.kubernetes.io/migrated-plugins';

/**
 * migratedPlugins are the in-tree plugins a 1.33 kubelet has migrated to CSI
 * (pkg/volume/csi/csi_plugin.go Init: GCE PD, AWS EBS, Cinder, Azure Disk,
 * Azure File and vSphere always; Portworx behind CSIMigrationPortworx, on by
 * default since 1.31 and GA in 1.33), sorted as sets.String.List() gives
 * them to setMigrationAnnotation.
 */
export const migratedPlugins: readonly string[] = [
  'kubernetes.io/aws-ebs',
  'kubernetes.io/azure-disk',
  'kubernetes.io/azure-file',
  'kubernetes.io/cinder',
  'kubernetes.io/gce-pd',
  'kubernetes.io/portworx-volume',
  'kubernetes.io/vsphere-volume',
];

/** nodeIDAnnotation is the Node annotation holding a JSON map of driver name → node ID (annotationKeyNodeID). */
export const nodeIDAnnotation = 'csi.volume.kubernetes.io/nodeid';

/** maxInt32 caps allocatable.count as InstallCSIDriver does. */
const maxInt32 = 2 ** 31 - 1;

/** CSINodeDriver is one spec.drivers entry. */
interface CsiNodeDriver {
  name: string;
  nodeID: string;
  topologyKeys: string[] | null;
  allocatable?: { count: number };
}

export class CsiNodeInfoManager implements Controller {
  readonly name = csiNodeInfoKey.name;
  private ctx!: ControllerContext;
  private nodes!: Informer;
  private csiNodes!: Informer;
  private queue!: WorkQueue;
  private agents?: NodeAgents;
  private unsubscribe?: () => void;
  /** plugins: per node, per driver, the registrations in order (the newest answers NodeGetInfo). */
  private readonly plugins = new Map<string, Map<string, CsiPluginRegistration[]>>();
  /** deregistered: per node, drivers whose last plugin went away while the kubelet ran (DeRegisterPlugin), to uninstall. */
  private readonly deregistered = new Map<string, Set<string>>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.nodes = ctx.informer(resources.nodes);
    this.csiNodes = ctx.informer(resources.csinodes);
    this.queue = ctx.queue(this.name, (node) => this.sync(node));
    this.agents = ctx.controller<NodeAgents>(NODE_AGENTS);
    // A kubelet that boots initializes its CSINode again (it may have been deleted meanwhile).
    this.unsubscribe = this.agents?.onPowerChange((node, on) => on && this.queue.add(node));
    this.nodes.addHandler({ add: (n) => this.queue.add(n.metadata.name!) });
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /**
   * registerPlugin is the registrar's registration reaching the node's
   * kubelet: the driver joins the node's CSINode until unregister().
   */
  registerPlugin(reg: CsiPluginRegistration): PluginRegistration {
    const entry = { ...reg };
    let byDriver = this.plugins.get(reg.node);
    if (!byDriver) this.plugins.set(reg.node, (byDriver = new Map()));
    const regs = byDriver.get(reg.driver) ?? [];
    regs.push(entry);
    byDriver.set(reg.driver, regs);
    this.deregistered.get(reg.node)?.delete(reg.driver);
    this.queue.add(reg.node);
    let registered = true;
    return {
      unregister: () => {
        if (!registered) return;
        registered = false;
        const list = this.plugins.get(reg.node)?.get(reg.driver);
        if (!list) return;
        list.splice(list.indexOf(entry), 1);
        if (list.length) return;
        this.plugins.get(reg.node)!.delete(reg.driver);
        // A registrar killed by a power cut is not seen going: the kubelet is down with it.
        if (this.agents && !this.agents.isPoweredOn(reg.node)) return;
        let gone = this.deregistered.get(reg.node);
        if (!gone) this.deregistered.set(reg.node, (gone = new Set()));
        gone.add(reg.driver);
        this.queue.add(reg.node);
      },
    };
  }

  private sync(nodeName: string): void {
    const node = this.nodes.get('', nodeName);
    if (!node || node.metadata.deletionTimestamp) return;
    if (this.agents && !this.agents.isPoweredOn(nodeName)) return;
    const desired = this.plugins.get(nodeName) ?? new Map<string, CsiPluginRegistration[]>();
    const gone = this.deregistered.get(nodeName) ?? new Set<string>();
    this.syncNodeIDs(node, desired, gone);
    let current = this.csiNodes.get('', nodeName);
    if (!current) {
      current = this.create(node);
      if (!current) return;
    }
    const next = structuredClone(current) as any;
    let changed = false;
    const annotation = migratedPlugins.join(',');
    if (next.metadata.annotations?.[migratedPluginsAnnotation] !== annotation) {
      next.metadata.annotations = { ...next.metadata.annotations, [migratedPluginsAnnotation]: annotation };
      changed = true;
    }
    const drivers: CsiNodeDriver[] = [];
    // Entries stay in the order they were installed; a reinstalled driver goes to the end (installDriverToCSINode).
    for (const d of (next.spec?.drivers ?? []) as CsiNodeDriver[]) {
      if (gone.has(d.name)) {
        changed = true;
        continue;
      }
      const regs = desired.get(d.name);
      if (!regs) {
        drivers.push(d);
        continue;
      }
      const want = driverEntry(regs[regs.length - 1]!);
      if (d.nodeID === want.nodeID && sameKeys(d.topologyKeys, want.topologyKeys) && d.allocatable?.count === want.allocatable?.count) drivers.push(d);
      else changed = true;
    }
    for (const [name, regs] of desired) {
      if (drivers.some((d) => d.name === name)) continue;
      drivers.push(driverEntry(regs[regs.length - 1]!));
      changed = true;
    }
    if (changed) {
      next.spec = { ...next.spec, drivers };
      // A conflict (someone else wrote it meanwhile) throws and is retried with backoff from the informer's newer copy.
      this.ctx.api.update(resources.csinodes, '', nodeName, next as KObject);
    }
    gone.clear();
  }

  /**
   * syncNodeIDs is updateNodeIDInNode / removeNodeIDFromNode: the Node's
   * nodeid annotation gets each registered driver's node ID and loses the
   * drivers that unregistered (the annotation goes with the last one).
   */
  private syncNodeIDs(node: KObject, desired: Map<string, CsiPluginRegistration[]>, gone: Set<string>): void {
    const raw = node.metadata.annotations?.[nodeIDAnnotation];
    let ids: Record<string, string> = {};
    if (raw) {
      try {
        ids = JSON.parse(raw) as Record<string, string>;
      } catch {
        // The kubelet fails the registration on an annotation it cannot parse; the sim leaves it alone.
        return;
      }
    }
    const next: Record<string, string> = { ...ids };
    for (const d of gone) delete next[d];
    for (const [name, regs] of desired) next[name] = regs[regs.length - 1]!.nodeID;
    // Go's json.Marshal writes map keys sorted.
    const keys = Object.keys(next).sort();
    const value = keys.length ? JSON.stringify(Object.fromEntries(keys.map((k) => [k, next[k]]))) : undefined;
    if ((raw || undefined) === value) return;
    this.ctx.api.patch(resources.nodes, '', node.metadata.name!, 'merge', { metadata: { annotations: { [nodeIDAnnotation]: value ?? null } } });
  }

  /** create is CreateCSINode: no drivers yet, owned by the Node, with the migration annotation. */
  private create(node: KObject): KObject | undefined {
    const name = node.metadata.name!;
    try {
      return this.ctx.api.create(resources.csinodes, '', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSINode',
        metadata: {
          name,
          annotations: { [migratedPluginsAnnotation]: migratedPlugins.join(',') },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }],
        },
        spec: { drivers: [] },
      } as unknown as KObject).object;
    } catch (e) {
      // Someone made it first (the informer has not delivered it yet): the next sync updates that one.
      if (e instanceof StatusError && e.code === 409) {
        this.queue.add(name);
        return undefined;
      }
      throw e;
    }
  }
}

/** driverEntry is the CSINodeDriver InstallCSIDriver writes for a registration. */
function driverEntry(reg: CsiPluginRegistration): CsiNodeDriver {
  // An empty topology is an empty list in the kubelet, stored as protobuf it reads back as null.
  const entry: CsiNodeDriver = { name: reg.driver, nodeID: reg.nodeID, topologyKeys: null };
  if (reg.maxVolumesPerNode && reg.maxVolumesPerNode > 0) entry.allocatable = { count: Math.min(reg.maxVolumesPerNode, maxInt32) };
  return entry;
}

function sameKeys(a: string[] | null | undefined, b: string[] | null | undefined): boolean {
  const x = [...(a ?? [])].sort();
  const y = [...(b ?? [])].sort();
  return x.length === y.length && x.every((k, i) => k === y[i]);
}
