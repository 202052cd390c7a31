/**
 * Checks a lesson manifest the way a current API server would judge it, using
 * maintained schema packages rather than hand-written schemas:
 *
 * 1. the apiVersion must still be served: a table of the group/versions that
 *    Kubernetes removed, from the deprecation guide
 *    (https://kubernetes.io/docs/reference/using-api/deprecation-guide/);
 * 2. the object must validate against the Kubernetes JSON schema shipped by
 *    `kubernetes-models` 4.5 (types and required fields, e.g. a Deployment's
 *    `selector`). Its models follow Kubernetes 1.33, the lab's version (they
 *    have 1.33's `lifecycle.stopSignal`, not 1.34's `fileKeyRef`; its README
 *    badge still says 1.27). 5.x would need Node 22;
 * 3. no unknown fields (what `kubectl apply`'s default strict field validation
 *    rejects with `unknown field "spec.foo"`), judged by the OpenAPI type map of
 *    `@kubernetes/client-node` (generated from the Kubernetes v1.34 spec), since
 *    the JSON schema allows extra properties.
 */
import * as clientNode from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/** RemovedApi says when Kubernetes stopped serving a group/version; `kinds`, when set, limits it to those kinds (kind -> version it was removed in). */
interface RemovedApi {
  removedIn: string;
  kinds?: Record<string, string>;
  replacement: string;
}

/** removedApis are the group/versions a manifest must not use on Kubernetes 1.33 (deprecation guide). */
export const removedApis: Record<string, RemovedApi> = {
  'extensions/v1beta1': { removedIn: '1.16', replacement: 'apps/v1 (Ingress: networking.k8s.io/v1, removed in 1.22)' },
  'apps/v1beta1': { removedIn: '1.16', replacement: 'apps/v1' },
  'apps/v1beta2': { removedIn: '1.16', replacement: 'apps/v1' },
  'storage.k8s.io/v1beta1': {
    removedIn: '1.22',
    // VolumeAttributesClass is still served as storage.k8s.io/v1beta1 in 1.33.
    kinds: { StorageClass: '1.22', VolumeAttachment: '1.22', CSIDriver: '1.22', CSINode: '1.22', CSIStorageCapacity: '1.27' },
    replacement: 'storage.k8s.io/v1',
  },
  'networking.k8s.io/v1beta1': { removedIn: '1.22', kinds: { Ingress: '1.22', IngressClass: '1.22' }, replacement: 'networking.k8s.io/v1' },
  'rbac.authorization.k8s.io/v1beta1': { removedIn: '1.22', replacement: 'rbac.authorization.k8s.io/v1' },
  'admissionregistration.k8s.io/v1beta1': {
    removedIn: '1.22',
    kinds: { MutatingWebhookConfiguration: '1.22', ValidatingWebhookConfiguration: '1.22' },
    replacement: 'admissionregistration.k8s.io/v1',
  },
  'apiextensions.k8s.io/v1beta1': { removedIn: '1.22', replacement: 'apiextensions.k8s.io/v1' },
  'apiregistration.k8s.io/v1beta1': { removedIn: '1.22', replacement: 'apiregistration.k8s.io/v1' },
  'certificates.k8s.io/v1beta1': { removedIn: '1.22', replacement: 'certificates.k8s.io/v1' },
  'coordination.k8s.io/v1beta1': { removedIn: '1.22', replacement: 'coordination.k8s.io/v1' },
  'batch/v1beta1': { removedIn: '1.25', replacement: 'batch/v1' },
  'policy/v1beta1': { removedIn: '1.25', replacement: 'policy/v1 (PodSecurityPolicy has no replacement)' },
  'discovery.k8s.io/v1beta1': { removedIn: '1.25', replacement: 'discovery.k8s.io/v1' },
  'events.k8s.io/v1beta1': { removedIn: '1.25', replacement: 'events.k8s.io/v1' },
  'node.k8s.io/v1beta1': { removedIn: '1.25', replacement: 'node.k8s.io/v1' },
  'autoscaling/v2beta1': { removedIn: '1.25', replacement: 'autoscaling/v2' },
  'autoscaling/v2beta2': { removedIn: '1.26', replacement: 'autoscaling/v2' },
  'flowcontrol.apiserver.k8s.io/v1beta1': { removedIn: '1.26', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  'flowcontrol.apiserver.k8s.io/v1beta2': { removedIn: '1.29', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
  'flowcontrol.apiserver.k8s.io/v1beta3': { removedIn: '1.32', replacement: 'flowcontrol.apiserver.k8s.io/v1' },
};

/** ManifestDocument is one YAML document of a manifest file, parsed. */
export interface ManifestDocument {
  index: number;
  object: unknown;
}

/** parseManifest parses a (multi-document) YAML file; YAML syntax errors become problems naming the file and line. */
export function parseManifest(file: string, text: string): { documents: ManifestDocument[]; problems: string[] } {
  const problems: string[] = [];
  const documents: ManifestDocument[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if ('errors' in doc && doc.errors.length > 0) {
      for (const e of doc.errors) problems.push(`${file}: YAML error: ${e.message.split('\n')[0]}`);
      return;
    }
    const object = doc.toJS();
    if (object === null || object === undefined) return; // an empty document (e.g. a trailing ---)
    documents.push({ index, object });
  });
  if (documents.length === 0 && problems.length === 0) problems.push(`${file}: has no Kubernetes object`);
  return { documents, problems };
}

type ModelClass = new (data: unknown) => { validate(): void };

/** modelFor finds the kubernetes-models class for apiVersion + kind, e.g. apps/v1 Deployment. */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const modulePath = `kubernetes-models/${apiVersion}`;
  try {
    const mod = (await import(/* @vite-ignore */ modulePath)) as Record<string, unknown>;
    const model = mod[kind];
    return typeof model === 'function' ? (model as ModelClass) : undefined;
  } catch {
    return undefined;
  }
}

interface Attribute {
  baseName: string;
  type: string;
}

/** typeMapFor returns the attribute list of a @kubernetes/client-node model class by name (e.g. "V1DeploymentSpec"). */
function typeMapFor(typeName: string): Attribute[] | undefined {
  const model = (clientNode as unknown as Record<string, { attributeTypeMap?: Attribute[] }>)[typeName];
  return model?.attributeTypeMap;
}

/** clientNodeTypeName maps apiVersion + kind to the generated class name: apps/v1 Deployment -> V1Deployment. */
function clientNodeTypeName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() ?? apiVersion;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${kind}`;
}

/** unknownFields lists the paths of fields the OpenAPI types of Kubernetes don't have. */
export function unknownFields(value: unknown, type: string, path: string): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return Array.isArray(value) ? value.flatMap((v, i) => unknownFields(v, array[1]!, `${path}[${i}]`)) : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    return typeof value === 'object'
      ? Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => unknownFields(v, map[1]!, `${path}.${k}`))
      : [];
  }
  const attributes = typeMapFor(type);
  if (!attributes || typeof value !== 'object' || Array.isArray(value)) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const attribute = attributes.find((a) => a.baseName === key);
    const childPath = path ? `${path}.${key}` : key;
    if (!attribute) found.push(childPath);
    else found.push(...unknownFields(child, attribute.type, childPath));
  }
  return found;
}

/** validateObject returns the problems a Kubernetes 1.33 API server would have with one object (empty when it is fine). */
export async function validateObject(file: string, doc: ManifestDocument): Promise<string[]> {
  const object = doc.object as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  const where = `${file} (document ${doc.index + 1})`;
  if (typeof object !== 'object' || Array.isArray(object)) return [`${where}: is not a Kubernetes object (a mapping)`];
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return [`${where}: needs apiVersion and kind`];
  const name = typeof object.metadata?.name === 'string' ? ` ${object.metadata.name}` : '';
  const label = `${where}, ${kind}${name}`;

  const removed = removedApis[apiVersion];
  const removedIn = removed && (removed.kinds ? removed.kinds[kind] : removed.removedIn);
  if (removed && removedIn) {
    return [`${label}: apiVersion ${apiVersion} is no longer served (removed in Kubernetes ${removedIn}); use ${removed.replacement}`];
  }

  const Model = await modelFor(apiVersion, kind);
  if (!Model) return [`${label}: apiVersion ${apiVersion} kind ${kind} is not a Kubernetes built-in type`];
  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    for (const part of message.split(/,\s*(?=data[/ ])/)) problems.push(`${label}: ${part.replace(/^data\/?/, '').replace(/\//g, '.')}`);
  }
  const typeName = clientNodeTypeName(apiVersion, kind);
  if (typeMapFor(typeName)) {
    for (const field of unknownFields(object, typeName, '')) problems.push(`${label}: unknown field "${field}"`);
  }
  return problems;
}

/** validateManifest parses a manifest file and validates every object in it. */
export async function validateManifest(file: string, text: string): Promise<string[]> {
  const { documents, problems } = parseManifest(file, text);
  for (const doc of documents) problems.push(...(await validateObject(file, doc)));
  return problems;
}
