/**
 * SessionStore keeps session records and learner progress in SQLite
 * (better-sqlite3, synchronous, one file under the data directory), so a
 * learner's session, shell history and progress survive a server restart.
 * The session cookie's token is never stored: rows are keyed by its SHA-256.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

export interface SessionRecord {
  /** id is public (logs, cluster id, folder name); it does not let anyone in. */
  id: string;
  tokenHash: string;
  createdAt: number;
  lastSeenAt: number;
  lesson: string | null;
  poweredOff: string[];
  history: string[];
}

export interface ProgressEntry {
  lesson: string;
  /** exercise is '' for "lesson visited". */
  exercise: string;
  status: 'visited' | 'pass' | 'fail';
  updatedAt: number;
}

/** hashToken is how a cookie token is looked up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** migrations run in order; PRAGMA user_version records how many have run. */
const migrations = [
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     lesson TEXT,
     powered_off TEXT NOT NULL DEFAULT '[]',
     history TEXT NOT NULL DEFAULT '[]'
   );
   CREATE TABLE progress (
     session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
     lesson TEXT NOT NULL,
     exercise TEXT NOT NULL DEFAULT '',
     status TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (session_id, lesson, exercise)
   );`,
];

interface Row {
  id: string;
  token_hash: string;
  created_at: number;
  last_seen_at: number;
  lesson: string | null;
  powered_off: string;
  history: string;
}

function fromRow(row: Row): SessionRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    lesson: row.lesson,
    poweredOff: JSON.parse(row.powered_off) as string[],
    history: JSON.parse(row.history) as string[],
  };
}

export class SessionStore {
  private readonly db: Database.Database;

  /** open opens (and migrates) the database file; ':memory:' for tests. */
  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    for (let i = version; i < migrations.length; i++) {
      this.db.transaction(() => {
        this.db.exec(migrations[i]!);
        this.db.pragma(`user_version = ${i + 1}`);
      })();
    }
  }

  insert(record: SessionRecord): void {
    this.db
      .prepare(
        'INSERT INTO sessions (id, token_hash, created_at, last_seen_at, lesson, powered_off, history) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(record.id, record.tokenHash, record.createdAt, record.lastSeenAt, record.lesson, JSON.stringify(record.poweredOff), JSON.stringify(record.history));
  }

  byTokenHash(tokenHash: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  byId(id: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  all(): SessionRecord[] {
    return (this.db.prepare('SELECT * FROM sessions ORDER BY created_at').all() as Row[]).map(fromRow);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;
  }

  touch(id: string, lastSeenAt: number): void {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(lastSeenAt, id);
  }

  update(id: string, fields: Partial<Pick<SessionRecord, 'lesson' | 'poweredOff' | 'history'>>): void {
    if (fields.lesson !== undefined) this.db.prepare('UPDATE sessions SET lesson = ? WHERE id = ?').run(fields.lesson, id);
    if (fields.poweredOff !== undefined) {
      this.db.prepare('UPDATE sessions SET powered_off = ? WHERE id = ?').run(JSON.stringify(fields.poweredOff), id);
    }
    if (fields.history !== undefined) {
      this.db.prepare('UPDATE sessions SET history = ? WHERE id = ?').run(JSON.stringify(fields.history), id);
    }
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }

  recordProgress(sessionId: string, entry: ProgressEntry): void {
    this.db
      .prepare(
        `INSERT INTO progress (session_id, lesson, exercise, status, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (session_id, lesson, exercise) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
      )
      .run(sessionId, entry.lesson, entry.exercise, entry.status, entry.updatedAt);
  }

  progress(sessionId: string): ProgressEntry[] {
    return (
      this.db
        .prepare('SELECT lesson, exercise, status, updated_at AS updatedAt FROM progress WHERE session_id = ? ORDER BY updated_at')
        .all(sessionId) as ProgressEntry[]
    );
  }

  close(): void {
    this.db.close();
  }
}
