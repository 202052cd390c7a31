/**
 * Lesson 3 exercises: the NFS PersistentVolume, its claim, MySQL on the
 * claim, and the data surviving the loss of MySQL's node. The failover
 * exercise drives the node power API and reads the data back from MySQL.
 */
import {
  applyFile,
  check,
  compareFields,
  execIn,
  fail,
  isReady,
  missing,
  mysqlError,
  mysqlQuery,
  needPower,
  pass,
  power,
  readyPod,
  sameQuantity,
  show,
  step,
  until,
  waitFor,
  waitForMySQL,
  type ClusterView,
  type LessonExercises,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const MYSQL = 'app=mysql';
const BOOK = 'The Phoenix Project';

const mysqlStatements = [
  'CREATE DATABASE library',
  'CREATE TABLE library.books (title VARCHAR(200))',
  `INSERT INTO library.books VALUES ('${BOOK}')`,
];

/** storeBook runs the lesson's three statements in the MySQL pod (retrying until the server accepts connections). */
const storeBook = [waitForMySQL(NS, MYSQL), ...mysqlStatements.map((sql) => execIn(NS, MYSQL, ['mysql', '-uroot', '-ppassword', '-e', sql]))];

/** mysqlReadyPod is the ready MySQL pod of Deployment mysql. */
const mysqlReadyPod = (view: ClusterView) => readyPod(view, NS, MYSQL);

/** bookCheck reads library.books in the ready MySQL pod. */
async function bookCheck(view: ClusterView) {
  const pod = await mysqlReadyPod(view);
  if (!pod) {
    return fail('Deployment mysql has no ready pod to ask', 'Wait until the MySQL pod is Running and 1/1 ready (`kubectl get pods -l app=mysql -o wide`), then check again.');
  }
  const { rows, result } = await mysqlQuery(view, NS, pod.metadata!.name!, 'SELECT title FROM library.books');
  if (result.code !== 0) {
    const err = mysqlError(result);
    if (/Unknown database 'library'|doesn't exist/.test(err)) {
      return fail(`pod ${pod.metadata!.name} on ${pod.spec!.nodeName}: ${err}`, `MySQL on ${pod.spec!.nodeName} has no table library.books: its data directory is not the one you wrote to. Create the database, the table and the row as the lesson shows (if this is after the failover, the data did not follow the pod).`, { 'library.books': BOOK }, { 'library.books': 'missing' });
    }
    return fail(`pod ${pod.metadata!.name}: ${err}`, 'MySQL did not answer yet; wait for "ready for connections" with port: 3306 in `kubectl logs deploy/mysql` and check again.');
  }
  const titles = rows.map((r) => r[0]);
  if (!titles.includes(BOOK)) {
    return fail(`library.books in pod ${pod.metadata!.name} holds ${show(titles)}`, `The table exists but has no row with title '${BOOK}'; insert it with INSERT INTO library.books VALUES ('${BOOK}').`, { title: BOOK }, { title: show(titles) });
  }
  return pass(`SELECT title FROM library.books in pod ${pod.metadata!.name} on ${pod.spec!.nodeName} returns '${BOOK}'`);
}

/** pvSpec compares mysql-pv with the article's volume. */
const pvSpec = check('pv-spec', 'mysql-pv is the article\'s 1Gi RWO Retain volume on nfs:/exports/mysql', async (view) => {
  const pv = await view.pv('mysql-pv');
  if (!pv) return missing('PersistentVolume mysql-pv', 'Create it with `kubectl apply -f mysql-pv.yaml`.');
  const s = pv.spec!;
  return compareFields('mysql-pv', [
    { field: 'capacity', expected: '1Gi', actual: s.capacity?.storage as string, matches: (a) => sameQuantity(a, '1Gi'), hint: 'The volume should offer exactly 1Gi (capacity.storage: 1Gi).' },
    { field: 'accessModes', expected: 'ReadWriteOnce', actual: show(s.accessModes), hint: 'The volume should promise only ReadWriteOnce, as in the article.' },
    { field: 'persistentVolumeReclaimPolicy', expected: 'Retain', actual: s.persistentVolumeReclaimPolicy, hint: `The reclaim policy is ${show(s.persistentVolumeReclaimPolicy)}, but this data must outlive its claim: use Retain (the in-tree NFS plugin cannot delete, so Delete would end Failed).` },
    { field: 'storageClassName', expected: 'nfs', actual: s.storageClassName, hint: 'The volume must be in class nfs, the class the claim will ask for.' },
    { field: 'nfs.server', expected: 'nfs', actual: s.nfs?.server, hint: s.nfs ? 'The NFS server of the lab is called nfs.' : 'The volume has no nfs source; it must point at server nfs.' },
    { field: 'nfs.path', expected: '/exports/mysql', actual: s.nfs?.path, hint: `The volume points at ${show(s.nfs?.path)} on the NFS server, but MySQL's export is /exports/mysql.` },
  ]);
});

const pvPhase = check('pv-phase', 'mysql-pv is Available, or Bound to default/mysql-pvc', async (view) => {
  const pv = await view.pv('mysql-pv');
  if (!pv) return missing('PersistentVolume mysql-pv', 'Create it with `kubectl apply -f mysql-pv.yaml`.');
  const phase = pv.status?.phase;
  const ref = pv.spec?.claimRef ? `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : undefined;
  if (phase === 'Available' || (phase === 'Bound' && ref === `${NS}/mysql-pvc`)) return pass(`mysql-pv is ${phase}${ref ? ` to ${ref}` : ''}`);
  const hint =
    phase === 'Released'
      ? `mysql-pv is Released: it still remembers its old claim ${ref}. Remove spec.claimRef (kubectl patch, see "Retain in action") or delete and re-create the volume.`
      : phase === 'Bound'
        ? `mysql-pv is bound to ${ref}, not to default/mysql-pvc.`
        : `mysql-pv is ${show(phase)}; look at \`kubectl describe pv mysql-pv\` for why.`;
  return fail(`mysql-pv is ${show(phase)}${ref ? ` (claim ${ref})` : ''}`, hint, { phase: 'Available or Bound to default/mysql-pvc' }, { phase: `${show(phase)}${ref ? ` to ${ref}` : ''}` });
});

const claimMatches = check('claim-matches-volume', 'mysql-pvc asks for what mysql-pv offers (class nfs, 1Gi, ReadWriteOnce)', async (view) => {
  const pvc = await view.pvc(NS, 'mysql-pvc');
  if (!pvc) return missing('PersistentVolumeClaim default/mysql-pvc', 'Create it with `kubectl apply -f mysql-pvc.yaml`.');
  const s = pvc.spec!;
  const request = s.resources?.requests?.storage as string | undefined;
  const modes = s.accessModes ?? [];
  const cls = s.storageClassName;
  return compareFields('mysql-pvc', [
    {
      field: 'storageClassName',
      expected: 'nfs',
      actual: cls,
      hint:
        cls === 'standard'
          ? 'The claim got the default class "standard" (you left storageClassName out, so the DefaultStorageClass admission plugin filled it in): it can never bind to mysql-pv, whose class is nfs. Write storageClassName: nfs in the claim.'
          : `The claim asks for class "${show(cls)}" but mysql-pv is in class "nfs"; a claim only binds to a volume of the same class.`,
    },
    {
      field: 'request',
      expected: '1Gi',
      actual: request,
      matches: (a) => sameQuantity(a, '1Gi'),
      hint: `The claim requests ${show(request)} but mysql-pv offers only 1Gi; a volume must be at least as large as the request.`,
    },
    {
      field: 'accessModes',
      expected: 'ReadWriteOnce',
      actual: show(modes),
      hint: `The claim asks for ${show(modes)} but the volume only offers ReadWriteOnce; a volume must offer every access mode the claim asks for.`,
    },
  ]);
});

const claimBound = check('claim-bound', 'mysql-pvc is Bound to mysql-pv', async (view) => {
  const pvc = await view.pvc(NS, 'mysql-pvc');
  if (!pvc) return missing('PersistentVolumeClaim default/mysql-pvc', 'Create it with `kubectl apply -f mysql-pvc.yaml`.');
  const phase = pvc.status?.phase;
  const vol = pvc.spec?.volumeName;
  if (phase === 'Bound' && vol === 'mysql-pv') return pass('mysql-pvc is Bound to mysql-pv');
  const hint =
    phase === 'Pending'
      ? 'The claim is Pending: no volume satisfies it. Compare it with `kubectl get pv` column by column (capacity, access modes, class).'
      : vol
        ? `The claim is bound to ${vol}, not to mysql-pv: it got another volume (often one provisioned for the default class). Delete the claim and create it with storageClassName: nfs.`
        : `The claim is ${show(phase)}.`;
  return fail(`mysql-pvc is ${show(phase)}${vol ? ` to ${vol}` : ''}`, hint, { phase: 'Bound', volumeName: 'mysql-pv' }, { phase: show(phase), volumeName: show(vol) });
});

const volumeBound = check('volume-bound-to-claim', 'mysql-pv is Bound with claimRef default/mysql-pvc', async (view) => {
  const pv = await view.pv('mysql-pv');
  if (!pv) return missing('PersistentVolume mysql-pv', 'Create the volume first (previous exercise).');
  const ref = pv.spec?.claimRef ? `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : undefined;
  if (pv.status?.phase === 'Bound' && ref === `${NS}/mysql-pvc`) return pass('mysql-pv is Bound to default/mysql-pvc');
  return fail(
    `mysql-pv is ${show(pv.status?.phase)}${ref ? ` with claimRef ${ref}` : ''}`,
    pv.status?.phase === 'Available' ? 'mysql-pv is still Available: the claim did not bind to it (see the claim check).' : `mysql-pv is ${show(pv.status?.phase)}${ref ? ` (claim ${ref})` : ''}, not Bound to default/mysql-pvc.`,
    { phase: 'Bound', claimRef: `${NS}/mysql-pvc` },
    { phase: show(pv.status?.phase), claimRef: show(ref) },
  );
});

/** claimVolumeOf finds the claim mounted at /var/lib/mysql in Deployment mysql's pod template. */
async function mysqlDeployment(view: ClusterView) {
  const d = await view.deployment(NS, 'mysql');
  if (!d) return { error: missing('Deployment default/mysql', 'Create it with `kubectl apply -f mysql-nfs.yaml`.') };
  const spec = d.spec!.template.spec!;
  const mount = spec.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.mountPath === '/var/lib/mysql');
  const volume = spec.volumes?.find((v) => v.name === mount?.name);
  return { d, spec, mount, volume };
}

const deploymentUsesClaim = check('deployment-uses-claim', 'Deployment mysql (1 replica) mounts the claim mysql-pvc at /var/lib/mysql', async (view) => {
  const m = await mysqlDeployment(view);
  if ('error' in m) return m.error!;
  const source = m.volume?.persistentVolumeClaim ? `claim ${m.volume.persistentVolumeClaim.claimName}` : m.volume?.hostPath ? `hostPath ${m.volume.hostPath.path}` : m.volume?.emptyDir ? 'emptyDir' : m.volume ? 'another volume type' : undefined;
  return compareFields('Deployment mysql', [
    { field: 'replicas', expected: '1', actual: String(m.d.spec?.replicas ?? 1), hint: 'Run exactly one MySQL replica: two servers must never share one data directory.' },
    {
      field: '/var/lib/mysql',
      expected: 'claim mysql-pvc',
      actual: source,
      hint: m.volume?.hostPath ? 'MySQL still keeps its data on the node (hostPath, lesson 2); mount the claim mysql-pvc instead.' : 'Mount the claim mysql-pvc at /var/lib/mysql (volumes: persistentVolumeClaim: claimName: mysql-pvc).',
    },
  ]);
});

const shortTolerations = check('tolerations-short', 'the pod template tolerates unreachable/not-ready for at most 60 s', async (view) => {
  const m = await mysqlDeployment(view);
  if ('error' in m) return m.error!;
  const seconds = (key: string) => {
    const t = (m.spec.tolerations ?? []).find((x) => x.key === key && (x.effect === 'NoExecute' || !x.effect));
    return t ? (t.tolerationSeconds === undefined ? 'forever' : String(t.tolerationSeconds)) : undefined;
  };
  const ok = (a: string | undefined) => a !== undefined && a !== 'forever' && Number(a) <= 60;
  const hint = 'Without its own tolerations the pod gets tolerationSeconds: 300 from the DefaultTolerationSeconds admission plugin, so it would wait five minutes before leaving a dead node. Add NoExecute tolerations for node.kubernetes.io/unreachable and node.kubernetes.io/not-ready with tolerationSeconds of at most 60, as mysql-nfs.yaml does.';
  return compareFields('pod template tolerations', [
    { field: 'node.kubernetes.io/unreachable', expected: '≤ 60 s', actual: seconds('node.kubernetes.io/unreachable'), matches: ok, hint },
    { field: 'node.kubernetes.io/not-ready', expected: '≤ 60 s', actual: seconds('node.kubernetes.io/not-ready'), matches: ok, hint },
  ]);
});

const mysqlPodReady = check('mysql-ready', 'MySQL has one ready pod on the claim', async (view) => {
  const pods = (await view.pods(NS, MYSQL)).filter((p) => !p.metadata?.deletionTimestamp);
  const ready = pods.filter(isReady);
  if (ready.length === 1) return pass(`pod ${ready[0]!.metadata!.name} is ready on ${ready[0]!.spec!.nodeName}`);
  if (pods.length === 0) return fail('Deployment mysql has no pods', 'Apply mysql-nfs.yaml; if it is applied, `kubectl describe deploy mysql` says why no pod exists.', { readyPods: '1' }, { readyPods: '0' });
  const p = pods[0]!;
  const waiting = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
  return fail(
    `pod ${p.metadata!.name} is ${p.status?.phase}${waiting ? ` (${waiting})` : ''}`,
    p.status?.phase === 'Pending' && !p.spec?.nodeName
      ? 'The pod is not scheduled; `kubectl describe pod` shows why (an unbound claim keeps it Pending).'
      : 'Wait until the pod is Running and ready; `kubectl describe pod -l app=mysql` and its events say what it waits for.',
    { readyPods: '1' },
    { readyPods: String(ready.length) },
  );
});

const bookStored = check('book-stored', `library.books holds '${BOOK}'`, bookCheck);

/** dataNodes: the nodes earlier MySQL pods ran on (the scheduler's Scheduled events), oldest first. */
async function earlierNodes(view: ClusterView, currentUid: string): Promise<string[]> {
  const placed = await view.scheduledPods(NS);
  return placed.filter((p) => p.name.startsWith('mysql-') && p.uid !== currentUid).map((p) => p.node);
}

const movedNode = check('moved-to-other-node', 'a ready MySQL pod runs on a different node than the one that held the data', async (view) => {
  const pod = await mysqlReadyPod(view);
  const all = (await view.pods(NS, MYSQL)).filter((p) => !!p.spec?.nodeName);
  if (!pod) {
    const stuck = all[0];
    return fail(
      'Deployment mysql has no ready pod',
      stuck
        ? `MySQL's pod ${stuck.metadata!.name} on ${stuck.spec!.nodeName} is not ready${stuck.metadata?.deletionTimestamp ? ' (Terminating)' : ''}. After powering off its node, wait about 50 s for NotReady plus the pod's tolerationSeconds; the replacement then starts on the other worker.`
        : 'Deployment mysql has no pod; run the previous exercise first.',
      { readyPodNode: 'the other worker' },
      { readyPodNode: '(none)' },
    );
  }
  const node = pod.spec!.nodeName!;
  const before = await earlierNodes(view, pod.metadata!.uid!);
  const elsewhere = before.filter((n) => n !== node);
  if (elsewhere.length > 0) return pass(`pod ${pod.metadata!.name} is ready on ${node}; MySQL ran on ${elsewhere[elsewhere.length - 1]} before`);
  return fail(
    `pod ${pod.metadata!.name} is ready on ${node}, where MySQL ${before.length ? 'already ran' : 'first started'}`,
    `MySQL still runs on ${node}, the node that held it when you stored the book. Power ${node} off with its button in the terminal pane and wait until the replacement is ready on the other worker.`,
    { node: `not ${node}` },
    { node },
  );
});

const stillOnClaim = check('still-on-claim', 'Deployment mysql still uses mysql-pvc, bound to mysql-pv', async (view) => {
  const m = await mysqlDeployment(view);
  if ('error' in m) return m.error!;
  const pvc = await view.pvc(NS, 'mysql-pvc');
  return compareFields('MySQL storage', [
    { field: 'claim', expected: 'mysql-pvc', actual: m.volume?.persistentVolumeClaim?.claimName, hint: 'Deployment mysql must keep mounting the claim mysql-pvc at /var/lib/mysql.' },
    { field: 'mysql-pvc volume', expected: 'mysql-pv (Bound)', actual: pvc ? `${show(pvc.spec?.volumeName)} (${show(pvc.status?.phase)})` : undefined, hint: 'The claim mysql-pvc must stay Bound to mysql-pv; do not delete or re-create it during the failover.' },
  ]);
});

const dataSurvived = check('data-survived', `the book is still there after the failover`, bookCheck);

/** mysqlNode is the node of the ready MySQL pod ("node A" before the failover). */
async function mysqlNode(view: ClusterView): Promise<string> {
  const pod = await mysqlReadyPod(view);
  if (!pod) throw new Error('MySQL has no ready pod to take the node of');
  return pod.spec!.nodeName!;
}

/** failover: power off MySQL's node and wait until a replacement is ready on another node. */
const failover = [
  step('note MySQL\'s node and power it off', async (ctx) => {
    needPower(ctx);
    const node = await mysqlNode(ctx.view);
    ctx.log(`MySQL runs on ${node}`);
    await power(node, false).run(ctx);
    await until(ctx, `MySQL is ready on a node other than ${node}`, async () => {
      const p = await mysqlReadyPod(ctx.view);
      return !!p && p.spec!.nodeName !== node;
    }, 600_000);
  }),
  waitForMySQL(NS, MYSQL),
];

const lesson: LessonExercises = {
  lesson: 'nfs',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'nfs-pv-available',
      title: 'Create the NFS PersistentVolume',
      solve: [applyFile('manifests/mysql-pv.yaml')],
      checks: [pvSpec, pvPhase],
      variants: [
        { name: 'pv-wrong-export-path', steps: [applyFile('variants/pv-wrong-export-path.yaml')], fails: { 'pv-spec': /points at \/exports\/data on the NFS server, but MySQL's export is \/exports\/mysql/ } },
        { name: 'pv-reclaim-delete', steps: [applyFile('variants/pv-reclaim-delete.yaml')], fails: { 'pv-spec': /reclaim policy is Delete, but this data must outlive its claim/ } },
      ],
    },
    {
      id: 'nfs-bind-claim',
      title: 'Bind a claim to the NFS volume',
      solve: [applyFile('manifests/mysql-pvc.yaml'), waitFor('mysql-pvc is Bound', async (v) => (await v.pvc(NS, 'mysql-pvc'))?.status?.phase === 'Bound', 60_000)],
      checks: [claimMatches, claimBound, volumeBound],
      variants: [
        {
          name: 'claim-wrong-class',
          steps: [applyFile('variants/claim-wrong-class.yaml')],
          fails: { 'claim-matches-volume': /asks for class "nfs-storage" but mysql-pv is in class "nfs"/, 'claim-bound': /Pending: no volume satisfies it/, 'volume-bound-to-claim': /still Available/ },
        },
        {
          name: 'claim-too-large',
          steps: [applyFile('variants/claim-too-large.yaml')],
          fails: { 'claim-matches-volume': /requests 2Gi but mysql-pv offers only 1Gi/, 'claim-bound': /Pending: no volume satisfies it/, 'volume-bound-to-claim': /still Available/ },
        },
        {
          name: 'claim-rwx-against-rwo-volume',
          steps: [applyFile('variants/claim-rwx-against-rwo-volume.yaml')],
          fails: { 'claim-matches-volume': /asks for ReadWriteMany but the volume only offers ReadWriteOnce/, 'claim-bound': /Pending: no volume satisfies it/, 'volume-bound-to-claim': /still Available/ },
        },
        {
          name: 'claim-without-class',
          steps: [applyFile('variants/claim-without-class.yaml')],
          fails: { 'claim-matches-volume': /got the default class "standard"/, 'claim-bound': /Pending: no volume satisfies it/, 'volume-bound-to-claim': /still Available/ },
        },
      ],
    },
    {
      id: 'nfs-mysql-on-claim',
      title: 'Run MySQL on the claim and store some data',
      solve: [applyFile('manifests/mysql-nfs.yaml'), ...storeBook],
      checks: [deploymentUsesClaim, shortTolerations, mysqlPodReady, bookStored],
      variants: [
        { name: 'mysql-default-tolerations', steps: [applyFile('variants/mysql-default-tolerations.yaml'), ...storeBook], fails: { 'tolerations-short': /tolerationSeconds: 300 from the DefaultTolerationSeconds admission plugin/ } },
        {
          name: 'book-never-inserted',
          steps: [applyFile('manifests/mysql-nfs.yaml'), ...storeBook.slice(0, 3)],
          fails: { 'book-stored': /has no row with title 'The Phoenix Project'/ },
        },
      ],
    },
    {
      id: 'nfs-survive-node-failure',
      title: 'Keep the data through a node failure',
      solve: failover,
      checks: [movedNode, stillOnClaim, dataSurvived],
      variants: [
        {
          name: 'checked-before-the-node-failed',
          steps: [],
          fails: { 'moved-to-other-node': /MySQL still runs on lab-worker2?, the node that held it/ },
        },
        {
          name: 'mysql-on-hostpath',
          steps: [applyFile('variants/mysql-on-hostpath.yaml'), ...storeBook, ...failover],
          fails: { 'still-on-claim': /must keep mounting the claim mysql-pvc/, 'data-survived': /has no table library.books/ },
        },
      ],
    },
  ],
};

export default lesson;
