/**
 * harness runs the real kubectl binaries against simulated clusters: one
 * SimProvider per test file, a fresh cluster per test where state matters,
 * a private KUBECACHEDIR per cluster (kubectl's discovery cache is keyed by
 * host+path only), and output normalised for snapshots (AGE columns masked).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import type { SimCluster, SimProviderOptions, SimServer } from '../../../sandbox/providers/sim/index.ts';
import type { Cluster } from '../../../sandbox/providers/types.ts';

/** kubectlBinDir is where the gcloud SDK keeps one kubectl per minor version. */
export const kubectlBinDir = '/usr/lib/google-cloud-sdk/bin';

export function kubectlPath(minor: number): string {
  return join(kubectlBinDir, `kubectl.1.${minor}`);
}

/** availableMinors lists the installed kubectl minors among those asked for. */
export function availableMinors(wanted: number[]): number[] {
  return wanted.filter((m) => existsSync(kubectlPath(m)));
}

/** skipNote prints why a kubectl-driven suite is skipped, so a skip is never silent. */
export function skipNote(minor: number): boolean {
  const missing = !existsSync(kubectlPath(minor));
  if (missing) console.warn(`SKIPPED: ${kubectlPath(minor)} is not installed; the kubectl ${`1.${minor}`} tests cannot run here.`);
  return missing;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** TestCluster is a simulated cluster plus a kubeconfig file and cache dir for kubectl. */
export interface TestCluster {
  /** cluster is the provider's handle (powerOff/powerOn, reset, kubeconfig). */
  cluster: Cluster;
  sim: SimCluster;
  dir: string;
  kubeconfigPath: string;
  kubectl(args: string[], options?: { minor?: number; stdin?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<KubectlResult>;
  /** spawnKubectl starts a long-running kubectl (e.g. `get -w`); stop() ends it and returns its output. */
  spawnKubectl(args: string[], options?: { minor?: number }): { output(): string; stop(): Promise<KubectlResult> };
  /** write puts a file in the cluster's folder (kubectl's working directory) and returns its relative name. */
  write(name: string, content: string): string;
  destroy(): void;
}

export function runProcess(bin: string, args: string[], env: Record<string, string>, stdin?: string, timeoutMs = 30_000, cwd?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: env.HOME ?? tmpdir(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(stdin ?? '');
  });
}

/**
 * SimHarness owns one SimProvider for a test file; options reach the
 * provider (e.g. `{ controlPlane: { clock } }` for a fake-clock control plane).
 */
export class SimHarness {
  readonly provider: SimProvider;

  constructor(options: SimProviderOptions = {}) {
    this.provider = new SimProvider({ bookmarkIntervalMs: 500, ...options });
  }
  private readonly clusters: TestCluster[] = [];

  async server(): Promise<SimServer> {
    return this.provider.simServer();
  }

  async cluster(defaultMinor = 33): Promise<TestCluster> {
    const id = `t-${randomBytes(4).toString('hex')}`;
    const cluster = await this.provider.create({ id });
    const server = await this.provider.simServer();
    const sim = server.cluster(id)!;
    const dir = mkdtempSync(join(tmpdir(), 'kslab-sim-test-'));
    const kubeconfigPath = join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, cluster.kubeconfig());
    const env = { KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(dir, 'cache'), HOME: dir, KUBECTL_KUBERC: 'false' };
    const tc: TestCluster = {
      cluster,
      sim,
      dir,
      kubeconfigPath,
      kubectl: (args, o = {}) => runProcess(kubectlPath(o.minor ?? defaultMinor), args, { ...env, ...(o.env ?? {}) }, o.stdin, o.timeoutMs, dir),
      spawnKubectl(args, o = {}) {
        const child = spawn(kubectlPath(o.minor ?? defaultMinor), args, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const closed = new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
        return {
          output: () => stdout,
          stop: async () => {
            child.kill('SIGTERM');
            const code = await closed;
            return { code, stdout, stderr };
          },
        };
      },
      write(name, content) {
        writeFileSync(join(dir, name), content);
        return name;
      },
      destroy() {
        sim.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    this.clusters.push(tc);
    return tc;
  }

  async close(): Promise<void> {
    for (const c of this.clusters) {
      try {
        c.destroy();
      } catch {
        /* already destroyed */
      }
    }
    await this.provider.close();
  }
}

/** maskAge replaces AGE-like durations (`5s`, `3m12s`, `2d3h`, `<invalid>`) in table output with `<age>`. */
export function maskAge(text: string): string {
  return text.replace(/(?<=\s|^)(\d+[smhdy])+(?=\s|$)/gm, '<age>');
}

/** waitFor polls until fn returns truthy (or throws after timeoutMs). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/**
 * normalizeTable masks AGE-like cells and collapses column padding, so a
 * snapshot doesn't depend on how many seconds a test took.
 */
export function normalizeTable(text: string): string {
  return maskAge(text)
    .split('\n')
    .map((l) => l.replace(/\s{2,}/g, '  ').trimEnd())
    .join('\n');
}
