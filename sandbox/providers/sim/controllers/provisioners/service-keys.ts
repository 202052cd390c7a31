/**
 * Service keys the provisioner pods' programs use to reach their controller
 * (../../containers/cluster-link.ts): each names the controller that holds
 * the protocol; the pod attaches to it while its container runs. Kept apart
 * from ./index.ts, with type-only imports, so an image module can import it
 * without pulling in the controller manager (the manager's registry imports
 * the kubelet, which imports the image catalogue).
 */
import { serviceKey } from '../../containers/cluster-link.ts';
import type { ExternalProvisionerController } from './external-provisioner.ts';
import type { CsiResizerController } from './csi-resizer.ts';

export const localPathProvisionerKey = serviceKey<ExternalProvisionerController>('local-path-provisioner');
export const cephCsiRbdProvisionerKey = serviceKey<ExternalProvisionerController>('csi-rbdplugin-provisioner');
export const cephCsiRbdResizerKey = serviceKey<CsiResizerController>('csi-resizer-rbd.csi.ceph.com');

/** localPathServiceAccount is the provisioner's ServiceAccount, which its helper pods run as too. */
export const localPathServiceAccount = 'local-path-provisioner-service-account';
