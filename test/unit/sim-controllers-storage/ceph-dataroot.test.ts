import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync, symlinkSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CephCluster, CephError, newCephxKey } from '../../../sandbox/providers/sim/ceph/ceph-cluster.ts';
import { DataRoot, DataRootError } from '../../../sandbox/providers/sim/dataroot/dataroot.ts';

const shape = { fsid: 'b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d', monitors: ['ceph:6789'], pools: ['rbd'] };

describe('CephCluster state', () => {
  it('has .mgr and rbd pools and a client.admin key shaped like a real cephx key, different per cluster', () => {
    const a = CephCluster.create(shape);
    const b = CephCluster.create(shape);
    expect(a.pools().map((p) => [p.id, p.name])).toEqual([
      [1, '.mgr'],
      [2, 'rbd'],
    ]);
    const key = a.getKey('client.admin');
    expect(key).toMatch(/^AQ[A-Za-z0-9+/]{36}==$/);
    expect(key).toHaveLength(40);
    expect(Buffer.from(key, 'base64')).toHaveLength(28);
    expect(b.getKey('client.admin')).not.toBe(key);
    expect(newCephxKey()).toMatch(/^AQ/);
  });

  it('authenticates a client id and key like a monitor: wrong key or user is EACCES', () => {
    const c = CephCluster.create(shape);
    expect(() => c.authenticate('admin', c.getKey('client.admin'))).not.toThrow();
    expect(() => c.authenticate('admin', `${c.getKey('client.admin')}\n`)).not.toThrow();
    const wrong = () => c.authenticate('admin', newCephxKey());
    expect(wrong).toThrow(CephError);
    expect(() => c.authenticate('nobody', c.getKey('client.admin'))).toThrow('Permission denied');
  });

  it('creates, lists, describes and removes RBD images; refuses a missing pool, a duplicate, and removal while watched', () => {
    const c = CephCluster.create(shape);
    const img = c.createImage('rbd', 'csi-vol-1', 2 ** 30, ['layering']);
    expect(img).toMatchObject({ pool: 'rbd', name: 'csi-vol-1', sizeBytes: 2 ** 30, order: 22, features: ['layering'], watchers: [] });
    expect(img.id).toMatch(/^[0-9a-f]{12}$/);
    expect(c.images('rbd').map((i) => i.name)).toEqual(['csi-vol-1']);
    expect(() => c.createImage('nosuchpool', 'x', 1)).toThrow(/pool nosuchpool does not exist/);
    expect(() => c.createImage('rbd', 'csi-vol-1', 1)).toThrow(/already exists/);
    const w = c.addWatcher('rbd', 'csi-vol-1', '172.18.0.3');
    expect(w.address).toMatch(/^172\.18\.0\.3:0\/\d+$/);
    expect(w.client).toMatch(/^client\.\d+$/);
    expect(() => c.removeImage('rbd', 'csi-vol-1')).toThrow(/watchers/);
    c.removeWatchers('rbd', 'csi-vol-1', '172.18.0.3');
    c.removeImage('rbd', 'csi-vol-1');
    expect(c.images('rbd')).toEqual([]);
  });

  it('round-trips through JSON (snapshot and restore)', () => {
    const c = CephCluster.create(shape);
    c.createImage('rbd', 'img', 4 << 20);
    const restored = CephCluster.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
    expect(restored.getKey('client.admin')).toBe(c.getKey('client.admin'));
    expect(restored.image('rbd', 'img')?.sizeBytes).toBe(4 << 20);
    const other = CephCluster.create(shape);
    other.replaceState(c.toJSON());
    expect(other.getKey('client.admin')).toBe(c.getKey('client.admin'));
  });
});

describe('DataRoot', () => {
  const made: DataRoot[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) d.destroy();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const create = () => {
    const parent = mkdtempSync(join(tmpdir(), 'kslab-dataroot-test-'));
    dirs.push(parent);
    const dr = DataRoot.create({ clusterId: 'c1', dataDir: parent });
    made.push(dr);
    return dr;
  };

  it('lays out node trees, the NFS exports the lessons use, and the rbd pool folder', () => {
    const dr = create();
    expect(readdirSync(join(dr.root, 'nodes')).sort()).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    expect(readdirSync(join(dr.root, 'nfs', 'exports')).sort()).toEqual(['capstone', 'data', 'mysql']);
    expect(existsSync(join(dr.root, 'ceph', 'rbd'))).toBe(true);
  });

  it('maps node paths into the node tree and refuses .., relative paths and other nodes', () => {
    const dr = create();
    expect(dr.nodePath('lab-worker', '/var/local-path-provisioner/pvc-1_default_x')).toBe(join(dr.root, 'nodes', 'lab-worker', 'var', 'local-path-provisioner', 'pvc-1_default_x'));
    expect(() => dr.nodePath('lab-worker', '/var/../../lab-worker2')).toThrow(DataRootError);
    expect(() => dr.nodePath('lab-worker', 'var/x')).toThrow(/must be absolute/);
    expect(() => dr.nodePath('../etc', '/x')).toThrow(/invalid node name/);
    expect(() => dr.removeNodePath('lab-worker', '/')).toThrow(/refusing/);
  });

  it('refuses a symlink that leaves the node tree but follows one that stays inside', () => {
    const dr = create();
    const outside = mkdtempSync(join(tmpdir(), 'kslab-outside-'));
    dirs.push(outside);
    writeFileSync(join(outside, 'secret'), 'x');
    const nodeRoot = dr.nodeRoot('lab-worker');
    symlinkSync(outside, join(nodeRoot, 'escape'));
    expect(() => dr.nodePath('lab-worker', '/escape/secret')).toThrow(/leaves the node/);
    expect(() => dr.ensureNodeDir('lab-worker', '/escape/new')).toThrow(/leaves the node/);
    expect(existsSync(join(outside, 'new'))).toBe(false);
    mkdirSync(join(nodeRoot, 'data'));
    symlinkSync(join(nodeRoot, 'data'), join(nodeRoot, 'inside'));
    expect(() => dr.nodePath('lab-worker', '/inside/x')).not.toThrow();
  });

  it('creates and tears down local-path directories, and keeps NFS paths inside the export', () => {
    const dr = create();
    const p = dr.ensureNodeDir('lab-worker2', '/data2/pvc-9_default_c');
    expect(existsSync(p)).toBe(true);
    dr.removeNodePath('lab-worker2', '/data2/pvc-9_default_c');
    expect(existsSync(p)).toBe(false);
    expect(() => dr.nfsPath('/etc/passwd')).toThrow(/not under the export/);
  });

  it('defaults to a temp folder under kslab-sim and removes it on destroy', () => {
    const dr = DataRoot.create({ clusterId: 'tmp-default' });
    expect(dr.root).toContain(join('kslab-sim', 'tmp-default-'));
    expect(existsSync(dr.root)).toBe(true);
    dr.destroy();
    expect(existsSync(dr.root)).toBe(false);
  });
});

import { parseLocalPathConfig } from '../../../sandbox/providers/sim/controllers/provisioners/local-path.ts';

describe('local-path config.json', () => {
  it('accepts kind\'s default and per-node paths', () => {
    const cfg = parseLocalPathConfig(JSON.stringify({ nodePathMap: [{ node: 'DEFAULT_PATH_FOR_NON_LISTED_NODES', paths: ['/var/local-path-provisioner'] }, { node: 'lab-worker2', paths: ['/data2/'] }] }));
    expect(cfg.default.nodePathMap.get('lab-worker2')).toEqual(['/data2']);
  });

  it('refuses what the provisioner refuses, with its wording', () => {
    const bad = (nodePathMap: unknown, extra: object = {}) => () => parseLocalPathConfig(JSON.stringify({ nodePathMap, ...extra }));
    expect(bad([{ node: 'a', paths: ['data'] }])).toThrow('config canonicalization failed: path must start with / for path data on node a');
    expect(bad([{ node: 'a', paths: ['/'] }])).toThrow("config canonicalization failed: cannot use root ('/') as path on node a");
    expect(bad([{ node: 'a', paths: ['/x', '/x/'] }])).toThrow('config canonicalization failed: duplicate path /x/ on node a');
    expect(bad([{ node: 'a', paths: ['/x'] }, { node: 'a', paths: ['/y'] }])).toThrow('config canonicalization failed: duplicate node a');
    expect(bad([{ node: 'a', paths: ['/x'] }], { sharedFileSystemPath: '/shared' })).toThrow('both nodePathMap and sharedFileSystemPath are defined');
    expect(() => parseLocalPathConfig('{not json')).toThrow(/^fail to load config file/);
  });
});
