/**
 * ClusterLink is how an image that stands in for a cluster component — the
 * local-path provisioner, ceph-csi's provisioner and node plugin, the Ceph
 * toolbox — reaches the simulated component it represents. On a real cluster
 * such a container talks to the API server or to Ceph over the network; here
 * the component is modelled in-process (../controllers, ../ceph), so the
 * kubelet hands every container of a cluster one link, and a program looks
 * up the service it needs by a typed key. Ordinary images (busybox, nginx,
 * mysql) never use it.
 */

/** ServiceKey names one service a cluster offers its containers; T is the service's type. */
export interface ServiceKey<T> {
  readonly name: string;
  /** phantom: carries T for service<T>(); never set. */
  readonly __type?: T;
}

/** serviceKey makes a key; modules that offer a service export theirs (e.g. the storage backends, a provisioner). */
export function serviceKey<T>(name: string): ServiceKey<T> {
  return { name };
}

/** PodIdentity is the pod a container belongs to. */
export interface PodIdentity {
  namespace: string;
  name: string;
  uid: string;
  node: string;
  /** container is the container's name in the pod spec. */
  container: string;
}

/** ClusterLink is what StartContainerOptions.cluster and ProgramContext.cluster carry. */
export interface ClusterLink {
  readonly pod: PodIdentity;
  /** service returns the service under key, or undefined when this cluster does not run it. */
  service<T>(key: ServiceKey<T>): T | undefined;
}
