/**
 * The image catalogue: the images this simulated cluster can "pull". An image
 * is a modelled behaviour, not a tarball: a read-only file tree (ImageLayer),
 * the programs on its PATH, and the config Docker/containerd would read from
 * its manifest (Entrypoint, Cmd, Env, User, WorkingDir).
 *
 * Other modules add images with one line, `registerImage(definition)` (the
 * MySQL model registers mysql and mariadb); `../images/catalogue.ts` imports
 * every image module once, so importing the catalogue is enough for the
 * kubelet.
 */
import { ImageLayer, type ImageEntry } from '../fs/image-layer.ts';
import type { Program } from '../program.ts';

/** ImageUser is the image's USER: uid, gid and its /etc/passwd name. */
export interface ImageUser {
  uid: number;
  gid: number;
  name: string;
}

/** ImageDefinition is what registerImage takes. */
export interface ImageDefinition {
  /** repository is the image name as Docker Hub knows it: `busybox`, `mysql`, `bitnami/nginx`, `quay.io/ceph/ceph`. */
  repository: string;
  /** tags the registry has; undefined accepts any tag (our busybox stands for every busybox release). */
  tags?: readonly string[];
  /** entrypoint is the image's ENTRYPOINT ([] if none). */
  entrypoint: readonly string[];
  /** cmd is the image's CMD. */
  cmd: readonly string[];
  /** env is the image's ENV (PATH included); the kubelet adds HOSTNAME and the pod's env on top. */
  env: Readonly<Record<string, string>>;
  /** user defaults to root. */
  user?: ImageUser;
  /** workingDir defaults to `/`. */
  workingDir?: string;
  /** files is the image's file tree (programs' paths are added as executables automatically). */
  files: Readonly<Record<string, ImageEntry>>;
  /** programs are the executables, keyed by absolute path (`/usr/sbin/mysqld`). */
  programs: Readonly<Record<string, Program>>;
  /** sizeBytes is the compressed image size the Pulled event reports. */
  sizeBytes: number;
  /** stopSignal is the image's STOPSIGNAL (default TERM): what the kubelet's runtime sends first when stopping it (nginx: QUIT). */
  stopSignal?: 'TERM' | 'QUIT' | 'INT';
  /** preloaded lists references (`registry.k8s.io/etcd:3.5.21-0`) every node holds from the start, as a kind node image does: no pull. */
  preloaded?: readonly string[];
}

/** Image is a registered, ready-to-run image. */
export interface Image extends Omit<ImageDefinition, 'files'> {
  layer: ImageLayer;
  user: ImageUser;
  workingDir: string;
}

/** ImageRef is a parsed image reference. */
export interface ImageRef {
  /** registry, e.g. docker.io */
  registry: string;
  /** path in the registry, e.g. library/busybox */
  path: string;
  tag: string;
  digest?: string;
  /** canonical is what containerd names it: docker.io/library/busybox:1.36 */
  canonical: string;
}

const images = new Map<string, Image>();

/** parseImageRef normalises a reference the way containerd's reference.ParseDockerRef does (docker.io, library/, :latest). */
export function parseImageRef(ref: string): ImageRef | undefined {
  const trimmed = ref.trim();
  if (trimmed === '' || /\s|[A-Z]/.test(trimmed.replace(/@.*$/, '').replace(/:[^/]*$/, ''))) return undefined;
  let rest = trimmed;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = 'latest';
  let explicitTag = false;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    explicitTag = true;
  }
  if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) {
    registry = parts.shift()!;
  }
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  if (parts.some((p) => !/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/.test(p))) return undefined;
  const path = parts.join('/');
  // containerd names a digest-only reference without the default tag.
  const canonical = `${registry}/${path}${digest && !explicitTag ? '' : ':' + tag}${digest ? '@' + digest : ''}`;
  return { registry, path, tag, digest, canonical };
}

function keyOf(ref: ImageRef): string {
  return `${ref.registry}/${ref.path}`;
}

/** registerImage adds (or replaces) an image in the catalogue. */
export function registerImage(def: ImageDefinition): void {
  const ref = parseImageRef(def.repository);
  if (!ref) throw new Error(`registerImage: bad repository ${def.repository}`);
  const files: Record<string, ImageEntry> = { ...def.files };
  for (const path of Object.keys(def.programs)) {
    files[path] ??= { type: 'file', mode: 0o755, size: 1_000_000 };
  }
  images.set(keyOf(ref), {
    ...def,
    layer: new ImageLayer(files),
    user: def.user ?? { uid: 0, gid: 0, name: 'root' },
    workingDir: def.workingDir ?? '/',
  });
}

/** preloadedImages are the canonical references of every registered image's preloaded tags (what the kubelet starts each node with). */
export function preloadedImages(): string[] {
  return [...images.values()].flatMap((i) => (i.preloaded ?? []).map((r) => parseImageRef(r)?.canonical).filter((r): r is string => !!r));
}

/** ResolvedImage is a catalogue image and the reference it was pulled by. */
export interface ResolvedImage {
  image: Image;
  ref: ImageRef;
}

/** resolveImage finds the image a pod's `image:` names; undefined means the pull fails (see imagePullError). */
export function resolveImage(ref: string): ResolvedImage | undefined {
  const parsed = parseImageRef(ref);
  if (!parsed) return undefined;
  const image = images.get(keyOf(parsed));
  if (!image) return undefined;
  if (image.tags && !image.tags.includes(parsed.tag) && !parsed.digest) return undefined;
  return { image, ref: parsed };
}

/** runnableImages lists the catalogue's images by their short names (busybox, mysql, …), sorted. */
export function runnableImages(): string[] {
  return [...images.keys()].map((k) => k.replace(/^docker\.io\/(library\/)?/, '')).sort();
}

/** ImagePullError is what the kubelet reports for an image outside the catalogue. */
export interface ImagePullError {
  /** reason for the waiting state. */
  reason: 'ErrImagePull' | 'InvalidImageName';
  /** message is the CRI error: the container status's waiting.message. */
  message: string;
  /** event is the Failed event's message: `Failed to pull image "x": <message>`. */
  event: string;
}

/**
 * imagePullError words a failed pull as containerd and the kubelet do
 * (pkg/kubelet/images/image_manager.go; containerd's resolver): a repository
 * that does not exist is "pull access denied", a missing tag is "not found".
 * One sentence is ours: it names the images this sandbox can run.
 */
export function imagePullError(image: string): ImagePullError {
  const sandboxNote = ` (this simulated cluster runs only the images it models: ${runnableImages().join(', ')})`;
  const parsed = parseImageRef(image);
  if (!parsed) {
    const message = `Failed to apply default image tag "${image}": couldn't parse image name "${image}": invalid reference format`;
    return { reason: 'InvalidImageName', message, event: message };
  }
  const known = images.get(keyOf(parsed));
  let message: string;
  if (known) {
    message = `rpc error: code = NotFound desc = failed to pull and unpack image "${parsed.canonical}": failed to resolve reference "${parsed.canonical}": ${parsed.canonical}: not found${sandboxNote}`;
  } else {
    // code = Unknown: the kubelet strips the "rpc error: code = Unknown desc = " prefix (kubernetes PR #117612).
    message = `failed to pull and unpack image "${parsed.canonical}": failed to resolve reference "${parsed.canonical}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed${sandboxNote}`;
  }
  return { reason: 'ErrImagePull', message, event: `Failed to pull image "${image}": ${message}` };
}
