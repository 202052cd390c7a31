import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import type { StoredEvent } from '../../../sandbox/providers/sim/store/store.ts';

const cms = { group: '', resource: 'configmaps' };
const cm = (name: string, namespace = 'default'): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: {} });

describe('ObjectStore', () => {
  it('gives every write a new, strictly increasing resourceVersion', () => {
    const s = new ObjectStore();
    const a = s.create(cms, cm('a'));
    const b = s.update(cms, { ...a, data: { x: '1' } });
    const gone = s.remove(cms, 'default', 'a');
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(Number(gone.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
    expect(s.resourceVersion()).toBe(gone.metadata.resourceVersion);
  });

  it('refuses a duplicate name and a stale resourceVersion with the apiserver errors', () => {
    const s = new ObjectStore();
    const a = s.create(cms, cm('a'));
    expect(() => s.create(cms, cm('a'))).toThrowError('configmaps "a" already exists');
    s.update(cms, a);
    expect(() => s.update(cms, a, a.metadata.resourceVersion)).toThrowError(
      'Operation cannot be fulfilled on configmaps "a": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(() => s.remove(cms, 'default', 'nope')).toThrowError('configmaps "nope" not found');
  });

  it('returns copies, so callers cannot change stored objects', () => {
    const s = new ObjectStore();
    s.create(cms, cm('a'));
    const got = s.get(cms, 'default', 'a')!;
    got.metadata.name = 'changed';
    expect(s.get(cms, 'default', 'a')!.metadata.name).toBe('a');
  });

  it('lists by namespace, sorted by namespace then name', () => {
    const s = new ObjectStore();
    s.create(cms, cm('b', 'ns2'));
    s.create(cms, cm('z', 'ns1'));
    s.create(cms, cm('a', 'ns2'));
    expect(s.list(cms).map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['ns1/z', 'ns2/a', 'ns2/b']);
    expect(s.list(cms, 'ns2').map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  it('replays history after a resourceVersion, then streams live changes of one namespace', () => {
    const s = new ObjectStore();
    const first = s.create(cms, cm('a'));
    s.create(cms, cm('b', 'other'));
    s.create(cms, cm('c'));
    const seen: string[] = [];
    const w = s.watch(cms, 'default', Number(first.metadata.resourceVersion), {
      event: (e: StoredEvent) => seen.push(`${e.type} ${e.object.metadata.name}`),
      closed: () => seen.push('closed'),
    });
    s.remove(cms, 'default', 'a');
    s.create({ group: '', resource: 'pods' }, { ...cm('p'), kind: 'Pod' } as KObject);
    w.stop();
    s.create(cms, cm('after-stop'));
    expect(seen).toEqual(['ADDED c', 'DELETED a']);
  });

  it('answers 410 Expired for a resourceVersion older than the kept history', () => {
    const s = new ObjectStore(3);
    const first = s.create(cms, cm('a'));
    for (const n of ['b', 'c', 'd', 'e']) s.create(cms, cm(n));
    const listener = { event: () => {}, closed: () => {} };
    expect(() => s.watch(cms, undefined, Number(first.metadata.resourceVersion), listener)).toThrowError(/^too old resource version: 2 \(\d+\)$/);
    try {
      s.watch(cms, undefined, 1, listener);
    } catch (e) {
      expect((e as { code: number; reason: string }).code).toBe(410);
      expect((e as { reason: string }).reason).toBe('Expired');
    }
    expect(() => s.watch(cms, undefined, Number(s.resourceVersion()) - 2, listener)).not.toThrow();
  });

  it('ends open watches when closed', () => {
    const s = new ObjectStore();
    let closed = 0;
    s.watch(cms, undefined, 1, { event: () => {}, closed: () => closed++ });
    s.close();
    expect(closed).toBe(1);
    expect(() => s.create(cms, cm('a'))).toThrow();
  });
});
