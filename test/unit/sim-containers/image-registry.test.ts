import { describe, expect, it } from 'vitest';
import { imagePullError, parseImageRef, registerImage, resolveImage, runnableImages } from '../../../sandbox/providers/sim/containers/images/registry.ts';

describe('parseImageRef', () => {
  it('normalises references as containerd does', () => {
    expect(parseImageRef('busybox')?.canonical).toBe('docker.io/library/busybox:latest');
    expect(parseImageRef('busybox:1.36')?.canonical).toBe('docker.io/library/busybox:1.36');
    expect(parseImageRef('docker.io/library/busybox:1.36')?.canonical).toBe('docker.io/library/busybox:1.36');
    expect(parseImageRef('index.docker.io/library/mysql:8.4')?.canonical).toBe('docker.io/library/mysql:8.4');
    expect(parseImageRef('docker.io/kindest/local-path-helper:v20230510-486859a6')?.canonical).toBe('docker.io/kindest/local-path-helper:v20230510-486859a6');
    expect(parseImageRef('quay.io/cephcsi/cephcsi:v3.14.0')).toMatchObject({ registry: 'quay.io', path: 'cephcsi/cephcsi', tag: 'v3.14.0' });
    expect(parseImageRef('localhost:5000/app:1')).toMatchObject({ registry: 'localhost:5000', path: 'app', tag: '1' });
    expect(parseImageRef('busybox@sha256:abc')?.canonical).toBe('docker.io/library/busybox@sha256:abc');
    expect(parseImageRef('Busybox')).toBeUndefined();
    expect(parseImageRef('busy box')).toBeUndefined();
  });
});

describe('image catalogue', () => {
  registerImage({ repository: 'kslab-test/tagged', tags: ['1.0'], entrypoint: [], cmd: ['run'], env: {}, files: {}, programs: { '/bin/run': async () => 0 }, sizeBytes: 1 });

  it('resolves registered images by any spelling and refuses unknown tags', () => {
    expect(resolveImage('docker.io/kslab-test/tagged:1.0')?.image.cmd).toEqual(['run']);
    expect(resolveImage('kslab-test/tagged:2.0')).toBeUndefined();
    expect(runnableImages()).toContain('kslab-test/tagged');
    expect(resolveImage('kslab-test/tagged:1.0')?.image.layer.get('/bin/run')).toMatchObject({ type: 'file', mode: 0o755 });
  });

  it('words an unknown repository as containerd does and names what the sandbox runs', () => {
    const err = imagePullError('nosuchimage');
    expect(err.reason).toBe('ErrImagePull');
    expect(err.event).toMatch(
      /^Failed to pull image "nosuchimage": failed to pull and unpack image "docker\.io\/library\/nosuchimage:latest": failed to resolve reference "docker\.io\/library\/nosuchimage:latest": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed \(this simulated cluster runs only the images it models: .*kslab-test\/tagged.*\)$/,
    );
  });

  it('words a missing tag as NotFound', () => {
    expect(imagePullError('kslab-test/tagged:9').message).toMatch(
      /^rpc error: code = NotFound desc = failed to pull and unpack image "docker\.io\/kslab-test\/tagged:9": failed to resolve reference "docker\.io\/kslab-test\/tagged:9": docker\.io\/kslab-test\/tagged:9: not found \(/,
    );
  });

  it('reports an unparsable name as InvalidImageName', () => {
    expect(imagePullError('UPPER:case')).toMatchObject({ reason: 'InvalidImageName' });
  });
});

describe('the catalogue', () => {
  it('registers every modelled image once imported', async () => {
    const { runnableImages: list, resolveImage: resolve } = await import('../../../sandbox/providers/sim/containers/images/catalogue.ts');
    expect(list()).toEqual(expect.arrayContaining(['alpine', 'busybox', 'mariadb', 'mysql', 'nginx']));
    expect(resolve('docker.io/library/busybox:1.36')?.image.cmd).toEqual(['sh']);
    expect(resolve('alpine:3.21')?.image.layer.get('/etc/alpine-release')).toBeDefined();
    expect(resolve('mysql:8.4')?.image.entrypoint).toEqual(['docker-entrypoint.sh']);
  });
});
