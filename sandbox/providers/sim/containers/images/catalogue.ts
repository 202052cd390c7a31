/**
 * The catalogue: importing this module registers every image this simulated
 * cluster can run. An image module registers itself with one
 * `registerImage(definition)` call and gets one import line here.
 */
import './busybox.ts';
import './nginx.ts';
import '../../images/mysql/index.ts';
import '../../images/kube-system/index.ts';
import '../../images/ceph/index.ts';
import '../../images/local-path-provisioner/index.ts';
import '../../images/ceph-csi/index.ts';
import '../../images/debian-base/index.ts';

export { imagePullError, parseImageRef, preloadedImages, registerImage, resolveImage, runnableImages } from './registry.ts';
