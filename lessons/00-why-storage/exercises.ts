/**
 * Lesson 0 exercise: a file written inside a container is gone once the
 * pod is replaced. The checks look inside the new pod for the file itself.
 */
import {
  applyFile,
  check,
  deleteObject,
  deletePod,
  deploymentReadyPod,
  execIn,
  fail,
  pass,
  readyPod,
  show,
  step,
  until,
  waitFor,
  type ClusterView,
  type LessonExercises,
  wrongNamespaceHint,
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const SCRATCH = 'app=scratch';

/** scratchPod is the ready pod of Deployment scratch, found through the Deployment's own selector (any labels the learner chose). */
const scratchPod = (view: ClusterView) => deploymentReadyPod(view, NS, 'scratch');

const scratchRunning = check('scratch-running', 'Deployment scratch has one Running, ready pod', async (view) => {
  const d = await view.deployment(NS, 'scratch');
  if (!d) return fail('Deployment default/scratch does not exist', await wrongNamespaceHint(view, 'Deployment', 'scratch', NS, 'Apply it with `kubectl apply -f scratch-deployment.yaml`.'), { deployment: 'scratch' }, { deployment: '(none)' });
  const pod = await scratchPod(view);
  if (pod) return pass(`pod ${pod.metadata!.name} is Running and ready on ${pod.spec!.nodeName}`);
  return fail('Deployment scratch has no ready pod', 'Wait until `kubectl get pods -l app=scratch` shows 1/1 Running (a replacement takes a few seconds after you delete a pod).', { readyPods: '1' }, { readyPods: '0' });
});

/**
 * scratchRuns: every scratch pod the scheduler placed (its Scheduled
 * events), split at the creation of the current Deployment scratch. Only
 * `current` ones count as "that pod" and its replacement: deleting the
 * Deployment and applying it again is not what the exercise asks (the
 * Deployment is what brings the pod back). `before` ones tell the hint that
 * this happened.
 */
async function scratchRuns(view: ClusterView) {
  const d = await view.deployment(NS, 'scratch');
  // The Deployment's first event (ScalingReplicaSet, "Scaled up replica set scratch-… from 0 to 1") marks its creation on
  // the same clock as the scheduler's events; it has whole seconds, so an event of the same second is not earlier.
  const own = d ? await view.events(NS, 'Deployment', 'scratch', d.metadata!.uid) : [];
  const first = own[0] ? eventTime(own[0]) : 0;
  const since = Math.floor(first / 1000) * 1000;
  const all = (await view.scheduledPods(NS)).filter((p) => p.name.startsWith('scratch-'));
  return { current: all.filter((p) => p.at >= since), before: all.filter((p) => p.at < since) };
}

function eventTime(e: { lastTimestamp?: unknown; eventTime?: unknown; firstTimestamp?: unknown }): number {
  const t = e.firstTimestamp ?? e.eventTime ?? e.lastTimestamp;
  return t ? new Date(t as string).getTime() : 0;
}

const recreatedHint =
  'You deleted and re-created the Deployment, so this pod is the first pod of a new Deployment. Delete only the pod (kubectl delete pod -l app=scratch) and let the Deployment replace it: that replacement is what the exercise looks into.';

const podReplaced = check('pod-replaced', 'the running pod is a replacement: an earlier scratch pod was deleted', async (view) => {
  const pod = await scratchPod(view);
  if (!pod) return fail('Deployment scratch has no ready pod', 'Apply scratch-deployment.yaml and wait until its pod is ready.');
  const runs = await scratchRuns(view);
  const earlier = runs.current.filter((r) => r.uid !== pod.metadata!.uid);
  if (earlier.length > 0) return pass(`pod ${pod.metadata!.name} replaced ${earlier[earlier.length - 1]!.name}`);
  const recreated = runs.before.length > 0;
  return fail(
    `pod ${pod.metadata!.name} is the first pod of Deployment scratch${recreated ? ', which was created after the earlier scratch pods' : ''}`,
    recreated ? recreatedHint : `This is still the pod you wrote the note in: delete it (kubectl delete pod ${pod.metadata!.name}), not the Deployment, and let the Deployment create a new one.`,
    { pod: 'a replacement' },
    { pod: `${pod.metadata!.name} (the first)` },
  );
});

const noteGone = check('note-gone', 'in the new pod /tmp/note.txt does not exist and /tmp/started.txt names the new pod', async (view) => {
  const pod = await scratchPod(view);
  if (!pod) return fail('Deployment scratch has no ready pod', 'Apply scratch-deployment.yaml and wait until its pod is ready.');
  const name = pod.metadata!.name!;
  const runs = await scratchRuns(view);
  if (runs.current.filter((r) => r.uid !== pod.metadata!.uid).length === 0) {
    const recreated = runs.before.length > 0;
    return fail(`pod ${name} is the first pod of Deployment scratch`, recreated ? recreatedHint : 'Write the note, then delete the pod; this check looks inside the replacement.');
  }
  const note = await view.exec(NS, name, undefined, ['sh', '-c', 'if [ -e /tmp/note.txt ]; then echo present; cat /tmp/note.txt; else echo absent; fi']);
  let started = await view.exec(NS, name, undefined, ['cat', '/tmp/started.txt']);
  // A container that is only just Running may not have run its first command yet: give it a few seconds.
  for (let waited = 0; started.code !== 0 && waited < 5000; waited += 1000) {
    await view.sleep(1000);
    started = await view.exec(NS, name, undefined, ['cat', '/tmp/started.txt']);
  }
  if (note.stdout.startsWith('present')) {
    // A volume mounted at /tmp (or at /tmp/note.txt) keeps the note; without one, the note was written in this very pod.
    const onVolume = (pod.spec?.containers ?? []).some((c) => (c.volumeMounts ?? []).some((m) => ['/tmp', '/tmp/note.txt'].includes(m.mountPath.replace(/\/+$/, ''))));
    return fail(
      `/tmp/note.txt exists in the new pod ${name}: ${note.stdout.slice(8).trim()}`,
      onVolume
        ? 'The note survived the pod, so /tmp is not the container\'s own filesystem here: the pod mounts a volume at /tmp. Remove the volume from scratch-deployment.yaml; the exercise shows what a container loses without one.'
        : `The pod mounts no volume at /tmp, so the note in ${name} was written in this pod, after the old one was deleted. Do it in the lesson's order: write the note, then delete the pod, and let the Deployment create a new one; then delete this pod once more to see the note go.`,
      { '/tmp/note.txt': 'absent' },
      { '/tmp/note.txt': 'present' },
    );
  }
  if (started.stdout.trim() !== name) {
    return fail(`/tmp/started.txt says ${show(started.stdout.trim())}`, 'The container\'s start command writes its hostname (the pod name) into /tmp/started.txt; keep the command of scratch-deployment.yaml.', { '/tmp/started.txt': name }, { '/tmp/started.txt': show(started.stdout.trim()) });
  }
  return pass(`in ${name}: /tmp/note.txt is absent and /tmp/started.txt says ${name}`);
});

const writeNote = [
  applyFile('manifests/scratch-deployment.yaml'),
  waitFor('scratch has a ready pod', async (v) => !!(await readyPod(v, NS, SCRATCH))),
  execIn(NS, SCRATCH, ['sh', '-c', 'echo "keep me" > /tmp/note.txt']),
];

/** replacePod deletes the ready scratch pod (the one with the note) and waits for its replacement. */
const replacePod = step('delete the scratch pod and wait for its replacement', async (ctx) => {
  const notePod = (await readyPod(ctx.view, NS, SCRATCH))?.metadata?.name;
  if (!notePod) throw new Error('scratch has no ready pod');
  await deletePod(NS, notePod).run(ctx);
  await until(ctx, 'a new scratch pod is ready', async () => {
    const p = await readyPod(ctx.view, NS, SCRATCH);
    return !!p && p.metadata!.name !== notePod;
  });
});

/** recreateDeployment is the mistake the text warns about: delete the Deployment (not the pod) and apply it again. */
const recreateDeployment = step('delete Deployment scratch and apply it again', async (ctx) => {
  const notePod = (await readyPod(ctx.view, NS, SCRATCH))?.metadata?.name;
  if (!notePod) throw new Error('scratch has no ready pod');
  await deleteObject('apps/v1', 'Deployment', 'scratch', NS).run(ctx);
  // The garbage collector removes the old pod after its Deployment; wait, so the new pod is the only one.
  await until(ctx, `pod ${notePod} is gone`, async () => !(await ctx.view.pod(NS, notePod)));
  await applyFile('manifests/scratch-deployment.yaml').run(ctx);
  await until(ctx, 'the new Deployment scratch has a ready pod', async () => !!(await readyPod(ctx.view, NS, SCRATCH)));
});

const lesson: LessonExercises = {
  lesson: 'why-storage',
  folder: new URL('./', import.meta.url),
  exercises: [
    {
      id: 'why-storage-lost-file',
      title: 'Lose a file by deleting a pod',
      solve: [...writeNote, replacePod],
      checks: [scratchRunning, podReplaced, noteGone],
      variants: [
        { name: 'note-written-pod-not-deleted', steps: writeNote, fails: { 'pod-replaced': /This is still the pod you wrote the note in/, 'note-gone': /Write the note, then delete the pod/ } },
        {
          name: 'scratch-tmp-on-hostpath',
          steps: [applyFile('variants/scratch-tmp-on-hostpath.yaml'), ...writeNote.slice(1), replacePod],
          fails: { 'note-gone': /the pod mounts a volume at \/tmp/ },
        },
        {
          name: 'note-written-after-pod-deleted',
          steps: [...writeNote.slice(0, 2), replacePod, writeNote[2]!],
          fails: { 'note-gone': /was written in this pod, after the old one was deleted/ },
        },
        {
          name: 'scratch-in-other-namespace',
          steps: [applyFile('variants/scratch-in-other-namespace.yaml'), waitFor('scratch in lab has a ready pod', async (v) => !!(await readyPod(v, 'lab', SCRATCH)))],
          fails: {
            'scratch-running': /Deployment scratch exists in namespace lab, not in default/,
            'pod-replaced': /Apply scratch-deployment.yaml and wait until its pod is ready/,
            'note-gone': /Apply scratch-deployment.yaml and wait until its pod is ready/,
          },
        },
        {
          name: 'deployment-recreated-instead-of-pod-deleted',
          steps: [...writeNote, recreateDeployment],
          fails: { 'pod-replaced': /You deleted and re-created the Deployment/, 'note-gone': /You deleted and re-created the Deployment/ },
        },
      ],
    },
  ],
};

export default lesson;
