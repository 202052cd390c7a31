/**
 * ClusterProvider is what the sandbox asks of a place that can make clusters
 * (sim, kind, remote). Every provider gives the same cluster shape (see
 * DESIGN.md: nodes lab-control-plane, lab-worker, lab-worker2; NFS host `nfs`;
 * Ceph monitor `ceph:6789`; default StorageClass `standard`). Providers know
 * nothing of lessons.
 */
export interface ClusterProvider {
  /** name says which implementation this is; the server logs it and the page shows it. */
  readonly name: 'sim' | 'kind' | 'remote';
  /** simulated is true when the cluster models rather than runs workloads; the UI says so. */
  readonly simulated: boolean;
  /**
   * create makes a new cluster. It reports each bring-up step through
   * onProgress and rejects with a ClusterStartError when a step fails (having
   * torn down what it made).
   */
  create(options: CreateClusterOptions): Promise<Cluster>;
  /** restore brings back a cluster saved by Cluster.save (after a server restart). */
  restore?(options: RestoreClusterOptions): Promise<Cluster>;
  /** close releases everything the provider holds (listeners, containers). */
  close(): Promise<void>;
}

export interface CreateClusterOptions {
  /** id names the cluster; unique per provider; [a-z0-9-]{1,63}. */
  id: string;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface RestoreClusterOptions extends CreateClusterOptions {
  /** dir is the folder Cluster.save wrote. */
  dir: string;
}

/** ProgressEvent is one step of bring-up, as the learner sees it ("joining workers…"). */
export interface ProgressEvent {
  step: string;
  status: 'running' | 'done' | 'failed';
  detail?: string;
}

export type NodeName = 'lab-control-plane' | 'lab-worker' | 'lab-worker2' | (string & {});

/** Cluster is one learner's cluster. */
export interface Cluster {
  readonly id: string;
  /** kubeconfig returns a complete kubeconfig (YAML) whose current context reaches this cluster. */
  kubeconfig(): string;
  /** powerOff stops a node the way pulling its plug would: the kubelet stops heartbeating. */
  powerOff(node: NodeName): Promise<void>;
  powerOn(node: NodeName): Promise<void>;
  /**
   * onPowerChange tells listener whenever a node's power goes off or on,
   * whoever switched it (powerOff/powerOn, or a client of the cluster such as
   * `kslab solve` on the sim); returns an unsubscribe. Optional: a provider
   * without it only knows about its own powerOff/powerOn calls.
   */
  onPowerChange?(listener: (node: NodeName, on: boolean) => void): () => void;
  /** reset puts the cluster back to its freshly created state. */
  reset(onProgress?: (event: ProgressEvent) => void): Promise<void>;
  /** save writes what restore needs to bring the cluster back; optional for providers whose clusters outlive the server. */
  save?(dir: string): Promise<void>;
  /**
   * tools are the commands besides kubectl that the learner terminal offers
   * for this cluster (the sim's modelled `ceph`, `rbd`, `showmount`). Each
   * takes argv (without the command name) and returns its exit code.
   */
  tools?: Record<string, TerminalTool>;
  destroy(): Promise<void>;
}

export type TerminalTool = (argv: string[], io: ToolIO) => Promise<number>;

export interface ToolIO {
  stdout(text: string): void;
  stderr(text: string): void;
  signal: AbortSignal;
}

/** ClusterStartError says which bring-up step failed and why, in words for the learner. */
export class ClusterStartError extends Error {
  constructor(
    readonly step: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ClusterStartError';
  }
}
