/**
 * controlPlaneAddon is the kubeadm control plane of lab-control-plane: the
 * static pods kubeadm writes to /etc/kubernetes/manifests (etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler) as the API server
 * sees them — mirror pods the kubelet creates for them
 * (pkg/kubelet/pod/mirror_client.go): named `<component>-<node>`, annotated
 * kubernetes.io/config.mirror with the manifest's hash and
 * config.source=file, owned by the Node, priorityClassName
 * system-node-critical, hostNetwork. Manifests follow kubeadm v1.33's
 * (cmd/kubeadm/app/phases/controlplane/manifests.go, etcd/local.go) with
 * kind's settings (cluster name, advertise address, pod/service subnets).
 *
 * Simulated: the cluster's API, storage, controllers and scheduler are the
 * kslab simulation's in-process models; these pods are stand-ins whose
 * images say so in their logs (../../images/kube-system/).
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import type { Addon, AddonContext } from './types.ts';
import { controlPlaneIP, kindImages, podSubnet, serviceSubnet } from './versions.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

const controlPlaneNode = clusterShape.nodes.controlPlane;
const node = controlPlaneNode;
const pki = '/etc/kubernetes/pki';

interface StaticPodSpec {
  component: string;
  image: string;
  command: string[];
  cpu: string;
  memory?: string;
  /** mounts: volume name → [host path, mount path, hostPath type, readOnly]. */
  mounts: [string, string, string, 'DirectoryOrCreate' | 'FileOrCreate', boolean][];
  liveness: { host: string; path: string; port: number; scheme: 'HTTP' | 'HTTPS' };
  annotations?: Record<string, string>;
}

const caVolumes: StaticPodSpec['mounts'] = [
  ['ca-certs', '/etc/ssl/certs', '/etc/ssl/certs', 'DirectoryOrCreate', true],
  ['etc-ca-certificates', '/etc/ca-certificates', '/etc/ca-certificates', 'DirectoryOrCreate', true],
  ['k8s-certs', pki, pki, 'DirectoryOrCreate', true],
  ['usr-local-share-ca-certificates', '/usr/local/share/ca-certificates', '/usr/local/share/ca-certificates', 'DirectoryOrCreate', true],
  ['usr-share-ca-certificates', '/usr/share/ca-certificates', '/usr/share/ca-certificates', 'DirectoryOrCreate', true],
];

/** staticPods are kubeadm's four manifests for lab-control-plane. */
export const staticPods: StaticPodSpec[] = [
  {
    component: 'etcd',
    image: kindImages.etcd,
    command: [
      'etcd',
      `--advertise-client-urls=https://${controlPlaneIP}:2379`,
      `--cert-file=${pki}/etcd/server.crt`,
      '--client-cert-auth=true',
      '--data-dir=/var/lib/etcd',
      '--experimental-initial-corrupt-check=true',
      '--experimental-watch-progress-notify-interval=5s',
      `--initial-advertise-peer-urls=https://${controlPlaneIP}:2380`,
      `--initial-cluster=${node}=https://${controlPlaneIP}:2380`,
      `--key-file=${pki}/etcd/server.key`,
      `--listen-client-urls=https://127.0.0.1:2379,https://${controlPlaneIP}:2379`,
      '--listen-metrics-urls=http://127.0.0.1:2381',
      `--listen-peer-urls=https://${controlPlaneIP}:2380`,
      `--name=${node}`,
      `--peer-cert-file=${pki}/etcd/peer.crt`,
      '--peer-client-cert-auth=true',
      `--peer-key-file=${pki}/etcd/peer.key`,
      `--peer-trusted-ca-file=${pki}/etcd/ca.crt`,
      '--snapshot-count=10000',
      `--trusted-ca-file=${pki}/etcd/ca.crt`,
    ],
    cpu: '100m',
    memory: '100Mi',
    mounts: [
      ['etcd-certs', `${pki}/etcd`, `${pki}/etcd`, 'DirectoryOrCreate', false],
      ['etcd-data', '/var/lib/etcd', '/var/lib/etcd', 'DirectoryOrCreate', false],
    ],
    liveness: { host: '127.0.0.1', path: '/livez', port: 2381, scheme: 'HTTP' },
    annotations: { 'kubeadm.kubernetes.io/etcd.advertise-client-urls': `https://${controlPlaneIP}:2379` },
  },
  {
    component: 'kube-apiserver',
    image: kindImages.kubeApiserver,
    command: [
      'kube-apiserver',
      `--advertise-address=${controlPlaneIP}`,
      '--allow-privileged=true',
      '--authorization-mode=Node,RBAC',
      `--client-ca-file=${pki}/ca.crt`,
      '--enable-admission-plugins=NodeRestriction',
      '--enable-bootstrap-token-auth=true',
      `--etcd-cafile=${pki}/etcd/ca.crt`,
      `--etcd-certfile=${pki}/apiserver-etcd-client.crt`,
      `--etcd-keyfile=${pki}/apiserver-etcd-client.key`,
      '--etcd-servers=https://127.0.0.1:2379',
      `--kubelet-client-certificate=${pki}/apiserver-kubelet-client.crt`,
      `--kubelet-client-key=${pki}/apiserver-kubelet-client.key`,
      '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
      `--proxy-client-cert-file=${pki}/front-proxy-client.crt`,
      `--proxy-client-key-file=${pki}/front-proxy-client.key`,
      '--requestheader-allowed-names=front-proxy-client',
      `--requestheader-client-ca-file=${pki}/front-proxy-ca.crt`,
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-username-headers=X-Remote-User',
      '--runtime-config=',
      '--secure-port=6443',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${pki}/sa.pub`,
      `--service-account-signing-key-file=${pki}/sa.key`,
      `--service-cluster-ip-range=${serviceSubnet}`,
      `--tls-cert-file=${pki}/apiserver.crt`,
      `--tls-private-key-file=${pki}/apiserver.key`,
    ],
    cpu: '250m',
    mounts: caVolumes,
    liveness: { host: controlPlaneIP, path: '/livez', port: 6443, scheme: 'HTTPS' },
    annotations: { 'kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint': `${controlPlaneIP}:6443` },
  },
  {
    component: 'kube-controller-manager',
    image: kindImages.kubeControllerManager,
    command: [
      'kube-controller-manager',
      '--allocate-node-cidrs=true',
      '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--authorization-kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--bind-address=127.0.0.1',
      `--client-ca-file=${pki}/ca.crt`,
      `--cluster-cidr=${podSubnet}`,
      '--cluster-name=lab',
      `--cluster-signing-cert-file=${pki}/ca.crt`,
      `--cluster-signing-key-file=${pki}/ca.key`,
      '--controllers=*,bootstrapsigner,tokencleaner',
      '--enable-hostpath-provisioner=true',
      '--kubeconfig=/etc/kubernetes/controller-manager.conf',
      '--leader-elect=true',
      `--requestheader-client-ca-file=${pki}/front-proxy-ca.crt`,
      `--root-ca-file=${pki}/ca.crt`,
      `--service-account-private-key-file=${pki}/sa.key`,
      `--service-cluster-ip-range=${serviceSubnet}`,
      '--use-service-account-credentials=true',
    ],
    cpu: '200m',
    mounts: [
      ...caVolumes,
      ['flexvolume-dir', '/usr/libexec/kubernetes/kubelet-plugins/volume/exec', '/usr/libexec/kubernetes/kubelet-plugins/volume/exec', 'DirectoryOrCreate', false],
      ['kubeconfig', '/etc/kubernetes/controller-manager.conf', '/etc/kubernetes/controller-manager.conf', 'FileOrCreate', true],
    ],
    liveness: { host: '127.0.0.1', path: '/healthz', port: 10257, scheme: 'HTTPS' },
  },
  {
    component: 'kube-scheduler',
    image: kindImages.kubeScheduler,
    command: [
      'kube-scheduler',
      '--authentication-kubeconfig=/etc/kubernetes/scheduler.conf',
      '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf',
      '--bind-address=127.0.0.1',
      '--kubeconfig=/etc/kubernetes/scheduler.conf',
      '--leader-elect=true',
    ],
    cpu: '100m',
    mounts: [['kubeconfig', '/etc/kubernetes/scheduler.conf', '/etc/kubernetes/scheduler.conf', 'FileOrCreate', true]],
    liveness: { host: '127.0.0.1', path: '/livez', port: 10259, scheme: 'HTTPS' },
  },
];

/** manifestPod is the Pod kubeadm writes to /etc/kubernetes/manifests/<component>.yaml. */
export function manifestPod(p: StaticPodSpec): KObject {
  const requests: Record<string, string> = { cpu: p.cpu };
  if (p.memory) requests.memory = p.memory;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.component,
      namespace: 'kube-system',
      labels: { component: p.component, tier: 'control-plane' },
      ...(p.annotations ? { annotations: { ...p.annotations } } : {}),
    },
    spec: {
      containers: [
        {
          name: p.component,
          image: p.image,
          imagePullPolicy: 'IfNotPresent',
          command: p.command,
          livenessProbe: {
            failureThreshold: 8,
            httpGet: { host: p.liveness.host, path: p.liveness.path, port: p.liveness.port, scheme: p.liveness.scheme },
            initialDelaySeconds: 10,
            periodSeconds: 10,
            timeoutSeconds: 15,
          },
          resources: { requests },
          volumeMounts: p.mounts.map(([name, , mountPath, , readOnly]) => ({ name, mountPath, ...(readOnly ? { readOnly: true } : {}) })),
        },
      ],
      hostNetwork: true,
      priority: 2000001000,
      priorityClassName: 'system-node-critical',
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      volumes: p.mounts.map(([name, path, , type]) => ({ name, hostPath: { path, type } })),
    },
  } as unknown as KObject;
}

/**
 * mirrorPod is what the kubelet posts for a static pod: the manifest renamed
 * `<name>-<node>`, bound to the node, with the config annotations and the
 * Node as controller owner (kubelet_pods.go / mirror_client.go). The hash is
 * the manifest's (the kubelet's is an md5 of the decoded pod; ours of its JSON).
 */
export function mirrorPod(manifest: KObject, ctx: Pick<AddonContext, 'now' | 'nodes'>, node: string = controlPlaneNode): KObject {
  const hash = createHash('md5').update(JSON.stringify(manifest)).digest('hex');
  const seen = ctx.now.replace(/Z$/, '.000000000Z');
  const pod = structuredClone(manifest) as any;
  const nodeInfo = ctx.nodes.get(node);
  pod.metadata.name = `${manifest.metadata.name}-${node}`;
  pod.metadata.annotations = {
    ...(pod.metadata.annotations ?? {}),
    'kubernetes.io/config.hash': hash,
    'kubernetes.io/config.mirror': hash,
    'kubernetes.io/config.seen': seen,
    'kubernetes.io/config.source': 'file',
  };
  if (nodeInfo) pod.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node, uid: nodeInfo.uid, controller: true }];
  pod.spec.nodeName = node;
  pod.spec.tolerations = [{ effect: 'NoExecute', operator: 'Exists' }];
  return pod;
}

/** manifestFile is the manifest as kubeadm writes it to /etc/kubernetes/manifests (YAML, with an empty status). */
export function manifestFile(manifest: KObject): string {
  return stringify({ ...manifest, status: {} }, { lineWidth: 0 });
}

export const controlPlaneAddon: Addon = {
  step: 'starting the control plane (static pods)',
  nodeFiles: () => staticPods.map((p) => ({ node, path: `/etc/kubernetes/manifests/${p.component}.yaml`, content: manifestFile(manifestPod(p)) })),
  objects: (ctx) => staticPods.map((p) => mirrorPod(manifestPod(p), ctx)),
};
