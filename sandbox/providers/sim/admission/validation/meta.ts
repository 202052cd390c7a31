/**
 * meta validates ObjectMeta on create and update, after apimachinery
 * `pkg/api/validation/objectmeta.go` (ValidateObjectMeta,
 * ValidateObjectMetaUpdate) and `pkg/apis/meta/v1/validation` (labels).
 */
import type { ObjectMeta } from '../../store/types.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, type NameValidator } from '../names.ts';
import { type FieldError, at, fieldImmutable, invalid, required, tooLong } from './errors.ts';

/** totalAnnotationSizeLimitB is apimachinery's TotalAnnotationSizeLimitB (256 KiB). */
const totalAnnotationSizeLimitB = 256 * (1 << 10);

/** validateLabels: every key a qualified name, every value a label value. */
export function validateLabels(labels: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    for (const m of isValidLabelValue(String(v))) errs.push(invalid(path, v, m));
  }
  return errs;
}

/** validateAnnotations: keys are qualified names (checked lower-cased), total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    total += k.length + String(v).length;
  }
  if (total > totalAnnotationSizeLimitB) errs.push(tooLong(path, totalAnnotationSizeLimitB));
  return errs;
}

/** validateObjectMeta is ValidateObjectMetaAccessor: name present and valid for the kind, namespace, labels, annotations, owner references, finalizers. */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, nameFn: NameValidator = isDNS1123Subdomain, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    // Prefix names are checked with a trailing '-' masked (maskTrailingDash), since a suffix follows.
    const masked = meta.generateName.length > 1 && meta.generateName.endsWith('-') ? `${meta.generateName.slice(0, -2)}a` : meta.generateName;
    for (const m of nameFn(masked)) errs.push(invalid(at(path, 'generateName'), meta.generateName, m));
  }
  if (!meta.name) {
    errs.push(required(at(path, 'name'), 'name or generateName is required'));
  } else {
    for (const m of nameFn(meta.name)) errs.push(invalid(at(path, 'name'), meta.name, m));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required(at(path, 'namespace'), ''));
    else for (const m of isDNS1123Label(meta.namespace)) errs.push(invalid(at(path, 'namespace'), meta.namespace, m));
  }
  errs.push(...validateLabels(meta.labels, at(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, at(path, 'annotations')));
  (meta.ownerReferences ?? []).forEach((r) => {
    const p = at(path, 'ownerReferences');
    const version = (r.apiVersion ?? '').split('/').pop() ?? '';
    if (!version) errs.push(invalid(at(p, 'apiVersion'), r.apiVersion ?? '', 'version must not be empty'));
    if (!r.kind) errs.push(invalid(at(p, 'kind'), r.kind ?? '', 'kind must not be empty'));
    if (!r.name) errs.push(invalid(at(p, 'name'), r.name ?? '', 'name must not be empty'));
    if (!r.uid) errs.push(invalid(at(p, 'uid'), r.uid ?? '', 'uid must not be empty'));
  });
  // ValidateFinalizers reports on the list path, without an index.
  for (const f of meta.finalizers ?? []) for (const m of isQualifiedName(f)) errs.push(invalid(at(path, 'finalizers'), f, m));
  return errs;
}

/** validateObjectMetaUpdate: name, namespace, uid and creationTimestamp never change. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['name', 'namespace', 'uid'] as const) {
    if ((meta[f] ?? '') !== (old[f] ?? '')) errs.push(invalid(at(path, f), meta[f] ?? '', fieldImmutable));
  }
  errs.push(...validateLabels(meta.labels, at(path, 'labels')));
  errs.push(...validateAnnotations(meta.annotations, at(path, 'annotations')));
  return errs;
}

/** labelSelector is the JSON of a metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** selectorIsEmpty: a selector with no requirements (it would select everything). */
export function selectorIsEmpty(sel: LabelSelector | undefined): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

/** selectorMatches evaluates a LabelSelector against labels (LabelSelectorAsSelector + Matches). */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const vals = r.values ?? [];
    switch (r.operator) {
      case 'In':
        if (!has || !vals.includes(l[r.key])) return false;
        break;
      case 'NotIn':
        if (has && vals.includes(l[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** validateLabelSelector checks a selector's keys, values and operators (metav1 validation.ValidateLabelSelector). */
export function validateLabelSelector(sel: LabelSelector | undefined, path: string): FieldError[] {
  if (!sel) return [];
  const errs: FieldError[] = [];
  errs.push(...validateLabels(sel.matchLabels, at(path, 'matchLabels')));
  (sel.matchExpressions ?? []).forEach((r, i) => {
    const p = `${at(path, 'matchExpressions')}[${i}]`;
    const vals = r.values ?? [];
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (vals.length === 0) errs.push(required(at(p, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\''));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (vals.length > 0) errs.push({ type: 'Forbidden', field: at(p, 'values'), detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
        break;
      default:
        errs.push(invalid(at(p, 'operator'), r.operator, 'not a valid selector operator'));
    }
    for (const m of isQualifiedName(r.key ?? '')) errs.push(invalid(at(p, 'key'), r.key ?? '', m));
  });
  return errs;
}


