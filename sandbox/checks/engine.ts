/**
 * The check engine: runs an exercise's checks against a ClusterView and its
 * solve steps through a SolveContext. Both the sandbox server (the page's
 * Check and Solve buttons) and `kslab check|solve` call these, so the page
 * and the CLI grade identically.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Check, CheckResult, Exercise, LessonExercises, SolveContext, SolveStep } from './types.ts';
import type { ClusterView } from './cluster-view.ts';
import type { ExerciseReport } from './report.ts';

/** runCheck runs one check; a check that throws is an `error` result, never a crash of the grader. */
export async function runCheck(check: Check, view: ClusterView): Promise<CheckResult> {
  const started = performance.now();
  try {
    const outcome = await check.run(view);
    return { id: check.id, title: check.title, ...outcome, ms: Math.round(performance.now() - started) };
  } catch (e) {
    return {
      id: check.id,
      title: check.title,
      status: 'error',
      detail: `the check could not look at the cluster: ${(e as Error).message}`,
      hint: 'This is not your mistake as such: the check could not read what it needs. Make sure the cluster is ready (and the nodes it reads are powered on), then check again.',
      ms: Math.round(performance.now() - started),
    };
  }
}

/** runChecks runs every check of an exercise, concurrently (they only read), results in the exercise's order. */
export function runChecks(exercise: Exercise, view: ClusterView): Promise<CheckResult[]> {
  return Promise.all(exercise.checks.map((c) => runCheck(c, view)));
}

/** passed says whether every result passed. */
export function passed(results: CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.status === 'pass');
}

export interface SolveOptions {
  view: ClusterView;
  power?: SolveContext['power'];
  sleep?: SolveContext['sleep'];
  log?: (line: string) => void;
}

/** solveContext builds the context the lesson's solve steps run in. */
export function solveContext(lesson: LessonExercises, options: SolveOptions): SolveContext {
  return {
    view: options.view,
    readLessonFile: (path) => readFileSync(fileURLToPath(new URL(path, lesson.folder)), 'utf8'),
    power: options.power,
    sleep: options.sleep ?? options.view.sleep,
    log: options.log ?? (() => {}),
  };
}

/** runSteps runs steps in order; the first failing step stops the run (kind's "a step fails unless it succeeds"). */
export async function runSteps(steps: SolveStep[], ctx: SolveContext): Promise<void> {
  for (const step of steps) {
    ctx.log(step.title);
    try {
      await step.run(ctx);
    } catch (e) {
      throw new Error(`${step.title}: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** stepsUpTo gives the solve steps of every exercise before `exerciseId` ("set up from here"), then optionally its own. */
export function stepsUpTo(lesson: LessonExercises, exerciseId: string, inclusive: boolean): SolveStep[] {
  const out: SolveStep[] = [];
  for (const ex of lesson.exercises) {
    if (ex.id === exerciseId) {
      if (inclusive) out.push(...ex.solve);
      return out;
    }
    out.push(...ex.solve);
  }
  throw new Error(`lesson "${lesson.lesson}" has no exercise "${exerciseId}"`);
}

/** gradeExercises checks each exercise in turn and reports per exercise. */
export async function gradeExercises(lesson: LessonExercises, exercises: Exercise[], view: ClusterView): Promise<ExerciseReport[]> {
  const reports = [];
  for (const ex of exercises) {
    const results = await runChecks(ex, view);
    reports.push({ lesson: lesson.lesson, exercise: ex.id, title: ex.title, passed: passed(results), results });
  }
  return reports;
}
