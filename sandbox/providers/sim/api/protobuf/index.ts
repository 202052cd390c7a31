/**
 * protobuf decodes the `application/vnd.kubernetes.protobuf` request bodies
 * that kubectl 1.32+ sends for typed-client writes (`kubectl create
 * deployment|namespace|configmap|secret|job|…`, `kubectl debug`): the `k8s\0`
 * magic, a runtime.Unknown envelope {typeMeta, raw, contentEncoding,
 * contentType} (k8s.io/apimachinery/pkg/runtime/serializer/protobuf), and the
 * generated.proto message of the kind. The message is then turned into the
 * JSON form the API uses. Field numbers come from the descriptors embedded
 * in kubectl itself (k8s-protobuf.json, see extract-descriptors.ts).
 * Protobuf responses are not produced: kubectl also accepts JSON.
 */
import protobuf from 'protobufjs';
import type { KObject } from '../../store/types.ts';
import { StatusError, badRequest } from '../status.ts';
import descriptorJson from './k8s-protobuf.json' with { type: 'json' };
import { messageName, protobufKinds } from './kinds.ts';

let root: protobuf.Root | undefined;

/** descriptors builds the protobuf.js root on first use, keeping it off the server's start-up path. */
function descriptors(): protobuf.Root {
  if (!root) {
    const { source: _source, ...descriptorRoot } = descriptorJson as { source: string } & protobuf.INamespace;
    root = protobuf.Root.fromJSON(descriptorRoot);
  }
  return root;
}

/** magic is the 4-byte prefix of every Kubernetes protobuf body: `k8s\0`. */
export const protobufMagic = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/**
 * keepZero lists pointer fields (`*int32`, `*bool` in Go) whose zero value
 * means something different from "unset". The wire carries every
 * non-pointer field even when zero, so zero values are otherwise dropped,
 * as the real server's JSON `omitempty` would drop them.
 */
const keepZero = new Set([
  'DeploymentSpec.replicas', 'DeploymentSpec.revisionHistoryLimit', 'DeploymentSpec.progressDeadlineSeconds',
  'StatefulSetSpec.replicas', 'StatefulSetSpec.revisionHistoryLimit', 'ReplicaSetSpec.replicas', 'DaemonSetSpec.revisionHistoryLimit',
  'JobSpec.parallelism', 'JobSpec.completions', 'JobSpec.activeDeadlineSeconds', 'JobSpec.backoffLimit', 'JobSpec.backoffLimitPerIndex',
  'JobSpec.maxFailedIndexes', 'JobSpec.ttlSecondsAfterFinished', 'JobSpec.suspend', 'JobSpec.manualSelector',
  'CronJobSpec.startingDeadlineSeconds', 'CronJobSpec.suspend', 'CronJobSpec.successfulJobsHistoryLimit', 'CronJobSpec.failedJobsHistoryLimit',
  'PodSpec.terminationGracePeriodSeconds', 'PodSpec.activeDeadlineSeconds', 'PodSpec.automountServiceAccountToken', 'PodSpec.shareProcessNamespace',
  'PodSpec.priority', 'PodSpec.enableServiceLinks', 'PodSpec.hostUsers', 'PodSpec.setHostnameAsFQDN',
  'ServiceAccount.automountServiceAccountToken', 'Secret.immutable', 'ConfigMap.immutable',
  'SecurityContext.privileged', 'SecurityContext.runAsUser', 'SecurityContext.runAsGroup', 'SecurityContext.runAsNonRoot',
  'SecurityContext.readOnlyRootFilesystem', 'SecurityContext.allowPrivilegeEscalation',
  'PodSecurityContext.runAsUser', 'PodSecurityContext.runAsGroup', 'PodSecurityContext.runAsNonRoot', 'PodSecurityContext.fsGroup',
  'Toleration.tolerationSeconds', 'ConfigMapVolumeSource.defaultMode', 'SecretVolumeSource.defaultMode', 'ProjectedVolumeSource.defaultMode',
  'DownwardAPIVolumeSource.defaultMode', 'KeyToPath.mode', 'ConfigMapKeySelector.optional', 'SecretKeySelector.optional',
  'ConfigMapVolumeSource.optional', 'SecretVolumeSource.optional', 'ServiceAccountTokenProjection.expirationSeconds',
  'TokenRequestSpec.expirationSeconds', 'ServiceSpec.allocateLoadBalancerNodePorts', 'PodDisruptionBudgetSpec.unhealthyPodEvictionPolicy',
]);

/**
 * inlineFields are Go-embedded structs (`json:",inline"`): a field of their
 * own in protobuf, flattened into the parent in JSON (`Volume.volumeSource`
 * holds `hostPath`, `persistentVolumeClaim`, …).
 */
const inlineFields = new Set([
  'Volume.volumeSource', 'PersistentVolumeSpec.persistentVolumeSource', 'EphemeralContainer.ephemeralContainerCommon', 'Probe.handler',
  'ConfigMapEnvSource.localObjectReference', 'ConfigMapKeySelector.localObjectReference', 'ConfigMapProjection.localObjectReference',
  'ConfigMapVolumeSource.localObjectReference', 'SecretEnvSource.localObjectReference', 'SecretKeySelector.localObjectReference',
  'SecretProjection.localObjectReference',
]);

/** jsonNames maps protobuf field names that differ from the JSON name. */
const jsonNames: Record<string, string> = { 'BoundObjectReference.uID': 'uid' };

/** alwaysEmit lists non-pointer fields without `omitempty`: their zero value still appears in JSON. */
const alwaysEmit = new Set([
  'PodDisruptionBudgetStatus.currentHealthy', 'PodDisruptionBudgetStatus.desiredHealthy', 'PodDisruptionBudgetStatus.disruptionsAllowed',
  'PodDisruptionBudgetStatus.expectedPods', 'ContainerStatus.restartCount', 'ContainerStatus.ready',
]);

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function toNumber(v: unknown): number {
  // int64 fields decode to Long objects when the long package is present.
  if (v && typeof v === 'object' && typeof (v as { toNumber?: unknown }).toNumber === 'function') return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function parseEmbeddedJSON(bytes: Uint8Array | undefined, what: string): unknown {
  if (!bytes || bytes.length === 0) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new StatusError(415, 'UnsupportedMediaType', `the simulated server cannot decode a non-JSON ${what} inside a protobuf body`);
  }
}

/** rfc3339 renders seconds since the epoch the way metav1.Time marshals to JSON. */
function rfc3339(seconds: number, micros?: number): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micros === undefined ? `${iso}Z` : `${iso}.${String(micros).padStart(6, '0')}Z`;
}

/** goDuration renders nanoseconds like Go's time.Duration.String() for whole seconds and larger (`1h0m0s`, `90s` → `1m30s`). */
function goDuration(nanos: number): string {
  if (nanos === 0) return '0s';
  const sign = nanos < 0 ? '-' : '';
  let s = Math.abs(nanos) / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const sec = Number.isInteger(s) ? String(s) : String(Number(s.toFixed(9)));
  if (h) return `${sign}${h}h${m}m${sec}s`;
  if (m) return `${sign}${m}m${sec}s`;
  return `${sign}${sec}s`;
}

/** has tells a field present on the wire from a protobuf.js prototype default. */
function has(msg: Record<string, unknown>, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(msg, field);
}

/** special converts apimachinery types with custom JSON forms; undefined result means "omit". */
function special(typeName: string, msg: Record<string, unknown>): { value: unknown } | undefined {
  switch (typeName) {
    case `${META}.Time`: {
      // metav1.Time marshals the zero time as an empty message; JSON has no value for it.
      return { value: has(msg, 'seconds') || has(msg, 'nanos') ? rfc3339(toNumber(msg.seconds ?? 0)) : undefined };
    }
    case `${META}.MicroTime`: {
      if (!has(msg, 'seconds') && !has(msg, 'nanos')) return { value: undefined };
      return { value: rfc3339(toNumber(msg.seconds ?? 0), Math.floor(toNumber(msg.nanos ?? 0) / 1000)) };
    }
    case `${META}.Duration`:
      return { value: goDuration(toNumber(msg.duration ?? 0)) };
    case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
      return { value: toNumber(msg.type ?? 0) === 1 ? (msg.strVal ?? '') : toNumber(msg.intVal ?? 0) };
    case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
      return { value: msg.string ?? '0' };
    case `${META}.FieldsV1`:
      return { value: parseEmbeddedJSON(msg.Raw as Uint8Array | undefined, 'FieldsV1') };
    case 'k8s.io.apimachinery.pkg.runtime.RawExtension':
      return { value: parseEmbeddedJSON(msg.raw as Uint8Array | undefined, 'RawExtension') };
  }
  return undefined;
}

function scalar(field: protobuf.Field, v: unknown): unknown {
  if (field.type === 'bytes') return base64(v as Uint8Array);
  if (field.type === 'int64' || field.type === 'int32' || field.type === 'uint64' || field.type === 'uint32' || field.type === 'sint64' || field.type === 'sint32') return toNumber(v);
  return v;
}

/** toAPI converts a decoded message into the API's JSON form. */
function toAPI(type: protobuf.Type, msg: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    if (!has(msg, field.name)) continue;
    const raw = msg[field.name];
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const convert = (v: unknown): unknown => {
      if (!sub) return scalar(field, v);
      const s = special(sub.fullName.replace(/^\./, ''), v as Record<string, unknown>);
      return s ? s.value : toAPI(sub, v as Record<string, unknown>);
    };
    if (field.map) {
      const entries = Object.entries(raw as Record<string, unknown>);
      if (entries.length) out[jsonNames[`${type.name}.${field.name}`] ?? field.name] = Object.fromEntries(entries.map(([k, v]) => [k, convert(v)]));
    } else if (field.repeated) {
      const items = raw as unknown[];
      if (items.length) out[jsonNames[`${type.name}.${field.name}`] ?? field.name] = items.map(convert);
    } else {
      const key = `${type.name}.${field.name}`;
      const value = convert(raw);
      if (value === undefined) continue;
      if (inlineFields.has(key) && value && typeof value === 'object') {
        Object.assign(out, value);
        continue;
      }
      if (!sub && isZero(value) && !keepZero.has(key) && !alwaysEmit.has(key)) continue;
      out[jsonNames[key] ?? field.name] = value;
    }
  }
  return out;
}

function unsupported(detail: string): StatusError {
  const accepted = Object.entries(protobufKinds).flatMap(([v, kinds]) => kinds.map((k) => `${k} (${v})`)).join(', ');
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (${detail}; the simulated server decodes protobuf only for ${accepted})`,
  );
}

/**
 * decodeProtobuf turns a Kubernetes protobuf request body into the object
 * as JSON. Throws 400 for a body without the magic prefix or with a broken
 * message, 415 for kinds or encodings it cannot decode.
 */
export function decodeProtobuf(body: Uint8Array): KObject {
  if (body.length < 4 || !protobufMagic.every((b, i) => body[i] === b)) {
    throw badRequest('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let envelope: Record<string, unknown>;
  try {
    envelope = descriptors().lookupType('k8s.io.apimachinery.pkg.runtime.Unknown').decode(body.subarray(4)) as unknown as Record<string, unknown>;
  } catch (err) {
    throw badRequest(`unable to decode protobuf envelope: ${(err as Error).message}`);
  }
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (envelope.contentEncoding) throw unsupported(`content encoding ${String(envelope.contentEncoding)}`);
  const name = messageName(apiVersion, kind);
  if (!name) throw unsupported(`kind ${kind || '<empty>'} in version ${JSON.stringify(apiVersion)}`);
  const type = descriptors().lookupType(name);
  let msg: Record<string, unknown>;
  try {
    msg = type.decode((envelope.raw as Uint8Array | undefined) ?? new Uint8Array()) as unknown as Record<string, unknown>;
  } catch (err) {
    throw badRequest(`${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}: ${(err as Error).message}`);
  }
  const fields = toAPI(type, msg);
  return { kind, apiVersion, metadata: {}, ...fields } as KObject;
}

/** protobufRoot exposes the descriptor root (tests encode sample objects with the same descriptors). */
export function protobufRoot(): protobuf.Root {
  return descriptors();
}
