/**
 * DefaultTolerationSeconds, after kubernetes
 * plugin/pkg/admission/defaulttolerationseconds/admission.go: pods tolerate
 * node.kubernetes.io/not-ready and /unreachable (NoExecute) for 300 s unless
 * they already carry a toleration for that taint.
 */
import type { KObject } from '../../store/types.ts';

type Obj = Record<string, any>;

export const defaultNotReadyTolerationSeconds = 300;
export const defaultUnreachableTolerationSeconds = 300;

function tolerates(t: Obj, taintKey: string): boolean {
  const keyMatches = t.key === taintKey || (!t.key && t.operator === 'Exists');
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
