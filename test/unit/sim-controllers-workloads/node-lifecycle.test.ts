import { describe, expect, it } from 'vitest';
import { testCluster, podObject } from '../sim-scheduler/harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { powerOff, powerOn } from '../../../sandbox/providers/sim/controllers/node-lifecycle/index.ts';
import { evictionAt } from '../../../sandbox/providers/sim/controllers/node-lifecycle/taint-eviction.ts';

const all = ['kubelet-heartbeat', 'node-lifecycle-controller', 'taint-eviction-controller', 'pod-garbage-collector', 'scheduler', 'deployment-controller', 'replicaset-controller'];
const shortTolerations = [
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
];

function deployment(name: string, tolerations?: unknown[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'db', image: 'mysql:8.4' }], ...(tolerations ? { tolerations } : {}) } },
    },
  } as any;
}

const ready = (n: any) => n.status.conditions.find((c: any) => c.type === 'Ready');

describe('evictionAt', () => {
  const pod = podObject('p', { tolerations: shortTolerations });
  it('evicts at once for an untolerated NoExecute taint, after the shortest toleration otherwise, never without NoExecute taints', () => {
    expect(evictionAt(pod, [{ key: 'x', effect: 'NoExecute' }])).toEqual({ atMs: 0 });
    expect(evictionAt(pod, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }])).toEqual({ atMs: Date.UTC(2026, 0, 1) + 30_000 });
    expect(evictionAt(pod, [{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }])).toEqual({ never: true });
    expect(evictionAt(podObject('q', { tolerations: [{ operator: 'Exists' }] }), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }])).toEqual({ never: true });
  });
});

describe('node power and lifecycle', () => {
  it('keeps each node Lease renewed every 10 s while powered', async () => {
    using c = testCluster(all);
    await c.manager.advance(25_000);
    const lease = c.api.get(resources.leases, 'kube-node-lease', 'lab-worker') as any;
    expect(lease.spec).toMatchObject({ holderIdentity: 'lab-worker', leaseDurationSeconds: 40, renewTime: '2026-11-25T12:00:20.000000Z' });
    expect(lease.metadata.ownerReferences[0]).toMatchObject({ kind: 'Node', name: 'lab-worker' });
  });

  it('powering off: Unknown after the 50 s grace period, taints, eviction after tolerationSeconds, replacement elsewhere, old pod Terminating until power returns', async () => {
    using c = testCluster(all);
    c.api.create(resources.deployments, 'default', deployment('mysql', shortTolerations));
    await c.manager.settled();
    const [first] = c.pods();
    expect(first.spec.nodeName).toBe('lab-worker');

    powerOff(c.manager, 'lab-worker');
    await c.manager.advance(45_000);
    expect(ready(c.node('lab-worker')).status).toBe('True');
    await c.manager.advance(15_000);
    const node = c.node('lab-worker');
    expect(node.status.conditions.map((x: any) => [x.type, x.status, x.reason, x.message])).toEqual([
      ['MemoryPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['DiskPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['PIDPressure', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    ]);
    expect(node.spec.taints.map((t: any) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(c.events('lab-worker').map((e) => [e.reason, e.message, e.source.component])).toContainEqual(['NodeNotReady', 'Node lab-worker status is now: NodeNotReady', 'node-controller']);
    expect(c.pod(first.metadata.name).status.conditions.find((x: any) => x.type === 'Ready').status).toBe('False');
    expect(c.events(first.metadata.name).map((e) => [e.type, e.reason, e.message])).toContainEqual(['Warning', 'NodeNotReady', 'Node is not ready']);
    expect(c.pod(first.metadata.name).metadata.deletionTimestamp).toBeUndefined();

    await c.manager.advance(31_000);
    const old = c.pod(first.metadata.name);
    expect(old.metadata.deletionTimestamp).toBeDefined();
    expect(old.status.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }));
    const eviction = c.events(first.metadata.name).find((e) => e.reason === 'TaintManagerEviction');
    expect(eviction).toMatchObject({ type: 'Normal', message: `Marking for deletion Pod default/${first.metadata.name}`, source: { component: 'taint-eviction-controller' } });
    expect(eviction.involvedObject.uid).toBeUndefined();
    const replacement = c.pods().find((p) => p.metadata.name !== first.metadata.name);
    expect(replacement.spec.nodeName).toBe('lab-worker2');

    await c.manager.advance(120_000);
    expect(c.pod(first.metadata.name)?.metadata.deletionTimestamp).toBeDefined(); // nobody on the dead node finishes it

    powerOn(c.manager, 'lab-worker');
    await c.manager.advance(6_000);
    expect(ready(c.node('lab-worker'))).toMatchObject({ status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
    expect(c.node('lab-worker').spec.taints).toBeUndefined();
    expect(c.pod(first.metadata.name)).toBeUndefined();
    expect(c.pods().map((p) => p.metadata.name)).toEqual([replacement.metadata.name]);
    expect(c.errors).toEqual([]);
  });

  it('with the default 300 s tolerations, evicts five minutes after the taint', async () => {
    using c = testCluster(all);
    c.api.create(resources.deployments, 'default', deployment('web'));
    await c.manager.settled();
    const [p] = c.pods();
    expect(p.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    powerOff(c.manager, p.spec.nodeName);
    await c.manager.advance(60_000 + 290_000, 5_000);
    expect(c.pod(p.metadata.name).metadata.deletionTimestamp).toBeUndefined();
    await c.manager.advance(20_000, 5_000);
    expect(c.pod(p.metadata.name).metadata.deletionTimestamp).toBeDefined();
  });

  it('the out-of-service taint force-deletes the Terminating pods of a dead node', async () => {
    using c = testCluster(all);
    c.api.create(resources.deployments, 'default', deployment('mysql', shortTolerations));
    await c.manager.settled();
    const [p] = c.pods();
    powerOff(c.manager, 'lab-worker');
    await c.manager.advance(100_000, 2_000);
    expect(c.pod(p.metadata.name).metadata.deletionTimestamp).toBeDefined();
    const n = c.node('lab-worker');
    c.api.patch(resources.nodes, '', 'lab-worker', 'merge', { spec: { taints: [...n.spec.taints, { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }] } });
    await c.manager.settled();
    expect(c.pod(p.metadata.name)).toBeUndefined();
  });

  it('cordon adds the unschedulable taint, uncordon removes it', async () => {
    using c = testCluster(all);
    c.api.patch(resources.nodes, '', 'lab-worker2', 'merge', { spec: { unschedulable: true } });
    await c.manager.settled();
    expect(c.node('lab-worker2').spec.taints).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
    c.api.patch(resources.nodes, '', 'lab-worker2', 'merge', { spec: { unschedulable: null } });
    await c.manager.settled();
    expect(c.node('lab-worker2').spec.taints).toBeUndefined();
  });

  it('pod GC force-deletes a pod bound to a node that does not exist, after the 20 s quarantine', async () => {
    using c = testCluster(all);
    c.api.create(resources.pods, 'default', podObject('typo', { nodeName: 'lab-wroker' }));
    await c.manager.advance(15_000);
    expect(c.pod('typo')).toBeDefined();
    await c.manager.advance(10_000);
    expect(c.pod('typo')).toBeUndefined();
  });

  it('power on records what the kubelet changes: after a long outage the condition events and NodeReady, after a short one only its start', async () => {
    using c = testCluster(all);
    // Occurrences per reason, however they are stored (a new Event, or count+1 on one the same kubelet recorded).
    const counts = () => {
      const n: Record<string, number> = {};
      for (const e of c.events('lab-worker', 'default')) n[e.reason] = (n[e.reason] ?? 0) + (e.count ?? 1);
      return n;
    };
    const delta = (before: Record<string, number>) => Object.fromEntries(Object.entries(counts()).map(([r, k]) => [r, k - (before[r] ?? 0)]).filter(([, k]) => k !== 0));
    const atStart = counts();
    powerOff(c.manager, 'lab-worker');
    await c.manager.advance(10_000, 1_000);
    powerOn(c.manager, 'lab-worker');
    await c.manager.settled();
    expect(delta(atStart)).toEqual({ Starting: 1, NodeAllocatableEnforced: 1 });
    const afterShort = counts();
    powerOff(c.manager, 'lab-worker');
    await c.manager.advance(120_000, 2_000);
    expect((c.api.get(resources.nodes, '', 'lab-worker') as any).status.conditions.find((x: any) => x.type === 'Ready').status).toBe('Unknown');
    powerOn(c.manager, 'lab-worker');
    await c.manager.settled();
    expect(delta(afterShort)).toMatchObject({ Starting: 1, NodeAllocatableEnforced: 1, NodeHasSufficientMemory: 1, NodeHasNoDiskPressure: 1, NodeHasSufficientPID: 1, NodeReady: 1 });
  });

  it('refuses to power an unknown node', () => {
    using c = testCluster(all);
    expect(() => powerOff(c.manager, 'lab-worker9')).toThrow('nodes "lab-worker9" not found');
  });
});
