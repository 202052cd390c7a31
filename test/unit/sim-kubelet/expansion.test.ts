import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { kubeletCluster, type KubeletTestCluster } from './harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { ext4Space, growExt4, mkfsExt4 } from '../../../sandbox/providers/sim/containers/fs/ext4.ts';
import { nodeExpansionFinishedStatus, onlineExpansionDelayMs, pendingNodeExpansion } from '../../../sandbox/providers/sim/kubelet/expansion.ts';

function manifest(path: string): KObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS()).filter(Boolean).map((o: any) => ({ ...o, metadata: { namespace: o.kind === 'StorageClass' ? undefined : 'default', ...o.metadata } }));
}
const lesson = (f: string) => manifest(`lessons/04-ceph-rbd/manifests/${f}`);

/** lesson4 applies the lesson's secret, class, claim and (unless told not to) rbd-writer, and waits for the writer to run. */
async function lesson4(c: KubeletTestCluster, writer = true): Promise<void> {
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'csi-rbd-secret', namespace: 'default' }, stringData: { userID: 'admin', userKey: c.storage.ceph.getKey('client.admin') } } as unknown as KObject);
  for (const o of [...lesson('csi-rbd-sc.yaml'), ...lesson('rbd-pvc.yaml'), ...(writer ? lesson('rbd-writer.yaml') : [])]) c.apply(o);
  // CreateVolume 1.5 s, attach 1 s, NodeStage with mkfs 4 s, then the image pull: Running within 10 s.
  await c.advance(10_000);
  if (writer) expect(c.pod('rbd-writer').status.phase).toBe('Running');
}

const claim = (c: KubeletTestCluster): any => c.api.get(resources.persistentvolumeclaims, 'default', 'rbd-pvc');
const grow = (c: KubeletTestCluster, size = '2Gi') => c.api.patch(resources.persistentvolumeclaims, 'default', 'rbd-pvc', 'merge', { spec: { resources: { requests: { storage: size } } } });
const dfData = async (c: KubeletTestCluster, pod = 'rbd-writer') => (await c.exec(pod, ['df', '-k', '/data'])).stdout.split('\n')[1];
const eventLines = (c: KubeletTestCluster, name: string, uid?: string) =>
  c.events(name).filter((e: any) => !uid || e.involvedObject.uid === uid).map((e: any) => `${e.type} ${e.reason} [${e.source.component} ${e.source.host ?? ''}]: ${e.message}`);

// Numbers from test/unit/sim-containers/ext4.test.ts (mkfs.ext4 + dumpe2fs): the 1 GiB filesystem, and grown to 2 GiB with mkfs's 32 MiB journal.
const df1Gi = /^\/dev\/rbd0\s+996780\s+\d+\s+\d+\s+0% \/data$/;
const df2Gi = /^\/dev\/rbd0\s+2028392\s+\d+\s+\d+\s+0% \/data$/;

describe('kubelet: node-side expansion of an RBD claim (NodeExpandVolume)', () => {
  it('online: with rbd-writer running, the claim grows to 2Gi about 10 s after it waits for the node, and df in the pod shows the grown filesystem', async () => {
    using c = kubeletCluster();
    await lesson4(c);
    expect(await dfData(c)).toMatch(df1Gi);
    const pvName = claim(c).spec.volumeName;
    grow(c);
    await c.advance(2000);
    // The resizer's part is done; the node has not looked yet.
    expect(claim(c).status.capacity.storage).toBe('1Gi');
    expect(claim(c).status.conditions.map((x: any) => x.type)).toEqual(['FileSystemResizePending']);
    expect(claim(c).status.allocatedResourceStatuses).toEqual({ storage: 'NodeResizePending' });
    expect(await dfData(c)).toMatch(df1Gi);
    await c.advance(onlineExpansionDelayMs - 4000);
    expect(claim(c).status.capacity.storage).toBe('1Gi');
    await c.advance(4000);
    const st = claim(c).status;
    expect(st.capacity.storage).toBe('2Gi');
    expect(st.conditions).toBeUndefined();
    expect(st.allocatedResourceStatuses).toBeUndefined();
    expect(st.allocatedResources).toEqual({ storage: '2Gi' });
    const message = `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" lab-worker`;
    expect(eventLines(c, 'rbd-writer')).toContain(`Normal FileSystemResizeSuccessful [kubelet lab-worker]: ${message}`);
    expect(eventLines(c, 'rbd-pvc')).toContain(`Normal FileSystemResizeSuccessful [kubelet lab-worker]: ${message}`);
    // The running container sees the grown filesystem without a restart.
    expect(await dfData(c)).toMatch(df2Gi);
    expect(c.pod('rbd-writer').status.containerStatuses[0].restartCount).toBe(0);
    // Done once: later syncs find nothing to do.
    await c.advance(30_000);
    expect(c.events('rbd-pvc').filter((e: any) => e.reason === 'FileSystemResizeSuccessful').map((e: any) => e.count)).toEqual([1]);

    // A second request waits its own 10 s, then the filesystem grows again (mkfs's 1 GiB layout, resize2fs to 3 GiB).
    grow(c, '3Gi');
    await c.advance(onlineExpansionDelayMs - 2000);
    expect(claim(c).status.capacity.storage).toBe('2Gi');
    await c.advance(4000);
    expect(claim(c).status.capacity.storage).toBe('3Gi');
    const sizeK = ext4Space(growExt4(mkfsExt4(2 ** 30), 3 * 2 ** 30)).sizeBytes / 1024;
    expect(await dfData(c)).toMatch(new RegExp(`^/dev/rbd0\\s+${sizeK}\\s`));
    expect(c.errors).toEqual([]);
  });

  it('at mount: a claim grown with no pod stays FileSystemResizePending until a pod mounts it, then the kubelet finishes it before the containers start', async () => {
    using c = kubeletCluster();
    // The writer's mount formats the 1 GiB image; then the pod goes and the claim grows while nothing mounts it.
    await lesson4(c);
    c.api.delete(resources.pods, 'default', 'rbd-writer', { gracePeriodSeconds: 1 });
    await c.advance(5000);
    expect(c.pod('rbd-writer')).toBeUndefined();
    grow(c);
    await c.advance(30_000);
    expect(claim(c).status.capacity.storage).toBe('1Gi');
    expect(claim(c).status.conditions.map((x: any) => x.type)).toEqual(['FileSystemResizePending']);
    const pvName = claim(c).spec.volumeName;
    for (const o of lesson('rbd-writer.yaml')) c.apply(o);
    await c.advance(10_000);
    expect(c.pod('rbd-writer').status.phase).toBe('Running');
    expect(claim(c).status.capacity.storage).toBe('2Gi');
    expect(claim(c).status.conditions).toBeUndefined();
    expect(claim(c).status.allocatedResourceStatuses).toBeUndefined();
    // The events of this rbd-writer, not of the one before it.
    const uid = c.pod('rbd-writer').metadata.uid;
    const lines = eventLines(c, 'rbd-writer', uid);
    const resized = lines.indexOf(`Normal FileSystemResizeSuccessful [kubelet lab-worker]: MountVolume.NodeExpandVolume succeeded for volume "${pvName}" lab-worker`);
    expect(resized).toBeGreaterThanOrEqual(0);
    // Expanded during the mount, so before the container is created.
    expect(resized).toBeLessThan(lines.findIndex((l) => l.includes(' Created ')));
    expect(await dfData(c)).toMatch(df2Gi);
  });

  it('a pod that mounts the claim read-only cannot grow it: FileSystemResizeFailed on the pod and the claim, which stays pending', async () => {
    using c = kubeletCluster();
    await lesson4(c, false);
    grow(c);
    await c.advance(5000);
    const [writer] = lesson('rbd-writer.yaml') as any[];
    writer.spec.volumes[0].persistentVolumeClaim.readOnly = true;
    writer.spec.containers[0].command = ['sh', '-c', 'sleep 86400'];
    c.apply(writer);
    await c.advance(10_000 + onlineExpansionDelayMs);
    expect(c.pod('rbd-writer').status.phase).toBe('Running');
    const pvName = claim(c).spec.volumeName;
    const warning = `Warning FileSystemResizeFailed [kubelet lab-worker]: MountVolume.NodeExpandVolume failed for volume "${pvName}" requested read-only file system`;
    expect(eventLines(c, 'rbd-writer')).toContain(warning);
    expect(eventLines(c, 'rbd-pvc')).toContain(warning);
    expect(claim(c).status.capacity.storage).toBe('1Gi');
    expect(claim(c).status.allocatedResourceStatuses).toEqual({ storage: 'NodeResizePending' });
  });
});

describe('expansion.ts: which claims the node grows, and the status it leaves', () => {
  const pv = (capacity: string, volumeMode?: string) => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pvc-1' }, spec: { capacity: { storage: capacity }, ...(volumeMode ? { volumeMode } : {}) } }) as unknown as KObject;
  const pvc = (status: any) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'default' }, spec: {}, status: { phase: 'Bound', ...status } }) as unknown as KObject;

  it('grows a filesystem claim the resizer left NodeResizePending (or a kubelet left NodeResizeInProgress) to allocatedResources', () => {
    const waiting = { capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'NodeResizePending' } };
    expect(pendingNodeExpansion(pvc(waiting), pv('2Gi'))).toEqual({ newSize: '2Gi' });
    expect(pendingNodeExpansion(pvc({ ...waiting, allocatedResourceStatuses: { storage: 'NodeResizeInProgress' } }), pv('2Gi'))).toEqual({ newSize: '2Gi' });
  });

  it('leaves alone: a claim whose controller step still runs, one already at the PV size, a block volume', () => {
    expect(pendingNodeExpansion(pvc({ capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' } }), pv('2Gi'))).toBeUndefined();
    expect(pendingNodeExpansion(pvc({ capacity: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'NodeResizePending' } }), pv('2Gi'))).toBeUndefined();
    expect(pendingNodeExpansion(pvc({ capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'NodeResizePending' } }), pv('2Gi', 'Block'))).toBeUndefined();
    expect(pendingNodeExpansion(undefined, pv('2Gi'))).toBeUndefined();
  });

  it('finished: new capacity, allocatedResources kept, storage status and resize conditions gone, other entries kept', () => {
    const other = { type: 'ModifyingVolume', status: 'True' };
    expect(
      nodeExpansionFinishedStatus(
        { phase: 'Bound', capacity: { storage: '1Gi' }, allocatedResources: { storage: '2Gi' }, allocatedResourceStatuses: { storage: 'NodeResizeInProgress' }, conditions: [{ type: 'FileSystemResizePending', status: 'True' }, other] },
        '2Gi',
      ),
    ).toEqual({ phase: 'Bound', capacity: { storage: '2Gi' }, allocatedResources: { storage: '2Gi' }, conditions: [other] });
  });
});
