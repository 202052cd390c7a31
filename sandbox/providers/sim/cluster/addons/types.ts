/**
 * Add-on types: what a cluster add-on (kube-system components, storage
 * drivers, the Ceph toolbox) hands the bootstrap. An add-on is data — the
 * objects kubeadm, kind or a manifest would create — not code that pokes the
 * store: ./apply.ts creates them through the same REST path (defaulting +
 * admission) a client would.
 */
import type { KObject } from '../../store/types.ts';
import type { CephCluster } from '../../ceph/ceph-cluster.ts';
import type { DataRoot } from '../../dataroot/dataroot.ts';

/** AddonContext is what an add-on may read while building its objects. */
export interface AddonContext {
  /** caCertPem is the cluster CA (what kube-root-ca.crt carries). */
  caCertPem: string;
  /** now is the cluster's creation time, RFC 3339 to the second. */
  now: string;
  /** nodes are the registered Nodes by name (uid for a mirror pod's owner reference, InternalIP). */
  nodes: ReadonlyMap<string, { uid: string; ip: string }>;
  /**
   * ceph is the cluster's Ceph model when the cluster has one (a SimCluster
   * always does; unit-test harnesses that bootstrap a bare store do not), so
   * the toolbox's keyring can carry the real client.admin key.
   */
  ceph?: CephCluster;
  /** dataRoot holds the nodes' file trees when the cluster has one (files an add-on puts on a node's disk). */
  dataRoot?: DataRoot;
}

/**
 * ScheduledDeployment is a Deployment whose pods were placed when the
 * cluster was created. kind runs `kubeadm init` on the control plane and
 * installs CoreDNS and its storage before any worker joins, so those pods
 * land on the control plane (the only node). Bootstrap reproduces that
 * moment: it creates the Deployment, the ReplicaSet the Deployment
 * controller would create (same pod-template-hash, revision 1) and its
 * pods already bound to `node`; the controllers adopt them on start and the
 * scheduler never scores them, so learner pods land where they did before.
 */
export interface ScheduledDeployment {
  deployment: KObject;
  /** scheduledOn is the node the pods were bound to at cluster creation. */
  scheduledOn: string;
}

/** AddonObject is one object an add-on creates, in order. */
export type AddonObject = KObject | ScheduledDeployment;

/** isScheduledDeployment tells a ScheduledDeployment from a plain object. */
export function isScheduledDeployment(o: AddonObject): o is ScheduledDeployment {
  return 'deployment' in o && 'scheduledOn' in o;
}

/** scheduledOn marks a Deployment as placed on `node` at cluster creation (see ScheduledDeployment). */
export function scheduledOn(node: string, deployment: KObject): ScheduledDeployment {
  return { deployment, scheduledOn: node };
}

/** NodeFile is a file an add-on's installer writes on a node's disk (kubeadm's static pod manifests). */
export interface NodeFile {
  node: string;
  /** path is absolute on the node, e.g. /etc/kubernetes/manifests/etcd.yaml. */
  path: string;
  content: string;
  mode?: number;
}

/** Addon is one add-on: a name for the bootstrap's progress ("installing CoreDNS") and its objects. */
export interface Addon {
  /** step is the bootstrap step's name, shown while the cluster is created (kind says "Installing CNI 🔌"). */
  step: string;
  /** objects lists what to create, dependencies first (ServiceAccount and ConfigMap before the workload). */
  objects(ctx: AddonContext): AddonObject[];
  /** nodeFiles lists files to write on nodes first (written only when the cluster has a data root). */
  nodeFiles?(ctx: AddonContext): NodeFile[];
}
