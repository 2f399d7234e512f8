import { startEdgeProcess } from "../../bench/harness/start-edge-process.ts";

/** The real edge worker in workerd (through Miniflare), with local KV: what agent tests push to. */
export interface RealEdge {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the worker with wrangler.toml's vars, this push key and IP targets allowed (loopback Nodes). */
export async function startRealEdge(options: { pushPublicJwk: object; vars?: Record<string, string> }): Promise<RealEdge> {
  const edge = await startEdgeProcess({ pushPublicJwk: options.pushPublicJwk, ...(options.vars === undefined ? {} : { vars: options.vars }) });
  return { url: edge.url, stop: () => edge.stop() };
}
