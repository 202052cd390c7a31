/**
 * The lessons' data stories on a SimProvider cluster, through real kubectl
 * 1.33: pods really run on the simulated nodes (the kubelet model) and their
 * volumes are directories on disk. The control plane and the containers run
 * on a FakeClock that the test moves forward (a background tick while
 * kubectl runs, explicit steps for node failure), so a 5 s grace period or a
 * 50 s node-monitor grace period pass in a moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import type { Cluster } from '../../../sandbox/providers/types.ts';
import type { SimCluster } from '../../../sandbox/providers/sim/index.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { withSnapshots } from '../../../sandbox/providers/sim/snapshot/snapshot.ts';
import { availableMinors, kubectlPath, runProcess, type KubectlResult } from '../sim/harness.ts';

// Simulated time starts an hour back so it stays behind kubectl's wall clock while it runs faster (ages stay valid).
const clock = new FakeClock(Date.now() - 3_600_000);
const provider = new SimProvider({ controlPlane: { clock } });
const snapshots = withSnapshots(provider);
let cluster: Cluster;
let sim: SimCluster;
let dir: string;
let env: Record<string, string>;

const id = `kl-${Math.random().toString(16).slice(2, 10)}`;

beforeAll(async () => {
  cluster = await snapshots.create({ id });
  sim = (await provider.simServer()).cluster(id)!;
  dir = mkdtempSync(join(tmpdir(), 'kslab-kubelet-it-'));
  writeFileSync(join(dir, 'kubeconfig'), cluster.kubeconfig());
  env = { KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache'), HOME: dir, KUBECTL_KUBERC: 'false' };
});
afterAll(async () => {
  await cluster?.destroy();
  await provider.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** kubectl runs kubectl 1.33 while simulated time runs 10× faster than the test's wall clock. */
async function kubectl(args: string[], stdin?: string): Promise<KubectlResult> {
  let done = false;
  const tick = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 20));
      if (!done) clock.advance(200);
    }
  })();
  try {
    return await runProcess(kubectlPath(33), args, env, stdin, 60_000, dir);
  } finally {
    done = true;
    await tick;
  }
}

async function out(args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} (exit ${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** until advances simulated time in 1 s steps until check passes (at most maxMs). */
async function until(check: () => boolean | Promise<boolean>, maxMs = 120_000): Promise<void> {
  for (let t = 0; t <= maxMs; t += 1000) {
    if (await check()) return;
    await sim.controllers.advance(1000, 500);
  }
  throw new Error('condition not reached in simulated time');
}

const pod = (name: string): any => sim.store.get({ group: '', resource: 'pods' }, 'default', name);
const podsOf = (app: string): any[] => sim.store.list({ group: '', resource: 'pods' }, 'default').filter((p: any) => p.metadata.labels?.app === app);
const running = (p: any) => p?.status?.phase === 'Running' && p.status.containerStatuses?.every((c: any) => c.ready);
const lesson = (path: string) => readFileSync(join('lessons', path), 'utf8');

/** mysqlReady: the entrypoint's temporary server is gone and mysqld listens on 3306 (its log says so). */
async function mysqlReady(): Promise<void> {
  await until(async () => (await kubectl(['logs', 'deploy/mysql'])).stdout.includes('port: 3306'), 300_000);
}

/** debugNode runs `kubectl debug node/NODE -- sh -c SCRIPT` and returns what it printed. */
async function debugNode(node: string, script: string): Promise<string> {
  const created = await out(['debug', `node/${node}`, '--image=busybox:1.36', '--profile=general', '--', 'sh', '-c', script]);
  const name = /pod (node-debugger-\S+)/.exec(created)?.[1] ?? /(node-debugger-[a-z0-9-]+)/.exec(created)?.[1];
  expect(name, created).toBeTruthy();
  await until(() => ['Succeeded', 'Failed'].includes(pod(name!)?.status?.phase));
  const logs = await out(['logs', name!]);
  await out(['delete', 'pod', name!, '--wait=false']);
  return logs;
}

describe.skipIf(availableMinors([33]).length === 0)('lessons on the simulated nodes, through kubectl 1.33', () => {
  it('lesson 1: the consumer reads "hello world"; the emptyDir exists on the node while the pod lives and is gone after', async () => {
    await out(['apply', '-f', '-'], lesson('01-emptydir/manifests/producer-consumer.yaml'));
    await until(() => running(pod('producer-consumer')));
    await until(async () => (await out(['logs', 'producer-consumer', '-c', 'consumer'])) === 'hello world\n');
    const p = pod('producer-consumer');
    const volDir = `/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~empty-dir/shared-volume`;
    expect(await debugNode(p.spec.nodeName, `cat /host${volDir}/hello`)).toBe('hello world\n');
    expect(await out(['get', 'pod', 'producer-consumer', '--no-headers'])).toMatch(/^producer-consumer\s+2\/2\s+Running\s+0\s/);
    // Containers start one after another: the consumer finds busybox already pulled; events name their container (QA F1).
    const described = (await out(['describe', 'pod', 'producer-consumer'])).split('\nEvents:\n')[1]!;
    const rows = described.split('\n').filter((l) => /kubelet/.test(l)).map((l) => l.trim().split(/\s{2,}/)).map((c) => `${c[1]}: ${c.slice(4).join(' ')}`);
    expect(rows).toEqual([
      'Pulling: Pulling image "busybox:1.36"',
      expect.stringMatching(/^Pulled: Successfully pulled image "busybox:1\.36" in /),
      'Created: Created container: producer',
      'Started: Started container producer',
      'Pulled: Container image "busybox:1.36" already present on machine',
      'Created: Created container: consumer',
      'Started: Started container consumer',
    ]);
    const paths = (await out(['get', 'events', '-o', 'custom-columns=OBJ:.involvedObject.name,FP:.involvedObject.fieldPath,REASON:.reason', '--no-headers']))
      .split('\n')
      .filter((l) => l.startsWith('producer-consumer ') && /Started/.test(l))
      .map((l) => l.split(/\s+/)[1]);
    expect(paths).toEqual(['spec.containers{producer}', 'spec.containers{consumer}']);
    await out(['delete', 'pod', 'producer-consumer']);
    expect(pod('producer-consumer')).toBeUndefined();
    expect(await debugNode(p.spec.nodeName, `ls /host${volDir} 2>&1; echo end`)).toBe(`ls: /host${volDir}: No such file or directory\nend\n`);
  });

  it('lesson 2: MySQL on hostPath loses its database when the pod is rescheduled to the other node', async () => {
    await out(['apply', '-f', '-'], lesson('02-hostpath/manifests/mysql-hostpath.yaml'));
    await until(() => podsOf('mysql').some(running));
    await mysqlReady();
    await out(['exec', 'deploy/mysql', '--', 'mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE shop']);
    const first = podsOf('mysql')[0];
    expect(await out(['exec', 'deploy/mysql', '--', 'mysql', '-uroot', '-ppassword', '-e', 'SHOW DATABASES'])).toContain('shop');
    await out(['cordon', first.spec.nodeName]);
    await out(['delete', 'pod', first.metadata.name]);
    await until(() => podsOf('mysql').some((p) => running(p) && p.spec.nodeName !== first.spec.nodeName));
    await mysqlReady();
    expect(await out(['exec', 'deploy/mysql', '--', 'mysql', '-uroot', '-ppassword', '-e', 'SHOW DATABASES'])).not.toContain('shop');
    // The old node still has the database files in its /tmp/mysql.
    expect(existsSync(sim.storage.dataRoot.nodePath(first.spec.nodeName, '/tmp/mysql/shop'))).toBe(true);
    await out(['uncordon', first.spec.nodeName]);
    await out(['delete', 'deploy', 'mysql']);
    await until(() => podsOf('mysql').length === 0);
  });

  it('lesson 3: MySQL on an NFS claim keeps its database when its node powers off and the pod is replaced on the other worker', async () => {
    for (const f of ['mysql-pv.yaml', 'mysql-pvc.yaml', 'mysql-nfs.yaml']) await out(['apply', '-f', '-'], lesson(`03-nfs/manifests/${f}`));
    await until(() => podsOf('mysql').some(running));
    await mysqlReady();
    await out(['exec', 'deploy/mysql', '--', 'mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE orders']);
    const first = podsOf('mysql')[0];
    await cluster.powerOff(first.spec.nodeName);
    await until(() => podsOf('mysql').some((p) => running(p) && p.spec.nodeName !== first.spec.nodeName), 300_000);
    expect(pod(first.metadata.name).metadata.deletionTimestamp).toBeDefined();
    expect(await out(['get', 'pods', '-l', 'app=mysql', '--no-headers'])).toMatch(new RegExp(`${first.metadata.name}\\s+1/1\\s+Terminating`));
    let dbs = '';
    await until(async () => {
      const r = await kubectl(['exec', 'deploy/mysql', '--', 'mysql', '-uroot', '-ppassword', '-e', 'SHOW DATABASES']);
      dbs = r.stdout;
      return r.code === 0;
    }, 300_000);
    expect(dbs).toContain('orders');
    await cluster.powerOn(first.spec.nodeName);
    await until(() => pod(first.metadata.name) === undefined);
    await out(['delete', 'deploy', 'mysql']);
    await until(() => podsOf('mysql').length === 0);
  });

  it('lesson 4: an RBD-backed pod cannot start on a second node while the first holds the image (Multi-Attach)', async () => {
    const key = sim.storage.ceph.getKey('client.admin');
    await out(['create', 'secret', 'generic', 'csi-rbd-secret', '--from-literal=userID=admin', `--from-literal=userKey=${key}`]);
    for (const f of ['csi-rbd-sc.yaml', 'rbd-pvc.yaml', 'rbd-writer.yaml']) await out(['apply', '-f', '-'], lesson(`04-ceph-rbd/manifests/${f}`));
    await until(() => running(pod('rbd-writer')));
    await out(['apply', '-f', '-'], lesson('04-ceph-rbd/manifests/rbd-reader.yaml'));
    await sim.controllers.advance(10_000);
    expect(await out(['get', 'pod', 'rbd-reader', '--no-headers'])).toMatch(/^rbd-reader\s+0\/1\s+ContainerCreating\s/);
    expect(await out(['describe', 'pod', 'rbd-reader'])).toMatch(/Warning\s+FailedAttachVolume\s+.*Multi-Attach error for volume "pvc-[0-9a-f-]+" Volume is already used by pod\(s\) rbd-writer/);
    await out(['delete', 'pod', 'rbd-writer']);
    await until(() => running(pod('rbd-reader')));
    expect(await out(['logs', 'rbd-reader'])).toBe('hello from rbd\n');
  });

  it('lesson 6: kubectl debug node shows the local-path directory with the data', async () => {
    for (const f of ['lp-claim.yaml', 'lp-pod.yaml']) await out(['apply', '-f', '-'], lesson(`06-local-path/manifests/${f}`));
    await until(() => running(pod('lp-pod')));
    const listing = await debugNode('lab-worker2', 'ls /host/var/local-path-provisioner; cat /host/var/local-path-provisioner/*/hello');
    expect(listing).toMatch(/^pvc-[0-9a-f-]+_default_lp-claim\nhello from local-path\n$/);
  });

  it('a crashing command gives CrashLoopBackOff; logs --previous shows the last run', async () => {
    await out(['run', 'crash', '--image=busybox:1.36', '--', 'sh', '-c', 'echo try; exit 1']);
    await until(async () => /CrashLoopBackOff/.test(await out(['get', 'pod', 'crash', '--no-headers'])));
    expect(await out(['get', 'pod', 'crash', '--no-headers'])).toMatch(/^crash\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\d+[smh]\S* ago\)\s/);
    expect(await out(['logs', 'crash', '--previous'])).toBe('try\n');
    expect(await out(['describe', 'pod', 'crash'])).toMatch(/Back-off restarting failed container crash in pod crash_default/);
  });

  it('kubectl exec -i runs a shell script from stdin and returns its exit code', async () => {
    await out(['run', 'shell', '--image=busybox:1.36', '--', 'sleep', '86400']);
    await until(() => running(pod('shell')));
    const r = await kubectl(['exec', '-i', 'shell', '--', 'sh'], 'echo hi from $(hostname)\nmkdir -p /tmp/x && ls /tmp\nexit 3\n');
    expect(r.stdout).toBe('hi from shell\nx\n');
    expect(r.code).toBe(3);
  });

  it('snapshot → restore round-trips objects, files and the resourceVersion sequence; the kubeconfig stays valid', async () => {
    await out(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: keeper}
spec:
  nodeName: lab-worker
  terminationGracePeriodSeconds: 1
  containers:
  - {name: c, image: busybox:1.36, command: [sh, -c, 'echo kept > /node/kept; echo scratch > /scratch/s; sleep 86400'], volumeMounts: [{name: node, mountPath: /node}, {name: scratch, mountPath: /scratch}]}
  volumes:
  - {name: node, hostPath: {path: /srv/keep, type: DirectoryOrCreate}}
  - {name: scratch, emptyDir: {}}
`);
    await until(() => running(pod('keeper')));
    await until(async () => (await kubectl(['exec', 'keeper', '--', 'cat', '/scratch/s'])).stdout === 'scratch\n');
    const before = JSON.parse(await out(['get', 'pod', 'keeper', '-o', 'json']));
    const saveDir = join(dir, 'snap');
    await cluster.save!(saveDir);
    const savedRV = Number(JSON.parse(readFileSync(join(saveDir, 'sim-cluster.json'), 'utf8')).resourceVersion);
    await cluster.destroy();
    cluster = await snapshots.restore!({ id, dir: saveDir });
    sim = (await provider.simServer()).cluster(id)!;
    // The kubeconfig written before is still good.
    await until(() => running(pod('keeper')));
    const after = JSON.parse(await out(['get', 'pod', 'keeper', '-o', 'json']));
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(savedRV);
    expect(after.status.containerStatuses[0].restartCount).toBe(1);
    expect(await out(['exec', 'keeper', '--', 'cat', '/node/kept', '/scratch/s'])).toBe('kept\nscratch\n');
    expect(await out(['get', 'deploy,pvc', '-o', 'name'])).toContain('persistentvolumeclaim/rbd-pvc');
    // Ceph state and RBD image data came back too: the reader starts again on its node and reads the image.
    await until(() => running(pod('rbd-reader')));
    expect(await out(['logs', 'rbd-reader'])).toBe('hello from rbd\n');
  });
});
