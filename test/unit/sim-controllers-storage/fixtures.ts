/**
 * Builders for the PV/PVC/StorageClass/Pod objects the storage-controller
 * unit tests feed to the pure decision functions — shaped like what the
 * simulated API server stores after defaulting.
 */
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

let uidSeq = 0;

export interface PVOptions {
  capacity?: string;
  modes?: string[];
  className?: string;
  phase?: string;
  claimRef?: { name: string; namespace?: string; uid?: string };
  labels?: Record<string, string>;
  volumeMode?: string;
  reclaim?: string;
  node?: string;
  annotations?: Record<string, string>;
  deleting?: boolean;
  source?: Record<string, unknown>;
}

export function pv(name: string, o: PVOptions = {}): KObject {
  const spec: any = {
    capacity: { storage: o.capacity ?? '1Gi' },
    accessModes: o.modes ?? ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: o.reclaim ?? 'Retain',
    volumeMode: o.volumeMode ?? 'Filesystem',
    ...(o.source ?? { nfs: { server: 'nfs', path: '/exports/data' } }),
  };
  if (o.className !== undefined) spec.storageClassName = o.className;
  if (o.claimRef) spec.claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: 'default', ...o.claimRef };
  if (o.node) spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node] }] }] } };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      uid: `pv-uid-${++uidSeq}`,
      labels: o.labels,
      annotations: o.annotations,
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec,
    status: { phase: o.phase ?? 'Available' },
  };
}

export interface PVCOptions {
  request?: string;
  modes?: string[];
  /** className: undefined leaves spec.storageClassName unset (nil). */
  className?: string;
  volumeName?: string;
  selector?: unknown;
  volumeMode?: string;
  annotations?: Record<string, string>;
  phase?: string;
  namespace?: string;
  uid?: string;
}

export function pvc(name: string, o: PVCOptions = {}): KObject {
  const spec: any = {
    accessModes: o.modes ?? ['ReadWriteOnce'],
    resources: { requests: { storage: o.request ?? '1Gi' } },
    volumeMode: o.volumeMode ?? 'Filesystem',
  };
  if (o.className !== undefined) spec.storageClassName = o.className;
  if (o.volumeName) spec.volumeName = o.volumeName;
  if (o.selector) spec.selector = o.selector;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: o.namespace ?? 'default', uid: o.uid ?? `pvc-uid-${++uidSeq}`, resourceVersion: '10', annotations: o.annotations },
    spec,
    status: { phase: o.phase ?? 'Pending' },
  };
}

export function storageClass(name: string, provisioner: string, o: { wffc?: boolean; isDefault?: boolean; created?: string; reclaim?: string; parameters?: Record<string, string> } = {}): KObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      creationTimestamp: o.created ?? '2026-01-01T00:00:00Z',
      annotations: o.isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : undefined,
    },
    provisioner,
    reclaimPolicy: o.reclaim ?? 'Delete',
    volumeBindingMode: o.wffc ? 'WaitForFirstConsumer' : 'Immediate',
    ...(o.parameters ? { parameters: o.parameters } : {}),
  };
}

export function pod(name: string, claims: string[], o: { node?: string; namespace?: string } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `pod-uid-${++uidSeq}` },
    spec: {
      ...(o.node ? { nodeName: o.node } : {}),
      containers: [{ name: 'c', image: 'busybox' }],
      volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
    },
    status: { phase: 'Pending' },
  };
}

export function node(name: string, labels: Record<string, string> = {}): KObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: {}, status: {} };
}

/** standard is kind's default class. */
export const standard = storageClass('standard', 'rancher.io/local-path', { wffc: true, isDefault: true });
