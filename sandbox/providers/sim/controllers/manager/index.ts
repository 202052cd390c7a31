/**
 * The controller manager of one simulated cluster: startControlPlane is the
 * hook the cluster calls on create (and again after reset); the returned
 * manager is stopped on reset/destroy.
 */
import type { ClusterApi } from '../../server/rest.ts';
import { ControllerManager, type ControlPlaneOptions } from './manager.ts';
import { controllerRegistry } from './registry.ts';

export { ControllerManager, defaultControlPlaneOptions } from './manager.ts';
export type { Controller, ControllerContext, ControlPlaneOptions, ControllerFactory } from './manager.ts';
export { RealClock, FakeClock, type Clock, type TimerHandle } from './clock.ts';
export { WorkQueue, type SyncHandler } from './work-queue.ts';
export { Informer, objectKeyOf, splitKey, type ResourceEventHandler } from './informer.ts';
export { EventRecorder, referenceTo, rfc3339, microTime, type EventType, type ObjectReference } from './events.ts';
export { resources } from './resources.ts';
export { controllerRegistry, type ControllerRegistration } from './registry.ts';

/** startControlPlane starts every registered controller against a cluster's API. */
export function startControlPlane(api: ClusterApi, options: ControlPlaneOptions = {}): ControllerManager {
  return new ControllerManager(api, options).start(controllerRegistry);
}
