/**
 * The toolbox's `ceph` and `rbd` programs: the sandbox terminal's
 * implementations (../../ceph/tools/) run inside a container, against the
 * cluster's Ceph model reached through the container's ClusterLink
 * (storageBackendsKey). Before running a command they do what librados does
 * on connect (src/librados/RadosClient.cc connect(), src/common/config.cc):
 * read the config file (`-c`, default /etc/ceph/ceph.conf), find the
 * client's key in the keyring (`-k`, default /etc/ceph/keyring and
 * /etc/ceph/ceph.client.<id>.keyring) and authenticate to the monitor with
 * it, so a toolbox whose mounted config or key is wrong fails as a real one
 * does. The output of a command is the terminal tool's, byte for byte.
 */
import type { Program, ProgramContext } from '../../containers/program.ts';
import type { ToolIO } from '../../../types.ts';
import { storageBackendsKey, type StorageBackends } from '../../dataroot/storage-backends.ts';
import { cephTool, rbdTool, CEPH_ADDRESS } from '../../ceph/tools/index.ts';
import { CephError } from '../../ceph/ceph-cluster.ts';
import { clusterShape } from '../../../cluster-shape.ts';

/** ConnectOptions are the global connection flags both CLIs take. */
interface ConnectOptions {
  conf: string;
  keyring?: string;
  id: string;
}

/** connectOptions reads -c/--conf, -k/--keyring, --id/--user, -n/--name from argv (both `--x v` and `--x=v`). */
export function connectOptions(argv: string[]): ConnectOptions {
  const o: ConnectOptions = { conf: '/etc/ceph/ceph.conf', id: 'admin' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = () => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : argv[++i]);
    if (flag === '-c' || flag === '--conf') o.conf = value() ?? o.conf;
    else if (flag === '-k' || flag === '--keyring') o.keyring = value();
    else if (flag === '--id' || flag === '--user' || flag === '-i') o.id = value() ?? o.id;
    else if (flag === '-n' || flag === '--name') o.id = (value() ?? `client.${o.id}`).replace(/^client\./, '');
  }
  return o;
}

/** parseIni reads ceph's INI format: `[section]`, `key = value` (spaces and underscores in keys are the same). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  sections.set('global', current);
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[;#].*$/, '').trim();
    if (!line) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      const name = sec[1]!.trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    current.set(line.slice(0, eq).trim().replace(/[ _]+/g, '_'), line.slice(eq + 1).trim());
  }
  return sections;
}

function readText(ctx: ProgramContext, path: string): string | undefined {
  try {
    return ctx.fs.readText(path);
  } catch {
    return undefined;
  }
}

/** monitorReachable: mon_host names the lab's monitor (by name or address, with or without the v1 port). */
function monitorReachable(monHost: string): boolean {
  const [host] = clusterShape.ceph.monitor.split(':');
  return monHost.split(/[\s,]+/).some((m) => {
    const addr = m.replace(/^\[?(v[12]:)?/, '').replace(/(\/\d+)?\]?$/, '');
    const name = addr.replace(/:(3300|6789)$/, '');
    return name === host || name === CEPH_ADDRESS;
  });
}

/**
 * connect checks what librados checks before a command reaches the monitor.
 * It returns an exit status when the connection fails (having printed the
 * client's error), or undefined when the client is in.
 */
function connect(ctx: ProgramContext, tool: 'ceph' | 'rbd', backends: StorageBackends | undefined, o: ConnectOptions): number | undefined {
  const err = (text: string) => ctx.stderr.write(text);
  // rbd prints librados' reason and then its own one-liner; ceph prints the Python binding's exception.
  const fail = (reason: string, cephLine: string, code: number): number => {
    if (tool === 'rbd') {
      err(`${reason}\nrbd: couldn't connect to the cluster!\n`);
      return 1;
    }
    err(`${reason ? reason + '\n' : ''}${cephLine}\n`);
    return code;
  };
  const conf = readText(ctx, o.conf);
  if (conf === undefined) {
    return fail(`global_init: unable to open config file from search list ${o.conf}`, "Error initializing cluster client: ObjectNotFound('RADOS object not found (error calling conf_read_file)')", 1);
  }
  const ini = parseIni(conf);
  const global = ini.get('global')!;
  const monHost = global.get('mon_host');
  if (!monHost) return fail('unable to get monitor info from DNS SRV with service name: ceph-mon', '[errno 2] RADOS object not found (error connecting to the cluster)', 2);
  // No monitor answers at any other address. A real client retries for client_mount_timeout (300 s); the simulation answers at once.
  if (!monitorReachable(monHost) || !backends) return fail('', '[errno 110] RADOS timed out (error connecting to the cluster)', 110);
  const keyringPaths = o.keyring ? [o.keyring] : ['/etc/ceph/ceph.client.' + o.id + '.keyring', '/etc/ceph/ceph.keyring', '/etc/ceph/keyring', '/etc/ceph/keyring.bin'];
  let key: string | undefined;
  for (const p of keyringPaths) {
    const text = readText(ctx, p);
    if (text === undefined) continue;
    key = parseIni(text).get(`client.${o.id}`)?.get('key');
    if (key) break;
  }
  if (!key) {
    return fail(`auth: unable to find a keyring on ${keyringPaths.join(',')}: (2) No such file or directory\nmonclient: keyring not found`, '[errno 2] RADOS object not found (error connecting to the cluster)', 2);
  }
  try {
    backends.ceph.authenticate(o.id, key);
  } catch (e) {
    if (e instanceof CephError) return fail('monclient(hunting): handle_auth_bad_method server allowed_methods [2] but i only support [2,1]', '[errno 13] RADOS permission denied (error connecting to the cluster)', 13);
    throw e;
  }
  return undefined;
}

/** clientProgram makes the `ceph` or `rbd` executable of the toolbox image. */
export function clientProgram(tool: 'ceph' | 'rbd'): Program {
  return async (ctx) => {
    const args = ctx.argv.slice(1);
    const backends = ctx.cluster?.service(storageBackendsKey);
    const refused = connect(ctx, tool, backends, connectOptions(args));
    if (refused !== undefined) return refused;
    const cephCtx = { ceph: backends!.ceph, dataRoot: backends!.dataRoot, startedAt: backends!.startedAt };
    const io: ToolIO = { stdout: (t) => ctx.stdout.write(t), stderr: (t) => ctx.stderr.write(t), signal: ctx.signal };
    return (tool === 'ceph' ? cephTool(cephCtx) : rbdTool(cephCtx))(args, io);
  };
}
