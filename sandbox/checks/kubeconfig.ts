/**
 * resolveKubeconfig finds the kubeconfig the way kubectl does: the
 * --kubeconfig flag, else every file in $KUBECONFIG (":"-separated, merged,
 * first wins), else ~/.kube/config.
 * https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#the-kubeconfig-environment-variable
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export function resolveKubeconfig(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): { kubeconfig: KubeConfig; source: string } {
  const kc = new KubeConfig();
  if (flag) {
    if (!existsSync(flag)) throw new Error(`the kubeconfig file ${flag} does not exist`);
    kc.loadFromFile(flag);
    return { kubeconfig: kc, source: flag };
  }
  const files = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (files.length > 0) {
    const present = files.filter((f) => existsSync(f));
    if (present.length === 0) throw new Error(`none of the files in KUBECONFIG exist (${files.join(delimiter)})`);
    // KubeConfig.loadFromDefault merges $KUBECONFIG's files like kubectl.
    kc.loadFromDefault();
    return { kubeconfig: kc, source: `KUBECONFIG (${present.join(delimiter)})` };
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (!existsSync(home)) throw new Error(`no kubeconfig: give --kubeconfig FILE, set KUBECONFIG, or create ${home}`);
  kc.loadFromFile(home);
  return { kubeconfig: kc, source: home };
}
