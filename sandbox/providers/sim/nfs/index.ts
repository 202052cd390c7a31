/**
 * The simulated cluster's NFS server `nfs` (see ./server.ts) and its
 * `showmount` command for the learner terminal (./showmount.ts).
 */
export {
  NfsServer,
  nfsServerFor,
  formatNfsMountFailure,
  NFS_SERVER_NAME,
  NFS_SERVER_ADDRESS,
  EXPORT_PATH,
  EXPORT_OPTIONS,
  LESSON_EXPORT_DIRS,
  MOUNT_TIMEOUT_MS,
} from './server.ts';
export type { NfsServerOptions, NfsMountResult, NfsClientMount } from './server.ts';
export { showmountTool } from './showmount.ts';
