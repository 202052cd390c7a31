/**
 * rbac validation, lightly, after kubernetes pkg/apis/rbac/validation/validation.go:
 * names are path segments, rules need verbs, bindings need a valid roleRef
 * that never changes. Messages here are marked where not verified.
 */
import type { KObject } from '../../store/types.ts';
import { isValidPathSegmentName } from '../names.ts';
import { type FieldError, at, idx, invalid, notSupported, required } from './errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

type Obj = Record<string, any>;

function validateRules(rules: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  (rules ?? []).forEach((r, i) => {
    const p = idx(path, i);
    if (!(r.verbs ?? []).length) errs.push(required(at(p, 'verbs'), 'verbs must contain at least one value'));
    if ((r.nonResourceURLs ?? []).length === 0 && (r.apiGroups ?? []).length === 0)
      // wording not verified
      errs.push(required(at(p, 'apiGroups'), 'resource rules must supply at least one api group'));
  });
  return errs;
}

export function validateRole(role: KObject, namespaced: boolean): FieldError[] {
  return [...validateObjectMeta(role.metadata, namespaced, isValidPathSegmentName), ...validateRules((role as Obj).rules, 'rules')];
}

const subjectKinds = ['ServiceAccount', 'User', 'Group'];

export function validateBinding(b: KObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(b.metadata, namespaced, isValidPathSegmentName);
  const ref = ((b as Obj).roleRef ?? {}) as Obj;
  if (ref.apiGroup !== 'rbac.authorization.k8s.io') errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', ['rbac.authorization.k8s.io']));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  (((b as Obj).subjects ?? []) as Obj[]).forEach((s, i) => {
    const p = idx('subjects', i);
    if (!s.name) errs.push(required(at(p, 'name')));
    if (!subjectKinds.includes(s.kind)) errs.push(notSupported(at(p, 'kind'), s.kind ?? '', subjectKinds));
    if (s.kind === 'ServiceAccount' && !s.namespace && !namespaced) errs.push(required(at(p, 'namespace')));
  });
  return errs;
}

export function validateBindingUpdate(b: KObject, old: KObject, namespaced: boolean): FieldError[] {
  const errs = [...validateObjectMetaUpdate(b.metadata, old.metadata), ...validateBinding(b, namespaced)];
  const a = ((b as Obj).roleRef ?? {}) as Obj;
  const o = ((old as Obj).roleRef ?? {}) as Obj;
  if (a.apiGroup !== o.apiGroup || a.kind !== o.kind || a.name !== o.name) {
    const rendered = `rbac.RoleRef{APIGroup:${JSON.stringify(a.apiGroup ?? '')}, Kind:${JSON.stringify(a.kind ?? '')}, Name:${JSON.stringify(a.name ?? '')}}`;
    errs.push(invalid('roleRef', null, 'cannot change roleRef', rendered));
  }
  return errs;
}
