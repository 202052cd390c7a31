import { describe, expect, it } from 'vitest';
import { testCluster, podObject } from './harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';

const preemptionNotHelpful = 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';

describe('scheduler', () => {
  it('binds a pod to a worker, never the tainted control plane, with a Scheduled event and PodScheduled=True', async () => {
    using c = testCluster(['scheduler']);
    c.api.create(resources.pods, 'default', podObject('p'));
    await c.manager.settled();
    const pod = c.pod('p');
    expect(pod.spec.nodeName).toBe('lab-worker');
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-11-25T12:00:00Z' }]);
    const [ev] = c.events('p');
    expect(ev).toMatchObject({ type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/p to lab-worker', action: 'Binding', reportingComponent: 'default-scheduler' });
    expect(c.errors).toEqual([]);
  });

  it('spreads two pods of one owner over both workers (least allocated + spread)', async () => {
    using c = testCluster(['scheduler']);
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', controller: true }];
    for (const n of ['a', 'b']) {
      const p = podObject(`web-${n}`);
      p.metadata.ownerReferences = owner;
      c.api.create(resources.pods, 'default', p);
      await c.manager.settled();
    }
    expect(c.pods().map((p) => p.spec.nodeName)).toEqual(['lab-worker', 'lab-worker2']);
  });

  it('explains a nodeSelector nobody matches with the real FailedScheduling wording, and schedules once a node is labelled', async () => {
    using c = testCluster(['scheduler']);
    c.api.create(resources.pods, 'default', podObject('p', { nodeSelector: { disk: 'ssd' } }));
    await c.manager.settled();
    const msg = `0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. ${preemptionNotHelpful}`;
    expect(c.events('p')).toMatchObject([{ type: 'Warning', reason: 'FailedScheduling', message: msg }]);
    expect(c.pod('p').status.conditions).toMatchObject([{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg }]);
    c.api.patch(resources.nodes, '', 'lab-worker2', 'merge', { metadata: { labels: { disk: 'ssd' } } });
    await c.manager.advance(1000);
    expect(c.pod('p').spec.nodeName).toBe('lab-worker2');
  });

  it('skips a cordoned worker and counts it as unschedulable when nothing else fits', async () => {
    using c = testCluster(['scheduler']);
    c.api.patch(resources.nodes, '', 'lab-worker', 'merge', { spec: { unschedulable: true } });
    c.api.create(resources.pods, 'default', podObject('a'));
    await c.manager.settled();
    expect(c.pod('a').spec.nodeName).toBe('lab-worker2');
    c.api.patch(resources.nodes, '', 'lab-worker2', 'merge', { spec: { unschedulable: true } });
    c.api.create(resources.pods, 'default', podObject('b'));
    await c.manager.settled();
    expect(c.events('b')[0].message).toBe(
      `0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) were unschedulable. ${preemptionNotHelpful}`,
    );
  });

  it('lets a pod that tolerates the control-plane taint and selects it run there', async () => {
    using c = testCluster(['scheduler']);
    c.api.create(
      resources.pods,
      'default',
      podObject('cp', {
        nodeSelector: { 'node-role.kubernetes.io/control-plane': '' },
        tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
      }),
    );
    await c.manager.settled();
    expect(c.pod('cp').spec.nodeName).toBe('lab-control-plane');
  });

  it('reports a missing claim and an unbound Immediate claim at PreFilter, as the VolumeBinding plugin does', async () => {
    using c = testCluster(['scheduler']);
    const vol = (claimName: string) => ({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] });
    c.api.create(resources.pods, 'default', podObject('nopvc', vol('missing')));
    c.api.create(resources.storageclasses, '', { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'now' }, provisioner: 'example.com/none', volumeBindingMode: 'Immediate' } as any);
    c.api.create(resources.persistentvolumeclaims, 'default', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'pending', namespace: 'default' },
      spec: { storageClassName: 'now', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    } as any);
    c.api.create(resources.pods, 'default', podObject('unbound', vol('pending')));
    await c.manager.settled();
    expect(c.events('nopvc')[0].message).toBe(`0/3 nodes are available: persistentvolumeclaim "missing" not found. ${preemptionNotHelpful}`);
    expect(c.events('unbound')[0].message).toBe(`0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. ${preemptionNotHelpful}`);
  });

  it('counts repeated failures on one event series instead of new events', async () => {
    using c = testCluster(['scheduler']);
    c.api.create(resources.pods, 'default', podObject('p', { nodeSelector: { disk: 'ssd' } }));
    await c.manager.settled();
    c.api.patch(resources.nodes, '', 'lab-worker', 'merge', { metadata: { labels: { zone: 'a' } } });
    await c.manager.advance(2000);
    const evs = c.events('p');
    expect(evs).toHaveLength(1);
    expect(evs[0].series.count).toBe(2);
  });
});
