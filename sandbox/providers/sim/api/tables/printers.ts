/**
 * printers maps each served kind to its Table columns and cells, following
 * kubernetes pkg/printers/internalversion/printers.go (1.33): the column
 * sets of AddHandlers and the cell rules of each printX function. The
 * server-side printers always run with Wide=true, so rows carry the
 * priority-1 cells too and kubectl hides them unless `-o wide`.
 */
import type { KObject } from '../../store/types.ts';
import { ageColumn, column, containersColumn, createdAtColumn, imagesColumn, nameColumn, wide } from './columns.ts';
import {
  accessModesAsString,
  canonicalQuantity,
  formatLabels,
  formatLabelSelector,
  humanDuration,
  intOrString,
  rfc3339,
  selectorString,
  translateTimestampSince,
} from './format.ts';
import { podColumns, printPod } from './pod.ts';
import type { Cell, Printer } from './printer.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- printers read loosely typed JSON objects */
type Obj = any;

function name(o: Obj): string {
  return o.metadata?.name ?? '';
}
function age(o: Obj, now: Date): string {
  return translateTimestampSince(o.metadata?.creationTimestamp, now);
}
function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

/** layoutContainerCells joins container names and images with commas. */
function layoutContainerCells(containers: Obj[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name ?? '').join(','), list.map((c) => c.image ?? '').join(',')];
}

function printBoolPtr(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>';
}

/** pvClass is helper.GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation wins over the field. */
function storageClassOf(o: Obj): string {
  const beta = o.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (typeof beta === 'string') return beta;
  return o.spec?.storageClassName ?? '';
}

function isDefaultStorageClass(o: Obj): boolean {
  const a = o.metadata?.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** hasTrueCondition is printers.go hasJobCondition: the first condition of that type decides. */
function hasTrueCondition(o: Obj, type: string): boolean {
  return (o.status?.conditions ?? []).find((c: Obj) => c.type === type)?.status === 'True';
}

/** formatEndpoints lists up to three `ip:port` pairs, then `+ N more...`. */
function formatEndpoints(o: Obj): string {
  const subsets: Obj[] = o.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses: Obj[] = ss.addresses ?? [];
    if (!ss.ports?.length) {
      // Headless services may have no ports: list bare IPs.
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(addr.ip);
      }
      continue;
    }
    for (const port of ss.ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(addr.ip?.includes(':') ? `[${addr.ip}]:${port.port}` : `${addr.ip}:${port.port}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - max} more...` : ret;
}

function serviceExternalIP(o: Obj): string {
  const spec = o.spec ?? {};
  const externalIPs: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = new Set<string>();
      for (const i of o.status?.loadBalancer?.ingress ?? []) {
        if (i.ip) ingress.add(i.ip);
        else if (i.hostname) ingress.add(i.hostname);
      }
      const lb = [...ingress].sort();
      if (externalIPs.length) return [...lb, ...externalIPs].join(',');
      return lb.length ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

function servicePorts(o: Obj): string {
  const ports: Obj[] = o.spec?.ports ?? [];
  const s = ports.map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
  return s || '<none>';
}

/** nodeRoles is findNodeRoles: `node-role.kubernetes.io/<role>` label suffixes plus `kubernetes.io/role`, sorted. */
function nodeRoles(o: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(o.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

function nodeAddress(o: Obj, type: string): string {
  return (o.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
}

/** subjectsStrings is rbac.SubjectsStrings: users, groups and `namespace/name` service accounts. */
function subjectsStrings(o: Obj): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of o.subjects ?? []) {
    if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
    else if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

/** formatResourceName is `kind.group/name` lowercased, as ControllerRevision's CONTROLLER column prints it. */
function controllerOf(o: Obj): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r: Obj) => r.controller === true);
  if (!ref) return '<none>';
  const apiVersion: string = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return `${String(kind).toLowerCase()}/${ref.name}`;
}

function eventSource(e: Obj): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

/** bindingColumns: RoleBinding and ClusterRoleBinding differ only in the wording of their descriptions. */
function bindingColumns(model: 'V1RoleBinding' | 'V1ClusterRoleBinding', noun: string) {
  return [
    nameColumn,
    column('Role', 'string', [model, 'roleRef']),
    ageColumn,
    wide('Users', 'string', `Users in the ${noun}`),
    wide('Groups', 'string', `Groups in the ${noun}`),
    wide('ServiceAccounts', 'string', `ServiceAccounts in the ${noun}`),
  ];
}
function bindingRow(o: Obj, now: Date): Cell[] {
  return [name(o), `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, age(o, now), ...subjectsStrings(o)];
}

const roleColumns = [nameColumn, createdAtColumn];
function roleRow(o: Obj): Cell[] {
  return [name(o), rfc3339(o.metadata?.creationTimestamp)];
}

/** printers is keyed by `group/Kind`. */
export const printers: Record<string, Printer> = {
  '/Pod': { columns: podColumns, row: printPod },

  '/Node': {
    columns: [
      nameColumn,
      column('Status', 'string', 'The status of the node'),
      column('Roles', 'string', 'The roles of the node'),
      ageColumn,
      column('Version', 'string', ['V1NodeSystemInfo', 'kubeletVersion']),
      wide('Internal-IP', 'string', ['V1NodeStatus', 'addresses']),
      wide('External-IP', 'string', ['V1NodeStatus', 'addresses']),
      wide('OS-Image', 'string', ['V1NodeSystemInfo', 'osImage']),
      wide('Kernel-Version', 'string', ['V1NodeSystemInfo', 'kernelVersion']),
      wide('Container-Runtime', 'string', ['V1NodeSystemInfo', 'containerRuntimeVersion']),
    ],
    row: (o: Obj, now) => {
      // Only the Ready condition counts: True → Ready, False or Unknown → NotReady, missing → Unknown.
      const ready = (o.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
      const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
      if (o.spec?.unschedulable) status.push('SchedulingDisabled');
      const info = o.status?.nodeInfo ?? {};
      return {
        cells: [
          name(o), status.join(','), nodeRoles(o), age(o, now), info.kubeletVersion ?? '',
          nodeAddress(o, 'InternalIP'), nodeAddress(o, 'ExternalIP'),
          info.osImage || '<unknown>', info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
        ],
      };
    },
  },

  '/PersistentVolume': {
    columns: [
      nameColumn,
      column('Capacity', 'string', ['V1PersistentVolumeSpec', 'capacity']),
      column('Access Modes', 'string', ['V1PersistentVolumeSpec', 'accessModes']),
      column('Reclaim Policy', 'string', ['V1PersistentVolumeSpec', 'persistentVolumeReclaimPolicy']),
      column('Status', 'string', ['V1PersistentVolumeStatus', 'phase']),
      column('Claim', 'string', ['V1PersistentVolumeSpec', 'claimRef']),
      column('StorageClass', 'string', 'StorageClass of the pv'),
      column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
      column('Reason', 'string', ['V1PersistentVolumeStatus', 'reason']),
      ageColumn,
      wide('VolumeMode', 'string', ['V1PersistentVolumeSpec', 'volumeMode']),
    ],
    row: (o: Obj, now) => {
      const spec = o.spec ?? {};
      const claim = spec.claimRef ? `${spec.claimRef.namespace ?? ''}/${spec.claimRef.name ?? ''}` : '';
      const phase = o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
      return {
        cells: [
          name(o), canonicalQuantity(spec.capacity?.storage ?? '0'), accessModesAsString(spec.accessModes), spec.persistentVolumeReclaimPolicy ?? '',
          phase, claim, storageClassOf(o), spec.volumeAttributesClassName ?? '<unset>', o.status?.reason ?? '', age(o, now),
          spec.volumeMode ?? '<unset>',
        ],
      };
    },
  },

  '/PersistentVolumeClaim': {
    columns: [
      nameColumn,
      column('Status', 'string', ['V1PersistentVolumeClaimStatus', 'phase']),
      column('Volume', 'string', ['V1PersistentVolumeClaimSpec', 'volumeName']),
      column('Capacity', 'string', ['V1PersistentVolumeClaimStatus', 'capacity']),
      column('Access Modes', 'string', ['V1PersistentVolumeClaimStatus', 'accessModes']),
      column('StorageClass', 'string', 'StorageClass of the pvc'),
      column('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
      ageColumn,
      wide('VolumeMode', 'string', ['V1PersistentVolumeClaimSpec', 'volumeMode']),
    ],
    row: (o: Obj, now) => {
      const spec = o.spec ?? {};
      const phase = o.metadata?.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '');
      // Capacity and access modes come from status, and only once the claim names its volume.
      let capacity = '';
      let modes = '';
      if (spec.volumeName) {
        modes = accessModesAsString(o.status?.accessModes);
        capacity = canonicalQuantity(o.status?.capacity?.storage ?? '0');
      }
      return {
        cells: [
          name(o), phase, spec.volumeName ?? '', capacity, modes, storageClassOf(o), spec.volumeAttributesClassName ?? '<unset>', age(o, now),
          spec.volumeMode ?? '<unset>',
        ],
      };
    },
  },

  'storage.k8s.io/StorageClass': {
    columns: [
      nameColumn,
      column('Provisioner', 'string', ['V1StorageClass', 'provisioner']),
      column('ReclaimPolicy', 'string', ['V1StorageClass', 'reclaimPolicy']),
      column('VolumeBindingMode', 'string', ['V1StorageClass', 'volumeBindingMode']),
      column('AllowVolumeExpansion', 'string', ['V1StorageClass', 'allowVolumeExpansion']),
      ageColumn,
    ],
    row: (o: Obj, now) => ({
      cells: [
        isDefaultStorageClass(o) ? `${name(o)} (default)` : name(o),
        o.provisioner ?? '',
        o.reclaimPolicy ?? 'Delete',
        o.volumeBindingMode ?? 'Immediate',
        o.allowVolumeExpansion === true,
        age(o, now),
      ],
    }),
  },

  'storage.k8s.io/CSIDriver': {
    columns: [
      nameColumn,
      column('AttachRequired', 'boolean', ['V1CSIDriverSpec', 'attachRequired']),
      column('PodInfoOnMount', 'boolean', ['V1CSIDriverSpec', 'podInfoOnMount']),
      column('StorageCapacity', 'boolean', ['V1CSIDriverSpec', 'storageCapacity']),
      column('TokenRequests', 'string', ['V1CSIDriverSpec', 'tokenRequests']),
      column('RequiresRepublish', 'boolean', ['V1CSIDriverSpec', 'requiresRepublish']),
      column('Modes', 'string', ['V1CSIDriverSpec', 'volumeLifecycleModes']),
      ageColumn,
    ],
    row: (o: Obj, now) => {
      const spec = o.spec ?? {};
      const tokens = Array.isArray(spec.tokenRequests) ? spec.tokenRequests.map((t: Obj) => t.audience ?? '').join(',') : '<unset>';
      const modes: string[] = spec.volumeLifecycleModes ?? [];
      return {
        cells: [
          name(o), spec.attachRequired ?? true, spec.podInfoOnMount ?? false, spec.storageCapacity ?? false, tokens,
          spec.requiresRepublish ?? false, modes.length ? modes.join(',') : '<none>', age(o, now),
        ],
      };
    },
  },

  'storage.k8s.io/CSINode': {
    columns: [nameColumn, column('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), (o.spec?.drivers ?? []).length, age(o, now)] }),
  },

  'storage.k8s.io/VolumeAttachment': {
    columns: [
      nameColumn,
      // Upstream declares ATTACHER with format "name" too.
      column('Attacher', 'string', ['V1VolumeAttachmentSpec', 'attacher'], { format: 'name' }),
      column('PV', 'string', ['V1VolumeAttachmentSource', 'persistentVolumeName']),
      column('Node', 'string', ['V1VolumeAttachmentSpec', 'nodeName']),
      column('Attached', 'boolean', ['V1VolumeAttachmentStatus', 'attached']),
      ageColumn,
    ],
    row: (o: Obj, now) => ({
      cells: [name(o), o.spec?.attacher ?? '', o.spec?.source?.persistentVolumeName ?? '', o.spec?.nodeName ?? '', o.status?.attached ?? false, age(o, now)],
    }),
  },

  'storage.k8s.io/CSIStorageCapacity': {
    columns: [
      nameColumn,
      column('StorageClassName', 'string', ['V1CSIStorageCapacity', 'storageClassName']),
      column('Capacity', 'string', ['V1CSIStorageCapacity', 'capacity']),
    ],
    // No AGE column: the upstream printer has none for CSIStorageCapacity.
    row: (o: Obj) => ({ cells: [name(o), o.storageClassName ?? '', o.capacity !== undefined ? canonicalQuantity(o.capacity) : '<unset>'] }),
  },

  'apps/Deployment': {
    columns: [
      nameColumn,
      column('Ready', 'string', 'Number of the pod with ready state'),
      column('Up-to-date', 'string', ['V1DeploymentStatus', 'updatedReplicas']),
      column('Available', 'string', ['V1DeploymentStatus', 'availableReplicas']),
      ageColumn,
      containersColumn,
      imagesColumn,
      wide('Selector', 'string', ['V1DeploymentSpec', 'selector']),
    ],
    row: (o: Obj, now) => {
      const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
      return {
        cells: [
          name(o), `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`, num(o.status?.updatedReplicas), num(o.status?.availableReplicas), age(o, now),
          names, images, selectorString(o.spec?.selector),
        ],
      };
    },
  },

  'apps/ReplicaSet': {
    columns: [
      nameColumn,
      column('Desired', 'integer', ['V1ReplicaSetSpec', 'replicas']),
      column('Current', 'integer', ['V1ReplicaSetStatus', 'replicas']),
      column('Ready', 'integer', ['V1ReplicaSetStatus', 'readyReplicas']),
      ageColumn,
      containersColumn,
      imagesColumn,
      wide('Selector', 'string', ['V1ReplicaSetSpec', 'selector']),
    ],
    row: (o: Obj, now) => {
      const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
      return {
        cells: [name(o), num(o.spec?.replicas), num(o.status?.replicas), num(o.status?.readyReplicas), age(o, now), names, images, formatLabelSelector(o.spec?.selector)],
      };
    },
  },

  'apps/StatefulSet': {
    columns: [nameColumn, column('Ready', 'string', 'Number of the pod with ready state'), ageColumn, containersColumn, imagesColumn],
    row: (o: Obj, now) => {
      const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
      return { cells: [name(o), `${num(o.status?.readyReplicas)}/${num(o.spec?.replicas)}`, age(o, now), names, images] };
    },
  },

  'apps/DaemonSet': {
    columns: [
      nameColumn,
      column('Desired', 'integer', ['V1DaemonSetStatus', 'desiredNumberScheduled']),
      column('Current', 'integer', ['V1DaemonSetStatus', 'currentNumberScheduled']),
      column('Ready', 'integer', ['V1DaemonSetStatus', 'numberReady']),
      column('Up-to-date', 'integer', ['V1DaemonSetStatus', 'updatedNumberScheduled']),
      column('Available', 'integer', ['V1DaemonSetStatus', 'numberAvailable']),
      column('Node Selector', 'string', ['V1PodSpec', 'nodeSelector']),
      ageColumn,
      containersColumn,
      imagesColumn,
      wide('Selector', 'string', ['V1DaemonSetSpec', 'selector']),
    ],
    row: (o: Obj, now) => {
      const s = o.status ?? {};
      const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
      return {
        cells: [
          name(o), num(s.desiredNumberScheduled), num(s.currentNumberScheduled), num(s.numberReady), num(s.updatedNumberScheduled), num(s.numberAvailable),
          formatLabels(o.spec?.template?.spec?.nodeSelector), age(o, now), names, images, formatLabelSelector(o.spec?.selector),
        ],
      };
    },
  },

  'apps/ControllerRevision': {
    columns: [nameColumn, column('Controller', 'string', 'Controller of the object'), column('Revision', 'string', ['V1ControllerRevision', 'revision']), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), controllerOf(o), num(o.revision), age(o, now)] }),
  },

  'batch/Job': {
    columns: [
      nameColumn,
      column('Status', 'string', 'Status of the job.'),
      column('Completions', 'string', ['V1JobStatus', 'succeeded']),
      column('Duration', 'string', 'Time required to complete the job.'),
      ageColumn,
      containersColumn,
      imagesColumn,
      wide('Selector', 'string', ['V1JobSpec', 'selector']),
    ],
    row: (o: Obj, now) => {
      const spec = o.spec ?? {};
      const st = o.status ?? {};
      const succeeded = num(st.succeeded);
      let completions: string;
      if (typeof spec.completions === 'number') completions = `${succeeded}/${spec.completions}`;
      else if (num(spec.parallelism) > 1) completions = `${succeeded}/1 of ${spec.parallelism}`;
      else completions = `${succeeded}/1`;
      let duration = '';
      if (st.startTime) {
        const end = st.completionTime ? Date.parse(st.completionTime) : now.getTime();
        duration = humanDuration(end - Date.parse(st.startTime));
      }
      let status = 'Running';
      if (hasTrueCondition(o, 'Complete')) status = 'Complete';
      else if (hasTrueCondition(o, 'Failed')) status = 'Failed';
      else if (o.metadata?.deletionTimestamp) status = 'Terminating';
      else if (hasTrueCondition(o, 'Suspended')) status = 'Suspended';
      else if (hasTrueCondition(o, 'FailureTarget')) status = 'FailureTarget';
      const [names, images] = layoutContainerCells(spec.template?.spec?.containers);
      return { cells: [name(o), status, completions, duration, age(o, now), names, images, formatLabelSelector(spec.selector)] };
    },
  },

  'batch/CronJob': {
    columns: [
      nameColumn,
      column('Schedule', 'string', ['V1CronJobSpec', 'schedule']),
      column('Timezone', 'string', ['V1CronJobSpec', 'timeZone']),
      column('Suspend', 'boolean', ['V1CronJobSpec', 'suspend']),
      column('Active', 'integer', ['V1CronJobStatus', 'active']),
      column('Last Schedule', 'string', ['V1CronJobStatus', 'lastScheduleTime']),
      ageColumn,
      containersColumn,
      imagesColumn,
      wide('Selector', 'string', ['V1JobSpec', 'selector']),
    ],
    row: (o: Obj, now) => {
      const spec = o.spec ?? {};
      const last = o.status?.lastScheduleTime ? translateTimestampSince(o.status.lastScheduleTime, now) : '<none>';
      const [names, images] = layoutContainerCells(spec.jobTemplate?.spec?.template?.spec?.containers);
      return {
        cells: [
          name(o), spec.schedule ?? '', spec.timeZone ?? '<none>', printBoolPtr(spec.suspend), (o.status?.active ?? []).length, last, age(o, now),
          names, images, formatLabelSelector(spec.jobTemplate?.spec?.selector),
        ],
      };
    },
  },

  '/Event': {
    columns: [
      column('Last Seen', 'string', ['CoreV1Event', 'lastTimestamp']),
      column('Type', 'string', ['CoreV1Event', 'type']),
      column('Reason', 'string', ['CoreV1Event', 'reason']),
      column('Object', 'string', ['CoreV1Event', 'involvedObject']),
      wide('Subobject', 'string', ['V1ObjectReference', 'fieldPath']),
      wide('Source', 'string', ['CoreV1Event', 'source']),
      column('Message', 'string', ['CoreV1Event', 'message']),
      wide('First Seen', 'string', ['CoreV1Event', 'firstTimestamp']),
      wide('Count', 'string', ['CoreV1Event', 'count']),
      column('Name', 'string', ['V1ObjectMeta', 'name'], { priority: 1, format: 'name' }),
    ],
    row: (e: Obj, now) => {
      let first = translateTimestampSince(e.firstTimestamp, now);
      if (!e.firstTimestamp) first = translateTimestampSince(e.eventTime, now);
      let last = e.lastTimestamp ? translateTimestampSince(e.lastTimestamp, now) : first;
      let count = num(e.count);
      if (e.series) {
        last = translateTimestampSince(e.series.lastObservedTime, now);
        count = num(e.series.count);
      } else if (count === 0) {
        // Singleton events of the events.k8s.io API carry no count.
        count = 1;
      }
      const involved = e.involvedObject ?? {};
      const target = involved.name ? `${String(involved.kind ?? '').toLowerCase()}/${involved.name}` : String(involved.kind ?? '').toLowerCase();
      return {
        cells: [last, e.type ?? '', e.reason ?? '', target, involved.fieldPath ?? '', eventSource(e), String(e.message ?? '').trim(), first, count, name(e)],
      };
    },
  },

  '/Namespace': {
    columns: [nameColumn, column('Status', 'string', 'The status of the namespace'), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), o.status?.phase ?? '', age(o, now)] }),
  },

  '/ConfigMap': {
    columns: [nameColumn, column('Data', 'string', ['V1ConfigMap', 'data']), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o, now)] }),
  },

  '/Secret': {
    columns: [nameColumn, column('Type', 'string', ['V1Secret', 'type']), column('Data', 'string', ['V1Secret', 'data']), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), o.type ?? '', Object.keys(o.data ?? {}).length, age(o, now)] }),
  },

  '/ServiceAccount': {
    columns: [nameColumn, column('Secrets', 'string', ['V1ServiceAccount', 'secrets']), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), (o.secrets ?? []).length, age(o, now)] }),
  },

  '/Service': {
    columns: [
      nameColumn,
      column('Type', 'string', ['V1ServiceSpec', 'type']),
      column('Cluster-IP', 'string', ['V1ServiceSpec', 'clusterIP']),
      column('External-IP', 'string', ['V1ServiceSpec', 'externalIPs']),
      column('Port(s)', 'string', ['V1ServiceSpec', 'ports']),
      ageColumn,
      wide('Selector', 'string', ['V1ServiceSpec', 'selector']),
    ],
    row: (o: Obj, now) => ({
      cells: [
        name(o), o.spec?.type ?? '', o.spec?.clusterIPs?.[0] ?? '<none>', serviceExternalIP(o), servicePorts(o), age(o, now), formatLabels(o.spec?.selector),
      ],
    }),
  },

  '/Endpoints': {
    columns: [nameColumn, column('Endpoints', 'string', ['V1Endpoints', 'subsets']), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), formatEndpoints(o), age(o, now)] }),
  },

  '/PodTemplate': {
    columns: [
      nameColumn,
      column('Containers', 'string', 'Names of each container in the template.'),
      column('Images', 'string', 'Images referenced by each container in the template.'),
      column('Pod Labels', 'string', 'The labels for the pod template.'),
    ],
    row: (o: Obj) => {
      const [names, images] = layoutContainerCells(o.template?.spec?.containers);
      return { cells: [name(o), names, images, formatLabels(o.template?.metadata?.labels)] };
    },
  },

  '/ReplicationController': {
    columns: [
      nameColumn,
      column('Desired', 'integer', ['V1ReplicationControllerSpec', 'replicas']),
      column('Current', 'integer', ['V1ReplicationControllerStatus', 'replicas']),
      column('Ready', 'integer', ['V1ReplicationControllerStatus', 'readyReplicas']),
      ageColumn,
      containersColumn,
      imagesColumn,
      wide('Selector', 'string', ['V1ReplicationControllerSpec', 'selector']),
    ],
    row: (o: Obj, now) => {
      const [names, images] = layoutContainerCells(o.spec?.template?.spec?.containers);
      return {
        cells: [name(o), num(o.spec?.replicas ?? 1), num(o.status?.replicas), num(o.status?.readyReplicas), age(o, now), names, images, formatLabels(o.spec?.selector)],
      };
    },
  },

  '/LimitRange': { columns: roleColumns, row: (o: Obj) => ({ cells: roleRow(o) }) },

  '/ResourceQuota': {
    columns: [
      nameColumn,
      column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
      column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
      ageColumn,
    ],
    row: (o: Obj, now) => {
      const hard: Record<string, string> = o.status?.hard ?? {};
      const used: Record<string, string> = o.status?.used ?? {};
      const request: string[] = [];
      const limit: string[] = [];
      for (const resource of Object.keys(hard).sort()) {
        const text = `${resource}: ${canonicalQuantity(used[resource] ?? '0')}/${canonicalQuantity(hard[resource])}`;
        (resource.split('.')[0] === 'limits' && resource.includes('.') ? limit : request).push(text);
      }
      return { cells: [name(o), request.join(', '), limit.join(', '), age(o, now)] };
    },
  },

  'policy/PodDisruptionBudget': {
    columns: [
      nameColumn,
      column('Min Available', 'string', 'The minimum number of pods that must be available.'),
      column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
      column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
      ageColumn,
    ],
    row: (o: Obj, now) => ({
      cells: [
        name(o),
        o.spec?.minAvailable !== undefined ? intOrString(o.spec.minAvailable) : 'N/A',
        o.spec?.maxUnavailable !== undefined ? intOrString(o.spec.maxUnavailable) : 'N/A',
        num(o.status?.disruptionsAllowed),
        age(o, now),
      ],
    }),
  },

  'coordination.k8s.io/Lease': {
    columns: [nameColumn, column('Holder', 'string', ['V1LeaseSpec', 'holderIdentity']), ageColumn],
    row: (o: Obj, now) => ({ cells: [name(o), o.spec?.holderIdentity ?? '', age(o, now)] }),
  },

  'rbac.authorization.k8s.io/Role': { columns: roleColumns, row: (o: Obj) => ({ cells: roleRow(o) }) },
  'rbac.authorization.k8s.io/ClusterRole': { columns: roleColumns, row: (o: Obj) => ({ cells: roleRow(o) }) },
  'rbac.authorization.k8s.io/RoleBinding': { columns: bindingColumns('V1RoleBinding', 'roleBinding'), row: (o: Obj, now) => ({ cells: bindingRow(o, now) }) },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { columns: bindingColumns('V1ClusterRoleBinding', 'clusterRoleBinding'), row: (o: Obj, now) => ({ cells: bindingRow(o, now) }) },
};

// events.k8s.io/v1 Events print with the core printer (after conversion to the core form).
printers['events.k8s.io/Event'] = printers['/Event']!;


/**
 * defaultPrinter is the apiserver's default table convertor for kinds
 * without a printer (k8s.io/apiserver pkg/registry/rest/table.go): NAME and
 * `Created At` as an RFC3339 date.
 */
export const defaultPrinter: Printer = {
  columns: [nameColumn, createdAtColumn],
  row: (o: KObject) => ({ cells: [o.metadata?.name ?? '', rfc3339(o.metadata?.creationTimestamp)] }),
};
