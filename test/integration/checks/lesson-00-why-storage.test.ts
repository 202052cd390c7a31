// Proof suite for lesson 0 (why storage is hard): reference solution and broken variants on fresh simulated clusters,
// plus correct solutions done another way than the lesson's manifest, which must pass too.
import { describe, expect, it } from 'vitest';
import lesson from '../../../lessons/00-why-storage/exercises.ts';
import { applyYaml, deletePod, deploymentReadyPod, execIn, step, until, waitFor } from '../../../sandbox/checks/index.ts';
import { freshCluster, proveLesson, summary } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));

/** scratchOtherLabels is Deployment scratch written by hand: other labels, another container name. */
const scratchOtherLabels = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: scratch
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: scratch
  template:
    metadata:
      labels:
        app.kubernetes.io/name: scratch
        tier: demo
    spec:
      terminationGracePeriodSeconds: 5
      containers:
        - name: main
          image: busybox:1.36
          command: ["sh", "-c", "hostname > /tmp/started.txt && sleep 3600000"]
`;

describe.skipIf(!!process.env.KSLAB_PROOF_ONLY)('lesson why-storage: correct work done another way passes', { timeout: 180_000 }, () => {
  it('why-storage-lost-file: a Deployment scratch with other labels and container name, pod replaced', async () => {
    const exercise = lesson.exercises.find((e) => e.id === 'why-storage-lost-file')!;
    const bench = await freshCluster(lesson);
    try {
      const selector = 'app.kubernetes.io/name=scratch';
      await bench.run([
        applyYaml('apply Deployment scratch with other labels', scratchOtherLabels),
        waitFor('scratch is ready', async (v) => !!(await deploymentReadyPod(v, 'default', 'scratch'))),
        execIn('default', selector, ['sh', '-c', 'echo "keep me" > /tmp/note.txt']),
        step('delete the pod and wait for its replacement', async (ctx) => {
          const first = (await deploymentReadyPod(ctx.view, 'default', 'scratch'))!.metadata!.name!;
          await deletePod('default', first).run(ctx);
          await until(ctx, 'a replacement is ready', async () => {
            const p = await deploymentReadyPod(ctx.view, 'default', 'scratch');
            return !!p && p.metadata!.name !== first;
          });
        }),
      ]);
      const results = await bench.check(exercise);
      expect(results.filter((r) => r.status !== 'pass').map((r) => r.id), summary(results)).toEqual([]);
    } finally {
      await bench.close();
    }
  });
});
