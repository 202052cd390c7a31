/**
 * Provisioner names that no program in the simulated cluster answers for —
 * on purpose, because none answers on a real one either:
 *
 * - `kubernetes.io/no-provisioner` marks classes of pre-created local
 *   volumes. The PV controller never provisions for it; for an Immediate
 *   class it still emits the generic ExternalProvisioning event, and the
 *   scheduler's VolumeBinding plugin treats a WaitForFirstConsumer claim of
 *   such a class as unprovisionable ("didn't find available persistent
 *   volumes to bind").
 * - `kubernetes.io/rbd`: the in-tree RBD plugin was removed in Kubernetes
 *   1.31 (kubernetes/kubernetes#124546), so the PV controller treats the
 *   name as an external provisioner that never comes; the claim stays
 *   Pending with only the ExternalProvisioning event.
 * - `ceph.com/rbd`: external-storage's rbd-provisioner, retired in 2019
 *   (kubernetes-retired/external-storage); same outcome.
 */

/** noProvisioner is volume/util.NotSupportedProvisioner. */
export const noProvisioner = 'kubernetes.io/no-provisioner';

export interface UnansweredProvisioner {
  name: string;
  /** why: one sentence for docs and error hints. */
  why: string;
}

export const unansweredProvisioners: readonly UnansweredProvisioner[] = [
  { name: noProvisioner, why: 'local volumes are created by an administrator; nothing provisions them' },
  { name: 'kubernetes.io/rbd', why: 'the in-tree RBD provisioner was removed in Kubernetes 1.31; use rbd.csi.ceph.com' },
  { name: 'ceph.com/rbd', why: "external-storage's rbd-provisioner was retired in 2019; use rbd.csi.ceph.com" },
];

/**
 * isProvisionable is what the scheduler's VolumeBinding plugin asks
 * (binder.go checkVolumeProvisions): only kubernetes.io/no-provisioner is
 * known not to provision; any other name is assumed to have a provisioner.
 */
export function isProvisionable(provisioner: string): boolean {
  return provisioner !== noProvisioner;
}
