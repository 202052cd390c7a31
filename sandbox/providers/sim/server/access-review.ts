/**
 * serveAccessReview answers the self-review calls kubectl makes about the
 * current user: `kubectl auth can-i` (SelfSubjectAccessReview,
 * SelfSubjectRulesReview for --list) and `kubectl auth whoami`
 * (SelfSubjectReview). The simulated cluster enforces no RBAC and its
 * kubeconfig user is the cluster administrator, as in a kind kubeconfig
 * (user `kubernetes-admin`, group `kubeadm:cluster-admins`), so every
 * action is allowed — which is what these reviews truthfully report.
 */
import type { ServerResponse } from 'node:http';
import { badRequest } from '../api/status.ts';
import { sendJson } from './request.ts';

/** adminUser is who a kind kubeconfig authenticates as (kubeadm 1.29+). */
export const adminUser = { username: 'kubernetes-admin', groups: ['kubeadm:cluster-admins', 'system:authenticated'] };

const reviewPaths: Record<string, string> = {
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews': 'SelfSubjectAccessReview',
  '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews': 'SelfSubjectRulesReview',
  '/apis/authentication.k8s.io/v1/selfsubjectreviews': 'SelfSubjectReview',
};

/** isAccessReviewPath says whether a path is one of the self-review endpoints. */
export function isAccessReviewPath(path: string): boolean {
  return path in reviewPaths;
}

export function serveAccessReview(path: string, method: string, body: unknown, res: ServerResponse): void {
  const kind = reviewPaths[path]!;
  if (method !== 'POST') throw badRequest(`${kind} only supports create`);
  const spec = (body as { spec?: unknown } | undefined)?.spec ?? {};
  const apiVersion = path.startsWith('/apis/authentication') ? 'authentication.k8s.io/v1' : 'authorization.k8s.io/v1';
  let status: unknown;
  if (kind === 'SelfSubjectAccessReview') status = { allowed: true };
  else if (kind === 'SelfSubjectRulesReview') {
    status = {
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    };
  } else status = { userInfo: adminUser };
  const out: Record<string, unknown> = { kind, apiVersion, metadata: { creationTimestamp: null } };
  if (kind !== 'SelfSubjectReview') out.spec = spec;
  out.status = status;
  sendJson(res, 201, out);
}
