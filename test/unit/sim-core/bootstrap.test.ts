import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../sandbox/providers/sim/store/store.ts';
import { ClusterApi } from '../../../sandbox/providers/sim/server/rest.ts';
import { admit } from '../../../sandbox/providers/sim/admission/index.ts';
import { findResource } from '../../../sandbox/providers/sim/api/resources.ts';
import { bootstrapCluster } from '../../../sandbox/providers/sim/cluster/bootstrap.ts';

describe('kind default storage in a new simulated cluster', () => {
  it('ships local-path-config with the keys kind uses, as kubectl apply left it', () => {
    const api = new ClusterApi(new ObjectStore(), { admit });
    bootstrapCluster(api, 'CA');
    const cm = api.get(findResource('', 'v1', 'configmaps')!, 'local-path-storage', 'local-path-config') as any;
    expect(Object.keys(cm.data).sort()).toEqual(['config.json', 'helperPod.yaml', 'setup', 'teardown']);
    const applied = JSON.parse(cm.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(applied.data).toEqual(cm.data);
    const sc = api.get(findResource('storage.k8s.io', 'v1', 'storageclasses')!, '', 'standard') as any;
    const appliedSc = JSON.parse(sc.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    expect(appliedSc).toMatchObject({ provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' });
  });
});
