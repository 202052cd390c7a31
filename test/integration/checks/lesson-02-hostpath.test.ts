// Proof suite for lesson 2 (hostPath): reference solution and broken variants on fresh simulated clusters,
// plus the three exercises done with a hand-written Deployment (other labels, other names), which must pass too.
import { describe, expect, it } from 'vitest';
import lesson from '../../../lessons/02-hostpath/exercises.ts';
import { applyYaml, cordon, deploymentPods, deploymentReadyPod, execInPod, isReady, mysqlServes, otherWorker, step, until, waitFor, type ClusterView, type SolveStep } from '../../../sandbox/checks/index.ts';
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

/** mysqlClient: an unrelated bare pod that carries the same label as the Deployment's pods (a learner's client pod). */
const mysqlClient = `
apiVersion: v1
kind: Pod
metadata:
  name: mysql-client
  labels:
    app.kubernetes.io/name: mysql
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: client
      image: busybox:1.36
      command: ["sleep", "3600000"]
`;

/** mysqlServing waits until Deployment mysql's own ready pod serves on port 3306 (not the look-alike client pod). */
const mysqlServing = waitFor('Deployment mysql serves on port 3306', async (v) => {
  const pod = await deploymentReadyPod(v, 'default', 'mysql');
  return !!pod && (await mysqlServes(v, 'default', pod.metadata!.name!));
}, 300_000);
const nodeOf = async (view: ClusterView) => (await deploymentReadyPod(view, 'default', 'mysql'))!.spec!.nodeName!;

/** moveTo deletes MySQL's pod and waits until a ready one runs on the node `target` names. */
function moveTo(target: (view: ClusterView) => Promise<string>): SolveStep {
  return step('delete the MySQL pod and wait until it is ready on the target node', async (ctx) => {
    const node = await target(ctx.view);
    const pod = await deploymentReadyPod(ctx.view, 'default', 'mysql');
    if (pod) await ctx.view.core.deleteNamespacedPod({ namespace: 'default', name: pod.metadata!.name! });
    await until(ctx, `MySQL is ready on ${node}`, async () => (await deploymentPods(ctx.view, 'default', 'mysql')).some((p) => isReady(p) && p.spec!.nodeName === node), 300_000);
  });
}

async function expectPass(bench: SimBench, id: string) {
  const results = await bench.check(lesson.exercises.find((e) => e.id === id)!);
  expect(results.filter((r) => r.status !== 'pass').map((r) => r.id), summary(results)).toEqual([]);
}

describe.skipIf(!!process.env.KSLAB_PROOF_ONLY)('lesson hostpath: correct work done another way passes', { timeout: 300_000 }, () => {
  it('all three exercises with a hand-written Deployment mysql (other labels, container name, trailing slashes) next to a bare pod with the same label', async () => {
    const bench = await freshCluster(lesson);
    try {
      let nodeA = '';
      await bench.run([
        applyYaml('apply a client pod with the same label', mysqlClient),
        applyYaml('apply the hand-written Deployment mysql', mysqlOtherLabels),
        mysqlServing,
        step('CREATE DATABASE inventory', async (ctx) => {
          const pod = (await deploymentReadyPod(ctx.view, 'default', 'mysql'))!.metadata!.name!;
          await execInPod('default', pod, ['mysql', '-uroot', '-ppassword', '-e', 'CREATE DATABASE inventory']).run(ctx);
        }),
        step('note node A', async (ctx) => void (nodeA = await nodeOf(ctx.view))),
      ]);
      await expectPass(bench, 'hostpath-mysql-database');
      await bench.run([cordon(async () => nodeA), moveTo(async () => otherWorker(nodeA)), mysqlServing]);
      await expectPass(bench, 'hostpath-move-node');
      await bench.run([cordon(async () => nodeA, false), cordon(async () => otherWorker(nodeA)), moveTo(async () => nodeA), cordon(async () => otherWorker(nodeA), false), mysqlServing]);
      await expectPass(bench, 'hostpath-bring-back');
    } finally {
      await bench.close();
    }
  });
});
