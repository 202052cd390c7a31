/**
 * cephTool is the learner terminal's `ceph` command, logged in as
 * client.admin, over the simulated cluster's CephCluster state. It prints what
 * the real CLI (Ceph 18 "reef") prints for the commands the lessons use —
 * `ceph -s`, `ceph fsid`, `ceph health`, `ceph auth get-key client.admin`
 * (the key with no trailing newline, so `> admin.key` is ready for
 * `kubectl create secret --from-file`), `ceph osd pool ls [detail]`,
 * `ceph df`, `ceph mon dump` — and answers other commands as the real CLI
 * does when the monitor knows no such command: `no valid command found`,
 * `Error EINVAL: invalid command`, exit 22.
 *
 * Numbers that only a running cluster has (object counts, bytes used) are
 * derived from the images in the state and the data in their folders; the
 * cluster is always HEALTH_OK with one mon, one mgr and one OSD.
 */
import type { TerminalTool, ToolIO } from '../../../types.ts';
import { CephError, type CephUser } from '../ceph-cluster.ts';
import { formatAge, formatBytes, formatCephTime, formatTable } from './format.ts';
import {
  BASE_USED_BYTES,
  CEPH_ADDRESS,
  CEPH_RELEASE,
  MGR_POOL_OBJECTS,
  MGR_POOL_STORED_BYTES,
  RAW_CAPACITY_BYTES,
  imageObjects,
  imageUsedBytes,
  nowOf,
  type CephToolsContext,
} from './context.ts';

/** EINVAL is the exit status of a command the monitor rejects (the CLI exits with the errno). */
const EXIT_EINVAL = 22;
const EXIT_ENOENT = 2;

/** COMMANDS are the signatures this model knows, shown as the "closest matches" for a command it doesn't. */
const COMMANDS = [
  'status',
  'health [detail]',
  'fsid',
  'df [detail]',
  'version',
  'auth get <entity>',
  'auth get-key <entity>',
  'auth ls',
  'auth get-or-create <entity> [<caps>...]',
  'osd pool ls [detail]',
  'osd lspools',
  'osd tree',
  'osd stat',
  'mon dump',
  'mon stat',
];

/** cephTool binds the command to one cluster's Ceph state. */
export function cephTool(ctx: CephToolsContext): TerminalTool {
  return async (argv: string[], io: ToolIO): Promise<number> => ceph(ctx, argv, io);
}

/** GLOBAL_FLAGS_WITH_VALUE are the CLI's connection options; the terminal is already connected as client.admin, so they are accepted and ignored. */
const GLOBAL_FLAGS_WITH_VALUE = new Set(['-c', '--conf', '-k', '--keyring', '-m', '--id', '--user', '-n', '--name', '--cluster', '-f', '--format']);

function ceph(ctx: CephToolsContext, argv: string[], io: ToolIO): number {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-s' || a === '--status') words.push('status');
    else if (a === '-v' || a === '--version') words.push('version');
    else if (a === '-h' || a === '--help') {
      io.stdout(help());
      return 0;
    } else if (a === '-w' || a === '--watch') {
      io.stderr('ceph: watching the cluster log is not available in this simulated terminal\n');
      return 1;
    } else if (GLOBAL_FLAGS_WITH_VALUE.has(a)) {
      const value = argv[++i];
      if ((a === '-f' || a === '--format') && value !== undefined && value !== 'plain') {
        io.stderr(`ceph: --format ${value} is not available in this simulated terminal (it prints plain text only)\n`);
        return 1;
      }
    } else if (/^--(conf|keyring|id|user|name|cluster)=/.test(a)) continue;
    else if (/^--format=/.test(a)) {
      if (a !== '--format=plain') {
        io.stderr(`ceph: ${a} is not available in this simulated terminal (it prints plain text only)\n`);
        return 1;
      }
    } else words.push(a);
  }
  if (words.length === 0) {
    io.stderr('ceph: the interactive ceph> shell is not available in this simulated terminal; give a command, e.g. ceph -s\n');
    return 1;
  }
  const [w0, w1, w2] = words;
  try {
    switch (w0) {
      case 'status':
      case 's':
        if (words.length === 1) return out(io, status(ctx));
        break;
      case 'health':
        if (words.length === 1 || (words.length === 2 && w1 === 'detail')) return out(io, 'HEALTH_OK\n');
        break;
      case 'fsid':
        if (words.length === 1) return out(io, `${ctx.ceph.fsid}\n`);
        break;
      case 'version':
        if (words.length === 1) return out(io, `ceph version ${CEPH_RELEASE.version} (kslab-sim, simulated) ${CEPH_RELEASE.name} (stable)\n`);
        break;
      case 'df':
        if (words.length === 1 || (words.length === 2 && w1 === 'detail')) return out(io, df(ctx));
        break;
      case 'auth':
        return auth(ctx, words.slice(1), io);
      case 'osd':
        if (w1 === 'pool' && (w2 === 'ls' || w2 === 'list') && words.length === 3) return out(io, ctx.ceph.pools().map((p) => `${p.name}\n`).join(''));
        if (w1 === 'pool' && (w2 === 'ls' || w2 === 'list') && words.length === 4 && words[3] === 'detail') return out(io, poolDetail(ctx));
        if (w1 === 'lspools' && words.length === 2) return out(io, ctx.ceph.pools().map((p) => `${p.id} ${p.name}\n`).join(''));
        if (w1 === 'tree' && words.length === 2) return out(io, osdTree());
        if (w1 === 'stat' && words.length === 2) {
          const since = formatAge(nowOf(ctx).getTime() - ctx.startedAt.getTime());
          return out(io, `1 osds: 1 up (since ${since}), 1 in (since ${since}); epoch: e${20 + ctx.ceph.pools().length}\n`);
        }
        break;
      case 'mon':
        if (w1 === 'dump' && words.length === 2) {
          io.stdout(monDump(ctx));
          io.stderr('dumped monmap epoch 1\n');
          return 0;
        }
        if (w1 === 'stat' && words.length === 2) {
          return out(io, `e1: 1 mons at {a=[v2:${CEPH_ADDRESS}:3300/0,v1:${CEPH_ADDRESS}:6789/0]} removed_ranks: {} disallowed_leaders: {}, election epoch 3, leader 0 a, quorum 0 a\n`);
        }
        break;
    }
  } catch (e) {
    if (e instanceof CephError) {
      io.stderr(`Error ${errnoName(e.code)}: ${e.message}\n`);
      return e.code;
    }
    throw e;
  }
  return invalidCommand(words, io);
}

function out(io: ToolIO, text: string): number {
  io.stdout(text);
  return 0;
}

function errnoName(code: number): string {
  return { 2: 'ENOENT', 13: 'EACCES', 16: 'EBUSY', 17: 'EEXIST', 22: 'EINVAL' }[code] ?? `E${code}`;
}

/**
 * invalidCommand is the monitor's answer to an unknown command
 * (src/pybind/ceph_argparse.py validate_command): the closest known
 * signatures by their leading words, then `Error EINVAL: invalid command`.
 */
function invalidCommand(words: string[], io: ToolIO): number {
  const first = words[0] ?? '';
  let matches = COMMANDS.filter((c) => c.split(' ')[0] === first);
  if (matches.length === 0) matches = COMMANDS;
  matches = matches.slice(0, 10);
  io.stderr(`no valid command found; ${matches.length} closest matches:\n${matches.map((m) => m + '\n').join('')}Error EINVAL: invalid command\n`);
  return EXIT_EINVAL;
}

/** clusterUsage adds up what the pools hold: the .mgr pool's objects plus every RBD image's objects and bytes. */
function clusterUsage(ctx: CephToolsContext): { objects: number; stored: number; used: number; pools: Map<string, { objects: number; stored: number }> } {
  const pools = new Map<string, { objects: number; stored: number }>();
  for (const p of ctx.ceph.pools()) {
    if (p.name === '.mgr') {
      pools.set(p.name, { objects: MGR_POOL_OBJECTS, stored: MGR_POOL_STORED_BYTES });
      continue;
    }
    const images = ctx.ceph.images(p.name);
    // rbd_info exists in every initialised RBD pool; rbd_directory and ceph-csi's
    // csi.volumes.default omap appear with the first image; each image adds
    // rbd_id.<name>, rbd_header.<id> and csi.volume.<uuid>, then its data objects.
    let objects = p.application === 'rbd' ? 1 : 0;
    let stored = p.application === 'rbd' ? 19 : 0;
    if (images.length > 0) objects += 2;
    for (const img of images) {
      objects += 3 + imageObjects(ctx, img);
      stored += imageUsedBytes(ctx, img);
    }
    pools.set(p.name, { objects, stored });
  }
  let objects = 0;
  let stored = 0;
  let imageBytes = 0;
  for (const [name, v] of pools) {
    objects += v.objects;
    stored += v.stored;
    if (name !== '.mgr') imageBytes += v.stored;
  }
  // BASE_USED_BYTES already holds the .mgr pool and the OSD's own metadata; images add their objects.
  return { objects, stored, used: BASE_USED_BYTES + imageBytes, pools };
}

/** status is `ceph -s` in Reef's layout (src/mon/Monitor.cc get_cluster_status). */
function status(ctx: CephToolsContext): string {
  const age = formatAge(nowOf(ctx).getTime() - ctx.startedAt.getTime());
  const mgrAge = formatAge(Math.max(0, nowOf(ctx).getTime() - ctx.startedAt.getTime() - 60_000));
  const pools = ctx.ceph.pools();
  const pgs = pools.reduce((n, p) => n + p.pgNum, 0);
  const u = clusterUsage(ctx);
  const avail = RAW_CAPACITY_BYTES - u.used;
  return [
    '  cluster:',
    `    id:     ${ctx.ceph.fsid}`,
    '    health: HEALTH_OK',
    '',
    '  services:',
    `    mon: 1 daemons, quorum a (age ${age})`,
    `    mgr: a(active, since ${mgrAge})`,
    `    osd: 1 osds: 1 up (since ${mgrAge}), 1 in (since ${mgrAge})`,
    '',
    '  data:',
    `    pools:   ${pools.length} pools, ${pgs} pgs`,
    `    objects: ${u.objects} objects, ${formatBytes(u.stored)}`,
    `    usage:   ${formatBytes(u.used)} used, ${formatBytes(avail)} / ${formatBytes(RAW_CAPACITY_BYTES)} avail`,
    `    pgs:     ${pgs} active+clean`,
    '',
  ]
    .map((l) => l + '\n')
    .join('');
}

/** df is `ceph df`: raw storage by device class, then per-pool usage (src/mon/PGMap.cc dump_fs_stats / dump_pool_stats_full). */
function df(ctx: CephToolsContext): string {
  const u = clusterUsage(ctx);
  const avail = RAW_CAPACITY_BYTES - u.used;
  const pct = ((u.used / RAW_CAPACITY_BYTES) * 100).toFixed(2);
  const raw = formatTable(
    [
      { name: 'CLASS', align: 'left' },
      { name: 'SIZE', align: 'right' },
      { name: 'AVAIL', align: 'right' },
      { name: 'USED', align: 'right' },
      { name: 'RAW USED', align: 'right' },
      { name: '%RAW USED', align: 'right' },
    ],
    [
      ['hdd', formatBytes(RAW_CAPACITY_BYTES), formatBytes(avail), formatBytes(u.used), formatBytes(u.used), pct],
      ['TOTAL', formatBytes(RAW_CAPACITY_BYTES), formatBytes(avail), formatBytes(u.used), formatBytes(u.used), pct],
    ],
  );
  // MAX AVAIL leaves the full ratio (95 %) headroom, as the mon computes it.
  const maxAvail = formatBytes(avail * 0.95);
  const pools = formatTable(
    [
      { name: 'POOL', align: 'left' },
      { name: 'ID', align: 'right' },
      { name: 'PGS', align: 'right' },
      { name: 'STORED', align: 'right' },
      { name: 'OBJECTS', align: 'right' },
      { name: 'USED', align: 'right' },
      { name: '%USED', align: 'right' },
      { name: 'MAX AVAIL', align: 'right' },
    ],
    ctx.ceph.pools().map((p) => {
      const s = u.pools.get(p.name) ?? { objects: 0, stored: 0 };
      const used = s.stored === 0 ? 0 : Math.ceil(s.stored / 4096) * 4096;
      return [p.name, String(p.id), String(p.pgNum), formatBytes(s.stored), String(s.objects), formatBytes(used), ((used / RAW_CAPACITY_BYTES) * 100).toFixed(0), maxAvail];
    }),
  );
  return `--- RAW STORAGE ---\n${raw}\n--- POOLS ---\n${pools}`;
}

/** poolDetail is `ceph osd pool ls detail` (src/osd/osd_types.cc operator<< for pg_pool_t), one pool per line and a blank line after each. */
function poolDetail(ctx: CephToolsContext): string {
  return ctx.ceph
    .pools()
    .map((p) => {
      const flags = p.application === 'rbd' ? 'hashpspool,selfmanaged_snaps' : 'hashpspool';
      const limits = p.name === '.mgr' ? ' pg_num_max 32 pg_num_min 1' : '';
      return (
        `pool ${p.id} '${p.name}' replicated size 1 min_size 1 crush_rule 0 object_hash rjenkins pg_num ${p.pgNum} pgp_num ${p.pgNum} ` +
        `autoscale_mode on last_change ${10 + p.id * 5} flags ${flags} stripe_width 0${limits}${p.application ? ` application ${p.application}` : ''}\n\n`
      );
    })
    .join('');
}

function osdTree(): string {
  return formatTable(
    [
      { name: 'ID', align: 'right' },
      { name: 'CLASS', align: 'right' },
      { name: 'WEIGHT', align: 'right' },
      { name: 'TYPE NAME', align: 'left' },
      { name: 'STATUS', align: 'right' },
      { name: 'REWEIGHT', align: 'right' },
      { name: 'PRI-AFF', align: 'right' },
    ],
    [
      ['-1', '', '0.00980', 'root default', '', '', ''],
      ['-3', '', '0.00980', '    host ceph', '', '', ''],
      ['0', 'hdd', '0.00980', '        osd.0', 'up', '1.00000', '1.00000'],
    ],
  );
}

function monDump(ctx: CephToolsContext): string {
  const t = formatCephTime(ctx.startedAt);
  return (
    `epoch 1\nfsid ${ctx.ceph.fsid}\nlast_changed ${t}\ncreated ${t}\nmin_mon_release ${CEPH_RELEASE.major} (${CEPH_RELEASE.name})\n` +
    `election_strategy: 1\n0: [v2:${CEPH_ADDRESS}:3300/0,v1:${CEPH_ADDRESS}:6789/0] mon.a\n`
  );
}

/** auth handles `ceph auth …` (src/mon/AuthMonitor.cc). */
function auth(ctx: CephToolsContext, words: string[], io: ToolIO): number {
  const [verb, entity] = words;
  if ((verb === 'get-key' || verb === 'print-key' || verb === 'print_key') && words.length === 2 && entity) {
    // No trailing newline: the real command writes the bare key, so `> admin.key` holds exactly 40 bytes.
    io.stdout(ctx.ceph.getKey(entity));
    return 0;
  }
  if ((verb === 'get' || verb === 'export') && words.length === 2 && entity) {
    const user = ctx.ceph.user(entity);
    if (!user) {
      io.stderr(`Error ENOENT: failed to find ${entity} in keyring\n`);
      return EXIT_ENOENT;
    }
    io.stdout(keyring(user));
    return 0;
  }
  if ((verb === 'ls' || verb === 'list') && words.length === 1) {
    const text = ctx.ceph
      .users()
      .map((u) => `${u.entity}\n\tkey: ${u.key}\n${Object.entries(u.caps).map(([k, v]) => `\tcaps: [${k}] ${v}\n`).join('')}`)
      .join('');
    io.stdout(text);
    return 0;
  }
  if (verb === 'get-or-create' && entity && words.length % 2 === 0) {
    if (!/^(client|osd|mgr|mds|mon)\.[^\s]+$/.test(entity)) {
      io.stderr(`Error EINVAL: bad entity name\n`);
      return EXIT_EINVAL;
    }
    const caps: Record<string, string> = {};
    for (let i = 2; i < words.length; i += 2) caps[words[i]!] = words[i + 1]!;
    const existing = ctx.ceph.user(entity);
    if (existing && words.length > 2 && JSON.stringify(existing.caps) !== JSON.stringify(caps)) {
      io.stderr(`Error EINVAL: key for ${entity} exists but cap ${Object.keys(caps)[0]} does not match\n`);
      return EXIT_EINVAL;
    }
    io.stdout(`[${entity}]\n\tkey = ${ctx.ceph.createUser(entity, caps).key}\n`);
    return 0;
  }
  return invalidCommand(['auth', ...words], io);
}

/** keyring is a keyring file section as `ceph auth get` prints it. */
function keyring(u: CephUser): string {
  const caps = Object.entries(u.caps)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `\tcaps ${k} = "${v}"\n`)
    .join('');
  return `[${u.entity}]\n\tkey = ${u.key}\n${caps}`;
}

function help(): string {
  return (
    'usage: ceph [-h] [-c CEPHCONF] [-i INPUT_FILE] [-o OUTPUT_FILE]\n' +
    '            [--id CLIENT_ID] [--name CLIENT_NAME] [--cluster CLUSTER]\n' +
    '            [-s] [-w] [-f {plain}] [-v]\n\n' +
    'Ceph administration tool (simulated: the commands below are modelled over the lab cluster state)\n\n' +
    'Monitor commands:\n' +
    COMMANDS.map((c) => `  ${c}\n`).join('')
  );
}
