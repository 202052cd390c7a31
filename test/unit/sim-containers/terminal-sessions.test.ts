/**
 * Terminal sessions into containers (QA F2, F11): the busybox `tty` applet,
 * the width `ls` lays out on the terminal a kubectl session leaves, and what
 * happens when an attach session's stdin ends — containerd's rule
 * (internal/cri/io/container_io.go Attach): a container with stdinOnce,
 * attached without a tty, gets end of input; any other session is let go and
 * the container keeps running.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as os from 'node:os';
import * as path from 'node:path';
import * as nodeFs from 'node:fs';
import { attachToContainer, execInContainer, startContainer, type ContainerProcess } from '../../../sandbox/providers/sim/containers/process.ts';
import { ContainerFs } from '../../../sandbox/providers/sim/containers/fs/container-fs.ts';
import { resolveImage } from '../../../sandbox/providers/sim/containers/images/registry.ts';
import type { ExecOptions, ExecProcess, TerminalSize } from '../../../sandbox/providers/sim/streams/types.ts';
import { ManualClock, exec, makeContainer, type TestContainer } from './harness.ts';

/** Session collects what one exec/attach session shows its client. */
class Session {
  output = '';
  readonly controller = new AbortController();
  proc!: ExecProcess;
  options(o: { stdin: boolean; tty: boolean; terminalSize?: TerminalSize }): ExecOptions {
    return {
      ...o,
      stdout: (d) => (this.output += Buffer.from(d).toString('utf8')),
      stderr: (d) => (this.output += Buffer.from(d).toString('utf8')),
      signal: this.controller.signal,
    };
  }
  async waitFor(text: string, timeoutMs = 3000): Promise<void> {
    const start = Date.now();
    while (!this.output.includes(text)) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(this.output)}`);
      await new Promise<void>((r) => setTimeout(r, 2));
    }
  }
}

/** settle resolves with 'pending' if p has not settled within ms. */
function settle<T>(p: Promise<T>, ms = 200): Promise<T | 'pending'> {
  return Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);
}

describe('tty applet and terminal width', () => {
  let c: TestContainer;
  afterEach(() => c?.cleanup());

  it('tty names the session terminal with -t, says "not a tty" with exit 1 without it, -s only sets the status', async () => {
    c = makeContainer();
    expect(await exec(c, ['tty'], { tty: true })).toEqual({ stdout: '/dev/pts/0\r\n', stderr: '', code: 0 });
    expect(await exec(c, ['tty'])).toEqual({ stdout: 'not a tty\n', stderr: '', code: 1 });
    expect(await exec(c, ['sh', '-c', 'tty -s; echo $?'])).toEqual({ stdout: '1\n', stderr: '', code: 0 });
    expect(await exec(c, ['sh', '-c', 'tty -s; echo $?'], { tty: true })).toEqual({ stdout: '0\r\n', stderr: '', code: 0 });
    expect(await exec(c, ['tty', 'extra'])).toEqual({ stdout: 'not a tty\n', stderr: 'tty: ignoring all arguments\n', code: 1 });
    expect((await exec(c, ['tty', '-x'])).code).toBe(2);
  });

  it('ls lays out the terminal width the session starts with, and 80 columns on the 1x1 terminal kubectl attach leaves', async () => {
    c = makeContainer();
    const ls = async (terminalSize?: TerminalSize, env = '') => {
      const s = new Session();
      s.proc = execInContainer(c.container, ['sh', '-c', `${env}ls /`], s.options({ stdin: false, tty: true, terminalSize }));
      await s.proc.exited;
      return s.output;
    };
    // busybox root: 12 names, 5 characters at most, so 7-character columns.
    expect(await ls({ width: 120, height: 40 })).toBe('bin    dev    etc    home   lib    lib64  proc   root   sys    tmp    usr    var\r\n');
    const eighty = 'bin    etc    lib    proc   sys    usr\r\ndev    home   lib64  root   tmp    var\r\n';
    expect(await ls({ width: 1, height: 1 })).toBe(eighty);
    expect(await ls()).toBe(eighty);
    expect(await ls({ width: 30, height: 10 })).toBe('bin    home   proc   tmp\r\ndev    lib    root   usr\r\netc    lib64  sys    var\r\n');
    // $COLUMNS wins over the terminal, as in libbb's get_terminal_width.
    expect(await ls({ width: 120, height: 40 }, 'COLUMNS=30 ')).toBe('bin    home   proc   tmp\r\ndev    lib    root   usr\r\netc    lib64  sys    var\r\n');
  });
});

describe('attach: the session stdin ending', () => {
  let base: string;
  let containers: ContainerProcess[] = [];
  afterEach(() => {
    for (const x of containers) x.kill('KILL');
    containers = [];
    if (base) nodeFs.rmSync(base, { recursive: true, force: true });
  });

  /** container starts `sh` as PID 1 with the spec's stdin/stdinOnce/tty (kubectl run -i, kubectl debug node -it). */
  function container(spec: { stdin: boolean; stdinOnce?: boolean; tty?: boolean }): ContainerProcess {
    base ??= nodeFs.mkdtempSync(path.join(os.tmpdir(), 'kslab-attach-'));
    const image = resolveImage('busybox')!;
    const fs = new ContainerFs({ rootfs: path.join(base, `r${containers.length}`), image: image.image.layer, mounts: [] });
    const c = startContainer({ image, fs, hostname: 'lab-worker', command: ['sh'], clock: new ManualClock(), ...spec });
    containers.push(c);
    return c;
  }

  it('stdinOnce without a tty: the container reads end of input and exits (echo … | kubectl run -i)', async () => {
    const c = container({ stdin: true, stdinOnce: true });
    const s = new Session();
    s.proc = attachToContainer(c, s.options({ stdin: true, tty: false }));
    s.proc.write(Buffer.from('echo hi\n'));
    s.proc.closeStdin();
    expect(await c.exited).toBe(0);
    expect(await s.proc.exited).toBe(0);
    expect(s.output).toBe('hi\n');
  });

  it('no stdinOnce (kubectl debug node -it </dev/null): the session ends, the shell keeps running and a later session still reaches it', async () => {
    const c = container({ stdin: true, tty: true });
    const first = new Session();
    // kubectl could not use a TTY, so it attaches without one.
    first.proc = attachToContainer(c, first.options({ stdin: true, tty: false }));
    first.proc.write(Buffer.from('echo one\r'));
    await first.waitFor('one\r\n');
    first.proc.closeStdin();
    expect(await settle(first.proc.exited)).toBe(0);
    expect(c.running).toBe(true);
    const before = first.output;
    const second = new Session();
    second.proc = attachToContainer(c, second.options({ stdin: true, tty: true }));
    second.proc.write(Buffer.from('echo two\r'));
    await second.waitFor('two\r\n');
    // The first session hears nothing more.
    expect(first.output).toBe(before);
    second.proc.write(Buffer.from('exit\r'));
    expect(await c.exited).toBe(0);
  });

  it('stdinOnce with a tty requested (kubectl run -it whose client goes away): only the session ends', async () => {
    const c = container({ stdin: true, stdinOnce: true, tty: true });
    const s = new Session();
    s.proc = attachToContainer(c, s.options({ stdin: true, tty: true }));
    // What the stream server does when the client's connection closes.
    s.controller.abort();
    s.proc.closeStdin();
    expect(await settle(s.proc.exited)).toBe(0);
    expect(c.running).toBe(true);
    expect(await settle(c.exited)).toBe('pending');
  });

  it('stdinOnce on a tty container attached without one (echo … | kubectl run -it): its input ends and sh exits', async () => {
    const c = container({ stdin: true, stdinOnce: true, tty: true });
    const s = new Session();
    s.proc = attachToContainer(c, s.options({ stdin: true, tty: false }));
    s.proc.write(Buffer.from('echo hi\r'));
    s.proc.closeStdin();
    expect(await c.exited).toBe(0);
    expect(s.output).toContain('hi\r\n');
  });

  it('a container without stdin ignores the session input and its end: the session lasts until the container exits', async () => {
    const c = container({ stdin: false });
    const s = new Session();
    s.proc = attachToContainer(c, s.options({ stdin: true, tty: false }));
    s.proc.write(Buffer.from('echo never\n'));
    s.proc.closeStdin();
    // sh with no stdin reads end of input at once and exits; the session ends with it, having shown nothing.
    expect(await c.exited).toBe(0);
    expect(await s.proc.exited).toBe(0);
    expect(s.output).toBe('');
  });
});
