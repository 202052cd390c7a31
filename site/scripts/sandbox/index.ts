/**
 * The sandbox client of a lesson page: when the page is served by
 * `kslab serve`, it gets the learner's session, opens the terminal
 * (xterm.js ↔ WebSocket ↔ the session's shell), shows the cluster's
 * start-up progress, expiry warnings, node power buttons and the live
 * storage view, and reconnects with backoff when the connection drops.
 * Served as plain static files (no sandbox), the page keeps its list of
 * commands to copy and this script does nothing.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { chunkInput, decodeServerFrame, encodeClientControl, type ClientControl, type ClusterProgress, type ServerControl } from './protocol.ts';
import { reconnectDelay, WriteFlow } from './flow.ts';
import { renderClusterView, type LiveView } from './cluster-view.ts';
import { mountExercisePanels, type ExercisePanels } from './exercises.ts';

interface SessionInfo {
  session: { id: string; expiresAt: string; idleExpiresAt: string; warnBeforeSeconds: number };
  provider: { name: string; simulated: boolean; label: string };
  cluster: ClusterProgress & { poweredOff: string[] };
  lesson: { id: string; title: string; nodes: string[] } | null;
  progress?: { lesson: string; exercise: string; status: string }[];
  created: boolean;
  previousEnded: boolean;
}

/** servedBySandbox: kslab serve marks its pages with a Server-Timing entry named "kslab". */
function servedBySandbox(): boolean {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return Boolean(nav?.serverTiming?.some((t) => t.name === 'kslab'));
}

function q<T extends HTMLElement>(root: ParentNode, selector: string): T | null {
  return root.querySelector<T>(selector);
}

class SandboxClient {
  private readonly term: Terminal;
  private readonly fit = new FitAddon();
  private ws: WebSocket | undefined;
  private attempt = 0;
  private ended = false;
  private flow = new WriteFlow();
  private info: SessionInfo | undefined;
  private poweredOff: string[] = [];
  private lastView: LiveView | undefined;
  private readonly bar: HTMLElement | null;
  private readonly banner: HTMLElement | null;
  private readonly stateText: HTMLElement | null;
  private readonly providerText: HTMLElement | null;
  private readonly viewRoot: HTMLElement | null;
  /** exercises are the lesson's Check/Solve panels (exercises.ts); terminal output re-checks them. */
  private exercises: ExercisePanels | undefined;

  constructor(
    private readonly pane: HTMLElement,
    private readonly mount: HTMLElement,
    private readonly lesson: string,
  ) {
    this.bar = q(pane, '[data-sandbox-bar]');
    this.banner = q(pane, '[data-sandbox-banner]');
    this.stateText = q(pane, '[data-sandbox-state]');
    this.providerText = q(pane, '[data-sandbox-provider]');
    this.viewRoot = q(pane, '[data-cluster-view]');
    this.term = new Terminal({
      convertEol: false,
      cursorBlink: true,
      fontFamily: "ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
      fontSize: 13,
      scrollback: 5000,
      theme: { background: '#0f172a', foreground: '#e2e8f0', cursor: '#93c5fd' },
    });
    this.term.loadAddon(this.fit);
    q<HTMLButtonElement>(pane, '[data-sandbox-reset]')?.addEventListener('click', () => void this.reset(true));
  }

  async start(): Promise<void> {
    this.mount.replaceChildren();
    this.exercises = mountExercisePanels(this.lesson);
    this.mount.classList.add('terminal-pane__mount--live');
    const host = document.createElement('div');
    host.className = 'sandbox-terminal';
    host.setAttribute('role', 'application');
    host.setAttribute('aria-label', 'Terminal connected to your sandbox cluster');
    this.mount.append(host);
    this.term.open(host);
    this.fitNow();
    new ResizeObserver(() => this.fitNow()).observe(host);
    this.term.onData((data) => {
      if (this.ws?.readyState !== WebSocket.OPEN) return;
      for (const piece of chunkInput(data)) this.ws.send(piece);
    });
    this.term.onResize(({ cols, rows }) => this.control({ type: 'resize', cols, rows }));
    if (this.bar) this.bar.hidden = false;
    this.setState('Connecting to the sandbox…');
    await this.connect();
  }

  private fitNow(): void {
    try {
      this.fit.fit();
    } catch {
      /* not visible yet (closed drawer) */
    }
  }

  private control(message: ClientControl): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encodeClientControl(message));
  }

  /** connect gets (or resumes) the session, then opens the terminal socket. */
  private async connect(): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`/api/session?lesson=${encodeURIComponent(this.lesson)}`, { credentials: 'same-origin' });
    } catch {
      return this.retryLater('The sandbox server is not answering');
    }
    if (response.status === 503) {
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      this.showBanner(body.message ?? 'This sandbox server is full. Try again in a few minutes.', 'bad', 'full');
      this.setState('Server full');
      return this.retryLater(undefined, 30_000);
    }
    if (!response.ok) return this.retryLater(`The sandbox answered ${response.status}`);
    this.info = (await response.json()) as SessionInfo;
    this.exercises?.loadServerProgress(this.info.progress ?? []);
    const resetButton = q<HTMLButtonElement>(this.pane, '[data-sandbox-reset]');
    if (resetButton) resetButton.hidden = false;
    if (this.banner?.dataset.kind === 'full') this.hideBanner();
    this.poweredOff = this.info.cluster.poweredOff;
    if (this.providerText) this.providerText.textContent = this.info.provider.label;
    if (this.info.previousEnded) this.showBanner('Your previous session had ended, so this is a new session with a fresh cluster.', 'wait');
    this.showCluster(this.info.cluster);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/terminal?lesson=${encodeURIComponent(this.lesson)}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.attempt = 0;
      this.flow = new WriteFlow();
      this.control({ type: 'resize', cols: this.term.cols, rows: this.term.rows });
      this.term.focus();
    });
    ws.addEventListener('message', (event) => {
      if (typeof event.data === 'string') {
        this.write(event.data);
        return;
      }
      const message = decodeServerFrame(event.data as ArrayBuffer);
      if (message) this.onControl(message);
    });
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.ended || event.code === 4000) return;
      if (event.code === 1009) {
        this.showBanner(`The connection was closed: ${event.reason || 'a message was too big'}. Reconnecting…`, 'wait');
      }
      this.retryLater(event.code === 1001 ? 'The sandbox server is restarting' : 'The connection dropped');
    });
  }

  private write(data: string): void {
    this.exercises?.activity();
    if (this.flow.written() === 'pause') this.control({ type: 'pause' });
    this.term.write(data, () => {
      if (this.flow.rendered() === 'resume') this.control({ type: 'resume' });
    });
  }

  private retryLater(reason: string | undefined, delay = reconnectDelay(this.attempt)): void {
    this.attempt++;
    if (reason) this.setState(`${reason}; reconnecting in ${Math.ceil(delay / 1000)} s…`);
    window.setTimeout(() => void this.connect(), delay);
  }

  private onControl(message: ServerControl): void {
    switch (message.type) {
      case 'hello':
        // A reconnect gets the recent output again: start from a clean screen so nothing shows twice.
        if (message.scrollback) this.term.reset();
        if (this.info) {
          this.info.session.expiresAt = message.expiresAt;
          this.info.session.idleExpiresAt = message.idleExpiresAt;
        }
        if (this.banner?.dataset.kind === 'expiry') this.hideBanner();
        return;
      case 'cluster':
        this.poweredOff = message.poweredOff;
        this.showCluster(message.cluster);
        if (this.lastView) this.drawView(this.lastView);
        return;
      case 'view':
        this.lastView = message.view as LiveView;
        this.drawView(this.lastView);
        return;
      case 'expiry':
        this.showExpiry(message);
        return;
      case 'ended':
        if (message.reason === 'shutdown') {
          // The server is restarting: the session survives; the close handler reconnects.
          this.setState('The sandbox server is restarting…');
          return;
        }
        this.ended = true;
        this.showBanner(message.message, 'bad');
        this.setState('Session ended');
        this.term.write(`\r\n\x1b[33m${message.message.replace(/[\x00-\x1f]/g, ' ')}\x1b[0m\r\n`);
        return;
      case 'error':
        this.showBanner(message.message, 'bad');
        return;
    }
  }

  private showCluster(cluster: ClusterProgress): void {
    const label = this.info?.provider.simulated ? 'Simulated cluster' : 'Cluster';
    if (this.exercises) this.exercises.ready = cluster.state === 'ready';
    if (cluster.state === 'ready') {
      this.setState(`${label} ready`);
      if (this.banner?.dataset.kind === 'cluster') this.hideBanner();
    } else if (cluster.state === 'failed') {
      this.setState(`${label} failed to start`);
      this.showBanner(`The cluster did not start: ${cluster.error ?? 'unknown error'}`, 'bad', 'cluster', { label: 'Retry', run: () => void this.reset(false) });
    } else {
      const running = [...cluster.steps].reverse().find((s) => s.status === 'running') ?? cluster.steps.at(-1);
      const verb = cluster.state === 'restoring' ? 'Restoring' : cluster.state === 'resetting' ? 'Resetting' : 'Starting';
      this.setState(`${verb} ${label.toLowerCase()}${running ? `: ${running.step}…` : '…'}`);
    }
    if (cluster.notice) this.showBanner(cluster.notice, 'wait', 'notice');
  }

  private showExpiry(message: Extract<ServerControl, { type: 'expiry' }>): void {
    const at = new Date(message.at);
    const when = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    if (message.reason === 'idle') {
      this.showBanner(`Your session ends at ${when} (in about ${Math.ceil(message.secondsLeft / 60)} min) unless you keep working.`, 'wait', 'expiry', {
        label: "I'm still here",
        run: () => {
          void fetch('/api/session/keepalive', { method: 'POST', credentials: 'same-origin' });
          this.control({ type: 'keepalive' });
        },
      });
    } else {
      this.showBanner(`This session reaches its time limit at ${when} (in about ${Math.ceil(message.secondsLeft / 60)} min); the cluster is deleted then.`, 'wait', 'expiry');
    }
  }

  private drawView(view: LiveView): void {
    if (!this.viewRoot) return;
    this.viewRoot.hidden = false;
    renderClusterView(this.viewRoot, view, {
      powerNodes: this.info?.lesson?.nodes ?? [],
      poweredOff: this.poweredOff,
      onPower: (node, on) => void this.power(node, on),
    });
  }

  private async power(node: string, on: boolean): Promise<void> {
    const r = await fetch(`/api/cluster/nodes/${encodeURIComponent(node)}/power`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ on }),
    });
    if (!r.ok) {
      const body = (await r.json().catch(() => ({}))) as { message?: string };
      this.showBanner(body.message ?? `Powering ${node} ${on ? 'on' : 'off'} failed (${r.status})`, 'bad', 'power');
    }
  }

  /** reset asks for a fresh cluster; confirm is false for "Retry" after a failed start (nothing to lose). */
  private async reset(confirm: boolean): Promise<void> {
    if (confirm && !window.confirm('Reset the cluster? Everything you created in it is deleted (your terminal history stays).')) return;
    const r = await fetch('/api/cluster/reset', { method: 'POST', credentials: 'same-origin' });
    if (!r.ok) {
      const body = (await r.json().catch(() => ({}))) as { message?: string };
      this.showBanner(body.message ?? `Reset failed (${r.status})`, 'bad');
    } else if (this.banner?.dataset.kind === 'cluster') {
      this.hideBanner();
    }
  }

  private setState(text: string): void {
    if (this.stateText) this.stateText.textContent = text;
  }

  private showBanner(text: string, tone: 'wait' | 'bad', kind = 'info', action?: { label: string; run: () => void }): void {
    if (!this.banner) return;
    this.banner.hidden = false;
    this.banner.dataset.kind = kind;
    this.banner.dataset.tone = tone;
    const p = document.createElement('span');
    p.textContent = text;
    const parts: HTMLElement[] = [p];
    if (action) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = action.label;
      b.addEventListener('click', () => {
        action.run();
        if (kind === 'expiry') this.hideBanner();
      });
      parts.push(b);
    }
    this.banner.replaceChildren(...parts);
  }

  private hideBanner(): void {
    if (!this.banner) return;
    this.banner.hidden = true;
    this.banner.replaceChildren();
    delete this.banner.dataset.kind;
  }
}

function boot(): void {
  const mount = document.querySelector<HTMLElement>('[data-terminal-mount]');
  const pane = mount?.closest<HTMLElement>('.terminal-pane');
  const lesson = mount?.dataset.lesson;
  if (!mount || !pane || !lesson || !servedBySandbox()) return;
  void new SandboxClient(pane, mount, lesson).start();
}

boot();
