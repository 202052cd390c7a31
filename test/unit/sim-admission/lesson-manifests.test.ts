/**
 * Every object in the lessons' manifests goes through the simulated
 * admission as a learner's `kubectl apply` would: into a cluster that has
 * the lesson's namespaces and default service accounts, one document after
 * another (so a ServiceAccount or Namespace earlier in a file exists for
 * the objects after it). None may be refused; files named invalid-* or
 * broken-* are left out, being meant to fail.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { findByKind, parseApiVersion } from '../../../sandbox/providers/sim/api/resources.ts';
import { StatusError } from '../../../sandbox/providers/sim/api/status.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { ArrayStore, baseCluster, request } from './cluster.ts';

const root = path.resolve('lessons');
const files = fs.existsSync(root)
  ? fs
      .readdirSync(root)
      .filter((d) => fs.existsSync(path.join(root, d, 'manifests')))
      .flatMap((d) =>
        fs
          .readdirSync(path.join(root, d, 'manifests'))
          // invalid-*/broken-* files are meant to be refused (CONVENTIONS.md: fixtures named after their defect).
          .filter((f) => /\.ya?ml$/.test(f) && !/^(invalid|broken)-/.test(f))
          .map((f) => path.join('lessons', d, 'manifests', f)),
      )
  : [];

/** withNamespace adds a namespace and its default ServiceAccount, as the cluster's controllers would. */
function withNamespace(store: ArrayStore, ns: string): void {
  if (store.get({ group: '', resource: 'namespaces' }, '', ns)) return;
  store.objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, status: { phase: 'Active' } });
  store.objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });
}

describe('lesson manifests pass sim admission', () => {
  it('there are lesson manifests', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s', (file) => {
    const store: ArrayStore = baseCluster([
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' } as KObject,
    ]);
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'))
      .map((d) => d.toJS() as KObject | null)
      .filter((o): o is KObject => !!o && typeof o === 'object' && 'kind' in o);
    for (const obj of docs) {
      const { group, version } = parseApiVersion(obj.apiVersion);
      const rt = findByKind(group, version, obj.kind);
      if (!rt) continue; // not served by the simulated server (e.g. a CRD kind)
      obj.metadata ??= {};
      if (rt.namespaced) withNamespace(store, obj.metadata.namespace ?? 'default');
      if (!obj.metadata.uid) obj.metadata.uid = `uid-${obj.metadata.name}`;
      let admitted: KObject | undefined;
      try {
        admitted = admit(request('CREATE', obj, store)).object;
      } catch (e) {
        if (e instanceof StatusError) throw new Error(`${obj.kind} ${obj.metadata.name}: ${e.message}`);
        throw e;
      }
      expect(admitted).toBeDefined();
      store.objects.push(admitted!);
    }
  });
});
