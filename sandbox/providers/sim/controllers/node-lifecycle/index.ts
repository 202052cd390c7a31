/**
 * Node lifecycle of the simulated cluster: the kubelet heartbeat and power
 * switch (./node-agent.ts), the node lifecycle controller (Unknown after the
 * grace period, taints), taint-based eviction, and pod GC for
 * out-of-service and deleted nodes. powerOff/powerOn are what
 * `Cluster.powerOff/powerOn` call.
 */
import type { ControllerManager } from '../manager/manager.ts';
import { NodeAgents, NODE_AGENTS } from './node-agent.ts';

export { NodeAgents, NODE_AGENTS } from './node-agent.ts';
export { NodeLifecycleController } from './node-lifecycle.ts';
export { TaintEvictionController, evictionAt } from './taint-eviction.ts';
export { PodGarbageCollector } from './pod-gc.ts';

function agents(manager: ControllerManager): NodeAgents {
  const a = manager.controller<NodeAgents>(NODE_AGENTS);
  if (!a) throw new Error('node power needs the kubelet-heartbeat controller, which this cluster does not run');
  return a;
}

/** powerOff cuts a node's power (throws NotFound for an unknown node). */
export function powerOff(manager: ControllerManager, node: string): void {
  agents(manager).powerOff(node);
}

/** powerOn boots a node again. */
export function powerOn(manager: ControllerManager, node: string): void {
  agents(manager).powerOn(node);
}

/** isPoweredOn reports a node's power state. */
export function isPoweredOn(manager: ControllerManager, node: string): boolean {
  return agents(manager).isPoweredOn(node);
}
