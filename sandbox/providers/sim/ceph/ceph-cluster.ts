/**
 * CephCluster is the STATE of a simulated Ceph cluster — what ceph-csi's
 * provisioner and the `ceph`/`rbd` terminal commands talk to: fsid and
 * monitors, pools, cephx users with their keys, and RBD images with their
 * size, features, timestamps and watchers. It does no I/O (image data lives
 * in the cluster's DataRoot under `ceph/<pool>/<image>/`) and its whole
 * state is one JSON value (toJSON / fromJSON) so a cluster can be
 * snapshotted and restored.
 *
 * Failures are CephError with the errno librados/librbd would return
 * (ENOENT, EEXIST, EBUSY, EACCES), so callers can word messages like the
 * real tools (`rbd: error opening image x: (2) No such file or directory`).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface CephPool {
  id: number;
  name: string;
  pgNum: number;
  /** application is what `ceph osd pool application enable` recorded (`rbd`, `mgr`). */
  application: string;
}

export interface CephUser {
  /** entity is the full name, `client.admin`. */
  entity: string;
  /** key is the cephx secret: 40 characters of base64 (`AQ…==`). */
  key: string;
  caps: Record<string, string>;
}

export interface RbdWatcher {
  /** address is the client's `ip:0/nonce`, e.g. `172.18.0.3:0/2871505927`. */
  address: string;
  /** client is `client.<global id>`. */
  client: string;
  cookie: string;
}

export interface RbdImage {
  pool: string;
  name: string;
  /** id is the image's internal id (12 hex digits); block_name_prefix is `rbd_data.<id>`. */
  id: string;
  sizeBytes: number;
  /** order is log2 of the object size (22 = 4 MiB objects). */
  order: number;
  features: string[];
  created: string;
  modified: string;
  accessed: string;
  watchers: RbdWatcher[];
}

export interface CephState {
  fsid: string;
  monitors: string[];
  pools: CephPool[];
  users: CephUser[];
  images: RbdImage[];
  /** nextGlobalId numbers client sessions (watchers' `client.N`). */
  nextGlobalId: number;
}

/** errno values as librados returns them (negated). */
export const errno = { ENOENT: 2, EEXIST: 17, EBUSY: 16, EACCES: 13, EINVAL: 22 } as const;

const strerror: Record<number, string> = {
  2: 'No such file or directory',
  13: 'Permission denied',
  16: 'Device or resource busy',
  17: 'File exists',
  22: 'Invalid argument',
};

export class CephError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CephError';
  }

  /** strerror is the C library text for the code (`No such file or directory`). */
  get strerror(): string {
    return strerror[this.code] ?? `error ${this.code}`;
  }
}

/** supportedImageFeatures are the RBD features `rbd create --image-feature` accepts. */
export const supportedImageFeatures = ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten', 'journaling', 'data-pool'];

/**
 * newCephxKey makes a key the way `ceph-authtool --gen-key` does: a
 * CryptoKey blob of type (u16 = 1, AES), creation time (u32 sec, u32 nsec),
 * secret length (u16 = 16) and 16 random bytes — 28 bytes, 40 characters of
 * base64 that always start with `AQ`.
 */
export function newCephxKey(now: Date = new Date()): string {
  const b = Buffer.alloc(28);
  b.writeUInt16LE(1, 0);
  b.writeUInt32LE(Math.floor(now.getTime() / 1000), 2);
  b.writeUInt32LE((now.getTime() % 1000) * 1_000_000, 6);
  b.writeUInt16LE(16, 10);
  randomBytes(16).copy(b, 12);
  return b.toString('base64');
}

export interface CephClusterOptions {
  fsid: string;
  monitors: string[];
  /** pools besides `.mgr` (the mgr's own pool, id 1). */
  pools: string[];
  now?: () => Date;
}

export class CephCluster {
  private readonly now: () => Date;

  private constructor(
    private state: CephState,
    now?: () => Date,
  ) {
    this.now = now ?? (() => new Date());
  }

  /** create makes a fresh cluster: `.mgr` plus the given pools, and `client.admin` with a new random key. */
  static create(options: CephClusterOptions): CephCluster {
    const now = options.now?.() ?? new Date();
    const pools: CephPool[] = [{ id: 1, name: '.mgr', pgNum: 1, application: 'mgr' }];
    for (const p of options.pools) pools.push({ id: pools.length + 1, name: p, pgNum: 32, application: 'rbd' });
    const state: CephState = {
      fsid: options.fsid,
      monitors: [...options.monitors],
      pools,
      users: [{ entity: 'client.admin', key: newCephxKey(now), caps: { mds: 'allow *', mgr: 'allow *', mon: 'allow *', osd: 'allow *' } }],
      images: [],
      nextGlobalId: 14100 + Math.floor(Math.random() * 10000),
    };
    return new CephCluster(state, options.now);
  }

  /** fromJSON restores a snapshot. */
  static fromJSON(state: CephState, now?: () => Date): CephCluster {
    return new CephCluster(structuredClone(state), now);
  }

  toJSON(): CephState {
    return structuredClone(this.state);
  }

  /** replaceState swaps in a saved state (snapshot restore) while this object, which tools and provisioners hold, stays the same. */
  replaceState(state: CephState): void {
    this.state = structuredClone(state);
  }

  get fsid(): string {
    return this.state.fsid;
  }

  get monitors(): string[] {
    return [...this.state.monitors];
  }

  pools(): CephPool[] {
    return this.state.pools.map((p) => ({ ...p }));
  }

  pool(name: string): CephPool | undefined {
    const p = this.state.pools.find((x) => x.name === name);
    return p ? { ...p } : undefined;
  }

  /** createPool adds a pool (`ceph osd pool create`). */
  createPool(name: string, pgNum = 32, application = ''): CephPool {
    if (this.state.pools.some((p) => p.name === name)) throw new CephError(errno.EEXIST, `pool '${name}' already exists`);
    const id = Math.max(0, ...this.state.pools.map((p) => p.id)) + 1;
    const p = { id, name, pgNum, application };
    this.state.pools.push(p);
    return { ...p };
  }

  users(): CephUser[] {
    return structuredClone(this.state.users);
  }

  user(entity: string): CephUser | undefined {
    const u = this.state.users.find((x) => x.entity === entity);
    return u ? structuredClone(u) : undefined;
  }

  /** getKey is `ceph auth get-key <entity>`. */
  getKey(entity: string): string {
    const u = this.state.users.find((x) => x.entity === entity);
    if (!u) throw new CephError(errno.ENOENT, `failed to find ${entity} in keyring`);
    return u.key;
  }

  /** createUser is `ceph auth get-or-create`: an existing user keeps its key. */
  createUser(entity: string, caps: Record<string, string>): CephUser {
    let u = this.state.users.find((x) => x.entity === entity);
    if (!u) {
      u = { entity, key: newCephxKey(this.now()), caps: { ...caps } };
      this.state.users.push(u);
    }
    return structuredClone(u);
  }

  /**
   * authenticate checks a client's id (without `client.`) and key the way a
   * monitor does on connect; a wrong key or unknown user is EACCES
   * (librados: `rados: ret=-13, Permission denied`).
   */
  authenticate(id: string, key: string): void {
    const u = this.state.users.find((x) => x.entity === `client.${id}`);
    if (!u || u.key !== key.trim()) throw new CephError(errno.EACCES, 'Permission denied');
  }

  /** images lists a pool's images by name (`rbd ls`). */
  images(pool: string): RbdImage[] {
    this.requirePool(pool);
    return this.state.images.filter((i) => i.pool === pool).sort((a, b) => (a.name < b.name ? -1 : 1)).map((i) => structuredClone(i));
  }

  image(pool: string, name: string): RbdImage | undefined {
    const i = this.state.images.find((x) => x.pool === pool && x.name === name);
    return i ? structuredClone(i) : undefined;
  }

  /** createImage is `rbd create --size … --image-feature …`. */
  createImage(pool: string, name: string, sizeBytes: number, features: string[] = ['layering']): RbdImage {
    this.requirePool(pool);
    if (this.state.images.some((i) => i.pool === pool && i.name === name)) throw new CephError(errno.EEXIST, `rbd image ${name} already exists`);
    for (const f of features) if (!supportedImageFeatures.includes(f)) throw new CephError(errno.EINVAL, `invalid image feature: ${f}`);
    if (!(sizeBytes > 0)) throw new CephError(errno.EINVAL, 'size must be positive');
    const t = this.now().toISOString();
    const img: RbdImage = {
      pool,
      name,
      id: randomBytes(6).toString('hex'),
      sizeBytes,
      order: 22,
      features: [...features],
      created: t,
      modified: t,
      accessed: t,
      watchers: [],
    };
    this.state.images.push(img);
    return structuredClone(img);
  }

  /** removeImage is `rbd rm`: refused while a client still has the image open (EBUSY). */
  removeImage(pool: string, name: string): void {
    this.requirePool(pool);
    const i = this.state.images.findIndex((x) => x.pool === pool && x.name === name);
    if (i < 0) throw new CephError(errno.ENOENT, `image ${name} does not exist`);
    if (this.state.images[i]!.watchers.length) throw new CephError(errno.EBUSY, 'image still has watchers');
    this.state.images.splice(i, 1);
  }

  /** resizeImage is `rbd resize --size`: growing only unless allowShrink (`--allow-shrink`). */
  resizeImage(pool: string, name: string, sizeBytes: number, allowShrink = false): RbdImage {
    const img = this.mustImage(pool, name);
    if (!(sizeBytes > 0)) throw new CephError(errno.EINVAL, 'size must be positive');
    if (sizeBytes < img.sizeBytes && !allowShrink) throw new CephError(errno.EINVAL, 'shrinking an image is only allowed with the --allow-shrink flag');
    img.sizeBytes = sizeBytes;
    img.modified = this.now().toISOString();
    return structuredClone(img);
  }

  /** addWatcher records a client that mapped the image (a node's `rbd map`); returns the watcher. */
  addWatcher(pool: string, name: string, ip: string): RbdWatcher {
    const img = this.mustImage(pool, name);
    const w: RbdWatcher = {
      address: `${ip}:0/${randomBytes(4).readUInt32LE(0)}`,
      client: `client.${this.state.nextGlobalId++}`,
      cookie: BigInt.asUintN(64, BigInt(`0x${randomBytes(8).toString('hex')}`)).toString(),
    };
    img.watchers.push(w);
    img.accessed = this.now().toISOString();
    return { ...w };
  }

  /** removeWatchers drops the watchers from one IP (the node unmapped the image). */
  removeWatchers(pool: string, name: string, ip: string): void {
    const img = this.state.images.find((x) => x.pool === pool && x.name === name);
    if (!img) return;
    img.watchers = img.watchers.filter((w) => !w.address.startsWith(`${ip}:`));
  }

  private requirePool(pool: string): void {
    if (!this.state.pools.some((p) => p.name === pool)) throw new CephError(errno.ENOENT, `pool ${pool} does not exist`);
  }

  private mustImage(pool: string, name: string): RbdImage {
    this.requirePool(pool);
    const img = this.state.images.find((x) => x.pool === pool && x.name === name);
    if (!img) throw new CephError(errno.ENOENT, `image ${name} does not exist`);
    return img;
  }
}

/** newImageUuid is the UUID ceph-csi puts in image names (`csi-vol-<uuid>`) and volume handles. */
export function newImageUuid(): string {
  return randomUUID();
}
