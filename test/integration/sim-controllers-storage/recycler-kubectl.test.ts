/**
 * The Recycle reclaim policy through real kubectl 1.33 (QA F-A2): lesson
 * 3's mysql-pv with Recycle (the lesson's own defect variant), a claim, a
 * pod that writes to it; after the pod and claim go, the controller's
 * recycler pod `recycler-for-mysql-pv` appears in `kubectl get pods`, its
 * script empties the export, the volume is Available again with its
 * RecyclerPod and VolumeRecycled events, and the recycler pod is gone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SimHarness, skipNote, waitFor, type TestCluster } from '../sim/harness.ts';

const lesson = join(import.meta.dirname, '..', '..', '..', 'lessons', '03-nfs');
const harness = new SimHarness();
afterAll(() => harness.close());

const writerPod = `apiVersion: v1
kind: Pod
metadata:
  name: writer
spec:
  containers:
    - name: writer
      image: busybox:1.36
      command: ["sh", "-c", "mkdir -p /data/db && echo hello > /data/db/row.txt && echo hi > /data/.dotfile && sleep 3600"]
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: mysql-pvc
`;

async function jsonpath(c: TestCluster, args: string[], path: string): Promise<string> {
  const r = await c.kubectl(['get', ...args, '-o', `jsonpath=${path}`]);
  return r.code === 0 ? r.stdout : '';
}

describe.skipIf(skipNote(33))('Recycle runs a recycler pod (kubectl 1.33)', () => {
  it('lesson 3 mysql-pv with Recycle: recycler-for-mysql-pv empties /exports/mysql, the volume is Available again', async () => {
    const c = await harness.cluster(33);
    c.write('pv.yaml', readFileSync(join(lesson, 'variants', 'pv-reclaim-recycle.yaml'), 'utf8'));
    c.write('pvc.yaml', readFileSync(join(lesson, 'manifests', 'mysql-pvc.yaml'), 'utf8'));
    c.write('writer.yaml', writerPod);
    expect((await c.kubectl(['apply', '-f', 'pv.yaml'])).code).toBe(0);
    expect((await c.kubectl(['apply', '-f', 'pvc.yaml'])).code).toBe(0);
    await waitFor(async () => (await jsonpath(c, ['pvc', 'mysql-pvc'], '{.status.phase}')) === 'Bound', 30_000, 200);
    expect((await c.kubectl(['apply', '-f', 'writer.yaml'])).code).toBe(0);
    const exportDir = c.sim.storage.dataRoot.nfsPath('/exports/mysql');
    await waitFor(() => existsSync(join(exportDir, 'db', 'row.txt')) && existsSync(join(exportDir, '.dotfile')), 60_000, 100);

    // A watch on pods, established (it listed the writer) before the claim goes, sees the recycler pod come and go.
    const watch = c.spawnKubectl(['get', 'pods', '--watch', '--output-watch-events']);
    try {
      await waitFor(() => watch.output().includes('writer'), 30_000, 100);
      expect((await c.kubectl(['delete', 'pod', 'writer', '--grace-period=1', '--wait=true'], { timeoutMs: 90_000 })).code).toBe(0);
      expect((await c.kubectl(['delete', 'pvc', 'mysql-pvc', '--wait=true'], { timeoutMs: 90_000 })).code).toBe(0);
      await waitFor(() => /ADDED\s+recycler-for-mysql-pv\s/.test(watch.output()), 60_000, 100);
      await waitFor(async () => (await jsonpath(c, ['pv', 'mysql-pv'], '{.status.phase}')) === 'Available', 90_000, 200);
      await waitFor(() => /DELETED\s+recycler-for-mysql-pv\s/.test(watch.output()), 60_000, 100);
    } finally {
      await watch.stop();
    }
    expect(readdirSync(exportDir)).toEqual([]);
    expect(await jsonpath(c, ['pv', 'mysql-pv'], '{.spec.claimRef}')).toBe('');
    const gone = await c.kubectl(['get', 'pod', 'recycler-for-mysql-pv']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('pods "recycler-for-mysql-pv" not found');

    // waitFor returns only a truthy value, so the lines are there.
    const events = (await waitFor(async () => {
      const r = await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.kind=PersistentVolume,involvedObject.name=mysql-pv', '-o', 'jsonpath={range .items[*]}{.type}|{.reason}|{.message}|{.source.component}{"\\n"}{end}']);
      const lines = r.stdout.split('\n').filter(Boolean);
      return lines.some((l) => l.startsWith('Normal|VolumeRecycled|')) ? lines : null;
    }, 30_000, 200))!;
    expect(events).toContain('Normal|VolumeRecycled|Volume recycled|persistentvolume-controller');
    expect(events).toContain('Normal|RecyclerPod|Recycler pod: Started container pv-recycler|persistentvolume-controller');
    expect(events.some((l) => /^Normal\|RecyclerPod\|Recycler pod: Successfully assigned default\/recycler-for-mysql-pv to lab-worker2?\|/.test(l))).toBe(true);
    expect(events.some((l) => l.startsWith('Normal|RecyclerPod|Recycler pod: Pulling image "registry.k8s.io/build-image/debian-base:'))).toBe(true);
    const describe = (await c.kubectl(['describe', 'pv', 'mysql-pv'])).stdout;
    expect(describe).toMatch(/Status:\s+Available/);
    expect(describe).toMatch(/Normal\s+VolumeRecycled\s+\S+\s+persistentvolume-controller\s+Volume recycled/);
  }, 240_000);
});
