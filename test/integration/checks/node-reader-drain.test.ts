/**
 * The check engine's node readers must not change what the learner's own
 * commands do: after a check has read files on a node, `kubectl drain
 * NODE --ignore-daemonsets` (real kubectl 1.33) drains it as it would
 * without kslab, because the readers are DaemonSet pods. Bare reader pods
 * made drain refuse with "cannot delete Pods that declare no controller".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimHarness, skipNote } from '../sim/harness.ts';
import { ClusterView } from '../../../sandbox/checks/cluster-view.ts';

describe.skipIf(skipNote(33))('node readers and kubectl drain (kubectl 1.33)', () => {
  let h: SimHarness;
  beforeAll(() => {
    h = new SimHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('kubectl drain --ignore-daemonsets succeeds after a check read lab-worker, and the reader is left in place', async () => {
    const c = await h.cluster();
    const view = ClusterView.fromKubeconfigText(c.cluster.kubeconfig());
    expect(await view.nodePathExists('lab-worker', '/etc')).toBe(true);

    const drain = await c.kubectl(['drain', 'lab-worker', '--ignore-daemonsets'], { timeoutMs: 60_000 });
    expect(drain.stderr).not.toContain('cannot delete Pods that declare no controller');
    expect(drain.code).toBe(0);
    expect(drain.stdout).toContain('node/lab-worker drained');
    expect(drain.stderr).toMatch(/Warning: ignoring DaemonSet-managed Pods: .*kslab-checks\/kslab-node-reader-/);
    // Cordoned and drained, the node can still be read: the reader tolerates every taint.
    expect(await view.nodePathExists('lab-worker', '/etc')).toBe(true);
    expect((await c.kubectl(['uncordon', 'lab-worker'])).code).toBe(0);
  }, 90_000);
});
