import { describe, expect, it } from 'vitest';
import { podPhase, podConditions, mergeConditions, backoffMs, formatGoDuration } from '../../../sandbox/providers/sim/kubelet/status.ts';
import type { ContainerStatusView } from '../../../sandbox/providers/sim/kubelet/status.ts';

const running = (name = 'c'): ContainerStatusView => ({ name, state: { running: { startedAt: 't' } }, lastState: {}, ready: true });
const waiting = (name = 'c', crashed = false): ContainerStatusView => ({
  name,
  state: { waiting: { reason: crashed ? 'CrashLoopBackOff' : 'ContainerCreating' } },
  lastState: crashed ? { terminated: { exitCode: 1 } } : {},
  ready: false,
});
const exited = (code: number, name = 'c'): ContainerStatusView => ({ name, state: { terminated: { exitCode: code } }, lastState: {}, ready: false });

describe('kubelet getPhase', () => {
  it('is Pending while a container waits for its first start, Running once all run', () => {
    expect(podPhase('Always', [], [running('a'), waiting('b')])).toBe('Pending');
    expect(podPhase('Always', [], [running('a'), running('b')])).toBe('Running');
  });
  it('counts a container in CrashLoopBackOff as stopped: the pod stays Running', () => {
    expect(podPhase('Always', [], [waiting('c', true)])).toBe('Running');
  });
  it('ends Succeeded or Failed by restartPolicy once every container stopped', () => {
    expect(podPhase('Never', [], [exited(0)])).toBe('Succeeded');
    expect(podPhase('Never', [], [exited(0, 'a'), exited(2, 'b')])).toBe('Failed');
    expect(podPhase('OnFailure', [], [exited(0)])).toBe('Succeeded');
    expect(podPhase('OnFailure', [], [exited(1)])).toBe('Running');
    expect(podPhase('Always', [], [exited(0)])).toBe('Running');
  });
  it('keeps the pod Pending while init containers have not all succeeded; a failed init with Never fails it', () => {
    expect(podPhase('Always', [running('init')], [waiting('c')])).toBe('Pending');
    expect(podPhase('Never', [exited(1, 'init')], [waiting('c')])).toBe('Failed');
    expect(podPhase('Always', [exited(0, 'init')], [running('c')])).toBe('Running');
  });
});

describe('kubelet pod conditions', () => {
  it('names the containers that are not ready or not initialised', () => {
    const cs = podConditions({ sandboxReady: true, init: [running('setup')], main: [waiting('app')], phase: 'Pending' });
    expect(cs).toEqual([
      { type: 'PodReadyToStartContainers', status: 'True' },
      { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [setup]' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
      { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
      { type: 'PodScheduled', status: 'True' },
    ]);
  });
  it('reports PodScheduled True for a pod that named its node, and keeps the scheduler\'s time for one it placed', () => {
    const mine = podConditions({ sandboxReady: true, init: [], main: [waiting('app')], phase: 'Pending' });
    const byNodeName = mergeConditions([], mine, '2026-01-01T00:00:05Z');
    expect(byNodeName.find((c) => c.type === 'PodScheduled')).toEqual({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:05Z' });
    const scheduled = mergeConditions([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-01T00:00:01Z' }], mine, '2026-01-01T00:00:05Z');
    expect(scheduled.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    expect(scheduled.find((c) => c.type === 'PodScheduled').lastTransitionTime).toBe('2026-01-01T00:00:01Z');
  });
  it('uses PodCompleted for a finished pod', () => {
    const cs = podConditions({ sandboxReady: false, init: [], main: [exited(0)], phase: 'Succeeded' });
    expect(cs.find((c) => c.type === 'Ready')).toEqual({ type: 'Ready', status: 'False', reason: 'PodCompleted' });
    expect(cs.find((c) => c.type === 'PodReadyToStartContainers')!.status).toBe('False');
  });
});

describe('back-off and durations', () => {
  it('doubles from 10 s and caps at 5 min', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(backoffMs)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });
  it('prints Go durations as the kubelet messages do', () => {
    expect(formatGoDuration(512)).toBe('512ms');
    expect(formatGoDuration(1234)).toBe('1.234s');
    expect(formatGoDuration(10_000)).toBe('10s');
    expect(formatGoDuration(300_000)).toBe('5m0s');
    expect(formatGoDuration(80_000)).toBe('1m20s');
  });
});
