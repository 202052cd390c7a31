import { describe, expect, it } from 'vitest';
import { testCluster, type TestCluster } from '../sim-scheduler/harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { podTemplateHash, safeEncodeString } from '../../../sandbox/providers/sim/controllers/workloads/pod-template.ts';

function deployment(name: string, replicas: number, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      ...extra,
    },
  } as any;
}

/** markReady plays the kubelet's part (sim part 3) for a test: the pod is Running and Ready. */
function markReady(c: TestCluster, name: string) {
  const p = c.pod(name);
  p.status = { ...p.status, phase: 'Running', conditions: [...(p.status.conditions ?? []), { type: 'Ready', status: 'True', lastTransitionTime: new Date(c.clock.now()).toISOString().replace(/\.\d+Z/, 'Z') }] };
  c.api.update(resources.pods, 'default', name, p, { subresource: 'status' });
}

const rsOf = (c: TestCluster) => c.api.list(resources.replicasets, 'default').items as any[];
const deployOf = (c: TestCluster, n = 'web') => c.api.get(resources.deployments, 'default', n) as any;

describe('pod-template-hash', () => {
  it('encodes FNV-1a of the template in the vowel-free alphabet, stable for equal templates', () => {
    expect(safeEncodeString('0123456789')).toBe('7b9fcd5c64'.split('').map((_, i) => 'bcdfghjklmnpqrstvwxz2456789'[(48 + i) % 27]).join(''));
    const t = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } };
    expect(podTemplateHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(podTemplateHash(structuredClone(t))).toBe(podTemplateHash(t));
    expect(podTemplateHash({ ...t, spec: { containers: [{ name: 'web', image: 'nginx:2' }] } })).not.toBe(podTemplateHash(t));
  });
});

describe('deployment and replicaset controllers', () => {
  it('creates <deploy>-<hash> with revision 1, three pods <rs>-<5 chars> owned by it and scheduled on the workers, and the events', async () => {
    using c = testCluster(['scheduler', 'deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('web', 3));
    await c.manager.settled();
    const [rs] = rsOf(c);
    expect(rs.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    const hash = rs.metadata.name.slice(4);
    expect(rs.metadata.labels['pod-template-hash']).toBe(hash);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '3', 'deployment.kubernetes.io/max-replicas': '4' });
    expect(rs.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployOf(c).metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const pods = c.pods();
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', name: rs.metadata.name, controller: true });
      expect(['lab-worker', 'lab-worker2']).toContain(p.spec.nodeName);
    }
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2);
    const d = deployOf(c);
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, unavailableReplicas: 3 });
    expect(d.status.availableReplicas).toBeUndefined();
    expect(d.status.conditions.map((x: any) => [x.type, x.status, x.reason, x.message])).toEqual([
      ['Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
      ['Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rs.metadata.name}" is progressing.`],
    ]);
    expect(c.events('web').map((e) => [e.reason, e.message, e.source.component])).toEqual([['ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to 3`, 'deployment-controller']]);
    expect(c.events(rs.metadata.name).map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate']);
    expect(c.errors).toEqual([]);
  });

  it('becomes Available and complete once a kubelet reports the pods ready, and replaces a deleted pod', async () => {
    using c = testCluster(['scheduler', 'deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('web', 2));
    await c.manager.settled();
    for (const p of c.pods()) markReady(c, p.metadata.name);
    await c.manager.settled();
    const d = deployOf(c);
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(d.status.conditions.find((x: any) => x.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(d.status.conditions.find((x: any) => x.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    // An unscheduled-then-scheduled pod has nodeName: deletion waits for a kubelet, so force it like `--grace-period=0 --force`.
    const victim = c.pods()[0].metadata.name;
    c.api.delete(resources.pods, 'default', victim, { gracePeriodSeconds: 0 });
    await c.manager.settled();
    const names = c.pods().map((p) => p.metadata.name);
    expect(names).toHaveLength(2);
    expect(names).not.toContain(victim);
  });

  it('scales with the ReplicaSet and records scale-down events', async () => {
    using c = testCluster(['scheduler', 'deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('web', 1));
    await c.manager.settled();
    c.api.patch(resources.deployments, 'default', 'web', 'merge', { spec: { replicas: 4 } }, { subresource: 'scale' });
    await c.manager.settled();
    expect(c.pods()).toHaveLength(4);
    c.api.patch(resources.deployments, 'default', 'web', 'merge', { spec: { replicas: 2 } });
    await c.manager.settled();
    const rs = rsOf(c)[0];
    expect(c.events('web').map((e) => e.message)).toEqual([
      `Scaled up replica set ${rs.metadata.name} from 0 to 1`,
      `Scaled up replica set ${rs.metadata.name} from 1 to 4`,
      `Scaled down replica set ${rs.metadata.name} from 4 to 2`,
    ]);
    expect(c.pods().filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    const deleted = c.events(rs.metadata.name).filter((e) => e.reason === 'SuccessfulDelete');
    expect(deleted.map((e) => e.message).sort()).toEqual(c.api.list(resources.pods, 'default').items.filter((p: any) => p.metadata.deletionTimestamp).map((p: any) => `Deleted pod: ${p.metadata.name}`).sort());
  });

  it('rolls out a new template within maxSurge/maxUnavailable and only as fast as new pods become available', async () => {
    using c = testCluster(['scheduler', 'deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('web', 3));
    await c.manager.settled();
    for (const p of c.pods()) markReady(c, p.metadata.name);
    await c.manager.settled();
    const d = deployOf(c);
    d.spec.template.spec.containers[0].image = 'nginx:1.28';
    c.api.update(resources.deployments, 'default', 'web', d);
    await c.manager.settled();
    const [oldRS, newRS] = rsOf(c).sort((a, b) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision']));
    // 25% of 3: surge rounds up to 1, unavailable rounds down to 0 — one new pod, no old pod goes until it is available.
    expect([oldRS.spec.replicas, newRS.spec.replicas]).toEqual([3, 1]);
    expect(newRS.metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    expect(deployOf(c).metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
    for (let round = 0; round < 6; round++) {
      for (const p of c.pods()) if (!p.status.conditions?.some((x: any) => x.type === 'Ready')) markReady(c, p.metadata.name);
      await c.manager.settled();
      // the kubelet would finish deleting the old pods; do it for the test
      for (const p of c.pods()) if (p.metadata.deletionTimestamp) c.api.delete(resources.pods, 'default', p.metadata.name, { gracePeriodSeconds: 0 });
      await c.manager.settled();
    }
    const final = rsOf(c);
    expect(final.find((r) => r.metadata.name === oldRS.metadata.name).spec.replicas).toBe(0);
    expect(final.find((r) => r.metadata.name === newRS.metadata.name).spec.replicas).toBe(3);
    expect(deployOf(c).status.conditions.find((x: any) => x.type === 'Progressing').reason).toBe('NewReplicaSetAvailable');
  });

  it('pause holds a template change back (Progressing Unknown DeploymentPaused); resume rolls it out', async () => {
    using c = testCluster(['deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('web', 1));
    await c.manager.settled();
    c.api.patch(resources.deployments, 'default', 'web', 'merge', { spec: { paused: true } });
    await c.manager.settled();
    const d = deployOf(c);
    d.spec.template.spec.containers[0].image = 'nginx:1.28';
    c.api.update(resources.deployments, 'default', 'web', d);
    await c.manager.settled();
    expect(rsOf(c)).toHaveLength(1);
    expect(deployOf(c).status.conditions.find((x: any) => x.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    c.api.patch(resources.deployments, 'default', 'web', 'merge', { spec: { paused: null } });
    await c.manager.settled();
    expect(rsOf(c)).toHaveLength(2);
    expect(deployOf(c).metadata.annotations['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('reports ProgressDeadlineExceeded when no pod becomes available within progressDeadlineSeconds', async () => {
    using c = testCluster(['scheduler', 'deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('web', 1, { progressDeadlineSeconds: 60 }));
    await c.manager.settled();
    await c.manager.advance(55_000, 5_000);
    expect(deployOf(c).status.conditions.find((x: any) => x.type === 'Progressing').reason).toBe('ReplicaSetUpdated');
    await c.manager.advance(10_000, 5_000);
    const rs = rsOf(c)[0];
    expect(deployOf(c).status.conditions.find((x: any) => x.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs.metadata.name}" has timed out progressing.` });
  });

  it('shows a ReplicaSet that cannot create pods as ReplicaFailure on the Deployment, with the FailedCreate event', async () => {
    using c = testCluster(['deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('web', 1, { template: { metadata: { labels: { app: 'web' } }, spec: { serviceAccountName: 'missing', containers: [{ name: 'web', image: 'nginx' }] } } }));
    await c.manager.settled();
    const rs = rsOf(c)[0];
    const failed = c.events(rs.metadata.name).find((e) => e.reason === 'FailedCreate');
    expect(failed.type).toBe('Warning');
    expect(failed.message).toMatch(/^Error creating: pods "web-\w+-\w+" is forbidden: error looking up service account default\/missing: serviceaccount "missing" not found$/);
    expect(deployOf(c).status.conditions.find((x: any) => x.type === 'ReplicaFailure')).toMatchObject({ status: 'True', reason: 'FailedCreate' });
  });

  it('scales a stuck rollout proportionally, as the Kubernetes docs example shows (8+5 of 10 → 11+7 of 15)', async () => {
    using c = testCluster(['deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('nginx-deployment', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await c.manager.settled();
    for (const p of c.pods()) markReady(c, p.metadata.name);
    await c.manager.settled();
    const d = deployOf(c, 'nginx-deployment');
    d.spec.template.spec.containers[0].image = 'nginx:sometag';
    c.api.update(resources.deployments, 'default', 'nginx-deployment', d);
    await c.manager.settled();
    const sizes = () => rsOf(c).sort((a, b) => Number(a.metadata.annotations['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations['deployment.kubernetes.io/revision'])).map((r) => r.spec.replicas);
    expect(sizes()).toEqual([8, 5]);
    c.api.patch(resources.deployments, 'default', 'nginx-deployment', 'merge', { spec: { replicas: 15 } });
    await c.manager.settled();
    expect(sizes()).toEqual([11, 7]);
    expect(rsOf(c).every((r) => r.metadata.annotations['deployment.kubernetes.io/desired-replicas'] === '15' && r.metadata.annotations['deployment.kubernetes.io/max-replicas'] === '18')).toBe(true);
  });

  it('Recreate scales the old ReplicaSet to zero and creates the new one only after the old pods are gone', async () => {
    using c = testCluster(['deployment-controller', 'replicaset-controller']);
    c.api.create(resources.deployments, 'default', deployment('db', 2, { strategy: { type: 'Recreate' } }));
    await c.manager.settled();
    const d = deployOf(c, 'db');
    d.spec.template.spec.containers[0].image = 'nginx:1.28';
    c.api.update(resources.deployments, 'default', 'db', d);
    await c.manager.settled();
    // no scheduler here, so pods are unbound and go at once
    const rss = rsOf(c);
    expect(rss.map((r) => r.spec.replicas).sort()).toEqual([0, 2]);
    expect(c.events('db').map((e) => e.message.replace(/db-\w+/, 'db-X'))).toEqual([
      'Scaled up replica set db-X from 0 to 2',
      'Scaled down replica set db-X from 2 to 0',
      'Scaled up replica set db-X from 0 to 2',
    ]);
  });
});
