/**
 * Log line formats of the provisioner processes, so `kubectl logs` of a
 * provisioner pod reads like the real one's:
 *
 * - klog (k8s.io/klog/v2 header `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`),
 *   what sig-storage-lib-external-provisioner, the CSI sidecars and ceph-csi write;
 * - logrus's TextFormatter without a TTY (`time="…" level=info msg="…"`),
 *   what rancher/local-path-provisioner writes for its own lines.
 *
 * The file:line of a klog header names the source file the real line comes
 * from; line numbers are the release's as far as we know them and are not
 * checked against the binary.
 */

/** KlogSeverity is klog's severity letter. */
export type KlogSeverity = 'I' | 'W' | 'E';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** klogLine formats one klog line (thread id 1: the sim's processes are PID 1 in their container). */
export function klogLine(now: Date, severity: KlogSeverity, source: string, message: string): string {
  // klog prints microseconds; a Date holds milliseconds, so the last three digits are the process clock's sub-millisecond part.
  const micros = pad(now.getUTCMilliseconds(), 3) + pad(Math.floor((performance.now() % 1) * 1000), 3);
  const header = `${severity}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${micros}`;
  return `${header} ${String(1).padStart(7, ' ')} ${source}] ${message}`;
}

/** goQuote is strconv.Quote for the ASCII text these logs carry: backslash, quote and control characters escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch < ' ') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** LogrusLevel is a logrus level name. */
export type LogrusLevel = 'debug' | 'info' | 'warning' | 'error' | 'fatal';

/** logrusLine formats one logrus TextFormatter line (full RFC 3339 time to the second, msg always quoted as it holds spaces). */
export function logrusLine(now: Date, level: LogrusLevel, message: string): string {
  const time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `time="${time}" level=${level} msg=${goQuote(message)}`;
}

/** klogEventLine is client-go's event broadcaster log line (record/event.go StartLogging, structured since 1.27). */
export function klogEventLine(now: Date, object: { namespace?: string; name: string; kind: string; apiVersion: string }, type: string, reason: string, message: string): string {
  const ref = object.namespace ? `${object.namespace}/${object.name}` : object.name;
  return klogLine(
    now,
    'I',
    'event.go:389',
    `"Event occurred" object=${goQuote(ref)} fieldPath="" kind=${goQuote(object.kind)} apiVersion=${goQuote(object.apiVersion)} type=${goQuote(type)} reason=${goQuote(reason)} message=${goQuote(message)}`,
  );
}
