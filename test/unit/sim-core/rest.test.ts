import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { findResource } from '../../../sandbox/providers/sim/api/resources.ts';
import { bootstrapCluster } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const deployments = findResource('apps', 'v1', 'deployments')!;
const configmaps = findResource('', 'v1', 'configmaps')!;
const namespaces = findResource('', 'v1', 'namespaces')!;

function cluster(): ClusterApi {
  const api = new ClusterApi(new ObjectStore(), { admit });
  bootstrapCluster(api, 'CA');
  return api;
}

const deploy = (): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } },
  },
});

describe('ClusterApi writes', () => {
  it('fills uid, creationTimestamp and generation 1, and names from generateName', () => {
    const api = cluster();
    const d = api.create(deployments, 'default', deploy()).object;
    expect(d.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(d.metadata.generation).toBe(1);
    const cm = api.create(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' } }).object;
    expect(cm.metadata.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(cm.metadata.generation).toBeUndefined();
  });

  it('bumps generation on spec changes only, and keeps status on main-resource writes', () => {
    const api = cluster();
    api.create(deployments, 'default', deploy());
    const labelled = api.patch(deployments, 'default', 'web', 'merge', { metadata: { labels: { x: 'y' } } }).object;
    expect(labelled.metadata.generation).toBe(1);
    const scaled = api.patch(deployments, 'default', 'web', 'merge', { spec: { replicas: 3 }, status: { replicas: 99 } }).object as any;
    expect(scaled.metadata.generation).toBe(2);
    expect(scaled.status?.replicas).toBeUndefined();
    const st = api.patch(deployments, 'default', 'web', 'merge', { status: { replicas: 3, observedGeneration: 2 }, spec: { replicas: 7 } }, { subresource: 'status' }).object as any;
    expect(st.status).toMatchObject({ replicas: 3, observedGeneration: 2 });
    expect(st.spec.replicas).toBe(3);
    expect(st.metadata.generation).toBe(2);
  });

  it('keeps generation when a manifest without defaulted fields replaces its own object', () => {
    // kubectl replace -f sends the manifest as written; the apiserver defaults
    // it before PrepareForUpdate compares specs, so nothing changed.
    const api = cluster();
    api.create(deployments, 'default', deploy());
    const replaced = api.update(deployments, 'default', 'web', deploy()).object;
    expect(replaced.metadata.generation).toBe(1);
    const changed = deploy() as any;
    changed.spec.template.spec.containers[0].image = 'nginx:1.27';
    expect(api.update(deployments, 'default', 'web', changed).object.metadata.generation).toBe(2);
  });

  it('refuses an update from a stale resourceVersion (409 Conflict)', () => {
    const api = cluster();
    const d = api.create(deployments, 'default', deploy()).object;
    api.patch(deployments, 'default', 'web', 'merge', { metadata: { labels: { a: 'b' } } });
    expect(() => api.update(deployments, 'default', 'web', d)).toThrowError(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('keeps an object with finalizers until the last one is removed', () => {
    const api = cluster();
    api.create(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', finalizers: ['example.com/a'] } });
    const marked = api.delete(configmaps, 'default', 'held');
    expect(marked.finished).toBe(false);
    expect(api.get(configmaps, 'default', 'held').metadata.deletionTimestamp).toBeTruthy();
    expect(() => api.patch(configmaps, 'default', 'held', 'merge', { metadata: { finalizers: ['example.com/a', 'example.com/b'] } })).toThrowError(/no new finalizers can be added if the object is being deleted/);
    api.patch(configmaps, 'default', 'held', 'merge', { metadata: { finalizers: null } });
    expect(() => api.get(configmaps, 'default', 'held')).toThrowError('configmaps "held" not found');
  });

  it('puts a deleted namespace into Terminating (its content is removed by the namespace controller)', () => {
    const api = cluster();
    api.create(namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } });
    api.delete(namespaces, '', 'lab');
    const ns = api.get(namespaces, '', 'lab') as any;
    expect(ns.status.phase).toBe('Terminating');
    expect(ns.metadata.deletionTimestamp).toBeTruthy();
  });

  it('stores nothing on dry run, but still validates', () => {
    const api = cluster();
    const rv = api.store.resourceVersion();
    const r = api.create(deployments, 'default', deploy(), { dryRun: true });
    expect(r.object.metadata.uid).toBeTruthy();
    expect(api.store.resourceVersion()).toBe(rv);
    expect(() => api.get(deployments, 'default', 'web')).toThrow();
    const bad = deploy() as any;
    bad.spec.template.metadata.labels = { app: 'other' };
    expect(() => api.create(deployments, 'default', bad, { dryRun: true })).toThrowError(/Deployment.apps "web" is invalid/);
  });

  it('server-side apply creates, updates, and removes fields the manager stopped applying', () => {
    const api = cluster();
    const cfg = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data });
    const created = api.patch(configmaps, 'default', 'ssa', 'apply', cfg({ a: '1', b: '2' }), { fieldManager: 'kubectl' });
    expect(created.created).toBe(true);
    api.patch(configmaps, 'default', 'ssa', 'merge', { data: { other: 'kept' } });
    const updated = api.patch(configmaps, 'default', 'ssa', 'apply', cfg({ a: '10' }), { fieldManager: 'kubectl' }).object as any;
    expect(updated.data).toEqual({ a: '10', other: 'kept' });
  });
});
