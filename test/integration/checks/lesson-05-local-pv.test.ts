// Proof suite for lesson 5 (local PV): reference solutions and broken variants on fresh simulated clusters,
// and correct submissions done another way than the lesson's manifests, which must pass too.
import { describe } from 'vitest';
import lesson from '../../../lessons/05-local-pv/exercises.ts';
import { applyYaml, waitFor, type SolveStep } from '../../../sandbox/checks/index.ts';
import { proveAlternative, proveLesson } from './proof.ts';

const only = process.env.KSLAB_PROOF_ONLY?.split(',');
proveLesson(lesson, only);

/** alternative declares "this other valid way of doing an exercise passes every check of it". */
const alternative = (exerciseId: string, name: string, steps: SolveStep[]) => proveAlternative(lesson, exerciseId, name, steps, only);

describe('lesson local-pv: other valid ways', { timeout: 180_000 }, () => {
  alternative('local-pv-pin-volume', '5120Mi, a trailing slash on the path, volumeMode left to its default', [
    applyYaml(
      'local-pv written another way',
      `apiVersion: v1
kind: PersistentVolume
metadata:
  name: local-pv
  labels:
    disk: vol1
spec:
  capacity:
    storage: 5120Mi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: local-storage
  local:
    path: /mnt/disks/vol1/
  nodeAffinity:
    required:
      nodeSelectorTerms:
        - matchExpressions:
            - key: kubernetes.io/hostname
              operator: In
              values: [lab-worker2]
`,
    ),
  ]);
  alternative('local-pv-claim-waits', 'the beta storage-class annotation, 5120Mi, volumeMode left to its default', [
    applyYaml(
      'local-pvc with the beta annotation',
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: local-pvc\n  namespace: default\n  annotations:\n    volume.beta.kubernetes.io/storage-class: local-storage\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 5120Mi\n',
    ),
    waitFor('local-pvc has a WaitForFirstConsumer event', async (v) => (await v.events('default', 'PersistentVolumeClaim', 'local-pvc')).some((e) => e.reason === 'WaitForFirstConsumer'), 60_000),
  ]);
});
