/**
 * A busybox container on temporary host directories, with a controllable
 * clock, for the shell and tool tests: `exec` runs argv as `kubectl exec`
 * would and collects stdout, stderr and the exit code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../../sandbox/providers/sim/containers/images/catalogue.ts';
import { ContainerFs } from '../../../sandbox/providers/sim/containers/fs/container-fs.ts';
import type { VolumeMount } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { resolveImage } from '../../../sandbox/providers/sim/containers/images/registry.ts';
import { execInContainer, startContainer, type ContainerProcess } from '../../../sandbox/providers/sim/containers/process.ts';
import type { Clock } from '../../../sandbox/providers/sim/containers/program.ts';

/** ManualClock: time moves only when a test (or `instant`) advances it; sleeps wake when their time comes. */
export class ManualClock implements Clock {
  private time: number;
  private sleepers: { at: number; resolve: () => void }[] = [];
  /** instantBelowMs: shorter sleeps advance time by themselves (a script's `sleep 1` loops run at full speed); longer ones (a pod's `sleep 3600`) wait for advance(). */
  constructor(
    // Files on the host get real modification times, so the clock starts at real time.
    start = Date.now(),
    readonly instantBelowMs = 0,
  ) {
    this.time = start;
  }
  now(): Date {
    return new Date(this.time);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms < this.instantBelowMs) {
      this.time += ms;
      return new Promise((r) => setImmediate(r));
    }
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const entry = { at: this.time + ms, resolve };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  advance(ms: number): void {
    this.time += ms;
    const due = this.sleepers.filter((s) => s.at <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.at > this.time);
    for (const s of due) s.resolve();
  }
}

export interface TestContainer {
  container: ContainerProcess;
  fs: ContainerFs;
  base: string;
  rootfs: string;
  clock: ManualClock;
  cleanup(): void;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** makeContainer starts `sleep 3600` in a busybox container (the usual lesson pod), with optional volumes. */
export function makeContainer(options: { mounts?: (base: string) => VolumeMount[]; image?: string; hostname?: string; clock?: ManualClock; command?: string[]; maxWrittenBytes?: number } = {}): TestContainer {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-sh-'));
  const rootfs = path.join(base, 'rootfs');
  const image = resolveImage(options.image ?? 'busybox:1.36')!;
  const clock = options.clock ?? new ManualClock();
  const cfs = new ContainerFs({ rootfs, image: image.image.layer, mounts: options.mounts?.(base) ?? [], hostname: options.hostname ?? 'pod-1', maxWrittenBytes: options.maxWrittenBytes });
  const container = startContainer({ image, command: options.command ?? ['sleep', '3600'], fs: cfs, hostname: options.hostname ?? 'pod-1', clock });
  return {
    container,
    fs: cfs,
    base,
    rootfs,
    clock,
    cleanup: () => {
      container.kill('KILL');
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** exec runs argv in the container and waits for it (non-tty unless asked). */
export async function exec(c: TestContainer, argv: string[], options: { stdin?: string; tty?: boolean; columns?: number } = {}): Promise<ExecResult> {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  const p = execInContainer(c.container, argv, {
    stdin: options.stdin !== undefined,
    tty: !!options.tty,
    stdout: (d) => (stdout += Buffer.from(d).toString('utf8')),
    stderr: (d) => (stderr += Buffer.from(d).toString('utf8')),
    signal: controller.signal,
  });
  if (options.columns) p.resize({ width: options.columns, height: 24 });
  if (options.stdin !== undefined) {
    p.write(Buffer.from(options.stdin));
    p.closeStdin();
  }
  const code = await p.exited;
  return { stdout, stderr, code };
}

/** sh runs a script with `sh -c`. */
export function sh(c: TestContainer, script: string): Promise<ExecResult> {
  return exec(c, ['sh', '-c', script]);
}
