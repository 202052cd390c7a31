// Who may power a node in a solve: the grader recognises a kslab simulated cluster by its /version (and only
// then offers node power); without power, a solve that pulls a plug stops at that step with a message that
// says what to do, before it touches the cluster.
import { describe, expect, it } from 'vitest';
import { isKslabSim } from '../../../sandbox/cli/sim-power.ts';
import { versionInfo } from '../../../sandbox/providers/sim/server/http.ts';
import { ClusterView } from '../../../sandbox/checks/cluster-view.ts';
import { runSteps, solveContext } from '../../../sandbox/checks/engine.ts';
import { selectExercises } from '../../../sandbox/checks/course.ts';

describe('isKslabSim', () => {
  it('is true for what the simulated API server reports, false for real distributions', () => {
    expect(isKslabSim(versionInfo.gitVersion)).toBe(true);
    for (const real of ['v1.33.1', 'v1.31.4+k3s1', 'v1.30.6-gke.1125000', 'v1.29.10-eks-7f9249a', undefined]) expect(isKslabSim(real), String(real)).toBe(false);
  });
});

describe('a power step without node power (the CLI against a cluster that is not kslab-sim)', () => {
  it('stops the solve at that step with a message telling the learner to power the node off themselves', async () => {
    const { lesson, exercises } = await selectExercises('nfs/nfs-survive-node-failure');
    // The kubeconfig points nowhere: the step must refuse before it asks the cluster anything.
    const view = ClusterView.fromKubeconfigText(
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:9"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const log: string[] = [];
    const ctx = solveContext(lesson, { view, log: (l) => log.push(l) });
    const failover = exercises[0]!.solve;
    await expect(runSteps(failover, ctx)).rejects.toThrow(
      "note MySQL's node and power it off: this step powers node(s) off or on, which kslab can do only on its own simulated clusters (the power buttons in the lesson page's terminal pane, or kslab solve against kslab sim); on this cluster, power the node off yourself and run the check again",
    );
    expect(log).toEqual(["note MySQL's node and power it off"]);
  });
});
