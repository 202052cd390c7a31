/**
 * kindImages are the component images of a kind v0.29.0 cluster on the
 * kindest/node:v1.33.1 node image (kubeadm's `kubeadm config images list`
 * for v1.33.1, plus kind's own kindnetd from pkg/build/nodeimage/const_cni.go).
 * The node image holds all of them, so no node pulls them.
 */
export const kubernetesVersion = 'v1.33.1';

export const kindImages = {
  etcd: 'registry.k8s.io/etcd:3.5.21-0',
  kubeApiserver: `registry.k8s.io/kube-apiserver:${kubernetesVersion}`,
  kubeControllerManager: `registry.k8s.io/kube-controller-manager:${kubernetesVersion}`,
  kubeScheduler: `registry.k8s.io/kube-scheduler:${kubernetesVersion}`,
  kubeProxy: `registry.k8s.io/kube-proxy:${kubernetesVersion}`,
  coredns: 'registry.k8s.io/coredns/coredns:v1.12.0',
  kindnetd: 'docker.io/kindest/kindnetd:v20250512-df8de77b',
} as const;

/** cephToolboxImage is the Ceph image the toolbox runs, at the model's release (reef 18.2.4; Rook's toolbox runs the cluster's own image). */
export const cephToolboxImage = 'quay.io/ceph/ceph:v18.2.4';

/** controlPlaneIP is lab-control-plane's address on kind's docker network (../bootstrap.ts nodeFacts). */
export const controlPlaneIP = '172.18.0.2';

/** podSubnet / serviceSubnet are kind's defaults (kubeadm ClusterConfiguration networking). */
export const podSubnet = '10.244.0.0/16';
export const serviceSubnet = '10.96.0.0/16';
