/**
 * Lesson 6 exercises: local-path-provisioner's per-node paths, a claim
 * provisioned under /data2 on lab-worker2, and what Delete and Retain do to
 * the directory on the node when the claim goes. The checks read the
 * provisioner's ConfigMap, the PV it made, and the node's directories.
 */
import {
  applyFile,
  check,
  compareFields,
  deleteObject,
  fail,
  isReady,
  missing,
  namespacesHolding,
  pass,
  sameQuantity,
  show,
  step,
  waitFor,
  type ClusterView,
  type LessonExercises,
  type V1PersistentVolume,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const CONFIG_NS = 'local-path-storage';
const DEFAULT_NODE = 'DEFAULT_PATH_FOR_NON_LISTED_NODES';

interface NodePathMap {
  nodePathMap?: { node?: string; paths?: string[] }[];
}

const config = check('node-path-map', 'local-path-config maps lab-worker2 to /data2 and other nodes to /var/local-path-provisioner, keeping its scripts', async (view) => {
  const cm = await view.configMap(CONFIG_NS, 'local-path-config');
  if (!cm) return missing('ConfigMap local-path-storage/local-path-config', 'The provisioner\'s ConfigMap is missing; apply local-path-config.yaml.');
  let parsed: NodePathMap | undefined;
  try {
    parsed = JSON.parse(cm.data?.['config.json'] ?? '') as NodePathMap;
  } catch {
    return fail('config.json is not valid JSON', 'config.json must be valid JSON (check commas and quotes); the provisioner keeps its last good config until it is.', { 'config.json': 'valid JSON' }, { 'config.json': 'invalid' });
  }
  // "/data2/" is the same directory: the provisioner joins paths with filepath.Join, which cleans them.
  const pathsOf = (node: string) => {
    const e = parsed?.nodePathMap?.find((x) => x.node === node);
    return e ? show(e.paths?.map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p))) : undefined;
  };
  const nodes = (parsed?.nodePathMap ?? []).map((x) => x.node).filter((n) => n !== DEFAULT_NODE);
  const w2 = pathsOf('lab-worker2');
  // kubectl apply or edit without -n local-path-storage makes a ConfigMap the provisioner never reads.
  const strays = await namespacesHolding(view, 'ConfigMap', 'local-path-config', CONFIG_NS);
  const stray = strays.length ? ` (a local-path-config in namespace ${strays.join(', ')} has no effect: the provisioner reads the one in ${CONFIG_NS})` : '';
  const missingKeys = ['setup', 'teardown', 'helperPod.yaml'].filter((k) => !cm.data?.[k]);
  return compareFields('local-path-config', [
    {
      field: 'lab-worker2',
      expected: '/data2',
      actual: w2,
      hint:
        w2 === undefined
          ? `config.json has no entry for node lab-worker2${nodes.length ? ` (it lists ${nodes.join(', ')}: node names must match exactly)` : ''}, so lab-worker2 gets the default path${stray}.`
          : `lab-worker2 maps to ${w2}; give it the single path /data2 (with several paths the provisioner picks any of them).`,
    },
    { field: DEFAULT_NODE, expected: '/var/local-path-provisioner', actual: pathsOf(DEFAULT_NODE), hint: `Keep ${DEFAULT_NODE} at /var/local-path-provisioner for the other nodes.` },
    { field: 'keys', expected: 'setup, teardown, helperPod.yaml', actual: missingKeys.length ? `missing ${missingKeys.join(', ')}` : 'setup, teardown, helperPod.yaml', hint: 'Keep the setup, teardown and helperPod.yaml keys: the provisioner runs them to make and remove directories.' },
  ]);
});

/** pvFor finds the PV (any phase) whose claimRef is default/<claim>. */
async function pvFor(view: ClusterView, claim: string): Promise<V1PersistentVolume | undefined> {
  return (await view.pvs()).find((pv) => pv.spec?.claimRef?.namespace === NS && pv.spec.claimRef.name === claim);
}

function pvPath(pv: V1PersistentVolume): string | undefined {
  return pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
}

function pvNode(pv: V1PersistentVolume): string | undefined {
  return pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.flatMap((t) => t.matchExpressions ?? []).find((e) => e.key === 'kubernetes.io/hostname')?.values?.[0];
}

const claimBound = check('lp-claim-bound', 'lp-claim (standard, 1Gi, RWO) is Bound to a PV made by rancher.io/local-path, and lp-pod runs on lab-worker2', async (view) => {
  const pvc = await view.pvc(NS, 'lp-claim');
  if (!pvc) {
    // The next exercise deletes lp-claim; after it, this one can no longer be seen on the cluster.
    if (await claimExisted(view, 'lp-claim')) return missing('PersistentVolumeClaim default/lp-claim', 'lp-claim was provisioned and has since been deleted (the next exercise does that), so this exercise can only be checked before then: re-create lp-claim and lp-pod to check it again.');
    return missing('PersistentVolumeClaim default/lp-claim', 'Create it with `kubectl apply -f lp-claim.yaml`.');
  }
  const pv = pvc.spec?.volumeName ? await view.pv(pvc.spec.volumeName) : undefined;
  const pod = await view.pod(NS, 'lp-pod');
  // A pod that names spec.nodeName itself is never seen by the scheduler, so a WaitForFirstConsumer claim never
  // gets its selected-node annotation and local-path never provisions it (the pod waits: "PVC is not bound").
  const bypassed = !!pod?.spec?.nodeName && !(await view.events(NS, 'Pod', 'lp-pod', pod.metadata?.uid)).some((e) => e.reason === 'Scheduled');
  const cls = pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pvc.spec?.storageClassName;
  return compareFields('lp-claim', [
    { field: 'storageClassName', expected: 'standard', actual: cls, hint: 'Use the class standard (local-path-provisioner).' },
    { field: 'request', expected: '1Gi', actual: pvc.spec?.resources?.requests?.storage as string, matches: (a) => sameQuantity(a, '1Gi'), hint: 'Request 1Gi.' },
    { field: 'accessModes', expected: 'ReadWriteOnce', actual: show(pvc.spec?.accessModes), hint: 'Ask for ReadWriteOnce.' },
    {
      field: 'phase',
      expected: 'Bound',
      actual: pvc.status?.phase,
      hint: bypassed
        ? `lp-pod names its node itself (nodeName: ${pod!.spec!.nodeName}), so the scheduler never picks a node for the claim and the provisioner never makes its volume: put the pod on lab-worker2 with a nodeSelector (or node affinity) instead.`
        : 'The claim waits for its first consumer: create lp-pod, which uses it.',
    },
    { field: 'provisioned-by', expected: 'rancher.io/local-path', actual: pv?.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'], hint: 'The claim\'s volume must come from the local-path provisioner.' },
    { field: 'lp-pod', expected: 'Running on lab-worker2', actual: pod ? `${show(pod.status?.phase)} on ${show(pod.spec?.nodeName)}` : undefined, matches: () => !!pod && isReady(pod) && pod.spec?.nodeName === 'lab-worker2', hint: 'Run lp-pod on lab-worker2 (its nodeSelector) and wait until it is Running.' },
  ]);
});

const pvUnderData2 = check('lp-pv-under-data2', 'the PV\'s directory is /data2/<pv>_default_lp-claim on lab-worker2', async (view) => {
  const pv = await pvFor(view, 'lp-claim');
  if (!pv) return fail('no PV is bound to default/lp-claim', 'Create lp-claim and lp-pod; the provisioner makes the PV when the pod is scheduled.', { pv: 'provisioned' }, { pv: '(none)' });
  const want = `/data2/${pv.metadata!.name}_default_lp-claim`;
  const path = pvPath(pv);
  return compareFields(`PV ${pv.metadata!.name}`, [
    { field: 'node', expected: 'lab-worker2', actual: pvNode(pv), hint: 'The volume must be on lab-worker2, where lp-pod runs.' },
    {
      field: 'path',
      expected: want,
      actual: path,
      hint: `The provisioner put the directory at ${show(path)}: when the claim was provisioned, local-path-config did not map lab-worker2 to /data2. Fix the config, then delete and re-create the pod and the claim.`,
    },
  ]);
});

const fileInData2 = check('lp-file-on-node', '/data2/<pv>_default_lp-claim/hello on lab-worker2 says "hello from local-path"', async (view) => {
  const pv = await pvFor(view, 'lp-claim');
  if (!pv) return fail('no PV is bound to default/lp-claim', 'Create lp-claim and lp-pod first.');
  const path = `/data2/${pv.metadata!.name}_default_lp-claim/hello`;
  const text = await view.nodeFile('lab-worker2', path);
  if (text?.trim() === 'hello from local-path') return pass(`${path} on lab-worker2: hello from local-path`);
  return fail(`${path} on lab-worker2 is ${text === undefined ? 'missing' : `"${text.trim()}"`}`, `The file is not under /data2 on lab-worker2 (the volume is at ${show(pvPath(pv))}); the data lands where local-path-config said when the claim was provisioned.`, { [path]: 'hello from local-path' }, { [path]: text === undefined ? 'missing' : text.trim() });
});

/** claimExisted says whether the claim was ever provisioned (its ProvisioningSucceeded/Scheduled traces in events). */
async function claimExisted(view: ClusterView, claim: string): Promise<boolean> {
  const events = await view.events(NS, 'PersistentVolumeClaim', claim);
  return events.some((e) => e.reason === 'ProvisioningSucceeded' || e.reason === 'Provisioning');
}

const notDone = (claim: string) => fail(`${claim} was never provisioned`, `Do the earlier exercise first: create ${claim} and its pod, then delete them.`, { [claim]: 'provisioned, then deleted' }, { [claim]: 'never provisioned' });

const deleteClaimGone = check('lp-claim-deleted', 'lp-pod and lp-claim are deleted, and no PV remains for default/lp-claim', async (view) => {
  if (!(await claimExisted(view, 'lp-claim'))) return notDone('lp-claim');
  const pvc = await view.pvc(NS, 'lp-claim');
  const pod = await view.pod(NS, 'lp-pod');
  const pv = await pvFor(view, 'lp-claim');
  return compareFields('lp-claim', [
    { field: 'lp-pod', expected: 'deleted', actual: pod ? 'exists' : 'deleted', hint: 'Delete the pod first: kubectl delete pod lp-pod.' },
    { field: 'lp-claim', expected: 'deleted', actual: pvc ? (pvc.metadata?.deletionTimestamp ? 'Terminating' : 'exists') : 'deleted', hint: 'Delete the claim: kubectl delete pvc lp-claim (it stays Terminating while a pod uses it).' },
    { field: 'PV', expected: 'deleted', actual: pv ? `${pv.metadata!.name} (${show(pv.status?.phase)})` : 'deleted', hint: 'The class standard deletes the volume with its claim; delete the claim and wait a moment.' },
  ]);
});

const deleteDirGone = check('lp-directory-deleted', 'no *_default_lp-claim directory remains under /data2 on lab-worker2', async (view) => {
  if (!(await claimExisted(view, 'lp-claim'))) return notDone('lp-claim');
  const left = (await view.nodeList('lab-worker2', '/data2')).filter((n) => n.endsWith('_default_lp-claim'));
  if (left.length === 0) return pass('/data2 on lab-worker2 holds no lp-claim directory');
  return fail(`/data2 on lab-worker2 still holds ${left.join(', ')}`, 'The directory goes when the provisioner deletes the volume, after the claim is deleted: delete lp-pod and lp-claim.', { '/data2': 'no *_default_lp-claim' }, { '/data2': left.join(', ') });
});

const retainClass = check('retain-storageclass', 'local-path-retain: rancher.io/local-path, WaitForFirstConsumer, Retain', async (view) => {
  const sc = await view.storageClass('local-path-retain');
  if (!sc) return missing('StorageClass local-path-retain', 'Create it with `kubectl apply -f local-path-retain-sc.yaml`.');
  return compareFields('StorageClass local-path-retain', [
    { field: 'provisioner', expected: 'rancher.io/local-path', actual: sc.provisioner, hint: 'The provisioner is rancher.io/local-path.' },
    { field: 'volumeBindingMode', expected: 'WaitForFirstConsumer', actual: sc.volumeBindingMode ?? 'Immediate', hint: 'local-path needs WaitForFirstConsumer: it makes the directory on the node where the pod lands.' },
    { field: 'reclaimPolicy', expected: 'Retain', actual: sc.reclaimPolicy ?? 'Delete', hint: `The class's reclaimPolicy is ${sc.reclaimPolicy ?? 'Delete'}, so its volumes are deleted with their claims: set reclaimPolicy: Retain (a class's reclaimPolicy cannot be changed; delete and re-create it).` },
  ]);
});

const retainDeleted = check('retain-claim-deleted', 'lp-retain-pod and lp-retain-claim were used and are deleted', async (view) => {
  if (!(await claimExisted(view, 'lp-retain-claim'))) return notDone('lp-retain-claim');
  const pvc = await view.pvc(NS, 'lp-retain-claim');
  const pod = await view.pod(NS, 'lp-retain-pod');
  return compareFields('lp-retain-claim', [
    { field: 'lp-retain-pod', expected: 'deleted', actual: pod ? 'exists' : 'deleted', hint: 'Delete the pod: kubectl delete pod lp-retain-pod.' },
    {
      field: 'lp-retain-claim',
      expected: 'deleted',
      actual: pvc ? (pvc.metadata?.deletionTimestamp ? 'Terminating' : 'exists') : 'deleted',
      hint: pvc?.metadata?.deletionTimestamp
        ? 'lp-retain-claim is Terminating: a claim in use stays until its pod is gone (kubernetes.io/pvc-protection), so delete lp-retain-pod too.'
        : 'Delete the claim: kubectl delete pvc lp-retain-claim.',
    },
  ]);
});

const retainReleased = check('retain-pv-released', 'the PV remains, Released, with claim default/lp-retain-claim', async (view) => {
  if (!(await claimExisted(view, 'lp-retain-claim'))) return notDone('lp-retain-claim');
  const pv = await pvFor(view, 'lp-retain-claim');
  if (!pv) return fail('no PV remains for default/lp-retain-claim', 'The volume was deleted with its claim: its class did not say reclaimPolicy: Retain (a PV takes the policy of its class when it is provisioned).', { pv: 'Released' }, { pv: 'deleted' });
  if (pv.status?.phase === 'Released') return pass(`${pv.metadata!.name} is Released, claim default/lp-retain-claim`);
  return fail(`${pv.metadata!.name} is ${show(pv.status?.phase)}`, 'Delete the pod and the claim; the volume then becomes Released.', { phase: 'Released' }, { phase: show(pv.status?.phase) });
});

const retainDirKept = check('retain-directory-kept', 'its directory under /data2 on lab-worker2 still holds hello', async (view) => {
  if (!(await claimExisted(view, 'lp-retain-claim'))) return notDone('lp-retain-claim');
  const pv = await pvFor(view, 'lp-retain-claim');
  const dirs = (await view.nodeList('lab-worker2', '/data2')).filter((n) => n.endsWith('_default_lp-retain-claim'));
  if (pv && (pvNode(pv) !== 'lab-worker2' || !pvPath(pv)?.startsWith('/data2/'))) {
    return fail(
      `the retained volume ${pv.metadata!.name} is ${show(pvPath(pv))} on ${show(pvNode(pv))}`,
      'The volume was provisioned on another node or path than /data2 on lab-worker2: lp-retain-pod must run on lab-worker2 (nodeSelector kubernetes.io/hostname: lab-worker2) when it first uses the claim.',
      { directory: '/data2/<pv>_default_lp-retain-claim on lab-worker2' },
      { directory: `${show(pvPath(pv))} on ${show(pvNode(pv))}` },
    );
  }
  if (!pv || dirs.length === 0) return fail('no *_default_lp-retain-claim directory under /data2 on lab-worker2', 'The directory was removed with the volume: with reclaimPolicy Delete the provisioner runs teardown. Use the Retain class.', { directory: 'kept' }, { directory: 'gone' });
  const path = `/data2/${pv.metadata!.name}_default_lp-retain-claim/hello`;
  const text = await view.nodeFile('lab-worker2', path);
  if (text !== undefined) return pass(`${path} on lab-worker2 still says: ${text.trim()}`);
  return fail(`${path} is missing on lab-worker2`, 'The pod writes /data/hello when it runs; let it run before deleting it.', { [path]: 'exists' }, { [path]: 'missing' });
});

const runRetain = [
  applyFile('manifests/lp-retain-claim.yaml'),
  applyFile('manifests/lp-retain-pod.yaml'),
  waitFor('lp-retain-pod is Running', async (v) => isReady(await v.pod(NS, 'lp-retain-pod'))),
  deleteObject('v1', 'Pod', 'lp-retain-pod', NS),
  deleteObject('v1', 'PersistentVolumeClaim', 'lp-retain-claim', NS),
];

const lesson: LessonExercises = {
  lesson: 'local-path',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'local-path-node-paths',
      title: 'Map lab-worker2 to /data2 in the provisioner\'s config',
      solve: [applyFile('manifests/local-path-config.yaml')],
      checks: [config],
      variants: [
        { name: 'config-misspelled-node', steps: [applyFile('variants/config-misspelled-node.yaml')], fails: { 'node-path-map': /no entry for node lab-worker2 \(it lists lab-worker-2/ } },
        { name: 'config-in-default-namespace', steps: [applyFile('variants/config-in-default-namespace.yaml')], fails: { 'node-path-map': /a local-path-config in namespace default has no effect/ } },
        { name: 'config-two-paths-for-worker2', steps: [applyFile('variants/config-two-paths-for-worker2.yaml')], fails: { 'node-path-map': /lab-worker2 maps to \/data2, \/data3; give it the single path/ } },
      ],
    },
    {
      id: 'local-path-claim-on-worker2',
      title: 'Provision a claim on lab-worker2 under /data2',
      solve: [applyFile('manifests/lp-claim.yaml'), applyFile('manifests/lp-pod.yaml'), waitFor('lp-pod is Running', async (v) => isReady(await v.pod(NS, 'lp-pod')))],
      checks: [claimBound, pvUnderData2, fileInData2],
      variants: [
        {
          name: 'claim-provisioned-with-misspelled-node',
          steps: [applyFile('variants/config-misspelled-node.yaml'), applyFile('manifests/lp-claim.yaml'), applyFile('manifests/lp-pod.yaml'), waitFor('lp-pod is Running', async (v) => isReady(await v.pod(NS, 'lp-pod')))],
          fails: { 'lp-pv-under-data2': /did not map lab-worker2 to \/data2/, 'lp-file-on-node': /not under \/data2 on lab-worker2/ },
        },
        {
          name: 'pod-with-node-name',
          steps: [
            applyFile('manifests/lp-claim.yaml'),
            applyFile('variants/pod-with-node-name.yaml'),
            waitFor('lp-pod cannot mount its unbound claim', async (v) => (await v.events(NS, 'Pod', 'lp-pod')).some((e) => e.reason === 'FailedMount'), 60_000),
          ],
          fails: { 'lp-claim-bound': /lp-pod names its node itself \(nodeName: lab-worker2\)/, 'lp-pv-under-data2': /the provisioner makes the PV when the pod is scheduled/, 'lp-file-on-node': /Create lp-claim and lp-pod first/ },
        },
      ],
    },
    {
      id: 'local-path-reclaim-delete',
      title: 'Delete a claim of the Delete class and see its directory go',
      solve: [
        deleteObject('v1', 'Pod', 'lp-pod', NS),
        deleteObject('v1', 'PersistentVolumeClaim', 'lp-claim', NS),
        waitFor('the PV of lp-claim is gone', async (v) => !(await pvFor(v, 'lp-claim'))),
      ],
      checks: [deleteClaimGone, deleteDirGone],
      variants: [
        {
          name: 'pod-deleted-claim-kept',
          steps: [deleteObject('v1', 'Pod', 'lp-pod', NS)],
          fails: { 'lp-claim-deleted': /Delete the claim: kubectl delete pvc lp-claim/, 'lp-directory-deleted': /delete lp-pod and lp-claim/ },
        },
      ],
    },
    {
      id: 'local-path-reclaim-retain',
      title: 'Delete a claim of a Retain class and keep its directory',
      solve: [applyFile('manifests/local-path-retain-sc.yaml'), ...runRetain, waitFor('the retained PV is Released', async (v) => (await pvFor(v, 'lp-retain-claim'))?.status?.phase === 'Released')],
      checks: [retainClass, retainDeleted, retainReleased, retainDirKept],
      variants: [
        {
          name: 'retain-class-with-delete-policy',
          steps: [applyFile('variants/retain-class-with-delete-policy.yaml'), ...runRetain, waitFor('the PV is gone', async (v) => !(await pvFor(v, 'lp-retain-claim')))],
          fails: { 'retain-storageclass': /reclaimPolicy is Delete, so its volumes are deleted with their claims/, 'retain-pv-released': /did not say reclaimPolicy: Retain/, 'retain-directory-kept': /removed with the volume/ },
        },
        {
          // kubectl delete pvc while the pod still runs: the claim stays Terminating, the volume Bound.
          name: 'retain-claim-deleted-pod-kept',
          steps: [
            applyFile('manifests/local-path-retain-sc.yaml'),
            applyFile('manifests/lp-retain-claim.yaml'),
            applyFile('manifests/lp-retain-pod.yaml'),
            waitFor('lp-retain-pod is Running', async (v) => isReady(await v.pod(NS, 'lp-retain-pod'))),
            step('kubectl delete pvc lp-retain-claim --wait=false', async (ctx) => {
              await ctx.view.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'lp-retain-claim', namespace: NS } });
            }),
            waitFor('lp-retain-claim is Terminating', async (v) => !!(await v.pvc(NS, 'lp-retain-claim'))?.metadata?.deletionTimestamp),
          ],
          fails: { 'retain-claim-deleted': /lp-retain-claim is Terminating: a claim in use stays until its pod is gone/, 'retain-pv-released': /Delete the pod and the claim; the volume then becomes Released/ },
        },
        {
          name: 'retain-pod-on-lab-worker',
          steps: [
            applyFile('manifests/local-path-retain-sc.yaml'),
            applyFile('manifests/lp-retain-claim.yaml'),
            applyFile('variants/retain-pod-on-lab-worker.yaml'),
            waitFor('lp-retain-pod is Running', async (v) => isReady(await v.pod(NS, 'lp-retain-pod'))),
            deleteObject('v1', 'Pod', 'lp-retain-pod', NS),
            deleteObject('v1', 'PersistentVolumeClaim', 'lp-retain-claim', NS),
            waitFor('the retained PV is Released', async (v) => (await pvFor(v, 'lp-retain-claim'))?.status?.phase === 'Released'),
          ],
          fails: { 'retain-directory-kept': /provisioned on another node or path than \/data2 on lab-worker2/ },
        },
      ],
    },
  ],
};

export default lesson;
