/**
 * ClusterView is everything a check may know about a cluster: typed reads
 * through @kubernetes/client-node, the events of an object, exec in a pod,
 * files on a node (through a reader pod with the node's root mounted, the
 * way `kubectl debug node/...` reaches it), `ceph`/`rbd` in the cluster's
 * Ceph toolbox pod, and server-side apply for solve steps. It is built from
 * a kubeconfig alone, so the same checks grade the sim, a kind cluster, or
 * any conformant cluster, and the page and the CLI grade alike.
 */
import { PassThrough } from 'node:stream';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  Exec,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  StorageV1Api,
  type CoreV1Event,
  type KubernetesObject,
  type V1Pod,
  type V1Status,
} from '@kubernetes/client-node';
import { clusterShape } from '../providers/cluster-shape.ts';

/** ExecResult is what a command in a container printed and how it ended. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** code is the exit code; -1 when the exec could not start. */
  code: number;
}

/** CephTool runs `rbd`/`ceph` against the lab's Ceph cluster; given by a caller that can reach it. */
export type CephTool = (command: 'ceph' | 'rbd', argv: string[]) => Promise<ExecResult>;

/** NODE_READER_NAMESPACE holds the check engine's node reader pods, out of the learner's way. */
export const NODE_READER_NAMESPACE = 'kslab-checks';
/** NODE_READER_IMAGE is the reader pods' image: a shell, cat, ls and test. */
export const NODE_READER_IMAGE = 'busybox:1.36';
/** NODE_READER_DAEMONSET runs one reader pod per node in NODE_READER_NAMESPACE. */
export const NODE_READER_DAEMONSET = 'kslab-node-reader';

export interface ClusterViewOptions {
  /** ceph replaces the default way to Ceph (the cluster's Ceph toolbox pod, cephFromToolbox), e.g. with `kslab check --ceph-exec`. */
  ceph?: CephTool;
  /** sleep waits between polls; the proof suite moves a fake clock instead. */
  sleep?: (ms: number) => Promise<void>;
  /** execTimeoutMs bounds one exec (a hung container must not hang a check). */
  execTimeoutMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** isNotFound says whether a client-node error is a 404. */
export function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

/** orUndefined turns a 404 into undefined and keeps every other error. */
async function orUndefined<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

export class ClusterView {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly storage: StorageV1Api;
  readonly objects: KubernetesObjectApi;
  private readonly execer: Exec;
  readonly sleep: (ms: number) => Promise<void>;
  /** readersReady is the one-time set-up of the node reader DaemonSet. */
  private readersReady: Promise<void> | undefined;

  constructor(
    readonly kubeconfig: KubeConfig,
    private readonly options: ClusterViewOptions = {},
  ) {
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    this.apps = kubeconfig.makeApiClient(AppsV1Api);
    this.storage = kubeconfig.makeApiClient(StorageV1Api);
    this.objects = KubernetesObjectApi.makeApiClient(kubeconfig);
    this.execer = new Exec(kubeconfig);
    this.sleep = options.sleep ?? realSleep;
    this.ceph = options.ceph ?? cephFromToolbox(this);
  }

  /** fromKubeconfigText builds a view from kubeconfig YAML. */
  static fromKubeconfigText(text: string, options?: ClusterViewOptions): ClusterView {
    const kc = new KubeConfig();
    kc.loadFromString(text);
    return new ClusterView(kc, options);
  }

  /**
   * ceph runs `ceph`/`rbd` against the lab's Ceph cluster: by default in the
   * cluster's Ceph toolbox pod (cephFromToolbox), so the page, the CLI and
   * the proof suite all reach Ceph the same way, through the kubeconfig.
   */
  readonly ceph: CephTool;

  pod(namespace: string, name: string) {
    return orUndefined(this.core.readNamespacedPod({ namespace, name }));
  }
  async pods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace, labelSelector })).items;
  }
  pv(name: string) {
    return orUndefined(this.core.readPersistentVolume({ name }));
  }
  async pvs() {
    return (await this.core.listPersistentVolume()).items;
  }
  pvc(namespace: string, name: string) {
    return orUndefined(this.core.readNamespacedPersistentVolumeClaim({ namespace, name }));
  }
  deployment(namespace: string, name: string) {
    return orUndefined(this.apps.readNamespacedDeployment({ namespace, name }));
  }
  node(name: string) {
    return orUndefined(this.core.readNode({ name }));
  }
  async nodes() {
    return (await this.core.listNode()).items;
  }
  storageClass(name: string) {
    return orUndefined(this.storage.readStorageClass({ name }));
  }
  configMap(namespace: string, name: string) {
    return orUndefined(this.core.readNamespacedConfigMap({ namespace, name }));
  }
  secret(namespace: string, name: string) {
    return orUndefined(this.core.readNamespacedSecret({ namespace, name }));
  }
  async volumeAttachments() {
    return (await this.storage.listVolumeAttachment()).items;
  }

  /** events lists the events of one object (by kind and name, and uid when given), oldest first. */
  async events(namespace: string, kind: string, name: string, uid?: string): Promise<CoreV1Event[]> {
    const selector = [`involvedObject.kind=${kind}`, `involvedObject.name=${name}`];
    if (uid) selector.push(`involvedObject.uid=${uid}`);
    const list = await this.core.listNamespacedEvent({ namespace, fieldSelector: selector.join(',') });
    return list.items.filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name && (!uid || e.involvedObject.uid === uid)).sort(byTime);
  }

  /** namespaceEvents lists every event of a namespace, oldest first (for "which pods were ever scheduled where"). */
  async namespaceEvents(namespace: string, reason?: string): Promise<CoreV1Event[]> {
    const list = await this.core.listNamespacedEvent({ namespace, fieldSelector: reason ? `reason=${reason}` : undefined });
    return list.items.filter((e) => !reason || e.reason === reason).sort(byTime);
  }

  /**
   * scheduledPods reads the scheduler's `Scheduled` events ("Successfully
   * assigned ns/name to node"): every pod of the namespace ever placed,
   * with its uid and node, including pods that no longer exist.
   */
  async scheduledPods(namespace: string): Promise<{ name: string; uid: string; node: string; at: number }[]> {
    const out: { name: string; uid: string; node: string; at: number }[] = [];
    for (const e of await this.namespaceEvents(namespace, 'Scheduled')) {
      const m = /Successfully assigned \S+\/\S+ to (\S+)/.exec(e.message ?? '');
      if (!m || e.involvedObject.kind !== 'Pod') continue;
      out.push({ name: e.involvedObject.name ?? '', uid: e.involvedObject.uid ?? '', node: m[1]!, at: eventTime(e) });
    }
    return out;
  }

  /** exec runs a command in a container and collects its output and exit code. */
  async exec(namespace: string, pod: string, container: string | undefined, command: string[]): Promise<ExecResult> {
    let stdout = '';
    let stderr = '';
    const out = new PassThrough();
    const err = new PassThrough();
    out.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    err.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timeoutMs = this.options.execTimeoutMs ?? 30_000;
    return new Promise<ExecResult>((resolve) => {
      let settled = false;
      const finish = (code: number) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // Let the last frames reach the collectors before reporting.
        setImmediate(() => resolve({ stdout, stderr, code }));
      };
      const timer = setTimeout(() => {
        stderr += `\n(kslab: the command did not finish within ${timeoutMs / 1000} s)`;
        finish(-1);
      }, timeoutMs);
      this.execer
        .exec(namespace, pod, container ?? '', command, out, err, null, false, (status: V1Status) => {
          if (status.status === 'Success') return finish(0);
          const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
          if (cause) return finish(Number(cause.message));
          stderr += status.message ?? '';
          finish(-1);
        })
        .then((ws) => {
          ws.on('close', () => setTimeout(() => finish(-1), 200));
          ws.on('error', (e: Error) => {
            stderr += e.message;
            finish(-1);
          });
        })
        .catch((e: unknown) => {
          stderr += e instanceof Error ? e.message : String(e);
          finish(-1);
        });
    });
  }

  /** sh runs a shell script in a container. */
  sh(namespace: string, pod: string, container: string | undefined, script: string): Promise<ExecResult> {
    return this.exec(namespace, pod, container, ['sh', '-c', script]);
  }

  /**
   * nodeShell runs a script with the node's root filesystem at /host, in the
   * node's reader pod (DaemonSet kslab-node-reader, made on first use and
   * kept, so repeated checks stay fast). It fails when the node is not Ready.
   */
  async nodeShell(node: string, script: string): Promise<ExecResult> {
    const pod = await this.nodeReader(node);
    return this.sh(NODE_READER_NAMESPACE, pod, 'reader', script);
  }

  /** nodePathExists says whether a path exists on a node. */
  async nodePathExists(node: string, path: string): Promise<boolean> {
    const r = await this.nodeShell(node, `test -e ${shellQuote('/host' + path)} && echo yes || echo no`);
    if (r.code !== 0) throw new Error(`could not look at ${path} on ${node}: ${r.stderr.trim() || `exit ${r.code}`}`);
    return r.stdout.trim() === 'yes';
  }

  /** nodeFile reads a file on a node; undefined when it does not exist. */
  async nodeFile(node: string, path: string): Promise<string | undefined> {
    const q = shellQuote('/host' + path);
    const r = await this.nodeShell(node, `if [ -f ${q} ]; then echo -n F; cat ${q}; else echo -n N; fi`);
    if (r.code !== 0) throw new Error(`could not read ${path} on ${node}: ${r.stderr.trim() || `exit ${r.code}`}`);
    return r.stdout.startsWith('F') ? r.stdout.slice(1) : undefined;
  }

  /** nodeList lists the names in a directory on a node ([] when it does not exist). */
  async nodeList(node: string, path: string): Promise<string[]> {
    const q = shellQuote('/host' + path);
    const r = await this.nodeShell(node, `if [ -d ${q} ]; then ls -1 ${q}; fi`);
    if (r.code !== 0) throw new Error(`could not list ${path} on ${node}: ${r.stderr.trim() || `exit ${r.code}`}`);
    return r.stdout.split('\n').filter(Boolean);
  }

  /**
   * nodeReader is the name of the running reader pod on a node. The readers
   * are DaemonSet kslab-node-reader's pods (one per node, tolerating every
   * taint, so a cordoned node can be read too), which `kubectl drain
   * --ignore-daemonsets` passes over: bare pods would make drain refuse
   * ("cannot delete Pods that declare no controller") once a check had run.
   */
  private async nodeReader(node: string): Promise<string> {
    // The reader tolerates every taint, so on a powered-off node it would still look Running: ask the node first.
    const nodeObj = await this.node(node);
    if (nodeObj?.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') {
      throw new Error(`node ${node} is not Ready, so nothing on it can be read now`);
    }
    if (!this.readersReady) {
      const ready = this.ensureNodeReaders();
      this.readersReady = ready;
      ready.catch(() => {
        if (this.readersReady === ready) this.readersReady = undefined;
      });
    }
    await this.readersReady;
    for (let i = 0; i < 120; i++) {
      const pods = await this.core.listNamespacedPod({
        namespace: NODE_READER_NAMESPACE,
        labelSelector: `app.kubernetes.io/name=${NODE_READER_DAEMONSET}`,
        fieldSelector: `spec.nodeName=${node}`,
      });
      const running = pods.items.find((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp);
      if (running) return running.metadata!.name!;
      // The DaemonSet was deleted meanwhile: make it again.
      if (i % 10 === 9 && !(await orUndefined(this.apps.readNamespacedDaemonSet({ namespace: NODE_READER_NAMESPACE, name: NODE_READER_DAEMONSET })))) {
        await this.ensureNodeReaders();
      }
      await this.sleep(500);
    }
    throw new Error(`the node reader pod on ${node} did not start within a minute`);
  }

  /** ensureNodeReaders makes namespace kslab-checks and DaemonSet kslab-node-reader when they are missing. */
  private async ensureNodeReaders(): Promise<void> {
    const ns = NODE_READER_NAMESPACE;
    if (!(await orUndefined(this.core.readNamespace({ name: ns })))) {
      try {
        await this.core.createNamespace({ body: { metadata: { name: ns, labels: { 'app.kubernetes.io/managed-by': 'kslab-checks' } } } });
      } catch (e) {
        if (!(e instanceof ApiException && e.code === 409)) throw e;
      }
    }
    if (await orUndefined(this.apps.readNamespacedDaemonSet({ namespace: ns, name: NODE_READER_DAEMONSET }))) return;
    // Readers of earlier versions were bare pods named node-reader-<node>; they would still block drain.
    const bare = await this.core.listNamespacedPod({ namespace: ns });
    for (const p of bare.items) {
      if (!p.metadata?.ownerReferences?.length && p.metadata?.name?.startsWith('node-reader-')) {
        await this.core.deleteNamespacedPod({ namespace: ns, name: p.metadata.name, gracePeriodSeconds: 0 }).catch(() => {});
      }
    }
    const labels = { 'app.kubernetes.io/name': NODE_READER_DAEMONSET };
    try {
      await this.apps.createNamespacedDaemonSet({
        namespace: ns,
        body: {
          metadata: { name: NODE_READER_DAEMONSET, labels },
          spec: {
            selector: { matchLabels: labels },
            template: {
              metadata: { labels },
              spec: {
                terminationGracePeriodSeconds: 0,
                // Every taint: cordoned, not-ready and control-plane nodes can be read too.
                tolerations: [{ operator: 'Exists' }],
                containers: [
                  {
                    name: 'reader',
                    image: NODE_READER_IMAGE,
                    command: ['sleep', '2147483647'],
                    volumeMounts: [{ name: 'host', mountPath: '/host', readOnly: true }],
                  },
                ],
                volumes: [{ name: 'host', hostPath: { path: '/' } }],
              },
            },
          },
        },
      });
    } catch (e) {
      if (!(e instanceof ApiException && e.code === 409)) throw e;
    }
  }

  /** apply server-side-applies one object (field manager kslab, conflicts forced), as `kubectl apply --server-side --force-conflicts`. */
  async apply(object: KubernetesObject): Promise<KubernetesObject> {
    const obj = { ...object, metadata: { ...object.metadata } };
    if (!obj.metadata!.namespace && (await this.namespaced(obj))) obj.metadata!.namespace = 'default';
    return this.objects.patch(obj, undefined, undefined, 'kslab', true, PatchStrategy.ServerSideApply);
  }

  /** mergePatch applies a JSON merge patch to one object, as `kubectl patch --type merge` (and `kubectl scale`) do. */
  async mergePatch(object: KubernetesObject): Promise<KubernetesObject> {
    return this.objects.patch(object, undefined, undefined, 'kslab', undefined, PatchStrategy.MergePatch);
  }

  /** delete removes one object; a missing object is fine. */
  async delete(object: KubernetesObject, gracePeriodSeconds?: number): Promise<void> {
    const obj = { ...object, metadata: { ...object.metadata } };
    if (!obj.metadata!.namespace && (await this.namespaced(obj))) obj.metadata!.namespace = 'default';
    try {
      await this.objects.delete(obj, undefined, undefined, gracePeriodSeconds, undefined, 'Background');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  private async namespaced(obj: KubernetesObject): Promise<boolean> {
    const cluster = ['PersistentVolume', 'StorageClass', 'Node', 'Namespace', 'VolumeAttachment', 'CSIDriver', 'ClusterRole', 'ClusterRoleBinding'];
    return !cluster.includes(obj.kind ?? '');
  }
}

function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

function byTime(a: CoreV1Event, b: CoreV1Event): number {
  return eventTime(a) - eventTime(b);
}

/** shellQuote quotes a word for sh. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** CephToolbox names the Deployment and container whose `ceph`/`rbd` clients are configured for the lab's Ceph cluster. */
export interface CephToolbox {
  namespace: string;
  deployment: string;
  container: string;
}

/** LAB_CEPH_TOOLBOX is the cluster shape's toolbox (sandbox/providers/cluster-shape.ts): deploy/ceph-tools in ceph-csi-rbd. */
export const LAB_CEPH_TOOLBOX: CephToolbox = {
  namespace: clusterShape.ceph.csiNamespace,
  deployment: clusterShape.ceph.toolbox.deployment,
  container: clusterShape.ceph.toolbox.container,
};

/**
 * cephFromToolbox reaches Ceph the way Rook's docs tell a person to
 * (`kubectl -n rook-ceph exec -it deploy/rook-ceph-tools -- ceph status`,
 * https://rook.io/docs/rook/latest-release/Troubleshooting/ceph-toolbox/):
 * `ceph|rbd ARGS…` runs, without a shell, in a Running, Ready pod of the
 * toolbox Deployment (found through the Deployment's own selector, as
 * `kubectl exec deploy/...` finds it). It needs only the kubeconfig, so it
 * works on the sim, kind and any cluster that runs the toolbox. A toolbox
 * pod that is still starting is waited for (up to a minute); when none
 * runs, it throws a message that says so, and a check then reports
 * `error`, never `pass`.
 */
export function cephFromToolbox(view: ClusterView, toolbox: CephToolbox = LAB_CEPH_TOOLBOX): CephTool {
  return async (command, argv) => {
    const pod = await toolboxPod(view, toolbox);
    return view.exec(toolbox.namespace, pod, toolbox.container, [command, ...argv]);
  };
}

/** TOOLBOX_START_WAIT_MS is how long a Ceph call waits for a toolbox pod that is still starting (a cluster just made, a pod just rescheduled). */
const TOOLBOX_START_WAIT_MS = 60_000;

/**
 * toolboxPod finds the newest Running, Ready, not-terminating pod of the
 * toolbox Deployment. While the Deployment wants a pod that is not ready yet
 * it waits (up to a minute of cluster time, polling each second); when there
 * is no Deployment, it wants no pods, or the wait runs out, it throws why.
 */
async function toolboxPod(view: ClusterView, toolbox: CephToolbox): Promise<string> {
  const where = `deploy/${toolbox.deployment} in ${toolbox.namespace}`;
  const noTool = "so nothing can run ceph or rbd against the lab's Ceph cluster";
  for (let waited = 0; ; waited += 1000) {
    const deployment = await view.deployment(toolbox.namespace, toolbox.deployment);
    if (!deployment) throw new Error(`no running Ceph toolbox pod (${where}): the Deployment does not exist, ${noTool}`);
    const wanted = deployment.spec?.replicas ?? 1;
    const labels = deployment.spec?.selector?.matchLabels ?? {};
    const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    const pods = selector ? await view.pods(toolbox.namespace, selector) : [];
    const ready = pods
      .filter((p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .sort((a, b) => podTime(b) - podTime(a));
    if (ready[0]) return ready[0].metadata!.name!;
    if (wanted === 0 || waited >= TOOLBOX_START_WAIT_MS) {
      const seen = pods.map((p) => `${p.metadata?.name} is ${p.metadata?.deletionTimestamp ? 'Terminating' : (p.status?.phase ?? 'Unknown')}${p.spec?.nodeName ? ` on ${p.spec.nodeName}` : ''}`);
      const state = seen.length ? `${seen.join('; ')}, and none is Ready` : `the Deployment has no pods (${wanted} wanted)`;
      throw new Error(`no running Ceph toolbox pod (${where}): ${state}${wanted > 0 ? ` after ${TOOLBOX_START_WAIT_MS / 1000} s` : ''}, ${noTool} now`);
    }
    await view.sleep(1000);
  }
}

function podTime(p: V1Pod): number {
  const t = p.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

/**
 * cephFromCommand reaches Ceph through a command prefix the grader gives,
 * e.g. `kubectl -n rook-ceph exec deploy/rook-ceph-tools --` or
 * `docker exec lab-ceph`: `<prefix> ceph|rbd ARGS…` runs without a shell.
 */
export function cephFromCommand(prefix: string): CephTool {
  const words = prefix.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new Error('--ceph-exec needs a command');
  return async (command, argv) => {
    const { spawn } = await import('node:child_process');
    return new Promise<ExecResult>((resolve) => {
      const child = spawn(words[0]!, [...words.slice(1), command, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', (e) => resolve({ stdout, stderr: stderr + e.message, code: -1 }));
      child.on('close', (code) => resolve({ stdout, stderr, code: code ?? -1 }));
    });
  };
}
