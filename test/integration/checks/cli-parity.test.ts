/**
 * "The page and the CLI grade identically" (issue 7), for the two kinds of
 * exercise that used to differ: one that asks Ceph itself (lesson 4's
 * RBD image in pool rbd) and one that powers a node off (lesson 3's NFS
 * failover). On a real `kslab serve` (sim provider), a learner's session
 * cluster is solved with `kslab solve` — a real process holding only the
 * session's kubeconfig, so node power goes through the simulated cluster's
 * power endpoint — and graded both by `kslab check` and by the page's Check
 * route; at every state (empty, half done, solved, broken by hand) the two
 * report the same status for every check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
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
  dir = mkdtempSync(join(tmpdir(), 'kslab-cli-parity-'));
  server = await startServer(dir, site);
});
afterAll(async () => {
  await server?.close();
  rmSync(site, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

type Result = { id: string; status: string; detail: string; hint?: string };

/** LearnerSession is one page session (its own simulated cluster) and the kubeconfig the CLI gets for it. */
interface LearnerSession {
  kubeconfig: string;
  page(lesson: string, exercise: string): Promise<{ passed: boolean; results: Result[] }>;
  cli(args: string[], timeoutMs?: number): Promise<{ code: number; stdout: string; stderr: string }>;
  cliCheck(address: string): Promise<{ code: number; results: Result[] }>;
  kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

async function learner(lesson: string): Promise<LearnerSession> {
  const b = new Browser(server.url);
  await b.session(lesson);
  for (let i = 0; ; i++) {
    const c = (await (await b.fetch('/api/cluster')).json()) as { state: string };
    if (c.state === 'ready') break;
    if (i > 300) throw new Error(`the session's cluster is ${c.state}, not ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const id = ((await (await b.fetch('/api/session')).json()) as { session: { id: string } }).session.id;
  const kubeconfig = join(dir, 'sessions', id, 'kubeconfig');
  const env = { HOME: join(dir, 'home') };
  const cli = (args: string[], timeoutMs = 120_000) => runProcess(process.execPath, [join(process.cwd(), 'bin/kslab.mjs'), ...args, '--kubeconfig', kubeconfig], env, undefined, timeoutMs, process.cwd());
  return {
    kubeconfig,
    async page(l, exercise) {
      const r = await b.fetch(`/api/lessons/${l}/exercises/${exercise}/check`, { method: 'POST', body: '', headers: { 'Content-Type': 'application/json' } });
      expect(r.status).toBe(200);
      return (await r.json()) as { passed: boolean; results: Result[] };
    },
    cli,
    async cliCheck(address) {
      const r = await cli(['check', address, '--format', 'json']);
      expect(r.stderr).toBe('');
      return { code: r.code, results: (JSON.parse(r.stdout) as { exercises: { results: Result[] }[] }).exercises[0]!.results };
    },
    kubectl: (args) => runProcess('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], env, undefined, 60_000),
  };
}

/** gradeBoth checks one exercise from the page and from the CLI, asserts they agree check by check, and returns the page's results. */
async function gradeBoth(s: LearnerSession, lesson: string, exercise: string): Promise<Result[]> {
  const page = await s.page(lesson, exercise);
  const cli = await s.cliCheck(`${lesson}/${exercise}`);
  const statuses = (rs: Result[]) => rs.map((r) => `${r.id}: ${r.status}`);
  expect(statuses(cli.results), `page:\n${JSON.stringify(page.results, null, 1)}\ncli:\n${JSON.stringify(cli.results, null, 1)}`).toEqual(statuses(page.results));
  // The same hints too: both name the learner's mistake with the same words.
  expect(cli.results.map((r) => r.hint)).toEqual(page.results.map((r) => r.hint));
  expect(cli.code).toBe(page.passed ? 0 : 1);
  return page.results;
}

// Each kslab process compiles its TypeScript with tsx on start (seconds on a busy 2-core machine).
describe('the page and `kslab check` grade identically', () => {
  it('ceph-rbd/ceph-rbd-provision-claim (asks Ceph for the RBD image): empty, half done, solved by `kslab solve`, image removed by hand', { timeout: 300_000 }, async () => {
    const s = await learner('ceph-rbd');
    const empty = await gradeBoth(s, 'ceph-rbd', 'ceph-rbd-provision-claim');
    expect(empty.map((r) => r.status)).toEqual(['fail', 'fail']);

    // Up to the StorageClass only: the Secret's check (which reads the admin key through the toolbox on both
    // sides) passes, and the claim does not exist yet, so both of its checks still fail, with the same hints.
    const half = await s.cli(['solve', 'ceph-rbd/ceph-rbd-storageclass', '--from-start']);
    expect(half.code, half.stderr).toBe(0);
    expect((await gradeBoth(s, 'ceph-rbd', 'ceph-rbd-secret')).map((r) => r.status)).toEqual(['pass']);
    expect((await gradeBoth(s, 'ceph-rbd', 'ceph-rbd-provision-claim')).map((r) => r.status)).toEqual(['fail', 'fail']);

    const solved = await s.cli(['solve', 'ceph-rbd/ceph-rbd-provision-claim']);
    expect(solved.code, solved.stderr).toBe(0);
    const passing = await gradeBoth(s, 'ceph-rbd', 'ceph-rbd-provision-claim');
    expect(passing.map((r) => [r.id, r.status])).toEqual([
      ['rbd-pvc-bound', 'pass'],
      ['rbd-image-in-pool', 'pass'],
    ]);
    expect(passing[1]!.detail).toMatch(/^rbd ls -p rbd lists csi-vol-[0-9a-f-]+ \(PV pvc-[0-9a-f-]+\)$/);

    // Remove the image behind Kubernetes' back (through the toolbox, as a learner would): only the Ceph check fails, on both sides.
    const image = /lists (csi-vol-[0-9a-f-]+)/.exec(passing[1]!.detail)![1]!;
    const rm = await s.kubectl(['-n', 'ceph-csi-rbd', 'exec', 'deploy/ceph-tools', '--', 'rbd', 'rm', `rbd/${image}`]);
    expect(rm.code, rm.stderr).toBe(0);
    const broken = await gradeBoth(s, 'ceph-rbd', 'ceph-rbd-provision-claim');
    expect(broken.map((r) => [r.id, r.status])).toEqual([
      ['rbd-pvc-bound', 'pass'],
      ['rbd-image-in-pool', 'fail'],
    ]);
    expect(broken[1]!.hint).toMatch(new RegExp(`names image ${image}, but pool rbd does not hold it`));
  });

  it('nfs/nfs-survive-node-failure (powers a node off): before the failover, and after `kslab solve` pulled the plug', { timeout: 600_000 }, async () => {
    const s = await learner('nfs');
    const stored = await s.cli(['solve', 'nfs/nfs-mysql-on-claim', '--from-start'], 300_000);
    expect(stored.code, stored.stderr).toBe(0);
    const before = await gradeBoth(s, 'nfs', 'nfs-survive-node-failure');
    expect(before.find((r) => r.id === 'moved-to-other-node')?.status).toBe('fail');

    const failover = await s.cli(['solve', 'nfs/nfs-survive-node-failure'], 480_000);
    expect(failover.code, failover.stderr).toBe(0);
    const node = /kslab solve: MySQL runs on (lab-worker2?)\n/.exec(failover.stdout)?.[1];
    expect(node, failover.stdout).toBeDefined();
    // The plug was really pulled: the node that held MySQL stopped posting status.
    const ready = await s.kubectl(['get', 'node', node!, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    expect(ready.stdout).toBe('Unknown');

    const after = await gradeBoth(s, 'nfs', 'nfs-survive-node-failure');
    expect(after.map((r) => [r.id, r.status])).toEqual([
      ['moved-to-other-node', 'pass'],
      ['still-on-claim', 'pass'],
      ['data-survived', 'pass'],
    ]);
  });
});
