import { describe, expect, it } from 'vitest';
import { testCluster, type TestCluster } from '../sim-scheduler/harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { powerOff } from '../../../sandbox/providers/sim/controllers/node-lifecycle/index.ts';

const all = ['kubelet-heartbeat', 'node-lifecycle-controller', 'taint-eviction-controller', 'pod-garbage-collector', 'scheduler', 'statefulset-controller', 'daemonset-controller', 'job-controller', 'garbage-collector'];

function markReady(c: TestCluster, name: string) {
  const p = c.pod(name);
  p.status = { ...p.status, phase: 'Running', conditions: [...(p.status.conditions ?? []).filter((x: any) => x.type !== 'Ready'), { type: 'Ready', status: 'True', lastTransitionTime: '2026-11-25T12:00:00Z' }] };
  c.api.update(resources.pods, 'default', name, p, { subresource: 'status' });
}

function statefulSet(extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      serviceName: 'web',
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }], containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'data', mountPath: '/d' }] }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...extra,
    },
  } as any;
}

describe('statefulset controller', () => {
  it('creates only web-0 (and data-web-0) until it is Running and Ready, then the next ordinal', async () => {
    using c = testCluster(all);
    c.api.create(resources.statefulsets, 'default', statefulSet());
    await c.manager.settled();
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['web-0']);
    const p0 = c.pod('web-0');
    expect(p0.spec).toMatchObject({ hostname: 'web-0', subdomain: 'web' });
    expect(p0.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } });
    expect(p0.metadata.labels).toMatchObject({ app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(p0.metadata.labels['controller-revision-hash']).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    const claims = c.api.list(resources.persistentvolumeclaims, 'default').items as any[];
    expect(claims.map((x) => [x.metadata.name, x.metadata.labels, x.metadata.ownerReferences])).toEqual([['data-web-0', { app: 'web' }, undefined]]);
    expect(c.events('web').map((e) => e.message)).toEqual(['create Claim data-web-0 Pod web-0 in StatefulSet web success', 'create Pod web-0 in StatefulSet web successful']);
    markReady(c, 'web-0');
    await c.manager.settled();
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['web-0', 'web-1']);
    const sts = c.api.get(resources.statefulsets, 'default', 'web') as any;
    expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 1, availableReplicas: 1, currentReplicas: 2, updatedReplicas: 2, observedGeneration: 1, collisionCount: 0 });
    expect(sts.status.currentRevision).toBe(p0.metadata.labels['controller-revision-hash']);
  });

  it('waits while a pod is Terminating on a dead node instead of starting a second copy', async () => {
    using c = testCluster(all);
    // no claim templates here: the waiting is the StatefulSet's, whatever the volumes
    const set = statefulSet({ replicas: 1, volumeClaimTemplates: [] });
    delete set.spec.template.spec.containers[0].volumeMounts;
    c.api.create(resources.statefulsets, 'default', set);
    await c.manager.settled();
    markReady(c, 'web-0');
    await c.manager.settled();
    const uid = c.pod('web-0').metadata.uid;
    powerOff(c.manager, c.pod('web-0').spec.nodeName);
    await c.manager.advance(120_000, 2_000);
    const p = c.pod('web-0');
    expect(p.metadata.uid).toBe(uid);
    expect(p.metadata.deletionTimestamp).toBeDefined();
    expect(c.pods()).toHaveLength(1);
  });

  it('with whenDeleted: Delete the claims are owned by the set and go with it', async () => {
    using c = testCluster(all);
    c.api.create(resources.statefulsets, 'default', statefulSet({ replicas: 1, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } }));
    await c.manager.settled();
    const [claim] = c.api.list(resources.persistentvolumeclaims, 'default').items as any[];
    expect(claim.metadata.ownerReferences[0]).toMatchObject({ kind: 'StatefulSet', name: 'web' });
    c.api.delete(resources.statefulsets, 'default', 'web');
    await c.manager.settled();
    // the claim is marked for deletion (pvc-protection holds it while the pod still exists)
    const left = c.api.list(resources.persistentvolumeclaims, 'default').items as any[];
    expect(left.every((x) => x.metadata.deletionTimestamp)).toBe(true);
  });
});

describe('statefulset claim retention on scale down', () => {
  it('whenScaled: Delete hands the condemned ordinal claim to its pod, so it goes with the pod; Retain keeps it', async () => {
    using c = testCluster([...all, 'persistentvolume-binder-controller', 'pvc-protection-controller']);
    const claimsOf = () => (c.api.list(resources.persistentvolumeclaims, 'default').items as any[]).filter((x) => !x.metadata.deletionTimestamp).map((x) => x.metadata.name).sort();
    c.api.create(resources.statefulsets, 'default', statefulSet({ replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }));
    await c.manager.settled();
    markReady(c, 'web-0');
    await c.manager.settled();
    markReady(c, 'web-1');
    await c.manager.settled();
    expect(claimsOf()).toEqual(['data-web-0', 'data-web-1']);
    c.api.patch(resources.statefulsets, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    await c.manager.advance(5_000);
    expect(c.pods().map((p) => p.metadata.name)).toEqual(['web-0']);
    expect(claimsOf()).toEqual(['data-web-0']);
    expect(c.events('web').map((e) => e.message)).toContain('delete Pod web-1 in StatefulSet web successful');
  });
});

/** agentDaemonSet is a DaemonSet with no node selector or tolerations of its own. */
const agentDaemonSet = () =>
  ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox' }] } } },
  }) as any;

describe('daemonset controller', () => {
  it('runs one pod per worker (not the tainted control plane) pinned by node affinity, with daemon tolerations', async () => {
    using c = testCluster(all);
    c.api.create(resources.daemonsets, 'default', agentDaemonSet());
    await c.manager.settled();
    const pods = c.pods();
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['lab-worker', 'lab-worker2']);
    expect(pods[0].metadata.name).toMatch(/^agent-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pods[0].spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
    const ds = c.api.get(resources.daemonsets, 'default', 'agent') as any;
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 0, numberUnavailable: 2 });
  });

  it('keeps its pod on a node that goes unreachable (NoExecute tolerated), counting it misscheduled; an untolerated NoExecute taint removes it', async () => {
    using c = testCluster(all);
    c.api.create(resources.daemonsets, 'default', agentDaemonSet());
    await c.manager.settled();
    const onWorker = c.pods().find((p) => p.spec.nodeName === 'lab-worker')!;
    powerOff(c.manager, 'lab-worker');
    await c.manager.advance(120_000, 2_000);
    const node = c.api.get(resources.nodes, '', 'lab-worker') as any;
    expect(node.spec.taints.map((t: any) => `${t.key}:${t.effect}`).sort()).toEqual(['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    // NodeShouldRunDaemonPod: shouldRun false (unreachable:NoSchedule), shouldContinueRunning true (NoExecute tolerated).
    const still = c.pods().find((p) => p.spec.nodeName === 'lab-worker')!;
    expect(still.metadata.uid).toBe(onWorker.metadata.uid);
    expect(still.metadata.deletionTimestamp).toBeUndefined();
    const events = c.api.list(resources.events, 'default').items as any[];
    expect(events.filter((e) => e.reason === 'SuccessfulDelete')).toEqual([]);
    expect((c.api.get(resources.daemonsets, 'default', 'agent') as any).status).toMatchObject({ desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 1 });
    // A NoExecute taint the daemon pods do not tolerate takes the pod off lab-worker2.
    const w2 = c.api.get(resources.nodes, '', 'lab-worker2') as any;
    c.api.update(resources.nodes, '', 'lab-worker2', { ...w2, spec: { ...w2.spec, taints: [{ key: 'maintenance', value: 'true', effect: 'NoExecute' }] } });
    await c.manager.settled();
    const onW2 = c.pods().find((p) => p.spec.nodeName === 'lab-worker2');
    expect(onW2 === undefined || onW2.metadata.deletionTimestamp !== undefined).toBe(true);
  });
});

describe('job controller', () => {
  it('creates parallelism pods with the tracking finalizer and completes when they succeed', async () => {
    using c = testCluster(all);
    c.api.create(resources.jobs, 'default', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'backup' },
      spec: { completions: 2, parallelism: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'b', image: 'busybox' }] } } },
    } as any);
    await c.manager.settled();
    const pods = c.pods();
    expect(pods).toHaveLength(2);
    expect(pods[0].metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    expect(pods[0].metadata.labels['job-name']).toBe('backup');
    expect((c.api.get(resources.jobs, 'default', 'backup') as any).status).toMatchObject({ active: 2, ready: 0, terminating: 0 });
    for (const p of pods) {
      const cur = c.pod(p.metadata.name);
      cur.status.phase = 'Succeeded';
      c.api.update(resources.pods, 'default', p.metadata.name, cur, { subresource: 'status' });
    }
    await c.manager.settled();
    const job = c.api.get(resources.jobs, 'default', 'backup') as any;
    expect(job.status.succeeded).toBe(2);
    expect(job.status.conditions.map((x: any) => [x.type, x.status, x.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
    expect(c.events('backup').map((e) => e.reason)).toContain('Completed');
  });

  it('fails with BackoffLimitExceeded after too many failed pods', async () => {
    using c = testCluster(all);
    c.api.create(resources.jobs, 'default', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'flaky' },
      spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'b', image: 'busybox' }] } } },
    } as any);
    for (let i = 0; i < 2; i++) {
      await c.manager.advance(60_000, 5_000);
      for (const p of c.pods().filter((x) => x.status.phase === 'Pending')) {
        p.status.phase = 'Failed';
        c.api.update(resources.pods, 'default', p.metadata.name, p, { subresource: 'status' });
      }
    }
    await c.manager.settled();
    const job = c.api.get(resources.jobs, 'default', 'flaky') as any;
    expect(job.status.failed).toBe(2);
    expect(job.status.conditions.find((x: any) => x.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  });
});

describe('controller revisions', () => {
  it('StatefulSets and DaemonSets keep one ControllerRevision per template, numbered, owned by the set', async () => {
    using c = testCluster(all);
    c.api.create(resources.daemonsets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'busybox:1.36' }] } } },
    } as any);
    await c.manager.settled();
    const ds = c.api.get(resources.daemonsets, 'default', 'agent') as any;
    ds.spec.template.spec.containers[0].image = 'busybox:1.37';
    c.api.update(resources.daemonsets, 'default', 'agent', ds);
    await c.manager.settled();
    const revs = (c.api.list(resources.controllerrevisions, 'default').items as any[]).sort((a, b) => a.revision - b.revision);
    expect(revs.map((r) => r.revision)).toEqual([1, 2]);
    expect(revs[1].metadata.name).toBe(`agent-${revs[1].metadata.labels['controller.kubernetes.io/hash']}`);
    expect(revs[1].metadata.ownerReferences[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
    expect(revs[1].data.spec.template.spec.containers[0].image).toBe('busybox:1.37');
    const pods = c.pods();
    expect(pods.every((p) => p.metadata.labels['controller-revision-hash'] === revs[0].metadata.labels['controller.kubernetes.io/hash'])).toBe(true);
  });
});
