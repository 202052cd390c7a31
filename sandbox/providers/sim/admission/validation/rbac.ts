/**
 * rbac validation, after kubernetes pkg/apis/rbac/validation/validation.go:
 * names are path segments (ValidateRBACName), rules need verbs and either
 * apiGroups+resources or nonResourceURLs, bindings need a valid roleRef that
 * never changes and well-formed subjects.
 */
import type { KObject } from '../../store/types.ts';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../names.ts';
import { type FieldError, at, idx, invalid, notSupported, required } from './errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

type Obj = Record<string, any>;

const rbacGroup = 'rbac.authorization.k8s.io';

function goStrings(a: string[]): string {
  return `[]string{${a.map((x) => JSON.stringify(x)).join(', ')}}`;
}

/** validatePolicyRule is ValidatePolicyRule. */
function validatePolicyRule(r: Obj, namespaced: boolean, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!(r.verbs ?? []).length) errs.push(required(at(p, 'verbs'), 'verbs must contain at least one value'));
  const urls = (r.nonResourceURLs ?? []) as string[];
  if (urls.length) {
    if (namespaced) errs.push(invalid(at(p, 'nonResourceURLs'), null, 'namespaced rules cannot apply to non-resource URLs', goStrings(urls)));
    if ((r.apiGroups ?? []).length || (r.resources ?? []).length || (r.resourceNames ?? []).length)
      errs.push(invalid(at(p, 'nonResourceURLs'), null, 'rules cannot apply to both regular resources and non-resource URLs', goStrings(urls)));
    return errs;
  }
  if (!(r.apiGroups ?? []).length) errs.push(required(at(p, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (!(r.resources ?? []).length) errs.push(required(at(p, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRole(role: KObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(role.metadata, namespaced, isValidPathSegmentName);
  (((role as Obj).rules ?? []) as Obj[]).forEach((r, i) => errs.push(...validatePolicyRule(r, namespaced, idx('rules', i))));
  return errs;
}

/** validateSubject is ValidateRoleBindingSubject. */
function validateSubject(s: Obj, namespaced: boolean, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(at(p, 'name')));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of isDNS1123Subdomain(s.name)) errs.push(invalid(at(p, 'name'), s.name, m));
      if (s.apiGroup) errs.push(notSupported(at(p, 'apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(at(p, 'namespace')));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== rbacGroup) errs.push(notSupported(at(p, 'apiGroup'), s.apiGroup ?? '', [rbacGroup]));
      break;
    default:
      errs.push(notSupported(at(p, 'kind'), s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

export function validateBinding(b: KObject, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(b.metadata, namespaced, isValidPathSegmentName);
  const ref = ((b as Obj).roleRef ?? {}) as Obj;
  if (ref.apiGroup !== rbacGroup) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [rbacGroup]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  else for (const m of isValidPathSegmentName(ref.name)) errs.push(invalid('roleRef.name', ref.name, m));
  (((b as Obj).subjects ?? []) as Obj[]).forEach((s, i) => errs.push(...validateSubject(s, namespaced, idx('subjects', i))));
  return errs;
}

/** validateBindingUpdate: the binding again, the metadata rules, then roleRef frozen. */
export function validateBindingUpdate(b: KObject, old: KObject, namespaced: boolean): FieldError[] {
  const errs = [...validateBinding(b, namespaced).filter((e) => !e.field.startsWith('metadata.')), ...validateObjectMetaUpdate(b.metadata, old.metadata)];
  const a = ((b as Obj).roleRef ?? {}) as Obj;
  const o = ((old as Obj).roleRef ?? {}) as Obj;
  if (a.apiGroup !== o.apiGroup || a.kind !== o.kind || a.name !== o.name) {
    const rendered = `rbac.RoleRef{APIGroup:${JSON.stringify(a.apiGroup ?? '')}, Kind:${JSON.stringify(a.kind ?? '')}, Name:${JSON.stringify(a.name ?? '')}}`;
    errs.push(invalid('roleRef', null, 'cannot change roleRef', rendered));
  }
  return errs;
}
