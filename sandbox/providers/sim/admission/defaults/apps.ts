/**
 * apps defaults: kubernetes pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment,
 * SetDefaults_ReplicaSet, SetDefaults_StatefulSet, SetDefaults_DaemonSet), with
 * the pod template defaulted like a Pod's spec.
 */
import type { KObject } from '../../store/types.ts';
import { defaultPodTemplate, defaultPVCSpec } from './core.ts';

type Obj = Record<string, any>;

export function defaultDeployment(d: KObject): void {
  const spec = (d.spec ??= {}) as Obj;
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {}) as Obj;
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {}) as Obj;
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export function defaultReplicaSet(rs: KObject): void {
  const spec = (rs.spec ??= {}) as Obj;
  spec.replicas ??= 1;
  defaultPodTemplate(spec.template);
}

export function defaultStatefulSet(sts: KObject): void {
  const spec = (sts.spec ??= {}) as Obj;
  spec.podManagementPolicy ??= 'OrderedReady';
  const us = (spec.updateStrategy ??= {}) as Obj;
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {}) as Obj;
    ru.partition ??= 0;
  }
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {}) as Obj;
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  for (const t of (spec.volumeClaimTemplates ?? []) as Obj[]) {
    // Claim templates are full PersistentVolumeClaim objects: they print with apiVersion/kind and a Pending status.
    t.apiVersion ??= 'v1';
    t.kind ??= 'PersistentVolumeClaim';
    t.metadata ??= {};
    if (!('creationTimestamp' in t.metadata)) t.metadata.creationTimestamp = null;
    t.spec ??= {};
    defaultPVCSpec(t.spec);
    t.status ??= {};
    t.status.phase ??= 'Pending';
  }
  defaultPodTemplate(spec.template);
}

export function defaultDaemonSet(ds: KObject): void {
  const spec = (ds.spec ??= {}) as Obj;
  const us = (spec.updateStrategy ??= {}) as Obj;
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {}) as Obj;
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate(spec.template);
}
