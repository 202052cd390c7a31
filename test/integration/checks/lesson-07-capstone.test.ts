// Proof suite for lesson 7 (capstone): the survival matrix checked against what fresh simulated clusters show,
// correct submissions done another way than the lesson's commands, and the whole lesson graded at the end
// (as `kslab check capstone` does after the last test), when NFS and RBD rightly run on lab-worker2.
import { describe, expect, it } from 'vitest';
import lesson from '../../../lessons/07-capstone/exercises.ts';
import { isReady, power, readyPod, step, until, waitFor, type SolveStep } from '../../../sandbox/checks/index.ts';
import { stepsUpTo } from '../../../sandbox/checks/engine.ts';
import { freshCluster, proveAlternative, proveLesson, summary } from './proof.ts';

const only = process.env.KSLAB_PROOF_ONLY?.split(',');
proveLesson(lesson, only);

/** alternative declares "this other valid way of doing an exercise passes every check of it". */
const alternative = (exerciseId: string, name: string, steps: SolveStep[]) => proveAlternative(lesson, exerciseId, name, steps, only);

const APPS = ['app-local', 'app-nfs', 'app-rbd'];

/** rolloutRestart does what `kubectl rollout restart deployment app-…` does: a new pod template annotation, so the pod is replaced. */
const rolloutRestart = step('kubectl rollout restart deployment app-local app-nfs app-rbd', async (ctx) => {
  for (const app of APPS) {
    const old = (await ctx.view.pods('default', `app=${app}`))[0]?.metadata?.name;
    await ctx.view.mergePatch({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: app, namespace: 'default' },
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } },
    } as never);
    await until(ctx, `${app} has a new ready pod`, async () => {
      const p = await readyPod(ctx.view, 'default', `app=${app}`);
      return !!p && p.metadata!.name !== old && (await ctx.view.pods('default', `app=${app}`)).filter((x) => !x.metadata?.deletionTimestamp).length === 1;
    }, 300_000);
  }
});

const uncordonWorker2 = step('kubectl uncordon lab-worker2', async (ctx) => {
  await ctx.view.mergePatch({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'lab-worker2' }, spec: { unschedulable: false } } as never);
});

/** record patches answers as the learner typed them. */
const record = (answers: Record<string, string>) =>
  step('kubectl patch configmap survival-matrix', async (ctx) => {
    await ctx.view.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'survival-matrix', namespace: 'default' }, data: answers } as never);
  });

describe('lesson capstone: other valid ways, and the whole lesson graded at the end', { timeout: 180_000 }, () => {
  alternative('capstone-pod-deletion', 'pods replaced by kubectl rollout restart, answers typed with capitals and blanks', [
    rolloutRestart,
    uncordonWorker2,
    record({ 'local-path.pod-deletion': 'Survives', 'nfs.pod-deletion': ' survives', 'rbd.pod-deletion': 'SURVIVES' }),
  ]);

  // Lesson 3 in the same sandbox may have powered lab-worker off and on: its NodeNotReady event is no capstone failure.
  const nodeReady = (on: boolean) => waitFor(`lab-worker is ${on ? 'Ready' : 'NotReady'}`, async (v) => ((await v.node('lab-worker'))?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True') === on, 180_000);
  alternative('capstone-deploy-apps', 'after lab-worker failed and came back in an earlier lesson', [
    power('lab-worker', false),
    nodeReady(false),
    power('lab-worker', true),
    nodeReady(true),
    ...lesson.exercises[0]!.solve,
  ]);

  if (!only || only.includes('capstone-survival-matrix')) {
    it('every exercise passes when the whole lesson is graded after the last test', async () => {
      const bench = await freshCluster(lesson);
      try {
        await bench.run(stepsUpTo(lesson, 'capstone-survival-matrix', true));
        // NFS and RBD now run on lab-worker2, as after a real node-failure test.
        expect((await bench.view.pods('default', 'app=app-nfs')).filter(isReady).map((p) => p.spec?.nodeName)).toEqual(['lab-worker2']);
        for (const exercise of lesson.exercises) {
          const results = await bench.check(exercise);
          expect(results.filter((r) => r.status !== 'pass').map((r) => `${exercise.id}/${r.id}`), summary(results)).toEqual([]);
        }
      } finally {
        await bench.close();
      }
    });
  }
});
