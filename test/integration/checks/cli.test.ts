/**
 * `kslab list|check|solve` as a grader runs them: a real process against a
 * `kslab sim` cluster in another process, kubeconfig by flag, by $KUBECONFIG,
 * and by ~/.kube/config; text, JSON and JUnit; exit 0 only when every check
 * passes, 1 when one fails, 2 for usage errors. Also the simulated cluster's
 * node power endpoint, which `kslab solve` uses for steps that pull a plug
 * (cli-parity.test.ts runs such a solve end to end).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from '../sim/harness.ts';

const kslab = join(process.cwd(), 'bin/kslab.mjs');
let dir: string;
let sim: ChildProcess;
let kubeconfig: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kslab-cli-checks-'));
  kubeconfig = join(dir, 'kubeconfig');
  sim = spawn(process.execPath, [kslab, 'sim', '--kubeconfig', kubeconfig], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(kubeconfig); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(kubeconfig)) throw new Error('kslab sim did not write its kubeconfig');
});
afterAll(() => {
  sim?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[], env: Record<string, string> = {}) => runProcess(process.execPath, [kslab, ...args], { HOME: join(dir, 'home'), ...env }, undefined, 120_000, process.cwd());

describe('kslab list', { timeout: 120_000 }, () => {
  it('lists every lesson\'s exercise addresses, as text and JSON', async () => {
    const text = await run(['list']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  nfs/nfs-bind-claim  Bind a claim to the NFS volume (3 checks)\n');
    const json = JSON.parse((await run(['list', '--format', 'json'])).stdout) as { lessons: { lesson: string; exercises: { id: string }[] }[] };
    expect(json.lessons.map((l) => l.lesson)).toEqual(['why-storage', 'emptydir', 'hostpath', 'nfs', 'ceph-rbd', 'local-pv', 'local-path', 'capstone']);
    expect(json.lessons.flatMap((l) => l.exercises).length).toBe(31);
  });
});

// Each kslab process compiles its TypeScript with tsx on start (seconds on a busy 2-core machine).
describe('kslab check and solve against a kslab sim cluster', { timeout: 240_000 }, () => {
  it('fails (exit 1) on an empty cluster, solves, then passes (exit 0) in every format', async () => {
    const failing = await run(['check', 'nfs/nfs-bind-claim', '--kubeconfig', kubeconfig]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^FAIL {2}nfs\/nfs-bind-claim {2}Bind a claim to the NFS volume\n/);
    expect(failing.stdout).toContain('      hint: Create it with `kubectl apply -f mysql-pvc.yaml`.\n');
    expect(failing.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 3 failed (0/1 exercises complete)');

    const solved = await run(['solve', 'nfs/nfs-bind-claim', '--from-start', '--kubeconfig', kubeconfig]);
    expect(solved.code, solved.stderr).toBe(0);
    expect(solved.stdout).toContain('kslab solve: apply manifests/mysql-pv.yaml\nkslab solve: apply manifests/mysql-pvc.yaml\n');

    const text = await run(['check', 'nfs/nfs-bind-claim', '--kubeconfig', kubeconfig]);
    expect(text.code).toBe(0);
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('3 passed, 0 failed (1/1 exercises complete)');
    const json = await run(['check', 'nfs/nfs-bind-claim', '--kubeconfig', kubeconfig, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).passed).toBe(true);
    const junit = await run(['check', 'nfs', '--kubeconfig', kubeconfig, '--format', 'junit']);
    expect(junit.code).toBe(1); // the later exercises of the lesson are not done
    expect(junit.stdout).toContain('<testsuite name="nfs/nfs-bind-claim" tests="3" failures="0" errors="0"');
    expect(junit.stdout).toContain('<testsuite name="nfs/nfs-mysql-on-claim" tests="4" failures="4" errors="0"');
  });

  it('finds the kubeconfig like kubectl: $KUBECONFIG, then ~/.kube/config', async () => {
    expect((await run(['check', 'nfs/nfs-pv-available'], { KUBECONFIG: kubeconfig })).code).toBe(0);
    const none = await run(['check', 'nfs/nfs-pv-available']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(`kslab check: no kubeconfig: give --kubeconfig FILE, set KUBECONFIG, or create ${join(dir, 'home', '.kube', 'config')}\n`);
    mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
    copyFileSync(kubeconfig, join(dir, 'home', '.kube', 'config'));
    expect((await run(['check', 'nfs/nfs-pv-available'])).code).toBe(0);
  });

  it('exits 2 for usage errors: unknown lesson or exercise, bad format, missing address', async () => {
    const unknown = await run(['check', 'nfs/nope', '--kubeconfig', kubeconfig]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^kslab check: lesson "nfs" has no exercise "nope" \(exercises: nfs-pv-available, /);
    expect((await run(['check', 'nfs', '--format', 'xml', '--kubeconfig', kubeconfig])).code).toBe(2);
    expect((await run(['check'])).code).toBe(2);
    expect((await run(['solve', 'nfs'])).code).toBe(2);
  });
});

describe('kslab check for the Ceph lesson, through the cluster\'s Ceph toolbox', { timeout: 300_000 }, () => {
  const kubectl = (args: string[]) => runProcess('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { HOME: join(dir, 'home') }, undefined, 120_000);
  const secretResult = async () => {
    const r = await run(['check', 'ceph-rbd/ceph-rbd-secret', '--kubeconfig', kubeconfig, '--format', 'json']);
    return { code: r.code, result: JSON.parse(r.stdout).exercises[0].results[0] as { status: string; detail: string } };
  };

  it('passes every check of the lesson after `kslab solve`, without --ceph-exec (exit 0)', async () => {
    const solved = await run(['solve', 'ceph-rbd/ceph-rbd-legacy-pending', '--from-start', '--kubeconfig', kubeconfig]);
    expect(solved.code, solved.stderr).toBe(0);
    const r = await run(['check', 'ceph-rbd', '--kubeconfig', kubeconfig, '--format', 'json']);
    const report = JSON.parse(r.stdout) as { passed: boolean; exercises: { exercise: string; results: { id: string; status: string; detail: string }[] }[] };
    const notPassing = report.exercises.flatMap((e) => e.results.filter((x) => x.status !== 'pass').map((x) => `${e.exercise}/${x.id}: ${x.status}: ${x.detail}`));
    expect(notPassing).toEqual([]);
    expect(report.exercises.map((e) => e.exercise)).toEqual(['ceph-rbd-secret', 'ceph-rbd-storageclass', 'ceph-rbd-provision-claim', 'ceph-rbd-pod-mount', 'ceph-rbd-multi-attach', 'ceph-rbd-legacy-pending']);
    expect(r.code).toBe(0);
  });

  it('--ceph-exec replaces the toolbox: a kubectl exec prefix passes, a command that cannot reach Ceph gives an error', async () => {
    const withPrefix = async (prefix: string) => {
      const r = await run(['check', 'ceph-rbd/ceph-rbd-secret', '--kubeconfig', kubeconfig, '--format', 'json', '--ceph-exec', prefix]);
      return { code: r.code, result: JSON.parse(r.stdout).exercises[0].results[0] as { status: string; detail: string } };
    };
    expect(await withPrefix(`kubectl --kubeconfig ${kubeconfig} -n ceph-csi-rbd exec deploy/ceph-tools --`)).toMatchObject({ code: 0, result: { status: 'pass' } });
    const broken = await withPrefix('false');
    expect(broken.code).toBe(1);
    expect(broken.result.status).toBe('error');
    expect(broken.result.detail).toMatch(/^the check could not look at the cluster: ceph auth get-key client\.admin failed/);
  });

  it('reports the checks that ask Ceph as errors (exit 1), never passes, while no toolbox pod runs; passes again once it does', async () => {
    expect(await secretResult()).toMatchObject({ code: 0, result: { status: 'pass' } });
    expect((await kubectl(['-n', 'ceph-csi-rbd', 'scale', 'deploy/ceph-tools', '--replicas=0'])).code).toBe(0);
    expect((await kubectl(['-n', 'ceph-csi-rbd', 'wait', '--for=delete', 'pod', '-l', 'app=ceph-tools', '--timeout=60s'])).code).toBe(0);
    const without = await secretResult();
    expect(without.code).toBe(1);
    expect(without.result.status).toBe('error');
    expect(without.result.detail).toBe("the check could not look at the cluster: no running Ceph toolbox pod (deploy/ceph-tools in ceph-csi-rbd): the Deployment has no pods (0 wanted), so nothing can run ceph or rbd against the lab's Ceph cluster now");
    expect((await kubectl(['-n', 'ceph-csi-rbd', 'scale', 'deploy/ceph-tools', '--replicas=1'])).code).toBe(0);
    expect((await kubectl(['-n', 'ceph-csi-rbd', 'rollout', 'status', 'deploy/ceph-tools', '--timeout=60s'])).code).toBe(0);
    expect(await secretResult()).toMatchObject({ code: 0, result: { status: 'pass' } });
  });
});

/** powerRequest calls the node power endpoint with the kubeconfig's CA and, unless told otherwise, its token. */
async function powerRequest(method: string, node: string, body?: unknown, token?: string): Promise<{ code: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const opts: RequestOptions = { method, headers: {} };
  await kc.applyToHTTPSOptions(opts);
  if (token !== undefined) (opts.headers as Record<string, string>).Authorization = `Bearer ${token}`;
  const url = new URL(`${kc.getCurrentCluster()!.server}/kslab/v1/nodes/${node}/power`);
  return new Promise((resolve, reject) => {
    const req = request(url, opts, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString('utf8')));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe("the simulated cluster's node power endpoint", { timeout: 120_000 }, () => {
  it('reads and switches a node\'s power with the kubeconfig\'s token; the node\'s kubelet starts again on power-on', async () => {
    expect(await powerRequest('GET', 'lab-worker2')).toEqual({ code: 200, json: { kind: 'NodePower', apiVersion: 'kslab/v1', node: 'lab-worker2', state: 'on' } });
    expect((await powerRequest('POST', 'lab-worker2', { state: 'off' })).json.state).toBe('off');
    expect((await powerRequest('GET', 'lab-worker2')).json.state).toBe('off');
    expect((await powerRequest('POST', 'lab-worker2', { state: 'on' })).json.state).toBe('on');
    const events = await runProcess('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, 'get', 'events', '-n', 'default', '--field-selector', 'involvedObject.kind=Node,involvedObject.name=lab-worker2', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}'], { HOME: join(dir, 'home') });
    expect(events.stdout).toContain('Starting: Starting kubelet.\n');
    expect(events.stdout).toContain('NodeReady: Node lab-worker2 status is now: NodeReady\n');
  });

  it('answers 401 to a wrong token, 404 naming the nodes to an unknown node, 400 to a bad body', async () => {
    const wrong = await powerRequest('POST', 'lab-worker', { state: 'off' }, 'not-the-token');
    expect(wrong).toEqual({ code: 401, json: expect.objectContaining({ kind: 'Status', reason: 'Unauthorized' }) });
    expect((await powerRequest('GET', 'lab-worker')).json.state).toBe('on');
    const unknown = await powerRequest('POST', 'lab-worker3', { state: 'off' });
    expect(unknown.code).toBe(404);
    expect(unknown.json.message).toBe('node "lab-worker3" not found: this simulated cluster\'s nodes are lab-control-plane, lab-worker, lab-worker2');
    const bad = await powerRequest('POST', 'lab-worker', { on: false });
    expect(bad.code).toBe(400);
    expect(bad.json.message).toBe('state: Required value: give {"state":"on"} or {"state":"off"}');
  });

  it('is reachable with kubectl --raw and the kubeconfig as it is (as the README shows)', async () => {
    const kubectl = (args: string[], stdin?: string) => runProcess('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, ...args], { HOME: join(dir, 'home') }, stdin);
    const off = await kubectl(['create', '--raw', '/kslab/v1/nodes/lab-worker2/power', '-f', '-'], '{"state":"off"}');
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout).state).toBe('off');
    expect(JSON.parse((await kubectl(['get', '--raw', '/kslab/v1/nodes/lab-worker2/power'])).stdout).state).toBe('off');
    expect(JSON.parse((await kubectl(['create', '--raw', '/kslab/v1/nodes/lab-worker2/power', '-f', '-'], '{"state":"on"}')).stdout).state).toBe('on');
    const unknown = await kubectl(['get', '--raw', '/kslab/v1/nodes/nope/power']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Error from server (NotFound): node "nope" not found: this simulated cluster\'s nodes are lab-control-plane, lab-worker, lab-worker2\n');
  });

  it('is invisible to kubectl\'s discovery: api-resources lists no kslab group and prints no error', async () => {
    const r = await runProcess('/usr/bin/kubectl', ['--kubeconfig', kubeconfig, 'api-resources'], { HOME: join(dir, 'home') });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('persistentvolumeclaims');
    expect(r.stdout).not.toMatch(/kslab/);
  });
});
