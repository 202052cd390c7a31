import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discovery } from '../../../sandbox/providers/sim/api/discovery.ts';
import { findResource } from '../../../sandbox/providers/sim/api/resources.ts';
import { toTable } from '../../../sandbox/providers/sim/api/tables/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { RecordingServer } from './recording-server.ts';
import { skipNote } from '../sim/harness.ts';

// Ages are computed against a fixed server clock so the printed AGE is exact.
const now = new Date('2026-03-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

const objects: Record<string, KObject[]> = {
  '/api/v1/namespaces/default/persistentvolumeclaims': [
    { kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: { name: 'data', namespace: 'default', creationTimestamp: ago(30), labels: { app: 'web' } }, spec: { storageClassName: 'standard', volumeName: 'pvc-1', volumeMode: 'Filesystem' }, status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } } },
    { kind: 'PersistentVolumeClaim', apiVersion: 'v1', metadata: { name: 'pending', namespace: 'default', creationTimestamp: ago(5) }, spec: { storageClassName: 'slow' }, status: { phase: 'Pending' } },
  ],
  '/apis/storage.k8s.io/v1/storageclasses': [
    { kind: 'StorageClass', apiVersion: 'storage.k8s.io/v1', metadata: { name: 'standard', creationTimestamp: ago(600), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' },
  ],
};

/** The table kubectl is expected to print, minus runs of spaces (tabwriter alignment). */
const squash = (s: string) => s.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));

describe('Tables seen by real kubectl', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await RecordingServer.start((req) => {
      const path = req.url.split('?')[0]!;
      const d = discovery(path, req.headers.accept);
      if (d) return { status: 200, headers: { 'Content-Type': d.contentType }, body: d.body };
      const items = objects[path];
      if (items) {
        const rt = path.startsWith('/api/') ? findResource('', 'v1', path.split('/').pop()!)! : findResource('storage.k8s.io', 'v1', 'storageclasses')!;
        const asTable = req.headers.accept?.includes('as=Table');
        const body = asTable ? toTable(rt, items, { resourceVersion: '7', now }) : { kind: rt.listKind, apiVersion: 'v1', metadata: { resourceVersion: '7' }, items };
        return { status: 200, body: JSON.stringify(body) };
      }
      return { status: 404, body: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404}' };
    });
  });
  afterAll(() => server.close());

  for (const minor of [28, 33]) {
    it.skipIf(skipNote(minor))(`kubectl 1.${minor} get pvc / -o wide / --show-labels / sc`, async () => {
      const plain = await server.kubectl(minor, ['get', 'pvc']);
      expect(plain.stderr).toBe('');
      expect(squash(plain.stdout)).toEqual([
        ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
        ['data', 'Bound', 'pvc-1', '1Gi', 'RWO', 'standard', '<unset>', '30s'],
        ['pending', 'Pending', 'slow', '<unset>', '5s'],
      ]);
      const wide = await server.kubectl(minor, ['get', 'pvc', '-o', 'wide']);
      expect(squash(wide.stdout)[0]).toEqual(['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE', 'VOLUMEMODE']);
      const labels = await server.kubectl(minor, ['get', 'pvc', '--show-labels']);
      expect(squash(labels.stdout)[1]!.at(-1)).toBe('app=web');
      const sc = await server.kubectl(minor, ['get', 'sc']);
      expect(squash(sc.stdout)).toEqual([
        ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
        ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', 'false', '10m'],
      ]);
    });
  }
});
