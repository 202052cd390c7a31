/**
 * convert turns objects between the version a client speaks and the form
 * the store keeps. Every served resource has one version, so this is
 * identity apart from `apiVersion`/`kind` — except Events, which the real
 * server serves twice: core/v1 and events.k8s.io/v1 share one storage
 * (kubernetes pkg/apis/events/v1/conversion.go). The store keeps the core/v1
 * form; events.k8s.io/v1 renames fields on the way in and out.
 */
import type { KObject } from '../store/types.ts';
import { apiVersionOf, type ResourceType } from './resources.ts';

/**
 * eventFieldRenames maps events.k8s.io/v1 Event fields to their core/v1
 * names (Convert_v1_Event_To_core_Event). Fields with the same name in both
 * (eventTime, series, action, reason, related, type, reportingInstance) pass through.
 */
const eventFieldRenames: readonly [eventsV1: string, coreV1: string][] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['reportingController', 'reportingComponent'],
];

function isEventsV1(rt: ResourceType): boolean {
  return rt.group === 'events.k8s.io' && rt.kind === 'Event';
}

function renameFields(obj: KObject, pairs: readonly [from: string, to: string][]): KObject {
  const out: KObject = { ...obj };
  for (const [from, to] of pairs) {
    if (from in out) {
      const v = out[from];
      delete out[from];
      if (v !== undefined) out[to] = v;
    }
  }
  return out;
}

/** withTypeMeta copies obj with kind and apiVersion first, the order the real server writes JSON in. */
function withTypeMeta(obj: KObject, kind: string, apiVersion: string): KObject {
  const { kind: _k, apiVersion: _v, ...rest } = obj;
  return { kind, apiVersion, ...rest } as KObject;
}

/** storageApiVersion is the apiVersion objects of this resource carry in the store. */
export function storageApiVersion(rt: ResourceType): string {
  return isEventsV1(rt) ? 'v1' : apiVersionOf(rt);
}

/** toStorage converts an object as a client sent it (version `rt`) to the stored form. */
export function toStorage(rt: ResourceType, obj: KObject): KObject {
  const converted = isEventsV1(rt) ? renameFields(obj, eventFieldRenames) : obj;
  return withTypeMeta(converted, rt.kind, storageApiVersion(rt));
}

/** fromStorage converts a stored object to the version `rt` serves. */
export function fromStorage(rt: ResourceType, obj: KObject): KObject {
  const converted = isEventsV1(rt)
    ? renameFields(obj, eventFieldRenames.map(([a, b]) => [b, a] as [string, string]))
    : obj;
  return withTypeMeta(converted, rt.kind, apiVersionOf(rt));
}
