/**
 * buildKubeconfig writes the kubeconfig for one simulated cluster: server URL
 * with the cluster's path prefix, the CA inlined as
 * `certificate-authority-data` and the cluster's bearer token, so kubectl and
 * @kubernetes/client-node need no extra flags (clientcmd's v1 Config format).
 */
import { stringify } from 'yaml';

export interface KubeconfigInput {
  /** name is used for the cluster, user and context entries (e.g. `kslab-sim-<id>`). */
  name: string;
  server: string;
  caCertPem: string;
  token: string;
  namespace?: string;
}

export function buildKubeconfig(input: KubeconfigInput): string {
  const context: Record<string, string> = { cluster: input.name, user: input.name };
  if (input.namespace) context.namespace = input.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: input.name,
        cluster: {
          server: input.server,
          'certificate-authority-data': Buffer.from(input.caCertPem).toString('base64'),
        },
      },
    ],
    users: [{ name: input.name, user: { token: input.token } }],
    contexts: [{ name: input.name, context }],
    'current-context': input.name,
    preferences: {},
  });
}
