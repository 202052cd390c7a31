/**
 * ContainerRuntime is what the API server asks of the node side when a
 * client streams into a pod: `kubectl exec`/`attach` and `kubectl logs`.
 * On a real cluster the apiserver proxies these to the kubelet
 * (pkg/registry/core/pod/rest/subresources.go → kubelet server.go); in the
 * simulation the kubelet model (sim part 3) implements this interface.
 * Until it exists a cluster has no runtime, and the server answers as a real
 * apiserver does for pods no kubelet runs (see ./pod-streams.ts).
 *
 * Implementations throw StatusError for kubelet-side refusals, with the
 * kubelet's wording (e.g. `container "c" in pod "p" is waiting to start: ContainerCreating`).
 */
import type { KObject } from '../store/types.ts';

/** TerminalSize is one resize message (channel 4): `{"Width":120,"Height":40}`. */
export interface TerminalSize {
  width: number;
  height: number;
}

/** ExecOptions says which streams the client asked for, and where output goes. */
export interface ExecOptions {
  /** stdin is true when the client sends input (kubectl -i). */
  stdin: boolean;
  /** tty is true for kubectl -t: one merged output stream, resize messages. */
  tty: boolean;
  /** stdout receives the process's standard output (and, with tty, everything). */
  stdout(data: Uint8Array): void;
  /** stderr receives standard error; never called with tty. */
  stderr(data: Uint8Array): void;
  /** signal aborts when the client goes away; the process should stop. */
  signal: AbortSignal;
  /**
   * terminalSize is the client's terminal size when the session starts (tty
   * only): kubectl sends it as its first resize message, and the process
   * should see it from its first instruction (`ls` lays out columns at once).
   */
  terminalSize?: TerminalSize;
}

/** ExecProcess is a running `exec`/`attach` session. */
export interface ExecProcess {
  /** write feeds bytes to the process's stdin. */
  write(data: Uint8Array): void;
  /** closeStdin signals end of input (v5 close frame, or the client closing stdin). */
  closeStdin(): void;
  /** resize reports a new terminal size (tty only). */
  resize(size: TerminalSize): void;
  /** exited resolves with the exit code once the process ends (0–255). */
  readonly exited: Promise<number>;
}

/** LogOptions are the PodLogOptions kubectl sends (`kubectl logs -f --tail --timestamps --previous --since`). */
export interface LogOptions {
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: Date;
  limitBytes?: number;
  signal: AbortSignal;
}

/** LogLine is one line a container wrote, with the time the runtime recorded it. */
export interface LogLine {
  time: Date;
  /** text without the trailing newline. */
  text: string;
}

export interface ContainerRuntime {
  /**
   * exec starts `argv` in a container of a pod. It throws StatusError when the
   * container can't take it (not running, not found).
   */
  exec(pod: KObject, container: string, argv: string[], options: ExecOptions): ExecProcess;
  /** attach connects to the container's main process (kubectl attach / run -it). */
  attach?(pod: KObject, container: string, options: ExecOptions): ExecProcess;
  /**
   * logs yields a container's log lines: the existing ones (honouring
   * tail/since/previous) and, with follow, new ones until the container stops
   * or options.signal aborts. It throws StatusError for the kubelet's refusals.
   */
  logs(pod: KObject, container: string, options: LogOptions): AsyncIterable<LogLine>;
}
