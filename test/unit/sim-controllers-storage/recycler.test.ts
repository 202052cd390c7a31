/**
 * The Recycle reclaim policy runs a real recycler pod (QA F-A2), on an
 * in-process cluster with a fake clock: the pod kube-controller-manager
 * builds, the scheduler and kubelet running it, its script emptying the
 * NFS export, its events copied onto the volume, and the failure paths.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { recyclerTimeoutSeconds } from '../../../sandbox/providers/sim/controllers/pv-binder/recycler-pod.ts';
import { pv as pvFixture, pvc as pvcFixture } from './fixtures.ts';
import { manifest, storageCluster, withKubelet, type StorageTestCluster } from './harness.ts';

const reasons = (evs: any[]) => evs.map((e) => `${e.type} ${e.reason}: ${e.message}`);
const withRecycler = [...withKubelet, 'scheduler'];

/** until advances the fake clock a second at a time until cond holds (at most limitMs). */
async function until(c: StorageTestCluster, cond: () => boolean, limitMs = 120_000): Promise<void> {
  for (let t = 0; t <= limitMs; t += 1000) {
    await c.settled();
    if (cond()) return;
    await c.advance(1000);
  }
  throw new Error('condition not met in fake time');
}

async function boundRecycleVolume(c: StorageTestCluster, name: string, source: Record<string, unknown>): Promise<void> {
  c.apply(manifest(pvFixture(name, { className: 'nfs', reclaim: 'Recycle', capacity: '20Gi', source })));
  c.apply(manifest(pvcFixture(`${name}-claim`, { className: 'nfs' })));
  await until(c, () => c.get('pv', name)?.status?.phase === 'Bound');
}

describe('Recycle through a recycler pod (fake clock)', () => {
  it('NFS: Released, then recycler-for-<pv> in default empties the export, RecyclerPod events, VolumeRecycled, Available, pod deleted', async () => {
    using c = storageCluster(withRecycler);
    await boundRecycleVolume(c, 'recycled', { nfs: { server: 'nfs', path: '/exports/data' } });
    const dir = c.storage.dataRoot.nfsPath('/exports/data');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(dir, 'sub', 'deeper', 'old.txt'), 'x');
    writeFileSync(join(dir, '.hidden'), 'y');
    c.api.delete(resources.persistentvolumeclaims, 'default', 'recycled-claim');
    await c.settled();
    // The pod exists and the volume is Released while it runs; nothing is scrubbed yet.
    const pod = c.get('pod', 'recycler-for-recycled');
    expect(c.get('pv', 'recycled').status.phase).toBe('Released');
    expect(readdirSync(dir).sort()).toEqual(['.hidden', 'sub']);
    expect(pod.spec).toMatchObject({
      activeDeadlineSeconds: 600, // 20 GiB × 30 s, above NFS's 300 s minimum
      restartPolicy: 'Never',
      // the service account token volume that admission adds comes after the template's `vol`
      volumes: expect.arrayContaining([{ name: 'vol', nfs: { server: 'nfs', path: '/exports/data' } }]),
      containers: [
        {
          name: 'pv-recycler',
          image: 'registry.k8s.io/build-image/debian-base:bookworm-v1.0.4',
          command: ['/bin/sh'],
          args: ['-c', 'test -e /scrub && find /scrub -mindepth 1 -delete && test -z "$(ls -A /scrub)" || exit 1'],
          volumeMounts: expect.arrayContaining([{ name: 'vol', mountPath: '/scrub' }]),
        },
      ],
    });
    await until(c, () => c.get('pv', 'recycled')?.status?.phase === 'Available');
    const v = c.get('pv', 'recycled');
    expect(v.spec.claimRef).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
    await until(c, () => c.get('pod', 'recycler-for-recycled') === undefined);
    const evs = reasons(c.events('recycled'));
    expect(evs.at(-1)).toBe('Normal VolumeRecycled: Volume recycled');
    // The pod's own events (scheduled, pulled, created, started) reached the volume first.
    expect(evs).toContain('Normal RecyclerPod: Recycler pod: Successfully assigned default/recycler-for-recycled to lab-worker');
    expect(evs.some((e) => /^Normal RecyclerPod: Recycler pod: Pulling image "registry\.k8s\.io\/build-image\/debian-base:bookworm-v1\.0\.4"$/.test(e))).toBe(true);
    expect(evs.some((e) => /^Normal RecyclerPod: Recycler pod: Started container pv-recycler$/.test(e))).toBe(true);
    expect(evs.slice(0, -1).every((e) => e.startsWith('Normal RecyclerPod: Recycler pod: '))).toBe(true);
    expect(c.errors).toEqual([]);
  });

  it('a recycler pod deleted before it finished leaves the volume Failed with VolumeFailedRecycle and the data in place', async () => {
    using c = storageCluster(withRecycler);
    await boundRecycleVolume(c, 'interrupted', { nfs: { server: 'nfs', path: '/exports/data' } });
    writeFileSync(join(c.storage.dataRoot.nfsPath('/exports/data'), 'kept.txt'), 'x');
    c.api.delete(resources.persistentvolumeclaims, 'default', 'interrupted-claim');
    await c.settled();
    expect(c.get('pod', 'recycler-for-interrupted')).toBeDefined();
    c.api.delete(resources.pods, 'default', 'recycler-for-interrupted', { gracePeriodSeconds: 0 } as any);
    await until(c, () => c.get('pv', 'interrupted')?.status?.phase === 'Failed');
    expect(reasons(c.events('interrupted')).at(-1)).toBe('Warning VolumeFailedRecycle: Recycle failed: failed to recycle volume: recycler pod was deleted');
    expect(readdirSync(c.storage.dataRoot.nfsPath('/exports/data'))).toEqual(['kept.txt']);
    expect(c.get('pv', 'interrupted').spec.claimRef).toBeDefined();
  });

  it('hostPath: the recycler pod is not pinned; it empties the directory on the node the scheduler chose', async () => {
    using c = storageCluster(withRecycler);
    const dirs = ['lab-worker', 'lab-worker2'].map((node) => c.storage.dataRoot.ensureNodeDir(node, '/data/recycle-me'));
    for (const d of dirs) writeFileSync(join(d, 'old.txt'), 'x');
    await boundRecycleVolume(c, 'host-vol', { hostPath: { path: '/data/recycle-me' } });
    c.api.delete(resources.persistentvolumeclaims, 'default', 'host-vol-claim');
    await c.settled();
    const pod = c.get('pod', 'recycler-for-host-vol');
    expect(pod.spec.activeDeadlineSeconds).toBe(600);
    expect(pod.spec.volumes[0]).toMatchObject({ name: 'vol', hostPath: { path: '/data/recycle-me' } });
    await until(c, () => c.get('pv', 'host-vol')?.status?.phase === 'Available');
    const assigned = reasons(c.events('host-vol')).map((e) => /Successfully assigned default\/recycler-for-host-vol to (\S+)$/.exec(e)?.[1]).find(Boolean)!;
    expect(['lab-worker', 'lab-worker2']).toContain(assigned);
    const other = assigned === 'lab-worker' ? 'lab-worker2' : 'lab-worker';
    expect(readdirSync(c.storage.dataRoot.nodePath(assigned, '/data/recycle-me'))).toEqual([]);
    expect(readdirSync(c.storage.dataRoot.nodePath(other, '/data/recycle-me'))).toEqual(['old.txt']);
  });

  it('a CSI volume has no recycler: Failed at once, no pod', async () => {
    using c = storageCluster(withRecycler);
    c.apply(manifest(pvFixture('csi-vol', { className: 'nfs', reclaim: 'Recycle', source: { csi: { driver: 'rbd.csi.ceph.com', volumeHandle: 'h' } } })));
    c.apply(manifest(pvcFixture('csi-claim', { className: 'nfs' })));
    await until(c, () => c.get('pv', 'csi-vol')?.status?.phase === 'Bound');
    c.api.delete(resources.persistentvolumeclaims, 'default', 'csi-claim');
    await until(c, () => c.get('pv', 'csi-vol')?.status?.phase === 'Failed');
    expect(reasons(c.events('csi-vol'))).toEqual(['Warning VolumeFailedRecycle: No recycler plugin found for the volume!']);
    expect(c.get('pod', 'recycler-for-csi-vol')).toBeUndefined();
  });

  it('activeDeadlineSeconds follows the NFS and hostPath minimum and per-GiB increment', () => {
    expect(recyclerTimeoutSeconds(manifest(pvFixture('a', { capacity: '1Gi' })))).toBe(300);
    expect(recyclerTimeoutSeconds(manifest(pvFixture('a', { capacity: '20Gi' })))).toBe(600);
    expect(recyclerTimeoutSeconds(manifest(pvFixture('a', { capacity: '1Gi', source: { hostPath: { path: '/data/x' } } })))).toBe(60);
    expect(recyclerTimeoutSeconds(manifest(pvFixture('a', { capacity: '5Gi', source: { hostPath: { path: '/data/x' } } })))).toBe(150);
  });
});
