/**
 * The contract between the external-provisioner protocol
 * (./external-provisioner.ts, modelled on
 * sigs.k8s.io/sig-storage-lib-external-provisioner controller/controller.go)
 * and one provisioner's own behaviour (local-path, ceph-csi RBD): what
 * Provision gets and returns, and how it fails.
 */
import type { KObject } from '../../store/types.ts';
import type { StorageBackends } from '../../dataroot/storage-backends.ts';

/** ProvisionOptions is the lib's ProvisionOptions plus the cluster, the storage backends and the provisioner pod's logs. */
export interface ProvisionOptions {
  claim: KObject;
  /** pvName is `pvc-<claim uid>`. */
  pvName: string;
  storageClass: KObject;
  /** selectedNode is the node named by volume.kubernetes.io/selected-node (WaitForFirstConsumer). */
  selectedNode?: KObject;
  cluster: ClusterClient;
  backends: StorageBackends;
  now: Date;
  /** logs are the running provisioner pod's container logs. */
  logs: ProvisionerLogs;
  /** pod is the provisioner pod doing the work. */
  pod: ProvisionerPodRef;
  /** modelLatency: take the modelled real-cluster time (ControlPlaneOptions.provisionLatency, off in tests not about timing). */
  modelLatency: boolean;
}

/** ClusterReader is what a provisioner may read from the API (secrets, config maps, pods). */
export interface ClusterReader {
  secret(namespace: string, name: string): KObject | undefined;
  configMap(namespace: string, name: string): KObject | undefined;
  pod(namespace: string, name: string): KObject | undefined;
}

/** ClusterClient adds the writes a provisioner makes besides the PV (local-path's helper pods). */
export interface ClusterClient extends ClusterReader {
  /** createPod creates a pod; one that already exists is left as it is (the provisioner's IsAlreadyExists check). */
  createPod(namespace: string, pod: KObject): void;
  /** deletePod deletes a pod with its default grace period; a missing one is not an error to the caller. */
  deletePod(namespace: string, name: string): void;
}

export interface DeleteOptions {
  cluster: ClusterClient;
  backends: StorageBackends;
  now: Date;
  logs: ProvisionerLogs;
  pod: ProvisionerPodRef;
  modelLatency: boolean;
}

/** ProvisionerPodRef names the provisioner pod that runs the protocol now (the leader). */
export interface ProvisionerPodRef {
  namespace: string;
  name: string;
  node: string;
}

/**
 * ProvisionerLogs are where a running provisioner pod's containers write:
 * `controller` is the container running the external-provisioner protocol
 * (local-path's only container, ceph-csi's csi-provisioner sidecar),
 * `driver` the one doing the storage work (local-path's container again,
 * ceph-csi's csi-rbdplugin). A sink nobody registered drops the line.
 */
export interface ProvisionerLogs {
  controller(line: string): void;
  driver(line: string): void;
}

/**
 * InProgress is a Provision or Delete call that has not returned yet (a
 * helper pod still running): the protocol calls again after retryAfterMs,
 * the claim stays Pending meanwhile.
 */
export interface InProgress {
  inProgress: true;
  retryAfterMs: number;
}

/** inProgress makes an InProgress result. */
export function inProgress(retryAfterMs: number): InProgress {
  return { inProgress: true, retryAfterMs };
}

/** isInProgress tells an InProgress result from a PV. */
export function isInProgress(r: unknown): r is InProgress {
  return !!r && typeof r === 'object' && (r as InProgress).inProgress === true;
}

/** StartOptions is what a provisioner sees when a pod starts running it. */
export interface StartOptions {
  cluster: ClusterReader;
  logs: ProvisionerLogs;
  pod: ProvisionerPodRef;
  now: Date;
  /** identity is `<provisioner>_<pod>_<uuid>`, the lib's identity for events and logs. */
  identity: string;
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
  /** addFinalizer: put external-provisioner.volume.kubernetes.io/finalizer on provisioned PVs (csi-provisioner does; local-path does not). */
  readonly addFinalizer: boolean;
  /** supportsBlock: volumeMode Block claims are accepted. */
  readonly supportsBlock: boolean;
  /**
   * provisionMs is how long one Provision call takes (ceph-csi's CreateVolume RPC, local-path's
   * helper pod): the claim stays Pending that long after the Provisioning event.
   */
  readonly provisionMs?: number;
  /** separateDriver: driver log lines go only to a separate driver container (ceph-csi's csi-rbdplugin), never to the protocol's. */
  readonly separateDriver?: boolean;
  /** provision returns the PV, or InProgress while its work (a helper pod) runs; it throws ProvisionFailure. */
  provision(options: ProvisionOptions): KObject | InProgress;
  /** delete removes the backing store (or returns InProgress while that runs); it throws ProvisionFailure. */
  delete(volume: KObject, options: DeleteOptions): void | InProgress;
  /** started runs when a pod starts running the provisioner (its start-up log lines, reading its config). */
  started?(options: StartOptions): void;
  /** configChanged lets a provisioner follow its configuration (local-path's ConfigMap); logs are absent while no pod runs it. */
  configChanged?(cluster: ClusterReader, logs?: ProvisionerLogs, now?: Date): void;
  /** abandon forgets the operations under way (the pod running them stopped). */
  abandon?(): void;
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
