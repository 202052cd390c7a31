import { describe, expect, it } from 'vitest';
import { X509Certificate, createVerify } from 'node:crypto';
import { parse } from 'yaml';
import { generateServerTls } from '../../../sandbox/providers/sim/server/tls.ts';
import { buildKubeconfig } from '../../../sandbox/providers/sim/kubeconfig/kubeconfig.ts';
import { issueServiceAccountToken } from '../../../sandbox/providers/sim/server/tokens.ts';
import { parseSimArgs } from '../../../sandbox/cli/commands/sim.ts';

const tls = generateServerTls();

describe('server TLS', () => {
  it('issues a server certificate for 127.0.0.1 and localhost, signed by the CA that goes into kubeconfigs', () => {
    const ca = new X509Certificate(tls.caCertPem);
    const cert = new X509Certificate(tls.certPem);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
  });
});

describe('buildKubeconfig', () => {
  it('writes a self-contained kubeconfig: server with prefix, inline CA, bearer token, current context', () => {
    const cfg = parse(buildKubeconfig({ name: 'kslab-sim-x', server: 'https://127.0.0.1:1234/clusters/x', caCertPem: tls.caCertPem, token: 'tok' }));
    expect(cfg['current-context']).toBe('kslab-sim-x');
    expect(cfg.clusters[0].cluster.server).toBe('https://127.0.0.1:1234/clusters/x');
    expect(Buffer.from(cfg.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(tls.caCertPem);
    expect(cfg.users[0].user).toEqual({ token: 'tok' });
    expect(cfg.contexts[0].context).toEqual({ cluster: 'kslab-sim-x', user: 'kslab-sim-x' });
  });
});

describe('issueServiceAccountToken', () => {
  it('signs an RS256 JWT with the bound service-account claims', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const t = issueServiceAccountToken({ namespace: 'lab', serviceAccount: 'app', serviceAccountUid: 'u-1', now, keyPem: tls.keyPem });
    const [h, p, sig] = t.token.split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toMatchObject({ alg: 'RS256' });
    expect(JSON.parse(Buffer.from(p!, 'base64url').toString())).toMatchObject({
      sub: 'system:serviceaccount:lab:app',
      iat: 1735689600,
      exp: 1735693200,
      'kubernetes.io': { namespace: 'lab', serviceaccount: { name: 'app', uid: 'u-1' } },
    });
    expect(t.expirationTimestamp).toBe('2025-01-01T01:00:00Z');
    const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(new X509Certificate(tls.certPem).publicKey, Buffer.from(sig!, 'base64url'));
    expect(ok).toBe(true);
  });

  it('refuses durations under ten minutes like the apiserver', () => {
    expect(() => issueServiceAccountToken({ namespace: 'lab', serviceAccount: 'app', serviceAccountUid: 'u', now: new Date(), keyPem: tls.keyPem, expirationSeconds: 60 })).toThrowError(
      'TokenRequest.authentication.k8s.io "app" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes',
    );
  });
});

describe('kslab sim arguments', () => {
  it('reads --kubeconfig/--port/--id in both flag forms and rejects bad ports', () => {
    expect(parseSimArgs(['--kubeconfig', 'k', '--port=6443', '--id', 'lab'])).toMatchObject({ kubeconfig: 'k', port: 6443, id: 'lab', help: false });
    expect(parseSimArgs(['--kubeconfig=k']).id).toMatch(/^sim-[0-9a-f]{6}$/);
    expect(() => parseSimArgs(['--port', 'x'])).toThrowError('--port: "x" is not a port number');
    expect(() => parseSimArgs(['--nope'])).toThrowError('unknown option "--nope"');
  });
});
