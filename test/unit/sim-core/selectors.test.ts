import { describe, expect, it } from 'vitest';
import { parseFieldSelector, parseLabelSelector } from '../../../sandbox/providers/sim/server/selectors.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const labels = { app: 'web', tier: 'front', 'example.com/team': 'a' };

describe('label selectors', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app notin (db,web)', false],
    ['missing notin (x)', true],
    ['tier', true],
    ['!tier', false],
    ['!missing', true],
    ['app=web,tier=back', false],
    ['app in (web),example.com/team=a', true],
    ['', true],
  ])('%s → %s', (sel, want) => {
    expect(parseLabelSelector(sel).matches(labels)).toBe(want);
  });

  it('rejects an invalid value like the apiserver (400)', () => {
    expect(() => parseLabelSelector('app=we b')).toThrowError(/unable to parse requirement: .*Invalid value: "we b"/);
  });
});

const pod = (name: string, node: string, phase: string): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { nodeName: node },
  status: { phase },
});

describe('field selectors', () => {
  it('ANDs terms in any order, with != terms (kubectl describe node)', () => {
    const a = parseFieldSelector('status.phase!=Succeeded,spec.nodeName=n1,status.phase!=Failed', 'pods', '');
    const b = parseFieldSelector('spec.nodeName=n1,status.phase!=Failed,status.phase!=Succeeded', 'pods', '');
    for (const sel of [a, b]) {
      expect(sel.matches(pod('p', 'n1', 'Running'))).toBe(true);
      expect(sel.matches(pod('p', 'n1', 'Failed'))).toBe(false);
      expect(sel.matches(pod('p', 'n2', 'Running'))).toBe(false);
    }
  });

  it('matches event fields including an empty involvedObject.namespace', () => {
    const ev = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Node', name: 'n1', uid: 'n1' }, reason: 'NodeReady', type: 'Normal', source: { component: 'kubelet' } } as KObject;
    expect(parseFieldSelector('involvedObject.name=n1,involvedObject.namespace=,involvedObject.kind=Node,involvedObject.uid=n1', 'events', '').matches(ev)).toBe(true);
    expect(parseFieldSelector('source=kubelet,type=Normal,reason=NodeReady', 'events', '').matches(ev)).toBe(true);
    expect(parseFieldSelector('type=Warning', 'events', '').matches(ev)).toBe(false);
  });

  it('rejects a field label the resource does not support', () => {
    expect(() => parseFieldSelector('spec.nodeName=n1', 'configmaps', '')).toThrowError('field label not supported: spec.nodeName');
  });

  it('exposes the name a metadata.name term pins', () => {
    expect(parseFieldSelector('metadata.name=x', 'configmaps', '').exactName).toBe('x');
  });
});
