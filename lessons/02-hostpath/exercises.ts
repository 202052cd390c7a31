/**
 * Lesson 2 exercises: MySQL on a hostPath directory, moved to the other
 * worker (where the database is missing) and brought back. Node A is the
 * worker whose /tmp/mysql holds the database, read on the node itself.
 */
import {
  applyFile,
  check,
  compareFields,
  cordon,
  databases,
  deploymentReadyPod,
  execIn,
  fail,
  isReady,
  otherWorker,
  pass,
  power,
  readyPod,
  show,
  step,
  until,
  WORKERS,
  waitForMySQL,
  type ClusterView,
  type LessonExercises,
  wrongNamespaceHint,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const MYSQL = 'app=mysql';
const DB = 'inventory';

/** mysqlPod is the ready pod of Deployment mysql, found through the Deployment's own selector (whatever labels the learner chose). */
const mysqlPod = (view: ClusterView) => deploymentReadyPod(view, NS, 'mysql');

/** samePath compares two absolute paths as the kubelet mounts them: "/tmp/mysql/" and "/tmp/mysql" are one directory. */
function samePath(a: string | undefined, b: string): boolean {
  const strip = (p: string) => p.replace(/\/+$/, '') || '/';
  return a !== undefined && strip(a) === strip(b);
}

/** nodeA is the worker whose /tmp/mysql/inventory exists (undefined when none has it). */
async function nodeA(view: ClusterView): Promise<string | undefined> {
  for (const node of WORKERS) {
    const n = await view.node(node);
    if (n?.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') continue;
    if (await view.nodePathExists(node, `/tmp/mysql/${DB}`)) return node;
  }
  return undefined;
}

/** noNodeA is the failure when no Ready worker holds the database; a worker that is not Ready (powered off) may hold it unseen. */
async function noNodeA(view: ClusterView) {
  const down: string[] = [];
  for (const node of WORKERS) {
    if ((await view.node(node))?.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True') down.push(node);
  }
  if (down.length) {
    return fail(
      `no Ready worker has /tmp/mysql/${DB}; not Ready: ${down.join(', ')}`,
      `${down.join(' and ')} is not Ready (powered off?), so its /tmp/mysql cannot be read, and neither can a pod there. This lesson moves MySQL by cordoning a node and deleting the pod, not by turning a node off: power ${down.join(' and ')} back on.`,
      { [`/tmp/mysql/${DB}`]: 'on a Ready worker' },
      { [`/tmp/mysql/${DB}`]: `on no Ready worker (${down.join(', ')} not Ready)` },
    );
  }
  return fail(`no worker has /tmp/mysql/${DB}`, `Do the first exercise first: run MySQL with hostPath /tmp/mysql and CREATE DATABASE ${DB}.`, { [`/tmp/mysql/${DB}`]: 'on node A' }, { [`/tmp/mysql/${DB}`]: 'on no node' });
}

async function showDatabases(view: ClusterView) {
  const pod = await mysqlPod(view);
  if (!pod) return { pod, error: 'Deployment mysql has no ready pod' };
  const dbs = await databases(view, NS, pod.metadata!.name!);
  if ('error' in dbs) return { pod, error: `MySQL in ${pod.metadata!.name} did not answer: ${dbs.error}` };
  return { pod, dbs };
}

const notReadyHint = 'Wait until the MySQL pod is 1/1 Running and `kubectl logs deploy/mysql` shows "ready for connections" with port: 3306.';

const deploymentHostPath = check('deployment-hostpath', 'Deployment mysql (apps/v1, 1 replica) mounts hostPath /tmp/mysql at /var/lib/mysql', async (view) => {
  const d = await view.deployment(NS, 'mysql');
  if (!d) return fail('Deployment default/mysql does not exist', await wrongNamespaceHint(view, 'Deployment', 'mysql', NS, 'Apply it with `kubectl apply -f mysql-hostpath.yaml`.'), { deployment: 'mysql' }, { deployment: '(none)' });
  const spec = d.spec!.template.spec!;
  const mount = spec.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => samePath(m.mountPath, '/var/lib/mysql'));
  const vol = spec.volumes?.find((v) => v.name === mount?.name);
  return compareFields('Deployment mysql', [
    { field: 'replicas', expected: '1', actual: String(d.spec?.replicas ?? 1), hint: 'Run exactly one MySQL replica.' },
    { field: '/var/lib/mysql volume', expected: 'hostPath', actual: vol ? (vol.hostPath ? 'hostPath' : 'another volume type') : undefined, hint: 'Mount a hostPath volume at /var/lib/mysql.' },
    { field: 'hostPath.path', expected: '/tmp/mysql', actual: vol?.hostPath?.path, matches: (a) => samePath(a, '/tmp/mysql'), hint: `The hostPath is ${show(vol?.hostPath?.path)}, but this lesson keeps MySQL's data in /tmp/mysql on the node.` },
  ]);
});

const mysqlReady = check('mysql-ready', 'Deployment mysql has one ready pod', async (view) => {
  const pod = await mysqlPod(view);
  if (pod) return pass(`pod ${pod.metadata!.name} is ready on ${pod.spec!.nodeName}`);
  return fail('Deployment mysql has no ready pod', notReadyHint, { readyPods: '1' }, { readyPods: '0' });
});

const databaseExists = check('database-exists', `SHOW DATABASES lists ${DB}`, async (view) => {
  const r = await showDatabases(view);
  if (!r.dbs) return fail(r.error, notReadyHint);
  if (r.dbs.includes(DB)) return pass(`MySQL in ${r.pod!.metadata!.name} lists ${DB}`);
  return fail(`SHOW DATABASES in ${r.pod!.metadata!.name}: ${r.dbs.join(', ')}`, `Create it: kubectl exec deploy/mysql -- mysql -uroot -ppassword -e "CREATE DATABASE ${DB}"`, { database: DB }, { database: 'missing' });
});

const databaseOnNode = check('database-on-node', `/tmp/mysql/${DB} exists on the node MySQL runs on`, async (view) => {
  const pod = await mysqlPod(view);
  if (!pod) return fail('Deployment mysql has no ready pod', notReadyHint);
  const node = pod.spec!.nodeName!;
  if (await view.nodePathExists(node, `/tmp/mysql/${DB}`)) return pass(`/tmp/mysql/${DB} exists on ${node}`);
  return fail(`/tmp/mysql/${DB} does not exist on ${node}`, `MySQL's data is not in /tmp/mysql on ${node}: mount hostPath /tmp/mysql at /var/lib/mysql and create the database ${DB}.`, { [`${node}:/tmp/mysql/${DB}`]: 'exists' }, { [`${node}:/tmp/mysql/${DB}`]: 'missing' });
});

const nodeACordoned = check('node-a-cordoned', 'node A (holding /tmp/mysql/inventory) is cordoned', async (view) => {
  const a = await nodeA(view);
  if (!a) return noNodeA(view);
  const n = await view.node(a);
  if (n?.spec?.unschedulable) return pass(`${a} is cordoned`);
  return fail(`${a} is schedulable`, `Cordon node A so the new pod cannot return there: kubectl cordon ${a}`, { [`${a} unschedulable`]: 'true' }, { [`${a} unschedulable`]: 'false' });
});

const mysqlOnB = check('mysql-on-node-b', 'MySQL\'s ready pod runs on node B', async (view) => {
  const a = await nodeA(view);
  if (!a) return noNodeA(view);
  const pod = await mysqlPod(view);
  if (!pod) return fail('Deployment mysql has no ready pod', notReadyHint);
  if (pod.spec!.nodeName === otherWorker(a)) return pass(`pod ${pod.metadata!.name} runs on ${pod.spec!.nodeName}`);
  return fail(`pod ${pod.metadata!.name} runs on ${pod.spec!.nodeName}`, `MySQL still runs on node A (${a}): with ${a} cordoned, delete the MySQL pod so the Deployment starts a new one on ${otherWorker(a)}.`, { node: otherWorker(a) }, { node: show(pod.spec!.nodeName) });
});

const databaseMissingOnB = check('database-missing-on-b', `SHOW DATABASES on node B does not list ${DB}`, async (view) => {
  const a = await nodeA(view);
  if (!a) return noNodeA(view);
  const r = await showDatabases(view);
  if (!r.dbs) return fail(r.error, notReadyHint);
  const node = r.pod!.spec!.nodeName;
  if (node === a) return fail(`MySQL runs on node A (${a})`, `MySQL is still next to its data on ${a}; move it to ${otherWorker(a)} first.`);
  if (!r.dbs.includes(DB)) return pass(`MySQL on ${node} lists ${r.dbs.join(', ')}: no ${DB}`);
  return fail(`MySQL on ${node} lists ${DB}`, `${node} has its own ${DB}: it was created there too, so this no longer shows the data staying behind. Drop it on ${node} or start over.`, { database: 'missing' }, { database: 'present' });
});

const dataStillOnA = check('data-still-on-a', `node A still has /tmp/mysql/${DB}`, async (view) => {
  const a = await nodeA(view);
  if (!a) return noNodeA(view);
  return pass(`/tmp/mysql/${DB} is still on ${a}`);
});

const workersUncordoned = check('workers-uncordoned', 'no worker node is cordoned', async (view) => {
  if (!(await nodeA(view))) return noNodeA(view);
  const cordoned = [];
  for (const w of WORKERS) if ((await view.node(w))?.spec?.unschedulable) cordoned.push(w);
  if (cordoned.length === 0) return pass('lab-worker and lab-worker2 are schedulable');
  return fail(`cordoned: ${cordoned.join(', ')}`, `Uncordon when done: kubectl uncordon ${cordoned.join(' ')}`, { cordoned: '(none)' }, { cordoned: cordoned.join(', ') });
});

const mysqlOnA = check('mysql-on-node-a', 'MySQL\'s ready pod runs on node A again', async (view) => {
  const a = await nodeA(view);
  if (!a) return noNodeA(view);
  const pod = await mysqlPod(view);
  if (!pod) return fail('Deployment mysql has no ready pod', notReadyHint);
  if (pod.spec!.nodeName === a) return pass(`pod ${pod.metadata!.name} runs on ${a}`);
  return fail(
    `pod ${pod.metadata!.name} runs on ${pod.spec!.nodeName}`,
    `Uncordoning ${a} does not move a running pod: Kubernetes never moves pods back by itself. Cordon ${pod.spec!.nodeName}, delete the MySQL pod so it starts on ${a}, then uncordon ${pod.spec!.nodeName}.`,
    { node: a },
    { node: show(pod.spec!.nodeName) },
  );
});

const databaseBack = check('database-back', `SHOW DATABASES lists ${DB} again`, async (view) => {
  const r = await showDatabases(view);
  if (!r.dbs) return fail(r.error, notReadyHint);
  if (r.dbs.includes(DB)) return pass(`MySQL on ${r.pod!.spec!.nodeName} lists ${DB}`);
  return fail(`MySQL on ${r.pod!.spec!.nodeName} does not list ${DB}`, `MySQL runs on ${r.pod!.spec!.nodeName}, whose /tmp/mysql does not hold ${DB}; put it back on the node that has its data.`, { database: DB }, { database: 'missing' });
});

/** moveMySQL deletes MySQL's pod and waits until it is ready on `target` (with the other worker cordoned by the caller). */
function moveMySQLTo(target: (view: ClusterView) => Promise<string>) {
  return step('delete the MySQL pod and wait until it is ready on the other node', async (ctx) => {
    const node = await target(ctx.view);
    const pod = await readyPod(ctx.view, NS, MYSQL);
    if (pod) await ctx.view.core.deleteNamespacedPod({ namespace: NS, name: pod.metadata!.name! });
    await until(ctx, `MySQL is ready on ${node}`, async () => {
      const p = (await ctx.view.pods(NS, MYSQL)).find((x) => isReady(x) && x.spec!.nodeName === node);
      return !!p;
    }, 300_000);
  });
}

const mustNodeA = async (view: ClusterView) => {
  const a = await nodeA(view);
  if (!a) throw new Error(`no worker has /tmp/mysql/${DB}`);
  return a;
};
const select1 = waitForMySQL(NS, MYSQL);

const lesson: LessonExercises = {
  lesson: 'hostpath',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'hostpath-mysql-database',
      title: 'Run MySQL on a hostPath volume and create a database',
      solve: [applyFile('manifests/mysql-hostpath.yaml'), select1, execIn(NS, MYSQL, ['mysql', '-uroot', '-ppassword', '-e', `CREATE DATABASE ${DB}`])],
      checks: [deploymentHostPath, mysqlReady, databaseExists, databaseOnNode],
      variants: [
        {
          name: 'mysql-hostpath-other-directory',
          steps: [applyFile('variants/mysql-hostpath-other-directory.yaml'), select1, execIn(NS, MYSQL, ['mysql', '-uroot', '-ppassword', '-e', `CREATE DATABASE ${DB}`])],
          fails: { 'deployment-hostpath': /hostPath is \/tmp\/mysql-data, but this lesson keeps MySQL's data in \/tmp\/mysql/, 'database-on-node': /not in \/tmp\/mysql on/ },
        },
        {
          name: 'database-not-created',
          steps: [applyFile('manifests/mysql-hostpath.yaml'), select1],
          fails: { 'database-exists': /Create it: kubectl exec deploy\/mysql/, 'database-on-node': /create the database inventory/ },
        },
      ],
    },
    {
      id: 'hostpath-move-node',
      title: 'Move MySQL to the other worker and lose sight of the data',
      solve: [cordon(mustNodeA), moveMySQLTo(async (v) => otherWorker(await mustNodeA(v))), select1],
      checks: [nodeACordoned, mysqlOnB, databaseMissingOnB, dataStillOnA],
      variants: [
        {
          name: 'cordoned-without-deleting-the-pod',
          steps: [cordon(mustNodeA)],
          fails: { 'mysql-on-node-b': /MySQL still runs on node A/, 'database-missing-on-b': /still next to its data/ },
        },
        {
          // The learner pulls node A's plug (lesson 3's failover) instead of cordoning it and deleting the pod.
          name: 'node-a-powered-off-instead-of-cordoned',
          steps: [
            step('power off node A and wait until it is NotReady', async (ctx) => {
              const a = await mustNodeA(ctx.view);
              await power(a, false).run(ctx);
              await until(ctx, `${a} is NotReady`, async () => (await ctx.view.node(a))?.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True', 300_000);
            }),
          ],
          fails: {
            'node-a-cordoned': /not Ready \(powered off\?\).*power lab-worker2? back on/,
            'mysql-on-node-b': /not Ready \(powered off\?\)/,
            'database-missing-on-b': /not Ready \(powered off\?\)/,
            'data-still-on-a': /not Ready \(powered off\?\)/,
          },
        },
        {
          // The learner cordons the worker MySQL does not run on, deletes the pod, and it comes back next to its data.
          name: 'cordoned-node-b-instead',
          steps: [cordon(async (v) => otherWorker(await mustNodeA(v))), moveMySQLTo(mustNodeA), select1],
          fails: { 'node-a-cordoned': /Cordon node A so the new pod cannot return there/, 'mysql-on-node-b': /MySQL still runs on node A/, 'database-missing-on-b': /still next to its data/ },
        },
      ],
    },
    {
      id: 'hostpath-bring-back',
      title: 'Bring MySQL back to the node that has its data',
      solve: [
        step('uncordon node A, cordon node B', async (ctx) => {
          const a = await mustNodeA(ctx.view);
          await cordon(a, false).run(ctx);
          await cordon(otherWorker(a), true).run(ctx);
        }),
        moveMySQLTo(mustNodeA),
        step('uncordon node B', async (ctx) => cordon(otherWorker(await mustNodeA(ctx.view)), false).run(ctx)),
        select1,
      ],
      checks: [workersUncordoned, mysqlOnA, databaseBack],
      variants: [
        {
          name: 'uncordoned-without-moving-the-pod',
          steps: [step('uncordon node A', async (ctx) => cordon(await mustNodeA(ctx.view), false).run(ctx))],
          fails: { 'mysql-on-node-a': /Uncordoning lab-worker2? does not move a running pod/, 'database-back': /whose \/tmp\/mysql does not hold inventory/ },
        },
        {
          // MySQL is back on node A, but node B was cordoned for the move and never uncordoned.
          name: 'node-b-left-cordoned',
          steps: [
            step('uncordon node A, cordon node B', async (ctx) => {
              const a = await mustNodeA(ctx.view);
              await cordon(a, false).run(ctx);
              await cordon(otherWorker(a), true).run(ctx);
            }),
            moveMySQLTo(mustNodeA),
            select1,
          ],
          fails: { 'workers-uncordoned': /Uncordon when done: kubectl uncordon lab-worker2?$/ },
        },
      ],
    },
  ],
};

export default lesson;
