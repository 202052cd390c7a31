import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { kubeletCluster, busyboxPod } from './harness.ts';
import { resources } from '../../../sandbox/providers/sim/controllers/manager/resources.ts';
import { powerOff, powerOn } from '../../../sandbox/providers/sim/controllers/node-lifecycle/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const reasons = (c: ReturnType<typeof kubeletCluster>, pod: string) => c.events(pod).map((e: any) => e.reason);
const messages = (c: ReturnType<typeof kubeletCluster>, pod: string) => c.events(pod).map((e: any) => `${e.reason}: ${e.message}`);

describe('kubelet: pod lifecycle', () => {
  it('hands out pod IPs round-robin like host-local IPAM: a freed address is not reused at once', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('ip1', 'sleep 3600', {}, { nodeName: 'lab-worker' }));
    await c.advance(2000);
    const first = c.pod('ip1').status.podIP as string;
    expect(first).toMatch(/^10\.244\.1\.\d+$/);
    c.api.delete(resources.pods, 'default', 'ip1', { gracePeriodSeconds: 0 });
    await c.advance(2000);
    expect(c.api.store.get(resources.pods.storage, 'default', 'ip1')).toBeUndefined();
    c.apply(busyboxPod('ip2', 'sleep 3600', {}, { nodeName: 'lab-worker' }));
    await c.advance(2000);
    const second = c.pod('ip2').status.podIP as string;
    expect(Number(second.split('.')[3])).toBe(Number(first.split('.')[3]) + 1);
  });
  it('runs a busybox pod: Running status as a kubelet writes it, events, logs', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('p1', 'echo hello world; sleep 3600'));
    await c.advance(2000);
    const p = c.pod('p1');
    expect(p.status.phase).toBe('Running');
    expect(p.status.conditions.map((x: any) => `${x.type}=${x.status}`)).toEqual(['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const cs = p.status.containerStatuses[0];
    expect(cs.state.running.startedAt).toMatch(/Z$/);
    expect(cs.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(cs.image).toBe('docker.io/library/busybox:1.36');
    expect(cs).toMatchObject({ ready: true, started: true, restartCount: 0 });
    expect(p.status.podIP).toMatch(/^10\.244\.[12]\.\d+$/);
    expect(p.status.hostIP).toMatch(/^172\.18\.0\.[34]$/);
    expect(messages(c, 'p1')).toEqual(
      expect.arrayContaining([
        'Pulling: Pulling image "busybox:1.36"',
        expect.stringMatching(/^Pulled: Successfully pulled image "busybox:1.36" in \d+ms \(\d+ms including waiting\)\. Image size: \d+ bytes\.$/),
        'Created: Created container: main',
        'Started: Started container main',
      ]),
    );
    expect(await c.logs('p1')).toBe('hello world\n');
    // The second pod on the same node finds the image there.
    c.apply(busyboxPod('p2', 'sleep 3600', {}, { nodeName: p.spec.nodeName }));
    await c.advance(1000);
    expect(messages(c, 'p2')).toContain('Pulled: Container image "busybox:1.36" already present on machine');
  });

  it('the article producer/consumer: the consumer reads "hello world"; the emptyDir is on the node while the pod lives and gone after', async () => {
    using c = kubeletCluster();
    const manifest = readFileSync('lessons/01-emptydir/manifests/producer-consumer.yaml', 'utf8');
    const { parse } = await import('yaml');
    c.apply({ ...parse(manifest), metadata: { name: 'producer-consumer', namespace: 'default' } } as KObject);
    await c.advance(4000);
    expect(await c.logs('producer-consumer', { container: 'consumer' })).toBe('hello world\n');
    const p = c.pod('producer-consumer');
    const dir = c.storage.dataRoot.nodePath(p.spec.nodeName, `/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~empty-dir/shared-volume`);
    expect(readFileSync(`${dir}/hello`, 'utf8')).toBe('hello world\n');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(`${dir}/../..`).sort()).toEqual(['kubernetes.io~empty-dir', 'kubernetes.io~projected']);
    c.api.delete(resources.pods, 'default', 'producer-consumer');
    await c.advance(1000);
    // sleep as PID 1 ignores SIGTERM: still Terminating until the 5 s grace period ends.
    expect(c.pod('producer-consumer')).toBeDefined();
    expect(reasons(c, 'producer-consumer').filter((r) => r === 'Killing')).toHaveLength(2);
    expect(existsSync(dir)).toBe(true);
    await c.advance(5000);
    expect(c.pod('producer-consumer')).toBeUndefined();
    expect(existsSync(dir)).toBe(false);
  });

  it('two containers of one image: started one after another, the second finds the image present; container events carry their fieldPath', async () => {
    using c = kubeletCluster();
    const manifest = readFileSync('lessons/01-emptydir/manifests/producer-consumer.yaml', 'utf8');
    const { parse } = await import('yaml');
    c.apply({ ...parse(manifest), metadata: { name: 'producer-consumer', namespace: 'default' } } as KObject);
    await c.advance(4000);
    const evs = c.api
      .list(resources.events, 'default')
      .items.filter((e: any) => e.involvedObject?.name === 'producer-consumer' && e.source?.component === 'kubelet')
      .sort((a: any, b: any) => a.metadata.name.localeCompare(b.metadata.name))
      .map((e: any) => `${e.involvedObject.fieldPath ?? '-'} ${e.reason} x${e.count}: ${e.message}`);
    expect(evs).toEqual([
      'spec.containers{producer} Pulling x1: Pulling image "busybox:1.36"',
      expect.stringMatching(/^spec\.containers\{producer\} Pulled x1: Successfully pulled image "busybox:1\.36" in /),
      'spec.containers{producer} Created x1: Created container: producer',
      'spec.containers{producer} Started x1: Started container producer',
      'spec.containers{consumer} Pulled x1: Container image "busybox:1.36" already present on machine',
      'spec.containers{consumer} Created x1: Created container: consumer',
      'spec.containers{consumer} Started x1: Started container consumer',
    ]);
  });

  it('init container events carry spec.initContainers{name}', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('withinit', 'sleep 3600', {}, { initContainers: [{ name: 'setup', image: 'busybox:1.36', command: ['true'] }] }));
    await c.advance(4000);
    const paths = c.events('withinit').filter((e: any) => e.reason === 'Started').map((e: any) => e.involvedObject.fieldPath);
    expect(paths).toEqual(['spec.initContainers{setup}', 'spec.containers{main}']);
  });

  it('a crashing command restarts with CrashLoopBackOff back-off (10 s, 20 s …) and logs --previous', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('crash', 'echo boom; exit 3'));
    await c.advance(2000);
    let cs = c.pod('crash').status.containerStatuses[0];
    expect(cs.restartCount).toBe(1);
    expect(cs.state.waiting).toMatchObject({ reason: 'CrashLoopBackOff' });
    expect(cs.state.waiting.message).toMatch(/^back-off 10s restarting failed container=main pod=crash_default\(/);
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(c.pod('crash').status.phase).toBe('Running');
    expect(messages(c, 'crash')).toContainEqual(expect.stringMatching(/^BackOff: Back-off restarting failed container main in pod crash_default\(/));
    await c.advance(11_000);
    cs = c.pod('crash').status.containerStatuses[0];
    expect(cs.restartCount).toBe(2);
    expect(cs.state.waiting.message).toMatch(/^back-off 20s/);
    expect(await c.logs('crash', { previous: true })).toBe('boom\n');
    // The kubelet's CRI log files on the node: one per run.
    const p = c.pod('crash');
    const logDir = c.storage.dataRoot.nodePath(p.spec.nodeName, `/var/log/pods/default_crash_${p.metadata.uid}/main`);
    expect(readFileSync(`${logDir}/0.log`, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z stdout F boom\n$/);
    expect(existsSync(`${logDir}/1.log`)).toBe(true);
  });

  it('Job-style pods end Succeeded or Failed with restartPolicy Never', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('ok', 'echo done', {}, { restartPolicy: 'Never' }));
    c.apply(busyboxPod('bad', 'exit 1', {}, { restartPolicy: 'Never' }));
    await c.advance(2000);
    expect(c.pod('ok').status.phase).toBe('Succeeded');
    expect(c.pod('ok').status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(c.pod('bad').status.phase).toBe('Failed');
    expect(c.pod('bad').status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(c.pod('bad').status.conditions.find((x: any) => x.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('init containers run first, to completion', async () => {
    using c = kubeletCluster();
    const pod = busyboxPod('init', 'cat /work/msg; sleep 3600', { volumeMounts: [{ name: 'w', mountPath: '/work' }] }, {
      initContainers: [{ name: 'setup', image: 'busybox:1.36', command: ['sh', '-c', 'echo prepared > /work/msg'], volumeMounts: [{ name: 'w', mountPath: '/work' }] }],
      volumes: [{ name: 'w', emptyDir: {} }],
    });
    c.apply(pod);
    await c.advance(3000);
    const p = c.pod('init');
    expect(p.status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(p.status.phase).toBe('Running');
    expect(await c.logs('init')).toBe('prepared\n');
  });

  it('an image outside the catalogue: ErrImagePull, then ImagePullBackOff, naming the images it can run', async () => {
    using c = kubeletCluster();
    c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'img', namespace: 'default' }, spec: { containers: [{ name: 'x', image: 'postgres:16' }] } } as KObject);
    await c.advance(1500);
    let w = c.pod('img').status.containerStatuses[0].state.waiting;
    expect(w.reason).toBe('ErrImagePull');
    expect(w.message).toContain('pull access denied');
    expect(w.message).toContain('busybox');
    await c.advance(3000);
    w = c.pod('img').status.containerStatuses[0].state.waiting;
    expect(w.reason).toBe('ImagePullBackOff');
    expect(w.message).toMatch(/^Back-off pulling image "postgres:16": ErrImagePull: /);
    expect(c.pod('img').status.phase).toBe('Pending');
  });

  it('exec runs in the container with its volumes; refused for a container that is not running', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('ex', 'sleep 3600', { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }, { volumes: [{ name: 'cache', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }] }));
    await c.advance(2000);
    const r = await c.exec('ex', ['sh', '-c', 'echo hi > /cache/f && cat /cache/f && mount | grep /cache && exit 7']);
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('hi\n');
    expect(r.stdout).toContain('tmpfs on /cache type tmpfs (rw,relatime,size=65536k)');
    c.apply(busyboxPod('done', 'true', {}, { restartPolicy: 'Never' }));
    await c.advance(2000);
    expect(() => c.runtime.exec(c.pod('done'), 'main', ['ls'], { stdin: false, tty: false, stdout: () => {}, stderr: () => {}, signal: new AbortController().signal })).toThrow(/container not found \("main"\)/);
  });

  it('logs -f follows new lines; exec -t gives the busybox prompt over a tty', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('ticker', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'));
    await c.advance(2500);
    const ac = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const l of c.runtime.logs(c.pod('ticker'), 'main', { follow: true, previous: false, tailLines: 1, signal: ac.signal })) {
        seen.push(l.text);
        if (seen.length === 3) ac.abort();
      }
    })();
    await c.advance(3000);
    await reading;
    expect(seen).toHaveLength(3);
    const n = Number(seen[0]!.split(' ')[1]);
    expect(seen).toEqual([`tick ${n}`, `tick ${n + 1}`, `tick ${n + 2}`]);

    let out = '';
    const proc = c.runtime.exec(c.pod('ticker'), 'main', ['sh'], { stdin: true, tty: true, stdout: (d) => (out += Buffer.from(d).toString()), stderr: () => {}, signal: new AbortController().signal });
    proc.write(Buffer.from('echo $((6*7))\r'));
    for (let i = 0; i < 50 && !out.includes('42'); i++) await new Promise((r) => setImmediate(r));
    proc.write(Buffer.from('exit 5\r'));
    expect(await proc.exited).toBe(5);
    expect(out).toMatch(/^\/ # echo \$\(\(6\*7\)\)\r\n42\r\n\/ # /);
  });

  it('a new image on a running pod restarts its container', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('img2', 'sleep 3600', {}, { terminationGracePeriodSeconds: 2 }));
    await c.advance(2000);
    const p = c.pod('img2');
    p.spec.containers[0].image = 'busybox:1.37';
    c.api.update(resources.pods, 'default', 'img2', p);
    await c.advance(4000);
    const cs = c.pod('img2').status.containerStatuses[0];
    expect(messages(c, 'img2')).toContain('Killing: Container main definition changed, will be restarted');
    expect(cs).toMatchObject({ restartCount: 1, image: 'docker.io/library/busybox:1.37' });
    expect(cs.state.running).toBeDefined();
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('a powered-off node runs nothing and writes nothing; on power on deleted pods go and the others restart', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('a', 'echo up; sleep 3600', {}, { nodeName: 'lab-worker', terminationGracePeriodSeconds: 1 }));
    c.apply(busyboxPod('b', 'sleep 3600', {}, { nodeName: 'lab-worker', terminationGracePeriodSeconds: 1 }));
    await c.advance(2000);
    const rv = c.pod('a').metadata.resourceVersion;
    powerOff(c.manager, 'lab-worker');
    await c.advance(1000);
    expect(c.kubelets.record(c.pod('a').metadata.uid)!.slots[0]!.current!.process!.running).toBe(false);
    expect(c.pod('a').metadata.resourceVersion).toBe(rv);
    c.api.delete(resources.pods, 'default', 'b');
    await c.advance(5000);
    expect(c.pod('b')?.metadata.deletionTimestamp).toBeDefined();
    powerOn(c.manager, 'lab-worker');
    await c.advance(3000);
    expect(c.pod('b')).toBeUndefined();
    const cs = c.pod('a').status.containerStatuses[0];
    expect(cs.restartCount).toBe(1);
    expect(cs.lastState.terminated).toMatchObject({ exitCode: 255, reason: 'Unknown' });
    expect(cs.state.running).toBeDefined();
  });

  it('on power on, pods bound to the node before it went off and never started are synced too: deleted ones go, the others run', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('late', 'sleep 3600', {}, { nodeName: 'lab-worker', terminationGracePeriodSeconds: 1 }));
    c.apply(busyboxPod('gone', 'sleep 3600', {}, { nodeName: 'lab-worker', terminationGracePeriodSeconds: 1 }));
    // Power is cut before the kubelet's pod workers ever see the two pods.
    powerOff(c.manager, 'lab-worker');
    await c.advance(2000);
    expect(c.pod('late').status.phase).toBe('Pending');
    c.api.delete(resources.pods, 'default', 'gone');
    await c.advance(5000);
    expect(c.pod('gone')?.metadata.deletionTimestamp).toBeDefined();
    powerOn(c.manager, 'lab-worker');
    await c.advance(3000);
    expect(c.pod('gone')).toBeUndefined();
    expect(c.pod('late').status.phase).toBe('Running');
  });
});

describe('kubelet: volumes', () => {
  it('hostPath type checks give the kubelet FailedMount wording; DirectoryOrCreate creates the node directory', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('hp', 'sleep 3600', { volumeMounts: [{ name: 'x', mountPath: '/x' }] }, { volumes: [{ name: 'x', hostPath: { path: '/nope', type: 'Directory' } }] }));
    c.apply(busyboxPod('hp2', 'echo data > /d/f; sleep 3600', { volumeMounts: [{ name: 'd', mountPath: '/d' }] }, { nodeName: 'lab-worker2', volumes: [{ name: 'd', hostPath: { path: '/tmp/mysql', type: 'DirectoryOrCreate' } }] }));
    await c.advance(2000);
    expect(messages(c, 'hp')).toContain('FailedMount: MountVolume.SetUp failed for volume "x" : hostPath type check failed: /nope is not a directory');
    expect(c.pod('hp').status.containerStatuses[0].state.waiting.reason).toBe('ContainerCreating');
    expect(c.pod('hp').status.conditions[0]).toMatchObject({ type: 'PodReadyToStartContainers', status: 'False' });
    expect(readFileSync(c.storage.dataRoot.nodePath('lab-worker2', '/tmp/mysql/f'), 'utf8')).toBe('data\n');
  });

  it('emptyDir medium Memory: a tmpfs of min(sizeLimit, memory limit) that refuses writes beyond it', async () => {
    using c = kubeletCluster();
    const { parse } = await import('yaml');
    c.apply({ ...parse(readFileSync('lessons/01-emptydir/manifests/ram-cache.yaml', 'utf8')), metadata: { name: 'ram-cache', namespace: 'default' } } as KObject);
    c.apply(busyboxPod('small', 'sleep 3600', { resources: { limits: { memory: '1Mi' } }, volumeMounts: [{ name: 'm', mountPath: '/m' }] }, { volumes: [{ name: 'm', emptyDir: { medium: 'Memory' } }] }));
    await c.advance(2000);
    expect((await c.exec('ram-cache', ['df', '-h', '/cache'])).stdout).toMatch(/tmpfs\s+64\.0M\s+0\s+64\.0M\s+0% \/cache/);
    const r = await c.exec('small', ['sh', '-c', 'dd if=/dev/zero of=/m/big bs=512k count=4']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('No space left on device');
  });

  it('a disk emptyDir over its sizeLimit gets the pod evicted with the kubelet message', async () => {
    using c = kubeletCluster();
    c.apply(busyboxPod('filler', 'sleep 3600', { volumeMounts: [{ name: 'cache', mountPath: '/cache' }] }, { volumes: [{ name: 'cache', emptyDir: { sizeLimit: '1Mi' } }] }));
    await c.advance(2000);
    const p = c.pod('filler');
    const dir = c.storage.dataRoot.nodePath(p.spec.nodeName, `/var/lib/kubelet/pods/${p.metadata.uid}/volumes/kubernetes.io~empty-dir/cache`);
    const r = await c.exec('filler', ['sh', '-c', 'dd if=/dev/zero of=/cache/big bs=1024k count=2']);
    expect(r.code).toBe(0);
    await c.advance(11_000);
    const after = c.pod('filler');
    expect(after.status).toMatchObject({ phase: 'Failed', reason: 'Evicted', message: 'Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ' });
    expect(messages(c, 'filler')).toContain('Evicted: Usage of EmptyDir volume "cache" exceeds the limit "1Mi". ');
    expect(existsSync(dir)).toBe(false);
  });

  it('configMap, secret and the service-account projected volume are files', async () => {
    using c = kubeletCluster();
    c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { 'app.conf': 'mode=lab\n' } } as KObject);
    c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sec', namespace: 'default' }, data: { password: Buffer.from('s3cret').toString('base64') } } as KObject);
    c.apply(busyboxPod('files', 'sleep 3600', { volumeMounts: [{ name: 'c', mountPath: '/etc/app' }, { name: 's', mountPath: '/etc/sec' }] }, { volumes: [{ name: 'c', configMap: { name: 'cfg' } }, { name: 's', secret: { secretName: 'sec' } }] }));
    c.apply(busyboxPod('missing', 'sleep 3600', { volumeMounts: [{ name: 'c', mountPath: '/etc/app' }] }, { volumes: [{ name: 'c', configMap: { name: 'nope' } }] }));
    await c.advance(2000);
    const r = await c.exec('files', ['sh', '-c', 'cat /etc/app/app.conf /etc/sec/password; echo; cat /var/run/secrets/kubernetes.io/serviceaccount/namespace; echo; ls /var/run/secrets/kubernetes.io/serviceaccount; echo x > /etc/app/new']);
    expect(r.stdout).toBe('mode=lab\ns3cret\ndefault\nca.crt\nnamespace\ntoken\n');
    expect(r.stderr).toContain('Read-only file system');
    expect(messages(c, 'missing')).toContain('FailedMount: MountVolume.SetUp failed for volume "c" : configmap "nope" not found');
  });

  it('a pod that names its node, on a claim that is missing or not bound, gets the volume manager\'s FailedMount with its three volume lists', async () => {
    using c = kubeletCluster();
    c.apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'waiting', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'nothing', resources: { requests: { storage: '1Gi' } } } } as KObject);
    c.apply(busyboxPod('unbound', 'sleep 3600', { volumeMounts: [{ name: 'data', mountPath: '/d' }] }, { nodeName: 'lab-worker', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'waiting' } }] }));
    c.apply(busyboxPod('noclaim', 'sleep 3600', { volumeMounts: [{ name: 'data', mountPath: '/d' }] }, { nodeName: 'lab-worker', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'nope' } }] }));
    await c.advance(3000);
    expect(messages(c, 'unbound')).toContain('FailedMount: Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/waiting: PVC is not bound');
    expect(messages(c, 'noclaim')).toContain('FailedMount: Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/nope: PVC default/nope not found');
  });

  it('a local PV whose path is missing on the node gives the NewMounter error', async () => {
    using c = kubeletCluster();
    c.apply({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'local-pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'local-storage', local: { path: '/mnt/disks/vol1' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['lab-worker'] }] }] } } } } as KObject);
    c.apply({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'local-pvc', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local-storage', resources: { requests: { storage: '1Gi' } } } } as KObject);
    c.apply(busyboxPod('lp', 'sleep 3600', { volumeMounts: [{ name: 'd', mountPath: '/d' }] }, { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'local-pvc' } }] }));
    await c.advance(3000);
    expect(messages(c, 'lp')).toContain('FailedMount: MountVolume.NewMounter initialization failed for volume "local-pv" : path "/mnt/disks/vol1" does not exist');
    c.storage.dataRoot.ensureNodeDir('lab-worker', '/mnt/disks/vol1');
    await c.advance(5000);
    expect(c.pod('lp').status.phase).toBe('Running');
  });

  it('NFS: a wrong path fails with mount.nfs output; a stopped server hangs the mount for 2 minutes, then Connection timed out', async () => {
    const { nfsServerFor } = await import('../../../sandbox/providers/sim/nfs/index.ts');
    using c = kubeletCluster();
    c.apply(busyboxPod('bad', 'sleep 3600', { volumeMounts: [{ name: 'n', mountPath: '/n' }] }, { volumes: [{ name: 'n', nfs: { server: 'nfs', path: '/exports/nope' } }] }));
    await c.advance(1000);
    const uid = c.pod('bad').metadata.uid;
    expect(c.events('bad').find((e: any) => e.reason === 'FailedMount').message).toBe(
      `MountVolume.SetUp failed for volume "n" : mount failed: exit status 32\nMounting command: mount\nMounting arguments: -t nfs nfs:/exports/nope /var/lib/kubelet/pods/${uid}/volumes/kubernetes.io~nfs/n\nOutput: mount.nfs: access denied by server while mounting nfs:/exports/nope`,
    );
    const nfs = nfsServerFor(c.storage.dataRoot);
    nfs.stop();
    c.apply(busyboxPod('hang', 'sleep 3600', { volumeMounts: [{ name: 'n', mountPath: '/n' }] }, { volumes: [{ name: 'n', nfs: { server: 'nfs', path: '/exports/data' } }] }));
    await c.advance(60_000, 5000);
    expect(reasons(c, 'hang')).not.toContain('FailedMount');
    expect(c.pod('hang').status.containerStatuses[0].state.waiting.reason).toBe('ContainerCreating');
    await c.advance(65_000, 5000);
    expect(c.events('hang').find((e: any) => e.reason === 'FailedMount').message).toMatch(/Output: mount\.nfs: Connection timed out$/);
    nfs.start();
    await c.advance(3000);
    expect(c.pod('hang').status.phase).toBe('Running');
    const r = await c.exec('hang', ['sh', '-c', 'echo shared > /n/f; mount | grep /n']);
    expect(r.stdout).toContain('nfs:/exports/data on /n type nfs4');
    expect(readFileSync(c.storage.dataRoot.nfsPath('/exports/data/f'), 'utf8')).toBe('shared\n');
  });

  it('a node\'s /var/lib/kubelet lists what a kind node\'s does (QA F12), with kind\'s kubelet config and kubeadm flags', async () => {
    using c = kubeletCluster();
    await c.settled();
    const { readdirSync } = await import('node:fs');
    const dir = c.storage.dataRoot.nodePath('lab-worker', '/var/lib/kubelet');
    expect(readdirSync(dir).sort()).toEqual(['checkpoints', 'config.yaml', 'cpu_manager_state', 'device-plugins', 'kubeadm-flags.env', 'memory_manager_state', 'pki', 'plugins', 'plugins_registry', 'pod-resources', 'pods']);
    expect(readFileSync(`${dir}/config.yaml`, 'utf8')).toContain('kind: KubeletConfiguration\n');
    expect(readFileSync(`${dir}/kubeadm-flags.env`, 'utf8')).toMatch(/--node-ip=172\.18\.0\.\d+ .*--provider-id=kind:\/\/docker\/lab\/lab-worker"/);
  });

  it('debug node: a hostPath / pod sees the node tree at /host, including another pod\'s emptyDir and NFS mount', async () => {
    using c = kubeletCluster();
    c.storage.dataRoot.ensureNfsDir('/exports/data');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(c.storage.dataRoot.nfsPath('/exports/data/on-nfs'), 'x');
    c.apply(busyboxPod('app', 'echo hi > /e/f; sleep 3600', { volumeMounts: [{ name: 'e', mountPath: '/e' }, { name: 'n', mountPath: '/n' }] }, { nodeName: 'lab-worker', volumes: [{ name: 'e', emptyDir: {} }, { name: 'n', nfs: { server: 'nfs', path: '/exports/data' } }] }));
    await c.advance(2000);
    const uid = c.pod('app').metadata.uid;
    c.apply(busyboxPod('node-debugger', 'sleep 3600', { volumeMounts: [{ name: 'host-root', mountPath: '/host' }] }, { nodeName: 'lab-worker', hostNetwork: true, volumes: [{ name: 'host-root', hostPath: { path: '/', type: '' } }] }));
    await c.advance(2000);
    const r = await c.exec('node-debugger', ['sh', '-c', `cat /host/var/lib/kubelet/pods/${uid}/volumes/kubernetes.io~empty-dir/e/f; ls /host/var/lib/kubelet/pods/${uid}/volumes/kubernetes.io~nfs/n; hostname`]);
    expect(r.stdout).toBe('hi\non-nfs\nlab-worker\n');
    const top = await c.exec('node-debugger', ['sh', '-c', 'ls /host; cat /host/etc/hostname']);
    expect(top.stdout).toBe('etc\nhome\nlib\nmnt\nopt\nroot\nrun\nsrv\ntmp\nusr\nvar\nlab-worker\n');
  });
});
