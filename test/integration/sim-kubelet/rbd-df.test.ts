/**
 * An RBD volume's `df` through real kubectl 1.33 (QA F3): the pod sees the
 * ext4 filesystem ceph-csi made on the image (mkfs.ext4 -m0), not the raw
 * device size — Size without the journal and metadata, Used with the root
 * directory and lost+found, Available short by ext4's reserved clusters —
 * and after the claim is patched to 2Gi with the pod running, the kubelet's
 * online NodeExpandVolume: the claim's CAPACITY turns 2Gi, its
 * FileSystemResizePending condition goes, FileSystemResizeSuccessful is
 * recorded, and the running pod's df shows the grown filesystem's numbers
 * (the mkfs journal and inode tables stay), also after a restart.
 * Expected numbers: test/unit/sim-containers/ext4.test.ts, from mkfs.ext4 +
 * dumpe2fs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SimHarness, skipNote, waitFor, type TestCluster } from '../sim/harness.ts';

const lesson = (f: string) => readFileSync(`lessons/04-ceph-rbd/manifests/${f}`, 'utf8');
const skip = skipNote(33);
const header = 'Filesystem                Size      Used Available Use% Mounted on';

describe.skipIf(skip)('df of an RBD volume (kubectl 1.33)', () => {
  let h: SimHarness;
  beforeAll(() => {
    h = new SimHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const json = async (c: TestCluster, args: string[]) => JSON.parse((await c.kubectl([...args, '-o', 'json'])).stdout);
  const running = async (c: TestCluster, pod: string) => {
    const r = await c.kubectl(['get', 'pod', pod, '-o', 'json']);
    return r.code === 0 && JSON.parse(r.stdout).status?.phase === 'Running';
  };
  /** helloWritten: the container has run its `echo … > /data/hello` (Running alone does not say the shell got that far). */
  const helloWritten = async (c: TestCluster) => (await c.kubectl(['exec', 'rbd-writer', '--', 'cat', '/data/hello'])).stdout === 'hello from rbd\n';

  it('lesson 4: df in rbd-writer shows the ext4 of the 1Gi image; the claim patched to 2Gi with the pod running is grown on the node (CAPACITY 2Gi, FileSystemResizeSuccessful) and df shows the grown filesystem', async () => {
    const c = await h.cluster();
    c.write('admin.key', c.sim.storage.ceph.getKey('client.admin'));
    expect((await c.kubectl(['create', 'secret', 'generic', 'csi-rbd-secret', '--from-literal=userID=admin', '--from-file=userKey=admin.key'])).code).toBe(0);
    for (const f of ['csi-rbd-sc.yaml', 'rbd-pvc.yaml', 'rbd-writer.yaml']) {
      c.write(f, lesson(f));
      expect((await c.kubectl(['apply', '-f', f])).code).toBe(0);
    }
    // Provisioning, attach and NodeStage with mkfs take several seconds.
    await waitFor(() => running(c, 'rbd-writer'), 60_000, 250);
    await waitFor(() => helloWritten(c), 30_000, 250);

    const dfh = await c.kubectl(['exec', 'rbd-writer', '--', 'df', '-h', '/data']);
    // 1 GiB: 262144 blocks − 12949 overhead (journal 8192) = 973.4M; Used 24K of mkfs + 4K of /data/hello; 16 MiB reserved clusters.
    expect(dfh).toEqual({ code: 0, stdout: `${header}\n/dev/rbd0               973.4M     28.0K    957.4M   0% /data\n`, stderr: '' });
    const dfk = await c.kubectl(['exec', 'rbd-writer', '--', 'df', '-k', '/data']);
    expect(dfk.stdout.split('\n')[1]).toBe('/dev/rbd0               996780        28    980368   0% /data');
    // mke2fs left lost+found (root, 0700) beside the pod's file.
    const ls = await c.kubectl(['exec', 'rbd-writer', '--', 'ls', '-l', '/data']);
    expect(ls.stdout).toMatch(/^drwx------\s+2 root\s+root\s+\d+ .* lost\+found$/m);
    expect(ls.stdout).toMatch(/ hello$/m);

    // Grow the claim with rbd-writer running: the external resizer grows the image and the PV, the claim waits
    // for the node (FileSystemResizePending), and the kubelet of lab-worker grows the mounted ext4 online (resize2fs).
    const pvName = (await json(c, ['get', 'pvc', 'rbd-pvc'])).spec.volumeName;
    expect((await c.kubectl(['patch', 'pvc', 'rbd-pvc', '-p', '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'])).code).toBe(0);
    // kubectl get pvc's CAPACITY is status.capacity: 2Gi once the node has grown the filesystem.
    const capacity = async () => (await c.kubectl(['get', 'pvc', 'rbd-pvc', '--no-headers', '-o', 'custom-columns=CAPACITY:.status.capacity.storage'])).stdout.trim();
    await waitFor(async () => (await capacity()) === '2Gi', 90_000, 500);
    expect((await c.kubectl(['get', 'pvc', 'rbd-pvc'])).stdout).toMatch(new RegExp(`^rbd-pvc\\s+Bound\\s+${pvName}\\s+2Gi\\s+RWO\\s+csi-rbd-sc\\s`, 'm'));
    const claim = await json(c, ['get', 'pvc', 'rbd-pvc']);
    expect(claim.status.conditions ?? []).toEqual([]);
    expect(claim.status.allocatedResourceStatuses).toBeUndefined();
    const resized = `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" lab-worker`;
    const events = async (kind: string, name: string) =>
      (await json(c, ['get', 'events', '--field-selector', `involvedObject.kind=${kind},involvedObject.name=${name}`])).items.map((e: any) => `${e.reason}: ${e.message}`);
    // The kubelet records the event on the claim and on the pod; each write is awaited, not assumed from the capacity.
    await waitFor(async () => (await events('PersistentVolumeClaim', 'rbd-pvc')).includes(`FileSystemResizeSuccessful: ${resized}`), 30_000, 250);
    // Before the node's part, the resizer had left the claim waiting for it.
    expect(await events('PersistentVolumeClaim', 'rbd-pvc')).toContain('FileSystemResizeRequired: Require file system resize of volume on node');
    await waitFor(async () => (await events('Pod', 'rbd-writer')).includes(`FileSystemResizeSuccessful: ${resized}`), 30_000, 250);
    // The running container's df shows the grown filesystem, without a restart.
    // 1 GiB grown to 2 GiB keeps mkfs's 32 MiB journal: 35 MiB more than a fresh 2 GiB filesystem's 1992552K.
    const grownLine = '/dev/rbd0              2028392        28   2011980   0% /data';
    expect((await c.kubectl(['exec', 'rbd-writer', '--', 'df', '-k', '/data'])).stdout.split('\n')[1]).toBe(grownLine);
    expect((await c.kubectl(['exec', 'rbd-writer', '--', 'df', '-h', '/data'])).stdout.split('\n')[1]).toBe('/dev/rbd0                 1.9G     28.0K      1.9G   0% /data');
    expect((await json(c, ['get', 'pod', 'rbd-writer'])).status.containerStatuses[0].restartCount).toBe(0);

    // Started again, the pod mounts the same grown filesystem.
    expect((await c.kubectl(['delete', 'pod', 'rbd-writer', '--grace-period=1'])).code).toBe(0);
    await waitFor(async () => (await c.kubectl(['get', 'pod', 'rbd-writer'])).code !== 0, 60_000, 250);
    expect((await c.kubectl(['apply', '-f', 'rbd-writer.yaml'])).code).toBe(0);
    await waitFor(() => running(c, 'rbd-writer'), 60_000, 250);
    await waitFor(() => helloWritten(c), 30_000, 250);
    expect((await c.kubectl(['exec', 'rbd-writer', '--', 'df', '-k', '/data'])).stdout.split('\n')[1]).toBe(grownLine);
  }, 240_000);
});
