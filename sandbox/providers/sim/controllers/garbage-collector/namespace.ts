/**
 * NamespaceController is pkg/controller/namespace (namespace_controller.go,
 * deletion/namespaced_resources_deleter.go): a namespace with a
 * deletionTimestamp is emptied — every namespaced resource deleted as a
 * collection — while its status conditions say what is left
 * (NamespaceContentRemaining "Some resources are remaining: pods. has 1
 * resource instances", NamespaceFinalizersRemaining "Some content in the
 * namespace has finalizers remaining: kubernetes.io/pvc-protection in 1
 * resource instances", …); once nothing is left it removes the `kubernetes`
 * finalizer through the finalize subresource and the namespace goes.
 *
 * Pods bound to a node wait for their kubelet (a powered-off node keeps
 * the namespace Terminating, as on a real cluster), claims for
 * pvc-protection, and so on.
 */
import type { KObject } from '../../store/types.ts';
import type { Controller, ControllerContext } from '../manager/manager.ts';
import type { Informer } from '../manager/informer.ts';
import type { WorkQueue } from '../manager/work-queue.ts';
import { resources } from '../manager/resources.ts';
import { rfc3339 } from '../manager/events.ts';
import { resourceTypes, type ResourceType } from '../../api/resources.ts';
import { StatusError } from '../../api/status.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** requeueMs: how often a Terminating namespace with content left is looked at again (the real one estimates from grace periods). */
const requeueMs = 5_000;

function namespacedResources(): ResourceType[] {
  const seen = new Set<string>();
  const out: ResourceType[] = [];
  for (const rt of resourceTypes) {
    const k = `${rt.storage.group}/${rt.storage.resource}`;
    if (!rt.namespaced || seen.has(k) || !rt.verbs.includes('deletecollection')) continue;
    seen.add(k);
    out.push(rt);
  }
  return out;
}

export class NamespaceController implements Controller {
  readonly name = 'namespace-controller';
  private ctx!: ControllerContext;
  private namespaces!: Informer;
  private queue!: WorkQueue;
  private readonly kinds = namespacedResources();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.namespaces = ctx.informer(resources.namespaces);
    this.queue = ctx.queue(this.name, (name) => this.sync(name));
    this.namespaces.addHandler({
      add: (n) => {
        if (n.metadata.deletionTimestamp) this.queue.add(n.metadata.name!);
      },
      update: (_o, n) => {
        if (n.metadata.deletionTimestamp) this.queue.add(n.metadata.name!);
      },
    });
    // Content going away moves a Terminating namespace along.
    for (const rt of this.kinds) {
      if (rt.storage.resource === 'events') continue;
      ctx.informer(rt).addHandler({
        delete: (o) => {
          const ns = this.namespaces.get('', o.metadata.namespace ?? '');
          if (ns?.metadata.deletionTimestamp) this.queue.add(ns.metadata.name!);
        },
      });
    }
  }

  stop(): void {}

  private sync(name: string): void {
    const ns = this.namespaces.get('', name);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    const remaining = new Map<string, number>();
    const finalizersLeft = new Map<string, number>();
    let failure: string | undefined;
    for (const rt of this.kinds) {
      const items = this.ctx.store.list(rt.storage, name);
      if (!items.length) continue;
      for (const o of items) {
        if (!o.metadata.deletionTimestamp) {
          try {
            this.ctx.api.delete(rt, name, o.metadata.name!, { propagationPolicy: 'Background', preconditions: { uid: o.metadata.uid } });
          } catch (e) {
            if (!(e instanceof StatusError)) throw e;
            if (e.code !== 404 && e.code !== 409) failure = e.message;
          }
        }
      }
      const left = this.ctx.store.list(rt.storage, name);
      if (left.length) remaining.set(`${rt.plural}.${rt.group}`, left.length);
      for (const o of left) for (const f of o.metadata.finalizers ?? []) finalizersLeft.set(f, (finalizersLeft.get(f) ?? 0) + 1);
    }
    this.writeConditions(ns, remaining, finalizersLeft, failure);
    if (remaining.size) {
      this.queue.addAfter(name, requeueMs);
      return;
    }
    // Everything is gone: the namespace's own `kubernetes` finalizer goes through namespaces/finalize.
    try {
      const current = this.ctx.api.get(resources.namespaces, '', name) as any;
      if (!(current.spec?.finalizers ?? []).includes('kubernetes')) return;
      current.spec.finalizers = current.spec.finalizers.filter((f: string) => f !== 'kubernetes');
      this.ctx.api.update(resources.namespaces, '', name, current, { subresource: 'finalize' });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  /** writeConditions is updateNamespaceStatusFunc + the deleter's condition updater (namespace_status_condition_utils.go). */
  private writeConditions(ns: KObject, remaining: Map<string, number>, finalizers: Map<string, number>, failure: string | undefined): void {
    const now = rfc3339(this.ctx.clock.now());
    const content = [...remaining].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${r} has ${n} resource instances`);
    const fins = [...finalizers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f} in ${n} resource instances`);
    const want: [string, string, string, string][] = [
      ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
      ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
      failure
        ? ['NamespaceDeletionContentFailure', 'True', 'ContentDeletionFailed', `Failed to delete all resource types, 1 remaining: ${failure}`]
        : ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
      content.length
        ? ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${content.join(', ')}`]
        : ['NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'],
      fins.length
        ? ['NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${fins.join(', ')}`]
        : ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
    ];
    try {
      const current = this.ctx.api.get(resources.namespaces, '', ns.metadata.name!) as any;
      const old: any[] = current.status?.conditions ?? [];
      const conditions = want.map(([type, status, reason, message]) => {
        const prev = old.find((c) => c.type === type);
        if (prev && prev.status === status && prev.reason === reason && prev.message === message) return prev;
        return { type, status, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now, reason, message };
      });
      if (JSON.stringify(conditions) === JSON.stringify(old)) return;
      current.status = { ...(current.status ?? {}), phase: 'Terminating', conditions };
      this.ctx.api.update(resources.namespaces, '', ns.metadata.name!, current, { subresource: 'status' });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
