/**
 * ref-descriptions restores upstream field descriptions that client-node's
 * generator drops: a field whose type is another model (`spec`, `claimRef`,
 * `nfs`, …) loses its doc comment there. These are the texts from
 * k8s.io/api types.go for the fields the course and the Table columns use;
 * other model-typed fields fall back to the referenced type's description
 * (see docs.ts).
 */
const objectMeta = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const podSpec = 'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status';

/** refDescriptions is keyed by `<client-node model>.<field>`. */
export const refDescriptions: Record<string, string> = {
  'V1Pod.spec': podSpec,
  'V1Pod.status': 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
  'V1PodTemplateSpec.metadata': objectMeta,
  'V1PodTemplateSpec.spec': podSpec,
  'V1PodSpec.affinity': "If specified, the pod's scheduling constraints",
  'V1PodSpec.securityContext': 'SecurityContext holds pod-level security attributes and common container settings. Optional: Defaults to empty.  See type description for default values of each field.',
  'V1PodSpec.dnsConfig': 'Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.',
  'V1Container.resources': 'Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  'V1Container.securityContext': 'SecurityContext defines the security options the container should be run with. If set, the fields of SecurityContext override the equivalent fields of PodSecurityContext. More info: https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  'V1Container.livenessProbe': 'Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes',
  'V1Container.readinessProbe': 'Periodic probe of container service readiness. Container will be removed from service endpoints if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes',
  'V1Container.startupProbe': 'StartupProbe indicates that the Pod has successfully initialized. If specified, no other probes are executed until this completes successfully. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes',
  'V1Container.lifecycle': 'Actions that the management system should take in response to container lifecycle events. Cannot be updated.',

  'V1Volume.persistentVolumeClaim': 'persistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
  'V1Volume.configMap': 'configMap represents a configMap that should populate this volume',
  'V1Volume.secret': 'secret represents a secret that should populate this volume. More info: https://kubernetes.io/docs/concepts/storage/volumes#secret',
  'V1Volume.emptyDir': "emptyDir represents a temporary directory that shares a pod's lifetime. More info: https://kubernetes.io/docs/concepts/storage/volumes#emptydir",
  'V1Volume.hostPath': 'hostPath represents a pre-existing file or directory on the host machine that is directly exposed to the container. This is generally used for system agents or other privileged things that are allowed to see the host machine. Most containers will NOT need this. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
  'V1Volume.nfs': "nfs represents an NFS mount on the host that shares a pod's lifetime More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs",
  'V1Volume.csi': 'csi (Container Storage Interface) represents ephemeral storage that is handled by certain external CSI drivers.',
  'V1Volume.ephemeral': "ephemeral represents a volume that is handled by a cluster storage driver. The volume's lifecycle is tied to the pod that defines it - it will be created before the pod starts, and deleted when the pod is removed.",
  'V1Volume.projected': 'projected items for all in one resources secrets, configmaps, and downward API',
  'V1Volume.downwardAPI': 'downwardAPI represents downward API about the pod that should populate this volume',
  'V1Volume.image': "image represents an OCI object (a container image or artifact) pulled and mounted on the kubelet's host machine.",
  'V1Volume.rbd': "rbd represents a Rados Block Device mount on the host that shares a pod's lifetime. Deprecated: RBD is deprecated and the in-tree rbd type is no longer supported.",
  'V1Volume.cephfs': "cephFS represents a Ceph FS mount on the host that shares a pod's lifetime. Deprecated: CephFS is deprecated and the in-tree cephfs type is no longer supported.",
  'V1Volume.iscsi': "iscsi represents an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes/#iscsi",
  'V1EphemeralVolumeSource.volumeClaimTemplate': 'Will be used to create a stand-alone PVC to provision the volume. The pod in which this EphemeralVolumeSource is embedded will be the owner of the PVC, i.e. the PVC will be deleted together with the pod.  The name of the PVC will be `<pod name>-<volume name>` where `<volume name>` is the name from the `PodSpec.Volumes` array entry.',
  'V1PersistentVolumeClaimTemplate.metadata': 'May contain labels and annotations that will be copied into the PVC when creating it. No other fields are allowed and will be rejected during validation.',
  'V1PersistentVolumeClaimTemplate.spec': 'The specification for the PersistentVolumeClaim. The entire content is copied unchanged into the PVC that gets created from this template. The same fields as in a PersistentVolumeClaim are also valid here.',
  'V1CSIVolumeSource.nodePublishSecretRef': 'nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. This field is optional, and  may be empty if no secret is required. If the secret object contains more than one secret, all secret references are passed.',

  'V1PersistentVolume.spec': 'spec defines a specification of a persistent volume owned by the cluster. Provisioned by an administrator. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes',
  'V1PersistentVolume.status': 'status represents the current information/status for the persistent volume. Populated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistent-volumes',
  'V1PersistentVolumeSpec.claimRef': 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding',
  'V1PersistentVolumeSpec.csi': 'csi represents storage that is handled by an external CSI driver.',
  'V1PersistentVolumeSpec.nfs': 'nfs represents an NFS mount on the host. Provisioned by an admin. More info: https://kubernetes.io/docs/concepts/storage/volumes#nfs',
  'V1PersistentVolumeSpec.hostPath': 'hostPath represents a directory on the host. Provisioned by a developer or tester. This is useful for single-node development and testing only! On-host storage is not supported in any way and WILL NOT WORK in a multi-node cluster. More info: https://kubernetes.io/docs/concepts/storage/volumes#hostpath',
  'V1PersistentVolumeSpec.local': 'local represents directly-attached storage with node affinity',
  'V1PersistentVolumeSpec.nodeAffinity': 'nodeAffinity defines constraints that limit what nodes this volume can be accessed from. This field influences the scheduling of pods that use this volume.',
  'V1PersistentVolumeSpec.rbd': "rbd represents a Rados Block Device mount on the host that shares a pod's lifetime. Deprecated: RBD is deprecated and the in-tree rbd type is no longer supported. More info: https://examples.k8s.io/volumes/rbd/README.md",
  'V1PersistentVolumeSpec.cephfs': "cephFS represents a Ceph FS mount on the host that shares a pod's lifetime. Deprecated: CephFS is deprecated and the in-tree cephfs type is no longer supported.",
  'V1PersistentVolumeSpec.iscsi': "iscsi represents an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod. Provisioned by an admin.",
  'V1PersistentVolumeSpec.fc': "fc represents a Fibre Channel resource that is attached to a kubelet's host machine and then exposed to the pod.",
  'V1CSIPersistentVolumeSource.nodePublishSecretRef': 'nodePublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodePublishVolume and NodeUnpublishVolume calls. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
  'V1CSIPersistentVolumeSource.nodeStageSecretRef': 'nodeStageSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodeStageVolume and NodeStageVolume and NodeUnstageVolume calls. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
  'V1CSIPersistentVolumeSource.controllerPublishSecretRef': 'controllerPublishSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI ControllerPublishVolume and ControllerUnpublishVolume calls. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
  'V1CSIPersistentVolumeSource.controllerExpandSecretRef': 'controllerExpandSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI ControllerExpandVolume call. This field is optional, and may be empty if no secret is required. If the secret object contains more than one secret, all secrets are passed.',
  'V1CSIPersistentVolumeSource.nodeExpandSecretRef': 'nodeExpandSecretRef is a reference to the secret object containing sensitive information to pass to the CSI driver to complete the CSI NodeExpandVolume call. This field is optional, may be omitted if no secret is required. If the secret object contains more than one secret, all secrets are passed.',

  'V1PersistentVolumeClaim.spec': 'spec defines the desired characteristics of a volume requested by a pod author. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
  'V1PersistentVolumeClaim.status': 'status represents the current information/status of a persistent volume claim. Read-only. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#persistentvolumeclaims',
  'V1PersistentVolumeClaimSpec.dataSource': 'dataSource field can be used to specify either: * An existing VolumeSnapshot object (snapshot.storage.k8s.io/VolumeSnapshot) * An existing PVC (PersistentVolumeClaim) If the provisioner or an external controller can support the specified data source, it will create a new volume based on the contents of the specified data source.',
  'V1PersistentVolumeClaimSpec.dataSourceRef': 'dataSourceRef specifies the object from which to populate the volume with data, if a non-empty volume is desired. This may be any object from a non-empty API group (non core object) or a PersistentVolumeClaim object. When this field is specified, volume binding will only succeed if the type of the specified object matches some installed volume populator or dynamic provisioner.',
  'V1PersistentVolumeClaimSpec.resources': 'resources represents the minimum resources the volume should have. If RecoverVolumeExpansionFailure feature is enabled users are allowed to specify resource requirements that are lower than previous value but must still be higher than capacity recorded in the status field of the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#resources',
  'V1PersistentVolumeClaimSpec.selector': 'selector is a label query over volumes to consider for binding.',
  'V1PersistentVolumeClaimStatus.modifyVolumeStatus': 'ModifyVolumeStatus represents the status object of ControllerModifyVolume operation. When this is unset, there is no ModifyVolume operation being attempted.',
  'V1StatefulSetSpec.persistentVolumeClaimRetentionPolicy': 'persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are created as needed and retained until manually deleted. This policy allows the lifecycle to be altered, for example by deleting persistent volume claims when their stateful set is deleted, or when their pod is scaled down.',

  'V1VolumeAttachment.spec': 'spec represents specification of the desired attach/detach volume behavior. Populated by the Kubernetes system.',
  'V1VolumeAttachment.status': 'status represents status of the VolumeAttachment request. Populated by the entity completing the attach or detach operation, i.e. the external-attacher.',
  'V1VolumeAttachmentSpec.source': 'source represents the volume that should be attached.',
  'V1VolumeAttachmentStatus.attachError': 'attachError represents the last error encountered during attach operation, if any. This field must only be set by the entity completing the attach operation, i.e. the external-attacher.',
  'V1VolumeAttachmentStatus.detachError': 'detachError represents the last error encountered during detach operation, if any. This field must only be set by the entity completing the detach operation, i.e. the external-attacher.',
  'V1VolumeAttachmentSource.inlineVolumeSpec': "inlineVolumeSpec contains all the information necessary to attach a persistent volume defined by a pod's inline VolumeSource. This field is populated only for the CSIMigration feature. It contains translated fields from a pod's inline VolumeSource to a PersistentVolumeSpec.",
  'V1CSIDriver.spec': 'spec represents the specification of the CSI Driver.',
  'V1CSINode.spec': 'spec is the specification of CSINode',
  'V1CSINodeDriver.allocatable': 'allocatable represents the volume resources of a node that are available for scheduling. This field is beta.',
  'V1CSIStorageCapacity.nodeTopology': 'nodeTopology defines which nodes have access to the storage for which capacity was reported. If not set, the storage is not accessible from any node in the cluster. If empty, the storage is accessible from all nodes. This field is immutable.',

  'CoreV1Event.involvedObject': 'The object that this event is about.',
  'CoreV1Event.source': 'The component reporting this event. Should be a short machine understandable string.',
  'EventsV1Event.regarding': 'regarding contains the object this Event is about. In most cases it\'s an Object reporting controller implements, e.g. ReplicaSetController implements ReplicaSets and this event is emitted because it acts on some changes in a ReplicaSet object.',
  'V1DeploymentSpec.selector': "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
  'V1DeploymentSpec.template': 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".',
  'V1ReplicaSetSpec.selector': "Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  'V1DaemonSetSpec.selector': "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  'V1StatefulSetSpec.selector': "selector is a label query over pods that should match the replica count. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
  'V1StatefulSetSpec.template': 'template is the object that describes the pod that will be created if insufficient replicas are detected. Each pod stamped out by the StatefulSet will fulfill this Template, but have a unique identity from the rest of the StatefulSet.',
  'V1JobSpec.selector': 'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
  'V1RoleBinding.roleRef': 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
  'V1ClusterRoleBinding.roleRef': 'RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
};

/** standardDescription covers the fields every kind shares (`metadata`, `spec`, `status`). */
export function standardDescription(model: string, field: string, kindName: string): string | undefined {
  if (field === 'metadata') {
    return model.endsWith('List')
      ? 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'
      : objectMeta;
  }
  if (field === 'spec') return `Specification of the desired behavior of the ${kindName}.`;
  if (field === 'status') return `Most recently observed status of the ${kindName}.`;
  return undefined;
}
