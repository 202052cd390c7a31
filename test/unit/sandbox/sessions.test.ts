import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionManager, SessionsFullError } from '../../../sandbox/sessions/manager.ts';
import { LessonCatalog } from '../../../sandbox/sessions/lesson-catalog.ts';
import { judgeExpiry, parseDuration, warnBeforeMs } from '../../../sandbox/sessions/expiry.ts';
import {
  ClusterStartError,
  type Cluster,
  type ClusterProvider,
  type CreateClusterOptions,
  type RestoreClusterOptions,
} from '../../../sandbox/providers/types.ts';
import type { ServerControl } from '../../../sandbox/terminal/protocol.ts';
import type { TerminalConnection } from '../../../sandbox/sessions/live-session.ts';

/**
 * RecordingProvider implements ClusterProvider in memory (CONVENTIONS.md §8:
 * a fake that implements the real interface, injected). Its clusters hold a
 * list of "objects" so save/restore can be checked end to end.
 */
class RecordingProvider implements ClusterProvider {
  readonly name = 'sim' as const;
  readonly simulated = true;
  created: string[] = [];
  restored: string[] = [];
  destroyed: string[] = [];
  failNext = false;
  clusters = new Map<string, Cluster & { objects: string[]; resets: number; off: Set<string> }>();

  private make(id: string, objects: string[]) {
    const provider = this;
    const cluster = {
      id,
      objects,
      resets: 0,
      off: new Set<string>(),
      kubeconfig: () => `apiVersion: v1\nkind: Config\n# cluster ${id}\n`,
      powerOff: async (n: string) => void cluster.off.add(n),
      powerOn: async (n: string) => void cluster.off.delete(n),
      reset: async (onProgress?: (e: { step: string; status: 'running' | 'done' }) => void) => {
        onProgress?.({ step: 'resetting', status: 'done' });
        cluster.objects = [];
        cluster.resets++;
      },
      save: async (dir: string) => {
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'objects.json'), JSON.stringify(cluster.objects));
      },
      destroy: async () => void provider.destroyed.push(id),
    };
    this.clusters.set(id, cluster);
    return cluster;
  }

  async create(o: CreateClusterOptions) {
    o.onProgress?.({ step: 'creating nodes', status: 'running' });
    if (this.failNext) {
      this.failNext = false;
      o.onProgress?.({ step: 'creating nodes', status: 'failed' });
      throw new ClusterStartError('creating nodes', 'no room for another cluster');
    }
    o.onProgress?.({ step: 'creating nodes', status: 'done' });
    this.created.push(o.id);
    return this.make(o.id, []);
  }

  async restore(o: RestoreClusterOptions) {
    this.restored.push(o.id);
    return this.make(o.id, JSON.parse(readFileSync(join(o.dir, 'objects.json'), 'utf8')) as string[]);
  }

  async close() {}
}

class RecordingConnection implements TerminalConnection {
  data = '';
  controls: ServerControl[] = [];
  closed: [number, string] | undefined;
  bufferedAmount = 0;
  sendData(t: string) {
    this.data += t;
  }
  sendControl(m: ServerControl) {
    this.controls.push(m);
  }
  close(code: number, reason: string) {
    this.closed = [code, reason];
  }
}

let dataDir: string;
let lessonsRoot: string;
let provider: RecordingProvider;
let clock: number;
const managers: SessionManager[] = [];
const limits = { idleTimeoutMs: 30 * 60_000, maxLifetimeMs: 4 * 3600_000, maxSessions: 2 };

function manager(overrides: Partial<typeof limits> = {}) {
  const m = new SessionManager({
    provider,
    providerInfo: { name: 'sim', simulated: true, label: 'Simulated cluster (no Docker found)' },
    dataDir,
    lessons: LessonCatalog.load(lessonsRoot),
    limits: { ...limits, ...overrides },
    kubectlPath: '/usr/bin/kubectl',
    now: () => clock,
    liveView: false,
  });
  managers.push(m);
  return m;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'kslab-sessions-'));
  lessonsRoot = mkdtempSync(join(tmpdir(), 'kslab-lessons-'));
  const lesson = join(lessonsRoot, '01-emptydir');
  mkdirSync(join(lesson, 'manifests'), { recursive: true });
  writeFileSync(
    join(lesson, 'index.mdx'),
    `---\nid: emptydir\ntitle: "emptyDir basics"\norder: 1\nsummary: "A scratch directory shared by the containers of one pod."\nminutes: 20\ncluster:\n  nodes: [lab-worker]\n  nfs: false\n  ceph: false\nexercises:\n  - id: share-dir\n    title: "Share a directory"\n---\ntext\n`,
  );
  writeFileSync(join(lesson, 'manifests', 'producer-consumer.yaml'), 'kind: Pod\n');
  provider = new RecordingProvider();
  clock = Date.parse('2026-11-25T10:00:00Z');
});

afterEach(async () => {
  for (const m of managers.splice(0)) await m.shutdown().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(lessonsRoot, { recursive: true, force: true });
});

describe('SessionManager', () => {
  it('creates a session with an unguessable token and a cluster, and finds it again by the token', async () => {
    const m = manager();
    const first = m.open(undefined);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await first.session.whenSettled();
    expect(first.session.progress.state).toBe('ready');
    expect(provider.created).toEqual([first.session.id]);
    const again = m.open(first.token);
    expect(again).toMatchObject({ created: false, token: first.token });
    expect(again.session).toBe(first.session);
    expect(m.find('not-a-token')).toBeUndefined();
  });

  it('copies the lesson manifests into the session folder and records the visit', async () => {
    const m = manager();
    const { session } = m.open(undefined);
    session.useLesson('emptydir');
    expect(session.folder().label).toBe('emptydir');
    expect(readFileSync(join(session.folder().path, 'producer-consumer.yaml'), 'utf8')).toBe('kind: Pod\n');
    expect(m.store.progress(session.id)).toEqual([{ lesson: 'emptydir', exercise: '', status: 'visited', updatedAt: clock }]);
  });

  it('refuses a new session when full, with a message for the page', () => {
    const m = manager();
    m.open(undefined);
    m.open(undefined);
    expect(() => m.open(undefined)).toThrow(SessionsFullError);
    expect(() => m.open(undefined)).toThrow(/full: all 2 learner sessions are in use/);
  });

  it('warns before the idle timeout and ends the session after it', async () => {
    const m = manager();
    const { session, token } = m.open(undefined);
    await session.whenSettled();
    const conn = new RecordingConnection();
    session.attach(conn);
    clock += limits.idleTimeoutMs - warnBeforeMs(m.limits) + 1000;
    await m.sweep();
    expect(conn.controls.filter((c) => c.type === 'expiry')).toEqual([
      { type: 'expiry', reason: 'idle', at: expect.any(String), secondsLeft: 119 },
    ]);
    await m.sweep();
    expect(conn.controls.filter((c) => c.type === 'expiry')).toHaveLength(1);
    clock += 120_000;
    await m.sweep();
    expect(conn.controls.at(-1)).toMatchObject({ type: 'ended', reason: 'idle' });
    expect(conn.closed?.[0]).toBe(4000);
    expect(provider.destroyed).toEqual([session.id]);
    expect(existsSync(m.sessionDir(session.id))).toBe(false);
    expect(m.find(token)).toBeUndefined();
  });

  it('activity moves the idle deadline; the maximum lifetime still ends the session', async () => {
    const m = manager({ maxLifetimeMs: 60 * 60_000 });
    const { session } = m.open(undefined);
    for (let i = 0; i < 5; i++) {
      clock += 20 * 60_000;
      if (i < 2) {
        session.touch();
        await m.sweep();
        expect(m.liveCount).toBe(1);
      }
    }
    await m.sweep();
    expect(m.liveCount).toBe(0);
    expect(provider.destroyed).toEqual([session.id]);
  });

  it('resumes after a restart: same session, cluster restored from its snapshot, history and lesson kept', async () => {
    const m1 = manager();
    const { session, token } = m1.open(undefined);
    await session.whenSettled();
    session.useLesson('emptydir');
    provider.clusters.get(session.id)!.objects.push('pod/producer-consumer');
    session.record.history.push('kubectl get nodes');
    m1.store.update(session.id, { history: session.record.history });
    await m1.shutdown();

    const m2 = manager();
    const resumed = m2.find(token)!;
    expect(resumed.id).toBe(session.id);
    await resumed.whenSettled();
    expect(provider.restored).toEqual([session.id]);
    expect(provider.clusters.get(session.id)!.objects).toEqual(['pod/producer-consumer']);
    expect(resumed.record.history).toEqual(['kubectl get nodes']);
    // The screen as it was comes back too, then the note that the server restarted.
    const page = new RecordingConnection();
    resumed.attach(page);
    expect(page.data).toContain('Connected to your simulated cluster');
    expect(page.data).toMatch(/The sandbox server restarted; your cluster, files and history were restored\./);
    expect(resumed.folder().label).toBe('emptydir');
  });

  it('a session whose idle timeout passed while the server was down is gone after the restart', async () => {
    const m1 = manager();
    const { token, session } = m1.open(undefined);
    await session.whenSettled();
    await m1.shutdown();
    clock += limits.idleTimeoutMs + 1;
    const m2 = manager();
    expect(m2.find(token)).toBeUndefined();
    expect(m2.open(token)).toMatchObject({ created: true, previousEnded: true });
  });

  it('a cluster that fails to start is reported, and reset retries', async () => {
    const m = manager();
    provider.failNext = true;
    const { session } = m.open(undefined);
    const conn = new RecordingConnection();
    session.attach(conn);
    await session.whenSettled();
    expect(session.progress).toMatchObject({ state: 'failed', error: 'creating nodes: no room for another cluster' });
    expect(conn.controls.at(-1)).toMatchObject({ type: 'cluster', cluster: { state: 'failed' } });
    await session.reset();
    expect(session.progress.state).toBe('ready');
  });

  it('reset gives a fresh cluster and forgets powered-off nodes', async () => {
    const m = manager();
    const { session } = m.open(undefined);
    await session.whenSettled();
    await session.power('lab-worker', false);
    expect(session.record.poweredOff).toEqual(['lab-worker']);
    expect(provider.clusters.get(session.id)!.off.has('lab-worker')).toBe(true);
    await session.reset();
    expect(provider.clusters.get(session.id)!.resets).toBe(1);
    expect(session.record.poweredOff).toEqual([]);
  });

  it('two sessions have different ids, folders and clusters', async () => {
    const m = manager();
    const a = m.open(undefined);
    const b = m.open(undefined);
    expect(a.session.id).not.toBe(b.session.id);
    expect(a.session.folder().path).not.toBe(b.session.folder().path);
    await Promise.all([a.session.whenSettled(), b.session.whenSettled()]);
    expect(provider.created.sort()).toEqual([a.session.id, b.session.id].sort());
  });
});

describe('LiveSession terminal', () => {
  it('replays the recent output to a page that connects, but nothing from before `clear`', async () => {
    const m = manager();
    const { session } = m.open(undefined);
    await session.whenSettled();
    session.input('echo before-clear\r');
    await new Promise((r) => setTimeout(r, 20));
    session.input('clear\r');
    await new Promise((r) => setTimeout(r, 20));
    session.input('echo after-clear\r');
    await new Promise((r) => setTimeout(r, 20));
    const late = new RecordingConnection();
    session.attach(late);
    expect(late.data).toContain('after-clear');
    expect(late.data).not.toContain('before-clear');
    expect(late.controls.map((c) => c.type)).toEqual(['hello', 'cluster']);
    expect(late.controls[0]).toMatchObject({ type: 'hello', scrollback: true });
  });
  it('says the cluster is still starting when Enter is pressed before it is ready', () => {
    provider.create = () => new Promise(() => {}); // never ready
    const m = manager();
    const { session } = m.open(undefined);
    const conn = new RecordingConnection();
    session.attach(conn);
    session.input('kubectl get nodes\r');
    expect(conn.data).toContain('the cluster is still starting');
  });
});

describe('expiry rules', () => {
  const l = { idleTimeoutMs: 600_000, maxLifetimeMs: 3_600_000, maxSessions: 1 };
  it('judgeExpiry', () => {
    expect(judgeExpiry(0, 0, 0, l)).toEqual({ kind: 'alive' });
    expect(judgeExpiry(500_000, 0, 0, l)).toEqual({ kind: 'warn', reason: 'idle', endsAt: 600_000, secondsLeft: 100 });
    expect(judgeExpiry(600_000, 0, 0, l)).toEqual({ kind: 'ended', reason: 'idle' });
    expect(judgeExpiry(3_590_000, 0, 3_500_000, l)).toMatchObject({ kind: 'warn', reason: 'lifetime' });
  });
  it('parseDuration', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('soon')).toBeUndefined();
  });
});
