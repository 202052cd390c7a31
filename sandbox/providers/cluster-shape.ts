/**
 * clusterShape is the topology every provider gives a learner (DESIGN.md,
 * "One cluster shape everywhere"), so one set of lesson manifests and checks
 * works on sim, kind and remote clusters alike. Providers read it to build a
 * cluster; lessons only rely on what it promises.
 */
export const clusterShape = {
  nodes: {
    controlPlane: 'lab-control-plane',
    workers: ['lab-worker', 'lab-worker2'],
  },
  defaultStorageClass: {
    name: 'standard',
    provisioner: 'rancher.io/local-path',
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  },
  localPathProvisioner: {
    namespace: 'local-path-storage',
    configMap: 'local-path-config',
    /** The default path kind's build of the provisioner uses. */
    defaultPath: '/var/local-path-provisioner',
  },
  nfs: {
    /** Host name every node resolves to the NFS server. */
    server: 'nfs',
    exportRoot: '/exports',
    /**
     * Directories that exist under the export from the start, one per lesson
     * use. Mounting any other path fails as on a real server
     * ("mount.nfs: access denied by server while mounting nfs:/exports/x").
     */
    directories: ['/exports/mysql', '/exports/data', '/exports/capstone'],
  },
  ceph: {
    /** The monitor address clients use. */
    monitor: 'ceph:6789',
    /** The cluster fsid, also the ceph-csi clusterID the lesson's StorageClass names. */
    fsid: 'b2f5c1d4-6a3e-4f8b-9c7d-0e1f2a3b4c5d',
    pool: 'rbd',
    user: 'admin',
    /** Namespace where ceph-csi's RBD plugin runs (and its ceph-csi-config ConfigMap lives). */
    csiNamespace: 'ceph-csi-rbd',
    csiDriver: 'rbd.csi.ceph.com',
    /**
     * The Ceph toolbox: a Deployment in csiNamespace whose container has the
     * `ceph` and `rbd` clients configured for this cluster (ceph.conf and the
     * admin keyring), so anyone holding the kubeconfig — the check engine,
     * the grader CLI, a learner — reaches Ceph with
     * `kubectl -n ceph-csi-rbd exec deploy/ceph-tools -- rbd ls -p rbd`.
     */
    toolbox: { deployment: 'ceph-tools', container: 'ceph-tools', labelApp: 'ceph-tools' },
  },
} as const;

export type ClusterShape = typeof clusterShape;
