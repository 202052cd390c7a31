/**
 * `kslab solve LESSON/EXERCISE [--kubeconfig FILE] [--from-start]` applies
 * an exercise's reference solution (with --from-start, the solutions of the
 * lesson's earlier exercises first: "set up from here"). Steps that power a
 * node off or on are refused with a message: only the sandbox has the
 * power buttons; on a real cluster you do that part yourself.
 */
import type { Command } from '../main.ts';
import { openGraderTarget, parseFlags } from './cli-flags.ts';

const help = `usage: kslab solve LESSON/EXERCISE [--kubeconfig FILE] [--from-start] [--ceph-exec PREFIX]

Applies the reference solution of one exercise to the cluster in the
kubeconfig (default as kubectl: --kubeconfig, $KUBECONFIG, ~/.kube/config).

  --kubeconfig FILE   kubeconfig to use
  --ceph-exec PREFIX  how to run ceph/rbd against the lab's Ceph cluster, e.g.
                      'kubectl -n rook-ceph exec deploy/rook-ceph-tools --' (lesson 4 and
                      the capstone ask Ceph itself; without it those checks report an error)
  --from-start        first replay the lesson's earlier exercises' solutions
`;

export const summary = 'apply the reference solution of an exercise';

export async function run(argv: string[]): Promise<number> {
  let address: string;
  let kubeconfigFlag: string | undefined;
  let cephExec: string | undefined;
  let fromStart = false;
  try {
    const { flags, positional } = parseFlags(argv, ['--kubeconfig', '--ceph-exec'], ['--help', '-h', '--from-start']);
    if (flags['--help'] || flags['-h']) {
      process.stdout.write(help);
      return 0;
    }
    if (positional.length !== 1 || !positional[0]!.includes('/')) throw new Error('give one LESSON/EXERCISE (see `kslab list`)');
    address = positional[0]!;
    kubeconfigFlag = flags['--kubeconfig'] as string | undefined;
    cephExec = flags['--ceph-exec'] as string | undefined;
    fromStart = flags['--from-start'] === true;
  } catch (e) {
    process.stderr.write(`kslab solve: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const target = await openGraderTarget('solve', address, kubeconfigFlag, cephExec);
  if (!target) return 2;
  const { selection, view } = target;
  const { runSteps, solveContext, stepsUpTo } = await import('../../checks/engine.ts');
  const exercise = selection.exercises[0]!;
  const steps = fromStart ? stepsUpTo(selection.lesson, exercise.id, true) : exercise.solve;
  const ctx = solveContext(selection.lesson, { view, log: (line) => process.stdout.write(`kslab solve: ${line}\n`) });
  try {
    await runSteps(steps, ctx);
  } catch (e) {
    process.stderr.write(`kslab solve: ${(e as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`kslab solve: ${selection.lesson.lesson}/${exercise.id} solved; run \`kslab check ${selection.lesson.lesson}/${exercise.id}\` to see it pass\n`);
  return 0;
}

const command: Command = { summary, run };
export default command;
