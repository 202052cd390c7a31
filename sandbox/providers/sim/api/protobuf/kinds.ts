/**
 * kinds maps the API kinds the simulated server accepts as protobuf to
 * their message names. These are the typed-client writes of kubectl 1.32+
 * (client-go `UseProtobufAsDefault`): `kubectl create namespace|configmap|
 * secret|serviceaccount|service|quota|deployment|job|cronjob|pdb|role|
 * rolebinding|clusterrole|clusterrolebinding|token` and `kubectl debug`.
 */

/** protoPackages maps an apiVersion's group to the Go package of its generated.proto. */
const protoPackages: Record<string, string> = {
  '': 'k8s.io.api.core.v1',
  apps: 'k8s.io.api.apps.v1',
  batch: 'k8s.io.api.batch.v1',
  policy: 'k8s.io.api.policy.v1',
  'rbac.authorization.k8s.io': 'k8s.io.api.rbac.v1',
  'authentication.k8s.io': 'k8s.io.api.authentication.v1',
};

/** protobufKinds lists the accepted kinds per apiVersion. */
export const protobufKinds: Record<string, string[]> = {
  v1: ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Pod', 'ResourceQuota'],
  'apps/v1': ['Deployment'],
  'batch/v1': ['Job', 'CronJob'],
  'policy/v1': ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'],
  'authentication.k8s.io/v1': ['TokenRequest'],
};

/** messageName is the protobuf message of an apiVersion + kind, or undefined when it is not accepted. */
export function messageName(apiVersion: string, kind: string): string | undefined {
  if (!protobufKinds[apiVersion]?.includes(kind)) return undefined;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${protoPackages[group]}.${kind}`;
}

/** protobufRoots is every accepted message name. */
export function protobufRoots(): string[] {
  return Object.entries(protobufKinds).flatMap(([apiVersion, kinds]) => kinds.map((k) => messageName(apiVersion, k)!));
}
