/**
 * SimProvider is the zero-dependency ClusterProvider: every cluster it makes
 * is a simulated Kubernetes API server (one shared HTTPS listener, one path
 * prefix and bearer token per cluster) that real kubectl and
 * @kubernetes/client-node use unchanged. It models rather than runs: the
 * scheduler and controllers run in-process (./scheduler, ./controllers),
 * and each node's kubelet (./kubelet) runs the pods bound to it as modelled
 * containers (./containers) with their volumes as host directories.
 */
import type { Cluster, ClusterProvider, CreateClusterOptions, NodeName, ProgressEvent } from '../types.ts';
import { ClusterStartError } from '../types.ts';
import { SimServer, SimCluster, type SimServerOptions } from './server/sim-server.ts';
import type { ContainerRuntime } from './streams/types.ts';
import { powerOff as powerOffNode, powerOn as powerOnNode } from './controllers/node-lifecycle/index.ts';
import { simClusterTools } from './ceph/tools/index.ts';

export { SimServer, SimCluster } from './server/sim-server.ts';
export type { SimServerOptions, SimClusterOptions } from './server/sim-server.ts';
export type { ContainerRuntime, ExecProcess, ExecOptions, LogOptions, LogLine } from './streams/types.ts';

export interface SimProviderOptions extends SimServerOptions {
  /** runtimeFor replaces a cluster's container runtime for exec/attach/logs (tests); by default the kubelet model (./kubelet) serves them. */
  runtimeFor?: (clusterId: string) => ContainerRuntime | undefined;
}

export class SimProvider implements ClusterProvider {
  readonly name = 'sim' as const;
  readonly simulated = true;
  private server?: Promise<SimServer>;

  constructor(private readonly options: SimProviderOptions = {}) {}

  /** simServer starts the shared listener on first use. */
  simServer(): Promise<SimServer> {
    this.server ??= SimServer.start({ host: '127.0.0.1', port: 0, ...this.options });
    return this.server;
  }

  async create(options: CreateClusterOptions): Promise<Cluster> {
    const progress = (step: string, status: ProgressEvent['status'], detail?: string) => options.onProgress?.({ step, status, detail });
    if (options.signal?.aborted) throw new ClusterStartError('starting', 'cluster creation was cancelled');
    let server: SimServer;
    try {
      progress('starting the simulated API server', 'running');
      server = await this.simServer();
      progress('starting the simulated API server', 'done');
    } catch (e) {
      progress('starting the simulated API server', 'failed', (e as Error).message);
      throw new ClusterStartError('starting the simulated API server', `the simulated API server could not start: ${(e as Error).message}`, { cause: e });
    }
    let current = '';
    try {
      const sim = server.createCluster({
        id: options.id,
        runtime: this.options.runtimeFor?.(options.id),
        onStep: (step, status) => {
          current = step;
          progress(step, status);
        },
      });
      return new SimProviderCluster(sim);
    } catch (e) {
      progress(current || 'creating the cluster', 'failed', (e as Error).message);
      server.cluster(options.id)?.destroy();
      throw new ClusterStartError(current || 'creating the cluster', (e as Error).message, { cause: e });
    }
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await (await s).close();
  }
}

/** SimProviderCluster adapts a SimCluster to the provider's Cluster interface. */
class SimProviderCluster implements Cluster {
  /** tools are the terminal's modelled `ceph`, `rbd` and `showmount`, over this cluster's storage backends (whose startedAt a reset renews, as the toolbox pod sees it). */
  readonly tools = simClusterTools(() => this.sim.storage, () => this.sim.storage.startedAt);

  constructor(readonly sim: SimCluster) {}

  get id(): string {
    return this.sim.id;
  }

  kubeconfig(): string {
    return this.sim.kubeconfig();
  }

  /**
   * powerOff cuts a node's power: its simulated kubelet stops heartbeating,
   * and the node lifecycle controller takes it from there (Unknown after
   * the node-monitor grace period, taints, evictions).
   */
  async powerOff(node: NodeName): Promise<void> {
    powerOffNode(this.sim.controllers, node);
  }

  /** powerOn boots the node again: the kubelet posts Ready and resumes its heartbeat. */
  async powerOn(node: NodeName): Promise<void> {
    powerOnNode(this.sim.controllers, node);
  }

  onPowerChange(listener: (node: NodeName, on: boolean) => void): () => void {
    return this.sim.onPowerChange(listener);
  }

  async reset(onProgress?: (event: ProgressEvent) => void): Promise<void> {
    onProgress?.({ step: 'resetting the cluster', status: 'running' });
    this.sim.reset();
    onProgress?.({ step: 'resetting the cluster', status: 'done' });
  }

  async destroy(): Promise<void> {
    this.sim.destroy();
  }
}
