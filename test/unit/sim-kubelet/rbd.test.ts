import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { kubeletCluster } from './harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

function manifest(path: string): KObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS()).filter(Boolean).map((o: any) => ({ ...o, metadata: { namespace: o.kind === 'StorageClass' ? undefined : 'default', ...o.metadata } }));
}

describe('kubelet: RBD volumes (ceph-csi)', () => {
  it('mounts the image on its attached node with a watcher; a second node meets Multi-Attach until the first lets go', async () => {
    using c = kubeletCluster();
    const key = c.storage.ceph.getKey('client.admin');
    c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'csi-rbd-secret', namespace: 'default' }, stringData: { userID: 'admin', userKey: key } } as unknown as KObject);
    for (const o of [...manifest('lessons/04-ceph-rbd/manifests/csi-rbd-sc.yaml'), ...manifest('lessons/04-ceph-rbd/manifests/rbd-pvc.yaml'), ...manifest('lessons/04-ceph-rbd/manifests/rbd-writer.yaml')]) c.apply(o);
    // CreateVolume 1.5 s, attach 1 s, NodeStage with mkfs 4 s, then the image pull: Running within 10 s.
    await c.advance(10_000);
    const writer = c.pod('rbd-writer');
    expect(writer.status.phase).toBe('Running');
    const pv = c.api.get(resources.persistentvolumes, '', (c.api.get(resources.persistentvolumeclaims, 'default', 'rbd-pvc') as any).spec.volumeName) as any;
    const image = pv.spec.csi.volumeAttributes.imageName;
    expect(readFileSync(`${c.storage.dataRoot.cephImageDir('rbd', image)}/hello`, 'utf8')).toBe('hello from rbd\n');
    expect(c.storage.ceph.image('rbd', image)!.watchers.map((w) => w.address.split(':')[0])).toEqual(['172.18.0.3']);
    const unique = `kubernetes.io/csi/rbd.csi.ceph.com^${pv.spec.csi.volumeHandle}`;
    const node = (n: string) => c.api.get(resources.nodes, '', n) as any;
    expect(node('lab-worker').status.volumesInUse).toEqual([unique]);
    // Newest first: the pulled busybox before the images the kind node image preloads.
    expect(node('lab-worker').status.images[0].names[1]).toBe('docker.io/library/busybox:1.36');
    const r = await c.exec('rbd-writer', ['sh', '-c', 'mount | grep /data; df -h /data | tail -1']);
    expect(r.stdout).toContain('/dev/rbd0 on /data type ext4');

    for (const o of manifest('lessons/04-ceph-rbd/manifests/rbd-reader.yaml')) c.apply(o);
    await c.advance(5000);
    expect(c.pod('rbd-reader').status.containerStatuses[0].state.waiting.reason).toBe('ContainerCreating');
    expect(c.events('rbd-reader').map((e: any) => `${e.reason}: ${e.message}`)).toContain(`FailedAttachVolume: Multi-Attach error for volume "${pv.metadata.name}" Volume is already used by pod(s) rbd-writer`);

    c.api.delete(resources.pods, 'default', 'rbd-writer', { gracePeriodSeconds: 2 });
    await c.advance(10_000);
    expect(c.pod('rbd-writer')).toBeUndefined();
    expect(c.pod('rbd-reader').status.phase).toBe('Running');
    expect(await c.logs('rbd-reader')).toBe('hello from rbd\n');
    expect(c.storage.ceph.image('rbd', image)!.watchers.map((w) => w.address.split(':')[0])).toEqual(['172.18.0.4']);
    expect(node('lab-worker').status.volumesInUse).toBeUndefined();
    expect(node('lab-worker2').status.volumesInUse).toEqual([unique]);
  });

  it('after its node loses power and the pod is force-deleted, the volume stays attached (still in use there) until the 6 min force detach', async () => {
    const { powerOff } = await import('../../../sandbox/providers/sim/controllers/node-lifecycle/index.ts');
    using c = kubeletCluster();
    const key = c.storage.ceph.getKey('client.admin');
    c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'csi-rbd-secret', namespace: 'default' }, stringData: { userID: 'admin', userKey: key } } as unknown as KObject);
    for (const o of [...manifest('lessons/04-ceph-rbd/manifests/csi-rbd-sc.yaml'), ...manifest('lessons/04-ceph-rbd/manifests/rbd-pvc.yaml'), ...manifest('lessons/04-ceph-rbd/manifests/rbd-writer.yaml')]) c.apply(o);
    // CreateVolume 1.5 s, attach 1 s, NodeStage with mkfs 4 s, then the image pull: Running within 10 s.
    await c.advance(10_000);
    expect(c.pod('rbd-writer').status.phase).toBe('Running');
    powerOff(c.manager, 'lab-worker');
    await c.advance(60_000, 5000);
    c.api.delete(resources.pods, 'default', 'rbd-writer', { gracePeriodSeconds: 0 });
    for (const o of manifest('lessons/04-ceph-rbd/manifests/rbd-reader.yaml')) c.apply(o);
    await c.advance(5 * 60_000, 10_000);
    expect(c.pod('rbd-reader').status.containerStatuses[0].state.waiting.reason).toBe('ContainerCreating');
    expect(c.events('rbd-reader').map((e: any) => e.reason)).toContain('FailedAttachVolume');
    await c.advance(2 * 60_000, 10_000);
    expect(c.pod('rbd-reader').status.phase).toBe('Running');
    expect(await c.logs('rbd-reader')).toBe('hello from rbd\n');
  });

  it('local-path: the claim is provisioned on the pod node and its directory holds the data', async () => {
    using c = kubeletCluster();
    for (const o of [...manifest('lessons/06-local-path/manifests/lp-claim.yaml'), ...manifest('lessons/06-local-path/manifests/lp-pod.yaml')]) c.apply(o);
    await c.advance(5000);
    expect(c.pod('lp-pod').status.phase).toBe('Running');
    const pv = c.api.get(resources.persistentvolumes, '', (c.api.get(resources.persistentvolumeclaims, 'default', 'lp-claim') as any).spec.volumeName) as any;
    expect(readFileSync(c.storage.dataRoot.nodePath('lab-worker2', `${pv.spec.hostPath.path}/hello`), 'utf8')).toBe('hello from local-path\n');
  });
});
