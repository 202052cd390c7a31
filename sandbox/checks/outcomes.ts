/**
 * Outcome builders for checks: pass, fail with a hint, and field
 * comparisons that report expected vs actual for exactly the fields that
 * differ, so a learner sees "storageClassName: expected nfs, found standard".
 */
import type { Check, CheckOutcome } from './types.ts';
import type { ClusterView } from './cluster-view.ts';

/** check declares a check. */
export function check(id: string, title: string, run: (view: ClusterView) => Promise<CheckOutcome>): Check {
  return { id, title, run };
}

export function pass(detail: string): CheckOutcome {
  return { status: 'pass', detail };
}

export function fail(detail: string, hint: string, expected?: Record<string, string>, actual?: Record<string, string>): CheckOutcome {
  return { status: 'fail', detail, hint, ...(expected ? { expected } : {}), ...(actual ? { actual } : {}) };
}

/** FieldRule compares one field; hint names the mistake when it differs. */
export interface FieldRule {
  field: string;
  expected: string;
  actual: string | undefined;
  /** matches decides equality (default: expected === actual). */
  matches?: (actual: string | undefined) => boolean;
  hint: string;
}

/** show renders a value for expected/actual ("(none)" for a missing field). */
export function show(value: unknown): string {
  if (value === undefined || value === null || value === '') return '(none)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(none)';
  return String(value);
}

/**
 * compareFields passes when every rule matches; otherwise it fails with the
 * hint of the first rule that differs and expected/actual of all that differ.
 */
export function compareFields(what: string, rules: FieldRule[]): CheckOutcome {
  const bad = rules.filter((r) => !(r.matches ? r.matches(r.actual) : r.actual === r.expected));
  if (bad.length === 0) return pass(`${what}: ${rules.map((r) => `${r.field} ${show(r.actual)}`).join(', ')}`);
  const expected: Record<string, string> = {};
  const actual: Record<string, string> = {};
  for (const r of bad) {
    expected[r.field] = r.expected;
    actual[r.field] = show(r.actual);
  }
  return fail(
    `${what}: ${bad.map((r) => `${r.field} is ${show(r.actual)}, expected ${r.expected}`).join('; ')}`,
    bad.map((r) => r.hint).join(' '),
    expected,
    actual,
  );
}

/** missing is the failure for an object that does not exist. */
export function missing(what: string, hint: string): CheckOutcome {
  return fail(`${what} does not exist`, hint, { exists: 'yes' }, { exists: 'no' });
}

/** quantityBytes parses a Kubernetes quantity ("1Gi", "500M", "1073741824") into bytes. */
export function quantityBytes(q: string | undefined): number | undefined {
  if (!q) return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E|m)?$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const mult: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3 };
  return n * (m[2] ? mult[m[2]]! : 1);
}

/** sameQuantity compares two quantities by value (1Gi == 1073741824). */
export function sameQuantity(a: string | undefined, b: string | undefined): boolean {
  const x = quantityBytes(a);
  return x !== undefined && x === quantityBytes(b);
}
