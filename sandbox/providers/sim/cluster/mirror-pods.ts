/**
 * MirrorPods is the kubelet's upkeep of mirror pods for static pods
 * (pkg/kubelet/kubelet.go syncPod: "Create Mirror Pod for Static Pod if it
 * doesn't already exist"; pkg/kubelet/pod/mirror_client.go). A static pod
 * runs from a manifest in the node's /etc/kubernetes/manifests; the API
 * server shows only its mirror. `kubectl delete pod etcd-lab-control-plane`
 * therefore does not remove etcd: the kubelet posts the mirror again (a new
 * uid) moments later — unless the manifest file is gone, which is how an
 * administrator really stops a static pod.
 *
 * Simulated difference: on a real node the static pod's containers keep
 * running while its mirror is deleted and re-created; here the kubelet model
 * stops them with the deleted pod and starts them again for the new mirror.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { KObject } from '../store/types.ts';
import type { Controller, ControllerContext } from '../controllers/manager/manager.ts';
import type { Informer } from '../controllers/manager/informer.ts';
import type { WorkQueue } from '../controllers/manager/work-queue.ts';
import type { NodeAgents } from '../controllers/node-lifecycle/node-agent.ts';
import { resources } from '../controllers/manager/resources.ts';
import { StatusError } from '../api/status.ts';
import { storageBackendsOf } from '../dataroot/storage-backends.ts';
import { mirrorPod } from './addons/control-plane.ts';

export const MIRROR_PODS_CONTROLLER = 'kubelet-mirror-pods';

/** manifestDir is the kubelet's staticPodPath on kind nodes. */
export const manifestDir = '/etc/kubernetes/manifests';

/** isMirrorPod: the pod is the API's copy of a static pod. */
export function isMirrorPod(pod: KObject): boolean {
  return !!pod.metadata.annotations?.['kubernetes.io/config.mirror'];
}

export class MirrorPods implements Controller {
  readonly name = MIRROR_PODS_CONTROLLER;
  private ctx!: ControllerContext;
  private pods!: Informer;
  private nodes!: Informer;
  private queue!: WorkQueue;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.pods = ctx.informer(resources.pods);
    this.nodes = ctx.informer(resources.nodes);
    this.queue = ctx.queue(this.name, (key) => this.sync(key));
    this.pods.addHandler({
      delete: (p) => {
        const node = (p as unknown as { spec?: { nodeName?: string } }).spec?.nodeName;
        if (!node || !isMirrorPod(p) || !p.metadata.name?.endsWith(`-${node}`)) return;
        // The kubelet notices at its next pod sync (about a second later).
        this.queue.addAfter(`${node}/${p.metadata.name}`, 1_000);
      },
    });
  }

  stop(): void {}

  private sync(key: string): void {
    const [node, podName] = key.split('/') as [string, string];
    const component = podName.slice(0, -(node.length + 1));
    if (this.pods.get('kube-system', podName)) return;
    // A powered-off node's kubelet posts nothing; a node that is gone has no kubelet.
    const agents = this.ctx.controller<NodeAgents>('kubelet-heartbeat');
    if (agents && !agents.isPoweredOn(node)) return;
    const nodeObj = this.nodes.get('', node);
    if (!nodeObj) return;
    const dataRoot = storageBackendsOf(this.ctx).dataRoot;
    if (dataRoot.isDestroyed) return;
    const file = dataRoot.nodePath(node, `${manifestDir}/${component}.yaml`);
    if (!existsSync(file)) return;
    let manifest: KObject;
    try {
      manifest = parse(readFileSync(file, 'utf8')) as KObject;
    } catch {
      return; // The kubelet logs a manifest it cannot decode and skips it.
    }
    if (!manifest?.metadata?.name || manifest.metadata.name !== component) return;
    delete (manifest as { status?: unknown }).status;
    const now = this.ctx.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const pod = mirrorPod(manifest, { now, nodes: new Map([[node, { uid: nodeObj.metadata.uid!, ip: '' }]]) }, node);
    try {
      this.ctx.api.create(resources.pods, 'kube-system', pod);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      // Still terminating (409) or refused: try again at the next sync.
      if (e.code === 409) this.queue.addAfter(key, 1_000);
    }
  }
}
