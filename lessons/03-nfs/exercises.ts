/**
 * Lesson 3 exercises: the NFS PersistentVolume, its claim, MySQL on the
 * claim, and the data surviving the loss of MySQL's node. The failover
 * exercise drives the node power API and reads the data back from MySQL.
 */
import {
  applyFile,
  check,
  compareFields,
  cordon,
  deleteObject,
  deploymentPods,
  deploymentReadyPod,
  execIn,
  fail,
  isReady,
  missing,
  mysqlError,
  mysqlQuery,
  namespacesHolding,
  needPower,
  otherWorker,
  pass,
  power,
  sameQuantity,
  show,
  step,
  until,
  waitFor,
  waitForMySQL,
  wrongNamespaceHint,
  type ClusterView,
  type LessonExercises,
  type V1Pod,
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

/** mysqlReadyPod is the ready MySQL pod of Deployment mysql, found through the Deployment's own selector (whatever labels the learner chose). */
const mysqlReadyPod = (view: ClusterView) => deploymentReadyPod(view, NS, 'mysql');

/** samePath compares two absolute paths as a mount sees them: "/exports/mysql/" and "/exports/mysql" are one directory. */
function samePath(a: string | undefined, b: string): boolean {
  const strip = (p: string) => p.replace(/\/+$/, '') || '/';
  return a !== undefined && strip(a) === strip(b);
}

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

/** reclaimHint names what a reclaim policy other than Retain would do to MySQL's data when its claim is deleted. */
function reclaimHint(policy: string | undefined): string {
  if (policy === 'Recycle') {
    return 'The reclaim policy is Recycle: when the claim is deleted, a recycler pod empties /exports/mysql and the volume becomes Available for anyone, and Recycle is deprecated. This data must outlive its claim: use Retain.';
  }
  return `The reclaim policy is ${show(policy)}, but this data must outlive its claim: use Retain (the in-tree NFS plugin cannot delete, so Delete would end Failed).`;
}

/** noClaim is the failure for a missing default/mysql-pvc; it says so when the claim was made in another namespace. */
async function noClaim(view: ClusterView) {
  const other = await namespacesHolding(view, 'PersistentVolumeClaim', 'mysql-pvc', NS);
  return missing(
    'PersistentVolumeClaim default/mysql-pvc',
    other.length
      ? `mysql-pvc exists in namespace ${other.join(', ')}, not in default, where MySQL (and this check) looks for it. A claim is namespaced: create it in default (kubectl apply -n default -f mysql-pvc.yaml) and delete the other one, which holds on to mysql-pv.`
      : 'Create it with `kubectl apply -f mysql-pvc.yaml`.',
  );
}

/** pvSpec compares mysql-pv with the article's volume. */
const pvSpec = check('pv-spec', 'mysql-pv is the article\'s 1Gi RWO Retain volume on nfs:/exports/mysql', async (view) => {
  const pv = await view.pv('mysql-pv');
  if (!pv) return missing('PersistentVolume mysql-pv', 'Create it with `kubectl apply -f mysql-pv.yaml`.');
  const s = pv.spec!;
  return compareFields('mysql-pv', [
    { field: 'capacity', expected: '1Gi', actual: s.capacity?.storage as string, matches: (a) => sameQuantity(a, '1Gi'), hint: 'The volume should offer exactly 1Gi (capacity.storage: 1Gi).' },
    { field: 'accessModes', expected: 'ReadWriteOnce', actual: show(s.accessModes), hint: 'The volume should promise only ReadWriteOnce, as in the article.' },
    { field: 'persistentVolumeReclaimPolicy', expected: 'Retain', actual: s.persistentVolumeReclaimPolicy, hint: reclaimHint(s.persistentVolumeReclaimPolicy) },
    { field: 'storageClassName', expected: 'nfs', actual: s.storageClassName, hint: 'The volume must be in class nfs, the class the claim will ask for.' },
    { field: 'nfs.server', expected: 'nfs', actual: s.nfs?.server, hint: s.nfs ? 'The NFS server of the lab is called nfs.' : 'The volume has no nfs source; it must point at server nfs.' },
    { field: 'nfs.path', expected: '/exports/mysql', actual: s.nfs?.path, matches: (a) => samePath(a, '/exports/mysql'), hint: `The volume points at ${show(s.nfs?.path)} on the NFS server, but MySQL's export is /exports/mysql.` },
  ]);
});

const pvPhase = check('pv-phase', 'mysql-pv is Available, or Bound to default/mysql-pvc', async (view) => {
  const first = await view.pv('mysql-pv');
  if (!first) return missing('PersistentVolume mysql-pv', 'Create it with `kubectl apply -f mysql-pv.yaml`.');
  let pv = first;
  // A volume created a moment ago is Pending until the PersistentVolume controller's first pass: give it a few seconds.
  for (let waited = 0; (!pv.status?.phase || pv.status.phase === 'Pending') && waited < 10_000; waited += 1000) {
    await view.sleep(1000);
    pv = (await view.pv('mysql-pv')) ?? pv;
  }
  const phase = pv.status?.phase;
  const ref = pv.spec?.claimRef ? `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : undefined;
  if (phase === 'Available' || (phase === 'Bound' && ref === `${NS}/mysql-pvc`)) return pass(`mysql-pv is ${phase}${ref ? ` to ${ref}` : ''}`);
  const hint =
    phase === 'Released'
      ? `mysql-pv is Released: it still remembers its old claim ${ref}. Remove spec.claimRef (kubectl patch, see "Retain in action") or delete and re-create the volume.`
      : phase === 'Bound'
        ? `mysql-pv is bound to ${ref}, not to default/mysql-pvc.`
        : phase === 'Pending' || !phase
          ? 'mysql-pv was only just created: the PersistentVolume controller makes a new volume Available within seconds. Check again.'
          : `mysql-pv is ${show(phase)}; look at \`kubectl describe pv mysql-pv\` for why.`;
  return fail(`mysql-pv is ${show(phase)}${ref ? ` (claim ${ref})` : ''}`, hint, { phase: 'Available or Bound to default/mysql-pvc' }, { phase: `${show(phase)}${ref ? ` to ${ref}` : ''}` });
});

const claimMatches = check('claim-matches-volume', 'mysql-pvc asks for what mysql-pv offers (class nfs, 1Gi, ReadWriteOnce)', async (view) => {
  const pvc = await view.pvc(NS, 'mysql-pvc');
  if (!pvc) return noClaim(view);
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
  if (!pvc) return noClaim(view);
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
  if (!d) return { error: missing('Deployment default/mysql', await wrongNamespaceHint(view, 'Deployment', 'mysql', NS, 'Create it with `kubectl apply -f mysql-nfs.yaml`.')) };
  const spec = d.spec!.template.spec!;
  const mount = spec.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => samePath(m.mountPath, '/var/lib/mysql'));
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
  // How long the pod stays on a node with this NoExecute taint, as the taint-eviction controller computes it
  // (GetMatchingTolerations, then getMinTolerationTime): a key-less `operator: Exists` toleration counts too, and the
  // shortest tolerationSeconds among the matching tolerations wins. Undefined: no toleration of the template's own
  // matches (the DefaultTolerationSeconds admission plugin then adds 300 s).
  // https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/tainteviction/taint_eviction.go
  const seconds = (key: string) => {
    const matching = (m.spec.tolerations ?? []).filter(
      (t) => (t.effect === 'NoExecute' || !t.effect) && (t.key === key || (!t.key && t.operator === 'Exists')) && (t.operator === 'Exists' || !t.value),
    );
    if (matching.length === 0) return undefined;
    const limited = matching.filter((t) => t.tolerationSeconds !== undefined && t.tolerationSeconds !== null).map((t) => Math.max(0, t.tolerationSeconds!));
    return limited.length ? String(Math.min(...limited)) : 'forever';
  };
  const ok = (a: string | undefined) => a !== undefined && a !== 'forever' && Number(a) <= 60;
  const hint = 'Without its own tolerations the pod gets tolerationSeconds: 300 from the DefaultTolerationSeconds admission plugin, so it would wait five minutes before leaving a dead node. Add NoExecute tolerations for node.kubernetes.io/unreachable and node.kubernetes.io/not-ready with tolerationSeconds of at most 60, as mysql-nfs.yaml does.';
  return compareFields('pod template tolerations', [
    { field: 'node.kubernetes.io/unreachable', expected: '≤ 60 s', actual: seconds('node.kubernetes.io/unreachable'), matches: ok, hint },
    { field: 'node.kubernetes.io/not-ready', expected: '≤ 60 s', actual: seconds('node.kubernetes.io/not-ready'), matches: ok, hint },
  ]);
});

const mysqlPodReady = check('mysql-ready', 'MySQL has one ready pod on the claim', async (view) => {
  const pods = (await deploymentPods(view, NS, 'mysql')).filter((p) => !p.metadata?.deletionTimestamp);
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

/** dataVolumeOf names what a pod spec mounts at /var/lib/mysql ("claim mysql-pvc", "hostPath /tmp/mysql", ...). */
function dataVolumeOf(spec: V1Pod['spec']): string | undefined {
  const mount = spec?.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => samePath(m.mountPath, '/var/lib/mysql'));
  const v = spec?.volumes?.find((x) => x.name === mount?.name);
  if (!v) return undefined;
  if (v.persistentVolumeClaim) return `claim ${v.persistentVolumeClaim.claimName}`;
  if (v.hostPath) return `hostPath ${v.hostPath.path.replace(/\/+$/, '')}`;
  return JSON.stringify({ ...v, name: undefined });
}

/**
 * earlierNodes: the nodes earlier pods of Deployment mysql ran on with the same data volume as the current pod,
 * oldest first. Pods are told by their ReplicaSet (a pod is named <replicaset>-<suffix>): only ReplicaSets the
 * current Deployment owns whose template mounts the same volume at /var/lib/mysql count, so lesson 2's hostPath
 * MySQL pods (another Deployment, or an older template of this one) are not "the node that held the data".
 * Node and time come from the scheduler's Scheduled events.
 */
async function earlierNodes(view: ClusterView, current: V1Pod): Promise<string[]> {
  const d = await view.deployment(NS, 'mysql');
  if (!d) return [];
  const data = dataVolumeOf(current.spec);
  const sets = (await view.apps.listNamespacedReplicaSet({ namespace: NS })).items.filter(
    (rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid) && dataVolumeOf(rs.spec?.template?.spec) === data,
  );
  const prefixes = sets.map((rs) => `${rs.metadata!.name}-`);
  const placed = await view.scheduledPods(NS);
  return placed.filter((p) => p.uid !== current.metadata!.uid && prefixes.some((x) => p.name.startsWith(x))).map((p) => p.node);
}

const movedNode = check('moved-to-other-node', 'a ready MySQL pod runs on a different node than the one that held the data', async (view) => {
  const pod = await mysqlReadyPod(view);
  const all = (await deploymentPods(view, NS, 'mysql')).filter((p) => !!p.spec?.nodeName);
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
  const before = await earlierNodes(view, pod);
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

/** mysqlPodsGone waits until Deployment mysql's pods (label app=mysql, lessons 2 and 3) are gone. */
const mysqlPodsGone = waitFor('no MySQL pod is left', async (v) => (await v.pods(NS, MYSQL)).length === 0, 300_000);

/**
 * lesson2ThenNoFailover replays lesson 2 in this namespace (its hostPath MySQL on one worker, then on the other,
 * then deleted), runs lesson 3's MySQL again on the first worker, and powers nothing off.
 */
function lesson2ThenNoFailover() {
  let first = '';
  return [
    deleteObject('apps/v1', 'Deployment', 'mysql', NS),
    mysqlPodsGone,
    applyFile('../02-hostpath/manifests/mysql-hostpath.yaml'),
    waitForMySQL(NS, MYSQL),
    step('lesson 2: cordon MySQL\'s node, move MySQL to the other worker, uncordon', async (ctx) => {
      const a = await mysqlNode(ctx.view);
      first = a;
      await cordon(a).run(ctx);
      const pod = await mysqlReadyPod(ctx.view);
      await ctx.view.core.deleteNamespacedPod({ namespace: NS, name: pod!.metadata!.name! });
      await until(ctx, `MySQL is ready on ${otherWorker(a)}`, async () => (await mysqlReadyPod(ctx.view))?.spec?.nodeName === otherWorker(a), 300_000);
      await cordon(a, false).run(ctx);
    }),
    deleteObject('apps/v1', 'Deployment', 'mysql', NS),
    mysqlPodsGone,
    step('lesson 3: run mysql-nfs.yaml again on the first worker', async (ctx) => {
      const b = otherWorker(first);
      await cordon(b).run(ctx);
      await applyFile('manifests/mysql-nfs.yaml').run(ctx);
      await waitForMySQL(NS, MYSQL).run(ctx);
      await cordon(b, false).run(ctx);
    }),
  ];
}

/** pvSettled waits until the PersistentVolume controller has given mysql-pv a phase (a new volume is Pending until then). */
const pvSettled = waitFor('mysql-pv is Available or Bound', async (v) => ['Available', 'Bound'].includes((await v.pv('mysql-pv'))?.status?.phase ?? ''), 60_000);

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
        { name: 'pv-wrong-export-path', steps: [applyFile('variants/pv-wrong-export-path.yaml'), pvSettled], fails: { 'pv-spec': /points at \/exports\/data on the NFS server, but MySQL's export is \/exports\/mysql/ } },
        { name: 'pv-reclaim-delete', steps: [applyFile('variants/pv-reclaim-delete.yaml'), pvSettled], fails: { 'pv-spec': /reclaim policy is Delete, but this data must outlive its claim/ } },
        { name: 'pv-reclaim-recycle', steps: [applyFile('variants/pv-reclaim-recycle.yaml'), pvSettled], fails: { 'pv-spec': /reclaim policy is Recycle: when the claim is deleted, a recycler pod empties/ } },
        { name: 'pv-also-rwx', steps: [applyFile('variants/pv-also-rwx.yaml'), pvSettled], fails: { 'pv-spec': /should promise only ReadWriteOnce/ } },
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
          name: 'claim-in-other-namespace',
          steps: [applyFile('variants/claim-in-other-namespace.yaml'), waitFor('mysql-pvc in lab is Bound', async (v) => (await v.pvc('lab', 'mysql-pvc'))?.status?.phase === 'Bound', 60_000)],
          fails: { 'claim-matches-volume': /mysql-pvc exists in namespace lab, not in default/, 'claim-bound': /mysql-pvc exists in namespace lab, not in default/, 'volume-bound-to-claim': /not Bound to default\/mysql-pvc/ },
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
          name: 'powered-off-the-other-worker',
          steps: [
            step('power off the worker MySQL does not run on, and wait until it is NotReady', async (ctx) => {
              const other = otherWorker(await mysqlNode(ctx.view));
              await power(other, false).run(ctx);
              await until(ctx, `${other} is NotReady`, async () => (await ctx.view.node(other))?.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True', 300_000);
            }),
          ],
          fails: { 'moved-to-other-node': /MySQL still runs on lab-worker2?, the node that held it/ },
        },
        {
          // Lesson 2's hostPath MySQL ran on both workers in this namespace; lesson 3's MySQL never left its node.
          name: 'no-failover-after-lesson-2-mysql',
          steps: lesson2ThenNoFailover(),
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
