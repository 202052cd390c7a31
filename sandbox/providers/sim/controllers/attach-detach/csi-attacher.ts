/**
 * CsiAttacherController is the external-attacher sidecar of one CSI driver
 * (kubernetes-csi/external-attacher pkg/controller/csi_handler.go): for each
 * VolumeAttachment whose spec.attacher is its driver it adds the finalizer
 * `external-attacher/<driver with dots as dashes>` and the
 * `csi.alpha.kubernetes.io/node-id` annotation, calls ControllerPublish
 * (for ceph-csi RBD a no-op: the node maps the image itself at stage time)
 * and sets status.attached = true; when the VolumeAttachment is being
 * deleted it "unpublishes" and removes its finalizer so it can go.
 */
import type { KObject } from '../../store/types.ts';
import { StatusError } from '../../api/status.ts';
import { resources, type Controller, type ControllerContext, type Informer, type WorkQueue } from '../manager/index.ts';
import { specOf, statusOf } from '../pv-binder/volume-helpers.ts';

/** attacherFinalizer is the finalizer the external-attacher puts on its VolumeAttachments. */
export function attacherFinalizer(driver: string): string {
  return `external-attacher/${driver.replaceAll('.', '-')}`;
}

export class CsiAttacherController implements Controller {
  readonly name: string;
  private ctx!: ControllerContext;
  private attachments!: Informer;
  private queue!: WorkQueue;

  constructor(readonly driver: string) {
    this.name = `csi-attacher-${driver}`;
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.attachments = ctx.informer(resources.volumeattachments);
    this.queue = ctx.queue(this.name, (name) => this.sync(name));
    const mine = (va: KObject) => {
      if (specOf(va).attacher === this.driver) this.queue.add(va.metadata.name!);
    };
    this.attachments.addHandler({ add: mine, update: (_o, va) => mine(va) });
  }

  stop(): void {}

  private sync(name: string): void {
    const va = this.attachments.get('', name);
    if (!va || specOf(va).attacher !== this.driver) return;
    const fin = attacherFinalizer(this.driver);
    const api = this.ctx.api;
    try {
      if (va.metadata.deletionTimestamp) {
        if (!(va.metadata.finalizers ?? []).includes(fin)) return;
        const next = structuredClone(va);
        next.metadata.finalizers = next.metadata.finalizers!.filter((f) => f !== fin);
        api.update(resources.volumeattachments, '', name, next);
        return;
      }
      let current = va;
      if (!(va.metadata.finalizers ?? []).includes(fin) || va.metadata.annotations?.['csi.alpha.kubernetes.io/node-id'] === undefined) {
        const next = structuredClone(va);
        next.metadata.finalizers = [...new Set([...(next.metadata.finalizers ?? []), fin])];
        next.metadata.annotations = { ...(next.metadata.annotations ?? {}), 'csi.alpha.kubernetes.io/node-id': specOf(va).nodeName };
        current = api.update(resources.volumeattachments, '', name, next).object;
      }
      if (statusOf(current).attached !== true) {
        const next = structuredClone(current) as any;
        next.status = { ...(next.status ?? {}), attached: true };
        api.update(resources.volumeattachments, '', name, next, { subresource: 'status' });
      }
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
  }
}
