/**
 * cephCsiAddon is ceph-csi v3.14's RBD driver (ceph/ceph-csi
 * deploy/rbd/kubernetes: csi-provisioner-rbac.yaml, csi-nodeplugin-rbac.yaml,
 * csi-rbdplugin-provisioner.yaml, csi-rbdplugin.yaml, ceph-conf.yaml,
 * csi-kms-config-map.yaml) in namespace ceph-csi-rbd, trimmed to what the
 * lab uses. The bootstrap's "registering ceph-csi" step already creates the
 * CSIDriver and the ceph-csi-config ConfigMap (one copy of each).
 *
 * - Deployment `csi-rbdplugin-provisioner`: containers csi-provisioner,
 *   csi-resizer, csi-snapshotter, csi-attacher and csi-rbdplugin with the
 *   manifest's arguments. One replica (the manifest has 3 with required
 *   anti-affinity, one per node; the Helm chart's `provisioner.replicaCount`
 *   sets it), tolerating the control-plane taint and pinned there with a
 *   nodeSelector (the chart's `provisioner.nodeSelector`/`tolerations`): a
 *   replica on a worker would make the two workers unequal for the
 *   scheduler and move learner pods, and powering a worker off in lesson 7
 *   would stop provisioning for a while. Its pod is the provisioner: while
 *   it runs, rbd.csi.ceph.com claims are provisioned and resized
 *   (../../images/ceph-csi/, ../../controllers/provisioners/).
 * - DaemonSet `csi-rbdplugin`: driver-registrar and csi-rbdplugin on every
 *   node without the control-plane taint, i.e. both workers, with no
 *   resource requests (as the manifest), so the workers stay equal.
 *
 * Left out: the liveness-prometheus and csi-rbdplugin-controller containers,
 * the metrics Services, the host /dev, /sys, /lib/modules, /run/mount and
 * kubelet pods-dir mounts (the simulated node plugin maps nothing; the
 * kubelet model stages RBD volumes itself), and the oidc-token volume.
 */
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import { cephcsiImageRef, sidecarImageRef } from '../../images/ceph-csi/index.ts';
import { scheduledOn, type Addon } from './types.ts';

const namespace = clusterShape.ceph.csiNamespace;
const driver = clusterShape.ceph.csiDriver;

const rbac = (kind: string, metadata: Record<string, unknown>, rest: Record<string, unknown>) =>
  ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata, ...rest }) as unknown as KObject;
const sa = (name: string) => ({ kind: 'ServiceAccount', name, namespace });

const objects = (): KObject[] => [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'rbd-csi-provisioner', namespace } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'rbd-csi-nodeplugin', namespace } },
  rbac('ClusterRole', { name: 'rbd-external-provisioner-runner' }, {
    rules: [
      { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['events'], verbs: ['list', 'watch', 'create', 'update', 'patch'] },
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete', 'patch'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'update'] },
      { apiGroups: [''], resources: ['persistentvolumeclaims/status'], verbs: ['update', 'patch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshots', 'volumesnapshotcontents', 'volumesnapshotclasses'], verbs: ['get', 'list', 'watch', 'update', 'patch', 'create'] },
      { apiGroups: ['snapshot.storage.k8s.io'], resources: ['volumesnapshotcontents/status'], verbs: ['update', 'patch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments/status'], verbs: ['patch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['csinodes'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
    ],
  }),
  rbac('ClusterRoleBinding', { name: 'rbd-csi-provisioner-role' }, {
    subjects: [sa('rbd-csi-provisioner')],
    roleRef: { kind: 'ClusterRole', name: 'rbd-external-provisioner-runner', apiGroup: 'rbac.authorization.k8s.io' },
  }),
  rbac('Role', { name: 'rbd-external-provisioner-cfg', namespace }, {
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'watch', 'list', 'delete', 'update', 'create'] },
    ],
  }),
  rbac('RoleBinding', { name: 'rbd-csi-provisioner-role-cfg', namespace }, {
    subjects: [sa('rbd-csi-provisioner')],
    roleRef: { kind: 'Role', name: 'rbd-external-provisioner-cfg', apiGroup: 'rbac.authorization.k8s.io' },
  }),
  rbac('ClusterRole', { name: 'rbd-csi-nodeplugin' }, {
    rules: [
      { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get'] },
      { apiGroups: ['storage.k8s.io'], resources: ['volumeattachments'], verbs: ['list', 'get'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get'] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
    ],
  }),
  rbac('ClusterRoleBinding', { name: 'rbd-csi-nodeplugin' }, {
    subjects: [sa('rbd-csi-nodeplugin')],
    roleRef: { kind: 'ClusterRole', name: 'rbd-csi-nodeplugin', apiGroup: 'rbac.authorization.k8s.io' },
  }),
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ceph-config', namespace },
    data: { 'ceph.conf': '[global]\nauth_cluster_required = cephx\nauth_service_required = cephx\nauth_client_required = cephx\n', keyring: '' },
  } as unknown as KObject,
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ceph-csi-encryption-kms-config', namespace }, data: { 'config.json': '{}' } } as unknown as KObject,
];

const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const configVolumes = [
  { name: 'ceph-csi-config', configMap: { name: 'ceph-csi-config' } },
  { name: 'ceph-config', configMap: { name: 'ceph-config' } },
  { name: 'ceph-csi-encryption-kms-config', configMap: { name: 'ceph-csi-encryption-kms-config' } },
  { name: 'keys-tmp-dir', emptyDir: { medium: 'Memory' } },
];
const configMounts = [
  { name: 'ceph-csi-config', mountPath: '/etc/ceph-csi-config/' },
  { name: 'ceph-config', mountPath: '/etc/ceph/' },
  { name: 'ceph-csi-encryption-kms-config', mountPath: '/etc/ceph-csi-encryption-kms-config/' },
  { name: 'keys-tmp-dir', mountPath: '/tmp/csi/keys' },
];
const controlPlaneToleration = { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' };

/** sidecar is one Kubernetes CSI sidecar of the provisioner pod, talking to the driver on the shared socket. */
const sidecar = (name: 'csi-provisioner' | 'csi-resizer' | 'csi-snapshotter' | 'csi-attacher', args: string[]) => ({
  name,
  image: sidecarImageRef(name),
  imagePullPolicy: 'IfNotPresent',
  args,
  env: [{ name: 'ADDRESS', value: 'unix:///csi/csi-provisioner.sock' }],
  volumeMounts: [{ name: 'socket-dir', mountPath: '/csi' }],
});

/** csiRbdpluginProvisioner is deploy/rbd/kubernetes/csi-rbdplugin-provisioner.yaml (see the file comment for the replica count and placement). */
export const csiRbdpluginProvisioner = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'csi-rbdplugin-provisioner', namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'csi-rbdplugin-provisioner' } },
    template: {
      metadata: { labels: { app: 'csi-rbdplugin-provisioner' } },
      spec: {
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [
              { labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['csi-rbdplugin-provisioner'] }] }, topologyKey: 'kubernetes.io/hostname' },
            ],
          },
        },
        nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
        tolerations: [controlPlaneToleration],
        serviceAccountName: 'rbd-csi-provisioner',
        priorityClassName: 'system-cluster-critical',
        containers: [
          sidecar('csi-provisioner', ['--csi-address=$(ADDRESS)', '--v=1', '--timeout=150s', '--retry-interval-start=500ms', '--leader-election=true', '--feature-gates=HonorPVReclaimPolicy=true', '--prevent-volume-mode-conversion=true', '--default-fstype=ext4', '--extra-create-metadata=true', '--immediate-topology=false']),
          sidecar('csi-snapshotter', ['--csi-address=$(ADDRESS)', '--v=1', '--timeout=150s', '--leader-election=true', '--extra-create-metadata=true', '--feature-gates=CSIVolumeGroupSnapshot=true']),
          sidecar('csi-attacher', ['--v=1', '--csi-address=$(ADDRESS)', '--leader-election=true', '--retry-interval-start=500ms', '--default-fstype=ext4']),
          sidecar('csi-resizer', ['--csi-address=$(ADDRESS)', '--v=1', '--timeout=150s', '--leader-election', '--retry-interval-start=500ms', '--handle-volume-inuse-error=false', '--feature-gates=RecoverVolumeExpansionFailure=true']),
          {
            name: 'csi-rbdplugin',
            image: cephcsiImageRef,
            imagePullPolicy: 'IfNotPresent',
            args: ['--nodeid=$(NODE_ID)', '--type=rbd', '--controllerserver=true', '--endpoint=$(CSI_ENDPOINT)', '--csi-addons-endpoint=$(CSI_ADDONS_ENDPOINT)', '--v=5', `--drivername=${driver}`, '--pidlimit=-1', '--rbdhardmaxclonedepth=8', '--rbdsoftmaxclonedepth=4', '--enableprofiling=false', '--setmetadata=true'],
            env: [
              fieldEnv('POD_IP', 'status.podIP'),
              fieldEnv('NODE_ID', 'spec.nodeName'),
              fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
              { name: 'CSI_ENDPOINT', value: 'unix:///csi/csi-provisioner.sock' },
              { name: 'CSI_ADDONS_ENDPOINT', value: 'unix:///csi/csi-addons.sock' },
            ],
            volumeMounts: [{ name: 'socket-dir', mountPath: '/csi' }, ...configMounts],
          },
        ],
        volumes: [{ name: 'socket-dir', emptyDir: { medium: 'Memory' } }, ...configVolumes],
      },
    },
  },
} as unknown as KObject;

/** csiRbdplugin is deploy/rbd/kubernetes/csi-rbdplugin.yaml, the node plugin DaemonSet. */
export const csiRbdplugin = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'csi-rbdplugin', namespace },
  spec: {
    selector: { matchLabels: { app: 'csi-rbdplugin' } },
    template: {
      metadata: { labels: { app: 'csi-rbdplugin' } },
      spec: {
        serviceAccountName: 'rbd-csi-nodeplugin',
        hostNetwork: true,
        hostPID: true,
        priorityClassName: 'system-node-critical',
        dnsPolicy: 'ClusterFirstWithHostNet',
        containers: [
          {
            name: 'driver-registrar',
            image: sidecarImageRef('csi-node-driver-registrar'),
            imagePullPolicy: 'IfNotPresent',
            args: ['--v=1', '--csi-address=/csi/csi.sock', `--kubelet-registration-path=/var/lib/kubelet/plugins/${driver}/csi.sock`],
            env: [fieldEnv('KUBE_NODE_NAME', 'spec.nodeName')],
            volumeMounts: [
              { name: 'socket-dir', mountPath: '/csi' },
              { name: 'registration-dir', mountPath: '/registration' },
            ],
          },
          {
            name: 'csi-rbdplugin',
            image: cephcsiImageRef,
            imagePullPolicy: 'IfNotPresent',
            args: ['--nodeid=$(NODE_ID)', '--pluginpath=/var/lib/kubelet/plugins', '--stagingpath=/var/lib/kubelet/plugins/kubernetes.io/csi/', '--type=rbd', '--nodeserver=true', '--endpoint=$(CSI_ENDPOINT)', '--csi-addons-endpoint=$(CSI_ADDONS_ENDPOINT)', '--v=5', `--drivername=${driver}`, '--enableprofiling=false'],
            env: [
              fieldEnv('POD_IP', 'status.podIP'),
              fieldEnv('NODE_ID', 'spec.nodeName'),
              fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
              { name: 'CSI_ENDPOINT', value: 'unix:///csi/csi.sock' },
              { name: 'CSI_ADDONS_ENDPOINT', value: 'unix:///csi/csi-addons.sock' },
            ],
            securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] }, allowPrivilegeEscalation: true },
            volumeMounts: [{ name: 'socket-dir', mountPath: '/csi' }, { name: 'plugin-dir', mountPath: '/var/lib/kubelet/plugins' }, ...configMounts],
          },
        ],
        volumes: [
          { name: 'socket-dir', hostPath: { path: `/var/lib/kubelet/plugins/${driver}`, type: 'DirectoryOrCreate' } },
          { name: 'plugin-dir', hostPath: { path: '/var/lib/kubelet/plugins', type: 'DirectoryOrCreate' } },
          { name: 'registration-dir', hostPath: { path: '/var/lib/kubelet/plugins_registry/', type: 'DirectoryOrCreate' } },
          ...configVolumes,
        ],
      },
    },
  },
} as unknown as KObject;

export const cephCsiAddon: Addon = {
  step: 'installing ceph-csi (RBD)',
  objects: () => [...objects(), scheduledOn(clusterShape.nodes.controlPlane, structuredClone(csiRbdpluginProvisioner)), structuredClone(csiRbdplugin)],
};
