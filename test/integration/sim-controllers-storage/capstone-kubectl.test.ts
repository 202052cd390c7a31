/**
 * The capstone's storage situations through kubectl 1.33: two replicas of
 * a Deployment on one RWO RBD claim (the second replica on the other node
 * meets Multi-Attach, the shared NFS claim does not), and the Recycle
 * policy's deprecation warning that kubectl prints on create.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimHarness, skipNote, waitFor } from '../sim/harness.ts';

const lessons = join(import.meta.dirname, '..', '..', '..', 'lessons');
const manifest = (lesson: string, file: string) => readFileSync(join(lessons, lesson, 'manifests', file), 'utf8');
const harness = new SimHarness();
afterAll(() => harness.close());

describe.skipIf(skipNote(33))('capstone storage through kubectl 1.33', () => {
  it('app-rbd with two replicas: one attaches, the replica on the other node gets Multi-Attach; app-nfs runs both', async () => {
    const c = await harness.cluster(33);
    c.write('admin.key', c.sim.storage.ceph.getKey('client.admin'));
    expect((await c.kubectl(['create', 'secret', 'generic', 'csi-rbd-secret', '--from-literal=userID=admin', '--from-file=userKey=admin.key'])).code).toBe(0);
    for (const f of ['csi-rbd-sc.yaml', 'app-rbd.yaml', 'capstone-nfs-pv.yaml', 'app-nfs.yaml']) {
      const r = await c.kubectl(['apply', '-f', c.write(f, manifest('07-capstone', f))]);
      expect(r.code, r.stderr).toBe(0);
    }
    expect((await c.kubectl(['scale', 'deployment/app-rbd', '--replicas=2'])).code).toBe(0);
    expect((await c.kubectl(['scale', 'deployment/app-nfs', '--replicas=2'])).code).toBe(0);
    const podNodes = async (app: string) => (await c.kubectl(['get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName}{"\\n"}{end}'])).stdout.trim().split('\n').filter(Boolean);
    const rbdPods = (await waitFor(async () => {
      const p = await podNodes('app-rbd');
      return p.length === 2 && p.every((l) => l.split(' ')[1]) ? p : undefined;
    }, 15_000))!;
    // Preferred anti-affinity spreads the replicas over both workers.
    expect(new Set(rbdPods.map((l) => l.split(' ')[1]))).toEqual(new Set(['lab-worker', 'lab-worker2']));
    const events = (await waitFor(async () => {
      const r = await c.kubectl(['get', 'events', '--field-selector', 'reason=FailedAttachVolume', '-o', 'jsonpath={range .items[*]}{.involvedObject.name}|{.message}{"\\n"}{end}']);
      return r.stdout.trim() ? r.stdout.trim().split('\n') : undefined;
    }, 15_000))!;
    expect(events).toHaveLength(1);
    const [waiting, message] = events[0]!.split('|');
    const holder = rbdPods.map((l) => l.split(' ')[0]).find((n) => n !== waiting);
    const pv = (await c.kubectl(['get', 'pvc', 'data-rbd', '-o', 'jsonpath={.spec.volumeName}'])).stdout;
    expect(message).toBe(`Multi-Attach error for volume "${pv}" Volume is already used by pod(s) ${holder}`);
    const vas = (await c.kubectl(['get', 'volumeattachments', '-o', 'jsonpath={range .items[*]}{.spec.source.persistentVolumeName}{"\\n"}{end}'])).stdout.trim().split('\n');
    expect(vas).toEqual([pv]);
    // NFS: both replicas scheduled, nothing attached, no Multi-Attach.
    await waitFor(async () => (await podNodes('app-nfs')).filter((l) => l.split(' ')[1]).length === 2, 15_000);
  });

  it('a StatefulSet gets one local-path volume per replica, each on the node its pod runs on', async () => {
    const c = await harness.cluster(33);
    c.write('sts.yaml', `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: busybox:1.36
        command: [sleep, "86400"]
        volumeMounts:
        - {name: data, mountPath: /data}
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
`);
    expect((await c.kubectl(['apply', '-f', 'sts.yaml'])).code).toBe(0);
    const rows = (await waitFor(async () => {
      const r = await c.kubectl(['get', 'pvc', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.storageClassName} {.metadata.annotations.volume\\.kubernetes\\.io/selected-node}{"\\n"}{end}']);
      const lines = r.stdout.trim().split('\n').filter(Boolean);
      return lines.length === 2 && lines.every((l) => l.split(' ')[1] === 'Bound') ? lines : undefined;
    }, 20_000))!;
    expect(rows.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual(['data-web-0 Bound standard', 'data-web-1 Bound standard']);
    for (const line of rows) {
      const [claim, , , node] = line.split(' ');
      const pod = claim!.replace('data-', '');
      expect((await c.kubectl(['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}'])).stdout).toBe(node);
      const pvName = (await c.kubectl(['get', 'pvc', claim!, '-o', 'jsonpath={.spec.volumeName}'])).stdout;
      expect((await c.kubectl(['get', 'pv', pvName, '-o', 'jsonpath={.spec.hostPath.path}'])).stdout).toBe(`/var/local-path-provisioner/${pvName}_default_${claim}`);
    }
  });

  it('kubectl prints the Recycle deprecation warning and the volume still recycles', async () => {
    const c = await harness.cluster(33);
    c.write('pv.yaml', 'apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: old-style\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteMany]\n  persistentVolumeReclaimPolicy: Recycle\n  storageClassName: ""\n  nfs:\n    server: nfs\n    path: /exports/data\n');
    const r = await c.kubectl(['apply', '-f', 'pv.yaml']);
    expect(r.stderr).toContain('Warning: spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.');
    c.write('pvc.yaml', 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: old-claim\nspec:\n  accessModes: [ReadWriteMany]\n  storageClassName: ""\n  resources:\n    requests:\n      storage: 1Gi\n');
    expect((await c.kubectl(['apply', '-f', 'pvc.yaml'])).code).toBe(0);
    await waitFor(async () => (await c.kubectl(['get', 'pv', 'old-style', '-o', 'jsonpath={.status.phase}'])).stdout === 'Bound');
    expect((await c.kubectl(['delete', 'pvc', 'old-claim'])).code).toBe(0);
    await waitFor(async () => (await c.kubectl(['get', 'pv', 'old-style', '-o', 'jsonpath={.status.phase}'])).stdout === 'Available', 60_000, 200);
    const describe = (await c.kubectl(['describe', 'pv', 'old-style'])).stdout;
    expect(describe).toMatch(/Normal\s+VolumeRecycled\s+\S+\s+persistentvolume-controller\s+Volume recycled/);
  });
});
