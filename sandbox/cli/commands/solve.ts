/**
 * `kslab solve LESSON/EXERCISE [--kubeconfig FILE] [--from-start]` applies
 * an exercise's reference solution (with --from-start, the solutions of the
 * lesson's earlier exercises first: "set up from here"). Steps that power a
 * node off or on use a kslab simulated cluster's power switch (../sim-power.ts,
 * the same code as the page's power buttons); on any other cluster they are
 * refused with a message, since a real node's power is its machine's.
 */
import type { Command } from '../main.ts';
import { openGraderTarget, parseFlags } from './cli-flags.ts';

const help = `usage: kslab solve LESSON/EXERCISE [--kubeconfig FILE] [--from-start] [--ceph-exec PREFIX]

Applies the reference solution of one exercise to the cluster in the
kubeconfig (default as kubectl: --kubeconfig, $KUBECONFIG, ~/.kube/config).

Steps that power a node off or on work on a kslab simulated cluster (kslab sim,
or a lesson page's cluster: the server's /version ends in +kslab-sim), through
its node power endpoint; on any other cluster they stop with a message, and
you power the node off yourself.

  --kubeconfig FILE   kubeconfig to use
  --ceph-exec PREFIX  how to run ceph/rbd against the lab's Ceph cluster (the
                      capstone's solution reads the admin key); default: exec in
                      the cluster's Ceph toolbox, deploy/ceph-tools in ceph-csi-rbd.
                      E.g. 'kubectl -n rook-ceph exec deploy/rook-ceph-tools --'
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
  const { selection, view, kubeconfig } = target;
  const { runSteps, solveContext, stepsUpTo } = await import('../../checks/engine.ts');
  const { simNodePower } = await import('../sim-power.ts');
  const exercise = selection.exercises[0]!;
  const steps = fromStart ? stepsUpTo(selection.lesson, exercise.id, true) : exercise.solve;
  const power = await simNodePower(kubeconfig);
  const ctx = solveContext(selection.lesson, { view, power, log: (line) => process.stdout.write(`kslab solve: ${line}\n`) });
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
