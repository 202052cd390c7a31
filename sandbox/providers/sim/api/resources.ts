/**
 * resources is the registry of every resource type the simulated
 * kube-apiserver serves: group/version/kind, plural and singular names,
 * scope, short names, categories, verbs and subresources, exactly as a real
 * Kubernetes 1.33 server lists them in discovery (kubernetes
 * api/discovery/api__v1.json and the per-group files next to it). Discovery,
 * routing, OpenAPI and Table printing all read this one table, so what
 * `kubectl api-resources` shows is what the server actually does.
 *
 * Left out on purpose: `bindings` and `componentstatuses` (core v1; the first
 * is only reachable as `pods/binding` here, the second is deprecated and
 * needs live component probes), `pods/checkpoint` (alpha), and every group
 * the course never touches (networking, autoscaling, authorization, …).
 */

/** SubresourceType is one `<resource>/<name>` entry; group/version/kind name the body it accepts and returns. */
export interface SubresourceType {
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: string[];
}

/** ResourceType describes one served resource of one group version. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceType[];
  /** storage: where objects live; core/v1 and events.k8s.io/v1 Events share {group:'',resource:'events'} */
  storage: { group: string; resource: string };
  /** hasStatus: the resource has a `status` subresource (main-resource writes keep the old status) */
  hasStatus: boolean;
}

/** allVerbs is what a standard REST storage with collection delete serves. */
const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
/** statusVerbs / scaleVerbs are what `/status` and `/scale` serve. */
const statusVerbs = ['get', 'patch', 'update'];
const scaleVerbs = ['get', 'patch', 'update'];
/** proxyVerbs are the connect verbs of `pods/proxy`, `nodes/proxy`, `services/proxy`. */
const proxyVerbs = ['create', 'delete', 'get', 'patch', 'update'];

interface ResourceSpec {
  kind: string;
  plural: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  subresources?: SubresourceType[];
  storage?: { group: string; resource: string };
}

function status(kind: string): SubresourceType {
  return { name: 'status', kind, verbs: statusVerbs };
}

/** scale is the autoscaling/v1 Scale subresource of workload controllers. */
const scale: SubresourceType = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: scaleVerbs };

/** groupSpecs lists the served groups in the order a real server's discovery lists them (core first, so `events`/`ev` resolve to core/v1 like on a real cluster). */
const groupSpecs: { group: string; version: string; resources: ResourceSpec[] }[] = [
  {
    group: '',
    version: 'v1',
    resources: [
      { kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] },
      { kind: 'Endpoints', plural: 'endpoints', namespaced: true, shortNames: ['ep'] },
      { kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'] },
      { kind: 'LimitRange', plural: 'limitranges', namespaced: true, shortNames: ['limits'] },
      {
        kind: 'Namespace',
        plural: 'namespaces',
        namespaced: false,
        shortNames: ['ns'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        subresources: [{ name: 'finalize', kind: 'Namespace', verbs: ['update'] }, status('Namespace')],
      },
      {
        kind: 'Node',
        plural: 'nodes',
        namespaced: false,
        shortNames: ['no'],
        subresources: [{ name: 'proxy', kind: 'NodeProxyOptions', verbs: proxyVerbs }, status('Node')],
      },
      { kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', namespaced: true, shortNames: ['pvc'], subresources: [status('PersistentVolumeClaim')] },
      { kind: 'PersistentVolume', plural: 'persistentvolumes', namespaced: false, shortNames: ['pv'], subresources: [status('PersistentVolume')] },
      {
        kind: 'Pod',
        plural: 'pods',
        namespaced: true,
        shortNames: ['po'],
        categories: ['all'],
        subresources: [
          { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
          { name: 'binding', kind: 'Binding', verbs: ['create'] },
          { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
          // kubectl drain looks for exactly this entry before it evicts (kubectl pkg/drain CheckEvictionSupport).
          { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
          { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
          { name: 'log', kind: 'Pod', verbs: ['get'] },
          { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
          { name: 'proxy', kind: 'PodProxyOptions', verbs: proxyVerbs },
          { name: 'resize', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
          status('Pod'),
        ],
      },
      { kind: 'PodTemplate', plural: 'podtemplates', namespaced: true },
      {
        kind: 'ReplicationController',
        plural: 'replicationcontrollers',
        namespaced: true,
        shortNames: ['rc'],
        categories: ['all'],
        subresources: [scale, status('ReplicationController')],
      },
      { kind: 'ResourceQuota', plural: 'resourcequotas', namespaced: true, shortNames: ['quota'], subresources: [status('ResourceQuota')] },
      { kind: 'Secret', plural: 'secrets', namespaced: true },
      {
        kind: 'ServiceAccount',
        plural: 'serviceaccounts',
        namespaced: true,
        shortNames: ['sa'],
        subresources: [{ name: 'token', kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] }],
      },
      {
        kind: 'Service',
        plural: 'services',
        namespaced: true,
        shortNames: ['svc'],
        categories: ['all'],
        subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: proxyVerbs }, status('Service')],
      },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    resources: [
      { kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true },
      { kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: [status('DaemonSet')] },
      { kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: [scale, status('Deployment')] },
      { kind: 'ReplicaSet', plural: 'replicasets', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: [scale, status('ReplicaSet')] },
      { kind: 'StatefulSet', plural: 'statefulsets', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: [scale, status('StatefulSet')] },
    ],
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    resources: [{ kind: 'Event', plural: 'events', namespaced: true, shortNames: ['ev'], storage: { group: '', resource: 'events' } }],
  },
  {
    group: 'batch',
    version: 'v1',
    resources: [
      { kind: 'CronJob', plural: 'cronjobs', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: [status('CronJob')] },
      { kind: 'Job', plural: 'jobs', namespaced: true, categories: ['all'], subresources: [status('Job')] },
    ],
  },
  {
    group: 'policy',
    version: 'v1',
    resources: [{ kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', namespaced: true, shortNames: ['pdb'], subresources: [status('PodDisruptionBudget')] }],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resources: [
      { kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', namespaced: false },
      { kind: 'ClusterRole', plural: 'clusterroles', namespaced: false },
      { kind: 'RoleBinding', plural: 'rolebindings', namespaced: true },
      { kind: 'Role', plural: 'roles', namespaced: true },
    ],
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    resources: [
      { kind: 'CSIDriver', plural: 'csidrivers', namespaced: false },
      { kind: 'CSINode', plural: 'csinodes', namespaced: false },
      { kind: 'CSIStorageCapacity', plural: 'csistoragecapacities', namespaced: true },
      { kind: 'StorageClass', plural: 'storageclasses', namespaced: false, shortNames: ['sc'] },
      { kind: 'VolumeAttachment', plural: 'volumeattachments', namespaced: false, subresources: [status('VolumeAttachment')] },
    ],
  },
  {
    group: 'coordination.k8s.io',
    version: 'v1',
    resources: [{ kind: 'Lease', plural: 'leases', namespaced: true }],
  },
];

/** resourceTypes is every served resource, groups in discovery order, resources sorted by plural name like the real server. */
export const resourceTypes: readonly ResourceType[] = Object.freeze(
  groupSpecs.flatMap(({ group, version, resources }) =>
    [...resources]
      .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0))
      .map((r): ResourceType => {
        const subresources = [...(r.subresources ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1));
        return Object.freeze({
          group,
          version,
          kind: r.kind,
          listKind: `${r.kind}List`,
          plural: r.plural,
          singular: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          shortNames: r.shortNames ?? [],
          categories: r.categories ?? [],
          verbs: r.verbs ?? allVerbs,
          subresources,
          storage: r.storage ?? { group, resource: r.plural },
          hasStatus: subresources.some((s) => s.name === 'status'),
        });
      }),
  ),
);

const byResource = new Map(resourceTypes.map((rt) => [`${rt.group}/${rt.version}/${rt.plural}`, rt]));
const byKind = new Map(resourceTypes.map((rt) => [`${rt.group}/${rt.version}/${rt.kind}`, rt]));

/** findResource looks a served resource up by the URL parts `/apis/<group>/<version>/<plural>`. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return byResource.get(`${group}/${version}/${plural}`);
}

/** findByKind looks a served resource up by the apiVersion + kind of an object. */
export function findByKind(group: string, version: string, kind: string): ResourceType | undefined {
  return byKind.get(`${group}/${version}/${kind}`);
}

/** servedGroups: the groups in discovery order, each with versions (preferred first). */
export function servedGroups(): { group: string; versions: string[] }[] {
  const out: { group: string; versions: string[] }[] = [];
  for (const rt of resourceTypes) {
    let g = out.find((x) => x.group === rt.group);
    if (!g) out.push((g = { group: rt.group, versions: [] }));
    if (!g.versions.includes(rt.version)) g.versions.push(rt.version);
  }
  return out;
}

/** apiVersionOf is the `apiVersion` string of a resource type: `v1`, `apps/v1`. */
export function apiVersionOf(rt: { group: string; version: string }): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/** parseApiVersion splits `apps/v1` into group and version (`v1` → core). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}
