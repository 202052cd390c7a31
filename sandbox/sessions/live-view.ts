/**
 * live-view keeps a compact picture of a session's storage objects —
 * StorageClasses → claims → volumes → nodes/backing store, and pods on nodes —
 * fresh from watches against the session's cluster (client-node informers,
 * list + watch, the same way a controller would), and hands it to the page
 * whenever something changes. The page draws it so a learner can look instead
 * of running `kubectl get` again. It sees the cluster only through the
 * kubeconfig, so it works the same on every provider.
 */
import * as k8s from '@kubernetes/client-node';

export interface LiveView {
  storageClasses: { name: string; provisioner: string; isDefault: boolean; bindingMode: string; reclaimPolicy: string }[];
  claims: {
    namespace: string;
    name: string;
    phase: string;
    storageClass: string | null;
    volume: string | null;
    request: string | null;
    accessModes: string[];
  }[];
  volumes: {
    name: string;
    phase: string;
    storageClass: string | null;
    claim: string | null;
    capacity: string | null;
    reclaimPolicy: string;
    /** source says where the data lives: "hostPath /tmp/mysql", "nfs nfs:/exports/mysql", "csi rbd.csi.ceph.com". */
    source: string;
    /** node is the node a local/hostPath volume is pinned to, from its nodeAffinity. */
    node: string | null;
  }[];
  nodes: { name: string; ready: string; unschedulable: boolean; controlPlane: boolean }[];
  pods: { namespace: string; name: string; node: string | null; status: string; claims: string[]; volumes: string[] }[];
}

/** systemNamespaces hold the cluster's own pods (and kslab-checks, the check engine's node readers); the view shows the learner's. */
const systemNamespaces = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage', 'ceph-csi-rbd', 'kslab-checks']);

type Obj = k8s.KubernetesObject & { spec?: any; status?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ViewObjects {
  storageClasses: readonly Obj[];
  claims: readonly Obj[];
  volumes: readonly Obj[];
  nodes: readonly Obj[];
  pods: readonly Obj[];
}

const byName = <T extends { name: string; namespace?: string }>(a: T, b: T) =>
  (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name);

/** buildView turns the watched objects into the view (pure, tested). */
export function buildView(o: ViewObjects): LiveView {
  return {
    storageClasses: o.storageClasses
      .map((sc) => ({
        name: sc.metadata!.name!,
        provisioner: String((sc as { provisioner?: string }).provisioner ?? ''),
        isDefault: sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
        bindingMode: String((sc as { volumeBindingMode?: string }).volumeBindingMode ?? 'Immediate'),
        reclaimPolicy: String((sc as { reclaimPolicy?: string }).reclaimPolicy ?? 'Delete'),
      }))
      .sort(byName),
    claims: o.claims
      .map((c) => ({
        namespace: c.metadata!.namespace ?? 'default',
        name: c.metadata!.name!,
        phase: c.metadata?.deletionTimestamp ? 'Terminating' : String(c.status?.phase ?? 'Pending'),
        storageClass: c.spec?.storageClassName ?? null,
        volume: c.spec?.volumeName || null,
        request: c.spec?.resources?.requests?.storage ?? null,
        accessModes: c.spec?.accessModes ?? [],
      }))
      .sort(byName),
    volumes: o.volumes
      .map((v) => ({
        name: v.metadata!.name!,
        phase: v.metadata?.deletionTimestamp ? 'Terminating' : String(v.status?.phase ?? 'Pending'),
        storageClass: v.spec?.storageClassName || null,
        claim: v.spec?.claimRef ? `${v.spec.claimRef.namespace ?? 'default'}/${v.spec.claimRef.name}` : null,
        capacity: v.spec?.capacity?.storage ?? null,
        reclaimPolicy: String(v.spec?.persistentVolumeReclaimPolicy ?? 'Retain'),
        source: volumeSource(v.spec ?? {}),
        node: pinnedNode(v.spec ?? {}),
      }))
      .sort(byName),
    nodes: o.nodes
      .map((n) => ({
        name: n.metadata!.name!,
        ready: String((n.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready')?.status ?? 'Unknown'),
        unschedulable: Boolean(n.spec?.unschedulable),
        controlPlane: n.metadata?.labels?.['node-role.kubernetes.io/control-plane'] !== undefined,
      }))
      .sort(byName),
    pods: o.pods
      .filter((p) => !systemNamespaces.has(p.metadata?.namespace ?? ''))
      .map((p) => ({
        namespace: p.metadata!.namespace ?? 'default',
        name: p.metadata!.name!,
        node: p.spec?.nodeName ?? null,
        status: podStatus(p),
        claims: (p.spec?.volumes ?? [])
          .filter((v: { persistentVolumeClaim?: unknown }) => v.persistentVolumeClaim)
          .map((v: { persistentVolumeClaim: { claimName: string } }) => v.persistentVolumeClaim.claimName),
        volumes: (p.spec?.volumes ?? [])
          .filter((v: Record<string, unknown>) => v.emptyDir || v.hostPath || v.nfs)
          .map((v: { name: string; emptyDir?: { medium?: string }; hostPath?: { path: string }; nfs?: { server: string; path: string } }) =>
            v.emptyDir
              ? `${v.name}: emptyDir${v.emptyDir.medium ? ` (${v.emptyDir.medium})` : ''}`
              : v.hostPath
                ? `${v.name}: hostPath ${v.hostPath.path}`
                : `${v.name}: nfs ${v.nfs!.server}:${v.nfs!.path}`,
          ),
      }))
      .sort(byName),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function volumeSource(spec: any): string {
  if (spec.hostPath) return `hostPath ${spec.hostPath.path}`;
  if (spec.local) return `local ${spec.local.path}`;
  if (spec.nfs) return `nfs ${spec.nfs.server}:${spec.nfs.path}`;
  if (spec.csi) return `csi ${spec.csi.driver}${spec.csi.volumeHandle ? ` ${spec.csi.volumeHandle}` : ''}`;
  if (spec.rbd) return `rbd ${spec.rbd.pool ?? 'rbd'}/${spec.rbd.image}`;
  return 'unknown';
}

/** pinnedNode reads a `kubernetes.io/hostname In [node]` requirement (local and local-path volumes). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function pinnedNode(spec: any): string | null {
  for (const term of spec.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const expr of term.matchExpressions ?? []) {
      if (expr.key === 'kubernetes.io/hostname' && expr.operator === 'In' && expr.values?.length === 1) return expr.values[0];
    }
  }
  return null;
}

/**
 * podStatus follows kubectl's STATUS column in outline (printers.go printPod):
 * Terminating when deleting, else the first waiting/terminated container reason, else the phase.
 */
function podStatus(p: Obj): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  if (p.status?.reason) return String(p.status.reason);
  for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
    if (cs.state?.waiting?.reason) return String(cs.state.waiting.reason);
    if (cs.state?.terminated?.reason && p.status?.phase !== 'Succeeded') return String(cs.state.terminated.reason);
  }
  return String(p.status?.phase ?? 'Pending');
}

/** LiveViewWatch runs the informers for one cluster; call stop when nobody is looking. */
export class LiveViewWatch {
  private readonly informers: (k8s.Informer<Obj> & k8s.ObjectCache<Obj>)[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private restarts: NodeJS.Timeout[] = [];

  /** DEBOUNCE_MS: one picture per burst of events (a Deployment rollout changes many objects at once). */
  static readonly DEBOUNCE_MS = 100;

  constructor(
    kubeconfigYaml: string,
    private readonly onView: (view: LiveView) => void,
  ) {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfigYaml);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const storage = kc.makeApiClient(k8s.StorageV1Api);
    const specs: [string, () => Promise<k8s.KubernetesListObject<Obj>>][] = [
      ['/apis/storage.k8s.io/v1/storageclasses', () => storage.listStorageClass() as never],
      ['/api/v1/persistentvolumeclaims', () => core.listPersistentVolumeClaimForAllNamespaces() as never],
      ['/api/v1/persistentvolumes', () => core.listPersistentVolume() as never],
      ['/api/v1/nodes', () => core.listNode() as never],
      ['/api/v1/pods', () => core.listPodForAllNamespaces() as never],
    ];
    for (const [path, list] of specs) {
      const informer = k8s.makeInformer<Obj>(kc, path, list);
      const changed = () => this.schedule();
      informer.on('add', changed);
      informer.on('update', changed);
      informer.on('delete', changed);
      informer.on('connect', changed);
      informer.on('error', () => {
        // client-node stops an informer on error; start it again after a pause (its documented pattern).
        if (this.stopped) return;
        this.restarts.push(setTimeout(() => void informer.start().catch(() => {}), 1000));
      });
      this.informers.push(informer);
    }
  }

  start(): void {
    for (const informer of this.informers) void informer.start().catch(() => {});
  }

  /** current is the picture now (for a page that just connected). */
  current(): LiveView {
    const [storageClasses, claims, volumes, nodes, pods] = this.informers.map((i) => i.list());
    return buildView({ storageClasses: storageClasses!, claims: claims!, volumes: volumes!, nodes: nodes!, pods: pods! });
  }

  /** names gives object names for tab completion. */
  names(resource: string): string[] {
    const index = ['storageclasses', 'persistentvolumeclaims', 'persistentvolumes', 'nodes', 'pods'].indexOf(resource);
    if (index < 0) return [];
    return this.informers[index]!.list().map((o) => o.metadata!.name!);
  }

  private schedule(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) this.onView(this.current());
    }, LiveViewWatch.DEBOUNCE_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.restarts) clearTimeout(t);
    for (const informer of this.informers) void informer.stop().catch(() => {});
  }
}
