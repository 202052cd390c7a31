/**
 * kubeProxyAddon is kubeadm's kube-proxy add-on (cmd/kubeadm/app/phases/addons/proxy/manifests.go
 * for v1.33): the kube-proxy ServiceAccount, the kubeadm:node-proxier
 * binding, the `kube-proxy` ConfigMap (config.conf with kind's settings,
 * kubeconfig.conf) and the DaemonSet, one hostNetwork pod per node.
 *
 * Simulated: Services are not proxied in the sim; the pods are stand-ins
 * that say so in their log (../../images/kube-system/).
 */
import type { KObject } from '../../store/types.ts';
import type { Addon } from './types.ts';
import { kindImages, podSubnet } from './versions.ts';

/** kubeProxyConfig is the KubeProxyConfiguration kind hands kubeadm (iptables mode, kind's pod subnet, conntrack left alone). */
export const kubeProxyConfig = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: ${podSubnet}
configSyncPeriod: 0s
conntrack:
  maxPerCore: 0
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 1s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: iptables
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""`;

/** kubeProxyKubeconfig is the in-cluster kubeconfig kube-proxy reads (service account token and CA from the pod). */
export const kubeProxyKubeconfig = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://lab-control-plane:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token`;

const labels = { 'k8s-app': 'kube-proxy' };

/** kubeProxyDaemonSet is kubeadm's kube-proxy DaemonSet. */
export const kubeProxyDaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { ...labels } },
  spec: {
    selector: { matchLabels: { ...labels } },
    updateStrategy: { type: 'RollingUpdate' },
    template: {
      metadata: { labels: { ...labels } },
      spec: {
        priorityClassName: 'system-node-critical',
        containers: [
          {
            name: 'kube-proxy',
            image: kindImages.kubeProxy,
            imagePullPolicy: 'IfNotPresent',
            command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)'],
            securityContext: { privileged: true },
            volumeMounts: [
              { mountPath: '/var/lib/kube-proxy', name: 'kube-proxy' },
              { mountPath: '/run/xtables.lock', name: 'xtables-lock', readOnly: false },
              { mountPath: '/lib/modules', name: 'lib-modules', readOnly: true },
            ],
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          },
        ],
        hostNetwork: true,
        serviceAccountName: 'kube-proxy',
        volumes: [
          { name: 'kube-proxy', configMap: { name: 'kube-proxy' } },
          { name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } },
          { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
        ],
        tolerations: [{ operator: 'Exists' }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
      },
    },
  },
} as unknown as KObject;

export const kubeProxyAddon: Addon = {
  step: 'installing kube-proxy',
  objects: () => [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'kube-proxy', namespace: 'kube-system' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubeadm:node-proxier' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' },
      subjects: [{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: 'kube-system' }],
    } as unknown as KObject,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
      data: { 'config.conf': kubeProxyConfig, 'kubeconfig.conf': kubeProxyKubeconfig },
    },
    structuredClone(kubeProxyDaemonSet),
  ],
};

