/**
 * EchoRuntimeTestDouble is a ContainerRuntime for tests only: it proves the
 * exec/attach/log wire protocols without the kubelet model. `exec` writes
 * `ran: <argv>` to stdout, echoes stdin back (upper-cased on stderr too, so
 * the two channels are told apart), reports resizes on stdout, and exits
 * with the code given as `exit N` in the last argv element (0 otherwise)
 * once stdin closes (or at once without stdin). `logs` yields the lines a
 * test registered for a container.
 */
import type { ContainerRuntime, ExecOptions, ExecProcess, LogLine, LogOptions, TerminalSize } from '../../../sandbox/providers/sim/streams/types.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

export class EchoRuntimeTestDouble implements ContainerRuntime {
  /** logLines per `namespace/pod/container`. */
  readonly logLines = new Map<string, LogLine[]>();
  /** followLines are emitted one by one (10 ms apart) after the stored lines when following. */
  readonly followLines = new Map<string, string[]>();

  exec(_pod: KObject, _container: string, argv: string[], o: ExecOptions): ExecProcess {
    const enc = new TextEncoder();
    const m = /exit (\d+)/.exec(argv[argv.length - 1] ?? '');
    const code = m ? Number(m[1]) : 0;
    let finish!: (code: number) => void;
    const exited = new Promise<number>((r) => (finish = r));
    o.stdout(enc.encode(`ran: ${argv.join(' ')}\n`));
    if (!o.stdin) setTimeout(() => finish(code), 5);
    return {
      write: (data) => {
        o.stdout(data);
        o.stderr(enc.encode(new TextDecoder().decode(data).toUpperCase()));
      },
      closeStdin: () => setTimeout(() => finish(code), 5),
      resize: (size: TerminalSize) => o.stdout(enc.encode(`resize ${size.width}x${size.height}\n`)),
      exited,
    };
  }

  async *logs(pod: KObject, container: string, o: LogOptions): AsyncIterable<LogLine> {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}/${container}`;
    let lines = this.logLines.get(key) ?? [];
    if (o.tailLines !== undefined) lines = lines.slice(Math.max(0, lines.length - o.tailLines));
    for (const l of lines) yield l;
    if (!o.follow) return;
    for (const text of this.followLines.get(key) ?? []) {
      await new Promise((r) => setTimeout(r, 10));
      if (o.signal.aborted) return;
      yield { time: new Date('2025-01-02T03:04:05.678Z'), text };
    }
  }
}
