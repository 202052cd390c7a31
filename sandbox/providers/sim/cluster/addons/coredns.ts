/**
 * corednsAddon is kubeadm's CoreDNS add-on (cmd/kubeadm/app/phases/addons/dns/manifests.go
 * for v1.33): the coredns ServiceAccount, ClusterRole and binding, the
 * `coredns` ConfigMap with kubeadm's Corefile, the `coredns` Deployment
 * (two replicas, k8s-app=kube-dns) and the `kube-dns` Service on 10.96.0.10.
 * Both replicas run on lab-control-plane, as on kind, where `kubeadm init`
 * schedules them before any worker has joined (see ScheduledDeployment).
 *
 * Simulated: the sim answers no DNS queries; the pods are stand-ins that
 * say so in their log (../../images/kube-system/).
 */
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import { scheduledOn, type Addon } from './types.ts';
import { kindImages } from './versions.ts';

/** corefile is kubeadm's default Corefile for the cluster.local domain. */
export const corefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
`;

/** kubeDnsIP is the DNS Service's address: the tenth address of kind's service subnet, as kubeadm picks it. */
export const kubeDnsIP = '10.96.0.10';

const labels = { 'k8s-app': 'kube-dns' };

const objects: KObject[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'coredns', namespace: 'kube-system' } },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:coredns' },
    rules: [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ],
  } as unknown as KObject,
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'system:coredns' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
    subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }],
  } as unknown as KObject,
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: corefile } },
];

/** corednsDeployment is kubeadm's CoreDNS Deployment. */
export const corednsDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'coredns', namespace: 'kube-system', labels: { ...labels } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { ...labels } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    template: {
      metadata: { labels: { ...labels } },
      spec: {
        priorityClassName: 'system-cluster-critical',
        serviceAccountName: 'coredns',
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] }, topologyKey: 'kubernetes.io/hostname' } },
            ],
          },
        },
        tolerations: [
          { key: 'CriticalAddonsOnly', operator: 'Exists' },
          { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
        ],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        containers: [
          {
            name: 'coredns',
            image: kindImages.coredns,
            imagePullPolicy: 'IfNotPresent',
            resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
            args: ['-conf', '/etc/coredns/Corefile'],
            volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
            ports: [
              { containerPort: 53, name: 'dns', protocol: 'UDP' },
              { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
              { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
              { containerPort: 8080, name: 'liveness-probe', protocol: 'TCP' },
              { containerPort: 8181, name: 'readiness-probe', protocol: 'TCP' },
            ],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true },
            livenessProbe: { httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 },
            readinessProbe: { httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' } },
          },
        ],
        dnsPolicy: 'Default',
        volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
      },
    },
  },
} as unknown as KObject;

/** kubeDnsService is the `kube-dns` Service every pod's resolv.conf points at. */
export const kubeDnsService = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name: 'kube-dns',
    namespace: 'kube-system',
    labels: { ...labels, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
  },
  spec: {
    type: 'ClusterIP',
    clusterIP: kubeDnsIP,
    clusterIPs: [kubeDnsIP],
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
      { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
    ],
    selector: { ...labels },
  },
} as unknown as KObject;

export const corednsAddon: Addon = {
  step: 'installing CoreDNS',
  objects: () => [...structuredClone(objects), scheduledOn(clusterShape.nodes.controlPlane, structuredClone(corednsDeployment)), structuredClone(kubeDnsService)],
};
