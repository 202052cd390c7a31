/**
 * The programs of ceph-csi's RBD pods (ceph/ceph-csi v3.14 deploy/rbd and
 * charts/ceph-csi-rbd): the cephcsi driver and the Kubernetes CSI sidecars.
 * Each is a stand-in for a process whose work the simulated cluster does in
 * its control plane (../../controllers/provisioners/): it writes the real
 * binary's start-up lines in klog format, then
 *
 * - csi-provisioner attaches to the rbd.csi.ceph.com ExternalProvisionerController
 *   (provisioning happens only while it runs; events name its pod);
 * - csi-resizer attaches to the external-resizer controller (expansion
 *   waits while none runs);
 * - cephcsi with --controllerserver=true connects its log to that pod's
 *   provisioner, so CreateVolume/DeleteVolume lines appear in
 *   `kubectl logs … -c csi-rbdplugin`;
 * - csi-node-driver-registrar registers rbd.csi.ceph.com with its node's
 *   kubelet (../../controllers/csinode), so the node's CSINode lists the
 *   driver while it runs;
 * - csi-attacher, csi-snapshotter and cephcsi --nodeserver=true only run:
 *   attaching and staging are modelled by the attach-detach controller and
 *   the kubelet whether or not they run.
 *
 * Every stand-in's first line says it is one.
 */
import type { Program, ProgramContext } from '../../containers/program.ts';
import { cephCsiRbdProvisionerKey, cephCsiRbdResizerKey } from '../../controllers/provisioners/service-keys.ts';
import { klogLine, type KlogSeverity } from '../../controllers/provisioners/log-format.ts';
import { csiNodeInfoKey } from '../../controllers/csinode/registration.ts';
import { exitStatusAfter, untilStopped } from '../local-path-provisioner/program.ts';

/** cephCsiVersion is the driver release the images model. */
export const cephCsiVersion = 'v3.14.0';

/** flagsOf reads Go-style flags (`--name=value`, `-name=value`, `--name value` for known valued ones is not needed here). */
function flagsOf(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of argv.slice(1)) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(a);
    if (m) out.set(m[1]!, m[2] ?? 'true');
  }
  return out;
}

function logger(ctx: ProgramContext) {
  return (sev: KlogSeverity, source: string, message: string) => ctx.stderr.write(klogLine(ctx.clock.now(), sev, source, message) + '\n');
}

/** standInNotice is the first line of every stand-in's log. */
function standInNotice(ctx: ProgramContext, what: string): void {
  logger(ctx)('I', 'kslab.go:1', `kslab: this container stands in for ${what}; the simulated cluster (kslab sim) does its work in its control plane and writes its log here`);
}

/** cephcsiProgram is `cephcsi --type=rbd --controllerserver=true|--nodeserver=true …`. */
export const cephcsiProgram: Program = async (ctx) => {
  const log = logger(ctx);
  const flags = flagsOf(ctx.argv);
  const type = flags.get('type') ?? '';
  const driver = flags.get('drivername') ?? 'rbd.csi.ceph.com';
  const controller = flags.get('controllerserver') === 'true';
  const node = flags.get('nodeserver') === 'true';
  if (type !== 'rbd') {
    log('E', 'cephcsi.go:222', type ? `unknown driver type: ${type}` : 'driver type not specified');
    return 255;
  }
  standInNotice(ctx, `ceph-csi's RBD ${controller ? 'controller' : 'node'} plugin`);
  log('I', 'cephcsi.go:196', `Driver version: ${cephCsiVersion} and Git version: unknown (kslab simulated image)`);
  log('I', 'cephcsi.go:274', 'Initial PID limit is set to -1');
  log('I', 'cephcsi.go:280', 'Reconfigured PID limit to -1 (max)');
  log('I', 'cephcsi.go:228', `Starting driver type: ${type} with name: ${driver}`);
  if (controller) {
    for (const cap of ['CREATE_DELETE_VOLUME', 'CREATE_DELETE_SNAPSHOT', 'CLONE_VOLUME', 'EXPAND_VOLUME', 'MODIFY_VOLUME']) {
      log('I', 'driver.go:94', `Enabling controller service capability: ${cap}`);
    }
  }
  if (node) {
    log('I', 'mount_linux.go:282', 'Detected umount with safe \'not mounted\' behavior');
    for (const cap of ['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS', 'VOLUME_CONDITION', 'SINGLE_NODE_MULTI_WRITER', 'EXPAND_VOLUME']) {
      log('I', 'driver.go:112', `Enabling node service capability: ${cap}`);
    }
  }
  const endpoint = flags.get('endpoint') ?? 'unix:///csi/csi.sock';
  log('I', 'server.go:117', `Listening for connections on address: &net.UnixAddr{Name:"${endpoint.replace(/^unix:\/\//, '/')}", Net:"unix"}`);
  let driverLog: { detach(): void } | undefined;
  if (controller && ctx.cluster) {
    const provisioner = ctx.cluster.service(cephCsiRbdProvisionerKey);
    driverLog = provisioner?.registerDriver(ctx.cluster.pod.name, (line) => ctx.stderr.write(line + '\n'));
  }
  const signal = await untilStopped(ctx);
  driverLog?.detach();
  return exitStatusAfter(signal);
};

/** SidecarKind names the Kubernetes CSI sidecars ceph-csi's pods run. */
export type SidecarKind = 'csi-provisioner' | 'csi-attacher' | 'csi-resizer' | 'csi-snapshotter' | 'csi-node-driver-registrar';

/** sidecarVersions are the sidecar releases ceph-csi v3.14 ships with (Rook v1.17's defaults for that driver). */
export const sidecarVersions: Record<SidecarKind, string> = {
  'csi-provisioner': 'v5.2.0',
  'csi-attacher': 'v4.8.1',
  'csi-resizer': 'v1.13.2',
  'csi-snapshotter': 'v8.2.1',
  'csi-node-driver-registrar': 'v2.13.0',
};

/** leaseNames are the leader-election leases the sidecars take in the driver's namespace (the driver name with dots as dashes, plus a suffix). */
const leaseNames: Partial<Record<SidecarKind, string>> = {
  'csi-provisioner': 'rbd-csi-ceph-com',
  'csi-attacher': 'external-attacher-leader-rbd-csi-ceph-com',
  'csi-resizer': 'external-resizer-rbd-csi-ceph-com',
  'csi-snapshotter': 'external-snapshotter-leader-rbd-csi-ceph-com',
};

/** sidecarProgram makes the program of one sidecar. */
export function sidecarProgram(kind: SidecarKind): Program {
  return async (ctx) => {
    const log = logger(ctx);
    const flags = flagsOf(ctx.argv);
    const namespace = ctx.env.get('NAMESPACE') ?? ctx.cluster?.pod.namespace ?? 'default';
    standInNotice(ctx, `the ${kind} sidecar`);
    log('I', kind === 'csi-provisioner' ? 'csi-provisioner.go:154' : kind === 'csi-node-driver-registrar' ? 'main.go:150' : 'main.go:112', `Version: ${sidecarVersions[kind]}`);
    const address = flags.get('csi-address') ?? '/csi/csi.sock';
    if (kind === 'csi-node-driver-registrar') {
      const reg = flags.get('kubelet-registration-path') ?? '/var/lib/kubelet/plugins/rbd.csi.ceph.com/csi.sock';
      log('I', 'main.go:151', 'Running node-driver-registrar in mode=');
      log('I', 'main.go:175', `Attempting to open a gRPC connection with: "${address}"`);
      log('I', 'main.go:183', 'Calling CSI driver to discover driver name');
      log('I', 'main.go:192', 'CSI driver name: "rbd.csi.ceph.com"');
      log('I', 'node_register.go:56', 'Starting Registration Server at: /registration/rbd.csi.ceph.com-reg.sock');
      log('I', 'node_register.go:66', 'Registration Server started at: /registration/rbd.csi.ceph.com-reg.sock');
      log('I', 'node_register.go:96', 'Skipping HTTP server because endpoint is set to: ""');
      log('I', 'main.go:96', 'Received GetInfo call: &InfoRequest{}');
      log('I', 'main.go:108', `"Kubelet registration probe created" path="${reg.replace(/\/csi\.sock$/, '')}/registration"`);
      log('I', 'main.go:96', 'Received NotifyRegistrationStatus call: &RegistrationStatus{PluginRegistered:true,Error:,}');
    } else {
      log('I', 'connection.go:253', `"Connecting" address="${address.startsWith('unix://') ? address : `unix://${address}`}"`);
      log('I', 'common.go:143', '"Probing CSI driver for readiness"');
      log('I', `${kind}.go:251`, 'Detected CSI driver rbd.csi.ceph.com');
      const lease = leaseNames[kind];
      if (lease && flags.get('leader-election') === 'true') {
        log('I', 'leaderelection.go:257', `attempting to acquire leader lease ${namespace}/${lease}...`);
        log('I', 'leaderelection.go:271', `successfully acquired lease ${namespace}/${lease}`);
      }
    }
    let attachment: { detach(): void } | undefined;
    if (kind === 'csi-provisioner' && ctx.cluster) {
      const controller = ctx.cluster.service(cephCsiRbdProvisionerKey);
      const pod = ctx.cluster.pod;
      attachment = controller?.attach({ pod: { namespace: pod.namespace, name: pod.name, node: pod.node }, log: (line) => ctx.stderr.write(line + '\n') });
    } else if (kind === 'csi-resizer' && ctx.cluster) {
      attachment = ctx.cluster.service(cephCsiRbdResizerKey)?.attach();
      log('I', 'controller.go:272', 'Starting external resizer rbd.csi.ceph.com');
    } else if (kind === 'csi-node-driver-registrar' && ctx.cluster) {
      // NodeGetInfo of cephcsi answers its --nodeid=$(NODE_ID), the pod's spec.nodeName.
      const pod = ctx.cluster.pod;
      const registration = ctx.cluster.service(csiNodeInfoKey)?.registerPlugin({ driver: 'rbd.csi.ceph.com', node: pod.node, nodeID: pod.node });
      attachment = registration && { detach: () => registration.unregister() };
    } else if (kind === 'csi-attacher') {
      log('I', 'controller.go:128', 'Starting CSI attacher');
    } else if (kind === 'csi-snapshotter') {
      log('I', 'snapshot_controller_base.go:177', 'Starting CSI snapshotter');
    }
    const signal = await untilStopped(ctx);
    attachment?.detach();
    return exitStatusAfter(signal);
  };
}
