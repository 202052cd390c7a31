/**
 * ObjectStore is the etcd of one simulated cluster: objects keyed by group +
 * resource + namespace + name, one strictly increasing resourceVersion for
 * the whole cluster (like etcd's revision), and a bounded history of changes
 * so watches can resume from a recent resourceVersion and get 410 Gone when
 * they ask for one that has been compacted away (k8s.io/apiserver
 * pkg/storage/cacher/watch_cache.go keeps a sliding window the same way).
 *
 * The store knows nothing of API semantics (defaulting, generation,
 * finalizers): the REST layer in ../server does that and then writes here.
 * Controllers (sim part 2) and kubelets (sim part 3) read and watch here too.
 */
import type { KObject, ResourceKey, StoreReader, WatchEventType } from './types.ts';
import { alreadyExists, conflict, gone, notFound } from '../api/status.ts';

/** StoredEvent is one change as the store recorded it; `object` is the stored (storage-version) object. */
export interface StoredEvent {
  type: Exclude<WatchEventType, 'BOOKMARK'>;
  key: ResourceKey;
  /** rv is the resourceVersion the change produced. */
  rv: number;
  object: KObject;
}

/** StoreListener receives the changes of one watch, in resourceVersion order. */
export interface StoreListener {
  event(e: StoredEvent): void;
  /** closed is called when the store goes away (cluster reset or destroy); the watch should end. */
  closed(): void;
}

/** StoreWatch is an open subscription; stop() ends it. */
export interface StoreWatch {
  stop(): void;
}

/** DEFAULT_HISTORY is how many changes a cluster keeps for watch resumption; older resourceVersions get 410. */
export const DEFAULT_HISTORY = 500;

function keyString(key: ResourceKey): string {
  return `${key.group}/${key.resource}`;
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

interface Subscription {
  namespace: string | undefined;
  listener: StoreListener;
}

export class ObjectStore implements StoreReader {
  private rv: number;
  private readonly objects = new Map<string, Map<string, KObject>>();
  /** history is a ring of the latest changes, oldest first. */
  private history: StoredEvent[] = [];
  private historyStart = 0;
  /** compactedThrough is the highest resourceVersion whose change is no longer in history. */
  private compactedThrough: number;
  private readonly subscribers = new Map<string, Set<Subscription>>();
  private closedFlag = false;

  constructor(
    private readonly historyLimit = DEFAULT_HISTORY,
    initialResourceVersion = 1,
  ) {
    this.rv = initialResourceVersion;
    this.compactedThrough = initialResourceVersion;
  }

  resourceVersion(): string {
    return String(this.rv);
  }

  /** currentRV is resourceVersion() as a number. */
  currentRV(): number {
    return this.rv;
  }

  /** advanceTo moves the resourceVersion counter forward to rv, never back (a snapshot restore continues the saved sequence). */
  advanceTo(rv: number): void {
    if (rv > this.rv) this.rv = rv;
  }

  get(key: ResourceKey, namespace: string, name: string): KObject | undefined {
    const o = this.objects.get(keyString(key))?.get(objectKey(namespace, name));
    return o ? clone(o) : undefined;
  }

  list(key: ResourceKey, namespace?: string): KObject[] {
    const bucket = this.objects.get(keyString(key));
    if (!bucket) return [];
    const out: KObject[] = [];
    for (const o of bucket.values()) {
      if (namespace === undefined || (o.metadata.namespace ?? '') === namespace) out.push(clone(o));
    }
    return out.sort(compareObjects);
  }

  /** count is how many objects of a resource exist (no copies). */
  count(key: ResourceKey, namespace?: string): number {
    const bucket = this.objects.get(keyString(key));
    if (!bucket) return 0;
    if (namespace === undefined) return bucket.size;
    let n = 0;
    for (const o of bucket.values()) if ((o.metadata.namespace ?? '') === namespace) n++;
    return n;
  }

  /**
   * create stores a new object and returns the stored copy (with its new
   * resourceVersion). It throws AlreadyExists when the name is taken.
   */
  create(key: ResourceKey, obj: KObject): KObject {
    this.assertOpen();
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    let bucket = this.objects.get(keyString(key));
    if (!bucket) {
      bucket = new Map();
      this.objects.set(keyString(key), bucket);
    }
    const k = objectKey(ns, name);
    if (bucket.has(k)) throw alreadyExists(key, name);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(k, stored);
    this.record({ type: 'ADDED', key, rv: this.rv, object: stored });
    return clone(stored);
  }

  /**
   * update replaces an existing object. With expectedRV set it fails with a
   * Conflict when the stored object has moved on (optimistic concurrency).
   */
  update(key: ResourceKey, obj: KObject, expectedRV?: string): KObject {
    this.assertOpen();
    const ns = obj.metadata.namespace ?? '';
    const name = obj.metadata.name ?? '';
    const bucket = this.objects.get(keyString(key));
    const k = objectKey(ns, name);
    const old = bucket?.get(k);
    if (!bucket || !old) throw notFound(key, name);
    if (expectedRV !== undefined && expectedRV !== '' && expectedRV !== old.metadata.resourceVersion) throw conflict(key, name);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.rv);
    bucket.set(k, stored);
    this.record({ type: 'MODIFIED', key, rv: this.rv, object: stored });
    return clone(stored);
  }

  /** remove deletes an object for good; the DELETED event carries it with the deletion's resourceVersion. */
  remove(key: ResourceKey, namespace: string, name: string, expectedRV?: string): KObject {
    this.assertOpen();
    const bucket = this.objects.get(keyString(key));
    const k = objectKey(namespace, name);
    const old = bucket?.get(k);
    if (!bucket || !old) throw notFound(key, name);
    if (expectedRV !== undefined && expectedRV !== '' && expectedRV !== old.metadata.resourceVersion) throw conflict(key, name);
    bucket.delete(k);
    if (bucket.size === 0) this.objects.delete(keyString(key));
    const last = clone(old);
    last.metadata.resourceVersion = String(++this.rv);
    this.record({ type: 'DELETED', key, rv: this.rv, object: last });
    return clone(last);
  }

  /**
   * watch subscribes to changes of one resource (optionally one namespace)
   * after resourceVersion `afterRV`. Changes still in history are replayed
   * first; an afterRV older than the history throws 410 Expired, as the
   * apiserver's watch cache does ("too old resource version").
   */
  watch(key: ResourceKey, namespace: string | undefined, afterRV: number, listener: StoreListener): StoreWatch {
    this.assertOpen();
    if (afterRV < this.compactedThrough) {
      throw gone(`too old resource version: ${afterRV} (${this.compactedThrough + 1})`);
    }
    const ks = keyString(key);
    const sub: Subscription = { namespace, listener };
    // Replay first, then subscribe: writes are synchronous, so nothing can slip between the two.
    for (let i = this.historyStart; i < this.history.length; i++) {
      const e = this.history[i]!;
      if (e.rv <= afterRV || keyString(e.key) !== ks) continue;
      if (namespace !== undefined && (e.object.metadata.namespace ?? '') !== namespace) continue;
      listener.event(e);
    }
    let set = this.subscribers.get(ks);
    if (!set) {
      set = new Set();
      this.subscribers.set(ks, set);
    }
    set.add(sub);
    return {
      stop: () => {
        const s = this.subscribers.get(ks);
        s?.delete(sub);
        if (s && s.size === 0) this.subscribers.delete(ks);
      },
    };
  }

  /** close ends every open watch; the store must not be used afterwards. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const set of this.subscribers.values()) for (const s of [...set]) s.listener.closed();
    this.subscribers.clear();
    this.objects.clear();
    this.history = [];
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** watcherCount is the number of open watches (for tests and the benchmark). */
  watcherCount(): number {
    let n = 0;
    for (const s of this.subscribers.values()) n += s.size;
    return n;
  }

  private assertOpen(): void {
    if (this.closedFlag) throw new Error('ObjectStore: used after close');
  }

  private record(e: StoredEvent): void {
    this.history.push(e);
    const live = this.history.length - this.historyStart;
    if (live > this.historyLimit) {
      this.compactedThrough = this.history[this.historyStart]!.rv;
      this.historyStart++;
      // Compact the array now and then instead of shifting on every write.
      if (this.historyStart > this.historyLimit) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    const subs = this.subscribers.get(keyString(e.key));
    if (!subs) return;
    const ns = e.object.metadata.namespace ?? '';
    for (const s of [...subs]) {
      if (s.namespace !== undefined && s.namespace !== ns) continue;
      try {
        s.listener.event(e);
      } catch (err) {
        // A failing watcher must not fail the write that notified it (or the other watchers).
        console.error(`ObjectStore: a watch listener on ${keyString(e.key)} failed:`, err);
      }
    }
  }
}

/** compareObjects orders a list the way etcd keys sort: by namespace, then name. */
export function compareObjects(a: KObject, b: KObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const am = a.metadata.name ?? '';
  const bm = b.metadata.name ?? '';
  return am < bm ? -1 : am > bm ? 1 : 0;
}
