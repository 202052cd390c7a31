/**
 * proof is the proof suite's harness: for each exercise of a lesson, on a
 * fresh simulated cluster each time, (1) no check passes on an empty
 * cluster, (2) the earlier exercises' solutions plus this one's pass every
 * check, and (3) each broken variant fails exactly the checks it names,
 * with the hints it names. The sim runs on a FakeClock that moves 10× faster
 * than the test while it runs, and waits move it explicitly, so a 50 s
 * node-monitor grace period passes in moments.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import type { SimCluster } from '../../../sandbox/providers/sim/index.ts';
import type { Cluster } from '../../../sandbox/providers/types.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { clusterSleep, fastForward } from '../../../sandbox/providers/sim/controllers/manager/fast-forward.ts';
import { ClusterView } from '../../../sandbox/checks/cluster-view.ts';
import { runChecks, runSteps, solveContext, stepsUpTo } from '../../../sandbox/checks/engine.ts';
import type { CheckResult, Exercise, LessonExercises, SolveStep } from '../../../sandbox/checks/types.ts';

/** SimBench is one fresh simulated cluster with a view, a clock that moves, and node power. */
export interface SimBench {
  cluster: Cluster;
  sim: SimCluster;
  view: ClusterView;
  run(steps: SolveStep[]): Promise<void>;
  check(exercise: Exercise): Promise<CheckResult[]>;
  close(): Promise<void>;
}

const clock = new FakeClock(Date.now() - 3_600_000);
const provider = new SimProvider({ controlPlane: { clock } });

/** closeProvider stops the shared simulated API server (call from afterAll). */
export function closeProvider(): Promise<void> {
  return provider.close();
}

/** freshCluster makes a new simulated cluster for one proof case. */
export async function freshCluster(lesson: LessonExercises, log: string[] = []): Promise<SimBench> {
  const id = `pf-${Math.random().toString(16).slice(2, 10)}`;
  const cluster = await provider.create({ id });
  const sim = (await provider.simServer()).cluster(id)!;
  // Cluster time runs 10× faster than the test while it runs (containers, MySQL start-up, grace periods).
  const ticker = fastForward(clock);
  const sleep = clusterSleep(sim.controllers);
  // Ceph through the cluster's toolbox pod, as the page and the CLI reach it.
  const view = ClusterView.fromKubeconfigText(cluster.kubeconfig(), { sleep });
  const ctx = solveContext(lesson, {
    view,
    sleep,
    power: (node, on) => (on ? cluster.powerOn(node) : cluster.powerOff(node)),
    log: (line) => log.push(line),
  });
  return {
    cluster,
    sim,
    view,
    run: (steps) => runSteps(steps, ctx),
    check: (exercise) => runChecks(exercise, view),
    async close() {
      await ticker.stop();
      await cluster.destroy();
    },
  };
}

/** summary renders results for an assertion message. */
export function summary(results: CheckResult[]): string {
  return results.map((r) => `${r.status.toUpperCase()} ${r.id}: ${r.detail}${r.hint ? `\n    hint: ${r.hint}` : ''}`).join('\n');
}

/** proveLesson declares the proof cases of every exercise of a lesson. */
export function proveLesson(lesson: LessonExercises, only?: string[]): void {
  afterAll(() => closeProvider());
  // Generous per-case time: CI runs every integration file at once on 2 cores.
  describe(`lesson ${lesson.lesson}`, { timeout: 180_000 }, () => {
    for (const exercise of lesson.exercises) {
      if (only && !only.includes(exercise.id)) continue;
      if (exercise.proofTodo) {
        it.todo(`${exercise.id}: ${exercise.proofTodo}`);
        continue;
      }
      const setup = stepsUpTo(lesson, exercise.id, false);
      it(`${exercise.id}: no check passes on an empty cluster`, async () => {
        const bench = await freshCluster(lesson);
        try {
          const results = await bench.check(exercise);
          expect(results.filter((r) => r.status === 'pass').map((r) => r.id), summary(results)).toEqual([]);
          expect(results.filter((r) => r.status === 'error').map((r) => r.id), summary(results)).toEqual([]);
        } finally {
          await bench.close();
        }
      });
      it(`${exercise.id}: the reference solution passes every check`, async () => {
        const log: string[] = [];
        const bench = await freshCluster(lesson, log);
        try {
          await bench.run([...setup, ...exercise.solve]);
          const results = await bench.check(exercise);
          expect(results.filter((r) => r.status !== 'pass').map((r) => r.id), summary(results)).toEqual([]);
        } finally {
          await bench.close();
        }
      });
      for (const variant of exercise.variants) {
        it(`${exercise.id}: broken variant "${variant.name}" fails ${Object.keys(variant.fails).join(', ')} with the intended hint`, async () => {
          const bench = await freshCluster(lesson);
          try {
            await bench.run([...setup, ...variant.steps]);
            const results = await bench.check(exercise);
            const failing = results.filter((r) => r.status !== 'pass');
            expect(failing.map((r) => `${r.id}:${r.status}`).sort(), summary(results)).toEqual(Object.keys(variant.fails).map((id) => `${id}:fail`).sort());
            for (const r of failing) expect(r.hint, `${r.id}\n${summary(results)}`).toMatch(variant.fails[r.id]!);
          } finally {
            await bench.close();
          }
        });
      }
    }
  });
}

/**
 * proveAlternative declares that another valid way of doing an exercise
 * (steps after the earlier exercises' solutions) passes every check of it:
 * checks must not fail correct work done differently from the lesson's
 * manifests.
 */
export function proveAlternative(lesson: LessonExercises, exerciseId: string, name: string, steps: SolveStep[], only?: string[]): void {
  if (only && !only.includes(exerciseId)) return;
  it(`${exerciseId}: the alternative "${name}" passes every check`, async () => {
    const exercise = lesson.exercises.find((e) => e.id === exerciseId)!;
    const bench = await freshCluster(lesson);
    try {
      await bench.run([...stepsUpTo(lesson, exerciseId, false), ...steps]);
      const results = await bench.check(exercise);
      expect(results.filter((r) => r.status !== 'pass').map((r) => r.id), summary(results)).toEqual([]);
    } finally {
      await bench.close();
    }
  });
}
