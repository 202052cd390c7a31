import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NfsServer, formatNfsMountFailure, showmountTool } from '../../../sandbox/providers/sim/nfs/index.ts';
import type { ToolIO } from '../../../sandbox/providers/types.ts';

let root: string;
let server: NfsServer;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kslab-nfs-'));
  server = new NfsServer({ exportDir: join(root, 'nfs', 'exports') });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: ToolIO = { stdout: (t) => (out += t), stderr: (t) => (err += t), signal: new AbortController().signal };
  const code = await showmountTool(server)(args, io);
  return { code, out, err };
}

describe('NFS export tree', () => {
  it('has the directories the lessons name from the start', () => {
    for (const d of ['mysql', 'data', 'capstone']) expect(existsSync(join(root, 'nfs', 'exports', d))).toBe(true);
  });
});

describe('resolveNfsMount', () => {
  it('maps nfs:/exports/mysql to the host directory under the export tree', () => {
    const r = server.resolveNfsMount('nfs', '/exports/mysql');
    expect(r).toEqual({ ok: true, hostPath: realpathSync(join(root, 'nfs', 'exports', 'mysql')), exportPath: '/exports/mysql', serverAddress: '172.18.0.5' });
  });

  it('lets every node reach the same files (the whole export and a trailing slash too)', () => {
    const a = server.resolveNfsMount('nfs', '/exports/mysql/', '172.18.0.3');
    const b = server.resolveNfsMount('172.18.0.5', '/exports/mysql', '172.18.0.4');
    expect(a.ok && b.ok && a.hostPath === b.hostPath).toBe(true);
    writeFileSync(join(root, 'nfs', 'exports', 'mysql', 'ibdata1'), 'x');
    const whole = server.resolveNfsMount('nfs', '/exports');
    expect(whole.ok && existsSync(join(whole.hostPath, 'mysql', 'ibdata1'))).toBe(true);
  });

  it('refuses a path that does not exist with the real mount.nfs text', () => {
    expect(server.resolveNfsMount('nfs', '/exports/nope')).toEqual({ ok: false, output: 'mount.nfs: access denied by server while mounting nfs:/exports/nope' });
  });

  it('refuses paths outside the export, .. escapes and symlinks out of the tree', () => {
    expect(server.resolveNfsMount('nfs', '/etc').ok).toBe(false);
    expect(server.resolveNfsMount('nfs', '/exports/../etc').ok).toBe(false);
    expect(server.resolveNfsMount('nfs', 'exports/mysql').ok).toBe(false);
    mkdirSync(join(root, 'outside'));
    symlinkSync(join(root, 'outside'), join(root, 'nfs', 'exports', 'escape'));
    expect(server.resolveNfsMount('nfs', '/exports/escape')).toEqual({ ok: false, output: 'mount.nfs: access denied by server while mounting nfs:/exports/escape' });
    writeFileSync(join(root, 'nfs', 'exports', 'afile'), '');
    expect(server.resolveNfsMount('nfs', '/exports/afile').ok).toBe(false);
  });

  it('cannot resolve a wrong server name', () => {
    expect(server.resolveNfsMount('foo', '/exports/mysql')).toEqual({ ok: false, output: 'mount.nfs: Failed to resolve server foo: Name or service not known' });
    // Cluster DNS names are not known to a node's resolver (kubernetes/examples#390).
    expect(server.resolveNfsMount('nfs-server.default.svc.cluster.local', '/exports').ok).toBe(false);
  });

  it('hangs and times out while the server is stopped, and works again after start', () => {
    const changes: boolean[] = [];
    server.onStateChange((up) => changes.push(up));
    server.stop();
    const r = server.resolveNfsMount('nfs', '/exports/mysql');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.output).toBe('mount.nfs: Connection timed out');
      expect(r.hangMs).toBe(120_000);
    }
    expect(server.mountHealth()).toBe('EIO');
    server.start();
    expect(server.resolveNfsMount('nfs', '/exports/mysql').ok).toBe(true);
    expect(server.mountHealth()).toBeUndefined();
    expect(changes).toEqual([false, true]);
  });

  it('formats the kubelet FailedMount message as mount-utils does', () => {
    const r = server.resolveNfsMount('nfs', '/exports/nope');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(formatNfsMountFailure('mysql-pv', 'nfs', '/exports/nope', '/var/lib/kubelet/pods/u1/volumes/kubernetes.io~nfs/mysql-pv', r.output)).toBe(
      'MountVolume.SetUp failed for volume "mysql-pv" : mount failed: exit status 32\n' +
        'Mounting command: mount\n' +
        'Mounting arguments: -t nfs nfs:/exports/nope /var/lib/kubelet/pods/u1/volumes/kubernetes.io~nfs/mysql-pv\n' +
        'Output: mount.nfs: access denied by server while mounting nfs:/exports/nope',
    );
  });
});

describe('showmount', () => {
  it('lists the export like lesson 3 shows', async () => {
    expect(await run(['-e', 'nfs'])).toEqual({ code: 0, out: 'Export list for nfs:\n/exports *\n', err: '' });
    expect((await run(['--exports', '--no-headers', 'nfs'])).out).toBe('/exports *\n');
  });

  it('lists clients and their mounts', async () => {
    server.resolveNfsMount('nfs', '/exports/mysql', '172.18.0.3');
    server.resolveNfsMount('nfs', '/exports/data', '172.18.0.4');
    expect((await run(['nfs'])).out).toBe('Hosts on nfs:\n172.18.0.3\n172.18.0.4\n');
    expect((await run(['-a', 'nfs'])).out).toBe('All mount points on nfs:\n172.18.0.3:/exports/mysql\n172.18.0.4:/exports/data\n');
    expect((await run(['-d', 'nfs'])).out).toBe('Directories on nfs:\n/exports/data\n/exports/mysql\n');
    server.unmount('172.18.0.3', '/exports/mysql');
    expect((await run(['nfs'])).out).toBe('Hosts on nfs:\n172.18.0.4\n');
  });

  it('fails like the real command for an unknown host, a stopped server, and bad options', async () => {
    expect(await run(['-e', 'foo'])).toEqual({ code: 1, out: '', err: 'clnt_create: RPC: Unknown host\n' });
    server.stop();
    expect((await run(['-e', 'nfs'])).err).toBe('clnt_create: RPC: Timed out\n');
    const bad = await run(['-x', 'nfs']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("showmount: invalid option -- 'x'");
    expect(bad.err).toContain('Usage: showmount [-adehv]');
  });
});

describe('NfsServer.forDataRoot', () => {
  it('serves the data root export tree the provisioners and recycler use', async () => {
    const { DataRoot } = await import('../../../sandbox/providers/sim/dataroot/dataroot.ts');
    const dr = DataRoot.create({ clusterId: 'nfs-test', dataDir: root });
    const s = NfsServer.forDataRoot(dr);
    const r = s.resolveNfsMount('nfs', '/exports/capstone');
    expect(r.ok && r.hostPath === realpathSync(dr.nfsPath('/exports/capstone'))).toBe(true);
  });
});

describe('one server per export tree', () => {
  it('two NfsServer objects over the same export are the same server (stop, mounts)', async () => {
    const other = new NfsServer({ exportDir: join(root, 'nfs', 'exports') });
    other.resolveNfsMount('nfs', '/exports/mysql', '172.18.0.3');
    expect(server.clientMounts()).toEqual([{ client: '172.18.0.3', path: '/exports/mysql' }]);
    const seen: boolean[] = [];
    server.onStateChange((up) => seen.push(up));
    other.stop();
    expect(server.isRunning()).toBe(false);
    expect((await run(['-e', 'nfs'])).code).toBe(1);
    other.start();
    expect(seen).toEqual([false, true]);
  });
});

describe('the nfs-browser pod sleeps "forever"', () => {
  it('a sleep longer than Node timers can hold (sleep 3600000) does not end at once', async () => {
    const { systemClock } = await import('../../../sandbox/providers/sim/containers/program.ts');
    const ac = new AbortController();
    let ended = false;
    const p = systemClock.sleep(3_600_000_000, ac.signal).then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(false);
    ac.abort();
    await p;
    expect(ended).toBe(true);
  });
});
