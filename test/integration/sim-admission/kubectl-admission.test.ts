/**
 * What real kubectl 1.33 prints when it talks to the simulated API server's
 * admission: refusals (kubectl builds "The X is invalid" from the Status
 * details), warnings, and the defaults `kubectl get -o yaml` shows.
 */
import { describe, expect, it } from 'vitest';
import { useKubectlCluster } from './kubectl-cluster.ts';
import { skipNote, waitFor } from '../sim/harness.ts';

const lab = useKubectlCluster('admission');
const kubectl = lab.kubectl;

describe.skipIf(skipNote(33))('kubectl 1.33 against sim admission', () => {
  it('prints each cause of an invalid claim on its own line', async () => {
    const r = await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec: {}\n');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'The PersistentVolumeClaim "data" is invalid: \n* spec.accessModes: Required value: at least 1 access mode is required\n* spec.resources[storage]: Required value\n',
    );
  });

  it('prints a selector mismatch like a real server', async () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;
    const r = await kubectl(['apply', '-f', '-'], manifest);
    expect(r.stderr).toBe('The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"api"}: `selector` does not match template `labels`\n');
  });

  it('refuses to delete the default namespace and to create in a missing one', async () => {
    const del = await kubectl(['delete', 'namespace', 'default']);
    expect(del.stderr).toBe('Error from server (Forbidden): namespaces "default" is forbidden: this namespace may not be deleted\n');
    const create = await kubectl(['create', '-n', 'nope', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n');
    expect(create.stderr).toBe('Error from server (NotFound): error when creating "STDIN": namespaces "nope" not found\n');
  });

  it('shows the Recycle deprecation as a kubectl warning', async () => {
    const pv = 'apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv1\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Recycle\n  hostPath: {path: /tmp/pv1}\n';
    const r = await kubectl(['create', '-f', '-'], pv);
    expect(r.stdout).toBe('persistentvolume/pv1 created\n');
    expect(r.stderr).toBe('Warning: spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.\n');
  });

  it('returns a pod with the defaults `kubectl run` shows on a real server', async () => {
    const run = await kubectl(['run', 'nginx', '--image=nginx']);
    expect(run.stdout).toBe('pod/nginx created\n');
    const got = await kubectl(['get', 'pod', 'nginx', '-o', 'json']);
    const pod = JSON.parse(got.stdout);
    expect(pod.spec.serviceAccountName).toBe('default');
    expect(pod.spec.volumes[0].name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(pod.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} });
    expect(pod.spec.tolerations).toHaveLength(2);
    expect(pod.spec).toMatchObject({ dnsPolicy: 'ClusterFirst', enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority', priority: 0, restartPolicy: 'Always', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30 });
  });

  it('refuses a pod spec change on apply with the real message', async () => {
    const r = await kubectl(['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n    command: [sleep, infinity]\n');
    expect(r.code).toBe(1);
    // kubectl first warns that `kubectl run` left no last-applied annotation, then prints the refusal.
    expect(r.stderr).toContain(
      'The Pod "nginx" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
  });

  it('gives a class-less claim the default class and the protection finalizer', async () => {
    const r = await kubectl(['create', '-f', '-'], 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: plain\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n');
    expect(r.stdout).toBe('persistentvolumeclaim/plain created\n');
    const got = await kubectl(['get', 'pvc', 'plain', '-o', 'jsonpath={.spec.storageClassName} {.spec.volumeMode} {.metadata.finalizers}']);
    expect(got.stdout).toBe('standard Filesystem ["kubernetes.io/pvc-protection"]');
  });

  it('prints both causes of `kubectl run My_Pod` (the name is also the container name)', async () => {
    const r = await kubectl(['run', 'My_Pod', '--image=nginx']);
    expect(r.stderr).toBe(
      'The Pod "My_Pod" is invalid: \n' +
        `* metadata.name: Invalid value: "My_Pod": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n` +
        `* spec.containers[0].name: Invalid value: "My_Pod": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n`,
    );
  });
});
