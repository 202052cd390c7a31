/**
 * ImageLayer is an image's read-only filesystem, held in memory and shared by
 * every container of the image — the overlayfs lowerdir. A container's
 * writable upper layer is a real host directory; ContainerFs merges the two
 * (copy-up on write, whiteouts on delete) so `ls /bin` shows the image's
 * tools without writing fifty files per container to disk.
 */
import { splitPath } from './paths.ts';

/** ImageEntry is one file or directory of an image. */
export interface ImageEntry {
  type: 'file' | 'dir';
  /** mode is the permission bits (0o755, 0o644, …). */
  mode: number;
  uid?: number;
  gid?: number;
  /** content of a file; size defaults to its length. */
  content?: string | Uint8Array;
  /** size overrides the size ls shows (the busybox binary is 1.1 MB; we don't store it). */
  size?: number;
  /** nlink is the hard-link count ls -l shows (busybox's applets are ~400 links of one binary). */
  nlink?: number;
}

/** IMAGE_MTIME is the date image files show: images are built long before the lab runs. */
export const IMAGE_MTIME = new Date('2024-09-26T21:31:42Z');

export class ImageLayer {
  private readonly entries = new Map<string, ImageEntry>();
  private readonly children = new Map<string, Set<string>>();
  readonly mtime: Date;

  /** ImageLayer takes entries keyed by absolute path; parent directories are implied (0755 root). */
  constructor(entries: Record<string, ImageEntry>, mtime: Date = IMAGE_MTIME) {
    this.mtime = mtime;
    this.entries.set('/', { type: 'dir', mode: 0o755 });
    this.children.set('/', new Set());
    for (const [path, entry] of Object.entries(entries)) this.add(path, entry);
  }

  private add(path: string, entry: ImageEntry): void {
    const parts = splitPath(path);
    for (let i = 1; i <= parts.length; i++) {
      const p = '/' + parts.slice(0, i).join('/');
      const parent = '/' + parts.slice(0, i - 1).join('/');
      this.children.get(parent)!.add(parts[i - 1]!);
      if (i < parts.length && !this.entries.has(p)) {
        this.entries.set(p, { type: 'dir', mode: 0o755 });
        this.children.set(p, new Set());
      }
    }
    this.entries.set('/' + parts.join('/'), entry);
    if (entry.type === 'dir' && !this.children.has('/' + parts.join('/'))) this.children.set('/' + parts.join('/'), new Set());
  }

  /** get returns the entry at a normalised path. */
  get(path: string): ImageEntry | undefined {
    return this.entries.get(path);
  }

  /** list returns the names in a directory of the image (empty for a file or a missing path). */
  list(path: string): string[] {
    return [...(this.children.get(path) ?? [])];
  }

  /** sizeOf is the byte size a file shows. */
  static sizeOf(entry: ImageEntry): number {
    if (entry.size !== undefined) return entry.size;
    if (entry.content === undefined) return entry.type === 'dir' ? 4096 : 0;
    return typeof entry.content === 'string' ? Buffer.byteLength(entry.content) : entry.content.length;
  }

  /** bytesOf is the content of a file as bytes. */
  static bytesOf(entry: ImageEntry): Uint8Array {
    if (entry.content === undefined) return new Uint8Array(0);
    return typeof entry.content === 'string' ? Buffer.from(entry.content) : entry.content;
  }

  /** with returns a new layer with more entries on top (an image derived from another, FROM busybox). */
  with(entries: Record<string, ImageEntry>): ImageLayer {
    const all: Record<string, ImageEntry> = {};
    for (const [p, e] of this.entries) if (p !== '/') all[p] = e;
    return new ImageLayer({ ...all, ...entries }, this.mtime);
  }
}
