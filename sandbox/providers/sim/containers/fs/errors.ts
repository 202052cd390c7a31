/**
 * FsError is a failed path operation inside a container's filesystem view,
 * carrying the errno a Linux kernel would return. Tools print it the way
 * busybox does (`cat: can't open 'x': No such file or directory`), so the
 * message text is strerror()'s wording from glibc/musl.
 */
export type Errno =
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'ENOTEMPTY'
  | 'EROFS'
  | 'ENOSPC'
  | 'EFBIG'
  | 'EACCES'
  | 'EPERM'
  | 'EINVAL'
  | 'EIO'
  | 'EBUSY'
  | 'EXDEV'
  | 'ENAMETOOLONG'
  | 'ESTALE';

/** ERRNO_MESSAGES are strerror() texts (musl, which busybox/alpine images use, words these as glibc does for this set). */
export const ERRNO_MESSAGES: Record<Errno, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EFBIG: 'File too large',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EINVAL: 'Invalid argument',
  EIO: 'I/O error',
  EBUSY: 'Resource busy',
  EXDEV: 'Cross-device link',
  ENAMETOOLONG: 'File name too long',
  ESTALE: 'Stale file handle',
};

export class FsError extends Error {
  readonly code: Errno;
  /** path is the container path the operation was about (as the caller wrote it). */
  readonly path: string;

  constructor(code: Errno, path: string) {
    super(ERRNO_MESSAGES[code]);
    this.code = code;
    this.path = path;
    this.name = 'FsError';
  }
}

/** isFsError narrows unknown errors in tools' catch blocks. */
export function isFsError(err: unknown): err is FsError {
  return err instanceof FsError;
}

/** errnoMessage gives the strerror text of any error a tool catches (FsError or an unexpected one). */
export function errnoMessage(err: unknown): string {
  if (err instanceof FsError) return err.message;
  return (err as Error)?.message ?? String(err);
}
