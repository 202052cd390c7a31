/**
 * PodSecurity admission: the messages and decisions of k8s.io/pod-security-admission for
 * labelled namespaces, checked through admit() as the REST layer calls it.
 */
import { describe, expect, it } from 'vitest';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { evaluatePodSpec, forbiddenDetail, policyFromLabels } from '../../../sandbox/providers/sim/admission/plugins/pod-security.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { baseCluster, refusal, request } from './cluster.ts';

type Obj = Record<string, any>;

const namespace = (name: string, labels: Record<string, string> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
  status: { phase: 'Active' },
});
const serviceAccount = (ns: string): KObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns } });

const pod = (name: string, ns: string, spec: Obj): KObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns }, spec });
const busybox = { containers: [{ name: 'busybox', image: 'busybox:1.36', command: ['sleep', '3600'] }] };
const hostPathSpec = {
  containers: [{ name: 'mysql', image: 'mysql:8.4' }],
  volumes: [{ name: 'mysql-data', hostPath: { path: '/tmp/mysql', type: 'DirectoryOrCreate' } }],
};
const deployment = (ns: string, spec: Obj): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'mysql', namespace: ns },
  spec: { replicas: 1, selector: { matchLabels: { app: 'mysql' } }, template: { metadata: { labels: { app: 'mysql' } }, spec } },
});

const cluster = (labels: Record<string, string>, extra: KObject[] = []) => baseCluster([namespace('lab', labels), serviceAccount('lab'), ...extra]);
const enforceBaseline = { 'pod-security.kubernetes.io/enforce': 'baseline' };
const warnRestricted = { 'pod-security.kubernetes.io/warn': 'restricted' };

const restrictedBusyboxWarning =
  'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "busybox" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "busybox" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "busybox" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "busybox" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('PodSecurity on pods', () => {
  it('refuses a hostPath pod in a baseline-enforcing namespace with a 403 naming the volume', () => {
    const e = refusal(() => admit(request('CREATE', pod('mysql-abc12', 'lab', hostPathSpec), cluster(enforceBaseline))));
    expect(e.code).toBe(403);
    expect(e.reason).toBe('Forbidden');
    expect(e.message).toBe('pods "mysql-abc12" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "mysql-data")');
  });

  it('admits the same pod in an unlabelled namespace without a warning', () => {
    const result = admit(request('CREATE', pod('mysql-abc12', 'default', hostPathSpec), baseCluster()));
    expect(result.warnings.filter((w) => w.includes('PodSecurity'))).toEqual([]);
  });

  it('warns with the restricted reasons in PodSecurity order for a plain busybox pod under warn=restricted', () => {
    const result = admit(request('CREATE', pod('bb', 'lab', busybox), cluster(warnRestricted)));
    expect(result.warnings).toContain(restrictedBusyboxWarning);
  });

  it('allows a busybox pod under enforce=baseline (it only fails restricted checks)', () => {
    const result = admit(request('CREATE', pod('bb', 'lab', busybox), cluster(enforceBaseline)));
    expect(result.warnings.filter((w) => w.includes('PodSecurity'))).toEqual([]);
  });

  it('names the label version in the message', () => {
    const e = refusal(() =>
      admit(request('CREATE', pod('p', 'lab', hostPathSpec), cluster({ ...enforceBaseline, 'pod-security.kubernetes.io/enforce-version': 'v1.30' }))),
    );
    expect(e.message).toContain('violates PodSecurity "baseline:v1.30": hostPath volumes');
  });

  it('does not re-check a pod update that changes no image (isSignificantPodUpdate)', () => {
    // the pod as stored before the namespace was labelled (admitted, so defaulted)
    const old = admit(request('CREATE', pod('p', 'lab', hostPathSpec), cluster({}))).object!;
    const updated = structuredClone(old);
    updated.metadata.labels = { x: 'y' };
    const store = cluster(enforceBaseline, [old]);
    expect(() => admit(request('UPDATE', updated, store, { oldObject: old }))).not.toThrow();
    const newImage = structuredClone(old);
    (newImage.spec as Obj).containers[0].image = 'mysql:9.0';
    expect(refusal(() => admit(request('UPDATE', newImage, store, { oldObject: old }))).code).toBe(403);
  });
});

describe('PodSecurity on workloads', () => {
  it('accepts a hostPath Deployment in a baseline-enforcing namespace with a would-violate warning', () => {
    const result = admit(request('CREATE', deployment('lab', hostPathSpec), cluster(enforceBaseline)));
    expect(result.object).toBeDefined();
    expect(result.warnings).toContain('would violate PodSecurity "baseline:latest": hostPath volumes (volume "mysql-data")');
  });

  it('warns at the warn level (not enforce) when warn is set explicitly', () => {
    const result = admit(request('CREATE', deployment('lab', hostPathSpec), cluster({ ...enforceBaseline, ...warnRestricted })));
    const ps = result.warnings.filter((w) => w.includes('PodSecurity'));
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatch(/^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
    // restricted replaces the baseline hostPath check with its volume-type check
    expect(ps[0]).toContain('restricted volume types (volume "mysql-data" uses restricted volume type "hostPath")');
    expect(ps[0]).not.toContain('hostPath volumes');
  });

  it('checks a CronJob through its job template', () => {
    const cron: KObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'lab' },
      spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { ...busybox, restartPolicy: 'OnFailure', hostNetwork: true } } } } },
    };
    const result = admit(request('CREATE', cron, cluster(enforceBaseline)));
    expect(result.warnings).toContain('would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
  });
});

describe('PodSecurity on namespace label changes', () => {
  it('lists existing pods that violate a newly raised enforce level', () => {
    const pods = [pod('mysql-b', 'lab', hostPathSpec), pod('mysql-a', 'lab', hostPathSpec), pod('bb', 'lab', busybox)];
    const old = namespace('lab');
    const labelled = namespace('lab', enforceBaseline);
    const result = admit(request('UPDATE', labelled, baseCluster([old, ...pods]), { oldObject: old }));
    expect(result.warnings).toEqual([
      'existing pods in namespace "lab" violate the new PodSecurity enforce level "baseline:latest"',
      'mysql-a (and 1 other pod): hostPath volumes',
    ]);
  });

  it('says nothing when the level is relaxed or unchanged', () => {
    const pods = [pod('m', 'lab', hostPathSpec)];
    const old = namespace('lab', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const relaxed = namespace('lab', enforceBaseline);
    expect(admit(request('UPDATE', relaxed, baseCluster([old, ...pods]), { oldObject: old })).warnings).toEqual([]);
  });
});

describe('PodSecurity label validation', () => {
  it('refuses a namespace created with an unknown level as 422 Invalid, naming the label', () => {
    const e = refusal(() => admit(request('CREATE', namespace('bad', { 'pod-security.kubernetes.io/enforce': 'strict' }), baseCluster())));
    expect(e.code).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.message).toBe('metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
  });

  it('lists several bad labels in PolicyToEvaluate order, bracketed', () => {
    const labels = { 'pod-security.kubernetes.io/warn': 'loud', 'pod-security.kubernetes.io/enforce-version': '1.30' };
    const e = refusal(() => admit(request('CREATE', namespace('bad', labels), baseCluster())));
    expect(e.message).toBe(
      '[metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "1.30": must be "latest" or "v1.x", ' +
        'metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "loud": must be one of privileged, baseline, restricted]',
    );
  });

  it('refuses an update that introduces a bad label but not one that keeps an existing bad label', () => {
    const old = namespace('lab');
    const bad = namespace('lab', { 'pod-security.kubernetes.io/audit': 'everything' });
    expect(refusal(() => admit(request('UPDATE', bad, baseCluster([old]), { oldObject: old }))).code).toBe(422);
    const stillBad = namespace('lab', { 'pod-security.kubernetes.io/audit': 'everything', team: 'storage' });
    expect(() => admit(request('UPDATE', stillBad, baseCluster([bad]), { oldObject: bad }))).not.toThrow();
  });

  it('fails closed on an unparseable enforce level (restricted) and open on warn (privileged)', () => {
    expect(policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'strict' }).enforce).toEqual({ level: 'restricted', version: 'latest' });
    expect(policyFromLabels({ 'pod-security.kubernetes.io/warn': 'loud' }).warn).toEqual({ level: 'privileged', version: 'latest' });
  });
});

describe('PodSecurity check messages', () => {
  it('allows the sysctls added through 1.32 and names /proc mount changes', () => {
    const spec = {
      securityContext: { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '600' }, { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] },
      containers: [{ name: 'app', image: 'x', securityContext: { procMount: 'Unmasked' } }],
    };
    expect(forbiddenDetail(evaluatePodSpec('baseline', spec))).toBe('procMount (container "app" must not set securityContext.procMount to "Unmasked")');
  });

  it('reports baseline failures in check-ID order', () => {
    const spec = {
      hostNetwork: true,
      hostPID: true,
      containers: [
        { name: 'a', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }], securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN', 'CHOWN'] } } },
        { name: 'b', image: 'x', securityContext: { seccompProfile: { type: 'Unconfined' } } },
      ],
      securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] },
      volumes: [{ name: 'h', hostPath: { path: '/' } }],
    };
    expect(forbiddenDetail(evaluatePodSpec('baseline', spec))).toBe(
      'non-default capabilities (container "a" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add), ' +
        'host namespaces (hostNetwork=true, hostPID=true), ' +
        'hostPath volumes (volume "h"), ' +
        'hostPort (container "a" uses hostPort 8080), ' +
        'privileged (container "a" must not set securityContext.privileged=true), ' +
        'seccompProfile (container "b" must not set securityContext.seccompProfile.type to "Unconfined"), ' +
        'forbidden sysctls (kernel.msgmax)',
    );
  });

  it('words AppArmor fields and annotations like the 1.30+ appArmorProfile check', () => {
    const spec = { containers: [{ name: 'c', image: 'x', securityContext: { appArmorProfile: { type: 'Unconfined' } } }, { name: 'd', image: 'x' }] };
    const meta = { annotations: { 'container.apparmor.security.beta.kubernetes.io/d': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/e': 'runtime/default' } };
    expect(forbiddenDetail(evaluatePodSpec('baseline', spec, meta))).toBe(
      'forbidden AppArmor profiles (container "c" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/d=\\"unconfined\\"")',
    );
  });

  it('orders seLinuxOptions and sysctls before the restricted checks, as a real 1.32 server printed it', () => {
    // kubectl output recorded from a 1.32 cluster: seLinuxOptions (pod … user may not be set; role may not be set),
    // forbidden sysctls (net.core.somaxconn, kernel.msgmax), then the four restricted container checks.
    const spec = {
      securityContext: { seLinuxOptions: { user: 'system_u', role: 'system_r' }, sysctls: [{ name: 'net.core.somaxconn', value: '1024' }, { name: 'kernel.msgmax', value: '65536' }] },
      containers: [{ name: 'my-pod', image: 'x' }],
    };
    expect(forbiddenDetail(evaluatePodSpec('restricted', spec))).toBe(
      'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set), ' +
        'forbidden sysctls (net.core.somaxconn, kernel.msgmax), ' +
        'allowPrivilegeEscalation != false (container "my-pod" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "my-pod" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "my-pod" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "my-pod" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('names SELinux types a container may not use', () => {
    const spec = { containers: [{ name: 'a', image: 'x', securityContext: { seLinuxOptions: { type: 'spc_t' } } }, { name: 'b', image: 'x', securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }] };
    expect(forbiddenDetail(evaluatePodSpec('baseline', spec))).toBe('seLinuxOptions (container "a" set forbidden securityContext.seLinuxOptions: type "spc_t")');
  });

  it('refuses Windows hostProcess at pod and container level', () => {
    const spec = { securityContext: { windowsOptions: { hostProcess: true } }, containers: [{ name: 'w', image: 'x', securityContext: { windowsOptions: { hostProcess: true } } }] };
    expect(forbiddenDetail(evaluatePodSpec('baseline', spec))).toBe('hostProcess (pod and container "w" must not set securityContext.windowsOptions.hostProcess=true)');
  });

  it('accepts a pod that meets restricted', () => {
    const spec = {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'app', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } }],
      volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'c' } }, { name: 'e', emptyDir: {} }],
    };
    expect(evaluatePodSpec('restricted', spec)).toEqual([]);
  });

  it('words explicit runAsNonRoot=false, runAsUser=0 and several containers like PodSecurity', () => {
    const spec = {
      securityContext: { runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'init', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
      containers: [
        { name: 'one', image: 'x', securityContext: { runAsNonRoot: false, capabilities: { drop: ['ALL'], add: ['SYS_TIME'] } } },
        { name: 'two', image: 'x' },
      ],
    };
    expect(forbiddenDetail(evaluatePodSpec('restricted', spec))).toBe(
      'allowPrivilegeEscalation != false (containers "one", "two" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "two" must set securityContext.capabilities.drop=["ALL"]; container "one" must not include "SYS_TIME" in securityContext.capabilities.add), ' +
        'runAsNonRoot != true (pod and container "one" must not set securityContext.runAsNonRoot=false), ' +
        'runAsUser=0 (pod must not set runAsUser=0)',
    );
  });

  it('defaults warn to a stricter enforce level, and privileged everywhere when unlabelled', () => {
    expect(policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29' }).warn).toEqual({ level: 'baseline', version: 'v1.29' });
    expect(policyFromLabels({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' }).warn).toEqual({ level: 'restricted', version: 'latest' });
    expect(policyFromLabels(undefined)).toEqual({
      enforce: { level: 'privileged', version: 'latest' },
      warn: { level: 'privileged', version: 'latest' },
      audit: { level: 'privileged', version: 'latest' },
    });
  });
});
