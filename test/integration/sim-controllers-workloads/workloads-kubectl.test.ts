/**
 * The scheduler and workload controllers seen through real kubectl (1.33,
 * and 1.30) on SimProvider clusters: where pods land, what `describe`
 * and `get events` say, scale, rollout status, cordon, a local volume that
 * pins its pod, garbage collection modes and namespace deletion.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimHarness, skipNote, waitFor, type TestCluster } from '../sim/harness.ts';

const harness = new SimHarness();
afterAll(() => harness.close());

const lessons = join(import.meta.dirname, '..', '..', '..', 'lessons');

const deployment = (name: string, replicas: number, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
${extra}      containers:
      - name: web
        image: nginx:1.27
`;

async function ok(c: TestCluster, args: string[], minor: number, stdin?: string): Promise<string> {
  const r = await c.kubectl(args, { minor, stdin });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

async function until(c: TestCluster, minor: number, args: string[], want: (out: string) => boolean): Promise<string> {
  let last = '';
  try {
    return await waitFor(async () => {
      const r = await c.kubectl(args, { minor });
      last = r.stdout;
      return r.code === 0 && want(last) ? { out: last } : undefined;
    }, 15_000, 100).then((x) => x!.out);
  } catch {
    throw new Error(`kubectl ${args.join(' ')}: condition not met, last output:\n${last}`);
  }
}

/** podNodes lists `name node` of the pods matching a selector, sorted. */
async function podNodes(c: TestCluster, minor: number, selector: string): Promise<string[]> {
  const out = await ok(c, ['get', 'pods', '-l', selector, '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.metadata.deletionTimestamp}{"\\n"}{end}'], minor);
  return out.split('\n').filter(Boolean).sort();
}

for (const minor of [33, 30]) {
  describe.skipIf(skipNote(minor))(`scheduler and workloads through kubectl 1.${minor}`, () => {
    it('a Deployment becomes a hash-named ReplicaSet and pods on the two workers only, with the events describe shows', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['apply', '-f', '-'], minor, deployment('web', 3));
      const rsOut = await until(c, minor, ['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'], (o) => /^web-\w+$/.test(o));
      const pods = await until(c, minor, ['get', 'pods', '-l', 'app=web', '-o', 'wide', '--no-headers'], (o) => o.trim().split('\n').length === 3 && o.trim().split('\n').every((l) => /\slab-worker2?\s/.test(l)));
      const lines = pods.trim().split('\n');
      // NAME READY STATUS RESTARTS AGE IP NODE …: the status depends on the kubelet model, the placement on the scheduler.
      for (const l of lines) expect(l).toMatch(new RegExp(`^${rsOut}-[bcdfghjklmnpqrstvwxz2456789]{5}\\s+\\d/1\\s+\\S+\\s+\\d+\\s+\\S+\\s+\\S+\\s+lab-worker2?\\s+<none>\\s+<none>$`));
      expect(new Set(lines.map((l) => l.split(/\s+/)[6]))).toEqual(new Set(['lab-worker', 'lab-worker2']));
      const first = lines[0]!.split(/\s+/);
      const describe = await ok(c, ['describe', 'pod', first[0]!], minor);
      expect(describe).toMatch(new RegExp(`Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/${first[0]} to ${first[6]}`));
      expect(describe).toMatch(new RegExp(`Controlled By:\\s+ReplicaSet/${rsOut}`));
      const d = await ok(c, ['describe', 'deploy', 'web'], minor);
      expect(d).toMatch(new RegExp(`Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+Scaled up replica set ${rsOut} (from 0 )?to 3`));
      expect(d).toMatch(/Replicas:\s+3 desired \| 3 updated \| 3 total \| \d available \| \d unavailable/);
      expect(await ok(c, ['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.generation} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}'], minor)).toBe('1 1');
      const rsEvents = await ok(c, ['get', 'events', '--field-selector', `involvedObject.name=${rsOut}`, '-o', 'jsonpath={range .items[*]}{.reason} {.source.component}{"\\n"}{end}'], minor);
      expect(rsEvents.trim().split('\n')).toEqual(['SuccessfulCreate replicaset-controller', 'SuccessfulCreate replicaset-controller', 'SuccessfulCreate replicaset-controller']);
    });

    it('rollout status: waits while no replica is available, succeeds once a kubelet runs them', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['apply', '-f', '-'], minor, deployment('web', 2));
      await until(c, minor, ['get', 'deploy', 'web', '-o', 'jsonpath={.status.updatedReplicas}'], (o) => o === '2');
      if (c.sim.controllers.controller('kubelet')) {
        // the kubelet model (sim part 3) runs nginx, so the pods become Ready and the rollout completes
        const r = await c.kubectl(['rollout', 'status', 'deploy/web', '--timeout=20s'], { minor, timeoutMs: 30_000 });
        expect(r.stdout).toContain('deployment "web" successfully rolled out');
        expect(r.code).toBe(0);
        expect(await ok(c, ['get', 'deploy', 'web', '-o', 'jsonpath={.status.conditions[?(@.type=="Progressing")].reason}'], minor)).toBe('NewReplicaSetAvailable');
      } else {
        const r = await c.kubectl(['rollout', 'status', 'deploy/web', '--timeout=1s'], { minor });
        expect(r.code).not.toBe(0);
        expect(r.stdout).toContain('Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...');
        expect(r.stderr).toContain('timed out waiting for the condition');
      }
    });

    it('set image makes revision 2; rollout history lists both; rollout undo brings the first template back as revision 3', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['apply', '-f', '-'], minor, deployment('web', 1));
      await until(c, minor, ['get', 'rs', '-l', 'app=web', '-o', 'name'], (o) => o.trim().split('\n').length === 1);
      await ok(c, ['set', 'image', 'deploy/web', 'web=nginx:1.28'], minor);
      await until(c, minor, ['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'], (o) => o === '2');
      const history = await ok(c, ['rollout', 'history', 'deploy/web'], minor);
      expect(history).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
      expect(await ok(c, ['rollout', 'undo', 'deploy/web'], minor)).toContain('deployment.apps/web rolled back');
      await until(c, minor, ['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.spec.template.spec.containers[0].image}'], (o) => o === '3 nginx:1.27');
      expect((await ok(c, ['get', 'rs', '-l', 'app=web', '-o', 'name'], minor)).trim().split('\n')).toHaveLength(2);
    });

    it("lesson 2's DaemonSet runs one pod on each worker, none on the tainted control plane", async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['apply', '-f', c.write('pod-log-reader.yaml', readFileSync(join(lessons, '02-hostpath', 'manifests', 'pod-log-reader.yaml'), 'utf8'))], minor);
      const nodes = await until(c, minor, ['get', 'pods', '-l', 'app=pod-log-reader', '-o', 'jsonpath={.items[*].spec.nodeName}'], (o) => o.split(' ').filter(Boolean).length === 2);
      expect(nodes.split(' ').sort()).toEqual(['lab-worker', 'lab-worker2']);
      const ds = await until(c, minor, ['get', 'ds', 'pod-log-reader', '--no-headers'], (o) => /^pod-log-reader\s+2\s+2\s/.test(o));
      expect(ds).toMatch(/^pod-log-reader\s+2\s+2\s+\d\s+\d\s+\d\s+<none>\s/);
      expect(await ok(c, ['rollout', 'history', 'ds/pod-log-reader'], minor)).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>/);
    });

    it('scale up and down through kubectl scale', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['apply', '-f', '-'], minor, deployment('web', 1));
      await until(c, minor, ['get', 'pods', '-l', 'app=web', '--no-headers'], (o) => o.trim().split('\n').length === 1);
      expect(await ok(c, ['scale', 'deploy/web', '--replicas=4'], minor)).toContain('deployment.apps/web scaled');
      await until(c, minor, ['get', 'rs', '-l', 'app=web', '-o', 'jsonpath={.items[0].status.replicas}'], (o) => o === '4');
      await ok(c, ['scale', 'deploy/web', '--replicas=2'], minor);
      await until(c, minor, ['get', 'pods', '-l', 'app=web', '--no-headers'], (o) => o.trim().split('\n').length === 2);
      const events = await ok(c, ['get', 'events', '--field-selector', 'involvedObject.kind=Deployment', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}'], minor);
      expect(events).toMatch(/Scaled up replica set web-\w+ from 1 to 4/);
      expect(events).toMatch(/Scaled down replica set web-\w+ from 4 to 2/);
    });

    it('cordon one worker and delete the pod: the replacement lands on the other worker', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['apply', '-f', '-'], minor, deployment('db', 1));
      const [before] = (await waitFor(async () => {
        const p = await podNodes(c, minor, 'app=db');
        return p.length === 1 && p[0]!.split(' ')[1] ? p : undefined;
      }, 15_000, 100))!;
      const [name, node] = before!.split(' ');
      const other = node === 'lab-worker' ? 'lab-worker2' : 'lab-worker';
      expect(await ok(c, ['cordon', node!], minor)).toContain(`node/${node} cordoned`);
      expect(await ok(c, ['get', 'node', node!, '-o', 'jsonpath={.spec.taints[*].key}'], minor)).toBe('node.kubernetes.io/unschedulable');
      await ok(c, ['delete', 'pod', name!], minor);
      const after = (await waitFor(async () => {
        const p = await podNodes(c, minor, 'app=db');
        return p.length === 1 && !p[0]!.startsWith(`${name} `) && p[0]!.split(' ')[1] ? p : undefined;
      }, 15_000, 100))!;
      expect(after[0]!.split(' ')[1]).toBe(other);
      const nodes = await ok(c, ['get', 'nodes', '--no-headers'], minor);
      expect(nodes).toMatch(new RegExp(`${node}\\s+Ready,SchedulingDisabled`));
    });

    it('a nodeSelector nobody matches: Pending with the real FailedScheduling wording', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['run', 'picky', '--image=busybox:1.36', '--overrides={"spec":{"nodeSelector":{"disktype":"ssd"}}}', '--', 'sleep', '3600'], minor);
      const msg =
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
      const events = await until(c, minor, ['get', 'events', '--field-selector', 'involvedObject.name=picky', '-o', 'jsonpath={range .items[*]}{.type} {.reason} {.message}{"\\n"}{end}'], (o) => o.includes('FailedScheduling'));
      expect(events.trim()).toBe(`Warning FailedScheduling ${msg}`);
      const describe = await ok(c, ['describe', 'pod', 'picky'], minor);
      expect(describe).toMatch(/Node:\s+<none>/);
      expect(describe).toMatch(/PodScheduled\s+False/);
      expect(describe.replace(/\s+/g, ' ')).toContain(`Warning FailedScheduling ${describe.match(/FailedScheduling\s+(\S+)/)![1]} default-scheduler ${msg}`);
      await ok(c, ['label', 'node', 'lab-worker2', 'disktype=ssd'], minor);
      await until(c, minor, ['get', 'pod', 'picky', '-o', 'jsonpath={.spec.nodeName}'], (o) => o === 'lab-worker2');
    });

    it('a local PV with a WaitForFirstConsumer class pulls its pod to lab-worker2 (lesson 5 manifests)', async () => {
      const c = await harness.cluster(minor);
      for (const f of ['local-storage-class.yaml', 'local-pv.yaml', 'local-pvc.yaml']) await ok(c, ['apply', '-f', c.write(f, readFileSync(join(lessons, '05-local-pv', 'manifests', f), 'utf8'))], minor);
      expect(await ok(c, ['get', 'pvc', 'local-pvc', '-o', 'jsonpath={.status.phase}'], minor)).toBe('Pending');
      await ok(c, ['apply', '-f', c.write('local-pod.yaml', readFileSync(join(lessons, '05-local-pv', 'manifests', 'local-pod.yaml'), 'utf8'))], minor);
      await until(c, minor, ['get', 'pod', 'local-pod', '-o', 'jsonpath={.spec.nodeName}'], (o) => o === 'lab-worker2');
      await until(c, minor, ['get', 'pvc', 'local-pvc', '-o', 'jsonpath={.status.phase} {.spec.volumeName}'], (o) => o === 'Bound local-pv');
      expect(await ok(c, ['get', 'pvc', 'local-pvc', '-o', 'jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}'], minor)).toBe('');
      // a second pod on the same claim must follow the volume, and cannot if lab-worker2 is cordoned
      await ok(c, ['cordon', 'lab-worker2'], minor);
      await ok(c, ['run', 'reader', '--image=busybox:1.36', '--overrides={"spec":{"volumes":[{"name":"d","persistentVolumeClaim":{"claimName":"local-pvc"}}]}}', '--', 'sleep', '1'], minor);
      const ev = await until(c, minor, ['get', 'events', '--field-selector', 'involvedObject.name=reader,reason=FailedScheduling', '-o', 'jsonpath={.items[*].message}'], (o) => o.length > 0);
      expect(ev).toBe(
        '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
      );
    });

    it('cascade=orphan keeps the ReplicaSet and pods; cascade=foreground removes them before the Deployment', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['apply', '-f', '-'], minor, deployment('keep', 2));
      await until(c, minor, ['get', 'pods', '-l', 'app=keep', '--no-headers'], (o) => o.trim().split('\n').length === 2);
      await ok(c, ['delete', 'deploy', 'keep', '--cascade=orphan'], minor);
      await until(c, minor, ['get', 'rs', '-l', 'app=keep', '-o', 'jsonpath={.items[0].metadata.ownerReferences}'], (o) => o === '');
      expect((await podNodes(c, minor, 'app=keep')).length).toBe(2);

      await ok(c, ['apply', '-f', '-'], minor, deployment('gone', 2));
      await until(c, minor, ['get', 'pods', '-l', 'app=gone', '--no-headers'], (o) => o.trim().split('\n').length === 2);
      const r = await c.kubectl(['delete', 'deploy', 'gone', '--cascade=foreground'], { minor, timeoutMs: 20_000 });
      expect(r.code).toBe(0);
      expect(await ok(c, ['get', 'rs,pods', '-l', 'app=gone', '-o', 'name'], minor)).toBe('');
    });

    it('deleting a namespace deletes what is in it, then the namespace', async () => {
      const c = await harness.cluster(minor);
      await ok(c, ['create', 'namespace', 'shop'], minor);
      await ok(c, ['-n', 'shop', 'apply', '-f', '-'], minor, deployment('web', 2));
      await ok(c, ['-n', 'shop', 'create', 'configmap', 'settings', '--from-literal=a=b'], minor);
      await until(c, minor, ['-n', 'shop', 'get', 'pods', '--no-headers'], (o) => o.trim().split('\n').length === 2);
      const r = await c.kubectl(['delete', 'namespace', 'shop'], { minor, timeoutMs: 20_000 });
      expect(r.stdout).toContain('namespace "shop" deleted');
      const gone = await c.kubectl(['get', 'namespace', 'shop'], { minor });
      expect(gone.stderr).toContain('namespaces "shop" not found');
    });
  });
}
