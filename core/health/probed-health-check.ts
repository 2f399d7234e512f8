import { DEFAULT_KUBE_PROXY_HEALTH_PORT } from "../compile/compile-options.ts";
import { type Backend, type HealthCheck, TCP_CHECK } from "../table/schema.ts";

/** kube-proxy's own health check of a Node: 200 while it forwards, 503 once the Node is going away or it is stale. */
export function kubeProxyHealthCheck(port: number): HealthCheck {
  return { kind: "http", path: "/healthz", port };
}

/**
 * How the agent probes a backend's targets. A check the table names (an annotation's, or a Local Service's
 * healthCheckNodePort) is used as written. A Cluster-policy backend without one is checked through kube-proxy's
 * health port: kube-proxy forwards every nodePort of its Node to ready endpoints anywhere in the cluster, so
 * whether it is healthy is what decides whether the Node can serve any such Service — one probe per Node instead
 * of one per Service and Node (KEP-3836; what the cloud providers' load balancers do). That the Service has
 * ready endpoints at all the EndpointSlices already say. Without kube-proxy (`kubeProxyHealthPort` null), and
 * for a Local Service without a healthCheckNodePort, a TCP connect to the nodePort, as before.
 */
export function probedHealthCheck(backend: Pick<Backend, "healthCheck" | "trafficPolicy">, kubeProxyHealthPort: number | null | undefined): HealthCheck {
  if (backend.healthCheck !== undefined) return backend.healthCheck;
  if (backend.trafficPolicy === "Local") return TCP_CHECK;
  const port = kubeProxyHealthPort === undefined ? DEFAULT_KUBE_PROXY_HEALTH_PORT : kubeProxyHealthPort;
  return port === null ? TCP_CHECK : kubeProxyHealthCheck(port);
}
