// Every manifest of every lesson parses and is a valid object for a current
// Kubernetes (schema from kubernetes-models, unknown fields from
// @kubernetes/client-node's v1.34 types, no removed apiVersions); the fixtures
// under test/fixtures/lessons/invalid-manifests prove each check can fail.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCourse } from './course-lint.ts';
import { validateManifest } from './kubernetes-manifests.ts';

const lessonsRoot = path.resolve('lessons');
const lessons = readCourse(lessonsRoot);
const manifests = lessons.flatMap((lesson) =>
  lesson.manifestFiles.map((file) => ({ file: path.join('lessons', lesson.folder, 'manifests', file), full: path.join(lesson.dir, 'manifests', file) })),
);

describe('lesson manifests (lessons/*/manifests/*.yaml)', () => {
  it('exist', () => {
    expect(manifests.length).toBeGreaterThan(0);
  });

  it.each(manifests.map((m) => [m.file, m.full]))('%s is valid for Kubernetes 1.33', async (file, full) => {
    expect(await validateManifest(file, fs.readFileSync(full, 'utf8'))).toEqual([]);
  });
});

describe('manifest validation catches broken manifests (fixtures)', () => {
  const dir = path.resolve('test/fixtures/lessons/invalid-manifests/manifests');
  const check = (name: string) => validateManifest(name, fs.readFileSync(path.join(dir, name), 'utf8'));

  it('accepts the valid fixture course', async () => {
    const root = path.resolve('test/fixtures/lessons/valid-course');
    for (const lesson of readCourse(root)) {
      for (const file of lesson.manifestFiles) {
        expect(await validateManifest(file, fs.readFileSync(path.join(lesson.dir, 'manifests', file), 'utf8'))).toEqual([]);
      }
    }
  });

  it('rejects removed API versions, naming the file and the apiVersion', async () => {
    expect(await check('apps-v1beta1-deployment.yaml')).toMatchInlineSnapshot(`
      [
        "apps-v1beta1-deployment.yaml (document 1), Deployment mysql: apiVersion apps/v1beta1 is no longer served (removed in Kubernetes 1.16); use apps/v1",
      ]
    `);
    expect(await check('storageclass-v1beta1.yaml')).toMatchInlineSnapshot(`
      [
        "storageclass-v1beta1.yaml (document 1), StorageClass ceph: apiVersion storage.k8s.io/v1beta1 is no longer served (removed in Kubernetes 1.22); use storage.k8s.io/v1",
      ]
    `);
    expect(await check('cronjob-batch-v1beta1.yaml')).toMatchInlineSnapshot(`
      [
        "cronjob-batch-v1beta1.yaml (document 1), CronJob backup: apiVersion batch/v1beta1 is no longer served (removed in Kubernetes 1.25); use batch/v1",
      ]
    `);
  });

  it('rejects objects that break the Kubernetes schema (missing selector, wrong type, missing containers)', async () => {
    expect(await check('deployment-without-selector.yaml')).toMatchInlineSnapshot(`
      [
        "deployment-without-selector.yaml (document 1), Deployment mysql: spec must have required property selector",
        "deployment-without-selector.yaml (document 1), Deployment mysql: spec.replicas must be integer",
      ]
    `);
    expect(await check('second-document-broken.yaml')).toMatchInlineSnapshot(`
      [
        "second-document-broken.yaml (document 2), Pod no-containers: spec must have required property containers",
      ]
    `);
  });

  it('rejects unknown fields, as kubectl apply does by default', async () => {
    expect(await check('pv-unknown-field.yaml')).toMatchInlineSnapshot(`
      [
        "pv-unknown-field.yaml (document 1), PersistentVolume mysql-pv: unknown field "spec.storageClass"",
        "pv-unknown-field.yaml (document 1), PersistentVolume mysql-pv: unknown field "spec.nfs.readonly"",
      ]
    `);
  });

  it('rejects YAML syntax errors and kinds that are not built in', async () => {
    expect(await check('not-yaml.yaml')).toMatchInlineSnapshot(`
      [
        "not-yaml.yaml: YAML error: Flow sequence in block collection must be sufficiently indented and end with a ] at line 6, column 1:",
        "not-yaml.yaml: YAML error: Flow map in block collection must be sufficiently indented and end with a } at line 6, column 1:",
      ]
    `);
    expect(await check('unknown-kind.yaml')).toMatchInlineSnapshot(`
      [
        "unknown-kind.yaml (document 1), CephBlockPool replicapool: apiVersion ceph.rook.io/v1 kind CephBlockPool is not a Kubernetes built-in type",
      ]
    `);
  });

  it('has a fixture for every case above', () => {
    expect(fs.readdirSync(dir).sort()).toHaveLength(8);
  });
});
