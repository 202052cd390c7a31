import { describe, expect, it } from 'vitest';
import { findResource, resourceTypes } from '../../../sandbox/providers/sim/api/resources.ts';
import { tableColumns, toTable } from '../../../sandbox/providers/sim/api/tables/index.ts';
import { accessModesAsString, canonicalQuantity, humanDuration, selectorString } from '../../../sandbox/providers/sim/api/tables/format.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const now = new Date('2026-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');
const rt = (group: string, plural: string) => findResource(group, 'v1', plural)!;
const cellsOf = (group: string, plural: string, obj: object) => toTable(rt(group, plural), [obj as KObject], { now }).rows[0]!.cells;

describe('cell formatting', () => {
  it('ages like duration.HumanDuration', () => {
    const s = (n: number) => humanDuration(n * 1000);
    expect([s(-5), s(-0.5), s(5), s(119), s(120), s(200), s(300), s(600), s(179 * 60), s(3 * 3600 + 5 * 60), s(8 * 3600), s(47 * 3600), s(51 * 3600), s(48 * 3600), s(30 * 86400), s(800 * 86400), s(730 * 86400), s(9 * 365 * 86400)]).toEqual([
      '<invalid>', '0s', '5s', '119s', '2m', '3m20s', '5m', '10m', '179m', '3h5m', '8h', '47h', '2d3h', '2d', '30d', '2y70d', '2y', '9y',
    ]);
  });

  it('canonicalises quantities like resource.Quantity.String()', () => {
    expect(['1Gi', '1024Mi', '1.5Gi', '1.5G', '0.5Ki', '500Mi', '1000M', '2e3', '100m', '0.1', '5', '0', '10Gi', '1073741824', '1500', '3.5'].map(canonicalQuantity)).toEqual([
      '1Gi', '1Gi', '1536Mi', '1500M', '512', '500Mi', '1G', '2e3', '100m', '100m', '5', '0', '10Gi', '1073741824', '1500', '3500m',
    ]);
  });

  it('abbreviates access modes in the fixed order, deduplicated', () => {
    expect(accessModesAsString(['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'])).toBe('RWO,RWX');
    expect(accessModesAsString(['ReadWriteOncePod', 'ReadOnlyMany'])).toBe('ROX,RWOP');
    expect(accessModesAsString(undefined)).toBe('');
  });

  it('prints selectors sorted by key', () => {
    expect(selectorString({ matchLabels: { tier: 'web', app: 'x' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'z', operator: 'DoesNotExist' }] })).toBe(
      'app=x,env in (dev,prod),tier=web,!z',
    );
  });
});

describe('pod rows', () => {
  const pod = (status: object, extra: object = {}) => ({
    kind: 'Pod', apiVersion: 'v1',
    metadata: { name: 'p1', namespace: 'default', creationTimestamp: ago(200) },
    spec: { containers: [{ name: 'a' }, { name: 'b' }], nodeName: 'worker-1' },
    status,
    ...extra,
  });
  const running = { running: { startedAt: ago(100) } };

  it('prints an unscheduled pod as Pending 0/2 with placeholders in the wide cells', () => {
    const c = cellsOf('', 'pods', { ...pod({ phase: 'Pending' }), spec: { containers: [{ name: 'a' }, { name: 'b' }] } });
    expect(c).toEqual(['p1', '0/2', 'Pending', '0', '3m20s', '<none>', '<none>', '<none>', '<none>']);
  });

  it('shows the waiting reason of the lowest-index container', () => {
    const c = cellsOf('', 'pods', pod({
      phase: 'Pending',
      containerStatuses: [
        { name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } },
      ],
    }));
    expect(c.slice(1, 4)).toEqual(['0/2', 'ContainerCreating', '0']);
  });

  it('prints CrashLoopBackOff with restarts and the time since the last one', () => {
    const c = cellsOf('', 'pods', pod({
      phase: 'Running',
      podIPs: [{ ip: '10.244.1.5' }],
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 0, state: running },
        { name: 'b', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(125) } } },
      ],
    }));
    expect(c.slice(1, 6)).toEqual(['1/2', 'CrashLoopBackOff', '3 (2m5s ago)', '3m20s', '10.244.1.5']);
  });

  it('prints Running 2/2, and Completed for a finished pod with a Completed row condition', () => {
    expect(cellsOf('', 'pods', pod({ phase: 'Running', containerStatuses: [{ name: 'a', ready: true, state: running }, { name: 'b', ready: true, state: running }] })).slice(1, 3)).toEqual(['2/2', 'Running']);
    const done = toTable(rt('', 'pods'), [pod({ phase: 'Succeeded', containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'b', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }) as KObject], { now }).rows[0]!;
    expect(done.cells.slice(1, 3)).toEqual(['0/2', 'Completed']);
    expect(done.conditions).toEqual([{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  });

  it('turns Completed back into Running or NotReady while another container runs', () => {
    const statuses = [{ name: 'a', ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'b', ready: true, state: running }];
    expect(cellsOf('', 'pods', pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: statuses }))[2]).toBe('Running');
    expect(cellsOf('', 'pods', pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: statuses }))[2]).toBe('NotReady');
  });

  it('prints init progress and init failures', () => {
    const withInit = (initContainerStatuses: object[]) => ({
      ...pod({ phase: 'Pending', initContainerStatuses, containerStatuses: [{ name: 'a', state: { waiting: { reason: 'PodInitializing' } } }] }),
      spec: { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] },
    });
    expect(cellsOf('', 'pods', withInit([{ name: 'i1', state: { running: {} } }, { name: 'i2', state: { waiting: { reason: 'PodInitializing' } } }]))[2]).toBe('Init:0/2');
    expect(cellsOf('', 'pods', withInit([{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }]))[2]).toBe('Init:1/2');
    expect(cellsOf('', 'pods', withInit([{ name: 'i1', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }]))[2]).toBe('Init:CrashLoopBackOff');
    expect(cellsOf('', 'pods', withInit([{ name: 'i1', state: { terminated: { exitCode: 3 } } }]))[2]).toBe('Init:ExitCode:3');
  });

  it('counts a started sidecar as a ready container', () => {
    const p = {
      ...pod({
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'side', ready: true, started: true, state: running }],
        containerStatuses: [{ name: 'a', ready: true, state: running }],
      }),
      spec: { initContainers: [{ name: 'side', restartPolicy: 'Always' }], containers: [{ name: 'a' }] },
    };
    expect(cellsOf('', 'pods', p).slice(1, 3)).toEqual(['2/2', 'Running']);
  });

  it('prints Terminating for a deleted pod that has not finished, Unknown when the node is lost', () => {
    const deleting = (reason?: string) => pod({ phase: 'Running', reason, containerStatuses: [{ name: 'a', ready: true, state: running }, { name: 'b', ready: true, state: running }] }, {});
    const p = deleting();
    (p.metadata as Record<string, unknown>).deletionTimestamp = ago(5);
    expect(cellsOf('', 'pods', p).slice(1, 3)).toEqual(['2/2', 'Terminating']);
    const lost = deleting('NodeLost');
    (lost.metadata as Record<string, unknown>).deletionTimestamp = ago(5);
    expect(cellsOf('', 'pods', lost)[2]).toBe('Unknown');
    const gated = pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] });
    expect(cellsOf('', 'pods', gated)[2]).toBe('SchedulingGated');
  });
});

describe('storage rows', () => {
  it('prints a bound PVC with capacity and modes from status, a pending one blank', () => {
    const bound = {
      metadata: { name: 'data', creationTimestamp: ago(30) },
      spec: { storageClassName: 'standard', volumeName: 'pvc-123', volumeMode: 'Filesystem', resources: { requests: { storage: '1024Mi' } } },
      status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1024Mi' } },
    };
    expect(cellsOf('', 'persistentvolumeclaims', bound)).toEqual(['data', 'Bound', 'pvc-123', '1Gi', 'RWO', 'standard', '<unset>', '30s', 'Filesystem']);
    const pending = { metadata: { name: 'p', creationTimestamp: ago(3) }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
    expect(cellsOf('', 'persistentvolumeclaims', pending)).toEqual(['p', 'Pending', '', '', '', '', '<unset>', '3s', '<unset>']);
  });

  it('prints a PV with claim, class from the beta annotation, and Terminating', () => {
    const pv = {
      metadata: { name: 'pv1', creationTimestamp: ago(7200), deletionTimestamp: ago(1), annotations: { 'volume.beta.kubernetes.io/storage-class': 'old' } },
      spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'new' },
      status: { phase: 'Bound' },
    };
    expect(cellsOf('', 'persistentvolumes', pv)).toEqual(['pv1', '5Gi', 'RWO,RWX', 'Retain', 'Terminating', 'default/data', 'old', '<unset>', '', '120m', '<unset>']);
  });

  it('marks the default StorageClass and fills the API defaults', () => {
    const sc = { metadata: { name: 'standard', creationTimestamp: ago(60), annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path' };
    expect(cellsOf('storage.k8s.io', 'storageclasses', sc)).toEqual(['standard (default)', 'rancher.io/local-path', 'Delete', 'Immediate', false, '60s']);
  });

  it('prints CSI drivers, CSI nodes and volume attachments', () => {
    expect(cellsOf('storage.k8s.io', 'csidrivers', { metadata: { name: 'nfs.csi.k8s.io', creationTimestamp: ago(5) }, spec: { attachRequired: false, volumeLifecycleModes: ['Persistent'] } })).toEqual([
      'nfs.csi.k8s.io', false, false, false, '<unset>', false, 'Persistent', '5s',
    ]);
    expect(cellsOf('storage.k8s.io', 'csinodes', { metadata: { name: 'w1', creationTimestamp: ago(5) }, spec: { drivers: [{ name: 'a' }] } })).toEqual(['w1', 1, '5s']);
    expect(cellsOf('storage.k8s.io', 'volumeattachments', { metadata: { name: 'csi-1', creationTimestamp: ago(5) }, spec: { attacher: 'rbd.csi.ceph.com', nodeName: 'w1', source: { persistentVolumeName: 'pvc-1' } }, status: { attached: true } })).toEqual([
      'csi-1', 'rbd.csi.ceph.com', 'pvc-1', 'w1', true, '5s',
    ]);
  });
});

describe('other kinds', () => {
  it('prints nodes with roles, cordon and unknown runtime', () => {
    const node = {
      metadata: { name: 'cp', creationTimestamp: ago(86400 * 12), labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/hostname': 'cp' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'Unknown' }], nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12 (bookworm)' }, addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] },
    };
    expect(cellsOf('', 'nodes', node)).toEqual(['cp', 'NotReady,SchedulingDisabled', 'control-plane', '12d', 'v1.33.1', '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '<unknown>', '<unknown>']);
  });

  it('prints deployments, statefulsets and jobs', () => {
    const tmpl = { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } };
    expect(cellsOf('apps', 'deployments', { metadata: { name: 'd', creationTimestamp: ago(10) }, spec: { replicas: 3, selector: { matchLabels: { app: 'd' } }, template: tmpl }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } })).toEqual([
      'd', '2/3', 3, 2, '10s', 'web,log', 'nginx:1.27,busybox', 'app=d',
    ]);
    expect(cellsOf('apps', 'statefulsets', { metadata: { name: 'web', creationTimestamp: ago(10) }, spec: { replicas: 2, template: tmpl } })).toEqual(['web', '0/2', '10s', 'web,log', 'nginx:1.27,busybox']);
    const job = { metadata: { name: 'j', creationTimestamp: ago(100) }, spec: { completions: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u' } }, template: tmpl }, status: { succeeded: 1, startTime: ago(100), completionTime: ago(60), conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(cellsOf('batch', 'jobs', job).slice(0, 5)).toEqual(['j', 'Complete', '1/1', '40s', '100s']);
    expect(cellsOf('batch', 'jobs', { metadata: { name: 'k' }, spec: { parallelism: 3 }, status: {} }).slice(0, 5)).toEqual(['k', 'Running', '0/1 of 3', '', '<unknown>']);
  });

  it('prints events with the object reference, the source and count 1 for singletons', () => {
    const ev = { metadata: { name: 'p1.17f', creationTimestamp: ago(30) }, involvedObject: { kind: 'Pod', name: 'p1', fieldPath: 'spec.containers{app}' }, reason: 'Pulling', message: 'Pulling image "nginx"\n', type: 'Normal', source: { component: 'kubelet', host: 'worker-1' }, firstTimestamp: ago(30), lastTimestamp: ago(20), count: 2 };
    expect(cellsOf('', 'events', ev)).toEqual(['20s', 'Normal', 'Pulling', 'pod/p1', 'spec.containers{app}', 'kubelet, worker-1', 'Pulling image "nginx"', '30s', 2, 'p1.17f']);
    const newStyle = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: { name: 'p1.18a' }, eventTime: ago(4), reportingController: 'default-scheduler', reportingInstance: 'cp', regarding: { kind: 'Pod', name: 'p1' }, reason: 'Scheduled', note: 'Successfully assigned default/p1 to worker-1', type: 'Normal', action: 'Binding' };
    expect(cellsOf('events.k8s.io', 'events', newStyle)).toEqual(['4s', 'Normal', 'Scheduled', 'pod/p1', '', 'default-scheduler, cp', 'Successfully assigned default/p1 to worker-1', '4s', 1, 'p1.18a']);
  });

  it('prints services, configmaps, secrets, namespaces, rbac bindings and controller revisions', () => {
    expect(cellsOf('', 'services', { metadata: { name: 's' }, spec: { type: 'NodePort', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }], selector: { app: 's' } } })).toEqual([
      's', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '<unknown>', 'app=s',
    ]);
    expect(cellsOf('', 'configmaps', { metadata: { name: 'c' }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } })[1]).toBe(3);
    expect(cellsOf('', 'secrets', { metadata: { name: 's' }, type: 'Opaque', data: { a: 'eA==' } }).slice(1, 3)).toEqual(['Opaque', 1]);
    expect(cellsOf('', 'namespaces', { metadata: { name: 'n' }, status: { phase: 'Terminating' } })[1]).toBe('Terminating');
    expect(cellsOf('rbac.authorization.k8s.io', 'rolebindings', { metadata: { name: 'rb', creationTimestamp: ago(5) }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', namespace: 'ns', name: 'sa' }, { kind: 'User', name: 'alice' }] })).toEqual([
      'rb', 'ClusterRole/view', '5s', 'alice', '', 'ns/sa',
    ]);
    expect(cellsOf('rbac.authorization.k8s.io', 'clusterroles', { metadata: { name: 'view', creationTimestamp: '2026-01-02T03:04:05Z' } })).toEqual(['view', '2026-01-02T03:04:05Z']);
    expect(cellsOf('apps', 'controllerrevisions', { metadata: { name: 'web-5d', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 2 }).slice(0, 3)).toEqual(['web-5d', 'statefulset.apps/web', 2]);
    expect(cellsOf('', 'endpoints', { metadata: { name: 'e' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }] }, { addresses: [{ ip: '10.0.0.3' }, { ip: '10.0.0.4' }] }] })[1]).toBe(
      '10.0.0.1:80,10.0.0.2:80,10.0.0.3 + 1 more...',
    );
    expect(cellsOf('', 'resourcequotas', { metadata: { name: 'q' }, status: { hard: { 'requests.storage': '10Gi', persistentvolumeclaims: '5', 'limits.memory': '2Gi' }, used: { 'requests.storage': '1024Mi' } } }).slice(0, 3)).toEqual([
      'q', 'persistentvolumeclaims: 0/5, requests.storage: 1Gi/10Gi', 'limits.memory: 0/2Gi',
    ]);
    expect(cellsOf('policy', 'poddisruptionbudgets', { metadata: { name: 'pdb' }, spec: { minAvailable: '50%' }, status: { disruptionsAllowed: 1 } }).slice(0, 4)).toEqual(['pdb', '50%', 'N/A', 1]);
  });
});

describe('table shape', () => {
  it('returns a meta.k8s.io/v1 Table with PartialObjectMetadata rows by default', () => {
    const obj = { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'default', labels: { a: 'b' } }, data: {} } as KObject;
    const t = toTable(rt('', 'configmaps'), [obj], { now, resourceVersion: '42', continue: 'tok' });
    expect(t.kind).toBe('Table');
    expect(t.apiVersion).toBe('meta.k8s.io/v1');
    expect(t.metadata).toEqual({ resourceVersion: '42', continue: 'tok' });
    expect(t.columnDefinitions[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
    expect(t.columnDefinitions[0]!.description).toMatch(/^Name must be unique within a namespace/);
    expect(t.rows[0]!.object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata });
    expect(toTable(rt('', 'configmaps'), [obj], { includeObject: 'Object' }).rows[0]!.object).toBe(obj);
    expect(toTable(rt('', 'configmaps'), [obj], { includeObject: 'None' }).rows[0]!.object).toBeNull();
  });

  it('gives every column a description and every row as many cells as columns', () => {
    for (const r of resourceTypes) {
      const cols = tableColumns(r);
      for (const c of cols) expect(c.description, `${r.plural} ${c.name}`).not.toBe('');
      const row = toTable(r, [{ kind: r.kind, apiVersion: 'v1', metadata: { name: 'x' } }], { now }).rows[0]!;
      expect(row.cells, r.plural).toHaveLength(cols.length);
    }
  });

  it('snapshots the column sets (upper-cased as kubectl prints them; * = -o wide only)', () => {
    const sets = Object.fromEntries(resourceTypes.map((r) => [`${r.plural}.${r.group}`, tableColumns(r).map((c) => `${c.name.toUpperCase()}${c.priority ? '*' : ''}`).join(' | ')]));
    expect(sets).toMatchSnapshot();
  });
});
