/**
 * Lesson 7 (capstone) exercises: the same app on local-path, NFS and Ceph
 * RBD; pod deletion, two replicas and a node failure; and the learner's
 * survival matrix (ConfigMap survival-matrix), which the checks compare
 * with what the cluster itself shows: each app's /data/starts.log, where
 * the scheduler put its pods, and the events (Multi-Attach, FailedScheduling,
 * NodeNotReady, ScalingReplicaSet) of what happened.
 */
import {
  applyFile,
  applyYaml,
  check,
  compareFields,
  cordon,
  fail,
  isReady,
  missing,
  pass,
  power,
  readyPod,
  show,
  step,
  until,
  waitFor,
  type CheckOutcome,
  type ClusterView,
  type LessonExercises,
  type SolveContext,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const APPS = [
  { kind: 'local-path', app: 'app-local', claim: 'data-local' },
  { kind: 'nfs', app: 'app-nfs', claim: 'data-nfs' },
  { kind: 'rbd', app: 'app-rbd', claim: 'data-rbd' },
] as const;
type App = (typeof APPS)[number];
const TESTS = ['pod-deletion', 'two-replicas', 'node-failure'] as const;
type Test = (typeof TESTS)[number];
const ALLOWED: Record<Test, string[]> = {
  'pod-deletion': ['survives', 'lost'],
  'two-replicas': ['both-run-two-nodes', 'both-run-same-node', 'second-stuck'],
  'node-failure': ['runs-elsewhere', 'waits-for-node', 'waits-for-detach', 'lost'],
};

/**
 * answerOf reads one answer of survival-matrix; "Survives" or " lost " mean the same as the listed
 * values, so case and surrounding blanks do not count against the learner.
 */
function answerOf(data: Record<string, string> | undefined, key: string): string | undefined {
  const v = data?.[key];
  return v === undefined ? undefined : v.trim().toLowerCase();
}

/** startsLog reads an app's /data/starts.log in its ready pod: one "DATE POD started on NODE" line per start. */
async function startsLog(view: ClusterView, a: App): Promise<{ pod: string; node: string }[] | undefined> {
  const pod = await readyPod(view, NS, `app=${a.app}`);
  if (!pod) return undefined;
  const r = await view.exec(NS, pod.metadata!.name!, undefined, ['cat', '/data/starts.log']);
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => / (\S+) started on (\S+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ pod: m[1]!, node: m[2]! }));
}

const time = (t: unknown) => (t ? new Date(t as string).getTime() : 0);

/** Evidence is what the cluster shows about one app, gathered once per check. */
interface Evidence {
  log?: { pod: string; node: string }[];
  scheduled: { name: string; node: string; at: number }[];
  multiAttachAt: number[];
  affinityConflictAt: number[];
  scaledToTwo: boolean;
}

async function evidence(view: ClusterView, a: App): Promise<Evidence> {
  const prefix = `${a.app}-`;
  const events = await view.namespaceEvents(NS);
  const ofApp = events.filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name?.startsWith(prefix));
  const at = (e: (typeof events)[number]) => time(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp);
  return {
    log: await startsLog(view, a),
    scheduled: (await view.scheduledPods(NS)).filter((p) => p.name.startsWith(prefix)),
    multiAttachAt: ofApp.filter((e) => e.reason === 'FailedAttachVolume' && /Multi-Attach/.test(e.message ?? '')).map(at),
    affinityConflictAt: ofApp.filter((e) => e.reason === 'FailedScheduling' && /volume node affinity conflict|didn't match PersistentVolume's node affinity/.test(e.message ?? '')).map(at),
    scaledToTwo: events.some((e) => e.reason === 'ScalingReplicaSet' && e.involvedObject.name === a.app && /Scaled up .* to 2$/.test(e.message ?? '')),
  };
}

/**
 * nodeFailedAt is when lab-worker went NotReady (its NodeNotReady event) after the capstone's apps first
 * ran, if it did. A failure from an earlier lesson in the same sandbox (lesson 3 powers a worker off) does
 * not count; its event is the same object when the node fails again (the recorder aggregates identical
 * events: count and lastTimestamp grow, firstTimestamp stays), so then the last time is the capstone's.
 */
async function nodeFailedAt(view: ClusterView): Promise<number | undefined> {
  const started = (await view.scheduledPods(NS)).filter((p) => APPS.some((a) => p.name.startsWith(`${a.app}-`))).map((p) => p.at);
  if (started.length === 0) return undefined;
  const since = Math.min(...started) - 1_000;
  const events = (await view.namespaceEvents(NS, 'NodeNotReady')).filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === 'lab-worker');
  for (const e of events) {
    const first = time(e.firstTimestamp ?? e.eventTime ?? e.lastTimestamp);
    if (first >= since) return first;
    const last = time(e.lastTimestamp ?? e.eventTime);
    if ((e.count ?? 1) > 1 && last >= since) return last;
  }
  return undefined;
}

/** Observed is what the cluster shows for one test of one app, or why it cannot tell yet. */
type Observed = { value: string; because: string } | { unknown: string };

function observedPodDeletion(ev: Evidence): Observed {
  if (!ev.log) return { unknown: 'the app has no ready pod to read /data/starts.log from' };
  const pods = new Set(ev.log.map((l) => l.pod));
  if (pods.size >= 2) return { value: 'survives', because: `/data/starts.log holds lines from ${pods.size} different pods` };
  if (ev.scheduled.length >= 2) return { value: 'lost', because: 'the pod was replaced but /data/starts.log holds only the new pod\'s line' };
  return { unknown: 'the app\'s pod has not been deleted and replaced yet' };
}

function observedTwoReplicas(ev: Evidence): Observed {
  if (!ev.scaledToTwo) return { unknown: 'the Deployment was never scaled to two replicas' };
  if (ev.multiAttachAt.length) return { value: 'second-stuck', because: 'a second pod got a Multi-Attach error (FailedAttachVolume)' };
  if (ev.scheduled.some((p) => p.node === 'lab-worker2')) return { value: 'both-run-two-nodes', because: 'a pod of it ran on lab-worker2 as well as lab-worker' };
  return { value: 'both-run-same-node', because: 'every pod of it ran on lab-worker' };
}

function observedNodeFailure(ev: Evidence, failedAt: number | undefined): Observed {
  if (failedAt === undefined) return { unknown: 'lab-worker has not been NotReady (power it off and wait about a minute)' };
  if (ev.multiAttachAt.some((t) => t >= failedAt)) return { value: 'waits-for-detach', because: 'after lab-worker failed, its replacement got a Multi-Attach error on lab-worker2' };
  if (ev.affinityConflictAt.some((t) => t >= failedAt)) return { value: 'waits-for-node', because: 'after lab-worker failed, its replacement could not be scheduled: volume node affinity conflict' };
  const movedPods = new Set(ev.scheduled.filter((p) => p.at >= failedAt && p.node === 'lab-worker2').map((p) => p.name));
  const started = ev.log?.filter((l) => movedPods.has(l.pod)) ?? [];
  if (started.length) {
    const older = ev.log!.filter((l) => !movedPods.has(l.pod));
    return older.length
      ? { value: 'runs-elsewhere', because: 'its replacement started on lab-worker2 and /data/starts.log kept the earlier lines' }
      : { value: 'lost', because: 'its replacement started on lab-worker2 without the earlier lines' };
  }
  return { unknown: 'its replacement has not done anything telling yet (watch it for two minutes after lab-worker is NotReady)' };
}

/** matrixCheck compares the learner's answers for one test with what the cluster shows. */
function matrixCheck(test: Test) {
  return check(`matrix-${test}`, `the three ${test} answers in survival-matrix match what the cluster showed`, async (view): Promise<CheckOutcome> => {
    const cm = await view.configMap(NS, 'survival-matrix');
    if (!cm) return missing('ConfigMap default/survival-matrix', 'Apply survival-matrix.yaml, then fill in your answers.');
    const failedAt = test === 'node-failure' ? await nodeFailedAt(view) : undefined;
    // With lab-worker2 still cordoned (from the pod-deletion test), no replacement can start anywhere.
    const cordoned = test !== 'pod-deletion' && !!(await view.node('lab-worker2'))?.spec?.unschedulable;
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    const hints: string[] = [];
    const seen: string[] = [];
    for (const a of APPS) {
      const key = `${a.kind}.${test}`;
      const answer = answerOf(cm.data, key);
      const ev = await evidence(view, a);
      const obs = test === 'pod-deletion' ? observedPodDeletion(ev) : test === 'two-replicas' ? observedTwoReplicas(ev) : observedNodeFailure(ev, failedAt);
      if ('unknown' in obs) {
        expected[key] = 'an answer the cluster can confirm';
        actual[key] = show(answer);
        hints.push(`${key}: the cluster cannot confirm any answer yet: ${obs.unknown}${cordoned ? ', and lab-worker2 is still cordoned, so no replacement can start there (kubectl uncordon lab-worker2)' : ''}.`);
        continue;
      }
      if (answer !== obs.value) {
        expected[key] = obs.value;
        actual[key] = show(answer);
        hints.push(
          answer === undefined || answer === '?'
            ? `${key} is not filled in; look at what ${a.app} did and record it.`
            : ALLOWED[test].includes(answer)
              ? `You recorded ${key}=${answer}, but the cluster shows ${obs.value}: ${obs.because}.`
              : `${key}=${answer} is not one of ${ALLOWED[test].join(', ')}.`,
        );
        continue;
      }
      seen.push(`${key}=${answer} (${obs.because})`);
    }
    if (hints.length === 0) return pass(seen.join('; '));
    return fail(`${Object.keys(expected).length} of 3 ${test} answers do not match`, hints.join(' '), expected, actual);
  });
}

const nfsPv = check('capstone-nfs-pv', 'capstone-nfs-pv: NFS nfs:/exports/capstone, class nfs-capstone, ReadWriteMany, bound to data-nfs', async (view) => {
  const pv = await view.pv('capstone-nfs-pv');
  if (!pv) return missing('PersistentVolume capstone-nfs-pv', 'Create it with `kubectl apply -f capstone-nfs-pv.yaml`.');
  return compareFields('capstone-nfs-pv', [
    { field: 'nfs', expected: 'nfs:/exports/capstone', actual: pv.spec?.nfs ? `${pv.spec.nfs.server}:${pv.spec.nfs.path}` : undefined, hint: 'The volume must point at server nfs, path /exports/capstone.' },
    { field: 'storageClassName', expected: 'nfs-capstone', actual: pv.spec?.storageClassName, hint: 'Put the volume in class nfs-capstone, the class data-nfs asks for.' },
    { field: 'accessModes', expected: 'ReadWriteMany', actual: show(pv.spec?.accessModes), matches: (a) => (a ?? '').includes('ReadWriteMany'), hint: `The volume offers ${show(pv.spec?.accessModes)}, but data-nfs asks for ReadWriteMany: a volume must offer every mode its claim asks for.` },
    { field: 'claim', expected: `${NS}/data-nfs`, actual: pv.spec?.claimRef ? `${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name}` : undefined, hint: 'The volume must be bound to the claim data-nfs.' },
  ]);
});

const claimsBound = check('claims-bound', 'data-local (standard), data-nfs (capstone-nfs-pv) and data-rbd (csi-rbd-sc) are Bound', async (view) => {
  const rules = [];
  for (const [claim, cls, volume] of [
    ['data-local', 'standard', undefined],
    ['data-nfs', 'nfs-capstone', 'capstone-nfs-pv'],
    ['data-rbd', 'csi-rbd-sc', undefined],
  ] as const) {
    const pvc = await view.pvc(NS, claim);
    rules.push({
      field: claim,
      expected: `Bound, class ${cls}${volume ? `, volume ${volume}` : ''}`,
      actual: pvc ? `${show(pvc.status?.phase)}, class ${show(pvc.spec?.storageClassName)}${volume ? `, volume ${show(pvc.spec?.volumeName)}` : ''}` : undefined,
      matches: () => !!pvc && pvc.status?.phase === 'Bound' && pvc.spec?.storageClassName === cls && (!volume || pvc.spec?.volumeName === volume),
      hint: pvc ? `${claim} is not Bound as expected; \`kubectl describe pvc ${claim}\` shows why.` : `Create ${claim} (it is in the app's manifest).`,
    });
  }
  return compareFields('claims', rules);
});

/** appPods lists the not-terminating pods of an app. */
async function appPods(view: ClusterView, a: App) {
  return (await view.pods(NS, `app=${a.app}`)).filter((p) => !p.metadata?.deletionTimestamp);
}

/**
 * podsOnLabWorkerWhenItFailed lists the pods (running or still terminating) the node lifecycle controller
 * marked not ready when lab-worker first went NotReady (its per-pod NodeNotReady "Node is not ready" events, MarkPodsNotReady in
 * pkg/controller/util/node/controller_utils.go): the pods that ran there when the node-failure test began.
 */
async function podsOnLabWorkerWhenItFailed(view: ClusterView, failedAt: number): Promise<string[]> {
  const events = await view.namespaceEvents(NS, 'NodeNotReady');
  return events
    .filter((e) => e.involvedObject.kind === 'Pod')
    .filter((e) => {
      const t = time(e.firstTimestamp ?? e.eventTime ?? e.lastTimestamp);
      return t >= failedAt - 5_000 && t <= failedAt + 60_000;
    })
    .map((e) => e.involvedObject.name ?? '');
}

const appsOnLabWorker = check('apps-on-lab-worker', 'each Deployment has one Running pod on lab-worker (or had, when lab-worker failed)', async (view) => {
  const rules = [];
  // Once the node-failure test has run, NFS and RBD rightly end on lab-worker2; this check then looks at
  // where the apps were when lab-worker failed, so grading the whole lesson at the end stays correct.
  const failedAt = await nodeFailedAt(view);
  const atFailure = failedAt === undefined ? undefined : await podsOnLabWorkerWhenItFailed(view, failedAt);
  for (const a of APPS) {
    const d = await view.deployment(NS, a.app);
    if (d && atFailure) {
      const there = atFailure.filter((n) => n.startsWith(`${a.app}-`));
      const replicas = d.spec?.replicas ?? 1;
      rules.push({
        field: a.app,
        // "At least one": a pod still Terminating from a scale-down is marked not ready with the running one.
        expected: 'a pod on lab-worker when it failed, 1 replica',
        actual: `${there.length} pods on lab-worker when it failed, ${replicas} replicas`,
        matches: () => there.length >= 1 && replicas === 1,
        hint:
          replicas !== 1
            ? `${a.app} has ${replicas} replicas: scale it back to one (kubectl scale deployment ${a.app} --replicas=1).`
            : `${a.app} had no pod on lab-worker when lab-worker failed; the node-failure test needs each app's pod there.`,
      });
      continue;
    }
    const pods = await appPods(view, a);
    const desc = pods.map((p) => `${isReady(p) ? 'Running' : show(p.status?.phase)} on ${show(p.spec?.nodeName)}`).join(', ');
    rules.push({
      field: a.app,
      expected: 'one Running pod on lab-worker',
      actual: d ? desc || '(no pods)' : undefined,
      matches: () => !!d && pods.length === 1 && isReady(pods[0]) && pods[0]!.spec?.nodeName === 'lab-worker',
      hint: !d
        ? `Create ${a.app} with \`kubectl apply -f ${a.app}.yaml\`.`
        : pods.length > 1 || (d.spec?.replicas ?? 1) > 1
          ? `${a.app} still has ${d.spec?.replicas ?? 1} replicas (${pods.length} pods): scale it back to one (kubectl scale deployment ${a.app} --replicas=1).`
          : `${a.app} must end with exactly one Running pod on lab-worker (if it runs on lab-worker2, cordon lab-worker2, delete the pod, and uncordon).`,
    });
  }
  return compareFields('apps', rules);
});

const startsLogs = check('starts-logs', 'each app\'s /data/starts.log has at least one line', async (view) => {
  const rules = [];
  for (const a of APPS) {
    const log = await startsLog(view, a);
    rules.push({ field: `${a.app} /data/starts.log`, expected: '≥ 1 line', actual: log === undefined ? 'no ready pod' : `${log.length} lines`, matches: () => !!log && log.length > 0, hint: `${a.app} must be running for its start line to be written to /data/starts.log.` });
  }
  return compareFields('start logs', rules);
});

const matrixApplied = check('matrix-applied', 'ConfigMap survival-matrix exists with its nine keys', async (view) => {
  const cm = await view.configMap(NS, 'survival-matrix');
  if (!cm) return missing('ConfigMap default/survival-matrix', 'Apply it with `kubectl apply -f survival-matrix.yaml`.');
  const keys = APPS.flatMap((a) => TESTS.map((t) => `${a.kind}.${t}`));
  const absent = keys.filter((k) => !(k in (cm.data ?? {})));
  if (absent.length === 0) return pass('survival-matrix has all nine keys');
  return fail(`survival-matrix lacks ${absent.join(', ')}`, 'Apply survival-matrix.yaml unchanged; you fill in the answers as you go.', { keys: 'all nine' }, { missing: absent.join(', ') });
});

const logsTwoPods = check('logs-two-pods', 'each /data/starts.log shows lines from at least two different pods', async (view) => {
  const rules = [];
  for (const a of APPS) {
    const log = await startsLog(view, a);
    const pods = new Set((log ?? []).map((l) => l.pod));
    rules.push({ field: a.app, expected: '≥ 2 pods', actual: log === undefined ? 'no ready pod' : `${pods.size} pods`, matches: () => pods.size >= 2, hint: `Delete ${a.app}'s pod once (kubectl delete pod -l app=${a.app}) and let the Deployment replace it.` });
  }
  return compareFields('start logs', rules);
});

const worker2Uncordoned = check('lab-worker2-uncordoned', 'lab-worker2 is schedulable again', async (view) => {
  const ran = (await view.scheduledPods(NS)).some((p) => p.name.startsWith('app-'));
  if (!ran) return fail('none of the capstone apps has run yet', 'Do the first exercise first.');
  const n = await view.node('lab-worker2');
  if (!n?.spec?.unschedulable) return pass('lab-worker2 is schedulable');
  return fail('lab-worker2 is cordoned', 'Uncordon it after the pod-deletion test: kubectl uncordon lab-worker2.', { unschedulable: 'false' }, { unschedulable: 'true' });
});

const labWorkerBack = check('lab-worker-back', 'lab-worker was powered off, is Ready again, without the out-of-service taint', async (view) => {
  const failedAt = await nodeFailedAt(view);
  const n = await view.node('lab-worker');
  const ready = n?.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const oos = (n?.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/out-of-service');
  return compareFields('lab-worker', [
    { field: 'failed', expected: 'yes (NodeNotReady)', actual: failedAt === undefined ? 'no' : 'yes (NodeNotReady)', hint: 'Power lab-worker off with its button and wait until it is NotReady.' },
    { field: 'Ready', expected: 'True', actual: ready, hint: 'Power lab-worker back on and wait until `kubectl get nodes` shows it Ready.' },
    { field: 'out-of-service taint', expected: 'absent', actual: oos ? 'present' : 'absent', hint: 'Remove the out-of-service taint: kubectl taint nodes lab-worker node.kubernetes.io/out-of-service=nodeshutdown:NoExecute-' },
  ]);
});

const appsRunning = check('apps-running', 'all three Deployments end with one Running pod', async (view) => {
  const rules = [];
  // A pod that must go back to lab-worker (local-path's) cannot while the out-of-service taint is there.
  const oos = ((await view.node('lab-worker'))?.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/out-of-service');
  for (const a of APPS) {
    const pods = await appPods(view, a);
    rules.push({
      field: a.app,
      expected: '1 Running',
      actual: `${pods.filter(isReady).length} Running of ${pods.length}`,
      matches: () => pods.length === 1 && isReady(pods[0]),
      hint: oos
        ? `${a.app} must end with one Running pod; lab-worker still has the out-of-service taint, which no pod tolerates, so nothing starts there: remove it.`
        : `${a.app} must end with one Running pod; once lab-worker is back, its waiting pod starts.`,
    });
  }
  return compareFields('apps', rules);
});

const matrixComplete = check('matrix-complete', 'all nine answers are filled in with allowed values', async (view) => {
  const cm = await view.configMap(NS, 'survival-matrix');
  if (!cm) return missing('ConfigMap default/survival-matrix', 'Apply survival-matrix.yaml and fill in your answers.');
  const rules = APPS.flatMap((a) =>
    TESTS.map((t) => {
      const key = `${a.kind}.${t}`;
      const v = answerOf(cm.data, key);
      return { field: key, expected: ALLOWED[t].join(' | '), actual: v, matches: (x: string | undefined) => !!x && ALLOWED[t].includes(x), hint: v === '?' || v === undefined ? `${key} is still "?".` : `${key}=${v} is not one of ${ALLOWED[t].join(', ')}.` };
    }),
  );
  return compareFields('survival-matrix', rules);
});

const matrixMatches = check('matrix-matches-cluster', 'every answer matches what the cluster showed', async (view) => {
  const parts = await Promise.all(TESTS.map((t) => matrixCheck(t).run(view)));
  const bad = parts.filter((p) => p.status !== 'pass');
  if (bad.length === 0) return pass(parts.map((p) => p.detail).join('; '));
  return fail(bad.map((p) => p.detail).join('; '), bad.map((p) => p.hint).join(' '), Object.assign({}, ...bad.map((p) => p.expected)), Object.assign({}, ...bad.map((p) => p.actual)));
});

/** setAnswers merge-patches answers into survival-matrix, as `kubectl patch configmap survival-matrix --type merge` in the lesson. */
function setAnswers(answers: Record<string, string>) {
  return step(`record ${Object.entries(answers).map(([k, v]) => `${k}=${v}`).join(', ')}`, async (ctx) => {
    await ctx.view.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survival-matrix', namespace: NS }, data: answers } as never);
  });
}

const RIGHT: Record<string, string> = {
  'local-path.pod-deletion': 'survives',
  'nfs.pod-deletion': 'survives',
  'rbd.pod-deletion': 'survives',
  'local-path.two-replicas': 'both-run-same-node',
  'nfs.two-replicas': 'both-run-two-nodes',
  'rbd.two-replicas': 'second-stuck',
  'local-path.node-failure': 'waits-for-node',
  'nfs.node-failure': 'runs-elsewhere',
  'rbd.node-failure': 'waits-for-detach',
};
const answersFor = (test: Test) => Object.fromEntries(Object.entries(RIGHT).filter(([k]) => k.endsWith(`.${test}`)));

/** createCephSecret makes csi-rbd-secret from the admin key, as lesson 4 does (the capstone needs it for data-rbd). */
const createCephSecret = applyYaml('create Secret csi-rbd-secret (lesson 4)', async (ctx: SolveContext) => {
  const r = await ctx.view.ceph('ceph', ['auth', 'get-key', 'client.admin']);
  if (r.code !== 0) throw new Error(`ceph auth get-key client.admin failed: ${r.stderr.trim()}`);
  const key = r.stdout.trim();
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: csi-rbd-secret\n  namespace: default\ntype: Opaque\ndata:\n  userID: ${Buffer.from('admin').toString('base64')}\n  userKey: ${Buffer.from(key).toString('base64')}\n`;
});

const allRunningOn = (node: string) =>
  waitFor(`every app runs one pod on ${node}`, async (v) => {
    for (const a of APPS) {
      const pods = await appPods(v, a);
      if (!(pods.length === 1 && isReady(pods[0]) && pods[0]!.spec?.nodeName === node)) return false;
    }
    return true;
  }, 300_000);

const deployApps = [
  createCephSecret,
  applyFile('manifests/csi-rbd-sc.yaml'),
  applyFile('manifests/capstone-nfs-pv.yaml'),
  cordon('lab-worker2'),
  applyFile('manifests/app-local.yaml'),
  applyFile('manifests/app-nfs.yaml'),
  applyFile('manifests/app-rbd.yaml'),
  allRunningOn('lab-worker'),
];

const deleteEachPod = step('delete each app\'s pod and wait for its replacement', async (ctx) => {
  for (const a of APPS) {
    const old = (await appPods(ctx.view, a))[0]?.metadata?.name;
    if (old) await ctx.view.core.deleteNamespacedPod({ namespace: NS, name: old });
    await until(ctx, `${a.app} has a new ready pod`, async () => {
      const p = await readyPod(ctx.view, NS, `app=${a.app}`);
      return !!p && p.metadata!.name !== old;
    }, 300_000);
  }
});

const scale = (replicas: number) =>
  step(`scale the three apps to ${replicas}`, async (ctx) => {
    // A merge patch of spec.replicas, what `kubectl scale` amounts to.
    for (const a of APPS) {
      await ctx.view.mergePatch({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: a.app, namespace: NS }, spec: { replicas } } as never);
    }
  });

const twoReplicasAndBack = [
  scale(2),
  waitFor('the second replicas are placed (and app-rbd\'s second hits Multi-Attach)', async (v) => {
    const rbd = await evidence(v, APPS[2]);
    const local = (await appPods(v, APPS[0])).filter(isReady).length;
    const nfs = (await appPods(v, APPS[1])).filter(isReady).length;
    return rbd.multiAttachAt.length > 0 && local === 2 && nfs === 2;
  }, 300_000),
  scale(1),
  waitFor('each app is down to one pod', async (v) => {
    for (const a of APPS) if ((await appPods(v, a)).length !== 1) return false;
    return true;
  }),
  // The lesson's own fallback: a survivor on lab-worker2 is moved back with lab-worker2 cordoned.
  step('move any survivor on lab-worker2 back to lab-worker', async (ctx) => {
    for (const a of APPS) {
      const pod = (await appPods(ctx.view, a))[0];
      if (!pod || pod.spec?.nodeName === 'lab-worker') continue;
      ctx.log(`${a.app} kept ${pod.metadata!.name} on ${pod.spec?.nodeName}; moving it`);
      await cordon('lab-worker2').run(ctx);
      await ctx.view.core.deleteNamespacedPod({ namespace: NS, name: pod.metadata!.name! });
      await until(ctx, `${a.app} runs on lab-worker`, async () => {
        const pods = await appPods(ctx.view, a);
        return pods.length === 1 && isReady(pods[0]) && pods[0]!.spec?.nodeName === 'lab-worker';
      }, 300_000);
      await cordon('lab-worker2', false).run(ctx);
    }
  }),
  allRunningOn('lab-worker'),
];

const observeNodeFailure = [
  power('lab-worker', false),
  waitFor('local-path waits, NFS runs elsewhere, RBD waits for detach', async (v) => {
    const failedAt = await nodeFailedAt(v);
    if (failedAt === undefined) return false;
    const local = observedNodeFailure(await evidence(v, APPS[0]), failedAt);
    const rbd = observedNodeFailure(await evidence(v, APPS[2]), failedAt);
    const nfs = observedNodeFailure(await evidence(v, APPS[1]), failedAt);
    return 'value' in local && 'value' in rbd && 'value' in nfs;
  }, 600_000),
];

/** outOfService sets the out-of-service taint on lab-worker, as `kubectl taint nodes lab-worker node.kubernetes.io/out-of-service=nodeshutdown:NoExecute` does. */
const outOfService = step('kubectl taint nodes lab-worker node.kubernetes.io/out-of-service=nodeshutdown:NoExecute', async (ctx) => {
  const node = await ctx.view.node('lab-worker');
  const taints = [...(node?.spec?.taints ?? []), { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect: 'NoExecute' }];
  await ctx.view.mergePatch({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'lab-worker' }, spec: { taints } } as never);
});

const restoreNode = [
  power('lab-worker', true),
  waitFor('lab-worker is Ready', async (v) => (await v.node('lab-worker'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True', 120_000),
  waitFor('every app runs one pod', async (v) => {
    for (const a of APPS) {
      const pods = await appPods(v, a);
      if (!(pods.length === 1 && isReady(pods[0]))) return false;
    }
    return true;
  }, 900_000),
];

const nodeFailure = [...observeNodeFailure, ...restoreNode];

const lesson: LessonExercises = {
  lesson: 'capstone',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'capstone-deploy-apps',
      title: 'Run the same app on local-path, NFS and Ceph RBD',
      solve: [...deployApps, applyFile('manifests/survival-matrix.yaml')],
      checks: [nfsPv, claimsBound, appsOnLabWorker, startsLogs, matrixApplied],
      variants: [{ name: 'survival-matrix-not-applied', steps: deployApps, fails: { 'matrix-applied': /Apply it with `kubectl apply -f survival-matrix.yaml`/ } }],
    },
    {
      id: 'capstone-pod-deletion',
      title: 'Delete each app\'s pod and record what survives',
      solve: [deleteEachPod, cordon('lab-worker2', false), setAnswers(answersFor('pod-deletion'))],
      checks: [logsTwoPods, worker2Uncordoned, matrixCheck('pod-deletion')],
      variants: [
        {
          name: 'matrix-records-nfs-pod-deletion-lost',
          steps: [deleteEachPod, cordon('lab-worker2', false), setAnswers({ ...answersFor('pod-deletion'), 'nfs.pod-deletion': 'lost' })],
          fails: { 'matrix-pod-deletion': /You recorded nfs.pod-deletion=lost, but the cluster shows survives: \/data\/starts.log holds lines from 2 different pods/ },
        },
      ],
    },
    {
      id: 'capstone-two-replicas',
      title: 'Scale each app to two replicas and record what happens',
      solve: [...twoReplicasAndBack, setAnswers(answersFor('two-replicas'))],
      checks: [appsOnLabWorker, matrixCheck('two-replicas')],
      variants: [
        {
          name: 'matrix-records-rbd-both-run-two-nodes',
          steps: [...twoReplicasAndBack, setAnswers({ ...answersFor('two-replicas'), 'rbd.two-replicas': 'both-run-two-nodes' })],
          fails: { 'matrix-two-replicas': /You recorded rbd.two-replicas=both-run-two-nodes, but the cluster shows second-stuck: a second pod got a Multi-Attach error/ },
        },
        {
          // The answers are recorded, but the apps were never scaled back to one replica.
          name: 'apps-left-at-two-replicas',
          steps: [...twoReplicasAndBack.slice(0, 2), setAnswers(answersFor('two-replicas'))],
          fails: { 'apps-on-lab-worker': /app-local still has 2 replicas \(2 pods\): scale it back to one/ },
        },
      ],
    },
    {
      id: 'capstone-node-failure',
      title: 'Power off lab-worker and record what each app does',
      solve: [...nodeFailure, setAnswers(answersFor('node-failure'))],
      checks: [labWorkerBack, appsRunning, matrixCheck('node-failure')],
      variants: [
        {
          name: 'matrix-records-local-path-lost',
          steps: [...nodeFailure, setAnswers({ ...answersFor('node-failure'), 'local-path.node-failure': 'lost' })],
          fails: { 'matrix-node-failure': /You recorded local-path.node-failure=lost, but the cluster shows waits-for-node: .*volume node affinity conflict/ },
        },
        {
          // lab-worker2 cordoned again (or never uncordoned): the replacements cannot start anywhere.
          name: 'lab-worker2-cordoned-during-node-failure',
          steps: [
            cordon('lab-worker2'),
            power('lab-worker', false),
            waitFor('app-nfs\'s replacement cannot be scheduled', async (v) => {
              const failedAt = await nodeFailedAt(v);
              if (failedAt === undefined) return false;
              return (await v.namespaceEvents(NS, 'FailedScheduling')).some((e) => e.involvedObject.name?.startsWith('app-nfs-') && time(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp) >= failedAt);
            }, 600_000),
            setAnswers(answersFor('node-failure')),
          ],
          fails: {
            'lab-worker-back': /Power lab-worker back on/,
            'apps-running': /app-local must end with one Running pod/,
            'matrix-node-failure': /nfs.node-failure: the cluster cannot confirm any answer yet: .*lab-worker2 is still cordoned/,
          },
        },
        {
          // The out-of-service taint ended RBD's wait, but it stayed on after lab-worker came back.
          name: 'out-of-service-taint-left-on',
          steps: [
            ...observeNodeFailure,
            outOfService,
            power('lab-worker', true),
            waitFor('lab-worker is Ready', async (v) => (await v.node('lab-worker'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True', 120_000),
            waitFor('app-nfs and app-rbd run again', async (v) => {
              for (const a of [APPS[1], APPS[2]]) {
                const pods = await appPods(v, a);
                if (!(pods.length === 1 && isReady(pods[0]))) return false;
              }
              return true;
            }, 300_000),
            setAnswers(answersFor('node-failure')),
          ],
          fails: { 'lab-worker-back': /Remove the out-of-service taint/, 'apps-running': /app-local must end with one Running pod; lab-worker still has the out-of-service taint/ },
        },
      ],
    },
    {
      id: 'capstone-survival-matrix',
      title: 'Hand in the complete survival matrix',
      solve: [],
      checks: [matrixComplete, matrixMatches],
      variants: [
        {
          name: 'matrix-with-an-answer-left-open',
          steps: [setAnswers({ 'rbd.node-failure': '?' })],
          fails: { 'matrix-complete': /rbd.node-failure is still "\?"/, 'matrix-matches-cluster': /rbd.node-failure is not filled in/ },
        },
      ],
    },
  ],
};

export default lesson;
