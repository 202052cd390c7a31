/**
 * podSecurity is the simulated PodSecurity admission plugin: the Pod Security Standards
 * (privileged / baseline / restricted) enforced per namespace through the
 * `pod-security.kubernetes.io/{enforce,warn,audit}[-version]` labels, as
 * k8s.io/pod-security-admission does inside kube-apiserver 1.33:
 * https://github.com/kubernetes/kubernetes/blob/release-1.33/staging/src/k8s.io/pod-security-admission/admission/admission.go
 *
 * - Pods (create; updates only when an image or the container count changes, isSignificantPodUpdate):
 *   a failed enforce level is a 403 `pods "x" is forbidden: violates PodSecurity "baseline:latest": …`;
 *   otherwise a failed warn level is the warning `would violate PodSecurity "restricted:latest": …`.
 * - Workloads with a pod template are never refused: only the warn level is evaluated, and warn
 *   defaults to the enforce level when that is stricter (api.PolicyToEvaluate), so an enforce label
 *   alone gives the Deployment a `would violate PodSecurity` warning.
 * - Raising a namespace's enforce level dry-runs the namespace's pods and returns
 *   `existing pods in namespace "x" violate the new PodSecurity enforce level "baseline:latest"`
 *   plus one `pod (and N other pods): reasons` line per distinct set of reasons.
 *
 * Simulation limits: every `-version` label (`v1.N` or `latest`) is evaluated with the 1.33 checks
 * (the label still names its version in messages, but e.g. `v1.22` does not drop the checks added
 * since). Audit is parsed but records nothing (there is no audit log). No exemptions, as kind
 * configures none. The `pods/ephemeralcontainers` subresource (kubectl debug) is not evaluated, and
 * AppArmor annotations are not copied into the appArmorProfile fields as a 1.30+ server does, so an
 * annotation alone is reported as an annotation. Otherwise every 1.33 check is modelled at its latest
 * version (1.34's host probes check does not exist in 1.33).
 */
import { fieldErrorMessage, forbidden, StatusError, type FieldError } from '../../api/status.ts';
import type { KObject } from '../../store/types.ts';
import type { AdmissionRequest } from '../types.ts';

type Obj = Record<string, any>;

/** PodSecurityLevel is one of the three Pod Security Standards. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** LevelVersion is a level plus the version label's value (`latest` or `v1.N`). */
export interface LevelVersion {
  level: PodSecurityLevel;
  version: string;
}

/** NamespacePolicy is the effective enforce / warn / audit policy of a namespace. */
export interface NamespacePolicy {
  enforce: LevelVersion;
  warn: LevelVersion;
  audit: LevelVersion;
}

/** CheckResult is one failed check: its reason and, usually, a detail naming the offending fields. */
export interface CheckResult {
  reason: string;
  detail?: string;
}

const labelPrefix = 'pod-security.kubernetes.io/';
const levelRank: Record<PodSecurityLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

const validLevel = (v: string): v is PodSecurityLevel => v === 'privileged' || v === 'baseline' || v === 'restricted';
const validVersion = (v: string): boolean => v === 'latest' || /^v1\.([0-9]|[1-9][0-9]*)$/.test(v);
const modes = ['enforce', 'audit', 'warn'] as const;

/**
 * policyLabelErrors is the error list of api.PolicyToEvaluate, in its order (enforce, enforce-version,
 * audit, audit-version, warn, warn-version), each a field.Invalid on metadata.labels[<label>].
 */
export function policyLabelErrors(labels: Record<string, string> | undefined): FieldError[] {
  const errs: FieldError[] = [];
  for (const m of modes) {
    const level = labels?.[`${labelPrefix}${m}`];
    if (level !== undefined && !validLevel(level))
      errs.push({ type: 'Invalid', field: `metadata.labels[${labelPrefix}${m}]`, value: level, detail: 'must be one of privileged, baseline, restricted' });
    const version = labels?.[`${labelPrefix}${m}-version`];
    if (version !== undefined && !validVersion(version))
      errs.push({ type: 'Invalid', field: `metadata.labels[${labelPrefix}${m}-version]`, value: version, detail: 'must be "latest" or "v1.x"' });
  }
  return errs;
}

/** labelErrorsMessage is field.ErrorList.ToAggregate().Error(): one error bare, several as `[a, b]`. */
function labelErrorsMessage(errs: FieldError[]): string {
  const parts = errs.map((e) => `${e.field}: ${fieldErrorMessage(e)}`);
  return parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
}

/** levelVersionString renders a policy as PodSecurity prints it: `baseline:latest`, `restricted:v1.30`. */
export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`;
}

/**
 * policyFromLabels is api.PolicyToEvaluate: each mode defaults to privileged:latest, and warn
 * follows an explicitly stricter enforce level (and its version when warn's is unset).
 */
export function policyFromLabels(labels: Record<string, string> | undefined): NamespacePolicy {
  const l = labels ?? {};
  // An unparseable level fails closed for enforce (restricted) and open for audit and warn (privileged);
  // an unparseable version is latest (ParseLevel, ParseVersion).
  const mode = (m: string, invalidLevel: PodSecurityLevel): { level?: PodSecurityLevel; version?: string } => {
    const level = l[`${labelPrefix}${m}`];
    const version = l[`${labelPrefix}${m}-version`];
    return {
      level: level === undefined ? undefined : validLevel(level) ? level : invalidLevel,
      version: version === undefined ? undefined : validVersion(version) ? version : 'latest',
    };
  };
  const e = mode('enforce', 'restricted');
  const w = mode('warn', 'privileged');
  const a = mode('audit', 'privileged');
  const policy: NamespacePolicy = {
    enforce: { level: e.level ?? 'privileged', version: e.version ?? 'latest' },
    warn: { level: w.level ?? 'privileged', version: w.version ?? 'latest' },
    audit: { level: a.level ?? 'privileged', version: a.version ?? 'latest' },
  };
  // Since 1.26 an explicitly stricter enforce level is also the default warn level (kubernetes#113491),
  // so workloads get would-violate warnings in a namespace labelled with enforce alone.
  if (!w.level && e.level && levelRank[e.level] > levelRank[policy.warn.level]) {
    policy.warn.level = e.level;
    if (!w.version && e.version) policy.warn.version = e.version;
  }
  return policy;
}

// ---- checks (k8s.io/pod-security-admission/policy/check_*.go) ----

function pluralize(one: string, many: string, n: number): string {
  return n === 1 ? one : many;
}
function joinQuote(items: string[]): string {
  return items.map((s) => JSON.stringify(s)).join(', ');
}
/** containersOf is visitContainers: init containers, then containers, then ephemeral containers. */
function containersOf(spec: Obj): Obj[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}
function containersDetail(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** CheckFn is a CheckPodFn: the pod (or template) metadata and spec in, a failure or undefined out. */
type CheckFn = (spec: Obj, meta: Obj) => CheckResult | undefined;

interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** overrides are the baseline checks this restricted check replaces at the restricted level. */
  overrides?: string[];
  fn: CheckFn;
}

/** baselineCapabilities is capabilities_allowed_1_0: the container runtime's default set. */
const baselineCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** allowedSysctls is sysctlsAllowedV1Dot32, the newest set a 1.33 server knows (1.0's five, 1.27's and 1.29's additions, 1.32's tcp_rmem/wmem). */
const allowedSysctls = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);
/** restrictedVolumeKinds are the volume sources restricted allows (check_restrictedVolumes.go). */
const allowedVolumeSources = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const namedVolumeSources = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'];
/** allowedSELinuxTypes is the 1.31+ set (container_engine_t was added in 1.31). */
const allowedSELinuxTypes = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const validSeccomp = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
const sortedUnique = (xs: string[]) => [...new Set(xs)].sort();

const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';
const allowedAppArmorAnnotation = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');

const checks: Check[] = [
  {
    id: 'appArmorProfile',
    level: 'baseline',
    fn: (spec, meta) => {
      const setters: string[] = [];
      const values: string[] = [];
      const podType = spec.securityContext?.appArmorProfile?.type;
      if (spec.securityContext?.appArmorProfile && !validSeccomp(podType)) {
        setters.push('pod');
        values.push(String(podType ?? ''));
      }
      const bad: string[] = [];
      for (const c of containersOf(spec)) {
        const ap = c.securityContext?.appArmorProfile;
        if (ap && !validSeccomp(ap.type)) {
          bad.push(c.name);
          values.push(String(ap.type ?? ''));
        }
      }
      if (bad.length) setters.push(containersDetail(bad));
      const list = sortedUnique(values);
      const annotations = Object.entries((meta.annotations ?? {}) as Record<string, string>)
        .filter(([k, v]) => k.startsWith(appArmorAnnotationPrefix) && !allowedAppArmorAnnotation(v))
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .sort();
      if (annotations.length) {
        list.push(...annotations);
        setters.push(pluralize('annotation', 'annotations', annotations.length));
      }
      if (!setters.length) return undefined;
      return {
        reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
        detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
      };
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    fn: (spec) => {
      const bad: string[] = [];
      const caps: string[] = [];
      for (const c of containersOf(spec)) {
        const add: string[] = c.securityContext?.capabilities?.add ?? [];
        const nonDefault = add.filter((x) => !baselineCapabilities.has(x));
        if (nonDefault.length) {
          bad.push(c.name);
          caps.push(...nonDefault);
        }
      }
      if (!bad.length) return undefined;
      return { reason: 'non-default capabilities', detail: `${containersDetail(bad)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add` };
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    fn: (spec) => {
      const on = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter(Boolean) as string[];
      return on.length ? { reason: 'host namespaces', detail: on.join(', ') } : undefined;
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    fn: (spec) => {
      const names = ((spec.volumes ?? []) as Obj[]).filter((v) => v.hostPath).map((v) => v.name as string);
      return names.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}` } : undefined;
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    fn: (spec) => {
      const bad: string[] = [];
      const ports: string[] = [];
      for (const c of containersOf(spec)) {
        const hp = ((c.ports ?? []) as Obj[]).filter((p) => p.hostPort).map((p) => String(p.hostPort));
        if (hp.length) {
          bad.push(c.name);
          ports.push(...hp);
        }
      }
      if (!bad.length) return undefined;
      const list = sortedUnique(ports);
      return { reason: 'hostPort', detail: `${containersDetail(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}` };
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    fn: (spec) => {
      const bad = containersOf(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name as string);
      return bad.length ? { reason: 'privileged', detail: `${containersDetail(bad)} must not set securityContext.privileged=true` } : undefined;
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    fn: (spec) => {
      const bad: string[] = [];
      const types: string[] = [];
      for (const c of containersOf(spec)) {
        const pm = c.securityContext?.procMount;
        if (pm !== undefined && pm !== null && pm !== 'Default') {
          bad.push(c.name);
          types.push(String(pm));
        }
      }
      return bad.length ? { reason: 'procMount', detail: `${containersDetail(bad)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}` } : undefined;
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    fn: (spec) => {
      const badTypes = new Set<string>();
      let setUser = false;
      let setRole = false;
      const valid = (o: Obj): boolean => {
        let ok = true;
        if (!allowedSELinuxTypes.has(o.type ?? '')) {
          ok = false;
          badTypes.add(o.type ?? '');
        }
        if (o.user) {
          ok = false;
          setUser = true;
        }
        if (o.role) {
          ok = false;
          setRole = true;
        }
        return ok;
      };
      const setters: string[] = [];
      if (spec.securityContext?.seLinuxOptions && !valid(spec.securityContext.seLinuxOptions)) setters.push('pod');
      const bad = containersOf(spec).filter((c) => c.securityContext?.seLinuxOptions && !valid(c.securityContext.seLinuxOptions)).map((c) => c.name as string);
      if (bad.length) setters.push(containersDetail(bad));
      if (!setters.length) return undefined;
      const data: string[] = [];
      if (badTypes.size) data.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote([...badTypes].sort())}`);
      if (setUser) data.push('user may not be set');
      if (setRole) data.push('role may not be set');
      return { reason: 'seLinuxOptions', detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    fn: (spec) => {
      const setters: string[] = [];
      const values: string[] = [];
      const podType = spec.securityContext?.seccompProfile?.type;
      if (spec.securityContext?.seccompProfile && !validSeccomp(podType)) {
        setters.push('pod');
        values.push(String(podType ?? ''));
      }
      const bad: string[] = [];
      for (const c of containersOf(spec)) {
        const sp = c.securityContext?.seccompProfile;
        if (sp && !validSeccomp(sp.type)) {
          bad.push(c.name);
          values.push(String(sp.type ?? ''));
        }
      }
      if (bad.length) setters.push(containersDetail(bad));
      if (!setters.length) return undefined;
      return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}` };
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    fn: (spec) => {
      const bad = ((spec.securityContext?.sysctls ?? []) as Obj[]).map((s) => s.name as string).filter((n) => !allowedSysctls.has(n));
      return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
    },
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    fn: (spec) => {
      const setters: string[] = [];
      const bad = containersOf(spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name as string);
      if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
      if (bad.length) setters.push(containersDetail(bad));
      return setters.length ? { reason: 'hostProcess', detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true` } : undefined;
    },
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    fn: (spec) => {
      const bad = containersOf(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name as string);
      return bad.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersDetail(bad)} must set securityContext.allowPrivilegeEscalation=false` } : undefined;
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    overrides: ['capabilities_baseline'],
    fn: (spec) => {
      const missingDrop: string[] = [];
      const adding: string[] = [];
      const caps: string[] = [];
      for (const c of containersOf(spec)) {
        const capsObj = c.securityContext?.capabilities;
        if (!capsObj) {
          missingDrop.push(c.name);
          continue;
        }
        if (!((capsObj.drop ?? []) as string[]).includes('ALL')) missingDrop.push(c.name);
        const extra = ((capsObj.add ?? []) as string[]).filter((x) => x !== 'NET_BIND_SERVICE');
        if (extra.length) {
          adding.push(c.name);
          caps.push(...extra);
        }
      }
      const details: string[] = [];
      if (missingDrop.length) details.push(`${containersDetail(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (adding.length) details.push(`${containersDetail(adding)} must not include ${joinQuote(sortedUnique(caps))} in securityContext.capabilities.add`);
      return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    overrides: ['hostPathVolumes'],
    fn: (spec) => {
      const bad: string[] = [];
      const types = new Set<string>();
      for (const v of (spec.volumes ?? []) as Obj[]) {
        if (allowedVolumeSources.some((k) => v[k])) continue;
        bad.push(v.name);
        types.add(namedVolumeSources.find((k) => v[k]) ?? 'unknown');
      }
      if (!bad.length) return undefined;
      const list = [...types].sort();
      return {
        reason: 'restricted volume types',
        detail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
      };
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    fn: (spec) => {
      // hostUsers: false (a user namespace) relaxes runAsNonRoot (KEP-127, relaxPolicyForUserNamespacePod).
      if (spec.hostUsers === false) return undefined;
      const setters: string[] = [];
      const podValue = spec.securityContext?.runAsNonRoot;
      if (podValue === false) setters.push('pod');
      const explicitBad: string[] = [];
      const implicitBad: string[] = [];
      for (const c of containersOf(spec)) {
        const v = c.securityContext?.runAsNonRoot;
        if (v === false) explicitBad.push(c.name);
        else if (v === undefined || v === null) {
          if (podValue !== true) implicitBad.push(c.name);
        }
      }
      if (explicitBad.length) setters.push(containersDetail(explicitBad));
      if (setters.length) return { reason: 'runAsNonRoot != true', detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false` };
      if (implicitBad.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersDetail(implicitBad)} must set securityContext.runAsNonRoot=true` };
      return undefined;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    fn: (spec) => {
      if (spec.hostUsers === false) return undefined;
      const setters: string[] = [];
      if (spec.securityContext?.runAsUser === 0) setters.push('pod');
      const bad = containersOf(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name as string);
      if (bad.length) setters.push(containersDetail(bad));
      return setters.length ? { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` } : undefined;
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    overrides: ['seccompProfile_baseline'],
    fn: (spec) => {
      const setters: string[] = [];
      const values: string[] = [];
      let podSet = false;
      const podProfile = spec.securityContext?.seccompProfile;
      if (podProfile) {
        if (!validSeccomp(podProfile.type)) {
          setters.push('pod');
          values.push(String(podProfile.type ?? ''));
        } else podSet = true;
      }
      const explicitBad: string[] = [];
      const implicitBad: string[] = [];
      for (const c of containersOf(spec)) {
        const sp = c.securityContext?.seccompProfile;
        if (sp) {
          if (!validSeccomp(sp.type)) {
            explicitBad.push(c.name);
            values.push(String(sp.type ?? ''));
          }
        } else if (!podSet) implicitBad.push(c.name);
      }
      if (explicitBad.length) setters.push(containersDetail(explicitBad));
      if (setters.length) return { reason: 'seccompProfile', detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(values))}` };
      if (implicitBad.length)
        return { reason: 'seccompProfile', detail: `pod or ${containersDetail(implicitBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
      return undefined;
    },
  },
];

/**
 * orderedChecks is policy/registry.go's populate(): check IDs sorted, baseline checks first, then
 * restricted ones; the restricted level drops the baseline checks a restricted check overrides.
 */
const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const baselineChecks = checks.filter((c) => c.level === 'baseline').sort(byId);
const restrictedOnly = checks.filter((c) => c.level === 'restricted').sort(byId);
const overridden = new Set(restrictedOnly.flatMap((c) => c.overrides ?? []));
const restrictedChecks = [...baselineChecks.filter((c) => !overridden.has(c.id)), ...restrictedOnly];

/** evaluatePodSpec runs one level's checks against a pod spec and returns the failures in PodSecurity's order. */
export function evaluatePodSpec(level: PodSecurityLevel, spec: Obj | undefined, meta: Obj = {}): CheckResult[] {
  if (level === 'privileged' || !spec) return [];
  const list = level === 'baseline' ? baselineChecks : restrictedChecks;
  return list.map((c) => c.fn(spec, meta ?? {})).filter((r): r is CheckResult => r !== undefined);
}

/** forbiddenDetail is AggregateCheckResult.ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(results: CheckResult[]): string {
  return results.map((r) => (r.detail ? `${r.reason} (${r.detail})` : r.reason)).join(', ');
}
/** forbiddenReason is AggregateCheckResult.ForbiddenReason: the reasons only. */
function forbiddenReason(results: CheckResult[]): string {
  return results.map((r) => r.reason).join(', ');
}

// ---- admission ----

/** podTemplateOf is DefaultPodSpecExtractor: the pod template of the kinds PodSecurity checks. */
function podTemplateOf(group: string, kind: string, obj: Obj): Obj | undefined {
  if (group === '' && kind === 'ReplicationController') return obj.spec?.template;
  if (group === '' && kind === 'PodTemplate') return obj.template;
  if (group === 'apps' && ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].includes(kind)) return obj.spec?.template;
  if (group === 'batch' && kind === 'Job') return obj.spec?.template;
  if (group === 'batch' && kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template;
  return undefined;
}

/**
 * isSignificantPodUpdate: PodSecurity re-evaluates a pod update only if an image, the container count,
 * an ephemeral container or a (legacy) seccomp annotation changed — the only security-relevant pod
 * fields that are mutable.
 */
function isSignificantPodUpdate(pod: Obj, old: Obj): boolean {
  const ann = (o: Obj, k: string) => (o.metadata?.annotations ?? {})[k];
  if (ann(pod, 'seccomp.security.alpha.kubernetes.io/pod') !== ann(old, 'seccomp.security.alpha.kubernetes.io/pod')) return true;
  for (const c of containersOf(pod.spec ?? {})) {
    const k = `container.seccomp.security.alpha.kubernetes.io/${c.name}`;
    if (ann(pod, k) !== ann(old, k)) return true;
  }
  for (const f of ['containers', 'initContainers'] as const) {
    const a: Obj[] = pod.spec?.[f] ?? [];
    const b: Obj[] = old.spec?.[f] ?? [];
    if (a.length !== b.length) return true;
    if (a.some((c, i) => c.image !== b[i].image)) return true;
  }
  const oldEph = new Map<string, Obj>(((old.spec?.ephemeralContainers ?? []) as Obj[]).map((c) => [c.name, c]));
  for (const c of (pod.spec?.ephemeralContainers ?? []) as Obj[]) {
    const o = oldEph.get(c.name);
    if (!o || o.image !== c.image) return true;
  }
  return false;
}

function namespaceLabels(req: AdmissionRequest): Record<string, string> | undefined {
  const ns = req.store.get({ group: '', resource: 'namespaces' }, '', req.namespace);
  return ns?.metadata.labels as Record<string, string> | undefined;
}

/** evaluatePodsInNamespace is EvaluatePodsInNamespace: the warnings for raising a namespace's enforce level. */
function evaluatePodsInNamespace(req: AdmissionRequest, namespace: string, enforce: LevelVersion): string[] {
  const pods = req.store.list({ group: '', resource: 'pods' }, namespace);
  const order: string[] = [];
  const counts = new Map<string, { podName: string; count: number }>();
  for (const pod of pods) {
    const results = evaluatePodSpec(enforce.level, (pod as Obj).spec, pod.metadata);
    if (!results.length) continue;
    const warning = forbiddenReason(results);
    const name = pod.metadata.name ?? '';
    const c = counts.get(warning);
    if (!c) {
      order.push(warning);
      counts.set(warning, { podName: name, count: 1 });
    } else {
      if (name < c.podName) c.podName = name;
      c.count++;
    }
  }
  if (!order.length) return [];
  const podWarnings = order
    .map((w) => {
      const c = counts.get(w)!;
      if (c.count === 1) return `${c.podName}: ${w}`;
      if (c.count === 2) return `${c.podName} (and 1 other pod): ${w}`;
      return `${c.podName} (and ${c.count - 1} other pods): ${w}`;
    })
    .sort();
  return [`existing pods in namespace ${JSON.stringify(namespace)} violate the new PodSecurity enforce level ${JSON.stringify(levelVersionString(enforce))}`, ...podWarnings];
}

/**
 * podSecurityAdmission validates one write (after the strategy's validation, as a validating
 * admission plugin) and returns its warnings; throws the 403 when a pod violates the enforce level.
 */
export function podSecurityAdmission(req: AdmissionRequest, obj: KObject): string[] {
  const { group, kind } = req.resource;
  if (req.subresource || req.operation === 'DELETE') return [];
  const o = obj as Obj;

  if (group === '' && kind === 'Namespace') {
    const name = o.metadata?.name ?? req.name;
    // Invalid labels are refused on create, and on update when their errors changed: a 422 whose
    // details are those of the admission Forbidden it replaces (plugin/pkg/admission/security/podsecurity).
    const errs = policyLabelErrors(o.metadata?.labels);
    const oldLabels = req.oldObject?.metadata.labels as Record<string, string> | undefined;
    const oldErrs = req.operation === 'UPDATE' ? policyLabelErrors(oldLabels) : [];
    if (errs.length && (!oldErrs.length || labelErrorsMessage(errs) !== labelErrorsMessage(oldErrs))) {
      throw new StatusError(422, 'Invalid', labelErrorsMessage(errs), { name, kind: 'namespaces' });
    }
    if (req.operation !== 'UPDATE' || !req.oldObject) return [];
    const next = policyFromLabels(o.metadata?.labels);
    const prev = policyFromLabels(oldLabels);
    if (next.enforce.level === prev.enforce.level && next.enforce.version === prev.enforce.version) return [];
    if (next.enforce.level === 'privileged') return [];
    if (next.enforce.version === prev.enforce.version && levelRank[next.enforce.level] <= levelRank[prev.enforce.level]) return [];
    return evaluatePodsInNamespace(req, name, next.enforce);
  }

  if (group === '' && kind === 'Pod') {
    if (req.operation === 'UPDATE' && req.oldObject && !isSignificantPodUpdate(o, req.oldObject as Obj)) return [];
    const policy = policyFromLabels(namespaceLabels(req));
    const enforced = evaluatePodSpec(policy.enforce.level, o.spec, o.metadata);
    if (enforced.length) {
      throw forbidden({ group: '', resource: 'pods' }, req.name || o.metadata?.name || '', `violates PodSecurity ${JSON.stringify(levelVersionString(policy.enforce))}: ${forbiddenDetail(enforced)}`);
    }
    const warned = evaluatePodSpec(policy.warn.level, o.spec, o.metadata);
    return warned.length ? [`would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${forbiddenDetail(warned)}`] : [];
  }

  const template = podTemplateOf(group, kind, o);
  if (!template?.spec) return [];
  const policy = policyFromLabels(namespaceLabels(req));
  const warned = evaluatePodSpec(policy.warn.level, template.spec, template.metadata);
  return warned.length ? [`would violate PodSecurity ${JSON.stringify(levelVersionString(policy.warn))}: ${forbiddenDetail(warned)}`] : [];
}
