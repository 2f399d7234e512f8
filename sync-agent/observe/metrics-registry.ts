import { Registry } from "prom-client";

/**
 * The agent's Prometheus registry. One per process; modules register their metrics here, the HTTP server
 * exposes it on /metrics. Tests create their own with `createMetricsRegistry()`.
 */
export function createMetricsRegistry(): Registry {
  return new Registry();
}
