import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openapiDocument, openapiRoot, patchMetaAt, schemaFor, unknownFields } from '../../../sandbox/providers/sim/api/openapi/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
const doc = (gv: string): any => JSON.parse(openapiDocument(gv)!.body);

describe('OpenAPI v3 root', () => {
  it('lists one hashed document per served group version', () => {
    const root = openapiRoot();
    expect(Object.keys(root.paths)).toEqual([
      'api/v1', 'apis/apps/v1', 'apis/events.k8s.io/v1', 'apis/batch/v1', 'apis/policy/v1',
      'apis/rbac.authorization.k8s.io/v1', 'apis/storage.k8s.io/v1', 'apis/coordination.k8s.io/v1',
    ]);
    const url = root.paths['apis/storage.k8s.io/v1']!.serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/storage\.k8s\.io\/v1\?hash=[0-9A-F]{128}$/);
    const d = openapiDocument('apis/storage.k8s.io/v1')!;
    expect(url.endsWith(d.hash)).toBe(true);
    expect(d.hash).toBe(createHash('sha512').update(d.body).digest('hex').toUpperCase());
    expect(openapiDocument('/openapi/v3/apis/storage.k8s.io/v1')).toBe(d);
    expect(openapiDocument(url)).toBe(d);
    expect(openapiDocument('apis/extensions/v1beta1')).toBeUndefined();
  });
});

describe('group version documents', () => {
  it('gives every served kind a PATCH operation kubectl accepts for server-side field validation', () => {
    for (const [gv, kinds] of Object.entries({ 'api/v1': ['Pod', 'PersistentVolumeClaim', 'PersistentVolume', 'ConfigMap', 'Namespace'], 'apis/apps/v1': ['Deployment', 'StatefulSet'], 'apis/storage.k8s.io/v1': ['StorageClass', 'CSIDriver'] })) {
      const d = doc(gv);
      for (const kind of kinds) {
        const patches = Object.values<any>(d.paths).map((p) => p.patch).filter((p) => p?.['x-kubernetes-group-version-kind']?.kind === kind);
        expect(patches.length, kind).toBeGreaterThan(0);
        const op = patches[0];
        expect(op['x-kubernetes-group-version-kind']).toEqual({ group: gv === 'api/v1' ? '' : gv.split('/')[1], kind, version: 'v1' });
        expect(op.parameters.map((p: any) => `${p.in}:${p.name}`)).toContain('query:fieldValidation');
        expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
      }
    }
  });

  it('names components like upstream and tags kinds with a GVK array', () => {
    const s = doc('api/v1').components.schemas;
    expect(s['io.k8s.api.core.v1.PersistentVolumeClaim']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'PersistentVolumeClaim', version: 'v1' }]);
    expect(s['io.k8s.api.core.v1.PersistentVolumeClaimList']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'PersistentVolumeClaimList', version: 'v1' }]);
    expect(s['io.k8s.api.core.v1.Pod'].description).toBe('Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.');
    expect(s['io.k8s.api.core.v1.Pod'].properties.metadata).toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }],
      default: {},
      description: "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    });
    expect(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString']).toMatchObject({ format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] });
    expect(s['io.k8s.apimachinery.pkg.api.resource.Quantity']).toMatchObject({ oneOf: [{ type: 'string' }, { type: 'number' }] });
    expect(s['io.k8s.apimachinery.pkg.apis.meta.v1.Time']).toMatchObject({ type: 'string', format: 'date-time' });
    expect(s['io.k8s.api.core.v1.PersistentVolumeSpec'].properties.capacity.additionalProperties).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' }], default: {} });
    expect(s['io.k8s.api.core.v1.Secret'].properties.data.additionalProperties).toEqual({ type: 'string', format: 'byte' });
    expect(s['io.k8s.api.core.v1.ContainerPort'].required).toEqual(['containerPort']);
  });

  it('carries the patch tags kubectl apply needs', () => {
    const s = doc('apis/apps/v1').components.schemas;
    expect(s['io.k8s.api.core.v1.PodSpec'].properties.containers).toMatchObject({ type: 'array', 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] });
    expect(s['io.k8s.api.core.v1.PodSpec'].properties.volumes['x-kubernetes-patch-strategy']).toBe('merge,retainKeys');
    expect(s['io.k8s.api.core.v1.Container'].properties.volumeMounts['x-kubernetes-patch-merge-key']).toBe('mountPath');
    expect(s['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy['x-kubernetes-patch-strategy']).toBe('retainKeys');
  });

  it('keeps storage field descriptions for kubectl explain', () => {
    const s = doc('api/v1').components.schemas;
    expect(s['io.k8s.api.core.v1.PersistentVolumeClaimSpec'].properties.storageClassName.description).toMatch(/^storageClassName is the name of the StorageClass required by the claim/);
    expect(s['io.k8s.api.core.v1.PersistentVolumeSpec'].properties.claimRef.description).toMatch(/^claimRef is part of a bi-directional binding/);
    expect(s['io.k8s.api.core.v1.Volume'].properties.persistentVolumeClaim.description).toMatch(/^persistentVolumeClaimVolumeSource represents a reference/);
    const sc = doc('apis/storage.k8s.io/v1').components.schemas['io.k8s.api.storage.v1.StorageClass'];
    expect(sc.properties.volumeBindingMode.description).toMatch(/volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound/);
    const pvSpec = doc('api/v1').components.schemas['io.k8s.api.core.v1.PersistentVolumeSpec'];
    expect(pvSpec.properties.persistentVolumeReclaimPolicy).toMatchObject({ type: 'string', enum: ['Delete', 'Recycle', 'Retain'] });
    expect(pvSpec.properties.persistentVolumeReclaimPolicy.description).toContain('Possible enum values:');
    expect(pvSpec.properties.accessModes.items).toEqual({ type: 'string', enum: ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'] });
    expect(sc.properties.allowedTopologies.items).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.TopologySelectorTerm' }], default: {} });
  });

  it('includes every referenced component in each document', () => {
    for (const gv of Object.keys(openapiRoot().paths)) {
      const d = openapiDocument(gv)!.body;
      const names = new Set(Object.keys(JSON.parse(d).components.schemas));
      for (const m of d.matchAll(/#\/components\/schemas\/([^"]+)/g)) expect(names.has(m[1]!), `${gv} ${m[1]}`).toBe(true);
    }
  });
});

describe('schema walking for the server', () => {
  const deploy = { group: 'apps', version: 'v1', kind: 'Deployment' };
  it('reports unknown fields with the paths strict decoding prints', () => {
    const obj = {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: { name: 'web', labels: { any: 'thing' }, annotations: { 'x/y': 'z' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' }, containers: [] },
          spec: {
            initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Always' }],
            containers: [{ name: 'web', image: 'nginx', bogus: true, ports: [{ containerPort: 80 }], resources: { requests: { storage: '1Gi', cpu: 1 } }, livenessProbe: { httpGet: { port: 'http' } } }],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data', readonly: true } }],
          },
        },
      },
      status: { replicas: 0 },
    };
    expect(unknownFields(deploy, obj)).toEqual([
      'spec.template.metadata.containers',
      'spec.template.spec.containers[0].bogus',
      'spec.template.spec.volumes[0].persistentVolumeClaim.readonly',
    ]);
    expect(unknownFields({ group: '', version: 'v1', kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' }, bogus: 1 })).toEqual(['bogus']);
    expect(unknownFields({ group: '', version: 'v1', kind: 'PersistentVolume' }, { metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, nfs: { server: 'x', path: '/', readOnly: false }, claimRef: { name: 'c' } } })).toEqual([]);
    expect(unknownFields({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, { metadata: { name: 'r' }, data: { anything: { goes: 1 } }, revision: 1 })).toEqual([]);
    expect(unknownFields({ group: 'x', version: 'v1', kind: 'Nope' }, { bogus: 1 })).toEqual([]);
    // Fields newer than 1.33 (client-node models 1.34) are unknown to a 1.33 server.
    expect(unknownFields({ group: '', version: 'v1', kind: 'Pod' }, { metadata: { name: 'p' }, spec: { hostnameOverride: 'x', containers: [] } })).toEqual(['spec.hostnameOverride']);
  });

  it('answers strategic-merge-patch metadata along a path', () => {
    expect(patchMetaAt(deploy, ['spec', 'template', 'spec', 'containers'])).toEqual({ mergeKey: 'name', strategy: ['merge'] });
    expect(patchMetaAt(deploy, ['spec', 'template', 'spec', 'containers', '0', 'volumeMounts'])).toEqual({ mergeKey: 'mountPath', strategy: ['merge'] });
    expect(patchMetaAt(deploy, ['spec', 'template', 'spec', 'volumes'])).toEqual({ mergeKey: 'name', strategy: ['merge', 'retainKeys'] });
    expect(patchMetaAt({ group: '', version: 'v1', kind: 'Pod' }, ['metadata', 'finalizers'])).toEqual({ strategy: ['merge'] });
    expect(patchMetaAt({ group: '', version: 'v1', kind: 'Pod' }, ['spec', 'tolerations'])).toEqual({});
    expect(patchMetaAt({ group: '', version: 'v1', kind: 'Node' }, ['status', 'conditions'])).toEqual({ mergeKey: 'type', strategy: ['merge'] });
    expect(patchMetaAt(deploy, ['spec', 'nope', 'deeper'])).toEqual({});
  });

  it('exposes a resolved schema tree', () => {
    const pvc = schemaFor({ group: '', version: 'v1', kind: 'PersistentVolumeClaim' })!;
    expect(pvc.component).toBe('io.k8s.api.core.v1.PersistentVolumeClaim');
    expect(pvc.properties!.spec!.properties!.resources!.properties!.requests!.additionalProperties!.component).toBe('io.k8s.apimachinery.pkg.api.resource.Quantity');
    expect(pvc.properties!.spec!.properties!.accessModes!.items!.type).toBe('string');
  });
});

describe('extracted model data', () => {
  it('covers exactly the models the served kinds reach (rerun extract-models.ts when this fails)', async () => {
    const { resourceTypes } = await import('../../../sandbox/providers/sim/api/resources.ts');
    const { modelForKind, schemaNames } = await import('../../../sandbox/providers/sim/api/openapi/models.ts');
    const data = (await import('../../../sandbox/providers/sim/api/openapi/models.json')).default as Record<string, unknown>;
    for (const rt of resourceTypes) {
      expect(modelForKind(rt.group, rt.version, rt.kind), rt.kind).toBeDefined();
      expect(modelForKind(rt.group, rt.version, rt.listKind), rt.listKind).toBeDefined();
    }
    expect([...schemaNames().keys()].sort()).toEqual(Object.keys(data).sort());
  });
});
