/**
 * The simulated API server's HTTP contract, driven with raw HTTPS requests
 * and @kubernetes/client-node: isolation and auth between clusters,
 * discovery caching, and the watch semantics clients rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { SimProvider, type SimCluster, type SimServer } from '../../../sandbox/providers/sim/index.ts';
import { waitFor } from './harness.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(server: SimServer, cluster: SimCluster | undefined, method: string, path: string, options: { token?: string | null; body?: unknown; contentType?: string; accept?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const url = new URL(`${cluster ? cluster.url : server.url}${path}`);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.token === undefined ? cluster?.token : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (options.accept) headers.accept = options.accept;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const req = request(url, { method, headers, ca: server.tls.caCertPem }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** openWatch streams a watch and collects its events until close() or the server ends it. */
function openWatch(server: SimServer, cluster: SimCluster, path: string, accept?: string) {
  const events: any[] = [];
  let ended = false;
  let status = 0;
  const url = new URL(`${cluster.url}${path}`);
  const req = request(url, { headers: { authorization: `Bearer ${cluster.token}`, ...(accept ? { accept } : {}) }, ca: server.tls.caCertPem }, (res) => {
    status = res.statusCode ?? 0;
    let buf = '';
    res.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, i)));
        buf = buf.slice(i + 1);
      }
    });
    res.on('end', () => (ended = true));
    res.on('error', () => (ended = true));
  });
  req.on('error', () => (ended = true));
  req.end();
  return { events, ended: () => ended, status: () => status, close: () => req.destroy() };
}

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

describe('simulated API server protocol', () => {
  const provider = new SimProvider({ bookmarkIntervalMs: 200, historyLimit: 50 });
  let server: SimServer;
  let a: SimCluster;
  let b: SimCluster;
  beforeAll(async () => {
    server = await provider.simServer();
    await provider.create({ id: 'proto-a' });
    await provider.create({ id: 'proto-b' });
    a = server.cluster('proto-a')!;
    b = server.cluster('proto-b')!;
  });
  afterAll(() => provider.close());

  it('answers 401 without a token, with a wrong one, with another cluster\'s, and for unknown clusters', async () => {
    for (const r of [
      await call(server, a, 'GET', '/api/v1/namespaces', { token: null }),
      await call(server, a, 'GET', '/api/v1/namespaces', { token: 'wrong' }),
      await call(server, a, 'GET', '/api/v1/namespaces', { token: b.token }),
      await call(server, undefined, 'GET', '/clusters/nope/api/v1/namespaces', { token: a.token }),
    ]) {
      expect(r.status).toBe(401);
      expect(JSON.parse(r.body)).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  it('finds the cluster by token when the path prefix is missing (client-go drops it for --raw)', async () => {
    const r = await call(server, undefined, 'GET', '/api/v1/namespaces/default', { token: a.token });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).metadata.name).toBe('default');
    expect((await call(server, undefined, 'GET', '/api/v1/namespaces/default', { token: 'wrong' })).status).toBe(401);
    expect((await call(server, undefined, 'GET', '/api/v1/namespaces/default', { token: null })).status).toBe(401);
  });

  it('keeps clusters isolated and resets one without touching the other', async () => {
    expect((await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('only-in-a') })).status).toBe(201);
    expect((await call(server, b, 'GET', '/api/v1/namespaces/default/configmaps/only-in-a')).status).toBe(404);
    await call(server, b, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('only-in-b') });
    a.reset();
    expect((await call(server, a, 'GET', '/api/v1/namespaces/default/configmaps/only-in-a')).status).toBe(404);
    expect((await call(server, a, 'GET', '/api/v1/nodes')).status).toBe(200);
    expect((await call(server, b, 'GET', '/api/v1/namespaces/default/configmaps/only-in-b')).status).toBe(200);
  });

  it('serves /version, discovery with an ETag (304 on If-None-Match) and 404 for unserved versions', async () => {
    expect(JSON.parse((await call(server, a, 'GET', '/version')).body).gitVersion).toBe('v1.33.1+kslab-sim');
    const first = await call(server, a, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    expect(first.headers['content-type']).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const again = await call(server, a, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const removed = await call(server, a, 'GET', '/apis/apps/v1beta1/namespaces/default/deployments');
    expect(removed.status).toBe(404);
    expect(JSON.parse(removed.body).message).toBe('the server could not find the requested resource');
  });

  it('honours dryRun=All and fieldValidation Strict/Warn', async () => {
    const dry = await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: cm('dry') });
    expect(dry.status).toBe(201);
    expect((await call(server, a, 'GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
    const strict = await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { body: { ...cm('s'), spec: { x: 1 }, extra: true } });
    expect(strict.status).toBe(400);
    expect(JSON.parse(strict.body).message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec", unknown field "extra"');
    const warn = await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', { body: { ...cm('w'), extra: true } });
    expect(warn.status).toBe(201);
    expect(warn.headers.warning).toBe('299 - "unknown field \\"extra\\""');
    expect(JSON.parse(warn.body).extra).toBeUndefined();
  });

  it('a single-object watch from resourceVersion 0 starts with the current object', async () => {
    await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('watched', { v: '1' }) });
    const w = openWatch(server, a, '/api/v1/namespaces/default/configmaps?fieldSelector=metadata.name%3Dwatched&resourceVersion=0&watch=true');
    await waitFor(() => w.events.length >= 1);
    await call(server, a, 'PATCH', '/api/v1/namespaces/default/configmaps/watched', { body: { data: { v: '2' } }, contentType: 'application/merge-patch+json' });
    await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('not-watched') });
    await call(server, a, 'DELETE', '/api/v1/namespaces/default/configmaps/watched');
    await waitFor(() => w.events.length >= 3);
    w.close();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.data?.v}`)).toEqual(['ADDED watched 1', 'MODIFIED watched 2', 'DELETED watched 2']);
  });

  it('a watch from a list resourceVersion replays only later changes; too old gives 410 Expired', async () => {
    const list = JSON.parse((await call(server, a, 'GET', '/api/v1/namespaces/default/configmaps')).body);
    const rv = list.metadata.resourceVersion;
    await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('after-list') });
    const w = openWatch(server, a, `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}&watch=true`);
    await waitFor(() => w.events.length >= 1);
    w.close();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED after-list']);

    for (let i = 0; i < 60; i++) await call(server, a, 'PATCH', '/api/v1/namespaces/default/configmaps/after-list', { body: { data: { i: String(i) } }, contentType: 'application/merge-patch+json' });
    const old = openWatch(server, a, `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}&watch=true`);
    await waitFor(() => old.ended());
    expect(old.status()).toBe(200);
    expect(old.events).toHaveLength(1);
    expect(old.events[0].type).toBe('ERROR');
    expect(old.events[0].object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });
    expect(old.events[0].object.message).toMatch(new RegExp(`^too old resource version: ${rv} \\(\\d+\\)$`));
  });

  it('a label-selector watch reports objects entering the selection as ADDED and leaving it as DELETED', async () => {
    await call(server, a, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('mover') });
    const w = openWatch(server, a, '/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Dfront');
    await new Promise((r) => setTimeout(r, 100));
    const label = (v: string | null) => call(server, a, 'PATCH', '/api/v1/namespaces/default/configmaps/mover', { body: { metadata: { labels: { tier: v } } }, contentType: 'application/merge-patch+json' });
    await label('front');
    await call(server, a, 'PATCH', '/api/v1/namespaces/default/configmaps/mover', { body: { data: { x: '1' } }, contentType: 'application/merge-patch+json' });
    await label('back');
    await label(null);
    await waitFor(() => w.events.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    w.close();
    expect(w.events.map((e) => `${e.type} ${e.object.metadata.labels?.tier}`)).toEqual(['ADDED front', 'MODIFIED front', 'DELETED back']);
  });

  it('the watch-list form sends the current objects, then the initial-events-end bookmark, then bookmarks', async () => {
    const w = openWatch(server, a, '/api/v1/namespaces/kube-system/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    await waitFor(() => w.events.filter((e) => e.type === 'BOOKMARK').length >= 2);
    w.close();
    const types = w.events.map((e) => e.type);
    expect(types[0]).toBe('ADDED');
    const end = w.events.find((e) => e.type === 'BOOKMARK');
    expect(end.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    expect(w.events.slice(0, types.indexOf('BOOKMARK')).map((e) => e.object.metadata.name)).toEqual(['coredns', 'kube-proxy', 'kube-root-ca.crt']);
    const later = w.events.filter((e) => e.type === 'BOOKMARK')[1];
    expect(later.object.metadata.annotations).toBeUndefined();
    expect(Number(later.object.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  it('ends a watch after timeoutSeconds and sends Table rows when asked', async () => {
    const t0 = Date.now();
    const w = openWatch(server, a, '/api/v1/nodes?watch=true&timeoutSeconds=1', 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
    await waitFor(() => w.ended(), 5000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(w.events).toHaveLength(3);
    expect(w.events[0].object.kind).toBe('Table');
    expect(w.events[0].object.columnDefinitions.map((c: any) => c.name)).toContain('Roles');
    expect(w.events[0].object.rows[0].cells[0]).toBe('lab-control-plane');
  });

  it('client-node lists, watches and runs an informer against it', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(b.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'inf' }, data: { a: '1' } } });
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'inf', body: { data: { a: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'inf' });
    await waitFor(() => seen.includes('delete inf'));
    await informer.stop();
    expect(seen.filter((s) => s.endsWith(' inf'))).toEqual(['add inf', 'update inf', 'delete inf']);
    try {
      await core.readNamespacedConfigMap({ namespace: 'default', name: 'inf' });
      expect.unreachable();
    } catch (e) {
      expect((e as k8s.ApiException<string>).code).toBe(404);
      expect(JSON.parse((e as k8s.ApiException<string>).body).message).toBe('configmaps "inf" not found');
    }
  });

  it('client-node KubernetesObjectApi creates, reads, server-side applies and deletes generic objects', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(b.kubeconfig());
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const sc: k8s.KubernetesObject & Record<string, unknown> = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'rbd.csi.ceph.com', parameters: { pool: 'rbd' } };
    const created = await objects.create(sc);
    expect(created.metadata?.uid).toBeTruthy();
    const read = await objects.read({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } });
    expect((read as any).provisioner).toBe('rbd.csi.ceph.com');
    const applied = await objects.patch(
      { ...sc, metadata: { name: 'fast', labels: { tier: 'ssd' } } },
      undefined,
      undefined,
      'checks',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    expect(applied.metadata?.labels).toEqual({ tier: 'ssd' });
    // StorageClass parameters are immutable, and the refusal comes back as the apiserver words it.
    await expect(objects.patch({ ...sc, parameters: { pool: 'other' } }, undefined, undefined, 'checks', true, k8s.PatchStrategy.ServerSideApply)).rejects.toMatchObject({ code: 422 });
    await objects.delete({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } });
    await expect(objects.read({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' } })).rejects.toMatchObject({ code: 404 });
  });
});
