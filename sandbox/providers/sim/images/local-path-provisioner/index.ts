/**
 * kind's local-path-provisioner and its helper image: importing this module
 * registers both in the container catalogue (../../containers/images/catalogue.ts).
 */
export { localPathProvisionerImage, localPathHelperImage, localPathProvisionerImageRef, localPathHelperImageRef } from './image.ts';
export { localPathProvisionerProgram, untilStopped, exitStatusAfter } from './program.ts';
