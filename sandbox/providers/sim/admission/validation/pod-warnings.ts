/**
 * pod-warnings: the warnings a 1.33 server returns for pods and pod templates
 * (kubernetes pkg/api/pod/warnings.go warningsForPodSpecAndMeta) that the
 * course can trigger — deprecated node labels, removed in-tree volume plugins
 * (rbd and cephfs among them), fractional byte quantities, duplicate env
 * entries, duplicate ports, a negative grace period.
 */
import type { KObject } from '../../store/types.ts';
import { canonicalQuantity, parseQuantity } from './quantity.ts';

type Obj = Record<string, any>;

/** deprecatedNodeLabels: pkg/api/node GetNodeLabelDeprecatedMessage. */
export const deprecatedNodeLabels: Record<string, string> = {
  'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
  'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
  'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
  'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
  'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
};

/** removedVolumePlugins: [field in the spec, path segment the warning prints, message]. */
const removedVolumePlugins: [string, string, string][] = [
  ['photonPersistentDisk', 'photonPersistentDisk', 'deprecated in v1.11, non-functional in v1.16+'],
  ['gitRepo', 'gitRepo', 'deprecated in v1.11'],
  ['scaleIO', 'scaleIO', 'deprecated in v1.16, non-functional in v1.22+'],
  ['flocker', 'flocker', 'deprecated in v1.22, non-functional in v1.25+'],
  ['storageos', 'storageOS', 'deprecated in v1.22, non-functional in v1.25+'],
  ['quobyte', 'quobyte', 'deprecated in v1.22, non-functional in v1.25+'],
  ['glusterfs', 'glusterfs', 'deprecated in v1.25, non-functional in v1.26+'],
  ['cephfs', 'cephfs', 'deprecated in v1.28, non-functional in v1.31+'],
  ['rbd', 'rbd', 'deprecated in v1.28, non-functional in v1.31+'],
];

/** fractional: Quantity.MilliValue() % 1000 != 0 — not a whole number of bytes. */
function fractional(q: unknown): boolean {
  const v = parseQuantity(String(q));
  return v !== undefined && Math.round(v * 1000) % 1000 !== 0;
}

/** warningsForClaimSpec is GetWarningsForPersistentVolumeClaimSpec. */
export function warningsForClaimSpec(spec: Obj | undefined, path: string): string[] {
  const w: string[] = [];
  const res = (spec?.resources ?? {}) as Obj;
  for (const list of ['requests', 'limits']) {
    const q = res[list]?.storage;
    if (q !== undefined && fractional(q)) w.push(`${path}.resources.${list}[storage]: fractional byte value "${canonicalQuantity(String(q))}" is invalid, must be an integer`);
  }
  return w;
}

/** warningsForPodSpec is warningsForPodSpecAndMeta; `prefix` is '' for a Pod, 'spec.template' for a template. */
export function warningsForPodSpec(spec: Obj | undefined, prefix: string): string[] {
  if (!spec) return [];
  const w: string[] = [];
  const p = (rest: string) => (prefix ? `${prefix}.${rest}` : rest);
  for (const k of Object.keys(spec.nodeSelector ?? {})) {
    const msg = deprecatedNodeLabels[k];
    if (msg) w.push(`${p('spec.nodeSelector')}[${k}]: ${msg}`);
  }
  const terms = (spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as Obj[];
  terms.forEach((t, i) =>
    ((t.matchExpressions ?? []) as Obj[]).forEach((r, j) => {
      const msg = deprecatedNodeLabels[r.key];
      if (msg) w.push(`${p('spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms')}[${i}].matchExpressions[${j}].key: ${r.key} is ${msg}`);
    }),
  );
  ((spec.volumes ?? []) as Obj[]).forEach((v, i) => {
    for (const [field, segment, msg] of removedVolumePlugins) if (v[field] != null) w.push(`${p('spec.volumes')}[${i}].${segment}: ${msg}`);
    if (v.ephemeral?.volumeClaimTemplate) w.push(...warningsForClaimSpec(v.ephemeral.volumeClaimTemplate.spec, `${p('spec.volumes')}[${i}].ephemeral.volumeClaimTemplate.spec`));
  });
  const pullSecrets = (spec.imagePullSecrets ?? []) as Obj[];
  const seenSecrets = new Set<string>();
  pullSecrets.forEach((s, i) => {
    if (pullSecrets.length > 1 && seenSecrets.has(s.name)) w.push(`${p('spec.imagePullSecrets')}[${i}].name: duplicate name "${s.name}"`);
    seenSecrets.add(s.name);
  });
  pullSecrets.forEach((s, i) => {
    if (!s.name) w.push(`${p('spec.imagePullSecrets')}[${i}].name: invalid empty name ""`);
  });
  // VisitContainersWithPath: init containers, then containers.
  const lists: [string, Obj[]][] = [
    ['initContainers', spec.initContainers ?? []],
    ['containers', spec.containers ?? []],
  ];
  for (const [list, containers] of lists) {
    containers.forEach((c, i) => {
      const cp = `${p(`spec.${list}`)}[${i}]`;
      for (const [kind, res] of [
        ['limits', 'memory'],
        ['requests', 'memory'],
        ['limits', 'ephemeral-storage'],
        ['requests', 'ephemeral-storage'],
      ] as const) {
        const q = c.resources?.[kind]?.[res];
        if (q !== undefined && fractional(q)) w.push(`${cp}.resources.${kind}[${res}]: fractional byte value "${canonicalQuantity(String(q))}" is invalid, must be an integer`);
      }
      const env = (c.env ?? []) as Obj[];
      const seen = new Set<string>();
      env.forEach((e, j) => {
        if (!seen.has(e.name)) {
          seen.add(e.name);
          return;
        }
        const ref = `$(${e.name})`;
        if (e.valueFrom || e.value === ref || !String(e.value ?? '').includes(ref))
          w.push(`${cp}.env[${j}]: hides previous definition of "${e.name}", which may be dropped when using apply`);
      });
    });
  }
  const ports = new Map<string, { field: string; port: Obj }[]>();
  for (const [list, containers] of lists) {
    containers.forEach((c, i) => {
      ((c.ports ?? []) as Obj[]).forEach((port, j) => {
        const field = `${p(`spec.${list}`)}[${i}].ports[${j}]`;
        const k = `${port.containerPort}/${port.protocol ?? 'TCP'}`;
        for (const other of ports.get(k) ?? []) {
          const sameIP = (port.hostIP ?? '') === (other.port.hostIP ?? '');
          const hp = port.hostPort ?? 0;
          const ohp = other.port.hostPort ?? 0;
          if (sameIP && hp === ohp) w.push(`${field}: duplicate port definition with ${other.field}`);
          else if (hp === 0 || ohp === 0) w.push(`${field}: overlapping port definition with ${other.field}`);
          else if (hp === ohp && !port.hostIP !== !other.port.hostIP) w.push(`${field}: dangerously ambiguous port definition with ${other.field}`);
        }
        ports.set(k, [...(ports.get(k) ?? []), { field, port }]);
      });
    });
  }
  if (typeof spec.terminationGracePeriodSeconds === 'number' && spec.terminationGracePeriodSeconds < 0)
    w.push(`${p('spec.terminationGracePeriodSeconds')}: must be >= 0; negative values are invalid and will be treated as 1`);
  return w;
}

/** warningsForWorkload: the pod-template warnings each workload strategy adds (and claim templates for StatefulSets). */
export function warningsForWorkload(group: string, kind: string, obj: KObject): string[] {
  const spec = (obj.spec ?? {}) as Obj;
  if (group === '' && kind === 'Pod') return warningsForPodSpec(spec, '');
  if (group === 'batch' && kind === 'CronJob') return warningsForPodSpec(spec.jobTemplate?.spec?.template?.spec, 'spec.jobTemplate.spec.template');
  if (group === '' && kind === 'PodTemplate') return warningsForPodSpec((obj as Obj).template?.spec, 'template');
  if (!['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController'].includes(kind)) return [];
  const w = warningsForPodSpec(spec.template?.spec, 'spec.template');
  if (kind === 'StatefulSet')
    ((spec.volumeClaimTemplates ?? []) as Obj[]).forEach((t, i) => w.push(...warningsForClaimSpec(t.spec, `spec.volumeClaimTemplates[${i}].spec`)));
  return w;
}
