/**
 * cluster-view draws the live storage picture the server pushes (`view`
 * messages): nodes with their pods, and the storage chain StorageClass →
 * claim → volume → backing store. Data from the cluster is treated as
 * hostile: it only ever becomes textContent, never markup.
 */

export interface LiveView {
  storageClasses: { name: string; provisioner: string; isDefault: boolean; bindingMode: string; reclaimPolicy: string }[];
  claims: { namespace: string; name: string; phase: string; storageClass: string | null; volume: string | null; request: string | null; accessModes: string[] }[];
  volumes: { name: string; phase: string; storageClass: string | null; claim: string | null; capacity: string | null; reclaimPolicy: string; source: string; node: string | null }[];
  nodes: { name: string; ready: string; unschedulable: boolean; controlPlane: boolean }[];
  pods: { namespace: string; name: string; node: string | null; status: string; claims: string[]; volumes: string[] }[];
}

/** accessModeShort uses kubectl's abbreviations (RWO, ROX, RWX, RWOP). */
const accessModeShort: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

/** ChainRow is one line of the storage chain, as text parts with a tone for each. */
export interface ChainRow {
  kind: 'class' | 'claim' | 'volume';
  name: string;
  status: string;
  tone: 'ok' | 'wait' | 'bad' | 'plain';
  detail: string;
}

function tone(status: string): ChainRow['tone'] {
  if (['Bound', 'Running', 'Ready', 'Succeeded', 'Available'].includes(status)) return 'ok';
  if (['Pending', 'ContainerCreating', 'Terminating', 'Released', 'PodInitializing'].includes(status)) return 'wait';
  if (['Failed', 'Lost', 'NotReady', 'CrashLoopBackOff', 'Error', 'ErrImagePull', 'ImagePullBackOff', 'Unknown'].includes(status)) return 'bad';
  return 'plain';
}

/**
 * chainRows orders the storage objects by class: each class, its claims, each
 * claim's volume under it, then the class's volumes no claim holds. A class
 * name that claims or volumes use without a StorageClass object (static
 * provisioning, as the NFS lesson does) still groups them, and says so.
 */
export function chainRows(view: LiveView): ChainRow[] {
  const rows: ChainRow[] = [];
  const shown = new Set<string>();
  const names: string[] = view.storageClasses.map((s) => s.name);
  for (const n of [...view.claims.map((c) => c.storageClass), ...view.volumes.map((v) => v.storageClass)]) {
    if (n && !names.includes(n)) names.push(n);
  }
  const groups: (string | null)[] = [...names];
  if (view.claims.some((c) => !c.storageClass) || view.volumes.some((v) => !v.storageClass)) groups.push(null);
  for (const name of groups) {
    const sc = view.storageClasses.find((s) => s.name === name);
    rows.push(
      sc
        ? { kind: 'class', name: sc.name, status: sc.isDefault ? 'default' : '', tone: 'plain', detail: [sc.provisioner, sc.bindingMode, `reclaim ${sc.reclaimPolicy}`].join(' · ') }
        : name
          ? { kind: 'class', name, status: '', tone: 'plain', detail: 'no StorageClass object: claims and volumes match by this name' }
          : { kind: 'class', name: '(no class)', status: '', tone: 'plain', detail: 'claims and volumes without a storageClassName' },
    );
    for (const c of view.claims.filter((x) => (x.storageClass ?? null) === name)) {
      rows.push({
        kind: 'claim',
        name: `${c.namespace === 'default' ? '' : `${c.namespace}/`}${c.name}`,
        status: c.phase,
        tone: tone(c.phase),
        detail: [c.request, c.accessModes.map((m) => accessModeShort[m] ?? m).join(','), c.phase === 'Pending' && !c.volume ? 'waiting for a volume' : '']
          .filter(Boolean)
          .join(' · '),
      });
      const v = view.volumes.find((x) => x.name === c.volume);
      if (v) {
        shown.add(v.name);
        rows.push(volumeRow(v));
      }
    }
    for (const v of view.volumes.filter((x) => (x.storageClass ?? null) === name && !shown.has(x.name))) {
      shown.add(v.name);
      rows.push(volumeRow(v));
    }
  }
  return rows;
}

function volumeRow(v: LiveView['volumes'][number]): ChainRow {
  return {
    kind: 'volume',
    name: v.name,
    status: v.phase,
    tone: tone(v.phase),
    detail: [v.capacity, v.source, v.node ? `on ${v.node}` : '', v.claim && v.phase !== 'Bound' ? `claim ${v.claim}` : '', `reclaim ${v.reclaimPolicy}`]
      .filter(Boolean)
      .join(' · '),
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface ClusterViewOptions {
  /** powerNodes are the nodes the lesson relies on: they get power buttons. */
  powerNodes: string[];
  poweredOff: string[];
  onPower: (node: string, on: boolean) => void;
}

/** renderClusterView replaces root's content with the picture of view. */
export function renderClusterView(root: HTMLElement, view: LiveView, options: ClusterViewOptions): void {
  const nodes = el('div', 'cluster-view__nodes');
  for (const node of view.nodes) {
    const off = options.poweredOff.includes(node.name);
    const status = off ? 'Powered off' : node.ready === 'True' ? 'Ready' : 'NotReady';
    const card = el('div', `cluster-view__node cluster-view__node--${off ? 'off' : tone(status)}`);
    card.dataset.node = node.name;
    const head = el('div', 'cluster-view__node-head');
    head.append(el('strong', '', node.name), el('span', `cluster-view__badge cluster-view__badge--${off ? 'bad' : tone(status)}`, status));
    if (node.unschedulable) head.append(el('span', 'cluster-view__badge cluster-view__badge--wait', 'cordoned'));
    card.append(head);
    if (options.powerNodes.includes(node.name)) {
      const button = el('button', 'cluster-view__power', off ? 'Power on' : 'Power off');
      button.type = 'button';
      button.setAttribute('aria-label', `${off ? 'Power on' : 'Power off'} ${node.name}`);
      button.addEventListener('click', () => options.onPower(node.name, off));
      card.append(button);
    }
    const pods = view.pods.filter((p) => p.node === node.name);
    const list = el('ul', 'cluster-view__pods');
    for (const pod of pods) list.append(podItem(pod));
    // The view leaves out the cluster's own pods (kube-system, the storage add-ons), which every node runs.
    if (pods.length === 0) list.append(el('li', 'cluster-view__empty', node.controlPlane ? 'control plane: system pods only' : 'none of your pods'));
    card.append(list);
    nodes.append(card);
  }
  const unscheduled = view.pods.filter((p) => !p.node);
  if (unscheduled.length > 0) {
    const card = el('div', 'cluster-view__node cluster-view__node--wait');
    card.append(el('div', 'cluster-view__node-head', 'Not on a node yet'));
    const list = el('ul', 'cluster-view__pods');
    for (const pod of unscheduled) list.append(podItem(pod));
    card.append(list);
    nodes.append(card);
  }
  const chain = el('ul', 'cluster-view__chain');
  for (const row of chainRows(view)) {
    const li = el('li', `cluster-view__row cluster-view__row--${row.kind}`);
    li.append(el('span', 'cluster-view__kind', row.kind === 'class' ? 'StorageClass' : row.kind === 'claim' ? 'PVC' : 'PV'), el('span', 'cluster-view__name', row.name));
    if (row.status) li.append(el('span', `cluster-view__badge cluster-view__badge--${row.tone}`, row.status));
    if (row.detail) li.append(el('span', 'cluster-view__detail', row.detail));
    chain.append(li);
  }
  root.replaceChildren(el('h3', 'cluster-view__title', 'Nodes and pods'), nodes, el('h3', 'cluster-view__title', 'Storage'), chain);
}

function podItem(pod: LiveView['pods'][number]): HTMLLIElement {
  const li = el('li', 'cluster-view__pod');
  li.append(el('span', 'cluster-view__name', `${pod.namespace === 'default' ? '' : `${pod.namespace}/`}${pod.name}`), el('span', `cluster-view__badge cluster-view__badge--${tone(pod.status)}`, pod.status));
  const vols = [...pod.claims.map((c) => `pvc ${c}`), ...pod.volumes];
  if (vols.length > 0) li.append(el('span', 'cluster-view__detail', vols.join(' · ')));
  return li;
}
