/**
 * node-power serves the simulated cluster's power switch to anyone holding
 * its kubeconfig: `GET|POST <cluster>/kslab/v1/nodes/<node>/power`. A real
 * cluster has no such thing (a node's power belongs to its machine or its
 * cloud), so it lives outside `/api` and `/apis`: kubectl's discovery only
 * walks those two roots (k8s.io/client-go discovery/discovery_client.go
 * ServerGroupsAndResources), so it never sees this path as an API group,
 * broken or not, and `kubectl api-resources` is unchanged. The path says
 * `kslab` so nobody takes it for Kubernetes.
 *
 * It switches power with the same code as SimProviderCluster.powerOff/On
 * (../controllers/node-lifecycle), so `kslab solve` through this endpoint
 * and the lesson page's power buttons do exactly the same thing.
 *
 *   GET  …/kslab/v1/nodes/lab-worker/power                      → {"kind":"NodePower","apiVersion":"kslab/v1","node":"lab-worker","state":"on"}
 *   POST …/kslab/v1/nodes/lab-worker/power  {"state":"off"}     → the same, after the switch
 *
 * Errors are Kubernetes Status bodies: 401 without the cluster's bearer
 * token (checked before this runs, as for every path), 404 for a node the
 * cluster does not have, 400 for a body that is not {"state":"on"|"off"},
 * 405 for other methods.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StatusError, badRequest } from '../api/status.ts';
import { findResource } from '../api/resources.ts';
import { readBody, sendJson } from './request.ts';
import { isPoweredOn, powerOff, powerOn } from '../controllers/node-lifecycle/index.ts';
import type { SimCluster } from './sim-server.ts';

/** NODE_POWER_API is the path root of the power endpoint under a cluster's prefix. */
export const NODE_POWER_API = '/kslab/v1';

const nodePowerPath = /^\/kslab\/v1\/nodes\/([^/]+)\/power\/?$/;
const nodesType = findResource('', 'v1', 'nodes')!;

/** NodePower is the endpoint's answer: a node and whether its machine is on. */
export interface NodePower {
  kind: 'NodePower';
  apiVersion: 'kslab/v1';
  node: string;
  state: 'on' | 'off';
}

/** isNodePowerPath says whether a path (after the cluster prefix) belongs to this endpoint. */
export function isNodePowerPath(path: string): boolean {
  return path === NODE_POWER_API || path.startsWith(`${NODE_POWER_API}/`);
}

/** serveNodePower answers one authenticated request to the power endpoint. */
export async function serveNodePower(cluster: SimCluster, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const m = nodePowerPath.exec(path);
  if (!m) throw new StatusError(404, 'NotFound', `the server could not find the requested resource (kslab's node power endpoint is ${NODE_POWER_API}/nodes/NODE/power)`);
  const node = decodeURIComponent(m[1]!);
  const nodes = cluster.store.list(nodesType.storage).map((n) => n.metadata.name!);
  if (!nodes.includes(node)) {
    throw new StatusError(404, 'NotFound', `node "${node}" not found: this simulated cluster's nodes are ${nodes.sort().join(', ')}`, { name: node, kind: 'nodes' });
  }
  if (req.method === 'POST' || req.method === 'PUT') {
    const state = desiredState(await readBody(req));
    if (state === 'off') powerOff(cluster.controllers, node);
    else powerOn(cluster.controllers, node);
  } else if (req.method !== 'GET') {
    res.setHeader('Allow', 'GET, POST, PUT');
    throw new StatusError(405, 'MethodNotAllowed', `${req.method} is not supported on ${NODE_POWER_API}/nodes/${node}/power: GET reads the power state, POST {"state":"on"|"off"} switches it`);
  }
  const answer: NodePower = { kind: 'NodePower', apiVersion: 'kslab/v1', node, state: isPoweredOn(cluster.controllers, node) ? 'on' : 'off' };
  sendJson(res, 200, answer);
}

function desiredState(body: Buffer): 'on' | 'off' {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('the body must be JSON: {"state":"on"} or {"state":"off"}');
  }
  const state = (parsed as { state?: unknown } | null)?.state;
  if (state === undefined) throw badRequest('state: Required value: give {"state":"on"} or {"state":"off"}');
  if (state !== 'on' && state !== 'off') throw badRequest(`state: Unsupported value: ${JSON.stringify(state)}: supported values: "on", "off"`);
  return state;
}
