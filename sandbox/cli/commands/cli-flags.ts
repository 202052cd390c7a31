/**
 * parseFlags reads the grader commands' flags: `--flag value` and
 * `--flag=value`, booleans without a value, and positional words.
 */
export function parseFlags(argv: string[], withValue: string[], booleans: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (booleans.includes(flag)) {
      if (eq > 0) throw new Error(`${flag} takes no value`);
      flags[flag] = true;
    } else if (withValue.includes(flag)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      flags[flag] = v;
    } else {
      throw new Error(`unknown option "${a}"`);
    }
  }
  return { flags, positional };
}

/**
 * openGraderTarget resolves what `kslab check` and `kslab solve` both need:
 * the lesson and exercises an address names, and a ClusterView of the
 * kubeconfig found as kubectl finds it. The view reaches Ceph through the
 * cluster's Ceph toolbox pod, as the sandbox server's does, unless
 * --ceph-exec names another way. A bad address or a missing kubeconfig is
 * a usage error: it is printed and `undefined` comes back (the caller exits 2).
 */
export async function openGraderTarget(command: string, address: string, kubeconfigFlag: string | undefined, cephExec: string | undefined) {
  const { selectExercises } = await import('../../checks/course.ts');
  const { resolveKubeconfig } = await import('../../checks/kubeconfig.ts');
  const { ClusterView, cephFromCommand } = await import('../../checks/cluster-view.ts');
  try {
    const selection = await selectExercises(address);
    const kc = resolveKubeconfig(kubeconfigFlag).kubeconfig;
    const view = new ClusterView(kc, cephExec ? { ceph: cephFromCommand(cephExec) } : {});
    return { selection, view, kubeconfig: kc };
  } catch (e) {
    process.stderr.write(`kslab ${command}: ${(e as Error).message}\n`);
    return undefined;
  }
}
