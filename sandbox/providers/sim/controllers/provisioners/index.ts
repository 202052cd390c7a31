/**
 * provisioners: the external provisioners a simulated cluster runs, keyed
 * by provisioner name, and the names nobody answers for.
 */
import type { ControllerFactory } from '../manager/index.ts';
import { ExternalProvisionerController } from './external-provisioner.ts';
import { cephCsiRbdProvisionerKey, localPathProvisionerKey } from './service-keys.ts';
import { LocalPathProvisioner, localPathProvisionerName } from './local-path.ts';
import { CephCsiRbdProvisioner, cephCsiRbdProvisionerName } from './ceph-csi-rbd.ts';
import { unansweredProvisioners, type UnansweredProvisioner } from './no-provisioner.ts';

export { ExternalProvisionerController, shouldProvision, shouldDelete, type Attachment, type ProvisionerPodLink } from './external-provisioner.ts';
export { LocalPathProvisioner, localPathProvisionerName, parseLocalPathConfig, localPathSelectedNodeAnnotation } from './local-path.ts';
export { CephCsiRbdProvisioner, cephCsiRbdProvisionerName, composeVolumeHandle, parseVolumeHandle } from './ceph-csi-rbd.ts';
export { CsiResizerController } from './csi-resizer.ts';
export { klogLine, logrusLine } from './log-format.ts';
export { localPathProvisionerKey, cephCsiRbdProvisionerKey, cephCsiRbdResizerKey, localPathServiceAccount } from './service-keys.ts';
export { noProvisioner, unansweredProvisioners, isProvisionable } from './no-provisioner.ts';
export { ProvisionFailure, externalProvisionerFinalizer, type Provisioner, type ProvisionOptions } from './types.ts';

/** RunningProvisioner is a provisioner the cluster runs: its controller name and factory. */
export interface RunningProvisioner {
  provisioner: string;
  controller: string;
  create: ControllerFactory;
}

/**
 * runningProvisioners are the provisioners a fresh lab cluster installs
 * (kind's local-path, ceph-csi's RBD sidecar). Their controllers always
 * run; they act only while a provisioner pod is attached.
 */
export const runningProvisioners: readonly RunningProvisioner[] = [
  {
    provisioner: localPathProvisionerName,
    controller: localPathProvisionerKey.name,
    create: () => new ExternalProvisionerController(localPathProvisionerKey.name, new LocalPathProvisioner()),
  },
  {
    provisioner: cephCsiRbdProvisionerName,
    controller: cephCsiRbdProvisionerKey.name,
    create: () => new ExternalProvisionerController(cephCsiRbdProvisionerKey.name, new CephCsiRbdProvisioner()),
  },
];

/** provisionerRegistry answers "who provisions for this name?": a running provisioner, or why nobody does. */
export const provisionerRegistry: ReadonlyMap<string, RunningProvisioner | UnansweredProvisioner> = new Map<string, RunningProvisioner | UnansweredProvisioner>([
  ...runningProvisioners.map((p) => [p.provisioner, p] as const),
  ...unansweredProvisioners.map((p) => [p.name, p] as const),
]);
