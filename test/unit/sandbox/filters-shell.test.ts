/**
 * The pipe filters as a learner meets them in the sandbox terminal (QA F8):
 * kubectl's output (a recorded child process standing in for kubectl) goes
 * through grep and wc in LearnerShell, and the terminal shows what a shell
 * with GNU grep and wc would show.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LearnerShell } from '../../../sandbox/terminal/shell.ts';
import { RecordedChild } from './recorded-child.ts';

const describePods = `Name:         mysql-0
Status:       Pending
Events:
  Type     Reason            Age   From               Message
  ----     ------            ----  ----               -------
  Warning  FailedScheduling  12s   default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.
  Normal   Scheduled         8s    default-scheduler  Successfully assigned default/mysql-0 to kind-worker2
`;
const events = `LAST SEEN   TYPE      REASON                 OBJECT              MESSAGE
2m          Normal    NodeNotReady           pod/mysql-0         Node is not ready
2m          Warning   NodeNotReady           node/kind-worker2   Node kind-worker2 status is now: NodeNotReady
90s         Normal    TaintManagerEviction   pod/mysql-0         Marking for deletion Pod default/mysql-0
60s         Normal    Scheduled              pod/mysql-0         Successfully assigned default/mysql-0 to kind-worker
`;

let folder: string;
let output: string;
let children: RecordedChild[];
/** respond decides what the recorded kubectl prints, by argv. */
let respond: (args: string[], child: RecordedChild) => void;
let shell: LearnerShell;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'kslab-filters-shell-'));
  writeFileSync(join(folder, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: producer-consumer\n');
  output = '';
  children = [];
  respond = (args, child) => {
    // Written in two pieces that split a line, as a pipe may deliver it.
    const text = args[0] === 'describe' ? describePods : events;
    child.stdout.write(text.slice(0, 100));
    setImmediate(() => {
      child.stdout.write(text.slice(100));
      child.finish(0);
    });
  };
  shell = new LearnerShell({
    folder: () => ({ path: folder, label: 'lesson-3' }),
    kubectl: { path: '/opt/kubectl-bin/kubectl', env: { PATH: '/opt/kubectl-bin' } },
    history: [],
    write: (t) => (output += t),
    spawn: ((_file: string, args: string[]) => {
      const child = new RecordedChild();
      children.push(child);
      setImmediate(() => respond(args, child));
      return child;
    }) as never,
  });
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

async function run(line: string): Promise<string> {
  const before = output.length;
  await shell.runLine(line);
  // The printed prompt comes last; the command's output is what precedes it.
  return output.slice(before).replace(/\x1b\[1;34m~\/lesson-3\x1b\[0m \$ $/, '');
}

describe('pipe filters in the terminal (QA F8)', () => {
  it('kubectl describe pod -l app=mysql | grep -A3 Events', async () => {
    expect(await run('kubectl describe pod -l app=mysql | grep -A3 Events')).toBe(
      'Events:\r\n  Type     Reason            Age   From               Message\r\n  ----     ------            ----  ----               -------\r\n' +
        '  Warning  FailedScheduling  12s   default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.\r\n',
    );
  });
  it('kubectl get events | grep -e NodeNotReady -e TaintManagerEviction, and | wc -l after it', async () => {
    expect(await run('kubectl get events | grep -n -e NodeNotReady -e TaintManagerEviction')).toBe(
      '2:2m          Normal    NodeNotReady           pod/mysql-0         Node is not ready\r\n' +
        '3:2m          Warning   NodeNotReady           node/kind-worker2   Node kind-worker2 status is now: NodeNotReady\r\n' +
        '4:90s         Normal    TaintManagerEviction   pod/mysql-0         Marking for deletion Pod default/mysql-0\r\n',
    );
    expect(await run('kubectl get events | grep -we NodeNotReady -e TaintManagerEviction | wc -l')).toBe('3\r\n');
    expect(await run('kubectl get events | wc')).toBe('      5      42     491\r\n');
  });
  it('grep -q prints nothing and stops kubectl once it has a match, as SIGPIPE would', async () => {
    respond = (_args, child) => child.stdout.write(events); // a watch: kubectl keeps running
    expect(await run('kubectl get events -w | grep -q TaintManagerEviction')).toBe('');
    expect(children[0]!.killed).toEqual(['SIGTERM']);
  });
  it('wc and grep take a file of the lesson', async () => {
    expect(await run('wc -l pod.yaml')).toBe('4 pod.yaml\r\n');
    expect(await run('grep -n name pod.yaml')).toBe('4:  name: producer-consumer\r\n');
  });
  it('refuses what stays unsupported, naming the option, without starting kubectl', async () => {
    expect(await run('kubectl get pods | grep -r mysql')).toBe(
      'grep: -r is not available here (grep reads what comes through the pipe, or one file of this lesson)\r\n',
    );
    expect(await run('kubectl get pods | wc -L')).toBe('wc: -L is not available here (try -l, -w, -c or -m)\r\n');
    expect(children).toHaveLength(0);
  });
  it('a pattern that backtracks exponentially is stopped after its time budget, and the terminal keeps working', async () => {
    respond = (_args, child) => {
      child.stdout.write('a'.repeat(40) + '\n'); // (a*)*b on 40 a's would take hours in a backtracking engine
      setImmediate(() => child.finish(0));
    };
    const started = Date.now();
    const shown = await run("kubectl get events | grep -E '(a*)*b'");
    expect(shown).toMatch(/^grep: this pattern took over 1 s on one piece of input and was stopped .*try a simpler pattern\r\n$/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await run('echo $?')).toBe('2\r\n');
    respond = (_args, child) => {
      child.stdout.write(events);
      setImmediate(() => child.finish(0));
    };
    expect(await run('kubectl get events | grep -c NodeNotReady')).toBe('2\r\n');
  });
  it("the filters' exit statuses reach $? and decide && and ||, as GNU grep's and wc's would", async () => {
    expect(await run('kubectl get events | grep -c ProvisioningFailed; echo $?')).toBe('0\r\n1\r\n');
    expect(await run('kubectl get events | grep -q TaintManagerEviction && echo evicted')).toBe('evicted\r\n');
    expect(await run('kubectl describe pod -l app=mysql | grep FailedMount || echo "no mount problem"')).toBe('no mount problem\r\n');
    expect(await run('kubectl get events | wc -l && echo counted')).toBe('5\r\ncounted\r\n');
    expect(await run("kubectl get events | grep -E '(' ; echo $?")).toBe('grep: Unmatched ( or \\(\r\n2\r\n');
    expect(await run('grep -c name missing.yaml || echo $?')).toBe('grep: missing.yaml: No such file (try `ls`)\r\n2\r\n');
    expect(await run('grep -c producer pod.yaml; echo $?')).toBe('1\r\n0\r\n');
  });
  it('Tab after a pipe offers the filters', () => {
    shell.start();
    const before = output.length;
    shell.input('kubectl get pods | w\t');
    expect(output.slice(before).endsWith('kubectl get pods | wc ')).toBe(true);
  });
});
