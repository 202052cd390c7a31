/** The Ceph image module: importing it registers quay.io/ceph/ceph (the toolbox's image). */
export { CEPH_IMAGE } from './image.ts';
export { clientProgram, connectOptions, parseIni } from './client.ts';
