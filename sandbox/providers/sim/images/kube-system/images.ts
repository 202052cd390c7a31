/**
 * The kube-system images of a kind v0.29 / Kubernetes v1.33.1 cluster:
 * etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
 * kube-proxy, CoreDNS and kindnetd. All are distroless like the real ones
 * (no shell: `kubectl exec … -- sh` fails with the runtime's "executable
 * file not found in $PATH"), and all are preloaded: the kind node image
 * holds them, so the kubelet reports `Container image "…" already present
 * on machine`. Their main programs are stand-ins (./stand-in.ts).
 */
import { registerImage, type ImageDefinition } from '../../containers/images/registry.ts';
import type { ImageEntry } from '../../containers/fs/image-layer.ts';
import { kindImages } from '../../cluster/addons/versions.ts';
import { standInProgram, type StandIn } from './stand-in.ts';

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** distrolessFiles is gcr.io/distroless/static's tree: passwd with nonroot, CA certificates, tzdata; no shell. */
const distrolessFiles: Record<string, ImageEntry> = {
  '/etc/passwd': { type: 'file', mode: 0o644, content: 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' },
  '/etc/group': { type: 'file', mode: 0o644, content: 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' },
  '/etc/ssl/certs/ca-certificates.crt': { type: 'file', mode: 0o644, size: 213_777 },
  '/etc/os-release': { type: 'file', mode: 0o644, content: 'PRETTY_NAME="Distroless (kslab simulated image)"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nHOME_URL="https://github.com/GoogleContainerTools/distroless"\n' },
  '/home/nonroot': { type: 'dir', mode: 0o700, uid: 65532, gid: 65532 },
  '/root': { type: 'dir', mode: 0o700 },
  '/tmp': { type: 'dir', mode: 0o1777 },
};

interface ComponentImage {
  ref: string;
  /** path is where the binary sits in the image. */
  path: string;
  entrypoint: string[];
  cmd?: string[];
  sizeBytes: number;
  standIn: StandIn;
}

const k8s = 'v1.33.1';
const kubeRelease = (ref: string, component: string, instead: string, sizeBytes: number): ComponentImage => ({
  ref,
  path: `/usr/local/bin/${component}`,
  entrypoint: [`/usr/local/bin/${component}`],
  sizeBytes,
  standIn: { component, version: k8s, instead },
});

/** components are the images, with what each stand-in says the simulation does instead. */
export const components: ComponentImage[] = [
  {
    ref: kindImages.etcd,
    path: '/usr/local/bin/etcd',
    entrypoint: [],
    cmd: ['/usr/local/bin/etcd'],
    sizeBytes: 58_938_593,
    standIn: { component: 'etcd', version: '3.5.21', instead: 'cluster state is kept by the kslab simulated API server in its own object store; no etcd holds it.' },
  },
  kubeRelease(kindImages.kubeApiserver, 'kube-apiserver', 'the Kubernetes API of this cluster is served by the kslab simulated API server (in-process), not by this container.', 30_071_307),
  kubeRelease(kindImages.kubeControllerManager, 'kube-controller-manager', "controllers run in the kslab simulated API server's process (its modelled controller manager), not in this container.", 27_646_507),
  kubeRelease(kindImages.kubeScheduler, 'kube-scheduler', "pods are placed by kslab's modelled scheduler (in the simulated API server's process), not by this container.", 21_632_154),
  kubeRelease(kindImages.kubeProxy, 'kube-proxy', 'Service traffic is not proxied in the simulation: no iptables rules are written.', 31_926_818),
  {
    ref: kindImages.coredns,
    path: '/coredns',
    entrypoint: ['/coredns'],
    sizeBytes: 20_939_036,
    standIn: { component: 'coredns', version: '1.12.0', instead: 'this stand-in answers no DNS queries; the kube-dns Service 10.96.0.10 has no server behind it in the simulation.' },
  },
  {
    ref: kindImages.kindnetd,
    path: '/bin/kindnetd',
    entrypoint: [],
    cmd: ['/bin/kindnetd'],
    sizeBytes: 44_375_501,
    standIn: { component: 'kindnetd', version: 'v20250512-df8de77b', instead: "pod addresses come from kslab's model of each node's PodCIDR; no routes or CNI config are written." },
  },
];

/** componentImage turns one component into an ImageDefinition (repository without tag, the tag listed, preloaded). */
export function componentImage(c: ComponentImage): ImageDefinition {
  const colon = c.ref.lastIndexOf(':');
  const programs = { [c.path]: standInProgram(c.standIn) };
  return {
    repository: c.ref.slice(0, colon),
    tags: [c.ref.slice(colon + 1)],
    entrypoint: c.entrypoint,
    cmd: c.cmd ?? [],
    env: { PATH },
    files: { ...distrolessFiles },
    programs,
    sizeBytes: c.sizeBytes,
    preloaded: [c.ref],
  };
}

for (const c of components) registerImage(componentImage(c));
