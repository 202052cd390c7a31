/**
 * sim-power gives `kslab solve` node power when the kubeconfig's cluster is
 * a kslab simulated cluster: such a server says so in `/version`
 * (gitVersion `v1.33.1+kslab-sim`) and serves a power switch at
 * `<server>/kslab/v1/nodes/<node>/power` (sandbox/providers/sim/server/
 * node-power.ts), which does what the lesson page's power buttons do. Any
 * other cluster gets no power: a real node's power belongs to its machine,
 * and the solve step then says to pull the plug yourself.
 *
 * The request carries the kubeconfig's own credentials and CA (client-node's
 * KubeConfig.applyToHTTPSOptions, the options its Exec and Watch use), so it
 * needs nothing the grader does not already hold.
 */
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import { VersionApi, type KubeConfig } from '@kubernetes/client-node';

/** SIM_VERSION_MARK is what a kslab simulated API server adds to its gitVersion (the "anything simulated says so" rule). */
export const SIM_VERSION_MARK = '+kslab-sim';

/** NodePowerSwitch turns a node off (on=false) or on, as SolveContext.power. */
export type NodePowerSwitch = (node: string, on: boolean) => Promise<void>;

/** isKslabSim says whether a server's /version gitVersion is a kslab simulated cluster's. */
export function isKslabSim(gitVersion: string | undefined): boolean {
  return (gitVersion ?? '').includes(SIM_VERSION_MARK);
}

/**
 * simNodePower asks the cluster's /version and, for a kslab simulated
 * cluster, returns a switch that powers its nodes through the power
 * endpoint; undefined for any other cluster (or one that does not answer:
 * the solve steps that need power then say so, and the others still run).
 */
export async function simNodePower(kc: KubeConfig): Promise<NodePowerSwitch | undefined> {
  let gitVersion: string | undefined;
  try {
    gitVersion = (await kc.makeApiClient(VersionApi).getCode()).gitVersion;
  } catch {
    return undefined;
  }
  if (!isKslabSim(gitVersion)) return undefined;
  const server = kc.getCurrentCluster()?.server;
  if (!server) return undefined;
  return async (node, on) => {
    const url = new URL(`${server.replace(/\/+$/, '')}/kslab/v1/nodes/${encodeURIComponent(node)}/power`);
    const { code, body } = await postJson(kc, url, { state: on ? 'on' : 'off' });
    if (code === 200) return;
    let message = body.trim();
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? message;
    } catch {
      // not a Status body: keep the text as it came
    }
    throw new Error(`the simulated cluster refused to power ${node} ${on ? 'on' : 'off'} (HTTP ${code}): ${message}`);
  };
}

async function postJson(kc: KubeConfig, url: URL, payload: unknown): Promise<{ code: number; body: string }> {
  const text = JSON.stringify(payload);
  const opts: RequestOptions = {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), Accept: 'application/json' },
  };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = request(url, opts, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url.origin} within 30 s`)));
    req.on('error', reject);
    req.end(text);
  });
}
