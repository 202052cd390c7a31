/**
 * applyAddon creates an add-on's objects through the cluster's REST path, in
 * the order the add-on lists them. A ScheduledDeployment becomes the
 * Deployment, its first ReplicaSet and that ReplicaSet's pods bound to a
 * node — what the Deployment controller (pkg/controller/deployment/sync.go
 * getNewReplicaSet), the ReplicaSet controller (controller.GetPodFromTemplate)
 * and the scheduler's binding leave behind on a cluster created moments ago.
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KObject } from '../../store/types.ts';
import { resourceTypes, type ResourceType } from '../../api/resources.ts';
import type { ClusterApi } from '../../server/rest.ts';
import { ownerReferenceTo, podFromTemplate, podTemplateHash } from '../../controllers/workloads/pod-template.ts';
import { resolveFenceposts, revisionAnnotation } from '../../controllers/workloads/deployment.ts';
import { EventRecorder } from '../../controllers/manager/events.ts';
import type { Clock } from '../../controllers/manager/clock.ts';
import { isScheduledDeployment, type Addon, type AddonContext, type ScheduledDeployment } from './types.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** resourceFor finds the served resource of an object by its apiVersion and kind (as kubectl's RESTMapper does). */
function resourceFor(obj: KObject): ResourceType {
  const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
  const r = resourceTypes.find((t) => t.group === group && t.version === version && t.kind === obj.kind);
  if (!r) throw new Error(`add-on object ${obj.kind} ${obj.metadata.name}: ${obj.apiVersion} ${obj.kind} is not served`);
  return r;
}

function createObject(api: ClusterApi, obj: KObject): KObject {
  return api.create(resourceFor(obj), obj.metadata.namespace ?? '', obj).object;
}

/**
 * creationRecorders record the events the controllers and the scheduler wrote
 * when they created and placed these objects (ScalingReplicaSet,
 * SuccessfulCreate, Scheduled), stamped with the objects' creation time, so
 * `kubectl describe` and `get events` show what a new kind cluster shows.
 */
function creationRecorders(api: ClusterApi, at: Date) {
  const clock: Clock = { now: () => at, after: () => ({ cancel() {} }) };
  return {
    deployment: new EventRecorder(() => api, clock, { component: 'deployment-controller' }),
    replicaSet: new EventRecorder(() => api, clock, { component: 'replicaset-controller' }),
    scheduler: new EventRecorder(() => api, clock, { component: 'default-scheduler', style: 'events/v1', reportingInstance: 'default-scheduler-lab-control-plane' }),
  };
}

/** applyScheduledDeployment creates the Deployment, its ReplicaSet (revision 1) and its pods bound to the node, with their events. */
function applyScheduledDeployment(api: ClusterApi, sd: ScheduledDeployment): void {
  const d = createObject(api, sd.deployment);
  const events = creationRecorders(api, new Date(d.metadata.creationTimestamp!));
  const ds = (d as any).spec;
  // Hash the stored (defaulted) template, as the Deployment controller does, so it finds this ReplicaSet as its new one.
  const template = structuredClone(ds.template);
  const hash = podTemplateHash(template, undefined);
  template.metadata = template.metadata ?? {};
  template.metadata.labels = { ...(template.metadata.labels ?? {}), 'pod-template-hash': hash };
  const selector = structuredClone(ds.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), 'pod-template-hash': hash };
  const replicas: number = ds.replicas ?? 1;
  const { maxSurge } = resolveFenceposts(d);
  const rs = createObject(api, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
        [revisionAnnotation]: '1',
      },
      ownerReferences: [ownerReferenceTo(d)],
    },
    spec: { replicas, minReadySeconds: ds.minReadySeconds ?? 0, selector, template },
  } as unknown as KObject);
  if (replicas > 0) events.deployment.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`);
  for (let i = 0; i < replicas; i++) {
    const pod = podFromTemplate((rs as any).spec.template, rs, `${rs.metadata.name}-`) as any;
    pod.spec.nodeName = sd.scheduledOn;
    const created = createObject(api, pod);
    events.replicaSet.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    events.scheduler.event(created, 'Normal', 'Scheduled', `Successfully assigned ${created.metadata.namespace}/${created.metadata.name} to ${sd.scheduledOn}`, 'Binding');
  }
}

/** applyAddon writes an add-on's node files (when the cluster has a data root), then creates its objects. */
export function applyAddon(api: ClusterApi, addon: Addon, ctx: AddonContext): void {
  if (ctx.dataRoot && !ctx.dataRoot.isDestroyed) {
    for (const f of addon.nodeFiles?.(ctx) ?? []) {
      ctx.dataRoot.ensureNodeDir(f.node, dirname(f.path), 0o755);
      writeFileSync(ctx.dataRoot.nodePath(f.node, f.path), f.content, { mode: f.mode ?? 0o600 });
    }
  }
  for (const o of addon.objects(ctx)) {
    if (isScheduledDeployment(o)) applyScheduledDeployment(api, o);
    else createObject(api, o);
  }
}
