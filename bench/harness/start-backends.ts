import type { StartedProcess } from "./child-processes.ts";
import { startNodeBackends } from "./start-node-backends.ts";
import { startStaticBackends } from "./start-static-backends.ts";

/** The loopback "Nodes" of every benchmark. */
export const NODE_ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.4"] as const;

/**
 * What answers on the Nodes. `haproxy`: HAProxy answering a fixed body itself (`http-request return`), about
 * 2.5× the requests/s of a Node http server here, so that the backends are not what limits a proxy under test.
 * `node`: a Node http server, closer to a real application.
 */
export type BackendServer = "haproxy" | "node";

export interface Backends {
  readonly server: BackendServer;
  readonly addresses: readonly string[];
  /** The same port on every address, like a NodePort. Each answers `node <address>\n` to any request. */
  readonly port: number;
  readonly process: StartedProcess;
}

export interface BackendOptions {
  readonly server: BackendServer;
  readonly addresses?: readonly string[];
  /** Needed for `haproxy`. */
  readonly haproxyPath?: string;
}

export async function startBackends(options: BackendOptions): Promise<Backends> {
  const addresses = options.addresses ?? NODE_ADDRESSES;
  if (options.server === "node") return startNodeBackends(addresses);
  if (options.haproxyPath === undefined) throw new Error("haproxy backends need the haproxy binary");
  return startStaticBackends(options.haproxyPath, addresses);
}
