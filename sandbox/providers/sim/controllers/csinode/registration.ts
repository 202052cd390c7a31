/**
 * The plugin-registration protocol between a CSI node plugin pod and the
 * simulated kubelets' CSINode manager (./csinode.ts), kept apart with a
 * type-only import so an image module (../../images/ceph-csi) can import
 * the key without pulling in the controller manager (the manager's
 * registry imports the kubelet, which imports the image catalogue).
 *
 * On a real node the csi-node-driver-registrar sidecar opens
 * `/registration/<driver>-reg.sock`; the kubelet's plugin watcher finds it,
 * calls NodeGetInfo on the driver and records the answer in the node's
 * CSINode; when the socket goes away the driver is removed again
 * (pkg/kubelet/pluginmanager, pkg/volume/csi/csi_plugin.go RegisterPlugin /
 * DeRegisterPlugin). Here the registrar's program calls registerPlugin()
 * when its container starts and unregister() when it stops.
 */
import { serviceKey } from '../../containers/cluster-link.ts';
import type { CsiNodeInfoManager } from './csinode.ts';

/** CsiPluginRegistration is what a node plugin tells its node's kubelet: the driver and NodeGetInfo's answer. */
export interface CsiPluginRegistration {
  /** driver is the CSI driver name (GetPluginInfo), e.g. rbd.csi.ceph.com. */
  driver: string;
  /** node is the node whose kubelet the plugin registers with (the pod's spec.nodeName). */
  node: string;
  /** nodeID is NodeGetInfo's node_id (ceph-csi answers its --nodeid flag, the node name). */
  nodeID: string;
  /** maxVolumesPerNode is NodeGetInfo's max_volumes_per_node; 0 or absent means no limit (ceph-csi reports none). */
  maxVolumesPerNode?: number;
}

/** PluginRegistration is a plugin's hold on its node's kubelet; unregister() when the registrar stops. */
export interface PluginRegistration {
  unregister(): void;
}

/** csiNodeInfoKey is the service a node plugin's registrar reaches the CSINode manager by; also its controller name. */
export const csiNodeInfoKey = serviceKey<CsiNodeInfoManager>('kubelet-csi-node-info');
