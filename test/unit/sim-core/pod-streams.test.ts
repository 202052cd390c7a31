import { describe, expect, it } from 'vitest';
import { containerLogStatusError, formatTimestamp, resolveContainer } from '../../../sandbox/providers/sim/streams/logs.ts';
import type { KObject } from '../../../sandbox/providers/sim/store/types.ts';

const pod = (statuses: unknown[], containers = ['app'], init: string[] = []): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { nodeName: 'n', containers: containers.map((name) => ({ name })), initContainers: init.map((name) => ({ name })) },
  status: { containerStatuses: statuses },
});

describe('resolveContainer (the apiserver picks the container a stream means)', () => {
  it('defaults to the only container and names the choices otherwise', () => {
    expect(resolveContainer(pod([]), null)).toBe('app');
    expect(() => resolveContainer(pod([], ['a', 'b'], ['init']), null)).toThrowError('a container name must be specified for pod p, choose one of: [a b] or one of the init containers: [init]');
    expect(() => resolveContainer(pod([]), 'nope')).toThrowError('container nope is not valid for pod p');
  });
});

describe('containerLogStatusError (the kubelet refuses logs by container state)', () => {
  const waiting = (reason: string) => pod([{ name: 'app', state: { waiting: { reason } } }]);
  it.each([
    [waiting('ContainerCreating'), false, 'container "app" in pod "p" is waiting to start: ContainerCreating'],
    [waiting('ErrImagePull'), false, 'container "app" in pod "p" is waiting to start: image can\'t be pulled'],
    [waiting('ImagePullBackOff'), false, 'container "app" in pod "p" is waiting to start: trying and failing to pull image'],
    [pod([]), false, 'container "app" in pod "p" is waiting to start: ContainerCreating'],
    [pod([{ name: 'app', state: { running: {} } }]), true, 'previous terminated container "app" in pod "p" not found'],
    [pod([{ name: 'app', state: { terminated: { exitCode: 1 } } }]), false, 'container "app" in pod "p" is terminated'],
  ])('%#: %s', (p, previous, message) => {
    const err = containerLogStatusError(p, 'app', previous);
    expect(err?.message).toBe(message);
    expect(err?.code).toBe(400);
  });

  it('lets running and restarted containers through', () => {
    expect(containerLogStatusError(pod([{ name: 'app', state: { running: {} } }]), 'app', false)).toBeUndefined();
    expect(containerLogStatusError(pod([{ name: 'app', state: { running: {} }, lastState: { terminated: { containerID: 'containerd://x' } } }]), 'app', true)).toBeUndefined();
  });

  it('prints timestamps in the kubelet RFC3339NanoFixed form', () => {
    expect(formatTimestamp(new Date('2025-01-02T03:04:05.1Z'))).toBe('2025-01-02T03:04:05.100000000Z');
  });
});
