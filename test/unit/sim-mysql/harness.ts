/**
 * Test harness: runs the registered mysql/mariadb images as containers over
 * real host directories (a "node" volume for /var/lib/mysql), and execs
 * commands in them as `kubectl exec` would, collecting stdout/stderr.
 */
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerFs } from '../../../sandbox/providers/sim/containers/fs/container-fs.ts';
import { mountSource } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { resolveImage } from '../../../sandbox/providers/sim/containers/images/registry.ts';
import { startContainer, execInContainer, type ContainerProcess } from '../../../sandbox/providers/sim/containers/process.ts';
import '../../../sandbox/providers/sim/images/mysql/index.ts';

export interface Harness {
  base: string;
  /** volume makes (or returns) a host directory standing for a volume. */
  volume(name: string): string;
  start(opts: { image?: string; env?: Record<string, string>; volume?: string; name?: string; args?: string[]; command?: string[]; readOnly?: boolean; health?: () => 'EIO' | undefined }): Running;
  cleanup(): Promise<void>;
}

export interface Running {
  container: ContainerProcess;
  exec(argv: string[], opts?: { tty?: boolean; stdin?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  logs(): string;
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
}

export function makeHarness(): Harness {
  const base = mkdtempSync(join(tmpdir(), 'kslab-mysql-'));
  const running: ContainerProcess[] = [];
  let seq = 0;
  return {
    base,
    volume(name) {
      const p = join(base, 'volumes', name);
      mkdirSync(p, { recursive: true });
      return p;
    },
    start(opts) {
      const id = `c${++seq}`;
      const image = resolveImage(opts.image ?? 'mysql:8.4');
      if (!image) throw new Error(`image ${opts.image} not in catalogue`);
      const mounts = opts.volume ? [{ containerPath: '/var/lib/mysql', hostPath: opts.volume, source: mountSource.nodeDisk(), readOnly: opts.readOnly, health: opts.health }] : [];
      const fs = new ContainerFs({ rootfs: join(base, 'rootfs', id), image: image.image.layer, mounts, hostname: opts.name ?? `mysql-${id}` });
      const container = startContainer({
        image,
        fs,
        hostname: opts.name ?? `mysql-${id}`,
        env: Object.entries(opts.env ?? { MYSQL_ROOT_PASSWORD: 'password' }).map(([name, value]) => ({ name, value })),
        args: opts.args,
        command: opts.command,
      });
      running.push(container);
      return {
        container,
        async exec(argv, eo = {}) {
          let stdout = '';
          let stderr = '';
          const ac = new AbortController();
          const p = execInContainer(container, argv, {
            stdin: eo.stdin !== undefined,
            tty: eo.tty ?? false,
            stdout: (d) => (stdout += Buffer.from(d).toString('utf8')),
            stderr: (d) => (stderr += Buffer.from(d).toString('utf8')),
            signal: ac.signal,
          });
          if (eo.stdin !== undefined) {
            p.write(Buffer.from(eo.stdin));
            p.closeStdin();
          }
          const code = await p.exited;
          return { code, stdout, stderr };
        },
        logs() {
          return container.logs.snapshot().map((l) => l.text).join('\n');
        },
        async waitForLog(text, timeoutMs = 5000) {
          const start = Date.now();
          while (!container.logs.snapshot().some((l) => l.text.includes(text))) {
            if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for "${text}"; logs:\n${this.logs()}`);
            if (!container.running) throw new Error(`container exited (${container.exitCode}) before "${text}"; logs:\n${this.logs()}`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
      };
    },
    async cleanup() {
      for (const c of running) {
        if (c.running) c.kill('KILL');
        await c.exited.catch(() => undefined);
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}
