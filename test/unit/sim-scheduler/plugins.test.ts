import { describe, expect, it } from 'vitest';
import { nodeAffinity, nodeResourcesFit, taintToleration, toleratesTaint, podRequests, nodeUnschedulable } from '../../../sandbox/providers/sim/scheduler/plugins.ts';
import { fitErrorMessage } from '../../../sandbox/providers/sim/scheduler/fit-error.ts';
import { nodeObject } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const worker = nodeObject('lab-worker', '172.18.0.3', '10.244.1.0/24', false, '2026-01-01T00:00:00Z');
const cp = nodeObject('lab-control-plane', '172.18.0.2', '10.244.0.0/24', true, '2026-01-01T00:00:00Z');
const pod = (spec: Record<string, unknown> = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } }) as KObject;

describe('toleratesTaint (v1 Toleration.ToleratesTaint)', () => {
  const taint = { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' };
  it.each([
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists' }, true],
    [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoSchedule' }, false],
    [{ operator: 'Exists' }, true],
    [{ key: 'node.kubernetes.io/unreachable' }, true], // Equal with empty values
    [{ key: 'node.kubernetes.io/unreachable', value: 'x' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
  ])('%j → %s', (t, want) => expect(toleratesTaint(t, taint)).toBe(want));
});

describe('filter plugins', () => {
  it('TaintToleration names the first untolerated NoSchedule/NoExecute taint as {key: value}', () => {
    expect(taintToleration(pod(), cp)?.reasons).toEqual(['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }']);
    expect(taintToleration(pod({ tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule', operator: 'Exists' }] }), cp)).toBeUndefined();
    const tainted = structuredClone(worker) as any;
    tainted.spec.taints = [{ key: 'dedicated', value: 'db', effect: 'PreferNoSchedule' }, { key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
    expect(taintToleration(pod(), tainted)?.reasons).toEqual(['node(s) had untolerated taint {dedicated: db}']);
  });

  it('NodeAffinity: nodeSelector and required terms (ORed terms, ANDed expressions, matchFields on the name)', () => {
    expect(nodeAffinity(pod({ nodeSelector: { 'kubernetes.io/hostname': 'lab-worker' } }), worker)).toBeUndefined();
    const terms = (t: unknown[]) => pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: t } } } });
    expect(nodeAffinity(terms([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['lab-worker2'] }] }]), worker)?.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
    expect(nodeAffinity(terms([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['x'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['lab-worker'] }] }]), worker)).toBeUndefined();
    expect(nodeAffinity(terms([{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }, { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }] }]), worker)).toBeUndefined();
  });

  it('NodeUnschedulable respects the unschedulable toleration', () => {
    const cordoned = structuredClone(worker) as any;
    cordoned.spec.unschedulable = true;
    expect(nodeUnschedulable(pod(), cordoned)?.reasons).toEqual(['node(s) were unschedulable']);
    expect(nodeUnschedulable(pod({ tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] }), cordoned)).toBeUndefined();
  });

  it('NodeResourcesFit: Insufficient cpu/memory against allocatable minus what is scheduled', () => {
    const big = pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '3', memory: '10Gi' } } }] });
    expect(podRequests(big)).toEqual({ cpu: 3, memory: 10 * 2 ** 30 });
    const used = { pods: 1, requested: { cpu: 2, memory: 8 * 2 ** 30 }, nonZeroRequested: { cpu: 2, memory: 8 * 2 ** 30 } };
    expect(nodeResourcesFit(big, worker, used)).toMatchObject({ code: 'Unschedulable', reasons: ['Insufficient cpu', 'Insufficient memory'] });
    expect(nodeResourcesFit(pod(), worker, used)).toBeUndefined();
  });
});

describe('fitErrorMessage', () => {
  it('sorts the "<count> <reason>" strings and says preemption would not help for unresolvable nodes', () => {
    const m = new Map([
      ['a', { plugin: 'NodeResourcesFit', code: 'Unschedulable' as const, reasons: ['Insufficient cpu'] }],
      ['b', { plugin: 'NodeResourcesFit', code: 'Unschedulable' as const, reasons: ['Insufficient cpu'] }],
      ['c', { plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable' as const, reasons: ['node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'] }],
    ]);
    expect(fitErrorMessage({ numAllNodes: 3, nodeStatuses: m })).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    expect(fitErrorMessage({ numAllNodes: 3, nodeStatuses: m, preemptionNever: true })).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});
