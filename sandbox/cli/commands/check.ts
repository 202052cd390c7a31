/**
 * `kslab check LESSON[/EXERCISE] [--kubeconfig FILE] [--format text|json|junit]`
 * grades exercises against any cluster a kubeconfig reaches. Exit codes:
 * 0 every check passed, 1 a check failed or could not look, 2 usage error
 * (unknown lesson or exercise, bad flag, no kubeconfig).
 */
import type { Command } from '../main.ts';
import { openGraderTarget, parseFlags } from './cli-flags.ts';

const help = `usage: kslab check LESSON[/EXERCISE] [--kubeconfig FILE] [--format text|json|junit] [--ceph-exec PREFIX]

Runs the checks of one exercise, or of every exercise of a lesson, against the
cluster in the kubeconfig (default: --kubeconfig, else $KUBECONFIG, else
~/.kube/config, as kubectl). Exits 0 only when every check passes.

  --kubeconfig FILE   kubeconfig to use
  --ceph-exec PREFIX  how to run ceph/rbd against the lab's Ceph cluster (lesson 4
                      and the capstone ask Ceph itself). Default: exec in the
                      cluster's Ceph toolbox, deploy/ceph-tools in ceph-csi-rbd, as
                      the lesson page does; when no toolbox pod runs, those checks
                      report an error. E.g. 'kubectl -n rook-ceph exec deploy/rook-ceph-tools --'
  --format FORMAT     text (default), json, or junit (JUnit XML for CI)
`;

export const summary = 'check exercises against a cluster (exit 0 only when all pass)';

export async function run(argv: string[]): Promise<number> {
  let address: string;
  let format: 'text' | 'json' | 'junit';
  let kubeconfigFlag: string | undefined;
  let cephExec: string | undefined;
  try {
    const { flags, positional } = parseFlags(argv, ['--format', '--kubeconfig', '--ceph-exec'], ['--help', '-h']);
    if (flags['--help'] || flags['-h']) {
      process.stdout.write(help);
      return 0;
    }
    if (positional.length !== 1) throw new Error(positional.length ? `expected one LESSON[/EXERCISE], got ${positional.length} arguments` : 'give LESSON or LESSON/EXERCISE (see `kslab list`)');
    address = positional[0]!;
    const f = (flags['--format'] as string | undefined) ?? 'text';
    if (f !== 'text' && f !== 'json' && f !== 'junit') throw new Error(`--format: "${f}" is not text, json or junit`);
    format = f;
    kubeconfigFlag = flags['--kubeconfig'] as string | undefined;
    cephExec = flags['--ceph-exec'] as string | undefined;
  } catch (e) {
    process.stderr.write(`kslab check: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const target = await openGraderTarget('check', address, kubeconfigFlag, cephExec);
  if (!target) return 2;
  const { gradeExercises } = await import('../../checks/engine.ts');
  const { render } = await import('../../checks/report.ts');
  const reports = await gradeExercises(target.selection.lesson, target.selection.exercises, target.view);
  process.stdout.write(render(format, reports));
  return reports.every((r) => r.passed) ? 0 : 1;
}

const command: Command = { summary, run };
export default command;
