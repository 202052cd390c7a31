/**
 * LocalPathProvisioner is rancher.io/local-path as kind ships it
 * (rancher/local-path-provisioner provisioner.go, kind's build v0.0.3x):
 *
 * - configured by `config.json` in the local-path-config ConfigMap of
 *   local-path-storage: nodePathMap (per-node paths, with
 *   DEFAULT_PATH_FOR_NON_LISTED_NODES for the rest), sharedFileSystemPath,
 *   storageClassConfigs; the config is reloaded when the ConfigMap changes
 *   and a bad one is refused, keeping the last good one;
 * - a volume is a directory `<base>/<pv name>_<namespace>_<claim name>` on
 *   the selected node (or a StorageClass `pathPattern`), served as a
 *   hostPath PV of type DirectoryOrCreate pinned to that node by node
 *   affinity (`volumeType: local` gives a local PV instead);
 * - only ReadWriteOnce/ReadWriteOncePod with node paths, no selectors, no
 *   block volumes; teardown on Delete removes the directory.
 *
 * Modelled: the real provisioner runs a helper pod with the ConfigMap's
 * setup/teardown scripts; here the directory is made and removed directly
 * in the node's tree of the cluster's data root (what kind's default
 * scripts do), so a custom script in the ConfigMap is not executed.
 */
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import { DataRootError } from '../../dataroot/dataroot.ts';
import { ProvisionFailure, type ClusterReader, type DeleteOptions, type ProvisionOptions, type Provisioner } from './types.ts';

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
}

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
  return { default: def, storageClassConfigs: classes };
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

export class LocalPathProvisioner implements Provisioner {
  readonly name = localPathProvisionerName;
  readonly podName: string;
  readonly addFinalizer = false;
  readonly supportsBlock = false;
  /** provisionMs: the helper pod (helper-pod-create-pvc-…) is created, runs mkdir and is deleted: a few seconds on kind. */
  readonly provisionMs = 3000;
  private config?: LocalPathConfig;
  private configText?: string;
  /** lastConfigError is the reason the newest ConfigMap was refused (for tests and logs). */
  lastConfigError?: string;

  constructor(
    podName = 'local-path-provisioner-7577fdbbfb-' + randomSuffix(5),
    private readonly random: () => number = Math.random,
  ) {
    this.podName = podName;
  }

  /** configChanged re-reads the ConfigMap; a config that does not parse is refused and the last good one stays. */
  configChanged(cluster: ClusterReader): void {
    const cm = cluster.configMap(clusterShape.localPathProvisioner.namespace, clusterShape.localPathProvisioner.configMap);
    const text = (cm as any)?.data?.['config.json'];
    if (typeof text !== 'string' || text === this.configText) return;
    try {
      this.config = parseLocalPathConfig(text);
      this.configText = text;
      this.lastConfigError = undefined;
    } catch (e) {
      this.lastConfigError = (e as Error).message;
    }
  }

  get currentConfig(): LocalPathConfig | undefined {
    return this.config;
  }

  provision(o: ProvisionOptions): KObject {
    if (!this.config) this.configChanged(o.cluster);
    const claim = o.claim as any;
    const cfg = this.pickConfig(o.storageClass.metadata.name!);
    const shared = !!cfg.sharedFileSystemPath;
    if (!shared) {
      if (claim.spec?.selector) throw new ProvisionFailure('claim.Spec.Selector is not supported');
      for (const m of claim.spec?.accessModes ?? []) {
        if (m !== 'ReadWriteOnce' && m !== 'ReadWriteOncePod') throw new ProvisionFailure('NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes');
      }
      if (!o.selectedNode) throw new ProvisionFailure('configuration error, no node was specified');
    }
    const nodeName = o.selectedNode?.metadata.name ?? '';
    const params = ((o.storageClass as any).parameters ?? {}) as Record<string, string>;
    const basePath = this.pathOnNode(nodeName, params.nodePath ?? '', cfg);
    const folder = params.pathPattern
      ? renderPathPattern(params.pathPattern, o.pvName, claim)
      : [o.pvName, claim.metadata.namespace, claim.metadata.name].join('_');
    const path = cleanPath(`${basePath}/${folder}`);
    // A shared filesystem mounted on every node has no model in the simulated cluster's data root; say so rather than pretend.
    if (shared) throw new ProvisionFailure('sharedFileSystemPath is not modelled by the simulated cluster (kslab sim); use nodePathMap');
    try {
      o.backends.dataRoot.ensureNodeDir(nodeName, path);
    } catch (e) {
      if (e instanceof DataRootError) throw new ProvisionFailure(`failed to create volume ${o.pvName}: ${e.message}`);
      throw e;
    }
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
        ...(shared
          ? {}
          : {
              nodeAffinity: {
                required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [valueNode] }] }] },
              },
            }),
      },
    };
  }

  /** delete is the teardown (`rm -rf "$VOL_DIR"`) on the node the PV is pinned to. */
  delete(volume: KObject, o: DeleteOptions): void {
    const spec = (volume as any).spec ?? {};
    const path: string | undefined = spec.hostPath?.path ?? spec.local?.path;
    const fail = (why: string) => new ProvisionFailure(`failed to delete volume ${volume.metadata.name}: ${why}`);
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
    try {
      o.backends.dataRoot.removeNodePath(node, path);
    } catch (e) {
      throw new ProvisionFailure(`failed to delete volume ${volume.metadata.name}: failed to delete volume ${volume.metadata.name}: ${(e as Error).message}`);
    }
  }

  private pickConfig(className: string): StorageClassPathConfig {
    if (!this.config) throw new ProvisionFailure('no valid config available');
    return this.config.storageClassConfigs.get(className) ?? this.config.default;
  }

  /** pathOnNode is getPathOnNode: the node's paths, else the default entry's; a requested nodePath must be one of them. */
  private pathOnNode(node: string, requested: string, cfg: StorageClassPathConfig): string {
    if (cfg.sharedFileSystemPath) {
      if (requested && requested !== cfg.sharedFileSystemPath) throw new ProvisionFailure(`config doesn't contain path ${requested} on node ${node}`);
      return cfg.sharedFileSystemPath;
    }
    const paths = cfg.nodePathMap.get(node) ?? cfg.nodePathMap.get(nodeDefaultNonListedNodes);
    if (!paths) throw new ProvisionFailure(`config doesn't contain node ${node}, and no ${nodeDefaultNonListedNodes} available`);
    if (paths.length === 0) throw new ProvisionFailure(`no local path available on node ${node}`);
    if (requested) {
      if (!paths.includes(requested)) throw new ProvisionFailure(`config doesn't contain path ${requested} on node ${node}`);
      return requested;
    }
    // Go map iteration order: effectively random among several paths.
    return paths[Math.floor(this.random() * paths.length)]!;
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

function randomSuffix(n: number): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(Math.random() * chars.length)];
  return s;
}
