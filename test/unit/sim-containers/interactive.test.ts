import { afterEach, describe, expect, it } from 'vitest';
import { attachToContainer, execInContainer, startContainer } from '../../../sandbox/providers/sim/containers/process.ts';
import { ContainerFs } from '../../../sandbox/providers/sim/containers/fs/container-fs.ts';
import { mountSource } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { resolveImage } from '../../../sandbox/providers/sim/containers/images/registry.ts';
import type { ExecProcess } from '../../../sandbox/providers/sim/streams/types.ts';
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { ManualClock, makeContainer, type TestContainer } from './harness.ts';

/** Terminal is one `kubectl exec -it` session: what the user types and what the screen receives. */
class Terminal {
  output = '';
  readonly controller = new AbortController();
  proc!: ExecProcess;
  type(text: string): void {
    this.proc.write(Buffer.from(text));
  }
  async waitFor(text: string, timeoutMs = 3000): Promise<void> {
    const start = Date.now();
    while (!this.output.includes(text)) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen: ${JSON.stringify(this.output)}`);
      await new Promise<void>((r) => setTimeout(r, 2));
    }
  }
  /** since returns the output after the last occurrence of a marker. */
  clear(): void {
    this.output = '';
  }
}

function shell(c: TestContainer): Terminal {
  const t = new Terminal();
  t.proc = execInContainer(c.container, ['sh'], {
    stdin: true,
    tty: true,
    stdout: (d) => (t.output += Buffer.from(d).toString('utf8')),
    stderr: () => {
      throw new Error('stderr is not used with a tty');
    },
    signal: t.controller.signal,
  });
  return t;
}

describe('interactive shell over a tty', () => {
  let c: TestContainer;
  afterEach(() => c?.cleanup());

  it('prompts with / # , echoes typed text and runs the line (lesson 0)', async () => {
    c = makeContainer();
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('echo "keep me" > /tmp/note.txt\r');
    await t.waitFor('/ # echo "keep me" > /tmp/note.txt\r\n/ # ');
    t.clear();
    t.type('cat /tmp/note.txt\r');
    await t.waitFor('keep me\r\n/ # ');
    t.type('exit\r');
    expect(await t.proc.exited).toBe(0);
  });

  it('edits the line: backspace, left/right, Ctrl-U, and recalls history with Up', async () => {
    c = makeContainer();
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('echoo\x7f hi');
    t.type('\x1b[D\x1b[Dx\r');
    await t.waitFor('xhi\r\n/ # ');
    t.clear();
    t.type('junk\x15echo again\r');
    await t.waitFor('again\r\n/ # ');
    t.clear();
    t.type('\x1b[A\r');
    await t.waitFor('again\r\n/ # ');
    t.clear();
    t.type('history\r');
    await t.waitFor('   0 echo xhi\r\n   1 echo again\r\n   2 history\r\n/ # ');
    t.type('\x04');
    expect(await t.proc.exited).toBe(0);
  });

  it('Ctrl-C interrupts the running command and returns to the prompt with $? = 130', async () => {
    c = makeContainer();
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('sleep 1000\r');
    await t.waitFor('sleep 1000\r\n');
    t.type('\x03');
    await t.waitFor('^C\r\n/ # ');
    t.clear();
    t.type('echo $?\r');
    await t.waitFor('130\r\n/ # ');
    t.type('exit 4\r');
    expect(await t.proc.exited).toBe(4);
  });

  it('input typed after Ctrl-C stopped a reading command goes to the shell, not the stopped reader', async () => {
    c = makeContainer();
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('cat > /tmp/typed\r');
    await t.waitFor('cat > /tmp/typed\r\n');
    t.type('kept line\r');
    await t.waitFor('kept line\r\n');
    t.type('\x03');
    await t.waitFor('^C\r\n/ # ');
    t.clear();
    t.type('echo ok; cat /tmp/typed\r');
    await t.waitFor('ok\r\nkept line\r\n/ # ');
    t.clear();
    t.type('cat > /tmp/eof\r');
    t.type('abc\r\x04');
    await t.waitFor('/ # ');
    t.type('cat /tmp/eof\r');
    await t.waitFor('abc\r\n/ # ');
    t.type('exit\r');
    await t.proc.exited;
  });

  it('Ctrl-D inside an unfinished command reports what was missing, as ash does', async () => {
    c = makeContainer();
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('if true; then\r');
    await t.waitFor('> ');
    t.type('echo x\r');
    await t.waitFor('echo x\r\n> ');
    t.type('\x04');
    expect(await t.proc.exited).toBe(2);
    expect(t.output).toContain('sh: syntax error: unexpected end of file (expecting "fi")\r\n');
  });

  it('in a nested shell, Ctrl-C stops the inner job, not the inner shell', async () => {
    c = makeContainer();
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type("PS1='inner# ' sh\r");
    await t.waitFor('inner# ');
    t.type('sleep 1000\r');
    await t.waitFor('sleep 1000\r\n');
    t.type('\x03');
    await t.waitFor('^C\r\ninner# ');
    t.clear();
    t.type('exit\r');
    await t.waitFor('/ # ');
    // `exit` without a number passes on $?: the inner shell's 130 (its interrupted sleep), then the outer's.
    t.type('exit\r');
    expect(await t.proc.exited).toBe(130);
  });

  it('Ctrl-C at the prompt abandons the line; a continuation line gets the > prompt', async () => {
    c = makeContainer();
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('echo never\x03');
    await t.waitFor('^C\r\n/ # ');
    t.clear();
    t.type('for i in 1 2\r');
    await t.waitFor('> ');
    t.type('do echo n$i; done\r');
    await t.waitFor('n1\r\nn2\r\n/ # ');
    t.type('cd /root\r');
    await t.waitFor('~ # ');
    t.type('exit\r');
    await t.proc.exited;
  });

  it('completes long paths with Tab, directories with a slash and no space', async () => {
    c = makeContainer();
    c.fs.mkdir('/tmp/pods');
    c.fs.mkdir('/tmp/pods/7f3c9d2e-5b1a-4e8f-9c6d-2a4b8e1f0d37');
    c.fs.mkdir('/tmp/pods/7f3c9d2e-5b1a-4e8f-9c6d-2a4b8e1f0d37/volumes');
    c.fs.writeFile('/tmp/pods/7f3c9d2e-5b1a-4e8f-9c6d-2a4b8e1f0d37/volumes/hello', 'hello world\n');
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('cat /tmp/po\t');
    await t.waitFor('cat /tmp/pods/');
    t.type('7\tv\th\t\r');
    await t.waitFor('hello world\r\n/ # ');
    expect(t.output).toContain('cat /tmp/pods/7f3c9d2e-5b1a-4e8f-9c6d-2a4b8e1f0d37/volumes/hello \r\n');
    t.clear();
    t.type('ec\t');
    await t.waitFor('echo ');
    t.type('done\r');
    await t.waitFor('done\r\n/ # ');
    t.type('exit\r');
    await t.proc.exited;
  });

  it('kubectl debug node: sh as PID 1 with a tty, attached, the node tree under /host', async () => {
    c = makeContainer();
    const node = path.join(c.base, 'node');
    nodeFs.mkdirSync(path.join(node, 'var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~empty-dir/shared-volume'), { recursive: true });
    nodeFs.writeFileSync(path.join(node, 'var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~empty-dir/shared-volume/hello'), 'hello world\n');
    const image = resolveImage('busybox')!;
    const fs = new ContainerFs({ rootfs: path.join(c.base, 'debugger'), image: image.image.layer, mounts: [{ containerPath: '/host', hostPath: node, source: mountSource.nodeDisk() }] });
    const debug = startContainer({ image, fs, hostname: 'lab-worker', stdin: true, stdinOnce: true, tty: true, clock: new ManualClock() });
    let screen = '';
    const controller = new AbortController();
    const session = attachToContainer(debug, { stdin: true, tty: true, stdout: (d) => (screen += Buffer.from(d).toString()), stderr: () => {}, signal: controller.signal });
    // kubectl prints "If you don't see a command prompt, try pressing enter." — the prompt came before the attach.
    session.write(Buffer.from('\r'));
    session.write(Buffer.from('cat /host/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~empty-dir/shared-volume/hello\r'));
    const start = Date.now();
    while (!screen.includes('hello world\r\n/ # ') && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 2));
    expect(screen).toContain('/ # cat /host/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~empty-dir/shared-volume/hello\r\nhello world\r\n/ # ');
    session.write(Buffer.from('exit\r'));
    expect(await session.exited).toBe(0);
    expect(debug.running).toBe(false);
  });

  it('alpine and nginx shells answer with their own prompts', async () => {
    c = makeContainer({ image: 'alpine:3.21' });
    const t = shell(c);
    await t.waitFor('/ # ');
    t.type('cat /etc/alpine-release\r');
    await t.waitFor('3.21.0\r\n/ # ');
    t.type('exit\r');
    await t.proc.exited;
    const web = makeContainer({ image: 'nginx' });
    try {
      const w = shell(web);
      await w.waitFor('# ');
      w.type('ls /usr/share/nginx/html\r');
      await w.waitFor('50x.html    index.html\r\n# ');
      w.type('exit\r');
      await w.proc.exited;
    } finally {
      web.cleanup();
    }
  });

  it('an attach session ends when the client leaves, and the container keeps running', async () => {
    c = makeContainer();
    const controller = new AbortController();
    const session = attachToContainer(c.container, { stdin: false, tty: false, stdout: () => {}, stderr: () => {}, signal: controller.signal });
    controller.abort();
    expect(await session.exited).toBe(0);
    expect(c.container.running).toBe(true);
  });

  it('exec -i without a tty reads commands from stdin, no prompt', async () => {
    c = makeContainer();
    let out = '';
    const p = execInContainer(c.container, ['sh'], { stdin: true, tty: false, stdout: (d) => (out += Buffer.from(d).toString()), stderr: () => {}, signal: new AbortController().signal });
    p.write(Buffer.from('echo a\nif true; then\necho b\nfi\n'));
    p.closeStdin();
    expect(await p.exited).toBe(0);
    expect(out).toBe('a\nb\n');
  });
});
