/**
 * The kubelet model on real time (as `kslab sim` runs it), through
 * @kubernetes/client-node (status, exec, logs) and through kubectl 1.33 with
 * a real terminal: `script` gives kubectl a pty, so `kubectl exec -it` and
 * `kubectl debug node -it` run exactly as a learner types them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { PassThrough, Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import type { Cluster } from '../../../sandbox/providers/types.ts';
import { availableMinors, kubectlPath } from '../sim/harness.ts';

const provider = new SimProvider();
let cluster: Cluster;
let dir: string;
let core: k8s.CoreV1Api;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  cluster = await provider.create({ id: `ki-${Math.random().toString(16).slice(2, 10)}` });
  dir = mkdtempSync(join(tmpdir(), 'kslab-kubelet-tty-'));
  writeFileSync(join(dir, 'kubeconfig'), cluster.kubeconfig());
  kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfig());
  core = kc.makeApiClient(k8s.CoreV1Api);
});
afterAll(async () => {
  await cluster?.destroy();
  await provider.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runningPod(name: string, command: string[]): Promise<k8s.V1Pod> {
  await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', command }] } } });
  for (let i = 0; i < 100; i++) {
    const p = await core.readNamespacedPod({ namespace: 'default', name });
    if (p.status?.phase === 'Running') return p;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not start`);
}

/** inTerminal runs a command under `script` (a pty), typing each input after a pause, and returns what the terminal showed. */
function inTerminal(cmd: string, inputs: string[]): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache'), HOME: dir, KUBECTL_KUBERC: 'false', TERM: 'xterm' };
    const ch = spawn('script', ['-qfec', cmd, '/dev/null'], { env });
    let screen = '';
    ch.stdout.on('data', (d) => (screen += d));
    ch.stderr.on('data', (d) => (screen += d));
    let i = 0;
    const t = setInterval(() => {
      if (i < inputs.length) ch.stdin.write(inputs[i++]!);
    }, 1000);
    const kill = setTimeout(() => ch.kill('SIGKILL'), 30_000);
    ch.on('close', (code) => {
      clearInterval(t);
      clearTimeout(kill);
      resolve({ code, screen });
    });
  });
}

describe('kubelet model in real time', () => {
  it('client-node: Running status with the kubelet fields, exec with an exit code, logs', async () => {
    const p = await runningPod('cn', ['sh', '-c', 'echo ready; sleep 86400']);
    expect(p.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(p.status?.containerStatuses?.[0]?.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(p.status?.conditions?.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'cn', 'c', ['sh', '-c', 'echo $HOSTNAME; exit 2'], out, null, null, false, (s) => resolve(s)).catch(reject);
    });
    expect(text).toBe('cn\n');
    expect(status.status).toBe('Failure');
    expect(status.details?.causes?.[0]).toMatchObject({ reason: 'ExitCode', message: '2' });
    let logs = '';
    await new k8s.Log(kc).log('default', 'cn', 'c', new Writable({ write: (c, _e, cb) => ((logs += c), cb()) }), { follow: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(logs).toBe('ready\n');
  });

  it.skipIf(!existsSync('/usr/bin/script') || availableMinors([33]).length === 0)('kubectl exec -it, kubectl debug POD -it (ephemeral container) and kubectl debug node -it give an interactive busybox shell', async () => {
    await runningPod('tty', ['sleep', '86400']);
    const exec = await inTerminal(`${kubectlPath(33)} exec -it tty -- sh`, ['echo $((40+2))\r', 'exit\r']);
    expect(exec.screen).toContain('/ # echo $((40+2))\r\n42\r\n/ # exit\r\n');
    expect(exec.code).toBe(0);
    // kubectl debug POD: an ephemeral container in the running pod.
    const eph = await inTerminal(`${kubectlPath(33)} debug tty -it --image=busybox:1.36 --profile=general`, ['', 'echo from $HOSTNAME\r', 'exit\r']);
    expect(eph.screen).toContain('echo from $HOSTNAME\r\nfrom tty\r\n');
    const pod = await core.readNamespacedPod({ namespace: 'default', name: 'tty' });
    expect(pod.status?.ephemeralContainerStatuses?.[0]?.state?.terminated?.reason).toBe('Completed');
    const debug = await inTerminal(`${kubectlPath(33)} debug node/lab-worker -it --image=busybox --profile=general`, ['', 'cat /host/etc/hostname\r', 'exit\r']);
    expect(debug.screen).toMatch(/Creating debugging pod node-debugger-lab-worker-\w+ with container debugger on node lab-worker\./);
    expect(debug.screen).toContain('cat /host/etc/hostname\r\nlab-worker\r\n/ # exit');
  });
});
