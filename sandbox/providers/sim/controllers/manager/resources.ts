/**
 * resources names the served resource types the controllers read and
 * write, looked up once from the API registry so a typo fails at load time.
 */
import { findResource, type ResourceType } from '../../api/resources.ts';

function rt(group: string, version: string, plural: string): ResourceType {
  const r = findResource(group, version, plural);
  if (!r) throw new Error(`controllers: resource ${group}/${version}/${plural} is not served`);
  return r;
}

export const resources = {
  namespaces: rt('', 'v1', 'namespaces'),
  nodes: rt('', 'v1', 'nodes'),
  pods: rt('', 'v1', 'pods'),
  events: rt('', 'v1', 'events'),
  configmaps: rt('', 'v1', 'configmaps'),
  secrets: rt('', 'v1', 'secrets'),
  serviceaccounts: rt('', 'v1', 'serviceaccounts'),
  services: rt('', 'v1', 'services'),
  persistentvolumes: rt('', 'v1', 'persistentvolumes'),
  persistentvolumeclaims: rt('', 'v1', 'persistentvolumeclaims'),
  deployments: rt('apps', 'v1', 'deployments'),
  replicasets: rt('apps', 'v1', 'replicasets'),
  statefulsets: rt('apps', 'v1', 'statefulsets'),
  daemonsets: rt('apps', 'v1', 'daemonsets'),
  controllerrevisions: rt('apps', 'v1', 'controllerrevisions'),
  jobs: rt('batch', 'v1', 'jobs'),
  cronjobs: rt('batch', 'v1', 'cronjobs'),
  storageclasses: rt('storage.k8s.io', 'v1', 'storageclasses'),
  csidrivers: rt('storage.k8s.io', 'v1', 'csidrivers'),
  csinodes: rt('storage.k8s.io', 'v1', 'csinodes'),
  volumeattachments: rt('storage.k8s.io', 'v1', 'volumeattachments'),
  leases: rt('coordination.k8s.io', 'v1', 'leases'),
} as const;
