import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxServer } from '../../../sandbox/server/sandbox-server.ts';
import { Browser, makeSite, startServer, type TerminalSocket } from './harness.ts';

let site: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  site = makeSite();
});
afterAll(() => rmSync(site, { recursive: true, force: true }));
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kslab-serve-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function server(dir = dataDir(), limits = {}): Promise<SandboxServer> {
  const s = await startServer(dir, site, limits);
  cleanups.push(() => s.close());
  return s;
}

async function openTerminal(browser: Browser, lesson = 'emptydir'): Promise<TerminalSocket> {
  const t = browser.terminal(lesson);
  cleanups.push(() => t.close());
  await t.opened;
  await t.waitFor(/~\/emptydir\x1b\[0m \$ $/);
  return t;
}

describe('kslab serve: the site', () => {
  it('serves pages with their content type, the 404 page with status 404, and the OpenAPI file', async () => {
    const s = await server();
    const home = await fetch(s.url + '/');
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(home.headers.get('server-timing')).toContain('kslab');
    const missing = await fetch(s.url + '/no/such/page/');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    const redirect = await fetch(s.url + '/lessons/emptydir', { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/lessons/emptydir/');
    const openapi = await fetch(s.url + '/api/openapi.json');
    expect(openapi.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});

describe('kslab serve: sessions', () => {
  it('gives a first visit an HttpOnly SameSite=Lax cookie and the same session after a refresh', async () => {
    const s = await server();
    const first = await fetch(`${s.url}/api/session?lesson=emptydir`);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^kslab_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    const body = (await first.json()) as { session: { id: string }; provider: { label: string }; lesson: { nodes: string[] } };
    expect(body.provider.label).toBe('Simulated cluster (chosen with --provider sim)');
    expect(body.lesson.nodes).toEqual(['lab-worker', 'lab-worker2']);
    const again = await fetch(`${s.url}/api/session`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(((await again.json()) as { session: { id: string } }).session.id).toBe(body.session.id);
  });

  it('answers "full" with 503 and a message when --max-sessions are in use', async () => {
    const s = await server(dataDir(), { maxSessions: 1 });
    expect((await new Browser(s.url).session()).status).toBe(200);
    const second = await new Browser(s.url).session();
    expect(second.status).toBe(503);
    expect(second.body).toEqual({ error: 'full', message: expect.stringMatching(/full: all 1 learner sessions are in use/) });
  });

  it('answers bad input with {error, message} and the right status', async () => {
    const s = await server();
    const b = new Browser(s.url);
    expect((await b.fetch('/api/cluster')).status).toBe(404);
    expect(await (await b.fetch('/api/cluster')).json()).toMatchObject({ error: 'no_session' });
    expect((await b.session('nope')).body).toEqual({ error: 'unknown_lesson', message: 'there is no lesson "nope"' });
    expect((await b.session('Bad_Id')).status).toBe(400);
    await b.session();
    const post = (path: string, body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
      b.fetch(path, { method: 'POST', body, headers });
    expect((await post('/api/cluster/nodes/lab-worker9/power', '{"on":false}')).status).toBe(404);
    const invalid = await post('/api/cluster/nodes/lab-worker/power', '{"on":"yes"}');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'invalid_input', message: expect.stringMatching(/^body: on:/) });
    expect((await post('/api/cluster/nodes/lab-worker/power', 'not json')).status).toBe(400);
    expect((await post('/api/cluster/nodes/lab-worker/power', JSON.stringify({ on: 'x'.repeat(20_000) }))).status).toBe(413);
    // The check route itself is tested in test/integration/checks/server-routes.test.ts.
    expect((await post('/api/lessons/emptydir/exercises/emptydir-memory/solve', '{"mode":"all"}')).status).toBe(400);
    expect((await post('/api/lessons/emptydir/exercises/no-such-exercise/solve', '')).status).toBe(404);
    expect((await post('/api/lessons/nope/exercises/emptydir-memory/check', '')).status).toBe(404);
    expect((await b.fetch('/api/session/keepalive')).status).toBe(405);
    expect((await b.fetch('/api/lessons/%E0%A4%A')).status).toBe(400);
    expect((await b.fetch('/api/no/such/route')).status).toBe(404);
    expect((await post('/api/session/keepalive', '', { Origin: 'https://evil.example' })).status).toBe(403);
  });

  it('answers only to its own host name when bound to 127.0.0.1 (DNS rebinding)', async () => {
    const s = await server();
    const { request } = await import('node:http');
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${s.url}/api/health`, { headers: { Host: host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status(`127.0.0.1:${s.port}`)).toBe(200);
    expect(await status(`localhost:${s.port}`)).toBe(200);
    expect(await status(`rebound.evil.example:${s.port}`)).toBe(403);
  });
});

describe('kslab serve: the terminal', () => {
  it('runs the real kubectl against the session cluster: three nodes', async () => {
    const s = await server();
    const b = new Browser(s.url);
    await b.session();
    const t = await openTerminal(b);
    const out = await t.run('kubectl get nodes');
    expect(out).toMatch(/lab-control-plane/);
    expect(out).toMatch(/lab-worker\s/);
    expect(out).toMatch(/lab-worker2/);
    expect(await t.run('ls')).toMatch(/producer-consumer\.yaml/);
    expect(t.controls.find((c) => c.type === 'hello')).toMatchObject({ provider: { name: 'sim', simulated: true } });
  });

  it('follows node power switched outside the page (kslab solve / kubectl create --raw on the power endpoint)', async () => {
    const dir = dataDir();
    const s = await server(dir);
    const b = new Browser(s.url);
    const id = ((await b.session()).body as { session: { id: string } }).session.id;
    const t = await openTerminal(b);
    const { execFile } = await import('node:child_process');
    const kubeconfig = join(dir, 'sessions', id, 'kubeconfig');
    // Asynchronously: the sim server answering kubectl runs in this process.
    const switchPower = (state: 'on' | 'off') =>
      new Promise<void>((resolve, reject) => {
        const child = execFile('kubectl', ['--kubeconfig', kubeconfig, 'create', '--raw', '/kslab/v1/nodes/lab-worker/power', '-f', '-'], (err) => (err ? reject(err) : resolve()));
        child.stdin!.end(JSON.stringify({ state }));
      });
    const poweredOff = async () => ((await (await b.fetch('/api/cluster')).json()) as { poweredOff: string[] }).poweredOff;
    const from = t.text.length;
    await switchPower('off');
    await t.waitFor(/\(node lab-worker was powered off\)/, from);
    expect(await poweredOff()).toEqual(['lab-worker']);
    expect(t.controls.filter((c) => c.type === 'cluster').at(-1)).toMatchObject({ poweredOff: ['lab-worker'] });
    await switchPower('on');
    await t.waitFor(/\(node lab-worker was powered on\)/, from);
    expect(await poweredOff()).toEqual([]);
    // The page's own switch is still told apart, and reported once.
    const pageFrom = t.text.length;
    expect((await b.fetch('/api/cluster/nodes/lab-worker2/power', { method: 'POST', body: '{"on":false}', headers: { 'Content-Type': 'application/json' } })).status).toBe(200);
    await t.waitFor(/\(node lab-worker2 was powered off from the page\)/, pageFrom);
    expect(t.text.slice(pageFrom).match(/was powered off/g)).toHaveLength(1);
    expect(await poweredOff()).toEqual(['lab-worker2']);
  });

  it('moves to the folder of the lesson being viewed, with its manifests', async () => {
    const s = await server();
    const b = new Browser(s.url);
    await b.session();
    const t = await openTerminal(b);
    await t.run('echo mine > notes.txt');
    const nfs = b.terminal('nfs');
    cleanups.push(() => nfs.close());
    await nfs.opened;
    await nfs.waitFor(/now in ~\/nfs/);
    const listing = await nfs.run('ls');
    expect(listing).toMatch(/mysql-pvc\.yaml/);
    expect(listing).not.toMatch(/notes\.txt/);
    expect(await nfs.run('pwd')).toMatch(/~\/nfs/);
    expect((await b.session('nfs')).body.progress.map((p: { lesson: string }) => p.lesson)).toEqual(['emptydir', 'nfs']);
  });

  it('refuses injection attempts with a message and keeps working', async () => {
    const s = await server();
    const b = new Browser(s.url);
    await b.session();
    const t = await openTerminal(b);
    // A list runs each command under the same rules: kubectl runs, the `cat` of a host file is still refused.
    const list = await t.run('kubectl get nodes; cat /etc/passwd');
    expect(list).toMatch(/lab-worker2/);
    expect(list).toMatch(/absolute paths/);
    expect(list).not.toMatch(/root:/);
    expect(await t.run('kubectl get nodes && kubectl get $(id)')).toMatch(/command substitution/);
    expect(await t.run('kubectl get $(id)')).toMatch(/command substitution/);
    expect(await t.run('kubectl --kubeconfig=/etc/kubernetes/admin.conf get pods')).toMatch(/--kubeconfig is not available/);
    expect(await t.run('kubectl apply -f /etc/passwd')).toMatch(/absolute paths/);
    expect(await t.run('kubectl krew')).toMatch(/not a kubectl command here/);
    expect(await t.run('cat /etc/passwd')).not.toMatch(/root:/);
    expect(await t.run('kubectl get nodes -o name')).toMatch(/node\/lab-worker2/);
  });

  it('refuses a terminal without a session cookie or from another origin', async () => {
    const s = await server();
    const stranger = new Browser(s.url).terminal();
    expect(await stranger.unexpectedResponse).toBe(401);
    const b = new Browser(s.url);
    await b.session();
    const evil = b.terminal('emptydir', 'https://evil.example');
    expect(await evil.unexpectedResponse).toBe(403);
    // Another port of the same host is another origin (cookies do not care about ports; this check does).
    const neighbour = b.terminal('emptydir', 'http://127.0.0.1:1');
    expect(await neighbour.unexpectedResponse).toBe(403);
    // The Origin must name the host the request went to (here 127.0.0.1), not another name for it.
    const otherName = b.terminal('emptydir', `http://localhost:${s.port}`);
    expect(await otherName.unexpectedResponse).toBe(403);
  });

  it('closes an oversized frame with 1009 and a message; the session goes on', async () => {
    const s = await server();
    const b = new Browser(s.url);
    await b.session();
    const t = await openTerminal(b);
    t.ws.send('x'.repeat(70 * 1024));
    const closed = await t.closed;
    expect(closed).toEqual({ code: 1009, reason: 'message too big: the limit is 64 KiB per frame' });
    const again = await openTerminal(b);
    expect(await again.run('kubectl get nodes -o name')).toMatch(/node\/lab-control-plane/);
  });

  it('keeps two sessions apart: clusters, folders, terminals', async () => {
    const s = await server();
    const a = new Browser(s.url);
    const b = new Browser(s.url);
    const ida = (await a.session()).body.session.id;
    const idb = (await b.session()).body.session.id;
    expect(ida).not.toBe(idb);
    const ta = await openTerminal(a);
    const tb = await openTerminal(b);
    await ta.run(`echo '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"only-in-a"}}' > mine.json`);
    expect(await ta.run('kubectl apply --validate=false -f mine.json')).toMatch(/configmap\/only-in-a created/);
    expect(await tb.run('kubectl get configmap only-in-a')).toMatch(/NotFound|not found/);
    expect(await tb.run('ls')).not.toMatch(/mine\.json/);
    expect(await tb.run(`cat ../../${ida}/work/emptydir/mine.json`)).toMatch(/`\.\.` is not available/);
    expect(tb.text).not.toMatch(/only-in-a created/);
  });

  it('resumes the same cluster, folder and history after a server restart', async () => {
    const dir = dataDir();
    let s = await startServer(dir, site);
    const b = new Browser(s.url);
    const id = (await b.session()).body.session.id;
    let t = b.terminal();
    await t.opened;
    await t.waitFor(/\$ $/);
    await t.run(`echo '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"survives"}}' > keep.json`);
    expect(await t.run('kubectl apply --validate=false -f keep.json')).toMatch(/created/);
    const closed = t.closed;
    await s.close();
    expect((await closed).code).toBe(1001);

    s = await startServer(dir, site);
    cleanups.push(() => s.close());
    b.origin = s.url;
    const resumed = await b.session();
    expect(resumed.body.session.id).toBe(id);
    expect(resumed.body.created).toBe(false);
    t = b.terminal();
    cleanups.push(() => t.close());
    await t.opened;
    await t.waitFor(/\$ $/);
    expect(await t.run('kubectl get configmap survives -o name')).toMatch(/configmap\/survives/);
    expect(await t.run('ls')).toMatch(/keep\.json/);
    expect(await t.run('history')).toMatch(/kubectl apply --validate=false -f keep\.json/);
  });

  it('reset gives a fresh cluster and keeps the terminal', async () => {
    const s = await server();
    const b = new Browser(s.url);
    await b.session();
    const t = await openTerminal(b);
    await t.run(`echo '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"gone-after-reset"}}' > r.json`);
    await t.run('kubectl apply --validate=false -f r.json');
    const r = await b.fetch('/api/cluster/reset', { method: 'POST' });
    expect(r.status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !t.controls.some((c) => c.type === 'cluster' && c.cluster.state === 'ready' && c.cluster.steps.some((x: { step: string }) => /reset/.test(x.step)))) {
      await new Promise((res) => setTimeout(res, 50));
    }
    expect(await t.run('kubectl get configmap gone-after-reset')).toMatch(/NotFound|not found/);
  });

  it('pushes a live view of the storage objects', async () => {
    const s = await server();
    const b = new Browser(s.url);
    await b.session();
    const t = await openTerminal(b);
    const deadline = Date.now() + 10_000;
    // Each watch lists on its own, so the first pictures may be partial; wait for the full one.
    const full = () => t.controls.filter((c) => c.type === 'view' && c.view.nodes.length === 3 && c.view.storageClasses.length > 0).at(-1);
    while (Date.now() < deadline && !full()) await new Promise((r) => setTimeout(r, 50));
    const view = full()?.view ?? t.controls.filter((c) => c.type === 'view').at(-1)?.view;
    expect(view.nodes.map((n: { name: string }) => n.name)).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    expect(view.storageClasses).toContainEqual(expect.objectContaining({ name: 'standard', isDefault: true, bindingMode: 'WaitForFirstConsumer' }));
  });
});

describe('kslab serve: expiry and events', () => {
  it('warns the page before the idle timeout, then ends the session; the next visit gets a new one', async () => {
    const dir = dataDir();
    const s = await startServer(dir, site, { idleTimeoutMs: 4000 }, { sweepIntervalMs: 100 });
    cleanups.push(() => s.close());
    const b = new Browser(s.url);
    const first = (await b.session()).body.session.id;
    const t = b.terminal();
    cleanups.push(() => t.close());
    await t.opened;
    const closed = await t.closed;
    expect(closed.code).toBe(4000);
    const warning = t.controls.find((c) => c.type === 'expiry');
    expect(warning).toMatchObject({ reason: 'idle', secondsLeft: expect.any(Number) });
    expect(warning.secondsLeft).toBeLessThanOrEqual(2);
    expect(t.controls.at(-1)).toMatchObject({ type: 'ended', reason: 'idle', message: expect.stringMatching(/without activity/) });
    const next = await b.session();
    expect(next.body).toMatchObject({ created: true, previousEnded: true });
    expect(next.body.session.id).not.toBe(first);
  });

  it('streams cluster progress as server-sent events', async () => {
    const s = await server();
    const b = new Browser(s.url);
    await b.session();
    const controller = new AbortController();
    const r = await b.fetch('/api/cluster/events', { signal: controller.signal });
    expect(r.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = r.body!.getReader();
    let text = '';
    while (!/event: cluster\ndata: \{"type":"cluster","cluster":\{"state":"ready"/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(text).toMatch(/^event: hello\ndata: /);
    expect(text).toMatch(/"state":"ready"/);
  });
});
