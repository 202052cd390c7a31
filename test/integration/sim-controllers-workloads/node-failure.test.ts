/**
 * Node failure on a SimProvider cluster whose control plane runs on a
 * FakeClock: Cluster.powerOff, the 50 s node-monitor grace period and a
 * 30 s toleration pass in a moment, and real kubectl (1.33) shows what a
 * learner would see — NotReady, the taints, Terminating on the dead node,
 * the replacement on the other worker — and client-node reads the events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as k8s from '@kubernetes/client-node';
import type { Cluster } from '../../../sandbox/providers/types.ts';
import type { SimCluster } from '../../../sandbox/providers/sim/index.ts';
import { FakeClock } from '../../../sandbox/providers/sim/controllers/manager/clock.ts';
import { SimHarness, skipNote, type KubectlResult } from '../sim/harness.ts';

const clock = new FakeClock(Date.now());
const harness = new SimHarness({ controlPlane: { clock } });
let cluster: Cluster;
let sim: SimCluster;
let kubectl: (args: string[], stdin?: string) => Promise<KubectlResult>;

beforeAll(async () => {
  const tc = await harness.cluster();
  ({ cluster, sim } = tc);
  kubectl = (args, stdin) => tc.kubectl(args, { stdin });
});
afterAll(() => harness.close());

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: mysql
spec:
  replicas: 1
  selector:
    matchLabels: {app: mysql}
  template:
    metadata:
      labels: {app: mysql}
    spec:
      tolerations:
      - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
      - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 30}
      containers:
      - name: app
        image: busybox:1.36
        command: [sleep, "86400"]
`;

async function out(args: string[], stdin?: string): Promise<string> {
  const r = await kubectl(args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(skipNote(33))('node power off and on, through kubectl 1.33', () => {
  it('NotReady after the grace period, eviction after the toleration, replacement elsewhere, old pod Terminating until power returns', async () => {
    await out(['apply', '-f', '-'], manifest);
    await sim.controllers.advance(5_000); // scheduled, and (with the kubelet model) started
    const first = JSON.parse(await out(['get', 'pods', '-l', 'app=mysql', '-o', 'json'])).items[0];
    expect(first.spec.nodeName).toBe('lab-worker');

    await cluster.powerOff('lab-worker');
    await sim.controllers.advance(40_000);
    expect(await out(['get', 'node', 'lab-worker', '--no-headers'])).toMatch(/^lab-worker\s+Ready\s/);
    await sim.controllers.advance(20_000);
    expect(await out(['get', 'node', 'lab-worker', '--no-headers'])).toMatch(/^lab-worker\s+NotReady\s+<none>\s/);
    const describe = await out(['describe', 'node', 'lab-worker']);
    expect(describe).toMatch(/Taints:\s+node\.kubernetes\.io\/unreachable:NoExecute\n\s+node\.kubernetes\.io\/unreachable:NoSchedule/);
    expect(describe).toMatch(/Ready\s+Unknown\s+.+NodeStatusUnknown\s+Kubelet stopped posting node status\./);
    expect(describe).toMatch(/Normal\s+NodeNotReady\s+\S+\s+node-controller\s+Node lab-worker status is now: NodeNotReady/);

    await sim.controllers.advance(31_000);
    const pods = await out(['get', 'pods', '-l', 'app=mysql', '-o', 'wide', '--no-headers']);
    const rows = pods.trim().split('\n').map((l) => l.split(/\s+/));
    expect(rows.find((r) => r[0] === first.metadata.name)?.slice(2, 3).concat(rows.find((r) => r[0] === first.metadata.name)![6]!)).toEqual(['Terminating', 'lab-worker']);
    const replacement = rows.find((r) => r[0] !== first.metadata.name)!;
    expect(replacement[6]).toBe('lab-worker2');

    // client-node reads the eviction the way a grader would
    const kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const events = await core.listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${first.metadata.name}` });
    expect(events.items.map((e) => `${e.type} ${e.reason} ${e.message}`)).toEqual(
      expect.arrayContaining(['Warning NodeNotReady Node is not ready', `Normal TaintManagerEviction Marking for deletion Pod default/${first.metadata.name}`]),
    );
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const d = await apps.readNamespacedDeployment({ name: 'mysql', namespace: 'default' });
    expect(d.status?.replicas).toBe(1); // the Terminating pod no longer counts

    await sim.controllers.advance(300_000, 5_000);
    expect(await out(['get', 'pod', first.metadata.name, '-o', 'jsonpath={.metadata.deletionTimestamp}'])).not.toBe('');

    await cluster.powerOn('lab-worker');
    // the returning kubelet finishes the deletion (at once, or within a grace period)
    for (let t = 0; t < 60_000 && sim.store.get({ group: '', resource: 'pods' }, 'default', first.metadata.name); t += 5_000) await sim.controllers.advance(5_000);
    expect(await out(['get', 'node', 'lab-worker', '--no-headers'])).toMatch(/^lab-worker\s+Ready\s/);
    expect(await out(['get', 'node', 'lab-worker', '-o', 'jsonpath={.spec.taints}'])).toBe('');
    const gone = await kubectl(['get', 'pod', first.metadata.name]);
    expect(gone.stderr).toContain(`pods "${first.metadata.name}" not found`);
    expect(await out(['get', 'events', '--field-selector', 'involvedObject.kind=Node,involvedObject.name=lab-worker', '-o', 'jsonpath={range .items[*]}{.reason}/{.source.component} {end}'])).toContain('NodeReady/kubelet');
  });

  it('reset starts a fresh control plane: every node powered and Ready, controllers running again', async () => {
    await cluster.powerOff('lab-worker2');
    await sim.controllers.advance(60_000);
    expect(await out(['get', 'node', 'lab-worker2', '--no-headers'])).toMatch(/NotReady/);
    const before = sim.controllers;
    await cluster.reset();
    expect(sim.controllers).not.toBe(before);
    expect(before.isStopped).toBe(true);
    await out(['apply', '-f', '-'], manifest);
    await sim.controllers.advance(60_000);
    expect(await out(['get', 'nodes', '--no-headers'])).not.toMatch(/NotReady/);
    expect(await out(['get', 'pods', '-l', 'app=mysql', '-o', 'jsonpath={.items[*].spec.nodeName}'])).toMatch(/^lab-worker2?$/);
  });

  it('Cluster.powerOff refuses a node that does not exist', async () => {
    await expect(cluster.powerOff('lab-worker9')).rejects.toThrow('nodes "lab-worker9" not found');
  });
});
