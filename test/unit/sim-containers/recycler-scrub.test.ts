import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSource } from '../../../sandbox/providers/sim/containers/fs/mounts.ts';
import { makeContainer, sh, type TestContainer } from './harness.ts';

/** recyclerScript is the pv-recycler container's script (pkg/volume/plugins.go NewPersistentVolumeRecyclerPodTemplate). */
const recyclerScript = 'test -e /scrub && find /scrub -mindepth 1 -delete && test -z "$(ls -A /scrub)" || exit 1';

describe('the recycler script in the container shell', () => {
  let c: TestContainer;
  afterEach(() => c?.cleanup());

  it('find -mindepth 1 -delete empties a volume (nested dirs, dot files) and keeps the directory', async () => {
    c = makeContainer({ mounts: (base) => [{ containerPath: '/scrub', hostPath: mkdir(base, 'vol'), source: mountSource.nodeDisk() }] });
    await sh(c, 'mkdir -p /scrub/a/b && echo x > /scrub/a/b/f && echo y > /scrub/.hidden && touch /scrub/top');
    expect((await sh(c, 'ls -A /scrub')).stdout).toBe('.hidden\na\ntop\n');
    expect(await sh(c, recyclerScript)).toEqual({ stdout: '', stderr: '', code: 0 });
    expect(fs.readdirSync(path.join(c.base, 'vol'))).toEqual([]);
    expect((await sh(c, 'find /tmp /scrub -mindepth 1 -name nothing -delete; echo $?')).stdout).toBe('0\n');
  });

  it('fails (exit 1) when /scrub is missing', async () => {
    c = makeContainer();
    expect((await sh(c, recyclerScript)).code).toBe(1);
  });

  it('find -delete without -mindepth removes the start directory too', async () => {
    c = makeContainer();
    await sh(c, 'mkdir -p /tmp/d/e && touch /tmp/d/e/f');
    expect(await sh(c, 'find /tmp/d -delete; ls -A /tmp')).toEqual({ stdout: '', stderr: '', code: 0 });
  });
});

function mkdir(base: string, name: string): string {
  const p = path.join(base, name);
  fs.mkdirSync(p, { recursive: true });
  return p;
}
