import { describe, expect, it } from 'vitest';
import { reconnectDelay, WriteFlow, WRITE_HIGH } from '../../../site/scripts/sandbox/flow.ts';
import { chunkInput } from '../../../site/scripts/sandbox/protocol.ts';
import { chainRows, type LiveView } from '../../../site/scripts/sandbox/cluster-view.ts';
import { buildView } from '../../../sandbox/sessions/live-view.ts';

describe('reconnectDelay', () => {
  it('backs off exponentially to 10 s, with jitter', () => {
    expect(reconnectDelay(0, () => 0)).toBe(500);
    expect(reconnectDelay(1, () => 0)).toBe(1000);
    expect(reconnectDelay(3, () => 0)).toBe(4000);
    expect(reconnectDelay(30, () => 0)).toBe(10_000);
    expect(reconnectDelay(30, () => 1)).toBe(12_500);
  });
});

describe('WriteFlow', () => {
  it('asks for pause above the high mark and resume below the low mark, once each', () => {
    const f = new WriteFlow();
    const said: string[] = [];
    for (let i = 0; i <= WRITE_HIGH + 2; i++) {
      const r = f.written();
      if (r) said.push(r);
    }
    expect(said).toEqual(['pause']);
    for (let i = 0; i <= WRITE_HIGH + 2; i++) {
      const r = f.rendered();
      if (r) said.push(r);
    }
    expect(said).toEqual(['pause', 'resume']);
  });
});

describe('chunkInput', () => {
  it('splits a large paste under the frame limit', () => {
    expect(chunkInput('abc')).toEqual(['abc']);
    const pieces = chunkInput('x'.repeat(40_000));
    expect(pieces.map((p) => p.length)).toEqual([16_384, 16_384, 7_232]);
  });
  it('keeps surrogate pairs whole', () => {
    const text = 'a' + '😀'.repeat(3);
    const pieces = chunkInput(text, 2);
    expect(pieces.join('')).toBe(text);
    expect(pieces.every((p) => !/[\ud800-\udbff]$/.test(p))).toBe(true);
  });
});

describe('live view: server picture and page rows', () => {
  const objects = {
    storageClasses: [
      { metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete' },
      { metadata: { name: 'nfs' }, provisioner: 'kubernetes.io/no-provisioner' },
    ],
    claims: [
      { metadata: { name: 'mysql-pvc', namespace: 'default' }, spec: { storageClassName: 'nfs', volumeName: 'mysql-pv', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Bound' } },
      { metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } }, status: { phase: 'Pending' } },
    ],
    volumes: [
      { metadata: { name: 'mysql-pv' }, spec: { storageClassName: 'nfs', capacity: { storage: '1Gi' }, nfs: { server: 'nfs', path: '/exports/mysql' }, claimRef: { namespace: 'default', name: 'mysql-pvc' }, persistentVolumeReclaimPolicy: 'Retain' }, status: { phase: 'Bound' } },
      { metadata: { name: 'local-pv' }, spec: { local: { path: '/mnt/disks/ssd1' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['lab-worker2'] }] }] } } }, status: { phase: 'Available' } },
    ],
    nodes: [
      { metadata: { name: 'lab-worker', labels: {} }, status: { conditions: [{ type: 'Ready', status: 'False' }] }, spec: { unschedulable: true } },
      { metadata: { name: 'lab-control-plane', labels: { 'node-role.kubernetes.io/control-plane': '' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } },
    ],
    pods: [
      { metadata: { name: 'mysql-0', namespace: 'default' }, spec: { nodeName: 'lab-worker', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'mysql-pvc' } }, { name: 'tmp', emptyDir: { medium: 'Memory' } }] }, status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] } },
      { metadata: { name: 'coredns', namespace: 'kube-system' }, spec: { nodeName: 'lab-control-plane' }, status: { phase: 'Running' } },
    ],
  };

  it('buildView summarises objects the way the page needs them', () => {
    const view = buildView(objects as never);
    expect(view.nodes).toEqual([
      { name: 'lab-control-plane', ready: 'True', unschedulable: false, controlPlane: true },
      { name: 'lab-worker', ready: 'False', unschedulable: true, controlPlane: false },
    ]);
    expect(view.pods).toEqual([
      { namespace: 'default', name: 'mysql-0', node: 'lab-worker', status: 'ContainerCreating', claims: ['mysql-pvc'], volumes: ['tmp: emptyDir (Memory)'] },
    ]);
    expect(view.volumes.find((v) => v.name === 'local-pv')).toMatchObject({ source: 'local /mnt/disks/ssd1', node: 'lab-worker2' });
    expect(view.volumes.find((v) => v.name === 'mysql-pv')).toMatchObject({ source: 'nfs nfs:/exports/mysql', claim: 'default/mysql-pvc' });
  });

  it('groups claims and volumes by a class name that has no StorageClass object (static provisioning)', () => {
    const view = buildView({ ...objects, storageClasses: [] } as never) as LiveView;
    const rows = chainRows(view);
    const nfs = rows.findIndex((r) => r.kind === 'class' && r.name === 'nfs');
    expect(rows[nfs]).toMatchObject({ detail: 'no StorageClass object: claims and volumes match by this name' });
    expect(rows.slice(nfs + 1, nfs + 3).map((r) => r.name)).toEqual(['mysql-pvc', 'mysql-pv']);
  });

  it('chainRows puts each claim under its class and its volume under it', () => {
    const rows = chainRows(buildView(objects as never) as LiveView);
    expect(rows.map((r) => `${r.kind}:${r.name}:${r.status}`)).toEqual([
      'class:nfs:',
      'claim:mysql-pvc:Bound',
      'volume:mysql-pv:Bound',
      'class:standard:default',
      'claim:data:Pending',
      'class:(no class):',
      'volume:local-pv:Available',
    ]);
    expect(rows[1]!.detail).toBe('1Gi · RWO');
    expect(rows[4]!.detail).toBe('2Gi · RWO · waiting for a volume');
  });
});
