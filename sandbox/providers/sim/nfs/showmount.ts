/**
 * showmountTool is the learner terminal's `showmount`, asking the simulated
 * NFS server's mount daemon what it exports and who mounts it. Output follows
 * nfs-utils utils/showmount/showmount.c: a header line (`Export list for nfs:`,
 * `All mount points on nfs:`, `Directories on nfs:`, `Hosts on nfs:`), then
 * one line per entry; exports are the path padded to the longest one, a space,
 * and the client list joined with commas.
 */
import type { TerminalTool, ToolIO } from '../../types.ts';
import { EXPORT_PATH, type NfsServer } from './server.ts';

/** SHOWMOUNT_VERSION is the nfs-utils release Debian 12 ships (what `showmount -v` names). */
const SHOWMOUNT_VERSION = '2.6.2';

const USAGE =
  'Usage: showmount [-adehv]\n' +
  '       [--all] [--directories] [--exports]\n' +
  '       [--no-headers] [--help] [--version] [host]\n';

type Mode = 'hosts' | 'all' | 'dirs' | 'exports';

/** showmountTool binds the command to one cluster's NFS server. */
export function showmountTool(server: NfsServer): TerminalTool {
  return async (argv: string[], io: ToolIO): Promise<number> => showmount(server, argv, io);
}

function showmount(server: NfsServer, argv: string[], io: ToolIO): number {
  let mode = 'hosts' as Mode;
  let headers = true;
  const hosts: string[] = [];
  const setMode = (m: Mode) => {
    mode = m;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      hosts.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const long = arg.slice(2);
      const known: Record<string, () => void> = {
        all: () => setMode('all'),
        directories: () => setMode('dirs'),
        exports: () => setMode('exports'),
        'no-headers': () => (headers = false),
      };
      if (long === 'help') {
        io.stdout(USAGE);
        return 0;
      }
      if (long === 'version') {
        io.stdout(`showmount for ${SHOWMOUNT_VERSION}\n`);
        return 0;
      }
      const action = known[long];
      if (!action) {
        io.stderr(`showmount: unrecognized option '${arg}'\n${USAGE}`);
        return 1;
      }
      action();
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (const ch of arg.slice(1)) {
        if (ch === 'a') setMode('all');
        else if (ch === 'd') setMode('dirs');
        else if (ch === 'e') setMode('exports');
        else if (ch === 'h') {
          io.stdout(USAGE);
          return 0;
        } else if (ch === 'v') {
          io.stdout(`showmount for ${SHOWMOUNT_VERSION}\n`);
          return 0;
        } else {
          io.stderr(`showmount: invalid option -- '${ch}'\n${USAGE}`);
          return 1;
        }
      }
      continue;
    }
    hosts.push(arg);
  }
  if (hosts.length > 1) {
    io.stderr(USAGE);
    return 1;
  }
  // Without a host showmount asks localhost; the learner terminal runs no mountd.
  const host = hosts[0] ?? 'localhost';
  if (host === 'localhost' || host === '127.0.0.1') {
    io.stderr('clnt_create: RPC: Program not registered\n');
    return 1;
  }
  if (!server.resolves(host)) {
    io.stderr('clnt_create: RPC: Unknown host\n');
    return 1;
  }
  if (!server.isRunning()) {
    io.stderr('clnt_create: RPC: Timed out\n');
    return 1;
  }

  const out: string[] = [];
  const mounts = server.clientMounts();
  switch (mode) {
    case 'exports':
      if (headers) out.push(`Export list for ${host}:`);
      out.push(`${EXPORT_PATH} *`);
      break;
    case 'all':
      if (headers) out.push(`All mount points on ${host}:`);
      for (const line of unique(mounts.map((m) => `${m.client}:${m.path}`))) out.push(line);
      break;
    case 'dirs':
      if (headers) out.push(`Directories on ${host}:`);
      for (const line of unique(mounts.map((m) => m.path).sort())) out.push(line);
      break;
    case 'hosts':
      if (headers) out.push(`Hosts on ${host}:`);
      for (const line of unique(mounts.map((m) => m.client).sort())) out.push(line);
      break;
  }
  io.stdout(out.map((l) => l + '\n').join(''));
  return 0;
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}
