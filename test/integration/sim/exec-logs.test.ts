/**
 * kubectl exec / logs and client-node Exec against the simulated cluster,
 * with a test-double container runtime standing in for the kubelet model
 * (which this part doesn't have). Without a runtime, the server must give
 * the errors a real cluster gives for pods nothing runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough, Writable } from 'node:stream';
import { WebSocket } from 'ws';
import * as k8s from '@kubernetes/client-node';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import { findResource } from '../../../sandbox/providers/sim/api/resources.ts';
import type { SimCluster } from '../../../sandbox/providers/sim/index.ts';
import { EchoRuntimeTestDouble } from './echo-runtime.ts';
import { SimHarness, availableMinors, skipNote, waitFor, type TestCluster } from './harness.ts';

const pods = findResource('', 'v1', 'pods')!;
const runtime = new EchoRuntimeTestDouble();

/** runningPod puts a pod on lab-worker with the status a kubelet would report for a running container. */
function runningPod(sim: SimCluster, name: string, containers = ['app']): void {
  sim.api.create(pods, 'default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { nodeName: 'lab-worker', containers: containers.map((c) => ({ name: c, image: 'busybox' })) },
  });
  sim.api.patch(pods, 'default', name, 'merge', {
    status: {
      phase: 'Running',
      hostIP: '172.18.0.3',
      podIP: '10.244.1.5',
      containerStatuses: containers.map((c) => ({ name: c, ready: true, restartCount: 0, image: 'busybox', imageID: '', started: true, state: { running: { startedAt: '2025-01-02T03:04:05Z' } } })),
    },
  }, { subresource: 'status' });
}

class HarnessWithRuntime extends SimHarness {
  override readonly provider = new SimProvider({ runtimeFor: () => runtime });
}

const minors = availableMinors([30, 31, 32, 33]);
const missing = skipNote(33);

describe.skipIf(missing)('kubectl exec and logs with a test-double runtime', () => {
  const harness = new HarnessWithRuntime();
  let c: TestCluster;
  beforeAll(async () => {
    c = await harness.cluster(33);
    runningPod(c.sim, 'shell');
    runningPod(c.sim, 'two', ['a', 'b']);
    runtime.logLines.set('default/shell/app', [
      { time: new Date('2025-01-02T03:04:05.123Z'), text: 'first line' },
      { time: new Date('2025-01-02T03:04:06Z'), text: 'second line' },
    ]);
    runtime.followLines.set('default/shell/app', ['followed 1', 'followed 2']);
  });
  afterAll(() => harness.close());

  it.each(minors)('kubectl 1.%i exec returns the output and exit code over WebSocket (v5.channel.k8s.io)', async (minor) => {
    const ok = await c.kubectl(['exec', 'shell', '--', 'echo', 'hi'], { minor });
    expect(ok).toMatchObject({ code: 0, stdout: 'ran: echo hi\n' });
    const fail = await c.kubectl(['exec', 'shell', '--', 'sh', '-c', 'exit 3'], { minor });
    expect(fail.code).toBe(3);
    expect(fail.stdout).toBe('ran: sh -c exit 3\n');
    expect(fail.stderr).toBe('command terminated with exit code 3\n');
  });

  it('kubectl exec -i passes stdin and keeps stdout and stderr apart', async () => {
    const r = await c.kubectl(['exec', '-i', 'shell', '--', 'cat'], { stdin: 'hello\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ran: cat\nhello\n');
    expect(r.stderr).toBe('HELLO\n');
  });

  it.each(availableMinors([27, 28, 29]))('kubectl 1.%i exec works over SPDY/3.1 (its default transport): output, stdin, stderr and exit code', async (minor) => {
    const fail = await c.kubectl(['exec', 'shell', '--', 'sh', '-c', 'exit 3'], { minor });
    expect(fail).toMatchObject({ code: 3, stdout: 'ran: sh -c exit 3\n', stderr: 'command terminated with exit code 3\n' });
    const echo = await c.kubectl(['exec', '-i', 'shell', '--', 'cat'], { minor, stdin: 'over spdy\n' });
    expect(echo).toMatchObject({ code: 0, stdout: 'ran: cat\nover spdy\n', stderr: 'OVER SPDY\n' });
  });

  it('kubectl 1.29 also works over WebSockets when asked, and 1.33 over SPDY when forced', async () => {
    const ws = await c.kubectl(['exec', 'shell', '--', 'echo', 'hi'], { minor: 29, env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'true' } });
    expect(ws).toMatchObject({ code: 0, stdout: 'ran: echo hi\n' });
    const spdy = await c.kubectl(['exec', 'shell', '--', 'echo', 'hi'], { minor: 33, env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' } });
    expect(spdy).toMatchObject({ code: 0, stdout: 'ran: echo hi\n' });
  });

  it('kubectl logs prints, tails, timestamps and follows a container log', async () => {
    expect((await c.kubectl(['logs', 'shell'])).stdout).toBe('first line\nsecond line\n');
    expect((await c.kubectl(['logs', 'shell', '--tail=1'])).stdout).toBe('second line\n');
    expect((await c.kubectl(['logs', 'shell', '--timestamps'])).stdout).toBe('2025-01-02T03:04:05.123000000Z first line\n2025-01-02T03:04:06.000000000Z second line\n');
    expect((await c.kubectl(['logs', '-f', 'shell', '-c', 'app'])).stdout).toBe('first line\nsecond line\nfollowed 1\nfollowed 2\n');
  });

  it('kubectl logs on a pod with several containers needs -c, as on a real cluster', async () => {
    const r = await c.kubectl(['logs', 'two', '-c', 'nope']);
    expect(r.stderr).toBe('error: container nope is not valid for pod two\n');
  });

  it('client-node Exec reports the exit status through its status callback', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(c.sim.kubeconfig());
    const out: Buffer[] = [];
    const stdout = new Writable({ write(chunk, _e, cb) { out.push(chunk); cb(); } });
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'shell', 'app', ['sh', '-c', 'exit 7'], stdout, null, null, false, (s) => resolve(s)).catch(reject);
    });
    expect(Buffer.concat(out).toString()).toBe('ran: sh -c exit 7\n');
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '7' }] } });
    const stdin = new PassThrough();
    const ok = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'shell', 'app', ['cat'], stdout, null, stdin, false, (s) => resolve(s)).then(() => stdin.end('x'), reject);
    });
    expect(ok.status).toBe('Success');
  });
});

describe('exec channel protocol on the wire', () => {
  const provider = new SimProvider({ runtimeFor: () => runtime });
  let sim: SimCluster;
  let caCertPem: string;
  beforeAll(async () => {
    await provider.create({ id: 'wire' });
    const server = await provider.simServer();
    sim = server.cluster('wire')!;
    caCertPem = server.tls.caCertPem;
    runningPod(sim, 'wired');
  });
  afterAll(() => provider.close());

  function connect(protocols: string[], query: string) {
    const ws = new WebSocket(`${sim.url.replace('https:', 'wss:')}/api/v1/namespaces/default/pods/wired/exec?${query}`, protocols, {
      ca: caCertPem,
      headers: { authorization: `Bearer ${sim.token}` },
    });
    const frames: { channel: number; text: string }[] = [];
    ws.on('message', (d: Buffer) => frames.push({ channel: d[0]!, text: d.subarray(1).toString() }));
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    const opened = new Promise<void>((r, j) => {
      ws.on('open', () => r());
      ws.on('error', j);
    });
    return { ws, frames, closed, opened };
  }

  it('v5: echoes the subprotocol, answers pings, takes resize and the stdin close frame, ends with a status', async () => {
    const c = connect(['v5.channel.k8s.io', 'v4.channel.k8s.io'], 'command=sh&command=-c&command=exit%205&stdin=true&stdout=true&stderr=true');
    await c.opened;
    expect(c.ws.protocol).toBe('v5.channel.k8s.io');
    const pong = new Promise<void>((r) => c.ws.once('pong', () => r()));
    c.ws.ping();
    await pong;
    c.ws.send(Buffer.concat([Buffer.from([4]), Buffer.from('{"Width":100,"Height":30}')]));
    c.ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('abc')]));
    await waitFor(() => c.frames.some((f) => f.channel === 2));
    c.ws.send(Buffer.from([255, 0]));
    expect(await c.closed).toBe(1000);
    expect(c.frames.filter((f) => f.channel === 1).map((f) => f.text).join('')).toBe('ran: sh -c exit 5\nresize 100x30\nabc');
    expect(c.frames.filter((f) => f.channel === 2).map((f) => f.text).join('')).toBe('ABC');
    const status = JSON.parse(c.frames.find((f) => f.channel === 3)!.text);
    expect(status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [...], exit code 5',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '5' }] },
    });
  });

  it('v4 is accepted when offered alone; unsupported subprotocols are refused with a Status', async () => {
    const v4 = connect(['v4.channel.k8s.io'], 'command=true&stdout=true');
    await v4.opened;
    expect(v4.ws.protocol).toBe('v4.channel.k8s.io');
    await v4.closed;
    expect(JSON.parse(v4.frames.find((f) => f.channel === 3)!.text)).toEqual({ metadata: {}, status: 'Success' });
    const old = connect(['channel.k8s.io'], 'command=true&stdout=true');
    await expect(old.opened).rejects.toThrow(/Unexpected server response: 400/);
  });
});

describe.skipIf(missing)('kubectl exec and logs on pods no node runs', () => {
  const harness = new SimHarness();
  let c: TestCluster;
  beforeAll(async () => {
    c = await harness.cluster(33);
    // A node selector nothing matches keeps the pod unscheduled, so no kubelet ever runs it.
    c.sim.api.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound' }, spec: { nodeSelector: { disk: 'none-has-this' }, containers: [{ name: 'app', image: 'busybox' }] } });
  });
  afterAll(() => harness.close());

  it('logs of an unscheduled pod are empty (the apiserver has no kubelet to ask)', async () => {
    expect(await c.kubectl(['logs', 'unbound'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('logs and exec of a missing pod give NotFound', async () => {
    // kubectl logs looks the pod up itself first and words the error its own way.
    expect((await c.kubectl(['logs', 'ghost'])).stderr).toBe('error: error from server (NotFound): pods "ghost" not found in namespace "default"\n');
    expect((await c.kubectl(['exec', 'ghost', '--', 'true'])).stderr).toBe('Error from server (NotFound): pods "ghost" not found\n');
  });

  it('exec into a pod without a host explains why', async () => {
    const r = await c.kubectl(['exec', 'unbound', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (BadRequest): pod unbound does not have a host assigned\n');
  });

  it('top fails like a cluster without metrics-server', async () => {
    const top = await c.kubectl(['top', 'nodes']);
    expect(top.code).toBe(1);
    expect(top.stderr).toBe('error: Metrics API not available\n');
  });
});

describe.skipIf(missing)('kubectl run -i attaches to the kubelet model', () => {
  const harness = new SimHarness();
  let c: TestCluster;
  beforeAll(async () => {
    c = await harness.cluster(33);
  });
  afterAll(() => harness.close());

  it('streams the attached output once and takes the exit code from the pod, as with a real kubelet', async () => {
    const r = await c.kubectl(['run', 'att', '--image=busybox', '-i', '--restart=Never', '--', 'sh'], { stdin: 'echo hello from attach; exit 4\n' });
    expect(r.stdout).toBe('hello from attach\n');
    expect(r.stderr).toContain('pod default/att terminated (Error)');
    expect(r.stderr).not.toContain("couldn't attach");
    expect(r.code).toBe(4);
  });
});
