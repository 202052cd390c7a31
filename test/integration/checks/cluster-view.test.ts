// ClusterView's node file access on a fresh simulated cluster: it reads what is on a node, keeps its reader pods
// out of the learner's namespaces, and refuses (rather than hangs or answers stale) once the node has lost power.
import { afterAll, describe, expect, it } from 'vitest';
import lesson from '../../../lessons/01-emptydir/exercises.ts';
import { closeProvider, freshCluster } from './proof.ts';
import { onNode } from '../../../sandbox/checks/steps.ts';
import { runCheck } from '../../../sandbox/checks/engine.ts';

afterAll(() => closeProvider());

describe('ClusterView on a node', () => {
  it('reads files and directories, and says a powered-off node cannot be read', async () => {
    const bench = await freshCluster(lesson);
    try {
      await bench.run([onNode('lab-worker', 'mkdir -p /host/srv/kslab && echo hi > /host/srv/kslab/file')]);
      expect(await bench.view.nodeFile('lab-worker', '/srv/kslab/file')).toBe('hi\n');
      expect(await bench.view.nodeFile('lab-worker', '/srv/kslab/none')).toBeUndefined();
      expect(await bench.view.nodeList('lab-worker', '/srv/kslab')).toEqual(['file']);
      expect(await bench.view.nodePathExists('lab-worker2', '/srv/kslab')).toBe(false);
      expect((await bench.view.pods('default')).map((p) => p.metadata!.name)).toEqual([]);
      // The readers are DaemonSet kslab-node-reader's pods, one per node.
      const readers = await bench.view.pods('kslab-checks');
      expect(readers.map((p) => p.metadata!.ownerReferences?.[0]?.kind)).toEqual(readers.map(() => 'DaemonSet'));
      await bench.view.nodeFile('lab-control-plane', '/etc/hostname');
      expect((await bench.view.pods('kslab-checks')).map((p) => p.spec!.nodeName).sort()).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);

      await bench.cluster.powerOff('lab-worker');
      await bench.view.sleep(60_000);
      await expect(bench.view.nodeFile('lab-worker', '/srv/kslab/file')).rejects.toThrow('node lab-worker is not Ready, so nothing on it can be read now');
      // A check that needs the node says it could not look: an error, never a pass.
      const result = await runCheck({ id: 'x', title: 'x', run: async (v) => ({ status: (await v.nodePathExists('lab-worker', '/srv')) ? 'pass' : 'fail', detail: '' }) }, bench.view);
      expect(result).toMatchObject({ status: 'error', detail: 'the check could not look at the cluster: node lab-worker is not Ready, so nothing on it can be read now' });
    } finally {
      await bench.close();
    }
  });
});
