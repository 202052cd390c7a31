/**
 * `kslab sim --kubeconfig FILE` as a user runs it: the kubeconfig appears
 * once the cluster is ready, plain kubectl works with it, and SIGINT/SIGTERM
 * end the process cleanly.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kubectlPath, runProcess, skipNote, waitFor } from './harness.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const missing = skipNote(33);

describe.skipIf(missing)('kslab sim', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('writes a working kubeconfig and stops on %s', async (signal) => {
    const dir = mkdtempSync(join(tmpdir(), 'kslab-sim-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    const child = spawn(process.execPath, [join(repo, 'bin/kslab.mjs'), 'sim', '--kubeconfig', kubeconfig], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitFor(() => existsSync(kubeconfig) && out.includes('kubeconfig written'), 20_000);
      const cfg = readFileSync(kubeconfig, 'utf8');
      expect(cfg).toContain('certificate-authority-data:');
      expect(cfg).toMatch(/server: https:\/\/127\.0\.0\.1:\d+\/clusters\/sim-[0-9a-f]{6}/);
      const r = await runProcess(kubectlPath(33), ['get', 'nodes', '-o', 'name'], { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), HOME: dir });
      expect(r).toMatchObject({ code: 0, stdout: 'node/lab-control-plane\nnode/lab-worker\nnode/lab-worker2\n' });
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(out).toContain(`kslab sim: ${signal} received, stopping`);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains its usage when --kubeconfig is missing', async () => {
    const r = await runProcess(process.execPath, [join(repo, 'bin/kslab.mjs'), 'sim'], {}, undefined, 20_000, repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kslab sim: --kubeconfig FILE is required');
  });
});
