/**
 * The storage controllers seen through real kubectl (1.33 and 1.30) on a
 * `SimProvider` cluster, driven by the lessons' own manifests: phases,
 * chosen volumes and nodes, annotations, and the Events section of
 * `kubectl describe` as a learner reads it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { SimHarness, skipNote, waitFor, type TestCluster } from '../sim/harness.ts';

const lessons = join(import.meta.dirname, '..', '..', '..', 'lessons');
const manifest = (lesson: string, file: string) => readFileSync(join(lessons, lesson, 'manifests', file), 'utf8');

const harness = new SimHarness();
afterAll(() => harness.close());

async function apply(c: TestCluster, minor: number, lesson: string, file: string): Promise<void> {
  const r = await c.kubectl(['apply', '-f', c.write(file, manifest(lesson, file))], { minor });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
}

async function jsonpath(c: TestCluster, minor: number, args: string[], path: string): Promise<string> {
  const r = await c.kubectl(['get', ...args, '-o', `jsonpath=${path}`], { minor });
  return r.code === 0 ? r.stdout : '';
}

async function until(c: TestCluster, minor: number, args: string[], path: string, want: string | RegExp): Promise<string> {
  let last = '';
  try {
    return await waitFor(async () => {
      last = await jsonpath(c, minor, args, path);
      return (typeof want === 'string' ? last === want : want.test(last)) ? last : '';
    }, 15_000, 100);
  } catch {
    throw new Error(`kubectl get ${args.join(' ')} ${path}: wanted ${want}, last saw "${last}"`);
  }
}

/** eventsSection is the `Events:` block of kubectl describe, one event per line with columns collapsed. */
async function eventsSection(c: TestCluster, minor: number, args: string[]): Promise<string[]> {
  const r = await c.kubectl(['describe', ...args], { minor });
  expect(r.code).toBe(0);
  const at = r.stdout.indexOf('\nEvents:');
  const block = r.stdout.slice(at + 1).split('\n').slice(3);
  return block.filter((l) => l.trim()).map((l) => l.trim().replace(/\s{2,}/g, '  '));
}

for (const minor of [33, 30]) {
  describe.skipIf(skipNote(minor))(`storage controllers through kubectl 1.${minor}`, () => {
    it('lesson 3: mysql-pvc binds mysql-pv; a claim without a class gets standard and waits', async () => {
      const c = await harness.cluster(minor);
      await apply(c, minor, '03-nfs', 'mysql-pv.yaml');
      await apply(c, minor, '03-nfs', 'mysql-pvc.yaml');
      await until(c, minor, ['pvc', 'mysql-pvc'], '{.status.phase}', 'Bound');
      expect(await jsonpath(c, minor, ['pvc', 'mysql-pvc'], '{.spec.volumeName} {.status.capacity.storage} {.metadata.annotations.pv\\.kubernetes\\.io/bind-completed}')).toBe('mysql-pv 1Gi yes');
      expect(await jsonpath(c, minor, ['pv', 'mysql-pv'], '{.status.phase} {.spec.claimRef.namespace}/{.spec.claimRef.name}')).toBe('Bound default/mysql-pvc');
      const table = await c.kubectl(['get', 'pv', 'mysql-pv'], { minor });
      expect(table.stdout).toMatch(/mysql-pv\s+1Gi\s+RWO\s+Retain\s+Bound\s+default\/mysql-pvc\s+nfs/);

      c.write('no-class.yaml', 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: no-class\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n');
      expect((await c.kubectl(['apply', '-f', 'no-class.yaml'], { minor })).code).toBe(0);
      await until(c, minor, ['pvc', 'no-class'], '{.spec.storageClassName}', 'standard');
      const events = await waitFor(async () => {
        const e = await eventsSection(c, minor, ['pvc', 'no-class']);
        return e.some((l) => l.includes('WaitForFirstConsumer')) ? e : undefined;
      });
      expect(events).toEqual([expect.stringMatching(/^Normal {2}WaitForFirstConsumer {2}\S+(?: \(x\d+ over \S+\))? {2}persistentvolume-controller {2}waiting for first consumer to be created before binding$/)]);
      expect(await jsonpath(c, minor, ['pvc', 'no-class'], '{.status.phase}')).toBe('Pending');
    });

    it('traps: an RWX claim against the RWO mysql-pv, and a request larger than the volume, stay Pending', async () => {
      const c = await harness.cluster(minor);
      await apply(c, minor, '03-nfs', 'mysql-pv.yaml');
      const claim = (name: string, mode: string, size: string) =>
        `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\nspec:\n  accessModes: [${mode}]\n  storageClassName: nfs\n  resources:\n    requests:\n      storage: ${size}\n`;
      c.write('traps.yaml', `${claim('wants-rwx', 'ReadWriteMany', '1Gi')}---\n${claim('wants-5gi', 'ReadWriteOnce', '5Gi')}`);
      expect((await c.kubectl(['apply', '-f', 'traps.yaml'], { minor })).code).toBe(0);
      for (const name of ['wants-rwx', 'wants-5gi']) {
        // class nfs has no StorageClass object: the PV controller tries to provision and says the class is missing.
        const events = await waitFor(async () => {
          const e = await eventsSection(c, minor, ['pvc', name]);
          return e.length ? e : undefined;
        });
        expect(events!.map((l) => l.split('  ').filter((_, i) => i !== 2).join('  '))).toEqual([
          'Warning  ProvisioningFailed  persistentvolume-controller  storageclass.storage.k8s.io "nfs" not found',
        ]);
        expect(await jsonpath(c, minor, ['pvc', name], '{.status.phase}')).toBe('Pending');
      }
      expect(await jsonpath(c, minor, ['pv', 'mysql-pv'], '{.status.phase}')).toBe('Available');
      // The right claim still binds it.
      await apply(c, minor, '03-nfs', 'mysql-pvc.yaml');
      await until(c, minor, ['pvc', 'mysql-pvc'], '{.status.phase}', 'Bound');
    });

    it('trap: a pod pinned to lab-worker cannot use the local PV on lab-worker2', async () => {
      const c = await harness.cluster(minor);
      await apply(c, minor, '05-local-pv', 'local-storage-class.yaml');
      await apply(c, minor, '05-local-pv', 'local-pv.yaml');
      await apply(c, minor, '05-local-pv', 'local-pvc.yaml');
      // Pin the lesson's pod by editing the parsed manifest, not its text, so a comment or field added to the
      // lesson file cannot silently drop the nodeSelector (the pod would then follow its volume and never fail).
      const pinned = YAML.parse(manifest('05-local-pv', 'local-pod.yaml'));
      pinned.spec.nodeSelector = { 'kubernetes.io/hostname': 'lab-worker' };
      c.write('pinned.yaml', YAML.stringify(pinned));
      expect((await c.kubectl(['apply', '-f', 'pinned.yaml'], { minor })).code).toBe(0);
      const events = (await waitFor(async () => {
        const e = await eventsSection(c, minor, ['pod', 'local-pod']);
        return e.some((l) => l.includes('FailedScheduling')) ? e : undefined;
      }))!;
      // The claim is unbound, so lab-worker fails VolumeBinding's search (not "volume node affinity conflict", which is for bound volumes).
      expect(events.find((l) => l.includes('FailedScheduling'))!.split('  ').pop()).toBe(
        "0/3 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      );
      expect(await jsonpath(c, minor, ['pvc', 'local-pvc'], '{.status.phase}')).toBe('Pending');
      expect(await jsonpath(c, minor, ['pod', 'local-pod'], '{.spec.nodeName}')).toBe('');
    });

    it('lesson 4: ceph-csi provisions rbd-pvc, attaches it for rbd-writer, refuses rbd-reader with Multi-Attach; the legacy class stays Pending', async () => {
      const c = await harness.cluster(minor);
      const key = c.sim.storage.ceph.getKey('client.admin');
      c.write('admin.key', key);
      expect((await c.kubectl(['create', 'secret', 'generic', 'csi-rbd-secret', '--from-literal=userID=admin', '--from-file=userKey=admin.key'], { minor })).code).toBe(0);
      await apply(c, minor, '04-ceph-rbd', 'csi-rbd-sc.yaml');
      await apply(c, minor, '04-ceph-rbd', 'rbd-pvc.yaml');
      await until(c, minor, ['pvc', 'rbd-pvc'], '{.status.phase}', 'Bound');
      const uid = await jsonpath(c, minor, ['pvc', 'rbd-pvc'], '{.metadata.uid}');
      const pvName = `pvc-${uid}`;
      expect(await jsonpath(c, minor, ['pvc', 'rbd-pvc'], '{.spec.volumeName}')).toBe(pvName);
      const imageName = await jsonpath(c, minor, ['pv', pvName], '{.spec.csi.volumeAttributes.imageName}');
      expect(c.sim.storage.ceph.images('rbd').map((i) => i.name)).toEqual([imageName]);
      const pvcEvents = await eventsSection(c, minor, ['pvc', 'rbd-pvc']);
      expect(pvcEvents.join('\n')).toMatch(/Normal {2}ExternalProvisioning {2}\S+(?: \(x\d+ over \S+\))? {2}persistentvolume-controller {2}Waiting for a volume to be created either by the external provisioner 'rbd\.csi\.ceph\.com'/);
      expect(pvcEvents.join('\n')).toMatch(/Normal {2}Provisioning {2}\S+(?: \(x\d+ over \S+\))? {2}rbd\.csi\.ceph\.com_csi-rbdplugin-provisioner-\S+ {2}External provisioner is provisioning volume for claim "default\/rbd-pvc"/);
      expect(pvcEvents.join('\n')).toContain(`Successfully provisioned volume ${pvName}`);
      const describePv = (await c.kubectl(['describe', 'pv', pvName], { minor })).stdout;
      expect(describePv).toMatch(/Driver:\s+rbd\.csi\.ceph\.com/);
      expect(describePv).toMatch(/VolumeHandle:\s+0001-0024-b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d-0000000000000002-/);

      await apply(c, minor, '04-ceph-rbd', 'rbd-writer.yaml');
      await until(c, minor, ['pod', 'rbd-writer'], '{.spec.nodeName}', 'lab-worker');
      await until(c, minor, ['volumeattachment'], '{.items[0].spec.nodeName} {.items[0].status.attached}', 'lab-worker true');
      const vaTable = await c.kubectl(['get', 'volumeattachment'], { minor });
      expect(vaTable.stdout).toMatch(new RegExp(`csi-[0-9a-f]{64}\\s+rbd\\.csi\\.ceph\\.com\\s+${pvName}\\s+lab-worker\\s+true`));
      await waitFor(async () => (await eventsSection(c, minor, ['pod', 'rbd-writer'])).some((l) => l.includes('SuccessfulAttachVolume')));
      const writerEvents = await eventsSection(c, minor, ['pod', 'rbd-writer']);
      expect(writerEvents).toContainEqual(expect.stringMatching(new RegExp(`^Normal {2}SuccessfulAttachVolume {2}\\S+ {2}attachdetach-controller {2}AttachVolume\\.Attach succeeded for volume "${pvName}"$`)));

      await apply(c, minor, '04-ceph-rbd', 'rbd-reader.yaml');
      await until(c, minor, ['pod', 'rbd-reader'], '{.spec.nodeName}', 'lab-worker2');
      const readerEvents = (await waitFor(async () => {
        const e = await eventsSection(c, minor, ['pod', 'rbd-reader']);
        return e.some((l) => l.includes('Multi-Attach')) ? e : undefined;
      }))!;
      expect(readerEvents).toContainEqual(
        `Warning  FailedAttachVolume  ${readerEvents.find((l) => l.includes('Multi-Attach'))!.split('  ')[2]}  attachdetach-controller  Multi-Attach error for volume "${pvName}" Volume is already used by pod(s) rbd-writer`,
      );
      expect(await jsonpath(c, minor, ['volumeattachment'], '{.items[*].spec.nodeName}')).toBe('lab-worker');

      await apply(c, minor, '04-ceph-rbd', 'legacy-rbd-storageclass.yaml');
      await apply(c, minor, '04-ceph-rbd', 'legacy-rbd-pvc.yaml');
      await until(c, minor, ['pvc', 'legacy-rbd-pvc'], "{.metadata.annotations.volume\\.kubernetes\\.io/storage-provisioner}", 'kubernetes.io/rbd');
      const legacy = await eventsSection(c, minor, ['pvc', 'legacy-rbd-pvc']);
      expect(legacy.map((l) => l.split('  ').filter((_, i) => i !== 2).join('  '))).toEqual([
        "Normal  ExternalProvisioning  persistentvolume-controller  Waiting for a volume to be created either by the external provisioner 'kubernetes.io/rbd' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
      ]);
      expect(await jsonpath(c, minor, ['pvc', 'legacy-rbd-pvc'], '{.status.phase}')).toBe('Pending');

      // Reclaim Delete: removing the claim removes the image (after the pods that hold it go).
      expect((await c.kubectl(['delete', 'pod', 'rbd-reader', 'rbd-writer', '--grace-period=0', '--force'], { minor })).code).toBe(0);
      expect((await c.kubectl(['delete', 'pvc', 'rbd-pvc', '--wait=false'], { minor })).code).toBe(0);
      await waitFor(() => c.sim.storage.ceph.images('rbd').length === 0, 15_000);
      await waitFor(async () => (await c.kubectl(['get', 'pv', pvName], { minor })).code !== 0, 15_000);
    });

    it('lesson 5: the local PV binds only when local-pod is scheduled, and the pod goes to lab-worker2', async () => {
      const c = await harness.cluster(minor);
      await apply(c, minor, '05-local-pv', 'local-storage-class.yaml');
      await apply(c, minor, '05-local-pv', 'local-pv.yaml');
      await apply(c, minor, '05-local-pv', 'local-pvc.yaml');
      await waitFor(async () => (await eventsSection(c, minor, ['pvc', 'local-pvc'])).some((l) => l.includes('WaitForFirstConsumer')));
      expect(await jsonpath(c, minor, ['pvc', 'local-pvc'], '{.status.phase}')).toBe('Pending');
      await apply(c, minor, '05-local-pv', 'local-pod.yaml');
      await until(c, minor, ['pvc', 'local-pvc'], '{.status.phase} {.spec.volumeName}', 'Bound local-pv');
      await until(c, minor, ['pod', 'local-pod'], '{.spec.nodeName}', 'lab-worker2');
      expect(await jsonpath(c, minor, ['pv', 'local-pv'], '{.status.phase} {.metadata.annotations.pv\\.kubernetes\\.io/bound-by-controller}')).toBe('Bound yes');
    });

    it('lesson 6: after applying local-path-config, a claim for lab-worker2 lands in /data2; a broken config is ignored', async () => {
      const c = await harness.cluster(minor);
      await apply(c, minor, '06-local-path', 'local-path-config.yaml');
      // A config the provisioner refuses (the same path twice) must leave /data2 in force.
      const broken = manifest('06-local-path', 'local-path-config.yaml').replace('"paths": ["/data2"]', '"paths": ["/data3", "/data3"]');
      expect(broken).toContain('/data3');
      expect((await c.kubectl(['apply', '-f', c.write('broken.yaml', broken)], { minor })).code).toBe(0);
      await apply(c, minor, '06-local-path', 'lp-claim.yaml');
      await apply(c, minor, '06-local-path', 'lp-pod.yaml');
      await until(c, minor, ['pvc', 'lp-claim'], '{.status.phase}', 'Bound');
      const pvName = await jsonpath(c, minor, ['pvc', 'lp-claim'], '{.spec.volumeName}');
      expect(await jsonpath(c, minor, ['pv', pvName], '{.spec.hostPath.path}')).toBe(`/data2/${pvName}_default_lp-claim`);
      expect(existsSync(c.sim.storage.dataRoot.nodePath('lab-worker2', `/data2/${pvName}_default_lp-claim`))).toBe(true);
    });

    it('lesson 6: local-path provisions lp-claim on lab-worker2 when lp-pod is scheduled and removes the directory on delete', async () => {
      const c = await harness.cluster(minor);
      await apply(c, minor, '06-local-path', 'lp-claim.yaml');
      await apply(c, minor, '06-local-path', 'lp-pod.yaml');
      await until(c, minor, ['pvc', 'lp-claim'], '{.status.phase}', 'Bound');
      expect(await jsonpath(c, minor, ['pvc', 'lp-claim'], '{.metadata.annotations.volume\\.kubernetes\\.io/selected-node}')).toBe('lab-worker2');
      const pvName = await jsonpath(c, minor, ['pvc', 'lp-claim'], '{.spec.volumeName}');
      const path = await jsonpath(c, minor, ['pv', pvName], '{.spec.hostPath.path}');
      expect(path).toBe(`/var/local-path-provisioner/${pvName}_default_lp-claim`);
      expect(existsSync(c.sim.storage.dataRoot.nodePath('lab-worker2', path))).toBe(true);
      const events = (await eventsSection(c, minor, ['pvc', 'lp-claim'])).join('\n');
      expect(events).toMatch(/Normal {2}Provisioning {2}\S+(?: \(x\d+ over \S+\))? {2}rancher\.io\/local-path_local-path-provisioner-\S+ {2}External provisioner is provisioning volume for claim "default\/lp-claim"/);
      expect(events).toContain(`Successfully provisioned volume ${pvName}`);
      const describePv = (await c.kubectl(['describe', 'pv', pvName], { minor })).stdout;
      expect(describePv).toMatch(/Term 0:\s+kubernetes\.io\/hostname in \[lab-worker2\]/);
      expect((await c.kubectl(['delete', 'pod', 'lp-pod', '--grace-period=0', '--force'], { minor })).code).toBe(0);
      expect((await c.kubectl(['delete', 'pvc', 'lp-claim'], { minor, timeoutMs: 20_000 })).code).toBe(0);
      await waitFor(() => !existsSync(c.sim.storage.dataRoot.nodePath('lab-worker2', path)), 15_000);
      await waitFor(async () => (await c.kubectl(['get', 'pv', pvName], { minor })).code !== 0, 15_000);
    });
  });
}
