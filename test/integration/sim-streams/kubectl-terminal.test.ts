/**
 * kubectl exec / attach / debug against the simulated cluster as a learner
 * runs them (QA F2, F3, F11): real kubectl, with a terminal from `script`
 * where the command is typed at one, and with piped or empty stdin where it
 * is not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SimHarness, availableMinors, kubectlPath, waitFor, type TestCluster } from '../sim/harness.ts';

const hasScript = existsSync('/usr/bin/script');
const have33 = availableMinors([33]).length === 1;
const have29 = availableMinors([29]).length === 1;

/**
 * inTerminal runs a shell command under `script` (kubectl gets a pty), types
 * each input a second apart and returns the screen and exit code. stdin
 * 'open' keeps script's input open until the command ends, as a person at a
 * terminal does; 'null' gives script /dev/null, as a loop in a CI job does
 * (script then passes an end-of-file character on to the pty).
 */
function inTerminal(c: TestCluster, command: string, options: { inputs?: string[]; stdin?: 'open' | 'null'; timeoutMs?: number } = {}): Promise<{ code: number | null; screen: string }> {
  const env = { PATH: process.env.PATH ?? '', KUBECONFIG: c.kubeconfigPath, KUBECACHEDIR: join(c.dir, 'cache'), HOME: c.dir, KUBECTL_KUBERC: 'false', TERM: 'xterm' };
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env, cwd: c.dir, stdio: [options.stdin === 'null' ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout!.on('data', (d) => (screen += d));
    child.stderr!.on('data', (d) => (screen += d));
    const inputs = [...(options.inputs ?? [])];
    const typing = setInterval(() => {
      const next = inputs.shift();
      if (next !== undefined) child.stdin?.write(next);
    }, 1000);
    const kill = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('close', (code) => {
      clearInterval(typing);
      clearTimeout(kill);
      resolve({ code, screen });
    });
  });
}

async function podPhase(c: TestCluster, name: string): Promise<string> {
  const r = await c.kubectl(['get', 'pod', name, '-o', 'jsonpath={.status.phase}']);
  return r.stdout;
}

async function runningPod(c: TestCluster, name: string, extra = ''): Promise<void> {
  c.write(`${name}.yaml`, `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  restartPolicy: Never\n  containers: [{name: c, image: busybox:1.36, command: [sh]${extra}}]\n`);
  expect((await c.kubectl(['apply', '-f', `${name}.yaml`])).code).toBe(0);
  await waitFor(async () => (await podPhase(c, name)) === 'Running', 20_000, 100);
}

describe.skipIf(!hasScript || !have33)('kubectl 1.33 over WebSocket', () => {
  const harness = new SimHarness();
  let c: TestCluster;
  const k = kubectlPath(33);
  beforeAll(async () => {
    c = await harness.cluster(33);
  });
  afterAll(() => harness.close());

  it('debug node -it gives a tty: ls / in columns, tty names /dev/pts/0 (F2)', async () => {
    const r = await inTerminal(c, `${k} debug node/lab-worker -it --image=busybox --profile=general`, { inputs: ['\r', 'ls /\r', 'tty\r', 'exit\r'] });
    // script's pty is 0x0: kubectl attach sends 1x1 then 0x0, the node keeps 1x1, busybox lays out 80 columns.
    expect(r.screen).toContain('/ # ls /\r\nbin    etc    host   lib64  root   tmp    var\r\ndev    home   lib    proc   sys    usr\r\n/ # ');
    expect(r.screen).toContain('/ # tty\r\n/dev/pts/0\r\n/ # exit');
    expect(r.code).toBe(0);
  });

  it('exec -it runs the command with the terminal size kubectl sends first', async () => {
    await runningPod(c, 'wide', ', stdin: true');
    const r = await inTerminal(c, `stty cols 120 rows 40; ${k} exec -it wide -- ls /`);
    expect(r.screen).toBe('bin    dev    etc    home   lib    lib64  proc   root   sys    tmp    usr    var\r\n');
    expect(r.code).toBe(0);
  });

  it('20 runs of exec -it -- ls / end without "websocket: close sent", with stdin open or at end of file (F3)', async () => {
    await runningPod(c, 'short', ', stdin: true');
    const screens: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await inTerminal(c, `${k} exec -it short -- ls /`, { stdin: i % 2 === 0 ? 'open' : 'null' });
      expect(r.code).toBe(0);
      screens.push(r.screen);
    }
    expect(screens.filter((s) => s.includes('close sent') || s.includes('Unhandled Error'))).toEqual([]);
    expect(new Set(screens)).toEqual(new Set(['bin    etc    lib    proc   sys    usr\r\ndev    home   lib64  root   tmp    var\r\n']));
  });

  it('debug node -it with stdin at end of file warns, attaches without a tty and returns 0; the debugger shell stays up, as kubectl debug sets no stdinOnce (F11)', async () => {
    const before = Date.now();
    const r = await c.kubectl(['debug', 'node/lab-worker', '-it', '--image=busybox', '--profile=general'], { stdin: '', timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    expect(Date.now() - before).toBeLessThan(10_000);
    expect(r.stdout).toMatch(/^Creating debugging pod (node-debugger-lab-worker-\w+) with container debugger on node lab-worker\.\n$/);
    expect(r.stderr).toBe("Unable to use a TTY - input is not a terminal or the right kind of file\nIf you don't see a command prompt, try pressing enter.\n");
    const pod = /Creating debugging pod (\S+)/.exec(r.stdout)![1]!;
    expect(await podPhase(c, pod)).toBe('Running');
    // The same shell takes a later attach, and ends when told to.
    const again = await c.kubectl(['attach', '-i', pod], { stdin: 'echo still here\nexit 0\n' });
    expect(again.code).toBe(0);
    // The container's terminal echoes what comes in and ends lines with \r\n, a tty or not on kubectl's side.
    expect(again.stdout).toContain('echo still here\r\nstill here\r\n');
    await waitFor(async () => (await podPhase(c, pod)) === 'Succeeded', 20_000, 100);
  });

  it('run -i --rm with piped stdin prints the output, returns 0 and deletes the pod (F11)', async () => {
    const r = await c.kubectl(['run', '-i', '--rm', '--restart=Never', 'piped', '--image=busybox', '--', 'sh'], { stdin: 'echo hi\n', timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hi\npod "piped" deleted\n');
    expect((await c.kubectl(['get', 'pod', 'piped'])).stderr).toBe('Error from server (NotFound): pods "piped" not found\n');
  });

  it('attach -i with piped stdin: a stdinOnce container reads end of input and completes; one without stdinOnce keeps running (F11)', async () => {
    await runningPod(c, 'once', ', stdin: true, stdinOnce: true');
    await runningPod(c, 'kept', ', stdin: true');
    const once = await c.kubectl(['attach', '-i', 'once'], { stdin: 'echo hi from once\n', timeoutMs: 20_000 });
    expect(once.code).toBe(0);
    expect(once.stdout).toBe('hi from once\n');
    await waitFor(async () => (await podPhase(c, 'once')) === 'Succeeded', 20_000, 100);
    const kept = await c.kubectl(['attach', '-i', 'kept'], { stdin: 'echo hi from kept\n', timeoutMs: 20_000 });
    expect(kept.code).toBe(0);
    expect(kept.stdout).toBe('hi from kept\n');
    expect(await podPhase(c, 'kept')).toBe('Running');
  });
});

describe.skipIf(!hasScript || !have29)('kubectl 1.29 over SPDY', () => {
  const harness = new SimHarness();
  let c: TestCluster;
  const k = kubectlPath(29);
  beforeAll(async () => {
    c = await harness.cluster(29);
  });
  afterAll(() => harness.close());

  it('exec -it and debug node -it get a tty with the client size; debug node with stdin at end of file returns 0', async () => {
    await runningPod(c, 'spdy', ', stdin: true');
    const wide = await inTerminal(c, `stty cols 120 rows 40; ${k} exec -it spdy -- ls /`);
    expect(wide.screen).toBe('bin    dev    etc    home   lib    lib64  proc   root   sys    tmp    usr    var\r\n');
    const debug = await inTerminal(c, `${k} debug node/lab-worker -it --image=busybox --profile=general`, { inputs: ['\r', 'ls /\r', 'tty\r', 'exit\r'] });
    expect(debug.screen).toContain('/ # ls /\r\nbin    etc    host   lib64  root   tmp    var\r\ndev    home   lib    proc   sys    usr\r\n/ # ');
    expect(debug.screen).toContain('/ # tty\r\n/dev/pts/0\r\n');
    const eof = await c.kubectl(['debug', 'node/lab-worker', '-it', '--image=busybox', '--profile=general'], { stdin: '', timeoutMs: 20_000, minor: 29 });
    expect(eof.code).toBe(0);
    expect(eof.stderr).toContain('Unable to use a TTY - input is not a terminal or the right kind of file');
  });
});
