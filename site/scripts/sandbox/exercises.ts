/**
 * exercises mounts the Check / Solve / Set up from here / Reset buttons
 * into each exercise's `data-exercise-panel` slot on a lesson page served by
 * `kslab serve`, shows per-check results (expected vs actual and the hint),
 * keeps progress marks, and re-checks by itself (debounced) while the
 * learner works in the terminal, so a passing exercise lights up without a
 * click. The grading happens on the server (the same engine as `kslab check`).
 */
import { fromServer, markTableOfContents, mergeProgress, readProgress, writeProgress, type ProgressMap } from './exercises-progress.ts';
import { installExerciseStyles } from './exercises-style.ts';

interface CheckResult {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'error';
  detail: string;
  hint?: string;
  expected?: Record<string, string>;
  actual?: Record<string, string>;
}
interface ExerciseReport {
  passed: boolean;
  results: CheckResult[];
}

/** AUTO_CHECK_QUIET_MS: re-check this long after the terminal went quiet. */
export const AUTO_CHECK_QUIET_MS = 2500;
/** AUTO_CHECK_MIN_GAP_MS: never auto-check one exercise more often than this. */
export const AUTO_CHECK_MIN_GAP_MS = 5000;

/** nextToAutoCheck picks the exercise the learner is on: the first one on the page not passed yet. */
export function nextToAutoCheck(order: string[], progress: Record<string, 'pass' | 'fail'>): string | undefined {
  return order.find((id) => progress[id] !== 'pass');
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** renderResults draws one list item per check. */
export function renderResults(list: HTMLElement, report: ExerciseReport): void {
  list.replaceChildren(
    ...report.results.map((r) => {
      const li = el('li', 'check-result');
      li.dataset.status = r.status;
      li.dataset.check = r.id;
      const head = el('div', 'check-result__head');
      head.append(el('span', 'check-result__status', r.status === 'pass' ? '✓ pass' : r.status === 'fail' ? '✗ fail' : '! error'), el('span', 'check-result__title', r.title));
      li.append(head);
      if (r.status !== 'pass') {
        li.append(el('p', 'check-result__detail', r.detail));
        const fields = Object.keys(r.expected ?? {});
        if (fields.length) {
          const table = el('table', 'check-result__diff');
          const headRow = el('tr', '');
          headRow.append(el('th', '', 'field'), el('th', '', 'expected'), el('th', '', 'found'));
          table.append(headRow);
          for (const f of fields) {
            const row = el('tr', '');
            row.append(el('td', '', f), el('td', '', r.expected![f]!), el('td', '', r.actual?.[f] ?? '(none)'));
            table.append(row);
          }
          li.append(table);
        }
        if (r.hint) li.append(el('p', 'check-result__hint', `Hint: ${r.hint}`));
      }
      return li;
    }),
  );
}

class ExercisePanel {
  readonly results = el('ul', 'exercise-panel__results');
  readonly status = el('span', 'exercise-panel__status');
  private busy = false;
  lastCheck = 0;

  constructor(
    readonly id: string,
    private readonly root: HTMLElement,
    private readonly owner: ExercisePanels,
  ) {
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    this.results.setAttribute('aria-label', 'Check results');
    const actions = el('div', 'exercise-panel__actions');
    const button = (label: string, run: () => Promise<void>, title: string) => {
      const b = el('button', 'exercise-panel__button', label);
      b.type = 'button';
      b.title = title;
      b.addEventListener('click', () => void this.exclusive(run));
      return b;
    };
    actions.append(
      button('Check', () => this.check(false), 'Run this exercise\'s checks against your cluster'),
      button('Solve', () => this.solve('solve'), 'Apply the reference solution of this exercise'),
      button('Set up from here', () => this.solve('setup'), 'Apply the solutions of the earlier exercises, so you can start here'),
      button('Reset this exercise', () => this.solve('reset'), 'Give you a fresh cluster with the earlier exercises done'),
      this.status,
    );
    root.replaceChildren(actions, this.results);
    root.classList.add('exercise-panel');
  }

  private async exclusive(run: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.root.dataset.busy = 'true';
    try {
      await run();
    } finally {
      this.busy = false;
      delete this.root.dataset.busy;
    }
  }

  get isBusy(): boolean {
    return this.busy;
  }

  async check(auto: boolean): Promise<void> {
    this.lastCheck = Date.now();
    if (!auto) this.status.textContent = 'Checking…';
    const r = await this.owner.post(`check`, this.id);
    if (!r.ok) {
      if (!auto) this.status.textContent = r.message;
      return;
    }
    const report = r.body as ExerciseReport;
    renderResults(this.results, report);
    this.root.dataset.status = report.passed ? 'pass' : 'fail';
    // checks counts rendered results, so a watcher (or a test) can tell a new result from the last one.
    this.root.dataset.checks = String(Number(this.root.dataset.checks ?? 0) + 1);
    const passedCount = report.results.filter((x) => x.status === 'pass').length;
    this.status.textContent = report.passed ? 'All checks pass' : `${passedCount} of ${report.results.length} checks pass`;
    this.owner.record(this.id, report.passed ? 'pass' : 'fail');
  }

  check_auto(): Promise<void> {
    return this.exclusive(() => this.check(true));
  }

  async solve(mode: 'solve' | 'setup' | 'reset'): Promise<void> {
    if (mode === 'reset' && !window.confirm('Reset gives you a fresh cluster with the earlier exercises done for you. Everything else in your cluster is lost. Continue?')) return;
    this.status.textContent = mode === 'solve' ? 'Applying the solution…' : mode === 'setup' ? 'Setting up the earlier exercises…' : 'Resetting…';
    const r = await this.owner.post('solve', this.id, { mode });
    this.status.textContent = r.ok ? (mode === 'solve' ? 'Solution applied' : 'Ready for this exercise') : r.message;
    if (r.ok && mode === 'solve') await this.check(false);
  }
}

/** ExercisePanels is every panel of one lesson page. */
export class ExercisePanels {
  private readonly panels: ExercisePanel[] = [];
  private progress: ProgressMap = readProgress();
  private timer: ReturnType<typeof setTimeout> | undefined;
  ready = false;

  constructor(private readonly lesson: string) {
    installExerciseStyles();
    for (const slot of document.querySelectorAll<HTMLElement>('[data-exercise-panel]')) {
      this.panels.push(new ExercisePanel(slot.dataset.exercisePanel!, slot, this));
    }
    this.showMarks();
  }

  async post(action: 'check' | 'solve', exercise: string, body?: unknown): Promise<{ ok: true; body: unknown } | { ok: false; message: string }> {
    try {
      const r = await fetch(`/api/lessons/${encodeURIComponent(this.lesson)}/exercises/${encodeURIComponent(exercise)}/${action}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? '' : JSON.stringify(body),
        credentials: 'same-origin',
      });
      const json = (await r.json().catch(() => ({}))) as { message?: string };
      if (!r.ok) return { ok: false, message: json.message ?? `the sandbox answered ${r.status}` };
      return { ok: true, body: json };
    } catch (e) {
      return { ok: false, message: `could not reach the sandbox: ${(e as Error).message}` };
    }
  }

  /** loadServerProgress merges the server's record (GET /api/session) into the browser's mirror. */
  loadServerProgress(entries: { lesson: string; exercise: string; status: string }[]): void {
    const server = fromServer(entries);
    for (const [lesson, exercises] of Object.entries(server)) {
      for (const [exercise, status] of Object.entries(exercises)) this.progress = mergeProgress(this.progress, lesson, exercise, status);
    }
    writeProgress(this.progress);
    this.showMarks();
  }

  record(exercise: string, status: 'pass' | 'fail'): void {
    this.progress = mergeProgress(this.progress, this.lesson, exercise, status);
    writeProgress(this.progress);
    this.showMarks();
  }

  private showMarks(): void {
    const done = this.progress[this.lesson] ?? {};
    markTableOfContents(document, done);
    for (const p of this.panels) {
      const section = document.getElementById(`exercise-${p.id}`);
      if (section) section.dataset.progress = done[p.id] === 'pass' ? 'pass' : '';
    }
  }

  /** activity is called when the terminal shows output; once it is quiet, the current exercise is re-checked. */
  activity(): void {
    if (!this.ready) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.autoCheck(), AUTO_CHECK_QUIET_MS);
  }

  private async autoCheck(): Promise<void> {
    if (document.visibilityState === 'hidden') return;
    const id = nextToAutoCheck(
      this.panels.map((p) => p.id),
      this.progress[this.lesson] ?? {},
    );
    const panel = this.panels.find((p) => p.id === id);
    if (!panel || panel.isBusy || Date.now() - panel.lastCheck < AUTO_CHECK_MIN_GAP_MS) return;
    await panel.check_auto();
  }
}

/** mountExercisePanels starts the panels of a lesson page (undefined when the page has no exercises). */
export function mountExercisePanels(lesson: string): ExercisePanels | undefined {
  if (!document.querySelector('[data-exercise-panel]')) return undefined;
  return new ExercisePanels(lesson);
}
