/**
 * errors: constructors for field errors, mirroring apimachinery
 * `pkg/util/validation/field/errors.go` (Required, Invalid, NotSupported,
 * Forbidden, Duplicate, NotFound, TooLong), plus the Go `%#v` rendering
 * kube-apiserver 1.33 uses for values that are neither strings nor numbers.
 * (JSON rendering of such values only arrived in 1.34, kubernetes#132314.)
 */
import type { FieldError } from '../../api/status.ts';

export type { FieldError };

export const required = (field: string, detail = ''): FieldError => ({ type: 'Required', field, detail: detail || undefined });
export const invalid = (field: string, value: unknown, detail: string, rendered?: string): FieldError => ({ type: 'Invalid', field, value, detail, rendered });
export const forbidden = (field: string, detail: string): FieldError => ({ type: 'Forbidden', field, detail });
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'Duplicate', field, value });
export const notFound = (field: string, value: unknown): FieldError => ({ type: 'NotFound', field, value });
export const notSupported = (field: string, value: unknown, supported: string[], rendered?: string): FieldError => ({
  type: 'NotSupported',
  field,
  value,
  supported,
  rendered,
});
/** tooLong: `Too long: may not be more than N bytes` (the value is omitted, as in Go). */
export const tooLong = (field: string, max: number): FieldError => ({ type: 'TooLong', field, detail: `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` });

/** fieldImmutable is apimachinery's FieldImmutableErrorMsg. */
export const fieldImmutable = 'field is immutable';
/** isNegativeErrorMsg is apimachinery's IsNegativeErrorMsg. */
export const isNegativeErrorMsg = 'must be greater than or equal to 0';

/** goString quotes like Go's %q / %#v for strings. */
export function goString(s: string): string {
  return JSON.stringify(s);
}

/** goStringMap renders a map[string]string like Go's %#v: keys sorted, `map[string]string{"a":"b", "c":"d"}`. */
export function goStringMap(m: Record<string, string> | undefined, typeName = 'map[string]string'): string {
  if (!m) return `${typeName}(nil)`;
  const keys = Object.keys(m).sort();
  return `${typeName}{${keys.map((k) => `${goString(k)}:${goString(m[k])}`).join(', ')}}`;
}

/** goStringSlice renders a []string like Go's %#v: `[]string{"a", "b"}` or `[]string(nil)`. */
export function goStringSlice(a: string[] | undefined, typeName = '[]string'): string {
  if (!a) return `${typeName}(nil)`;
  return `${typeName}{${a.map(goString).join(', ')}}`;
}

interface LabelSelectorJSON {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * goLabelSelector renders a *metav1.LabelSelector the way 1.33 prints it in
 * `spec.selector: Invalid value: v1.LabelSelector{…}: field is immutable`
 * (the pointer is dereferenced; the value has no String method, so `%#v`).
 */
export function goLabelSelector(sel: LabelSelectorJSON | undefined): string {
  if (!sel) return 'null';
  const ml = sel.matchLabels ? goStringMap(sel.matchLabels) : 'map[string]string(nil)';
  const me = sel.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((r) => `v1.LabelSelectorRequirement{Key:${goString(r.key)}, Operator:${goString(r.operator)}, Values:${goStringSlice(r.values)}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
}

/** path helpers build field paths the way field.Path.String does: `spec.volumes[0].name`, `spec.resources[storage]`. */
export const at = (base: string, child: string): string => (base ? `${base}.${child}` : child);
export const idx = (base: string, i: number): string => `${base}[${i}]`;
export const key = (base: string, k: string): string => `${base}[${k}]`;
