/**
 * ServiceAccount admission, after kubernetes
 * plugin/pkg/admission/serviceaccount/admission.go: a pod without
 * serviceAccountName gets `default`; the account must exist; unless
 * automounting is turned off, every container mounts the projected
 * `kube-api-access-<5 chars>` volume (token, kube-root-ca.crt, namespace) at
 * /var/run/secrets/kubernetes.io/serviceaccount.
 */
import { forbidden } from '../../api/status.ts';
import type { KObject } from '../../store/types.ts';
import type { AdmissionRequest } from '../types.ts';

type Obj = Record<string, any>;

export const defaultAPITokenMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';
const serviceAccountVolumeName = 'kube-api-access';
/** warnOnlyBoundTokenExpirationSeconds: the 3607 s the plugin asks for (serviceaccount.WarnOnlyBoundTokenExpirationSeconds). */
const tokenExpirationSeconds = 3607;
/** nameAlphabet is utilrand's alphabet (no vowels, no confusable digits). */
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** randomSuffix is utilrand.String(n). */
export function randomSuffix(n = 5, random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < n; i++) s += nameAlphabet[Math.floor(random() * nameAlphabet.length)];
  return s;
}

function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: tokenExpirationSeconds, path: 'token' } },
        { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
        { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
      ],
    },
  };
}

export function serviceAccountAdmission(req: AdmissionRequest, pod: KObject): void {
  if (req.operation !== 'CREATE' || req.subresource) return;
  // Mirror pods (static pods reported by a kubelet) are left alone.
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
  const spec = (pod.spec ??= {}) as Obj;
  if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
  const sa = req.store.get({ group: '', resource: 'serviceaccounts' }, req.namespace, spec.serviceAccountName);
  if (!sa) {
    throw forbidden(
      { group: '', resource: 'pods' },
      req.name,
      `error looking up service account ${req.namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`,
    );
  }
  // A pod without imagePullSecrets inherits its account's.
  const pullSecrets = (sa as Obj).imagePullSecrets as Obj[] | undefined;
  if (!(spec.imagePullSecrets ?? []).length && pullSecrets?.length) spec.imagePullSecrets = pullSecrets.map((s) => ({ name: s.name }));
  const automount = spec.automountServiceAccountToken ?? (sa as Obj).automountServiceAccountToken ?? true;
  if (!automount) return;

  const volumes = (spec.volumes ??= []) as Obj[];
  let volumeName = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(`${serviceAccountVolumeName}-`))?.name as string | undefined;
  const hasVolume = volumeName !== undefined;
  volumeName ??= `${serviceAccountVolumeName}-${randomSuffix()}`;
  let needsVolume = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[]) {
    const mounts = (c.volumeMounts ??= []) as Obj[];
    if (mounts.some((m) => m.mountPath === defaultAPITokenMountPath)) continue;
    mounts.push({ mountPath: defaultAPITokenMountPath, name: volumeName, readOnly: true });
    needsVolume = true;
  }
  if (!hasVolume && needsVolume) volumes.push(tokenVolume(volumeName));
  if (volumes.length === 0) delete spec.volumes;
}
