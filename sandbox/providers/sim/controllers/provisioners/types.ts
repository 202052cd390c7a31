/**
 * The contract between the external-provisioner protocol
 * (./external-provisioner.ts, modelled on
 * sigs.k8s.io/sig-storage-lib-external-provisioner controller/controller.go)
 * and one provisioner's own behaviour (local-path, ceph-csi RBD): what
 * Provision gets and returns, and how it fails.
 */
import type { KObject } from '../../store/types.ts';
import type { StorageBackends } from '../../dataroot/storage-backends.ts';

/** ProvisionOptions is the lib's ProvisionOptions plus read access to the cluster and the storage backends. */
export interface ProvisionOptions {
  claim: KObject;
  /** pvName is `pvc-<claim uid>`. */
  pvName: string;
  storageClass: KObject;
  /** selectedNode is the node named by volume.kubernetes.io/selected-node (WaitForFirstConsumer). */
  selectedNode?: KObject;
  cluster: ClusterReader;
  backends: StorageBackends;
  now: Date;
}

/** ClusterReader is what a provisioner may read from the API (secrets, config maps). */
export interface ClusterReader {
  secret(namespace: string, name: string): KObject | undefined;
  configMap(namespace: string, name: string): KObject | undefined;
}

export interface DeleteOptions {
  cluster: ClusterReader;
  backends: StorageBackends;
}

/**
 * Provisioner is one storage backend's provisioning logic. provision()
 * returns the PV it made (name, spec, its own annotations) — the protocol
 * adds claimRef, provisioned-by, class and finalizer — or throws
 * ProvisionFailure. delete() removes the backing store or throws.
 */
export interface Provisioner {
  /** name is the provisioner name StorageClasses use. */
  readonly name: string;
  /** podName is the provisioner pod whose identity appears in event sources. */
  readonly podName: string;
  /** addFinalizer: put external-provisioner.volume.kubernetes.io/finalizer on provisioned PVs (csi-provisioner does; local-path does not). */
  readonly addFinalizer: boolean;
  /** supportsBlock: volumeMode Block claims are accepted. */
  readonly supportsBlock: boolean;
  /**
   * provisionMs is how long one Provision call takes (ceph-csi's CreateVolume RPC, local-path's
   * helper pod): the claim stays Pending that long after the Provisioning event.
   */
  readonly provisionMs?: number;
  provision(options: ProvisionOptions): KObject;
  delete(volume: KObject, options: DeleteOptions): void;
  /** start/stop let a provisioner follow its configuration (local-path's ConfigMap). */
  configChanged?(cluster: ClusterReader): void;
}

/** ProvisionFailure is a provisioning error; message is what follows `failed to provision volume with StorageClass "x": `. */
export class ProvisionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisionFailure';
  }
}

/** finalizerPV is the HonorPVReclaimPolicy finalizer of external provisioners. */
export const externalProvisionerFinalizer = 'external-provisioner.volume.kubernetes.io/finalizer';
