/**
 * addons lists the add-ons a new simulated cluster gets, in the order the
 * bootstrap applies them (../bootstrap.ts runs one step per add-on, after
 * the namespaces, nodes and each namespace's default ServiceAccount exist).
 * The order follows `kind create cluster`: kubeadm's control plane and its
 * CoreDNS and kube-proxy add-ons, then kind's CNI (kindnet), then kind's
 * storage, then what this course installs on top (ceph-csi, the Ceph toolbox).
 *
 * To add an add-on: write `./<name>.ts` exporting an `Addon` (./types.ts):
 * `{ step: 'installing <thing>', objects(ctx) { return [...] } }`, where the
 * objects are the manifest's objects as plain data (ServiceAccount and
 * ConfigMaps before the workload). Wrap a Deployment whose pods must sit
 * where they sat at cluster creation in `scheduledOn(node, deployment)`;
 * DaemonSets and other Deployments are left to the controllers and the
 * scheduler. Then add one import and one entry to the list below. Images
 * its pods run go in ../../images/<name>/ with one line in
 * ../../containers/images/catalogue.ts; mark them `preloaded` when the kind
 * node image already holds them.
 */
import type { Addon } from './types.ts';
import { controlPlaneAddon } from './control-plane.ts';
import { corednsAddon } from './coredns.ts';
import { kubeProxyAddon } from './kube-proxy.ts';
import { kindnetAddon } from './kindnet.ts';
import { cephToolboxAddon } from './ceph-toolbox.ts';
import { localPathProvisionerAddon } from './local-path-provisioner.ts';
import { cephCsiAddon } from './ceph-csi.ts';

export type { Addon, AddonContext, AddonObject, ScheduledDeployment } from './types.ts';
export { scheduledOn } from './types.ts';
export { applyAddon } from './apply.ts';

export const addons: readonly Addon[] = [
  controlPlaneAddon,
  corednsAddon,
  kubeProxyAddon,
  kindnetAddon,
  localPathProvisionerAddon,
  cephCsiAddon,
  cephToolboxAddon,
];
