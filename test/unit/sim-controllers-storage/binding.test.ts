import { describe, expect, it } from 'vitest';
import { checkVolumeSatisfyClaim, findMatchingVolume } from '../../../sandbox/providers/sim/controllers/pv-binder/matching.ts';
import {
  bindClaimToVolume,
  bindVolumeToClaim,
  claimStatusFor,
  decideClaim,
  decideVolume,
  type BinderWorld,
} from '../../../sandbox/providers/sim/controllers/pv-binder/decisions.ts';
import { node, pod, pv, pvc, standard, storageClass } from './fixtures.ts';

const nfsClass = storageClass('nfs', 'kubernetes.io/no-provisioner');
const world = (w: Partial<BinderWorld>): BinderWorld => ({ volumes: [], claims: [], classes: [standard, nfsClass], pods: [], ...w });

describe('findMatchingVolume (the PV controller search)', () => {
  it('tries access-mode sets fewest modes first: a 10Gi RWO volume beats a 2Gi RWO+RWX one for an RWO claim', () => {
    const big = pv('big-rwo', { capacity: '10Gi', modes: ['ReadWriteOnce'], className: 'nfs' });
    const small = pv('small-rwx', { capacity: '2Gi', modes: ['ReadWriteOnce', 'ReadWriteMany'], className: 'nfs' });
    const claim = pvc('c', { request: '1Gi', className: 'nfs' });
    expect(findMatchingVolume(claim, [small, big], [nfsClass])?.metadata.name).toBe('big-rwo');
  });

  it('takes the smallest volume that fits within one access-mode set', () => {
    const vols = [pv('v5', { capacity: '5Gi', className: 'nfs' }), pv('v2', { capacity: '2Gi', className: 'nfs' }), pv('v500m', { capacity: '500Mi', className: 'nfs' })];
    expect(findMatchingVolume(pvc('c', { request: '1Gi', className: 'nfs' }), vols, [nfsClass])?.metadata.name).toBe('v2');
  });

  it('never matches a volume that is too small', () => {
    expect(findMatchingVolume(pvc('c', { request: '2Gi', className: 'nfs' }), [pv('v', { capacity: '1Gi', className: 'nfs' })], [nfsClass])).toBeUndefined();
  });

  it('an RWX claim does not bind an RWO volume', () => {
    expect(findMatchingVolume(pvc('c', { modes: ['ReadWriteMany'], className: 'nfs' }), [pv('v', { className: 'nfs' })], [nfsClass])).toBeUndefined();
  });

  it('a claim of class "" only matches volumes of class "" and the other way round', () => {
    const classless = pv('classless');
    expect(findMatchingVolume(pvc('c', { className: '' }), [classless], [])?.metadata.name).toBe('classless');
    expect(findMatchingVolume(pvc('c', { className: 'standard' }), [classless], [storageClass('standard', 'x')])).toBeUndefined();
  });

  it('a Released volume (Retain) never rebinds', () => {
    const released = pv('mysql-pv', { className: 'nfs', phase: 'Released', claimRef: { name: 'old', uid: 'gone' } });
    expect(findMatchingVolume(pvc('mysql-pvc', { className: 'nfs' }), [released], [nfsClass])).toBeUndefined();
    // Even with the claimRef cleared the phase must first go back to Available.
    const cleared = pv('mysql-pv', { className: 'nfs', phase: 'Released' });
    expect(findMatchingVolume(pvc('mysql-pvc', { className: 'nfs' }), [cleared], [nfsClass])).toBeUndefined();
  });

  it('returns a volume pre-bound to the claim before anything else, whatever its size rank', () => {
    const claim = pvc('c', { className: 'nfs' });
    const prebound = pv('pre', { capacity: '50Gi', className: 'nfs', claimRef: { name: 'c' }, phase: 'Available' });
    expect(findMatchingVolume(claim, [pv('small', { className: 'nfs' }), prebound], [nfsClass])?.metadata.name).toBe('pre');
  });

  it('skips volumes with another claim, a different volumeMode, a non-matching selector, or a deletionTimestamp', () => {
    const claim = pvc('c', { className: 'nfs', selector: { matchLabels: { tier: 'db' } } });
    const vols = [
      pv('taken', { className: 'nfs', claimRef: { name: 'other', uid: 'x' }, labels: { tier: 'db' } }),
      pv('block', { className: 'nfs', volumeMode: 'Block', labels: { tier: 'db' } }),
      pv('web', { className: 'nfs', labels: { tier: 'web' } }),
      pv('deleting', { className: 'nfs', labels: { tier: 'db' }, deleting: true }),
    ];
    expect(findMatchingVolume(claim, vols, [nfsClass])).toBeUndefined();
    expect(findMatchingVolume(claim, [...vols, pv('db', { className: 'nfs', labels: { tier: 'db' } })], [nfsClass])?.metadata.name).toBe('db');
  });

  it('leaves volumes of a WaitForFirstConsumer class to the scheduler, which matches them per node', () => {
    const local = storageClass('local-storage', 'kubernetes.io/no-provisioner', { wffc: true });
    const vol = pv('local-pv', { capacity: '5Gi', className: 'local-storage', node: 'lab-worker2', source: { local: { path: '/mnt/disks/vol1' } } });
    const claim = pvc('local-pvc', { request: '5Gi', className: 'local-storage' });
    expect(findMatchingVolume(claim, [vol], [local])).toBeUndefined();
    expect(findMatchingVolume(claim, [vol], [local], { node: node('lab-worker2') })?.metadata.name).toBe('local-pv');
    expect(findMatchingVolume(claim, [vol], [local], { node: node('lab-worker') })).toBeUndefined();
  });
});

describe('checkVolumeSatisfyClaim (claims that name their volume)', () => {
  it('gives the reasons the VolumeMismatch event quotes', () => {
    expect(checkVolumeSatisfyClaim(pv('v', { capacity: '1Gi' }), pvc('c', { request: '2Gi', className: '' }))).toBe('requested PV is too small');
    expect(checkVolumeSatisfyClaim(pv('v', { className: 'nfs' }), pvc('c', { className: 'standard' }))).toBe('storageClassName does not match');
    expect(checkVolumeSatisfyClaim(pv('v', { volumeMode: 'Block', className: '' }), pvc('c', { className: '' }))).toBe('incompatible volumeMode');
    expect(checkVolumeSatisfyClaim(pv('v', { className: '' }), pvc('c', { className: '', modes: ['ReadWriteMany'] }))).toBe('incompatible accessMode');
    expect(checkVolumeSatisfyClaim(pv('v', { className: '' }), pvc('c', { className: '' }))).toBeUndefined();
  });
});

describe('decideClaim (syncClaim)', () => {
  it('a claim without a class gets the default class, then waits for a consumer and never binds the class-less NFS volume', () => {
    const classless = pv('mysql-pv');
    // Admission gives a new class-less claim `standard`; a claim that predates the default gets it retroactively.
    const claim = pvc('mysql-pvc', { request: '5Gi' }); // storageClassName nil, and nothing fits
    expect(decideClaim(claim, world({ volumes: [classless] }))).toEqual({ kind: 'assignDefaultClass', className: 'standard' });
    const withDefault = pvc('mysql-pvc', { className: 'standard' });
    expect(decideClaim(withDefault, world({ volumes: [classless] }))).toEqual({
      kind: 'pending',
      event: { type: 'Normal', reason: 'WaitForFirstConsumer', message: 'waiting for first consumer to be created before binding' },
    });
  });

  it('names the pod that waits to be scheduled (WaitForPodScheduled)', () => {
    const claim = pvc('lp-claim', { className: 'standard' });
    expect(decideClaim(claim, world({ pods: [pod('lp-pod', ['lp-claim'])] }))).toEqual({
      kind: 'pending',
      event: { type: 'Normal', reason: 'WaitForPodScheduled', message: 'waiting for pod lp-pod to be scheduled' },
    });
  });

  it('binds a matching volume', () => {
    const vol = pv('mysql-pv', { className: 'nfs' });
    const step = decideClaim(pvc('mysql-pvc', { className: 'nfs' }), world({ volumes: [vol] }));
    expect(step.kind).toBe('bind');
  });

  it('hands a classed claim to the class provisioner, also ones nobody runs any more', () => {
    const legacy = storageClass('legacy-rbd', 'kubernetes.io/rbd');
    expect(decideClaim(pvc('legacy-rbd-pvc', { className: 'legacy-rbd' }), world({ classes: [standard, legacy] }))).toEqual({
      kind: 'provision',
      provisioner: 'kubernetes.io/rbd',
      className: 'legacy-rbd',
    });
  });

  it('a WaitForFirstConsumer claim with a selected node goes to its provisioner', () => {
    const claim = pvc('lp', { className: 'standard', annotations: { 'volume.kubernetes.io/selected-node': 'lab-worker' } });
    expect(decideClaim(claim, world({}))).toMatchObject({ kind: 'provision', provisioner: 'rancher.io/local-path' });
  });

  it('reports a class that does not exist as ProvisioningFailed', () => {
    expect(decideClaim(pvc('c', { className: 'nope' }), world({}))).toEqual({ kind: 'provisioningFailed', message: 'storageclass.storage.k8s.io "nope" not found' });
  });

  it('a claim of class "" with no volume gets FailedBinding', () => {
    expect(decideClaim(pvc('c', { className: '' }), world({}))).toEqual({
      kind: 'pending',
      event: { type: 'Normal', reason: 'FailedBinding', message: 'no persistent volumes available for this claim and no storage class is set' },
    });
  });

  it('a claim naming a volume: missing waits silently, unsuitable is VolumeMismatch, taken is FailedBinding', () => {
    expect(decideClaim(pvc('c', { className: '', volumeName: 'nope' }), world({}))).toEqual({ kind: 'pending' });
    expect(decideClaim(pvc('c', { className: '', volumeName: 'small', request: '5Gi' }), world({ volumes: [pv('small', { className: '' })] }))).toEqual({
      kind: 'pending',
      event: { type: 'Warning', reason: 'VolumeMismatch', message: 'Cannot bind to requested volume "small": requested PV is too small' },
    });
    const taken = pv('taken', { className: '', claimRef: { name: 'other', uid: 'u' }, phase: 'Bound' });
    expect(decideClaim(pvc('c', { className: '', volumeName: 'taken' }), world({ volumes: [taken] }))).toEqual({
      kind: 'pending',
      event: { type: 'Warning', reason: 'FailedBinding', message: 'volume "taken" already bound to a different claim.' },
    });
  });

  it('a bound claim whose volume is gone is Lost', () => {
    const claim = pvc('c', { className: 'nfs', volumeName: 'gone', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' }, phase: 'Bound' });
    expect(decideClaim(claim, world({}))).toEqual({ kind: 'lost', reason: 'ClaimLost', message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!' });
  });
});

describe('decideVolume (syncVolume)', () => {
  it('an unclaimed or only pre-bound volume is Available', () => {
    expect(decideVolume(pv('v', { phase: 'Pending' }), world({}))).toEqual({ kind: 'phase', phase: 'Available' });
    expect(decideVolume(pv('v', { claimRef: { name: 'c' } }), world({}))).toEqual({ kind: 'phase', phase: 'Available' });
  });

  it('a volume whose claim is gone (or replaced by a namesake) is reclaimed', () => {
    const v = pv('v', { claimRef: { name: 'c', uid: 'old' }, phase: 'Bound' });
    expect(decideVolume(v, world({}))).toEqual({ kind: 'reclaim' });
    expect(decideVolume(v, world({ claims: [pvc('c', { uid: 'new' })] }))).toEqual({ kind: 'reclaim' });
  });

  it('a volume the controller half-bound to a claim that went elsewhere is unbound', () => {
    const claim = pvc('c', { uid: 'u1', volumeName: 'other' });
    const v = pv('v', { claimRef: { name: 'c', uid: 'u1' }, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' }, phase: 'Bound' });
    expect(decideVolume(v, world({ claims: [claim] }))).toEqual({ kind: 'unbind' });
  });
});

describe('bind changes', () => {
  it('sets claimRef + bound-by-controller on the PV, volumeName + bind-completed on the claim, and the PV capacity in the claim status', () => {
    const claim = pvc('c', { request: '1Gi', className: 'nfs', uid: 'claim-uid' });
    const vol = pv('v', { capacity: '5Gi', className: 'nfs', modes: ['ReadWriteOnce', 'ReadWriteMany'] });
    const { volume } = bindVolumeToClaim(vol, claim);
    expect((volume as any).spec.claimRef).toMatchObject({ kind: 'PersistentVolumeClaim', name: 'c', namespace: 'default', uid: 'claim-uid' });
    expect(volume.metadata.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    const { claim: bound } = bindClaimToVolume(claim, volume);
    expect((bound as any).spec.volumeName).toBe('v');
    expect(bound.metadata.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(claimStatusFor(bound, 'Bound', volume).status).toEqual({ phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadWriteMany'], capacity: { storage: '5Gi' } });
  });

  it('a volume the user pre-bound does not get bound-by-controller', () => {
    const claim = pvc('c', { uid: 'u' });
    const { volume } = bindVolumeToClaim(pv('v', { claimRef: { name: 'c' } }), claim);
    expect(volume.metadata.annotations?.['pv.kubernetes.io/bound-by-controller']).toBeUndefined();
    expect((volume as any).spec.claimRef.uid).toBe('u');
  });
});
