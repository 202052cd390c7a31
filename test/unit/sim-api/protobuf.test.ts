import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeProtobuf, protobufMagic, protobufRoot } from '../../../sandbox/providers/sim/api/protobuf/index.ts';
import { StatusError } from '../../../sandbox/providers/sim/api/status.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The wire shapes below are written from the API's protobuf conventions (apimachinery
 * runtime/serializer/protobuf, metav1.Time as {seconds}, IntOrString as {type,intVal,strVal},
 * Quantity as {string}, Go-embedded structs as their own field) independently of the decoder.
 */
const inline: Record<string, string> = { Volume: 'volumeSource', Probe: 'handler', ConfigMapKeySelector: 'localObjectReference', SecretKeySelector: 'localObjectReference' };

function toWire(type: protobuf.Type, json: any): any {
  const msg: any = {};
  const embedded = inline[type.name];
  if (embedded) {
    const field = type.fields[embedded]!;
    const sub = field.resolvedType as protobuf.Type;
    const own = Object.fromEntries(Object.entries(json).filter(([k]) => k in sub.fields));
    msg[embedded] = toWire(sub, own);
    json = Object.fromEntries(Object.entries(json).filter(([k]) => !(k in sub.fields)));
  }
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (!field) throw new Error(`${type.name} has no field ${key}`);
    field.resolve();
    const sub = field.resolvedType instanceof protobuf.Type ? field.resolvedType : undefined;
    const one = (v: any): any => {
      if (!sub) return field.type === 'bytes' ? Buffer.from(v, 'base64') : v;
      switch (sub.name) {
        case 'Time':
          return { seconds: Date.parse(v) / 1000 };
        case 'IntOrString':
          return typeof v === 'number' ? { type: 0, intVal: v } : { type: 1, strVal: v };
        case 'Quantity':
          return { string: v };
      }
      return toWire(sub, v);
    };
    msg[key] = field.map ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, one(v)])) : field.repeated ? (value as any[]).map(one) : one(value);
  }
  return msg;
}

function encode(obj: any, override: { apiVersion?: string; kind?: string; contentEncoding?: string } = {}): Uint8Array {
  const root = protobufRoot();
  const pkg = ({ v1: 'k8s.io.api.core.v1', 'apps/v1': 'k8s.io.api.apps.v1', 'batch/v1': 'k8s.io.api.batch.v1' } as Record<string, string>)[obj.apiVersion]!;
  const type = root.lookupType(`${pkg}.${obj.kind}`);
  const { apiVersion, kind, ...fields } = obj;
  const raw = type.encode(type.fromObject(toWire(type, fields))).finish();
  const unknown = root.lookupType('k8s.io.apimachinery.pkg.runtime.Unknown');
  const envelope = unknown
    .encode(unknown.fromObject({ typeMeta: { apiVersion: override.apiVersion ?? apiVersion, kind: override.kind ?? kind }, raw, contentEncoding: override.contentEncoding ?? '', contentType: '' }))
    .finish();
  return Buffer.concat([protobufMagic, envelope]);
}

describe('protobuf request bodies', () => {
  it('decodes a pod with volumes, probes, quantities and pointer zeros into the API JSON form', () => {
    const pod = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: 'web-0',
        namespace: 'default',
        labels: { app: 'web' },
        annotations: { note: 'x' },
        creationTimestamp: '2026-02-03T04:05:06Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/keep'],
      },
      spec: {
        volumes: [
          { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
          { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
          { name: 'scratch', emptyDir: { sizeLimit: '500Mi' } },
        ],
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }],
            resources: { limits: { memory: '128Mi', cpu: '500m' }, requests: { storage: '1Gi' } },
            volumeMounts: [{ name: 'data', mountPath: '/usr/share/nginx/html' }],
            livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 5 },
            readinessProbe: { tcpSocket: { port: 80 } },
            securityContext: { runAsUser: 0, privileged: false },
          },
        ],
        terminationGracePeriodSeconds: 0,
        automountServiceAccountToken: false,
        nodeName: 'worker-1',
        tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      },
      status: {},
    };
    expect(decodeProtobuf(encode(pod))).toEqual(pod);
  });

  it('keeps secret bytes as base64 and an explicit zero replica count', () => {
    const secret = { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's' }, data: { bin: Buffer.from([0, 1, 2, 255]).toString('base64'), empty: '' }, type: 'Opaque' };
    expect(decodeProtobuf(encode(secret))).toEqual(secret);
    const deploy = {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'd', labels: { app: 'd' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'busybox', resources: {} }] } },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      },
      status: {},
    };
    expect(decodeProtobuf(encode(deploy))).toEqual(deploy);
  });

  it('drops unset non-pointer zero values the way JSON omitempty does', () => {
    const job = { kind: 'Job', apiVersion: 'batch/v1', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox', stdin: false, workingDir: '' }], restartPolicy: 'Never' } } } };
    expect(decodeProtobuf(encode(job))).toEqual({
      kind: 'Job', apiVersion: 'batch/v1', metadata: { name: 'j' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } },
    });
  });

  it('rejects bodies it cannot read with the server error codes', () => {
    const catchErr = (f: () => unknown): StatusError => {
      try {
        f();
      } catch (e) {
        return e as StatusError;
      }
      throw new Error('expected an error');
    };
    const noMagic = catchErr(() => decodeProtobuf(new TextEncoder().encode('{"kind":"Pod"}')));
    expect([noMagic.code, noMagic.reason, noMagic.message]).toEqual([400, 'BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]']);

    const cm = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { a: 'b' } };
    const pvc = catchErr(() => decodeProtobuf(encode(cm, { kind: 'PersistentVolumeClaim' })));
    expect(pvc.code).toBe(415);
    expect(pvc.reason).toBe('UnsupportedMediaType');
    expect(pvc.message).toMatch(/^the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml, application\/vnd\.kubernetes\.protobuf \(kind PersistentVolumeClaim in version "v1"; the simulated server decodes protobuf only for Namespace \(v1\), ConfigMap \(v1\)/);
    expect(catchErr(() => decodeProtobuf(encode(cm, { contentEncoding: 'gzip' }))).code).toBe(415);

    const truncated = encode(cm).subarray(0, 12);
    expect(catchErr(() => decodeProtobuf(truncated)).code).toBe(400);
  });
});
