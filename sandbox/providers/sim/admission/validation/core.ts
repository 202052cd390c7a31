/**
 * core validation: the parts of kubernetes pkg/apis/core/validation/validation.go
 * the course touches — pods (containers, volumes, mounts, update rules), claims,
 * volumes, namespaces, services, config maps, secrets, nodes and service
 * accounts — with the same field paths, order and wording. Where a message
 * could not be checked against source or a real server it says so.
 */
import type { KObject } from '../../store/types.ts';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../names.ts';
import {
  type FieldError,
  at,
  duplicate,
  fieldImmutable,
  forbidden,
  idx,
  invalid,
  isNegativeErrorMsg,
  key,
  notFound,
  notSupported,
  required,
  tooLong,
} from './errors.ts';
import { validateAnnotations, validateLabels, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { deprecatedNodeLabels, warningsForClaimSpec } from './pod-warnings.ts';
import { canonicalQuantity, compareQuantity, parseQuantity } from './quantity.ts';

type Obj = Record<string, any>;

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortKeys((v as Obj)[k])]));
  return v;
}

/** pod volume sources in the order validateVolumeSource checks them; the Go code's field names for the "more than 1" error. */
const podVolumeSources: [string, string][] = [
  ['emptyDir', 'emptyDir'], ['hostPath', 'hostPath'], ['gitRepo', 'gitRepo'], ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'], ['secret', 'secret'], ['nfs', 'nfs'], ['iscsi', 'iscsi'], ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'], ['persistentVolumeClaim', 'persistentVolumeClaim'], ['rbd', 'rbd'], ['cinder', 'cinder'], ['cephfs', 'cephFS'],
  ['quobyte', 'quobyte'], ['downwardAPI', 'downwarAPI' /* sic: the Go source misspells this path */], ['fc', 'fc'], ['flexVolume', 'flexVolume'],
  ['configMap', 'configMap'], ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'], ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['storageos', 'storageos'], ['projected', 'projected'], ['scaleIO', 'scaleIO'],
  ['csi', 'csi'], ['ephemeral', 'ephemeral'], ['image', 'image'],
];

const hostPathTypes = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validatePathNoBacksteps(p: string, path: string): FieldError[] {
  return p.split('/').includes('..') ? [invalid(path, p, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without `..` (subPath, gitRepo directory, projection paths). */
function validateLocalDescendingPath(p: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalid(path, p, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(p, path));
  return errs;
}

function validateHostPath(hp: Obj, path: string): FieldError[] {
  if (!hp.path) return [required(at(path, 'path'))];
  const errs = validatePathNoBacksteps(hp.path, at(path, 'path'));
  if (hp.type != null && !hostPathTypes.includes(hp.type)) errs.push(notSupported(at(path, 'type'), hp.type, hostPathTypes));
  return errs;
}

function validateNFS(nfs: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!nfs.server) errs.push(required(at(path, 'server')));
  if (!nfs.path) errs.push(required(at(path, 'path')));
  // path.IsAbs("") is false too, so an empty path gets both errors, as in Go.
  if (!String(nfs.path ?? '').startsWith('/')) errs.push(invalid(at(path, 'path'), nfs.path ?? '', 'must be an absolute path'));
  return errs;
}

/** validateRBD: validateRBDVolumeSource / validateRBDPersistentVolumeSource — monitors and image are required. */
function validateRBD(rbd: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!(rbd.monitors ?? []).length) errs.push(required(at(path, 'monitors')));
  if (!rbd.image) errs.push(required(at(path, 'image')));
  return errs;
}

function validateKeyToPaths(items: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((it, i) => {
    const p = idx(path, i);
    if (!it.key) errs.push(required(at(p, 'key')));
    if (!it.path) errs.push(required(at(p, 'path')));
  });
  return errs;
}

/** validateVolumeSource: exactly one source; the per-source required fields the lessons hit. */
function validateVolumeSource(v: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const [k, goName] of podVolumeSources) {
    if (v[k] == null) continue;
    if (n > 0) {
      errs.push(forbidden(at(path, goName), 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    const src = v[k] as Obj;
    const p = at(path, k);
    switch (k) {
      case 'hostPath':
        errs.push(...validateHostPath(src, p));
        break;
      case 'nfs':
        errs.push(...validateNFS(src, p));
        break;
      case 'persistentVolumeClaim':
        if (!src.claimName) errs.push(required(at(p, 'claimName')));
        break;
      case 'secret':
        if (!src.secretName) errs.push(required(at(p, 'secretName')));
        errs.push(...validateKeyToPaths(src.items, at(p, 'items')));
        break;
      case 'configMap':
        if (!src.name) errs.push(required(at(p, 'name')));
        errs.push(...validateKeyToPaths(src.items, at(p, 'items')));
        break;
      case 'csi':
        if (!src.driver) errs.push(required(at(p, 'driver')));
        break;
      case 'rbd':
        errs.push(...validateRBD(src, p));
        break;
      case 'ephemeral':
        // validateEphemeralVolumeSource: a claim template whose spec is a full claim spec.
        if (!src.volumeClaimTemplate) errs.push(required(at(p, 'volumeClaimTemplate')));
        else errs.push(...validatePVCSpec(src.volumeClaimTemplate.spec, at(at(p, 'volumeClaimTemplate'), 'spec')));
        break;
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a volume type'));
  return errs;
}

/** validateVolumes returns the valid volume names (for mount checks) and the errors. */
export function validateVolumes(volumes: Obj[] | undefined, path: string): { names: Set<string>; claims: Set<string>; errs: FieldError[] } {
  const names = new Set<string>();
  const claims = new Set<string>();
  const errs: FieldError[] = [];
  (volumes ?? []).forEach((v, i) => {
    const p = idx(path, i);
    const el = validateVolumeSource(v, p);
    if (!v.name) el.push(required(at(p, 'name')));
    else for (const m of isDNS1123Label(v.name)) el.push(invalid(at(p, 'name'), v.name, m));
    if (names.has(v.name)) el.push(duplicate(at(p, 'name'), v.name));
    if (el.length === 0) {
      names.add(v.name);
      // isMatchedDevice: claim and ephemeral volumes are the ones a volumeDevice may use.
      if (v.persistentVolumeClaim || v.ephemeral) claims.add(v.name);
    }
    errs.push(...el);
  });
  return { names, claims, errs };
}

function validateVolumeMounts(mounts: Obj[] | undefined, devices: Obj[] | undefined, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountpoints = new Set<string>();
  const devNames = new Set((devices ?? []).map((d) => d.name));
  const devPaths = new Set((devices ?? []).map((d) => d.devicePath));
  (mounts ?? []).forEach((m, i) => {
    const p = idx(path, i);
    if (!m.name) errs.push(required(at(p, 'name')));
    if (!volumes.has(m.name)) errs.push(notFound(at(p, 'name'), m.name ?? ''));
    if (!m.mountPath) errs.push(required(at(p, 'mountPath')));
    if (mountpoints.has(m.mountPath)) errs.push(invalid(at(p, 'mountPath'), m.mountPath, 'must be unique'));
    mountpoints.add(m.mountPath);
    if (devNames.has(m.name)) errs.push(invalid(at(p, 'name'), m.name, 'must not already exist in volumeDevices'));
    if (devPaths.has(m.mountPath)) errs.push(invalid(at(p, 'mountPath'), m.mountPath, 'must not already exist as a path in volumeDevices'));
    // validateLocalDescendingPath; the Go code reports subPath on the list path, without the index (sic).
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, at(path, 'subPath')));
    if (m.subPathExpr) {
      if (m.subPath) errs.push(invalid(at(p, 'subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(m.subPathExpr, at(path, 'subPathExpr')));
    }
  });
  return errs;
}

/** validateVolumeDevices is ValidateVolumeDevices: raw block devices come only from claims, never twice, never also mounted. */
function validateVolumeDevices(devices: Obj[] | undefined, mounts: Obj[] | undefined, volumes: Set<string>, claims: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seenPaths = new Set<string>();
  const seenNames = new Set<string>();
  const mountNames = new Set((mounts ?? []).map((m) => m.name));
  const mountPaths = new Set((mounts ?? []).map((m) => m.mountPath));
  (devices ?? []).forEach((d, i) => {
    const p = idx(path, i);
    const name = d.name ?? '';
    const devPath = d.devicePath ?? '';
    if (!name) errs.push(required(at(p, 'name')));
    if (seenNames.has(name)) errs.push(invalid(at(p, 'name'), name, 'must be unique'));
    if (volumes.has(name) && !claims.has(name)) errs.push(invalid(at(p, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!volumes.has(name)) errs.push(notFound(at(p, 'name'), name));
    if (!devPath) errs.push(required(at(p, 'devicePath')));
    if (seenPaths.has(devPath)) errs.push(invalid(at(p, 'devicePath'), devPath, 'must be unique'));
    if (devPath && devPath.split('/').includes('..')) errs.push(invalid(at(p, 'devicePath'), devPath, "can not contain backsteps ('..')"));
    else seenPaths.add(devPath);
    if (mountNames.has(name)) errs.push(invalid(at(p, 'name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devPath)) errs.push(invalid(at(p, 'devicePath'), devPath, 'must not already exist as a path in volumeMounts'));
    if (name) seenNames.add(name);
  });
  return errs;
}

const portProtocols = ['SCTP', 'TCP', 'UDP'];
// IsValidPortNum: InclusiveRangeError(1, 65535).
const portRangeMsg = 'must be between 1 and 65535, inclusive';

function validateContainerPorts(ports: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (ports ?? []).forEach((port, i) => {
    const p = idx(path, i);
    if (!port.containerPort) errs.push(required(at(p, 'containerPort')));
    else if (port.containerPort < 1 || port.containerPort > 65535) errs.push(invalid(at(p, 'containerPort'), port.containerPort, portRangeMsg));
    if (port.hostPort && (port.hostPort < 1 || port.hostPort > 65535)) errs.push(invalid(at(p, 'hostPort'), port.hostPort, portRangeMsg));
    if (!port.protocol) errs.push(required(at(p, 'protocol')));
    else if (!portProtocols.includes(port.protocol)) errs.push(notSupported(at(p, 'protocol'), port.protocol, portProtocols));
  });
  return errs;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];
const terminationMessagePolicies = ['File', 'FallbackToLogsOnError'];

function validateResources(res: Obj | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = (res?.limits ?? {}) as Obj;
  const requests = (res?.requests ?? {}) as Obj;
  for (const [r, q] of Object.entries(requests)) {
    if (limits[r] === undefined) continue;
    const c = compareQuantity(String(q), String(limits[r]));
    if (c !== undefined && c > 0) {
      // Real output: `…resources.requests: Invalid value: "100m": must be less than or equal to cpu limit of 10m`
      // (both quantities in Quantity.String's canonical form).
      errs.push(invalid(at(path, 'requests'), canonicalQuantity(String(q)), `must be less than or equal to ${r} limit of ${canonicalQuantity(String(limits[r]))}`));
    }
  }
  return errs;
}

function validateContainers(containers: Obj[] | undefined, path: string, volumes: Set<string>, claims: Set<string>, names: Set<string>, isInit: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!isInit && (containers ?? []).length === 0) return [required(path)];
  (containers ?? []).forEach((c, i) => {
    const p = idx(path, i);
    // validateContainerCommon
    if (!c.name) errs.push(required(at(p, 'name')));
    else for (const m of isDNS1123Label(c.name)) errs.push(invalid(at(p, 'name'), c.name, m));
    if (!c.image) errs.push(required(at(p, 'image')));
    if (!c.terminationMessagePolicy) errs.push(required(at(p, 'terminationMessagePolicy')));
    else if (!terminationMessagePolicies.includes(c.terminationMessagePolicy))
      errs.push(notSupported(at(p, 'terminationMessagePolicy'), c.terminationMessagePolicy, terminationMessagePolicies));
    errs.push(...validateContainerPorts(c.ports, at(p, 'ports')));
    errs.push(...validateVolumeMounts(c.volumeMounts, c.volumeDevices, volumes, at(p, 'volumeMounts')));
    errs.push(...validateVolumeDevices(c.volumeDevices, c.volumeMounts, volumes, claims, at(p, 'volumeDevices')));
    if (!c.imagePullPolicy) errs.push(required(at(p, 'imagePullPolicy')));
    else if (!pullPolicies.includes(c.imagePullPolicy)) errs.push(notSupported(at(p, 'imagePullPolicy'), c.imagePullPolicy, pullPolicies));
    errs.push(...validateResources(c.resources, at(p, 'resources')));
    // validateContainers / validateInitContainers: names are unique across both lists
    if (c.name) {
      if (names.has(c.name)) errs.push(duplicate(at(p, 'name'), c.name));
      else names.add(c.name);
    }
  });
  return errs;
}

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

/** validatePodSpec is ValidatePodSpec for what the course uses; `extraVolumes` lets StatefulSets mount their claim templates. */
export function validatePodSpec(spec: Obj | undefined, path: string, extraVolumes: string[] = []): FieldError[] {
  const s = spec ?? {};
  const { names: volumes, claims, errs } = validateVolumes(s.volumes, at(path, 'volumes'));
  for (const v of extraVolumes) {
    volumes.add(v);
    claims.add(v);
  }
  const containerNames = new Set<string>();
  errs.push(...validateContainers(s.containers, at(path, 'containers'), volumes, claims, containerNames, false));
  errs.push(...validateContainers(s.initContainers, at(path, 'initContainers'), volumes, claims, containerNames, true));
  if (!s.restartPolicy) errs.push(required(at(path, 'restartPolicy')));
  else if (!restartPolicies.includes(s.restartPolicy)) errs.push(notSupported(at(path, 'restartPolicy'), s.restartPolicy, restartPolicies));
  if (!s.dnsPolicy) errs.push(required(at(path, 'dnsPolicy')));
  else if (!dnsPolicies.includes(s.dnsPolicy)) errs.push(notSupported(at(path, 'dnsPolicy'), s.dnsPolicy, dnsPolicies));
  if (s.activeDeadlineSeconds != null && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > 2147483647))
    errs.push(invalid(at(path, 'activeDeadlineSeconds'), s.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  if (s.serviceAccountName) for (const m of isDNS1123Subdomain(s.serviceAccountName)) errs.push(invalid(at(path, 'serviceAccountName'), s.serviceAccountName, m));
  if (s.nodeName) for (const m of isDNS1123Subdomain(s.nodeName)) errs.push(invalid(at(path, 'nodeName'), s.nodeName, m));
  return errs;
}

/** validatePodTemplateSpec validates a template's labels and pod spec (ValidatePodTemplateSpec). */
export function validatePodTemplateSpec(template: Obj | undefined, path: string, extraVolumes: string[] = []): FieldError[] {
  if (!template) return [required(path)];
  const meta = (template.metadata ?? {}) as Obj;
  // ValidatePodTemplateSpec names these paths after the internal type: spec.template.labels, not …metadata.labels.
  return [
    ...validateLabels(meta.labels, at(path, 'labels')),
    ...validateAnnotations(meta.annotations, at(path, 'annotations')),
    ...validatePodSpec(template.spec, at(path, 'spec'), extraVolumes),
  ];
}

export function validatePod(pod: KObject): FieldError[] {
  return [...validateObjectMeta(pod.metadata, true), ...validatePodSpec(pod.spec as Obj, 'spec')];
}

/** podUpdatableFields is the list the real message quotes (1.33, joined with ","). */
const podUpdatableFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/**
 * validatePodUpdate: everything in the spec is frozen except images, activeDeadlineSeconds, added tolerations and
 * terminationGracePeriodSeconds. The real message ends with a go-cmp diff of the internal PodSpec; that diff is
 * not reproduced here (only its first line is).
 */
export function validatePodUpdate(pod: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pod.metadata, old.metadata), ...validatePod(pod).filter((e) => !e.field.startsWith('metadata.'))];
  const next = structuredClone((pod.spec ?? {}) as Obj);
  const prev = (old.spec ?? {}) as Obj;
  // ValidateContainerUpdates: same number of containers, each still with an image; stops here otherwise.
  for (const list of ['containers', 'initContainers']) {
    const a = (next[list] ?? []) as Obj[];
    const b = (prev[list] ?? []) as Obj[];
    if (a.length !== b.length) return [...errs, forbidden(`spec.${list}`, 'pod updates may not add or remove containers')];
  }
  // activeDeadlineSeconds may be set once, then only lowered.
  const ads = next.activeDeadlineSeconds;
  if (ads != null) {
    if (ads < 0 || ads > 2147483647) return [...errs, invalid('spec.activeDeadlineSeconds', ads, 'must be between 0 and 2147483647, inclusive')];
    if (prev.activeDeadlineSeconds != null && prev.activeDeadlineSeconds < ads)
      return [...errs, invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value')];
  } else if (prev.activeDeadlineSeconds != null) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  // validateOnlyAddedTolerations: every old toleration must still be there (tolerationSeconds may change).
  const newTol = (next.tolerations ?? []) as Obj[];
  for (const t of (prev.tolerations ?? []) as Obj[]) {
    const found = newTol.some((n) => deepEqual({ ...t, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) {
      errs.push(forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  for (const list of ['containers', 'initContainers']) {
    (next[list] ?? []).forEach((c: Obj, i: number) => {
      c.image = prev[list][i].image;
    });
  }
  next.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  next.tolerations = prev.tolerations;
  next.schedulingGates = prev.schedulingGates;
  if (prev.terminationGracePeriodSeconds != null && prev.terminationGracePeriodSeconds < 0 && next.terminationGracePeriodSeconds === 1)
    next.terminationGracePeriodSeconds = prev.terminationGracePeriodSeconds;
  if (!deepEqual(stripUndefined(next), stripUndefined(prev))) {
    // The real message continues with "\n" and a go-cmp diff of the internal PodSpec; only its first line is reproduced.
    errs.push(forbidden('spec', `pod updates may not change fields other than ${podUpdatableFields.join(',')}`));
  }
  return errs;
}

function stripUndefined(o: Obj): Obj {
  return JSON.parse(JSON.stringify(o)) as Obj;
}

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const volumeModes = ['Block', 'Filesystem'];
const pvReclaimPolicies = ['Delete', 'Recycle', 'Retain'];

function validateAccessModes(modes: string[] | undefined, path: string, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!modes || modes.length === 0) errs.push(required(path, requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of modes ?? []) {
    if (!accessModes.includes(m)) errs.push(notSupported(path, m, accessModes));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (accessModes.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** validatePVCSpec is ValidatePersistentVolumeClaimSpec (also used for StatefulSet claim templates). */
export function validatePVCSpec(spec: Obj | undefined, path: string): FieldError[] {
  const s = spec ?? {};
  const modes = validateAccessModes(s.accessModes, at(path, 'accessModes'), 'at least 1 access mode is required');
  // ValidatePersistentVolumeClaimSpec reports "required" first, then the selector, then per-mode problems.
  const missing = modes.filter((e) => e.type === 'Required');
  const errs = [...missing, ...validateLabelSelector(s.selector, at(path, 'selector')), ...modes.filter((e) => e.type !== 'Required')];
  const storage = s.resources?.requests?.storage;
  const storagePath = key(at(path, 'resources'), 'storage');
  if (storage === undefined) errs.push(required(storagePath));
  else {
    const q = parseQuantity(String(storage));
    if (q !== undefined && q <= 0) errs.push(invalid(storagePath, canonicalQuantity(String(storage)), 'must be greater than zero'));
  }
  if (s.storageClassName) for (const m of isDNS1123Subdomain(s.storageClassName)) errs.push(invalid(at(path, 'storageClassName'), s.storageClassName, m));
  if (s.volumeMode != null && !volumeModes.includes(s.volumeMode)) errs.push(notSupported(at(path, 'volumeMode'), s.volumeMode, volumeModes));
  return errs;
}

export function validatePVC(pvc: KObject): FieldError[] {
  return [...validateObjectMeta(pvc.metadata, true), ...validatePVCSpec(pvc.spec as Obj, 'spec')];
}

/** validatePVCUpdate is ValidatePersistentVolumeClaimUpdate with RecoverVolumeExpansionFailure on (beta, default in 1.33). */
export function validatePVCUpdate(pvc: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pvc.metadata, old.metadata), ...validatePVC(pvc)];
  const next = structuredClone((pvc.spec ?? {}) as Obj);
  const prev = structuredClone((old.spec ?? {}) as Obj);
  if (!prev.volumeName) prev.volumeName = next.volumeName; // the binder may set volumeName once
  if (prev.storageClassName == null && next.storageClassName != null) prev.storageClassName = next.storageClassName; // set-from-nil upgrade path
  // Main-resource writes keep the stored status, so the stored object says whether the claim is bound.
  const bound = ((old.status ?? pvc.status) as Obj | undefined)?.phase === 'Bound';
  if (bound && next.resources?.requests) next.resources.requests.storage = prev.resources?.requests?.storage;
  next.volumeAttributesClassName = prev.volumeAttributesClassName;
  if (!deepEqual(stripUndefined(next), stripUndefined(prev))) {
    // The real message continues with "\n" and a go-cmp diff of the internal spec; not reproduced.
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = (pvc.spec as Obj)?.resources?.requests?.storage;
  const oldSize = (old.spec as Obj)?.resources?.requests?.storage;
  const statusSize = (old.status as Obj)?.capacity?.storage;
  if (newSize !== undefined && oldSize !== undefined && (compareQuantity(String(newSize), String(oldSize)) ?? 0) < 0) {
    // A claim without status.capacity compares against a zero quantity.
    const vsStatus = compareQuantity(String(newSize), statusSize === undefined ? '0' : String(statusSize)) ?? -1;
    if (vsStatus <= 0) errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  }
  const nm = (pvc.spec as Obj)?.volumeMode;
  if (nm !== (old.spec as Obj)?.volumeMode) errs.push(invalid('volumeMode', nm ?? null, fieldImmutable));
  return errs;
}

/** PV sources in ValidatePersistentVolumeSpec's order, with the path the "more than 1" error uses. */
const pvSources: [string, string][] = [
  ['hostPath', 'hostPath'], ['gcePersistentDisk', 'gcePersistentDisk'], ['awsElasticBlockStore', 'awsElasticBlockStore'], ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'], ['nfs', 'nfs'], ['rbd', 'rbd'], ['quobyte', 'quobyte'], ['cephfs', 'cephFS'], ['iscsi', 'iscsi'], ['cinder', 'cinder'],
  ['fc', 'fc'], ['flexVolume', 'flexVolume'], ['azureFile', 'azureFile'], ['vsphereVolume', 'vsphereVolume'], ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'], ['azureDisk', 'azureDisk'], ['scaleIO', 'scaleIO'], ['local', 'local'], ['storageos', 'storageos'], ['csi', 'csi'],
];


/** validateVolumeNodeAffinity returns whether required terms are present, and the errors. */
function validateVolumeNodeAffinity(na: Obj, path: string): { specified: boolean; errs: FieldError[] } {
  const errs: FieldError[] = [];
  // "specified" means nodeAffinity is present at all, even without required terms (as in Go).
  if (!na.required) {
    errs.push(required(at(path, 'required'), 'must specify required node constraints'));
    return { specified: true, errs };
  }
  const terms = (na.required.nodeSelectorTerms ?? []) as Obj[];
  const termsPath = at(at(path, 'required'), 'nodeSelectorTerms');
  if (terms.length === 0) errs.push(required(termsPath, 'must have at least one node selector term'));
  terms.forEach((t, i) => {
    (t.matchExpressions ?? []).forEach((r: Obj, j: number) => {
      // ValidateNodeSelectorRequirement
      const p = idx(at(idx(termsPath, i), 'matchExpressions'), j);
      const values = (r.values ?? []) as string[];
      switch (r.operator) {
        case 'In':
        case 'NotIn':
          if (!values.length) errs.push(required(at(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length) errs.push(forbidden(at(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
          break;
        case 'Gt':
        case 'Lt':
          if (values.length !== 1) errs.push(required(at(p, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
          break;
        default:
          errs.push(invalid(at(p, 'operator'), r.operator ?? '', 'not a valid selector operator'));
      }
      for (const m of isQualifiedName(r.key ?? '')) errs.push(invalid(at(p, 'key'), r.key ?? '', m));
    });
  });
  return { specified: true, errs };
}

/** validatePV is ValidatePersistentVolume (non-inline). */
export function validatePV(pv: KObject): FieldError[] {
  const errs = validateObjectMeta(pv.metadata, false);
  const s = (pv.spec ?? {}) as Obj;
  errs.push(...validateAccessModes(s.accessModes, 'spec.accessModes', ''));
  const cap = s.capacity as Obj | undefined;
  if (!cap || Object.keys(cap).length === 0) errs.push(required('spec.capacity'));
  if (!cap || cap.storage === undefined || Object.keys(cap).length > 1) {
    // 1.33 renders the ResourceList with %#v; only the empty/nil forms are reproduced exactly.
    const rendered = !cap ? 'core.ResourceList(nil)' : Object.keys(cap).length === 0 ? 'core.ResourceList{}' : undefined; // wording not verified
    errs.push(notSupported('spec.capacity', cap ?? null, ['storage'], rendered));
  }
  if (cap?.storage !== undefined) {
    const q = parseQuantity(String(cap.storage));
    if (q !== undefined && q <= 0) errs.push(invalid('spec.capacity[storage]', String(cap.storage), 'must be greater than zero'));
  }
  if (s.persistentVolumeReclaimPolicy && !pvReclaimPolicies.includes(s.persistentVolumeReclaimPolicy))
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', s.persistentVolumeReclaimPolicy, pvReclaimPolicies));
  let affinity = false;
  if (s.nodeAffinity) {
    const r = validateVolumeNodeAffinity(s.nodeAffinity, 'spec.nodeAffinity');
    affinity = r.specified;
    errs.push(...r.errs);
  }
  let n = 0;
  for (const [k, goName] of pvSources) {
    if (s[k] == null) continue;
    if (n > 0) {
      errs.push(forbidden(`spec.${goName}`, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    if (k === 'hostPath') errs.push(...validateHostPath(s.hostPath, 'spec.hostPath'));
    if (k === 'nfs') errs.push(...validateNFS(s.nfs, 'spec.nfs'));
    if (k === 'local') {
      if (!s.local.path) errs.push(required('spec.local.path'));
      else errs.push(...validatePathNoBacksteps(s.local.path, 'spec.local.path'));
      if (!affinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
    }
    if (k === 'rbd') errs.push(...validateRBD(s.rbd, 'spec.rbd'));
    if (k === 'csi') {
      if (!s.csi.driver) errs.push(required('spec.csi.driver'));
      if (!s.csi.volumeHandle) errs.push(required('spec.csi.volumeHandle'));
    }
  }
  if (n === 0) errs.push(required('spec', 'must specify a volume type'));
  if (s.hostPath && normalizePath(s.hostPath.path) === '/' && s.persistentVolumeReclaimPolicy === 'Recycle')
    errs.push(forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath mount of '/'"));
  if (s.storageClassName) for (const m of isDNS1123Subdomain(s.storageClassName)) errs.push(invalid('spec.storageClassName', s.storageClassName, m));
  if (s.volumeMode != null && !volumeModes.includes(s.volumeMode)) errs.push(notSupported('spec.volumeMode', s.volumeMode, volumeModes));
  return errs;
}

function normalizePath(p: string | undefined): string {
  const parts = (p ?? '').split('/').filter((x) => x && x !== '.');
  return '/' + parts.join('/');
}

/** pvSourceOf picks the PersistentVolumeSource fields out of a PV spec. */
function pvSourceOf(spec: Obj): Obj {
  return Object.fromEntries(pvSources.filter(([k]) => spec[k] != null).map(([k]) => [k, spec[k]]));
}

export function validatePVUpdate(pv: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(pv.metadata, old.metadata), ...validatePV(pv)];
  const ns = (pv.spec ?? {}) as Obj;
  const os = (old.spec ?? {}) as Obj;
  const a = structuredClone(pvSourceOf(ns));
  const b = pvSourceOf(os);
  if (b.csi && !b.csi.controllerExpandSecretRef && a.csi) delete a.csi.controllerExpandSecretRef;
  if (!deepEqual(a, b)) {
    // The real message continues with "\n" and a go-cmp diff; not reproduced.
    errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  if (ns.volumeMode !== os.volumeMode) errs.push(invalid('volumeMode', ns.volumeMode ?? null, fieldImmutable));
  // validatePvNodeAffinity: node affinity may be added once, never changed. The real value is the internal
  // VolumeNodeAffinity printed with %#v (plus a diff); abbreviated here.
  if (os.nodeAffinity && !deepEqual(ns.nodeAffinity ?? null, os.nodeAffinity)) {
    errs.push(invalid('nodeAffinity', null, fieldImmutable, ns.nodeAffinity ? '&core.VolumeNodeAffinity{…}' : 'null'));
  }
  return errs;
}

/** deprecatedVolumeAnnotations: pkg/api/persistentvolume/util.go deprecatedAnnotations. */
const deprecatedVolumeAnnotations: [string, string][] = [
  ['volume.beta.kubernetes.io/storage-class', 'deprecated since v1.8; use "storageClassName" attribute instead'],
  ['volume.beta.kubernetes.io/mount-options', 'deprecated since v1.31; use "mountOptions" attribute instead'],
];

/** warningsForPV is GetWarningsForPersistentVolume: deprecated annotations, Recycle, deprecated node labels, removed plugins. */
export function warningsForPV(pv: KObject): string[] {
  const w: string[] = [];
  for (const [a, msg] of deprecatedVolumeAnnotations) if (pv.metadata.annotations?.[a] !== undefined) w.push(`metadata.annotations[${a}]: ${msg}`);
  const spec = (pv.spec ?? {}) as Obj;
  if (spec.persistentVolumeReclaimPolicy === 'Recycle')
    w.push('spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.');
  ((spec.nodeAffinity?.required?.nodeSelectorTerms ?? []) as Obj[]).forEach((t, i) => {
    ((t.matchExpressions ?? []) as Obj[]).forEach((r, j) => {
      const msg = deprecatedNodeLabels[r.key];
      if (msg) w.push(`spec.nodeAffinity.required.nodeSelectorTerms[${i}].matchExpressions[${j}].key: ${r.key} is ${msg}`);
    });
  });
  // Deprecated and removed in-tree plugins, in the order warningsForPersistentVolumeSpecAndMeta checks them.
  const removed: [string, string, string][] = [
    ['cephfs', 'cephfs', 'deprecated in v1.28, non-functional in v1.31+'],
    ['photonPersistentDisk', 'photonPersistentDisk', 'deprecated in v1.11, non-functional in v1.16+'],
    ['scaleIO', 'scaleIO', 'deprecated in v1.16, non-functional in v1.22+'],
    ['storageos', 'storageOS', 'deprecated in v1.22, non-functional in v1.25+'],
    ['glusterfs', 'glusterfs', 'deprecated in v1.25, non-functional in v1.26+'],
    ['rbd', 'rbd', 'deprecated in v1.28, non-functional in v1.31+'],
  ];
  for (const [field, segment, msg] of removed) if (spec[field] != null) w.push(`spec.${segment}: ${msg}`);
  return w;
}

/**
 * warningsForPVC is GetWarningsForPersistentVolumeClaim: the deprecated beta storage-class annotation, and
 * storage requests or limits that are not a whole number of bytes (e.g. `500m`).
 */
export function warningsForPVC(pvc: KObject): string[] {
  const w: string[] = [];
  const a = 'volume.beta.kubernetes.io/storage-class';
  if (pvc.metadata.annotations?.[a] !== undefined) w.push(`metadata.annotations[${a}]: ${deprecatedVolumeAnnotations[0][1]}`);
  w.push(...warningsForClaimSpec(pvc.spec as Obj, 'spec'));
  return w;
}

export function validateNamespace(ns: KObject): FieldError[] {
  return validateObjectMeta(ns.metadata, false, isDNS1123Label);
}

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** validateService follows ValidateService's order: ports, type-specific rules, each port, selector, affinity, type. */
export function validateService(svc: KObject): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, true, isDNS1035Label);
  const s = (svc.spec ?? {}) as Obj;
  const ports = (s.ports ?? []) as Obj[];
  const headless = s.clusterIP === 'None' || (s.clusterIPs ?? [])[0] === 'None';
  if (ports.length === 0 && !headless && s.type !== 'ExternalName') errs.push(required('spec.ports'));
  if ((s.type === 'NodePort' || s.type === 'LoadBalancer') && headless)
    errs.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${s.type} services`));
  if (s.type === 'ExternalName') {
    const cname = String(s.externalName ?? '').replace(/\.$/, '');
    if (!cname) errs.push(required('spec.externalName'));
    else for (const m of isDNS1123Subdomain(cname)) errs.push(invalid('spec.externalName', cname, m));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = idx('spec.ports', i);
    if (ports.length > 1 && !p.name) errs.push(required(at(pp, 'name')));
    else if (p.name) {
      for (const m of isDNS1123Label(p.name)) errs.push(invalid(at(pp, 'name'), p.name, m));
      if (names.has(p.name)) errs.push(duplicate(at(pp, 'name'), p.name));
      else names.add(p.name);
    }
    if (!(p.port >= 1 && p.port <= 65535)) errs.push(invalid(at(pp, 'port'), p.port ?? 0, portRangeMsg));
    if (!p.protocol) errs.push(required(at(pp, 'protocol')));
    else if (!portProtocols.includes(p.protocol)) errs.push(notSupported(at(pp, 'protocol'), p.protocol, portProtocols));
  });
  if (s.selector) errs.push(...validateLabels(s.selector, 'spec.selector'));
  if (!s.type) errs.push(required('spec.type'));
  else if (!serviceTypes.includes(s.type)) errs.push(notSupported('spec.type', s.type, serviceTypes));
  if (s.type === 'ClusterIP') ports.forEach((p, i) => p.nodePort && errs.push(forbidden(at(idx('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'")));
  return errs;
}

export function validateServiceUpdate(svc: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(svc.metadata, old.metadata), ...validateService(svc)];
  const oldIPs = ((old.spec as Obj)?.clusterIPs ?? []) as string[];
  const newIPs = ((svc.spec as Obj)?.clusterIPs ?? []) as string[];
  if (oldIPs.length && (svc.spec as Obj)?.type !== 'ExternalName' && newIPs[0] !== oldIPs[0]) {
    // Real output (1.34+, JSON-rendered): `spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set`; 1.33 prints []string{"None"}.
    errs.push(invalid('spec.clusterIPs[0]', null, 'may not change once set', goStringSliceOf(newIPs)));
  }
  return errs;
}

function goStringSliceOf(a: string[]): string {
  return `[]string{${a.map((x) => JSON.stringify(x)).join(', ')}}`;
}

/** maxSecretSize is core.MaxSecretSize (1 MiB), shared by ConfigMaps and Secrets. */
const maxSecretSize = 1 << 20;

/** base64Bytes is the decoded length of a base64 value ([]byte fields arrive base64-encoded in JSON). */
function base64Bytes(v: unknown): number {
  const s = String(v ?? '').replace(/\s/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((s.length * 3) / 4) - pad);
}

function validateDataKeys(data: Obj | undefined, path: string, binary: boolean): { errs: FieldError[]; size: number } {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(data ?? {})) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(key(path, k), k, m));
    size += binary ? base64Bytes(v) : Buffer.byteLength(String(v ?? ''));
  }
  return { errs, size };
}

export function validateConfigMap(cm: KObject): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true);
  const o = cm as Obj;
  const d = validateDataKeys(o.data, 'data', false);
  const b = validateDataKeys(o.binaryData, 'binaryData', true);
  errs.push(...d.errs, ...b.errs);
  for (const k of Object.keys(o.data ?? {})) if (o.binaryData && k in o.binaryData) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
  // ValidateConfigMap reports the total size on field.NewPath(""), which prints as "[]":
  // real output `ConfigMap "skills" is invalid: []: Too long: may not be more than 1048576 bytes`.
  if (d.size + b.size > maxSecretSize) errs.push(tooLong('[]', maxSecretSize));
  return errs;
}

export function validateConfigMapUpdate(cm: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(cm.metadata, old.metadata), ...validateConfigMap(cm)];
  if ((old as Obj).immutable === true) {
    if ((cm as Obj).immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual((cm as Obj).data, (old as Obj).data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual((cm as Obj).binaryData, (old as Obj).binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export function validateSecret(secret: KObject): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true);
  const o = secret as Obj;
  const d = validateDataKeys(o.data, 'data', true);
  errs.push(...d.errs);
  if (d.size > maxSecretSize) errs.push(tooLong('data', maxSecretSize));
  if (o.type === 'kubernetes.io/tls') {
    for (const k of ['tls.crt', 'tls.key']) if (!(k in (o.data ?? {}))) errs.push(required(key('data', k)));
  }
  if (o.type === 'kubernetes.io/service-account-token' && !secret.metadata.annotations?.['kubernetes.io/service-account.name'])
    errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
  if (o.type === 'kubernetes.io/dockerconfigjson' && !(o.data ?? {})['.dockerconfigjson']) errs.push(required('data[.dockerconfigjson]'));
  return errs;
}

export function validateSecretUpdate(secret: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(secret.metadata, old.metadata), ...validateSecret(secret)];
  const o = secret as Obj;
  const p = old as Obj;
  if ((o.type ?? '') !== (p.type ?? '')) errs.push(invalid('type', o.type ?? '', fieldImmutable));
  if (p.immutable === true) {
    if (o.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(o.data, p.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

export function validateNode(node: KObject): FieldError[] {
  return validateObjectMeta(node.metadata, false);
}

export function validateServiceAccount(sa: KObject): FieldError[] {
  return validateObjectMeta(sa.metadata, true);
}

/** validateNonnegative is ValidateNonnegativeField. */
export function validateNonnegative(value: unknown, path: string): FieldError[] {
  return typeof value === 'number' && value < 0 ? [invalid(path, value, isNegativeErrorMsg)] : [];
}

