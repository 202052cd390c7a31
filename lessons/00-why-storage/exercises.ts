/**
 * Lesson 0 exercise: a file written inside a container is gone once the
 * pod is replaced. The checks look inside the new pod for the file itself.
 */
import {
  applyFile,
  check,
  deletePod,
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
} from '../../sandbox/checks/index.ts';

const NS = 'default';
const SCRATCH = 'app=scratch';

const scratchRunning = check('scratch-running', 'Deployment scratch has one Running, ready pod', async (view) => {
  const d = await view.deployment(NS, 'scratch');
  if (!d) return fail('Deployment default/scratch does not exist', 'Apply it with `kubectl apply -f scratch-deployment.yaml`.', { deployment: 'scratch' }, { deployment: '(none)' });
  const pod = await readyPod(view, NS, SCRATCH);
  if (pod) return pass(`pod ${pod.metadata!.name} is Running and ready on ${pod.spec!.nodeName}`);
  return fail('Deployment scratch has no ready pod', 'Wait until `kubectl get pods -l app=scratch` shows 1/1 Running (a replacement takes a few seconds after you delete a pod).', { readyPods: '1' }, { readyPods: '0' });
});

/** scratchPods: every scratch pod the scheduler ever placed (its Scheduled events). */
async function scratchRuns(view: ClusterView) {
  return (await view.scheduledPods(NS)).filter((p) => p.name.startsWith('scratch-'));
}

const podReplaced = check('pod-replaced', 'the running pod is a replacement: an earlier scratch pod was deleted', async (view) => {
  const pod = await readyPod(view, NS, SCRATCH);
  if (!pod) return fail('Deployment scratch has no ready pod', 'Apply scratch-deployment.yaml and wait until its pod is ready.');
  const earlier = (await scratchRuns(view)).filter((r) => r.uid !== pod.metadata!.uid);
  if (earlier.length > 0) return pass(`pod ${pod.metadata!.name} replaced ${earlier[earlier.length - 1]!.name}`);
  return fail(
    `pod ${pod.metadata!.name} is the first pod of Deployment scratch`,
    `This is still the pod you wrote the note in: delete it (kubectl delete pod ${pod.metadata!.name}), not the Deployment, and let the Deployment create a new one.`,
    { pod: 'a replacement' },
    { pod: `${pod.metadata!.name} (the first)` },
  );
});

const noteGone = check('note-gone', 'in the new pod /tmp/note.txt does not exist and /tmp/started.txt names the new pod', async (view) => {
  const pod = await readyPod(view, NS, SCRATCH);
  if (!pod) return fail('Deployment scratch has no ready pod', 'Apply scratch-deployment.yaml and wait until its pod is ready.');
  const name = pod.metadata!.name!;
  if ((await scratchRuns(view)).filter((r) => r.uid !== pod.metadata!.uid).length === 0) {
    return fail(`pod ${name} is the first pod of Deployment scratch`, 'Write the note, then delete the pod; this check looks inside the replacement.');
  }
  const note = await view.exec(NS, name, undefined, ['sh', '-c', 'if [ -e /tmp/note.txt ]; then echo present; cat /tmp/note.txt; else echo absent; fi']);
  const started = await view.exec(NS, name, undefined, ['cat', '/tmp/started.txt']);
  if (note.stdout.startsWith('present')) {
    return fail(
      `/tmp/note.txt exists in the new pod ${name}: ${note.stdout.slice(8).trim()}`,
      'The note survived the pod, so /tmp is not the container\'s own filesystem here: the pod mounts a volume at /tmp. Remove the volume from scratch-deployment.yaml; the exercise shows what a container loses without one.',
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
      ],
    },
  ],
};

export default lesson;
