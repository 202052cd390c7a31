/**
 * CsiAttacherController is the external-attacher sidecar of one CSI driver
 * (kubernetes-csi/external-attacher pkg/controller/csi_handler.go): for each
 * VolumeAttachment whose spec.attacher is its driver it adds the finalizer
 * `external-attacher/<driver with dots as dashes>` and the
 * `csi.alpha.kubernetes.io/node-id` annotation, calls ControllerPublish
 * (for ceph-csi RBD a no-op: the node maps the image itself at stage time)
 * and sets status.attached = true; when the VolumeAttachment is being
 * deleted it "unpublishes" and removes its finalizer so it can go.
 *
 * Neither is instant on a real cluster: status.attached follows the
 * finalizer after VolumeLatency.attachMs, the finalizer leaves a deleted
 * VolumeAttachment after detachMs (./volume-latency.ts), so `kubectl get
 * volumeattachment` shows ATTACHED false for a moment, and a detaching one
 * lingers.
 */
import type { KObject } from '../../store/types.ts';
import { StatusError } from '../../api/status.ts';
import { resources, type Controller, type ControllerContext, type Informer, type WorkQueue } from '../manager/index.ts';
import { specOf, statusOf } from '../pv-binder/volume-helpers.ts';
import { volumeLatencyOf, type VolumeLatency } from './volume-latency.ts';

/** attacherFinalizer is the finalizer the external-attacher puts on its VolumeAttachments. */
export function attacherFinalizer(driver: string): string {
  return `external-attacher/${driver.replaceAll('.', '-')}`;
}

export class CsiAttacherController implements Controller {
  readonly name: string;
  private ctx!: ControllerContext;
  private attachments!: Informer;
  private queue!: WorkQueue;
  private latency!: VolumeLatency;
  /** attachDone / detachDone: when the ControllerPublish / ControllerUnpublish under way for a VolumeAttachment (by name) returns. */
  private readonly attachDone = new Map<string, number>();
  private readonly detachDone = new Map<string, number>();

  constructor(readonly driver: string) {
    this.name = `csi-attacher-${driver}`;
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.latency = volumeLatencyOf(ctx.options);
    this.attachments = ctx.informer(resources.volumeattachments);
    this.queue = ctx.queue(this.name, (name) => this.sync(name));
    const mine = (va: KObject) => {
      if (specOf(va).attacher === this.driver) this.queue.add(va.metadata.name!);
    };
    const forget = (va: KObject) => {
      this.attachDone.delete(va.metadata.name!);
      this.detachDone.delete(va.metadata.name!);
    };
    this.attachments.addHandler({ add: mine, update: (_o, va) => mine(va), delete: forget });
  }

  stop(): void {}

  private sync(name: string): void {
    const va = this.attachments.get('', name);
    if (!va || specOf(va).attacher !== this.driver) {
      this.attachDone.delete(name);
      this.detachDone.delete(name);
      return;
    }
    const fin = attacherFinalizer(this.driver);
    const api = this.ctx.api;
    try {
      if (va.metadata.deletionTimestamp) {
        this.attachDone.delete(name);
        if (!(va.metadata.finalizers ?? []).includes(fin)) return;
        if (this.waiting(this.detachDone, name, this.latency.detachMs)) return;
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
        if (this.waiting(this.attachDone, name, this.latency.attachMs)) return;
        const next = structuredClone(current) as any;
        next.status = { ...(next.status ?? {}), attached: true };
        api.update(resources.volumeattachments, '', name, next, { subresource: 'status' });
      }
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
  }

  /**
   * waiting starts (once) a call that takes `ms` and says whether it is
   * still under way; if so the VolumeAttachment is looked at again when it
   * returns. The entry is dropped once the call is done.
   */
  private waiting(calls: Map<string, number>, name: string, ms: number): boolean {
    const now = this.ctx.clock.now().getTime();
    let done = calls.get(name);
    if (done === undefined) calls.set(name, (done = now + ms));
    if (now < done) {
      this.queue.addAfter(name, done - now);
      return true;
    }
    calls.delete(name);
    return false;
  }
}
