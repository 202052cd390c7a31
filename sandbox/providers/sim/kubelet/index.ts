/**
 * The kubelet model of the simulated cluster (sim part 3): ./kubelet.ts runs
 * every node's pods as one controller of the cluster's controller manager,
 * ./volumes.ts turns pod volumes into host directories, ./status.ts is the
 * kubelet's status generation, ./runtime.ts serves exec/attach/logs to the
 * API server.
 */
import type { ControllerManager } from '../controllers/manager/manager.ts';
import { Kubelets, KUBELET_CONTROLLER } from './kubelet.ts';
import { KubeletRuntime } from './runtime.ts';

export { Kubelets, KUBELET_CONTROLLER, type PodRecord, type ContainerSlot, type RunRecord, type KubeletOptions } from './kubelet.ts';
export { KubeletRuntime } from './runtime.ts';
export { setUpVolume, podDir, pluginDir, type MountedVolume, type VolumeOutcome } from './volumes.ts';
export { podPhase, podConditions, backoffMs, formatGoDuration } from './status.ts';

/**
 * kubeletRuntime gives the API server the runtime of a cluster whose
 * controller manager may be replaced (reset): it looks the kubelets up on
 * every request.
 */
export function kubeletRuntime(manager: () => ControllerManager | undefined): KubeletRuntime {
  return new KubeletRuntime(() => manager()?.controller<Kubelets>(KUBELET_CONTROLLER));
}
