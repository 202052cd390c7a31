/** installExerciseStyles adds the exercise panel's styles once (the panel only exists on pages served by the sandbox). */
const css = `
.exercise-panel { margin: 0.75rem 0 0.5rem; }
.exercise-panel__actions { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
.exercise-panel__button { font: inherit; font-size: 0.85rem; padding: 0.25rem 0.7rem; border: 1px solid var(--border-strong, #cbd5e1); border-radius: 6px; background: #fff; cursor: pointer; }
.exercise-panel__button:first-child { background: var(--accent, #1d4ed8); border-color: var(--accent, #1d4ed8); color: #fff; }
.exercise-panel[data-busy] .exercise-panel__button { opacity: 0.6; cursor: progress; }
.exercise-panel__status { font-size: 0.85rem; color: var(--text-muted, #64748b); }
.exercise-panel__results { list-style: none; margin: 0.6rem 0 0; padding: 0; }
.check-result { margin: 0.35rem 0; padding: 0.4rem 0.6rem; border-left: 3px solid var(--border-strong, #cbd5e1); background: #fff; border-radius: 4px; font-size: 0.9rem; }
.check-result[data-status="pass"] { border-color: var(--green, #15803d); }
.check-result[data-status="fail"] { border-color: #b91c1c; }
.check-result[data-status="error"] { border-color: var(--amber, #b45309); }
.check-result__head { display: flex; gap: 0.5rem; }
.check-result__status { font-weight: 650; white-space: nowrap; }
.check-result[data-status="pass"] .check-result__status { color: var(--green, #15803d); }
.check-result[data-status="fail"] .check-result__status { color: #b91c1c; }
.check-result__detail, .check-result__hint { margin: 0.3rem 0 0; }
.check-result__hint { color: #7c2d12; }
.check-result__diff { margin-top: 0.3rem; border-collapse: collapse; font-size: 0.82rem; }
.check-result__diff th, .check-result__diff td { border: 1px solid var(--border, #e2e8f0); padding: 0.15rem 0.4rem; text-align: left; font-family: var(--font-mono, monospace); }
.exercise[data-progress="pass"] { border-color: var(--green, #15803d); background: var(--green-soft, #dcfce7); }
.exercise[data-progress="pass"] .exercise__number::after { content: " · done ✓"; color: var(--green, #15803d); }
.toc a[data-progress="pass"] .progress-mark { color: var(--green, #15803d); }
`;

export function installExerciseStyles(): void {
  if (document.getElementById('kslab-exercise-styles')) return;
  const style = document.createElement('style');
  style.id = 'kslab-exercise-styles';
  style.textContent = css;
  document.head.append(style);
}
