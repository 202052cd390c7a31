/**
 * `kslab sim --kubeconfig FILE [--port N] [--id ID]` runs one simulated
 * cluster in the foreground: it starts the simulated API server, writes a
 * normal kubeconfig (CA data included, so kubectl needs no flags) to FILE
 * once the cluster is ready, and exits cleanly on SIGINT/SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command } from '../main.ts';

const help = `usage: kslab sim --kubeconfig FILE [--port N] [--id ID]

Runs a simulated Kubernetes cluster (kslab-sim) in the foreground and writes
its kubeconfig to FILE once it is ready. Stop it with Ctrl-C.

  --kubeconfig FILE   where to write the kubeconfig (required)
  --port N            port to listen on (default: a free port)
  --id ID             cluster id in the URL path (default: sim-<random>)
`;

interface SimArgs {
  kubeconfig?: string;
  port: number;
  id: string;
  help: boolean;
}

/** parseSimArgs reads the flags; both `--flag value` and `--flag=value` work. */
export function parseSimArgs(argv: string[]): SimArgs {
  const out: SimArgs = { port: 0, id: `sim-${randomBytes(3).toString('hex')}`, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--kubeconfig':
        out.kubeconfig = value();
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: "${v}" is not a port number`);
        out.port = n;
        break;
      }
      case '--id':
        out.id = value();
        break;
      case '-h':
      case '--help':
        out.help = true;
        break;
      default:
        throw new Error(`unknown option "${a}"`);
    }
  }
  return out;
}

export const summary = 'run a simulated cluster in the foreground and write its kubeconfig';

export async function run(argv: string[]): Promise<number> {
  let args: SimArgs;
  try {
    args = parseSimArgs(argv);
  } catch (e) {
    process.stderr.write(`kslab sim: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(help);
    return 0;
  }
  if (!args.kubeconfig) {
    process.stderr.write(`kslab sim: --kubeconfig FILE is required\n\n${help}`);
    return 2;
  }
  const { SimServer } = await import('../../providers/sim/server/sim-server.ts');
  const server = await SimServer.start({ host: '127.0.0.1', port: args.port });
  const cluster = server.createCluster({ id: args.id });
  const file = resolve(args.kubeconfig);
  writeFileSync(file, cluster.kubeconfig(), { mode: 0o600 });
  process.stdout.write(
    `kslab sim: simulated cluster "${cluster.id}" ready at ${cluster.url}\n` +
      `kslab sim: kubeconfig written to ${file}\n` +
      `kslab sim: try  KUBECONFIG=${file} kubectl get nodes   (Ctrl-C stops the cluster)\n`,
  );
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      process.stdout.write(`kslab sim: ${signal} received, stopping\n`);
      done();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  return 0;
}

const command: Command = { summary, run };
export default command;
