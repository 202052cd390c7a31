/**
 * bootstrapCluster fills a fresh simulated cluster with what a new kind
 * cluster of the course's shape (../../cluster-shape.ts) has before the
 * learner touches it: the system namespaces, the three nodes with kind's
 * labels, taints and status, the `kubernetes` Service, the default
 * StorageClass and local-path-config, the ceph-csi driver registration and
 * config, and each namespace's `default` ServiceAccount and
 * `kube-root-ca.crt` ConfigMap.
 *
 * Then the add-ons (./addons/index.ts), one step each: kubeadm's control
 * plane as mirror pods, CoreDNS, kube-proxy, kindnet, storage drivers and
 * the Ceph toolbox — the kube-system objects `kubectl get pods -A` shows on
 * a fresh kind cluster. Their pods run once the controllers start: the
 * kubelet model runs the bound ones, the DaemonSet controller and the
 * scheduler place the rest.
 *
 * Written as a list of small steps (like kind's create actions), each
 * going through the same REST path (defaulting + admission) a client would.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { KObject } from '../store/types.ts';
import { findResource, type ResourceType } from '../api/resources.ts';
import { StatusError } from '../api/status.ts';
import { clusterShape } from '../../cluster-shape.ts';
import type { ClusterApi } from '../server/rest.ts';
import { EventRecorder } from '../controllers/manager/events.ts';
import type { CephCluster } from '../ceph/ceph-cluster.ts';
import type { DataRoot } from '../dataroot/dataroot.ts';
import { addons as defaultAddons, applyAddon, type Addon, type AddonContext } from './addons/index.ts';

const rt = (group: string, version: string, plural: string): ResourceType => {
  const r = findResource(group, version, plural);
  if (!r) throw new Error(`bootstrap: resource ${group}/${version}/${plural} is not served`);
  return r;
};

/** systemNamespaces are the namespaces a kind cluster with local-path and ceph-csi installed has. */
export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease', clusterShape.localPathProvisioner.namespace, clusterShape.ceph.csiNamespace];

/** nodeFacts are the per-node addresses and CIDRs docker/kind hands out (172.18.0.0/16 network, 10.244.N.0/24 pod CIDRs). */
const nodeFacts = [
  { name: clusterShape.nodes.controlPlane, ip: '172.18.0.2', podCIDR: '10.244.0.0/24', controlPlane: true },
  { name: clusterShape.nodes.workers[0], ip: '172.18.0.3', podCIDR: '10.244.1.0/24', controlPlane: false },
  { name: clusterShape.nodes.workers[1], ip: '172.18.0.4', podCIDR: '10.244.2.0/24', controlPlane: false },
];

/** kubeletVersion is what the simulated kubelets report (matches the server's minor). */
export const kubeletVersion = 'v1.33.1';

/** nodeObject builds a Node the way kubelet registration + kubeadm labelling leave it on kind. */
export function nodeObject(name: string, ip: string, podCIDR: string, controlPlane: boolean, now: string): KObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
  if (controlPlane) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  const resources = {
    cpu: '4',
    'ephemeral-storage': '102626232Ki',
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: '16318288Ki',
    pods: '110',
  };
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR,
      podCIDRs: [podCIDR],
      providerID: `kind://docker/lab/${name}`,
      ...(controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      allocatable: { ...resources },
      capacity: { ...resources },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        // Per-boot and per-machine identities, random like a fresh kind node's.
        bootID: randomUUID(),
        containerRuntimeVersion: 'containerd://2.1.1',
        kernelVersion: '6.1.0-37-amd64',
        kubeProxyVersion: '',
        kubeletVersion,
        machineID: randomBytes(16).toString('hex'),
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: randomUUID(),
      },
    },
  };
}

/** localPathConfig is the local-path-config ConfigMap data kind ships (kind's local-path-storage manifest). */
export const localPathConfigData = {
  'config.json': `{
        "nodePathMap":[
        {
                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",
                "paths":["${clusterShape.localPathProvisioner.defaultPath}"]
        }
        ]
}`,
  'helperPod.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  tolerations:
    - key: node.kubernetes.io/disk-pressure
      operator: Exists
      effect: NoSchedule
  containers:
  - name: helper-pod
    image: docker.io/kindest/local-path-helper:v20241212-8ac705d0
    imagePullPolicy: IfNotPresent`,
  setup: `#!/bin/sh
set -eu
mkdir -m 0777 -p "$VOL_DIR"`,
  teardown: `#!/bin/sh
set -eu
rm -rf "$VOL_DIR"`,
};

/**
 * appliedByKubectl adds the last-applied-configuration annotation `kubectl
 * apply` would write, because kind installs its default storage with
 * `kubectl apply -f -` (pkg/cluster/internal/create/actions/installstorage):
 * a learner who re-applies an edited local-path-config gets no "missing
 * annotation" warning and no leftover keys from a three-way merge.
 */
function appliedByKubectl(obj: KObject): KObject {
  const applied = JSON.stringify(obj) + '\n';
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...(obj.metadata.annotations ?? {}), 'kubectl.kubernetes.io/last-applied-configuration': applied } } };
}

/** rootCaDescription is the annotation the root-ca-cert-publisher puts on kube-root-ca.crt (pkg/controller/certificates/rootcacertpublisher). */
const rootCaDescription =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * ensureNamespaceEssentials creates a namespace's `default` ServiceAccount
 * (serviceaccounts-controller) and `kube-root-ca.crt` ConfigMap
 * (root-ca-cert-publisher) when they are missing.
 */
export function ensureNamespaceEssentials(api: ClusterApi, namespace: string, caCertPem: string): void {
  const sa = rt('', 'v1', 'serviceaccounts');
  const cm = rt('', 'v1', 'configmaps');
  const tryCreate = (r: ResourceType, obj: KObject) => {
    if (api.store.get(r.storage, namespace, obj.metadata.name!)) return;
    try {
      api.create(r, namespace, obj);
    } catch (e) {
      // A namespace being deleted refuses new objects (NamespaceLifecycle); the controllers skip it too.
      if (!(e instanceof StatusError && (e.code === 409 || e.code === 403 || e.code === 404))) throw e;
    }
  };
  tryCreate(sa, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
  tryCreate(cm, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-root-ca.crt', namespace, annotations: { 'kubernetes.io/description': rootCaDescription } },
    data: { 'ca.crt': caCertPem },
  });
}

/** BootstrapOptions are what a cluster hands the bootstrap besides its API. */
export interface BootstrapOptions {
  /** ceph is the cluster's Ceph model (the toolbox keyring carries its admin key); without it there is no toolbox. */
  ceph?: CephCluster;
  /** dataRoot is the cluster's node trees (kubeadm's static pod manifests go to lab-control-plane's /etc/kubernetes/manifests). */
  dataRoot?: DataRoot;
  /** addons replaces the add-on list (tests that want a bare cluster pass []); default ./addons/index.ts. */
  addons?: readonly Addon[];
}

/**
 * recordRegistration writes the events a node's first start leaves, so
 * `kubectl describe node` on a new cluster shows what kind's does: the
 * kubelet's Starting, the three condition events and NodeAllocatableEnforced
 * (pkg/kubelet/kubelet_node_status.go, nodestatus setters, container manager),
 * node-controller's RegisteredNode (node_lifecycle_controller.go
 * recordNodeEvent) and the kubelet's NodeReady.
 */
function recordRegistration(api: ClusterApi, node: KObject): void {
  const name = node.metadata.name!;
  const at = new Date(node.metadata.creationTimestamp!);
  const clock = { now: () => at, after: () => ({ cancel() {} }) };
  const kubelet = new EventRecorder(() => api, clock, { component: 'kubelet', host: name });
  const nodeController = new EventRecorder(() => api, clock, { component: 'node-controller' });
  kubelet.event(node, 'Normal', 'Starting', 'Starting kubelet.');
  for (const reason of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) {
    kubelet.event(node, 'Normal', reason, `Node ${name} status is now: ${reason}`);
  }
  kubelet.event(node, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
  nodeController.event(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
  kubelet.event(node, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
}

/** BootstrapStep is one named bring-up action. */
interface BootstrapStep {
  name: string;
  run(api: ClusterApi, caCertPem: string): void;
}

/** addonContext is what add-ons read: the CA, the creation time and the registered nodes. */
function addonContext(api: ClusterApi, caCertPem: string, options: BootstrapOptions): AddonContext {
  const nodes = new Map<string, { uid: string; ip: string }>();
  for (const n of api.list(rt('', 'v1', 'nodes'), undefined).items) {
    const ip = ((n as { status?: { addresses?: { type: string; address: string }[] } }).status?.addresses ?? []).find((a) => a.type === 'InternalIP')?.address ?? '';
    nodes.set(n.metadata.name!, { uid: n.metadata.uid!, ip });
  }
  return { caCertPem, now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), nodes, ceph: options.ceph, dataRoot: options.dataRoot };
}

const steps: BootstrapStep[] = [
  {
    name: 'creating namespaces',
    run(api) {
      const ns = rt('', 'v1', 'namespaces');
      for (const name of systemNamespaces) api.create(ns, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    },
  },
  {
    name: 'registering nodes',
    run(api) {
      const nodes = rt('', 'v1', 'nodes');
      const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      for (const n of nodeFacts) {
        const node = api.create(nodes, '', nodeObject(n.name, n.ip, n.podCIDR, n.controlPlane, now)).object;
        recordRegistration(api, node);
      }
    },
  },
  {
    name: 'creating the kubernetes service',
    run(api) {
      api.create(rt('', 'v1', 'services'), 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: {
          type: 'ClusterIP',
          clusterIP: '10.96.0.1',
          clusterIPs: ['10.96.0.1'],
          ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
          sessionAffinity: 'None',
        },
      });
    },
  },
  {
    name: 'installing storage',
    run(api) {
      const sc = clusterShape.defaultStorageClass;
      api.create(rt('storage.k8s.io', 'v1', 'storageclasses'), '', appliedByKubectl({
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: sc.name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: sc.provisioner,
        reclaimPolicy: sc.reclaimPolicy,
        volumeBindingMode: sc.volumeBindingMode,
      }));
      const lp = clusterShape.localPathProvisioner;
      api.create(rt('', 'v1', 'configmaps'), lp.namespace, appliedByKubectl({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: lp.configMap, namespace: lp.namespace },
        data: { ...localPathConfigData },
      }));
    },
  },
  {
    name: 'registering ceph-csi',
    run(api) {
      const ceph = clusterShape.ceph;
      api.create(rt('storage.k8s.io', 'v1', 'csidrivers'), '', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSIDriver',
        metadata: { name: ceph.csiDriver },
        spec: { attachRequired: true, podInfoOnMount: false, fsGroupPolicy: 'File', seLinuxMount: true },
      });
      api.create(rt('', 'v1', 'configmaps'), ceph.csiNamespace, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ceph-csi-config', namespace: ceph.csiNamespace },
        data: {
          'config.json': JSON.stringify([{ clusterID: ceph.fsid, monitors: [ceph.monitor] }], null, 2),
          'cluster-mapping.json': '[]',
        },
      });
    },
  },
  {
    name: 'creating service accounts and CA bundles',
    run(api, caCertPem) {
      for (const ns of systemNamespaces) ensureNamespaceEssentials(api, ns, caCertPem);
    },
  },
];

/** bootstrapCluster runs the steps, then one step per add-on, in order, reporting each; a failing step throws with the step's name. */
export function bootstrapCluster(api: ClusterApi, caCertPem: string, onStep?: (step: string, status: 'running' | 'done') => void, options: BootstrapOptions = {}): void {
  const addonSteps: BootstrapStep[] = (options.addons ?? defaultAddons).map((addon) => ({
    name: addon.step,
    run: (a, ca) => applyAddon(a, addon, addonContext(a, ca, options)),
  }));
  for (const s of [...steps, ...addonSteps]) {
    onStep?.(s.name, 'running');
    try {
      s.run(api, caCertPem);
    } catch (e) {
      throw new Error(`bootstrap step "${s.name}" failed: ${(e as Error).message}`, { cause: e });
    }
    onStep?.(s.name, 'done');
  }
}
