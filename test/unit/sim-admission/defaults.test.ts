import { describe, expect, it } from 'vitest';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { imagePullPolicyFor } from '../../../sandbox/providers/sim/admission/defaults/core.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { baseCluster, request } from './cluster.ts';

type Obj = Record<string, any>;

function create(obj: KObject, store = baseCluster()): Obj {
  const r = admit(request('CREATE', obj, store));
  return r.object as Obj;
}

describe('pod defaults', () => {
  it('fills in what `kubectl get pod -o yaml` shows for `kubectl run nginx --image=nginx` on a 1.33 server', () => {
    const pod = create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx', uid: 'u1', labels: { run: 'nginx' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } });
    const vol = pod.spec.volumes[0].name as string;
    expect(vol).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    // The spec a real server returns, field for field (volume name aside).
    expect(pod.spec).toEqual({
      containers: [
        {
          image: 'nginx',
          imagePullPolicy: 'Always',
          name: 'nginx',
          resources: {},
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [{ mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: vol, readOnly: true }],
        },
      ],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
        { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
      ],
      volumes: [
        {
          name: vol,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
              { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
            ],
          },
        },
      ],
    });
    expect(pod.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it('picks imagePullPolicy from the tag', () => {
    expect(imagePullPolicyFor('nginx')).toBe('Always');
    expect(imagePullPolicyFor('nginx:latest')).toBe('Always');
    expect(imagePullPolicyFor('nginx:1.27')).toBe('IfNotPresent');
    expect(imagePullPolicyFor('localhost:5000/app')).toBe('Always');
    expect(imagePullPolicyFor('busybox@sha256:abc')).toBe('IfNotPresent');
  });

  it('defaults volume sources, ports and probes, and copies limits into requests', () => {
    const pod = create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'c',
            image: 'busybox:1.36',
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 80 } },
            resources: { limits: { cpu: '500m', memory: '128Mi' } },
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
        volumes: [
          { name: 'data', hostPath: { path: '/tmp/data' } },
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'sec', secret: { secretName: 's' } },
          { name: 'scratch' },
        ],
      },
    });
    const c = pod.spec.containers[0];
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.readinessProbe).toEqual({ httpGet: { path: '/', port: 80, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(c.resources.requests).toEqual({ cpu: '500m', memory: '128Mi' });
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(pod.spec.volumes).toEqual([
      { name: 'data', hostPath: { path: '/tmp/data', type: '' } },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 420 } },
      { name: 'scratch', emptyDir: {} },
    ]);
    expect(pod.status.qosClass).toBe('Guaranteed');
  });

  it('does not touch the request object', () => {
    const obj: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }] } };
    const req = request('CREATE', obj, baseCluster());
    const before = JSON.stringify(req.object);
    admit(req);
    expect(JSON.stringify(req.object)).toBe(before);
  });
});

describe('storage defaults', () => {
  it('gives a claim volumeMode Filesystem, a Pending status and the pvc-protection finalizer', () => {
    const pvc = create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    expect(pvc.spec).toEqual({ storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' });
    expect(pvc.status).toEqual({ phase: 'Pending' });
    expect(pvc.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
  });

  it('gives a volume Retain, Filesystem, a Pending status and the pv-protection finalizer', () => {
    const pv = create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/pv1' } } });
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(pv.spec.volumeMode).toBe('Filesystem');
    expect(pv.spec.hostPath).toEqual({ path: '/mnt/pv1', type: '' });
    expect(pv.status.phase).toBe('Pending');
    expect(pv.status.lastPhaseTransitionTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(pv.metadata.finalizers).toEqual(['kubernetes.io/pv-protection']);
  });

  it('stamps a volume’s phase change and keeps the time when the phase stays', () => {
    const old = create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/pv1' } } }) as KObject;
    (old.status as Obj).lastPhaseTransitionTime = '2026-01-01T00:00:00Z';
    const available = structuredClone(old);
    available.status = { phase: 'Available' };
    const r = admit({ ...request('UPDATE', available, baseCluster(), { oldObject: old }), subresource: 'status' }).object as Obj;
    expect(r.status.lastPhaseTransitionTime).not.toBe('2026-01-01T00:00:00Z');
    const same = structuredClone(old);
    same.status = { phase: 'Pending' };
    const k = admit({ ...request('UPDATE', same, baseCluster(), { oldObject: old }), subresource: 'status' }).object as Obj;
    expect(k.status.lastPhaseTransitionTime).toBe('2026-01-01T00:00:00Z');
  });

  it('gives a StorageClass Delete and Immediate', () => {
    const sc = create({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'rancher.io/local-path' } as KObject);
    expect(sc.reclaimPolicy).toBe('Delete');
    expect(sc.volumeBindingMode).toBe('Immediate');
  });

  it('gives a CSIDriver the storage.k8s.io/v1 defaults', () => {
    const d = create({ apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: 'nfs.csi.k8s.io' }, spec: { attachRequired: false } });
    expect(d.spec).toEqual({
      attachRequired: false,
      podInfoOnMount: false,
      storageCapacity: false,
      fsGroupPolicy: 'ReadWriteOnceWithFSType',
      requiresRepublish: false,
      volumeLifecycleModes: ['Persistent'],
      seLinuxMount: false,
    });
  });
});

describe('workload defaults', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } };

  it('fills a Deployment like `kubectl create deployment` shows it', () => {
    const d = create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, template } });
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(d.spec.template.metadata).toEqual({ labels: { app: 'web' }, creationTimestamp: null });
    expect(d.spec.template.spec).toEqual({
      containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
    });
  });

  it('fills a StatefulSet and its claim templates', () => {
    const sts = create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'web' } },
        template: { ...template, spec: { containers: [{ name: 'db', image: 'postgres:16', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    });
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.spec.revisionHistoryLimit).toBe(10);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(sts.spec.volumeClaimTemplates[0]).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data', creationTimestamp: null },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    });
  });

  it('generates a Job selector and labels from its uid and name', () => {
    const job = create({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', uid: '8b1d-uid' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } } },
    });
    const labels = { 'batch.kubernetes.io/controller-uid': '8b1d-uid', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': '8b1d-uid', 'job-name': 'pi' };
    expect(job.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': '8b1d-uid' } });
    expect(job.spec.template.metadata.labels).toEqual(labels);
    expect(job.metadata.labels).toEqual(labels);
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', manualSelector: false, suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
  });

  it('fills a CronJob', () => {
    const cj = create({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } } });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
  });
});

describe('core defaults', () => {
  it('labels and finalizes a Namespace', () => {
    const ns = create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } });
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'lab' });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('types a Secret Opaque', () => {
    expect(create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'Yg==' } } as KObject).type).toBe('Opaque');
  });

  it('allocates a ClusterIP from 10.96.0.0/16 that no other Service uses', () => {
    const store = baseCluster([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.96.0.1' } }]);
    const svc = create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } }, store);
    expect(svc.spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(svc.spec.clusterIP).not.toBe('10.96.0.1');
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      clusterIPs: [svc.spec.clusterIP],
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
    expect(svc.status).toEqual({ loadBalancer: {} });
  });

  it('keeps a headless Service headless', () => {
    const svc = create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    expect(svc.spec.clusterIP).toBe('None');
    expect(svc.spec.clusterIPs).toEqual(['None']);
  });
});

describe('secret stringData', () => {
  it('is folded into data (base64) and never kept', () => {
    const s = create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { user: 'b2xk' }, stringData: { user: 'admin', password: 'p@ss' } } as KObject);
    expect(s.stringData).toBeUndefined();
    expect(s.data).toEqual({ user: 'YWRtaW4=', password: 'cEBzcw==' });
  });
});
