/**
 * expiry is the session time policy as pure functions over an injected
 * "now": a session ends after `idleTimeout` without learner activity or
 * `maxLifetime` after it began, whichever comes first; the page is warned
 * `warnBefore` ahead (anchors-platforms.md §2: "no timeout warning" is a top
 * complaint about hosted labs).
 */

export interface SessionLimits {
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  maxSessions: number;
}

export interface ExpiryState {
  /** endsAt is when the session ends if nothing changes. */
  endsAt: number;
  reason: 'idle' | 'lifetime';
  idleEndsAt: number;
  lifetimeEndsAt: number;
}

export function expiryOf(createdAt: number, lastSeenAt: number, limits: SessionLimits): ExpiryState {
  const idleEndsAt = lastSeenAt + limits.idleTimeoutMs;
  const lifetimeEndsAt = createdAt + limits.maxLifetimeMs;
  return idleEndsAt < lifetimeEndsAt
    ? { endsAt: idleEndsAt, reason: 'idle', idleEndsAt, lifetimeEndsAt }
    : { endsAt: lifetimeEndsAt, reason: 'lifetime', idleEndsAt, lifetimeEndsAt };
}

/** warnBeforeMs: two minutes, or half the idle timeout when that is shorter (short timeouts in tests and workshops). */
export function warnBeforeMs(limits: SessionLimits): number {
  return Math.min(120_000, Math.floor(limits.idleTimeoutMs / 2), Math.floor(limits.maxLifetimeMs / 2));
}

export type ExpiryVerdict =
  | { kind: 'alive' }
  | { kind: 'warn'; reason: 'idle' | 'lifetime'; endsAt: number; secondsLeft: number }
  | { kind: 'ended'; reason: 'idle' | 'lifetime' };

/** judgeExpiry says what to do with a session at `now`. */
export function judgeExpiry(now: number, createdAt: number, lastSeenAt: number, limits: SessionLimits): ExpiryVerdict {
  const e = expiryOf(createdAt, lastSeenAt, limits);
  if (now >= e.endsAt) return { kind: 'ended', reason: e.reason };
  if (e.endsAt - now <= warnBeforeMs(limits)) {
    return { kind: 'warn', reason: e.reason, endsAt: e.endsAt, secondsLeft: Math.ceil((e.endsAt - now) / 1000) };
  }
  return { kind: 'alive' };
}

/** parseDuration reads `--idle-timeout 30m` style values: a number with s, m or h (seconds when bare). */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(n * factor);
}
