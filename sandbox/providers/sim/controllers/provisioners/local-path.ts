/**
 * LocalPathProvisioner is rancher.io/local-path as kind ships it
 * (rancher/local-path-provisioner provisioner.go, kind's build
 * kindest/local-path-provisioner:v20250214-acbabc1a):
 *
 * - configured by `config.json` in the local-path-config ConfigMap of
 *   local-path-storage: nodePathMap (per-node paths, with
 *   DEFAULT_PATH_FOR_NON_LISTED_NODES for the rest), sharedFileSystemPath,
 *   storageClassConfigs, cmdTimeoutSeconds; a changed config is applied
 *   (`Applied config: …` in the log) and a bad one is refused with
 *   `failed to load the new config file: …`, keeping the last good one;
 * - a volume is a directory `<base>/<pv name>_<namespace>_<claim name>` on
 *   the selected node (or a StorageClass `pathPattern`), served as a
 *   hostPath PV of type DirectoryOrCreate pinned to that node by node
 *   affinity (`volumeType: local` gives a local PV instead);
 * - the directory is made by a helper pod, as the real createHelperPod
 *   does: `helper-pod-create-<pv>` in local-path-storage, built from the
 *   ConfigMap's helperPod.yaml, bound to the node (spec.nodeName), running
 *   `/bin/sh /script/setup` with VOL_DIR/VOL_MODE/VOL_SIZE_BYTES, the
 *   ConfigMap's scripts at /script and a DirectoryOrCreate hostPath of the
 *   parent directory. The kubelet runs it like any pod, so a custom setup
 *   script is what runs; the provisioner polls it once a second until it
 *   Succeeded (cmdTimeoutSeconds, default 120), deletes it and returns the
 *   PV. Delete runs `helper-pod-delete-<pv>` with the teardown script;
 * - only ReadWriteOnce/ReadWriteOncePod with node paths, no selectors, no
 *   block volumes.
 *
 * Modelled differently: the config is read from the ConfigMap as soon as it
 * changes (the real one re-reads its mounted file every 30 s, and the
 * kubelet refreshes that file within about a minute), and a shared
 * filesystem (sharedFileSystemPath) is refused, as the simulated cluster
 * has no filesystem mounted on every node.
 */
import { parse as parseYaml } from 'yaml';
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import { parseQuantity } from '../../admission/validation/quantity.ts';
import { ProvisionFailure, inProgress, type ClusterReader, type DeleteOptions, type InProgress, type ProvisionOptions, type Provisioner, type ProvisionerLogs, type StartOptions } from './types.ts';
import { logrusLine, type LogrusLevel } from './log-format.ts';
import { localPathServiceAccount } from './service-keys.ts';

export const localPathProvisionerName = 'rancher.io/local-path';
export const nodeDefaultNonListedNodes = 'DEFAULT_PATH_FOR_NON_LISTED_NODES';
/** nodeNameAnnotation is the PV annotation the provisioner records the node in. */
export const localPathSelectedNodeAnnotation = 'local.path.provisioner/selected-node';

/** StorageClassPathConfig is one canonical config: per-node path sets, or one shared filesystem path. */
export interface StorageClassPathConfig {
  nodePathMap: Map<string, string[]>;
  sharedFileSystemPath?: string;
}

export interface LocalPathConfig {
  default: StorageClassPathConfig;
  storageClassConfigs: Map<string, StorageClassPathConfig>;
  /** cmdTimeoutSeconds is how long a helper pod may take (default 120). */
  cmdTimeoutSeconds: number;
  /** applied is the config as the provisioner logs it (Go's json.Marshal of ConfigData, empty fields left out). */
  applied: string;
}

/** defaultCmdTimeoutSeconds is the provisioner's defaultCmdTimeoutSeconds. */
export const defaultCmdTimeoutSeconds = 120;

/** helperPollMs is the provisioner's wait between two looks at a helper pod (time.Sleep(1 * time.Second)). */
export const helperPollMs = 1000;

/**
 * helperPodRunMs is the least time between creating a helper pod and seeing
 * it Succeeded. On kind that is 2–3 s: the pod sandbox is set up, the
 * container created and started, and the kubelet notices the exit on its
 * next PLEG relist (1 s). The kubelet model runs the script at once and has
 * no sandbox or relist delay, so the provisioner waits for this much before
 * it takes the pod's success (only with provisionLatency, the default):
 * with the 1 s polls a volume is ready ~3 s after `Creating volume`.
 */
export const helperPodRunMs = 2500;

interface NodePathMapData {
  node?: string;
  paths?: string[];
}

/** parseLocalPathConfig is loadConfigFile + canonicalizeConfig; it throws with the provisioner's wording on a bad config. */
export function parseLocalPathConfig(json: string): LocalPathConfig {
  let data: any;
  try {
    data = JSON.parse(json);
  } catch (e) {
    throw new Error(`fail to load config file /etc/config/config.json: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('fail to load config file /etc/config/config.json: json: cannot unmarshal into Go value of type main.ConfigData');
  const wrap = (f: () => StorageClassPathConfig) => {
    try {
      return f();
    } catch (e) {
      throw new Error(`config canonicalization failed: ${(e as Error).message}`);
    }
  };
  const def = wrap(() => canonicalizeClassConfig(data.nodePathMap, data.sharedFileSystemPath));
  const classes = new Map<string, StorageClassPathConfig>();
  for (const [name, c] of Object.entries((data.storageClassConfigs ?? {}) as Record<string, any>)) {
    classes.set(name, wrap(() => canonicalizeClassConfig(c?.nodePathMap, c?.sharedFileSystemPath)));
  }
  const timeout = Number.isInteger(data.cmdTimeoutSeconds) && data.cmdTimeoutSeconds > 0 ? data.cmdTimeoutSeconds : defaultCmdTimeoutSeconds;
  return { default: def, storageClassConfigs: classes, cmdTimeoutSeconds: timeout, applied: marshalConfigData(data) };
}

/** marshalConfigData is json.Marshal(ConfigData): fields in struct order, omitempty ones left out when empty. */
function marshalConfigData(data: any): string {
  const nodePathMap = (list: any) =>
    Array.isArray(list) && list.length
      ? list.map((n: any) => ({ ...(n?.node ? { node: n.node } : {}), ...(n?.paths?.length ? { paths: n.paths } : {}) }))
      : undefined;
  const out: Record<string, unknown> = {};
  const npm = nodePathMap(data.nodePathMap);
  if (npm) out.nodePathMap = npm;
  if (data.cmdTimeoutSeconds) out.cmdTimeoutSeconds = data.cmdTimeoutSeconds;
  if (data.sharedFileSystemPath) out.sharedFileSystemPath = data.sharedFileSystemPath;
  if (data.storageClassConfigs && Object.keys(data.storageClassConfigs).length) {
    const classes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data.storageClassConfigs as Record<string, any>).sort(([a], [b]) => a.localeCompare(b))) {
      const c: Record<string, unknown> = {};
      const m = nodePathMap(v?.nodePathMap);
      if (m) c.nodePathMap = m;
      if (v?.sharedFileSystemPath) c.sharedFileSystemPath = v.sharedFileSystemPath;
      classes[k] = c;
    }
    out.storageClassConfigs = classes;
  }
  return JSON.stringify(out);
}

function canonicalizeClassConfig(nodePathMap: NodePathMapData[] | undefined, shared: string | undefined): StorageClassPathConfig {
  const cfg: StorageClassPathConfig = { nodePathMap: new Map() };
  if (shared) {
    cfg.sharedFileSystemPath = shared;
    if ((nodePathMap ?? []).length) throw new Error('both nodePathMap and sharedFileSystemPath are defined. Please make sure only one is in use');
  }
  for (const n of nodePathMap ?? []) {
    const node = n.node ?? '';
    if (cfg.nodePathMap.has(node)) throw new Error(`duplicate node ${node}`);
    const paths: string[] = [];
    cfg.nodePathMap.set(node, paths);
    for (const p of n.paths ?? []) {
      if (!p.startsWith('/')) throw new Error(`path must start with / for path ${p} on node ${node}`);
      const abs = cleanPath(p);
      if (abs === '/') throw new Error(`cannot use root ('/') as path on node ${node}`);
      if (paths.includes(abs)) throw new Error(`duplicate path ${p} on node ${node}`);
      paths.push(abs);
    }
  }
  return cfg;
}

/** cleanPath is Go's filepath.Abs/Clean for an absolute path. */
function cleanPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** HelperOperation is a helper pod the provisioner waits for (one Provision or Delete call under way). */
interface HelperOperation {
  action: 'create' | 'delete';
  podName: string;
  /** createdAt is when the helper pod was created (ms). */
  createdAt: number;
  node: string;
  path: string;
  /** deadline is when the call gives up (cmdTimeoutSeconds after the pod was created). */
  deadline: number;
}

export class LocalPathProvisioner implements Provisioner {
  readonly name = localPathProvisionerName;
  readonly addFinalizer = false;
  readonly supportsBlock = false;
  private config?: LocalPathConfig;
  private configText?: string;
  /** helperPod is helperPod.yaml as read when the provisioner started (the real one loads it once, at start). */
  private helperPod?: any;
  /** operations: the helper pods under way, by PV name. */
  private readonly operations = new Map<string, HelperOperation>();
  /** lastConfigError is the reason the newest ConfigMap was refused (for tests and logs). */
  lastConfigError?: string;

  constructor(private readonly random: () => number = Math.random) {}

  /** started is the provisioner's start-up: the config it applies and "Provisioner started" (both --debug lines). */
  started(o: StartOptions): void {
    this.configText = undefined;
    this.config = undefined;
    this.configChanged(o.cluster, o.logs, o.now);
    const cm = o.cluster.configMap(clusterShape.localPathProvisioner.namespace, clusterShape.localPathProvisioner.configMap) as any;
    this.helperPod = parseHelperPod(cm?.data?.['helperPod.yaml']);
    o.logs.controller(logrusLine(o.now, 'debug', 'Provisioner started'));
  }

  abandon(): void {
    this.operations.clear();
  }

  /** configChanged re-reads the ConfigMap; a config that does not parse is refused and the last good one stays. */
  configChanged(cluster: ClusterReader, logs?: ProvisionerLogs, now: Date = new Date()): void {
    const cm = cluster.configMap(clusterShape.localPathProvisioner.namespace, clusterShape.localPathProvisioner.configMap);
    const text = (cm as any)?.data?.['config.json'];
    if (typeof text !== 'string' || text === this.configText) return;
    this.configText = text;
    try {
      const next = parseLocalPathConfig(text);
      const changed = next.applied !== this.config?.applied;
      this.config = next;
      this.lastConfigError = undefined;
      if (changed) logs?.controller(logrusLine(now, 'debug', `Applied config: ${next.applied}`));
    } catch (e) {
      this.lastConfigError = (e as Error).message;
      logs?.controller(logrusLine(now, 'error', `failed to load the new config file: ${this.lastConfigError}`));
    }
  }

  get currentConfig(): LocalPathConfig | undefined {
    return this.config;
  }

  provision(o: ProvisionOptions): KObject | InProgress {
    const claim = o.claim as any;
    const log = (level: LogrusLevel, msg: string) => o.logs.driver(logrusLine(o.now, level, msg));
    const op = this.operations.get(o.pvName);
    const cfg = this.pickConfig(o.storageClass.metadata.name!);
    const shared = !!cfg.sharedFileSystemPath;
    const nodeName = o.selectedNode?.metadata.name ?? '';
    let path: string;
    if (op) {
      path = op.path;
    } else {
      if (!shared) {
        if (claim.spec?.selector) throw new ProvisionFailure('claim.Spec.Selector is not supported');
        for (const m of claim.spec?.accessModes ?? []) {
          if (m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod') throw new ProvisionFailure('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
        }
        if (!o.selectedNode) throw new ProvisionFailure('configuration error, no node was specified');
      }
      const params = ((o.storageClass as any).parameters ?? {}) as Record<string, string>;
      const basePath = this.pathOnNode(nodeName, params.nodePath ?? '', cfg, log);
      const folder = params.pathPattern
        ? renderPathPattern(params.pathPattern, o.pvName, claim)
        : [o.pvName, claim.metadata.namespace, claim.metadata.name].join('_');
      path = cleanPath(`${basePath}/${folder}`);
      // A shared filesystem mounted on every node has no model in the simulated cluster's data root; say so rather than pretend.
      if (shared) throw new ProvisionFailure('sharedFileSystemPath is not modelled by the simulated cluster (kslab sim); use nodePathMap');
      log('info', `Creating volume ${o.pvName} at ${nodeName}:${path}`);
    }
    const size = parseQuantity(claim.spec?.resources?.requests?.storage ?? '0') ?? 0;
    const done = this.runHelper('create', o.pvName, path, nodeName, claim.spec?.volumeMode ?? 'Filesystem', size, o);
    if (done) return done;
    const volumeType = claim.metadata.annotations?.volumeType ?? o.storageClass.metadata.annotations?.defaultVolumeType ?? 'hostPath';
    let source: Record<string, unknown>;
    if (volumeType.toLowerCase() === 'local') source = { local: { path } };
    else if (volumeType.toLowerCase() === 'hostpath') source = { hostPath: { path, type: 'DirectoryOrCreate' } };
    else throw new ProvisionFailure(`"${volumeType}" is not a recognised volume type`);
    const valueNode = o.selectedNode?.metadata.labels?.['kubernetes.io/hostname'] ?? nodeName;
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: o.pvName, annotations: { [localPathSelectedNodeAnnotation]: nodeName } },
      spec: {
        persistentVolumeReclaimPolicy: (o.storageClass as any).reclaimPolicy ?? 'Delete',
        accessModes: claim.spec?.accessModes,
        volumeMode: 'Filesystem',
        capacity: { storage: claim.spec?.resources?.requests?.storage },
        ...source,
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [valueNode] }] }] },
        },
      },
    };
  }

  /** delete is the teardown helper pod (`rm -rf "$VOL_DIR"` by default) on the node the PV is pinned to. */
  delete(volume: KObject, o: DeleteOptions): void | InProgress {
    const spec = (volume as any).spec ?? {};
    const name = volume.metadata.name!;
    const path: string | undefined = spec.hostPath?.path ?? spec.local?.path;
    const fail = (why: string) => new ProvisionFailure(`failed to delete volume ${name}: ${why}`);
    if (!path) throw fail('no path set');
    const terms: any[] | undefined = spec.nodeAffinity?.required?.nodeSelectorTerms;
    if (!terms) throw fail('no NodeAffinity set');
    let node = '';
    for (const t of terms) {
      for (const e of t.matchExpressions ?? []) {
        if (e.key === 'kubernetes.io/hostname' && e.operator === 'In') {
          if ((e.values ?? []).length !== 1) throw fail('multiple values for the node affinity');
          node = e.values[0];
          break;
        }
      }
      if (node) break;
    }
    if (!node) throw fail('cannot find affinited node');
    if (!this.operations.has(name)) o.logs.driver(logrusLine(o.now, 'info', `Deleting volume ${name} at ${node}:${path}`));
    const size = parseQuantity(spec.capacity?.storage ?? '0') ?? 0;
    try {
      return this.runHelper('delete', name, path, node, spec.volumeMode ?? 'Filesystem', size, o);
    } catch (e) {
      if (e instanceof ProvisionFailure) {
        o.logs.driver(logrusLine(o.now, 'info', `clean up volume ${name} failed: ${e.message}`));
        throw fail(e.message);
      }
      throw e;
    }
  }

  /**
   * runHelper is createHelperPod as a step of a state machine: the first
   * call creates the pod, later calls look at it once a second; it returns
   * undefined once the pod Succeeded and has been deleted, InProgress while
   * it runs, and throws (after deleting the pod) on timeout.
   */
  private runHelper(action: 'create' | 'delete', pvName: string, path: string, node: string, mode: string, sizeBytes: number, o: ProvisionOptions | DeleteOptions): InProgress | undefined {
    const ns = clusterShape.localPathProvisioner.namespace;
    const fail = (why: string) => new ProvisionFailure(`failed to ${action} volume ${pvName}: ${why}`);
    let op = this.operations.get(pvName);
    if (!op) {
      const helper = this.buildHelperPod(action, pvName, path, node, mode, sizeBytes);
      if (typeof helper === 'string') throw fail(helper);
      o.logs.driver(logrusLine(o.now, 'info', `create the helper pod ${helper.metadata.name} into ${ns}`));
      o.cluster.createPod(ns, helper);
      op = { action, podName: helper.metadata.name, createdAt: o.now.getTime(), node, path, deadline: o.now.getTime() + (this.config?.cmdTimeoutSeconds ?? defaultCmdTimeoutSeconds) * 1000 };
      this.operations.set(pvName, op);
      return inProgress(helperPollMs);
    }
    const pod = o.cluster.pod(ns, op.podName) as any;
    if (!pod) {
      this.operations.delete(pvName);
      throw fail(`pods "${op.podName}" not found`);
    }
    const ready = !o.modelLatency || o.now.getTime() >= op.createdAt + helperPodRunMs;
    if (pod.status?.phase === 'Succeeded' && ready) {
      this.operations.delete(pvName);
      o.cluster.deletePod(ns, op.podName);
      o.logs.driver(logrusLine(o.now, 'info', `Volume ${pvName} has been ${action}d on ${node}:${op.path}`));
      return undefined;
    }
    if (o.now.getTime() >= op.deadline) {
      this.operations.delete(pvName);
      o.cluster.deletePod(ns, op.podName);
      throw fail(`create process timeout after ${this.config?.cmdTimeoutSeconds ?? defaultCmdTimeoutSeconds} seconds`);
    }
    return inProgress(helperPollMs);
  }

  /** buildHelperPod is createHelperPod's pod: helperPod.yaml plus the node, scripts, data volume, env and args; a string is the error. */
  private buildHelperPod(action: 'create' | 'delete', pvName: string, path: string, node: string, mode: string, sizeBytes: number): any {
    const template = this.helperPod;
    if (!template?.spec?.containers?.length) return 'helper pod template (helperPod.yaml) has no container';
    const clean = cleanPath(path);
    const cut = clean.lastIndexOf('/');
    const parentDir = clean.slice(0, cut);
    const volumeDir = clean.slice(cut + 1);
    if (!parentDir || !volumeDir) return `invalid path ${action} for ${clean}: cannot find parent dir or volume dir or parent dir is relative`;
    const pod = structuredClone(template);
    const container = pod.spec.containers[0];
    container.volumeMounts = [...(container.volumeMounts ?? [])];
    const mount = (name: string, mountPath: string) => {
      const m = container.volumeMounts.find((v: any) => v.name === name);
      if (m) {
        m.mountPath ||= mountPath;
        return m;
      }
      const n = { name, mountPath };
      container.volumeMounts.push(n);
      return n;
    };
    mount('script', '/script').mountPath = '/script';
    const dataMount = mount('data', parentDir);
    const mountedParent = String(dataMount.mountPath).replace(/\/$/, '');
    const volDir = `${mountedParent}/${volumeDir}`;
    let name = `${pod.metadata?.name ?? 'helper-pod'}-${action}-${pvName}`;
    if (name.length > 128) name = name.slice(0, 128);
    pod.apiVersion = 'v1';
    pod.kind = 'Pod';
    pod.metadata = { ...(pod.metadata ?? {}), name, namespace: clusterShape.localPathProvisioner.namespace };
    pod.spec.nodeName = node;
    pod.spec.serviceAccountName = localPathServiceAccount;
    pod.spec.restartPolicy = 'Never';
    pod.spec.tolerations = [...(pod.spec.tolerations ?? []), { operator: 'Exists' }];
    pod.spec.volumes = [
      ...(pod.spec.volumes ?? []),
      { name: 'data', hostPath: { path: parentDir, type: 'DirectoryOrCreate' } },
      { name: 'script', configMap: { name: clusterShape.localPathProvisioner.configMap, items: [{ key: 'setup', path: 'setup' }, { key: 'teardown', path: 'teardown' }] } },
    ];
    container.command = ['/bin/sh', `/script/${action === 'create' ? 'setup' : 'teardown'}`];
    container.env = [...(container.env ?? []), { name: 'VOL_DIR', value: volDir }, { name: 'VOL_MODE', value: mode }, { name: 'VOL_SIZE_BYTES', value: String(sizeBytes) }];
    container.args = ['-p', volDir, '-s', String(sizeBytes), '-m', mode];
    container.securityContext = { privileged: true };
    return pod;
  }

  private pickConfig(className: string): StorageClassPathConfig {
    if (!this.config) throw new ProvisionFailure('no valid config available');
    return this.config.storageClassConfigs.get(className) ?? this.config.default;
  }

  /** pathOnNode is getPathOnNode: the node's paths, else the default entry's; a requested nodePath must be one of them. */
  private pathOnNode(node: string, requested: string, cfg: StorageClassPathConfig, log: (level: LogrusLevel, msg: string) => void): string {
    if (cfg.sharedFileSystemPath) {
      if (requested && requested !== cfg.sharedFileSystemPath) throw new ProvisionFailure(`config doesn't contain path ${requested} on node ${node}`);
      return cfg.sharedFileSystemPath;
    }
    let paths = cfg.nodePathMap.get(node);
    if (!paths) {
      paths = cfg.nodePathMap.get(nodeDefaultNonListedNodes);
      if (!paths) throw new ProvisionFailure(`config doesn't contain node ${node}, and no ${nodeDefaultNonListedNodes} available`);
      log('debug', `config doesn't contain node ${node}, use ${nodeDefaultNonListedNodes} instead`);
    }
    if (paths.length === 0) throw new ProvisionFailure(`no local path available on node ${node}`);
    if (requested) {
      if (!paths.includes(requested)) throw new ProvisionFailure(`config doesn't contain path ${requested} on node ${node}`);
      return requested;
    }
    // Go map iteration order: effectively random among several paths.
    return paths[Math.floor(this.random() * paths.length)]!;
  }
}


/** parseHelperPod reads helperPod.yaml (loadHelperPodFile); undefined when it is missing or not a pod. */
function parseHelperPod(text: unknown): any {
  if (typeof text !== 'string') return undefined;
  try {
    const pod = parseYaml(text);
    return pod && typeof pod === 'object' ? pod : undefined;
  } catch {
    return undefined;
  }
}

/** renderPathPattern fills the StorageClass pathPattern template ({{ .PVName }}, {{ .PVC.Namespace }}, {{ .PVC.Name }}, labels/annotations). */
export function renderPathPattern(pattern: string, pvName: string, claim: any): string {
  return pattern.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_m, expr: string) => {
    const e = expr.trim();
    if (e === '.PVName') return pvName;
    if (e === '.PVC.Namespace') return claim.metadata.namespace ?? '';
    if (e === '.PVC.Name') return claim.metadata.name ?? '';
    const lab = /^\.PVC\.Labels\.(\S+)$/.exec(e) ?? /^index \.PVC\.Labels "([^"]+)"$/.exec(e);
    if (lab) return claim.metadata.labels?.[lab[1]!] ?? '';
    const ann = /^\.PVC\.Annotations\.(\S+)$/.exec(e) ?? /^index \.PVC\.Annotations "([^"]+)"$/.exec(e);
    if (ann) return claim.metadata.annotations?.[ann[1]!] ?? '';
    return '';
  });
}
