/**
 * servePodLogs answers `GET …/pods/<name>/log` (`kubectl logs [-f] [-c]
 * [--tail] [--timestamps] [--previous] [--since]`): text/plain, streamed
 * while `follow=true`. The apiserver part (pod lookup, container choice,
 * unscheduled pods answering with an empty body) follows
 * pkg/registry/core/pod/strategy.go LogLocation; the container-state checks
 * follow the kubelet's validateContainerLogStatus
 * (pkg/kubelet/kubelet_pods.go), whose errors reach kubectl as 400s.
 */
import type { ServerResponse } from 'node:http';
import type { KObject } from '../store/types.ts';
import { findResource } from '../api/resources.ts';
import { StatusError, badRequest } from '../api/status.ts';
import type { ClusterApi } from '../server/rest.ts';
import type { ContainerRuntime, LogLine } from './types.ts';

const podsType = findResource('', 'v1', 'pods')!;

function names(list: any[] | undefined): string {
  return (list ?? []).map((c) => c.name).join(' ');
}

/**
 * resolveContainer picks the container a log/exec request means, with the
 * apiserver's errors for a missing or unknown name (strategy.go validateContainer).
 */
export function resolveContainer(pod: KObject, requested: string | null): string {
  const spec = (pod as any).spec ?? {};
  const all = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])];
  const name = pod.metadata.name;
  if (!requested) {
    if ((spec.containers ?? []).length === 1) return spec.containers[0].name;
    let msg = `a container name must be specified for pod ${name}, choose one of: [${names(spec.containers)}]`;
    if ((spec.initContainers ?? []).length) msg += ` or one of the init containers: [${names(spec.initContainers)}]`;
    if ((spec.ephemeralContainers ?? []).length) msg += ` or one of the ephemeral containers: [${names(spec.ephemeralContainers)}]`;
    throw badRequest(msg);
  }
  if (!all.some((c) => c.name === requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/**
 * containerLogStatusError is the kubelet's refusal to read logs for a
 * container in its current state, or undefined when logs can be read.
 */
export function containerLogStatusError(pod: KObject, container: string, previous: boolean): StatusError | undefined {
  const status = (pod as any).status ?? {};
  const statuses = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? []), ...(status.ephemeralContainerStatuses ?? [])];
  const podName = pod.metadata.name;
  const cs = statuses.find((s: any) => s.name === container);
  if (!cs) return badRequest(`container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
  const state = cs.state ?? {};
  const last = cs.lastState ?? {};
  if (previous) {
    if (!last.terminated?.containerID) return badRequest(`previous terminated container "${container}" in pod "${podName}" not found`);
    return undefined;
  }
  if (state.running) return undefined;
  if (state.terminated) {
    if (state.terminated.containerID || last.terminated?.containerID) return undefined;
    return badRequest(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (last.terminated) {
    if (last.terminated.containerID) return undefined;
    return badRequest(`container "${container}" in pod "${podName}" is terminated`);
  }
  if (state.waiting) {
    switch (state.waiting.reason) {
      case 'ErrImagePull':
        return badRequest(`container "${container}" in pod "${podName}" is waiting to start: image can't be pulled`);
      case 'ImagePullBackOff':
        return badRequest(`container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image`);
      default:
        return badRequest(`container "${container}" in pod "${podName}" is waiting to start: ${state.waiting.reason ?? ''}`);
    }
  }
  return badRequest(`container "${container}" in pod "${podName}" is waiting to start - no logs yet`);
}

/** kubeletUnreachable is what the apiserver answers when no kubelet serves the pod's node. */
export function kubeletUnreachable(pod: KObject, path: string): StatusError {
  const host = (pod as any).status?.hostIP || (pod as any).spec?.nodeName;
  const msg = `Get "https://${host}:10250/${path}": dial tcp ${host}:10250: connect: connection refused`;
  return new StatusError(500, 'InternalError', msg, { causes: [{ reason: '', message: msg }] });
}

/** formatTimestamp is the kubelet's RFC3339NanoFixed (always nine fractional digits). */
export function formatTimestamp(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function intParam(q: URLSearchParams, k: string): number | undefined {
  const v = q.get(k);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${k}: ${v}`);
  return n;
}

export async function servePodLogs(api: ClusterApi, runtime: ContainerRuntime | undefined, namespace: string, name: string, q: URLSearchParams, res: ServerResponse): Promise<void> {
  const pod = api.get(podsType, namespace, name);
  const container = resolveContainer(pod, q.get('container'));
  const follow = q.get('follow') === 'true';
  const previous = q.get('previous') === 'true';
  const timestamps = q.get('timestamps') === 'true';
  const tailLines = intParam(q, 'tailLines');
  const limitBytes = intParam(q, 'limitBytes');
  const sinceSeconds = intParam(q, 'sinceSeconds');
  const sinceTimeRaw = q.get('sinceTime');
  if (tailLines !== undefined && tailLines < 0) throw badRequest(`PodLogOptions "${name}" is invalid: tailLines: Invalid value: ${tailLines}: must be greater than or equal to 0`);

  // An unscheduled pod has no kubelet to ask: the apiserver returns an empty body (LogLocation returns a nil location).
  if (!(pod as any).spec?.nodeName) {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end();
    return;
  }
  if (!runtime) {
    const refusal = containerLogStatusError(pod, container, previous);
    throw refusal ?? kubeletUnreachable(pod, `containerLogs/${namespace}/${name}/${container}`);
  }

  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const lines = runtime.logs(pod, container, {
    follow,
    previous,
    tailLines,
    sinceSeconds,
    sinceTime: sinceTimeRaw ? new Date(sinceTimeRaw) : undefined,
    limitBytes,
    signal: abort.signal,
  });
  const iterator = lines[Symbol.asyncIterator]();
  // The first line (or the runtime's refusal) decides between a 200 stream and an error Status.
  let next: IteratorResult<LogLine>;
  next = await iterator.next();
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  let written = 0;
  try {
    while (!next.done && !abort.signal.aborted) {
      const line = next.value;
      const text = (timestamps ? `${formatTimestamp(line.time)} ` : '') + line.text + '\n';
      if (limitBytes !== undefined && written + Buffer.byteLength(text) > limitBytes) {
        res.write(Buffer.from(text).subarray(0, limitBytes - written));
        break;
      }
      written += Buffer.byteLength(text);
      res.write(text);
      next = await iterator.next();
    }
  } finally {
    await iterator.return?.();
    res.end();
  }
}
