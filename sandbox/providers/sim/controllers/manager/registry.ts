/**
 * controllerRegistry lists the control loops every simulated cluster runs,
 * in start order. Adding a controller is one line here.
 */
import type { ControllerFactory } from './manager.ts';
import { Scheduler } from '../../scheduler/scheduler.ts';
import { ReplicaSetController } from '../workloads/replicaset.ts';
import { DeploymentController } from '../workloads/deployment.ts';
import { StatefulSetController } from '../workloads/statefulset.ts';
import { DaemonSetController } from '../workloads/daemonset.ts';
import { JobController } from '../workloads/job.ts';
import { GarbageCollector, NamespaceController } from '../garbage-collector/index.ts';
import { NodeAgents, NodeLifecycleController, TaintEvictionController, PodGarbageCollector } from '../node-lifecycle/index.ts';
import { PersistentVolumeController, PvcProtectionController, PvProtectionController, VolumeExpandController } from '../pv-binder/index.ts';
import { CsiResizerController, runningProvisioners } from '../provisioners/index.ts';
import { AttachDetachController, CsiAttacherController, attachingDrivers } from '../attach-detach/index.ts';
import { Kubelets } from '../../kubelet/kubelet.ts';
import { MirrorPods } from '../../cluster/mirror-pods.ts';
import { CsiNodeInfoManager } from '../csinode/csinode.ts';

export interface ControllerRegistration {
  name: string;
  create: ControllerFactory;
}

export const controllerRegistry: ControllerRegistration[] = [
  { name: 'kubelet-heartbeat', create: () => new NodeAgents() },
  { name: 'node-lifecycle-controller', create: () => new NodeLifecycleController() },
  { name: 'taint-eviction-controller', create: () => new TaintEvictionController() },
  { name: 'pod-garbage-collector', create: () => new PodGarbageCollector() },
  { name: 'scheduler', create: () => new Scheduler() },
  { name: 'deployment-controller', create: () => new DeploymentController() },
  { name: 'replicaset-controller', create: () => new ReplicaSetController() },
  { name: 'statefulset-controller', create: () => new StatefulSetController() },
  { name: 'daemonset-controller', create: () => new DaemonSetController() },
  { name: 'job-controller', create: () => new JobController() },
  { name: 'garbage-collector', create: () => new GarbageCollector() },
  { name: 'namespace-controller', create: () => new NamespaceController() },
  { name: 'persistentvolume-binder-controller', create: () => new PersistentVolumeController() },
  { name: 'pvc-protection-controller', create: () => new PvcProtectionController() },
  { name: 'pv-protection-controller', create: () => new PvProtectionController() },
  ...runningProvisioners.map((p) => ({ name: p.controller, create: p.create })),
  { name: 'persistentvolume-expander', create: () => new VolumeExpandController() },
  { name: 'csi-resizer-rbd.csi.ceph.com', create: () => new CsiResizerController() },
  { name: 'attachdetach-controller', create: () => new AttachDetachController() },
  ...attachingDrivers.map((d) => ({ name: `csi-attacher-${d}`, create: () => new CsiAttacherController(d) })),
  { name: 'kubelet-csi-node-info', create: () => new CsiNodeInfoManager() },
  { name: 'kubelet', create: () => new Kubelets() },
  { name: 'kubelet-mirror-pods', create: () => new MirrorPods() },
];
