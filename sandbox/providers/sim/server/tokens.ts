/**
 * issueServiceAccountToken answers `POST …/serviceaccounts/<name>/token`
 * (TokenRequest, what `kubectl create token` calls): a JWT signed RS256
 * with the simulated server's key, carrying the claims a real
 * kube-apiserver puts in a bound service-account token
 * (pkg/serviceaccount/claims.go): iss/aud `https://kubernetes.default.svc.cluster.local`,
 * sub `system:serviceaccount:<ns>:<name>`, exp/iat/nbf, and the
 * `kubernetes.io` private claim. Nothing in the simulation checks these
 * tokens; they are real JWTs a learner can decode.
 */
import { createSign, randomUUID } from 'node:crypto';
import { invalid } from '../api/status.ts';

/** defaultAudience is the apiserver's default --api-audiences (= issuer) on kind. */
export const defaultAudience = 'https://kubernetes.default.svc.cluster.local';

export interface TokenRequestInput {
  namespace: string;
  serviceAccount: string;
  serviceAccountUid: string;
  audiences?: string[];
  expirationSeconds?: number;
  now: Date;
  keyPem: string;
}

function b64url(v: unknown): string {
  return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
}

/** issueServiceAccountToken returns the signed token and its expiry (RFC 3339). */
export function issueServiceAccountToken(input: TokenRequestInput): { token: string; expirationTimestamp: string; expirationSeconds: number; audiences: string[] } {
  const expirationSeconds = input.expirationSeconds ?? 3600;
  if (expirationSeconds < 600) {
    throw invalid('TokenRequest', input.serviceAccount, [{ type: 'Invalid', field: 'spec.expirationSeconds', value: expirationSeconds, detail: 'may not specify a duration less than 10 minutes' }], 'authentication.k8s.io');
  }
  const audiences = input.audiences?.length ? input.audiences : [defaultAudience];
  const iat = Math.floor(input.now.getTime() / 1000);
  const exp = iat + expirationSeconds;
  const header = { alg: 'RS256', kid: 'kslab-sim' };
  const claims = {
    aud: audiences,
    exp,
    iat,
    iss: defaultAudience,
    jti: randomUUID(),
    'kubernetes.io': { namespace: input.namespace, serviceaccount: { name: input.serviceAccount, uid: input.serviceAccountUid } },
    nbf: iat,
    sub: `system:serviceaccount:${input.namespace}:${input.serviceAccount}`,
  };
  const signingInput = `${b64url(header)}.${b64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(input.keyPem).toString('base64url');
  return {
    token: `${signingInput}.${signature}`,
    expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    expirationSeconds,
    audiences,
  };
}
