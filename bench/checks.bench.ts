/**
 * checks: how long grading takes. Part 1, per exercise on the sim: each
 * lesson's exercises are solved in order on one fresh simulated cluster
 * (FakeClock moved 10× faster than wall time, as in the proof suite), and
 * after each solve the exercise's checks run BENCH_REPEATS times; p50/p99
 * of the wall time of one full check of the exercise. Part 2, load: 200
 * simulated clusters (one per session) with lesson 3's first two exercises
 * done, all checking nfs/nfs-bind-claim at once, BENCH_ROUNDS rounds;
 * p50/p99 of one check and the wall time of a round.
 *
 * Settings: BENCH_REPEATS (10), BENCH_SESSIONS (200), BENCH_ROUNDS (3), BENCH_LESSONS (all, comma-separated ids).
 */
import { SimProvider } from '../sandbox/providers/sim/index.ts';
import { FakeClock } from '../sandbox/providers/sim/controllers/manager/clock.ts';
import { clusterSleep, fastForward } from '../sandbox/providers/sim/controllers/manager/fast-forward.ts';
import { ClusterView } from '../sandbox/checks/cluster-view.ts';
import { runChecks, runSteps, solveContext } from '../sandbox/checks/engine.ts';
import { loadCourse } from '../sandbox/checks/course.ts';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 10);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LESSONS = process.env.BENCH_LESSONS?.split(',');

function pct(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}
const ms = (n: number) => `${n.toFixed(0)} ms`;

async function perExercise(): Promise<void> {
  const clock = new FakeClock(Date.now() - 3_600_000);
  const provider = new SimProvider({ controlPlane: { clock } });
  console.log(`### per exercise (sim, ${REPEATS} checks after the reference solution)`);
  console.log('| exercise | checks | all pass | p50 | p99 |');
  console.log('|---|---|---|---|---|');
  try {
    for (const lesson of await loadCourse()) {
      if (LESSONS && !LESSONS.includes(lesson.lesson)) continue;
      const id = `bench-${lesson.lesson}`.slice(0, 40);
      const cluster = await provider.create({ id });
      const sim = (await provider.simServer()).cluster(id)!;
      const ticker = fastForward(clock);
      const sleep = clusterSleep(sim.controllers);
      const view = ClusterView.fromKubeconfigText(cluster.kubeconfig(), { sleep });
      const ctx = solveContext(lesson, { view, sleep, power: (n, on) => (on ? cluster.powerOn(n) : cluster.powerOff(n)) });
      try {
        for (const ex of lesson.exercises) {
          await runSteps(ex.solve, ctx);
          const samples: number[] = [];
          let allPass = true;
          for (let i = 0; i < REPEATS; i++) {
            const t = performance.now();
            const results = await runChecks(ex, view);
            samples.push(performance.now() - t);
            allPass &&= results.every((r) => r.status === 'pass');
          }
          console.log(`| ${lesson.lesson}/${ex.id} | ${ex.checks.length} | ${allPass ? 'yes' : 'NO'} | ${ms(pct(samples, 50))} | ${ms(pct(samples, 99))} |`);
        }
      } finally {
        await ticker.stop();
        await cluster.destroy();
      }
    }
  } finally {
    await provider.close();
  }
}

async function underLoad(): Promise<void> {
  const provider = new SimProvider();
  const course = await loadCourse();
  const nfs = course.find((l) => l.lesson === 'nfs')!;
  const target = nfs.exercises.find((e) => e.id === 'nfs-bind-claim')!;
  const setup = nfs.exercises.slice(0, 2).flatMap((e) => e.solve);
  const sessions: { view: ClusterView; destroy: () => Promise<void> }[] = [];
  try {
    const t0 = performance.now();
    for (let i = 0; i < SESSIONS; i++) {
      const cluster = await provider.create({ id: `load-${i}` });
      const view = ClusterView.fromKubeconfigText(cluster.kubeconfig());
      await runSteps(setup, solveContext(nfs, { view }));
      sessions.push({ view, destroy: () => cluster.destroy() });
    }
    console.log(`\n### ${SESSIONS} sessions checking ${nfs.lesson}/${target.id} at once (sim, real clock)`);
    console.log(`(${SESSIONS} clusters created and set up in ${ms(performance.now() - t0)})`);
    console.log('| round | p50 | p99 | max | round wall time | all pass |');
    console.log('|---|---|---|---|---|---|');
    for (let round = 1; round <= ROUNDS; round++) {
      const samples: number[] = [];
      let allPass = true;
      const start = performance.now();
      await Promise.all(
        sessions.map(async (s) => {
          const t = performance.now();
          const results = await runChecks(target, s.view);
          samples.push(performance.now() - t);
          allPass &&= results.every((r) => r.status === 'pass');
        }),
      );
      console.log(`| ${round} | ${ms(pct(samples, 50))} | ${ms(pct(samples, 99))} | ${ms(Math.max(...samples))} | ${ms(performance.now() - start)} | ${allPass ? 'yes' : 'NO'} |`);
    }
  } finally {
    for (const s of sessions) await s.destroy();
    await provider.close();
  }
}

export default async function (): Promise<void> {
  await perExercise();
  await underLoad();
}
