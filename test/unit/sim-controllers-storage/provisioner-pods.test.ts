/**
 * The provisioners run as pods (issue 6 F6/F9), on an in-process cluster
 * with a fake clock: local-path's helper pods and their timing, what
 * happens while no provisioner pod runs, a failing setup script, and the
 * log line formats.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { klogLine, logrusLine } from '../../../sandbox/providers/sim/controllers/provisioners/log-format.ts';
import { parseLocalPathConfig } from '../../../sandbox/providers/sim/controllers/provisioners/local-path.ts';
import { pvc as pvcFixture } from './fixtures.ts';
import { csiRbdClass, secretOf, storageCluster, withKubelet, manifest } from './harness.ts';

const onNode = (name: string, node: string) => manifest(pvcFixture(name, { className: 'standard', annotations: { 'volume.kubernetes.io/selected-node': node } }));
const helperPods = (c: ReturnType<typeof storageCluster>) => (c.api.list(resources.pods, 'local-path-storage').items as any[]).filter((p) => p.metadata.name.startsWith('helper-pod-'));
const provisionerPods = (c: ReturnType<typeof storageCluster>) =>
  (c.api.list(resources.pods, 'local-path-storage').items as any[]).filter((p) => p.metadata.name.startsWith('local-path-provisioner-') && !p.metadata.deletionTimestamp);
const reasons = (evs: any[]) => evs.map((e) => `${e.type} ${e.reason}: ${e.message}`);

describe('local-path provisioning through helper pods (fake clock)', () => {
  it('a helper pod made from helperPod.yaml runs the setup script on the chosen node; the volume is ready ~3 s after Creating', async () => {
    using c = storageCluster(withKubelet, { provisionLatency: true });
    await c.settled();
    c.apply(onNode('lp-claim', 'lab-worker'));
    await c.settled();
    const claim = c.get('pvc', 'lp-claim');
    const pvName = `pvc-${claim.metadata.uid}`;
    const [helper] = helperPods(c);
    expect(helper.metadata.name).toBe(`helper-pod-create-${pvName}`);
    const dir = `/var/local-path-provisioner/${pvName}_default_lp-claim`;
    expect(helper.spec).toMatchObject({
      nodeName: 'lab-worker',
      restartPolicy: 'Never',
      serviceAccountName: 'local-path-provisioner-service-account',
      priorityClassName: 'system-node-critical',
      tolerations: expect.arrayContaining([{ operator: 'Exists' }]),
    });
    expect(helper.spec.volumes).toEqual(
      expect.arrayContaining([
        { name: 'data', hostPath: { path: '/var/local-path-provisioner', type: 'DirectoryOrCreate' } },
        expect.objectContaining({ name: 'script', configMap: expect.objectContaining({ name: 'local-path-config', items: [{ key: 'setup', path: 'setup' }, { key: 'teardown', path: 'teardown' }] }) }),
      ]),
    );
    const container = helper.spec.containers[0];
    expect(container).toMatchObject({
      name: 'helper-pod',
      image: 'docker.io/kindest/local-path-helper:v20241212-8ac705d0',
      command: ['/bin/sh', '/script/setup'],
      args: ['-p', dir, '-s', '1073741824', '-m', 'Filesystem'],
    });
    expect(container.env).toEqual([
      { name: 'VOL_DIR', value: dir },
      { name: 'VOL_MODE', value: 'Filesystem' },
      { name: 'VOL_SIZE_BYTES', value: '1073741824' },
    ]);
    // The script made the directory on lab-worker's tree, but the provisioner has not seen the pod finish yet.
    await c.advance(2000);
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker', dir))).toBe(true);
    expect(c.get('pvc', 'lp-claim').status.phase).toBe('Pending');
    await c.advance(1000);
    expect(c.get('pvc', 'lp-claim').status.phase).toBe('Bound');
    await c.advance(1000);
    expect(helperPods(c)).toEqual([]);

    // Delete runs helper-pod-delete-… with the teardown script, then the PV goes.
    c.api.delete(resources.persistentvolumeclaims, 'default', 'lp-claim');
    await c.settled();
    expect(helperPods(c).map((p) => `${p.metadata.name} ${p.spec.containers[0].command.join(' ')}`)).toEqual([`helper-pod-delete-${pvName} /bin/sh /script/teardown`]);
    await c.advance(4000);
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker', dir))).toBe(false);
    expect(c.get('pv', pvName)).toBeUndefined();
    expect(helperPods(c)).toEqual([]);
  });

  it('a setup script that fails leaves the claim Pending until cmdTimeoutSeconds, then ProvisioningFailed; the helper pod is removed and the call retried', async () => {
    using c = storageCluster(withKubelet);
    const cm = c.api.get(resources.configmaps, 'local-path-storage', 'local-path-config') as any;
    cm.data.setup = '#!/bin/sh\necho "no space here" >&2\nexit 1\n';
    cm.data['config.json'] = JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/var/local-path-provisioner'] }], cmdTimeoutSeconds: 5 });
    c.api.update(resources.configmaps, 'local-path-storage', 'local-path-config', cm);
    await c.settled();
    c.apply(onNode('doomed', 'lab-worker2'));
    await c.advance(3000);
    const pvName = `pvc-${c.get('pvc', 'doomed').metadata.uid}`;
    expect(helperPods(c).map((p) => [p.metadata.name, p.status.phase])).toEqual([[`helper-pod-create-${pvName}`, 'Failed']]);
    const failedUid = helperPods(c)[0].metadata.uid;
    expect(c.get('pvc', 'doomed').status.phase).toBe('Pending');
    await c.advance(3000);
    expect(reasons(c.events('doomed'))).toContain(
      `Warning ProvisioningFailed: failed to provision volume with StorageClass "standard": failed to create volume ${pvName}: create process timeout after 5 seconds`,
    );
    // The failed helper pod is deleted; the retry (after the lib's backoff) starts a new one.
    await c.advance(1000);
    expect(helperPods(c).map((p) => p.metadata.uid)).not.toContain(failedUid);
    expect(c.get('pvc', 'doomed').status.phase).toBe('Pending');
  });
});

describe('provisioning needs a running provisioner pod (fake clock)', () => {
  it('with the provisioner pod gone a claim gets only ExternalProvisioning; its replacement provisions it and signs the events', async () => {
    using c = storageCluster([...withKubelet, 'replicaset-controller', 'scheduler']);
    await c.settled();
    const [first] = provisionerPods(c);
    // Scale the provisioner's ReplicaSet to 0 (what `kubectl scale deploy/local-path-provisioner --replicas=0` ends in).
    const rs = (c.api.list(resources.replicasets, 'local-path-storage').items as any[])[0];
    rs.spec.replicas = 0;
    c.api.update(resources.replicasets, 'local-path-storage', rs.metadata.name, rs);
    await c.advance(35_000);
    expect(provisionerPods(c)).toEqual([]);
    c.apply(onNode('waits', 'lab-worker'));
    await c.advance(20_000);
    expect(c.get('pvc', 'waits').status.phase).toBe('Pending');
    expect(new Set(c.events('waits').map((e) => e.reason))).toEqual(new Set(['ExternalProvisioning']));
    expect(helperPods(c)).toEqual([]);

    const back = c.api.get(resources.replicasets, 'local-path-storage', rs.metadata.name) as any;
    back.spec.replicas = 1;
    c.api.update(resources.replicasets, 'local-path-storage', rs.metadata.name, back);
    await c.advance(6000);
    expect(c.get('pvc', 'waits').status.phase).toBe('Bound');
    const [second] = provisionerPods(c);
    expect(second.metadata.name).not.toBe(first.metadata.name);
    const prov = c.events('waits').find((e) => e.reason === 'Provisioning');
    expect(prov.source.component).toMatch(new RegExp(`^rancher\\.io/local-path_${second.metadata.name}_[0-9a-f-]{36}$`));
  });
});

describe('ceph-csi resizes only while its csi-resizer container runs (fake clock)', () => {
  it('a raised request waits while the provisioner pod is gone and is resized when it is back', async () => {
    using c = storageCluster([...withKubelet, 'replicaset-controller', 'scheduler']);
    c.apply(secretOf('csi-rbd-secret', { userID: 'admin', userKey: c.storage.ceph.getKey('client.admin') }));
    c.apply(csiRbdClass());
    c.apply(manifest(pvcFixture('grow', { className: 'csi-rbd-sc' })));
    await c.advance(3000);
    const pvName = c.get('pvc', 'grow').spec.volumeName;
    expect(pvName).toMatch(/^pvc-/);
    const image = c.get('pv', pvName).spec.csi.volumeAttributes.imageName;
    const rs = (c.api.list(resources.replicasets, 'ceph-csi-rbd').items as any[]).find((r) => r.metadata.name.startsWith('csi-rbdplugin-provisioner-'));
    const scale = (n: number) => {
      const cur = c.api.get(resources.replicasets, 'ceph-csi-rbd', rs.metadata.name) as any;
      cur.spec.replicas = n;
      c.api.update(resources.replicasets, 'ceph-csi-rbd', rs.metadata.name, cur);
    };
    scale(0);
    await c.advance(35_000);
    expect((c.api.list(resources.pods, 'ceph-csi-rbd').items as any[]).filter((p) => p.metadata.name.startsWith('csi-rbdplugin-provisioner-'))).toEqual([]);
    c.api.patch(resources.persistentvolumeclaims, 'default', 'grow', 'merge', { spec: { resources: { requests: { storage: '2Gi' } } } });
    await c.advance(20_000);
    expect(c.storage.ceph.image('rbd', image)?.sizeBytes).toBe(2 ** 30);
    expect(c.events('grow').map((e) => e.reason)).not.toContain('Resizing');
    scale(1);
    await c.advance(5000);
    expect(c.storage.ceph.image('rbd', image)?.sizeBytes).toBe(2 * 2 ** 30);
    expect(c.events('grow').map((e) => e.reason)).toContain('Resizing');
  });
});

describe('provisioner log lines', () => {
  const t = new Date(Date.UTC(2026, 10, 25, 20, 14, 10, 123));
  it('klog: severity, mmdd, time to the microsecond, thread id right-aligned in 7, file:line', () => {
    // The last three digits of the microseconds come from the process clock (a Date holds milliseconds).
    expect(klogLine(t, 'I', 'controller.go:1366', 'provision "default/lp-claim" class "standard": started')).toMatch(
      /^I1125 20:14:10\.123\d{3}       1 controller\.go:1366\] provision "default\/lp-claim" class "standard": started$/,
    );
  });
  it('logrus: time to the second, level, msg quoted as Go quotes it', () => {
    expect(logrusLine(t, 'debug', 'Applied config: {"nodePathMap":[]}')).toBe('time="2026-11-25T20:14:10Z" level=debug msg="Applied config: {\\"nodePathMap\\":[]}"');
  });
  it('the applied config is json.Marshal of ConfigData: empty fields left out, whatever the input spacing', () => {
    const cfg = parseLocalPathConfig('{\n "nodePathMap":[ {"node":"DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths":["/var/local-path-provisioner"]}, {"node":"lab-worker2","paths":["/data2"]} ]\n}');
    expect(cfg.applied).toBe('{"nodePathMap":[{"node":"DEFAULT_PATH_FOR_NON_LISTED_NODES","paths":["/var/local-path-provisioner"]},{"node":"lab-worker2","paths":["/data2"]}]}');
    expect(cfg.cmdTimeoutSeconds).toBe(120);
  });
});
