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
 *
 * The protocol runs only while a provisioner pod runs it: the pod's program
 * (images/local-path-provisioner, images/ceph-csi) attaches to this
 * controller through its ClusterLink when it starts and detaches when it
 * stops. The first attached pod leads (the others wait, as with the lib's
 * leader election); with none attached nothing is provisioned or deleted and
 * a claim stays Pending with the PV controller's ExternalProvisioning event,
 * as on a cluster whose provisioner Deployment is scaled to 0. A new leader
 * lists every claim and volume again, as the lib's informers do on start.
 * The lib's klog lines at the default verbosity (controller start, the
 * events, retries after a failure; its per-operation lines are V(4)) go to
 * the pod's log as they happen.
 */
import { randomUUID } from 'node:crypto';
import type { KObject } from '../../store/types.ts';
import { StatusError } from '../../api/status.ts';
import { resources, objectKeyOf, splitKey, type Controller, type ControllerContext, type EventRecorder, type Informer, type WorkQueue } from '../manager/index.ts';
import { releasePrivateBackends, storageBackendsOf, type StorageBackends } from '../../dataroot/storage-backends.ts';
import { annBetaStorageProvisioner, annDynamicallyProvisioned, annSelectedNode, annStorageProvisioner, bindingModeOf, claimClass, specOf, statusOf } from '../pv-binder/volume-helpers.ts';
import { claimRefTo } from '../pv-binder/decisions.ts';
import { ProvisionFailure, externalProvisionerFinalizer, isInProgress, type ClusterClient, type Provisioner, type ProvisionerLogs, type ProvisionerPodRef } from './types.ts';
import { goQuote, klogEventLine, klogLine } from './log-format.ts';

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

/** ProvisionerPodLink is what a provisioner pod's program hands the controller when it attaches. */
export interface ProvisionerPodLink {
  pod: ProvisionerPodRef;
  /** log writes one line to the log of the container that runs the protocol. */
  log(line: string): void;
}

/** Attachment is a pod's hold on a controller; detach() when the container stops. */
export interface Attachment {
  detach(): void;
}

interface Session {
  link: ProvisionerPodLink;
  identity: string;
  recorder: EventRecorder;
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
  private pods!: Informer;
  private claimQueue!: WorkQueue;
  private volumeQueue!: WorkQueue;
  private backends!: StorageBackends;
  private readonly failures = new Map<string, number>();
  /** inFlight: claims whose Provision call is under way, with the time its modelled latency ends. */
  private readonly inFlight = new Map<string, number>();
  /** sessions: the attached provisioner pods, leader first. */
  private readonly sessions: Session[] = [];
  /** drivers: per provisioner pod, the log of its driver container (ceph-csi's csi-rbdplugin). */
  private readonly drivers = new Map<string, (line: string) => void>();

  constructor(name: string, provisioner: Provisioner) {
    this.name = name;
    this.provisioner = provisioner;
  }

  /** identity is the leader's `<provisioner>_<pod>_<uuid>`, or undefined while no provisioner pod runs. */
  get identity(): string | undefined {
    return this.sessions[0]?.identity;
  }

  /** runningPod is the pod that runs the protocol now. */
  get runningPod(): ProvisionerPodRef | undefined {
    return this.sessions[0]?.link.pod;
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.backends = storageBackendsOf(ctx);
    this.classes = ctx.informer(resources.storageclasses);
    this.nodes = ctx.informer(resources.nodes);
    this.secrets = ctx.informer(resources.secrets);
    this.configMaps = ctx.informer(resources.configmaps);
    this.pods = ctx.informer(resources.pods);
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.claimQueue = ctx.queue(`${this.name}-claims`, (key) => this.syncClaim(key));
    this.volumeQueue = ctx.queue(`${this.name}-volumes`, (key) => this.syncVolume(key));
    const client = this.client();
    const configChanged = () => this.provisioner.configChanged?.(client, this.sessions.length ? this.logs() : undefined, this.ctx.clock.now());
    configChanged();
    this.configMaps.addHandler({ add: configChanged, update: configChanged });
    const claimChanged = (c: KObject) => {
      if (this.sessions.length && shouldProvision(c, this.provisioner.name, this.classes.list())) this.claimQueue.add(objectKeyOf(c));
    };
    this.claims.addHandler({ add: claimChanged, update: (_o, c) => claimChanged(c) });
    const volumeChanged = (v: KObject) => {
      if (this.sessions.length && shouldDelete(v, this.provisioner.name, this.provisioner.addFinalizer)) this.volumeQueue.add(v.metadata.name!);
    };
    this.volumes.addHandler({ add: volumeChanged, update: (_o, v) => volumeChanged(v) });
  }

  stop(): void {
    if (this.ctx) releasePrivateBackends(this.ctx);
  }

  /**
   * attach is called by a provisioner pod's program when it starts. The
   * first attached pod leads: its identity signs events, its log gets the
   * lines; a pod attaching while another leads waits for it to go.
   */
  attach(link: ProvisionerPodLink): Attachment {
    const session: Session = { link, identity: '', recorder: undefined as unknown as EventRecorder };
    this.sessions.push(session);
    if (this.sessions[0] === session) this.lead();
    let attached = true;
    return {
      detach: () => {
        if (!attached) return;
        attached = false;
        const wasLeader = this.sessions[0] === session;
        this.sessions.splice(this.sessions.indexOf(session), 1);
        if (!wasLeader) return;
        // The pod that ran the operations is gone: what it had under way is forgotten (its helper pods stay behind).
        this.inFlight.clear();
        this.failures.clear();
        this.provisioner.abandon?.();
        if (this.sessions.length) this.lead();
      },
    };
  }

  /** registerDriver connects the log of a provisioner pod's driver container (ceph-csi's csi-rbdplugin) to that pod's operations. */
  registerDriver(podName: string, log: (line: string) => void): Attachment {
    this.drivers.set(podName, log);
    return { detach: () => this.drivers.get(podName) === log && this.drivers.delete(podName) };
  }

  /** lead makes sessions[0] the leader: a fresh identity, its start-up lines, and a full resync. */
  private lead(): void {
    const s = this.sessions[0]!;
    s.identity = `${this.provisioner.name}_${s.link.pod.name}_${randomUUID()}`;
    s.recorder = this.ctx.recorder(s.identity);
    const now = this.ctx.clock.now();
    this.provisioner.started?.({ cluster: this.client(), logs: this.logs(), pod: s.link.pod, now, identity: s.identity });
    s.link.log(klogLine(now, 'I', 'controller.go:811', `"Starting provisioner controller" component="${s.identity}"`));
    s.link.log(klogLine(now, 'I', 'controller.go:860', `"Started provisioner controller" component="${s.identity}"`));
    for (const c of this.claims.list()) if (shouldProvision(c, this.provisioner.name, this.classes.list())) this.claimQueue.add(objectKeyOf(c));
    for (const v of this.volumes.list()) if (shouldDelete(v, this.provisioner.name, this.provisioner.addFinalizer)) this.volumeQueue.add(v.metadata.name!);
  }

  /** logs are the leader pod's sinks (a line nobody reads is dropped). */
  private logs(): ProvisionerLogs {
    const s = this.sessions[0];
    const controller = (line: string) => s?.link.log(line);
    return {
      controller,
      driver: (line: string) => {
        const d = s ? this.drivers.get(s.link.pod.name) : undefined;
        if (d) d(line);
        else if (!this.provisioner.separateDriver) controller(line);
      },
    };
  }

  /** event records an event from the leader's identity and writes the lib's log line for it. */
  private event(s: Session, obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    s.recorder.event(obj, type, reason, message);
    s.link.log(klogEventLine(this.ctx.clock.now(), { namespace: obj.metadata.namespace, name: obj.metadata.name!, kind: obj.kind, apiVersion: obj.apiVersion }, type, reason, message));
  }

  private client(): ClusterClient {
    const api = this.ctx.api;
    return {
      secret: (ns, name) => this.secrets.get(ns, name),
      configMap: (ns, name) => this.configMaps.get(ns, name),
      pod: (ns, name) => this.pods.get(ns, name),
      createPod: (ns, pod) => {
        try {
          api.create(resources.pods, ns, pod);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 409)) throw e;
        }
      },
      deletePod: (ns, name) => {
        try {
          api.delete(resources.pods, ns, name);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      },
    };
  }

  /** retryLater requeues a key after the sidecar's exponential backoff (failures counted under failureKey). */
  private retryLater(queue: WorkQueue, key: string, failureKey = key): void {
    const n = this.failures.get(failureKey) ?? 0;
    this.failures.set(failureKey, n + 1);
    queue.addAfter(key, Math.min(retryMaxMs, retryStartMs * 2 ** n));
  }

  private syncClaim(key: string): void {
    const session = this.sessions[0];
    // No provisioner pod runs: nothing watches the claim (the PV controller keeps saying so).
    if (!session) return;
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
    const log = (sev: 'I' | 'W' | 'E', src: string, text: string) => session.link.log(klogLine(this.ctx.clock.now(), sev, src, text));
    // canProvision: the block-volume check comes before anything is attempted.
    if (specOf(claim).volumeMode === 'Block' && !this.provisioner.supportsBlock) {
      this.event(session, claim, 'Warning', 'ProvisioningFailed', `${this.provisioner.name} does not support block volume provisioning`);
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
        this.event(session, claim, 'Warning', 'ProvisioningFailed', `nodes "${nodeName}" not found`);
        return;
      }
    }
    // The Provision call takes time (a CreateVolume RPC, a helper pod): the claim stays Pending
    // meanwhile, as `kubectl get pvc` right after `apply` shows on a real cluster.
    const now = this.ctx.clock.now().getTime();
    const due = this.inFlight.get(key);
    if (due === undefined) {
      this.event(session, claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${namespace}/${name}"`);
      const ms = this.ctx.options.provisionLatency === false ? 0 : (this.provisioner.provisionMs ?? 0);
      this.inFlight.set(key, now + ms);
      if (ms > 0) {
        this.claimQueue.addAfter(key, ms);
        return;
      }
    } else if (now < due) {
      this.claimQueue.addAfter(key, due - now);
      return;
    }
    let pv: KObject;
    try {
      const result = this.provisioner.provision({
        claim,
        pvName,
        storageClass: sc,
        selectedNode,
        cluster: this.client(),
        backends: this.backends,
        now: this.ctx.clock.now(),
        logs: this.logs(),
        pod: session.link.pod,
        modelLatency: this.ctx.options.provisionLatency !== false,
      });
      if (isInProgress(result)) {
        this.claimQueue.addAfter(key, result.retryAfterMs);
        return;
      }
      pv = result;
    } catch (e) {
      if (!(e instanceof ProvisionFailure)) throw e;
      this.inFlight.delete(key);
      const message = `failed to provision volume with StorageClass "${className}": ${e.message}`;
      this.event(session, claim, 'Warning', 'ProvisioningFailed', message);
      const n = this.failures.get(key) ?? 0;
      log('I', 'controller.go:936', `"Retrying syncing claim because failures < threshold" key="${claim.metadata.uid}" failures=${n} threshold=15`);
      log('E', 'controller.go:956', `"Unhandled Error" err=${goQuote(`error syncing claim "${claim.metadata.uid}": ${message}`)} logger="UnhandledError"`);
      this.retryLater(this.claimQueue, key);
      return;
    }
    this.inFlight.delete(key);
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
    this.event(session, claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  }

  private syncVolume(name: string): void {
    const session = this.sessions[0];
    if (!session) return;
    const volume = this.volumes.get('', name);
    if (!volume || !shouldDelete(volume, this.provisioner.name, this.provisioner.addFinalizer)) {
      this.failures.delete(`pv/${name}`);
      return;
    }
    const log = (sev: 'I' | 'W' | 'E', src: string, text: string) => session.link.log(klogLine(this.ctx.clock.now(), sev, src, text));
    try {
      const result = this.provisioner.delete(volume, { cluster: this.client(), backends: this.backends, now: this.ctx.clock.now(), logs: this.logs(), pod: session.link.pod, modelLatency: this.ctx.options.provisionLatency !== false });
      if (isInProgress(result)) {
        this.volumeQueue.addAfter(name, result.retryAfterMs);
        return;
      }
    } catch (e) {
      if (!(e instanceof ProvisionFailure)) throw e;
      this.event(session, volume, 'Warning', 'VolumeFailedDelete', e.message);
      const n = this.failures.get(`pv/${name}`) ?? 0;
      log('I', 'controller.go:1003', `"Retrying syncing volume because failures < threshold" key="${name}" failures=${n} threshold=15`);
      log('E', 'controller.go:1022', `"Unhandled Error" err=${goQuote(`error syncing volume "${name}": ${e.message}`)} logger="UnhandledError"`);
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
