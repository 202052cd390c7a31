/**
 * The check engine's vocabulary: what an exercise is (solve steps, checks,
 * broken variants), what a check returns, and what a solve step may ask of
 * its caller. Lessons import these from `sandbox/checks/` only (DESIGN.md,
 * "Exercises and checks"); nothing here knows which provider made the cluster.
 */
import type { ClusterView } from './cluster-view.ts';

/** CheckStatus: pass, fail (the cluster is not in the expected state), error (the check itself could not look). */
export type CheckStatus = 'pass' | 'fail' | 'error';

/** CheckResult is what the page, the CLI and the proof suite show for one check. */
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  /** detail says what the check saw, in one or two sentences. */
  detail: string;
  /** hint names the learner's mistake in their terms; present when status is fail or error. */
  hint?: string;
  /** expected and actual are the fields the check compared (only the ones that differ on failure). */
  expected?: Record<string, string>;
  actual?: Record<string, string>;
  /** ms is how long the check took. */
  ms: number;
}

/** CheckOutcome is what a check function returns; the engine adds id, title and timing. */
export type CheckOutcome = Omit<CheckResult, 'id' | 'title' | 'ms'>;

/** Check is one named assertion about the cluster. */
export interface Check {
  id: string;
  title: string;
  run(view: ClusterView): Promise<CheckOutcome>;
}

/**
 * SolveContext is what solve steps may use: the cluster view, the lesson's
 * files, node power (which the caller provides: the server through the
 * session's Cluster, the CLI only where it can) and a clock for waiting.
 */
export interface SolveContext {
  view: ClusterView;
  /** readLessonFile reads a file of the exercise's lesson folder, e.g. "manifests/mysql-pv.yaml". */
  readLessonFile(path: string): string;
  /** power turns a node off or on; undefined when the caller cannot (a real cluster). */
  power?: (node: string, on: boolean) => Promise<void>;
  /** sleep waits ms of cluster time (the proof suite moves a fake clock instead of waiting). */
  sleep(ms: number): Promise<void>;
  /** log reports progress ("applying manifests/mysql-pv.yaml"). */
  log(line: string): void;
}

/** SolveStep is one action of a reference solution or a broken variant. */
export interface SolveStep {
  /** title says what the step does, for logs and the page ("apply manifests/mysql-pv.yaml"). */
  title: string;
  run(ctx: SolveContext): Promise<void>;
}

/**
 * BrokenVariant is a mistake an exercise is meant to catch: steps that
 * replace the exercise's solve steps (usually a manifest under variants/
 * named after its defect), and the checks it must fail with the hint each
 * must give. Every other check of the exercise must pass.
 */
export interface BrokenVariant {
  name: string;
  steps: SolveStep[];
  /** fails maps each check id the variant must fail to a pattern its hint must match. */
  fails: Record<string, RegExp>;
}

/** Exercise is one exercise of a lesson; its id matches the lesson's frontmatter. */
export interface Exercise {
  id: string;
  title: string;
  solve: SolveStep[];
  checks: Check[];
  variants: BrokenVariant[];
  /**
   * proofTodo, when set, says why the proof suite cannot yet run this
   * exercise on the sim (it becomes an it.todo with this reason).
   */
  proofTodo?: string;
}

/** LessonExercises is what lessons/<NN>-<id>/exercises.ts exports as default. */
export interface LessonExercises {
  lesson: string;
  /** folder is the lesson folder's URL (import.meta.url of exercises.ts resolves against it). */
  folder: URL;
  exercises: Exercise[];
}
