/**
 * Informer is the in-process counterpart of client-go's SharedIndexInformer
 * (k8s.io/client-go/tools/cache/shared_informer.go) over one resource of
 * the ObjectStore: it lists once, then follows the store's change feed,
 * keeps a cache (the "lister"), and calls every registered handler with
 * add / update(old, new) / delete. A handler registered late first gets an
 * add for every cached object, as AddEventHandler does.
 *
 * Objects are in storage form (core/v1 for Events, identical to the served
 * form for every other kind) and are shared, read-only references: clone
 * before changing one, like objects from a client-go lister.
 */
import type { KObject, ResourceKey } from '../../store/types.ts';
import type { ObjectStore, StoreWatch } from '../../store/store.ts';

export interface ResourceEventHandler {
  add?(obj: KObject): void;
  update?(oldObj: KObject, newObj: KObject): void;
  delete?(obj: KObject): void;
}

/** objectKeyOf is the cache key client-go uses (MetaNamespaceKeyFunc): `ns/name`, or `name` when cluster-scoped. */
export function objectKeyOf(obj: { metadata: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata.namespace ?? '';
  return ns ? `${ns}/${obj.metadata.name}` : obj.metadata.name!;
}

/** splitKey undoes objectKeyOf. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class Informer {
  private readonly cache = new Map<string, KObject>();
  private readonly handlers: ResourceEventHandler[] = [];
  private watch?: StoreWatch;

  constructor(
    readonly key: ResourceKey,
    private readonly store: ObjectStore,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** start lists the resource and subscribes to its changes. */
  start(): void {
    if (this.watch || this.store.closed) return;
    for (const o of this.store.list(this.key)) this.cache.set(objectKeyOf(o), o);
    this.watch = this.store.watch(this.key, undefined, this.store.currentRV(), {
      event: (e) => {
        const k = objectKeyOf(e.object);
        const old = this.cache.get(k);
        if (e.type === 'DELETED') {
          this.cache.delete(k);
          this.dispatch((h) => h.delete?.(e.object));
        } else {
          this.cache.set(k, e.object);
          if (old) this.dispatch((h) => h.update?.(old, e.object));
          else this.dispatch((h) => h.add?.(e.object));
        }
      },
      closed: () => {
        this.watch = undefined;
      },
    });
  }

  stop(): void {
    this.watch?.stop();
    this.watch = undefined;
    this.handlers.length = 0;
    this.cache.clear();
  }

  /** addHandler registers a handler and replays the current objects to it as adds. */
  addHandler(h: ResourceEventHandler): void {
    this.handlers.push(h);
    for (const o of this.cache.values()) this.safe(() => h.add?.(o));
  }

  /** get returns the cached object (read-only) or undefined. */
  get(namespace: string, name: string): KObject | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  /** list returns the cached objects (read-only), optionally of one namespace, in (namespace, name) order. */
  list(namespace?: string): KObject[] {
    const keyed: [string, KObject][] = [];
    for (const e of this.cache) if (namespace === undefined || (e[1].metadata.namespace ?? '') === namespace) keyed.push(e);
    keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return keyed.map((e) => e[1]);
  }

  get size(): number {
    return this.cache.size;
  }

  private dispatch(fn: (h: ResourceEventHandler) => void): void {
    for (const h of this.handlers) this.safe(() => fn(h));
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}
