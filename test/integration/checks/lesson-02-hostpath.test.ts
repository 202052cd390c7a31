// Proof suite for lesson 2 (hostPath): reference solution and broken variants on fresh simulated clusters,
// plus the three exercises done with a hand-written Deployment (other labels, other names), which must pass too.
import { describe, expect, it } from 'vitest';
import lesson from '../../../lessons/02-hostpath/exercises.ts';
import { applyYaml, cordon, deploymentReadyPod, execIn, isReady, otherWorker, step, until, waitForMySQL, type ClusterView, type SolveStep } from '../../../sandbox/checks/index.ts';
import { freshCluster, proveLesson, summary, type SimBench } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));

/** mysqlOtherLabels: Deployment mysql written by hand, app.kubernetes.io/name labels, container db, paths with a trailing slash. */
const mysqlOtherLabels = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mysql
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels:
      app.kubernetes.io/name: mysql
  template:
    metadata:
      labels:
        app.kubernetes.io/name: mysql
    spec:
      containers:
        - name: db
          image: mysql:8.4
          env:
            - name: MYSQL_ROOT_PASSWORD
              value: password
          volumeMounts:
            - name: data
              mountPath: /var/lib/mysql/
      volumes:
        - name: data
          hostPath:
            path: /tmp/mysql/
            type: DirectoryOrCreate
`;

const SELECTOR = 'app.kubernetes.io/name=mysql';
const nodeOf = async (view: ClusterView) => (await deploymentReadyPod(view, 'default', 'mysql'))!.spec!.nodeName!;

/** moveTo deletes MySQL's pod and waits until a ready one runs on the node `target` names. */
function moveTo(target: (view: ClusterView) => Promise<string>): SolveStep {
  return step('delete the MySQL pod and wait until it is ready on the target node', async (ctx) => {
    const node = await target(ctx.view);
    const pod = await deploymentReadyPod(ctx.view, 'default', 'mysql');
    if (pod) await ctx.view.core.deleteNamespacedPod({ namespace: 'default', name: pod.metadata!.name! });
    await until(ctx, `MySQL is ready on ${node}`, async () => (await ctx.view.pods('default', SELECTOR)).some((p) => isReady(p) && p.spec!.nodeName === node), 300_000);
  });
}

async function expectPass(bench: SimBench, id: string) {
  const results = await bench.check(lesson.exercises.find((e) => e.id === id)!);
  expect(results.filter((r) => r.status !== 'pass').map((r) => r.id), summary(results)).toEqual([]);
}

describe.skipIf(!!process.env.KSLAB_PROOF_ONLY)('lesson hostpath: correct work done another way passes', { timeout: 300_000 }, () => {
  it('all three exercises with a hand-written Deployment mysql (other labels, container name, trailing slashes)', async () => {
    const bench = await freshCluster(lesson);
    try {
      let nodeA = '';
      await bench.run([
        applyYaml('apply the hand-written Deployment mysql', mysqlOtherLabels),
        waitForMySQL('default', SELECTOR),
        execIn('default', SELECTOR, ['mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE inventory']),
        step('note node A', async (ctx) => void (nodeA = await nodeOf(ctx.view))),
      ]);
      await expectPass(bench, 'hostpath-mysql-database');
      await bench.run([cordon(async () => nodeA), moveTo(async () => otherWorker(nodeA)), waitForMySQL('default', SELECTOR)]);
      await expectPass(bench, 'hostpath-move-node');
      await bench.run([cordon(async () => nodeA, false), cordon(async () => otherWorker(nodeA)), moveTo(async () => nodeA), cordon(async () => otherWorker(nodeA), false), waitForMySQL('default', SELECTOR)]);
      await expectPass(bench, 'hostpath-bring-back');
    } finally {
      await bench.close();
    }
  });
});
