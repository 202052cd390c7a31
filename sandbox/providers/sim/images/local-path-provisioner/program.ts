/**
 * localPathProvisionerProgram is `local-path-provisioner --debug start
 * --helper-image … --config /etc/config/config.json` as kind runs it. The
 * provisioning itself is the simulated control plane's
 * ExternalProvisionerController + LocalPathProvisioner
 * (../../controllers/provisioners/); this program is the pod that runs it:
 * it checks its command line and mounted config file like the real binary,
 * attaches to the controller through the container's ClusterLink (from then
 * on claims of rancher.io/local-path are provisioned, events name this pod,
 * and the provisioner's log lines land in this container's log) and detaches
 * when the container stops, after which nothing is provisioned until a pod
 * runs it again.
 */
import type { Program, ProgramContext, SignalName } from '../../containers/program.ts';
import { localPathProvisionerKey } from '../../controllers/provisioners/service-keys.ts';
import { logrusLine } from '../../controllers/provisioners/log-format.ts';

/** untilStopped resolves with the signal that stops a stand-in process: a catchable one it handles, or KILL. */
export function untilStopped(ctx: ProgramContext): Promise<SignalName> {
  return new Promise<SignalName>((resolve) => {
    ctx.onSignal((s) => resolve(s));
    if (ctx.signal.aborted) resolve('KILL');
    else ctx.signal.addEventListener('abort', () => resolve('KILL'), { once: true });
  });
}

/** exitStatusAfter is the status a Go program ends with after a signal: 0 when it shuts down on TERM/INT itself, 128+9 when killed. */
export function exitStatusAfter(signal: SignalName): number {
  return signal === 'KILL' ? 137 : 0;
}

interface Flags {
  debug: boolean;
  command?: string;
  values: Map<string, string>;
}

/** parseFlags reads urfave/cli style flags (`--name value`, `--name=value`) around one subcommand. */
function parseFlags(args: string[]): Flags | string {
  const out: Flags = { debug: false, values: new Map() };
  const valued = new Set(['config', 'helper-image', 'provisioner-name', 'namespace', 'service-account-name', 'configmap-name', 'kubeconfig', 'worker-threads', 'provisioning-retry-count', 'deletion-retry-count', 'helper-pod-file']);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--debug' || a === '-d') {
      out.debug = true;
      continue;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!valued.has(name)) return `flag provided but not defined: -${name}`;
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) return `flag needs an argument: -${name}`;
      out.values.set(name, value);
      continue;
    }
    if (!out.command) out.command = a;
  }
  return out;
}

export const localPathProvisionerProgram: Program = async (ctx) => {
  const out = (line: string) => ctx.stderr.write(line + '\n');
  const now = () => ctx.clock.now();
  const flags = parseFlags(ctx.argv.slice(1));
  if (typeof flags === 'string') {
    out(`Incorrect Usage: ${flags}`);
    return 1;
  }
  if (flags.command !== 'start') {
    // Without `start` the real binary prints its usage and exits.
    ctx.stdout.write('NAME:\n   local-path-provisioner - Local Path Provisioner\n\nUSAGE:\n   local-path-provisioner [global options] command [command options] [arguments...]\n\nCOMMANDS:\n   start    Start a local path provisioner\n   help, h  Shows a list of commands or help for one command\n');
    return flags.command === undefined || flags.command === 'help' ? 0 : 3;
  }
  const fatal = (msg: string) => {
    out(logrusLine(now(), 'fatal', `Error starting daemon: ${msg}`));
    return 1;
  };
  const configFile = flags.values.get('config') ?? '';
  if (!configFile) return fatal('invalid empty flag config');
  if (!flags.values.get('helper-image') && !flags.values.get('helper-pod-file')) {
    // kind passes --helper-image; the helper pod itself comes from helperPod.yaml next to config.json.
  }
  if (!ctx.fs.exists(configFile)) return fatal(`fail to load config file ${configFile}: open ${configFile}: no such file or directory`);
  const namespace = flags.values.get('namespace') ?? ctx.env.get('POD_NAMESPACE') ?? '';
  if (!namespace) return fatal('invalid empty flag namespace and it also does not exist at environment variable POD_NAMESPACE');
  out(logrusLine(now(), 'info', 'kslab: this container stands in for rancher/local-path-provisioner; the simulated cluster (kslab sim) runs the provisioner in its control plane and writes its log here'));
  const controller = ctx.cluster?.service(localPathProvisionerKey);
  if (!controller || !ctx.cluster) return fatal('unable to get client config: the simulated cluster offers no local-path provisioner to this container');
  const pod = ctx.cluster.pod;
  const attachment = controller.attach({
    pod: { namespace: pod.namespace, name: pod.name, node: pod.node },
    log: (line) => {
      // --debug shows debug lines; without it logrus drops them.
      if (!flags.debug && line.includes(' level=debug ')) return;
      out(line);
    },
  });
  const signal = await untilStopped(ctx);
  attachment.detach();
  if (signal !== 'KILL') out(logrusLine(now(), 'info', 'stop watching config file'));
  return exitStatusAfter(signal);
};
