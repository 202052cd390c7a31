import { describe, expect, it } from 'vitest';
import { testCluster, podObject } from './harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { controllerRegistry } from '../../../sandbox/providers/sim/controllers/manager/registry.ts';

/** every registered controller: the PV controller and provisioners answer the scheduler's PreBind. */
const everything = controllerRegistry.map((r) => r.name);
const withClaim = (claimName: string) => ({ volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] });

describe('scheduler VolumeBinding with the storage controllers', () => {
  it('WaitForFirstConsumer + local-path: picks a node, selected-node on the claim, the provisioner pins the PV there, then binds the pod', async () => {
    using c = testCluster(everything);
    c.api.create(resources.persistentvolumeclaims, 'default', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    } as any);
    await c.manager.settled();
    expect((c.api.get(resources.persistentvolumeclaims, 'default', 'data') as any).status.phase).toBe('Pending');
    c.api.create(resources.pods, 'default', podObject('app', withClaim('data')));
    await c.manager.advance(5_000, 500);
    const pod = c.pod('app');
    expect(pod.spec.nodeName).toBe('lab-worker');
    const claim = c.api.get(resources.persistentvolumeclaims, 'default', 'data') as any;
    expect(claim.metadata.annotations['volume.kubernetes.io/selected-node']).toBe('lab-worker');
    expect(claim.status.phase).toBe('Bound');
    const pv = c.api.get(resources.persistentvolumes, '', claim.spec.volumeName) as any;
    expect(JSON.stringify(pv.spec.nodeAffinity)).toContain('lab-worker');
    const reasons = c.events('app').map((e) => e.reason);
    expect(reasons[0]).toBe('Scheduled');
    expect(reasons).not.toContain('FailedScheduling');
  });

  it('ReadWriteOncePod: a second pod on the claim fits no node', async () => {
    using c = testCluster(everything);
    c.api.create(resources.persistentvolumes, '', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'solo' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOncePod'], storageClassName: '', nfs: { server: 'nfs', path: '/exports/solo' } },
    } as any);
    c.api.create(resources.persistentvolumeclaims, 'default', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'solo' },
      spec: { storageClassName: '', accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '1Gi' } } },
    } as any);
    await c.manager.advance(2_000, 500);
    c.api.create(resources.pods, 'default', podObject('one', withClaim('solo')));
    await c.manager.advance(2_000, 500);
    expect(c.pod('one').spec.nodeName).toBeDefined();
    c.api.create(resources.pods, 'default', podObject('two', withClaim('solo')));
    await c.manager.advance(2_000, 500);
    expect(c.pod('two').spec.nodeName).toBeUndefined();
    expect(c.events('two').find((e) => e.reason === 'FailedScheduling').message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
  });

  it('a claim bound to a PV that is gone: unavailable on every worker', async () => {
    using c = testCluster(['scheduler']);
    c.api.create(resources.persistentvolumeclaims, 'default', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'orphan', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } },
      spec: { storageClassName: '', volumeName: 'vanished', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    } as any);
    c.api.create(resources.pods, 'default', podObject('p', withClaim('orphan')));
    await c.manager.settled();
    expect(c.events('p')[0].message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });
});
