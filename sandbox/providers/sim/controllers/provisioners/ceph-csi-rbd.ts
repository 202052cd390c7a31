/**
 * CephCsiRbdProvisioner is rbd.csi.ceph.com as the csi-provisioner sidecar
 * (kubernetes-csi/external-provisioner pkg/controller/controller.go) and
 * ceph-csi's controller server (ceph/ceph-csi internal/rbd
 * controllerserver.go CreateVolume/DeleteVolume) together behave:
 *
 * - the sidecar resolves the provisioner secret from the class parameters
 *   `csi.storage.k8s.io/provisioner-secret-name/-namespace` (templates
 *   `${pvc.namespace}`, `${pvc.name}`, `${pv.name}`) and fails with
 *   `error getting secret X in namespace Y: secrets "X" not found`;
 * - ceph-csi looks the clusterID up in its ceph-csi-config ConfigMap,
 *   needs `pool`, reads `userID`/`userKey` from the secret, connects with
 *   them (a wrong key is `rados: ret=-13, Permission denied`), checks the
 *   pool exists, and creates image `csi-vol-<uuid>` with the class's
 *   imageFeatures, size rounded up to whole MiB;
 * - the PV is a CSI volume with volumeHandle
 *   `0001-0024-<clusterID>-<pool id, 16 hex>-<uuid>`, the volume
 *   attributes ceph-csi returns, the node-stage/controller-expand secret
 *   refs, and the deletion-secret annotations; Delete removes the image
 *   (refused while a node still has it mapped).
 *
 * Failures are gRPC status errors, printed the way the sidecar prints them
 * in the ProvisioningFailed event (`rpc error: code = Internal desc = …`).
 *
 * The driver's side of each call goes to the csi-rbdplugin container's log
 * of the provisioner pod in ceph-csi's klog format (internal/csi-common
 * utils.go: `ID: n Req-ID: x GRPC call/request/response/error`, with the
 * secrets stripped from the request), as `kubectl logs -c csi-rbdplugin`
 * shows at --v=5.
 */
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import { CephError, newImageUuid, supportedImageFeatures } from '../../ceph/ceph-cluster.ts';
import { parseQuantity } from '../../admission/validation/quantity.ts';
import { ProvisionFailure, type ClusterReader, type DeleteOptions, type ProvisionOptions, type Provisioner } from './types.ts';
import { klogLine } from './log-format.ts';

export const cephCsiRbdProvisionerName = 'rbd.csi.ceph.com';

const prefix = 'csi.storage.k8s.io/';
const annDeletionSecretName = 'volume.kubernetes.io/provisioner-deletion-secret-name';
const annDeletionSecretNamespace = 'volume.kubernetes.io/provisioner-deletion-secret-namespace';

/** rpcError formats a gRPC status error as status.Error(...).Error() does. */
function rpcError(code: 'InvalidArgument' | 'Internal' | 'NotFound' | 'Aborted', desc: string): ProvisionFailure {
  return new ProvisionFailure(`rpc error: code = ${code} desc = ${desc}`);
}

/** resolveTemplate fills the csi-provisioner secret-parameter templates. */
function resolveTemplate(text: string, claim: KObject, pvName: string): string {
  return text
    .replaceAll('${pvc.namespace}', claim.metadata.namespace ?? '')
    .replaceAll('${pvc.name}', claim.metadata.name ?? '')
    .replaceAll('${pv.name}', pvName);
}

function decodeSecretData(secret: KObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(((secret as any).data ?? {}) as Record<string, string>)) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(((secret as any).stringData ?? {}) as Record<string, string>)) out[k] = v;
  return out;
}

/** credentialsFrom is the sidecar's getCredentials (secret lookup) + ceph-csi's NewUserCredentials. */
function credentialsFrom(cluster: ClusterReader, name: string, namespace: string): { id: string; key: string } {
  const secret = cluster.secret(namespace, name);
  if (!secret) throw new ProvisionFailure(`error getting secret ${name} in namespace ${namespace}: secrets "${name}" not found`);
  const data = decodeSecretData(secret);
  if (!data.userID) throw rpcError('InvalidArgument', "missing ID field 'userID' in secrets");
  if (!data.userKey) throw rpcError('InvalidArgument', "missing key field 'userKey' in secrets");
  return { id: data.userID, key: data.userKey };
}

/** knownClusterIDs reads ceph-csi's own config (the ceph-csi-config ConfigMap's config.json). */
function knownClusterIDs(cluster: ClusterReader): string[] {
  const cm = cluster.configMap(clusterShape.ceph.csiNamespace, 'ceph-csi-config');
  try {
    const list = JSON.parse((cm as any)?.data?.['config.json'] ?? '[]');
    return Array.isArray(list) ? list.map((c: any) => String(c?.clusterID ?? '')) : [];
  } catch {
    return [];
  }
}

/** volumeHandle is ceph-csi's CSIIdentifier.ComposeCSIID: version 0001, clusterID length (hex, 4), clusterID, pool id (hex, 16), uuid. */
export function composeVolumeHandle(clusterID: string, poolId: number, uuid: string): string {
  return `0001-${clusterID.length.toString(16).padStart(4, '0')}-${clusterID}-${poolId.toString(16).padStart(16, '0')}-${uuid}`;
}

/** parseVolumeHandle undoes composeVolumeHandle. */
export function parseVolumeHandle(handle: string): { clusterID: string; poolId: number; uuid: string } | undefined {
  const m = /^0001-([0-9a-f]{4})-(.+)$/.exec(handle);
  if (!m) return undefined;
  const len = Number.parseInt(m[1]!, 16);
  const rest = m[2]!;
  const clusterID = rest.slice(0, len);
  const tail = rest.slice(len + 1);
  const pm = /^([0-9a-f]{16})-(.+)$/.exec(tail);
  if (!pm) return undefined;
  return { clusterID, poolId: Number.parseInt(pm[1]!, 16), uuid: pm[2]! };
}

const MiB = 1 << 20;

/** binaryQuantity is resource.NewQuantity(bytes, BinarySI).String() for the sizes ceph-csi returns (whole MiB). */
export function binaryQuantity(bytes: number): string {
  for (const [suffix, unit] of [['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (bytes % unit === 0 && bytes >= unit) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

export class CephCsiRbdProvisioner implements Provisioner {
  readonly name = cephCsiRbdProvisionerName;
  readonly addFinalizer = true;
  readonly separateDriver = true;
  readonly supportsBlock = true;
  /** provisionMs: CreateVolume (rbd create over the Ceph network) takes a second or two on a real cluster. */
  readonly provisionMs = 1500;
  /** identity is the csiProvisionerIdentity volume attribute: `<start ms>-<random>-<driver>`. */
  private readonly identity: string;
  /** calls counts the driver's gRPC calls (the `ID: n` of its log lines). */
  private calls = 0;

  constructor() {
    this.identity = `${Date.now()}-${Math.floor(Math.random() * 10000)}-${cephCsiRbdProvisionerName}`;
  }

  provision(o: ProvisionOptions): KObject {
    return this.createVolume(o);
  }

  /** rpc runs one gRPC call of the driver, writing ceph-csi's request/response/error lines around it. */
  private rpc<T>(o: ProvisionOptions | DeleteOptions, method: string, reqId: string, request: unknown, call: (log: (file: string, text: string) => void) => T, response: (r: T) => unknown): T {
    const id = ++this.calls;
    const log = (file: string, text: string, sev: 'I' | 'E' = 'I') => o.logs.driver(klogLine(o.now, sev, file, `ID: ${id} Req-ID: ${reqId} ${text}`));
    log('utils.go:266', `GRPC call: ${method}`);
    log('utils.go:267', `GRPC request: ${JSON.stringify(request)}`);
    try {
      const r = call(log);
      log('utils.go:273', `GRPC response: ${JSON.stringify(response(r))}`);
      return r;
    } catch (e) {
      if (e instanceof ProvisionFailure) log('utils.go:271', `GRPC error: ${e.message}`, 'E');
      throw e;
    }
  }

  private createVolume(o: ProvisionOptions): KObject {
    const claim = o.claim as any;
    const params = { ...(((o.storageClass as any).parameters ?? {}) as Record<string, string>) };
    const secretName = params[`${prefix}provisioner-secret-name`];
    const secretNs = params[`${prefix}provisioner-secret-namespace`];
    let creds: { id: string; key: string } | undefined;
    const resolvedName = secretName ? resolveTemplate(secretName, o.claim, o.pvName) : undefined;
    const resolvedNs = secretNs ? resolveTemplate(secretNs, o.claim, o.pvName) : undefined;
    if (resolvedName && resolvedNs) creds = credentialsFrom(o.cluster, resolvedName, resolvedNs);
    const requestedBytes = parseQuantity(claim.spec?.resources?.requests?.storage ?? '0') ?? 0;
    const rpcParams: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (!k.startsWith(prefix) || k === `${prefix}fstype`) rpcParams[k] = v;
    Object.assign(rpcParams, {
      'csi.storage.k8s.io/pv/name': o.pvName,
      'csi.storage.k8s.io/pvc/name': claim.metadata.name,
      'csi.storage.k8s.io/pvc/namespace': claim.metadata.namespace,
    });
    delete rpcParams[`${prefix}fstype`];
    const block = (claim.spec?.volumeMode ?? 'Filesystem') === 'Block';
    const request = {
      capacity_range: { required_bytes: requestedBytes },
      name: o.pvName,
      parameters: Object.fromEntries(Object.entries(rpcParams).sort(([a], [b]) => a.localeCompare(b))),
      secrets: '***stripped***',
      volume_capabilities: [{ AccessType: block ? { Block: {} } : { Mount: { fs_type: params[`${prefix}fstype`] ?? 'ext4' } }, access_mode: { mode: 1 } }],
    };
    return this.rpc(o, '/csi.v1.Controller/CreateVolume', o.pvName, request, (log) => this.createImage(o, params, creds, log), (pv: any) => ({
      volume: { capacity_bytes: parseQuantity(pv.spec.capacity.storage) ?? 0, volume_context: pv.spec.csi.volumeAttributes, volume_id: pv.spec.csi.volumeHandle },
    }));
  }

  /** createImage is ceph-csi's CreateVolume: parameters, credentials, the connection, then `rbd create`. */
  private createImage(o: ProvisionOptions, params: Record<string, string>, creds: { id: string; key: string } | undefined, log: (file: string, text: string) => void): KObject {
    const claim = o.claim as any;
    const resolvedName = params[`${prefix}provisioner-secret-name`] ? resolveTemplate(params[`${prefix}provisioner-secret-name`]!, o.claim, o.pvName) : undefined;
    const resolvedNs = params[`${prefix}provisioner-secret-namespace`] ? resolveTemplate(params[`${prefix}provisioner-secret-namespace`]!, o.claim, o.pvName) : undefined;
    // ceph-csi: parameters first, then credentials, then the connection.
    const clusterID = params.clusterID;
    if (!clusterID) throw rpcError('InvalidArgument', 'clusterID must be set');
    if (!knownClusterIDs(o.cluster).includes(clusterID)) {
      throw rpcError('InvalidArgument', `failed to fetch monitor list using clusterID (${clusterID}): missing configuration for cluster ID "${clusterID}"`);
    }
    const poolName = params.pool;
    if (!poolName) throw rpcError('InvalidArgument', 'missing required parameter pool');
    const mode = claim.spec?.volumeMode ?? 'Filesystem';
    const modes: string[] = claim.spec?.accessModes ?? [];
    if (mode !== 'Block' && modes.some((m) => m === 'ReadWriteMany' || m === 'ReadOnlyMany')) {
      throw rpcError('InvalidArgument', 'multi node access modes are only supported on rbd `block` type volumes');
    }
    const features = (params.imageFeatures ?? 'layering').split(',').map((f) => f.trim()).filter(Boolean);
    for (const f of features) if (!supportedImageFeatures.includes(f)) throw rpcError('InvalidArgument', `invalid feature ${f}`);
    if (!creds) throw rpcError('InvalidArgument', 'provided secret is empty');
    const ceph = o.backends.ceph;
    if (clusterID !== ceph.fsid) throw rpcError('Internal', 'failed to get connection: connecting failed: rados: ret=-110, Connection timed out');
    try {
      ceph.authenticate(creds.id, creds.key);
    } catch (e) {
      if (e instanceof CephError) throw rpcError('Internal', `failed to get connection: connecting failed: rados: ret=-${e.code}, ${e.strerror}`);
      throw e;
    }
    const pool = ceph.pool(poolName);
    if (!pool) throw rpcError('Internal', `pool not found: pool (${poolName}) not found in Ceph cluster`);
    const requested = parseQuantity(claim.spec?.resources?.requests?.storage ?? '0') ?? 0;
    const size = Math.max(MiB, Math.ceil(requested / MiB) * MiB);
    const uuid = newImageUuid();
    const imageName = `csi-vol-${uuid}`;
    const handle = composeVolumeHandle(clusterID, pool.id, uuid);
    log('rbd_journal.go:502', `generated Volume ID (${handle}) and image name (${imageName}) for request name (${o.pvName})`);
    log('rbd_util.go:425', `rbd: create ${poolName}/${imageName} size ${size / MiB}M (features: [${features.join(' ')}]) using mon ${clusterShape.ceph.monitor}`);
    try {
      ceph.createImage(poolName, imageName, size, features);
    } catch (e) {
      if (e instanceof CephError) throw rpcError('Internal', `failed to create rbd image: ${e.message}`);
      throw e;
    }
    const ref = (kind: string) => {
      const n = params[`${prefix}${kind}-secret-name`];
      const ns = params[`${prefix}${kind}-secret-namespace`];
      return n && ns ? { name: resolveTemplate(n, o.claim, o.pvName), namespace: resolveTemplate(ns, o.claim, o.pvName) } : undefined;
    };
    const volumeAttributes: Record<string, string> = {
      clusterID,
      imageFeatures: features.join(','),
      imageName,
      journalPool: poolName,
      pool: poolName,
      'storage.kubernetes.io/csiProvisionerIdentity': this.identity,
    };
    log('controllerserver.go:780', `created image ${poolName}/${imageName} backed for request name ${o.pvName}`);
    const csi: Record<string, unknown> = {
      driver: cephCsiRbdProvisionerName,
      volumeHandle: handle,
      volumeAttributes,
    };
    if (mode !== 'Block') csi.fsType = params[`${prefix}fstype`] ?? 'ext4';
    const stage = ref('node-stage');
    if (stage) csi.nodeStageSecretRef = stage;
    const expand = ref('controller-expand');
    if (expand) csi.controllerExpandSecretRef = expand;
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name: o.pvName,
        annotations: {
          [annDeletionSecretName]: resolvedName ?? '',
          [annDeletionSecretNamespace]: resolvedNs ?? '',
        },
      },
      spec: {
        accessModes: claim.spec?.accessModes,
        capacity: { storage: binaryQuantity(size) },
        csi,
        persistentVolumeReclaimPolicy: (o.storageClass as any).reclaimPolicy ?? 'Delete',
        volumeMode: mode,
        ...((o.storageClass as any).mountOptions ? { mountOptions: (o.storageClass as any).mountOptions } : {}),
      },
    };
  }

  /** delete is DeleteVolume: credentials from the deletion-secret annotations, then `rbd rm` of the image. */
  delete(volume: KObject, o: DeleteOptions): void {
    const ann = volume.metadata.annotations ?? {};
    const csi = (volume as any).spec?.csi ?? {};
    const name = ann[annDeletionSecretName];
    const ns = ann[annDeletionSecretNamespace];
    if (!name || !ns) throw rpcError('InvalidArgument', 'provided secret is empty');
    const creds = credentialsFrom(o.cluster, name, ns);
    const volumeId = String(csi.volumeHandle ?? '');
    this.rpc(o, '/csi.v1.Controller/DeleteVolume', volumeId, { secrets: '***stripped***', volume_id: volumeId }, (log) => this.removeImage(o, csi, creds, log), () => ({}));
  }

  /** removeImage is ceph-csi's DeleteVolume after the sidecar found the secret. */
  private removeImage(o: DeleteOptions, csi: any, creds: { id: string; key: string }, log: (file: string, text: string) => void): void {
    const handle = parseVolumeHandle(String(csi.volumeHandle ?? ''));
    if (!handle) throw rpcError('InvalidArgument', `failed to decode volume ID (${csi.volumeHandle})`);
    const ceph = o.backends.ceph;
    try {
      ceph.authenticate(creds.id, creds.key);
    } catch (e) {
      if (e instanceof CephError) throw rpcError('Internal', `failed to get connection: connecting failed: rados: ret=-${e.code}, ${e.strerror}`);
      throw e;
    }
    const pool = ceph.pools().find((p) => p.id === handle.poolId);
    const imageName: string = csi.volumeAttributes?.imageName ?? `csi-vol-${handle.uuid}`;
    // An image (or pool) that is already gone counts as deleted (DeleteVolume is idempotent).
    if (!pool || !ceph.image(pool.name, imageName)) {
      log('controllerserver.go:1035', `image ${imageName} not found, assuming it to be already deleted`);
      return;
    }
    log('rbd_util.go:700', `rbd: delete ${imageName} using mon ${clusterShape.ceph.monitor}, pool ${pool.name}`);
    try {
      ceph.removeImage(pool.name, imageName);
    } catch (e) {
      if (e instanceof CephError && e.code === 16) throw rpcError('Internal', `rbd ${imageName} is still being used`);
      throw e;
    }
    o.backends.dataRoot.removeCephImageDir(pool.name, imageName);
  }
}
