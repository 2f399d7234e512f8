import type { EdgeConfig } from "../config.ts";
import { createFetchTransport } from "./fetch-transport.ts";
import type { Transport } from "./transport.ts";

/** Every transport this build offers, by `EDGE_TRANSPORT` name. The socket transport (issue 6) registers here. */
export const TRANSPORTS: Readonly<Record<string, (config: EdgeConfig) => Transport>> = {
  fetch: (config) => createFetchTransport({ allowIpTargets: config.allowIpTargets }),
};

export function selectTransport(config: EdgeConfig): Transport {
  const create = TRANSPORTS[config.transport];
  if (create === undefined) throw new Error(`unknown transport ${config.transport}`);
  return create(config);
}
