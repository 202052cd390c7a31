/**
 * report renders check results for people (text), programs (json) and CI
 * systems (JUnit XML, the format Jenkins, GitLab and GitHub test reporters
 * read). The CLI prints these; the page shows the same results as HTML.
 */
import type { CheckResult } from './types.ts';

/** ExerciseReport is the results of one exercise. */
export interface ExerciseReport {
  lesson: string;
  exercise: string;
  title: string;
  passed: boolean;
  results: CheckResult[];
}

export type ReportFormat = 'text' | 'json' | 'junit';

export function renderText(reports: ExerciseReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.passed ? 'PASS' : 'FAIL'}  ${r.lesson}/${r.exercise}  ${r.title}`);
    for (const c of r.results) {
      lines.push(`  ${c.status === 'pass' ? '✓' : c.status === 'fail' ? '✗' : '!'} ${c.id}: ${c.title}`);
      if (c.status !== 'pass') {
        lines.push(`      ${c.detail}`);
        for (const field of Object.keys(c.expected ?? {})) lines.push(`      ${field}: expected ${c.expected![field]}, found ${c.actual?.[field] ?? '(none)'}`);
        if (c.hint) lines.push(`      hint: ${c.hint}`);
      }
    }
  }
  const total = reports.flatMap((r) => r.results);
  const pass = total.filter((c) => c.status === 'pass').length;
  lines.push('', `${pass} passed, ${total.length - pass} failed (${reports.filter((r) => r.passed).length}/${reports.length} exercises complete)`);
  return lines.join('\n') + '\n';
}

export function renderJson(reports: ExerciseReport[]): string {
  return JSON.stringify({ passed: reports.every((r) => r.passed), exercises: reports }, null, 2) + '\n';
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** renderJunit writes one <testsuite> per exercise and one <testcase> per check. */
export function renderJunit(reports: ExerciseReport[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = reports.flatMap((r) => r.results);
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  out.push(
    `<testsuites name="kslab" tests="${all.length}" failures="${all.filter((c) => c.status === 'fail').length}" errors="${all.filter((c) => c.status === 'error').length}" time="${secs(all.reduce((s, c) => s + c.ms, 0))}">`,
  );
  for (const r of reports) {
    const fails = r.results.filter((c) => c.status === 'fail').length;
    const errors = r.results.filter((c) => c.status === 'error').length;
    out.push(`  <testsuite name="${xml(`${r.lesson}/${r.exercise}`)}" tests="${r.results.length}" failures="${fails}" errors="${errors}" time="${secs(r.results.reduce((s, c) => s + c.ms, 0))}">`);
    for (const c of r.results) {
      const head = `    <testcase classname="${xml(`${r.lesson}.${r.exercise}`)}" name="${xml(`${c.id}: ${c.title}`)}" time="${secs(c.ms)}"`;
      if (c.status === 'pass') {
        out.push(`${head}/>`);
        continue;
      }
      const body = [c.detail, ...Object.keys(c.expected ?? {}).map((f) => `${f}: expected ${c.expected![f]}, found ${c.actual?.[f] ?? '(none)'}`), c.hint ? `hint: ${c.hint}` : ''].filter(Boolean).join('\n');
      const tag = c.status === 'fail' ? 'failure' : 'error';
      out.push(`${head}>`, `      <${tag} message="${xml(c.detail)}" type="${c.status}">${xml(body)}</${tag}>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

export function render(format: ReportFormat, reports: ExerciseReport[]): string {
  return format === 'json' ? renderJson(reports) : format === 'junit' ? renderJunit(reports) : renderText(reports);
}
