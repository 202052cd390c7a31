/**
 * exercise-routes answers POST /api/lessons/:lesson/exercises/:exercise/check
 * and .../solve for a learner's session: it grades with the same engine as
 * `kslab check` (sandbox/checks), reaching the cluster only through its
 * kubeconfig — Ceph too, through the cluster's Ceph toolbox pod, as the CLI
 * does — plus the session's node power for solve steps that pull a plug.
 * A check records progress (a pass stays a pass when later work changes the
 * cluster); solve runs the reference solution, "set up from here" (the
 * earlier exercises' solutions) or "reset this exercise" (a fresh cluster,
 * then set up from here).
 */
import { z } from 'zod';
import type { LiveSession } from '../sessions/live-session.ts';
import type { SessionStore } from '../sessions/store.ts';
import { ClusterView } from '../checks/cluster-view.ts';
import { gradeExercises, runSteps, solveContext, stepsUpTo } from '../checks/engine.ts';
import { loadCourse } from '../checks/course.ts';
import type { ExerciseReport } from '../checks/report.ts';

/** solveBody: what Solve does; "solve" by default. */
export const solveBody = z
  .object({ mode: z.enum(['solve', 'setup', 'reset']).default('solve') })
  .strict()
  .default({ mode: 'solve' });

export class ExerciseRouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const views = new WeakMap<LiveSession, { kubeconfig: string; view: ClusterView }>();
const solving = new WeakMap<LiveSession, Promise<unknown>>();

/** viewOf keeps one ClusterView per session and cluster (it caches the node reader pods). */
function viewOf(session: LiveSession): ClusterView {
  const cluster = session.cluster;
  if (session.progress.state !== 'ready' || !cluster) {
    throw new ExerciseRouteError(409, 'not_ready', `the cluster is ${session.progress.state}; exercises can be checked once it is ready`);
  }
  const kubeconfig = cluster.kubeconfig();
  const cached = views.get(session);
  if (cached?.kubeconfig === kubeconfig) return cached.view;
  // Ceph through the cluster's toolbox pod (the view's default), exactly as `kslab check` reaches it.
  const view = ClusterView.fromKubeconfigText(kubeconfig);
  views.set(session, { kubeconfig, view });
  return view;
}

async function exerciseOf(lessonId: string, exerciseId: string) {
  const lesson = (await loadCourse()).find((l) => l.lesson === lessonId);
  const exercise = lesson?.exercises.find((e) => e.id === exerciseId);
  if (!lesson || !exercise) throw new ExerciseRouteError(404, 'no_checks', `exercise "${lessonId}/${exerciseId}" has no checks`);
  return { lesson, exercise };
}

/** checkExercise grades one exercise on the session's cluster and records the learner's progress. */
export async function checkExercise(session: LiveSession, store: SessionStore, lessonId: string, exerciseId: string): Promise<ExerciseReport> {
  const { lesson, exercise } = await exerciseOf(lessonId, exerciseId);
  const [report] = await gradeExercises(lesson, [exercise], viewOf(session));
  const before = store.progress(session.id).find((p) => p.lesson === lessonId && p.exercise === exerciseId);
  if (report!.passed || before?.status !== 'pass') {
    store.recordProgress(session.id, { lesson: lessonId, exercise: exerciseId, status: report!.passed ? 'pass' : 'fail', updatedAt: Date.now() });
  }
  return report!;
}

/** solveExercise runs a solution on the session's cluster; one solve at a time per session. */
export async function solveExercise(session: LiveSession, lessonId: string, exerciseId: string, mode: 'solve' | 'setup' | 'reset'): Promise<{ mode: string; steps: string[] }> {
  const { lesson, exercise } = await exerciseOf(lessonId, exerciseId);
  if (solving.has(session)) throw new ExerciseRouteError(409, 'busy', 'a solution is already being applied to this cluster; wait until it finishes');
  const run = (async () => {
    if (mode === 'reset') {
      await session.reset();
      if (session.progress.state !== 'ready') throw new ExerciseRouteError(500, 'reset_failed', `the cluster could not be reset: ${session.progress.error ?? session.progress.state}`);
    }
    const view = viewOf(session);
    const steps = mode === 'solve' ? exercise.solve : stepsUpTo(lesson, exercise.id, false);
    const log: string[] = [];
    const ctx = solveContext(lesson, { view, power: (node, on) => session.power(node, on), log: (line) => log.push(line) });
    try {
      await runSteps(steps, ctx);
    } catch (e) {
      throw new ExerciseRouteError(500, 'solve_failed', (e as Error).message);
    }
    return { mode, steps: log };
  })();
  solving.set(session, run);
  try {
    return await run;
  } finally {
    solving.delete(session);
  }
}
