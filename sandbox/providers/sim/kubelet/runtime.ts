/**
 * KubeletRuntime is the node side of `kubectl exec`, `attach` and `logs`:
 * the API server (../streams) hands these requests to it as a real
 * apiserver proxies them to the kubelet of the pod's node
 * (pkg/kubelet/server/server.go). Refusals carry the kubelet's wording.
 */
import type { KObject } from '../store/types.ts';
import type { ContainerRuntime, ExecOptions, ExecProcess, LogLine, LogOptions } from '../streams/types.ts';
import { StatusError, badRequest } from '../api/status.ts';
import { containerLogStatusError, kubeletUnreachable } from '../streams/logs.ts';
import { execInContainer, attachToContainer, ContainerExecError } from '../containers/index.ts';
import type { Kubelets, ContainerSlot } from './kubelet.ts';

export class KubeletRuntime implements ContainerRuntime {
  constructor(private readonly kubelets: () => Kubelets | undefined) {}

  private slot(pod: KObject, container: string, what: string): ContainerSlot {
    const k = this.kubelets();
    const node = (pod as { spec?: { nodeName?: string } }).spec?.nodeName ?? '';
    if (!k || !k.isNodeOn(node)) throw kubeletUnreachable(pod, `${what}/${pod.metadata.namespace}/${pod.metadata.name}/${container}`);
    const s = k.record(pod.metadata.uid!)?.slots.find((x) => x.name === container);
    if (!s) throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    return s;
  }

  exec(pod: KObject, container: string, argv: string[], options: ExecOptions): ExecProcess {
    const s = this.slot(pod, container, 'exec');
    const proc = s.current?.process;
    // kubelet server.go getExecRequestParams → runtime: a container that is not running is "not found".
    if (!proc?.running) throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
    try {
      return execInContainer(proc, argv, options);
    } catch (e) {
      if (e instanceof ContainerExecError) throw new StatusError(500, 'InternalError', `Internal error occurred: error executing command in container: ${e.message}`);
      throw e;
    }
  }

  attach(pod: KObject, container: string, options: ExecOptions): ExecProcess {
    const s = this.slot(pod, container, 'attach');
    const proc = s.current?.process;
    if (!proc?.running) throw badRequest(`unable to upgrade connection: container ${container} not found in pod ${pod.metadata.name}_${pod.metadata.namespace}`);
    try {
      return attachToContainer(proc, options);
    } catch (e) {
      if (e instanceof ContainerExecError) throw new StatusError(500, 'InternalError', `Internal error occurred: ${e.message}`);
      throw e;
    }
  }

  logs(pod: KObject, container: string, options: LogOptions): AsyncIterable<LogLine> {
    const refusal = containerLogStatusError(pod, container, options.previous);
    const s = refusal ? undefined : this.slot(pod, container, 'containerLogs');
    return (async function* () {
      if (refusal) throw refusal;
      const run = options.previous ? s!.previous : (s!.current ?? s!.previous);
      if (!run?.process) {
        if (options.previous) throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
        return;
      }
      const log = run.process.logs;
      let lines = log.snapshot().map((l) => ({ time: l.time, text: l.text }));
      const since = options.sinceTime?.getTime() ?? (options.sinceSeconds !== undefined ? Date.now() - options.sinceSeconds * 1000 : undefined);
      if (since !== undefined) lines = lines.filter((l) => l.time.getTime() >= since);
      if (options.tailLines !== undefined) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
      // Follow from the moment of the snapshot: subscribe before yielding so no line is lost.
      const follow = options.follow && !options.previous && run.process.running ? log.follow(options.signal)[Symbol.asyncIterator]() : undefined;
      for (const l of lines) yield l;
      if (!follow) return;
      for (;;) {
        const n = await follow.next();
        if (n.done) return;
        yield { time: n.value.time, text: n.value.text };
      }
    })();
  }
}
