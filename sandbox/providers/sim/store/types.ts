/**
 * The object store of one simulated cluster: what the API server serves and
 * what the controllers (sim part 2) and kubelets (sim part 3) read and write.
 * Objects are plain JSON as the API returns them. Storage is keyed by group +
 * resource (not version): the API layer converts between served versions
 * (e.g. core/v1 Event and events.k8s.io/v1 Event share one store).
 */

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** KObject is any Kubernetes object as JSON. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** ResourceKey names a stored resource: `{group: '', resource: 'pods'}`, `{group: 'apps', resource: 'deployments'}`. */
export interface ResourceKey {
  group: string;
  resource: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface WatchEvent {
  type: WatchEventType;
  object: KObject;
}

/** StoreReader is the read side, enough for admission (e.g. DefaultStorageClass lists StorageClasses). */
export interface StoreReader {
  /** get returns a deep copy, or undefined. Cluster-scoped objects use namespace ''. */
  get(key: ResourceKey, namespace: string, name: string): KObject | undefined;
  /** list returns deep copies; namespace undefined means all namespaces. */
  list(key: ResourceKey, namespace?: string): KObject[];
  /** resourceVersion is the cluster's current resourceVersion (a decimal string, strictly increasing). */
  resourceVersion(): string;
}
