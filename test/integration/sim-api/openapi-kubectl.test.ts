import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discovery } from '../../../sandbox/providers/sim/api/discovery.ts';
import { openapiDocument, openapiRoot } from '../../../sandbox/providers/sim/api/openapi/index.ts';
import { RecordingServer, type Reply } from './recording-server.ts';
import { skipNote } from '../sim/harness.ts';

const notFound = (name: string): Reply => ({
  status: 404,
  body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `deployments.apps "${name}" not found`, reason: 'NotFound', details: { name, group: 'apps', kind: 'deployments' }, code: 404 }),
});

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        volumeMounts:
        - {name: data, mountPath: /data}
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: data}
`;

// kubectl reads our OpenAPI v3 documents to skip client-side validation, compute apply patches and explain fields.
describe('OpenAPI v3 seen by real kubectl', () => {
  let server: RecordingServer;
  const stored = new Map<string, unknown>();
  beforeAll(async () => {
    server = await RecordingServer.start((req) => {
      const path = req.url.split('?')[0]!;
      const d = discovery(path, req.headers.accept);
      if (d) return { status: 200, headers: { 'Content-Type': d.contentType }, body: d.body };
      // kubectl 1.27/1.28 load /openapi/v2 before anything else and give up on a 404; the simulated
      // server answers with an empty document (zero protobuf bytes), after which they use our v3 documents.
      if (path === '/openapi/v2') return { status: 200, headers: { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' }, body: '' };
      if (path === '/openapi/v3') return { status: 200, body: JSON.stringify(openapiRoot()) };
      if (path.startsWith('/openapi/v3/')) {
        const doc = openapiDocument(path);
        return doc ? { status: 200, body: doc.body } : { status: 404, body: '{}' };
      }
      const m = /^\/apis\/apps\/v1\/namespaces\/default\/deployments(?:\/([^/]+))?$/.exec(path);
      if (m) {
        if (req.method === 'GET') return stored.has(m[1]!) ? { status: 200, body: JSON.stringify(stored.get(m[1]!)) } : notFound(m[1]!);
        if (req.method === 'POST') {
          const obj = JSON.parse(req.body.toString());
          obj.metadata = { ...obj.metadata, uid: 'u-1', resourceVersion: '1', creationTimestamp: '2026-01-01T00:00:00Z' };
          stored.set(obj.metadata.name, obj);
          return { status: 201, body: JSON.stringify(obj) };
        }
        if (req.method === 'PATCH') return { status: 200, body: JSON.stringify(stored.get(m[1]!)) };
      }
      return { status: 404, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }) };
    });
  });
  afterAll(() => server.close());

  for (const minor of [27, 28, 29, 33]) {
    it.skipIf(skipNote(minor))(`kubectl 1.${minor} apply creates with server-side validation, then patches by merge keys without warnings`, async () => {
      stored.clear();
      server.requests.length = 0;
      const file = join(server.dir, 'web.yaml');
      writeFileSync(file, deployment('nginx:1.27'));
      const created = await server.kubectl(minor, ['apply', '-f', file]);
      expect(created.stderr).toBe('');
      expect(created.stdout.trim()).toBe('deployment.apps/web created');
      const post = server.requests.find((r) => r.method === 'POST')!;
      expect(post.url).toContain('fieldValidation=Strict');
      expect(server.requests.some((r) => r.url.startsWith('/openapi/v3/apis/apps/v1?hash='))).toBe(true);

      writeFileSync(file, deployment('nginx:1.28'));
      const patched = await server.kubectl(minor, ['apply', '-f', file]);
      expect(patched.stderr).toBe('');
      const patch = server.requests.find((r) => r.method === 'PATCH')!;
      expect(patch.headers['content-type']).toBe('application/strategic-merge-patch+json');
      const body = JSON.parse(patch.body.toString());
      expect(body.spec.template.spec['$setElementOrder/containers']).toEqual([{ name: 'web' }]);
      expect(body.spec.template.spec.containers).toEqual([{ image: 'nginx:1.28', name: 'web' }]);
    });
  }

  it.skipIf(skipNote(27))('kubectl 1.27 explain reads our v3 documents', async () => {
    const field = await server.kubectl(27, ['explain', 'pvc.spec.storageClassName']);
    expect(field.stderr).toBe('');
    expect(field.stdout).toContain('storageClassName is the name of the StorageClass required by the claim.');
    const volumes = await server.kubectl(27, ['explain', 'pods.spec.volumes']);
    expect(volumes.stdout).toMatch(/persistentVolumeClaim\s+<PersistentVolumeClaimVolumeSource>/);
  });

  it.skipIf(skipNote(33))('kubectl 1.33 explain shows the storage field descriptions', async () => {
    const field = await server.kubectl(33, ['explain', 'pvc.spec.storageClassName']);
    expect(field.stderr).toBe('');
    expect(field.stdout).toContain('KIND:       PersistentVolumeClaim');
    expect(field.stdout).toContain('storageClassName is the name of the StorageClass required by the claim.');
    const volumes = await server.kubectl(33, ['explain', 'pods.spec.volumes']);
    expect(volumes.stderr).toBe('');
    expect(volumes.stdout).toMatch(/FIELD: volumes <\[\]Volume>/);
    expect(volumes.stdout).toMatch(/persistentVolumeClaim\s+<PersistentVolumeClaimVolumeSource>/);
    const resources = await server.kubectl(33, ['explain', 'pvc.spec.resources']);
    expect(resources.stdout).toMatch(/requests\s+<map\[string\]Quantity>/);
    const probe = await server.kubectl(33, ['explain', 'pods.spec.containers.livenessProbe.httpGet']);
    expect(probe.stdout).toMatch(/port\s+<IntOrString> -required-/);
    const meta = await server.kubectl(33, ['explain', 'pods.metadata']);
    expect(meta.stdout).toMatch(/creationTimestamp\s+<string>/);
    const policy = await server.kubectl(33, ['explain', 'pv.spec.persistentVolumeReclaimPolicy']);
    expect(policy.stdout).toMatch(/ENUM:\s+Delete\s+Recycle\s+Retain/);
    const pv = await server.kubectl(33, ['explain', 'pv.spec.claimRef']);
    expect(pv.stdout).toContain('claimRef is part of a bi-directional binding between PersistentVolume and');
  });
});
