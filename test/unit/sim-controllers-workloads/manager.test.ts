import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { FakeClock, RealClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { ControllerManager, type Controller, type ControllerContext } from '../../../sandbox/providers/sim/controllers/manager/manager.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

function cluster(clock = new FakeClock(Date.UTC(2026, 10, 25, 12))) {
  const api = new ClusterApi(new ObjectStore(), { admit, now: () => clock.now() });
  api.create(resources.namespaces, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  return { api, clock };
}

const cm = (name: string, data: Record<string, string> = {}): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe('FakeClock', () => {
  it('fires due timers in time order with now() at each due time, and not the cancelled ones', () => {
    const clock = new FakeClock(0);
    const seen: [string, number][] = [];
    clock.after(300, () => seen.push(['c', clock.now().getTime()]));
    clock.after(100, () => {
      seen.push(['a', clock.now().getTime()]);
      clock.after(100, () => seen.push(['a2', clock.now().getTime()]));
    });
    const x = clock.after(150, () => seen.push(['x', clock.now().getTime()]));
    x.cancel();
    clock.advance(250);
    expect(seen).toEqual([['a', 100], ['a2', 200]]);
    expect(clock.now().getTime()).toBe(250);
    clock.advance(100);
    expect(seen.at(-1)).toEqual(['c', 300]);
  });
});

describe('RealClock', () => {
  // QA F4: busybox `sleep 3600000` (41 days) in a pod exited at once, because
  // Node fires a setTimeout longer than 2^31-1 ms after 1 ms.
  it('does not fire a timer longer than 24.8 days early, and fires short ones', async () => {
    const clock = new RealClock();
    const fired: string[] = [];
    const long = clock.after(3_600_000_000, () => fired.push('long'));
    clock.after(5, () => fired.push('short'));
    await new Promise((r) => setTimeout(r, 60));
    long.cancel();
    expect(fired).toEqual(['short']);
  });
});

describe('ControllerManager work queues', () => {
  it('syncs a key once however often it is added, and again when it is added while syncing', async () => {
    const { api, clock } = cluster();
    const synced: string[] = [];
    let q!: ReturnType<ControllerContext['queue']>;
    const ctrl: Controller = {
      name: 'probe',
      start(ctx) {
        q = ctx.queue('probe', (key) => {
          synced.push(key);
          if (synced.length === 1) q.add(key); // changed while syncing → one more run
        });
      },
      stop() {},
    };
    const m = new ControllerManager(api, { clock }).start([{ name: 'probe', create: () => ctrl }]);
    q.add('a');
    q.add('a');
    q.add('a');
    await m.settled();
    expect(synced).toEqual(['a', 'a']);
    m.stop();
  });

  it('delays addAfter keys on the injected clock and backs off failing keys exponentially', async () => {
    const { api, clock } = cluster();
    const runs: number[] = [];
    let q!: ReturnType<ControllerContext['queue']>;
    const m = new ControllerManager(api, { clock }).start([
      {
        name: 'flaky',
        create: () => ({
          name: 'flaky',
          start(ctx) {
            q = ctx.queue('flaky', () => {
              runs.push(clock.now().getTime());
              if (runs.length < 4) throw new Error('conflict');
            });
          },
          stop() {},
        }),
      },
    ]);
    const t0 = clock.now().getTime();
    q.addAfter('k', 10_000);
    await m.settled();
    expect(runs).toEqual([]);
    await m.advance(10_000, 1);
    // first run at +10 s fails → 5 ms, then 10 ms, then 20 ms
    await m.advance(40, 1);
    expect(runs.map((t) => t - t0)).toEqual([10_000, 10_005, 10_015, 10_035]);
    expect(q.numRequeues('k')).toBe(3);
    m.stop();
  });

  it('feeds handlers an initial list, then adds, updates with the old object, and deletes', async () => {
    const { api, clock } = cluster();
    api.create(resources.configmaps, 'default', cm('before'));
    const seen: string[] = [];
    const m = new ControllerManager(api, { clock }).start([
      {
        name: 'watcher',
        create: () => ({
          name: 'watcher',
          start(ctx) {
            ctx.informer(resources.configmaps).addHandler({
              add: (o) => seen.push(`add ${o.metadata.name}`),
              update: (o, n) => seen.push(`update ${n.metadata.name} ${(o as any).data?.v ?? '-'}→${(n as any).data?.v}`),
              delete: (o) => seen.push(`delete ${o.metadata.name}`),
            });
          },
          stop() {},
        }),
      },
    ]);
    api.create(resources.configmaps, 'default', cm('after', { v: '1' }));
    api.patch(resources.configmaps, 'default', 'after', 'merge', { data: { v: '2' } });
    api.delete(resources.configmaps, 'default', 'before');
    expect(seen).toEqual(['add before', 'add after', 'update after 1→2', 'delete before']);
    m.stop();
    api.create(resources.configmaps, 'default', cm('unseen'));
    expect(seen).toHaveLength(4);
  });
});

describe('EventRecorder', () => {
  it('writes a core/v1 Event like client-go and counts repeats on the same Event', async () => {
    const { api, clock } = cluster();
    const pod = api.create(resources.configmaps, 'default', cm('web')).object;
    const m = new ControllerManager(api, { clock });
    const rec = m.recorder('deployment-controller');
    rec.event(pod, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc to 1');
    clock.advance(5_000);
    rec.event(pod, 'Normal', 'ScalingReplicaSet', 'Scaled up replica set web-abc to 1');
    const events = api.list(resources.events, 'default').items as any[];
    expect(events).toHaveLength(1);
    const e = events[0];
    expect(e.metadata.name).toMatch(/^web\.[0-9a-f]{16,}$/);
    expect(e.involvedObject).toEqual({ kind: 'ConfigMap', namespace: 'default', name: 'web', uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion });
    expect(e).toMatchObject({
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      source: { component: 'deployment-controller' },
      reportingComponent: 'deployment-controller',
      count: 2,
      firstTimestamp: '2026-11-25T12:00:00Z',
      lastTimestamp: '2026-11-25T12:00:05Z',
    });
  });

  it('puts events about cluster-scoped objects in default, and combines more than 10 different messages', () => {
    const { api, clock } = cluster();
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'lab-worker', uid: 'u1' } } as KObject;
    const rec = new ControllerManager(api, { clock }).recorder('node-controller');
    for (let i = 0; i < 12; i++) rec.event(node, 'Warning', 'Flapping', `message ${i}`);
    const events = (api.list(resources.events, 'default').items as any[]).filter((e) => e.reason === 'Flapping');
    expect(events).toHaveLength(10);
    const combined = events.find((e) => e.message.startsWith('(combined from similar events): '));
    // EventAggregator: the 10th distinct message (message 9) and all after it go into the combined Event.
    expect(combined).toMatchObject({ message: '(combined from similar events): message 11', count: 3 });
  });

  it('records scheduler events in the events.k8s.io shape with a series for repeats', () => {
    const { api, clock } = cluster();
    const pod = api.create(resources.configmaps, 'default', cm('p')).object;
    const rec = new ControllerManager(api, { clock }).recorder('default-scheduler', { style: 'events/v1', reportingInstance: 'default-scheduler-lab-control-plane' });
    rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available', 'Scheduling');
    clock.advance(1000);
    rec.event(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available', 'Scheduling');
    const [e] = api.list(resources.events, 'default').items as any[];
    expect(e).toMatchObject({
      action: 'Scheduling',
      reportingComponent: 'default-scheduler',
      reportingInstance: 'default-scheduler-lab-control-plane',
      eventTime: '2026-11-25T12:00:00.000000Z',
      series: { count: 2, lastObservedTime: '2026-11-25T12:00:01.000000Z' },
      source: {},
    });
    expect(e.count).toBeUndefined();
  });
});
