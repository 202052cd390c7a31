/**
 * useKubectlCluster gives an admission test file one simulated cluster on its
 * own SimServer (with the real api/ renderers and schema: kubectl apply and
 * create download the OpenAPI documents, send strategic merge patches and,
 * for some kinds, protobuf bodies) and a kubectl 1.33 bound to it. It
 * registers the beforeAll/afterAll hooks; read the fields inside tests.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openapiDocument, openapiRoot, patchMetaAt, unknownFields } from '../../../sandbox/providers/sim/api/openapi/index.ts';
import { toTable } from '../../../sandbox/providers/sim/api/tables/index.ts';
import { decodeProtobuf } from '../../../sandbox/providers/sim/api/protobuf/index.ts';
import { SimServer, type SimCluster } from '../../../sandbox/providers/sim/index.ts';
import { waitFor } from '../sim/harness.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlCluster {
  readonly cluster: SimCluster;
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
}

export function useKubectlCluster(id: string): KubectlCluster {
  let server: SimServer | undefined;
  let cluster: SimCluster | undefined;
  let dir = '';
  let kubeconfig = '';

  beforeAll(async () => {
    server = await SimServer.start({ host: '127.0.0.1', port: 0, renderers: { openapiRoot, openapiDocument, toTable, decodeProtobuf }, schema: { patchMetaAt, unknownFields } });
    cluster = server.createCluster({ id });
    dir = mkdtempSync(join(tmpdir(), `kslab-${id}-`));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cluster.kubeconfig());
    // The default ServiceAccount is created by the (simulated) serviceaccounts controller right after bootstrap;
    // wait for it (not a fixed second: on a loaded CI machine the controller may need longer), or say why not.
    const c = cluster;
    await waitFor(() => c.store.get({ group: '', resource: 'serviceaccounts' }, 'default', 'default'), 30_000).catch(() => {
      throw new Error('the default ServiceAccount was not created within 30 s of the cluster starting');
    });
  });

  afterAll(async () => {
    cluster?.destroy();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  return {
    get cluster() {
      if (!cluster) throw new Error('useKubectlCluster: the cluster exists only inside tests');
      return cluster;
    },
    kubectl: (args, stdin) =>
      new Promise((done) => {
        const child = execFile(
          '/usr/lib/google-cloud-sdk/bin/kubectl.1.33',
          ['--kubeconfig', kubeconfig, ...args],
          { env: { ...process.env, KUBECACHEDIR: join(dir, 'cache'), HOME: dir, KUBECTL_KUBERC: 'false' }, timeout: 30_000 },
          (err, stdout, stderr) => done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
        if (stdin !== undefined) child.stdin!.end(stdin);
      }),
  };
}
