import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LearnerShell, toTerminal, wantsStdin } from '../../../sandbox/terminal/shell.ts';
import { RecordedChild } from './recorded-child.ts';

/** SpawnCall records how the shell started a program: these tests check argv, never a shell string. */
interface SpawnCall {
  file: string;
  args: string[];
  options: { cwd: string; env: Record<string, string>; shell: boolean; stdio: unknown[] };
  child: RecordedChild;
}

let folder: string;
let calls: SpawnCall[];
let output: string;
let shell: LearnerShell;
let history: string[];
/** respond decides what the recorded kubectl prints, by argv. */
let respond: (args: string[], child: RecordedChild) => void;

const env = { PATH: '/opt/kubectl-bin', KUBECONFIG: '/data/s1/kubeconfig', KUBECACHEDIR: '/data/s1/cache', HOME: '/data/s1/home' };

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'kslab-shell-'));
  writeFileSync(join(folder, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: producer-consumer\n');
  calls = [];
  output = '';
  history = [];
  respond = (_args, child) => {
    child.stdout.write('NAME           STATUS   ROLES\nlab-control-plane   Ready    control-plane\nlab-worker     Ready    <none>\nlab-worker2    Ready    <none>\n');
    child.finish(0);
  };
  shell = new LearnerShell({
    folder: () => ({ path: folder, label: 'emptydir' }),
    kubectl: { path: '/opt/kubectl-bin/kubectl', env },
    history,
    write: (t) => (output += t),
    spawn: ((file: string, args: string[], options: SpawnCall['options']) => {
      const child = new RecordedChild();
      if (options.stdio[0] === 'ignore') child.stdin = null;
      calls.push({ file, args, options, child });
      setImmediate(() => respond(args, child));
      return child;
    }) as never,
  });
  shell.start();
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

async function type(text: string): Promise<string> {
  const before = output.length;
  shell.input(text);
  for (let i = 0; i < 100 && shell.busy; i++) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => setTimeout(r, 2));
  return output.slice(before);
}

describe('LearnerShell runs kubectl by argv, never through a shell', () => {
  it('passes the words as argv with the session environment, in the lesson folder', async () => {
    const out = await type(`kubectl get nodes -o 'custom-columns=NAME:.metadata.name'\r`);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.file).toBe('/opt/kubectl-bin/kubectl');
    expect(calls[0]!.args).toEqual(['get', 'nodes', '-o', 'custom-columns=NAME:.metadata.name']);
    expect(calls[0]!.options).toMatchObject({ cwd: folder, env, shell: false });
    expect(out).toContain('lab-worker2    Ready');
    expect(out).toContain('\r\n');
    expect(out.endsWith('\x1b[1;34m~/emptydir\x1b[0m $ ')).toBe(true);
  });
  it('lets `kubectl apply -f FILE` use the lesson folder', async () => {
    await type('kubectl apply -f pod.yaml\r');
    expect(calls[0]!.args).toEqual(['apply', '-f', 'pod.yaml']);
  });
  it.each([
    ['kubectl get pods; cat /etc/passwd', /one command per line/],
    ['kubectl get $(whoami)', /command substitution/],
    ['kubectl get `id`', /command substitution/],
    ['kubectl --kubeconfig=/etc/kubernetes/admin.conf get pods', /--kubeconfig is not available/],
    ['kubectl apply -f /etc/passwd', /absolute paths/],
    ['kubectl apply -f ../../other/secret.yaml', /`\.\.`/],
    ['kubectl plugin list', /plugins are turned off/],
    ['kubectl krew install evil', /not a kubectl command here/],
    ['sh -c id', /sh: command not found/],
    ['bash', /bash: command not found/],
    ['/bin/sh', /command not found/],
    ['cat /etc/passwd', /absolute paths/],
    ['cat ../kubeconfig', /`\.\.`/],
    ['kubectl get pods > /tmp/x', /absolute paths/],
    ['kubectl get pods > ../x', /`\.\.`/],
    ['kubectl get pods | sh', /`sh` cannot read a pipe here/],
    ['kubectl get pods | xargs rm', /cannot read a pipe here/],
  ])('refuses %s without starting anything', async (line, message) => {
    const out = await type(line + '\r');
    expect(out).toMatch(message);
    expect(calls).toHaveLength(0);
  });
});

describe('LearnerShell built-ins, pipes and redirection', () => {
  it('ls and cat the lesson folder', async () => {
    expect(await type('ls\r')).toContain('pod.yaml\r\n');
    expect(await type('cat pod.yaml\r')).toContain('name: producer-consumer\r\n');
    expect(await type('cat nope.yaml\r')).toContain('No such file');
  });
  it('pipes kubectl output through grep and head', async () => {
    const out = await type('kubectl get nodes | grep worker | head -n 1\r');
    expect(out).toContain('lab-worker     Ready');
    expect(out).not.toContain('lab-worker2');
    expect(out).not.toContain('control-plane');
  });
  it('echo -n | base64, and base64 -d', async () => {
    expect(await type('echo -n admin | base64\r')).toContain('YWRtaW4=\r\n');
    expect(await type('echo YWRtaW4= | base64 -d\r')).toContain('admin');
  });
  it('> writes and >> appends inside the folder only', async () => {
    await type('kubectl get nodes > nodes.txt\r');
    expect(readFileSync(join(folder, 'nodes.txt'), 'utf8')).toContain('lab-worker2');
    await type('echo done >> nodes.txt\r');
    expect(readFileSync(join(folder, 'nodes.txt'), 'utf8').endsWith('done\n')).toBe(true);
    await type('rm nodes.txt\r');
    expect(existsSync(join(folder, 'nodes.txt'))).toBe(false);
  });
  it('caps the size of a redirected file', async () => {
    respond = (_a, child) => {
      child.stdout.write('x'.repeat(2 * 1024 * 1024));
      child.finish(0);
    };
    const out = await type('kubectl get pods -w > big.txt\r');
    expect(out).toMatch(/file too large/);
    expect(existsSync(join(folder, 'big.txt'))).toBe(false);
  });
  it('says when a modelled tool is not there yet', async () => {
    expect(await type('ceph status\r')).toContain('ceph: not available in this sandbox yet');
  });
  it('runs a modelled tool the cluster offers', async () => {
    const s = new LearnerShell({
      folder: () => ({ path: folder, label: 'rbd' }),
      kubectl: { path: '/x', env },
      history: [],
      write: (t) => (output += t),
      tools: () => ({ rbd: async (argv, io) => (io.stdout(`images in ${argv[2]}\n`), 0) }),
    });
    const before = output.length;
    await s.runLine('rbd ls -p rbd | grep images');
    expect(output.slice(before)).toContain('images in rbd\r\n');
  });
  it('keeps history and prints it', async () => {
    await type('ls\r');
    await type('kubectl get nodes\r');
    expect(history).toEqual(['ls', 'kubectl get nodes']);
    expect(await type('history\r')).toMatch(/1 {2}ls\r\n.*2 {2}kubectl get nodes/s);
  });
  it('help lists the commands', async () => {
    expect(await type('help\r')).toMatch(/kubectl/);
  });
});

describe('LearnerShell while a command runs', () => {
  it('Ctrl-C interrupts kubectl (SIGINT) and gives the prompt back', async () => {
    respond = () => {
      /* runs until killed, like kubectl get -w */
    };
    shell.input('kubectl get pods -w\r');
    await new Promise((r) => setTimeout(r, 5));
    expect(shell.busy).toBe(true);
    const out = await type('\x03');
    expect(calls[0]!.child.killed).toEqual(['SIGINT']);
    expect(out).toContain('^C');
    expect(shell.busy).toBe(false);
  });
  it('keeps typed-ahead text for the next prompt', async () => {
    let child: RecordedChild | undefined;
    respond = (_a, c) => (child = c);
    shell.input('kubectl get nodes\r');
    await new Promise((r) => setTimeout(r, 5));
    shell.input('ls');
    child!.finish(0);
    await new Promise((r) => setTimeout(r, 10));
    const out = await type('\r');
    expect(out).toContain('pod.yaml');
  });
  it('sends typed lines to an interactive command and ends its input on Ctrl-D', async () => {
    let child: RecordedChild | undefined;
    respond = (_a, c) => (child = c);
    shell.input('kubectl exec -it mysql-0 -- mysql\r');
    await new Promise((r) => setTimeout(r, 5));
    expect(calls[0]!.args).toEqual(['exec', '-i', 'mysql-0', '--', 'mysql']);
    expect(output).toMatch(/no TTY/);
    shell.input('SHOW DATABASES;\r');
    shell.input('\x04');
    await new Promise((r) => setTimeout(r, 5));
    expect(child!.stdinText).toBe('SHOW DATABASES;\n');
    expect(child!.stdin!.writableEnded).toBe(true);
    child!.finish(0);
  });
});

describe('LearnerShell notices', () => {
  it('print above the line being typed and redraw the prompt for the current folder', () => {
    let label = 'emptydir';
    let out = '';
    const s = new LearnerShell({ folder: () => ({ path: folder, label }), kubectl: { path: '/x', env }, history: [], write: (t) => (out += t) });
    s.start();
    s.input('kubectl get');
    label = 'nfs';
    out = '';
    s.notice('(now in ~/nfs)');
    expect(out).toBe('\r\x1b[K(now in ~/nfs)\r\n\r\x1b[K\x1b[1;34m~/nfs\x1b[0m $ kubectl get');
  });
});

describe('LearnerShell without kubectl on the server', () => {
  it('says kubectl is not installed instead of failing', async () => {
    let out = '';
    const s = new LearnerShell({ folder: () => ({ path: folder, label: 'x' }), kubectl: { path: '', env }, history: [], write: (t) => (out += t) });
    await s.runLine('kubectl get nodes');
    expect(out).toContain('kubectl: not installed on the machine running this sandbox');
  });
});

describe('helpers', () => {
  it('toTerminal ends lines with CR LF', () => {
    expect(toTerminal('a\nb\r\nc')).toBe('a\r\nb\r\nc');
  });
  it('wantsStdin', () => {
    expect(wantsStdin(['exec', '-i', 'p'])).toBe(true);
    expect(wantsStdin(['apply', '-f', '-'])).toBe(true);
    expect(wantsStdin(['get', 'pods', '-o', 'wide'])).toBe(false);
    expect(wantsStdin(['exec', 'p', '--', 'sh', '-i'])).toBe(false);
  });
});

describe('LearnerShell tab completion', () => {
  function shellWith(completions: (r: string) => string[]) {
    let out = '';
    const s = new LearnerShell({
      folder: () => ({ path: folder, label: 'emptydir' }),
      kubectl: { path: '/x', env },
      history: [],
      write: (t) => (out += t),
      completions,
    });
    s.start();
    return { s, out: () => out };
  }
  it('completes commands, kubectl verbs, resource types, object names and files', () => {
    const { s, out } = shellWith((r) => (r === 'persistentvolumeclaims' ? ['mysql-pvc', 'data'] : []));
    s.input('kube\t');
    expect(out().endsWith('kubectl ')).toBe(true);
    s.input('desc\t');
    expect(out().endsWith('describe ')).toBe(true);
    s.input('pvc my\t');
    expect(out().endsWith('mysql-pvc ')).toBe(true);
    s.input('\x15cat po\t');
    expect(out().endsWith('pod.yaml ')).toBe(true);
  });
  it('does not offer the verbs that are turned off', () => {
    const { s, out } = shellWith(() => []);
    s.input('kubectl ed\t');
    expect(out().endsWith('kubectl ed\x07')).toBe(true);
  });
});
