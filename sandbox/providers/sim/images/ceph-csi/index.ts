/**
 * ceph-csi's RBD driver and sidecar images: importing this module registers
 * them in the container catalogue (../../containers/images/catalogue.ts).
 */
export { cephcsiImage, cephcsiImageRef, sidecarImage, sidecarImageRef, sidecarKinds } from './image.ts';
export { cephcsiProgram, sidecarProgram, cephCsiVersion, sidecarVersions, type SidecarKind } from './programs.ts';
