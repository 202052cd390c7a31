import { describe, expect, it } from 'vitest';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { StatusError } from '../../../sandbox/providers/sim/api/status.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { baseCluster, request } from './cluster.ts';

type Obj = Record<string, any>;

/** refuse runs a create (or update) through admission and returns the refusal. */
function refuse(obj: KObject, old?: KObject): StatusError {
  try {
    admit(request(old ? 'UPDATE' : 'CREATE', obj, baseCluster(), old ? { oldObject: old } : {}));
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected the request to be refused');
}

/** stored is what the server keeps after a successful create: the admitted object. */
function stored(obj: KObject): KObject {
  return admit(request('CREATE', obj, baseCluster())).object!;
}

const pod = (spec: Obj, name = 'web'): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { automountServiceAccountToken: false, ...spec } });
const claim = (spec: Obj, name = 'data'): KObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec });
const volume = (spec: Obj, name = 'pv1'): KObject => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec });
const deployment = (spec: Obj, name = 'web'): KObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec });
const template = (labels: Record<string, string>, spec: Obj = {}) => ({ metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...spec } });

describe('metadata', () => {
  it('rejects a pod name that is not a DNS subdomain, with the full Status kubectl prints from', () => {
    const e = refuse(pod({ containers: [{ name: 'c', image: 'nginx' }] }, 'My_Pod'));
    expect(e.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 422,
        "details": {
          "causes": [
            {
              "field": "metadata.name",
              "message": "Invalid value: "My_Pod": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
              "reason": "FieldValueInvalid",
            },
          ],
          "kind": "Pod",
          "name": "My_Pod",
        },
        "kind": "Status",
        "message": "Pod "My_Pod" is invalid: metadata.name: Invalid value: "My_Pod": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        "metadata": {},
        "reason": "Invalid",
        "status": "Failure",
      }
    `);
  });

  it('uses the DNS-1035 rule for Services and the label rule for Namespaces', () => {
    expect(refuse({ apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } }).message).toBe(
      `Service "1web" is invalid: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    );
    expect(refuse({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } }).message).toBe(
      `Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    );
  });

  it('checks label keys and values', () => {
    const e = refuse({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { 'bad key': 'spaces are not allowed' } } } as KObject);
    expect(e.message).toMatchInlineSnapshot(`"ConfigMap "cfg" is invalid: [metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), metadata.labels: Invalid value: "spaces are not allowed": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]"`);
  });

  it('refuses to rename an object', () => {
    const old = stored({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { a: 'b' } } as KObject);
    const renamed = structuredClone(old);
    renamed.metadata.name = 'other';
    expect(refuse(renamed, old).message).toBe('ConfigMap "other" is invalid: metadata.name: Invalid value: "other": field is immutable');
  });
});

describe('pods', () => {
  it('needs containers', () => {
    expect(refuse(pod({ containers: [] })).message).toBe('Pod "web" is invalid: spec.containers: Required value');
  });

  it('needs a container name and image, and unique names', () => {
    const e = refuse(pod({ containers: [{ name: 'app', image: 'nginx' }, { name: 'app' }, { image: 'busybox' }] }));
    expect(e.message).toMatchInlineSnapshot(`"Pod "web" is invalid: [spec.containers[1].image: Required value, spec.containers[1].name: Duplicate value: "app", spec.containers[2].name: Required value]"`);
  });

  it('refuses a volume with two sources, naming the second', () => {
    const e = refuse(pod({ containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'data', emptyDir: {}, hostPath: { path: '/srv' } }] }));
    expect(e.message).toBe('Pod "web" is invalid: spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type');
  });

  it('turns a volume with no source into an emptyDir instead of refusing it (v1 defaulting)', () => {
    const p = admit(request('CREATE', pod({ containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'scratch' }] }), baseCluster())).object!;
    expect((p.spec as Obj).volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
  });

  it('refuses a mount of a volume that does not exist, with the full Status', () => {
    const e = refuse(pod({ containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }));
    expect(e.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 422,
        "details": {
          "causes": [
            {
              "field": "spec.containers[0].volumeMounts[0].name",
              "message": "Not found: "data"",
              "reason": "FieldValueNotFound",
            },
          ],
          "kind": "Pod",
          "name": "web",
        },
        "kind": "Status",
        "message": "Pod "web" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "data"",
        "metadata": {},
        "reason": "Invalid",
        "status": "Failure",
      }
    `);
  });

  it('refuses duplicate mount paths and an empty hostPath path', () => {
    const e = refuse(
      pod({
        containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'a', mountPath: '/data' }, { name: 'b', mountPath: '/data' }] }],
        volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', hostPath: { path: '' } }],
      }),
    );
    expect(e.message).toMatchInlineSnapshot(`"Pod "web" is invalid: [spec.volumes[1].hostPath.path: Required value, spec.containers[0].volumeMounts[1].name: Not found: "b", spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique]"`);
  });

  it('refuses a claim volume without claimName and an NFS volume with a relative path', () => {
    const e = refuse(pod({ containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'a', persistentVolumeClaim: {} }, { name: 'b', nfs: { server: 'nfs', path: 'exports' } }] }));
    expect(e.message).toMatchInlineSnapshot(`"Pod "web" is invalid: [spec.volumes[0].persistentVolumeClaim.claimName: Required value, spec.volumes[1].nfs.path: Invalid value: "exports": must be an absolute path]"`);
  });

  it('refuses requests above limits', () => {
    const e = refuse(pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' }, limits: { cpu: '10m' } } }] }));
    expect(e.message).toBe('Pod "web" is invalid: spec.containers[0].resources.requests: Invalid value: "100m": must be less than or equal to cpu limit of 10m');
    // Quantities print in canonical form, whatever spelling the manifest used.
    const m = refuse(pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { memory: '1024Mi' }, limits: { memory: '0.5Gi' } } }] }));
    expect(m.message).toBe('Pod "web" is invalid: spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi');
  });

  it('lets an update change the image but nothing else in the spec', () => {
    const old = stored(pod({ containers: [{ name: 'c', image: 'nginx:1.26' }] }));
    const newImage = structuredClone(old);
    (newImage.spec as Obj).containers[0].image = 'nginx:1.27';
    expect(() => admit(request('UPDATE', newImage, baseCluster(), { oldObject: old }))).not.toThrow();

    const newCommand = structuredClone(old);
    (newCommand.spec as Obj).containers[0].command = ['sleep', 'infinity'];
    expect(refuse(newCommand, old).message).toBe(
      'Pod "web" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  });

  it('lets an update add a toleration but not remove one', () => {
    const own = { key: 'dedicated', operator: 'Equal', value: 'storage', effect: 'NoSchedule' };
    const old = stored(pod({ containers: [{ name: 'c', image: 'x' }], tolerations: [own] }));
    const added = structuredClone(old);
    (added.spec as Obj).tolerations.push({ key: 'k', operator: 'Exists', effect: 'NoSchedule' });
    expect(() => admit(request('UPDATE', added, baseCluster(), { oldObject: old }))).not.toThrow();
    const removed = structuredClone(old);
    (removed.spec as Obj).tolerations = (removed.spec as Obj).tolerations.filter((t: Obj) => t.key !== 'dedicated');
    expect(refuse(removed, old).message).toBe('Pod "web" is invalid: spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds');
  });

  it('refuses adding a container to a running pod', () => {
    const old = stored(pod({ containers: [{ name: 'c', image: 'x' }] }));
    const more = structuredClone(old);
    (more.spec as Obj).containers.push({ name: 'd', image: 'y', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' });
    expect(refuse(more, old).message).toBe('Pod "web" is invalid: spec.containers: Forbidden: pod updates may not add or remove containers');
  });
});

describe('persistent volume claims', () => {
  it('needs access modes and a storage request, with the full Status', () => {
    const e = refuse(claim({}));
    expect(e.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 422,
        "details": {
          "causes": [
            {
              "field": "spec.accessModes",
              "message": "Required value: at least 1 access mode is required",
              "reason": "FieldValueRequired",
            },
            {
              "field": "spec.resources[storage]",
              "message": "Required value",
              "reason": "FieldValueRequired",
            },
          ],
          "kind": "PersistentVolumeClaim",
          "name": "data",
        },
        "kind": "Status",
        "message": "PersistentVolumeClaim "data" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]",
        "metadata": {},
        "reason": "Invalid",
        "status": "Failure",
      }
    `);
  });

  it('lists the supported access modes', () => {
    const e = refuse(claim({ accessModes: ['ReadWriteSometimes'], resources: { requests: { storage: '1Gi' } } }));
    expect(e.message).toBe(
      'PersistentVolumeClaim "data" is invalid: spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
    );
  });

  it('refuses ReadWriteOncePod mixed with other modes', () => {
    const e = refuse(claim({ accessModes: ['ReadWriteOncePod', 'ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }));
    expect(e.message).toBe('PersistentVolumeClaim "data" is invalid: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes');
  });

  const spec = () => ({ accessModes: ['ReadWriteOnce'], storageClassName: 'standard', resources: { requests: { storage: '1Gi' } } });
  const bound = () => {
    const c = stored(claim(spec()));
    c.spec = { ...(c.spec as Obj), volumeName: 'pvc-1' };
    c.status = { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] };
    return c;
  };

  const expandable = (allow: boolean) =>
    baseCluster([{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path', allowVolumeExpansion: allow } as KObject]);

  it('lets a bound claim grow when its class allows expansion, and says why not otherwise', () => {
    const old = bound();
    const grown = structuredClone(old);
    (grown.spec as Obj).resources.requests.storage = '2Gi';
    expect(() => admit(request('UPDATE', grown, expandable(true), { oldObject: old }))).not.toThrow();
    let e: StatusError | undefined;
    try {
      admit(request('UPDATE', grown, expandable(false), { oldObject: old }));
    } catch (x) {
      e = x as StatusError;
    }
    expect(e?.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 403,
        "details": {
          "kind": "persistentvolumeclaims",
          "name": "data",
        },
        "kind": "Status",
        "message": "persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
        "metadata": {},
        "reason": "Forbidden",
        "status": "Failure",
      }
    `);
  });

  it('refuses to shrink a bound claim below its capacity', () => {
    const old = bound();
    (old.spec as Obj).resources.requests.storage = '2Gi';
    const shrunk = structuredClone(old);
    (shrunk.spec as Obj).resources.requests.storage = '500Mi';
    expect(refuse(shrunk, old).message).toBe('PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity');
  });

  it('refuses other spec changes and resizing an unbound claim', () => {
    const old = bound();
    const rwx = structuredClone(old);
    (rwx.spec as Obj).accessModes = ['ReadWriteMany'];
    expect(refuse(rwx, old).message).toBe(
      'PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    );
    const pending = stored(claim(spec()));
    const grown = structuredClone(pending);
    (grown.spec as Obj).resources.requests.storage = '5Gi';
    expect(refuse(grown, pending).message).toContain('spec: Forbidden: spec is immutable after creation');
  });

  it('lets the binder set volumeName once', () => {
    const old = stored(claim(spec()));
    const named = structuredClone(old);
    (named.spec as Obj).volumeName = 'pv-1';
    expect(() => admit(request('UPDATE', named, baseCluster(), { oldObject: old }))).not.toThrow();
  });
});

describe('persistent volumes', () => {
  const base = { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] };

  it('needs node affinity for a local volume', () => {
    expect(refuse(volume({ ...base, local: { path: '/mnt/disks/ssd1' } })).message).toBe(
      'PersistentVolume "pv1" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity',
    );
  });

  it('needs exactly one source', () => {
    expect(refuse(volume(base)).message).toBe('PersistentVolume "pv1" is invalid: spec: Required value: must specify a volume type');
    expect(refuse(volume({ ...base, hostPath: { path: '/a' }, nfs: { server: 'nfs', path: '/b' } })).message).toBe(
      'PersistentVolume "pv1" is invalid: spec.nfs: Forbidden: may not specify more than 1 volume type',
    );
  });

  it('needs capacity and access modes', () => {
    const e = refuse(volume({ hostPath: { path: '/a' } }));
    expect(e.message).toMatchInlineSnapshot(`"PersistentVolume "pv1" is invalid: [spec.accessModes: Required value, spec.capacity: Required value, spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"]"`);
  });

  it('warns about Recycle', () => {
    const r = admit(request('CREATE', volume({ ...base, hostPath: { path: '/a' }, persistentVolumeReclaimPolicy: 'Recycle' }), baseCluster()));
    expect(r.warnings).toEqual(['spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.']);
  });

  it('freezes the volume source', () => {
    const old = stored(volume({ ...base, hostPath: { path: '/a' } }));
    const moved = structuredClone(old);
    (moved.spec as Obj).hostPath.path = '/b';
    expect(refuse(moved, old).message).toBe('PersistentVolume "pv1" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation');
    const bigger = structuredClone(old);
    (bigger.spec as Obj).capacity.storage = '2Gi';
    expect(() => admit(request('UPDATE', bigger, baseCluster(), { oldObject: old }))).not.toThrow();
  });
});

describe('storage classes', () => {
  const sc = (extra: Obj = {}): KObject => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'rancher.io/local-path', parameters: { a: '1' }, ...extra }) as KObject;

  it('needs a provisioner and a known binding mode', () => {
    const e = refuse({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, volumeBindingMode: 'Later' } as KObject);
    expect(e.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 422,
        "details": {
          "causes": [
            {
              "field": "provisioner",
              "message": "Required value",
              "reason": "FieldValueRequired",
            },
            {
              "field": "volumeBindingMode",
              "message": "Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"",
              "reason": "FieldValueNotSupported",
            },
          ],
          "group": "storage.k8s.io",
          "kind": "StorageClass",
          "name": "fast",
        },
        "kind": "Status",
        "message": "StorageClass.storage.k8s.io "fast" is invalid: [provisioner: Required value, volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"]",
        "metadata": {},
        "reason": "Invalid",
        "status": "Failure",
      }
    `);
  });

  it('freezes parameters, provisioner, reclaimPolicy and volumeBindingMode', () => {
    const old = stored(sc());
    const changed = { ...structuredClone(old), parameters: { a: '2' }, provisioner: 'nfs.csi.k8s.io', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' } as KObject;
    expect(refuse(changed, old).message).toMatchInlineSnapshot(`"StorageClass.storage.k8s.io "fast" is invalid: [parameters: Forbidden: updates to parameters are forbidden., provisioner: Forbidden: updates to provisioner are forbidden., reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden., volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable]"`);
  });

  it('lets allowVolumeExpansion change', () => {
    const old = stored(sc());
    expect(() => admit(request('UPDATE', { ...structuredClone(old), allowVolumeExpansion: true } as KObject, baseCluster(), { oldObject: old }))).not.toThrow();
  });
});

describe('workloads', () => {
  it('refuses a Deployment whose selector does not match its template', () => {
    const e = refuse(deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'api' }) }));
    expect(e.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 422,
        "details": {
          "causes": [
            {
              "field": "spec.template.metadata.labels",
              "message": "Invalid value: map[string]string{"app":"api"}: \`selector\` does not match template \`labels\`",
              "reason": "FieldValueInvalid",
            },
          ],
          "group": "apps",
          "kind": "Deployment",
          "name": "web",
        },
        "kind": "Status",
        "message": "Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: \`selector\` does not match template \`labels\`",
        "metadata": {},
        "reason": "Invalid",
        "status": "Failure",
      }
    `);
  });

  it('reports a missing selector twice, as a real server does', () => {
    expect(refuse(deployment({ template: template({ app: 'web', tier: 'front' }) })).message).toBe(
      'Deployment.apps "web" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{"app":"web", "tier":"front"}: `selector` does not match template `labels`]',
    );
  });

  it('refuses an empty selector', () => {
    expect(refuse(deployment({ selector: {}, template: template({ app: 'web' }) })).message).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    );
  });

  it('only restarts Always', () => {
    expect(refuse(deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, { restartPolicy: 'Never' }) })).message).toBe(
      'Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    );
  });

  it('refuses negative replicas', () => {
    expect(refuse(deployment({ replicas: -1, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) })).message).toBe(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  it('freezes the selector', () => {
    const old = stored(deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) }));
    const changed = structuredClone(old);
    (changed.spec as Obj).selector = { matchLabels: { app: 'web', v: '2' } };
    (changed.spec as Obj).template.metadata.labels = { app: 'web', v: '2' };
    expect(refuse(changed, old).message).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  const sts = (extra: Obj = {}): KObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: template({ app: 'db' }, { containers: [{ name: 'db', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }] }),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      ...extra,
    },
  });

  it('accepts a StatefulSet whose pods mount their claim template', () => {
    expect(() => stored(sts())).not.toThrow();
  });

  it('freezes a StatefulSet’s claim templates but not its replicas', () => {
    const old = stored(sts());
    const scaled = structuredClone(old);
    (scaled.spec as Obj).replicas = 3;
    expect(() => admit(request('UPDATE', scaled, baseCluster(), { oldObject: old }))).not.toThrow();
    const bigger = structuredClone(old);
    (bigger.spec as Obj).volumeClaimTemplates[0].spec.resources.requests.storage = '5Gi';
    expect(refuse(bigger, old).message).toBe(
      "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
  });

  it('names StatefulSets with DNS labels', () => {
    const s = sts();
    s.metadata.name = 'db.v1';
    expect(refuse(s).message).toContain('metadata.name: Invalid value: "db.v1": a lowercase RFC 1123 label must consist of');
  });

  it('refuses a Job that would restart Always', () => {
    const job: KObject = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', uid: 'u1' }, spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } } };
    expect(refuse(job).message).toBe('Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"');
  });

  it('refuses a hand-written Job selector without manualSelector', () => {
    const job: KObject = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', uid: 'u1' },
      spec: { selector: { matchLabels: { app: 'pi' } }, template: { metadata: { labels: { app: 'pi' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } } },
    };
    expect(refuse(job).message).toBe(
      'Job.batch "pi" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"pi", "batch.kubernetes.io/controller-uid":"u1"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated',
    );
  });
});

describe('config maps, secrets, services', () => {
  it('checks config keys', () => {
    const e = refuse({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg' }, data: { 'conf/app.yaml': 'x' } } as KObject);
    expect(e.message).toBe(
      `ConfigMap "cfg" is invalid: data[conf/app.yaml]: Invalid value: "conf/app.yaml": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    );
  });

  it('freezes the ClusterIP of a Service but carries it over when a manifest leaves it out', () => {
    const old = stored({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    const reapplied: KObject = { apiVersion: 'v1', kind: 'Service', metadata: { ...old.metadata }, spec: { selector: { app: 'db' }, ports: [{ port: 5432 }] } };
    const r = admit(request('UPDATE', reapplied, baseCluster(), { oldObject: old }));
    expect((r.object!.spec as Obj).clusterIP).toBe((old.spec as Obj).clusterIP);
    const headless: KObject = { ...reapplied, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } };
    expect(refuse(headless, old).message).toBe('Service "db" is invalid: spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set');
  });
});

describe('subresources', () => {
  it('checks a Scale body and leaves other subresource bodies alone', () => {
    const dep = stored(deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) }));
    const scale: KObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: -2 } };
    const req = { ...request('UPDATE', dep, baseCluster(), { oldObject: dep }), subresource: 'scale', object: scale };
    expect(() => admit(req)).toThrow('Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0');
    const ok = { ...req, object: { ...scale, spec: { replicas: 3 } } };
    expect(admit(ok).object).toEqual(ok.object);
  });

  it('lets a status write through without re-running spec rules', () => {
    const old = stored(pod({ containers: [{ name: 'c', image: 'x' }] }));
    const running = structuredClone(old);
    running.status = { phase: 'Running', qosClass: 'BestEffort' };
    const r = admit({ ...request('UPDATE', running, baseCluster(), { oldObject: old }), subresource: 'status' });
    expect((r.object!.status as Obj).phase).toBe('Running');
  });
});

describe('rbac', () => {
  const binding = (roleRef: Obj, subjects: Obj[] = [{ kind: 'User', name: 'jane' }]): KObject =>
    ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'read' }, roleRef, subjects }) as KObject;

  it('defaults apiGroups on bindings and needs rule verbs, groups and resources', () => {
    const b = admit(request('CREATE', binding({ kind: 'Role', name: 'reader' }), baseCluster())).object as Obj;
    expect(b.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(b.subjects[0].apiGroup).toBe('rbac.authorization.k8s.io');
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader' }, rules: [{ verbs: [] }] } as KObject;
    expect(refuse(role).message).toBe(
      'Role.rbac.authorization.k8s.io "reader" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, rules[0].apiGroups: Required value: resource rules must supply at least one api group, rules[0].resources: Required value: resource rules must supply at least one resource]',
    );
  });

  it('freezes roleRef', () => {
    const old = stored(binding({ kind: 'Role', name: 'reader' }));
    const changed = structuredClone(old) as Obj;
    changed.roleRef.name = 'writer';
    expect(refuse(changed as KObject, old).message).toBe(
      'RoleBinding.rbac.authorization.k8s.io "read" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"writer"}: cannot change roleRef',
    );
  });
});

describe('warnings', () => {
  it('lists the PV deprecations in the server’s order', () => {
    const pv: KObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv0001', annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' } },
      spec: {
        capacity: { storage: '5Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Recycle',
        nfs: { server: '192.168.10.17', path: '/exports/pv0001' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'failure-domain.beta.kubernetes.io/zone', operator: 'In', values: ['a'] }] }] } },
      },
    };
    expect(admit(request('CREATE', pv, baseCluster())).warnings).toEqual([
      'metadata.annotations[volume.beta.kubernetes.io/storage-class]: deprecated since v1.8; use "storageClassName" attribute instead',
      'spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.',
      'spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key: failure-domain.beta.kubernetes.io/zone is deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
    ]);
  });

  it('warns about an in-tree rbd volume', () => {
    const pv = volume({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], rbd: { monitors: ['10.0.0.1:6789'], image: 'img' } });
    expect(admit(request('CREATE', pv, baseCluster())).warnings).toEqual(['spec.rbd: deprecated in v1.28, non-functional in v1.31+']);
  });

  it('warns about the beta storage-class annotation on a claim', () => {
    const c = claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    c.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'standard' };
    expect(admit(request('CREATE', c, baseCluster())).warnings).toEqual([
      'metadata.annotations[volume.beta.kubernetes.io/storage-class]: deprecated since v1.8; use "storageClassName" attribute instead',
    ]);
  });
});

describe('block volumes and sub-paths', () => {
  it('accepts a raw block device from a claim and refuses one from an emptyDir', () => {
    const ok = pod({ containers: [{ name: 'c', image: 'x', volumeDevices: [{ name: 'disk', devicePath: '/dev/xvda' }] }], volumes: [{ name: 'disk', persistentVolumeClaim: { claimName: 'block-pvc' } }] });
    expect(() => stored(ok)).not.toThrow();
    const bad = pod({ containers: [{ name: 'c', image: 'x', volumeDevices: [{ name: 'scratch', devicePath: '/dev/xvda' }] }], volumes: [{ name: 'scratch', emptyDir: {} }] });
    expect(refuse(bad).message).toBe(
      'Pod "web" is invalid: spec.containers[0].volumeDevices[0].name: Invalid value: "scratch": can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode',
    );
  });

  it('refuses using one claim as both a mount and a device', () => {
    const e = refuse(
      pod({
        containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'disk', mountPath: '/data' }], volumeDevices: [{ name: 'disk', devicePath: '/dev/xvda' }] }],
        volumes: [{ name: 'disk', persistentVolumeClaim: { claimName: 'c' } }],
      }),
    );
    expect(e.message).toBe(
      'Pod "web" is invalid: [spec.containers[0].volumeMounts[0].name: Invalid value: "disk": must not already exist in volumeDevices, spec.containers[0].volumeDevices[0].name: Invalid value: "disk": must not already exist in volumeMounts]',
    );
  });

  it('refuses an absolute subPath, reported on the list path as the Go code does', () => {
    const e = refuse(pod({ containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'd', mountPath: '/var/lib/mysql', subPath: '/mysql' }] }], volumes: [{ name: 'd', emptyDir: {} }] }));
    expect(e.message).toBe('Pod "web" is invalid: spec.containers[0].volumeMounts.subPath: Invalid value: "/mysql": must be a relative path');
  });
});

describe('generateName', () => {
  it('checks the prefix with its trailing dash masked', () => {
    const p = pod({ containers: [{ name: 'c', image: 'x' }] }, 'Web-abcde');
    p.metadata.generateName = 'Web-';
    const e = refuse(p);
    expect(e.toStatus().details?.causes?.map((c) => c.field)).toEqual(['metadata.generateName', 'metadata.name']);
    expect(e.message).toContain('metadata.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain must consist of');
  });
});

describe('size limits', () => {
  it('caps ConfigMaps and Secrets at 1 MiB with the real field paths', () => {
    const big = 'x'.repeat((1 << 20) + 1);
    expect(refuse({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'skills' }, data: { a: big } } as KObject).message).toBe(
      'ConfigMap "skills" is invalid: []: Too long: may not be more than 1048576 bytes',
    );
    const b64 = Buffer.alloc((1 << 20) + 3).toString('base64');
    expect(refuse({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rel' }, data: { release: b64 } } as KObject).message).toBe(
      'Secret "rel" is invalid: data: Too long: may not be more than 1048576 bytes',
    );
  });
});

describe('claim size warnings', () => {
  it('warns about a fractional byte request', () => {
    const c = claim({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1500m' } } });
    expect(admit(request('CREATE', c, baseCluster())).warnings).toEqual(['spec.resources.requests[storage]: fractional byte value "1500m" is invalid, must be an integer']);
  });
});

describe('pod warnings', () => {
  it('flags the removed in-tree rbd plugin and fractional memory, on pods and templates', () => {
    const rbdVolume = { name: 'ceph', rbd: { monitors: ['10.0.0.1:6789'], image: 'foo' } };
    const p = pod({ containers: [{ name: 'c', image: 'x', resources: { requests: { memory: '0.5Mi' } } }], volumes: [rbdVolume] });
    expect(admit(request('CREATE', p, baseCluster())).warnings).toEqual([
      'spec.volumes[0].rbd: deprecated in v1.28, non-functional in v1.31+',
    ]);
    const d = deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, { volumes: [rbdVolume], containers: [{ name: 'web', image: 'x', resources: { limits: { memory: '1.5' } } }] }) });
    expect(admit(request('CREATE', d, baseCluster())).warnings).toEqual([
      'spec.template.spec.volumes[0].rbd: deprecated in v1.28, non-functional in v1.31+',
      'spec.template.spec.containers[0].resources.limits[memory]: fractional byte value "1500m" is invalid, must be an integer',
    ]);
  });

  it('flags duplicate ports and a shadowed env entry', () => {
    const p = pod({
      containers: [
        { name: 'a', image: 'x', ports: [{ containerPort: 80 }], env: [{ name: 'MODE', value: 'a' }, { name: 'MODE', value: 'b' }] },
        { name: 'b', image: 'x', ports: [{ containerPort: 80 }] },
      ],
    });
    expect(admit(request('CREATE', p, baseCluster())).warnings).toEqual([
      'spec.containers[0].env[1]: hides previous definition of "MODE", which may be dropped when using apply',
      'spec.containers[1].ports[0]: duplicate port definition with spec.containers[0].ports[0]',
    ]);
  });
});

describe('cron jobs', () => {
  it('refuses a schedule without five fields, as a real server prints it', () => {
    const cj = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'backup-check' },
      spec: { schedule: 'off', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'x' }] } } } } },
    } as KObject;
    expect(refuse(cj).message).toBe('CronJob.batch "backup-check" is invalid: spec.schedule: Invalid value: "off": expected exactly 5 fields, found 1: [off]');
  });
});

describe('local volume node affinity', () => {
  it('checks the required terms and their operators', () => {
    const pv = volume({
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      local: { path: '/mnt/disks/ssd1' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'Equals', values: ['lab-worker2'] }] }] } },
    });
    expect(refuse(pv).message).toBe(
      'PersistentVolume "pv1" is invalid: spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator',
    );
    const empty = volume({ capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disks/ssd1' }, nodeAffinity: {} });
    expect(refuse(empty).message).toBe('PersistentVolume "pv1" is invalid: spec.nodeAffinity.required: Required value: must specify required node constraints');
  });
});
