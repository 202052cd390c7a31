/**
 * exercises-progress mirrors the learner's exercise progress in the browser
 * (the server keeps the record; DESIGN.md "Sessions, workshops, progress")
 * and marks it where the learner navigates: the lesson's table of
 * contents, and the lesson cards on the home page.
 */
const KEY = 'kslab:progress';

/** ProgressMap: lesson id → exercise id → 'pass' | 'fail'. */
export type ProgressMap = Record<string, Record<string, 'pass' | 'fail'>>;

export function readProgress(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ProgressMap {
  try {
    const parsed = JSON.parse(storage?.getItem(KEY) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as ProgressMap) : {};
  } catch {
    return {};
  }
}

/** mergeProgress adds results; a pass is never downgraded (later work may change what an earlier check sees). */
export function mergeProgress(map: ProgressMap, lesson: string, exercise: string, status: 'pass' | 'fail'): ProgressMap {
  const before = map[lesson]?.[exercise];
  if (before === 'pass' && status !== 'pass') return map;
  return { ...map, [lesson]: { ...map[lesson], [exercise]: status } };
}

export function writeProgress(map: ProgressMap, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(KEY, JSON.stringify(map));
  } catch {
    /* private mode: progress stays on the server only */
  }
}

/** fromServer turns GET /api/session's progress entries into a ProgressMap. */
export function fromServer(entries: { lesson: string; exercise: string; status: string }[]): ProgressMap {
  let map: ProgressMap = {};
  for (const e of entries) if (e.exercise && (e.status === 'pass' || e.status === 'fail')) map = mergeProgress(map, e.lesson, e.exercise, e.status);
  return map;
}

/** markTableOfContents marks each exercise link (#exercise-<id>) of the lesson page as done. */
export function markTableOfContents(root: ParentNode, done: Record<string, 'pass' | 'fail'>): void {
  for (const a of root.querySelectorAll<HTMLAnchorElement>('.toc a[href^="#exercise-"]')) {
    const id = a.getAttribute('href')!.slice('#exercise-'.length);
    const passed = done[id] === 'pass';
    a.dataset.progress = passed ? 'pass' : '';
    let mark = a.querySelector<HTMLElement>('.progress-mark');
    if (passed && !mark) {
      mark = document.createElement('span');
      mark.className = 'progress-mark';
      mark.textContent = ' ✓';
      mark.setAttribute('aria-label', '(done)');
      a.append(mark);
    } else if (!passed && mark) {
      mark.remove();
    }
  }
}

/** markHomePage marks each lesson card ([data-lesson-progress=<id>] with data-exercise-count) with "n of m done". */
export function markHomePage(root: ParentNode, map: ProgressMap): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-lesson-progress]')) {
    const lesson = el.dataset.lessonProgress!;
    const total = Number(el.dataset.exerciseCount ?? 0);
    const done = Object.values(map[lesson] ?? {}).filter((s) => s === 'pass').length;
    el.textContent = total === 0 ? '' : done >= total ? `✓ all ${total} done` : done > 0 ? `${done} of ${total} done` : '';
    el.dataset.state = done >= total && total > 0 ? 'complete' : done > 0 ? 'started' : 'none';
  }
}
