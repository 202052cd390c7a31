/**
 * Pod status as the kubelet generates it (pkg/kubelet/kubelet_pods.go
 * generateAPIPodStatus/getPhase, pkg/kubelet/status/generate.go): pure
 * functions from container states to phase and conditions, unit-tested on
 * their own.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */

/** ContainerState is one container's status.state (exactly one key set). */
export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: { exitCode: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string; containerID?: string; signal?: number };
}

/** ContainerStatusView is what getPhase needs of a container status. */
export interface ContainerStatusView {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
}

/**
 * podPhase is kubelet getPhase: init containers still running or failed
 * (with restartPolicy Never) keep the pod Pending/Failed; waiting containers
 * without a previous termination keep it Pending; a container waiting after
 * a termination (CrashLoopBackOff) counts as stopped, so the pod is Running.
 */
export function podPhase(restartPolicy: string, init: ContainerStatusView[], main: ContainerStatusView[]): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  let pendingInit = false;
  for (const s of init) {
    if (s.state.terminated) {
      if (s.state.terminated.exitCode === 0) continue;
      if (restartPolicy === 'Never') return 'Failed';
      pendingInit = true;
      break;
    }
    pendingInit = true;
    break;
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of main) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    }
  }
  if (pendingInit) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** PodConditionInput: the facts conditions are computed from. */
export interface PodConditionInput {
  /** sandboxReady: volumes are mounted and the pod sandbox exists (PodReadyToStartContainers). */
  sandboxReady: boolean;
  init: ContainerStatusView[];
  main: ContainerStatusView[];
  phase: string;
}

/** KubeletCondition is a condition the kubelet owns, without times. */
export interface KubeletCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

/**
 * podConditions is status/generate.go: PodReadyToStartContainers,
 * Initialized, Ready, ContainersReady, and PodScheduled True (kept with the
 * scheduler's lastTransitionTime when it set it first). Reasons `PodCompleted` for finished pods,
 * `ContainersNotInitialized`, `ContainersNotReady` with the container lists.
 */
export function podConditions(input: PodConditionInput): KubeletCondition[] {
  const out: KubeletCondition[] = [];
  out.push({ type: 'PodReadyToStartContainers', status: input.sandboxReady ? 'True' : 'False' });
  const unInit = input.init.filter((s) => !(s.state.terminated && s.state.terminated.exitCode === 0)).map((s) => s.name);
  if (input.phase === 'Succeeded' || input.phase === 'Failed') {
    out.push({ type: 'Initialized', status: 'True', reason: 'PodCompleted' });
  } else if (unInit.length) {
    out.push({ type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${unInit.join(' ')}]` });
  } else out.push({ type: 'Initialized', status: 'True' });
  const notReady = input.main.filter((s) => !s.ready).map((s) => s.name);
  let ready: KubeletCondition;
  if (input.phase === 'Succeeded' || input.phase === 'Failed') ready = { type: 'Ready', status: 'False', reason: 'PodCompleted' };
  else if (notReady.length) ready = { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${notReady.join(' ')}]` };
  else ready = { type: 'Ready', status: 'True' };
  out.push(ready);
  out.push({ ...ready, type: 'ContainersReady' });
  // The kubelet reports PodScheduled True for every pod it runs, also one that named spec.nodeName and
  // never met the scheduler (kubelet_pods.go generateAPIPodStatus); a scheduled pod keeps the scheduler's time.
  out.push({ type: 'PodScheduled', status: 'True' });
  return out;
}

/**
 * mergeConditions keeps lastTransitionTime of conditions whose status did
 * not change, keeps conditions the kubelet does not own (DisruptionTarget, …),
 * and orders them as a real pod shows them.
 */
export function mergeConditions(old: any[] | undefined, mine: KubeletCondition[], now: string): any[] {
  const prev = new Map((old ?? []).map((c) => [c.type, c]));
  const owned = new Set(mine.map((c) => c.type));
  const out: any[] = mine.map((c) => {
    const p = prev.get(c.type);
    const o: any = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: p && p.status === c.status ? p.lastTransitionTime : now };
    if (c.reason) o.reason = c.reason;
    if (c.message) o.message = c.message;
    return o;
  });
  for (const c of old ?? []) if (!owned.has(c.type)) out.push(c);
  return out;
}

/** backoffMs is the CrashLoopBackOff / image pull delay after n failures: 10 s doubling, capped at 5 min. */
export function backoffMs(n: number): number {
  return Math.min(300_000, 10_000 * 2 ** Math.max(0, n));
}

/** formatGoDuration prints a duration the way Go's time.Duration.String does, to milliseconds (`512ms`, `1.234s`, `2m3.5s`). */
export function formatGoDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${trim(s.toFixed(3))}s`;
  const m = Math.floor(s / 60);
  return `${m}m${trim((s - m * 60).toFixed(3))}s`;
}

function trim(x: string): string {
  return x.replace(/\.?0+$/, '');
}
