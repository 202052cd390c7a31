import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discovery } from '../../../sandbox/providers/sim/api/discovery.ts';
import { RecordingServer } from './recording-server.ts';
import { skipNote } from '../sim/harness.ts';

// Real kubectl binaries resolve resource names against our discovery documents alone.
describe('discovery seen by real kubectl', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await RecordingServer.start((req) => {
      const path = req.url.split('?')[0]!;
      const d = discovery(path, req.headers.accept);
      if (d) return { status: d.status, headers: { 'Content-Type': d.contentType, ETag: `"${d.etag}"` }, body: d.body };
      return { status: 404, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }) };
    });
  });
  afterAll(() => server.close());

  for (const minor of [27, 29, 30, 33]) {
    it.skipIf(skipNote(minor))(`kubectl 1.${minor} api-resources lists what we serve`, async () => {
      const r = await server.kubectl(minor, ['api-resources', '--no-headers', '-o', 'wide']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n').map((l) => l.split(/\s+/));
      const pods = lines.find((l) => l[0] === 'pods')!;
      expect(pods.slice(0, 5)).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
      expect(lines.find((l) => l[0] === 'storageclasses')!.slice(0, 5)).toEqual(['storageclasses', 'sc', 'storage.k8s.io/v1', 'false', 'StorageClass']);
      expect(lines.find((l) => l[0] === 'deployments')!.join(' ')).toContain('all');
      expect(lines).toHaveLength(34);
      const aggregated = server.requests.some((q) => q.url.startsWith('/apis') && q.headers.accept?.includes('APIGroupDiscoveryList'));
      expect(aggregated).toBe(true);
    });
  }

  it.skipIf(skipNote(33))('kubectl 1.33 api-resources --api-group and --namespaced filters', async () => {
    const r = await server.kubectl(33, ['api-resources', '--api-group=storage.k8s.io', '-o', 'name']);
    expect(r.stdout.trim().split('\n')).toEqual([
      'csidrivers.storage.k8s.io',
      'csinodes.storage.k8s.io',
      'csistoragecapacities.storage.k8s.io',
      'storageclasses.storage.k8s.io',
      'volumeattachments.storage.k8s.io',
    ]);
  });
});
