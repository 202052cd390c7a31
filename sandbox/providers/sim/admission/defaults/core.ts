/**
 * core defaults: the core/v1 SetDefaults_* functions
 * (kubernetes pkg/apis/core/v1/defaults.go) plus what the core registries'
 * PrepareForCreate fill in (pod status, namespace finalizers, service IPs), so
 * objects read back from the simulated server carry every field a real
 * 1.33 server would show in `kubectl get -o yaml`.
 *
 * All functions mutate the object they are given; admit() hands them a copy.
 */
import type { KObject, StoreReader } from '../../store/types.ts';

type Obj = Record<string, any>;

/** imagePullPolicyFor: Always for `:latest` or untagged images, IfNotPresent otherwise (SetDefaults_Container). */
export function imagePullPolicyFor(image: string): string {
  let ref = image ?? '';
  const at = ref.indexOf('@');
  const hasDigest = at >= 0;
  if (hasDigest) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const tag = colon > lastSlash ? ref.slice(colon + 1) : '';
  if (tag === 'latest') return 'Always';
  if (tag === '' && !hasDigest) return 'Always';
  return 'IfNotPresent';
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) p.httpGet.scheme ??= 'HTTP';
}

function defaultLifecycleHandler(h: Obj | undefined): void {
  if (h?.httpGet) h.httpGet.scheme ??= 'HTTP';
}

function defaultContainer(c: Obj): void {
  c.imagePullPolicy ??= imagePullPolicyFor(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultLifecycleHandler(c.lifecycle?.postStart);
  defaultLifecycleHandler(c.lifecycle?.preStop);
}

const volumeSourceKeys = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi',
  'ephemeral', 'image',
];

function defaultDownwardItems(items: Obj[] | undefined): void {
  for (const it of items ?? []) if (it.fieldRef) it.fieldRef.apiVersion ??= 'v1';
}

/** defaultVolume: SetDefaults_Volume (no source at all → emptyDir) and the per-source defaults (modes 0644 = 420). */
function defaultVolume(v: Obj): void {
  if (!volumeSourceKeys.some((k) => v[k] != null)) v.emptyDir = {};
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= 420;
    defaultDownwardItems(v.downwardAPI.items);
  }
  if (v.projected) {
    v.projected.defaultMode ??= 420;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      if (s.downwardAPI) defaultDownwardItems(s.downwardAPI.items);
    }
  }
  if (v.iscsi) v.iscsi.iscsiInterface ??= 'default';
  if (v.rbd) {
    v.rbd.pool ??= 'rbd';
    v.rbd.user ??= 'admin';
    v.rbd.keyring ??= '/etc/ceph/keyring';
  }
  if (v.ephemeral?.volumeClaimTemplate?.spec) v.ephemeral.volumeClaimTemplate.spec.volumeMode ??= 'Filesystem';
}

/** defaultPodSpec: SetDefaults_PodSpec + containers + volumes; used for Pods and every pod template. */
export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec) return;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/** defaultPodTemplate: pod template specs print `metadata.creationTimestamp: null` on a 1.33 server (the embedded ObjectMeta). */
export function defaultPodTemplate(template: Obj | undefined): void {
  if (!template) return;
  template.metadata ??= {};
  if (!('creationTimestamp' in template.metadata)) template.metadata.creationTimestamp = null;
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

/** computeQOSClass is qos.GetPodQOS: Guaranteed when every container has equal cpu+memory requests and limits, BestEffort when none set anything. */
export function computeQOSClass(spec: Obj): string {
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) anySet = true;
      if (lim[r] === undefined || String(req[r] ?? lim[r]) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** defaultPod: SetDefaults_Pod (requests from limits, enableServiceLinks) and, on create, the registry's initial status. */
export function defaultPod(pod: KObject, operation: string): void {
  const spec = (pod.spec ??= {}) as Obj;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[]) {
    const lim = c.resources?.limits;
    if (lim) {
      c.resources.requests ??= {};
      for (const [r, q] of Object.entries(lim)) if (c.resources.requests[r] === undefined) c.resources.requests[r] = q;
    }
  }
  defaultPodSpec(spec);
  spec.enableServiceLinks ??= true;
  if (operation === 'CREATE') {
    // podStrategy.PrepareForCreate: status starts as {phase: Pending, qosClass}.
    pod.status = { phase: 'Pending', qosClass: computeQOSClass(spec) };
  }
}

/** defaultPVCSpec is what a claim (or a claim template) gets: volumeMode Filesystem. */
export function defaultPVCSpec(spec: Obj | undefined): void {
  if (!spec) return;
  spec.volumeMode ??= 'Filesystem';
}

export function defaultPVC(pvc: KObject, operation: string): void {
  defaultPVCSpec((pvc.spec ??= {}) as Obj);
  void operation;
  const status = (pvc.status ??= {}) as Obj;
  status.phase ??= 'Pending';
}

/** nowTimestamp is metav1.Now in the RFC 3339 seconds form the API prints. */
function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function defaultPV(pv: KObject, operation: string): void {
  const spec = (pv.spec ??= {}) as Obj;
  spec.persistentVolumeReclaimPolicy ??= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  if (spec.hostPath) spec.hostPath.type ??= '';
  if (operation === 'CREATE') {
    // persistentvolumeStrategy.PrepareForCreate: a new volume is Pending (until the PV controller marks it
    // Available) and records when it entered that phase (PersistentVolumeLastPhaseTransitionTime, GA in 1.31).
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: nowTimestamp() };
    return;
  }
  const status = (pv.status ??= {}) as Obj;
  status.phase ??= 'Pending';
}

/**
 * stampPVPhaseTransition is the PV status strategy's PrepareForUpdate: a phase change gets a new
 * lastPhaseTransitionTime unless the writer set a different one; an unchanged phase keeps the old time.
 */
export function stampPVPhaseTransition(pv: KObject, old: KObject): void {
  const status = (pv.status ??= {}) as Obj;
  const prev = (old.status ?? {}) as Obj;
  if (status.phase === prev.phase) {
    if (status.lastPhaseTransitionTime == null && prev.lastPhaseTransitionTime != null) status.lastPhaseTransitionTime = prev.lastPhaseTransitionTime;
  } else if (status.lastPhaseTransitionTime == null || status.lastPhaseTransitionTime === prev.lastPhaseTransitionTime) {
    status.lastPhaseTransitionTime = nowTimestamp();
  }
}

export function defaultNamespace(ns: KObject, operation: string): void {
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
  const spec = (ns.spec ??= {}) as Obj;
  if (operation === 'CREATE') spec.finalizers ??= ['kubernetes'];
  const status = (ns.status ??= {}) as Obj;
  status.phase ??= 'Active';
}

/**
 * defaultSecret: type Opaque, and stringData folded into data. stringData is write-only: the v1 → internal
 * conversion (pkg/apis/core/v1/conversion.go Convert_v1_Secret_To_core_Secret) base64-encodes each value into
 * data, overwriting a data key of the same name, and the field is never stored or returned.
 */
export function defaultSecret(secret: KObject): void {
  const o = secret as Obj;
  if (o.stringData && typeof o.stringData === 'object') {
    o.data ??= {};
    for (const [k, v] of Object.entries(o.stringData as Record<string, string>)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete o.stringData;
  o.type ??= 'Opaque';
}

/** serviceCIDR is the simulated cluster's service range (kind and kubeadm default). */
export const serviceCIDR = { base: [10, 96, 0, 0], size: 1 << 16 };

function ipAt(offset: number): string {
  const [a, b] = serviceCIDR.base;
  return `${a}.${b}.${(offset >> 8) & 255}.${offset & 255}`;
}

/** allocateClusterIP picks a free address from 10.96.0.0/16 at random, as the bitmap allocator does; .0 and the broadcast address are never used. */
export function allocateClusterIP(store: StoreReader, random: () => number = Math.random): string {
  const used = new Set<string>();
  for (const s of store.list({ group: '', resource: 'services' })) {
    const sp = (s.spec ?? {}) as Obj;
    if (sp.clusterIP) used.add(sp.clusterIP);
  }
  const max = serviceCIDR.size - 2;
  const start = 1 + Math.floor(random() * max);
  for (let i = 0; i < max; i++) {
    const ip = ipAt(1 + ((start - 1 + i) % max));
    if (!used.has(ip)) return ip;
  }
  throw new Error('range is full');
}

function allocateNodePort(store: StoreReader, random: () => number = Math.random): number {
  const used = new Set<number>();
  for (const s of store.list({ group: '', resource: 'services' })) for (const p of ((s.spec as Obj)?.ports ?? []) as Obj[]) if (p.nodePort) used.add(p.nodePort);
  const start = Math.floor(random() * 2768);
  for (let i = 0; i < 2768; i++) {
    const port = 30000 + ((start + i) % 2768);
    if (!used.has(port)) return port;
  }
  throw new Error('range is full');
}

/** defaultService: SetDefaults_Service plus the REST storage's IP and node-port allocation on create. */
export function defaultService(svc: KObject, operation: string, store: StoreReader): void {
  const spec = (svc.spec ??= {}) as Obj;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') spec.sessionAffinityConfig ??= { clientIP: { timeoutSeconds: 10800 } };
  for (const p of (spec.ports ?? []) as Obj[]) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type === 'ExternalName') return;
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (operation === 'CREATE') {
    if (!spec.clusterIP && !(spec.clusterIPs ?? []).length) spec.clusterIP = allocateClusterIP(store);
    else spec.clusterIP ??= spec.clusterIPs[0];
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    if (spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts))
      for (const p of (spec.ports ?? []) as Obj[]) p.nodePort ??= allocateNodePort(store);
    svc.status ??= { loadBalancer: {} };
  }
}

/**
 * patchAllocatedServiceValues: on update the Service strategy carries the allocated clusterIP(s), IP families and
 * node ports over from the stored object when the new one leaves them out (pkg/registry/core/service
 * patchAllocatedValues), so re-applying a manifest without them is not an attempt to change them.
 */
export function patchAllocatedServiceValues(svc: KObject, old: KObject): void {
  const spec = (svc.spec ??= {}) as Obj;
  const prev = (old.spec ?? {}) as Obj;
  if (spec.type === 'ExternalName' || prev.type === 'ExternalName') return;
  if (!(spec.clusterIPs ?? []).length) {
    // normalizeClusterIPs: a changed clusterIP with no clusterIPs becomes the new clusterIPs[0].
    if (spec.clusterIP && spec.clusterIP !== prev.clusterIP) spec.clusterIPs = [spec.clusterIP];
    else if (prev.clusterIPs) spec.clusterIPs = [...prev.clusterIPs];
  }
  if (!spec.clusterIP && prev.clusterIP) spec.clusterIP = prev.clusterIP;
  if (!spec.ipFamilies && prev.ipFamilies) spec.ipFamilies = [...prev.ipFamilies];
  if (!spec.ipFamilyPolicy && prev.ipFamilyPolicy) spec.ipFamilyPolicy = prev.ipFamilyPolicy;
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    for (const p of (spec.ports ?? []) as Obj[]) {
      if (p.nodePort) continue;
      const match = ((prev.ports ?? []) as Obj[]).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
      if (match?.nodePort) p.nodePort = match.nodePort;
    }
  }
}

/** defaultNode: SetDefaults_NodeStatus — allocatable starts as a copy of capacity. */
export function defaultNode(node: KObject): void {
  const status = node.status as Obj | undefined;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

/** defaultEndpoints: SetDefaults_EndpointPort — ports are TCP unless told otherwise. */
export function defaultEndpoints(ep: KObject): void {
  for (const subset of ((ep as Obj).subsets ?? []) as Obj[]) for (const p of (subset.ports ?? []) as Obj[]) p.protocol ??= 'TCP';
}
