/**
 * LiveSession is one learner's session while the server holds it in memory:
 * the session record, the cluster and its bring-up progress, the terminal
 * shell, the browser connections that show it, and the live view. The
 * SessionManager creates, restores and ends these; the HTTP server only
 * forwards to them.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster, ClusterProvider, ProgressEvent } from '../providers/types.ts';
import { LearnerShell } from '../terminal/shell.ts';
import { FlowGate, OutputBatcher } from '../terminal/flow-control.ts';
import type { ClientControl, ClusterProgress, ServerControl } from '../terminal/protocol.ts';
import { LiveViewWatch, type LiveView } from './live-view.ts';
import type { SessionRecord, SessionStore } from './store.ts';
import type { LessonCatalog } from './lesson-catalog.ts';
import { expiryOf, type SessionLimits } from './expiry.ts';

/** TerminalConnection is one browser tab's WebSocket as the session sees it. */
export interface TerminalConnection {
  sendData(text: string): void;
  sendControl(message: ServerControl): void;
  close(code: number, reason: string): void;
  /** bufferedAmount is the socket's queued bytes (flow control). */
  readonly bufferedAmount: number;
}

export interface LiveSessionDeps {
  provider: ClusterProvider;
  providerInfo: { name: string; simulated: boolean; label: string };
  store: SessionStore;
  lessons: LessonCatalog;
  /** dir is this session's folder under the data directory. */
  dir: string;
  kubectlPath: string;
  now: () => number;
  log: (message: string) => void;
  /** liveView can be turned off (benchmarks measure the terminal alone). */
  liveView: boolean;
  limits: SessionLimits;
}

/** HISTORY_KEEP: the shell history saved per session. */
const HISTORY_KEEP = 500;
/** FLOW_POLL_MS: how often a paused producer checks whether the sockets drained (ws has no per-socket drain event). */
const FLOW_POLL_MS = 20;
/** SCROLLBACK_CHARS: what a reconnecting or refreshed page is shown of the terminal so far. */
const SCROLLBACK_CHARS = 64 * 1024;
/** SAVE_DELAY_MS: the cluster is saved this long after the last command, so a burst of commands saves once. */
const SAVE_DELAY_MS = 1000;

export class LiveSession {
  private currentCluster: Cluster | undefined;
  private stopPowerWatch?: () => void;
  /** pagePower: nodes whose power the page is switching right now (their notice says "from the page"). */
  private readonly pagePower = new Set<string>();

  /** cluster is the session's cluster; setting it follows its node power, whoever switches it. */
  get cluster(): Cluster | undefined {
    return this.currentCluster;
  }
  set cluster(next: Cluster | undefined) {
    if (next === this.currentCluster) return;
    this.stopPowerWatch?.();
    this.stopPowerWatch = undefined;
    this.currentCluster = next;
    this.stopPowerWatch = next?.onPowerChange?.((node, on) => this.powerChanged(node, on));
  }
  progress: ClusterProgress = { state: 'starting', steps: [] };
  readonly shell: LearnerShell;
  readonly connections = new Set<TerminalConnection>();
  /** warnedFor is the end time the page was last warned about (so each warning is sent once). */
  warnedFor: number | undefined;
  /** ended is set once the session is over; late callbacks check it. */
  ended = false;
  private shellStarted = false;
  private readonly batcher: OutputBatcher;
  private readonly gate = new FlowGate();
  private flowTimer: NodeJS.Timeout | undefined;
  private view: LiveViewWatch | undefined;
  private lastView: LiveView | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  private bringUp: Promise<void> = Promise.resolve();
  private persistedSeenAt: number;
  /** scrollback is the recent terminal output, replayed to a page that (re)connects. */
  private scrollback: string[] = [];
  private scrollbackChars = 0;

  constructor(
    readonly record: SessionRecord,
    private readonly deps: LiveSessionDeps,
  ) {
    this.persistedSeenAt = record.lastSeenAt;
    for (const sub of ['home', 'cache', 'work']) mkdirSync(join(deps.dir, sub), { recursive: true });
    this.batcher = new OutputBatcher((data) => {
      this.remember(data);
      this.broadcastData(data);
    });
    this.shell = new LearnerShell({
      folder: () => this.folder(),
      kubectl: {
        path: deps.kubectlPath,
        env: {
          // Only kubectl's own folder: kubectl finds no plugin and no other program.
          PATH: deps.kubectlPath ? join(deps.kubectlPath, '..') : '/nonexistent',
          KUBECONFIG: this.kubeconfigPath,
          KUBECACHEDIR: join(deps.dir, 'cache'),
          HOME: join(deps.dir, 'home'),
          LANG: 'C.UTF-8',
          TERM: 'dumb',
        },
      },
      tools: () => this.cluster?.tools,
      history: record.history,
      write: (text) => this.batcher.write(text),
      completions: (resource) => this.view?.names(resource) ?? [],
      onCommandDone: () => {
        if (record.history.length > HISTORY_KEEP) record.history.splice(0, record.history.length - HISTORY_KEEP);
        deps.store.update(record.id, { history: record.history });
        this.scheduleSave();
      },
    });
    if (record.lesson) this.useLesson(record.lesson);
    // The screen as it was before a server restart (saved by end('shutdown')).
    if (existsSync(this.scrollbackPath)) {
      this.remember(readFileSync(this.scrollbackPath, 'utf8'));
      rmSync(this.scrollbackPath, { force: true });
    }
  }

  get scrollbackPath(): string {
    return join(this.deps.dir, 'scrollback.txt');
  }

  get id(): string {
    return this.record.id;
  }

  get kubeconfigPath(): string {
    return join(this.deps.dir, 'kubeconfig');
  }

  get snapshotDir(): string {
    return join(this.deps.dir, 'cluster');
  }

  /** folder is the working folder of the lesson being viewed (or a scratch folder). */
  folder(): { path: string; label: string } {
    const label = this.record.lesson ?? 'sandbox';
    return { path: join(this.deps.dir, 'work', label), label };
  }

  /** useLesson makes a lesson's folder current and copies in its manifests the learner does not have yet. */
  useLesson(lessonId: string): void {
    const lesson = this.deps.lessons.get(lessonId);
    if (!lesson) return;
    const folder = join(this.deps.dir, 'work', lesson.id);
    mkdirSync(folder, { recursive: true });
    for (const file of lesson.manifests) {
      const target = join(folder, file);
      if (!existsSync(target)) copyFileSync(join(lesson.folder, 'manifests', file), target);
    }
    if (this.record.lesson !== lesson.id) {
      const switching = this.shellStarted && this.record.lesson !== null;
      this.record.lesson = lesson.id;
      this.deps.store.update(this.id, { lesson: lesson.id });
      if (switching) this.shell.notice(`(now in ~/${lesson.id}: the files of "${lesson.title}")`);
    }
    this.deps.store.recordProgress(this.id, { lesson: lesson.id, exercise: '', status: 'visited', updatedAt: this.deps.now() });
  }

  /** touch records learner activity; the database is written at most every 5 s. */
  touch(): void {
    const now = this.deps.now();
    this.record.lastSeenAt = now;
    if (now - this.persistedSeenAt > 5000) {
      this.persistedSeenAt = now;
      this.deps.store.touch(this.id, now);
    }
    if (this.warnedFor !== undefined) {
      this.warnedFor = undefined;
      this.broadcastControl(this.hello());
    }
  }

  hello(): ServerControl {
    const expiry = expiryOf(this.record.createdAt, this.record.lastSeenAt, this.deps.limits);
    return {
      type: 'hello',
      sessionId: this.id,
      provider: this.deps.providerInfo,
      lesson: this.record.lesson,
      expiresAt: new Date(expiry.lifetimeEndsAt).toISOString(),
      idleExpiresAt: new Date(expiry.idleEndsAt).toISOString(),
      scrollback: false,
    };
  }

  clusterMessage(): ServerControl {
    return { type: 'cluster', cluster: this.progress, poweredOff: this.record.poweredOff };
  }

  /** bringUpCluster creates (or restores) the cluster; progress goes to every connection as it happens. */
  bringUpCluster(mode: 'create' | 'restore'): Promise<void> {
    this.bringUp = this.bringUp.then(() => this.doBringUp(mode));
    return this.bringUp;
  }

  /** whenSettled resolves once any bring-up in flight is over (ready or failed). */
  whenSettled(): Promise<void> {
    return this.bringUp;
  }

  private async doBringUp(mode: 'create' | 'restore'): Promise<void> {
    if (this.ended) return;
    const restore = mode === 'restore' && this.deps.provider.restore && existsSync(this.snapshotDir);
    this.progress = { state: restore ? 'restoring' : 'starting', steps: [] };
    this.broadcastControl(this.clusterMessage());
    const onProgress = (event: ProgressEvent) => this.onProgress(event);
    try {
      if (restore) {
        try {
          this.cluster = await this.deps.provider.restore!({ id: this.id, dir: this.snapshotDir, onProgress });
        } catch (e) {
          this.deps.log(`session ${this.id}: restore failed (${(e as Error).message}); creating a fresh cluster`);
          this.progress = {
            state: 'starting',
            steps: [],
            notice: `Your cluster could not be restored (${(e as Error).message}); this is a fresh one.`,
          };
          this.broadcastControl(this.clusterMessage());
          this.cluster = await this.deps.provider.create({ id: this.id, onProgress });
          this.record.poweredOff = [];
        }
      } else {
        if (mode === 'restore') {
          this.progress.notice = 'The server restarted without a saved copy of your cluster; this is a fresh one.';
          this.record.poweredOff = [];
        }
        this.cluster = await this.deps.provider.create({ id: this.id, onProgress });
      }
      if (this.ended) {
        await this.cluster.destroy().catch(() => {});
        return;
      }
      writeFileSync(this.kubeconfigPath, this.cluster.kubeconfig(), { mode: 0o600 });
      this.deps.store.update(this.id, { poweredOff: this.record.poweredOff });
      this.progress = { ...this.progress, state: 'ready' };
      this.broadcastControl(this.clusterMessage());
      this.startShell(
        mode === 'restore'
          ? restore && !this.progress.notice
            ? '\nThe sandbox server restarted; your cluster, files and history were restored.'
            : '\nThe sandbox server restarted; your files and history are here, and the cluster is a fresh one.'
          : undefined,
      );
      this.startView();
      this.scheduleSave();
    } catch (e) {
      const err = e as Error & { step?: string };
      this.deps.log(`session ${this.id}: cluster failed to start: ${err.message}`);
      this.progress = {
        state: 'failed',
        steps: this.progress.steps,
        error: err.step ? `${err.step}: ${err.message}` : err.message,
      };
      this.broadcastControl(this.clusterMessage());
    }
  }

  private onProgress(event: ProgressEvent): void {
    const steps = this.progress.steps;
    const existing = steps.find((s) => s.step === event.step);
    const entry = { step: event.step, status: event.status, ...(event.detail ? { detail: event.detail } : {}) };
    if (existing) Object.assign(existing, entry);
    else steps.push(entry);
    this.broadcastControl(this.clusterMessage());
  }

  private startShell(greeting?: string): void {
    if (!this.shellStarted) {
      this.shellStarted = true;
      this.shell.start(
        greeting ??
          `Connected to your ${this.deps.providerInfo.simulated ? 'simulated ' : ''}cluster. Type \`help\` for what this terminal can do.`,
      );
    } else {
      this.shell.notice('(your cluster is ready again)');
    }
  }

  /** reset gives the session a fresh cluster; the shell and its history stay. */
  async reset(): Promise<void> {
    const run = async () => {
      if (this.ended) return;
      this.stopView();
      this.progress = { state: 'resetting', steps: [] };
      this.broadcastControl(this.clusterMessage());
      const onProgress = (event: ProgressEvent) => this.onProgress(event);
      try {
        if (this.cluster) {
          await this.cluster.reset(onProgress);
        } else {
          this.cluster = await this.deps.provider.create({ id: this.id, onProgress });
          writeFileSync(this.kubeconfigPath, this.cluster.kubeconfig(), { mode: 0o600 });
        }
        this.record.poweredOff = [];
        this.deps.store.update(this.id, { poweredOff: [] });
        this.progress = { state: 'ready', steps: this.progress.steps };
        this.broadcastControl(this.clusterMessage());
        this.startShell();
        this.startView();
        this.scheduleSave(0);
      } catch (e) {
        const err = e as Error & { step?: string };
        this.cluster = undefined;
        this.progress = { state: 'failed', steps: this.progress.steps, error: err.step ? `${err.step}: ${err.message}` : err.message };
        this.broadcastControl(this.clusterMessage());
      }
    };
    this.bringUp = this.bringUp.then(run);
    return this.bringUp;
  }

  /** power turns a node off or on from the page. */
  async power(node: string, on: boolean): Promise<void> {
    const cluster = this.cluster!;
    this.pagePower.add(node);
    try {
      if (on) await cluster.powerOn(node);
      else await cluster.powerOff(node);
      // A provider that cannot report power changes itself: record the page's switch here.
      if (!cluster.onPowerChange) this.powerChanged(node, on);
    } finally {
      this.pagePower.delete(node);
    }
  }

  /**
   * powerChanged records a node's power however it was switched — the page's
   * buttons, or `kslab solve` / `kubectl create --raw` through the sim's power
   * endpoint — so the page's buttons and the saved session never go stale.
   */
  private powerChanged(node: string, on: boolean): void {
    if (this.ended) return;
    const set = new Set(this.record.poweredOff);
    if (on === !set.has(node)) return;
    if (on) set.delete(node);
    else set.add(node);
    this.record.poweredOff = [...set].sort();
    this.deps.store.update(this.id, { poweredOff: this.record.poweredOff });
    this.shell.notice(`(node ${node} was powered ${on ? 'on' : 'off'}${this.pagePower.has(node) ? ' from the page' : ''})`);
    this.broadcastControl(this.clusterMessage());
    this.scheduleSave(0);
  }

  // --- connections ---------------------------------------------------------

  /** attach adds a browser connection and brings it up to date. */
  attach(conn: TerminalConnection): void {
    // Flush pending output to the others first, so the replay below holds it exactly once.
    this.batcher.drain();
    this.connections.add(conn);
    conn.sendControl({ ...this.hello(), scrollback: this.scrollbackChars > 0 } as ServerControl);
    conn.sendControl(this.clusterMessage());
    if (this.scrollbackChars > 0) conn.sendData(this.scrollback.join(''));
    if (this.progress.state === 'ready') this.startView();
    if (this.lastView) conn.sendControl({ type: 'view', view: this.lastView });
  }

  detach(conn: TerminalConnection): void {
    this.connections.delete(conn);
    if (!this.gate.forget(conn)) this.shell.resumeOutput();
    if (this.connections.size === 0) this.stopView();
  }

  /** input is what a connection typed. */
  input(data: string): void {
    this.touch();
    if (!this.shellStarted) {
      if (data.includes('\r')) {
        this.broadcastData(
          this.progress.state === 'failed'
            ? '\r\nThe cluster did not start; use "Retry" above the terminal.\r\n'
            : '\r\n(the cluster is still starting; the prompt appears when it is ready)\r\n',
        );
      }
      return;
    }
    this.shell.input(data);
  }

  control(conn: TerminalConnection, message: ClientControl): void {
    switch (message.type) {
      case 'resize':
        // The line interpreter wraps nothing itself; kubectl gets no TTY, so there is no window size to pass on.
        return;
      case 'pause':
        if (this.gate.clientPause(conn, true)) this.shell.pauseOutput();
        return;
      case 'resume':
        if (!this.gate.clientPause(conn, false)) this.shell.resumeOutput();
        return;
      case 'keepalive':
        this.touch();
        return;
    }
  }

  /** remember keeps output for the scrollback, dropping whole old lines past the limit. */
  private remember(data: string): void {
    // After `clear` (or Ctrl-L) a reconnecting page should not see what was cleared.
    const cleared = data.lastIndexOf('\x1b[H\x1b[2J');
    if (cleared >= 0) {
      this.scrollback = [];
      this.scrollbackChars = 0;
      data = data.slice(cleared);
    }
    this.scrollback.push(data);
    this.scrollbackChars += data.length;
    if (this.scrollbackChars <= SCROLLBACK_CHARS) return;
    let text = this.scrollback.join('');
    const cut = text.indexOf('\n', text.length - SCROLLBACK_CHARS);
    text = cut >= 0 ? text.slice(cut + 1) : text.slice(text.length - SCROLLBACK_CHARS);
    this.scrollback = [text];
    this.scrollbackChars = text.length;
  }

  broadcastControl(message: ServerControl): void {
    for (const conn of this.connections) conn.sendControl(message);
  }

  private broadcastData(data: string): void {
    let closed = false;
    for (const conn of this.connections) {
      conn.sendData(data);
      closed = this.gate.observe(conn, conn.bufferedAmount);
    }
    if (closed) {
      this.shell.pauseOutput();
      this.pollFlow();
    }
  }

  private pollFlow(): void {
    if (this.flowTimer) return;
    this.flowTimer = setTimeout(() => {
      this.flowTimer = undefined;
      let closed = false;
      for (const conn of this.connections) closed = this.gate.observe(conn, conn.bufferedAmount);
      if (closed || this.gate.closed) this.pollFlow();
      else this.shell.resumeOutput();
    }, FLOW_POLL_MS);
  }

  // --- live view -----------------------------------------------------------

  private startView(): void {
    if (!this.deps.liveView || this.view || this.connections.size === 0 || !this.cluster || this.progress.state !== 'ready') return;
    this.view = new LiveViewWatch(this.cluster.kubeconfig(), (view) => {
      this.lastView = view;
      this.broadcastControl({ type: 'view', view });
    });
    this.view.start();
  }

  private stopView(): void {
    this.view?.stop();
    this.view = undefined;
  }

  // --- persistence ---------------------------------------------------------

  /** scheduleSave saves the cluster soon (debounced), so a crash loses at most the last second. */
  scheduleSave(delay = SAVE_DELAY_MS): void {
    if (!this.cluster?.save || this.ended) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, delay);
    this.saveTimer.unref();
  }

  /** save writes the cluster snapshot (to a temporary folder first, so a crash mid-save keeps the old one). */
  save(): Promise<void> {
    this.saving = this.saving.then(async () => {
      const cluster = this.cluster;
      if (!cluster?.save || this.ended || this.progress.state !== 'ready') return;
      const tmp = `${this.snapshotDir}.tmp`;
      try {
        rmSync(tmp, { recursive: true, force: true });
        await cluster.save(tmp);
        rmSync(this.snapshotDir, { recursive: true, force: true });
        renameSync(tmp, this.snapshotDir);
      } catch (e) {
        this.deps.log(`session ${this.id}: could not save the cluster: ${(e as Error).message}`);
      }
    });
    return this.saving;
  }

  /** end closes connections, stops the shell and view, and destroys the cluster (or just releases it on shutdown). */
  async end(reason: 'idle' | 'lifetime' | 'destroyed' | 'reset' | 'shutdown', message: string): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    if (this.flowTimer) clearTimeout(this.flowTimer);
    if (reason === 'shutdown') {
      this.batcher.drain();
      await this.save();
      if (this.scrollbackChars > 0) writeFileSync(this.scrollbackPath, this.scrollback.join(''), { mode: 0o600 });
    }
    this.ended = true;
    for (const conn of this.connections) {
      conn.sendControl({ type: 'ended', reason, message });
      conn.close(reason === 'shutdown' ? 1001 : 4000, message.slice(0, 120));
    }
    this.connections.clear();
    this.stopView();
    this.shell.dispose();
    if (reason !== 'shutdown') {
      await this.bringUp.catch(() => {});
      await this.cluster?.destroy().catch(() => {});
      this.cluster = undefined;
    }
  }
}
