/**
 * chooseProvider picks where learners' clusters come from and says why, for
 * the log and the page. DESIGN.md: kind when Docker answers, else sim. The
 * kind provider is not built yet, so today the choice is always sim — but the
 * reason shown says whether Docker was found, so nobody is misled.
 */
import { existsSync } from 'node:fs';
import type { ClusterProvider } from '../providers/types.ts';
import { SimProvider } from '../providers/sim/index.ts';
import { withSnapshots } from '../providers/sim/snapshot/snapshot.ts';

export interface ProviderChoice {
  provider: ClusterProvider;
  info: { name: string; simulated: boolean; label: string };
}

/** dockerPresent: a Docker socket or DOCKER_HOST is there (not proof the daemon answers). */
export function dockerPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

export function chooseProvider(options: { requested?: string; tlsDir: string; simDataDir?: string; env?: NodeJS.ProcessEnv }): ProviderChoice {
  const requested = options.requested ?? 'auto';
  if (requested !== 'auto' && requested !== 'sim') {
    throw new Error(`--provider ${requested}: only "sim" is available in this version (kind and remote come later)`);
  }
  const docker = dockerPresent(options.env);
  const reason =
    requested === 'sim' ? 'chosen with --provider sim' : docker ? 'Docker found, but the kind provider is not built yet' : 'no Docker found';
  return {
    provider: withSnapshots(new SimProvider({ tlsDir: options.tlsDir, ...(options.simDataDir ? { dataDir: options.simDataDir } : {}) })),
    info: { name: 'sim', simulated: true, label: `Simulated cluster (${reason})` },
  };
}
