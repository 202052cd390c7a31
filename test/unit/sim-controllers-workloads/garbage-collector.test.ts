import { describe, expect, it } from 'vitest';
import { testCluster, type TestCluster } from '../sim-scheduler/harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';

const controllers = ['kubelet-heartbeat', 'scheduler', 'deployment-controller', 'replicaset-controller', 'garbage-collector', 'namespace-controller'];

function deployment(name: string, namespace = 'default') {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  } as any;
}

const list = (c: TestCluster, rt: any, ns = 'default') => c.api.list(rt, ns).items as any[];

describe('garbage collector', () => {
  it('background: deleting a Deployment removes its ReplicaSet and pods', async () => {
    using c = testCluster(controllers);
    c.api.create(resources.deployments, 'default', deployment('web'));
    await c.manager.settled();
    expect(list(c, resources.pods)).toHaveLength(2);
    c.api.delete(resources.deployments, 'default', 'web', { propagationPolicy: 'Background' });
    await c.manager.settled();
    expect(list(c, resources.replicasets)).toEqual([]);
    expect(list(c, resources.pods)).toEqual([]);
    expect(c.errors).toEqual([]);
  });

  it('orphan: the ReplicaSet and pods stay, without the owner reference', async () => {
    using c = testCluster(controllers);
    c.api.create(resources.deployments, 'default', deployment('web'));
    await c.manager.settled();
    const marked = c.api.delete(resources.deployments, 'default', 'web', { propagationPolicy: 'Orphan' });
    expect(marked.object.metadata.finalizers).toEqual(['orphan']);
    await c.manager.settled();
    expect(() => c.api.get(resources.deployments, 'default', 'web')).toThrow('not found');
    const [rs] = list(c, resources.replicasets);
    expect(rs.metadata.ownerReferences).toBeUndefined();
    expect(list(c, resources.pods)).toHaveLength(2);
    expect(list(c, resources.pods).every((p) => p.metadata.ownerReferences[0].name === rs.metadata.name)).toBe(true);
    // the same Deployment applied again adopts the orphan instead of starting over
    const pods = list(c, resources.pods).map((p) => p.metadata.name).sort();
    const again = c.api.create(resources.deployments, 'default', deployment('web')).object;
    await c.manager.settled();
    const rss = list(c, resources.replicasets);
    expect(rss.map((r) => r.metadata.name)).toEqual([rs.metadata.name]);
    expect(rss[0].metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: again.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(list(c, resources.pods).map((p) => p.metadata.name).sort()).toEqual(pods);
  });

  it('foreground: the Deployment waits with foregroundDeletion until its ReplicaSet and pods are gone', async () => {
    using c = testCluster(controllers);
    c.api.create(resources.deployments, 'default', deployment('web'));
    await c.manager.settled();
    const seen: string[] = [];
    const w = c.api.store.watch(resources.deployments.storage, 'default', c.api.store.currentRV(), {
      event: (e) => seen.push(`${e.type} ${(e.object.metadata.finalizers ?? []).join(',')} ${e.object.metadata.deletionTimestamp ? 'deleting' : ''}`.trim()),
      closed: () => {},
    });
    c.api.delete(resources.deployments, 'default', 'web', { propagationPolicy: 'Foreground' });
    await c.manager.settled();
    w.stop();
    expect(seen[0]).toBe('MODIFIED foregroundDeletion deleting');
    expect(seen.at(-1)).toMatch(/^DELETED/);
    expect(list(c, resources.replicasets)).toEqual([]);
    expect(list(c, resources.pods)).toEqual([]);
  });

  it('deletes a dependent whose owner is gone, and keeps one that still has another owner', async () => {
    using c = testCluster(controllers);
    const owner = c.api.create(resources.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } } as any).object;
    const other = c.api.create(resources.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } } as any).object;
    const ref = (o: any) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid });
    c.api.create(resources.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'only', ownerReferences: [ref(owner)] } } as any);
    c.api.create(resources.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'both', ownerReferences: [ref(owner), ref(other)] } } as any);
    c.api.create(resources.configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale', ownerReferences: [{ ...ref(owner), uid: 'not-the-uid' }] } } as any);
    await c.manager.settled();
    expect(list(c, resources.configmaps).map((x) => x.metadata.name)).not.toContain('stale');
    c.api.delete(resources.configmaps, 'default', 'owner');
    await c.manager.settled();
    const names = list(c, resources.configmaps).map((x) => x.metadata.name);
    expect(names).not.toContain('only');
    expect(names).toContain('both');
    expect(c.api.get(resources.configmaps, 'default', 'both').metadata.ownerReferences).toEqual([ref(other)]);
  });
});

describe('namespace controller', () => {
  it('empties a Terminating namespace, reports what remains, then removes it', async () => {
    using c = testCluster(controllers);
    c.api.create(resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as any);
    c.api.create(resources.deployments, 'shop', deployment('web', 'shop'));
    c.api.create(resources.persistentvolumeclaims, 'shop', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', finalizers: ['example.com/hold'] },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    } as any);
    await c.manager.settled();
    c.api.delete(resources.namespaces, '', 'shop');
    await c.manager.settled();
    const ns = c.api.get(resources.namespaces, '', 'shop') as any;
    expect(ns.status.phase).toBe('Terminating');
    const cond = (t: string) => ns.status.conditions.find((x: any) => x.type === t);
    expect(cond('NamespaceContentRemaining')).toMatchObject({ status: 'True', reason: 'SomeResourcesRemain', message: 'Some resources are remaining: persistentvolumeclaims. has 1 resource instances' });
    expect(cond('NamespaceFinalizersRemaining').message).toBe('Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances, kubernetes.io/pvc-protection in 1 resource instances');
    expect(list(c, resources.deployments, 'shop')).toEqual([]);
    expect(list(c, resources.pods, 'shop')).toEqual([]);
    const pvc = c.api.get(resources.persistentvolumeclaims, 'shop', 'data') as any;
    pvc.metadata.finalizers = [];
    c.api.update(resources.persistentvolumeclaims, 'shop', 'data', pvc);
    await c.manager.settled();
    expect(() => c.api.get(resources.namespaces, '', 'shop')).toThrow('not found');
  });
});
