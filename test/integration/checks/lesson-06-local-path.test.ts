// Proof suite for lesson 6 (local-path): reference solutions and broken variants on fresh simulated clusters,
// and correct submissions done another way than the lesson's manifests, which must pass too.
import { describe } from 'vitest';
import lesson from '../../../lessons/06-local-path/exercises.ts';
import { applyYaml, deleteObject, isReady, step, waitFor, type SolveStep } from '../../../sandbox/checks/index.ts';
import { proveAlternative, proveLesson } from './proof.ts';

const only = process.env.KSLAB_PROOF_ONLY?.split(',');
proveLesson(lesson, only);

/** alternative declares "this other valid way of doing an exercise passes every check of it". */
const alternative = (exerciseId: string, name: string, steps: SolveStep[]) => proveAlternative(lesson, exerciseId, name, steps, only);

const pvOfLpClaim = async (v: Parameters<Parameters<typeof waitFor>[1]>[0]) => (await v.pvs()).find((pv) => pv.spec?.claimRef?.name === 'lp-claim');

describe('lesson local-path: other valid ways', { timeout: 180_000 }, () => {
  alternative('local-path-node-paths', 'kubectl patch of config.json only, lab-worker2 listed first with /data2/, compact JSON', [
    step('merge-patch config.json', async (ctx) => {
      const json = '{"nodePathMap":[{"node":"lab-worker2","paths":["/data2/"]},{"node":"DEFAULT_PATH_FOR_NON_LISTED_NODES","paths":["/var/local-path-provisioner"]}]}';
      await ctx.view.mergePatch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'local-path-config', namespace: 'local-path-storage' }, data: { 'config.json': json } } as never);
    }),
  ]);
  alternative('local-path-claim-on-worker2', 'a claim without storageClassName (the default class) for 1024Mi, a pod placed by node affinity', [
    applyYaml('lp-claim in the default class', 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: lp-claim\n  namespace: default\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1024Mi\n'),
    applyYaml(
      'lp-pod with node affinity',
      `apiVersion: v1
kind: Pod
metadata:
  name: lp-pod
  namespace: default
spec:
  terminationGracePeriodSeconds: 5
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - key: kubernetes.io/hostname
                operator: In
                values: [lab-worker2]
  containers:
    - name: app
      image: busybox:1.36
      command: ["sh", "-c", "echo hello from local-path > /data/hello; sleep 86400"]
      volumeMounts:
        - name: vol
          mountPath: /data
  volumes:
    - name: vol
      persistentVolumeClaim:
        claimName: lp-claim
`,
    ),
    waitFor('lp-pod is Running', async (v) => isReady(await v.pod('default', 'lp-pod'))),
  ]);
  alternative('local-path-reclaim-delete', 'the claim deleted first (Terminating while the pod uses it), then the pod', [
    step('kubectl delete pvc lp-claim --wait=false', async (ctx) => {
      await ctx.view.delete({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'lp-claim', namespace: 'default' } });
    }),
    deleteObject('v1', 'Pod', 'lp-pod', 'default'),
    waitFor('the PV of lp-claim is gone', async (v) => !(await pvOfLpClaim(v))),
  ]);
});
