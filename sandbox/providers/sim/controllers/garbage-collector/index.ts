/** Garbage collection by ownerReferences, and the namespace controller that empties Terminating namespaces. */
export { GarbageCollector, orphanFinalizer, foregroundFinalizer } from './garbage-collector.ts';
export { NamespaceController } from './namespace.ts';
