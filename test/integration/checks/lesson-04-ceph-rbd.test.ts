// Proof suite for lesson 4 (Ceph RBD): reference solutions and broken variants on fresh simulated clusters
// (the view reaches Ceph through the sim cluster's own `ceph`/`rbd` tools, as the sandbox server's does),
// and correct submissions done another way than the lesson's manifests, which must pass too.
import { describe, expect, it } from 'vitest';
import lesson from '../../../lessons/04-ceph-rbd/exercises.ts';
import { applyYaml, deleteObject, isReady, waitFor, type SolveStep } from '../../../sandbox/checks/index.ts';
import { stepsUpTo } from '../../../sandbox/checks/engine.ts';
import { freshCluster, proveAlternative, proveLesson, summary } from './proof.ts';

const only = process.env.KSLAB_PROOF_ONLY?.split(',');
proveLesson(lesson, only);

/** alternative declares "this other valid way of doing an exercise passes every check of it". */
const alternative = (exerciseId: string, name: string, steps: SolveStep[]) => proveAlternative(lesson, exerciseId, name, steps, only);

describe('lesson ceph-rbd: other valid ways', { timeout: 180_000 }, () => {
  alternative('ceph-rbd-secret', 'Secret manifest with stringData and a label', [
    applyYaml('Secret with stringData', async (ctx) => {
      const key = (await ctx.view.ceph('ceph', ['auth', 'get-key', 'client.admin'])).stdout.trim();
      return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: csi-rbd-secret\n  namespace: default\n  labels:\n    team: storage\nstringData:\n  userID: admin\n  userKey: "${key}"\n`;
    }),
  ]);
  alternative('ceph-rbd-provision-claim', 'claim for 1024Mi', [
    applyYaml('rbd-pvc for 1024Mi', 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: rbd-pvc\n  namespace: default\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: csi-rbd-sc\n  resources:\n    requests:\n      storage: 1024Mi\n'),
    waitFor('rbd-pvc is Bound', async (v) => (await v.pvc('default', 'rbd-pvc'))?.status?.phase === 'Bound', 60_000),
  ]);
  alternative('ceph-rbd-pod-mount', 'nodeName, a sidecar listed first, other names and image', [
    applyYaml(
      'rbd-writer with nodeName and a sidecar',
      `apiVersion: v1
kind: Pod
metadata:
  name: rbd-writer
  namespace: default
spec:
  nodeName: lab-worker
  containers:
    - name: sidecar
      image: busybox:1.36
      command: ["sleep", "86400"]
    - name: app
      image: alpine:3.20
      command: ["/bin/sh", "-c", "echo 'hello from rbd' > /data/hello; exec sleep 86400"]
      volumeMounts:
        - name: vol
          mountPath: /data
  volumes:
    - name: vol
      persistentVolumeClaim:
        claimName: rbd-pvc
`,
    ),
    waitFor('rbd-writer is Running', async (v) => isReady(await v.pod('default', 'rbd-writer')), 120_000),
  ]);
  alternative('ceph-rbd-legacy-pending', 'the article\'s beta storage-class annotation and a class without parameters', [
    applyYaml('legacy-rbd without parameters', 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: legacy-rbd\nprovisioner: kubernetes.io/rbd\n'),
    applyYaml(
      'legacy-rbd-pvc with the beta annotation',
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: legacy-rbd-pvc\n  namespace: default\n  annotations:\n    volume.beta.kubernetes.io/storage-class: legacy-rbd\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n',
    ),
    waitFor('legacy-rbd-pvc has an ExternalProvisioning event', async (v) => (await v.events('default', 'PersistentVolumeClaim', 'legacy-rbd-pvc')).some((e) => e.reason === 'ExternalProvisioning'), 60_000),
  ]);

  if (!only || only.includes('ceph-rbd-legacy-pending')) {
    it('every exercise passes when the whole lesson is graded at the end, after the reader was deleted as the lesson says', async () => {
      const bench = await freshCluster(lesson);
      try {
        await bench.run([...stepsUpTo(lesson, 'ceph-rbd-legacy-pending', true), deleteObject('v1', 'Pod', 'rbd-reader', 'default')]);
        for (const exercise of lesson.exercises) {
          const results = await bench.check(exercise);
          expect(results.filter((r) => r.status !== 'pass').map((r) => `${exercise.id}/${r.id}`), summary(results)).toEqual([]);
        }
      } finally {
        await bench.close();
      }
    });
  }
});
