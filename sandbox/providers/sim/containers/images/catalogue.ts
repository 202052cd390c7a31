/**
 * The catalogue: importing this module registers every image this simulated
 * cluster can run. An image module registers itself with one
 * `registerImage(definition)` call and gets one import line here.
 */
import './busybox.ts';
import './nginx.ts';
import '../../images/mysql/index.ts';

export { imagePullError, parseImageRef, registerImage, resolveImage, runnableImages } from './registry.ts';
