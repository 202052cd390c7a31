import { describe, expect, it } from 'vitest';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { ArrayStore, baseCluster, refusal, request } from './cluster.ts';

type Obj = Record<string, any>;

const claim = (spec: Obj = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

const storageClass = (name: string, created: string, isDefault: boolean): KObject =>
  ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, creationTimestamp: created, annotations: isDefault ? { 'storageclass.kubernetes.io/is-default-class': 'true' } : {} },
    provisioner: 'rancher.io/local-path',
  }) as KObject;

describe('DefaultStorageClass', () => {
  const classOf = (store: ArrayStore, spec: Obj = {}) => (admit(request('CREATE', claim(spec), store)).object!.spec as Obj).storageClassName;

  it('leaves the class unset when no class is the default', () => {
    expect(classOf(baseCluster([storageClass('slow', '2026-01-01T00:00:00Z', false)]))).toBeUndefined();
  });

  it('fills in the one default class', () => {
    expect(classOf(baseCluster([storageClass('slow', '2026-01-01T00:00:00Z', false), storageClass('standard', '2026-01-01T00:00:00Z', true)]))).toBe('standard');
  });

  it('picks the newest of two default classes', () => {
    const store = baseCluster([storageClass('old', '2026-01-01T00:00:00Z', true), storageClass('new', '2026-02-01T00:00:00Z', true)]);
    expect(classOf(store)).toBe('new');
  });

  it('honours the beta default annotation too', () => {
    const sc = storageClass('beta', '2026-01-01T00:00:00Z', false);
    sc.metadata.annotations = { 'storageclass.beta.kubernetes.io/is-default-class': 'true' };
    expect(classOf(baseCluster([sc]))).toBe('beta');
  });

  it('keeps an explicit empty class (the "no dynamic provisioning" spelling)', () => {
    expect(classOf(baseCluster([storageClass('standard', '2026-01-01T00:00:00Z', true)]), { storageClassName: '' })).toBe('');
  });

  it('does not run on update', () => {
    const store = baseCluster([storageClass('standard', '2026-01-01T00:00:00Z', true)]);
    const old = admit(request('CREATE', claim(), baseCluster())).object!;
    const r = admit(request('UPDATE', claim(), store, { oldObject: old }));
    expect((r.object!.spec as Obj).storageClassName).toBeUndefined();
  });
});

describe('DefaultTolerationSeconds', () => {
  const pod = (tolerations?: Obj[]): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { tolerations, containers: [{ name: 'c', image: 'x' }] } });

  it('keeps a pod’s own not-ready toleration and adds only unreachable', () => {
    const own = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
    const spec = admit(request('CREATE', pod([own]), baseCluster())).object!.spec as Obj;
    expect(spec.tolerations).toEqual([own, { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 }]);
  });

  it('adds nothing when a pod tolerates everything', () => {
    const all = { operator: 'Exists' };
    const spec = admit(request('CREATE', pod([all]), baseCluster())).object!.spec as Obj;
    expect(spec.tolerations).toEqual([all]);
  });
});

describe('StorageObjectInUseProtection', () => {
  it('adds the protection finalizer once, after the ones already there', () => {
    const c = claim();
    c.metadata.finalizers = ['example.com/keep', 'kubernetes.io/pvc-protection'];
    expect(admit(request('CREATE', c, baseCluster())).object!.metadata.finalizers).toEqual(['example.com/keep', 'kubernetes.io/pvc-protection']);
    const c2 = claim();
    c2.metadata.finalizers = ['example.com/keep'];
    expect(admit(request('CREATE', c2, baseCluster())).object!.metadata.finalizers).toEqual(['example.com/keep', 'kubernetes.io/pvc-protection']);
  });
});

describe('NamespaceLifecycle', () => {
  const cm = (ns: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: ns }, data: { a: 'b' } } as KObject);

  it('refuses content in a namespace that does not exist', () => {
    const e = refusal(() => admit(request('CREATE', cm('nope'), baseCluster())));
    expect(e.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 404,
        "details": {
          "kind": "namespaces",
          "name": "nope",
        },
        "kind": "Status",
        "message": "namespaces "nope" not found",
        "metadata": {},
        "reason": "NotFound",
        "status": "Failure",
      }
    `);
  });

  it('refuses content in a namespace being terminated', () => {
    const store = baseCluster([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed', deletionTimestamp: '2026-01-01T00:00:00Z' }, status: { phase: 'Terminating' } }]);
    const e = refusal(() => admit(request('CREATE', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'doomed' }, spec: { containers: [{ name: 'c', image: 'x' }] } }, store)));
    expect(e.code).toBe(403);
    expect(e.message).toBe('pods "x" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  });

  it('refuses to delete the immortal namespaces, and only those', () => {
    const store = baseCluster([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' }, status: { phase: 'Active' } }]);
    const del = (name: string) => admit(request('DELETE', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, store, { object: undefined }));
    for (const name of ['default', 'kube-system', 'kube-public']) {
      expect(refusal(() => del(name)).message).toBe(`namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
    expect(del('lab')).toEqual({ warnings: [] });
  });

  it('lets updates and deletes through in a terminating namespace', () => {
    const store = baseCluster([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'doomed' }, status: { phase: 'Terminating' } }]);
    const old = admit(request('CREATE', cm('default'), baseCluster())).object!;
    old.metadata.namespace = 'doomed';
    expect(() => admit(request('UPDATE', cm('doomed'), store, { oldObject: old }))).not.toThrow();
    expect(() => admit(request('DELETE', cm('doomed'), store, { object: undefined }))).not.toThrow();
  });
});

describe('ServiceAccount', () => {
  const pod = (spec: Obj = {}): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx' }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });

  it('refuses a pod whose service account does not exist, like a real server', () => {
    const e = refusal(() => admit(request('CREATE', pod({ serviceAccountName: 'builder' }), baseCluster())));
    expect(e.toStatus()).toMatchInlineSnapshot(`
      {
        "apiVersion": "v1",
        "code": 403,
        "details": {
          "kind": "pods",
          "name": "nginx",
        },
        "kind": "Status",
        "message": "pods "nginx" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found",
        "metadata": {},
        "reason": "Forbidden",
        "status": "Failure",
      }
    `);
  });

  it('mounts no token when the pod or its account opts out', () => {
    const optOut = admit(request('CREATE', pod({ automountServiceAccountToken: false }), baseCluster())).object!.spec as Obj;
    expect(optOut.volumes).toBeUndefined();
    expect(optOut.containers[0].volumeMounts).toBeUndefined();
    const store = baseCluster([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quiet', namespace: 'default' }, automountServiceAccountToken: false } as KObject]);
    const quiet = admit(request('CREATE', pod({ serviceAccountName: 'quiet' }), store)).object!.spec as Obj;
    expect(quiet.volumes).toBeUndefined();
    expect(quiet.serviceAccount).toBe('quiet');
  });

  it('does not mount over a container’s own mount at the token path, but mounts the others', () => {
    const spec = admit(
      request(
        'CREATE',
        pod({
          containers: [
            { name: 'a', image: 'x', volumeMounts: [{ name: 'own', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] },
            { name: 'b', image: 'x' },
          ],
          volumes: [{ name: 'own', emptyDir: {} }],
        }),
        baseCluster(),
      ),
    ).object!.spec as Obj;
    expect(spec.containers[0].volumeMounts).toHaveLength(1);
    expect(spec.containers[1].volumeMounts[0].name).toMatch(/^kube-api-access-/);
    expect(spec.volumes).toHaveLength(2);
  });
});

describe('Priority', () => {
  it('resolves the system classes and refuses unknown ones', () => {
    const pod = (priorityClassName: string): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { priorityClassName, containers: [{ name: 'c', image: 'x' }] } });
    expect((admit(request('CREATE', pod('system-node-critical'), baseCluster())).object!.spec as Obj).priority).toBe(2000001000);
    expect(refusal(() => admit(request('CREATE', pod('gold'), baseCluster()))).message).toBe('pods "p" is forbidden: no PriorityClass with name gold was found');
  });
});

describe('pod plugins on update', () => {
  it('keep priority and give dropped default tolerations back, so a PUT of the full pod is not a spec change', () => {
    const old = admit(request('CREATE', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'x' }] } }, baseCluster())).object!;
    const put = structuredClone(old);
    delete (put.spec as Obj).tolerations;
    delete (put.spec as Obj).priority;
    const r = admit(request('UPDATE', put, baseCluster(), { oldObject: old }));
    expect((r.object!.spec as Obj).tolerations).toEqual((old.spec as Obj).tolerations);
    expect((r.object!.spec as Obj).priority).toBe(0);
  });
});

describe('ServiceAccount imagePullSecrets', () => {
  it('copies the account’s pull secrets to a pod that has none', () => {
    const store = baseCluster([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'default' }, imagePullSecrets: [{ name: 'regcred' }] } as KObject]);
    const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image: 'x' }] } };
    expect((admit(request('CREATE', pod, store)).object!.spec as Obj).imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });
});
