/**
 * fitErrorMessage renders why a pod fits no node, exactly as
 * kube-scheduler 1.33 writes it into the FailedScheduling event and the
 * PodScheduled condition (pkg/scheduler/framework/types.go FitError.Error,
 * plus DefaultPreemption's PostFilter message):
 *
 *   0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.
 *
 * Each node counts once per reason of its first failing filter; the
 * "<count> <reason>" strings are sorted as strings (sortReasonsHistogram).
 * A PreFilter rejection replaces the histogram with the plugin's message.
 * Preemption: nodes rejected as UnschedulableAndUnresolvable are "not
 * helpful"; the rest would need a lower-priority victim, and the lab's pods
 * all share priority 0, so "No preemption victims found for incoming pod".
 */
import type { FilterStatus } from './plugins.ts';

export interface Diagnosis {
  numAllNodes: number;
  /** nodeStatuses: the failing status of every node (by name). */
  nodeStatuses: Map<string, FilterStatus>;
  /** preFilter: a PreFilter rejection (then nodeStatuses is unused). */
  preFilter?: FilterStatus;
  /** preemptionNever: the pod has preemptionPolicy Never. */
  preemptionNever?: boolean;
}

function histogram(entries: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const r of entries) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

export function fitErrorMessage(d: Diagnosis): string {
  const head = `0/${d.numAllNodes} nodes are available:`;
  let msg = head;
  if (d.preFilter) msg += ` ${d.preFilter.reasons.join(', ')}.`;
  else msg += ` ${histogram([...d.nodeStatuses.values()].flatMap((s) => s.reasons))}.`;
  if (d.preemptionNever) return `${msg} preemption: not eligible due to preemptionPolicy=Never.`;
  const verdicts: string[] = [];
  if (d.preFilter) {
    const v = d.preFilter.code === 'UnschedulableAndUnresolvable' ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    for (let i = 0; i < d.numAllNodes; i++) verdicts.push(v);
  } else {
    for (const s of d.nodeStatuses.values()) {
      verdicts.push(s.code === 'UnschedulableAndUnresolvable' ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod');
    }
  }
  if (d.numAllNodes === 0) return `${msg.replace(/:\s*\.$/, '')}`;
  return `${msg} preemption: ${head} ${histogram(verdicts)}.`;
}
