import type { HealthCheck } from "../table/schema.ts";

/**
 * Names one active check: what is probed, where. Targets of several backends that share a check share its
 * result. `address` is the one probed (see `CompileOptions.probeAddress`), not necessarily the table's. `port` is
 * the backend's nodePort when the check does not name another.
 */
export function healthCheckKey(check: HealthCheck, address: string, nodePort: number): string {
  const host = address.includes(":") ? `[${address}]` : address;
  return check.kind === "tcp" ? `tcp://${host}:${nodePort}` : `http://${host}:${check.port ?? nodePort}${check.path}`;
}
