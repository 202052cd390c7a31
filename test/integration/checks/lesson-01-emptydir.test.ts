// Proof suite for lesson 1 (emptyDir): reference solution and broken variants on fresh simulated clusters,
// plus correct solutions written another way than the lesson's manifests, which must pass too.
import { describe, expect, it } from 'vitest';
import lesson from '../../../lessons/01-emptydir/exercises.ts';
import { applyYaml, isReady, waitFor, type SolveStep } from '../../../sandbox/checks/index.ts';
import { freshCluster, proveLesson, summary } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));

/** producerConsumerReordered: the consumer listed first, mount paths with a trailing slash, an extra label. */
const producerConsumerReordered = `
apiVersion: v1
kind: Pod
metadata:
  name: producer-consumer
  labels:
    demo: emptydir
spec:
  terminationGracePeriodSeconds: 5
  containers:
    - name: consumer
      image: busybox:1.36
      command: ["sh", "-c", "until [ -f /consumer_dir/hello ]; do sleep 1; done; cat /consumer_dir/hello && sleep 30000"]
      volumeMounts:
        - name: shared-volume
          mountPath: /consumer_dir/
    - name: producer
      image: busybox:1.36
      command: ["sh", "-c", "echo 'hello world' > /producer_dir/hello && sleep 30000"]
      volumeMounts:
        - name: shared-volume
          mountPath: /producer_dir/
  volumes:
    - name: shared-volume
      emptyDir: {}
`;

/** ramCacheInBytes: the same limits written in bytes (67108864 = 64Mi, 134217728 = 128Mi), no memory request. */
const ramCacheInBytes = `
apiVersion: v1
kind: Pod
metadata:
  name: ram-cache
spec:
  terminationGracePeriodSeconds: 5
  containers:
    - name: app
      image: busybox:1.36
      command: ["sleep", "3600000"]
      resources:
        limits:
          memory: "134217728"
      volumeMounts:
        - name: cache
          mountPath: /cache/
  volumes:
    - name: cache
      emptyDir:
        medium: Memory
        sizeLimit: "67108864"
`;

const alternatives: { exercise: string; name: string; steps: SolveStep[] }[] = [
  {
    exercise: 'emptydir-shared-volume',
    name: 'consumer listed first, mount paths with a trailing slash',
    steps: [
      applyYaml('apply the reordered producer-consumer', producerConsumerReordered),
      waitFor('producer-consumer is Running', async (v) => isReady(await v.pod('default', 'producer-consumer'))),
      // The consumer starts first here and polls once a second: wait for what the lesson says to look for, its log.
      waitFor('the consumer has printed hello world', async (v) =>
        (await v.core.readNamespacedPodLog({ namespace: 'default', name: 'producer-consumer', container: 'consumer' }).catch(() => '')).split('\n').includes('hello world'),
      ),
    ],
  },
  {
    exercise: 'emptydir-memory',
    name: 'sizeLimit and memory limit written in bytes',
    steps: [applyYaml('apply ram-cache in bytes', ramCacheInBytes), waitFor('ram-cache is Running', async (v) => isReady(await v.pod('default', 'ram-cache')))],
  },
];

describe.skipIf(!!process.env.KSLAB_PROOF_ONLY)('lesson emptydir: correct work done another way passes', { timeout: 180_000 }, () => {
  for (const alt of alternatives) {
    it(`${alt.exercise}: ${alt.name}`, async () => {
      const exercise = lesson.exercises.find((e) => e.id === alt.exercise)!;
      const bench = await freshCluster(lesson);
      try {
        await bench.run(alt.steps);
        const results = await bench.check(exercise);
        expect(results.filter((r) => r.status !== 'pass').map((r) => r.id), summary(results)).toEqual([]);
      } finally {
        await bench.close();
      }
    });
  }
});
