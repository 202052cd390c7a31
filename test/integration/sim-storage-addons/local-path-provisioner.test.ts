/**
 * The local-path provisioner runs as a pod (issue 6 F6/F9), driven through
 * real kubectl 1.33 on a simulated cluster: lesson 6's commands find the
 * pod and its log, provisioning goes through a helper pod on the chosen
 * node, a custom setup script is what runs, and scaling the provisioner to
 * 0 leaves a new claim Pending as on a real cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { SimHarness, skipNote, waitFor, type TestCluster } from '../sim/harness.ts';

const lesson = (f: string) => readFileSync(`lessons/06-local-path/manifests/${f}`, 'utf8');
const skip = skipNote(33);

describe.skipIf(skip)('local-path-provisioner as a pod (kubectl 1.33)', () => {
  let h: SimHarness;
  beforeAll(() => {
    h = new SimHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const jsonOf = async (c: TestCluster, args: string[]) => {
    const r = await c.kubectl([...args, '-o', 'json']);
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  };
  const phase = async (c: TestCluster, claim: string) => (await jsonOf(c, ['get', 'pvc', claim])).status?.phase;

  it('lesson 6: the provisioner pod is Running on lab-control-plane, and its log tells the claim\'s story as it happens', async () => {
    const c = await h.cluster();
    const pods = await c.kubectl(['-n', 'local-path-storage', 'get', 'pods', '-o', 'wide']);
    expect(pods.stdout).toMatch(/^local-path-provisioner-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.\d+\s+lab-control-plane\s/m);
    const podName = /^(local-path-provisioner-\S+)/m.exec(pods.stdout)![1]!;
    const start = await c.kubectl(['-n', 'local-path-storage', 'logs', 'deploy/local-path-provisioner']);
    expect(start.code).toBe(0);
    const startLines = start.stdout.trimEnd().split('\n');
    expect(startLines[0]).toContain('kslab');
    expect(startLines).toContainEqual(
      expect.stringMatching(/^time="[^"]+" level=debug msg="Applied config: \{\\"nodePathMap\\":\[\{\\"node\\":\\"DEFAULT_PATH_FOR_NON_LISTED_NODES\\",\\"paths\\":\[\\"\/var\/local-path-provisioner\\"\]\}\]\}"$/),
    );
    expect(start.stdout).toMatch(new RegExp(`controller\\.go:\\d+\\] "Started provisioner controller" component="rancher\\.io/local-path_${podName}_[0-9a-f-]{36}"`));

    // Lesson 6's config: lab-worker2 → /data2. The provisioner applies it and says so.
    c.write('local-path-config.yaml', lesson('local-path-config.yaml'));
    expect((await c.kubectl(['apply', '-f', 'local-path-config.yaml'])).code).toBe(0);
    await waitFor(async () => (await c.kubectl(['-n', 'local-path-storage', 'logs', 'deploy/local-path-provisioner'])).stdout.includes('\\"node\\":\\"lab-worker2\\",\\"paths\\":[\\"/data2\\"]'), 10_000);

    // A watch on the namespace sees the helper pod come and go.
    const watch = c.spawnKubectl(['-n', 'local-path-storage', 'get', 'pods', '-w', '-o', 'name']);
    c.write('lp-claim.yaml', lesson('lp-claim.yaml'));
    c.write('lp-pod.yaml', lesson('lp-pod.yaml'));
    expect((await c.kubectl(['apply', '-f', 'lp-claim.yaml', '-f', 'lp-pod.yaml'])).code).toBe(0);
    await waitFor(async () => (await phase(c, 'lp-claim')) === 'Bound', 20_000, 200);
    const claim = await jsonOf(c, ['get', 'pvc', 'lp-claim']);
    const pv = claim.spec.volumeName as string;
    const dir = `/data2/${pv}_default_lp-claim`;
    const grep = await c.kubectl(['-n', 'local-path-storage', 'logs', 'deploy/local-path-provisioner']);
    const lines = grep.stdout.split('\n').filter((l) => l.includes('lp-claim'));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^time="[^"]+" level=info msg="Creating volume ${pv} at lab-worker2:${dir}"$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^time="[^"]+" level=info msg="Volume ${pv} has been created on lab-worker2:${dir}"$`)));
    // What lesson 6 shows for `| grep lp-claim`: the library's event lines around the provisioner's own two.
    expect(lines.map((l) => (l.startsWith('time=') ? /msg="(\w+)/.exec(l)![1] : /reason="(\w+)"/.exec(l)![1]))).toEqual(['Provisioning', 'Creating', 'Volume', 'ProvisioningSucceeded']);
    expect(grep.stdout).toContain(`msg="create the helper pod helper-pod-create-${pv} into local-path-storage"`);
    // The Creating line comes before the helper pod ran, the created line after it was gone.
    const all = grep.stdout.split('\n');
    expect(all.findIndex((l) => l.includes('Creating volume'))).toBeLessThan(all.findIndex((l) => l.includes('has been created')));

    // Events come from the pod that runs the provisioner.
    const events = await jsonOf(c, ['get', 'events', '--field-selector', 'involvedObject.name=lp-claim']);
    const provisioning = events.items.find((e: any) => e.reason === 'ProvisioningSucceeded');
    expect(provisioning.source.component).toMatch(new RegExp(`^rancher\\.io/local-path_${podName}_[0-9a-f-]{36}$`));

    // The helper pod ran on lab-worker2 and is gone.
    const helper = `helper-pod-create-${pv}`;
    await waitFor(async () => !(await c.kubectl(['-n', 'local-path-storage', 'get', 'pods', '-o', 'name'])).stdout.includes(helper), 10_000, 200);
    const watched = await watch.stop();
    expect(watched.stdout).toContain(`pod/${helper}`);
    const helperEvents = await jsonOf(c, ['-n', 'local-path-storage', 'get', 'events', '--field-selector', `involvedObject.name=${helper}`]);
    expect(helperEvents.items.map((e: any) => `${e.reason} ${e.source.host ?? ''}`)).toContain('Started lab-worker2');
    // lp-pod starts after the helper pod is gone; its file appears in the provisioned directory once it runs.
    await waitFor(async () => (await jsonOf(c, ['get', 'pod', 'lp-pod'])).status?.phase === 'Running', 30_000, 200);
    await waitFor(async () => existsSync(c.sim.storage.dataRoot.nodePath('lab-worker2', `${dir}/hello`)), 10_000, 100);

    // Lesson 6's delete: the log says Deleting …, the helper pod removes the directory, the PV goes.
    expect((await c.kubectl(['delete', 'pod', 'lp-pod'])).code).toBe(0);
    expect((await c.kubectl(['delete', 'pvc', 'lp-claim'])).code).toBe(0);
    await waitFor(async () => !(await c.kubectl(['get', 'pv', '-o', 'name'])).stdout.includes(pv), 20_000, 200);
    const after = (await c.kubectl(['-n', 'local-path-storage', 'logs', 'deploy/local-path-provisioner'])).stdout;
    expect(after).toMatch(new RegExp(`level=info msg="Deleting volume ${pv} at lab-worker2:${dir}"`));
    expect(after).toMatch(new RegExp(`level=info msg="Volume ${pv} has been deleted on lab-worker2:${dir}"`));
    expect(existsSync(c.sim.storage.dataRoot.nodePath('lab-worker2', dir))).toBe(false);
  }, 90_000);

  it('scaled to 0 the provisioner provisions nothing (ExternalProvisioning only); scaled back, the new pod binds the claim', async () => {
    const c = await h.cluster();
    expect((await c.kubectl(['-n', 'local-path-storage', 'scale', 'deploy/local-path-provisioner', '--replicas=0'])).code).toBe(0);
    await waitFor(async () => !(await c.kubectl(['-n', 'local-path-storage', 'get', 'pods', '-o', 'name'])).stdout.includes('local-path-provisioner-'), 20_000, 200);
    c.write('lp-claim.yaml', lesson('lp-claim.yaml'));
    c.write('lp-pod.yaml', lesson('lp-pod.yaml'));
    expect((await c.kubectl(['apply', '-f', 'lp-claim.yaml', '-f', 'lp-pod.yaml'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 4000));
    expect(await phase(c, 'lp-claim')).toBe('Pending');
    const described = (await c.kubectl(['describe', 'pvc', 'lp-claim'])).stdout;
    expect(described).toMatch(/ExternalProvisioning .*Waiting for a volume to be created either by the external provisioner 'rancher\.io\/local-path'/);
    expect(described).not.toMatch(/Normal\s+Provisioning\s/);
    expect((await c.kubectl(['get', 'pod', 'lp-pod'])).stdout).toMatch(/lp-pod\s+0\/1\s+Pending/);

    expect((await c.kubectl(['-n', 'local-path-storage', 'scale', 'deploy/local-path-provisioner', '--replicas=1'])).code).toBe(0);
    await waitFor(async () => (await phase(c, 'lp-claim')) === 'Bound', 20_000, 200);
    const pods = (await c.kubectl(['-n', 'local-path-storage', 'get', 'pods', '-o', 'name'])).stdout;
    const podName = /pod\/(local-path-provisioner-\S+)/.exec(pods)![1]!;
    const events = await jsonOf(c, ['get', 'events', '--field-selector', 'involvedObject.name=lp-claim']);
    expect(events.items.find((e: any) => e.reason === 'Provisioning').source.component).toMatch(new RegExp(`^rancher\\.io/local-path_${podName}_`));
  }, 60_000);

  it('a custom setup script in local-path-config is what the helper pod runs', async () => {
    const c = await h.cluster();
    const cm = await jsonOf(c, ['-n', 'local-path-storage', 'get', 'configmap', 'local-path-config']);
    // The helper pod gets VOL_DIR, VOL_MODE and VOL_SIZE_BYTES; this script leaves a marker with them.
    cm.data.setup = '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"\necho "made by a custom setup: $VOL_MODE $VOL_SIZE_BYTES" > "$VOL_DIR/MADE-BY"\n';
    delete cm.metadata.resourceVersion;
    c.write('cm.json', JSON.stringify(cm));
    expect((await c.kubectl(['replace', '-f', 'cm.json'])).code).toBe(0);
    c.write('lp-claim.yaml', lesson('lp-claim.yaml'));
    c.write('lp-pod.yaml', lesson('lp-pod.yaml'));
    expect((await c.kubectl(['apply', '-f', 'lp-claim.yaml', '-f', 'lp-pod.yaml'])).code).toBe(0);
    await waitFor(async () => (await phase(c, 'lp-claim')) === 'Bound', 20_000, 200);
    const pv = (await jsonOf(c, ['get', 'pvc', 'lp-claim'])).spec.volumeName;
    const marker = c.sim.storage.dataRoot.nodePath('lab-worker2', `/var/local-path-provisioner/${pv}_default_lp-claim/MADE-BY`);
    expect(readFileSync(marker, 'utf8')).toBe('made by a custom setup: Filesystem 1073741824\n');
  }, 60_000);
});
