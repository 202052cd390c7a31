import { describe, expect, it } from 'vitest';
import { aggregatedContentType, discovery, negotiateDiscovery } from '../../../sandbox/providers/sim/api/discovery.ts';

const kubectl133Accept =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
const kubectl129Accept = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('discovery format negotiation', () => {
  it('answers v2 to kubectl 1.30+, v2beta1 to kubectl 1.27–1.29, legacy otherwise', () => {
    expect(negotiateDiscovery(kubectl133Accept)).toBe('v2');
    expect(negotiateDiscovery(kubectl129Accept)).toBe('v2beta1');
    expect(negotiateDiscovery('application/json, */*')).toBe('legacy');
    expect(negotiateDiscovery(undefined)).toBe('legacy');
    expect(negotiateDiscovery('application/json; as=APIGroupDiscoveryList; v=v2; g=apidiscovery.k8s.io')).toBe('v2');
  });

  it('labels aggregated responses with the exact content type client-go checks', () => {
    const r = discovery('/apis', kubectl133Accept)!;
    expect(r.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(JSON.parse(r.body).apiVersion).toBe('apidiscovery.k8s.io/v2');
    const old = discovery('/api', kubectl129Accept)!;
    expect(old.contentType).toBe(aggregatedContentType('v2beta1'));
    expect(JSON.parse(old.body).apiVersion).toBe('apidiscovery.k8s.io/v2beta1');
  });
});

describe('aggregated discovery', () => {
  it('lists core v1 under /api with no group name, pods with eviction in policy/v1', () => {
    const doc = JSON.parse(discovery('/api', kubectl133Accept)!.body);
    expect(doc.kind).toBe('APIGroupDiscoveryList');
    expect(doc.items).toHaveLength(1);
    expect(doc.items[0].metadata).toEqual({ creationTimestamp: null });
    const v1 = doc.items[0].versions[0];
    expect(v1.version).toBe('v1');
    expect(v1.freshness).toBe('Current');
    const pods = v1.resources.find((r: { resource: string }) => r.resource === 'pods');
    expect(pods).toMatchObject({
      resource: 'pods',
      responseKind: { group: '', version: '', kind: 'Pod' },
      scope: 'Namespaced',
      singularResource: 'pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(pods.subresources.find((s: { subresource: string }) => s.subresource === 'eviction')).toEqual({
      subresource: 'eviction',
      responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' },
      verbs: ['create'],
    });
    expect(pods.subresources.find((s: { subresource: string }) => s.subresource === 'exec').responseKind).toEqual({ group: '', version: '', kind: 'PodExecOptions' });
    const pv = v1.resources.find((r: { resource: string }) => r.resource === 'persistentvolumes');
    expect(pv.scope).toBe('Cluster');
  });

  it('lists the named groups under /apis in order', () => {
    const doc = JSON.parse(discovery('/apis', kubectl133Accept)!.body);
    const summary = doc.items.map((g: { metadata: { name: string }; versions: { version: string; resources: { resource: string }[] }[] }) => ({
      group: g.metadata.name,
      versions: g.versions.map((v) => `${v.version}: ${v.resources.map((r) => r.resource).join(' ')}`),
    }));
    expect(summary).toMatchSnapshot();
  });
});

describe('legacy discovery', () => {
  it('serves APIVersions, APIGroupList and APIGroup', () => {
    expect(JSON.parse(discovery('/api', 'application/json')!.body)).toEqual({ kind: 'APIVersions', versions: ['v1'] });
    const groups = JSON.parse(discovery('/apis', undefined)!.body);
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups[0]).toEqual({ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } });
    expect(JSON.parse(discovery('/apis/storage.k8s.io', undefined)!.body)).toMatchObject({ kind: 'APIGroup', apiVersion: 'v1', name: 'storage.k8s.io' });
  });

  it('lists pods/eviction in /api/v1 the way kubectl drain looks for it, whatever the Accept', () => {
    const list = JSON.parse(discovery('/api/v1', kubectl133Accept)!.body);
    expect(list.kind).toBe('APIResourceList');
    expect(list.groupVersion).toBe('v1');
    expect(list.resources.find((r: { name: string }) => r.name === 'pods/eviction')).toEqual({
      name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'],
    });
    // storageVersionHash as a real server computes it (value from kubernetes api/discovery/api__v1.json)
    expect(list.resources.find((r: { name: string }) => r.name === 'configmaps').storageVersionHash).toBe('qFsyl6wFWjQ=');
    expect(list.resources.find((r: { name: string }) => r.name === 'pods').storageVersionHash).toBe('xPOwRZ+Yhw8=');
    // …and for a named group (values from kubernetes api/discovery/apis__storage.k8s.io__v1.json)
    const storage = JSON.parse(discovery('/apis/storage.k8s.io/v1', undefined)!.body);
    expect(Object.fromEntries(storage.resources.filter((r: { storageVersionHash?: string }) => r.storageVersionHash).map((r: { name: string; storageVersionHash: string }) => [r.name, r.storageVersionHash]))).toEqual({
      csidrivers: 'hL6j/rwBV5w=', csinodes: 'Pe62DkZtjuo=', csistoragecapacities: 'xeVl+2Ly1kE=', storageclasses: 'K+m6uJwbjGY=', volumeattachments: 'tJx/ezt6UDU=',
    });
  });

  it('snapshots the names in every group version list', () => {
    const names = (p: string) => JSON.parse(discovery(p, undefined)!.body).resources.map((r: { name: string }) => r.name);
    expect(names('/api/v1')).toMatchSnapshot();
    expect(names('/apis/apps/v1')).toMatchSnapshot();
    expect(names('/apis/storage.k8s.io/v1')).toMatchSnapshot();
    expect(JSON.parse(discovery('/apis/events.k8s.io/v1', undefined)!.body).resources[0]).toMatchObject({ name: 'events', shortNames: ['ev'], storageVersionHash: 'r2yiGXH7wu8=' });
  });

  it('does not serve removed or unknown groups, and gives stable ETags', () => {
    expect(discovery('/apis/extensions/v1beta1', undefined)).toBeUndefined();
    expect(discovery('/apis/apps/v1beta1', undefined)).toBeUndefined();
    expect(discovery('/apis/', undefined)?.status).toBe(200);
    expect(discovery('/version', undefined)).toBeUndefined();
    const a = discovery('/apis', kubectl133Accept)!;
    const b = discovery('/apis', kubectl129Accept)!;
    expect(a.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(a.etag).not.toBe(b.etag);
    expect(discovery('/apis', kubectl133Accept)!.etag).toBe(a.etag);
  });
});
