/**
 * The recycler pod of the Recycle reclaim policy, as kube-controller-manager
 * 1.33 builds it:
 *
 * - the template is volume.NewPersistentVolumeRecyclerPodTemplate
 *   (https://github.com/kubernetes/kubernetes/blob/release-1.33/pkg/volume/plugins.go):
 *   container `pv-recycler` running debian-base's /bin/sh with
 *   `test -e /scrub && find /scrub -mindepth 1 -delete && test -z "$(ls -A /scrub)" || exit 1`,
 *   restartPolicy Never, the volume as `vol` mounted at /scrub;
 * - the nfs and hostPath plugins put their volume source in it and set
 *   activeDeadlineSeconds from the --pv-recycler-minimum-timeout-nfs /
 *   -hostpath and --pv-recycler-increment-timeout-nfs flags
 *   (cmd/kube-controller-manager/app/plugins.go, defaults 300 s and 60 s,
 *   plus 30 s per whole GiB of capacity: util.CalculateTimeoutForVolume);
 * - recyclerclient.RecycleVolumeByWatchingPodUntilCompletion names it
 *   `recycler-for-<pv>` (no generateName, so a second controller gets
 *   AlreadyExists) in namespace `default`.
 *
 * The hostPath recycler pod is not pinned to a node: it goes wherever the
 * scheduler puts it and scrubs that node's directory, as on a real cluster.
 */
import type { KObject } from '../../store/types.ts';
import { parseQuantity } from '../../admission/validation/quantity.ts';
import { debianBaseRecyclerTag, debianBaseRepository } from '../../images/debian-base/index.ts';
import { specOf } from './volume-helpers.ts';

export const recyclerPodNamespace = 'default';
export const recyclerPodPrefix = 'recycler-for-';

/** recyclerScript is the template's `sh -c` script. */
export const recyclerScript = 'test -e /scrub && find /scrub -mindepth 1 -delete && test -z "$(ls -A /scrub)" || exit 1';

/** recyclerTimeouts are kube-controller-manager's defaults (VolumeConfiguration.PersistentVolumeRecyclerConfiguration). */
export const recyclerTimeouts = {
  nfs: { minimumSeconds: 300, incrementSeconds: 30 },
  hostPath: { minimumSeconds: 60, incrementSeconds: 30 },
} as const;

/** recyclerTimeoutSeconds is CalculateTimeoutForVolume: increment per whole GiB, never below the minimum. */
export function recyclerTimeoutSeconds(volume: KObject): number {
  const spec = specOf(volume);
  const t = spec.nfs ? recyclerTimeouts.nfs : recyclerTimeouts.hostPath;
  const bytes = parseQuantity(String(spec.capacity?.storage ?? '0')) ?? 0;
  const timeout = Math.floor(bytes / 2 ** 30) * t.incrementSeconds;
  return Math.max(timeout, t.minimumSeconds);
}

/** recyclerPodFor builds the recycler pod for an nfs or hostPath volume. */
export function recyclerPodFor(volume: KObject): KObject {
  const spec = specOf(volume);
  const source = spec.nfs ? { nfs: { server: spec.nfs.server, path: spec.nfs.path } } : { hostPath: { path: spec.hostPath.path } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${recyclerPodPrefix}${volume.metadata.name}`, namespace: recyclerPodNamespace },
    spec: {
      activeDeadlineSeconds: recyclerTimeoutSeconds(volume),
      restartPolicy: 'Never',
      volumes: [{ name: 'vol', ...source }],
      containers: [
        {
          name: 'pv-recycler',
          image: `${debianBaseRepository}:${debianBaseRecyclerTag}`,
          command: ['/bin/sh'],
          args: ['-c', recyclerScript],
          volumeMounts: [{ name: 'vol', mountPath: '/scrub' }],
        },
      ],
    },
  } as KObject;
}
