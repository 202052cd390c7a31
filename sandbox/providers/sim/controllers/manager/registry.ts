/**
 * controllerRegistry lists the control loops every simulated cluster runs,
 * in start order. Adding a controller is one line here.
 */
import type { ControllerFactory } from './manager.ts';
import { Scheduler } from '../../scheduler/scheduler.ts';
import { ReplicaSetController } from '../workloads/replicaset.ts';
import { DeploymentController } from '../workloads/deployment.ts';

export interface ControllerRegistration {
  name: string;
  create: ControllerFactory;
}

export const controllerRegistry: ControllerRegistration[] = [
  { name: 'scheduler', create: () => new Scheduler() },
  { name: 'deployment-controller', create: () => new DeploymentController() },
  { name: 'replicaset-controller', create: () => new ReplicaSetController() },
];
