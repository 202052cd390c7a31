/**
 * NamespaceLifecycle, after k8s.io/apiserver
 * pkg/admission/plugin/namespace/lifecycle/admission.go: the immortal
 * namespaces can't be deleted; nothing can be created in a namespace that
 * doesn't exist or is being terminated.
 */
import { forbidden, notFound } from '../../api/status.ts';
import type { AdmissionRequest } from '../types.ts';

/** immortalNamespaces: metav1.NamespaceDefault, NamespaceSystem, NamespacePublic. */
export const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(req: AdmissionRequest): void {
  const gr = { group: req.resource.group, resource: req.resource.plural };
  if (req.operation === 'DELETE' && req.resource.group === '' && req.resource.kind === 'Namespace' && immortalNamespaces.has(req.name)) {
    throw forbidden(gr, req.name, 'this namespace may not be deleted');
  }
  if (req.operation !== 'CREATE' || !req.resource.namespaced || !req.namespace) return;
  const ns = req.store.get({ group: '', resource: 'namespaces' }, '', req.namespace);
  if (!ns) throw notFound({ group: '', resource: 'namespaces' }, req.namespace);
  const phase = (ns.status as { phase?: string } | undefined)?.phase;
  if (phase === 'Terminating' || ns.metadata.deletionTimestamp) {
    throw forbidden(gr, req.name, `unable to create new content in namespace ${req.namespace} because it is being terminated`);
  }
}
