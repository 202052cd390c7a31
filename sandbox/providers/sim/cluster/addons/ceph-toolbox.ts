/**
 * cephToolboxAddon is the Ceph toolbox of the course's cluster shape
 * (clusterShape.ceph.toolbox): a Deployment `ceph-tools` in the ceph-csi
 * namespace whose container has the `ceph` and `rbd` clients configured
 * for the lab's Ceph cluster — /etc/ceph/ceph.conf (fsid, mon_host) from a
 * ConfigMap and /etc/ceph/keyring (client.admin's key) from a Secret, as
 * Rook's toolbox (deploy/examples/toolbox.yaml) mounts them. It tolerates the
 * control-plane taint and is pinned to lab-control-plane, so powering a
 * worker off never takes it away; like CoreDNS it was placed there when the
 * cluster was created (ScheduledDeployment).
 *
 * Simulated: the Ceph cluster is the sim's model (../../ceph); the
 * toolbox image (../../images/ceph/) runs the same `ceph`/`rbd` code as the
 * sandbox terminal against it.
 */
import type { KObject } from '../../store/types.ts';
import { clusterShape } from '../../../cluster-shape.ts';
import { scheduledOn, type Addon, type AddonContext, type AddonObject } from './types.ts';
import { cephToolboxImage } from './versions.ts';

const ceph = clusterShape.ceph;
const toolbox = ceph.toolbox;

/** toolboxConfigMap / toolboxSecret are the names of the toolbox's ceph.conf and keyring sources. */
export const toolboxConfigMap = 'ceph-tools-config';
export const toolboxSecret = 'ceph-tools-keyring';

/** cephConf is the client config the toolbox mounts at /etc/ceph/ceph.conf. */
export function cephConf(): string {
  return `[global]\nfsid = ${ceph.fsid}\nmon_host = ${ceph.monitor}\n`;
}

/** adminKeyring is client.admin's keyring as `ceph auth get client.admin` prints it, minus the caps. */
export function adminKeyring(key: string): string {
  return `[client.${ceph.user}]\n\tkey = ${key}\n`;
}

/** toolboxScript is the container's main process: say where the clients' settings are, then wait until stopped. */
const toolboxScript = `echo "ceph toolbox: ceph and rbd read /etc/ceph/ceph.conf and /etc/ceph/keyring (kslab simulated Ceph cluster ${ceph.fsid} at ${ceph.monitor})"
trap 'exit 0' TERM
sleep infinity & wait
`;

/** toolboxDeployment is the ceph-tools Deployment. */
export function toolboxDeployment(): KObject {
  const labels = { app: toolbox.labelApp };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: toolbox.deployment, namespace: ceph.csiNamespace, labels: { ...labels } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...labels } },
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': clusterShape.nodes.controlPlane },
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          dnsPolicy: 'ClusterFirstWithHostNet',
          containers: [
            {
              name: toolbox.container,
              image: cephToolboxImage,
              imagePullPolicy: 'IfNotPresent',
              command: ['/bin/bash', '-c'],
              args: [toolboxScript],
              volumeMounts: [{ name: 'ceph-config', mountPath: '/etc/ceph', readOnly: true }],
            },
          ],
          terminationGracePeriodSeconds: 5,
          volumes: [
            {
              name: 'ceph-config',
              projected: {
                sources: [
                  { configMap: { name: toolboxConfigMap, items: [{ key: 'ceph.conf', path: 'ceph.conf' }] } },
                  { secret: { name: toolboxSecret, items: [{ key: 'keyring', path: 'keyring' }] } },
                ],
              },
            },
          ],
        },
      },
    },
  } as unknown as KObject;
}

export const cephToolboxAddon: Addon = {
  step: 'installing the Ceph toolbox',
  objects(ctx: AddonContext): AddonObject[] {
    // A cluster without a Ceph model (a unit-test harness) has nothing for the toolbox to reach.
    if (!ctx.ceph) return [];
    return [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: toolboxConfigMap, namespace: ceph.csiNamespace, labels: { app: toolbox.labelApp } }, data: { 'ceph.conf': cephConf() } },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: toolboxSecret, namespace: ceph.csiNamespace, labels: { app: toolbox.labelApp } },
        type: 'Opaque',
        data: { keyring: Buffer.from(adminKeyring(ctx.ceph.getKey(`client.${ceph.user}`))).toString('base64') },
      } as unknown as KObject,
      scheduledOn(clusterShape.nodes.controlPlane, toolboxDeployment()),
    ];
  },
};
