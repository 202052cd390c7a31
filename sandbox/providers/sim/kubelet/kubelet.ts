/**
 * Kubelets is the kubelet of every simulated node, run as one controller in
 * the cluster's controller manager (one queue, one record per pod, keyed by
 * node). It is modelled on pkg/kubelet: kubelet.go syncPod (admit → volumes
 * via WaitForAttachAndMount → sandbox → image pull → init containers →
 * containers), kuberuntime (restart by restartPolicy with the
 * CrashLoopBackOff back-off, 10 s doubling to 5 min), status/generate.go
 * (phase and conditions, ./status.ts) and the status manager, which writes
 * pod status through the status subresource and finally deletes a
 * terminated pod with grace period 0 (status_manager.go canBeDeleted).
 *
 * Volume expansion's node step (NodeExpandVolume, online and at mount) is
 * ./expansion.ts, applied in expandInUse / expandAtMount below.
 *
 * Containers are the modelled images of ../containers (busybox, nginx,
 * mysql, …), their volumes real directories (./volumes.ts). A node whose
 * power is off (../controllers/node-lifecycle) runs nothing: its containers
 * stop abruptly and it writes no status; on power on its kubelet starts
 * again, removes pods deleted meanwhile and restarts the others' containers
 * (restartCount +1, last state Unknown/255, as after a real reboot).
 *
 * Not modelled: probes (containers are ready once running), resource limits
 * and OOM kills, lifecycle hooks, ephemeral containers, sidecar init
 * containers (restartPolicy Always in initContainers), image pull secrets.
 */
import { randomBytes, createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync, rmSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { KObject } from '../store/types.ts';
import type { Controller, ControllerContext } from '../controllers/manager/manager.ts';
import { referenceTo, type EventRecorder, type EventType } from '../controllers/manager/events.ts';
import type { Informer } from '../controllers/manager/informer.ts';
import type { WorkQueue } from '../controllers/manager/work-queue.ts';
import type { TimerHandle } from '../controllers/manager/clock.ts';
import { resources } from '../controllers/manager/resources.ts';
import { rfc3339 } from '../controllers/manager/events.ts';
import { StatusError } from '../api/status.ts';
import { storageBackendsOf, storageBackendsKey, type StorageBackends } from '../dataroot/storage-backends.ts';
import type { ClusterLink, ServiceKey } from '../containers/cluster-link.ts';
import type { NodeAgents } from '../controllers/node-lifecycle/node-agent.ts';
import { ContainerFs, mountSource, startContainer, formatCriLogLine, ContainerStartError, type ContainerProcess, type ContainerLogLine, type VolumeMount, type Clock as ContainerClock } from '../containers/index.ts';
import { resolveImage, imagePullError, preloadedImages } from '../containers/images/catalogue.ts';
import '../images/mysql/index.ts';
import { parseQuantity } from '../admission/validation/quantity.ts';
import { nfsServerFor } from '../nfs/server.ts';
import { setUpVolume, removePodDir, podDir, nodeExpandRbd, NodeStages, type MountedVolume, type VolumeEnvironment } from './volumes.ts';
import { pendingNodeExpansion, nodeExpansionInProgressStatus, nodeExpansionFinishedStatus, nodeExpandSucceededMessage, nodeExpandReadOnlyMessage, onlineExpansionDelayMs } from './expansion.ts';
import { volumeLatencyOf } from '../controllers/attach-detach/volume-latency.ts';
import { podPhase, podConditions, mergeConditions, backoffMs, formatGoDuration, type ContainerState, type ContainerStatusView } from './status.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

export const KUBELET_CONTROLLER = 'kubelet';

/** RunRecord is one run of a container (one containerd container id). */
export interface RunRecord {
  id: string;
  image: string;
  imageID: string;
  process?: ContainerProcess;
  startedAt: Date;
  finishedAt?: Date;
  exitCode?: number;
  reason?: string;
  message?: string;
}

/** ContainerSlot is one container of the pod spec across its restarts. */
export interface ContainerSlot {
  name: string;
  init: boolean;
  /** restartDue: start again without back-off (its definition changed). */
  restartDue?: boolean;
  /** ephemeral: an ephemeral container (kubectl debug POD): started once, never restarted, not part of the phase. */
  ephemeral?: boolean;
  spec: any;
  current?: RunRecord;
  previous?: RunRecord;
  restartCount: number;
  waiting?: { reason: string; message?: string };
  /** crashes counts back-off steps (CrashLoopBackOff), pullFailures the image pull back-off. */
  crashes: number;
  backoffUntil?: number;
  pullFailures: number;
  pullBackoffUntil?: number;
  pullFailedAt?: number;
  pulling?: boolean;
}

/** PodRecord is what a node's kubelet knows of one pod it runs. */
export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  podIP?: string;
  startTime: string;
  volumes: Map<string, MountedVolume>;
  /** mountTrouble: per volume, when the first failing attempt began and the next retry delay. */
  mountTrouble: Map<string, { since: number; retryMs: number; reported: boolean; nextAt?: number }>;
  slots: ContainerSlot[];
  terminating?: { killTimer?: TimerHandle; started: boolean };
  /** evicted is the eviction message once the kubelet evicted the pod (emptyDir over its sizeLimit). */
  evicted?: string;
  removed: boolean;
}

export interface KubeletOptions {
  /** imagePullMs gives the simulated pull time of an image (default: 200 ms + 10 ms per MB, at most 3 s). */
  imagePullMs?: (sizeBytes: number) => number;
}

export class Kubelets implements Controller {
  readonly name = KUBELET_CONTROLLER;
  private ctx!: ControllerContext;
  private pods!: Informer;
  private nodes!: Informer;
  private claims!: Informer;
  private volumes!: Informer;
  private attachments!: Informer;
  private configMaps!: Informer;
  private secrets!: Informer;
  private serviceAccounts!: Informer;
  private queue!: WorkQueue;
  private storage!: StorageBackends;
  private nodeStages!: NodeStages;
  private readonly records = new Map<string, PodRecord>();
  private readonly recorders = new Map<string, EventRecorder>();
  /** pulled: per node, the canonical refs of images it has (IfNotPresent pulls once). */
  private readonly pulled = new Map<string, Set<string>>();
  private readonly usedIPs = new Map<string, Set<number>>();
  /** lastIP: per node, the host part handed out last (host-local IPAM's last_reserved_ip). */
  private readonly lastIP = new Map<string, number>();
  private readonly off = new Set<string>();
  /** expansionDue: per node and PV, when the pod sync that notices a mounted volume grew comes (online expansion, ./expansion.ts). */
  private readonly expansionDue = new Map<string, { at: number; newSize: string }>();
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly options: KubeletOptions = {}) {}

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.storage = storageBackendsOf(ctx);
    this.nodeStages = new NodeStages(volumeLatencyOf(ctx.options));
    this.pods = ctx.informer(resources.pods);
    this.nodes = ctx.informer(resources.nodes);
    this.claims = ctx.informer(resources.persistentvolumeclaims);
    this.volumes = ctx.informer(resources.persistentvolumes);
    this.attachments = ctx.informer(resources.volumeattachments);
    this.configMaps = ctx.informer(resources.configmaps);
    this.secrets = ctx.informer(resources.secrets);
    this.serviceAccounts = ctx.informer(resources.serviceaccounts);
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    const agents = ctx.controller<NodeAgents>('kubelet-heartbeat');
    if (agents) {
      for (const n of this.nodes.list()) if (!agents.isPoweredOn(n.metadata.name!)) this.off.add(n.metadata.name!);
      this.unsubscribe.push(agents.onPowerChange((node, on) => (on ? this.powerOn(node) : this.powerOff(node))));
    }
    this.nodes.addHandler({ add: (n) => this.layOutNode(n.metadata.name!) });
    this.pods.addHandler({
      add: (p) => this.enqueue(p),
      update: (_o, p) => this.enqueue(p),
      delete: (p) => this.enqueue(p),
    });
    // A VolumeAttachment turning attached unblocks WaitForAttachAndMount of that node's pods.
    this.attachments.addHandler({
      update: (_o, va) => this.enqueueNode((va as any).spec?.nodeName),
      add: (va) => this.enqueueNode((va as any).spec?.nodeName),
    });
    // A claim the resizer left NodeResizePending makes the pods that mount its volume look again (online expansion).
    this.claims.addHandler({ update: (_o, c) => this.enqueueClaimUsers(c) });
    const nfs = nfsServerFor(this.storage.dataRoot);
    this.unsubscribe.push(nfs.onStateChange(() => {
      for (const r of this.records.values()) this.queue.add(`${r.namespace}/${r.name}`);
    }));
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    for (const r of this.records.values()) {
      r.terminating?.killTimer?.cancel();
      for (const s of r.slots) s.current?.process?.kill('KILL');
    }
  }

  /** record returns the kubelet's record of a pod (by uid), for the runtime and tests. */
  record(uid: string): PodRecord | undefined {
    return this.records.get(uid);
  }

  /** isNodeOn says whether a node's kubelet is running. */
  isNodeOn(node: string): boolean {
    return !this.off.has(node);
  }

  get clock(): ControllerContext['clock'] {
    return this.ctx.clock;
  }

  /**
   * layOutNode gives a node's tree the top-level layout of a kind node's
   * root filesystem (Debian 12), so `kubectl debug node` shows a plausible
   * `/host`; only the kubelet's and the provisioners' directories hold data.
   */
  private layOutNode(node: string): void {
    const dr = this.storage.dataRoot;
    if (dr.isDestroyed) return;
    try {
      for (const d of ['etc/kubernetes/manifests', 'home', 'lib/modules', 'mnt', 'opt', 'root', 'run', 'srv', 'tmp', 'usr/local/bin', 'var/lib/kubelet/pods', 'var/lib/containerd', 'var/log/pods', 'var/log/containers']) {
        dr.ensureNodeDir(node, `/${d}`, d === 'tmp' ? 0o1777 : 0o755);
      }
      const etc = dr.nodePath(node, '/etc');
      writeIfMissing(join(etc, 'hostname'), `${node}\n`);
      writeIfMissing(join(etc, 'os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n');
      this.layOutKubeletDir(node);
    } catch {
      // A node name the data root refuses has no tree to lay out.
    }
  }

  /**
   * layOutKubeletDir gives /var/lib/kubelet what `ls` shows on a kind node besides `pods`: the
   * kubelet's state directories and the files kubeadm writes at join (config.yaml with kind's
   * KubeletConfiguration, kubeadm-flags.env). Only `pods` holds data the sim uses.
   * https://github.com/kubernetes-sigs/kind/blob/main/pkg/cluster/internal/kubeadm/config.go (KubeletConfiguration)
   */
  private layOutKubeletDir(node: string): void {
    const dr = this.storage.dataRoot;
    for (const d of ['checkpoints', 'device-plugins', 'pki', 'plugins', 'plugins_registry', 'pod-resources']) dr.ensureNodeDir(node, `/var/lib/kubelet/${d}`, 0o755);
    const dir = dr.nodePath(node, '/var/lib/kubelet');
    const ip = ((this.nodes.get('', node) as any)?.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address ?? '';
    writeIfMissing(
      join(dir, 'kubeadm-flags.env'),
      `KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=${ip} --node-labels= --pod-infra-container-image=registry.k8s.io/pause:3.10 --provider-id=kind://docker/lab/${node}"\n`,
    );
    writeIfMissing(
      join(dir, 'config.yaml'),
      [
        'apiVersion: kubelet.config.k8s.io/v1beta1',
        'authentication:',
        '  anonymous:',
        '    enabled: false',
        '  webhook:',
        '    cacheTTL: 0s',
        '    enabled: true',
        '  x509:',
        '    clientCAFile: /etc/kubernetes/pki/ca.crt',
        'authorization:',
        '  mode: Webhook',
        'cgroupDriver: systemd',
        'cgroupRoot: /kubelet',
        'clusterDNS:',
        '- 10.96.0.10',
        'clusterDomain: cluster.local',
        'evictionHard:',
        '  imagefs.available: 0%',
        '  nodefs.available: 0%',
        '  nodefs.inodesFree: 0%',
        'failSwapOn: false',
        'imageGCHighThresholdPercent: 100',
        'kind: KubeletConfiguration',
        'staticPodPath: /etc/kubernetes/manifests',
        '',
      ].join('\n'),
    );
    writeIfMissing(join(dir, 'cpu_manager_state'), '{"policyName":"none","defaultCpuSet":"","checksum":1353318690}');
    writeIfMissing(join(dir, 'memory_manager_state'), '{"policyName":"None","machineState":{},"checksum":1983102024}');
  }

  private enqueue(p: KObject): void {
    if (!(p as any).spec?.nodeName) return;
    const key = `${p.metadata.namespace}/${p.metadata.name}`;
    // A pod new to its kubelet reaches it through a watch and the pod worker a moment after binding;
    // the 1 ms keeps the order of events (Scheduled before Pulling) on a fake clock.
    if (!this.records.has(p.metadata.uid!) && !p.metadata.deletionTimestamp) this.queue.addAfter(key, 1);
    else this.queue.add(key);
  }

  private enqueueNode(node: string | undefined): void {
    if (!node) return;
    for (const r of this.records.values()) if (r.node === node) this.queue.add(`${r.namespace}/${r.name}`);
  }

  /** enqueueClaimUsers queues the pods that have the claim's volume mounted, once the claim waits for its node to grow the filesystem. */
  private enqueueClaimUsers(claim: KObject): void {
    if ((claim as any).status?.allocatedResourceStatuses?.storage !== 'NodeResizePending') return;
    const pvName = (claim as any).spec?.volumeName;
    if (!pvName) return;
    for (const r of this.records.values()) {
      if (r.removed || r.namespace !== claim.metadata.namespace) continue;
      if ([...r.volumes.values()].some((v) => v.name === pvName && v.uniqueName)) this.queue.add(`${r.namespace}/${r.name}`);
    }
  }

  private recorder(node: string): EventRecorder {
    let r = this.recorders.get(node);
    if (!r) this.recorders.set(node, (r = this.ctx.recorder('kubelet', { host: node })));
    return r;
  }

  /**
   * containerEvent records an event about one container of a pod. The kubelet refers to the container
   * with a fieldPath (`spec.containers{name}`, `spec.initContainers{name}`,
   * `spec.ephemeralContainers{name}`), so the events of two containers never aggregate into one.
   * https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/container/ref.go (GenerateContainerRef)
   */
  private containerEvent(rec: PodRecord, pod: KObject, s: ContainerSlot, type: EventType, reason: string, message: string): void {
    const list = s.init ? 'initContainers' : s.ephemeral ? 'ephemeralContainers' : 'containers';
    this.recorder(rec.node).record(referenceTo(pod, `spec.${list}{${s.name}}`), type, reason, message);
  }

  // ---- power ----

  /** powerOff: every container on the node dies at once; nothing is written to the API. */
  private powerOff(node: string): void {
    this.off.add(node);
    for (const r of this.records.values()) {
      if (r.node !== node) continue;
      r.terminating?.killTimer?.cancel();
      r.terminating = undefined;
      const now = this.ctx.clock.now();
      for (const s of r.slots) {
        const run = s.current;
        if (!run?.process?.running) continue;
        // What the runtime reports after a reboot for a container that was running: Unknown, 255.
        run.finishedAt = now;
        run.exitCode = 255;
        run.reason = 'Unknown';
        run.process.kill('KILL');
      }
    }
  }

  /**
   * powerOn is a kubelet start after a reboot: containers are gone (their
   * last state becomes Unknown, exit code 255), pods are synced again —
   * deleted ones are cleaned up, the others' containers restart.
   */
  private powerOn(node: string): void {
    this.off.delete(node);
    this.syncNodeStatus(node);
    for (const r of this.records.values()) {
      if (r.node !== node) continue;
      for (const s of r.slots) {
        const run = s.current;
        if (!run || run.reason !== 'Unknown') continue;
        s.previous = run;
        s.current = undefined;
        s.restartCount++;
        s.waiting = { reason: 'ContainerCreating' };
      }
      this.queue.add(`${r.namespace}/${r.name}`);
    }
    // A starting kubelet lists every pod bound to its node (its pod config source watches
    // spec.nodeName=<node>), not only the ones it ran before: a pod bound just before the
    // power went off must start, or finish its deletion, now.
    // https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/config/apiserver.go (NewSourceApiserver)
    for (const p of this.pods.list()) {
      if ((p as any).spec?.nodeName === node) this.queue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    }
  }

  // ---- sync ----

  private sync(key: string): void {
    const [namespace, name] = key.split('/') as [string, string];
    const pod = this.pods.get(namespace, name);
    // Records of pods that are gone (or were replaced under the same name).
    for (const r of [...this.records.values()]) {
      if (r.namespace !== namespace || r.name !== name || (pod && pod.metadata.uid === r.uid)) continue;
      if (this.off.has(r.node)) continue;
      this.killAll(r, 'KILL');
      this.cleanUp(r);
    }
    if (!pod) return;
    const node: string | undefined = (pod as any).spec?.nodeName;
    if (!node || this.off.has(node) || !this.nodes.get('', node)) return;
    let rec = this.records.get(pod.metadata.uid!);
    if (pod.metadata.deletionTimestamp) {
      this.terminate(pod, rec);
      return;
    }
    const phase = (pod as any).status?.phase;
    if (!rec) {
      if (phase === 'Succeeded' || phase === 'Failed') return;
      rec = this.admit(pod, node);
    }
    if (rec.removed) return;
    this.syncPod(pod, rec);
  }

  private admit(pod: KObject, node: string): PodRecord {
    const spec = (pod as any).spec ?? {};
    const rec: PodRecord = {
      uid: pod.metadata.uid!,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      node,
      startTime: (pod as any).status?.startTime ?? rfc3339(this.ctx.clock.now()),
      volumes: new Map(),
      mountTrouble: new Map(),
      slots: [
        ...(spec.initContainers ?? []).map((c: any) => ({ name: c.name, init: true, spec: c, restartCount: 0, crashes: 0, pullFailures: 0 })),
        ...(spec.containers ?? []).map((c: any) => ({ name: c.name, init: false, spec: c, restartCount: 0, crashes: 0, pullFailures: 0 })),
      ],
      removed: false,
    };
    // A pod that already ran (the kubelet restarted: a restored snapshot) keeps its counts and address, as after a reboot.
    const st = (pod as any).status ?? {};
    for (const cs of [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])]) {
      const slot = rec.slots.find((s) => s.name === cs.name);
      if (!slot || !cs.containerID) continue;
      slot.restartCount = (cs.restartCount ?? 0) + (cs.state?.terminated?.exitCode === 0 && slot.init ? 0 : 1);
      slot.previous = {
        id: String(cs.containerID).replace(/^containerd:\/\//, ''),
        image: cs.image,
        imageID: cs.imageID ?? '',
        startedAt: new Date(cs.state?.running?.startedAt ?? cs.state?.terminated?.startedAt ?? rec.startTime),
        finishedAt: this.ctx.clock.now(),
        exitCode: cs.state?.terminated?.exitCode ?? 255,
        reason: cs.state?.terminated?.reason ?? 'Unknown',
      };
      if (slot.init && cs.state?.terminated?.exitCode === 0) {
        slot.current = slot.previous;
        slot.previous = undefined;
        slot.restartCount = cs.restartCount ?? 0;
      }
    }
    const ip: string | undefined = st.podIP;
    if (ip && ip.startsWith('10.244.')) {
      rec.podIP = ip;
      let used = this.usedIPs.get(node);
      if (!used) this.usedIPs.set(node, (used = new Set()));
      const host = Number(ip.split('.')[3]);
      used.add(host);
      this.lastIP.set(node, Math.max(this.lastIP.get(node) ?? 1, host));
    }
    this.records.set(rec.uid, rec);
    return rec;
  }

  private syncPod(pod: KObject, rec: PodRecord): void {
    const spec = (pod as any).spec ?? {};
    const restartPolicy: string = spec.restartPolicy ?? 'Always';
    if (rec.evicted) {
      this.writeStatus(pod, rec, { phase: 'Failed', reason: 'Evicted', message: rec.evicted });
      if (!rec.slots.some((s) => s.current?.process?.running)) this.cleanUp(rec);
      return;
    }
    const done = this.finished(rec, restartPolicy);
    if (!done) {
      const mounted = this.mountVolumes(pod, rec);
      if (mounted) {
        if (!rec.podIP) rec.podIP = spec.hostNetwork ? this.nodeIP(rec.node) : this.allocateIP(rec.node);
        this.runContainers(pod, rec, restartPolicy);
        this.expandInUse(pod, rec);
        if (this.checkEmptyDirLimits(pod, rec)) return;
      }
    }
    this.writeStatus(pod, rec);
  }

  /**
   * checkEmptyDirLimits is the eviction manager's local-storage check
   * (pkg/kubelet/eviction emptyDirLimitEviction): a disk-backed emptyDir
   * with a sizeLimit is measured every 10 s (housekeeping interval) and the
   * pod is evicted once it holds more. Returns true when it evicted.
   */
  private checkEmptyDirLimits(pod: KObject, rec: PodRecord): boolean {
    let limited = false;
    for (const vol of (pod as any).spec?.volumes ?? []) {
      const ed = vol.emptyDir;
      if (!ed || ed.medium === 'Memory' || !ed.sizeLimit) continue;
      const limit = parseQuantity(ed.sizeLimit);
      const mounted = rec.volumes.get(vol.name);
      if (!limit || !mounted) continue;
      limited = true;
      if (usageBytes(mounted.hostPath) > limit) {
        const message = `Usage of EmptyDir volume "${vol.name}" exceeds the limit "${ed.sizeLimit}". `;
        rec.evicted = message;
        const rc = this.recorder(rec.node);
        rc.event(pod, 'Warning', 'Evicted', message);
        for (const s of rec.slots) {
          if (!s.current?.process?.running) continue;
          this.containerEvent(rec, pod, s, 'Normal', 'Killing', `Stopping container ${s.name}`);
          s.current.process.kill('KILL');
        }
        this.writeStatus(pod, rec, { phase: 'Failed', reason: 'Evicted', message });
        return true;
      }
    }
    if (limited) this.queue.addAfter(`${rec.namespace}/${rec.name}`, 10_000);
    return false;
  }

  /** finished: the pod reached Succeeded/Failed and nothing restarts any more. */
  private finished(rec: PodRecord, restartPolicy: string): boolean {
    const phase = podPhase(restartPolicy, rec.slots.filter((s) => s.init).map((s) => this.view(s)), rec.slots.filter((s) => !s.init && !s.ephemeral).map((s) => this.view(s)));
    return phase === 'Succeeded' || phase === 'Failed';
  }

  /** mountVolumes is WaitForAttachAndMount: true once every volume is set up. */
  private mountVolumes(pod: KObject, rec: PodRecord): boolean {
    const env = this.volumeEnv(rec.node);
    const nowMs = this.ctx.clock.now().getTime();
    let all = true;
    for (const vol of (pod as any).spec?.volumes ?? []) {
      if (rec.volumes.has(vol.name)) continue;
      const trouble = rec.mountTrouble.get(vol.name);
      // A failed volume is retried on its back-off schedule, not on every sync the pod's own status writes cause.
      if (trouble?.nextAt !== undefined && nowMs < trouble.nextAt) {
        all = false;
        continue;
      }
      const out = setUpVolume(env, pod, vol);
      if (out.kind === 'mounted') {
        rec.volumes.set(vol.name, out.volume);
        rec.mountTrouble.delete(vol.name);
        if (out.volume.uniqueName) this.syncNodeStatus(rec.node);
        if (vol.persistentVolumeClaim && out.volume.uniqueName) this.expandAtMount(pod, rec, vol, out.volume);
        continue;
      }
      all = false;
      const key = `${rec.namespace}/${rec.name}`;
      if (out.kind === 'waiting') {
        // Woken by the VolumeAttachment informer (or when the RBD stage is done); a slow poll as the volume manager's reconciler does too.
        this.queue.addAfter(key, out.retryMs ?? 2_000);
        continue;
      }
      const t = trouble ?? { since: nowMs, retryMs: 500, reported: false };
      rec.mountTrouble.set(vol.name, t);
      if (out.hangMs && nowMs - t.since < out.hangMs) {
        // The mount blocks (an unreachable NFS server): nothing to report until mount.nfs gives up.
        this.queue.addAfter(key, out.hangMs - (nowMs - t.since));
        continue;
      }
      this.recorder(rec.node).event(pod, 'Warning', 'FailedMount', out.message);
      t.reported = true;
      if (out.hangMs) t.since = nowMs;
      // Volume operations back off 500 ms doubling to 2m2s (nestedpendingoperations).
      t.nextAt = nowMs + t.retryMs;
      this.queue.addAfter(key, t.retryMs);
      t.retryMs = Math.min(122_000, t.retryMs * 2);
    }
    return all;
  }

  // ---- volume expansion (node side, ./expansion.ts) ----

  /**
   * expandAtMount is expandVolumeDuringMount: a claim whose volume grew while
   * no pod had it mounted waits (FileSystemResizePending) for the next mount,
   * and the kubelet finishes the expansion right after MountDevice, before
   * the containers start. A pod that mounts the claim read-only cannot grow
   * it: FileSystemResizeFailed on the pod and the claim, which stays pending.
   */
  private expandAtMount(pod: KObject, rec: PodRecord, vol: any, mounted: MountedVolume): void {
    const claim = this.claims.get(rec.namespace, vol.persistentVolumeClaim.claimName);
    const pv = this.volumes.get('', mounted.name);
    const want = pendingNodeExpansion(claim, pv);
    if (!want) return;
    if (vol.persistentVolumeClaim.readOnly) {
      const rc = this.recorder(rec.node);
      const message = nodeExpandReadOnlyMessage(mounted.name);
      rc.event(pod, 'Warning', 'FileSystemResizeFailed', message);
      rc.event(claim!, 'Warning', 'FileSystemResizeFailed', message);
      return;
    }
    this.expansionDue.delete(expansionKey(rec.node, mounted.name));
    this.nodeExpand(pod, rec, claim!, pv!, mounted, want.newSize);
  }

  /**
   * expandInUse is online expansion (GenerateExpandInUseVolumeFunc): a
   * mounted claim volume that the resizer grew is grown on the node
   * onlineExpansionDelayMs after the kubelet first sees the claim waiting —
   * the pod sync at which a real kubelet's populator re-reads the PV. A
   * volume the pod mounts read-only is skipped (checkVolumeFSResize).
   */
  private expandInUse(pod: KObject, rec: PodRecord): void {
    const nowMs = this.ctx.clock.now().getTime();
    const podKey = `${rec.namespace}/${rec.name}`;
    for (const vol of (pod as any).spec?.volumes ?? []) {
      if (!vol.persistentVolumeClaim || vol.persistentVolumeClaim.readOnly) continue;
      const mounted = rec.volumes.get(vol.name);
      if (!mounted?.uniqueName) continue;
      const claim = this.claims.get(rec.namespace, vol.persistentVolumeClaim.claimName);
      const pv = this.volumes.get('', mounted.name);
      const key = expansionKey(rec.node, mounted.name);
      const want = pendingNodeExpansion(claim, pv);
      if (!want) {
        this.expansionDue.delete(key);
        continue;
      }
      let due = this.expansionDue.get(key);
      // A wait noted for another size belongs to an earlier request: this one is seen now.
      if (due?.newSize !== want.newSize) this.expansionDue.set(key, (due = { at: nowMs + onlineExpansionDelayMs, newSize: want.newSize }));
      if (nowMs < due.at) {
        this.queue.addAfter(podKey, due.at - nowMs);
        continue;
      }
      this.expansionDue.delete(key);
      this.nodeExpand(pod, rec, claim!, pv!, mounted, want.newSize);
    }
  }

  /**
   * nodeExpand is NodeExpander.expandOnPlugin: the claim is marked
   * NodeResizeInProgress, ceph-csi's NodeExpandVolume grows the filesystem
   * (every pod on this node that mounts the image sees it: it is the node's
   * mount, and the containers read their volume's size live), then
   * `FileSystemResizeSuccessful` goes to the pod and the claim and the claim
   * gets its new capacity. A write that conflicts is retried at the next sync.
   */
  private nodeExpand(pod: KObject, rec: PodRecord, claim: KObject, pv: KObject, mounted: MountedVolume, newSize: string): void {
    const rc = this.recorder(rec.node);
    const podKey = `${rec.namespace}/${rec.name}`;
    let current: KObject;
    try {
      current = this.updateClaimStatus(claim, nodeExpansionInProgressStatus);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      this.queue.addAfter(podKey, 500);
      return;
    }
    let grown: ReturnType<typeof nodeExpandRbd>;
    try {
      grown = nodeExpandRbd(this.storage, pv);
    } catch (e) {
      // GenerateExpandInUseVolumeFunc's event on failure; the volume manager retries with back-off.
      rc.event(pod, 'Warning', 'VolumeResizeFailed', `NodeExpandVolume.NodeExpandVolume failed for volume "${mounted.name}" : ${(e as Error).message}`);
      this.queue.addAfter(podKey, 10_000);
      return;
    }
    for (const other of this.records.values()) {
      if (other.node !== rec.node || other.removed) continue;
      for (const v of other.volumes.values()) {
        if (v.shareKey !== mounted.shareKey) continue;
        v.capacityBytes = grown.capacityBytes;
        v.filesystemSpace = grown.filesystemSpace;
      }
    }
    const message = nodeExpandSucceededMessage(mounted.name, rec.node);
    rc.event(pod, 'Normal', 'FileSystemResizeSuccessful', message);
    rc.event(current, 'Normal', 'FileSystemResizeSuccessful', message);
    try {
      this.updateClaimStatus(current, (st) => nodeExpansionFinishedStatus(st, newSize));
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      // NodeResizeInProgress stays: the next sync grows (a no-op resize2fs) and records it again.
      this.queue.addAfter(podKey, 500);
    }
  }

  /** updateClaimStatus writes a claim's status through the status subresource (PatchPVCStatus; the resourceVersion guards it as the patch's does). */
  private updateClaimStatus(claim: KObject, change: (status: any) => any): KObject {
    const next = { ...claim, status: change((claim as any).status ?? {}) } as KObject;
    return this.ctx.api.update(resources.persistentvolumeclaims, claim.metadata.namespace!, claim.metadata.name!, next, { subresource: 'status' }).object;
  }

  private runContainers(pod: KObject, rec: PodRecord, restartPolicy: string): void {
    // Ephemeral containers added to the pod (the ephemeralcontainers subresource) start once, whenever they appear.
    for (const ec of (pod as any).spec?.ephemeralContainers ?? []) {
      let slot = rec.slots.find((x) => x.name === ec.name);
      if (!slot) rec.slots.push((slot = { name: ec.name, init: false, ephemeral: true, spec: ec, restartCount: 0, crashes: 0, pullFailures: 0 }));
      if (!slot.current) this.startSlot(pod, rec, slot);
    }
    const inits = rec.slots.filter((s) => s.init);
    for (const s of inits) {
      const run = s.current;
      if (run?.process?.running || (run && run.exitCode === undefined)) return;
      if (run && run.exitCode === 0) continue;
      if (run && run.exitCode !== 0) {
        if (restartPolicy === 'Never') return;
        if (!this.restartDue(pod, rec, s)) return;
      }
      this.startSlot(pod, rec, s);
      return;
    }
    const specs: any[] = (pod as any).spec?.containers ?? [];
    for (const s of rec.slots) {
      if (s.init || s.ephemeral) continue;
      // A changed image (the one mutable field of a container) restarts the container (kuberuntime computePodActions).
      const now = specs.find((c) => c.name === s.name);
      if (now && now.image !== s.spec.image) {
        s.spec = now;
        s.crashes = 0;
        s.pullBackoffUntil = undefined;
        if (s.current?.process?.running) {
          this.containerEvent(rec, pod, s, 'Normal', 'Killing', `Container ${s.name} definition changed, will be restarted`);
          s.restartDue = true;
          s.current.process.kill(resolveImage(s.current.image)?.image.stopSignal ?? 'TERM');
          // The runtime's stop honours the grace period, then kills.
          const proc = s.current.process;
          const grace = Number((pod as any).spec?.terminationGracePeriodSeconds ?? 30);
          this.ctx.clock.after(grace * 1000, () => proc.kill('KILL'));
          continue;
        }
        s.restartDue = true;
      }
      const run = s.current;
      if (run?.process?.running) continue;
      if (run && run.exitCode === undefined) continue;
      if (run && !s.restartDue) {
        const restart = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && run.exitCode !== 0);
        if (!restart) continue;
        if (!this.restartDue(pod, rec, s)) continue;
      }
      // SyncPod starts the containers one after another, and startContainer waits for
      // EnsureImageExists: while one container's image is being pulled the next one is not started,
      // so a second container of the same image finds it "already present on machine".
      // https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kuberuntime/kuberuntime_manager.go (SyncPod, step 7)
      // https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer)
      if (rec.slots.some((x) => x.pulling)) return;
      s.restartDue = false;
      this.startSlot(pod, rec, s);
    }
  }

  /**
   * restartDue applies the crash back-off (kuberuntime doBackOff): the first
   * restart is immediate, later ones wait 10 s, 20 s, 40 s … 5 min, counted
   * from the container's finish; meanwhile it is CrashLoopBackOff.
   */
  private restartDue(pod: KObject, rec: PodRecord, s: ContainerSlot): boolean {
    const now = this.ctx.clock.now().getTime();
    const finished = s.current!.finishedAt!.getTime();
    // A container that ran for 10 minutes resets its back-off (2 × the 5 min cap).
    if (finished - s.current!.startedAt.getTime() > 600_000) s.crashes = 0;
    if (s.crashes === 0) {
      s.crashes = 1;
      return true;
    }
    const delay = backoffMs(s.crashes - 1);
    if (now >= finished + delay) {
      s.crashes++;
      return true;
    }
    const msg = `back-off ${formatGoDuration(delay)} restarting failed container=${s.name} pod=${rec.name}_${rec.namespace}(${rec.uid})`;
    if (s.waiting?.reason !== 'CrashLoopBackOff' || s.waiting.message !== msg) {
      s.waiting = { reason: 'CrashLoopBackOff', message: msg };
    }
    this.containerEvent(rec, pod, s, 'Warning', 'BackOff', `Back-off restarting failed container ${s.name} in pod ${rec.name}_${rec.namespace}(${rec.uid})`);
    this.queue.addAfter(`${rec.namespace}/${rec.name}`, finished + delay - now);
    return false;
  }

  /** startSlot pulls the image if needed, then creates and starts the container. */
  private startSlot(pod: KObject, rec: PodRecord, s: ContainerSlot): void {
    const key = `${rec.namespace}/${rec.name}`;
    const rc = this.recorder(rec.node);
    const image: string = s.spec.image ?? '';
    const ref = this.ctx.clock.now().getTime();
    if (s.pulling) return;
    // ErrImagePull stays visible until the pod worker's next sync (about 2 s later), then ImagePullBackOff.
    if (s.waiting?.reason === 'ErrImagePull' && s.pullFailedAt !== undefined && ref < s.pullFailedAt + 2000) {
      this.queue.addAfter(key, s.pullFailedAt + 2000 - ref);
      return;
    }
    if (s.pullBackoffUntil !== undefined && ref < s.pullBackoffUntil) {
      const last = imagePullError(image);
      s.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${last.message}` };
      this.containerEvent(rec, pod, s, 'Normal', 'BackOff', `Back-off pulling image "${image}"`);
      this.containerEvent(rec, pod, s, 'Warning', 'Failed', 'Error: ImagePullBackOff');
      this.queue.addAfter(key, s.pullBackoffUntil - ref);
      return;
    }
    const resolved = resolveImage(image);
    const have = this.pulledOn(rec.node);
    const policy: string = s.spec.imagePullPolicy ?? (/(:latest$)|^[^:@]*$/.test(image.replace(/^[^/]*\/(?=.*\/)/, '')) ? 'Always' : 'IfNotPresent');
    if (policy === 'Never' && !(resolved && have.has(resolved.ref.canonical))) {
      s.waiting = { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` };
      this.containerEvent(rec, pod, s, 'Warning', 'ErrImageNeverPull', `Container image "${image}" is not present with pull policy of Never`);
      return;
    }
    if (resolved && policy !== 'Always' && have.has(resolved.ref.canonical)) {
      this.containerEvent(rec, pod, s, 'Normal', 'Pulled', `Container image "${image}" already present on machine`);
      this.create(pod, rec, s);
      return;
    }
    // A pull takes time; the pod shows ContainerCreating meanwhile.
    this.containerEvent(rec, pod, s, 'Normal', 'Pulling', `Pulling image "${image}"`);
    s.pulling = true;
    const size = resolved?.image.sizeBytes ?? 0;
    const ms = this.options.imagePullMs ? this.options.imagePullMs(size) : Math.min(3000, 200 + Math.round(size / 100_000));
    this.ctx.clock.after(ms, () => {
      s.pulling = false;
      const live = this.pods.get(rec.namespace, rec.name);
      if (!live || live.metadata.uid !== rec.uid || rec.removed || this.off.has(rec.node)) return;
      if (!resolved) {
        const err = imagePullError(image);
        this.containerEvent(rec, live, s, 'Warning', 'Failed', err.event);
        this.containerEvent(rec, live, s, 'Warning', 'Failed', `Error: ${err.reason}`);
        s.waiting = { reason: err.reason, message: err.message };
        s.pullFailedAt = this.ctx.clock.now().getTime();
        s.pullBackoffUntil = s.pullFailedAt + backoffMs(s.pullFailures++);
        this.queue.add(key);
        return;
      }
      s.pullFailures = 0;
      s.pullBackoffUntil = undefined;
      have.add(resolved.ref.canonical);
      this.syncNodeStatus(rec.node);
      this.containerEvent(rec, live, s, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${formatGoDuration(ms)} (${formatGoDuration(ms)} including waiting). Image size: ${size} bytes.`);
      this.create(live, rec, s);
      this.queue.add(key);
    });
  }

  /** create builds the container's filesystem view and environment and starts it (Created, Started). */
  private create(pod: KObject, rec: PodRecord, s: ContainerSlot): void {
    const rc = this.recorder(rec.node);
    const resolved = resolveImage(s.spec.image)!;
    const spec = (pod as any).spec ?? {};
    let env: { name: string; value: string }[];
    try {
      env = this.containerEnv(pod, rec, s.spec);
    } catch (e) {
      s.waiting = { reason: 'CreateContainerConfigError', message: (e as Error).message };
      this.containerEvent(rec, pod, s, 'Warning', 'Failed', `Error: ${(e as Error).message}`);
      this.queue.addAfter(`${rec.namespace}/${rec.name}`, 10_000);
      return;
    }
    const id = randomBytes(32).toString('hex');
    const hostname = spec.hostNetwork ? rec.node : (spec.hostname ?? rec.name).slice(0, 63);
    const run: RunRecord = {
      id,
      image: resolved.ref.canonical,
      imageID: `${resolved.ref.registry}/${resolved.ref.path}@sha256:${createHash('sha256').update(resolved.ref.canonical).digest('hex')}`,
      startedAt: this.ctx.clock.now(),
    };
    let process: ContainerProcess;
    try {
      const fs = this.containerFs(pod, rec, s, id, hostname);
      const sc = { ...(spec.securityContext ?? {}), ...(s.spec.securityContext ?? {}) };
      process = startContainer({
        image: resolved,
        command: s.spec.command?.map((a: string) => expandVarRefs(a, env)),
        args: s.spec.args?.map((a: string) => expandVarRefs(a, env)),
        env,
        workingDir: s.spec.workingDir,
        fs,
        hostname,
        stdin: !!s.spec.stdin,
        stdinOnce: !!s.spec.stdinOnce,
        tty: !!s.spec.tty,
        user: sc.runAsUser !== undefined ? { uid: sc.runAsUser, gid: sc.runAsGroup } : undefined,
        clock: this.containerClock(),
        onLogLine: this.logFileWriter(rec, s),
        cluster: this.clusterLink(rec, s.name),
      });
    } catch (e) {
      const message = (e as Error).message;
      this.containerEvent(rec, pod, s, 'Normal', 'Created', `Created container: ${s.name}`);
      this.containerEvent(rec, pod, s, 'Warning', 'Failed', `Error: ${message}`);
      run.finishedAt = this.ctx.clock.now();
      run.exitCode = e instanceof ContainerStartError ? 128 : 1;
      run.reason = 'StartError';
      run.message = message;
      this.rotate(s, run);
      this.queue.add(`${rec.namespace}/${rec.name}`);
      return;
    }
    run.process = process;
    run.startedAt = process.startedAt;
    this.rotate(s, run);
    s.waiting = undefined;
    this.containerEvent(rec, pod, s, 'Normal', 'Created', `Created container: ${s.name}`);
    this.containerEvent(rec, pod, s, 'Normal', 'Started', `Started container ${s.name}`);
    const key = `${rec.namespace}/${rec.name}`;
    void process.exited.then((code) => {
      if (run.reason !== undefined) return; // lost with the node's power
      run.finishedAt = this.ctx.clock.now();
      run.exitCode = code;
      run.reason = code === 0 ? 'Completed' : 'Error';
      if (!this.off.has(rec.node)) this.queue.add(key);
    });
  }

  /**
   * logFileWriter appends a container's output to the file the kubelet
   * keeps for it, `/var/log/pods/<ns>_<pod>_<uid>/<container>/<restart>.log`
   * in CRI format, so the node's tree shows what `kubectl logs` reads.
   */
  private logFileWriter(rec: PodRecord, s: ContainerSlot): ((line: ContainerLogLine) => void) | undefined {
    const dr = this.storage.dataRoot;
    try {
      const dir = dr.ensureNodeDir(rec.node, `/var/log/pods/${rec.namespace}_${rec.name}_${rec.uid}/${s.name}`, 0o755);
      const file = join(dir, `${s.current ? s.restartCount + 1 : s.restartCount}.log`);
      return (line) => {
        try {
          appendFileSync(file, `${formatCriLogLine(line)}\n`);
        } catch {
          // The pod's log directory is gone (pod removed); the line stays in memory for kubectl logs.
        }
      };
    } catch {
      return undefined;
    }
  }

  /** rotate makes a new run current; the one before becomes lastState (and `logs --previous`). */
  private rotate(s: ContainerSlot, run: RunRecord): void {
    if (s.current) {
      s.previous = s.current;
      s.restartCount++;
    }
    s.current = run;
  }

  /**
   * clusterLink is what a container that stands in for a cluster component
   * (a provisioner, the Ceph toolbox) uses to reach the modelled component:
   * the storage backends under storageBackendsKey, any other key names a
   * running controller (../containers/cluster-link.ts).
   */
  private clusterLink(rec: PodRecord, container: string): ClusterLink {
    const storage = this.storage;
    const ctx = this.ctx;
    return {
      pod: { namespace: rec.namespace, name: rec.name, uid: rec.uid, node: rec.node, container },
      service<T>(key: ServiceKey<T>): T | undefined {
        if (key.name === storageBackendsKey.name) return storage as T;
        return ctx.controller(key.name) as T | undefined;
      },
    };
  }

  private containerClock(): ContainerClock {
    const clock = this.ctx.clock;
    return {
      now: () => clock.now(),
      sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
          if (signal?.aborted) return resolve();
          const t = clock.after(ms, done);
          function done(): void {
            t?.cancel();
            signal?.removeEventListener('abort', done);
            resolve();
          }
          signal?.addEventListener('abort', done, { once: true });
        }),
    };
  }

  /**
   * containerFs assembles the mount table: rootfs (overlay), the volume
   * mounts with subPath, /etc/hosts, /etc/hostname, /etc/resolv.conf and
   * /dev/termination-log (kubelet_pods.go makeMounts). A hostPath volume
   * that covers another pod's NFS or RBD mount point on the node shows that
   * mount too (mount propagation of the host's mounts, as `debug node` sees them).
   */
  private containerFs(pod: KObject, rec: PodRecord, s: ContainerSlot, id: string, hostname: string): ContainerFs {
    const dr = this.storage.dataRoot;
    const mounts: VolumeMount[] = [];
    for (const vm of s.spec.volumeMounts ?? []) {
      const v = rec.volumes.get(vm.name);
      if (!v) continue;
      let host = v.hostPath;
      if (vm.subPath) {
        const parts = String(vm.subPath).split('/').filter((x) => x && x !== '.');
        if (parts.includes('..')) throw new ContainerStartError(`failed to prepare subPath for volumeMount "${vm.name}" of container "${s.name}"`);
        host = join(host, ...parts);
        mkdirSync(host, { recursive: true, mode: 0o755 });
      }
      mounts.push(liveVolumeMount(vm.mountPath, host, !!vm.readOnly || v.readOnly, v));
      if (v.nodeTreePath !== undefined && !vm.subPath) {
        const base = v.nodeTreePath === '/' ? '' : v.nodeTreePath;
        for (const other of this.records.values()) {
          if (other.node !== rec.node || other.removed) continue;
          for (const ov of other.volumes.values()) {
            if (!ov.nodePath || !(ov.nodePath === base || ov.nodePath.startsWith(`${base}/`))) continue;
            const mp = `${vm.mountPath.replace(/\/$/, '')}${ov.nodePath.slice(base.length)}`;
            mounts.push(liveVolumeMount(mp, ov.hostPath, ov.readOnly, ov));
          }
        }
      }
    }
    const pd = dr.ensureNodeDir(rec.node, podDir(rec.uid), 0o750);
    const spec = (pod as any).spec ?? {};
    const ip = rec.podIP ?? '';
    const hosts = spec.hostNetwork
      ? `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${this.nodeIP(rec.node)}\t${rec.node}\n`
      : `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${ip}\t${hostname}\n`;
    writeFileSync(join(pd, 'etc-hosts'), hosts, { mode: 0o644 });
    // hostname and resolv.conf live in containerd's sandbox directory, not the kubelet's pod directory.
    const sandbox = dr.ensureNodeDir(rec.node, sandboxDir(rec.uid), 0o755);
    writeFileSync(join(sandbox, 'hostname'), `${hostname}\n`, { mode: 0o644 });
    const ns = rec.namespace;
    writeFileSync(join(sandbox, 'resolv.conf'), spec.hostNetwork && spec.dnsPolicy !== 'ClusterFirstWithHostNet' ? 'nameserver 172.18.0.1\noptions edns0 trust-ad ndots:0\n' : `search ${ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`, { mode: 0o644 });
    const cdir = join(pd, 'containers', s.name);
    mkdirSync(cdir, { recursive: true });
    const termLog = join(cdir, id.slice(0, 8));
    writeFileSync(termLog, '', { mode: 0o666 });
    const disk = mountSource.nodeDisk();
    const taken = new Set(mounts.map((m) => m.containerPath.replace(/\/$/, '')));
    for (const [point, file] of [['/etc/hosts', join(pd, 'etc-hosts')], ['/etc/hostname', join(sandbox, 'hostname')], ['/etc/resolv.conf', join(sandbox, 'resolv.conf')], [s.spec.terminationMessagePath ?? '/dev/termination-log', termLog]] as const) {
      if (!taken.has(point)) mounts.push({ containerPath: point, hostPath: file, source: disk });
    }
    const rootfs = dr.nodePath(rec.node, `/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/${id.slice(0, 12)}/fs`);
    return new ContainerFs({ rootfs, image: resolveImage(s.spec.image)!.image.layer, mounts, hostname, now: () => this.ctx.clock.now().getTime() });
  }

  /** containerEnv resolves env and envFrom (values, fieldRef, configMap/secret keys) and $(VAR) references. */
  private containerEnv(pod: KObject, rec: PodRecord, c: any): { name: string; value: string }[] {
    const ns = rec.namespace;
    const out = new Map<string, string>();
    // The service links every pod gets for the `kubernetes` Service (enableServiceLinks for default only).
    for (const [k, v] of Object.entries({
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
    })) out.set(k, v);
    const data = (kind: 'configmap' | 'secret', name: string, optional: boolean): Map<string, string> | undefined => {
      const o: any = kind === 'configmap' ? this.configMaps.get(ns, name) : this.secrets.get(ns, name);
      if (!o) {
        if (optional) return undefined;
        throw new Error(`${kind} "${name}" not found`);
      }
      const m = new Map<string, string>();
      if (kind === 'configmap') for (const [k, v] of Object.entries(o.data ?? {})) m.set(k, String(v));
      else for (const [k, v] of Object.entries(o.data ?? {})) m.set(k, Buffer.from(String(v), 'base64').toString('utf8'));
      return m;
    };
    for (const ef of c.envFrom ?? []) {
      const src = ef.configMapRef ? data('configmap', ef.configMapRef.name, !!ef.configMapRef.optional) : ef.secretRef ? data('secret', ef.secretRef.name, !!ef.secretRef.optional) : undefined;
      for (const [k, v] of src ?? []) out.set(`${ef.prefix ?? ''}${k}`, v);
    }
    const expand = (v: string) => v.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, n) => (m === '$$' ? '$' : out.has(n) ? out.get(n)! : m));
    for (const e of c.env ?? []) {
      if (e.value !== undefined) out.set(e.name, expand(String(e.value)));
      else if (e.valueFrom?.fieldRef) {
        const fp = e.valueFrom.fieldRef.fieldPath;
        const p = pod as any;
        const v = fp === 'status.podIP' ? rec.podIP : fp === 'status.hostIP' ? this.nodeIP(rec.node) : fp === 'spec.nodeName' ? rec.node : fp === 'metadata.name' ? rec.name : fp === 'metadata.namespace' ? ns : fp === 'metadata.uid' ? rec.uid : fp === 'spec.serviceAccountName' ? p.spec?.serviceAccountName : undefined;
        out.set(e.name, v ?? '');
      } else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
        const ref = e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef;
        const kind = e.valueFrom.configMapKeyRef ? 'configmap' : 'secret';
        const m = data(kind, ref.name, !!ref.optional);
        if (!m) continue;
        if (!m.has(ref.key)) {
          if (ref.optional) continue;
          throw new Error(`couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
        }
        out.set(e.name, m.get(ref.key)!);
      } else if (e.valueFrom?.resourceFieldRef) {
        const r = e.valueFrom.resourceFieldRef;
        const [k, res] = String(r.resource).split('.');
        const v = c.resources?.[k === 'limits' ? 'limits' : 'requests']?.[res!];
        out.set(e.name, String(Math.ceil((v !== undefined ? parseQuantity(v) ?? 0 : 0) / (parseQuantity(r.divisor ?? '1') || 1))));
      }
    }
    return [...out].map(([name, value]) => ({ name, value }));
  }

  // ---- termination ----

  /**
   * terminate is the kubelet's killPod for a pod with a deletionTimestamp:
   * `Killing` events, the image's stop signal, SIGKILL when the grace
   * period ends, then volumes torn down and the pod object deleted with
   * grace 0 (the status manager's canBeDeleted).
   */
  private terminate(pod: KObject, rec: PodRecord | undefined): void {
    if (!rec) {
      this.deleteObject(pod);
      return;
    }
    if (rec.removed) return;
    const running = rec.slots.filter((s) => s.current?.process?.running);
    if (running.length && !rec.terminating?.started) {
      const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? (pod as any).spec?.terminationGracePeriodSeconds ?? 30);
      rec.terminating = { started: true };
      const rc = this.recorder(rec.node);
      for (const s of running) {
        this.containerEvent(rec, pod, s, 'Normal', 'Killing', `Stopping container ${s.name}`);
        const img = resolveImage(s.spec.image)?.image;
        s.current!.process!.kill(img?.stopSignal ?? 'TERM');
      }
      const key = `${rec.namespace}/${rec.name}`;
      rec.terminating.killTimer = this.ctx.clock.after(Math.max(0, grace) * 1000, () => {
        if (this.off.has(rec.node)) return;
        this.killAll(rec, 'KILL');
        this.queue.add(key);
      });
      return;
    }
    if (running.length) return;
    rec.terminating?.killTimer?.cancel();
    this.cleanUp(rec);
    this.deleteObject(pod);
  }

  private killAll(rec: PodRecord, signal: 'KILL' | 'TERM'): void {
    for (const s of rec.slots) s.current?.process?.kill(signal);
  }

  /** cleanUp unmounts the pod's volumes and removes its directory (emptyDirs with it) and its containers' layers. */
  private cleanUp(rec: PodRecord): void {
    if (rec.removed) return;
    rec.removed = true;
    const heldElsewhere = new Set<string>();
    for (const other of this.records.values()) {
      if (other === rec || other.removed || other.node !== rec.node) continue;
      for (const v of other.volumes.values()) if (v.shareKey) heldElsewhere.add(v.shareKey);
    }
    for (const v of rec.volumes.values()) {
      // The node keeps an export mounted or an image mapped while another of its pods uses it.
      if (v.shareKey && heldElsewhere.has(v.shareKey)) continue;
      // Unmounted, the volume has no online expansion to wait for on this node.
      this.expansionDue.delete(expansionKey(rec.node, v.name));
      try {
        v.teardown?.();
      } catch {
        // Ceph/NFS state that is already gone needs no unmount.
      }
    }
    const hadAttachable = [...rec.volumes.values()].some((v) => v.uniqueName);
    rec.volumes.clear();
    if (hadAttachable) this.syncNodeStatus(rec.node);
    const dr = this.storage.dataRoot;
    if (!dr.isDestroyed) {
      removePodDir(dr, rec.node, rec.uid);
      try {
        rmSync(dr.nodePath(rec.node, `/var/log/pods/${rec.namespace}_${rec.name}_${rec.uid}`), { recursive: true, force: true });
        rmSync(dr.nodePath(rec.node, sandboxDir(rec.uid)), { recursive: true, force: true });
      } catch {
        // nothing logged, nothing to remove
      }
      for (const s of rec.slots) {
        for (const run of [s.current, s.previous]) {
          if (!run) continue;
          try {
            rmSync(dr.nodePath(rec.node, `/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/${run.id.slice(0, 12)}`), { recursive: true, force: true });
          } catch {
            // nothing left to remove
          }
        }
      }
    }
    if (rec.podIP && !rec.podIP.startsWith('172.')) this.usedIPs.get(rec.node)?.delete(Number(rec.podIP.split('.')[3]));
    this.records.delete(rec.uid);
  }

  private deleteObject(pod: KObject): void {
    try {
      this.ctx.api.delete(resources.pods, pod.metadata.namespace!, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  // ---- status ----

  /** view is a slot's status.state/lastState, as generateAPIPodStatus reports it. */
  private view(s: ContainerSlot): ContainerStatusView & { raw: any } {
    const term = (r: RunRecord): ContainerState => ({
      terminated: {
        exitCode: r.exitCode ?? 0,
        reason: r.reason ?? (r.exitCode === 0 ? 'Completed' : 'Error'),
        ...(r.message ? { message: r.message } : {}),
        startedAt: rfc3339(r.startedAt),
        finishedAt: rfc3339(r.finishedAt ?? r.startedAt),
        containerID: `containerd://${r.id}`,
      },
    });
    let state: ContainerState;
    let last: ContainerState = s.previous && s.previous.finishedAt ? term(s.previous) : {};
    const cur = s.current;
    if (cur && cur.process?.running && cur.exitCode === undefined) state = { running: { startedAt: rfc3339(cur.startedAt) } };
    else if (cur && cur.finishedAt) {
      if (s.waiting && s.waiting.reason !== 'ContainerCreating') {
        state = { waiting: { ...s.waiting } };
        last = term(cur);
      } else state = term(cur);
    } else state = { waiting: s.waiting ? { ...s.waiting } : { reason: s.init ? 'PodInitializing' : 'ContainerCreating' } };
    if (!s.init && !cur && !s.waiting) state = { waiting: { reason: 'ContainerCreating' } };
    const ready = !!state.running && !s.init;
    return { name: s.name, state, lastState: last, ready, raw: cur };
  }

  private writeStatus(pod: KObject, rec: PodRecord, terminal?: { phase: 'Failed'; reason: string; message: string }): void {
    const spec = (pod as any).spec ?? {};
    const restartPolicy = spec.restartPolicy ?? 'Always';
    const now = rfc3339(this.ctx.clock.now());
    const initViews = rec.slots.filter((s) => s.init).map((s) => ({ s, v: this.view(s) }));
    const mainViews = rec.slots.filter((s) => !s.init && !s.ephemeral).map((s) => ({ s, v: this.view(s) }));
    const ephemeralViews = rec.slots.filter((s) => s.ephemeral).map((s) => ({ s, v: this.view(s) }));
    // Main containers wait with PodInitializing while init containers run.
    const initDone = initViews.every(({ v }) => v.state.terminated?.exitCode === 0);
    if (!initDone) for (const { s, v } of mainViews) if (!s.current && v.state.waiting?.reason === 'ContainerCreating') v.state = { waiting: { reason: 'PodInitializing' } };
    const phase = terminal?.phase ?? podPhase(restartPolicy, initViews.map((x) => x.v), mainViews.map((x) => x.v));
    const sandboxReady = rec.podIP !== undefined && phase !== 'Succeeded' && phase !== 'Failed';
    const conditions = mergeConditions((pod as any).status?.conditions, podConditions({ sandboxReady, init: initViews.map((x) => x.v), main: mainViews.map((x) => x.v), phase }), now);
    const status = (x: { s: ContainerSlot; v: ContainerStatusView & { raw: any } }) => {
      const run = x.s.current ?? x.s.previous;
      const resolved = resolveImage(x.s.spec.image ?? '');
      const o: any = {
        name: x.s.name,
        state: x.v.state,
        lastState: x.v.lastState,
        ready: x.v.ready,
        restartCount: x.s.restartCount,
        image: run?.image ?? resolved?.ref.canonical ?? x.s.spec.image,
        imageID: run?.imageID ?? '',
      };
      if (x.s.current) o.containerID = `containerd://${x.s.current.id}`;
      o.started = !!x.v.state.running;
      return o;
    };
    const old = (pod as any).status ?? {};
    const hostIP = this.nodeIP(rec.node);
    const next: any = {
      ...old,
      phase,
      conditions,
      hostIP,
      hostIPs: [{ ip: hostIP }],
      startTime: rec.startTime,
      containerStatuses: mainViews.map(status),
    };
    if (initViews.length) next.initContainerStatuses = initViews.map(status);
    if (ephemeralViews.length) next.ephemeralContainerStatuses = ephemeralViews.map(status);
    if (terminal) {
      next.reason = terminal.reason;
      next.message = terminal.message;
    }
    if (rec.podIP) {
      next.podIP = rec.podIP;
      next.podIPs = [{ ip: rec.podIP }];
    }
    if (JSON.stringify(next) === JSON.stringify(old)) return;
    try {
      this.ctx.api.update(resources.pods, rec.namespace, rec.name, { ...pod, status: next } as KObject, { subresource: 'status' });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      // A conflict means a newer pod is in the informer already; it queues another sync.
      if (e.code !== 409 && e.code !== 404) throw e;
    }
  }

  /**
   * syncNodeStatus is the kubelet's part of the node status: volumesInUse
   * (attachable volumes mounted here — the attach/detach controller will not
   * detach them until they are gone, pkg/kubelet/nodestatus VolumesInUse)
   * and images (the images pulled on the node, newest first).
   */
  private syncNodeStatus(node: string): void {
    if (this.off.has(node)) return;
    const n: any = this.nodes.get('', node);
    if (!n) return;
    const inUse = new Set<string>();
    for (const r of this.records.values()) {
      if (r.node !== node || r.removed) continue;
      for (const v of r.volumes.values()) if (v.uniqueName) inUse.add(v.uniqueName);
    }
    const images = [...this.pulledOn(node)].reverse().map((ref) => {
      const img = resolveImage(ref);
      const digest = img ? `${img.ref.registry}/${img.ref.path}@sha256:${createHash('sha256').update(img.ref.canonical).digest('hex')}` : ref;
      return { names: [digest, ref], sizeBytes: img?.image.sizeBytes ?? 0 };
    });
    const want = { volumesInUse: [...inUse].sort(), images };
    const have = { volumesInUse: n.status?.volumesInUse ?? [], images: n.status?.images ?? [] };
    if (JSON.stringify(want) === JSON.stringify(have)) return;
    const patch: any = { status: { images: images.length ? images : null, volumesInUse: want.volumesInUse.length ? want.volumesInUse : null } };
    try {
      this.ctx.api.patch(resources.nodes, '', node, 'merge', patch, { subresource: 'status' });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  // ---- node facts ----

  nodeIP(node: string): string {
    const n: any = this.nodes.get('', node);
    return (n?.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')?.address ?? '172.18.0.9';
  }

  private nodeMemory(node: string): number {
    const n: any = this.nodes.get('', node);
    return parseQuantity(n?.status?.capacity?.memory ?? '8Gi') ?? 8 * 2 ** 30;
  }

  /**
   * allocateIP hands out 10.244.<n>.x from the node's podCIDR as kindnet's
   * host-local IPAM does: .1 is the bridge, and addresses go round-robin from
   * the last one reserved (containernetworking/plugins host-local allocator,
   * GetIter starts after last_reserved_ip), so a freed address is not handed
   * out again until the range wraps — pod IPs on a node keep climbing.
   */
  private allocateIP(node: string): string {
    const n: any = this.nodes.get('', node);
    const cidr: string = n?.spec?.podCIDR ?? '10.244.9.0/24';
    const prefix = cidr.split('/')[0]!.split('.').slice(0, 3).join('.');
    let used = this.usedIPs.get(node);
    if (!used) this.usedIPs.set(node, (used = new Set()));
    const first = 2;
    const last = 254;
    const start = this.lastIP.get(node) ?? first - 1;
    for (let k = 1; k <= last - first + 1; k++) {
      const i = first + ((start - first + k) % (last - first + 1) + (last - first + 1)) % (last - first + 1);
      if (!used.has(i)) {
        used.add(i);
        this.lastIP.set(node, i);
        return `${prefix}.${i}`;
      }
    }
    return `${prefix}.${last}`;
  }

  private pulledOn(node: string): Set<string> {
    let s = this.pulled.get(node);
    // A kind node starts with its node image's images (the control plane's, kube-proxy's, kindnetd's): no pull.
    if (!s) this.pulled.set(node, (s = new Set(preloadedImages())));
    return s;
  }

  private volumeEnv(node: string): VolumeEnvironment {
    return {
      node,
      nodeIP: this.nodeIP(node),
      nodeMemoryBytes: this.nodeMemory(node),
      dataRoot: this.storage.dataRoot,
      ceph: this.storage.ceph,
      nfs: nfsServerFor(this.storage.dataRoot),
      claim: (ns, n) => this.claims.get(ns, n),
      volume: (n) => this.volumes.get('', n),
      configMap: (ns, n) => this.configMaps.get(ns, n),
      secret: (ns, n) => this.secrets.get(ns, n),
      serviceAccount: (ns, n) => this.serviceAccounts.get(ns, n),
      nodeStages: this.nodeStages,
      attached: (pv) => this.attachments.list().some((va: any) => va.spec?.nodeName === node && va.spec?.source?.persistentVolumeName === pv && va.status?.attached === true && !va.metadata.deletionTimestamp),
      now: () => this.ctx.clock.now(),
      tokenKeyPem: (this.ctx.options as { tokenKeyPem?: string }).tokenKeyPem,
    };
  }
}

/**
 * liveVolumeMount is a container's mount of a pod volume. Its size is read
 * from the volume on every df and write, not copied: when the node grows
 * the filesystem under a running container (NodeExpandVolume), the
 * container sees the new size at once, as it would on a real node.
 */
function liveVolumeMount(containerPath: string, hostPath: string, readOnly: boolean, volume: MountedVolume): VolumeMount {
  return {
    containerPath,
    hostPath,
    readOnly,
    source: volume.source,
    get capacityBytes() {
      return volume.capacityBytes;
    },
    get filesystemSpace() {
      return volume.filesystemSpace;
    },
    health: volume.health,
  };
}

function writeIfMissing(file: string, content: string): void {
  if (!existsSync(file)) writeFileSync(file, content, { mode: 0o644 });
}

/** usageBytes is what the eviction manager's du sees: the bytes of every file below a directory. */
function usageBytes(dir: string): number {
  let total = 0;
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += usageBytes(p);
    else if (e.isFile()) {
      try {
        total += statSync(p).size;
      } catch {
        // removed meanwhile
      }
    }
  }
  return total;
}

/** sandboxDir is containerd's directory of the pod sandbox (its id derived from the pod uid). */
function sandboxDir(uid: string): string {
  return `/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/${createHash('sha256').update(uid).digest('hex')}`;
}

/**
 * expandVarRefs is the kubelet's $(VAR) expansion of command and args
 * (kubecontainer.ExpandContainerCommandAndArgs, third_party/forked/golang/expansion):
 * `$(NAME)` becomes the container's env value, `$$` escapes a `$`, and a
 * reference to an undefined variable is left as it is.
 */
function expandVarRefs(text: string, env: readonly { name: string; value: string }[]): string {
  if (!text.includes('$')) return text;
  const values = new Map(env.map((e) => [e.name, e.value] as const));
  return text.replace(/\$\$|\$\(([^)]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && values.has(name) ? values.get(name)! : m;
  });
}

/** expansionKey keys Kubelets.expansionDue: one online expansion wait per node and PV. */
function expansionKey(node: string, pv: string): string {
  return `${node}\u0000${pv}`;
}
