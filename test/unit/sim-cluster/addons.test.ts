import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { systemCluster } from './harness.ts';
import { podTemplateHash } from '../../../sandbox/providers/sim/controllers/workloads/pod-template.ts';
import { addons } from '../../../sandbox/providers/sim/cluster/addons/index.ts';
import { bootstrapCluster } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */

describe("bootstrap add-ons: kind's kube-system objects before any controller runs", () => {
  it('creates the four control-plane static pods as mirror pods on lab-control-plane', () => {
    using c = systemCluster();
    const node = c.list('nodes').find((n) => n.metadata.name === 'lab-control-plane');
    for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
      const p = c.pod('kube-system', `${component}-lab-control-plane`);
      expect(p, component).toBeDefined();
      const a = p.metadata.annotations;
      expect(a['kubernetes.io/config.source']).toBe('file');
      expect(a['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
      expect(a['kubernetes.io/config.mirror']).toBe(a['kubernetes.io/config.hash']);
      expect(p.metadata.labels).toEqual({ component, tier: 'control-plane' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'lab-control-plane', uid: node.metadata.uid, controller: true }]);
      expect(p.spec.nodeName).toBe('lab-control-plane');
      expect(p.spec.hostNetwork).toBe(true);
      expect(p.spec.priorityClassName).toBe('system-node-critical');
      expect(p.spec.priority).toBe(2000001000);
    }
    expect(c.pod('kube-system', 'etcd-lab-control-plane').spec.containers[0].image).toBe('registry.k8s.io/etcd:3.5.21-0');
    // kubeadm's manifests are on the control plane's disk, where `kubectl debug node/lab-control-plane` finds them.
    const manifests = c.storage.dataRoot.nodePath('lab-control-plane', '/etc/kubernetes/manifests');
    expect(readdirSync(manifests).sort()).toEqual(['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml']);
    const etcdYaml = parse(readFileSync(`${manifests}/etcd.yaml`, 'utf8'));
    expect(etcdYaml).toMatchObject({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'etcd', namespace: 'kube-system' }, spec: { hostNetwork: true }, status: {} });
    expect(etcdYaml.spec.containers[0].command).toContain('--data-dir=/var/lib/etcd');
    expect(c.storage.dataRoot.nodePathExists('lab-worker', '/etc/kubernetes/manifests/etcd.yaml')).toBe(false);
    expect(c.pod('kube-system', 'kube-apiserver-lab-control-plane').spec.containers[0].image).toBe('registry.k8s.io/kube-apiserver:v1.33.1');
  });

  it('creates CoreDNS as kubeadm does, with its ReplicaSet and two pods already bound to the control plane', () => {
    using c = systemCluster();
    const d = c.list('deployments', 'kube-system').find((x) => x.metadata.name === 'coredns');
    expect(d.spec.template.spec.containers[0].image).toBe('registry.k8s.io/coredns/coredns:v1.12.0');
    const rss = c.list('replicasets', 'kube-system');
    expect(rss).toHaveLength(1);
    // The Deployment controller hashes the stored template: the same hash names this ReplicaSet, so it is adopted, not duplicated.
    expect(rss[0].metadata.name).toBe(`coredns-${podTemplateHash(d.spec.template)}`);
    expect(rss[0].metadata.ownerReferences[0]).toMatchObject({ kind: 'Deployment', name: 'coredns', uid: d.metadata.uid, controller: true });
    const pods = c.pods('kube-system').filter((p) => p.metadata.labels['k8s-app'] === 'kube-dns');
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rss[0].metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(p.spec.nodeName).toBe('lab-control-plane');
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', uid: rss[0].metadata.uid });
      expect(c.events('kube-system', p.metadata.name).map((e) => `${e.reason}: ${e.message ?? e.note}`)).toEqual([`Scheduled: Successfully assigned kube-system/${p.metadata.name} to lab-control-plane`]);
    }
    // What the Deployment and ReplicaSet controllers said when they made them.
    expect(c.events('kube-system', 'coredns').map((e) => `${e.reason}: ${e.message}`)).toEqual([`ScalingReplicaSet: Scaled up replica set ${rss[0].metadata.name} from 0 to 2`]);
    expect(c.events('kube-system', rss[0].metadata.name).map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulCreate']);
    const svc = c.list('services', 'kube-system').find((s) => s.metadata.name === 'kube-dns');
    expect(svc.spec.clusterIP).toBe('10.96.0.10');
    expect(svc.spec.ports.map((p: any) => `${p.name} ${p.port}/${p.protocol}`)).toEqual(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    expect(c.list('configmaps', 'kube-system').find((m) => m.metadata.name === 'coredns').data.Corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa {');
    expect(c.list('serviceaccounts', 'kube-system').map((s) => s.metadata.name)).toEqual(expect.arrayContaining(['coredns', 'kindnet', 'kube-proxy', 'default']));
  });

  it('leaves kindnet and kube-proxy to the DaemonSet controller (no pods yet)', () => {
    using c = systemCluster();
    expect(c.list('daemonsets', 'kube-system').map((d) => d.metadata.name).sort()).toEqual(['kindnet', 'kube-proxy']);
    expect(c.pods('kube-system').filter((p) => /^(kindnet|kube-proxy)-/.test(p.metadata.name))).toHaveLength(0);
    expect(c.list('configmaps', 'kube-system').find((m) => m.metadata.name === 'kube-proxy').data['config.conf']).toContain('mode: iptables');
  });

  it("gives the Ceph toolbox the cluster's ceph.conf and client.admin keyring, pinned to the control plane", () => {
    using c = systemCluster();
    const key = c.storage.ceph.getKey('client.admin');
    const secret = c.list('secrets', 'ceph-csi-rbd').find((s) => s.metadata.name === 'ceph-tools-keyring');
    expect(Buffer.from(secret.data.keyring, 'base64').toString()).toBe(`[client.admin]\n\tkey = ${key}\n`);
    const conf = c.list('configmaps', 'ceph-csi-rbd').find((m) => m.metadata.name === 'ceph-tools-config');
    expect(conf.data['ceph.conf']).toBe('[global]\nfsid = b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d\nmon_host = ceph:6789\n');
    const [pod] = c.pods('ceph-csi-rbd').filter((p) => p.metadata.labels?.app === 'ceph-tools');
    expect(pod.metadata.labels.app).toBe('ceph-tools');
    expect(pod.metadata.name).toMatch(/^ceph-tools-[0-9a-f]+-[a-z0-9]{5}$/);
    expect(pod.spec.nodeName).toBe('lab-control-plane');
    expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'lab-control-plane' });
  });

  it('reports one bootstrap step per add-on, after the base steps; an empty add-on list leaves kube-system without pods', () => {
    const steps: string[] = [];
    const api = new ClusterApi(new ObjectStore(100), { admit });
    bootstrapCluster(api, 'CA', (step, status) => status === 'done' && steps.push(step));
    expect(steps.slice(-addons.length)).toEqual(addons.map((a) => a.step));
    expect(steps).toContain('installing CoreDNS');
    api.store.close();
    using bare = systemCluster({ addons: [] });
    expect(bare.pods('kube-system')).toHaveLength(0);
  });
});

describe('bootstrap: node registration events', () => {
  it("each node has the events its first start leaves on kind: kubelet Starting, the condition events, NodeAllocatableEnforced, node-controller's RegisteredNode, NodeReady", () => {
    using c = systemCluster();
    const events = c.list('events', 'default').filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === 'lab-worker');
    // One timestamp for all (the node's creation), so compare without order, as describe's sort by time would tie.
    expect(events.map((e) => `${e.source.component}/${e.reason}: ${e.message}`).sort()).toEqual([
      'kubelet/Starting: Starting kubelet.',
      'kubelet/NodeHasSufficientMemory: Node lab-worker status is now: NodeHasSufficientMemory',
      'kubelet/NodeHasNoDiskPressure: Node lab-worker status is now: NodeHasNoDiskPressure',
      'kubelet/NodeHasSufficientPID: Node lab-worker status is now: NodeHasSufficientPID',
      'kubelet/NodeAllocatableEnforced: Updated Node Allocatable limit across pods',
      'node-controller/RegisteredNode: Node lab-worker event: Registered Node lab-worker in Controller',
      'kubelet/NodeReady: Node lab-worker status is now: NodeReady',
    ].sort());
    expect(events.find((e) => e.reason === 'Starting').source.host).toBe('lab-worker');
  });
});
