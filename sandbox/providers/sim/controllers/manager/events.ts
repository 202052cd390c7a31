/**
 * EventRecorder writes real core/v1 Events for one controller, the way
 * client-go's record.EventRecorder does
 * (k8s.io/client-go/tools/record/event.go makeEvent + events_cache.go
 * EventCorrelator):
 *
 * - name `<involvedObject.name>.<unix nanos in hex>`, namespace of the
 *   involved object or `default` for cluster-scoped ones;
 * - involvedObject with kind/namespace/name/uid/apiVersion/resourceVersion;
 * - source.component, reportingComponent (= component), reportingInstance
 *   (= source.host), count/firstTimestamp/lastTimestamp;
 * - the EventLogger dedup: the same source + object + type + reason +
 *   message again patches the existing Event (count+1, lastTimestamp);
 * - the EventAggregator: more than 10 different messages for the same
 *   source + object + type + reason within 10 minutes collapse into one
 *   Event whose message starts "(combined from similar events): ".
 *
 * The per-object spam filter (token bucket, 25 burst / 1 per 5 min) is
 * left out: a lesson never produces that many.
 *
 * The scheduler records through the newer events.k8s.io/v1 API
 * (k8s.io/client-go/tools/events): `series` instead of count, eventTime,
 * action, reportingInstance `default-scheduler-<host>`, empty source and
 * no first/lastTimestamp. `style: 'events/v1'` gives that shape.
 */
import type { KObject } from '../../store/types.ts';
import type { ClusterApi } from '../../server/rest.ts';
import { findResource } from '../../api/resources.ts';
import { StatusError } from '../../api/status.ts';
import type { Clock } from './clock.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  component: string;
  /** host fills source.host / reportingInstance (kubelet: the node name). */
  host?: string;
  /** style 'events/v1' records like k8s.io/client-go/tools/events (the scheduler). */
  style?: 'core/v1' | 'events/v1';
  /** reportingInstance for events/v1 style, e.g. `default-scheduler-lab-control-plane`. */
  reportingInstance?: string;
}

/** ObjectReference is core/v1 ObjectReference as an Event carries it. */
export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** referenceTo builds the ObjectReference of an object (k8s.io/client-go/tools/reference GetReference). */
export function referenceTo(obj: KObject, fieldPath?: string): ObjectReference {
  const ref: ObjectReference = { kind: obj.kind, name: obj.metadata.name!, apiVersion: obj.apiVersion };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.uid) ref.uid = obj.metadata.uid;
  if (obj.metadata.resourceVersion) ref.resourceVersion = obj.metadata.resourceVersion;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

const coreEvents = findResource('', 'v1', 'events')!;

/** maxSimilarEvents / aggregateWindowMs are EventAggregator's defaults (defaultAggregateMaxEvents, defaultAggregateIntervalInSeconds). */
const maxSimilarEvents = 10;
const aggregateWindowMs = 600_000;
/** seriesWindowMs: an events/v1 repeat within 6 minutes joins the series (tools/events isomorphic cache). */
const seriesWindowMs = 6 * 60_000;
/** maxLruEntries bounds the correlator's caches like client-go's (maxLruCacheEntries = 4096). */
const maxLruEntries = 4096;

/** touch moves a key to the young end of a Map used as an LRU, dropping the oldest beyond the bound. */
function touch<V>(m: Map<string, V>, key: string, value: V): void {
  m.delete(key);
  m.set(key, value);
  if (m.size > maxLruEntries) m.delete(m.keys().next().value as string);
}

interface LoggedEvent {
  namespace: string;
  name: string;
  count: number;
  firstTimestamp: string;
  lastSeenMs: number;
}

interface AggregateRecord {
  messages: Set<string>;
  lastMs: number;
}

/** rfc3339 is metav1.Time as JSON (second precision). */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** microTime is metav1.MicroTime as JSON (microsecond precision). */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class EventRecorder {
  private readonly logged = new Map<string, LoggedEvent>();
  private readonly aggregates = new Map<string, AggregateRecord>();
  private lastNanos = 0n;

  constructor(
    private readonly api: () => ClusterApi,
    private readonly clock: Clock,
    readonly options: EventRecorderOptions,
  ) {}

  /** event records that something happened to obj. `action` is used by the events/v1 style only. */
  event(obj: KObject, type: EventType, reason: string, message: string, action?: string): void {
    this.record(referenceTo(obj), type, reason, message, action);
  }

  /** eventf is event with a printf-free message builder, for symmetry with client-go's Eventf. */
  record(ref: ObjectReference, type: EventType, reason: string, message: string, action?: string): void {
    const now = this.clock.now();
    const nowMs = now.getTime();
    const src = `${this.options.component}\u0000${this.options.host ?? ''}`;
    const obj = `${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}\u0000${ref.fieldPath ?? ''}\u0000${ref.uid ?? ''}\u0000${ref.apiVersion}`;
    // EventAggregator: too many different messages for one reason collapse into one key.
    const aggKey = `${src}\u0000${obj}\u0000${type}\u0000${reason}`;
    let agg = this.aggregates.get(aggKey);
    if (!agg || nowMs - agg.lastMs > aggregateWindowMs) agg = { messages: new Set(), lastMs: nowMs };
    touch(this.aggregates, aggKey, agg);
    agg.lastMs = nowMs;
    agg.messages.add(message);
    let key = `${aggKey}\u0000${message}`;
    if (agg.messages.size >= maxSimilarEvents) {
      key = aggKey;
      message = `(combined from similar events): ${message}`;
    }
    const namespace = ref.namespace || 'default';
    const prev = this.logged.get(key);
    const window = this.options.style === 'events/v1' ? seriesWindowMs : Infinity;
    if (prev && nowMs - prev.lastSeenMs <= window && this.bump(prev, now, message)) {
      prev.lastSeenMs = nowMs;
      touch(this.logged, key, prev);
      return;
    }
    const name = `${ref.name}.${this.nanosHex(now)}`;
    const body: Record<string, unknown> = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message,
      type,
    };
    if (this.options.style === 'events/v1') {
      Object.assign(body, {
        source: {},
        firstTimestamp: null,
        lastTimestamp: null,
        eventTime: microTime(now),
        action: action ?? reason,
        reportingComponent: this.options.component,
        reportingInstance: this.options.reportingInstance ?? this.options.component,
      });
    } else {
      Object.assign(body, {
        source: this.options.host ? { component: this.options.component, host: this.options.host } : { component: this.options.component },
        firstTimestamp: rfc3339(now),
        lastTimestamp: rfc3339(now),
        count: 1,
        eventTime: null,
        reportingComponent: this.options.component,
        reportingInstance: this.options.host ?? '',
      });
    }
    try {
      this.api().create(coreEvents, namespace, body as KObject);
      touch(this.logged, key, { namespace, name, count: 1, firstTimestamp: rfc3339(now), lastSeenMs: nowMs });
    } catch (e) {
      // Events are best effort (client-go drops them after retries): a namespace being deleted refuses them.
      if (!(e instanceof StatusError)) throw e;
    }
  }

  /** bump patches an existing Event for a repeat; false when it is gone (then a new one is created). */
  private bump(prev: LoggedEvent, now: Date, message: string): boolean {
    const count = prev.count + 1;
    const patch =
      this.options.style === 'events/v1'
        ? { series: { count, lastObservedTime: microTime(now) } }
        : { count, lastTimestamp: rfc3339(now), message };
    try {
      this.api().patch(coreEvents, prev.namespace, prev.name, 'merge', patch);
      prev.count = count;
      return true;
    } catch (e) {
      if (e instanceof StatusError) return false;
      throw e;
    }
  }

  /** nanosHex is t.UnixNano() in hex, kept strictly increasing so two events in one millisecond get distinct names. */
  private nanosHex(now: Date): string {
    let n = BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1_000_000));
    if (n <= this.lastNanos) n = this.lastNanos + 1n;
    this.lastNanos = n;
    return n.toString(16);
  }
}
