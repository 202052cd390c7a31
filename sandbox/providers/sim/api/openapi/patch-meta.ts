/**
 * patch-meta lists the strategic-merge-patch tags (`patchStrategy`,
 * `patchMergeKey`) and list/map types (`+listType`, `+listMapKey`) that
 * k8s.io/api types.go puts on fields, which client-node's models do not
 * carry. kubectl's client-side apply reads `x-kubernetes-patch-merge-key` /
 * `x-kubernetes-patch-strategy` from OpenAPI v3 to compute its patch
 * (apimachinery pkg/util/strategicpatch/meta.go); the simulated server uses
 * the same table to apply strategic merge patches. Checked against the struct
 * tags compiled into kubectl 1.33 (patchStrategy/patchMergeKey next to each
 * field's protobuf number).
 */

/** FieldPatchMeta is one field's tags. */
export interface FieldPatchMeta {
  strategy?: string;
  mergeKey?: string;
  listType?: 'atomic' | 'set' | 'map';
  mapKeys?: string[];
  mapType?: 'atomic' | 'granular';
}

const mergeByName: FieldPatchMeta = { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] };
const conditions: FieldPatchMeta = { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] };
const containerFields: Record<string, FieldPatchMeta> = {
  ports: { strategy: 'merge', mergeKey: 'containerPort', listType: 'map', mapKeys: ['containerPort', 'protocol'] },
  env: mergeByName,
  volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'atomic' },
  volumeDevices: { strategy: 'merge', mergeKey: 'devicePath', listType: 'atomic' },
  resizePolicy: { listType: 'atomic' },
  envFrom: { listType: 'atomic' },
  command: { listType: 'atomic' },
  args: { listType: 'atomic' },
};

/** patchMetaTable is keyed by client-node model name, then JSON field name. */
export const patchMetaTable: Record<string, Record<string, FieldPatchMeta>> = {
  V1ObjectMeta: {
    finalizers: { strategy: 'merge', listType: 'set' },
    ownerReferences: { strategy: 'merge', mergeKey: 'uid', listType: 'map', mapKeys: ['uid'] },
    managedFields: { listType: 'atomic' },
  },
  V1PodSpec: {
    volumes: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
    initContainers: mergeByName,
    containers: mergeByName,
    ephemeralContainers: mergeByName,
    imagePullSecrets: mergeByName,
    hostAliases: { strategy: 'merge', mergeKey: 'ip', listType: 'map', mapKeys: ['ip'] },
    tolerations: { listType: 'atomic' },
    readinessGates: { listType: 'atomic' },
    topologySpreadConstraints: { strategy: 'merge', mergeKey: 'topologyKey', listType: 'map', mapKeys: ['topologyKey', 'whenUnsatisfiable'] },
    schedulingGates: mergeByName,
    resourceClaims: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
  },
  V1Container: containerFields,
  V1EphemeralContainer: containerFields,
  V1PodStatus: {
    conditions,
    podIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'map', mapKeys: ['ip'] },
    hostIPs: { strategy: 'merge', mergeKey: 'ip', listType: 'atomic' },
    initContainerStatuses: { listType: 'atomic' },
    containerStatuses: { listType: 'atomic' },
    ephemeralContainerStatuses: { listType: 'atomic' },
    resourceClaimStatuses: { strategy: 'merge,retainKeys', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
  },
  V1ContainerStatus: {
    volumeMounts: { strategy: 'merge', mergeKey: 'mountPath', listType: 'atomic' },
    allocatedResourcesStatus: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] },
  },
  V1PersistentVolumeSpec: { accessModes: { listType: 'atomic' }, mountOptions: { listType: 'atomic' } },
  V1PersistentVolumeClaimSpec: { accessModes: { listType: 'atomic' } },
  V1PersistentVolumeClaimStatus: { conditions, accessModes: { listType: 'atomic' } },
  V1NodeSpec: { podCIDRs: { strategy: 'merge', listType: 'set' }, taints: { listType: 'atomic' } },
  V1NodeStatus: {
    conditions,
    addresses: { strategy: 'merge', mergeKey: 'type', listType: 'map', mapKeys: ['type'] },
    volumesInUse: { listType: 'atomic' },
    volumesAttached: { listType: 'atomic' },
    images: { listType: 'atomic' },
  },
  V1NamespaceStatus: { conditions },
  V1ServiceSpec: {
    ports: { strategy: 'merge', mergeKey: 'port', listType: 'map', mapKeys: ['port', 'protocol'] },
    clusterIPs: { listType: 'atomic' },
    externalIPs: { listType: 'atomic' },
    ipFamilies: { listType: 'atomic' },
  },
  V1ServiceStatus: { conditions },
  V1ServiceAccount: { secrets: { strategy: 'merge', mergeKey: 'name', listType: 'atomic' }, imagePullSecrets: { listType: 'atomic' } },
  V1EndpointSubset: { addresses: { listType: 'atomic' }, notReadyAddresses: { listType: 'atomic' }, ports: { listType: 'atomic' } },
  V1DeploymentSpec: { strategy: { strategy: 'retainKeys' } },
  V1DeploymentStatus: { conditions },
  V1ReplicaSetStatus: { conditions },
  V1StatefulSetStatus: { conditions },
  V1DaemonSetStatus: { conditions },
  V1StatefulSetSpec: { volumeClaimTemplates: { listType: 'atomic' } },
  V1JobStatus: { conditions: { strategy: 'merge', mergeKey: 'type', listType: 'atomic' } },
  V1CronJobStatus: { active: { listType: 'atomic' } },
  V1PodDisruptionBudgetSpec: { selector: { strategy: 'replace' } },
  V1PodDisruptionBudgetStatus: { conditions },
  V1CSINodeSpec: { drivers: { strategy: 'merge', mergeKey: 'name', listType: 'map', mapKeys: ['name'] } },
  V1CSIDriverSpec: { volumeLifecycleModes: { listType: 'set' }, tokenRequests: { listType: 'atomic' } },
  V1StorageClass: { mountOptions: { listType: 'atomic' }, allowedTopologies: { listType: 'atomic' } },
  V1LabelSelector: { matchExpressions: { listType: 'atomic' } },
  V1ClusterRole: { rules: { listType: 'atomic' } },
  V1Role: { rules: { listType: 'atomic' } },
  V1RoleBinding: { subjects: { listType: 'atomic' } },
  V1ClusterRoleBinding: { subjects: { listType: 'atomic' } },
};

/**
 * quantityFields names the fields whose values are resource.Quantity
 * (`{ [key: string]: string; }` maps or plain strings in client-node).
 */
export const quantityFields = new Set([
  'V1ResourceRequirements.limits', 'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits', 'V1VolumeResourceRequirements.requests',
  'V1PersistentVolumeSpec.capacity', 'V1PersistentVolumeClaimStatus.capacity', 'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1NodeStatus.capacity', 'V1NodeStatus.allocatable',
  'V1ResourceQuotaSpec.hard', 'V1ResourceQuotaStatus.hard', 'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.default', 'V1LimitRangeItem.defaultRequest', 'V1LimitRangeItem.max', 'V1LimitRangeItem.min', 'V1LimitRangeItem.maxLimitRequestRatio',
  'V1PodSpec.overhead', 'V1ContainerStatus.allocatedResources',
  'V1EmptyDirVolumeSource.sizeLimit', 'V1CSIStorageCapacity.capacity', 'V1CSIStorageCapacity.maximumVolumeSize', 'V1ResourceFieldSelector.divisor',
]);
