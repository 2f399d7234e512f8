import type { EdgeConfig } from "../config.ts";
import { createFetchTransport } from "./fetch-transport.ts";
import { withOriginTokens } from "./origin-token-transport.ts";
import { createSocketTransport } from "./socket-transport.ts";
import type { Transport } from "./transport.ts";

/** Every transport this build offers, by `EDGE_TRANSPORT` name. */
export const TRANSPORTS: Readonly<Record<string, (config: EdgeConfig) => Transport>> = {
  fetch: (config) => createFetchTransport({ allowIpTargets: config.allowIpTargets }),
  socket: (config) => createSocketTransport({ connectTimeoutMs: config.connectTimeoutMs }),
};

export function selectTransport(config: EdgeConfig): Transport {
  const create = TRANSPORTS[config.transport];
  if (create === undefined) throw new Error(`unknown transport ${config.transport}`);
  return withOriginTokens(create(config), config.originToken);
}
