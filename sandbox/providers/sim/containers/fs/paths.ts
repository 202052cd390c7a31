/**
 * Container paths: always absolute, '/'-separated, normalised before they
 * touch the mount table. Normalising here — not on the host — is what keeps
 * `../../..` inside the container: `..` above `/` is `/`, as the kernel does
 * for a process whose root is the container's rootfs (path_resolution(7)).
 */
import { FsError } from './errors.ts';

/** PATH_MAX and NAME_MAX as Linux defines them (limits.h); longer paths fail with ENAMETOOLONG. */
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

/** splitPath turns a path (absolute, or relative to cwd) into its normalised components. */
export function splitPath(path: string, cwd = '/'): string[] {
  if (path.includes('\0')) throw new FsError('EINVAL', path);
  if (path.length >= PATH_MAX) throw new FsError('ENAMETOOLONG', path);
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      out.pop();
      continue;
    }
    if (part.length > NAME_MAX) throw new FsError('ENAMETOOLONG', path);
    out.push(part);
  }
  return out;
}

/** normalizePath is splitPath joined back: `/a/../b/./c/` → `/b/c`. */
export function normalizePath(path: string, cwd = '/'): string {
  return '/' + splitPath(path, cwd).join('/');
}

/** dirname and basename of a normalised container path. */
export function dirname(path: string): string {
  const parts = splitPath(path);
  parts.pop();
  return '/' + parts.join('/');
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** isUnder says whether normalised `path` is `prefix` or below it (component-wise, so /data2 is not under /data). */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === '/') return true;
  return path === prefix || path.startsWith(prefix + '/');
}
