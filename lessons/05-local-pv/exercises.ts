/**
 * Lesson 5 exercises: a local PersistentVolume on lab-worker2, its
 * WaitForFirstConsumer class, a claim that waits, and a pod that follows
 * the volume to its node. The checks read the directory and the file on
 * the node itself.
 */
import {
  applyFile,
  check,
  compareFields,
  fail,
  isReady,
  missing,
  onNode,
  pass,
  sameQuantity,
  show,
  waitFor,
  type ClusterView,
  type LessonExercises,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const DIR = '/mnt/disks/vol1';
const TEXT = 'hello from a local volume';

async function isDirOn(view: ClusterView, node: string): Promise<boolean> {
  const r = await view.nodeShell(node, `test -d /host${DIR} && echo yes || echo no`);
  if (r.code !== 0) throw new Error(`could not look at ${DIR} on ${node}: ${r.stderr.trim()}`);
  return r.stdout.trim() === 'yes';
}

const dirOnWorker2 = check('directory-on-lab-worker2', `${DIR} is a directory on lab-worker2`, async (view) => {
  if (await isDirOn(view, 'lab-worker2')) return pass(`${DIR} exists on lab-worker2`);
  return fail(`${DIR} does not exist on lab-worker2`, `Create it on the node: kubectl debug node/lab-worker2 -it --image=busybox, then mkdir -p /host${DIR}.`, { [`lab-worker2:${DIR}`]: 'directory' }, { [`lab-worker2:${DIR}`]: 'missing' });
});

const dirOnlyThere = check('directory-only-on-lab-worker2', `${DIR} exists only on lab-worker2`, async (view) => {
  if (!(await isDirOn(view, 'lab-worker2'))) return fail(`${DIR} is not on lab-worker2`, 'Create the directory on lab-worker2 first.');
  if (await isDirOn(view, 'lab-worker')) {
    return fail(`${DIR} also exists on lab-worker`, `A local volume is one disk on one node: remove ${DIR} from lab-worker (kubectl debug node/lab-worker, then rmdir /host${DIR}) so it is clear where the data lives.`, { 'lab-worker': 'no directory' }, { 'lab-worker': 'directory' });
  }
  return pass(`${DIR} is on lab-worker2 and not on lab-worker`);
});

const storageClass = check('storageclass', 'local-storage: no-provisioner, WaitForFirstConsumer', async (view) => {
  const sc = await view.storageClass('local-storage');
  if (!sc) return missing('StorageClass local-storage', 'Create it with `kubectl apply -f local-storage-class.yaml`.');
  return compareFields('StorageClass local-storage', [
    { field: 'provisioner', expected: 'kubernetes.io/no-provisioner', actual: sc.provisioner, hint: 'Local volumes are not provisioned dynamically: the provisioner must be kubernetes.io/no-provisioner.' },
    {
      field: 'volumeBindingMode',
      expected: 'WaitForFirstConsumer',
      actual: sc.volumeBindingMode ?? 'Immediate',
      hint: 'With Immediate binding a claim binds before any pod exists, so the volume\'s node could clash with where the pod must run; use volumeBindingMode: WaitForFirstConsumer.',
    },
  ]);
});

function hostnames(pv: { spec?: { nodeAffinity?: { required?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } } } }): string | undefined {
  const exprs = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.flatMap((t) => t.matchExpressions ?? []) ?? [];
  const e = exprs.find((x) => x.key === 'kubernetes.io/hostname' && x.operator === 'In');
  return e ? show(e.values) : undefined;
}

/**
 * schedulerPlaced says whether the scheduler placed the pod (its `Scheduled` event). A pod that names
 * spec.nodeName itself has none; its PodScheduled condition does not tell, because the kubelet sets it
 * True for every pod it runs (generateAPIPodStatus, pkg/kubelet/kubelet_pods.go).
 */
async function schedulerPlaced(view: ClusterView, pod: { metadata?: { name?: string; uid?: string } }): Promise<boolean> {
  return (await view.events(NS, 'Pod', pod.metadata!.name!, pod.metadata?.uid)).some((e) => e.reason === 'Scheduled');
}

/** askedNodes lists the nodes a pod asks for by kubernetes.io/hostname (nodeSelector or required node affinity). */
function askedNodes(pod: { spec?: { nodeSelector?: Record<string, string>; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[] } } } } }): string[] {
  const bySelector = pod.spec?.nodeSelector?.['kubernetes.io/hostname'];
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const byAffinity = terms.flatMap((t) => t.matchExpressions ?? []).filter((e) => e.key === 'kubernetes.io/hostname' && e.operator === 'In').flatMap((e) => e.values ?? []);
  return [...(bySelector ? [bySelector] : []), ...byAffinity];
}

const pvSpec = check('local-pv-spec', 'local-pv: local /mnt/disks/vol1, 5Gi, RWO, Filesystem, local-storage, Retain, pinned to lab-worker2', async (view) => {
  const pv = await view.pv('local-pv');
  if (!pv) return missing('PersistentVolume local-pv', 'Create it with `kubectl apply -f local-pv.yaml`.');
  const s = pv.spec!;
  return compareFields('local-pv', [
    // A trailing slash names the same directory.
    { field: 'local.path', expected: DIR, actual: s.local?.path, matches: (a) => a?.replace(/\/+$/, '') === DIR, hint: s.local ? `The volume points at ${show(s.local.path)}; the directory you made is ${DIR}.` : 'The volume must be a local volume (spec.local.path).' },
    {
      field: 'capacity',
      expected: '5Gi',
      actual: s.capacity?.storage as string,
      matches: (a) => sameQuantity(a, '5Gi'),
      hint: sameQuantity(s.capacity?.storage as string, '5G')
        ? 'Offer 5Gi: 5G is 5,000,000,000 bytes, less than the 5Gi (5,368,709,120 bytes) local-pvc asks for, so the claim would never bind to it.'
        : 'Offer 5Gi (capacity.storage: 5Gi).',
    },
    { field: 'accessModes', expected: 'ReadWriteOnce', actual: show(s.accessModes), hint: 'A local disk is ReadWriteOnce.' },
    { field: 'volumeMode', expected: 'Filesystem', actual: s.volumeMode ?? 'Filesystem', hint: 'volumeMode Block would hand the pod a raw device and only match Block claims; this volume is a directory, so Filesystem.' },
    { field: 'storageClassName', expected: 'local-storage', actual: s.storageClassName, hint: 'Put the volume in class local-storage.' },
    { field: 'persistentVolumeReclaimPolicy', expected: 'Retain', actual: s.persistentVolumeReclaimPolicy, hint: 'Use Retain: nothing can delete a local disk for you.' },
    { field: 'node affinity kubernetes.io/hostname', expected: 'lab-worker2', actual: hostnames(pv), hint: `The volume is pinned to ${show(hostnames(pv))}, but its directory is on lab-worker2: the required node affinity must say kubernetes.io/hostname In lab-worker2.` },
  ]);
});

const pvAvailable = check('local-pv-available', 'local-pv is Available', async (view) => {
  const pv = await view.pv('local-pv');
  if (!pv) return missing('PersistentVolume local-pv', 'Create it with `kubectl apply -f local-pv.yaml`.');
  if (pv.status?.phase === 'Available' || pv.status?.phase === 'Bound') return pass(`local-pv is ${pv.status.phase}`);
  return fail(`local-pv is ${show(pv.status?.phase)}`, '`kubectl describe pv local-pv` says why it is not Available.', { phase: 'Available' }, { phase: show(pv.status?.phase) });
});

const claimSpec = check('local-pvc-spec', 'local-pvc asks for local-storage, 5Gi, RWO, Filesystem', async (view) => {
  const pvc = await view.pvc(NS, 'local-pvc');
  if (!pvc) return missing('PersistentVolumeClaim default/local-pvc', 'Create it with `kubectl apply -f local-pvc.yaml`.');
  const s = pvc.spec!;
  // The deprecated beta annotation still names the class when present (GetPersistentVolumeClaimClass,
  // k8s.io/component-helpers/storage/volume/helpers.go).
  const cls = pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? s.storageClassName;
  return compareFields('local-pvc', [
    {
      field: 'storageClassName',
      expected: 'local-storage',
      actual: cls,
      hint: cls === 'standard' ? 'The claim is in class standard (the local-path provisioner, maybe filled in as the default), so it would get a new directory, not local-pv: write storageClassName: local-storage.' : `The claim asks for class ${show(cls)}; local-pv is in class local-storage.`,
    },
    { field: 'request', expected: '5Gi', actual: s.resources?.requests?.storage as string, matches: (a) => sameQuantity(a, '5Gi'), hint: 'Request 5Gi.' },
    { field: 'accessModes', expected: 'ReadWriteOnce', actual: show(s.accessModes), hint: 'Ask for ReadWriteOnce; a local volume offers nothing else.' },
    { field: 'volumeMode', expected: 'Filesystem', actual: s.volumeMode ?? 'Filesystem', hint: 'Ask for volumeMode Filesystem, like the volume.' },
  ]);
});

const claimWaiting = check('local-pvc-waiting', 'local-pvc is Pending with a WaitForFirstConsumer event', async (view) => {
  const pvc = await view.pvc(NS, 'local-pvc');
  if (!pvc) return missing('PersistentVolumeClaim default/local-pvc', 'Create it with `kubectl apply -f local-pvc.yaml`.');
  if (pvc.status?.phase !== 'Pending') {
    // A claim whose volumeName the learner wrote is bound at once, whatever the class's binding mode; the
    // PV controller marks the claims it bound itself with pv.kubernetes.io/bound-by-controller
    // (pkg/controller/volume/persistentvolume/pv_controller.go, bindClaimToVolume).
    const preBound = !!pvc.spec?.volumeName && !pvc.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'];
    // After the next exercise the claim is rightly Bound; say so rather than call it a mistake.
    const waited = (await view.events(NS, 'PersistentVolumeClaim', 'local-pvc', pvc.metadata?.uid)).some((e) => e.reason === 'WaitForFirstConsumer');
    const consumer = waited && !!(await view.pod(NS, 'local-pod'));
    return fail(
      `local-pvc is ${show(pvc.status?.phase)}${pvc.spec?.volumeName ? ` to ${pvc.spec.volumeName}` : ''}`,
      preBound
        ? `The claim names volumeName: ${pvc.spec!.volumeName} itself, and a claim that names its volume is bound at once, WaitForFirstConsumer or not: leave volumeName out (delete and re-create the claim, and the volume, which is now Released).`
        : consumer
          ? 'local-pvc did wait for its first consumer (it has a WaitForFirstConsumer event) and was bound once local-pod was scheduled: this exercise is checked before the pod exists (delete local-pod and re-create the claim and volume to check it again).'
          : 'The claim is already bound: a pod uses it, or the class binds Immediately. Leave it waiting: no pod yet, and a WaitForFirstConsumer class.',
      { phase: 'Pending' },
      { phase: show(pvc.status?.phase) },
    );
  }
  const events = await view.events(NS, 'PersistentVolumeClaim', 'local-pvc', pvc.metadata?.uid);
  if (events.some((e) => e.reason === 'WaitForFirstConsumer')) return pass('local-pvc is Pending: waiting for first consumer to be created before binding');
  return fail('local-pvc is Pending without a WaitForFirstConsumer event', 'The claim is Pending for another reason; `kubectl describe pvc local-pvc` shows its events (its class must be local-storage with WaitForFirstConsumer).', { event: 'WaitForFirstConsumer' }, { event: show(events.map((e) => e.reason)) });
});

const pvStillAvailable = check('local-pv-still-available', 'local-pv is still Available', async (view) => {
  const pv = await view.pv('local-pv');
  if (!pv) return missing('PersistentVolume local-pv', 'Create the volume first (previous exercise).');
  if (pv.status?.phase === 'Available') return pass('local-pv is Available');
  const byLocalPod = pv.spec?.claimRef?.namespace === NS && pv.spec.claimRef.name === 'local-pvc' && !!(await view.pod(NS, 'local-pod'));
  return fail(
    `local-pv is ${show(pv.status?.phase)}${pv.spec?.claimRef ? ` (claim ${pv.spec.claimRef.namespace}/${pv.spec.claimRef.name})` : ''}`,
    byLocalPod
      ? 'local-pv was taken by local-pvc once local-pod used it (the next exercise): this exercise is checked before the pod exists.'
      : 'local-pv is already taken; it must wait for the first pod using local-pvc.',
    { phase: 'Available' },
    { phase: show(pv.status?.phase) },
  );
});

const podOnWorker2 = check('local-pod-on-lab-worker2', 'local-pod is Running on lab-worker2', async (view) => {
  const pod = await view.pod(NS, 'local-pod');
  if (!pod) return missing('pod local-pod', 'Create it with `kubectl apply -f local-pod.yaml`.');
  if (isReady(pod) && pod.spec?.nodeName === 'lab-worker2') {
    // The exercise asks for a pod that names no node, so that the volume alone decides where it runs.
    const asked = askedNodes(pod);
    if (asked.length) {
      return fail(
        `local-pod runs on lab-worker2, but it asks for node ${asked.join(', ')} itself`,
        'local-pod names its node (a nodeSelector or required node affinity on kubernetes.io/hostname): the exercise asks for a pod that names no node, so that local-pv alone takes it to lab-worker2. Remove it and re-create the pod.',
        { 'node named by the pod': '(none)' },
        { 'node named by the pod': asked.join(', ') },
      );
    }
    return pass('local-pod is Running on lab-worker2, placed there by its volume');
  }
  const named = pod.spec?.nodeName && !(await schedulerPlaced(view, pod));
  const unschedulable = !pod.spec?.nodeName ? pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable') : undefined;
  const asks = askedNodes(pod).filter((n) => n !== 'lab-worker2');
  return fail(
    `local-pod is ${show(pod.status?.phase)} on ${show(pod.spec?.nodeName)}${unschedulable?.message ? `: ${unschedulable.message}` : ''}`,
    named || (pod.spec?.nodeName && pod.spec.nodeName !== 'lab-worker2')
      ? `The pod names node ${pod.spec!.nodeName} itself, so the scheduler never chose the volume's node: remove nodeName and let the scheduler follow local-pv to lab-worker2.`
      : unschedulable && asks.length
        ? `The pod asks for node ${asks.join(', ')} (nodeSelector or node affinity), but local-pv lives on lab-worker2, so no node fits both and it stays Pending: name no node, and let the volume decide.`
        : unschedulable
          ? `The scheduler finds no node for the pod (${show(unschedulable.message)}); \`kubectl describe pod local-pod\` has the details.`
          : 'Wait until the pod is Running; `kubectl describe pod local-pod` says what it waits for.',
    { node: 'lab-worker2 (Running)' },
    { node: `${show(pod.spec?.nodeName)} (${show(pod.status?.phase)})` },
  );
});

const claimBound = check('local-pvc-bound', 'local-pvc is Bound to local-pv', async (view) => {
  const pvc = await view.pvc(NS, 'local-pvc');
  if (!pvc) return missing('PersistentVolumeClaim default/local-pvc', 'Create the claim first.');
  if (pvc.status?.phase === 'Bound' && pvc.spec?.volumeName === 'local-pv') return pass('local-pvc is Bound to local-pv');
  const pod = await view.pod(NS, 'local-pod');
  const bypassed = !!pod?.spec?.nodeName && !(await schedulerPlaced(view, pod));
  return fail(
    `local-pvc is ${show(pvc.status?.phase)}${pvc.spec?.volumeName ? ` to ${pvc.spec.volumeName}` : ''}`,
    bypassed || !pod
      ? 'The claim binds when the scheduler picks a node for its first pod; a pod that names its node itself skips that, so the claim stays Pending.'
      : !pod.spec?.nodeName
        ? 'The claim binds when the scheduler picks a node for its first pod, and local-pod has not been placed on any node (see the local-pod check).'
        : `local-pod runs on ${pod.spec.nodeName} and the claim is not bound to local-pv: \`kubectl describe pvc local-pvc\` shows why.`, { claim: 'Bound to local-pv' }, { claim: show(pvc.status?.phase) });
});

const fileOnNode = check('file-on-lab-worker2', `${DIR}/hello on lab-worker2 contains "${TEXT}"`, async (view) => {
  const text = await view.nodeFile('lab-worker2', `${DIR}/hello`);
  if (text?.trim() === TEXT) return pass(`${DIR}/hello on lab-worker2: ${TEXT}`);
  return fail(`${DIR}/hello on lab-worker2 is ${text === undefined ? 'missing' : `"${text.trim()}"`}`, 'The pod writes the file when it runs on lab-worker2 with local-pvc mounted at /data; get it running there first.', { content: TEXT }, { content: text === undefined ? 'missing' : text.trim() });
});

/**
 * debugPodsRemoved holds the exercise's last sentence: `kubectl debug node/…` leaves its pod
 * (node-debugger-<node>-<suffix>, in the current namespace) behind, Completed, after you exit.
 */
const debugPodsRemoved = check('debug-pods-removed', 'no node debugging pods (node-debugger-…) are left in default', async (view) => {
  if (!(await view.pod(NS, 'local-pod'))) return fail('local-pod does not exist yet', 'Run local-pod first; then remove your debugging pods.', { 'local-pod': 'exists' }, { 'local-pod': 'missing' });
  const left = (await view.pods(NS)).map((p) => p.metadata?.name ?? '').filter((n) => n.startsWith('node-debugger-'));
  if (left.length === 0) return pass('no node-debugger pods in default');
  return fail(`${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} still in default`, `Remove your debugging pods: kubectl delete pod ${left.join(' ')} (kubectl debug node/… leaves its pod behind when you exit).`, { 'debug pods': 'none' }, { 'debug pods': left.join(', ') });
});

const lesson: LessonExercises = {
  lesson: 'local-pv',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'local-pv-prepare-directory',
      title: 'Create the volume\'s directory on lab-worker2',
      solve: [onNode('lab-worker2', `mkdir -p /host${DIR}`)],
      checks: [dirOnWorker2, dirOnlyThere],
      variants: [
        { name: 'directory-on-both-workers', steps: [onNode('lab-worker2', `mkdir -p /host${DIR}`), onNode('lab-worker', `mkdir -p /host${DIR}`)], fails: { 'directory-only-on-lab-worker2': /remove \/mnt\/disks\/vol1 from lab-worker/ } },
        { name: 'directory-on-lab-worker-instead', steps: [onNode('lab-worker', `mkdir -p /host${DIR}`)], fails: { 'directory-on-lab-worker2': /Create it on the node/, 'directory-only-on-lab-worker2': /Create the directory on lab-worker2 first/ } },
      ],
    },
    {
      id: 'local-pv-storageclass',
      title: 'Create the local-storage StorageClass',
      solve: [applyFile('manifests/local-storage-class.yaml')],
      checks: [storageClass],
      variants: [{ name: 'storageclass-immediate-binding', steps: [applyFile('variants/storageclass-immediate-binding.yaml')], fails: { storageclass: /use volumeBindingMode: WaitForFirstConsumer/ } }],
    },
    {
      id: 'local-pv-pin-volume',
      title: 'Create a local PV pinned to lab-worker2',
      solve: [applyFile('manifests/local-pv.yaml')],
      checks: [pvSpec, pvAvailable],
      variants: [
        { name: 'pv-pinned-to-lab-worker', steps: [applyFile('variants/pv-pinned-to-lab-worker.yaml')], fails: { 'local-pv-spec': /pinned to lab-worker, but its directory is on lab-worker2/ } },
        { name: 'pv-block-mode', steps: [applyFile('variants/pv-block-mode.yaml')], fails: { 'local-pv-spec': /volumeMode Block would hand the pod a raw device/ } },
        { name: 'pv-hostpath-instead-of-local', steps: [applyFile('variants/pv-hostpath-instead-of-local.yaml')], fails: { 'local-pv-spec': /The volume must be a local volume \(spec.local.path\)/ } },
        { name: 'pv-capacity-5G-decimal', steps: [applyFile('variants/pv-capacity-5G-decimal.yaml')], fails: { 'local-pv-spec': /5G is 5,000,000,000 bytes, less than the 5Gi/ } },
      ],
    },
    {
      id: 'local-pv-claim-waits',
      title: 'Leave a claim waiting for its first consumer',
      solve: [applyFile('manifests/local-pvc.yaml'), waitFor('local-pvc has a WaitForFirstConsumer event', async (v) => (await v.events(NS, 'PersistentVolumeClaim', 'local-pvc')).some((e) => e.reason === 'WaitForFirstConsumer'), 60_000)],
      checks: [claimSpec, claimWaiting, pvStillAvailable],
      variants: [
        {
          name: 'claim-default-class',
          steps: [applyFile('variants/claim-default-class.yaml'), waitFor('local-pvc has an event', async (v) => (await v.events(NS, 'PersistentVolumeClaim', 'local-pvc')).length > 0, 60_000)],
          fails: { 'local-pvc-spec': /The claim is in class standard/ },
        },
        {
          name: 'claim-prebound-to-volume',
          steps: [applyFile('variants/claim-prebound-to-volume.yaml'), waitFor('local-pvc is Bound', async (v) => (await v.pvc(NS, 'local-pvc'))?.status?.phase === 'Bound', 60_000)],
          fails: { 'local-pvc-waiting': /names volumeName: local-pv itself/, 'local-pv-still-available': /already taken/ },
        },
      ],
    },
    {
      id: 'local-pv-pod-follows',
      title: 'Run a pod that follows the volume to lab-worker2',
      solve: [applyFile('manifests/local-pod.yaml'), waitFor('local-pod is Running', async (v) => isReady(await v.pod(NS, 'local-pod')))],
      checks: [podOnWorker2, claimBound, fileOnNode, debugPodsRemoved],
      variants: [
        {
          name: 'pod-pinned-to-lab-worker',
          steps: [applyFile('variants/pod-pinned-to-lab-worker.yaml'), waitFor('local-pod has been seen by the kubelet', async (v) => !!(await v.pod(NS, 'local-pod'))?.status?.phase, 30_000)],
          fails: { 'local-pod-on-lab-worker2': /names node lab-worker itself/, 'local-pvc-bound': /a pod that names its node itself skips that/, 'file-on-lab-worker2': /get it running there first/ },
        },
        {
          name: 'debug-pod-left-behind',
          steps: [
            applyFile('variants/debug-pod-left-behind.yaml'),
            applyFile('manifests/local-pod.yaml'),
            waitFor('local-pod is Running', async (v) => isReady(await v.pod(NS, 'local-pod'))),
          ],
          fails: { 'debug-pods-removed': /Remove your debugging pods: kubectl delete pod node-debugger-lab-worker2-x7k2p/ },
        },
        {
          name: 'pod-selecting-lab-worker2',
          steps: [applyFile('variants/pod-selecting-lab-worker2.yaml'), waitFor('local-pod is Running', async (v) => isReady(await v.pod(NS, 'local-pod')))],
          fails: { 'local-pod-on-lab-worker2': /the exercise asks for a pod that names no node/ },
        },
        {
          name: 'pod-selecting-lab-worker',
          steps: [
            applyFile('variants/pod-selecting-lab-worker.yaml'),
            waitFor('local-pod is found unschedulable', async (v) => !!(await v.pod(NS, 'local-pod'))?.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable'), 60_000),
          ],
          fails: { 'local-pod-on-lab-worker2': /asks for node lab-worker \(nodeSelector or node affinity\), but local-pv lives on lab-worker2/, 'local-pvc-bound': /has not been placed on any node/, 'file-on-lab-worker2': /get it running there first/ },
        },
      ],
    },
  ],
};

export default lesson;
