/** The kube-system image module: importing it registers the kind cluster's component images (./images.ts). */
export { components, componentImage } from './images.ts';
export { standInLog, standInProgram, type StandIn } from './stand-in.ts';
