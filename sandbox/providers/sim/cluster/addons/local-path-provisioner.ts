/**
 * localPathProvisionerAddon is kind v0.29's default storage manifest
 * (pkg/build/nodeimage/const_storage.go) minus the pieces the bootstrap's
 * "installing storage" step already creates (the namespace, the `standard`
 * StorageClass and the local-path-config ConfigMap — one copy of each):
 * the provisioner's ServiceAccount, ClusterRole/Role and their bindings,
 * and the `local-path-provisioner` Deployment (one replica, kind's
 * tolerations and nodeSelector, the config volume from local-path-config).
 *
 * Its pod runs on lab-control-plane, as on kind, where kind installs storage
 * right after `kubeadm init`, before any worker has joined (see
 * ScheduledDeployment); a replacement pod (the learner deletes it, or scales
 * the Deployment down and up) goes through the scheduler like any other.
 * The pod is the provisioner: while it runs, claims of class `standard` are
 * provisioned and its log has the provisioner's lines
 * (../../images/local-path-provisioner/, ../../controllers/provisioners/).
 *
 * kind applies the manifest with `kubectl apply`, so every object carries
 * the last-applied-configuration annotation.
 */
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import { localPathServiceAccount } from '../../controllers/provisioners/service-keys.ts';
import { localPathHelperImageRef, localPathProvisionerImageRef } from '../../images/local-path-provisioner/index.ts';
import { scheduledOn, type Addon } from './types.ts';

const namespace = clusterShape.localPathProvisioner.namespace;

/** appliedByKubectl adds the annotation `kubectl apply` writes (kind's installstorage action applies the manifest). */
function appliedByKubectl<T extends KObject>(obj: T): T {
  const applied = JSON.stringify(obj) + '\n';
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...(obj.metadata.annotations ?? {}), 'kubectl.kubernetes.io/last-applied-configuration': applied } } };
}

const rbac = (kind: string, metadata: Record<string, unknown>, rest: Record<string, unknown>) =>
  ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata, ...rest }) as unknown as KObject;

const objects = (): KObject[] => [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: localPathServiceAccount, namespace } },
  rbac('Role', { name: 'local-path-provisioner-role', namespace }, {
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] }],
  }),
  rbac('ClusterRole', { name: 'local-path-provisioner-role' }, {
    rules: [
      { apiGroups: [''], resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
    ],
  }),
  rbac('RoleBinding', { name: 'local-path-provisioner-bind', namespace }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'local-path-provisioner-role' },
    subjects: [{ kind: 'ServiceAccount', name: localPathServiceAccount, namespace }],
  }),
  rbac('ClusterRoleBinding', { name: 'local-path-provisioner-bind' }, {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'local-path-provisioner-role' },
    subjects: [{ kind: 'ServiceAccount', name: localPathServiceAccount, namespace }],
  }),
];

/** localPathProvisionerDeployment is kind's Deployment, field for field. */
export const localPathProvisionerDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'local-path-provisioner', namespace },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'local-path-provisioner' } },
    template: {
      metadata: { labels: { app: 'local-path-provisioner' } },
      spec: {
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [
          { key: 'node-role.kubernetes.io/control-plane', operator: 'Equal', effect: 'NoSchedule' },
          { key: 'node-role.kubernetes.io/master', operator: 'Equal', effect: 'NoSchedule' },
        ],
        serviceAccountName: localPathServiceAccount,
        containers: [
          {
            name: 'local-path-provisioner',
            image: localPathProvisionerImageRef,
            imagePullPolicy: 'IfNotPresent',
            command: ['local-path-provisioner', '--debug', 'start', '--helper-image', localPathHelperImageRef, '--config', '/etc/config/config.json'],
            volumeMounts: [{ name: 'config-volume', mountPath: '/etc/config/' }],
            env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
          },
        ],
        volumes: [{ name: 'config-volume', configMap: { name: clusterShape.localPathProvisioner.configMap } }],
      },
    },
  },
} as unknown as KObject;

export const localPathProvisionerAddon: Addon = {
  step: 'installing the local-path provisioner',
  objects: () => [...objects().map(appliedByKubectl), scheduledOn(clusterShape.nodes.controlPlane, appliedByKubectl(structuredClone(localPathProvisionerDeployment)))],
};
