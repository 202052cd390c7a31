/**
 * Lesson 1 exercises: the article's producer/consumer pod sharing one
 * emptyDir, the emptyDir's node directory disappearing with the pod, and a
 * memory-backed emptyDir with a size cap. The checks read the file itself,
 * the consumer's log, the node's directory and the container's mount table.
 */
import {
  applyFile,
  check,
  compareFields,
  deletePod,
  fail,
  isReady,
  missing,
  pass,
  sameQuantity,
  show,
  waitFor,
  type ClusterView,
  type LessonExercises,
  wrongNamespaceHint,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const POD = 'producer-consumer';

/** samePath compares two absolute paths as the kubelet mounts them: "/cache/" and "/cache" are one directory. */
function samePath(a: string | undefined, b: string): boolean {
  const strip = (p: string) => p.replace(/\/+$/, '') || '/';
  return a !== undefined && strip(a) === strip(b);
}

/** mountAt says which volume a container mounts at a path. */
function mountAt(pod: { spec?: { containers: { name: string; volumeMounts?: { name: string; mountPath: string }[] }[] } }, container: string, path: string) {
  return pod.spec?.containers.find((c) => c.name === container)?.volumeMounts?.find((m) => samePath(m.mountPath, path))?.name;
}

const sharedVolume = check('shared-emptydir', 'producer and consumer mount the same emptyDir shared-volume', async (view) => {
  const pod = await view.pod(NS, POD);
  if (!pod) return missing(`pod ${POD}`, await wrongNamespaceHint(view, 'Pod', POD, NS, 'Create it with `kubectl apply -f producer-consumer.yaml`.'));
  const producer = mountAt(pod, 'producer', '/producer_dir');
  const consumer = mountAt(pod, 'consumer', '/consumer_dir');
  const shared = pod.spec?.volumes?.find((v) => v.name === 'shared-volume');
  return compareFields(`pod ${POD}`, [
    // The order of the two containers does not matter: the consumer waits for the file either way.
    { field: 'containers', expected: 'consumer, producer', actual: show(pod.spec?.containers.map((c) => c.name).sort()), hint: 'The pod needs two containers named producer and consumer.' },
    { field: 'shared-volume', expected: 'emptyDir', actual: shared ? (shared.emptyDir ? 'emptyDir' : 'another volume type') : undefined, hint: 'The pod must declare a volume shared-volume of type emptyDir.' },
    { field: 'producer /producer_dir', expected: 'shared-volume', actual: producer, hint: 'The producer must mount shared-volume at /producer_dir.' },
    {
      field: 'consumer /consumer_dir',
      expected: 'shared-volume',
      actual: consumer,
      hint: consumer && consumer !== 'shared-volume' ? `The consumer mounts its own volume ${consumer}, not shared-volume: each emptyDir is a separate directory, so the consumer never sees the producer's file.` : 'The consumer must mount shared-volume at /consumer_dir.',
    },
  ]);
});

const podRunning = check('pod-running', 'producer-consumer is Running with both containers ready', async (view) => {
  const pod = await view.pod(NS, POD);
  if (!pod) return missing(`pod ${POD}`, await wrongNamespaceHint(view, 'Pod', POD, NS, 'Create it with `kubectl apply -f producer-consumer.yaml`.'));
  if (isReady(pod) && pod.status!.containerStatuses!.length === 2) return pass(`${POD} is Running, 2/2 ready on ${pod.spec!.nodeName}`);
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready).length;
  return fail(`${POD} is ${show(pod.status?.phase)}, ${ready}/2 ready`, 'Wait until `kubectl get pod producer-consumer` shows 2/2 Running; `kubectl describe pod producer-consumer` says what it waits for.', { ready: '2/2 Running' }, { ready: `${ready}/2 ${show(pod.status?.phase)}` });
});

const consumerReads = check('consumer-reads-hello', 'the consumer sees "hello world" in /consumer_dir/hello and prints it', async (view) => {
  const pod = await view.pod(NS, POD);
  if (!pod || !isReady(pod)) return fail(`pod ${POD} is not running`, 'Run the pod first (previous check).');
  const file = await view.exec(NS, POD, 'consumer', ['cat', '/consumer_dir/hello']);
  const consumerLog = () => view.core.readNamespacedPodLog({ namespace: NS, name: POD, container: 'consumer' }).catch(() => '');
  let logs = await consumerLog();
  // A consumer that started before the producer's echo polls once a second: when it can already read the file,
  // give it a few seconds to print it instead of failing a pod that is only just Running.
  for (let waited = 0; file.code === 0 && !logs.split('\n').includes('hello world') && waited < 10_000; waited += 1000) {
    await view.sleep(1000);
    logs = await consumerLog();
  }
  return compareFields('consumer', [
    {
      field: '/consumer_dir/hello',
      expected: 'hello world',
      actual: file.code === 0 ? file.stdout.trim() : 'missing',
      hint: 'The consumer cannot see the producer\'s file: both containers must mount the same emptyDir (the file appears in the consumer only through the shared volume).',
    },
    { field: 'logs -c consumer', expected: 'hello world', actual: logs.trim() || undefined, matches: (a) => (a ?? '').split('\n').includes('hello world'), hint: 'The consumer has not printed the file: it waits until /consumer_dir/hello exists, which only happens when it shares the producer\'s volume.' },
  ]);
});

/** lastRun finds the most recent producer-consumer pod the scheduler placed (from its Scheduled events). */
async function lastRun(view: ClusterView) {
  const runs = (await view.scheduledPods(NS)).filter((p) => p.name === POD);
  return runs[runs.length - 1];
}

const podDeleted = check('pod-deleted', 'producer-consumer ran and has been deleted', async (view) => {
  const run = await lastRun(view);
  if (!run) return fail(`no ${POD} pod was ever scheduled in ${NS}`, 'Do the previous exercise first: run producer-consumer, then delete it.', { ran: 'yes' }, { ran: 'no' });
  const pod = await view.pod(NS, POD);
  if (pod) {
    return fail(`pod ${POD} still exists${pod.metadata?.deletionTimestamp ? ' (Terminating)' : ''} on ${pod.spec?.nodeName}`, 'Delete it with `kubectl delete pod producer-consumer` (it takes a few seconds: its grace period is 5 s).', { pod: 'deleted' }, { pod: pod.metadata?.deletionTimestamp ? 'Terminating' : 'exists' });
  }
  return pass(`${POD} (uid ${run.uid}) ran on ${run.node} and is gone`);
});

const nodeDirGone = check('node-directory-gone', 'its /var/lib/kubelet/pods/<uid> directory is gone from the node', async (view) => {
  const run = await lastRun(view);
  if (!run) return fail(`no ${POD} pod was ever scheduled in ${NS}`, 'Do the previous exercise first: run producer-consumer, then delete it.');
  const dir = `/var/lib/kubelet/pods/${run.uid}`;
  // The kubelet removes an orphaned pod directory in its housekeeping, a few seconds after the pod object is gone
  // (kubelet_volumes.go cleanupOrphanedPodDirs); give a pod deleted just now that long before calling it a mistake.
  let exists = await view.nodePathExists(run.node, dir);
  for (let waited = 0; exists && waited < 30_000 && !(await view.pod(NS, POD)); waited += 2000) {
    await view.sleep(2000);
    exists = await view.nodePathExists(run.node, dir);
  }
  if (exists) {
    return fail(`${dir} still exists on ${run.node}`, `The pod's directory is still on ${run.node}: the pod ${POD} has not been deleted yet (the kubelet removes an emptyDir only when its pod is gone).`, { [dir]: 'gone' }, { [dir]: 'exists' });
  }
  return pass(`${dir} no longer exists on ${run.node}`);
});

const cacheSpec = check('memory-emptydir', 'ram-cache mounts an emptyDir cache (medium Memory, sizeLimit 64Mi) at /cache with a memory limit', async (view) => {
  const pod = await view.pod(NS, 'ram-cache');
  if (!pod) return missing('pod ram-cache', await wrongNamespaceHint(view, 'Pod', 'ram-cache', NS, 'Create it with `kubectl apply -f ram-cache.yaml`.'));
  const app = pod.spec?.containers.find((c) => c.name === 'app');
  const mount = app?.volumeMounts?.find((m) => samePath(m.mountPath, '/cache'));
  const vol = pod.spec?.volumes?.find((v) => v.name === 'cache');
  const ed = vol?.emptyDir;
  return compareFields('ram-cache', [
    { field: 'app /cache', expected: 'cache', actual: mount?.name, hint: 'The container app must mount the volume cache at /cache.' },
    { field: 'cache', expected: 'emptyDir', actual: vol ? (ed ? 'emptyDir' : 'another volume type') : undefined, hint: 'The volume cache must be an emptyDir.' },
    { field: 'emptyDir.medium', expected: 'Memory', actual: ed?.medium, hint: 'Without medium: Memory the emptyDir lives on the node\'s disk; set emptyDir.medium: Memory to get a tmpfs.' },
    { field: 'emptyDir.sizeLimit', expected: '64Mi', actual: ed?.sizeLimit as string | undefined, matches: (a) => sameQuantity(a, '64Mi'), hint: 'Cap the volume with emptyDir.sizeLimit: 64Mi; without it a memory-backed emptyDir can grow up to the pod\'s memory limit.' },
    { field: 'app memory limit', expected: 'set', actual: app?.resources?.limits?.memory as string | undefined, matches: (a) => !!a, hint: 'Give the container a memory limit (resources.limits.memory): files in a memory-backed emptyDir count against it.' },
  ]);
});

const cacheRunning = check('ram-cache-running', 'ram-cache is Running', async (view) => {
  const pod = await view.pod(NS, 'ram-cache');
  if (!pod) return missing('pod ram-cache', await wrongNamespaceHint(view, 'Pod', 'ram-cache', NS, 'Create it with `kubectl apply -f ram-cache.yaml`.'));
  if (isReady(pod)) return pass(`ram-cache is Running on ${pod.spec!.nodeName}`);
  return fail(`ram-cache is ${show(pod.status?.phase)}`, 'Wait until it is Running; `kubectl describe pod ram-cache` says what it waits for.', { phase: 'Running' }, { phase: show(pod.status?.phase) });
});

const cacheTmpfs = check('cache-is-tmpfs', 'df in the pod shows a tmpfs at /cache', async (view) => {
  const pod = await view.pod(NS, 'ram-cache');
  if (!pod || !isReady(pod)) return fail('pod ram-cache is not running', 'Run the pod first.');
  const df = await view.exec(NS, 'ram-cache', 'app', ['df', '/cache']);
  const line = df.stdout.split('\n').find((l) => /\s\/cache\s*$/.test(l));
  const fs = line?.split(/\s+/)[0];
  if (fs === 'tmpfs') return pass(`df: ${line!.replace(/\s+/g, ' ')}`);
  return fail(`df /cache shows ${show(fs)}`, 'The volume at /cache is not a tmpfs, so it is on the node\'s disk: set emptyDir.medium: Memory.', { filesystem: 'tmpfs' }, { filesystem: show(fs) });
});

/** consumerPrinted waits until the consumer has printed the file, as `kubectl logs producer-consumer -c consumer` shows it. */
const consumerPrinted = waitFor('the consumer has printed hello world', async (v) =>
  (await v.core.readNamespacedPodLog({ namespace: NS, name: POD, container: 'consumer' }).catch(() => '')).split('\n').includes('hello world'),
);

const lesson: LessonExercises = {
  lesson: 'emptydir',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'emptydir-shared-volume',
      title: 'Share an emptyDir between a producer and a consumer',
      solve: [applyFile('manifests/producer-consumer.yaml'), waitFor('producer-consumer is Running', async (v) => isReady(await v.pod(NS, POD))), consumerPrinted],
      checks: [sharedVolume, podRunning, consumerReads],
      variants: [
        {
          name: 'two-separate-emptydirs',
          steps: [applyFile('variants/two-separate-emptydirs.yaml'), waitFor('producer-consumer is Running', async (v) => isReady(await v.pod(NS, POD)))],
          fails: { 'shared-emptydir': /consumer mounts its own volume consumer-volume, not shared-volume/, 'consumer-reads-hello': /cannot see the producer's file/ },
        },
        {
          name: 'producer-consumer-in-other-namespace',
          steps: [applyFile('variants/producer-consumer-in-other-namespace.yaml'), waitFor('producer-consumer in lab is Running', async (v) => isReady(await v.pod('lab', POD)))],
          fails: {
            'shared-emptydir': /Pod producer-consumer exists in namespace lab, not in default/,
            'pod-running': /Pod producer-consumer exists in namespace lab, not in default/,
            'consumer-reads-hello': /Run the pod first/,
          },
        },
      ],
    },
    {
      id: 'emptydir-gone-with-pod',
      title: 'Delete the pod and see its directory disappear from the node',
      solve: [deletePod(NS, POD)],
      checks: [podDeleted, nodeDirGone],
      variants: [{ name: 'pod-not-deleted', steps: [], fails: { 'pod-deleted': /Delete it with `kubectl delete pod producer-consumer`/, 'node-directory-gone': /has not been deleted yet/ } }],
    },
    {
      id: 'emptydir-memory',
      title: 'Back an emptyDir with memory and cap its size',
      solve: [applyFile('manifests/ram-cache.yaml'), waitFor('ram-cache is Running', async (v) => isReady(await v.pod(NS, 'ram-cache')))],
      checks: [cacheSpec, cacheRunning, cacheTmpfs],
      variants: [
        {
          name: 'cache-on-disk',
          steps: [applyFile('variants/cache-on-disk.yaml'), waitFor('ram-cache is Running', async (v) => isReady(await v.pod(NS, 'ram-cache')))],
          fails: { 'memory-emptydir': /Without medium: Memory the emptyDir lives on the node's disk/, 'cache-is-tmpfs': /not a tmpfs/ },
        },
        {
          name: 'cache-without-memory-limit',
          steps: [applyFile('variants/cache-without-memory-limit.yaml'), waitFor('ram-cache is Running', async (v) => isReady(await v.pod(NS, 'ram-cache')))],
          fails: { 'memory-emptydir': /Give the container a memory limit/ },
        },
        {
          name: 'cache-without-size-limit',
          steps: [applyFile('variants/cache-without-size-limit.yaml'), waitFor('ram-cache is Running', async (v) => isReady(await v.pod(NS, 'ram-cache')))],
          fails: { 'memory-emptydir': /Cap the volume with emptyDir.sizeLimit: 64Mi/ },
        },
      ],
    },
  ],
};

export default lesson;
