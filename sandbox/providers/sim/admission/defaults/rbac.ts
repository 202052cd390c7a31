/**
 * rbac defaults: kubernetes pkg/apis/rbac/v1/defaults.go — bindings default
 * roleRef.apiGroup, and User/Group subjects default apiGroup to
 * rbac.authorization.k8s.io.
 */
import type { KObject } from '../../store/types.ts';

type Obj = Record<string, any>;

export function defaultBinding(b: KObject): void {
  const o = b as Obj;
  if (o.roleRef && !o.roleRef.apiGroup) o.roleRef.apiGroup = 'rbac.authorization.k8s.io';
  for (const s of (o.subjects ?? []) as Obj[]) {
    if (!s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = 'rbac.authorization.k8s.io';
  }
}
