/**
 * ExternalProvisionerController is the protocol every out-of-tree
 * provisioner speaks (sigs.k8s.io/sig-storage-lib-external-provisioner
 * controller/controller.go, which the csi-provisioner sidecar and
 * rancher/local-path-provisioner both build on):
 *
 * - it provisions a claim whose `volume.kubernetes.io/storage-provisioner`
 *   (or the beta spelling) names it, that has no volumeName yet, and —
 *   for a WaitForFirstConsumer class — carries
 *   `volume.kubernetes.io/selected-node`;
 * - it emits `Provisioning` "External provisioner is provisioning volume for
 *   claim "ns/name"", then creates PV `pvc-<claim uid>` with claimRef,
 *   `pv.kubernetes.io/provisioned-by`, the claim's class (and
 *   `external-provisioner.volume.kubernetes.io/finalizer` when the
 *   provisioner asks for it) and emits `ProvisioningSucceeded`
 *   "Successfully provisioned volume pvc-…"; the PV controller then binds;
 * - a failure is `ProvisioningFailed` "failed to provision volume with
 *   StorageClass "x": <error>", retried with exponential backoff
 *   (1 s doubling to 5 min, the sidecar's --retry-interval-start/-max);
 * - a Released volume it provisioned with reclaim policy Delete: the
 *   backing store is deleted first, then the finalizer and the PV; a
 *   failure is `VolumeFailedDelete` on the PV, retried.
 *
 * Events come from `<provisioner>_<provisioner pod>_<uuid>`, the identity
 * the lib records with.
 */
import { randomUUID } from 'node:crypto';
import type { KObject } from '../../store/types.ts';
import { StatusError } from '../../api/status.ts';
import { resources, objectKeyOf, splitKey, type Controller, type ControllerContext, type EventRecorder, type Informer, type WorkQueue } from '../manager/index.ts';
import { releasePrivateBackends, storageBackendsOf, type StorageBackends } from '../../dataroot/storage-backends.ts';
import { annBetaStorageProvisioner, annDynamicallyProvisioned, annSelectedNode, annStorageProvisioner, bindingModeOf, claimClass, specOf, statusOf } from '../pv-binder/volume-helpers.ts';
import { claimRefTo } from '../pv-binder/decisions.ts';
import { ProvisionFailure, externalProvisionerFinalizer, type ClusterReader, type Provisioner } from './types.ts';

const retryStartMs = 1000;
const retryMaxMs = 5 * 60_000;

/** shouldProvision is the lib's shouldProvision over the controller's caches. */
export function shouldProvision(claim: KObject, provisioner: string, classes: readonly KObject[]): boolean {
  if (specOf(claim).volumeName) return false;
  if (claim.metadata.deletionTimestamp) return false;
  const ann = claim.metadata.annotations ?? {};
  const named = ann[annStorageProvisioner] ?? ann[annBetaStorageProvisioner];
  if (named !== provisioner) return false;
  const sc = classes.find((c) => c.metadata.name === claimClass(claim));
  if (!sc) return false;
  if (bindingModeOf(sc) === 'WaitForFirstConsumer') return !!ann[annSelectedNode];
  return true;
}

/** shouldDelete is the lib's shouldDelete: Released, Delete policy, provisioned by this provisioner. */
export function shouldDelete(volume: KObject, provisioner: string, usesFinalizer: boolean): boolean {
  const finalizers = volume.metadata.finalizers ?? [];
  if (volume.metadata.deletionTimestamp && !(usesFinalizer && finalizers.includes(externalProvisionerFinalizer))) return false;
  if (statusOf(volume).phase !== 'Released') return false;
  if (specOf(volume).persistentVolumeReclaimPolicy !== 'Delete') return false;
  return volume.metadata.annotations?.[annDynamicallyProvisioned] === provisioner;
}

export class ExternalProvisionerController implements Controller {
  readonly name: string;
  readonly provisioner: Provisioner;
  private ctx!: ControllerContext;
  private claims!: Informer;
  private volumes!: Informer;
  private classes!: Informer;
  private nodes!: Informer;
  private secrets!: Informer;
  private configMaps!: Informer;
  private claimQueue!: WorkQueue;
  private volumeQueue!: WorkQueue;
  private recorder!: EventRecorder;
  private backends!: StorageBackends;
  private readonly failures = new Map<string, number>();
  /** inFlight: claims whose Provision call is under way, with the time it returns. */
  private readonly inFlight = new Map<string, number>();
  readonly identity: string;

  constructor(name: string, provisioner: Provisioner) {
    this.name = name;
    this.provisioner = provisioner;
    this.identity = `${provisioner.name}_${provisioner.podName}_${randomUUID()}`;
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.backends = storageBackendsOf(ctx);
    this.recorder = ctx.recorder(this.identity);
    this.classes = ctx.informer(resources.storageclasses);
    this.nodes = ctx.informer(resources.nodes);
    this.secrets = ctx.informer(resources.secrets);
    this.configMaps = ctx.informer(resources.configmaps);
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.claimQueue = ctx.queue(`${this.name}-claims`, (key) => this.syncClaim(key));
    this.volumeQueue = ctx.queue(`${this.name}-volumes`, (key) => this.syncVolume(key));
    const reader = this.reader();
    this.provisioner.configChanged?.(reader);
    this.configMaps.addHandler({ add: () => this.provisioner.configChanged?.(reader), update: () => this.provisioner.configChanged?.(reader) });
    const claimChanged = (c: KObject) => {
      if (shouldProvision(c, this.provisioner.name, this.classes.list())) this.claimQueue.add(objectKeyOf(c));
    };
    this.claims.addHandler({ add: claimChanged, update: (_o, c) => claimChanged(c) });
    const volumeChanged = (v: KObject) => {
      if (shouldDelete(v, this.provisioner.name, this.provisioner.addFinalizer)) this.volumeQueue.add(v.metadata.name!);
    };
    this.volumes.addHandler({ add: volumeChanged, update: (_o, v) => volumeChanged(v) });
  }

  stop(): void {
    if (this.ctx) releasePrivateBackends(this.ctx);
  }

  private reader(): ClusterReader {
    return {
      secret: (ns, name) => this.secrets.get(ns, name),
      configMap: (ns, name) => this.configMaps.get(ns, name),
    };
  }

  /** retryLater requeues a key after the sidecar's exponential backoff (failures counted under failureKey). */
  private retryLater(queue: WorkQueue, key: string, failureKey = key): void {
    const n = this.failures.get(failureKey) ?? 0;
    this.failures.set(failureKey, n + 1);
    queue.addAfter(key, Math.min(retryMaxMs, retryStartMs * 2 ** n));
  }

  private syncClaim(key: string): void {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (!claim || !shouldProvision(claim, this.provisioner.name, this.classes.list())) {
      this.failures.delete(key);
      this.inFlight.delete(key);
      return;
    }
    const pvName = `pvc-${claim.metadata.uid}`;
    if (this.volumes.get('', pvName)) return; // already provisioned; the PV controller binds it
    const className = claimClass(claim);
    const sc = this.classes.get('', className);
    if (!sc || (sc as any).provisioner !== this.provisioner.name) return;
    // canProvision: the block-volume check comes before anything is attempted.
    if (specOf(claim).volumeMode === 'Block' && !this.provisioner.supportsBlock) {
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `${this.provisioner.name} does not support block volume provisioning`);
      return;
    }
    let selectedNode: KObject | undefined;
    const nodeName = claim.metadata.annotations?.[annSelectedNode];
    if (nodeName) {
      selectedNode = this.nodes.get('', nodeName);
      if (!selectedNode) {
        // ProvisioningReschedule: drop selected-node so the scheduler picks again.
        const next = structuredClone(claim);
        delete next.metadata.annotations![annSelectedNode];
        this.ctx.api.update(resources.persistentvolumeclaims, namespace, name, next);
        this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `nodes "${nodeName}" not found`);
        return;
      }
    }
    // The Provision call takes time (a CreateVolume RPC, a helper pod): the claim stays Pending
    // meanwhile, as `kubectl get pvc` right after `apply` shows on a real cluster.
    const now = this.ctx.clock.now().getTime();
    const due = this.inFlight.get(key);
    if (due === undefined) {
      this.recorder.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${namespace}/${name}"`);
      const ms = this.ctx.options.provisionLatency === false ? 0 : (this.provisioner.provisionMs ?? 0);
      if (ms > 0) {
        this.inFlight.set(key, now + ms);
        this.claimQueue.addAfter(key, ms);
        return;
      }
    } else if (now < due) {
      this.claimQueue.addAfter(key, due - now);
      return;
    }
    this.inFlight.delete(key);
    let pv: KObject;
    try {
      pv = this.provisioner.provision({ claim, pvName, storageClass: sc, selectedNode, cluster: this.reader(), backends: this.backends, now: this.ctx.clock.now() });
    } catch (e) {
      if (!(e instanceof ProvisionFailure)) throw e;
      this.recorder.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": ${e.message}`);
      this.retryLater(this.claimQueue, key);
      return;
    }
    (pv as any).spec.claimRef = claimRefTo(claim);
    (pv as any).spec.storageClassName = className;
    pv.metadata.annotations = { ...(pv.metadata.annotations ?? {}), [annDynamicallyProvisioned]: this.provisioner.name };
    if (this.provisioner.addFinalizer) pv.metadata.finalizers = [...(pv.metadata.finalizers ?? []), externalProvisionerFinalizer];
    try {
      this.ctx.api.create(resources.persistentvolumes, '', pv);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
    this.failures.delete(key);
    this.recorder.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  }

  private syncVolume(name: string): void {
    const volume = this.volumes.get('', name);
    if (!volume || !shouldDelete(volume, this.provisioner.name, this.provisioner.addFinalizer)) {
      this.failures.delete(`pv/${name}`);
      return;
    }
    try {
      this.provisioner.delete(volume, { cluster: this.reader(), backends: this.backends });
    } catch (e) {
      if (!(e instanceof ProvisionFailure)) throw e;
      this.recorder.event(volume, 'Warning', 'VolumeFailedDelete', e.message);
      this.retryLater(this.volumeQueue, name, `pv/${name}`);
      return;
    }
    this.failures.delete(`pv/${name}`);
    const api = this.ctx.api;
    try {
      let current = volume;
      if ((current.metadata.finalizers ?? []).includes(externalProvisionerFinalizer)) {
        const next = structuredClone(current);
        next.metadata.finalizers = next.metadata.finalizers!.filter((f) => f !== externalProvisionerFinalizer);
        current = api.update(resources.persistentvolumes, '', name, next).object;
      }
      if (!current.metadata.deletionTimestamp) api.delete(resources.persistentvolumes, '', name);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }
}
