import { healthCheckKey } from "../health/health-check-key.ts";
import { type DownTargets, markDownTargets } from "../health/mark-down-targets.ts";
import { probedHealthCheck } from "../health/probed-health-check.ts";
import { type Affinity, type Backend, type BackendProtocol, type HealthCheck, TCP_CHECK, type TargetSet } from "../table/schema.ts";
import { chooseBackendProtocol } from "./backend-protocol.ts";
import type { EndpointSlice, IngressBackend, Service, ServicePort } from "./cluster-objects.ts";
import type { EligibleNodes } from "./eligible-nodes.ts";
import type { IngressPolicy } from "./parse-policy.ts";

export interface BackendContext {
  /** By `namespace/name`. */
  readonly services: ReadonlyMap<string, Service>;
  /** By `namespace/service-name` (label `kubernetes.io/service-name`). */
  readonly slices: ReadonlyMap<string, readonly EndpointSlice[]>;
  readonly nodes: EligibleNodes;
  readonly unhealthy: ReadonlySet<string>;
  /** `CompileOptions.kubeProxyHealthPort`, null when off. */
  readonly kubeProxyHealthPort: number | null;
}

export type ResolvedBackend =
  /** `serviceProblem`: something about the Service the backend is served despite (reported against the Service). */
  | { readonly ok: true; readonly backend: Backend; readonly serviceProblem: string | null }
  | { readonly ok: false; readonly reason: string };

const DEFAULT_CLIENT_IP_TIMEOUT = 10_800;

/**
 * An Ingress backend as the edge will use it: the Service's nodePort, the Nodes that can serve it (per
 * `externalTrafficPolicy`), and the balancing policy. Anything that keeps it from being served is a reason, not
 * an exception.
 */
export function resolveBackend(
  namespace: string,
  ref: IngressBackend,
  ingressKey: string,
  policy: IngressPolicy,
  context: BackendContext,
): ResolvedBackend {
  if (ref.resource !== undefined && ref.resource !== null) {
    return { ok: false, reason: `resource backends (${ref.resource.kind ?? "?"} ${ref.resource.name ?? "?"}) cannot be served from the edge` };
  }
  const serviceName = ref.service?.name;
  if (serviceName === undefined || serviceName === "") return { ok: false, reason: "backend names no Service" };
  const wanted = ref.service?.port;
  const port: number | string | undefined = wanted?.number ?? wanted?.name;
  if (port === undefined || port === "") return { ok: false, reason: `backend Service ${serviceName} names no port` };
  const serviceKey = `${namespace}/${serviceName}`;
  const service = context.services.get(serviceKey);
  if (service === undefined) return { ok: false, reason: `Service ${serviceKey} not found` };

  const servicePort = (service.spec?.ports ?? []).find((p) => (typeof port === "number" ? p.port === port : p.name === port));
  if (servicePort === undefined) return { ok: false, reason: `Service ${serviceKey} has no port ${JSON.stringify(port)}` };
  const nodePort = servicePort.nodePort;
  if (nodePort === undefined || nodePort === null || nodePort <= 0) {
    const type = service.spec?.type ?? "ClusterIP";
    return { ok: false, reason: `Service ${serviceKey} is ${type} and has no nodePort: the edge reaches Services through NodePort or LoadBalancer Services` };
  }

  const local = service.spec?.externalTrafficPolicy === "Local";
  const healthCheckNodePort = local ? positive(service.spec?.healthCheckNodePort) : undefined;
  // Written into the table only when it is the backend's own; absent, the agent probes as `probedHealthCheck` says.
  const ownCheck: HealthCheck | undefined = policy.healthCheckPath !== null
    ? { kind: "http", path: policy.healthCheckPath }
    : policy.healthCheck === "nodeport"
      ? TCP_CHECK
      : healthCheckNodePort !== undefined
        ? { kind: "http", path: "/healthz", port: healthCheckNodePort }
        : undefined;
  const healthCheck = probedHealthCheck({ ...(ownCheck === undefined ? {} : { healthCheck: ownCheck }), ...(local ? { trafficPolicy: "Local" as const } : {}) }, context.kubeProxyHealthPort);
  const affinity: Affinity | null = policy.cookie ?? clientIpAffinity(service);
  const targets = selectTargets(local, readyEndpointsByNode(context.slices.get(serviceKey) ?? [], servicePort), context.nodes);
  const chosen = chooseBackendProtocol(policy.backendProtocol, servicePort.appProtocol);
  // An annotation that only repeats what the Service says changes nothing: the backend stays shared.
  const protocolCustomised = chosen.protocol !== chooseBackendProtocol(null, servicePort.appProtocol).protocol;
  const customised = policy.cookie !== null || policy.healthCheckPath !== null || policy.healthCheck !== null || protocolCustomised;
  const { down, failedOpen } = markDown(targets, healthCheck, nodePort, chosen.protocol, context);
  const backend: Backend = {
    id: `${serviceKey}:${port}${customised ? `@${ingressKey}` : ""}`,
    nodePort,
    ...(chosen.protocol === "https" ? { protocol: "https" as const } : {}),
    ...(local ? { trafficPolicy: "Local" as const } : {}),
    ...(healthCheckNodePort === undefined ? {} : { healthCheckNodePort }),
    ...(ownCheck === undefined ? {} : { healthCheck: ownCheck }),
    ...(affinity === null ? {} : { affinity }),
    targets,
    ...(down.length === 0 ? {} : { down }),
    ...(failedOpen ? { failedOpen: true as const } : {}),
  };
  const portName = servicePort.name === undefined || servicePort.name === "" ? String(servicePort.port ?? port) : servicePort.name;
  return { ok: true, backend, serviceProblem: chosen.problem === null ? null : `port ${portName}: ${chosen.problem}` };
}

function clientIpAffinity(service: Service): Affinity | null {
  if (service.spec?.sessionAffinity !== "ClientIP") return null;
  const timeout = service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  return { mode: "client-ip", timeoutSeconds: positive(timeout) ?? DEFAULT_CLIENT_IP_TIMEOUT };
}

/** Ready endpoints per Node name, counting only slices that carry this Service port. */
function readyEndpointsByNode(slices: readonly EndpointSlice[], servicePort: ServicePort): Map<string, number> {
  const counts = new Map<string, number>();
  const portName = servicePort.name ?? "";
  for (const slice of slices) {
    const ports = slice.ports ?? [];
    if (ports.length > 0 && !ports.some((p) => (p.name ?? "") === portName)) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // The EndpointSlice API: a nil `ready` is to be read as true.
      if (endpoint.conditions?.ready === false) continue;
      const node = endpoint.nodeName ?? "";
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
  }
  return counts;
}

function selectTargets(local: boolean, ready: Map<string, number>, nodes: EligibleNodes): TargetSet {
  if (!local) return ready.size > 0 && nodes.nodes.length > 0 ? "all-nodes" : [];
  return [...ready]
    .filter(([node]) => nodes.byName.has(node))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([node, weight]) => ({ node, weight }));
}

function markDown(targets: TargetSet, check: HealthCheck, nodePort: number, protocol: BackendProtocol, context: BackendContext): DownTargets {
  if (context.unhealthy.size === 0) return { down: [], failedOpen: false };
  const names = targets === "all-nodes" ? context.nodes.nodes.map((n) => n.name) : targets.map((t) => t.node);
  return markDownTargets(names, (name) => {
    const address = context.nodes.probeAddresses.get(name);
    return address !== undefined && context.unhealthy.has(healthCheckKey(check, address, nodePort, protocol));
  });
}

function positive(value: number | undefined | null): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}
