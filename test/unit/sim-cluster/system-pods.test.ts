import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { placement, systemCluster } from './harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { simClusterTools } from '../../../sandbox/providers/sim/ceph/tools/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

const systemNamespaces = new Set(['kube-system', 'ceph-csi-rbd', 'local-path-storage']);

describe('system pods with the control plane running', () => {
  it("runs every system pod where kind runs it, from images already on the node (toolbox's image pulled)", async () => {
    using c = systemCluster();
    c.start();
    await c.advance(10_000);
    const pods = c.pods().filter((p) => systemNamespaces.has(p.metadata.namespace));
    expect(pods.filter((p) => p.status?.phase !== 'Running').map((p) => `${p.metadata.name} ${p.status?.phase}`)).toEqual([]);
    const byNode = (prefix: string) => pods.filter((p) => p.metadata.name.startsWith(prefix)).map((p) => p.spec.nodeName).sort();
    expect(byNode('kindnet-')).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    expect(byNode('kube-proxy-')).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    expect(byNode('coredns-')).toEqual(['lab-control-plane', 'lab-control-plane']);
    expect(byNode('ceph-tools-')).toEqual(['lab-control-plane']);
    // kindnet and kube-proxy use the node's network.
    const worker = c.list('nodes').find((n) => n.metadata.name === 'lab-worker');
    expect(pods.find((p) => p.metadata.name.startsWith('kindnet-') && p.spec.nodeName === 'lab-worker').status.podIP).toBe(worker.status.addresses[0].address);
    // The Deployment controller adopted the bootstrap's ReplicaSet: still one, and the Deployment is available.
    expect(c.list('replicasets', 'kube-system').map((r) => r.metadata.name)).toHaveLength(1);
    expect(c.list('deployments', 'kube-system')[0].status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(c.list('daemonsets', 'kube-system').map((d) => `${d.metadata.name} ${d.status.desiredNumberScheduled}/${d.status.numberReady}`).sort()).toEqual(['kindnet 3/3', 'kube-proxy 3/3']);
    const etcdEvents = c.events('kube-system', 'etcd-lab-control-plane').map((e) => `${e.reason}: ${e.message}`);
    expect(etcdEvents).toContain('Pulled: Container image "registry.k8s.io/etcd:3.5.21-0" already present on machine');
    expect(etcdEvents.some((e) => e.startsWith('Pulling'))).toBe(false);
    const tools = pods.find((p) => p.metadata.labels?.app === 'ceph-tools');
    expect(c.events('ceph-csi-rbd', tools.metadata.name).map((e) => e.reason)).toContain('Pulling');
    // The kubelet wrote each pod's log directory on its node.
    const kindnetWorker = pods.find((p) => p.metadata.name.startsWith('kindnet-') && p.spec.nodeName === 'lab-worker');
    const dirs = c.storage.dataRoot.nodePath('lab-worker', '/var/log/pods');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dirs)).toContain(`kube-system_${kindnetWorker.metadata.name}_${kindnetWorker.metadata.uid}`);
  }, 30_000);

  it('stand-ins say they are simulated, are distroless, and stop on TERM without waiting out the grace period', async () => {
    using c = systemCluster();
    c.start();
    await c.advance(5_000);
    const log = await c.logs('kube-system', 'kube-apiserver-lab-control-plane');
    expect(log.split('\n')[0]).toBe('kslab-sim: kube-apiserver v1.33.1 is simulated; this container is a stand-in that runs no kube-apiserver process.');
    expect(log).toContain('served by the kslab simulated API server');
    const sh = await c.exec('kube-system', 'etcd-lab-control-plane', ['sh']);
    expect(sh.error).toContain('exec: "sh": executable file not found in $PATH');
    const proxy = c.pods('kube-system').find((p) => p.metadata.name.startsWith('kube-proxy-') && p.spec.nodeName === 'lab-worker');
    c.api.delete(resources.pods, 'kube-system', proxy.metadata.name);
    await c.advance(3_000);
    expect(c.pod('kube-system', proxy.metadata.name)).toBeUndefined();
    // The DaemonSet puts a new one on the node.
    await c.advance(5_000);
    const again = c.pods('kube-system').filter((p) => p.metadata.name.startsWith('kube-proxy-') && p.spec.nodeName === 'lab-worker');
    expect(again).toHaveLength(1);
    expect(again[0].status.phase).toBe('Running');
    // The toolbox's shell traps TERM too; its replacement stays on the control plane (nodeSelector).
    const toolbox = () => c.pods('ceph-csi-rbd').filter((p) => p.metadata.labels?.app === 'ceph-tools');
    const tools = toolbox()[0];
    c.api.delete(resources.pods, 'ceph-csi-rbd', tools.metadata.name);
    await c.advance(2_000);
    expect(c.pod('ceph-csi-rbd', tools.metadata.name)).toBeUndefined();
    await c.advance(5_000);
    expect(toolbox().map((p) => `${p.spec.nodeName} ${p.status.phase}`)).toEqual(['lab-control-plane Running']);
  }, 30_000);

  it('posts a deleted mirror pod again (new uid, same manifest hash), but not once its manifest is gone from the node', async () => {
    using c = systemCluster();
    c.start();
    await c.advance(5_000);
    const old = c.pod('kube-system', 'etcd-lab-control-plane');
    c.api.delete(resources.pods, 'kube-system', 'etcd-lab-control-plane');
    await c.advance(5_000);
    const again = c.pod('kube-system', 'etcd-lab-control-plane');
    expect(again.metadata.uid).not.toBe(old.metadata.uid);
    expect(again.metadata.annotations['kubernetes.io/config.hash']).toBe(old.metadata.annotations['kubernetes.io/config.hash']);
    expect(again.metadata.ownerReferences).toEqual(old.metadata.ownerReferences);
    expect(again.status.phase).toBe('Running');

    rmSync(c.storage.dataRoot.nodePath('lab-control-plane', '/etc/kubernetes/manifests/kube-scheduler.yaml'));
    c.api.delete(resources.pods, 'kube-system', 'kube-scheduler-lab-control-plane');
    await c.advance(5_000);
    expect(c.pod('kube-system', 'kube-scheduler-lab-control-plane')).toBeUndefined();
  }, 30_000);

  it('places learner pods on the same nodes as a cluster without system pods', async () => {
    const learnerPods = (): KObject[] => [
      ...['a', 'b', 'c'].map((n) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: 'default' }, spec: { containers: [{ name: 'm', image: 'busybox:1.36', command: ['sleep', '3600'] }] } })),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big', namespace: 'default' }, spec: { containers: [{ name: 'm', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '500m', memory: '1Gi' } } }] } },
      ...['d', 'e'].map((n) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n, namespace: 'default' }, spec: { containers: [{ name: 'm', image: 'busybox:1.36', command: ['sleep', '3600'], resources: { requests: { cpu: '100m' } } }] } })),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'tolerant', namespace: 'default' },
        spec: { tolerations: [{ operator: 'Exists' }], containers: [{ name: 'm', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
      },
    ] as KObject[];
    const run = async (bare: boolean) => {
      using c = systemCluster(bare ? { addons: [] } : {});
      c.start();
      await c.advance(2_000);
      for (const p of learnerPods()) {
        c.api.create(resources.pods, 'default', p);
        await c.advance(1_000);
      }
      return placement(c.pods('default'));
    };
    const withSystem = await run(false);
    const without = await run(true);
    // Pods that do not tolerate the control-plane taint see two workers carrying the same system pods: same choices.
    const untolerant = (l: string[]) => l.filter((p) => !p.startsWith('default/tolerant '));
    expect(untolerant(withSystem)).toEqual(untolerant(without));
    expect(withSystem.every((p) => !p.endsWith(' -'))).toBe(true);
    // A pod tolerating every taint now avoids the control plane, busy with its static pods, CoreDNS and the toolbox — as on kind.
    expect(without).toContain('default/tolerant lab-control-plane');
    expect(withSystem).toContain('default/tolerant lab-worker');
  }, 30_000);
});

describe('the Ceph toolbox pod', () => {
  it("runs the terminal's ceph and rbd against the cluster's Ceph model, after reading ceph.conf and the keyring", async () => {
    using c = systemCluster();
    c.start();
    await c.advance(10_000);
    c.storage.ceph.createImage('rbd', 'csi-vol-0001', 1024 ** 3);
    const tools = simClusterTools(() => c.storage, () => c.storage.startedAt);
    const terminal = async (tool: 'ceph' | 'rbd', ...argv: string[]) => {
      let out = '';
      await tools[tool]!(argv, { stdout: (t) => (out += t), stderr: () => {}, signal: new AbortController().signal });
      return out;
    };
    const pod = c.pods('ceph-csi-rbd').find((p) => p.metadata.labels?.app === 'ceph-tools').metadata.name;
    const inPod = (...argv: string[]) => c.exec('ceph-csi-rbd', pod, argv);
    expect(await inPod('rbd', 'ls', '-p', 'rbd')).toEqual({ code: 0, stdout: 'csi-vol-0001\n', stderr: '' });
    expect((await inPod('ceph', 'auth', 'get-key', 'client.admin')).stdout).toBe(await terminal('ceph', 'auth', 'get-key', 'client.admin'));
    expect((await inPod('rbd', 'info', 'rbd/csi-vol-0001')).stdout).toBe(await terminal('rbd', 'info', 'rbd/csi-vol-0001'));
    const status = await inPod('ceph', '-s');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('    id:     b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d\n');
    expect(status.stdout).toContain('health: HEALTH_OK');

    // A wrong key is refused by the monitor; a missing config file stops the client before it connects.
    expect((await inPod('sh', '-c', 'printf "[client.admin]\\n\\tkey = AQBwrongwrongwrongwrongwrongwrongwrong==\\n" > /tmp/bad.keyring')).code).toBe(0);
    const badKey = await inPod('rbd', '--keyring', '/tmp/bad.keyring', 'ls');
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/rbd: couldn't connect to the cluster!\n$/);
    const cephBadKey = await inPod('ceph', '-k', '/tmp/bad.keyring', '-s');
    expect(cephBadKey).toMatchObject({ code: 13, stdout: '' });
    expect(cephBadKey.stderr).toContain('[errno 13] RADOS permission denied (error connecting to the cluster)');
    const noConf = await inPod('ceph', '-c', '/etc/ceph/missing.conf', 'health');
    expect(noConf.code).toBe(1);
    expect(noConf.stderr).toContain("Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')");
    // bash and the usual tools are there.
    expect((await inPod('sh', '-c', 'cat /etc/ceph/ceph.conf | grep mon_host')).stdout).toBe('mon_host = ceph:6789\n');
  }, 30_000);
});
