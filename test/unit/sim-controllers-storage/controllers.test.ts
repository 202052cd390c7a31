import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { csiRbdClass, secretOf, storageCluster, withKubelet, manifest } from './harness.ts';
import { pv as pvFixture, pvc as pvcFixture } from './fixtures.ts';
import { newCephxKey } from '../../../sandbox/providers/sim/ceph/ceph-cluster.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const reasons = (evs: any[]) => evs.map((e) => `${e.type} ${e.reason}: ${e.message}`);

describe('PersistentVolume controller (in-process cluster, fake clock)', () => {
  it('binds lesson 3 mysql-pvc to mysql-pv (class nfs, no StorageClass object) and fills in every binding field', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('mysql-pv', { className: 'nfs', source: { nfs: { server: 'nfs', path: '/exports/mysql' } } })));
    c.apply(manifest(pvcFixture('mysql-pvc', { className: 'nfs' })));
    await c.settled();
    const claim = c.get('pvc', 'mysql-pvc');
    const vol = c.get('pv', 'mysql-pv');
    expect(claim.status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '1Gi' } });
    expect(claim.spec.volumeName).toBe('mysql-pv');
    expect(claim.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(vol.status.phase).toBe('Bound');
    expect(vol.spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'default', name: 'mysql-pvc', uid: claim.metadata.uid });
    expect(vol.metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(c.errors).toEqual([]);
  });

  it('trap: a claim without storageClassName gets standard and never binds the class-less NFS volume', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('nfs-pv')));
    const claim = manifest(pvcFixture('no-class'));
    c.apply(claim);
    await c.settled();
    expect(c.get('pvc', 'no-class').spec.storageClassName).toBe('standard');
    expect(c.get('pvc', 'no-class').status.phase).toBe('Pending');
    expect(c.get('pv', 'nfs-pv').status.phase).toBe('Available');
    expect(reasons(c.events('no-class'))).toEqual(['Normal WaitForFirstConsumer: waiting for first consumer to be created before binding']);
    // The PV controller resyncs every 15 s and repeats the event (aggregated into one Event with a count).
    await c.advance(31_000);
    const evs = c.events('no-class');
    expect(evs).toHaveLength(1);
    expect(evs[0].count).toBe(3);
  });

  it('trap: an RWX claim does not bind an RWO volume, and a too-large request stays Pending', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('rwo', { className: '', capacity: '1Gi' })));
    c.apply(manifest(pvcFixture('rwx', { className: '', modes: ['ReadWriteMany'] })));
    c.apply(manifest(pvcFixture('big', { className: '', request: '5Gi' })));
    await c.settled();
    for (const n of ['rwx', 'big']) {
      expect(c.get('pvc', n).status.phase).toBe('Pending');
      expect(reasons(c.events(n))).toEqual(['Normal FailedBinding: no persistent volumes available for this claim and no storage class is set']);
    }
    expect(c.get('pv', 'rwo').status.phase).toBe('Available');
  });

  it('trap: a Retain volume goes Released when its claim is deleted and will not rebind until its claimRef is cleared', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('mysql-pv', { className: 'nfs' })));
    c.apply(manifest(pvcFixture('mysql-pvc', { className: 'nfs' })));
    await c.settled();
    c.api.delete(resourcesOf(c).pvc, 'default', 'mysql-pvc');
    await c.settled();
    expect(c.get('pvc', 'mysql-pvc')).toBeUndefined();
    expect(c.get('pv', 'mysql-pv').status.phase).toBe('Released');
    c.apply(manifest(pvcFixture('mysql-pvc', { className: 'nfs' })));
    await c.settled();
    await c.advance(16_000);
    expect(c.get('pvc', 'mysql-pvc').status.phase).toBe('Pending');
    expect(c.get('pv', 'mysql-pv').status.phase).toBe('Released');
    // The administrator's fix: remove spec.claimRef.
    c.api.patch(resourcesOf(c).pv, '', 'mysql-pv', 'json', [{ op: 'remove', path: '/spec/claimRef' }]);
    await c.settled();
    await c.advance(16_000);
    expect(c.get('pvc', 'mysql-pvc').status.phase).toBe('Bound');
    expect(c.get('pv', 'mysql-pv').status.phase).toBe('Bound');
  });

  it('a claim naming a volume that is too small gets VolumeMismatch', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('small', { className: '', capacity: '1Gi' })));
    c.apply(manifest(pvcFixture('wants-small', { className: '', volumeName: 'small', request: '2Gi' })));
    await c.settled();
    expect(reasons(c.events('wants-small'))).toEqual(['Warning VolumeMismatch: Cannot bind to requested volume "small": requested PV is too small']);
  });

  it('a bound claim whose volume is deleted goes Lost with ClaimLost', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('v', { className: '' })));
    c.apply(manifest(pvcFixture('cl', { className: '' })));
    await c.settled();
    // Force the volume away (its pv-protection finalizer would hold it while Bound).
    c.api.patch(resourcesOf(c).pv, '', 'v', 'merge', { metadata: { finalizers: null } });
    c.api.delete(resourcesOf(c).pv, '', 'v');
    await c.settled();
    expect(c.get('pvc', 'cl').status.phase).toBe('Lost');
    expect(reasons(c.events('cl'))).toEqual(['Warning ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!']);
  });

  it('Delete on a static NFS volume fails: no deleter plugin', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('nfs-del', { className: 'nfs', reclaim: 'Delete' })));
    c.apply(manifest(pvcFixture('d', { className: 'nfs' })));
    await c.settled();
    c.api.delete(resourcesOf(c).pvc, 'default', 'd');
    await c.settled();
    expect(c.get('pv', 'nfs-del').status.phase).toBe('Failed');
    expect(reasons(c.events('nfs-del'))).toEqual(['Warning VolumeFailedDelete: error getting deleter volume plugin for volume "nfs-del": no deletable volume plugin matched']);
  });

  it('keeps a claim used by a scheduled pod Terminating (pvc-protection) and lets it go with the pod', async () => {
    using c = storageCluster();
    c.apply(manifest(pvFixture('v', { className: '' })));
    c.apply(manifest(pvcFixture('used', { className: '' })));
    c.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user', namespace: 'default' },
      spec: { nodeName: 'lab-worker', containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'used' } }] },
    } as KObject);
    await c.settled();
    c.api.delete(resourcesOf(c).pvc, 'default', 'used');
    await c.settled();
    expect(c.get('pvc', 'used').metadata.deletionTimestamp).toBeDefined();
    c.api.delete(resourcesOf(c).pod, 'default', 'user', { gracePeriodSeconds: 0 });
    await c.settled();
    expect(c.get('pvc', 'used')).toBeUndefined();
    expect(c.get('pv', 'v').status.phase).toBe('Released');
  });
});

describe('provisioners', () => {
  it('the in-tree kubernetes.io/rbd class is answered by nobody: Pending with ExternalProvisioning only', async () => {
    using c = storageCluster();
    c.apply({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'legacy-rbd' }, provisioner: 'kubernetes.io/rbd', parameters: { pool: 'rbd' } } as KObject);
    c.apply(manifest(pvcFixture('legacy-rbd-pvc', { className: 'legacy-rbd' })));
    await c.settled();
    await c.advance(30_000);
    const claim = c.get('pvc', 'legacy-rbd-pvc');
    expect(claim.status.phase).toBe('Pending');
    expect(claim.metadata.annotations['volume.kubernetes.io/storage-provisioner']).toBe('kubernetes.io/rbd');
    expect(claim.metadata.annotations['volume.beta.kubernetes.io/storage-provisioner']).toBe('kubernetes.io/rbd');
    const evs = c.events('legacy-rbd-pvc');
    expect(evs).toHaveLength(1);
    expect(evs[0]).toMatchObject({
      type: 'Normal',
      reason: 'ExternalProvisioning',
      // Once on creation, once more when the controller's own annotation update comes back, then every 15 s resync.
      count: 4,
      source: { component: 'persistentvolume-controller' },
      message:
        "Waiting for a volume to be created either by the external provisioner 'kubernetes.io/rbd' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    });
  });

  it('provisioning takes the provisioner\'s time: the claim is Pending just after apply (QA F10), Bound once CreateVolume returns', async () => {
    using c = storageCluster(undefined, { provisionLatency: true });
    const key = c.storage.ceph.getKey('client.admin');
    c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: key }));
    c.apply(csiRbdClass());
    c.apply(manifest(pvcFixture('rbd-pvc', { className: 'csi-rbd-sc' })));
    await c.settled();
    expect(c.get('pvc', 'rbd-pvc').status.phase).toBe('Pending');
    expect(reasons(c.events('rbd-pvc'))).toContain('Normal Provisioning: External provisioner is provisioning volume for claim "default/rbd-pvc"');
    expect(c.storage.ceph.images('rbd')).toEqual([]);
    await c.advance(1000);
    expect(c.get('pvc', 'rbd-pvc').status.phase).toBe('Pending');
    await c.advance(1000);
    expect(c.get('pvc', 'rbd-pvc').status.phase).toBe('Bound');
    expect(reasons(c.events('rbd-pvc')).filter((e) => e.includes(' Provisioning:'))).toHaveLength(1);
  });

  it('ceph-csi provisions lesson 4 rbd-pvc: an RBD image, a CSI PV pvc-<uid> with the volume handle, and the provisioning events', async () => {
    using c = storageCluster();
    const key = c.storage.ceph.getKey('client.admin');
    c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: key }));
    c.apply(csiRbdClass());
    c.apply(manifest(pvcFixture('rbd-pvc', { className: 'csi-rbd-sc' })));
    await c.settled();
    const claim = c.get('pvc', 'rbd-pvc');
    expect(claim.status.phase).toBe('Bound');
    const pvName = `pvc-${claim.metadata.uid}`;
    expect(claim.spec.volumeName).toBe(pvName);
    const vol = c.get('pv', pvName);
    expect(vol.metadata.annotations['pv.kubernetes.io/provisioned-by']).toBe('rbd.csi.ceph.com');
    expect(vol.metadata.finalizers).toEqual(expect.arrayContaining(['kubernetes.io/pv-protection', 'external-provisioner.volume.kubernetes.io/finalizer']));
    expect(vol.spec.csi.driver).toBe('rbd.csi.ceph.com');
    expect(vol.spec.csi.volumeHandle).toMatch(/^0001-0024-b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d-0000000000000002-[0-9a-f-]{36}$/);
    expect(vol.spec.csi.nodeStageSecretRef).toEqual({ name: 'csi-rbd-secret', namespace: 'default' });
    expect(vol.spec.capacity.storage).toBe('1Gi');
    expect(vol.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    const imageName = vol.spec.csi.volumeAttributes.imageName;
    expect(c.storage.ceph.images('rbd').map((i) => i.name)).toEqual([imageName]);
    expect(c.storage.ceph.image('rbd', imageName)?.sizeBytes).toBe(2 ** 30);
    const evs = reasons(c.events('rbd-pvc'));
    expect(evs.some((e) => /^Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'rbd.csi.ceph.com'/.test(e))).toBe(true);
    expect(evs).toContain('Normal Provisioning: External provisioner is provisioning volume for claim "default/rbd-pvc"');
    expect(evs).toContain(`Normal ProvisioningSucceeded: Successfully provisioned volume ${pvName}`);
    const prov = c.events('rbd-pvc').find((e) => e.reason === 'Provisioning');
    expect(prov.source.component).toMatch(/^rbd\.csi\.ceph\.com_csi-rbdplugin-provisioner-[a-z0-9-]+_[0-9a-f-]{36}$/);
    // Reclaim Delete: the claim goes, the image and then the PV go.
    c.api.delete(resourcesOf(c).pvc, 'default', 'rbd-pvc');
    await c.settled();
    expect(c.storage.ceph.images('rbd')).toEqual([]);
    expect(c.get('pv', pvName)).toBeUndefined();
  });

  it('ceph-csi failure messages: missing secret, wrong key, missing pool', async () => {
    using c = storageCluster();
    c.apply(csiRbdClass());
    c.apply(manifest(pvcFixture('no-secret', { className: 'csi-rbd-sc' })));
    await c.settled();
    expect(reasons(c.events('no-secret'))).toContain(
      'Warning ProvisioningFailed: failed to provision volume with StorageClass "csi-rbd-sc": error getting secret csi-rbd-secret in namespace default: secrets "csi-rbd-secret" not found',
    );
    c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: newCephxKey() }));
    await c.advance(5_000);
    expect(reasons(c.events('no-secret'))).toContain(
      'Warning ProvisioningFailed: failed to provision volume with StorageClass "csi-rbd-sc": rpc error: code = Internal desc = failed to get connection: connecting failed: rados: ret=-13, Permission denied',
    );
    expect(c.get('pvc', 'no-secret').status.phase).toBe('Pending');
    // With the right key and a pool that does not exist.
    c.api.delete(resourcesOf(c).secret, 'default', 'csi-rbd-secret');
    c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: c.storage.ceph.getKey('client.admin') }));
    c.apply({ ...csiRbdClass({ pool: 'nosuchpool' }), metadata: { name: 'bad-pool' } } as KObject);
    c.apply(manifest(pvcFixture('pool-claim', { className: 'bad-pool' })));
    await c.settled();
    expect(reasons(c.events('pool-claim'))).toContain(
      'Warning ProvisioningFailed: failed to provision volume with StorageClass "bad-pool": rpc error: code = Internal desc = pool not found: pool (nosuchpool) not found in Ceph cluster',
    );
    // The first claim recovers on its next retry now that the key is right.
    await c.advance(20_000);
    expect(c.get('pvc', 'no-secret').status.phase).toBe('Bound');
  });

  it('local-path provisions on the selected node: a hostPath PV pinned there and the directory under /var/local-path-provisioner', async () => {
    using c = storageCluster(withKubelet);
    c.apply(manifest(pvcFixture('lp-claim', { className: 'standard', annotations: { 'volume.kubernetes.io/selected-node': 'lab-worker' } })));
    // The helper pod runs on lab-worker; the provisioner looks at it once a second.
    await c.advance(3000);
    const claim = c.get('pvc', 'lp-claim');
    expect(claim.status.phase).toBe('Bound');
    const pvName = `pvc-${claim.metadata.uid}`;
    const vol = c.get('pv', pvName);
    const path = `/var/local-path-provisioner/${pvName}_default_lp-claim`;
    expect(vol.spec.hostPath).toEqual({ path, type: 'DirectoryOrCreate' });
    expect(vol.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: 'kubernetes.io/hostname', operator: 'In', values: ['lab-worker'] });
    expect(vol.metadata.annotations).toMatchObject({ 'local.path.provisioner/selected-node': 'lab-worker', 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' });
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker', path))).toBe(true);
    const prov = c.events('lp-claim').find((e) => e.reason === 'Provisioning');
    expect(prov.source.component).toMatch(/^rancher\.io\/local-path_local-path-provisioner-[a-z0-9]+-[a-z0-9]+_[0-9a-f-]{36}$/);
    c.api.delete(resourcesOf(c).pvc, 'default', 'lp-claim');
    await c.advance(3000);
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker', path))).toBe(false);
    expect(c.get('pv', pvName)).toBeUndefined();
  });

  it('local-path refuses RWX and follows per-node paths from local-path-config; a broken config keeps the last good one', async () => {
    using c = storageCluster(withKubelet);
    c.apply(manifest(pvcFixture('rwx', { className: 'standard', modes: ['ReadWriteMany'], annotations: { 'volume.kubernetes.io/selected-node': 'lab-worker' } })));
    await c.settled();
    expect(reasons(c.events('rwx'))).toContain(
      'Warning ProvisioningFailed: failed to provision volume with StorageClass "standard": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes',
    );
    const cmRt = resourcesOf(c).configmap;
    const cm = c.api.get(cmRt, 'local-path-storage', 'local-path-config') as any;
    cm.data['config.json'] = JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/var/local-path-provisioner'] }, { node: 'lab-worker2', paths: ['/data2'] }] });
    c.api.update(cmRt, 'local-path-storage', 'local-path-config', cm);
    await c.settled();
    const bad = c.api.get(cmRt, 'local-path-storage', 'local-path-config') as any;
    bad.data['config.json'] = JSON.stringify({ nodePathMap: [{ node: 'lab-worker2', paths: ['data2'] }] });
    c.api.update(cmRt, 'local-path-storage', 'local-path-config', bad);
    await c.settled();
    c.apply(manifest(pvcFixture('w2', { className: 'standard', annotations: { 'volume.kubernetes.io/selected-node': 'lab-worker2' } })));
    await c.advance(3000);
    const claim = c.get('pvc', 'w2');
    expect(claim.status.phase).toBe('Bound');
    expect(c.get('pv', claim.spec.volumeName).spec.hostPath.path).toBe(`/data2/${claim.spec.volumeName}_default_w2`);
  });
});

describe('provisioners: what stays behind', () => {
  it('an Immediate kubernetes.io/no-provisioner class only gets the ExternalProvisioning event', async () => {
    using c = storageCluster();
    c.apply({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner' } as KObject);
    c.apply(manifest(pvcFixture('manual-claim', { className: 'manual' })));
    await c.settled();
    expect(reasons(c.events('manual-claim'))).toEqual([
      "Normal ExternalProvisioning: Waiting for a volume to be created either by the external provisioner 'kubernetes.io/no-provisioner' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    ]);
    expect(c.get('pvc', 'manual-claim').status.phase).toBe('Pending');
  });

  it('a local-path volume of a Retain class stays Released with its directory when the claim goes', async () => {
    using c = storageCluster(withKubelet);
    c.apply({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local-path-retain' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Retain' } as KObject);
    c.apply(manifest(pvcFixture('keep', { className: 'local-path-retain', annotations: { 'volume.kubernetes.io/selected-node': 'lab-worker2' } })));
    await c.advance(3000);
    const pvName = c.get('pvc', 'keep').spec.volumeName;
    const path = c.get('pv', pvName).spec.hostPath.path;
    c.api.delete(resourcesOf(c).pvc, 'default', 'keep');
    await c.settled();
    expect(c.get('pv', pvName).status.phase).toBe('Released');
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker2', path))).toBe(true);
  });

  it('an RBD image still mapped on a node cannot be deleted: VolumeFailedDelete on the PV, retried until the node lets go', async () => {
    using c = storageCluster();
    c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: c.storage.ceph.getKey('client.admin') }));
    c.apply(csiRbdClass());
    c.apply(manifest(pvcFixture('busy', { className: 'csi-rbd-sc' })));
    await c.settled();
    const pvName = c.get('pvc', 'busy').spec.volumeName;
    const image = c.get('pv', pvName).spec.csi.volumeAttributes.imageName;
    c.storage.ceph.addWatcher('rbd', image, '172.18.0.3');
    c.api.delete(resourcesOf(c).pvc, 'default', 'busy');
    await c.settled();
    expect(reasons(c.events(pvName))).toContain(`Warning VolumeFailedDelete: rpc error: code = Internal desc = rbd ${image} is still being used`);
    expect(c.get('pv', pvName).status.phase).toBe('Released');
    c.storage.ceph.removeWatchers('rbd', image, '172.18.0.3');
    await c.advance(3_000);
    expect(c.get('pv', pvName)).toBeUndefined();
    expect(c.storage.ceph.images('rbd')).toEqual([]);
  });
});

describe('volume expansion (ceph-csi RBD)', () => {
  it('a raised request grows the image and the PV, then waits for the node to grow the filesystem', async () => {
    using c = storageCluster();
    c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: c.storage.ceph.getKey('client.admin') }));
    c.apply(csiRbdClass());
    c.apply(manifest(pvcFixture('grow', { className: 'csi-rbd-sc' })));
    await c.settled();
    const pvName = c.get('pvc', 'grow').spec.volumeName;
    const image = c.get('pv', pvName).spec.csi.volumeAttributes.imageName;
    c.api.patch(resourcesOf(c).pvc, 'default', 'grow', 'merge', { spec: { resources: { requests: { storage: '2Gi' } } } });
    await c.settled();
    expect(c.storage.ceph.image('rbd', image)?.sizeBytes).toBe(2 * 2 ** 30);
    expect(c.get('pv', pvName).spec.capacity.storage).toBe('2Gi');
    const claim = c.get('pvc', 'grow');
    expect(claim.metadata.annotations['volume.kubernetes.io/storage-resizer']).toBe('rbd.csi.ceph.com');
    expect(claim.status.capacity.storage).toBe('1Gi');
    expect(claim.status.conditions).toEqual([
      expect.objectContaining({ type: 'FileSystemResizePending', status: 'True', message: 'Waiting for user to (re-)start a pod to finish file system resize of volume on node.' }),
    ]);
    expect(claim.status.allocatedResourceStatuses).toEqual({ storage: 'NodeResizePending' });
    const evs = c.events('grow').map((e) => `${e.reason} [${e.source.component}]: ${e.message}`);
    expect(evs).toEqual(
      expect.arrayContaining([
        'ExternalExpanding [volume_expand]: waiting for an external controller to expand this PVC',
        `Resizing [external-resizer rbd.csi.ceph.com]: External resizer is resizing volume ${pvName}`,
        'FileSystemResizeRequired [external-resizer rbd.csi.ceph.com]: Require file system resize of volume on node',
      ]),
    );
    // Nothing more happens until a kubelet grows the filesystem: no loop of resize attempts.
    await c.advance(20_000);
    expect(c.events('grow').find((e) => e.reason === 'Resizing').count).toBe(1);
    expect(c.storage.ceph.image('rbd', image)?.sizeBytes).toBe(2 * 2 ** 30);
  });
});

import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
function resourcesOf(_c: unknown) {
  return { pv: resources.persistentvolumes, pvc: resources.persistentvolumeclaims, pod: resources.pods, secret: resources.secrets, configmap: resources.configmaps };
}
