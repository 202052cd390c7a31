// Proof suite for lesson 3 (NFS PV/PVC): reference solution and broken variants on fresh simulated clusters,
// plus the four exercises done another valid way than the lesson's manifests, which must pass too.
import { describe, expect, it } from 'vitest';
import lesson from '../../../lessons/03-nfs/exercises.ts';
import { applyYaml, deploymentReadyPod, execIn, power, step, until, waitFor, waitForMySQL } from '../../../sandbox/checks/index.ts';
import { freshCluster, proveLesson, summary, type SimBench } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));

/** claimFirst: the claim written with 1024Mi and pre-bound to mysql-pv by volumeName, applied before the volume exists. */
const claimFirst = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: mysql-pvc
  labels:
    team: library
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1024Mi
  storageClassName: nfs
  volumeName: mysql-pv
`;

/** volumeAlt: the volume written with 1024Mi, a trailing slash on the export path, and a label. */
const volumeAlt = `
apiVersion: v1
kind: PersistentVolume
metadata:
  name: mysql-pv
  labels:
    storage: nfs
spec:
  capacity:
    storage: 1024Mi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: nfs
  nfs:
    server: nfs
    path: /exports/mysql/
`;

/** mysqlAlt: Deployment mysql by hand: other labels and names, one key-less NoExecute toleration of 20 s (it covers both taints). */
const mysqlAlt = `
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
      tolerations:
        - operator: Exists
          effect: NoExecute
          tolerationSeconds: 20
      containers:
        - name: db
          image: mysql:8.4
          env:
            - name: MYSQL_ROOT_PASSWORD
              value: password
          volumeMounts:
            - name: data
              mountPath: /var/lib/mysql
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: mysql-pvc
`;

const SELECTOR = 'app.kubernetes.io/name=mysql';
const sql = (statement: string) => execIn('default', SELECTOR, ['mysql', '-uroot', '-ppassword', '-e', statement]);

async function expectPass(bench: SimBench, id: string) {
  const results = await bench.check(lesson.exercises.find((e) => e.id === id)!);
  expect(results.filter((r) => r.status !== 'pass').map((r) => r.id), summary(results)).toEqual([]);
}

describe.skipIf(!!process.env.KSLAB_PROOF_ONLY)('lesson nfs: correct work done another way passes', { timeout: 300_000 }, () => {
  it('claim before volume, 1024Mi, volumeName, a hand-written Deployment with a key-less toleration, then the failover', async () => {
    const bench = await freshCluster(lesson);
    try {
      await bench.run([
        applyYaml('apply the claim first', claimFirst),
        applyYaml('apply the volume', volumeAlt),
        waitFor('mysql-pv has a phase', async (v) => ['Available', 'Bound'].includes((await v.pv('mysql-pv'))?.status?.phase ?? ''), 60_000),
      ]);
      await expectPass(bench, 'nfs-pv-available');
      await bench.run([waitFor('mysql-pvc is Bound', async (v) => (await v.pvc('default', 'mysql-pvc'))?.status?.phase === 'Bound', 120_000)]);
      await expectPass(bench, 'nfs-bind-claim');
      await bench.run([
        applyYaml('apply the hand-written Deployment mysql', mysqlAlt),
        waitForMySQL('default', SELECTOR),
        sql('CREATE DATABASE library'),
        sql('CREATE TABLE library.books (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200))'),
        sql("INSERT INTO library.books (title) VALUES ('The Phoenix Project')"),
      ]);
      await expectPass(bench, 'nfs-mysql-on-claim');
      await bench.run([
        step('power off MySQL\'s node and wait for the replacement', async (ctx) => {
          const node = (await deploymentReadyPod(ctx.view, 'default', 'mysql'))!.spec!.nodeName!;
          await power(node, false).run(ctx);
          await until(ctx, `MySQL is ready on a node other than ${node}`, async () => {
            const p = await deploymentReadyPod(ctx.view, 'default', 'mysql');
            return !!p && p.spec!.nodeName !== node;
          }, 600_000);
        }),
        waitForMySQL('default', SELECTOR),
      ]);
      await expectPass(bench, 'nfs-survive-node-failure');
    } finally {
      await bench.close();
    }
  });
});
