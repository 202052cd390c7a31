/**
 * rbdTool is the learner terminal's `rbd` command over the simulated
 * cluster's CephCluster state: `ls [-l]`, `info`, `status` (watchers — a node
 * that mapped the image for a pod shows up with the node's address), `du`,
 * `create` and `rm`, with the real CLI's layout (src/tools/rbd/action/*.cc)
 * and its error lines (`rbd: error opening image x: (2) No such file or
 * directory`). Image names are `[pool/]image`, or `-p pool image`, or
 * `--pool pool --image image`; the default pool is `rbd`.
 *
 * `map`, `unmap`, `device` and the rest need a kernel and a node; the
 * terminal is neither, so those say so instead of pretending.
 */
import type { TerminalTool, ToolIO } from '../../../types.ts';
import { CephError, type RbdImage } from '../ceph-cluster.ts';
import { formatBytes, formatCtime, formatTable } from './format.ts';
import { imageUsedBytes, objectSize, type CephToolsContext } from './context.ts';

const DEFAULT_POOL = 'rbd';

/** NODE_ONLY_COMMANDS exist in rbd but act on the local kernel; the learner terminal has no RBD devices. */
const NODE_ONLY_COMMANDS = new Set(['map', 'unmap', 'device', 'showmapped', 'nbd']);

const KNOWN_COMMANDS = ['ls', 'list', 'info', 'status', 'du', 'disk-usage', 'create', 'rm', 'remove', 'help'];

/** rbdTool binds the command to one cluster's Ceph state. */
export function rbdTool(ctx: CephToolsContext): TerminalTool {
  return async (argv: string[], io: ToolIO): Promise<number> => rbd(ctx, argv, io);
}

interface RbdArgs {
  positional: string[];
  pool?: string;
  image?: string;
  long: boolean;
  size?: string;
  features: string[];
  noProgress: boolean;
}

/** OPTIONS_WITH_VALUE take the next argument (or `--opt=value`). */
const OPTIONS_WITH_VALUE: Record<string, keyof RbdArgs | 'ignore'> = {
  '-p': 'pool',
  '--pool': 'pool',
  '--image': 'image',
  '-s': 'size',
  '--size': 'size',
  '--image-feature': 'features',
  '--id': 'ignore',
  '--user': 'ignore',
  '-n': 'ignore',
  '--name': 'ignore',
  '-c': 'ignore',
  '--conf': 'ignore',
  '-k': 'ignore',
  '--keyring': 'ignore',
  '-m': 'ignore',
  '--mon_host': 'ignore',
  '--cluster': 'ignore',
  '--image-format': 'ignore',
  '--format': 'ignore',
};

function parse(argv: string[]): RbdArgs | string {
  const a: RbdArgs = { positional: [], long: false, features: [], noProgress: false };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '-l' || arg === '--long') {
      a.long = true;
      continue;
    }
    if (arg === '--no-progress') {
      a.noProgress = true;
      continue;
    }
    const target = OPTIONS_WITH_VALUE[arg];
    if (target) {
      if (value === undefined) value = argv[++i];
      if (value === undefined) return `the required argument for option '${arg.replace(/^-+/, '--')}' is missing`;
      if (arg === '--format' && value !== 'plain') return `--format ${value} is not available in this simulated terminal (it prints plain text only)`;
      if (target === 'features') a.features.push(...value.split(','));
      else if (target !== 'ignore') (a as unknown as Record<string, string>)[target] = value;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') return `unrecognised option '${arg}'`;
    a.positional.push(arg);
  }
  return a;
}

function rbd(ctx: CephToolsContext, argv: string[], io: ToolIO): number {
  const parsed = parse(argv);
  if (typeof parsed === 'string') {
    io.stderr(`rbd: ${parsed}\n`);
    return 1;
  }
  const [command, ...rest] = parsed.positional;
  if (!command) {
    io.stderr(usage());
    return 1;
  }
  if (NODE_ONLY_COMMANDS.has(command)) {
    io.stderr(`rbd: '${command}' maps images into a node's kernel; this simulated terminal is not a node (ceph-csi maps images on the node that runs the pod)\n`);
    return 1;
  }
  if (!KNOWN_COMMANDS.includes(command)) {
    io.stderr(`rbd: error parsing command '${command}'; -h or --help for usage\n`);
    return 1;
  }
  const args = { ...parsed, positional: rest };
  try {
    switch (command) {
      case 'help':
        io.stdout(usage());
        return 0;
      case 'ls':
      case 'list':
        return ls(ctx, args, io);
      case 'info':
        return withImage(ctx, args, io, (img) => info(img, io));
      case 'status':
        return withImage(ctx, args, io, (img) => watchers(img, io));
      case 'du':
      case 'disk-usage':
        return du(ctx, args, io);
      case 'create':
        return create(ctx, args, io);
      case 'rm':
      case 'remove':
        return remove(ctx, args, io);
    }
  } catch (e) {
    if (e instanceof CephError) {
      io.stderr(`rbd: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  return 1;
}

/** imageSpec splits `[pool/[namespace/]]image` (src/tools/rbd/Utils.cc extract_spec) with -p/--image taking their places. */
function imageSpec(args: RbdArgs): { pool: string; image?: string } {
  const spec = args.image ?? args.positional[0];
  if (spec === undefined) return { pool: args.pool ?? DEFAULT_POOL };
  const parts = spec.split('/');
  if (parts.length >= 2) return { pool: parts[0]!, image: parts[parts.length - 1]! };
  return { pool: args.pool ?? DEFAULT_POOL, image: spec };
}

function poolExists(ctx: CephToolsContext, pool: string): boolean {
  return ctx.ceph.pool(pool) !== undefined;
}

function withImage(ctx: CephToolsContext, args: RbdArgs, io: ToolIO, then: (img: RbdImage) => number): number {
  const { pool, image } = imageSpec(args);
  if (!image) {
    io.stderr('rbd: image name was not specified\n');
    return 1;
  }
  if (!poolExists(ctx, pool)) {
    io.stderr(`rbd: error opening pool '${pool}': (2) No such file or directory\n`);
    return 2;
  }
  const img = ctx.ceph.image(pool, image);
  if (!img) {
    io.stderr(`rbd: error opening image ${image}: (2) No such file or directory\n`);
    return 2;
  }
  return then(img);
}

function ls(ctx: CephToolsContext, args: RbdArgs, io: ToolIO): number {
  const pool = args.positional[0]?.replace(/\/.*$/, '') ?? args.pool ?? DEFAULT_POOL;
  if (!poolExists(ctx, pool)) {
    io.stderr(`rbd: error opening pool '${pool}': (2) No such file or directory\n`);
    return 2;
  }
  const images = ctx.ceph.images(pool);
  if (!args.long) {
    io.stdout(images.map((i) => `${i.name}\n`).join(''));
    return 0;
  }
  if (images.length === 0) return 0;
  io.stdout(
    formatTable(
      [
        { name: 'NAME', align: 'left' },
        { name: 'SIZE', align: 'right', headerAlign: 'left' },
        { name: 'PARENT', align: 'left' },
        { name: 'FMT', align: 'right', headerAlign: 'left' },
        { name: 'PROT', align: 'left' },
        { name: 'LOCK', align: 'left' },
      ],
      images.map((i) => [i.name, formatBytes(i.sizeBytes), '', '2', '', '']),
    ),
  );
  return 0;
}

/** info is `rbd info` (src/tools/rbd/action/Info.cc do_show_info, plain format). */
function info(img: RbdImage, io: ToolIO): number {
  const obj = objectSize(img);
  io.stdout(
    `rbd image '${img.name}':\n` +
      `\tsize ${formatBytes(img.sizeBytes)} in ${Math.ceil(img.sizeBytes / obj)} objects\n` +
      `\torder ${img.order} (${formatBytes(obj)} objects)\n` +
      `\tsnapshot_count: 0\n` +
      `\tid: ${img.id}\n` +
      `\tblock_name_prefix: rbd_data.${img.id}\n` +
      `\tformat: 2\n` +
      `\tfeatures: ${img.features.join(', ')}\n` +
      `\top_features: \n` +
      `\tflags: \n` +
      `\tcreate_timestamp: ${formatCtime(new Date(img.created))}\n` +
      `\taccess_timestamp: ${formatCtime(new Date(img.accessed))}\n` +
      `\tmodify_timestamp: ${formatCtime(new Date(img.modified))}\n`,
  );
  return 0;
}

/** watchers is `rbd status` (Status.cc): one line per client that has the image open — a node that mapped it. */
function watchers(img: RbdImage, io: ToolIO): number {
  if (img.watchers.length === 0) {
    io.stdout('Watchers: none\n');
    return 0;
  }
  io.stdout(`Watchers:\n${img.watchers.map((w) => `\twatcher=${w.address} ${w.client} cookie=${w.cookie}\n`).join('')}`);
  return 0;
}

/** du is `rbd du` (DiskUsage.cc): provisioned and used per image; a <TOTAL> row when listing a whole pool. */
function du(ctx: CephToolsContext, args: RbdArgs, io: ToolIO): number {
  const { pool, image } = imageSpec(args);
  if (!poolExists(ctx, pool)) {
    io.stderr(`rbd: error opening pool '${pool}': (2) No such file or directory\n`);
    return 2;
  }
  let images = ctx.ceph.images(pool);
  if (image) {
    images = images.filter((i) => i.name === image);
    if (images.length === 0) {
      io.stderr(`rbd: error opening image ${image}: (2) No such file or directory\n`);
      return 2;
    }
  }
  if (images.length === 0) return 0;
  const rows: string[][] = [];
  let prov = 0;
  let used = 0;
  for (const img of images) {
    // Without the fast-diff feature rbd has to scan every object, and says so.
    if (!img.features.includes('fast-diff')) io.stderr(`warning: fast-diff map is not enabled for ${img.name}. operation may be slow.\n`);
    const u = imageUsedBytes(ctx, img);
    prov += img.sizeBytes;
    used += u;
    rows.push([img.name, formatBytes(img.sizeBytes), formatBytes(u)]);
  }
  if (!image && images.length > 1) rows.push(['<TOTAL>', formatBytes(prov), formatBytes(used)]);
  io.stdout(
    formatTable(
      [
        { name: 'NAME', align: 'left' },
        { name: 'PROVISIONED', align: 'right', headerAlign: 'left' },
        { name: 'USED', align: 'right', headerAlign: 'left' },
      ],
      rows,
    ),
  );
  return 0;
}

/** parseSize reads `--size`: a number of MiB, or with a B/K/M/G/T suffix (Utils.cc, size_t with default unit M). */
function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGTP]?)(i?B)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? '').toUpperCase();
  const pow = unit === '' ? (m[3] ? 0 : 2) : 'BKMGTP'.indexOf(unit);
  const bytes = Math.floor(Number(m[1]) * 1024 ** pow);
  return bytes > 0 ? bytes : undefined;
}

/** validImageName: what librbd accepts as a name and the data root can hold as a folder. */
function validImageName(name: string): boolean {
  return name !== '.' && name !== '..' && /^[^/@\s\0]{1,250}$/.test(name);
}

function create(ctx: CephToolsContext, args: RbdArgs, io: ToolIO): number {
  const { pool, image } = imageSpec(args);
  if (!image) {
    io.stderr('rbd: image name was not specified\n');
    return 1;
  }
  if (!validImageName(image)) {
    io.stderr(`rbd: invalid image name '${image}'\n`);
    return 22;
  }
  if (args.size === undefined) {
    io.stderr('rbd: must specify --size <M/G/T>\n');
    return 1;
  }
  const size = parseSize(args.size);
  if (size === undefined) {
    io.stderr(`rbd: invalid size '${args.size}'\n`);
    return 1;
  }
  if (!poolExists(ctx, pool)) {
    io.stderr(`rbd: error opening pool '${pool}': (2) No such file or directory\n`);
    return 2;
  }
  try {
    ctx.ceph.createImage(pool, image, size, args.features.length ? args.features : ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten']);
  } catch (e) {
    if (e instanceof CephError) {
      io.stderr(`rbd: create error: (${e.code}) ${e.strerror}\n`);
      return 1;
    }
    throw e;
  }
  return 0;
}

function remove(ctx: CephToolsContext, args: RbdArgs, io: ToolIO): number {
  const { pool, image } = imageSpec(args);
  if (!image) {
    io.stderr('rbd: image name was not specified\n');
    return 1;
  }
  if (!poolExists(ctx, pool)) {
    io.stderr(`rbd: error opening pool '${pool}': (2) No such file or directory\n`);
    return 2;
  }
  const img = ctx.ceph.image(pool, image);
  if (!img) {
    io.stderr(`rbd: delete error: (2) No such file or directory\n`);
    return 2;
  }
  if (img.watchers.length > 0) {
    io.stderr(
      'rbd: error: image still has watchers\n' +
        'This means the image is still open or the client using it crashed. Try again after closing/unmapping it or waiting 30s for the crashed client to timeout.\n' +
        (args.noProgress ? '' : 'Removing image: 0% complete...failed.\n') +
        'rbd: delete error: (16) Device or resource busy\n',
    );
    return 16;
  }
  ctx.ceph.removeImage(pool, image);
  if (validImageName(image)) ctx.dataRoot?.removeCephImageDir(pool, image);
  if (!args.noProgress) io.stderr('Removing image: 100% complete...done.\n');
  return 0;
}

function usage(): string {
  return (
    'usage: rbd <command> ...\n\n' +
    'Command-line interface for managing Ceph RBD images (simulated: these commands are modelled over the lab cluster state).\n\n' +
    'Positional arguments:\n' +
    '  <command>\n' +
    '    create            Create an empty image.\n' +
    '    disk-usage (du)   Show disk usage stats for pool, image or snapshot.\n' +
    '    info              Show information about image size, striping, etc.\n' +
    '    list (ls)         List rbd images.\n' +
    '    remove (rm)       Delete an image.\n' +
    '    status            Show the status of this image.\n'
  );
}
