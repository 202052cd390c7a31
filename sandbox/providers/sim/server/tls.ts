/**
 * TLS material of the simulated API server: a private CA (whose certificate
 * goes into every kubeconfig as `certificate-authority-data`, so kubectl needs
 * no `--insecure-skip-tls-verify`) and a server certificate for
 * `IP:127.0.0.1` and `DNS:localhost` signed by it. Go's TLS stack ignores
 * the CN, hence the SANs (kubectl-wire-protocol.md §8).
 *
 * Keys come from Node's native RSA generator (fast); node-forge builds and
 * signs the X.509 certificates.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/** ServerTls is what the HTTPS listener and the kubeconfigs need. */
export interface ServerTls {
  caCertPem: string;
  certPem: string;
  keyPem: string;
}

function rsaKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey),
    privateKey: forge.pki.privateKeyFromPem(privateKey),
    privatePem: privateKey,
  };
}

function serial(): string {
  // Positive, non-zero serial (high bit cleared).
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f | 0x01;
  return b.toString('hex');
}

/** generateServerTls makes a fresh CA and a server certificate valid for ten years. */
export function generateServerTls(): ServerTls {
  const now = new Date(Date.now() - 60_000);
  const until = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);

  const ca = rsaKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = now;
  caCert.validity.notAfter = until;
  const caSubject = [{ name: 'commonName', value: 'kslab-sim-ca (simulated cluster CA)' }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const srv = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = srv.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = now;
  cert.validity.notAfter = until;
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver (kslab-sim)' }]);
  cert.setIssuer(caSubject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
        { type: 2, value: 'kubernetes.default.svc' },
      ],
    },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());

  return {
    caCertPem: forge.pki.certificateToPem(caCert),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: srv.privatePem,
  };
}

/**
 * loadOrCreateServerTls reuses the material cached in `dir` (so restarts keep
 * old kubeconfigs' CA valid) or generates and caches it.
 */
export function loadOrCreateServerTls(dir?: string): ServerTls {
  if (!dir) return generateServerTls();
  const files = { caCertPem: 'ca.crt', certPem: 'server.crt', keyPem: 'server.key' } as const;
  if (Object.values(files).every((f) => existsSync(join(dir, f)))) {
    return {
      caCertPem: readFileSync(join(dir, files.caCertPem), 'utf8'),
      certPem: readFileSync(join(dir, files.certPem), 'utf8'),
      keyPem: readFileSync(join(dir, files.keyPem), 'utf8'),
    };
  }
  const tls = generateServerTls();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [k, f] of Object.entries(files)) writeFileSync(join(dir, f), tls[k as keyof ServerTls], { mode: 0o600 });
  return tls;
}
