import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStorageBackends, destroyStorageBackends, type StorageBackends } from '../../../sandbox/providers/sim/dataroot/storage-backends.ts';
import { simClusterTools } from '../../../sandbox/providers/sim/ceph/tools/index.ts';
import { nfsServerFor } from '../../../sandbox/providers/sim/nfs/index.ts';
import type { ToolIO } from '../../../sandbox/providers/types.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(tool: (argv: string[], io: ToolIO) => Promise<number>, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await tool(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), signal: new AbortController().signal });
  return { code, out, err };
}

describe('simClusterTools (Cluster.tools of a simulated cluster)', () => {
  it('reads the backends the provisioners use, and follows a reset to new backends', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kslab-tools-'));
    dirs.push(dataDir);
    let backends: StorageBackends = createStorageBackends({ clusterId: 'tools-a', dataDir });
    const tools = simClusterTools(() => backends, () => new Date(Date.now() - 42 * 60_000));
    expect(Object.keys(tools).sort()).toEqual(['ceph', 'rbd', 'showmount']);
    expect((await run(tools.ceph!, '-s')).out).toContain('    id:     b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d\n');
    expect((await run(tools.ceph!, '-s')).out).toContain('quorum a (age 42m)');
    const key1 = (await run(tools.ceph!, 'auth', 'get-key', 'client.admin')).out;
    backends.ceph.createImage('rbd', 'csi-vol-1', 1024 ** 3);
    expect((await run(tools.rbd!, 'ls', '-p', 'rbd')).out).toBe('csi-vol-1\n');
    expect((await run(tools.showmount!, '-e', 'nfs')).out).toBe('Export list for nfs:\n/exports *\n');
    nfsServerFor(backends.dataRoot).stop();
    expect((await run(tools.showmount!, '-e', 'nfs')).code).toBe(1);

    destroyStorageBackends(backends);
    backends = createStorageBackends({ clusterId: 'tools-b', dataDir });
    expect((await run(tools.rbd!, 'ls')).out).toBe('');
    expect((await run(tools.ceph!, 'auth', 'get-key', 'client.admin')).out).not.toBe(key1);
    expect((await run(tools.showmount!, '-e', 'nfs')).code).toBe(0);
    destroyStorageBackends(backends);
  });
});
