/**
 * DefaultTolerationSeconds, after kubernetes
 * plugin/pkg/admission/defaulttolerationseconds/admission.go: pods tolerate
 * node.kubernetes.io/not-ready and /unreachable (NoExecute) for 300 s unless
 * they already carry a toleration for that taint. Runs on create and update
 * (so a PUT that drops them gets them back, as on a real server).
 */
import type { KObject } from '../../store/types.ts';

type Obj = Record<string, any>;

export const defaultNotReadyTolerationSeconds = 300;
export const defaultUnreachableTolerationSeconds = 300;

function tolerates(t: Obj, taintKey: string): boolean {
  // An empty key counts as tolerating the taint, whatever the operator (as in the Go plugin).
  const keyMatches = t.key === taintKey || !t.key;
  const effectMatches = !t.effect || t.effect === 'NoExecute';
  return keyMatches && effectMatches;
}

export function defaultTolerationSeconds(pod: KObject): void {
  const spec = (pod.spec ??= {}) as Obj;
  const tolerations = (spec.tolerations ?? []) as Obj[];
  const add: Obj[] = [];
  if (!tolerations.some((t) => tolerates(t, 'node.kubernetes.io/not-ready')))
    add.push({ effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: defaultNotReadyTolerationSeconds });
  if (!tolerations.some((t) => tolerates(t, 'node.kubernetes.io/unreachable')))
    add.push({ effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: defaultUnreachableTolerationSeconds });
  if (add.length) spec.tolerations = [...tolerations, ...add];
}
