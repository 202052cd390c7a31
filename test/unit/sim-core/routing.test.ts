import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../../sandbox/providers/sim/server/http.ts';
import { negotiateForm, warningHeader, decodeObjectBody } from '../../../sandbox/providers/sim/server/request.ts';

const route = (p: string) => {
  const r = parseRoute(p);
  return r && { kind: r.rt.kind, group: r.rt.group, namespace: r.namespace, name: r.name, subresource: r.subresource, watchPath: r.watchPath };
};

describe('parseRoute', () => {
  it('tells namespaced collections from namespace subresources', () => {
    expect(route('/api/v1/namespaces/lab/pods')).toMatchObject({ kind: 'Pod', namespace: 'lab', name: undefined });
    expect(route('/api/v1/namespaces/lab/pods/p1/log')).toMatchObject({ kind: 'Pod', namespace: 'lab', name: 'p1', subresource: 'log' });
    expect(route('/api/v1/namespaces/lab')).toMatchObject({ kind: 'Namespace', name: 'lab', namespace: undefined });
    expect(route('/api/v1/namespaces/lab/status')).toMatchObject({ kind: 'Namespace', name: 'lab', subresource: 'status' });
    expect(route('/api/v1/namespaces/lab/finalize')).toMatchObject({ kind: 'Namespace', name: 'lab', subresource: 'finalize' });
  });

  it('routes grouped, cluster-scoped, all-namespaces and legacy watch paths', () => {
    expect(route('/apis/apps/v1/namespaces/default/deployments/web/scale')).toMatchObject({ kind: 'Deployment', group: 'apps', subresource: 'scale' });
    expect(route('/apis/storage.k8s.io/v1/storageclasses/standard')).toMatchObject({ kind: 'StorageClass', name: 'standard' });
    expect(route('/api/v1/pods')).toMatchObject({ kind: 'Pod', namespace: undefined });
    expect(route('/api/v1/watch/namespaces/default/configmaps')).toMatchObject({ kind: 'ConfigMap', namespace: 'default', watchPath: true });
  });

  it('serves no removed or unknown versions and resources', () => {
    expect(route('/apis/apps/v1beta1/namespaces/default/deployments')).toBeUndefined();
    expect(route('/apis/extensions/v1beta1/ingresses')).toBeUndefined();
    expect(route('/api/v1/namespaces/default/widgets')).toBeUndefined();
    expect(route('/api/v1/namespaces/default/pods/p/log/extra')).toBeUndefined();
  });
});

describe('content negotiation', () => {
  it('answers kubectl get with a Table and -o yaml with the object', () => {
    expect(negotiateForm('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toEqual({ as: 'Table', version: 'v1' });
    expect(negotiateForm('application/json')).toEqual({ as: 'object' });
    expect(negotiateForm(undefined)).toEqual({ as: 'object' });
    expect(negotiateForm('application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json')).toEqual({ as: 'PartialObjectMetadata', version: 'v1' });
  });

  it('formats warnings as RFC 7234 299 headers', () => {
    expect(warningHeader('unknown field "spec.x"')).toBe('299 - "unknown field \\"spec.x\\""');
  });

  it('decodes JSON and YAML bodies and refuses other media types with 415', () => {
    expect(decodeObjectBody(Buffer.from('{"a":1}'), 'application/json')).toEqual({ a: 1 });
    expect(decodeObjectBody(Buffer.from('a: 1\n'), 'application/yaml')).toEqual({ a: 1 });
    expect(decodeObjectBody(Buffer.from('{"kind":"X"}'), 'application/apply-patch+yaml')).toEqual({ kind: 'X' });
    expect(() => decodeObjectBody(Buffer.from('x'), 'text/plain')).toThrowError(/unknown format/);
    try {
      decodeObjectBody(Buffer.from('x'), 'text/plain');
    } catch (e) {
      expect((e as { code: number }).code).toBe(415);
    }
  });
});
