/**
 * kubectlPolicy decides whether an argv the learner typed after `kubectl` may
 * run, and rewrites the few flags that cannot work without a TTY. It is the
 * boundary between a learner and the machine the server runs on: kubectl runs
 * with the session's own kubeconfig, in the session's working folder, and
 * nothing the learner types may point it at another cluster, another
 * identity, a file outside that folder, or a plugin binary.
 *
 * Verbs are kubectl 1.33's built-in commands (`kubectl help`); anything else
 * would make kubectl look for a `kubectl-<name>` plugin on PATH
 * (https://kubernetes.io/docs/tasks/extend-kubectl/kubectl-plugins/), so it is
 * refused before kubectl sees it.
 */

/** builtinVerbs are the top-level commands of kubectl 1.33. */
export const builtinVerbs = [
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale',
  'certificate', 'cluster-info', 'top', 'cordon', 'uncordon', 'drain', 'taint', 'describe', 'logs', 'attach',
  'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff', 'apply', 'patch', 'replace', 'wait',
  'kustomize', 'label', 'annotate', 'completion', 'alpha', 'api-resources', 'api-versions', 'config', 'plugin',
  'version', 'options', 'help',
] as const;

/** refusedVerbs are built-in verbs the sandbox does not run, each with the reason shown to the learner. */
const refusedVerbs: Record<string, string> = {
  plugin: 'kubectl plugins are turned off in this sandbox.',
  edit: '`kubectl edit` needs a text editor, which this terminal does not have: use `kubectl patch`, or change the manifest and `kubectl apply -f FILE`.',
  proxy: '`kubectl proxy` would open a port on the server machine; it is not available in this sandbox.',
  'port-forward': '`kubectl port-forward` would open a port on the server machine; it is not available in this sandbox.',
  alpha: '`kubectl alpha` commands are not available in this sandbox.',
  kustomize: kustomizeRefusal(),
};

/**
 * kustomizeRefusal: a kustomization.yaml can name files and remote bases outside the
 * folder (load restrictions are a flag away), so kustomize is off; the lessons use `-f`.
 */
function kustomizeRefusal(): string {
  return 'kustomize (`kubectl kustomize`, `-k`) is not available in this sandbox: apply the lesson files with `kubectl apply -f FILE`.';
}

/** allowedConfigVerbs are the read-only `kubectl config` sub-commands; the others would rewrite the session's kubeconfig. */
const allowedConfigVerbs = new Set(['view', 'current-context', 'get-contexts', 'get-clusters', 'get-users']);

/**
 * refusedFlags point kubectl at another cluster, identity or local file; the
 * session's kubeconfig already says everything these would.
 */
const refusedFlags = new Set([
  'kubeconfig', 'token', 'server', 'as', 'as-group', 'as-uid', 'cache-dir', 'certificate-authority', 'client-key',
  'client-certificate', 'username', 'password', 'cluster', 'context', 'user', 'insecure-skip-tls-verify',
  'tls-server-name', 'profile-output', 'log-file', 'log-dir', 'log_file', 'log_dir', 'kuberc',
]);

/** refusedShortFlags: `-s` is kubectl's global shorthand for --server. */
const refusedShortFlags: Record<string, string> = { s: 'server' };

/** fileFlags take a local path (or `-`) that must stay inside the working folder. */
const fileFlags = new Set([
  'filename', 'kustomize', 'from-file', 'from-env-file', 'env-file', 'patch-file', 'output-directory', 'template',
]);

/** fileShortFlags: -f is --filename and -k is --kustomize for every verb except where noted in boolShortFlagsByVerb. */
const fileShortFlags: Record<string, string> = { f: 'filename', k: 'kustomize' };

/** valueShortFlags are kubectl's short flags that take a value (so what follows is not a new flag). */
const valueShortFlags = new Set(['f', 'k', 'o', 'l', 'n', 'c', 's', 'p', 'L', 'e', 'v']);

/**
 * longValueFlags are kubectl's long flags that take a value in the next word
 * (`--namespace default`); knowing them keeps that word from being read as the verb.
 * Only real value flags belong here: a boolean listed here would hide the next word.
 */
const longValueFlags = new Set([
  'namespace', 'request-timeout', 'v', 'vmodule', 'selector', 'output', 'field-selector', 'container', 'image',
  'replicas', 'type', 'patch', 'overrides', 'for', 'timeout', 'grace-period', 'since', 'tail', 'sort-by',
  'label-columns', 'chunk-size', 'field-manager', 'subresource', 'restart', 'port', 'target',
  'from-literal', 'image-pull-policy', 'pod-running-timeout', 'since-time', 'limit-bytes',
  'max-log-requests', 'to-revision', 'revision', 'current-replicas', 'min', 'max', 'cpu-percent',
  'copy-to', 'env', 'labels', 'api-version', 'role', 'clusterrole', 'serviceaccount', 'duration',
]);

/** boolShortFlagsByVerb lists short flags that a verb redefines as booleans (`kubectl logs -f` follows, `-p` previous). */
const boolShortFlagsByVerb: Record<string, Set<string>> = {
  logs: new Set(['f', 'p']),
  exec: new Set(['i', 't', 'q']),
  attach: new Set(['i', 't', 'q']),
  run: new Set(['i', 't', 'q']),
  debug: new Set(['i', 't', 'q']),
  get: new Set(['w', 'A']),
  delete: new Set(['A', 'R']),
  top: new Set(['A']),
  events: new Set(['A', 'w']),
};

/** ttyVerbs are where `-t`/`--tty` asks for a terminal; without a PTY we run them with pipes. */
const ttyVerbs = new Set(['exec', 'attach', 'run', 'debug']);

export type PolicyResult =
  | { ok: true; argv: string[]; notes: string[] }
  | { ok: false; message: string };

/**
 * checkKubectlArgs returns the argv to run (after `kubectl`) or why it is refused.
 * It never resolves paths against the real filesystem: any path argument must be
 * a plain relative path that cannot leave the working folder.
 */
export function checkKubectlArgs(args: readonly string[]): PolicyResult {
  const notes: string[] = [];
  const out: string[] = [];
  let verb: string | undefined;
  let subVerb: string | undefined;
  let afterDashDash = false;
  let ttyDropped = false;
  const refuse = (message: string): PolicyResult => ({ ok: false, message });

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (afterDashDash) {
      // After `--` the words are the container's command line (exec/run/debug): they
      // run in the cluster, not on this machine.
      out.push(arg);
      continue;
    }
    if (arg === '--') {
      afterDashDash = true;
      out.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inlineValue = eq < 0 ? undefined : arg.slice(eq + 1);
      if (refusedFlags.has(name)) return refuse(flagRefusal(name));
      if (name === 'kustomize') return refuse(kustomizeRefusal());
      if (name === 'tty' && verb && ttyVerbs.has(verb)) {
        ttyDropped = true;
        continue;
      }
      if (fileFlags.has(name)) {
        const value = inlineValue ?? args[i + 1];
        if (value === undefined) {
          out.push(arg);
          continue;
        }
        const err = checkFileValue(name, value);
        if (err) return refuse(err);
        out.push(arg);
        if (inlineValue === undefined) out.push(args[++i]!);
        continue;
      }
      if (name === 'output' || name === 'o') {
        const value = inlineValue ?? args[i + 1];
        const err = value === undefined ? undefined : checkOutputValue(value);
        if (err) return refuse(err);
      }
      if (name === 'raw') {
        // --raw takes an API path (`/api/v1/nodes`), not a file.
        out.push(arg);
        if (inlineValue === undefined && args[i + 1] !== undefined) out.push(args[++i]!);
        continue;
      }
      if (inlineValue !== undefined) {
        const err = checkLooseWord(inlineValue);
        if (err) return refuse(err);
      } else if (longValueFlags.has(name) && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) {
        // The value is data for kubectl (a namespace, a selector, a patch), never a local path.
        out.push(arg, args[++i]!);
        continue;
      }
      out.push(arg);
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short flags (`-it`, `-oyaml`, `-f=pod.yaml`, `-fpod.yaml`).
      const bools = (verb && boolShortFlagsByVerb[verb]) || new Set<string>();
      let rebuilt = '-';
      let consumedNext = false;
      for (let k = 1; k < arg.length; k++) {
        const f = arg[k]!;
        if (refusedShortFlags[f] && !bools.has(f)) return refuse(flagRefusal(refusedShortFlags[f]!));
        if (f === 't' && verb && ttyVerbs.has(verb)) {
          ttyDropped = true;
          continue;
        }
        if (valueShortFlags.has(f) && !bools.has(f)) {
          let value = arg.slice(k + 1);
          const inline = value.length > 0;
          if (value.startsWith('=')) value = value.slice(1);
          if (!inline) {
            const nextArg = args[i + 1];
            if (nextArg !== undefined) {
              value = nextArg;
              consumedNext = true;
            }
          }
          if (f === 'k') return refuse(kustomizeRefusal());
          if (fileShortFlags[f]) {
            const err = checkFileValue(fileShortFlags[f]!, value);
            if (err) return refuse(err);
          } else if (f === 'o') {
            const err = checkOutputValue(value);
            if (err) return refuse(err);
          }
          rebuilt += arg.slice(k);
          break;
        }
        rebuilt += f;
      }
      if (rebuilt !== '-') out.push(rebuilt);
      if (consumedNext) out.push(args[++i]!);
      continue;
    }
    // A positional word.
    if (verb === undefined) {
      verb = arg;
      if (!(builtinVerbs as readonly string[]).includes(arg)) {
        return refuse(
          `kubectl: "${arg}" is not a kubectl command here (plugins are turned off in this sandbox). Run \`kubectl help\` for the list.`,
        );
      }
      const reason = refusedVerbs[arg];
      if (reason) return refuse(reason);
      out.push(arg);
      continue;
    }
    if (subVerb === undefined) {
      subVerb = arg;
      if (verb === 'config' && !allowedConfigVerbs.has(arg)) {
        return refuse(
          `\`kubectl config ${arg}\` would change the sandbox's kubeconfig; only ${[...allowedConfigVerbs].map((v) => `\`config ${v}\``).join(', ')} are available.`,
        );
      }
    }
    if (verb === 'cp') {
      const err = checkCopyOperand(arg);
      if (err) return refuse(err);
      out.push(arg);
      continue;
    }
    const err = checkLooseWord(arg);
    if (err) return refuse(err);
    out.push(arg);
  }
  if (verb === 'config' && subVerb === undefined) {
    return refuse('`kubectl config` needs a sub-command; `kubectl config view` shows the sandbox\'s kubeconfig.');
  }
  if (ttyDropped) {
    notes.push('(this terminal has no TTY for kubectl: running without -t: type input lines; `exit` or Ctrl-D ends a shell, Ctrl-C stops the command)');
  }
  return { ok: true, argv: out, notes };
}

function flagRefusal(name: string): string {
  return `--${name} is not available here: kubectl in this terminal always talks to your own sandbox cluster, as you.`;
}

/** checkFileValue checks a value given to a flag that reads or writes a local file. */
function checkFileValue(flag: string, value: string): string | undefined {
  if (value === '-' && flag === 'filename') return undefined;
  // --from-file=key=path and --from-env-file take key=path; check the path part.
  const path = (flag === 'from-file' || flag === 'from-env-file') && value.includes('=') ? value.slice(value.indexOf('=') + 1) : value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    return `--${flag} ${value}: fetching files from the network is not available here; the lesson's manifests are in this folder (\`ls\`).`;
  }
  return pathProblem(path, `--${flag}`);
}

/** checkOutputValue checks `-o` values that name a template file (`jsonpath-file=`, `go-template-file=`, `template-file=`). */
function checkOutputValue(value: string): string | undefined {
  const m = /^(jsonpath-file|go-template-file|template-file|templatefile)=(.*)$/.exec(value);
  if (!m) return undefined;
  return pathProblem(m[2]!, `-o ${m[1]}`);
}

/** checkCopyOperand checks one operand of `kubectl cp`: `pod:path` is in the cluster, anything else is a local path. */
function checkCopyOperand(word: string): string | undefined {
  const colon = word.indexOf(':');
  const slash = word.indexOf('/');
  // kubectl cp treats `[ns/]pod:path` as remote; a local path may not contain ':' before its first '/'.
  if (colon > 0 && (slash < 0 || slash < colon)) return undefined;
  return pathProblem(word, 'kubectl cp');
}

/** checkLooseWord refuses positional words that look like paths outside the folder (a belt to checkFileValue's braces). */
function checkLooseWord(word: string): string | undefined {
  if (word.startsWith('/') || word.startsWith('~') || /(^|\/)\.\.(\/|$)/.test(word)) {
    return `${word}: paths outside this lesson's folder are not available here.`;
  }
  return undefined;
}

/** pathProblem says why a local path is refused, or undefined when it stays inside the working folder. */
export function pathProblem(path: string, what: string): string | undefined {
  if (path === '') return `${what} needs a file name`;
  if (path.startsWith('/') || path.startsWith('~')) {
    return `${what} ${path}: only files in this lesson's folder can be used (try \`ls\`); absolute paths are not available here.`;
  }
  if (path.split('/').some((part) => part === '..')) {
    return `${what} ${path}: only files in this lesson's folder can be used (try \`ls\`); \`..\` is not available here.`;
  }
  if (path.includes('\0')) return `${what}: invalid file name`;
  return undefined;
}
