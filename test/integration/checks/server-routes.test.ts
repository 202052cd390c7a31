/**
 * The sandbox server's check and solve routes on a real `kslab serve`
 * (sim provider): a check on a fresh session fails with hints and records
 * progress; Solve applies the reference solution and the check passes; the
 * CLI against the same cluster's kubeconfig grades identically; "reset"
 * gives a fresh cluster with the earlier exercises replayed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, makeSite, startServer } from '../sandbox/harness.ts';
import type { SandboxServer } from '../../../sandbox/server/sandbox-server.ts';
import { runProcess } from '../sim/harness.ts';

let site: string;
let dir: string;
let server: SandboxServer;

beforeAll(async () => {
  site = makeSite();
  dir = mkdtempSync(join(tmpdir(), 'kslab-checks-serve-'));
  server = await startServer(dir, site);
});
afterAll(async () => {
  await server?.close();
  rmSync(site, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

async function ready(b: Browser): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const c = (await (await b.fetch('/api/cluster')).json()) as { state: string };
    if (c.state === 'ready') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('cluster not ready');
}

const post = (b: Browser, path: string, body?: unknown) =>
  b.fetch(path, { method: 'POST', body: body === undefined ? '' : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });

describe('POST /api/lessons/:lesson/exercises/:exercise/check|solve', () => {
  it('fails with hints, solves, passes, keeps the pass as progress, and grades like `kslab check` on the same cluster', async () => {
    const b = new Browser(server.url);
    await b.session('nfs');
    await ready(b);
    const first = await post(b, '/api/lessons/nfs/exercises/nfs-pv-available/check');
    expect(first.status).toBe(200);
    const failed = (await first.json()) as { passed: boolean; results: { id: string; status: string; hint?: string }[] };
    expect(failed.passed).toBe(false);
    expect(failed.results.map((r) => [r.id, r.status])).toEqual([
      ['pv-spec', 'fail'],
      ['pv-phase', 'fail'],
    ]);
    expect(failed.results[0]!.hint).toBe('Create it with `kubectl apply -f mysql-pv.yaml`.');

    const solved = await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/solve', { mode: 'setup' });
    expect(solved.status).toBe(200);
    expect(((await solved.json()) as { steps: string[] }).steps).toEqual(['apply manifests/mysql-pv.yaml']);
    expect((await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/solve')).status).toBe(200);

    const passedNow = (await (await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/check')).json()) as { passed: boolean };
    expect(passedNow.passed).toBe(true);
    const session = (await (await b.fetch('/api/session')).json()) as { session: { id: string }; progress: { lesson: string; exercise: string; status: string }[] };
    expect(session.progress).toEqual(expect.arrayContaining([expect.objectContaining({ lesson: 'nfs', exercise: 'nfs-bind-claim', status: 'pass' })]));

    // The CLI, given the session's kubeconfig, reports the same results.
    const kubeconfig = join(dir, 'sessions', session.session.id, 'kubeconfig');
    const cli = await runProcess(process.execPath, [join(process.cwd(), 'bin/kslab.mjs'), 'check', 'nfs/nfs-bind-claim', '--kubeconfig', kubeconfig, '--format', 'json'], { ...process.env } as Record<string, string>, undefined, 60_000, process.cwd());
    expect(cli.code, cli.stderr).toBe(0);
    const page = (await (await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/check')).json()) as { results: { id: string; status: string }[] };
    const fromCli = JSON.parse(cli.stdout) as { exercises: { results: { id: string; status: string }[] }[] };
    expect(fromCli.exercises[0]!.results.map((r) => [r.id, r.status])).toEqual(page.results.map((r) => [r.id, r.status]));

    // The earlier exercise still passes after the next one bound its volume (Bound to default/mysql-pvc counts).
    const again = (await (await post(b, '/api/lessons/nfs/exercises/nfs-pv-available/check')).json()) as { passed: boolean };
    expect(again.passed).toBe(true);
  });

  it('reset this exercise: a fresh cluster with only the earlier exercises replayed', async () => {
    const b = new Browser(server.url);
    await b.session('nfs');
    await ready(b);
    await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/solve', { mode: 'setup' });
    await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/solve');
    const reset = await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/solve', { mode: 'reset' });
    expect(reset.status).toBe(200);
    const r = (await (await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/check')).json()) as { results: { id: string; status: string; hint?: string }[] };
    expect(r.results.find((x) => x.id === 'claim-bound')).toMatchObject({ status: 'fail', hint: 'Create it with `kubectl apply -f mysql-pvc.yaml`.' });
    const pv = (await (await post(b, '/api/lessons/nfs/exercises/nfs-pv-available/check')).json()) as { passed: boolean };
    expect(pv.passed).toBe(true);
  });

  it('refuses an unknown mode and answers 404 for an unknown exercise', async () => {
    const b = new Browser(server.url);
    await b.session('nfs');
    const bad = await post(b, '/api/lessons/nfs/exercises/nfs-bind-claim/solve', { mode: 'everything' });
    expect(bad.status).toBe(400);
    expect((await post(b, '/api/lessons/nfs/exercises/no-such/check')).status).toBe(404);
  });
});
