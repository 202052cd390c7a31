/**
 * ceph-csi's RBD driver runs as pods in ceph-csi-rbd (issue 6 F9), through
 * real kubectl 1.33: the provisioner Deployment on lab-control-plane and the
 * node plugin on both workers, lesson 4's claim still provisions with
 * events from the provisioner pod and CreateVolume/DeleteVolume lines in the
 * csi-rbdplugin container's log, and provisioning stops while no
 * provisioner pod runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { SimHarness, skipNote, waitFor, type TestCluster } from '../sim/harness.ts';

const lesson = (f: string) => readFileSync(`lessons/04-ceph-rbd/manifests/${f}`, 'utf8');
const skip = skipNote(33);

describe.skipIf(skip)('ceph-csi RBD pods (kubectl 1.33)', () => {
  let h: SimHarness;
  beforeAll(() => {
    h = new SimHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const phase = async (c: TestCluster, claim: string) => JSON.parse((await c.kubectl(['get', 'pvc', claim, '-o', 'json'])).stdout).status?.phase;
  const secret = async (c: TestCluster) => {
    c.write('admin.key', c.sim.storage.ceph.getKey('client.admin'));
    expect((await c.kubectl(['create', 'secret', 'generic', 'csi-rbd-secret', '--from-literal=userID=admin', '--from-file=userKey=admin.key'])).code).toBe(0);
    c.write('csi-rbd-sc.yaml', lesson('csi-rbd-sc.yaml'));
    expect((await c.kubectl(['apply', '-f', 'csi-rbd-sc.yaml'])).code).toBe(0);
  };

  it('lesson 4: the driver is running in ceph-csi-rbd, and rbd-pvc is provisioned by the provisioner pod', async () => {
    const c = await h.cluster();
    const pods = (await c.kubectl(['-n', 'ceph-csi-rbd', 'get', 'pods', '-o', 'wide'])).stdout;
    expect(pods).toMatch(/^csi-rbdplugin-provisioner-[a-z0-9]+-[a-z0-9]{5}\s+5\/5\s+Running\s+0\s+\S+\s+\S+\s+lab-control-plane\s/m);
    const nodePlugins = pods.split('\n').filter((l) => /^csi-rbdplugin-[a-z0-9]{5}\s/.test(l));
    expect(nodePlugins.map((l) => l.split(/\s+/)[6]).sort()).toEqual(['lab-worker', 'lab-worker2']);
    for (const l of nodePlugins) expect(l).toMatch(/\s2\/2\s+Running\s/);
    const ds = (await c.kubectl(['-n', 'ceph-csi-rbd', 'get', 'ds', 'csi-rbdplugin'])).stdout;
    expect(ds).toMatch(/^csi-rbdplugin\s+2\s+2\s+2\s+2\s+2\s/m);
    const provisionerPod = /^(csi-rbdplugin-provisioner-\S+)/m.exec(pods)![1]!;
    const containers = JSON.parse((await c.kubectl(['-n', 'ceph-csi-rbd', 'get', 'pod', provisionerPod, '-o', 'json'])).stdout).spec.containers.map((x: any) => `${x.name} ${x.image}`);
    expect(containers).toEqual([
      'csi-provisioner registry.k8s.io/sig-storage/csi-provisioner:v5.2.0',
      'csi-snapshotter registry.k8s.io/sig-storage/csi-snapshotter:v8.2.1',
      'csi-attacher registry.k8s.io/sig-storage/csi-attacher:v4.8.1',
      'csi-resizer registry.k8s.io/sig-storage/csi-resizer:v1.13.2',
      'csi-rbdplugin quay.io/cephcsi/cephcsi:v3.14.0',
    ]);

    await secret(c);
    c.write('rbd-pvc.yaml', lesson('rbd-pvc.yaml'));
    expect((await c.kubectl(['apply', '-f', 'rbd-pvc.yaml'])).code).toBe(0);
    await waitFor(async () => (await phase(c, 'rbd-pvc')) === 'Bound', 15_000, 200);
    const pv = JSON.parse((await c.kubectl(['get', 'pvc', 'rbd-pvc', '-o', 'json'])).stdout).spec.volumeName as string;
    const events = JSON.parse((await c.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=rbd-pvc', '-o', 'json'])).stdout).items;
    expect(events.find((e: any) => e.reason === 'ProvisioningSucceeded').source.component).toMatch(new RegExp(`^rbd\\.csi\\.ceph\\.com_${provisionerPod}_[0-9a-f-]{36}$`));
    const driverLog = (await c.kubectl(['-n', 'ceph-csi-rbd', 'logs', 'deploy/csi-rbdplugin-provisioner', '-c', 'csi-rbdplugin'])).stdout;
    expect(driverLog).toMatch(new RegExp(`^I\\d{4} [\\d:.]+ +1 utils\\.go:\\d+\\] ID: \\d+ Req-ID: ${pv} GRPC call: /csi\\.v1\\.Controller/CreateVolume$`, 'm'));
    expect(driverLog).toMatch(new RegExp(`ID: \\d+ Req-ID: ${pv} GRPC request: \\{"capacity_range":\\{"required_bytes":1073741824\\},"name":"${pv}",.*"secrets":"\\*\\*\\*stripped\\*\\*\\*"`));
    expect(driverLog).toMatch(new RegExp(`Req-ID: ${pv} rbd: create rbd/csi-vol-[0-9a-f-]{36} size 1024M \\(features: \\[layering\\]\\) using mon ceph:6789`));
    expect(driverLog).toMatch(new RegExp(`Req-ID: ${pv} GRPC response: \\{"volume":\\{"capacity_bytes":1073741824,`));
    const sidecarLog = (await c.kubectl(['-n', 'ceph-csi-rbd', 'logs', 'deploy/csi-rbdplugin-provisioner', '-c', 'csi-provisioner'])).stdout;
    expect(sidecarLog).toMatch(/event\.go:\d+\] "Event occurred" object="default\/rbd-pvc" fieldPath="" kind="PersistentVolumeClaim" apiVersion="v1" type="Normal" reason="ProvisioningSucceeded" message="Successfully provisioned volume pvc-/);
    expect(sidecarLog).not.toContain('GRPC call');
    // The kubelet expanded --csi-address=$(ADDRESS) and --endpoint=$(CSI_ENDPOINT) from the containers' env.
    expect(sidecarLog).toContain('"Connecting" address="unix:///csi/csi-provisioner.sock"');
    expect(driverLog).toContain('Listening for connections on address: &net.UnixAddr{Name:"//csi/csi-provisioner.sock", Net:"unix"}');

    expect((await c.kubectl(['delete', 'pvc', 'rbd-pvc'])).code).toBe(0);
    await waitFor(async () => !(await c.kubectl(['get', 'pv', '-o', 'name'])).stdout.includes(pv), 15_000, 200);
    const after = (await c.kubectl(['-n', 'ceph-csi-rbd', 'logs', 'deploy/csi-rbdplugin-provisioner', '-c', 'csi-rbdplugin'])).stdout;
    expect(after).toMatch(/ID: \d+ Req-ID: 0001-0024-[0-9a-f-]+ GRPC call: \/csi\.v1\.Controller\/DeleteVolume/);
    expect(c.sim.storage.ceph.images('rbd')).toEqual([]);
  }, 60_000);

  it('with the provisioner Deployment scaled to 0 an RBD claim stays Pending with ExternalProvisioning; scaled back, it binds', async () => {
    const c = await h.cluster();
    await secret(c);
    expect((await c.kubectl(['-n', 'ceph-csi-rbd', 'scale', 'deploy/csi-rbdplugin-provisioner', '--replicas=0'])).code).toBe(0);
    await waitFor(async () => !(await c.kubectl(['-n', 'ceph-csi-rbd', 'get', 'pods', '-o', 'name'])).stdout.includes('csi-rbdplugin-provisioner-'), 20_000, 200);
    c.write('rbd-pvc.yaml', lesson('rbd-pvc.yaml'));
    expect((await c.kubectl(['apply', '-f', 'rbd-pvc.yaml'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await phase(c, 'rbd-pvc')).toBe('Pending');
    const described = (await c.kubectl(['describe', 'pvc', 'rbd-pvc'])).stdout;
    expect(described).toMatch(/ExternalProvisioning .*Waiting for a volume to be created either by the external provisioner 'rbd\.csi\.ceph\.com'/);
    expect(described).not.toMatch(/Normal\s+Provisioning\s/);
    expect((await c.kubectl(['-n', 'ceph-csi-rbd', 'scale', 'deploy/csi-rbdplugin-provisioner', '--replicas=1'])).code).toBe(0);
    await waitFor(async () => (await phase(c, 'rbd-pvc')) === 'Bound', 20_000, 200);
  }, 60_000);
});
