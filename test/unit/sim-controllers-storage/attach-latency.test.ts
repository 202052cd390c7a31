/**
 * attach-latency: an RBD pod takes the time a real one takes between its
 * claim being bound and Running (QA F10) — the external-attacher's attach,
 * the node's NodeStageVolume (with mkfs the first time) — and shows only the
 * events a real cluster shows meanwhile. The whole registry runs on a
 * FakeClock (../sim-kubelet/harness.ts) with the default volume latency.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { kubeletCluster, type KubeletTestCluster } from '../sim-kubelet/harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { defaultVolumeLatency, volumeLatencyOf } from '../../../sandbox/providers/sim/controllers/attach-detach/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const stepMs = 100;

function manifest(path: string): KObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS()).filter(Boolean).map((o: any) => ({ ...o, metadata: { namespace: o.kind === 'StorageClass' ? undefined : 'default', ...o.metadata } }));
}

function lesson4(file: string): KObject[] {
  return manifest(`lessons/04-ceph-rbd/manifests/${file}`);
}

/** rbdCluster is a cluster with lesson 4's secret, class and bound rbd-pvc. */
async function rbdCluster(): Promise<KubeletTestCluster> {
  const c = kubeletCluster();
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'csi-rbd-secret', namespace: 'default' }, stringData: { userID: 'admin', userKey: c.storage.ceph.getKey('client.admin') } } as unknown as KObject);
  for (const o of [...lesson4('csi-rbd-sc.yaml'), ...lesson4('rbd-pvc.yaml')]) c.apply(o);
  await c.advance(2000, stepMs);
  expect(claim(c).status.phase).toBe('Bound');
  return c;
}

function claim(c: KubeletTestCluster): any {
  return c.api.get(resources.persistentvolumeclaims, 'default', 'rbd-pvc');
}

/** attachment is the VolumeAttachment of rbd-pvc's volume on a node, if any. */
function attachment(c: KubeletTestCluster, node: string): any {
  const pv = claim(c).spec.volumeName;
  return c.api.list(resources.volumeattachments, '').items.find((va: any) => va.spec.source.persistentVolumeName === pv && va.spec.nodeName === node);
}

function now(c: KubeletTestCluster): number {
  return c.clock.now().getTime();
}

/** when steps the clock by 100 ms until `pred` holds and returns the clock time it first held at. */
async function when(c: KubeletTestCluster, pred: () => boolean, withinMs: number): Promise<number> {
  const end = now(c) + withinMs;
  await c.settled();
  while (!pred()) {
    if (now(c) >= end) throw new Error(`not reached within ${withinMs} ms`);
    await c.advance(stepMs, stepMs);
  }
  return now(c);
}

/** podEvents are the Events about the pod now named `pod` (not an earlier one of that name), in the order they were recorded. */
function podEvents(c: KubeletTestCluster, pod: string): any[] {
  const uid = c.pod(pod)?.metadata.uid;
  return c
    .events(pod)
    .filter((e: any) => e.involvedObject.uid === uid)
    .sort((a: any, b: any) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
}

/** reasons lists a pod's events as `<component> <type> <reason>` (the scheduler reports through events.k8s.io, without source). */
function reasons(c: KubeletTestCluster, pod: string): string[] {
  return podEvents(c, pod).map((e: any) => `${e.source?.component || e.reportingComponent || e.reportingController} ${e.type} ${e.reason}`);
}

function waitingReason(c: KubeletTestCluster, pod: string): string | undefined {
  return c.pod(pod)?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
}

describe('RBD attach and stage take their time (QA F10)', () => {
  it('volumeLatency defaults to attach 1 s, NodeStage 4 s with mkfs and 1.5 s without, detach 1 s; a value set replaces its default only', () => {
    expect(volumeLatencyOf({})).toEqual({ attachMs: 1000, detachMs: 1000, stageNewMs: 4000, stageMs: 1500 });
    expect(volumeLatencyOf({ volumeLatency: { stageNewMs: 0, attachMs: -5 } })).toEqual({ ...defaultVolumeLatency, stageNewMs: 0 });
  });

  it('a fresh image: attached after 1 s, then ContainerCreating through the 4 s NodeStage (mkfs) with only Scheduled and SuccessfulAttachVolume, then Running', async () => {
    using c = await rbdCluster();
    for (const o of lesson4('rbd-writer.yaml')) c.apply(o);
    const created = await when(c, () => attachment(c, 'lab-worker') !== undefined, 500);
    expect(attachment(c, 'lab-worker').status?.attached).not.toBe(true);
    expect(attachment(c, 'lab-worker').metadata.finalizers).toEqual(['external-attacher/rbd-csi-ceph-com']);
    const attached = await when(c, () => attachment(c, 'lab-worker').status?.attached === true, 2000);
    expect(attached - created).toBe(1000);
    expect(reasons(c, 'rbd-writer')).toEqual(['default-scheduler Normal Scheduled', 'attachdetach-controller Normal SuccessfulAttachVolume']);

    // NodeStageVolume maps the image and formats it: the pod waits with no event and no watcher yet.
    await c.advance(defaultVolumeLatency.stageNewMs - stepMs, stepMs);
    expect(c.pod('rbd-writer').status.phase).toBe('Pending');
    expect(waitingReason(c, 'rbd-writer')).toBe('ContainerCreating');
    expect(c.pod('rbd-writer').status.conditions.find((x: any) => x.type === 'PodReadyToStartContainers')?.status).toBe('False');
    expect(reasons(c, 'rbd-writer')).toEqual(['default-scheduler Normal Scheduled', 'attachdetach-controller Normal SuccessfulAttachVolume']);
    const image = c.api.get(resources.persistentvolumes, '', claim(c).spec.volumeName) as any;
    expect(c.storage.ceph.image('rbd', image.spec.csi.volumeAttributes.imageName)!.watchers).toEqual([]);

    const pulling = await when(c, () => reasons(c, 'rbd-writer').includes('kubelet Normal Pulling'), 1000);
    expect(pulling - attached).toBe(defaultVolumeLatency.stageNewMs);
    const running = await when(c, () => c.pod('rbd-writer').status.phase === 'Running', 5000);
    expect(reasons(c, 'rbd-writer')).toEqual([
      'default-scheduler Normal Scheduled',
      'attachdetach-controller Normal SuccessfulAttachVolume',
      'kubelet Normal Pulling',
      'kubelet Normal Pulled',
      'kubelet Normal Created',
      'kubelet Normal Started',
    ]);
    // From bound claim to Running: attach + mkfs stage + busybox pull, as on kind with ceph-csi.
    expect(running - created).toBeGreaterThanOrEqual(5000);
    expect(running - created).toBeLessThan(8000);
    expect(c.storage.ceph.image('rbd', image.spec.csi.volumeAttributes.imageName)!.watchers.map((w) => w.address.split(':')[0])).toEqual(['172.18.0.3']);
    expect(c.errors).toEqual([]);
  });

  it('the next pod on the node shares the staged image at once; after both go the detach takes a moment; mounting again stages in 1.5 s, without mkfs', async () => {
    using c = await rbdCluster();
    for (const o of lesson4('rbd-writer.yaml')) c.apply(o);
    await when(c, () => c.pod('rbd-writer')?.status.phase === 'Running', 10_000);

    // A second pod on the same node: the volume is attached and staged there already (RWO is per node).
    const second = structuredClone(lesson4('rbd-writer.yaml')[0]) as any;
    second.metadata.name = 'rbd-writer-2';
    second.spec.containers[0].command = ['sh', '-c', 'cat /data/hello && sleep 86400'];
    const start2 = now(c);
    c.apply(second);
    const running2 = await when(c, () => c.pod('rbd-writer-2')?.status.phase === 'Running', 1000);
    expect(running2 - start2).toBeLessThanOrEqual(stepMs);
    expect(await c.logs('rbd-writer-2')).toBe('hello from rbd\n');

    for (const p of ['rbd-writer', 'rbd-writer-2']) c.api.delete(resources.pods, 'default', p, { gracePeriodSeconds: 0 });
    const gone = await when(c, () => !c.pod('rbd-writer') && !c.pod('rbd-writer-2'), 1000);
    // The kubelet has unmounted it; the VolumeAttachment is being deleted while the attacher detaches.
    expect(attachment(c, 'lab-worker')?.metadata.deletionTimestamp).toBeDefined();
    const detached = await when(c, () => attachment(c, 'lab-worker') === undefined, 2000);
    expect(detached - gone).toBe(defaultVolumeLatency.detachMs);

    for (const o of lesson4('rbd-writer.yaml')) c.apply(o);
    const attached = await when(c, () => attachment(c, 'lab-worker')?.status?.attached === true, 2000);
    await c.advance(defaultVolumeLatency.stageMs - stepMs, stepMs);
    expect(waitingReason(c, 'rbd-writer')).toBe('ContainerCreating');
    const running = await when(c, () => c.pod('rbd-writer').status.phase === 'Running', 1000);
    // The image is on the node already (Pulled: already present), so Running follows the stage directly.
    expect(running - attached).toBe(defaultVolumeLatency.stageMs);
    expect(reasons(c, 'rbd-writer').filter((r) => r.endsWith('Pulled'))).toEqual(['kubelet Normal Pulled']);
    expect(c.errors).toEqual([]);
  });

  it('Multi-Attach: a pod on the other node gets the error once the first attach is done (not while it runs), and attaches after the holder goes', async () => {
    using c = await rbdCluster();
    const pvName = claim(c).spec.volumeName;
    for (const o of lesson4('rbd-writer.yaml')) c.apply(o);
    await when(c, () => attachment(c, 'lab-worker') !== undefined, 500);
    for (const o of lesson4('rbd-reader.yaml')) c.apply(o);
    await c.advance(500, stepMs);
    // The writer's attach is still running: the controller waits (IsOperationPending) and says nothing yet.
    expect(attachment(c, 'lab-worker').status?.attached).not.toBe(true);
    expect(reasons(c, 'rbd-reader')).toEqual(['default-scheduler Normal Scheduled']);
    await when(c, () => attachment(c, 'lab-worker').status?.attached === true, 1000);
    await c.advance(10_000, 500);
    expect(reasons(c, 'rbd-reader')).toEqual(['default-scheduler Normal Scheduled', 'attachdetach-controller Warning FailedAttachVolume']);
    expect(podEvents(c, 'rbd-reader')[1]).toMatchObject({ message: `Multi-Attach error for volume "${pvName}" Volume is already used by pod(s) rbd-writer`, count: 1 });
    expect(waitingReason(c, 'rbd-reader')).toBe('ContainerCreating');
    expect(attachment(c, 'lab-worker2')).toBeUndefined();

    c.api.delete(resources.pods, 'default', 'rbd-writer', { gracePeriodSeconds: 0 });
    const gone = await when(c, () => !c.pod('rbd-writer'), 1000);
    const running = await when(c, () => c.pod('rbd-reader').status.phase === 'Running', 10_000);
    // detach 1 s, attach 1 s, NodeStage of the formatted image 1.5 s (busybox is on lab-worker2 only after its pull).
    const handOver = defaultVolumeLatency.detachMs + defaultVolumeLatency.attachMs + defaultVolumeLatency.stageMs;
    expect(running - gone).toBeGreaterThanOrEqual(handOver);
    expect(running - gone).toBeLessThan(handOver + 1000);
    expect(await c.logs('rbd-reader')).toBe('hello from rbd\n');
    expect(reasons(c, 'rbd-reader').filter((r) => r.endsWith('FailedAttachVolume'))).toHaveLength(1);
    expect(c.errors).toEqual([]);
  });
});
