import type { Backend, Problem, Rule, TlsHost } from "../table/schema.ts";
import { ruleSource, serviceSource } from "../table/schema.ts";
// A cycle with compile-table, which calls this module: only a function is taken, used after both have loaded.
import { failedOpenReason } from "./compile-table.ts";
import { namespacedKey, namespaceOf, type Service, type ServicePort, timestampMillis } from "./cluster-objects.ts";
import { ANNOTATION_PREFIX, parsePolicy } from "./parse-policy.ts";
import { type BackendContext, resolveBackend } from "./resolve-backend.ts";
import { checkHost } from "./validate-ingress-path.ts";

/** `spec.loadBalancerClass` of the `LoadBalancer` Services the edge serves. */
export const LOAD_BALANCER_CLASS = "edge-ingress.dev/edge";

const HOSTNAMES = `${ANNOTATION_PREFIX}hostnames`;
const PORT = `${ANNOTATION_PREFIX}port`;
const TLS = `${ANNOTATION_PREFIX}tls`;

/** What the Ingresses left: the table being built, which the Services add to. */
export interface LoadBalancerTable {
  readonly hosts: Map<string, Map<string, Rule>>;
  readonly tls: Map<string, TlsHost>;
  readonly backends: Map<string, Backend>;
  readonly problems: Problem[];
}

/** Ours: `type: LoadBalancer` and our class. Any other Service belongs to another provider (or none). */
export function isEdgeLoadBalancer(service: Service): boolean {
  return service.spec?.type === "LoadBalancer" && service.spec.loadBalancerClass === LOAD_BALANCER_CLASS;
}

/**
 * Adds the edge's LoadBalancer Services to a table the Ingresses have filled: each served on the hosts of its
 * `hostnames` annotation, every path (Prefix `/`), onto one port's nodePort. Ingresses come first, so a host an
 * Ingress serves stays the Ingress's and the Service is reported for it; among Services the oldest wins a host.
 * Returns the `namespace/name` of every Service served on at least one host, sorted. Pure.
 */
export function collectLoadBalancerServices(services: readonly Service[], context: BackendContext, table: LoadBalancerTable): string[] {
  const served: string[] = [];
  for (const service of services.filter(isEdgeLoadBalancer).sort(compareByAge)) {
    if (collectService(service, context, table)) served.push(namespacedKey(service.metadata));
  }
  return served.sort();
}

function collectService(service: Service, context: BackendContext, table: LoadBalancerTable): boolean {
  const key = namespacedKey(service.metadata);
  const source = serviceSource(key);
  const report = (reason: string): void => { table.problems.push({ kind: "Service", object: key, reason }); };
  const annotations = service.metadata?.annotations;
  const parsed = parsePolicy(annotations);
  parsed.problems.forEach(report);
  const tls = readTls(annotations?.[TLS], report);

  const hosts = readHostnames(annotations?.[HOSTNAMES], report);
  const port = choosePort(service, annotations?.[PORT]?.trim(), report);
  if (hosts.length === 0 || port === null) return false;
  const free = hosts.filter((host) => {
    const holder = [...(table.hosts.get(host)?.values() ?? [])][0];
    if (holder === undefined) return true;
    const owner = ruleSource(holder.ingress);
    report(owner.kind === "Ingress"
      ? `host ${host} is already served by the Ingress ${owner.name} (an Ingress's rules win over a LoadBalancer Service's); left out`
      : `host ${host} is already served by the older Service ${owner.name}; left out`);
    return false;
  });
  if (free.length === 0) return false;

  const ref = { service: { name: service.metadata?.name ?? "", port: typeof port === "number" ? { number: port } : { name: port } } };
  const resolved = resolveBackend(namespaceOf(service.metadata), ref, source, parsed.policy, context);
  if (!resolved.ok) {
    report(`${resolved.reason}; not served`);
    return false;
  }
  if (resolved.serviceProblem !== null) report(resolved.serviceProblem);
  const backend = resolved.backend;
  table.backends.set(backend.id, backend);
  if (backend.failedOpen === true) report(failedOpenReason(backend.id));
  for (const host of free) {
    table.hosts.set(host, new Map([["Prefix /", { path: "/", pathType: "Prefix", backend: backend.id, ingress: source }]]));
    if (tls && !table.tls.has(host)) table.tls.set(host, { host, redirect: parsed.policy.sslRedirect });
  }
  return true;
}

/** The `hostnames` annotation: comma-separated hosts, each checked as an Ingress rule host; duplicates once. */
function readHostnames(value: string | undefined, report: (reason: string) => void): string[] {
  const listed = (value ?? "").split(",").map((host) => host.trim()).filter((host) => host !== "");
  if (listed.length === 0) {
    report(`annotation ${HOSTNAMES} names no host (comma-separated, exact or *.wildcard): not served`);
    return [];
  }
  const hosts: string[] = [];
  for (const host of listed) {
    const checked = checkHost(host);
    if (!checked.ok) report(`annotation ${HOSTNAMES}: ${checked.reason}; left out`);
    else if (!hosts.includes(checked.value)) hosts.push(checked.value);
  }
  return hosts;
}

/** `tls: "true"` stands for an Ingress's `spec.tls` listing every host: https, and http redirected unless `ssl-redirect: "false"`. */
function readTls(value: string | undefined, report: (reason: string) => void): boolean {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === "false") return false;
  if (trimmed === "true") return true;
  report(`annotation ${TLS}: "${trimmed}" is not "true" or "false"; using the default (false)`);
  return false;
}

/**
 * The port to serve, as a backend reference (its name, else its number): the one the `port` annotation names
 * (by name or number), else the Service's only port. It must be TCP and have a nodePort.
 */
function choosePort(service: Service, wanted: string | undefined, report: (reason: string) => void): number | string | null {
  const ports = service.spec?.ports ?? [];
  let port: ServicePort | undefined;
  if (wanted !== undefined && wanted !== "") {
    port = ports.find((p) => (/^\d+$/.test(wanted) ? p.port === Number(wanted) : p.name === wanted));
    if (port === undefined) {
      report(`annotation ${PORT}: "${wanted}" is not a port of the Service (${describePorts(ports)}); not served`);
      return null;
    }
  } else if (ports.length === 1) {
    port = ports[0];
  } else {
    report(ports.length === 0
      ? "has no ports; not served"
      : `has ${ports.length} ports (${describePorts(ports)}): name the one to serve in annotation ${PORT}; not served`);
    return null;
  }
  if (port === undefined) return null;
  const shown = portLabel(port);
  if ((port.protocol ?? "TCP") !== "TCP") {
    report(`port ${shown} is ${port.protocol ?? ""}: the edge serves HTTP over TCP only; not served`);
    return null;
  }
  if (port.nodePort === undefined || port.nodePort === null || port.nodePort <= 0) {
    report(service.spec?.allocateLoadBalancerNodePorts === false
      ? `port ${shown} has no nodePort (allocateLoadBalancerNodePorts: false): the edge reaches Services only through their nodePorts; not served`
      : `port ${shown} has no nodePort: the edge reaches Services only through their nodePorts; not served`);
    return null;
  }
  return port.name !== undefined && port.name !== "" ? port.name : port.port ?? null;
}

function describePorts(ports: readonly ServicePort[]): string {
  return ports.length === 0 ? "it has none" : ports.map(portLabel).join(", ");
}

function portLabel(port: ServicePort): string {
  return port.name !== undefined && port.name !== "" ? `${port.name} (${port.port ?? "?"})` : String(port.port ?? "?");
}

function compareByAge(a: Service, b: Service): number {
  const byTime = timestampMillis(a.metadata?.creationTimestamp) - timestampMillis(b.metadata?.creationTimestamp);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  const ka = namespacedKey(a.metadata);
  const kb = namespacedKey(b.metadata);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
