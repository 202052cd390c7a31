import { afterEach, describe, expect, it } from 'vitest';
import { ContainerExecError, ContainerStartError, containerArgv, execInContainer, formatCriLogLine, startContainer } from '../../../sandbox/providers/sim/containers/process.ts';
import { ContainerFs } from '../../../sandbox/providers/sim/containers/fs/container-fs.ts';
import { resolveImage } from '../../../sandbox/providers/sim/containers/images/registry.ts';
import { PodNetwork } from '../../../sandbox/providers/sim/containers/network.ts';
import { exec, ManualClock, makeContainer, type TestContainer } from './harness.ts';

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

describe('container processes', () => {
  let c: TestContainer;
  afterEach(() => c?.cleanup());

  it('applies Docker command/args rules', () => {
    expect(containerArgv(['/docker-entrypoint.sh'], ['nginx', '-g', 'daemon off;'])).toEqual(['/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;']);
    expect(containerArgv(['/docker-entrypoint.sh'], ['nginx'], undefined, ['nginx-debug'])).toEqual(['/docker-entrypoint.sh', 'nginx-debug']);
    expect(containerArgv(['/docker-entrypoint.sh'], ['nginx'], ['sleep'], ['10'])).toEqual(['sleep', '10']);
    expect(containerArgv([], ['sh'], ['sh', '-c', 'x'])).toEqual(['sh', '-c', 'x']);
  });

  it('busybox sleep as PID 1 ignores SIGTERM and dies with 137 on SIGKILL (termination grace)', async () => {
    c = makeContainer();
    c.container.kill('TERM');
    await settle();
    expect(c.container.running).toBe(true);
    c.container.kill('KILL');
    expect(await c.container.exited).toBe(137);
  });

  it('sleep infinity waits until killed', async () => {
    c = makeContainer({ command: ['sleep', 'infinity'] });
    c.clock.advance(365 * 24 * 3600 * 1000);
    await settle();
    expect(c.container.running).toBe(true);
    c.container.kill('KILL');
    expect(await c.container.exited).toBe(137);
  });

  it('a shell that traps TERM exits cleanly when the kubelet stops it', async () => {
    c = makeContainer({ command: ['sh', '-c', 'trap "echo stopping; exit 0" TERM; echo started; sleep 3600 & wait'] });
    await settle();
    c.container.kill('TERM');
    expect(await c.container.exited).toBe(0);
    expect(c.container.logs.snapshot().map((l) => l.text)).toEqual(['started', 'stopping']);
  });

  it('records stdout and stderr as timestamped log lines, and ends them when the container exits', async () => {
    const clock = new ManualClock(Date.parse('2026-11-25T19:50:00.123Z'));
    c = makeContainer({ clock, command: ['sh', '-c', 'echo "$(date) $POD_NAME started"; echo oops >&2; exit 3'] });
    expect(await c.container.exited).toBe(3);
    const lines = c.container.logs.snapshot();
    expect(lines.map((l) => [l.stream, l.text])).toEqual([
      ['stdout', 'Wed Nov 25 19:50:00 UTC 2026  started'],
      ['stderr', 'oops'],
    ]);
    expect(formatCriLogLine(lines[1]!)).toBe('2026-11-25T19:50:00.123000000Z stderr F oops');
  });

  it('follows the log until the container stops', async () => {
    c = makeContainer({ command: ['sh', '-c', 'echo one; sleep 5; echo two'], clock: new ManualClock(undefined, 10_000) });
    const seen: string[] = [];
    for await (const line of c.container.logs.follow(new AbortController().signal)) seen.push(line.text);
    expect(seen).toEqual(['one', 'two']);
  });

  it('fails to start a command that is not in the image, worded as runc does', () => {
    const base = makeContainer();
    c = base;
    const image = resolveImage('busybox')!;
    expect(() => startContainer({ image, command: ['mysqld'], fs: base.fs, hostname: 'x' })).toThrow(ContainerStartError);
    expect(() => startContainer({ image, command: ['mysqld'], fs: base.fs, hostname: 'x' })).toThrow(
      'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: "mysqld": executable file not found in $PATH: unknown',
    );
  });

  it('refuses exec of a missing program as containerd does', () => {
    c = makeContainer();
    const opts = { stdin: false, tty: false, stdout: () => {}, stderr: () => {}, signal: new AbortController().signal };
    expect(() => execInContainer(c.container, ['bash'], opts)).toThrow(ContainerExecError);
    expect(() => execInContainer(c.container, ['bash'], opts)).toThrow(/exec: "bash": executable file not found in \$PATH: unknown$/);
  });

  it('stops exec sessions when the client goes away', async () => {
    c = makeContainer();
    const controller = new AbortController();
    const p = execInContainer(c.container, ['sleep', '1000'], { stdin: false, tty: false, stdout: () => {}, stderr: () => {}, signal: controller.signal });
    controller.abort();
    expect(await p.exited).toBe(137);
  });

  it('nginx logs its entrypoint and start-up, and shuts down on its stop signal', async () => {
    const base = makeContainer({ image: 'nginx:1.27' });
    c = base;
    const image = resolveImage('nginx:1.27')!;
    expect(image.image.stopSignal).toBe('QUIT');
    const fs = new ContainerFs({ rootfs: base.base + '/nginx', image: image.image.layer });
    const nginx = startContainer({ image, fs, hostname: 'web', clock: new ManualClock(Date.parse('2026-11-25T20:15:03Z')) });
    await settle();
    const text = nginx.logs.snapshot().map((l) => l.text);
    expect(text[0]).toBe('/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration');
    expect(text).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up');
    expect(text).toContain('2026/11/25 20:15:03 [notice] 1#1: start worker processes');
    nginx.kill('QUIT');
    expect(await nginx.exited).toBe(0);
    expect(nginx.logs.snapshot().map((l) => l.text)).toContain('2026/11/25 20:15:03 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down');
  });

  it('/proc/1 shows the main process; writing /proc/1/fd/1 reaches kubectl logs', async () => {
    c = makeContainer();
    const r = await exec(c, ['sh', '-c', 'tr "\\0" " " < /proc/1/cmdline; echo; ls /proc/1; echo from-exec > /proc/1/fd/1; grep Pid /proc/1/status']);
    expect(r).toEqual({ stdout: 'sleep 3600 \ncmdline\nfd\nstatus\nPid:\t1\nPPid:\t0\n', stderr: '', code: 0 });
    expect(c.container.logs.snapshot().map((l) => l.text)).toEqual(['from-exec']);
  });

  it('ps lists the container\'s processes; kill 1 is ignored by sleep as PID 1, kill -9 1 ends the container', async () => {
    c = makeContainer();
    const ps = await exec(c, ['sh', '-c', 'ps']);
    expect(ps.stdout).toMatch(/^PID   USER     TIME  COMMAND\n    1 root      0:00 sleep 3600\n +\d+ root      0:00 sh -c ps\n +\d+ root      0:00 ps\n$/);
    expect(await exec(c, ['kill', '1'])).toEqual({ stdout: '', stderr: '', code: 0 });
    await settle();
    expect(c.container.running).toBe(true);
    expect(await exec(c, ['kill', '4242'])).toEqual({ stdout: '', stderr: "kill: can't kill pid 4242: No such process\n", code: 1 });
    await exec(c, ['sh', '-c', 'kill -9 1']);
    expect(await c.container.exited).toBe(137);
  });

  it('nginx serves its html directory on the pod loopback and logs each request', async () => {
    const base = makeContainer();
    c = base;
    const network = new PodNetwork();
    const nginxImage = resolveImage('nginx')!;
    const nginx = startContainer({ image: nginxImage, fs: new ContainerFs({ rootfs: base.base + '/web', image: nginxImage.image.layer }), hostname: 'web', network, clock: new ManualClock(Date.parse('2026-11-25T20:15:03Z')) });
    const busybox = resolveImage('busybox')!;
    const sidecar = startContainer({ image: busybox, command: ['sleep', '3600'], fs: new ContainerFs({ rootfs: base.base + '/side', image: busybox.image.layer }), hostname: 'web', network });
    await settle();
    const run = async (container: typeof nginx, argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const p = execInContainer(container, argv, { stdin: false, tty: false, stdout: (d) => (stdout += Buffer.from(d)), stderr: (d) => (stderr += Buffer.from(d)), signal: new AbortController().signal });
      const code = await p.exited;
      return { stdout, stderr, code };
    };
    const page = await run(nginx, ['curl', '-s', 'localhost']);
    expect(page.code).toBe(0);
    expect(page.stdout).toContain('<title>Welcome to nginx!</title>');
    const fromSidecar = await run(sidecar, ['wget', '-qO-', 'http://localhost/']);
    expect(fromSidecar.stdout).toBe(page.stdout);
    expect(nginx.logs.snapshot().map((l) => l.text)).toEqual(
      expect.arrayContaining([
        '127.0.0.1 - - [25/Nov/2026:20:15:03 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/7.88.1" "-"',
        '127.0.0.1 - - [25/Nov/2026:20:15:03 +0000] "GET / HTTP/1.1" 200 615 "-" "Wget" "-"',
      ]),
    );
    const missing = await run(nginx, ['curl', '-sf', 'localhost/nope.html']);
    expect(missing.code).toBe(22);
    expect(missing.stderr).toBe('curl: (22) The requested URL returned error: 404\n');
    const elsewhere = await run(sidecar, ['wget', '-qO-', 'http://example.com/']);
    expect(elsewhere).toEqual({ stdout: '', stderr: "wget: bad address 'example.com'\n", code: 1 });
    nginx.kill('QUIT');
    await nginx.exited;
    const refused = await run(sidecar, ['wget', '-qO-', 'http://localhost/']);
    expect(refused).toEqual({ stdout: '', stderr: "wget: can't connect to remote host (127.0.0.1): Connection refused\n", code: 1 });
    sidecar.kill('KILL');
  });
});
