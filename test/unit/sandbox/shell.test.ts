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
/** doneLines are the lines onCommandDone was called with (the session saves after each). */
let doneLines: string[];
/** respond decides what the recorded kubectl prints, by argv. */
let respond: (args: string[], child: RecordedChild) => void;

const env = { PATH: '/opt/kubectl-bin', KUBECONFIG: '/data/s1/kubeconfig', KUBECACHEDIR: '/data/s1/cache', HOME: '/data/s1/home' };

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'kslab-shell-'));
  writeFileSync(join(folder, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: producer-consumer\n');
  calls = [];
  output = '';
  history = [];
  doneLines = [];
  respond = (_args, child) => {
    child.stdout.write('NAME           STATUS   ROLES\nlab-control-plane   Ready    control-plane\nlab-worker     Ready    <none>\nlab-worker2    Ready    <none>\n');
    child.finish(0);
  };
  // A shell from an earlier test may still finish a command: only this test's shell writes to output.
  const current = (shell = new LearnerShell({
    folder: () => ({ path: folder, label: 'emptydir' }),
    kubectl: { path: '/opt/kubectl-bin/kubectl', env },
    history,
    write: (t) => {
      if (shell === current) output += t;
    },
    onCommandDone: (line) => doneLines.push(line),
    spawn: ((file: string, args: string[], options: SpawnCall['options']) => {
      const child = new RecordedChild();
      if (options.stdio[0] === 'ignore') child.stdin = null;
      calls.push({ file, args, options, child });
      setImmediate(() => respond(args, child));
      return child;
    }) as never,
  }));
  shell.start();
});

afterEach(() => {
  shell.dispose();
  rmSync(folder, { recursive: true, force: true });
});

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
    ['kubectl get pods & cat /etc/passwd', /background jobs/],
    ['kubectl get pods; $(cat /etc/passwd)', /command substitution/],
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

/** until waits for a condition the shell reaches asynchronously (the work is in-process, so 4 s is generous even on a busy CI; below the 5 s test timeout so a miss names what it waited for). */
async function until(condition: () => boolean, what: string, timeoutMs = 4_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** enter types a line and waits until the whole list has run and the prompt is back; it returns what the terminal showed. */
async function enter(line: string): Promise<string> {
  const before = output.length;
  shell.input(line + '\r');
  await until(() => !shell.busy, `the prompt after ${line}`);
  return output.slice(before).replace(/\x1b\[1;34m~\/emptydir\x1b\[0m \$ $/, '');
}

/** statusOf is what `echo $?` prints on the next line. */
async function statusOf(): Promise<string> {
  return (await enter('echo $?')).replace(/^echo \$\?\r\n/, '').replace(/\r\n$/, '');
}

/** kubectlAnswers makes the recorded kubectl answer each argv (joined by spaces) with its output and exit code; anything else prints nothing and exits 0. */
function kubectlAnswers(answers: Record<string, { stdout?: string; stderr?: string; code: number }>): void {
  respond = (args, child) => {
    const a = answers[args.join(' ')] ?? { code: 0 };
    if (a.stdout) child.stdout.write(a.stdout);
    if (a.stderr) child.stderr.write(a.stderr);
    child.finish(a.code);
  };
}

const pvcNotFound = { stderr: 'Error from server (NotFound): persistentvolumeclaims "data" not found\n', code: 1 };

describe('LearnerShell command lists: ;, && and || (POSIX AND-OR lists)', () => {
  it('&& and || have equal precedence and group left to right', async () => {
    expect(await enter('false && echo a || echo b')).toBe('false && echo a || echo b\r\nb\r\n');
    expect(await enter('cat missing.yaml && echo a || echo b')).toBe(
      'cat missing.yaml && echo a || echo b\r\ncat: missing.yaml: No such file (try `ls`)\r\nb\r\n',
    );
    expect(await enter('true || echo a && echo b')).toBe('true || echo a && echo b\r\nb\r\n');
    expect(await enter('cat pod.yaml > /dev/null || echo a && echo b')).toMatch(/absolute paths.*\r\na\r\nb\r\n$/s);
  });
  it('; runs the next kubectl only after the one before has exited', async () => {
    const events: string[] = [];
    respond = (args, child) => {
      events.push(`start ${args[0]}`);
      child.on('close', () => events.push(`exit ${args[0]}`));
      setTimeout(() => child.finish(0), 20);
    };
    await enter('kubectl delete pod x; kubectl get pods');
    expect(calls.map((c) => c.args)).toEqual([['delete', 'pod', 'x'], ['get', 'pods']]);
    expect(events).toEqual(['start delete', 'exit delete', 'start get', 'exit get']);
  });
  it('&& runs kubectl only after a success, || only after a failure', async () => {
    kubectlAnswers({ 'apply -f pod.yaml': { stdout: 'pod/producer-consumer created\n', code: 0 }, 'get pvc data': pvcNotFound });
    expect(await enter('kubectl apply -f pod.yaml && kubectl get pods')).toContain('pod/producer-consumer created\r\n');
    expect(calls.map((c) => c.args[0])).toEqual(['apply', 'get']);
    calls.length = 0;
    const out = await enter('kubectl get pvc data && kubectl delete pvc data || echo missing');
    expect(out).toContain('persistentvolumeclaims "data" not found\r\nmissing\r\n');
    expect(calls.map((c) => c.args)).toEqual([['get', 'pvc', 'data']]);
  });
  it('a trailing ; is fine, and a syntax error runs nothing', async () => {
    expect(await enter('echo a;')).toBe('echo a;\r\na\r\n');
    expect(await enter('kubectl get pv && ; echo b')).toBe("kubectl get pv && ; echo b\r\nsyntax error near unexpected token '&&'\r\n".replace("'&&'", "';'"));
    expect(await enter('&& kubectl get pv')).toBe("&& kubectl get pv\r\nsyntax error near unexpected token '&&'\r\n");
    expect(await enter('kubectl get pv ||')).toBe('kubectl get pv ||\r\nsyntax error: unexpected end of line: `||` needs a command after it\r\n');
    expect(calls).toHaveLength(0);
    expect(await statusOf()).toBe('2');
  });
  it('each pipeline keeps its own > FILE', async () => {
    await enter('echo one > a.txt; echo two > b.txt && echo three >> a.txt');
    expect(readFileSync(join(folder, 'a.txt'), 'utf8')).toBe('one\nthree\n');
    expect(readFileSync(join(folder, 'b.txt'), 'utf8')).toBe('two\n');
    expect(await enter('kubectl get nodes | grep worker2 > w.txt; cat w.txt | wc -l')).toMatch(/\r\n1\r\n$/);
  });
  it('a refused redirection fails its pipeline only', async () => {
    expect(await enter('echo x > ../x.txt || echo not written; echo next')).toMatch(/`\.\.`.*\r\nnot written\r\nnext\r\n$/s);
    expect(existsSync(join(folder, '..', 'x.txt'))).toBe(false);
  });
  it('calls onCommandDone once per typed line and records the line in history once', async () => {
    await enter('echo a; echo b && kubectl get pods');
    expect(doneLines).toEqual(['echo a; echo b && kubectl get pods']);
    expect(history).toEqual(['echo a; echo b && kubectl get pods']);
  });
  it('Tab completes the command after ; && ||', () => {
    shell.input('kubectl get pods && kube\t');
    expect(output.endsWith('kubectl get pods && kubectl ')).toBe(true);
    shell.input('\x15echo a;ech\t');
    expect(output.endsWith('echo a;echo ')).toBe(true);
  });
});

describe('LearnerShell $? is the last exit status', () => {
  it('is 0 at the start and after a success', async () => {
    expect(await statusOf()).toBe('0');
    await enter('kubectl get nodes');
    expect(await statusOf()).toBe('0');
  });
  it("is kubectl's own exit code", async () => {
    kubectlAnswers({ 'get pvc data': pvcNotFound, 'wait --for=condition=Ready pod/x --timeout=1s': { code: 7 } });
    await enter('kubectl get pvc data');
    expect(await statusOf()).toBe('1');
    await enter('kubectl wait --for=condition=Ready pod/x --timeout=1s');
    expect(await statusOf()).toBe('7');
  });
  it('expands inside a list, with the status of the pipeline just before', async () => {
    kubectlAnswers({ 'get pvc data': pvcNotFound });
    expect(await enter('kubectl get pvc data; echo "status=$?" ${?}; echo $?')).toMatch(/not found\r\nstatus=1 1\r\n0\r\n$/);
  });
  it('is left as it was by a pipeline that && or || skipped', async () => {
    expect(await enter('false && echo never; echo $?')).toMatch(/\r\n1\r\n$/);
    expect(await enter('true || echo never; echo $?')).toMatch(/\r\n0\r\n$/);
  });
  it("is the last stage's status in a pipeline: grep 1 on no match, 0 on a match, 2 on an error", async () => {
    await enter('kubectl get nodes | grep no-such-node');
    expect(await statusOf()).toBe('1');
    await enter('kubectl get nodes | grep -q worker2');
    expect(await statusOf()).toBe('0');
    kubectlAnswers({ 'get pvc data': pvcNotFound });
    await enter('kubectl get pvc data | wc -l');
    expect(await statusOf()).toBe('0');
    await enter('grep x missing.txt');
    expect(await statusOf()).toBe('2');
    expect(await enter('kubectl get nodes | grep -c no-such-node || echo none')).toMatch(/\r\n0\r\nnone\r\n$/);
  });
  it('is 127 for a command that is not found, 1 for a refused kubectl, 2 for a line that cannot be parsed', async () => {
    expect(await enter('nosuch')).toContain('nosuch: command not found');
    expect(await statusOf()).toBe('127');
    expect(await enter('kubectl plugin list')).toContain('plugins are turned off');
    expect(await statusOf()).toBe('1');
    await enter('echo $HOME');
    expect(await statusOf()).toBe('2');
    expect(calls).toHaveLength(0);
  });
  it('is 128 + the signal when kubectl was killed by one', async () => {
    respond = (_args, child) => child.finish(null, 'SIGTERM');
    await enter('kubectl get pods');
    expect(await statusOf()).toBe('143');
  });
});

describe('LearnerShell Ctrl-C in a list', () => {
  it('stops the running kubectl and the rest of the list, and $? is 130', async () => {
    respond = () => {
      /* runs until killed, like kubectl get -w */
    };
    const before = output.length;
    shell.input('kubectl get pods -w; echo after; kubectl get pv\r');
    await until(() => calls.length === 1, 'kubectl to start');
    expect(shell.busy).toBe(true);
    shell.input('\x03');
    await until(() => !shell.busy, 'the prompt after Ctrl-C');
    expect(calls[0]!.child.killed).toEqual(['SIGINT']);
    const shown = output.slice(before);
    expect(shown).toContain('^C');
    expect(shown.slice(shown.indexOf('^C'))).not.toContain('after');
    expect(calls).toHaveLength(1);
    expect(await statusOf()).toBe('130');
  });
  it('stops the list even when kubectl exits 0 on SIGINT, so || does not run either', async () => {
    let answering = false;
    respond = (_args, child) => {
      child.kill = (signal: string) => {
        child.killed.push(signal);
        child.finish(0);
        return true;
      };
      answering = true;
    };
    const before = output.length;
    shell.input('kubectl get pods -w || echo failed; echo after\r');
    await until(() => answering, 'kubectl to start');
    shell.input('\x03');
    await until(() => !shell.busy, 'the prompt after Ctrl-C');
    const shown = output.slice(before);
    expect(calls[0]!.child.killed).toEqual(['SIGINT']);
    expect(shown.slice(shown.indexOf('^C'))).not.toMatch(/failed|after/);
    expect(await statusOf()).toBe('130');
  });
});

describe('LearnerShell interactive kubectl inside a list', () => {
  it('sends typed lines (even with ; in them) to kubectl, then runs the rest of the list', async () => {
    respond = () => {
      /* reads stdin until the test finishes it */
    };
    shell.input('kubectl exec -it mysql-0 -- mysql && echo done\r');
    await until(() => calls.length === 1, 'kubectl exec to start');
    const before = output.length;
    shell.input('SHOW DATABASES; SELECT 1;\r');
    shell.input('\x04');
    const child = calls[0]!.child;
    await until(() => child.stdin!.writableEnded, 'stdin to end');
    expect(child.stdinText).toBe('SHOW DATABASES; SELECT 1;\n');
    expect(output.slice(before)).not.toContain('done');
    child.finish(0);
    await until(() => !shell.busy, 'the prompt after the list');
    expect(output.slice(before)).toMatch(/\r\ndone\r\n/);
    expect(calls).toHaveLength(1);
  });

  it('gives what was typed while an earlier command of the list ran to the interactive kubectl', async () => {
    respond = (args, child) => {
      if (args[0] === 'apply') setTimeout(() => child.finish(0), 20);
    };
    shell.input('kubectl apply -f pod.yaml && kubectl exec -i producer-consumer -- sh\r');
    await until(() => calls.length === 1, 'kubectl apply to start');
    shell.input('ls /data\r');
    await until(() => calls.length === 2, 'kubectl exec to start');
    const exec = calls[1]!.child;
    await until(() => exec.stdinText === 'ls /data\n', 'the typed line to reach kubectl exec');
    exec.finish(0);
    await until(() => !shell.busy, 'the prompt after the list');
  });
});

describe('LearnerShell keeps hostile input literal or refused; nothing reaches a shell', () => {
  it.each([
    ['echo ok; $(rm -rf /)', /command substitution/],
    ['echo ok && `rm -rf /`', /command substitution/],
    ['echo ok || echo "$(id)"', /command substitution/],
    ['echo $HOME; kubectl get pods', /shell variables/],
    ['kubectl get pods -n ${NS} && echo ok', /shell variables/],
    ['echo ok && (kubectl get pods)', /subshells/],
    ['echo ok & kubectl get pods', /background jobs/],
  ])('%s is refused as a whole line: nothing runs', async (line, message) => {
    const out = await enter(line);
    expect(out).toMatch(message);
    expect(out).not.toMatch(/\r\nok\r\n/);
    expect(calls).toHaveLength(0);
  });
  it('keeps quoted operators and $? literal in arguments, and passes kubectl argv without a shell', async () => {
    expect(await enter(String.raw`echo '$(rm -rf /); $?' \&\& "a || b"`)).toContain('$(rm -rf /); $? && a || b\r\n');
    await enter(`kubectl get pods -l 'app=a;rm -rf /' && kubectl get pods -o 'jsonpath={.items[*].metadata.name}' ; echo $?`);
    expect(calls.map((c) => c.args)).toEqual([
      ['get', 'pods', '-l', 'app=a;rm -rf /'],
      ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'],
    ]);
    expect(calls.every((c) => c.file === '/opt/kubectl-bin/kubectl' && c.options.shell === false)).toBe(true);
  });
});
