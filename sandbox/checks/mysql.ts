/**
 * mysql asks a MySQL server in a pod, through `kubectl exec`'s API and the
 * image's own `mysql` client, as the lessons do (root password `password`).
 */
import type { ClusterView, ExecResult } from './cluster-view.ts';

export const MYSQL_ROOT_PASSWORD = 'password';

/** mysqlQuery runs one statement and returns the result rows (header line dropped, tab-separated columns). */
export async function mysqlQuery(view: ClusterView, namespace: string, pod: string, sql: string): Promise<{ rows: string[][]; result: ExecResult }> {
  const result = await view.exec(namespace, pod, undefined, ['mysql', '-uroot', `-p${MYSQL_ROOT_PASSWORD}`, '-e', sql]);
  const lines = result.stdout.split('\n').filter((l) => l.length > 0);
  return { rows: lines.slice(1).map((l) => l.split('\t')), result };
}

/** mysqlError is the client's error line without the password warning, for a detail. */
export function mysqlError(result: ExecResult): string {
  return (
    result.stderr
      .split('\n')
      .filter((l) => l && !/Using a password on the command line/.test(l))
      .join(' ')
      .trim() || `exit ${result.code}`
  );
}

/** databases lists SHOW DATABASES. */
export async function databases(view: ClusterView, namespace: string, pod: string): Promise<string[] | { error: string }> {
  const { rows, result } = await mysqlQuery(view, namespace, pod, 'SHOW DATABASES');
  if (result.code !== 0) return { error: mysqlError(result) };
  return rows.map((r) => r[0]!);
}

/**
 * mysqlServes says whether the ready pod's MySQL has finished its entrypoint:
 * the image first runs a temporary server without networking (its log says
 * "port: 0") and only then the real one ("ready for connections ... port: 3306").
 */
export async function mysqlServes(view: ClusterView, namespace: string, pod: string): Promise<boolean> {
  const log = await view.core.readNamespacedPodLog({ namespace, name: pod }).catch(() => '');
  return /ready for connections.*port: 3306/.test(log);
}
