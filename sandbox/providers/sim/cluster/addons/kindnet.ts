/**
 * kindnetAddon is kind's default CNI, kindnetd, as kind v0.29 installs it
 * (pkg/build/nodeimage/const_cni.go): the kindnet ServiceAccount,
 * ClusterRole and binding, and the kindnet DaemonSet — one hostNetwork pod
 * per node, tolerating every taint, requesting 100m CPU and 50Mi memory.
 *
 * Simulated: pod networking is the sim's model, not kindnetd's routes; the
 * pods are stand-ins that say so in their log (../../images/kube-system/).
 */
import type { KObject } from '../../store/types.ts';
import type { Addon } from './types.ts';
import { kindImages, podSubnet } from './versions.ts';

const labels = { tier: 'node', app: 'kindnet', 'k8s-app': 'kindnet' };

/** kindnetDaemonSet is the DaemonSet of kind's CNI manifest with kind's template values filled in. */
export const kindnetDaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'kindnet', namespace: 'kube-system', labels: { ...labels } },
  spec: {
    selector: { matchLabels: { app: 'kindnet' } },
    template: {
      metadata: { labels: { ...labels } },
      spec: {
        hostNetwork: true,
        tolerations: [{ operator: 'Exists' }],
        serviceAccountName: 'kindnet',
        containers: [
          {
            name: 'kindnet-cni',
            image: kindImages.kindnetd,
            env: [
              { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'POD_SUBNET', value: podSubnet },
              { name: 'CONTROL_PLANE_ENDPOINT', value: 'lab-control-plane:6443' },
            ],
            volumeMounts: [
              { name: 'cni-cfg', mountPath: '/etc/cni/net.d' },
              { name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false },
              { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
              { name: 'nri-plugin', mountPath: '/var/run/nri' },
            ],
            resources: { requests: { cpu: '100m', memory: '50Mi' }, limits: { cpu: '100m', memory: '50Mi' } },
            securityContext: { privileged: false, capabilities: { add: ['NET_RAW', 'NET_ADMIN'] } },
          },
        ],
        volumes: [
          { name: 'cni-cfg', hostPath: { path: '/etc/cni/net.d', type: 'DirectoryOrCreate' } },
          { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
          { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
          { name: 'nri-plugin', hostPath: { path: '/var/run/nri' } },
        ],
      },
    },
  },
} as unknown as KObject;

export const kindnetAddon: Addon = {
  step: 'installing CNI (kindnet)',
  objects: () => [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kindnet' },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch', 'patch'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
        { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
      ],
    } as unknown as KObject,
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kindnet' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kindnet' },
      subjects: [{ kind: 'ServiceAccount', name: 'kindnet', namespace: 'kube-system' }],
    } as unknown as KObject,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kindnet', namespace: 'kube-system' } },
    structuredClone(kindnetDaemonSet),
  ],
};
