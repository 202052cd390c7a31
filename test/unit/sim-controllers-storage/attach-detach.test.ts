import { describe, expect, it } from 'vitest';
import { csiRbdClass, secretOf, storageCluster, storageControllers } from './harness.ts';
import { pvc as pvcFixture, pv as pvFixture } from './fixtures.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { attachmentName, isPodTerminated, multiAttachMessage } from '../../../sandbox/providers/sim/controllers/attach-detach/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const controllers = [...storageControllers, 'attachdetach-controller', 'csi-attacher-rbd.csi.ceph.com'];

function podOn(name: string, node: string, claim: string, namespace = 'default'): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox:1.36' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] },
  } as KObject;
}

function claimManifest(name: string, className: string): KObject {
  const c = pvcFixture(name, { className }) as any;
  delete c.metadata.uid;
  delete c.status;
  return c;
}

async function rbdCluster() {
  const c = storageCluster(controllers);
  c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: c.storage.ceph.getKey('client.admin') }));
  c.apply(csiRbdClass());
  c.apply(claimManifest('rbd-pvc', 'csi-rbd-sc'));
  await c.settled();
  return c;
}

describe('Multi-Attach wording', () => {
  it('names pods of the waiting pod namespace and counts the others', () => {
    const w = { metadata: { name: 'r', namespace: 'default' } } as KObject;
    const a = { metadata: { name: 'web-0', namespace: 'default' } } as KObject;
    const b = { metadata: { name: 'x', namespace: 'other' } } as KObject;
    expect(multiAttachMessage('pvc-1', w, [a])).toBe('Multi-Attach error for volume "pvc-1" Volume is already used by pod(s) web-0');
    expect(multiAttachMessage('pvc-1', w, [a, b])).toBe('Multi-Attach error for volume "pvc-1" Volume is already used by pod(s) web-0 and 1 pod(s) in different namespaces');
    expect(multiAttachMessage('pvc-1', w, [b])).toBe('Multi-Attach error for volume "pvc-1" Volume is already used by 1 pod(s) in different namespaces');
    expect(multiAttachMessage('pvc-1', w, [])).toBe(`Multi-Attach error for volume "pvc-1" Volume is already exclusively attached to one node and can't be attached to another`);
  });

  it('a Terminating pod whose containers still run keeps its volumes; one with none running does not', () => {
    const base = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' }, spec: {} };
    expect(isPodTerminated({ ...base, status: { phase: 'Running', containerStatuses: [{ state: { running: {} } }] } } as KObject)).toBe(false);
    expect(isPodTerminated({ ...base, status: { phase: 'Running', containerStatuses: [{ state: { terminated: {} } }] } } as KObject)).toBe(true);
    expect(isPodTerminated({ ...base, status: { phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] } } as KObject)).toBe(true);
    expect(isPodTerminated({ ...base, status: { phase: 'Pending' } } as KObject)).toBe(true);
    expect(isPodTerminated({ ...base, metadata: { name: 'p' }, status: { phase: 'Running', containerStatuses: [{ state: { terminated: {} } }] } } as KObject)).toBe(false);
  });
});

describe('attach/detach controller with the ceph-csi attacher', () => {
  it('attaches an RBD volume to the writer node, refuses a second node with Multi-Attach, and hands over once the writer is gone', async () => {
    using c = await rbdCluster();
    const claim = c.get('pvc', 'rbd-pvc');
    const pvName = claim.spec.volumeName;
    const vol = c.get('pv', pvName);
    c.apply(podOn('rbd-writer', 'lab-worker', 'rbd-pvc'));
    await c.settled();
    const vaName = attachmentName(vol.spec.csi.volumeHandle, 'rbd.csi.ceph.com', 'lab-worker');
    const va = c.api.get(resources.volumeattachments, '', vaName) as any;
    expect(va.spec).toEqual({ attacher: 'rbd.csi.ceph.com', nodeName: 'lab-worker', source: { persistentVolumeName: pvName } });
    expect(va.status.attached).toBe(true);
    expect(va.metadata.finalizers).toEqual(['external-attacher/rbd-csi-ceph-com']);
    const writerEvents = c.events('rbd-writer');
    expect(writerEvents.map((e) => [e.type, e.reason, e.message, e.source.component])).toEqual([
      ['Normal', 'SuccessfulAttachVolume', `AttachVolume.Attach succeeded for volume "${pvName}" `, 'attachdetach-controller'],
    ]);
    const node = c.api.get(resources.nodes, '', 'lab-worker') as any;
    expect(node.status.volumesAttached).toEqual([{ name: `kubernetes.io/csi/rbd.csi.ceph.com^${vol.spec.csi.volumeHandle}`, devicePath: '' }]);

    c.apply(podOn('rbd-reader', 'lab-worker2', 'rbd-pvc'));
    await c.settled();
    await c.advance(20_000);
    expect(c.events('rbd-reader').map((e) => [e.type, e.reason, e.message, e.count])).toEqual([
      ['Warning', 'FailedAttachVolume', `Multi-Attach error for volume "${pvName}" Volume is already used by pod(s) rbd-writer`, 1],
    ]);
    expect(c.api.list(resources.volumeattachments, undefined).items.map((x: any) => x.spec.nodeName)).toEqual(['lab-worker']);

    // The writer goes: the attachment moves to lab-worker2.
    c.api.delete(resources.pods, 'default', 'rbd-writer', { gracePeriodSeconds: 0 });
    await c.settled();
    const vas = c.api.list(resources.volumeattachments, undefined).items as any[];
    expect(vas.map((x) => [x.spec.nodeName, x.status?.attached])).toEqual([['lab-worker2', true]]);
    expect(c.events('rbd-reader').map((e) => e.reason)).toContain('SuccessfulAttachVolume');
    expect((c.api.get(resources.nodes, '', 'lab-worker') as any).status.volumesAttached).toBeUndefined();
  });

  it('two pods on the same node share an RWO volume (RWO is per node)', async () => {
    using c = await rbdCluster();
    c.apply(podOn('a', 'lab-worker', 'rbd-pvc'));
    c.apply(podOn('b', 'lab-worker', 'rbd-pvc'));
    await c.settled();
    expect(c.api.list(resources.volumeattachments, undefined).items).toHaveLength(1);
    expect(c.events('b').map((e) => e.reason)).toEqual(['SuccessfulAttachVolume']);
  });

  it('keeps a volume attached while an unready node still reports it mounted, and force-detaches after 6 minutes; out-of-service detaches at once', async () => {
    using c = await rbdCluster();
    const vol = c.get('pv', c.get('pvc', 'rbd-pvc').spec.volumeName);
    const unique = `kubernetes.io/csi/rbd.csi.ceph.com^${vol.spec.csi.volumeHandle}`;
    c.apply(podOn('w', 'lab-worker', 'rbd-pvc'));
    await c.settled();
    // The node stops answering: NotReady, the volume still listed as in use by its (silent) kubelet.
    const node = c.api.get(resources.nodes, '', 'lab-worker') as any;
    node.status.volumesInUse = [unique];
    node.status.conditions = node.status.conditions.map((x: any) => (x.type === 'Ready' ? { ...x, status: 'Unknown' } : x));
    c.api.update(resources.nodes, '', 'lab-worker', node, { subresource: 'status' });
    c.api.delete(resources.pods, 'default', 'w', { gracePeriodSeconds: 0 });
    await c.settled();
    expect(c.api.list(resources.volumeattachments, undefined).items).toHaveLength(1);
    await c.advance(5 * 60_000);
    expect(c.api.list(resources.volumeattachments, undefined).items).toHaveLength(1);
    await c.advance(61_000);
    expect(c.api.list(resources.volumeattachments, undefined).items).toHaveLength(0);

    // Again, but the administrator marks the node out-of-service.
    c.apply(podOn('w2', 'lab-worker2', 'rbd-pvc'));
    await c.settled();
    const n2 = c.api.get(resources.nodes, '', 'lab-worker2') as any;
    n2.status.volumesInUse = [unique];
    c.api.update(resources.nodes, '', 'lab-worker2', n2, { subresource: 'status' });
    c.api.delete(resources.pods, 'default', 'w2', { gracePeriodSeconds: 0 });
    await c.settled();
    expect(c.api.list(resources.volumeattachments, undefined).items).toHaveLength(1);
    const tainted = c.api.get(resources.nodes, '', 'lab-worker2') as any;
    tainted.spec.taints = [{ key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }];
    c.api.update(resources.nodes, '', 'lab-worker2', tainted);
    await c.settled();
    expect(c.api.list(resources.volumeattachments, undefined).items).toHaveLength(0);
  });

  it('never attaches NFS volumes: two nodes use an RWO NFS claim without VolumeAttachments or Multi-Attach', async () => {
    using c = storageCluster(controllers);
    const v = pvFixture('nfs-pv', { className: 'nfs' }) as any;
    delete v.metadata.uid;
    delete v.status;
    c.apply(v);
    c.apply(claimManifest('nfs-claim', 'nfs'));
    await c.settled();
    c.apply(podOn('one', 'lab-worker', 'nfs-claim'));
    c.apply(podOn('two', 'lab-worker2', 'nfs-claim'));
    await c.settled();
    expect(c.api.list(resources.volumeattachments, undefined).items).toEqual([]);
    expect(c.events('two')).toEqual([]);
  });
  it('a CSI volume of a driver without an external-attacher stays unattached and reports the attach timeout every 2 minutes', async () => {
    using c = storageCluster(controllers);
    c.apply({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'csi-nfs' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce', 'ReadWriteMany'], storageClassName: '', csi: { driver: 'nfs.csi.k8s.io', volumeHandle: 'nfs#exports#data##' } },
    } as KObject);
    c.apply(claimManifest('csi-nfs-claim', ''));
    await c.settled();
    c.apply(podOn('uses-csi-nfs', 'lab-worker', 'csi-nfs-claim'));
    await c.settled();
    const vas = c.api.list(resources.volumeattachments, undefined).items as any[];
    expect(vas.map((v) => [v.spec.attacher, v.status?.attached ?? false])).toEqual([['nfs.csi.k8s.io', false]]);
    await c.advance(100_000);
    expect(c.events('uses-csi-nfs')).toEqual([]);
    await c.advance(25_000);
    const msg = 'AttachVolume.Attach failed for volume "csi-nfs" : timed out waiting for external-attacher of nfs.csi.k8s.io CSI driver to attach volume nfs#exports#data##';
    expect(c.events('uses-csi-nfs').map((e) => [e.type, e.reason, e.message, e.count])).toEqual([['Warning', 'FailedAttachVolume', msg, 1]]);
    await c.advance(121_000);
    expect(c.events('uses-csi-nfs').map((e) => e.count)).toEqual([2]);
  });
});

