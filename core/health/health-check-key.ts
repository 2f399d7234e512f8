import type { BackendProtocol, HealthCheck } from "../table/schema.ts";

/**
 * Names one active check: what is probed, where, how. Targets of several backends that share a check share its
 * result. `address` is the one probed (see `CompileOptions.probeAddress`), not necessarily the table's. `port` is
 * the backend's nodePort when the check does not name another.
 */
export function healthCheckKey(check: HealthCheck, address: string, nodePort: number, protocol: BackendProtocol = "http"): string {
  const host = address.includes(":") ? `[${address}]` : address;
  return check.kind === "tcp" ? `tcp://${host}:${nodePort}` : `${httpCheckScheme(check, protocol)}://${host}:${check.port ?? nodePort}${check.path}`;
}

/**
 * The scheme of an HTTP check: the backend's own protocol on its nodePort, plain HTTP on another port (the only
 * other port a check names is kube-proxy's healthCheckNodePort, which answers in the clear).
 */
export function httpCheckScheme(check: Extract<HealthCheck, { kind: "http" }>, protocol: BackendProtocol): BackendProtocol {
  return check.port === undefined ? protocol : "http";
}
