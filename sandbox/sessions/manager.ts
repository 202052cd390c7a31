/**
 * SessionManager owns every learner session of one server: it creates a
 * session (and its cluster) on a learner's first visit, finds it again by the
 * cookie token — after a page refresh or a server restart, restoring the
 * cluster from its snapshot — resets and destroys it, ends it after the idle
 * timeout or maximum lifetime (warning the page first), and refuses new
 * sessions when the server is full. Time comes from an injected clock so the
 * rules are testable.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterProvider } from '../providers/types.ts';
import { LiveSession } from './live-session.ts';
import { SessionStore, hashToken, type SessionRecord } from './store.ts';
import { judgeExpiry, type SessionLimits } from './expiry.ts';
import type { LessonCatalog } from './lesson-catalog.ts';

export interface SessionManagerOptions {
  provider: ClusterProvider;
  providerInfo: { name: string; simulated: boolean; label: string };
  dataDir: string;
  lessons: LessonCatalog;
  limits: SessionLimits;
  kubectlPath: string;
  now?: () => number;
  log?: (message: string) => void;
  /** liveView: watch each session's storage objects for the page (default true). */
  liveView?: boolean;
}

/** SessionsFullError: the server already holds --max-sessions sessions. */
export class SessionsFullError extends Error {
  constructor(readonly max: number) {
    super(`This sandbox server is full: all ${max} learner sessions are in use. Try again in a few minutes, or ask the person running it to raise --max-sessions.`);
    this.name = 'SessionsFullError';
  }
}

export interface OpenResult {
  session: LiveSession;
  /** token is the cookie value (new when created). */
  token: string;
  created: boolean;
  /** previousEnded: the browser had a cookie whose session is gone (expired or destroyed). */
  previousEnded: boolean;
}

/** TOKEN_BYTES: 256 bits, so a session id cannot be guessed. */
const TOKEN_BYTES = 32;

export class SessionManager {
  readonly store: SessionStore;
  private readonly live = new Map<string, LiveSession>();
  private readonly now: () => number;
  private readonly log: (message: string) => void;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly options: SessionManagerOptions) {
    mkdirSync(join(options.dataDir, 'sessions'), { recursive: true, mode: 0o700 });
    this.store = new SessionStore(join(options.dataDir, 'sessions.db'));
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  get limits(): SessionLimits {
    return this.options.limits;
  }

  /** liveCount is how many sessions are in memory (with a cluster). */
  get liveCount(): number {
    return this.live.size;
  }

  /** find returns the session for a cookie token, restoring it after a restart; undefined if there is none. */
  find(token: string | undefined): LiveSession | undefined {
    if (!token || token.length > 200) return undefined;
    const record = this.store.byTokenHash(hashToken(token));
    if (!record) return undefined;
    const verdict = judgeExpiry(this.now(), record.createdAt, record.lastSeenAt, this.options.limits);
    if (verdict.kind === 'ended') {
      void this.endRecord(record, verdict.reason);
      return undefined;
    }
    const existing = this.live.get(record.id);
    if (existing) return existing;
    // Known to the database but not in memory: the server restarted. Bring the cluster back.
    const session = this.makeLive(record);
    this.log(`session ${record.id}: resumed after a server restart`);
    void session.bringUpCluster('restore');
    return session;
  }

  /** open finds the session for the token or creates one (throws SessionsFullError when full). */
  open(token: string | undefined): OpenResult {
    const found = this.find(token);
    if (found) {
      found.touch();
      return { session: found, token: token!, created: false, previousEnded: false };
    }
    if (this.closing) throw new Error('the server is shutting down');
    if (this.store.count() >= this.options.limits.maxSessions) throw new SessionsFullError(this.options.limits.maxSessions);
    const newToken = randomBytes(TOKEN_BYTES).toString('base64url');
    const now = this.now();
    const record: SessionRecord = {
      id: `s-${randomBytes(6).toString('hex')}`,
      tokenHash: hashToken(newToken),
      createdAt: now,
      lastSeenAt: now,
      lesson: null,
      poweredOff: [],
      history: [],
    };
    this.store.insert(record);
    const session = this.makeLive(record);
    this.log(`session ${record.id}: created`);
    void session.bringUpCluster('create');
    return { session, token: newToken, created: true, previousEnded: token !== undefined };
  }

  private makeLive(record: SessionRecord): LiveSession {
    const session = new LiveSession(record, {
      provider: this.options.provider,
      providerInfo: this.options.providerInfo,
      store: this.store,
      lessons: this.options.lessons,
      dir: this.sessionDir(record.id),
      kubectlPath: this.options.kubectlPath,
      now: this.now,
      log: this.log,
      liveView: this.options.liveView ?? true,
      limits: this.options.limits,
    });
    this.live.set(record.id, session);
    return session;
  }

  sessionDir(id: string): string {
    return join(this.options.dataDir, 'sessions', id);
  }

  /** destroy ends a session for good: cluster, files, records. */
  async destroy(session: LiveSession, reason: 'destroyed' | 'idle' | 'lifetime' = 'destroyed'): Promise<void> {
    const messages = {
      destroyed: 'This session was closed. Reload the page for a new one.',
      idle: 'Your session ended after a period without activity. Reload the page for a new session and a fresh cluster.',
      lifetime: 'Your session reached its maximum lifetime. Reload the page for a new session and a fresh cluster.',
    };
    this.live.delete(session.id);
    this.store.delete(session.id);
    await session.end(reason, messages[reason]);
    rmSync(this.sessionDir(session.id), { recursive: true, force: true });
    this.log(`session ${session.id}: ended (${reason})`);
  }

  private async endRecord(record: SessionRecord, reason: 'idle' | 'lifetime'): Promise<void> {
    const live = this.live.get(record.id);
    if (live) return this.destroy(live, reason);
    this.store.delete(record.id);
    rmSync(this.sessionDir(record.id), { recursive: true, force: true });
    this.log(`session ${record.id}: ended (${reason}) while the server was down`);
  }

  /** sweep ends expired sessions and warns the pages of sessions about to end. */
  async sweep(): Promise<void> {
    const now = this.now();
    for (const record of this.store.all()) {
      const live = this.live.get(record.id);
      const lastSeen = live ? live.record.lastSeenAt : record.lastSeenAt;
      const verdict = judgeExpiry(now, record.createdAt, lastSeen, this.options.limits);
      if (verdict.kind === 'ended') {
        await this.endRecord(record, verdict.reason);
      } else if (verdict.kind === 'warn' && live && live.warnedFor !== verdict.endsAt) {
        live.warnedFor = verdict.endsAt;
        live.broadcastControl({
          type: 'expiry',
          reason: verdict.reason,
          at: new Date(verdict.endsAt).toISOString(),
          secondsLeft: verdict.secondsLeft,
        });
      }
    }
  }

  /** startSweeping runs sweep every intervalMs. */
  startSweeping(intervalMs: number): void {
    this.sweepTimer = setInterval(() => void this.sweep().catch((e) => this.log(`sweep failed: ${(e as Error).message}`)), intervalMs);
    this.sweepTimer.unref();
  }

  /** shutdown saves every cluster and closes every connection; the records stay for the next start. */
  async shutdown(): Promise<void> {
    this.closing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const sessions = [...this.live.values()];
    this.live.clear();
    await Promise.all(
      sessions.map((s) => s.end('shutdown', 'The sandbox server is restarting; this page reconnects to your session when it is back.')),
    );
    this.store.close();
  }
}
