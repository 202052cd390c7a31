/**
 * The provisioner pods after a cluster reset and after a snapshot restore
 * (a server restart): the pods that run afterwards provision, and the events
 * name them, not a pod of the cluster before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import { withSnapshots } from '../../../sandbox/providers/sim/snapshot/snapshot.ts';
import { SimHarness, kubectlPath, runProcess, skipNote, waitFor, type KubectlResult } from '../sim/harness.ts';

const skip = skipNote(33);
const lesson = (f: string) => readFileSync(`lessons/06-local-path/manifests/${f}`, 'utf8');

/** provisionedBy applies lesson 6's claim and pod, waits for Bound, and returns the Provisioning event's source and the running provisioner pod. */
async function provisionedBy(kubectl: (args: string[], stdin?: string) => Promise<KubectlResult>): Promise<{ source: string; pod: string }> {
  expect((await kubectl(['apply', '-f', '-'], `${lesson('lp-claim.yaml')}\n---\n${lesson('lp-pod.yaml')}`)).code).toBe(0);
  await waitFor(async () => JSON.parse((await kubectl(['get', 'pvc', 'lp-claim', '-o', 'json'])).stdout).status?.phase === 'Bound', 20_000, 200);
  const events = JSON.parse((await kubectl(['get', 'events', '--field-selector', 'involvedObject.name=lp-claim,reason=Provisioning', '-o', 'json'])).stdout).items;
  const pods = JSON.parse((await kubectl(['-n', 'local-path-storage', 'get', 'pods', '-l', 'app=local-path-provisioner', '-o', 'json'])).stdout).items;
  expect(pods).toHaveLength(1);
  return { source: events[events.length - 1].source.component, pod: pods[0].metadata.name };
}

describe.skipIf(skip)('provisioner pods across reset and restore', () => {
  const harness = new SimHarness();
  afterAll(() => harness.close());

  it('after a reset the new cluster\'s provisioner pod provisions', async () => {
    const c = await harness.cluster();
    const before = await provisionedBy((a, stdin) => c.kubectl(a, { stdin }));
    expect(before.source).toContain(`_${before.pod}_`);
    await c.cluster.reset();
    const after = await provisionedBy((a, stdin) => c.kubectl(a, { stdin }));
    expect(after.source).toMatch(new RegExp(`^rancher\\.io/local-path_${after.pod}_[0-9a-f-]{36}$`));
    expect(after.source).not.toBe(before.source);
  }, 60_000);

  it('after a snapshot restore the restored provisioner pod provisions again', async () => {
    const base = mkdtempSync(join(tmpdir(), 'kslab-lp-snap-'));
    const make = () => withSnapshots(new SimProvider({ tlsDir: join(base, 'tls'), dataDir: join(base, 'data') }));
    const p1 = make();
    try {
      const c1 = await p1.create({ id: 'lp-snap' });
      await c1.save!(join(base, 'snap'));
      await p1.close();
      const p2 = make();
      try {
        const c2 = await p2.restore!({ id: 'lp-snap', dir: join(base, 'snap') });
        const kubeconfig = join(base, 'kubeconfig');
        writeFileSync(kubeconfig, c2.kubeconfig());
        const env = { KUBECONFIG: kubeconfig, KUBECACHEDIR: join(base, 'cache'), HOME: base };
        const kubectl = (args: string[], stdin?: string) => runProcess(kubectlPath(33), args, env, stdin);
        const { source, pod } = await provisionedBy(kubectl);
        expect(source).toMatch(new RegExp(`^rancher\\.io/local-path_${pod}_[0-9a-f-]{36}$`));
      } finally {
        await p2.close();
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }, 60_000);
});
