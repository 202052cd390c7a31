/**
 * SimServer is one HTTPS listener serving any number of isolated simulated
 * clusters, each under its own path prefix (`/clusters/<id>`) with its own
 * bearer token. A cluster is an ObjectStore + ClusterApi and costs memory
 * only for its objects and open watches.
 *
 * SimCluster is one of them: kubeconfig(), reset(), destroy(), plus the
 * in-process `api`/`store` that controllers (sim part 2) and the kubelet
 * model (part 3, via `runtime`) use.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';
import { ObjectStore, DEFAULT_HISTORY } from '../store/store.ts';
import { findResource } from '../api/resources.ts';
import { StatusError, unauthorized, pageNotFound } from '../api/status.ts';
import { admit } from '../admission/index.ts';
import { toTable } from '../api/tables/index.ts';
import { openapiDocument, openapiRoot, patchMetaAt, unknownFields } from '../api/openapi/index.ts';
import { decodeProtobuf } from '../api/protobuf/index.ts';
import { ClusterApi, type SchemaLookup } from './rest.ts';
import { handleApiRequest, parseRoute, type ApiRenderers, type HandlerSettings } from './http.ts';
import { sendError } from './request.ts';
import { loadOrCreateServerTls, type ServerTls } from './tls.ts';
import { buildKubeconfig } from '../kubeconfig/kubeconfig.ts';
import { bootstrapCluster, ensureNamespaceEssentials } from '../cluster/bootstrap.ts';
import { execWebSocketServer, rejectUpgrade, serveExecUpgrade } from '../streams/exec.ts';
import type { ContainerRuntime } from '../streams/types.ts';
import type { StoreWatch } from '../store/store.ts';
import { startControlPlane, type ControllerManager, type ControlPlaneOptions } from '../controllers/manager/index.ts';
import { NODE_AGENTS, type NodeAgents } from '../controllers/node-lifecycle/index.ts';
import { createStorageBackends, destroyStorageBackends, type StorageBackends } from '../dataroot/storage-backends.ts';
import { kubeletRuntime } from '../kubelet/index.ts';
import { isNodePowerPath, serveNodePower } from './node-power.ts';

export interface SimServerOptions {
  /** host to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** port; 0 picks a free one. */
  port?: number;
  /** tlsDir caches the CA and server certificate so restarts keep kubeconfigs valid. */
  tlsDir?: string;
  /** historyLimit is how many changes each cluster keeps for watch resumption. */
  historyLimit?: number;
  bookmarkIntervalMs?: number;
  watchTimeoutSeconds?: number;
  /** renderers: Tables, OpenAPI, protobuf (defaults to the api/ modules). */
  renderers?: ApiRenderers;
  /** schema: patch metadata and unknown-field checks (defaults to api/openapi). */
  schema?: SchemaLookup;
  /** controlPlane: controller-manager/scheduler settings for every cluster (clock, nodeMonitorGracePeriodMs, …). */
  controlPlane?: ControlPlaneOptions;
  /** dataDir is where clusters keep node trees, NFS exports and RBD image data (`<dataDir>/<id>`); default a temp dir under os.tmpdir()/kslab-sim/, removed on destroy. */
  dataDir?: string;
}

export interface SimClusterOptions {
  /** id is the path segment: [a-z0-9-]{1,63}. */
  id: string;
  /** runtime serves exec/attach/logs; without one pods never run (sim part 3 provides it). */
  runtime?: ContainerRuntime;
  onStep?: (step: string, status: 'running' | 'done') => void;
  /** controlPlane overrides the server's controlPlane settings for this cluster. */
  controlPlane?: ControlPlaneOptions;
}

/** defaultRenderers / defaultSchema are the api/ modules: Tables, OpenAPI v3, protobuf bodies, patch metadata. */
const defaultRenderers: ApiRenderers = { toTable, openapiRoot, openapiDocument, decodeProtobuf };
const defaultSchema: SchemaLookup = { patchMetaAt, unknownFields };

const idPattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const namespacesType = findResource('', 'v1', 'namespaces')!;

export class SimCluster {
  readonly token = randomBytes(32).toString('base64url');
  api: ClusterApi;
  runtime?: ContainerRuntime;
  /** controllers is the running controller manager + scheduler (../controllers/manager). */
  controllers!: ControllerManager;
  /** storage is the cluster's data root and Ceph state (../dataroot, ../ceph), shared by provisioners and the kubelet model. */
  storage!: StorageBackends;
  private essentials?: StoreWatch;
  private readonly powerListeners = new Set<(node: string, on: boolean) => void>();

  constructor(
    readonly id: string,
    private readonly server: SimServer,
    private readonly opts: SimClusterOptions,
  ) {
    // Without a runtime from the caller, the kubelet model (../kubelet) serves exec/attach/logs.
    this.runtime = opts.runtime ?? kubeletRuntime(() => this.controllers);
    this.api = this.freshApi();
    this.bootstrap();
    this.startControllers();
  }

  /** url is the cluster's API root, e.g. `https://127.0.0.1:6443/clusters/abc`. */
  get url(): string {
    return `${this.server.url}/clusters/${this.id}`;
  }

  get store(): ObjectStore {
    return this.api.store;
  }

  kubeconfig(namespace?: string): string {
    return buildKubeconfig({ name: `kslab-sim-${this.id}`, server: this.url, caCertPem: this.server.tls.caCertPem, token: this.token, namespace });
  }

  /** reset drops every object and open watch and re-runs the bootstrap; token and URL stay. */
  reset(): void {
    this.controllers.stop();
    destroyStorageBackends(this.storage);
    this.essentials?.stop();
    this.api.store.close();
    this.api = this.freshApi();
    this.bootstrap();
    this.startControllers();
  }

  destroy(): void {
    this.controllers.stop();
    destroyStorageBackends(this.storage);
    this.essentials?.stop();
    this.api.store.close();
    this.server.removeCluster(this.id);
  }

  private freshApi(): ClusterApi {
    return new ClusterApi(new ObjectStore(this.server.options.historyLimit ?? DEFAULT_HISTORY), { admit, schema: this.server.options.schema ?? defaultSchema });
  }

  /** onPowerChange tells listener about every node power switch, across resets and restores; returns an unsubscribe. */
  onPowerChange(listener: (node: string, on: boolean) => void): () => void {
    this.powerListeners.add(listener);
    return () => this.powerListeners.delete(listener);
  }

  /** useControllers installs a (new) controller manager — at start, reset or snapshot restore — and forwards its node power switches. */
  useControllers(manager: ControllerManager): void {
    this.controllers = manager;
    manager.controller<NodeAgents>(NODE_AGENTS)?.onPowerChange((node, on) => {
      for (const l of this.powerListeners) l(node, on);
    });
  }

  private startControllers(): void {
    // `storage` rides along in the options; storage controllers find it with storageBackendsOf(ctx).
    this.useControllers(startControlPlane(this.api, { tokenKeyPem: this.server.tls.keyPem, ...this.server.options.controlPlane, ...this.opts.controlPlane, storage: this.storage } as ControlPlaneOptions));
  }

  private bootstrap(): void {
    const api = this.api;
    // The storage backends exist before the bootstrap: the Ceph toolbox's keyring Secret carries their client.admin key.
    this.storage = createStorageBackends({ clusterId: this.id, dataDir: this.server.options.dataDir });
    try {
      bootstrapCluster(api, this.server.tls.caCertPem, this.opts.onStep, { ceph: this.storage.ceph, dataRoot: this.storage.dataRoot });
    } catch (e) {
      // A cluster that never came up leaves no data root behind (nobody will call destroy on it).
      destroyStorageBackends(this.storage);
      throw e;
    }
    // serviceaccounts-controller + root-ca-cert-publisher: every new namespace gets its `default` SA and CA bundle.
    this.essentials = api.store.watch(namespacesType.storage, undefined, api.store.currentRV(), {
      event: (e) => {
        if (e.type !== 'ADDED') return;
        const ns = e.object.metadata.name!;
        setImmediate(() => {
          if (this.api !== api || api.store.closed) return;
          ensureNamespaceEssentials(api, ns, this.server.tls.caCertPem);
        });
      },
      closed: () => {},
    });
  }
}

export class SimServer {
  readonly tls: ServerTls;
  private readonly clusters = new Map<string, SimCluster>();
  /** tokens maps each cluster's bearer token to its id. */
  private readonly tokens = new Map<string, string>();
  private readonly https: Server;
  private readonly wss: WebSocketServer;
  private readonly settings: HandlerSettings;
  private listening?: AddressInfo;

  private constructor(readonly options: SimServerOptions) {
    this.tls = loadOrCreateServerTls(options.tlsDir);
    this.settings = {
      renderers: options.renderers ?? defaultRenderers,
      watch: { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000, defaultTimeoutSeconds: options.watchTimeoutSeconds ?? 1800 },
      tokenKeyPem: this.tls.keyPem,
    };
    this.wss = execWebSocketServer();
    this.https = createServer({ cert: this.tls.certPem, key: this.tls.keyPem }, (req, res) => {
      void this.handle(req, res);
    });
    this.https.keepAliveTimeout = 65_000;
    this.https.headersTimeout = 66_000;
    this.https.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.https.on('clientError', (_err, socket) => socket.destroy());
  }

  /** start listens and resolves once the port is bound. */
  static async start(options: SimServerOptions = {}): Promise<SimServer> {
    const s = new SimServer(options);
    await new Promise<void>((resolve, reject) => {
      s.https.once('error', reject);
      s.https.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        s.https.off('error', reject);
        resolve();
      });
    });
    s.listening = s.https.address() as AddressInfo;
    return s;
  }

  get port(): number {
    return this.listening!.port;
  }

  get url(): string {
    const host = this.listening!.address.includes(':') ? `[${this.listening!.address}]` : this.listening!.address;
    return `https://${host}:${this.port}`;
  }

  /** createCluster adds a bootstrapped cluster under /clusters/<id>. */
  createCluster(opts: SimClusterOptions): SimCluster {
    if (!idPattern.test(opts.id)) throw new Error(`cluster id "${opts.id}" must match [a-z0-9-]{1,63}`);
    if (this.clusters.has(opts.id)) throw new Error(`cluster "${opts.id}" already exists`);
    const c = new SimCluster(opts.id, this, opts);
    this.clusters.set(opts.id, c);
    this.tokens.set(c.token, opts.id);
    return c;
  }

  cluster(id: string): SimCluster | undefined {
    return this.clusters.get(id);
  }

  get clusterCount(): number {
    return this.clusters.size;
  }

  /** removeCluster forgets a cluster (SimCluster.destroy calls it). */
  removeCluster(id: string): void {
    const c = this.clusters.get(id);
    if (!c) return;
    this.clusters.delete(id);
    this.tokens.delete(c.token);
    if (!c.store.closed) c.destroy();
  }

  async close(): Promise<void> {
    for (const c of [...this.clusters.values()]) c.destroy();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.https.close(() => resolve());
      this.https.closeAllConnections();
    });
  }

  /** authenticate finds the cluster a path names and checks its bearer token. */
  private authenticate(req: IncomingMessage): { cluster: SimCluster; rest: string; query: URLSearchParams } {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const m = /^\/clusters\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (!m) {
      // Without the prefix (client-go drops it for `kubectl get --raw /api/...`), the token alone names the cluster.
      const byToken = token ? this.clusters.get(this.tokens.get(token) ?? '') : undefined;
      if (!byToken || !sameSecret(token, byToken.token)) throw unauthorized();
      return { cluster: byToken, rest: url.pathname, query: url.searchParams };
    }
    const cluster = this.clusters.get(m[1]!);
    // Unknown clusters answer like a wrong token, so ids cannot be probed.
    if (!cluster || !token || !sameSecret(token, cluster.token)) throw unauthorized();
    return { cluster, rest: m[2] ?? '/', query: url.searchParams };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const { cluster, rest, query } = this.authenticate(req);
      // kslab's node power switch (./node-power.ts): outside /api and /apis, so discovery never meets it.
      if (isNodePowerPath(rest)) return await serveNodePower(cluster, req, res, rest);
      await handleApiRequest(cluster, req, res, rest, query, this.settings);
    } catch (e) {
      sendError(res, e);
    }
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    try {
      const { cluster, rest, query } = this.authenticate(req);
      const route = parseRoute(rest);
      if (route?.rt.kind === 'Pod' && route.subresource === 'portforward') {
        throw new StatusError(503, 'ServiceUnavailable', 'pods/portforward is not available in this simulated cluster (kslab-sim models no network to forward to)');
      }
      if (!route || route.rt.kind !== 'Pod' || route.rt.group !== '' || !route.namespace || !route.name || (route.subresource !== 'exec' && route.subresource !== 'attach')) {
        throw pageNotFound();
      }
      serveExecUpgrade(cluster.api, cluster.runtime, this.wss, req, socket, head, { kind: route.subresource, namespace: route.namespace, name: route.name, query });
    } catch (e) {
      rejectUpgrade(socket, e);
    }
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
