/**
 * Temporary host directories for container filesystem tests: a fake "host"
 * with a secret file beside the container's directories, so a test can show
 * that nothing outside the mapped directories is reachable.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface HostDirs {
  base: string;
  rootfs: string;
  volume: string;
  /** secret is a host file outside every mapped directory. */
  secret: string;
  cleanup(): void;
}

export function makeHostDirs(): HostDirs {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'kslab-ctr-'));
  const rootfs = path.join(base, 'rootfs');
  const volume = path.join(base, 'volume');
  fs.mkdirSync(rootfs);
  fs.mkdirSync(volume);
  const secret = path.join(base, 'secret.txt');
  fs.writeFileSync(secret, 'host secret\n');
  return { base, rootfs, volume, secret, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}
