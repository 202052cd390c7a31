/**
 * Every installed kubectl 1.27–1.33 against the simulated cluster: the
 * commands the lessons use, so a version difference (discovery formats,
 * OpenAPI v2/v3 validation, protobuf bodies in 1.32+, WebSocket exec in
 * 1.30+ and SPDY before) can't slip through.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import { findResource } from '../../../sandbox/providers/sim/api/resources.ts';
import { EchoRuntimeTestDouble } from './echo-runtime.ts';
import { SimHarness, availableMinors, kubectlPath, normalizeTable } from './harness.ts';

const wanted = [27, 28, 29, 30, 31, 32, 33];
const minors = availableMinors(wanted);
const absent = wanted.filter((m) => !minors.includes(m));
if (absent.length) console.warn(`SKIPPED: kubectl ${absent.map((m) => `1.${m}`).join(', ')} not installed under ${kubectlPath(0).replace(/kubectl\.1\.0$/, '')}; those versions are not tested here.`);

const runtime = new EchoRuntimeTestDouble();
class Harness extends SimHarness {
  override readonly provider = new SimProvider({ runtimeFor: () => runtime });
}

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: app
        image: ${image}
        env: [{name: MODE, value: "${image}"}]
`;

describe.skipIf(minors.length === 0)('kubectl versions', () => {
  const harness = new Harness();
  afterAll(() => harness.close());

  it.each(minors)('kubectl 1.%i: get, apply, create, explain, delete, exec', async (minor) => {
    const c = await harness.cluster(minor);
    const nodes = await c.kubectl(['get', 'nodes']);
    expect(nodes.stderr).toBe('');
    expect(normalizeTable(nodes.stdout)).toBe(
      'NAME  STATUS  ROLES  AGE  VERSION\nlab-control-plane  Ready  control-plane  <age>  v1.33.1\nlab-worker  Ready  <none>  <age>  v1.33.1\nlab-worker2  Ready  <none>  <age>  v1.33.1\n',
    );

    c.write('web.yaml', deployment('nginx:1.27'));
    expect(await c.kubectl(['apply', '-f', 'web.yaml'])).toMatchObject({ code: 0, stdout: 'deployment.apps/web created\n' });
    c.write('web.yaml', deployment('nginx:1.28'));
    expect(await c.kubectl(['apply', '-f', 'web.yaml'])).toMatchObject({ code: 0, stdout: 'deployment.apps/web configured\n' });
    const d = JSON.parse((await c.kubectl(['get', 'deploy', 'web', '-o', 'json'])).stdout);
    expect(d.spec.template.spec.containers[0]).toMatchObject({ image: 'nginx:1.28', env: [{ name: 'MODE', value: 'nginx:1.28' }] });
    expect(d.metadata.generation).toBe(2);

    expect(await c.kubectl(['create', 'configmap', 'settings', '--from-literal=k=v'])).toMatchObject({ code: 0, stdout: 'configmap/settings created\n' });
    const explain = await c.kubectl(['explain', 'pvc.spec.storageClassName']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('storageClassName');

    expect(await c.kubectl(['delete', 'configmap', 'settings'])).toMatchObject({ code: 0, stdout: 'configmap "settings" deleted\n' });
    const gone = await c.kubectl(['get', 'configmap', 'settings']);
    expect(gone.stderr).toBe('Error from server (NotFound): configmaps "settings" not found\n');

    const pods = findResource('', 'v1', 'pods')!;
    c.sim.api.create(pods, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'box' }, spec: { nodeName: 'lab-worker', containers: [{ name: 'box', image: 'busybox' }] } });
    c.sim.api.patch(pods, 'default', 'box', 'merge', { status: { phase: 'Running', containerStatuses: [{ name: 'box', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: { running: {} } }] } }, { subresource: 'status' });
    // 1.30+ exec over WebSockets, 1.27–1.29 over SPDY/3.1 (their default).
    const exec = await c.kubectl(['exec', 'box', '--', 'sh', '-c', 'exit 2']);
    expect(exec).toMatchObject({ code: 2, stdout: 'ran: sh -c exit 2\n', stderr: 'command terminated with exit code 2\n' });
  });
});
