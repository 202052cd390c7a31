/**
 * Workload lookups for checks: the pods a Deployment owns, found through the
 * Deployment's own spec.selector the way `kubectl exec deploy/NAME` and
 * `kubectl logs deploy/NAME` find them, so a learner's Deployment passes
 * whatever labels it uses (app=mysql, app.kubernetes.io/name=mysql, ...).
 */
import type { V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import type { ClusterView } from './cluster-view.ts';
import { newestReady } from './steps.ts';

/**
 * selects says whether a label selector selects a set of labels, with the
 * semantics of metav1.LabelSelectorAsSelector: every matchLabels pair and
 * every matchExpressions requirement must hold; an empty selector selects
 * nothing here (a Deployment's selector is never empty: apps/v1 validation).
 * https://github.com/kubernetes/apimachinery/blob/master/pkg/apis/meta/v1/helpers.go
 */
export function selects(selector: V1LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  const pairs = Object.entries(selector?.matchLabels ?? {});
  const exprs = selector?.matchExpressions ?? [];
  if (pairs.length === 0 && exprs.length === 0) return false;
  if (!pairs.every(([k, v]) => l[k] === v)) return false;
  return exprs.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(l[e.key]!);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(l[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/**
 * deploymentPods lists the pods Deployment `name` owns (none when it does not exist): pods its selector selects
 * whose owner is one of the Deployment's ReplicaSets, so a bare pod or another workload that happens to carry the
 * same labels is not taken for the Deployment's pod.
 */
export async function deploymentPods(view: ClusterView, namespace: string, name: string): Promise<V1Pod[]> {
  const d = await view.deployment(namespace, name);
  if (!d) return [];
  const sets = (await view.apps.listNamespacedReplicaSet({ namespace })).items.filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid));
  const owners = new Set(sets.map((rs) => rs.metadata?.uid));
  return (await view.pods(namespace)).filter((p) => selects(d.spec?.selector, p.metadata?.labels) && p.metadata?.ownerReferences?.some((o) => owners.has(o.uid)));
}

/** deploymentReadyPod is the ready pod of Deployment `name` (the newest when several), as `kubectl exec deploy/NAME` would pick a running one. */
export async function deploymentReadyPod(view: ClusterView, namespace: string, name: string): Promise<V1Pod | undefined> {
  return newestReady(await deploymentPods(view, namespace, name));
}

/** NamespacedKind is a kind of object a learner may create in the wrong namespace. */
export type NamespacedKind = 'Deployment' | 'Pod' | 'PersistentVolumeClaim' | 'Secret' | 'ConfigMap';

/**
 * namespacesHolding lists the namespaces other than `except` that hold an object of `kind` named `name`, so a
 * check that finds nothing where the lesson says can tell a learner who made it in another namespace. A
 * kubeconfig that may not list across namespaces gets [] (the check only loses that extra hint).
 */
export async function namespacesHolding(view: ClusterView, kind: NamespacedKind, name: string, except: string): Promise<string[]> {
  const fieldSelector = `metadata.name=${name}`;
  const list = async (): Promise<{ metadata?: { namespace?: string } }[]> => {
    switch (kind) {
      case 'Deployment':
        return (await view.apps.listDeploymentForAllNamespaces({ fieldSelector })).items;
      case 'Pod':
        return (await view.core.listPodForAllNamespaces({ fieldSelector })).items;
      case 'PersistentVolumeClaim':
        return (await view.core.listPersistentVolumeClaimForAllNamespaces({ fieldSelector })).items;
      case 'Secret':
        return (await view.core.listSecretForAllNamespaces({ fieldSelector })).items;
      case 'ConfigMap':
        return (await view.core.listConfigMapForAllNamespaces({ fieldSelector })).items;
    }
  };
  const items = await list().catch(() => []);
  return items.map((o) => o.metadata?.namespace).filter((ns): ns is string => !!ns && ns !== except);
}

/** wrongNamespaceHint says where an object was made instead of `expected`, or gives `otherwise` when it exists nowhere. */
export async function wrongNamespaceHint(view: ClusterView, kind: 'Deployment' | 'Pod', name: string, expected: string, otherwise: string): Promise<string> {
  const other = await namespacesHolding(view, kind, name, expected);
  if (!other.length) return otherwise;
  return `${kind} ${name} exists in namespace ${other.join(', ')}, not in ${expected}, where this exercise (and its check) looks. Create it in ${expected} (kubectl apply -n ${expected} -f …, or leave out -n and namespace:) and delete the other one.`;
}
