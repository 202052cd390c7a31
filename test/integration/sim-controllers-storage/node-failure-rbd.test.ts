/**
 * The capstone's hardest case through kubectl 1.33 on a FakeClock control
 * plane: an RBD-backed Deployment loses its node. The replacement on the
 * other worker meets Multi-Attach while the old pod stays Terminating on
 * the dead node; the administrator's node.kubernetes.io/out-of-service
 * taint force-deletes the old pod, the volume is detached at once and
 * attached to the new node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../../../sandbox/providers/types.ts';
import type { SimCluster } from '../../../sandbox/providers/sim/index.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { SimHarness, skipNote, type KubectlResult } from '../sim/harness.ts';

const lessons = join(import.meta.dirname, '..', '..', '..', 'lessons');
const clock = new FakeClock(Date.now());
const harness = new SimHarness({ controlPlane: { clock } });
let cluster: Cluster;
let sim: SimCluster;
let dir: string;
let kubectl: (args: string[], stdin?: string) => Promise<KubectlResult>;

beforeAll(async () => {
  const tc = await harness.cluster();
  ({ cluster, sim, dir } = tc);
  kubectl = (args, stdin) => tc.kubectl(args, { stdin });
});
afterAll(() => harness.close());

async function out(args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const podsOf = async () =>
  JSON.parse(await out(['get', 'pods', '-l', 'app=app-rbd', '-o', 'json'])).items.map((p: any) => ({ name: p.metadata.name, node: p.spec.nodeName, deleting: !!p.metadata.deletionTimestamp }));
const attachments = async () => (await out(['get', 'volumeattachments', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}={.status.attached}{" "}{end}'])).trim();

describe.skipIf(skipNote(33))('an RBD Deployment loses its node (kubectl 1.33, fake clock)', () => {
  it('Multi-Attach while the old pod is Terminating, then out-of-service detaches and the replacement attaches', async () => {
    writeFileSync(join(dir, 'admin.key'), sim.storage.ceph.getKey('client.admin'));
    await out(['create', 'secret', 'generic', 'csi-rbd-secret', '--from-literal=userID=admin', '--from-file=userKey=admin.key']);
    await out(['apply', '-f', '-'], readFileSync(join(lessons, '07-capstone', 'manifests', 'csi-rbd-sc.yaml'), 'utf8'));
    await out(['apply', '-f', '-'], readFileSync(join(lessons, '07-capstone', 'manifests', 'app-rbd.yaml'), 'utf8'));
    // The provisioner pods start on the first clock step, then provisioning (CreateVolume), attach,
    // NodeStage, image pull and start: the first pod is running before its node fails.
    await sim.controllers.advance(12_000);
    const [first] = await podsOf();
    expect(first.node).toMatch(/^lab-worker2?$/);
    const other = first.node === 'lab-worker' ? 'lab-worker2' : 'lab-worker';
    expect(await attachments()).toBe(`${first.node}=true`);
    const pv = (await out(['get', 'pvc', 'data-rbd', '-o', 'jsonpath={.spec.volumeName}'])).trim();

    await cluster.powerOff(first.node);
    // 50 s node-monitor grace period, then the app's 20 s toleration.
    await sim.controllers.advance(75_000);
    const afterEviction = await podsOf();
    expect(afterEviction).toContainEqual({ name: first.name, node: first.node, deleting: true });
    const replacement = afterEviction.find((p: any) => p.name !== first.name)!;
    expect(replacement.node).toBe(other);
    await sim.controllers.advance(5_000);
    const waiting = JSON.parse(await out(['get', 'events', '--field-selector', `involvedObject.name=${replacement.name},reason=FailedAttachVolume`, '-o', 'json'])).items;
    expect(waiting.map((e: any) => e.message)).toEqual([`Multi-Attach error for volume "${pv}" Volume is already used by pod(s) ${first.name}`]);
    expect(await attachments()).toBe(`${first.node}=true`);

    // Non-graceful node shutdown: the administrator confirms the node is down.
    await out(['taint', 'nodes', first.node, 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute']);
    await sim.controllers.advance(10_000);
    expect((await podsOf()).map((p: any) => p.name)).toEqual([replacement.name]);
    expect(await attachments()).toBe(`${other}=true`);
    const attached = JSON.parse(await out(['get', 'events', '--field-selector', `involvedObject.name=${replacement.name},reason=SuccessfulAttachVolume`, '-o', 'json'])).items;
    expect(attached.map((e: any) => e.message.trim())).toEqual([`AttachVolume.Attach succeeded for volume "${pv}"`]);
  });
});
