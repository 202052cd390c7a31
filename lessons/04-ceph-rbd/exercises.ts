/**
 * Lesson 4 exercises: ceph-csi's Secret and StorageClass, a claim that
 * makes an RBD image in pool rbd, a pod that maps it (VolumeAttachment and
 * a watcher on the image), the Multi-Attach error of a second node, and a
 * claim for the removed in-tree provisioner that stays Pending. The checks
 * that look inside Ceph need a way to it (the sandbox gives its cluster's
 * `ceph`/`rbd`); without one they report an error, never a pass.
 */
import {
  applyFile,
  applyYaml,
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
  waitFor,
  type ClusterView,
  type ExecResult,
  type LessonExercises,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const CLUSTER_ID = 'b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d';

/** ceph runs `ceph`/`rbd` against the lab's Ceph cluster (by default in the cluster's Ceph toolbox pod, see ClusterView.ceph). */
async function ceph(view: ClusterView, command: 'ceph' | 'rbd', argv: string[]): Promise<ExecResult> {
  return view.ceph(command, argv);
}

async function adminKey(view: ClusterView): Promise<string> {
  const r = await ceph(view, 'ceph', ['auth', 'get-key', 'client.admin']);
  if (r.code !== 0) throw new Error(`ceph auth get-key client.admin failed: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * missingFromDefault is the failure for an object the exercise wants in
 * namespace default; when an object of that name exists in another
 * namespace it says so, because `-n ceph-csi-rbd` (where the driver runs) is
 * an easy slip and ceph-csi's class parameters name default.
 */
async function missingFromDefault(view: ClusterView, kind: 'Secret' | 'PersistentVolumeClaim' | 'Pod', name: string, hint: string) {
  const elsewhere = await namespacesHolding(view, kind, name, NS);
  if (elsewhere.length) return missing(`${kind} ${NS}/${name}`, `${kind} ${name} exists in namespace ${elsewhere.join(', ')}, but it must be in ${NS}: create it there (kubectl -n ${NS} …).`);
  if (kind === 'Pod') {
    // A Deployment (kubectl create deployment) names its pods rbd-writer-<hash>-<suffix>.
    const similar = (await view.pods(NS)).map((p) => p.metadata?.name ?? '').filter((n) => n.startsWith(`${name}-`));
    if (similar.length) return missing(`Pod ${NS}/${name}`, `There is no pod named exactly ${name} (found ${similar.join(', ')}, made by a Deployment or ReplicaSet?): the exercise asks for a Pod named ${name}, e.g. kubectl apply -f ${name}.yaml.`);
  }
  return missing(`${kind} ${NS}/${name}`, hint);
}

/**
 * claimClass is the class a claim asks for: spec.storageClassName, else the
 * deprecated volume.beta.kubernetes.io/storage-class annotation the article
 * used, which Kubernetes still honours (GetPersistentVolumeClaimClass,
 * k8s.io/component-helpers/storage/volume/helpers.go).
 */
function claimClass(pvc: { metadata?: { annotations?: Record<string, string> }; spec?: { storageClassName?: string } }): string | undefined {
  return pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? pvc.spec?.storageClassName;
}

const decode = (b64: string | undefined) => (b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8'));

const secretCheck = check('csi-rbd-secret', 'Secret csi-rbd-secret has exactly userID=admin and userKey=the admin key', async (view) => {
  const s = await view.secret(NS, 'csi-rbd-secret');
  if (!s) return missingFromDefault(view, 'Secret', 'csi-rbd-secret', 'Create it: kubectl create secret generic csi-rbd-secret --from-literal=userID=admin --from-file=userKey=admin.key');
  const key = await adminKey(view);
  const data = s.data ?? {};
  const userID = decode(data.userID);
  const userKey = decode(data.userKey);
  const keys = Object.keys(data).sort();
  const keyHint =
    userKey === undefined
      ? 'The Secret has no userKey.'
      : userKey.trim() === key
        ? 'userKey has extra whitespace (a trailing newline?): write the key with `ceph auth get-key client.admin > admin.key`, which adds none, and use --from-file.'
        : decode(userKey)?.trim() === key
          ? 'userKey is base64-encoded twice: kubectl create secret already encodes the value, so give it the plain key.'
          : 'userKey is not the key `ceph auth get-key client.admin` prints.';
  return compareFields('Secret csi-rbd-secret', [
    { field: 'keys', expected: 'userID, userKey', actual: show(keys), hint: 'The Secret must have exactly the keys userID and userKey.' },
    { field: 'userID', expected: 'admin', actual: userID, hint: userID === 'client.admin' ? 'userID is the Ceph user without the "client." prefix: admin.' : 'userID must be admin.' },
    { field: 'userKey', expected: 'the admin key', actual: userKey === key ? 'the admin key' : userKey === undefined ? undefined : 'a different value', hint: keyHint },
  ]);
});

const scCheck = check('csi-rbd-sc', 'StorageClass csi-rbd-sc for rbd.csi.ceph.com with the pool, features and secrets of the lesson', async (view) => {
  const sc = await view.storageClass('csi-rbd-sc');
  if (!sc) return missing('StorageClass csi-rbd-sc', 'Create it with `kubectl apply -f csi-rbd-sc.yaml`.');
  const p = sc.parameters ?? {};
  const secret = (kind: string) => (p[`csi.storage.k8s.io/${kind}-secret-name`] ? `${p[`csi.storage.k8s.io/${kind}-secret-namespace`] ?? '?'}/${p[`csi.storage.k8s.io/${kind}-secret-name`]}` : undefined);
  return compareFields('StorageClass csi-rbd-sc', [
    { field: 'provisioner', expected: 'rbd.csi.ceph.com', actual: sc.provisioner, hint: 'The ceph-csi RBD driver is rbd.csi.ceph.com.' },
    { field: 'clusterID', expected: CLUSTER_ID, actual: p.clusterID, hint: 'clusterID is the Ceph cluster\'s fsid (`ceph fsid`).' },
    { field: 'pool', expected: 'rbd', actual: p.pool, hint: 'Images go to pool rbd.' },
    { field: 'imageFeatures', expected: 'layering', actual: p.imageFeatures, hint: 'Use imageFeatures: layering (what the kernel rbd client maps).' },
    { field: 'fstype', expected: 'ext4', actual: p['csi.storage.k8s.io/fstype'], hint: 'Set csi.storage.k8s.io/fstype: ext4.' },
    { field: 'provisioner secret', expected: `${NS}/csi-rbd-secret`, actual: secret('provisioner'), hint: 'The provisioner secret lets ceph-csi create images: point it at default/csi-rbd-secret.' },
    { field: 'controller-expand secret', expected: `${NS}/csi-rbd-secret`, actual: secret('controller-expand'), hint: 'The controller-expand secret lets ceph-csi grow images: point it at default/csi-rbd-secret.' },
    { field: 'node-stage secret', expected: `${NS}/csi-rbd-secret`, actual: secret('node-stage'), hint: 'Without the node-stage secret the node plugin has no key to map the image with, and pods stay ContainerCreating: point it at default/csi-rbd-secret.' },
    { field: 'reclaimPolicy', expected: 'Delete', actual: sc.reclaimPolicy ?? 'Delete', hint: 'Use reclaimPolicy Delete.' },
    { field: 'allowVolumeExpansion', expected: 'true', actual: String(sc.allowVolumeExpansion ?? false), hint: 'Allow volume expansion (allowVolumeExpansion: true).' },
  ]);
});

const claimBound = check('rbd-pvc-bound', 'rbd-pvc (csi-rbd-sc, 1Gi, RWO) is Bound to a PV that ceph-csi provisioned', async (view) => {
  const pvc = await view.pvc(NS, 'rbd-pvc');
  if (!pvc) return missingFromDefault(view, 'PersistentVolumeClaim', 'rbd-pvc', 'Create it with `kubectl apply -f rbd-pvc.yaml`.');
  const pv = pvc.spec?.volumeName ? await view.pv(pvc.spec.volumeName) : undefined;
  const cls = claimClass(pvc);
  const sc = cls === 'csi-rbd-sc' ? await view.storageClass(cls) : undefined;
  const pendingHint =
    cls === 'csi-rbd-sc' && !sc
      ? 'The claim is not Bound: StorageClass csi-rbd-sc does not exist (previous exercise).'
      : sc?.volumeBindingMode === 'WaitForFirstConsumer'
        ? 'The claim is not Bound: csi-rbd-sc has volumeBindingMode WaitForFirstConsumer, so nothing is provisioned until a pod uses the claim. Leave volumeBindingMode out (Immediate): delete and re-create the class, then the claim.'
        : 'The claim is not Bound: `kubectl describe pvc rbd-pvc` shows the provisioner\'s events.';
  return compareFields('rbd-pvc', [
    { field: 'storageClassName', expected: 'csi-rbd-sc', actual: cls, hint: `The claim asks for class ${show(cls)}${cls && cls !== 'csi-rbd-sc' ? ', which no provisioner serves here' : ''}: use storageClassName: csi-rbd-sc.` },
    { field: 'request', expected: '1Gi', actual: pvc.spec?.resources?.requests?.storage as string, matches: (a) => sameQuantity(a, '1Gi'), hint: 'Request 1Gi.' },
    { field: 'accessModes', expected: 'ReadWriteOnce', actual: show(pvc.spec?.accessModes), hint: 'An RBD filesystem volume is ReadWriteOnce.' },
    { field: 'phase', expected: 'Bound', actual: pvc.status?.phase, hint: pendingHint },
    { field: 'volume', expected: `pvc-${pvc.metadata?.uid}`, actual: pvc.spec?.volumeName, hint: 'The volume must be the one ceph-csi provisioned for this claim (pvc-<claim uid>).' },
    { field: 'volume driver', expected: 'rbd.csi.ceph.com', actual: pv?.spec?.csi?.driver, hint: 'The volume must come from the ceph-csi RBD driver.' },
  ]);
});

/** imageOf is the RBD image name of the claim's PV. */
async function imageOf(view: ClusterView): Promise<{ image?: string; pv?: string }> {
  const pvc = await view.pvc(NS, 'rbd-pvc');
  const pv = pvc?.spec?.volumeName ? await view.pv(pvc.spec.volumeName) : undefined;
  return { image: pv?.spec?.csi?.volumeAttributes?.imageName, pv: pv?.metadata?.name };
}

const imageInPool = check('rbd-image-in-pool', 'the PV\'s RBD image exists in pool rbd', async (view) => {
  const { image, pv } = await imageOf(view);
  if (!image) return fail('rbd-pvc has no provisioned volume with an image name', 'Create rbd-pvc in class csi-rbd-sc and wait until it is Bound.', { image: 'in pool rbd' }, { image: '(none)' });
  const r = await ceph(view, 'rbd', ['ls', '-p', 'rbd']);
  if (r.code !== 0) throw new Error(`rbd ls -p rbd failed: ${r.stderr.trim()}`);
  const images = r.stdout.split('\n').filter(Boolean);
  if (images.includes(image)) return pass(`rbd ls -p rbd lists ${image} (PV ${pv})`);
  return fail(`pool rbd has no image ${image}`, `PV ${pv} names image ${image}, but pool rbd does not hold it (was it removed by hand?).`, { image }, { image: 'missing' });
});

const writerRunning = check('rbd-writer-running', 'rbd-writer is Running on lab-worker with rbd-pvc at /data', async (view) => {
  const pod = await view.pod(NS, 'rbd-writer');
  if (!pod) return missingFromDefault(view, 'Pod', 'rbd-writer', 'Create it with `kubectl apply -f rbd-writer.yaml`.');
  const mount = pod.spec?.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.mountPath === '/data');
  const claim = pod.spec?.volumes?.find((v) => v.name === mount?.name)?.persistentVolumeClaim?.claimName;
  return compareFields('rbd-writer', [
    { field: '/data', expected: 'claim rbd-pvc', actual: claim ? `claim ${claim}` : undefined, hint: 'Mount the claim rbd-pvc at /data.' },
    { field: 'node', expected: 'lab-worker', actual: pod.spec?.nodeName, hint: `The writer runs on ${show(pod.spec?.nodeName)}; this exercise needs it on lab-worker (nodeSelector kubernetes.io/hostname: lab-worker), so the next one can try lab-worker2.` },
    { field: 'status', expected: 'Running', actual: isReady(pod) ? 'Running' : show(pod.status?.phase), hint: 'Wait until the pod is Running; `kubectl describe pod rbd-writer` shows attach and mount events.' },
  ]);
});

/** attachmentOf finds the VolumeAttachment of a PV. */
async function attachmentOf(view: ClusterView, pv: string) {
  return (await view.volumeAttachments()).find((va) => va.spec.source.persistentVolumeName === pv);
}

const attached = check('volume-attached', 'a VolumeAttachment for the PV and lab-worker shows ATTACHED true', async (view) => {
  const { pv } = await imageOf(view);
  if (!pv) return fail('rbd-pvc has no volume', 'Provision rbd-pvc first.');
  const va = await attachmentOf(view, pv);
  return compareFields(`VolumeAttachment of ${pv}`, [
    { field: 'node', expected: 'lab-worker', actual: va?.spec.nodeName, hint: va ? `The volume is attached to ${va.spec.nodeName}, not lab-worker: the writer must run on lab-worker.` : 'No VolumeAttachment exists yet: it appears when a pod using the claim is scheduled.' },
    { field: 'attached', expected: 'true', actual: va ? String(va.status?.attached ?? false) : undefined, hint: 'The attachment is not done yet; wait a moment.' },
  ]);
});

const watcher = check('image-watcher', 'the RBD image has a watcher (it is mapped on a node)', async (view) => {
  const { image } = await imageOf(view);
  if (!image) return fail('rbd-pvc has no image', 'Provision rbd-pvc first.');
  const r = await ceph(view, 'rbd', ['status', `rbd/${image}`]);
  if (r.code !== 0) throw new Error(`rbd status failed: ${r.stderr.trim()}`);
  if (/watcher=/.test(r.stdout)) return pass(`rbd status rbd/${image}: ${r.stdout.split('\n').find((l) => /watcher=/.test(l))!.trim()}`);
  return fail(`rbd status rbd/${image} shows no watcher`, 'No node has the image mapped: the pod using the claim is not running yet.', { watchers: 'one' }, { watchers: 'none' });
});

const fileWritten = check('rbd-file-written', '/data/hello in rbd-writer says "hello from rbd"', async (view) => {
  const pod = await view.pod(NS, 'rbd-writer');
  if (!isReady(pod)) return fail('rbd-writer is not running', 'Run rbd-writer first.');
  // Read the file in the container that mounts /data: with a second container, exec without -c would
  // need a container name (or land in one that has no /data).
  const writer = pod!.spec?.containers.find((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === '/data'));
  const r = await view.exec(NS, 'rbd-writer', writer?.name, ['cat', '/data/hello']);
  if (r.code === 0 && r.stdout.trim() === 'hello from rbd') return pass('/data/hello: hello from rbd');
  return fail(`/data/hello is ${r.code === 0 ? `"${r.stdout.trim()}"` : 'missing'}`, 'The writer writes /data/hello when it starts; keep its command from rbd-writer.yaml.', { '/data/hello': 'hello from rbd' }, { '/data/hello': r.code === 0 ? r.stdout.trim() : 'missing' });
});

const readerStuck = check('rbd-reader-multi-attach', 'rbd-reader on lab-worker2 is stuck in ContainerCreating with a Multi-Attach FailedAttachVolume event', async (view) => {
  const pod = await view.pod(NS, 'rbd-reader');
  if (!pod) {
    // The lesson says to delete the reader once this check has passed; graded again later (the whole lesson at
    // the end), the reader's Multi-Attach event for rbd-pvc's volume still shows what happened (until events expire).
    const { pv } = await imageOf(view);
    const earlier = pv ? (await view.events(NS, 'Pod', 'rbd-reader')).find((e) => e.reason === 'FailedAttachVolume' && /Multi-Attach error/.test(e.message ?? '') && (e.message ?? '').includes(`"${pv}"`)) : undefined;
    if (earlier) return pass(`rbd-reader has been deleted (as the lesson says once this check passed); its event remains: ${earlier.message}`);
    return missingFromDefault(view, 'Pod', 'rbd-reader', 'Create it with `kubectl apply -f rbd-reader.yaml` while rbd-writer runs.');
  }
  const claims = (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
  if (!claims.includes('rbd-pvc')) {
    return fail(
      `rbd-reader uses ${claims.length ? `claim ${claims.join(', ')}` : 'no claim'}, not rbd-pvc`,
      'rbd-reader must use the writer\'s claim rbd-pvc: only the same volume, already attached to lab-worker, gives the Multi-Attach error (another claim is another RBD image, which attaches freely).',
      { claim: 'rbd-pvc' },
      { claim: show(claims) },
    );
  }
  if (isReady(pod)) {
    return fail(
      `rbd-reader is Running on ${pod.spec?.nodeName}`,
      pod.spec?.nodeName === 'lab-worker'
        ? 'rbd-reader runs on lab-worker, the writer\'s node: ReadWriteOnce is per node, so two pods on one node share the volume without error. Put the reader on lab-worker2.'
        : 'rbd-reader is running: the writer no longer holds the volume. Keep rbd-writer running on lab-worker while the reader starts.',
      { 'rbd-reader': 'ContainerCreating on lab-worker2' },
      { 'rbd-reader': `Running on ${show(pod.spec?.nodeName)}` },
    );
  }
  const events = await view.events(NS, 'Pod', 'rbd-reader', pod.metadata?.uid);
  const multi = events.find((e) => e.reason === 'FailedAttachVolume' && /Multi-Attach error/.test(e.message ?? ''));
  return compareFields('rbd-reader', [
    { field: 'node', expected: 'lab-worker2', actual: pod.spec?.nodeName, hint: 'The reader must be scheduled to lab-worker2.' },
    { field: 'FailedAttachVolume', expected: 'Multi-Attach error', actual: multi ? 'Multi-Attach error' : show(events.map((e) => e.reason)), hint: 'No Multi-Attach event yet; wait a few seconds and check `kubectl describe pod rbd-reader`.' },
  ]);
});

const writerStill = check('rbd-writer-still-running', 'rbd-writer still runs and the VolumeAttachment still points at lab-worker', async (view) => {
  const pod = await view.pod(NS, 'rbd-writer');
  const { pv } = await imageOf(view);
  const va = pv ? await attachmentOf(view, pv) : undefined;
  return compareFields('rbd-writer', [
    { field: 'rbd-writer', expected: 'Running on lab-worker', actual: pod ? `${isReady(pod) ? 'Running' : show(pod.status?.phase)} on ${show(pod.spec?.nodeName)}` : undefined, hint: 'Keep rbd-writer running on lab-worker: it holds the volume.' },
    { field: 'VolumeAttachment node', expected: 'lab-worker', actual: va?.spec.nodeName, hint: 'The volume must stay attached to lab-worker.' },
  ]);
});

const legacyClass = check('legacy-rbd-class', 'StorageClass legacy-rbd names the in-tree provisioner kubernetes.io/rbd', async (view) => {
  const sc = await view.storageClass('legacy-rbd');
  if (!sc) return missing('StorageClass legacy-rbd', 'Create it with `kubectl apply -f legacy-rbd-storageclass.yaml`.');
  return compareFields('StorageClass legacy-rbd', [{ field: 'provisioner', expected: 'kubernetes.io/rbd', actual: sc.provisioner, hint: 'The class must name the removed in-tree provisioner kubernetes.io/rbd.' }]);
});

const legacyPending = check('legacy-claim-pending', 'legacy-rbd-pvc stays Pending with an ExternalProvisioning event naming kubernetes.io/rbd', async (view) => {
  const pvc = await view.pvc(NS, 'legacy-rbd-pvc');
  if (!pvc) return missingFromDefault(view, 'PersistentVolumeClaim', 'legacy-rbd-pvc', 'Create it with `kubectl apply -f legacy-rbd-pvc.yaml`.');
  const events = await view.events(NS, 'PersistentVolumeClaim', 'legacy-rbd-pvc', pvc.metadata?.uid);
  const ext = events.find((e) => e.reason === 'ExternalProvisioning' && /kubernetes\.io\/rbd/.test(e.message ?? ''));
  const cls = claimClass(pvc);
  const waiting = events.some((e) => e.reason === 'WaitForFirstConsumer');
  // ExternalProvisioning names the provisioner it waits for: 'ceph.com/rbd' (external-storage) is not the in-tree one.
  const other = events.map((e) => (e.reason === 'ExternalProvisioning' ? /external provisioner '([^']+)'/.exec(e.message ?? '')?.[1] : undefined)).find((p) => p && p !== 'kubernetes.io/rbd');
  return compareFields('legacy-rbd-pvc', [
    { field: 'storageClassName', expected: 'legacy-rbd', actual: cls, hint: cls === 'standard' ? 'The claim got the default class standard (no storageClassName): name legacy-rbd.' : 'The claim must ask for class legacy-rbd.' },
    { field: 'phase', expected: 'Pending', actual: pvc.status?.phase, hint: 'The claim must stay Pending: nothing serves kubernetes.io/rbd any more.' },
    { field: 'volumeName', expected: '(none)', actual: show(pvc.spec?.volumeName), hint: 'No PV may be bound to the claim.' },
    { field: 'event', expected: 'ExternalProvisioning (kubernetes.io/rbd)', actual: ext ? 'ExternalProvisioning (kubernetes.io/rbd)' : show(events.map((e) => e.reason)), hint: other ? `The claim waits for provisioner ${other}, not kubernetes.io/rbd: legacy-rbd must name the removed in-tree provisioner kubernetes.io/rbd (a class's provisioner cannot be changed; delete and re-create it, then the claim).` : waiting ? 'The claim waits for a first consumer (legacy-rbd has volumeBindingMode WaitForFirstConsumer), so provisioning is never asked for: leave volumeBindingMode out, re-create the class and the claim.' : 'No ExternalProvisioning event names kubernetes.io/rbd yet; the claim must be in class legacy-rbd.' },
  ]);
});

/** secretYaml builds the Secret the way `kubectl create secret generic ... --from-file=userKey=admin.key` does. */
const createSecret = (transformKey: (key: string) => string = (k) => k, userID = 'admin', namespace = NS) =>
  applyYaml(`create Secret csi-rbd-secret with the admin key${namespace === NS ? '' : ` in namespace ${namespace}`}`, async (ctx) => {
    const key = await adminKey(ctx.view);
    return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: csi-rbd-secret\n  namespace: ${namespace}\ntype: Opaque\ndata:\n  userID: ${Buffer.from(userID).toString('base64')}\n  userKey: ${Buffer.from(transformKey(key)).toString('base64')}\n`;
  });

const waitBound = waitFor('rbd-pvc is Bound', async (v) => (await v.pvc(NS, 'rbd-pvc'))?.status?.phase === 'Bound', 60_000);
const waitWriter = waitFor('rbd-writer is Running', async (v) => isReady(await v.pod(NS, 'rbd-writer')));
const waitReaderEvent = waitFor('rbd-reader has an attach event or runs', async (v) => {
  const pod = await v.pod(NS, 'rbd-reader');
  if (isReady(pod)) return true;
  return (await v.events(NS, 'Pod', 'rbd-reader')).some((e) => e.reason === 'FailedAttachVolume');
}, 120_000);

const lesson: LessonExercises = {
  lesson: 'ceph-rbd',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'ceph-rbd-secret',
      title: 'Store the Ceph admin key as a Secret for ceph-csi',
      solve: [createSecret()],
      checks: [secretCheck],
      variants: [
        { name: 'secret-key-with-trailing-newline', steps: [createSecret((k) => `${k}\n`)], fails: { 'csi-rbd-secret': /extra whitespace \(a trailing newline\?\)/ } },
        { name: 'secret-key-base64-encoded-twice', steps: [createSecret((k) => Buffer.from(k).toString('base64'))], fails: { 'csi-rbd-secret': /base64-encoded twice/ } },
        { name: 'secret-user-with-client-prefix', steps: [createSecret(undefined, 'client.admin')], fails: { 'csi-rbd-secret': /without the "client." prefix/ } },
        // `-n ceph-csi-rbd`, where the driver runs: the class's secret parameters name default.
        { name: 'secret-in-ceph-csi-namespace', steps: [createSecret(undefined, undefined, 'ceph-csi-rbd')], fails: { 'csi-rbd-secret': /exists in namespace ceph-csi-rbd, but it must be in default/ } },
      ],
    },
    {
      id: 'ceph-rbd-storageclass',
      title: 'Create the csi-rbd-sc StorageClass',
      solve: [applyFile('manifests/csi-rbd-sc.yaml')],
      checks: [scCheck],
      variants: [{ name: 'storageclass-without-node-stage-secret', steps: [applyFile('variants/storageclass-without-node-stage-secret.yaml')], fails: { 'csi-rbd-sc': /Without the node-stage secret the node plugin has no key/ } }],
    },
    {
      id: 'ceph-rbd-provision-claim',
      title: 'Provision an RBD image through a claim',
      solve: [applyFile('manifests/rbd-pvc.yaml'), waitBound],
      checks: [claimBound, imageInPool],
      variants: [
        {
          name: 'claim-misspelled-class',
          steps: [applyFile('variants/claim-misspelled-class.yaml')],
          fails: { 'rbd-pvc-bound': /asks for class csi-rbd, which no provisioner serves here/, 'rbd-image-in-pool': /Create rbd-pvc in class csi-rbd-sc/ },
        },
        {
          name: 'storageclass-wait-for-first-consumer',
          steps: [
            deleteObject('storage.k8s.io/v1', 'StorageClass', 'csi-rbd-sc'),
            applyFile('variants/storageclass-wait-for-first-consumer.yaml'),
            applyFile('manifests/rbd-pvc.yaml'),
            waitFor('rbd-pvc waits for a first consumer', async (v) => (await v.events(NS, 'PersistentVolumeClaim', 'rbd-pvc')).some((e) => e.reason === 'WaitForFirstConsumer'), 60_000),
          ],
          fails: { 'rbd-pvc-bound': /csi-rbd-sc has volumeBindingMode WaitForFirstConsumer/, 'rbd-image-in-pool': /Create rbd-pvc in class csi-rbd-sc and wait until it is Bound/ },
        },
      ],
    },
    {
      id: 'ceph-rbd-pod-mount',
      title: 'Run a pod that writes to the RBD volume',
      solve: [applyFile('manifests/rbd-writer.yaml'), waitWriter],
      checks: [writerRunning, attached, watcher, fileWritten],
      variants: [
        {
          name: 'writer-on-lab-worker2',
          steps: [applyFile('variants/writer-on-lab-worker2.yaml'), waitWriter],
          fails: { 'rbd-writer-running': /The writer runs on lab-worker2; this exercise needs it on lab-worker/, 'volume-attached': /attached to lab-worker2, not lab-worker/ },
        },
      ],
    },
    {
      id: 'ceph-rbd-multi-attach',
      title: 'Trigger a Multi-Attach error from the other worker',
      solve: [applyFile('manifests/rbd-reader.yaml'), waitReaderEvent],
      checks: [readerStuck, writerStill],
      variants: [
        {
          name: 'reader-on-lab-worker',
          steps: [applyFile('variants/reader-on-lab-worker.yaml'), waitFor('rbd-reader runs', async (v) => isReady(await v.pod(NS, 'rbd-reader')))],
          fails: { 'rbd-reader-multi-attach': /ReadWriteOnce is per node, so two pods on one node share the volume/ },
        },
        {
          name: 'reader-with-its-own-claim',
          steps: [applyFile('variants/reader-with-its-own-claim.yaml'), waitFor('rbd-reader runs', async (v) => isReady(await v.pod(NS, 'rbd-reader')), 120_000)],
          fails: { 'rbd-reader-multi-attach': /rbd-reader must use the writer's claim rbd-pvc/ },
        },
      ],
    },
    {
      id: 'ceph-rbd-legacy-pending',
      title: 'Watch a claim for the removed in-tree provisioner stay Pending',
      solve: [
        applyFile('manifests/legacy-rbd-storageclass.yaml'),
        applyFile('manifests/legacy-rbd-pvc.yaml'),
        waitFor('legacy-rbd-pvc has an ExternalProvisioning event', async (v) => (await v.events(NS, 'PersistentVolumeClaim', 'legacy-rbd-pvc')).some((e) => e.reason === 'ExternalProvisioning'), 60_000),
      ],
      checks: [legacyClass, legacyPending],
      variants: [
        {
          name: 'legacy-claim-without-class',
          steps: [applyFile('manifests/legacy-rbd-storageclass.yaml'), applyFile('variants/legacy-claim-without-class.yaml'), waitFor('legacy-rbd-pvc has an event', async (v) => (await v.events(NS, 'PersistentVolumeClaim', 'legacy-rbd-pvc')).length > 0, 60_000)],
          fails: { 'legacy-claim-pending': /got the default class standard/ },
        },
        {
          name: 'legacy-class-external-storage-provisioner',
          steps: [
            applyFile('variants/legacy-class-external-storage-provisioner.yaml'),
            applyFile('manifests/legacy-rbd-pvc.yaml'),
            waitFor('legacy-rbd-pvc has an ExternalProvisioning event', async (v) => (await v.events(NS, 'PersistentVolumeClaim', 'legacy-rbd-pvc')).some((e) => e.reason === 'ExternalProvisioning'), 60_000),
          ],
          fails: { 'legacy-rbd-class': /must name the removed in-tree provisioner kubernetes.io\/rbd/, 'legacy-claim-pending': /waits for provisioner ceph.com\/rbd, not kubernetes.io\/rbd/ },
        },
      ],
    },
  ],
};

export default lesson;
