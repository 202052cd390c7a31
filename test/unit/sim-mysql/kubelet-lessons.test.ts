/**
 * The MySQL image run by the kubelet model, the way lessons 2 and 3 use it:
 * hostPath data stays on its node; NFS data follows the pod to another node,
 * also after the first node lost power. Uses the kubelet tests' in-process
 * cluster (fake clock, real data root).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { powerOff } from '../../../sandbox/providers/sim/controllers/node-lifecycle/index.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';
import { kubeletCluster, type KubeletTestCluster } from '../sim-kubelet/harness.ts';

const READY = "port: 3306  MySQL Community Server - GPL.";

function mysqlPod(name: string, node: string, volume: Record<string, unknown>): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'mysql' } },
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 5,
      containers: [
        {
          name: 'mysql',
          image: 'mysql:8.4',
          env: [{ name: 'MYSQL_ROOT_PASSWORD', value: 'password' }],
          ports: [{ containerPort: 3306, name: 'mysql' }],
          volumeMounts: [{ name: 'mysql-persistent-storage', mountPath: '/var/lib/mysql' }],
        },
      ],
      volumes: [{ name: 'mysql-persistent-storage', ...volume }],
    },
  } as KObject;
}

async function waitReady(c: KubeletTestCluster, pod: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await c.advance(1000);
    // Until the image is pulled and the container started, the kubelet refuses logs (ContainerCreating).
    const logs = await c.logs(pod).catch(() => '');
    if (logs.includes(READY)) return;
  }
  throw new Error(`${pod} never became ready: ${JSON.stringify(c.pod(pod)?.status?.containerStatuses)}\n${await c.logs(pod).catch((e) => String(e))}`);
}

const mysql = (c: KubeletTestCluster, pod: string, sql: string) => c.exec(pod, ['mysql', '-uroot', '-ppassword', '-e', sql]);

describe('mysql:8.4 in pods (lessons 2 and 3)', () => {
  it('hostPath: the database is a directory on node A; a pod on node B starts empty', async () => {
    using c = kubeletCluster();
    const hostPath = { hostPath: { path: '/tmp/mysql', type: 'DirectoryOrCreate' } };
    c.apply(mysqlPod('mysql-a', 'lab-worker', hostPath));
    await waitReady(c, 'mysql-a');
    const logs = await c.logs('mysql-a');
    // The temporary server (port 0) and the real one; like a real 8.4 log, the X Plugin's own
    // "ready for connections" lines come too, so `grep "ready for connections"` shows four lines.
    expect(logs.split('\n').filter((l) => l.includes('[MY-010931]'))).toHaveLength(2);
    expect(logs.split('\n').filter((l) => l.includes('ready for connections'))).toHaveLength(4);
    expect((await mysql(c, 'mysql-a', 'CREATE DATABASE inventory')).code).toBe(0);
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker', '/tmp/mysql/inventory'))).toBe(true);

    c.apply(mysqlPod('mysql-b', 'lab-worker2', hostPath));
    await waitReady(c, 'mysql-b');
    const show = await mysql(c, 'mysql-b', 'SHOW DATABASES');
    expect(show.stdout).toBe('Database\ninformation_schema\nmysql\nperformance_schema\nsys\n');
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker2', '/tmp/mysql/inventory'))).toBe(false);
    expect(existsSync(c.storage.dataRoot.nodePath('lab-worker', '/tmp/mysql/inventory'))).toBe(true);
  });

  it('NFS: the table survives node A losing power; the pod on node B reads it', async () => {
    using c = kubeletCluster();
    const nfs = { nfs: { server: 'nfs', path: '/exports/mysql' } };
    c.apply(mysqlPod('mysql-a', 'lab-worker', nfs));
    await waitReady(c, 'mysql-a');
    for (const q of ['CREATE DATABASE library', 'CREATE TABLE library.books (title VARCHAR(200))', "INSERT INTO library.books VALUES ('The Phoenix Project')"]) {
      expect((await mysql(c, 'mysql-a', q)).code).toBe(0);
    }
    powerOff(c.manager, 'lab-worker');
    await c.advance(1000);
    c.apply(mysqlPod('mysql-b', 'lab-worker2', nfs));
    await waitReady(c, 'mysql-b');
    expect((await c.logs('mysql-b'))).not.toContain('Initializing database files');
    const sel = await mysql(c, 'mysql-b', 'SELECT title FROM library.books');
    expect(sel.stdout).toBe('title\nThe Phoenix Project\n');
  });

  it('NFS: a second server on the same export while the first runs cannot lock ibdata1', async () => {
    using c = kubeletCluster();
    const nfs = { nfs: { server: 'nfs', path: '/exports/mysql' } };
    c.apply(mysqlPod('mysql-a', 'lab-worker', nfs));
    await waitReady(c, 'mysql-a');
    c.apply(mysqlPod('mysql-b', 'lab-worker2', nfs));
    await c.advance(5000);
    expect(await c.logs('mysql-b')).toContain('[ERROR] [MY-012574] [InnoDB] Unable to lock ./ibdata1 error: 11');
  });
});
