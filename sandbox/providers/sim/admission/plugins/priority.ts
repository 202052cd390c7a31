/**
 * Priority admission, after kubernetes plugin/pkg/admission/priority/admission.go:
 * resolves spec.priorityClassName to spec.priority and spec.preemptionPolicy.
 * The simulated server serves no scheduling.k8s.io API, so only the two
 * built-in system classes exist; no class name means priority 0.
 */
import { forbidden } from '../../api/status.ts';
import type { KObject } from '../../store/types.ts';

type Obj = Record<string, any>;

/** systemPriorityClasses are scheduling.SystemPriorityClasses(). */
export const systemPriorityClasses: Record<string, number> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

/** keepPriorityOnUpdate: the plugin set priority on create; updates keep the stored priority and preemptionPolicy. */
export function keepPriorityOnUpdate(pod: KObject, old: KObject): void {
  const spec = (pod.spec ??= {}) as Obj;
  const prev = (old.spec ?? {}) as Obj;
  if (prev.priority === undefined) delete spec.priority;
  else spec.priority = prev.priority;
  if (prev.preemptionPolicy === undefined) delete spec.preemptionPolicy;
  else spec.preemptionPolicy = prev.preemptionPolicy;
}

export function priorityAdmission(pod: KObject, name: string): void {
  const spec = (pod.spec ??= {}) as Obj;
  const className = spec.priorityClassName as string | undefined;
  let priority = 0;
  if (className) {
    if (!(className in systemPriorityClasses)) {
      // Real output: `pods "x" is forbidden: no PriorityClass with name gold was found`.
      throw forbidden({ group: '', resource: 'pods' }, name, `no PriorityClass with name ${className} was found`);
    }
    priority = systemPriorityClasses[className];
  }
  spec.priority ??= priority;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
}
