import { describe, expect, it } from 'vitest';
import { jsonMergePatch, jsonPatch, strategicMergePatch, type PatchMeta } from '../../../sandbox/providers/sim/server/patch.ts';

/** meta is the patch metadata the pod schema documents (containers/name, env/name, volumes/name, finalizers merge). */
const meta = (path: string[]): PatchMeta => {
  const p = path.join('.');
  if (p.endsWith('containers') || p.endsWith('env') || p.endsWith('volumes')) return { mergeKey: 'name', strategy: ['merge'] };
  if (p === 'metadata.finalizers') return { strategy: ['merge'] };
  return {};
};

const pod = () => ({
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x', 'y'] },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'side', image: 'busybox' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'k' }],
  },
});

describe('strategic merge patch', () => {
  it('merges list items by merge key and replaces lists without a strategy', () => {
    const out = strategicMergePatch(pod(), { spec: { containers: [{ name: 'app', image: 'nginx:2' }], tolerations: [{ key: 'z' }] } }, meta) as any;
    expect(out.spec.containers.map((c: any) => `${c.name}=${c.image}`)).toEqual(['app=nginx:2', 'side=busybox']);
    expect(out.spec.containers[0].env).toHaveLength(2);
    expect(out.spec.tolerations).toEqual([{ key: 'z' }]);
  });

  it('deletes a map key with null and a list item with $patch: delete', () => {
    const out = strategicMergePatch(pod(), { metadata: { labels: { a: null } }, spec: { containers: [{ name: 'side', $patch: 'delete' }] } }, meta) as any;
    expect(out.metadata.labels).toEqual({ b: '2' });
    expect(out.spec.containers.map((c: any) => c.name)).toEqual(['app']);
  });

  it('replaces a map with $patch: replace and keeps only $retainKeys', () => {
    const out = strategicMergePatch(pod(), { metadata: { labels: { c: '3', $patch: 'replace' } }, spec: { volumes: [{ name: 'data', hostPath: { path: '/x' }, $retainKeys: ['hostPath', 'name'] }] } }, meta) as any;
    expect(out.metadata.labels).toEqual({ c: '3' });
    expect(out.spec.volumes).toEqual([{ name: 'data', hostPath: { path: '/x' } }]);
  });

  it('removes primitives with $deleteFromPrimitiveList and unions merge-strategy primitive lists', () => {
    const out = strategicMergePatch(pod(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }, meta) as any;
    expect(out.metadata.finalizers).toEqual(['y']);
    const out2 = strategicMergePatch(pod(), { metadata: { finalizers: ['z'] } }, meta) as any;
    expect(out2.metadata.finalizers).toEqual(['x', 'y', 'z']);
  });

  it('orders merged items by $setElementOrder (what kubectl apply sends)', () => {
    const out = strategicMergePatch(
      pod(),
      { spec: { containers: [{ name: 'new', image: 'alpine' }], '$setElementOrder/containers': [{ name: 'new' }, { name: 'app' }, { name: 'side' }] } },
      meta,
    ) as any;
    expect(out.spec.containers.map((c: any) => c.name)).toEqual(['new', 'app', 'side']);
    expect(JSON.stringify(out)).not.toContain('$setElementOrder');
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes with null and replaces lists', () => {
    expect(jsonMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [9] })).toEqual({ a: { c: 2, d: 3 }, l: [9] });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, replace, remove, move, copy and test', () => {
    const out = jsonPatch({ a: [1, 2], b: { c: 1 } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/b/c', value: 2 },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e' },
      { op: 'remove', path: '/a/0' },
      { op: 'test', path: '/e', value: 2 },
      { op: 'add', path: '/x~1y', value: true },
    ]);
    expect(out).toEqual({ a: [2, 3], b: { c: 2 }, e: 2, 'x/y': true });
  });

  it('fails with the apiserver 422 when a path is missing or a test fails', () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/nope' }])).toThrowError('the server rejected our request due to an error in our request');
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrowError('the server rejected our request due to an error in our request');
  });
});
