/**
 * Solve steps: the small actions a reference solution or a broken variant
 * is made of (kind's create.go lists bring-up the same way). Each step
 * fails unless it explicitly succeeds.
 */
import { parseAllDocuments } from 'yaml';
import { PatchStrategy, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import type { SolveContext, SolveStep } from './types.ts';
import { mysqlServes } from './mysql.ts';
import type { ClusterView, ExecResult } from './cluster-view.ts';

/** step declares a step from a title and a function. */
export function step(title: string, run: (ctx: SolveContext) => Promise<void>): SolveStep {
  return { title, run };
}

/** objectsOf parses a multi-document YAML manifest. */
export function objectsOf(yamlText: string): KubernetesObject[] {
  return parseAllDocuments(yamlText)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => !!o && typeof o === 'object' && !!o.kind);
}

/** applyFile applies a file of the lesson folder, e.g. "manifests/mysql-pv.yaml" or "variants/claim-rwx-against-rwo-volume.yaml". */
export function applyFile(path: string): SolveStep {
  return step(`apply ${path}`, async (ctx) => {
    for (const obj of objectsOf(ctx.readLessonFile(path))) await ctx.view.apply(obj);
  });
}

/** applyYaml applies inline YAML (for objects the lesson text builds with kubectl create). */
export function applyYaml(title: string, yamlText: string | ((ctx: SolveContext) => Promise<string>)): SolveStep {
  return step(title, async (ctx) => {
    const text = typeof yamlText === 'string' ? yamlText : await yamlText(ctx);
    for (const obj of objectsOf(text)) await ctx.view.apply(obj);
  });
}

/** deleteObject deletes one object and waits until it is gone. */
export function deleteObject(apiVersion: string, kind: string, name: string, namespace?: string, timeoutMs = 180_000): SolveStep {
  return step(`delete ${kind.toLowerCase()} ${name}`, async (ctx) => {
    const ref = { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } };
    await ctx.view.delete(ref);
    await until(ctx, `${kind} ${name} is gone`, async () => !(await exists(ctx.view, ref)), timeoutMs);
  });
}

async function exists(view: ClusterView, ref: KubernetesObject): Promise<boolean> {
  try {
    await view.objects.read(ref as never);
    return true;
  } catch {
    return false;
  }
}

/** until polls a condition every second of cluster time until it holds, or fails after timeoutMs. */
export async function until(ctx: SolveContext, what: string, condition: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  for (let waited = 0; ; waited += 1000) {
    if (await condition().catch(() => false)) return;
    if (waited >= timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}`);
    await ctx.sleep(1000);
  }
}

/** waitFor is a step that waits for a condition. */
export function waitFor(what: string, condition: (view: ClusterView) => Promise<boolean>, timeoutMs = 180_000): SolveStep {
  return step(`wait until ${what}`, (ctx) => until(ctx, what, () => condition(ctx.view), timeoutMs));
}

/** needPower fails a step early when the caller cannot power nodes (the CLI against any cluster but a kslab simulated one). */
export function needPower(ctx: SolveContext): NonNullable<SolveContext['power']> {
  if (!ctx.power) {
    throw new Error(`this step powers node(s) off or on, which kslab can do only on its own simulated clusters (the power buttons in the lesson page's terminal pane, or kslab solve against kslab sim); on this cluster, power the node off yourself and run the check again`);
  }
  return ctx.power;
}

/** power turns a node off or on through the caller; a caller that cannot says so. */
export function power(node: string | ((view: ClusterView) => Promise<string>), on: boolean): SolveStep {
  return step(`power ${typeof node === 'string' ? node : 'the node'} ${on ? 'on' : 'off'}`, async (ctx) => {
    const switchPower = needPower(ctx);
    await switchPower(typeof node === 'string' ? node : await node(ctx.view), on);
  });
}

/** isReady says whether a pod is Running with every container ready and not being deleted. */
export function isReady(pod: V1Pod | undefined): boolean {
  return (
    !!pod &&
    pod.status?.phase === 'Running' &&
    !pod.metadata?.deletionTimestamp &&
    (pod.status.containerStatuses ?? []).length > 0 &&
    (pod.status.containerStatuses ?? []).every((c) => c.ready)
  );
}

/** readyPod finds the ready pod of a label selector (the newest when several). */
export async function readyPod(view: ClusterView, namespace: string, labelSelector: string): Promise<V1Pod | undefined> {
  return newestReady(await view.pods(namespace, labelSelector));
}

/** newestReady is the newest ready pod of a list, if any. */
export function newestReady(pods: V1Pod[]): V1Pod | undefined {
  return pods.filter(isReady).sort((a, b) => time(b.metadata?.creationTimestamp) - time(a.metadata?.creationTimestamp))[0];
}

function time(t: unknown): number {
  return t ? new Date(t as string).getTime() : 0;
}

/** execIn runs a command in the ready pod of a selector, retrying while it fails (a server still starting). */
export function execIn(namespace: string, labelSelector: string, command: string[], options: { retryMs?: number; container?: string } = {}): SolveStep {
  return step(`run ${command.join(' ')} in ${labelSelector}`, async (ctx) => {
    let last: ExecResult | undefined;
    await until(
      ctx,
      `${command.join(' ')} succeeds`,
      async () => {
        const pod = await readyPod(ctx.view, namespace, labelSelector);
        if (!pod) return false;
        last = await ctx.view.exec(namespace, pod.metadata!.name!, options.container, command);
        return last.code === 0;
      },
      options.retryMs ?? 300_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}${last ? ` (last exit ${last.code}: ${last.stderr.trim().slice(0, 300)})` : ''}`);
    });
  });
}

/** execInPod runs a command in a named pod. */
export function execInPod(namespace: string, pod: string, command: string[], container?: string): SolveStep {
  return step(`run ${command.join(' ')} in pod ${pod}`, async (ctx) => {
    const r = await ctx.view.exec(namespace, pod, container, command);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim().slice(0, 300)}`);
  });
}

/** setUnschedulable cordons (true) or uncordons (false) a node, as `kubectl cordon|uncordon` does (a merge patch of spec.unschedulable). */
export async function setUnschedulable(view: ClusterView, node: string, unschedulable: boolean): Promise<void> {
  await view.objects.patch({ apiVersion: 'v1', kind: 'Node', metadata: { name: node }, spec: { unschedulable } } as KubernetesObject, undefined, undefined, 'kslab', undefined, PatchStrategy.MergePatch);
}

/** cordon is a step that cordons or uncordons a node (given or computed from the cluster). */
export function cordon(node: string | ((view: ClusterView) => Promise<string>), unschedulable = true): SolveStep {
  return step(`${unschedulable ? 'cordon' : 'uncordon'} ${typeof node === 'string' ? node : 'the node'}`, async (ctx) => {
    await setUnschedulable(ctx.view, typeof node === 'string' ? node : await node(ctx.view), unschedulable);
  });
}

/** deletePod deletes a pod (by name or computed) and waits until it is gone. */
export function deletePod(namespace: string, pod: string | ((view: ClusterView) => Promise<string>)): SolveStep {
  return step(`delete pod ${typeof pod === 'string' ? pod : ''}`.trim(), async (ctx) => {
    const name = typeof pod === 'string' ? pod : await pod(ctx.view);
    ctx.log(`deleting pod ${name}`);
    await deleteObject('v1', 'Pod', name, namespace).run(ctx);
  });
}

/** WORKERS are the cluster shape's worker nodes (DESIGN.md). */
export const WORKERS = ['lab-worker', 'lab-worker2'] as const;

/** otherWorker is the worker that is not `node`. */
export function otherWorker(node: string): string {
  return node === 'lab-worker' ? 'lab-worker2' : 'lab-worker';
}

/** waitForMySQL waits until the ready pod of a selector runs the real MySQL server (not the entrypoint's temporary one). */
export function waitForMySQL(namespace: string, labelSelector: string, timeoutMs = 300_000): SolveStep {
  return waitFor(`MySQL (${labelSelector}) is ready for connections on port 3306`, async (view) => {
    const pod = await readyPod(view, namespace, labelSelector);
    return !!pod && (await mysqlServes(view, namespace, pod.metadata!.name!));
  }, timeoutMs);
}

/**
 * onNode runs a script on a node with its root filesystem at /host (read-
 * write), in a one-shot pod pinned to the node, like `kubectl debug
 * node/NODE -- sh -c SCRIPT`; it waits for the pod to succeed and deletes it.
 */
export function onNode(node: string, script: string): SolveStep {
  return step(`on ${node}: ${script}`, async (ctx) => {
    const name = `kslab-node-task-${Math.random().toString(16).slice(2, 8)}`;
    const ns = 'default';
    await ctx.view.core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name },
        spec: {
          nodeName: node,
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 0,
          tolerations: [{ operator: 'Exists' }],
          containers: [{ name: 'task', image: 'busybox:1.36', command: ['sh', '-c', script], volumeMounts: [{ name: 'host', mountPath: '/host' }] }],
          volumes: [{ name: 'host', hostPath: { path: '/' } }],
        },
      },
    });
    let phase = '';
    await until(ctx, `the task pod on ${node} finishes`, async () => {
      phase = (await ctx.view.pod(ns, name))?.status?.phase ?? '';
      return phase === 'Succeeded' || phase === 'Failed';
    }, 120_000);
    await deleteObject('v1', 'Pod', name, ns).run(ctx);
    if (phase !== 'Succeeded') throw new Error(`the script failed on ${node}`);
  });
}
