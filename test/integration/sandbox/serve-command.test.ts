import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function kslab(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['bin/kslab.mjs', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => stdout, err: () => stderr, exited };
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kslab serve (the command)', () => {
  it('listens, logs the provider it chose, and stops cleanly on SIGTERM', async () => {
    const data = mkdtempSync(join(tmpdir(), 'kslab-cmd-'));
    dirs.push(data);
    const p = kslab(['serve', '--port', '0', '--data-dir', data, '--site-dir', data]);
    await until(() => /running at (http:\/\/127\.0\.0\.1:\d+)\//.test(p.out()));
    const url = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(p.out())![1]!;
    const health = (await (await fetch(`${url}/api/health`)).json()) as { ok: boolean; provider: { label: string } };
    expect(health.ok).toBe(true);
    expect(p.err()).toMatch(/provider: Simulated cluster \((no Docker found|Docker found, but the kind provider is not built yet)\)/);
    expect(health.provider.label).toMatch(/^Simulated cluster \(/);
    const second = kslab(['serve', '--port', '0', '--data-dir', data, '--site-dir', data]);
    expect(await second.exited).toBe(1);
    expect(second.err()).toMatch(/another kslab serve \(pid \d+\) is using/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.err()).toMatch(/SIGTERM: saving clusters and stopping/);
    expect(p.err()).toMatch(/stopped/);
  });

  it('refuses bad options with a message and exit code 2', async () => {
    const p = kslab(['serve', '--idle-timeout', 'soon', '--max-sessions', '0']);
    expect(await p.exited).toBe(2);
    expect(p.err()).toContain('--idle-timeout soon: give a duration like 30m');
    expect(p.err()).toContain('--max-sessions 0: give a whole number ≥ 1');
  });
});
