import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discovery } from '../../../sandbox/providers/sim/api/discovery.ts';
import { decodeProtobuf } from '../../../sandbox/providers/sim/api/protobuf/index.ts';
import { RecordingServer, type RecordedRequest } from './recording-server.ts';
import { skipNote } from '../sim/harness.ts';

/** withoutNulls drops `null` members: kubectl's JSON writes unset times as null, which the API form omits. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
  return v;
}

const cronjob = {
  kind: 'CronJob', apiVersion: 'batch/v1',
  metadata: { name: 'nightly', namespace: 'default', uid: 'cj-uid', resourceVersion: '5', labels: { app: 'backup' } },
  spec: {
    schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
    jobTemplate: {
      metadata: { labels: { app: 'backup' } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { labels: { app: 'backup' } },
          spec: {
            restartPolicy: 'OnFailure',
            containers: [{ name: 'backup', image: 'busybox:1.36', command: ['sh', '-c', 'tar czf /backup/db.tgz /data'], volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true }, { name: 'backup', mountPath: '/backup' }], resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
            volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'db-data', readOnly: true } }, { name: 'backup', nfs: { server: 'nfs.lab', path: '/exports/backup' } }],
          },
        },
      },
    },
  },
  status: {},
};

const node = { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1', uid: 'node-uid', resourceVersion: '3', labels: { 'kubernetes.io/hostname': 'n1' } }, spec: {}, status: {} };

// kubectl 1.32+ sends typed-client writes as protobuf; the server must read them. The oracle for what
// kubectl meant to send is the same kubectl's own `--dry-run=client -o json` rendering of that object.
describe('protobuf bodies captured from real kubectl 1.32/1.33', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await RecordingServer.start((req) => {
      const path = req.url.split('?')[0]!;
      const d = discovery(path, req.headers.accept);
      if (d) return { status: 200, headers: { 'Content-Type': d.contentType }, body: d.body };
      if (req.method === 'GET' && path === '/api/v1/nodes/n1') return { status: 200, body: JSON.stringify(node) };
      if (req.method === 'GET' && path === '/apis/batch/v1/namespaces/default/cronjobs/nightly') return { status: 200, body: JSON.stringify(cronjob) };
      if (req.method === 'POST') {
        const obj = req.headers['content-type'] === 'application/vnd.kubernetes.protobuf' ? decodeProtobuf(req.body) : JSON.parse(req.body.toString());
        if (obj.kind === 'TokenRequest') obj.status = { token: 'sim-token', expirationTimestamp: '2026-01-01T01:00:00Z' };
        obj.metadata = { ...obj.metadata, name: obj.metadata.name || `${obj.metadata.generateName}abcde`, uid: 'u', resourceVersion: '9' };
        return { status: 201, body: JSON.stringify(obj) };
      }
      return { status: 404, body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'not found', reason: 'NotFound', code: 404 }) };
    });
  });
  afterAll(() => server.close());

  const lastPost = (): RecordedRequest => server.requests.filter((r) => r.method === 'POST').at(-1)!;

  const cases: [string, string[]][] = [
    ['namespace', ['create', 'namespace', 'foo']],
    ['configmap', ['create', 'configmap', 'cm1', '--from-literal=a=b', '--from-literal=empty=']],
    ['secret', ['create', 'secret', 'generic', 's1', '--from-literal=k=v', '--type=Opaque']],
    ['deployment', ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=0', '--port=80']],
    ['job', ['create', 'job', 'j1', '--image=busybox', '--', 'sh', '-c', 'echo hi']],
    ['cronjob', ['create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date']],
    ['serviceaccount', ['create', 'serviceaccount', 'sa1']],
    ['service', ['create', 'service', 'nodeport', 'svc1', '--tcp=80:8080', '--node-port=30080']],
    ['pdb', ['create', 'pdb', 'pdb1', '--selector=app=web', '--min-available=50%']],
    ['role', ['create', 'role', 'r1', '--verb=get,list', '--resource=pods,persistentvolumeclaims']],
    ['rolebinding', ['create', 'rolebinding', 'rb1', '--clusterrole=view', '--serviceaccount=default:sa1']],
    ['quota', ['create', 'quota', 'q1', '--hard=requests.storage=10Gi,persistentvolumeclaims=5']],
    ['job from a cronjob', ['create', 'job', 'manual-1', '--from=cronjob/nightly']],
  ];

  for (const [what, args] of cases) for (const minor of what === 'job from a cronjob' || what === 'deployment' ? [32, 33] : [33]) {
    it.skipIf(skipNote(minor))(`decodes kubectl 1.${minor} create ${what} exactly as kubectl renders the object`, async () => {
      const sent = await server.kubectl(minor, args);
      expect(sent.stderr).toBe('');
      const post = lastPost();
      expect(post.headers['content-type']).toBe('application/vnd.kubernetes.protobuf');
      const decoded = decodeProtobuf(post.body);
      const dashes = args.includes('--') ? args.indexOf('--') : args.length;
      const rendered = await server.kubectl(minor, [...args.slice(0, dashes), '--dry-run=client', '-o', 'json', ...args.slice(dashes)]);
      expect(decoded).toEqual(withoutNulls(JSON.parse(rendered.stdout)));
    });
  }

  it.skipIf(skipNote(33))('decodes kubectl create token (a TokenRequest to the serviceaccounts/token subresource)', async () => {
    const sent = await server.kubectl(33, ['create', 'token', 'sa1', '--duration=1h']);
    expect(sent.stderr).toBe('');
    expect(sent.stdout.trim()).toBe('sim-token');
    const post = lastPost();
    expect(post.url).toMatch(/^\/api\/v1\/namespaces\/default\/serviceaccounts\/sa1\/token/);
    expect(decodeProtobuf(post.body)).toEqual({ kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata: {}, spec: { expirationSeconds: 3600 }, status: {} });
  });

  it.skipIf(skipNote(33))('decodes the node debugger pod of kubectl debug node/n1', async () => {
    const sent = await server.kubectl(33, ['debug', 'node/n1', '--image=busybox']);
    expect(sent.stdout).toMatch(/Creating debugging pod node-debugger-n1-\w+ with container debugger on node n1/);
    const pod = decodeProtobuf(lastPost().body) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toMatch(/^node-debugger-n1-\w{5}$/);
    expect(pod.spec).toMatchObject({
      nodeName: 'n1',
      restartPolicy: 'Never',
      hostIPC: true,
      hostNetwork: true,
      hostPID: true,
      tolerations: [{ operator: 'Exists' }],
      volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
    });
    expect(Object.keys(pod.spec.volumes[0])).toEqual(['name', 'hostPath']);
    expect(pod.spec.containers[0]).toMatchObject({ name: 'debugger', image: 'busybox', volumeMounts: [{ name: 'host-root', mountPath: '/host' }], terminationMessagePolicy: 'File' });
  });
});
