import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CephCluster } from '../../../sandbox/providers/sim/ceph/ceph-cluster.ts';
import { DataRoot } from '../../../sandbox/providers/sim/dataroot/dataroot.ts';
import { cephTerminalTools, mapImageOnNode, unmapImageOnNode, type CephToolsContext } from '../../../sandbox/providers/sim/ceph/tools/index.ts';
import type { ToolIO } from '../../../sandbox/providers/types.ts';

const FSID = 'b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d';
const started = new Date('2026-11-25T19:20:00Z');
let now = new Date('2026-11-25T20:02:00Z');
let dir: string;
let ctx: CephToolsContext;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kslab-ceph-tools-'));
  now = new Date('2026-11-25T20:02:00Z');
  const ceph = CephCluster.create({ fsid: FSID, monitors: ['ceph:6789'], pools: ['rbd'], now: () => now });
  ctx = { ceph, dataRoot: DataRoot.create({ clusterId: 'c1', dataDir: dir }), startedAt: started, now: () => now };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(cmd: 'ceph' | 'rbd', ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: ToolIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), signal: new AbortController().signal };
  const code = await cephTerminalTools(ctx)[cmd](args, io);
  return { code, out, err };
}

function provision(name = 'csi-vol-7b1e2f40-5c3d-4a9e-8f12-6d0c4b3a2e91') {
  now = new Date('2026-11-25T20:05:11Z');
  return ctx.ceph.createImage('rbd', name, 1024 ** 3, ['layering']);
}

describe('ceph', () => {
  it('ceph -s shows the lesson 4 layout for a fresh cluster', async () => {
    const r = await run('ceph', '-s');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        '  cluster:',
        `    id:     ${FSID}`,
        '    health: HEALTH_OK',
        '',
        '  services:',
        '    mon: 1 daemons, quorum a (age 42m)',
        '    mgr: a(active, since 41m)',
        '    osd: 1 osds: 1 up (since 41m), 1 in (since 41m)',
        '',
        '  data:',
        '    pools:   2 pools, 33 pgs',
        '    objects: 3 objects, 449 KiB',
        '    usage:   27 MiB used, 10 GiB / 10 GiB avail',
        '    pgs:     33 active+clean',
        '',
        '',
      ].join('\n'),
    );
    expect((await run('ceph', 'status')).out).toBe(r.out);
  });

  it('counts image objects and data in ceph -s once an image holds data', async () => {
    const img = provision();
    const data = ctx.dataRoot!.cephImageDir('rbd', img.name);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'hello'), 'hello from rbd\n');
    const r = await run('ceph', '-s');
    // 3 base + rbd_directory + csi.volumes.default + 3 per image + 1 data object (4 MiB).
    expect(r.out).toContain('    objects: 9 objects, 4.4 MiB\n');
    expect(r.out).toContain('    usage:   31 MiB used, 10 GiB / 10 GiB avail\n');
  });

  it('prints the admin key with no trailing newline, 40 characters of base64', async () => {
    const r = await run('ceph', 'auth', 'get-key', 'client.admin');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^AQ[A-Za-z0-9+/]{36}==$/);
    expect(r.out).toBe(ctx.ceph.getKey('client.admin'));
  });

  it('ceph auth get prints the keyring section; unknown entities fail like the mon', async () => {
    const r = await run('ceph', 'auth', 'get', 'client.admin');
    expect(r.out).toBe(`[client.admin]\n\tkey = ${ctx.ceph.getKey('client.admin')}\n\tcaps mds = "allow *"\n\tcaps mgr = "allow *"\n\tcaps mon = "allow *"\n\tcaps osd = "allow *"\n`);
    expect(await run('ceph', 'auth', 'get-key', 'client.nobody')).toEqual({ code: 2, out: '', err: 'Error ENOENT: failed to find client.nobody in keyring\n' });
    expect((await run('ceph', 'auth', 'get', 'client.nobody')).err).toBe('Error ENOENT: failed to find client.nobody in keyring\n');
  });

  it('ceph auth get-or-create makes a user once and keeps its key', async () => {
    const a = await run('ceph', 'auth', 'get-or-create', 'client.kube', 'mon', 'profile rbd', 'osd', 'profile rbd pool=rbd');
    expect(a.out).toMatch(/^\[client\.kube\]\n\tkey = AQ[A-Za-z0-9+/]{36}==\n$/);
    const b = await run('ceph', 'auth', 'get-or-create', 'client.kube', 'mon', 'profile rbd', 'osd', 'profile rbd pool=rbd');
    expect(b.out).toBe(a.out);
  });

  it('lists pools, fsid, health', async () => {
    expect((await run('ceph', 'osd', 'pool', 'ls')).out).toBe('.mgr\nrbd\n');
    expect((await run('ceph', 'osd', 'lspools')).out).toBe('1 .mgr\n2 rbd\n');
    const detail = (await run('ceph', 'osd', 'pool', 'ls', 'detail')).out;
    expect(detail).toMatch(/^pool 1 '\.mgr' replicated size 1 min_size 1 .* pg_num 1 pgp_num 1 .* application mgr\n\npool 2 'rbd' replicated .* pg_num 32 pgp_num 32 .* application rbd\n\n$/);
    expect((await run('ceph', 'fsid')).out).toBe(`${FSID}\n`);
    expect((await run('ceph', 'health')).out).toBe('HEALTH_OK\n');
  });

  it('ceph df shows raw storage and per-pool usage in aligned columns', async () => {
    const r = await run('ceph', 'df');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('--- RAW STORAGE ---');
    expect(lines[1]).toBe('CLASS    SIZE   AVAIL    USED  RAW USED  %RAW USED');
    expect(lines[2]).toBe('hdd    10 GiB  10 GiB  27 MiB    27 MiB       0.26');
    expect(lines[5]).toBe('--- POOLS ---');
    expect(lines[6]).toBe('POOL  ID  PGS   STORED  OBJECTS     USED  %USED  MAX AVAIL');
    expect(lines[7]).toMatch(/^\.mgr   1    1  449 KiB        2  452 KiB      0    9\.5 GiB$/);
  });

  it('ceph mon dump names the monitor and the fsid; the epoch line goes to stderr', async () => {
    const r = await run('ceph', 'mon', 'dump');
    expect(r.out).toContain(`fsid ${FSID}\n`);
    expect(r.out).toContain('0: [v2:172.18.0.6:3300/0,v1:172.18.0.6:6789/0] mon.a\n');
    expect(r.err).toBe('dumped monmap epoch 1\n');
  });

  it('answers unknown commands like the monitor, exit 22', async () => {
    const r = await run('ceph', 'osd', 'frobnicate');
    expect(r.code).toBe(22);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^no valid command found; \d+ closest matches:\nosd pool ls \[detail\]\n[\s\S]*Error EINVAL: invalid command\n$/);
  });

  it('says it is simulated when asked for its version', async () => {
    expect((await run('ceph', '--version')).out).toBe('ceph version 18.2.4 (kslab-sim, simulated) reef (stable)\n');
  });
});

describe('rbd', () => {
  it('rbd ls -p rbd is empty before provisioning and lists the image after', async () => {
    expect(await run('rbd', 'ls', '-p', 'rbd')).toEqual({ code: 0, out: '', err: '' });
    const img = provision();
    expect((await run('rbd', 'ls', '-p', 'rbd')).out).toBe(`${img.name}\n`);
    expect((await run('rbd', 'ls')).out).toBe(`${img.name}\n`);
    expect((await run('rbd', 'ls', '-l')).out).toBe(`NAME                                          SIZE   PARENT  FMT  PROT  LOCK\n${img.name}  1 GiB            2\n`);
  });

  it('rbd info shows the lesson 4 layout', async () => {
    const img = provision();
    const r = await run('rbd', 'info', `rbd/${img.name}`);
    expect(r.out).toBe(
      `rbd image '${img.name}':\n` +
        '\tsize 1 GiB in 256 objects\n' +
        '\torder 22 (4 MiB objects)\n' +
        '\tsnapshot_count: 0\n' +
        `\tid: ${img.id}\n` +
        `\tblock_name_prefix: rbd_data.${img.id}\n` +
        '\tformat: 2\n' +
        '\tfeatures: layering\n' +
        '\top_features: \n' +
        '\tflags: \n' +
        '\tcreate_timestamp: Wed Nov 25 20:05:11 2026\n' +
        '\taccess_timestamp: Wed Nov 25 20:05:11 2026\n' +
        '\tmodify_timestamp: Wed Nov 25 20:05:11 2026\n',
    );
    expect((await run('rbd', 'info', '-p', 'rbd', img.name)).out).toBe(r.out);
    expect((await run('rbd', 'info', '--pool', 'rbd', '--image', img.name)).out).toBe(r.out);
  });

  it('rbd status shows a watcher with the node address while a node maps the image', async () => {
    const img = provision();
    expect((await run('rbd', 'status', `rbd/${img.name}`)).out).toBe('Watchers: none\n');
    const w = mapImageOnNode(ctx.ceph, 'rbd', img.name, '172.18.0.3');
    expect(mapImageOnNode(ctx.ceph, 'rbd', img.name, '172.18.0.3')).toEqual(w);
    const r = await run('rbd', 'status', `rbd/${img.name}`);
    expect(r.out).toMatch(/^Watchers:\n\twatcher=172\.18\.0\.3:0\/\d+ client\.\d+ cookie=\d+\n$/);
    unmapImageOnNode(ctx.ceph, 'rbd', img.name, '172.18.0.3');
    expect((await run('rbd', 'status', `rbd/${img.name}`)).out).toBe('Watchers: none\n');
  });

  it('rbd du reports provisioned and used, warning that fast-diff is off', async () => {
    const img = provision();
    const data = ctx.dataRoot!.cephImageDir('rbd', img.name);
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'big'), Buffer.alloc(5 * 1024 * 1024));
    const r = await run('rbd', 'du', `rbd/${img.name}`);
    expect(r.err).toBe(`warning: fast-diff map is not enabled for ${img.name}. operation may be slow.\n`);
    expect(r.out).toBe(`NAME                                          PROVISIONED  USED\n${img.name}        1 GiB  8 MiB\n`);
  });

  it('fails like the real CLI for missing images, pools and unknown commands', async () => {
    expect(await run('rbd', 'info', 'rbd/nope')).toEqual({ code: 2, out: '', err: 'rbd: error opening image nope: (2) No such file or directory\n' });
    expect(await run('rbd', 'ls', '-p', 'nopool')).toEqual({ code: 2, out: '', err: "rbd: error opening pool 'nopool': (2) No such file or directory\n" });
    expect(await run('rbd', 'frob')).toEqual({ code: 1, out: '', err: "rbd: error parsing command 'frob'; -h or --help for usage\n" });
    expect((await run('rbd', 'map', 'rbd/x')).err).toContain('not a node');
  });

  it('refuses image names that are not names (hostile input never reaches the data root)', async () => {
    for (const name of ['..', 'rbd/..', 'a b']) expect((await run('rbd', 'create', '--size', '1', name)).code).not.toBe(0);
    expect((await run('rbd', 'rm', '../../etc')).code).toBe(2);
    expect((await run('rbd', 'ls')).out).toBe('');
  });

  it('creates and removes images; refuses to remove a watched image', async () => {
    expect(await run('rbd', 'create', '--size', '1G', 'rbd/test')).toEqual({ code: 0, out: '', err: '' });
    expect((await run('rbd', 'info', 'test')).out).toContain('\tsize 1 GiB in 256 objects\n');
    expect((await run('rbd', 'create', '--size', '10', 'test')).err).toBe('rbd: create error: (17) File exists\n');
    expect((await run('rbd', 'create', 'test2')).err).toBe('rbd: must specify --size <M/G/T>\n');
    mapImageOnNode(ctx.ceph, 'rbd', 'test', '172.18.0.4');
    const busy = await run('rbd', 'rm', 'test');
    expect(busy.code).toBe(16);
    expect(busy.err).toContain('rbd: error: image still has watchers\n');
    expect(busy.err).toContain('rbd: delete error: (16) Device or resource busy\n');
    unmapImageOnNode(ctx.ceph, 'rbd', 'test', '172.18.0.4');
    expect(await run('rbd', 'rm', 'test')).toEqual({ code: 0, out: '', err: 'Removing image: 100% complete...done.\n' });
    expect((await run('rbd', 'ls')).out).toBe('');
  });
});
