/**
 * recording-server is a throwaway HTTPS endpoint for the sim-api integration
 * tests: it serves whatever the test's handler answers, records every
 * request (method, path, headers, raw body), and writes a kubeconfig so a
 * real kubectl binary can talk to it. The kubeconfig shape (CA data, bearer
 * token, a per-run path prefix) is the one verified in
 * shared/research/kubectl-wire-protocol.md §8.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

export interface RecordedRequest {
  method: string;
  /** path without the cluster prefix, query included */
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export type Handler = (req: RecordedRequest) => Reply;

/** selfSignedCertificate makes a CA-capable certificate for 127.0.0.1 (Go ignores the CN, so the IP SAN matters). */
function selfSignedCertificate(): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: 'sim-api-test' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** RecordingServer is one started endpoint with its kubeconfig; `close()` removes everything. */
export class RecordingServer {
  readonly requests: RecordedRequest[] = [];
  private constructor(
    private readonly server: Server,
    readonly dir: string,
    readonly kubeconfig: string,
  ) {}

  static async start(handler: Handler): Promise<RecordingServer> {
    const { certPem, keyPem } = selfSignedCertificate();
    const prefix = `/clusters/${randomUUID()}`;
    const dir = mkdtempSync(join(tmpdir(), 'sim-api-'));
    let self: RecordingServer | undefined;
    const server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = (req.url ?? '').startsWith(prefix) ? (req.url ?? '').slice(prefix.length) : (req.url ?? '');
        const rec: RecordedRequest = { method: req.method ?? 'GET', url, headers: req.headers, body: Buffer.concat(chunks) };
        self?.requests.push(rec);
        let reply: Reply;
        try {
          reply = handler(rec);
        } catch (err) {
          reply = { status: 500, body: String(err) };
        }
        res.writeHead(reply.status, reply.headers ?? { 'Content-Type': 'application/json' });
        res.end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: `https://127.0.0.1:${port}${prefix}`, 'certificate-authority-data': Buffer.from(certPem).toString('base64') } }],
        users: [{ name: 'u', user: { token: 'sim-api-test-token' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
        'current-context': 'c',
      }),
    );
    self = new RecordingServer(server, dir, kubeconfig);
    return self;
  }

  /** kubectl runs one real kubectl minor (1.27–1.33) against this server with a private discovery cache. */
  kubectl(minor: number, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        `/usr/lib/google-cloud-sdk/bin/kubectl.1.${minor}`,
        ['--kubeconfig', this.kubeconfig, ...args],
        { env: { ...process.env, KUBECACHEDIR: join(this.dir, `cache-${minor}`), HOME: this.dir, KUBECTL_KUBERC: 'false' }, timeout: 30_000 },
        (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
