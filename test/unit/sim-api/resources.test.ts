import { describe, expect, it } from 'vitest';
import { findByKind, findResource, resourceTypes, servedGroups } from '../../../sandbox/providers/sim/api/resources.ts';
import { fromStorage, toStorage } from '../../../sandbox/providers/sim/api/convert.ts';

describe('resource registry', () => {
  it('serves the groups in real discovery order, core first', () => {
    expect(servedGroups()).toEqual([
      { group: '', versions: ['v1'] },
      { group: 'apps', versions: ['v1'] },
      { group: 'events.k8s.io', versions: ['v1'] },
      { group: 'batch', versions: ['v1'] },
      { group: 'policy', versions: ['v1'] },
      { group: 'rbac.authorization.k8s.io', versions: ['v1'] },
      { group: 'storage.k8s.io', versions: ['v1'] },
      { group: 'coordination.k8s.io', versions: ['v1'] },
    ]);
  });

  it('lists short names and categories like a 1.33 server', () => {
    const short = Object.fromEntries(resourceTypes.filter((r) => r.shortNames.length).map((r) => [`${r.plural}.${r.group}`, r.shortNames]));
    expect(short).toMatchSnapshot();
    const all = resourceTypes.filter((r) => r.categories.includes('all')).map((r) => r.plural);
    expect(all.sort()).toEqual(['cronjobs', 'daemonsets', 'deployments', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services', 'statefulsets']);
  });

  it('describes pods with eviction in group policy and the status subresource', () => {
    const pods = findResource('', 'v1', 'pods')!;
    expect(pods.kind).toBe('Pod');
    expect(pods.namespaced).toBe(true);
    expect(pods.hasStatus).toBe(true);
    expect(pods.subresources.find((s) => s.name === 'eviction')).toEqual({ name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] });
    expect(pods.subresources.map((s) => s.name)).toEqual(['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize', 'status']);
  });

  it('gives namespaces no deletecollection and storageclasses no status', () => {
    expect(findResource('', 'v1', 'namespaces')!.verbs).not.toContain('deletecollection');
    expect(findResource('', 'v1', 'namespaces')!.namespaced).toBe(false);
    expect(findResource('storage.k8s.io', 'v1', 'storageclasses')!.hasStatus).toBe(false);
    expect(findResource('apps', 'v1', 'deployments')!.subresources.find((s) => s.name === 'scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('finds by kind and does not serve removed versions', () => {
    expect(findByKind('apps', 'v1', 'Deployment')?.plural).toBe('deployments');
    expect(findByKind('extensions', 'v1beta1', 'Deployment')).toBeUndefined();
    expect(findResource('apps', 'v1beta1', 'deployments')).toBeUndefined();
    expect(findByKind('', 'v1', 'Endpoints')?.singular).toBe('endpoints');
  });

  it('stores both Event versions in one place', () => {
    expect(findResource('events.k8s.io', 'v1', 'events')!.storage).toEqual({ group: '', resource: 'events' });
    expect(findResource('', 'v1', 'events')!.storage).toEqual({ group: '', resource: 'events' });
  });
});

describe('version conversion', () => {
  const coreEvents = findResource('', 'v1', 'events')!;
  const newEvents = findResource('events.k8s.io', 'v1', 'events')!;
  const stored = {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'p1.abc', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'p1', namespace: 'default' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/p1 to worker-1',
    source: { component: 'default-scheduler' },
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:00:01Z',
    count: 2,
    type: 'Normal',
    reportingComponent: 'default-scheduler',
    reportingInstance: 'default-scheduler-cp',
  };

  it('serves a stored core Event as events.k8s.io/v1 with renamed fields', () => {
    expect(fromStorage(newEvents, stored)).toEqual({
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'p1.abc', namespace: 'default' },
      regarding: { kind: 'Pod', name: 'p1', namespace: 'default' },
      reason: 'Scheduled',
      note: 'Successfully assigned default/p1 to worker-1',
      deprecatedSource: { component: 'default-scheduler' },
      deprecatedFirstTimestamp: '2026-01-01T00:00:00Z',
      deprecatedLastTimestamp: '2026-01-01T00:00:01Z',
      deprecatedCount: 2,
      type: 'Normal',
      reportingController: 'default-scheduler',
      reportingInstance: 'default-scheduler-cp',
    });
  });

  it('round-trips events.k8s.io/v1 through storage', () => {
    const served = fromStorage(newEvents, stored);
    expect(toStorage(newEvents, served)).toEqual(stored);
    expect(fromStorage(coreEvents, stored)).toEqual(stored);
  });

  it('writes kind and apiVersion first and leaves other kinds alone', () => {
    const deploy = findResource('apps', 'v1', 'deployments')!;
    const out = toStorage(deploy, { metadata: { name: 'd' }, spec: { replicas: 1 }, apiVersion: 'apps/v1', kind: 'Deployment' });
    expect(Object.keys(out)).toEqual(['kind', 'apiVersion', 'metadata', 'spec']);
  });
});
