/**
 * storage validation, after kubernetes pkg/apis/storage/validation/validation.go:
 * StorageClass (provisioner, reclaim policy, binding mode; parameters,
 * provisioner, reclaimPolicy and volumeBindingMode frozen), CSIDriver and
 * VolumeAttachment basics.
 */
import type { KObject } from '../../store/types.ts';
import { isDNS1123Subdomain, isQualifiedName } from '../names.ts';
import { type FieldError, fieldImmutable, forbidden, invalid, notSupported, required, tooLong } from './errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';

type Obj = Record<string, any>;

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a ?? null)) === JSON.stringify(sortKeys(b ?? null));
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v as Obj).sort().map((k) => [k, sortKeys((v as Obj)[k])]));
  return v;
}

const scReclaimPolicies = ['Delete', 'Retain'];
const bindingModes = ['Immediate', 'WaitForFirstConsumer'];

export function validateStorageClass(sc: KObject): FieldError[] {
  const errs = validateObjectMeta(sc.metadata, false);
  const o = sc as Obj;
  if (!o.provisioner) errs.push(required('provisioner'));
  else for (const m of isQualifiedName(String(o.provisioner).toLowerCase())) errs.push(invalid('provisioner', o.provisioner, m));
  for (const k of Object.keys(o.parameters ?? {})) if (k.length < 1) errs.push(invalid('parameters', k, 'field can not be empty.'));
  if (o.reclaimPolicy && !scReclaimPolicies.includes(o.reclaimPolicy)) errs.push(notSupported('reclaimPolicy', o.reclaimPolicy, scReclaimPolicies));
  if (o.volumeBindingMode == null) errs.push(required('volumeBindingMode'));
  else if (!bindingModes.includes(o.volumeBindingMode)) errs.push(notSupported('volumeBindingMode', o.volumeBindingMode, bindingModes));
  return errs;
}

export function validateStorageClassUpdate(sc: KObject, old: KObject): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata);
  const a = sc as Obj;
  const b = old as Obj;
  if (!deepEqual(a.parameters, b.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (a.provisioner !== b.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (a.reclaimPolicy !== b.reclaimPolicy) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (a.volumeBindingMode !== b.volumeBindingMode) errs.push(invalid('volumeBindingMode', a.volumeBindingMode ?? null, fieldImmutable));
  return errs;
}

const fsGroupPolicies = ['File', 'None', 'ReadWriteOnceWithFSType'];
const lifecycleModes = ['Ephemeral', 'Persistent'];

/**
 * validateCSIDriverName is ValidateCSIDriverName: required, at most 63 bytes (TooLong), a DNS subdomain once
 * lower-cased. ValidateCSIDriver applies it to the object name on the path `name` (path from memory, not verified).
 */
function validateCSIDriverName(name: string | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!name) return [required(path)];
  if (name.length > 63) errs.push(tooLong(path, 63));
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(invalid(path, name, m));
  return errs;
}

export function validateCSIDriver(d: KObject): FieldError[] {
  const errs = [...validateObjectMeta(d.metadata, false, () => []), ...validateCSIDriverName(d.metadata.name, 'name')];
  const s = (d.spec ?? {}) as Obj;
  if (s.attachRequired == null) errs.push(required('spec.attachRequired'));
  if (s.podInfoOnMount == null) errs.push(required('spec.podInfoOnMount'));
  if (s.fsGroupPolicy != null && !fsGroupPolicies.includes(s.fsGroupPolicy)) errs.push(notSupported('spec.fsGroupPolicy', s.fsGroupPolicy, fsGroupPolicies));
  for (const m of s.volumeLifecycleModes ?? []) if (!lifecycleModes.includes(m)) errs.push(notSupported('spec.volumeLifecycleModes', m, lifecycleModes));
  return errs;
}

export function validateCSIDriverUpdate(d: KObject, old: KObject): FieldError[] {
  const errs = [...validateObjectMetaUpdate(d.metadata, old.metadata), ...validateCSIDriver(d)];
  const a = (d.spec ?? {}) as Obj;
  const b = (old.spec ?? {}) as Obj;
  for (const f of ['attachRequired', 'fsGroupPolicy', 'volumeLifecycleModes']) {
    if (!deepEqual(a[f], b[f])) errs.push(invalid(`spec.${f}`, a[f] ?? null, fieldImmutable));
  }
  return errs;
}

export function validateVolumeAttachment(va: KObject): FieldError[] {
  const errs = validateObjectMeta(va.metadata, false);
  const s = (va.spec ?? {}) as Obj;
  if (!s.attacher) errs.push(required('spec.attacher'));
  const src = s.source ?? {};
  if (src.inlineVolumeSpec == null && src.persistentVolumeName == null)
    errs.push(required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (src.inlineVolumeSpec != null && src.persistentVolumeName != null)
    errs.push(forbidden('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (src.persistentVolumeName === '') errs.push(required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  for (const m of isDNS1123Subdomain(s.nodeName ?? '')) errs.push(invalid('spec.nodeName', s.nodeName ?? '', m));
  return errs;
}

export function validateVolumeAttachmentUpdate(va: KObject, old: KObject, subresource?: string): FieldError[] {
  const errs = [...validateObjectMetaUpdate(va.metadata, old.metadata), ...validateVolumeAttachment(va)];
  if (subresource !== 'status' && !deepEqual(va.spec, old.spec)) {
    // The real value is the internal VolumeAttachmentSpec printed with %#v; abbreviated here.
    errs.push(invalid('spec', null, fieldImmutable, 'storage.VolumeAttachmentSpec{…}'));
  }
  return errs;
}
