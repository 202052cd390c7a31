/**
 * serveWatch streams a watch the way kube-apiserver's watch cache does
 * (k8s.io/apiserver pkg/endpoints/handlers/watch.go, pkg/storage/cacher):
 * newline-delimited `{"type","object"}` frames over a chunked response whose
 * headers are flushed at once (kubectl wait hangs otherwise);
 * - resourceVersion "" or "0": synthetic ADDED events for the current state first;
 * - resourceVersion N: changes after N from the bounded history, or an ERROR
 *   event with a 410 Expired Status when N has been compacted away;
 * - sendInitialEvents=true + resourceVersionMatch=NotOlderThan (watch-list):
 *   ADDED for the current state, then a BOOKMARK annotated
 *   `k8s.io/initial-events-end: "true"`;
 * - allowWatchBookmarks: periodic BOOKMARKs carrying only the resourceVersion;
 * - label/field selectors, with objects moving in/out of the selection
 *   reported as ADDED/DELETED like the watch cache does;
 * - timeoutSeconds ends the stream.
 */
import type { ServerResponse } from 'node:http';
import type { KObject } from '../store/types.ts';
import type { StoreWatch, StoredEvent } from '../store/store.ts';
import type { ResourceType } from '../api/resources.ts';
import { fromStorage } from '../api/convert.ts';
import { StatusError, badRequest } from '../api/status.ts';
import type { FieldSelector, LabelSelector } from './selectors.ts';
import type { ClusterApi } from './rest.ts';

/** WatchParams are the query parameters of one watch request. */
export interface WatchParams {
  resourceVersion?: string;
  resourceVersionMatch?: string;
  sendInitialEvents?: boolean;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  labelSelector?: LabelSelector;
  fieldSelector?: FieldSelector;
}

/** WatchEncoder turns an event's object into what goes on the wire (plain object or a one-row Table). */
export type WatchEncoder = (type: string, obj: KObject, first: boolean) => unknown;

export interface WatchSettings {
  /** bookmarkIntervalMs is how often bookmarks go out when the client allows them. */
  bookmarkIntervalMs: number;
  /** defaultTimeoutSeconds ends watches without timeoutSeconds (the apiserver uses 30–60 min). */
  defaultTimeoutSeconds: number;
}

/** MAX_BUFFERED_BYTES ends a watch whose client stopped reading, instead of buffering without bound. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export function serveWatch(
  api: ClusterApi,
  rt: ResourceType,
  namespace: string | undefined,
  params: WatchParams,
  res: ServerResponse,
  contentType: string,
  encode: WatchEncoder,
  settings: WatchSettings,
): void {
  const store = api.store;
  if (params.sendInitialEvents && params.resourceVersionMatch !== 'NotOlderThan') {
    throw badRequest(`sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled and resourceVersionMatch is set to "NotOlderThan"`);
  }
  const rvParam = params.resourceVersion ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) {
    throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  }
  const ns = rt.namespaced ? namespace : undefined;
  const matches = (o: KObject) =>
    (!params.labelSelector || params.labelSelector.matches(o.metadata.labels)) &&
    (!params.fieldSelector || params.fieldSelector.matches(o));

  res.writeHead(200, {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  let first = true;
  let ended = false;
  let subscription: StoreWatch | undefined;
  const timers: NodeJS.Timeout[] = [];
  const write = (type: string, obj: unknown) => {
    if (ended) return;
    res.write(JSON.stringify({ type, object: obj }) + '\n');
    if (res.writableLength > MAX_BUFFERED_BYTES) finish();
  };
  const send = (type: string, obj: KObject) => {
    write(type, encode(type, obj, first));
    first = false;
  };
  const finish = () => {
    if (ended) return;
    ended = true;
    subscription?.stop();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  res.on('close', finish);

  const bookmark = (rv: string, initialEnd = false) => {
    const meta: KObject['metadata'] = { resourceVersion: rv };
    if (initialEnd) meta.annotations = { 'k8s.io/initial-events-end': 'true' };
    write('BOOKMARK', { kind: rt.kind, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, metadata: meta });
  };

  const selected = new Set<string>();
  const keyOf = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const currentRV = store.currentRV();
  const initial = rvParam === '' || rvParam === '0' || !!params.sendInitialEvents;
  let afterRV = initial ? currentRV : Number(rvParam);
  if (afterRV > currentRV) afterRV = currentRV;

  const current = store.list(rt.storage, ns).map((o) => fromStorage(rt, o));
  for (const o of current) if (matches(o)) selected.add(keyOf(o));
  if (initial) {
    for (const o of current) if (matches(o)) send('ADDED', o);
    if (params.sendInitialEvents && params.allowWatchBookmarks !== false) bookmark(String(currentRV), true);
  }

  const onEvent = (e: StoredEvent) => {
    try {
      deliver(e);
    } catch (err) {
      // Encoding failed (e.g. a Table printer choked on the object): end this watch; the client re-lists.
      console.error(`watch on ${rt.plural} failed:`, err);
      finish();
    }
  };
  const deliver = (e: StoredEvent) => {
    const obj = fromStorage(rt, e.object);
    const k = keyOf(obj);
    const now = matches(obj);
    const was = selected.has(k);
    if (e.type === 'DELETED') {
      if (was || now) send('DELETED', obj);
      selected.delete(k);
      return;
    }
    if (e.type === 'ADDED') {
      if (now) {
        selected.add(k);
        send('ADDED', obj);
      }
      return;
    }
    if (now) {
      selected.add(k);
      send(was ? 'MODIFIED' : 'ADDED', obj);
    } else if (was) {
      selected.delete(k);
      send('DELETED', obj);
    }
  };

  try {
    subscription = store.watch(rt.storage, ns, afterRV, { event: onEvent, closed: finish });
  } catch (e) {
    if (e instanceof StatusError) {
      write('ERROR', e.toStatus());
      finish();
      return;
    }
    throw e;
  }

  if (params.allowWatchBookmarks && settings.bookmarkIntervalMs > 0) {
    const tick = () => {
      if (ended) return;
      bookmark(store.resourceVersion());
      timers.push(setTimeout(tick, settings.bookmarkIntervalMs).unref());
    };
    timers.push(setTimeout(tick, settings.bookmarkIntervalMs).unref());
  }
  const timeout = params.timeoutSeconds && params.timeoutSeconds > 0 ? params.timeoutSeconds : settings.defaultTimeoutSeconds;
  timers.push(setTimeout(finish, timeout * 1000).unref());
}
