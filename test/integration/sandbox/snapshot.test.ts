import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimProvider } from '../../../sandbox/providers/sim/index.ts';
import { withSnapshots, SNAPSHOT_FILE } from '../../../sandbox/providers/sim/snapshot/snapshot.ts';
import type { SimCluster } from '../../../sandbox/providers/sim/server/sim-server.ts';
import type { ClusterProvider } from '../../../sandbox/providers/types.ts';

const dirs: string[] = [];
const providers: ClusterProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) await p.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kslab-snap-'));
  dirs.push(d);
  return d;
}

function provider(base: string): ClusterProvider {
  const p = withSnapshots(new SimProvider({ tlsDir: join(base, 'tls'), dataDir: join(base, 'sim-data') }));
  providers.push(p);
  return p;
}

const simOf = (c: unknown) => (c as { sim: SimCluster }).sim;

describe('sim snapshots (Cluster.save / ClusterProvider.restore)', () => {
  it('bring back objects, token, CA, Ceph state and the files on volumes after the provider is closed', async () => {
    const base = tmp();
    const snap = join(base, 'snapshot');
    const p1 = provider(base);
    const c1 = await p1.create({ id: 'learner-1' });
    const sim1 = simOf(c1);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: 'default' }, data: { a: 'b' } };
    sim1.store.create({ group: '', resource: 'configmaps' }, cm);
    writeFileSync(join(sim1.storage.dataRoot.nfsPath('/exports/data'), 'hello.txt'), 'written before the restart\n');
    const cephKey = sim1.storage.ceph.toJSON().users[0]!.key;
    const kubeconfig = c1.kubeconfig();
    await c1.save!(snap);
    expect(existsSync(join(snap, SNAPSHOT_FILE))).toBe(true);
    await p1.close();
    providers.splice(providers.indexOf(p1), 1);

    const p2 = provider(base);
    const steps: string[] = [];
    const c2 = await p2.restore!({ id: 'learner-1', dir: snap, onProgress: (e) => steps.push(`${e.step}:${e.status}`) });
    const sim2 = simOf(c2);
    expect(sim2.store.get({ group: '', resource: 'configmaps' }, 'default', 'kept')?.data).toEqual({ a: 'b' });
    expect(sim2.store.list({ group: '', resource: 'nodes' }).map((n) => n.metadata.name)).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2']);
    expect(readFileSync(join(sim2.storage.dataRoot.nfsPath('/exports/data'), 'hello.txt'), 'utf8')).toBe('written before the restart\n');
    expect(sim2.storage.ceph.toJSON().users[0]!.key).toBe(cephKey);
    // Same token, same CA: only the port may differ.
    const strip = (k: string) => k.replace(/https:\/\/127\.0\.0\.1:\d+/, 'https://127.0.0.1:PORT');
    expect(strip(c2.kubeconfig())).toBe(strip(kubeconfig));
    expect(steps).toContain('restoring your saved cluster:done');
  });

  it('refuses a snapshot that cannot be read, saying so', async () => {
    const base = tmp();
    writeFileSync(join(base, SNAPSHOT_FILE), '{"version": 9}');
    await expect(provider(base).restore!({ id: 'x1', dir: base })).rejects.toThrow(/the saved copy could not be read/);
  });
});
