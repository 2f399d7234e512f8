/**
 * The routing table: the one contract between the sync agent (which writes it) and the edge worker (which
 * serves it). Runtime-neutral: plain data, no Node or Workers APIs.
 *
 * Compactness matters: the table is one KV value (≤ 25 MiB) and is parsed on cold isolates. So Nodes are listed
 * once and backends name them; a Cluster-policy backend says "all-nodes" instead of repeating 1,000 Nodes.
 */

import type { HostRedirect, RoutePolicy } from "./route-policy.ts";

/** Bumped on any change that an older reader would misread. */
export const TABLE_SCHEMA = 1;

/** The path types an Ingress can state. */
export type IngressPathType = "Exact" | "Prefix" | "ImplementationSpecific";

/**
 * `RegularExpression`: the path is an RE2 pattern (core/match/regex-path.ts) that must match from the request
 * path's first character (nginx's `^`), ending anywhere unless it says `$`. Within a host an equal Exact path wins,
 * then the first matching pattern, longer patterns first (see `compareRegexRules`), then the longest Prefix. Added
 * within schema 1 (ingress-nginx regex paths; HTTPRoute RegularExpression matches): a table without such rules
 * keeps its bytes and hash; an older worker refuses one that has them — deploy the worker first.
 */
export type PathType = IngressPathType | "RegularExpression";

export interface TableNode {
  /** Node name: the stable identity of a target (cookies are bound to it, not to the address). */
  readonly name: string;
  /** ExternalIP (or InternalIP when allowed). What the agent health-checks and a socket transport dials. */
  readonly address: string;
  /** `<node-name>.<node-domain>` when a node DNS domain is configured: what a deployed Worker's fetch can reach. */
  readonly hostname?: string;
}

export interface CookieAffinity {
  readonly mode: "cookie";
  readonly name: string;
  /** Seconds; absent = session cookie. */
  readonly maxAge?: number;
  readonly path: string;
  readonly sameSite?: "Strict" | "Lax" | "None";
}

export interface ClientIpAffinity {
  readonly mode: "client-ip";
  /** Service `sessionAffinityConfig.clientIP.timeoutSeconds` (default 10800). */
  readonly timeoutSeconds: number;
}

export type Affinity = CookieAffinity | ClientIpAffinity;

export type HealthCheck =
  | { readonly kind: "tcp" }
  /** `port` absent = the backend's nodePort. */
  | { readonly kind: "http"; readonly path: string; readonly port?: number };

/** A target set: every eligible Node (weight 1), or the listed Nodes with weights. */
export type TargetSet = "all-nodes" | readonly WeightedNode[];

export interface WeightedNode {
  readonly node: string;
  readonly weight: number;
}

/** How the edge speaks to a backend's nodePort: HTTP/1.1 in the clear, or over TLS. */
export type BackendProtocol = "http" | "https";

export interface Backend {
  /**
   * `namespace/service:port` — the Service and its port as the Ingress wrote it (a number or a port name) —
   * plus `@namespace/ingress` when that Ingress's policy differs from the default (`@Service namespace/name`
   * when the policy is a LoadBalancer Service's own, `@namespace/route#rule` for an HTTPRoute rule's session
   * persistence). Read it with `backendService`.
   */
  readonly id: string;
  readonly nodePort: number;
  /** Absent: plain HTTP (so tables of HTTP backends read and hash as they did before this field existed). */
  readonly protocol?: "https";
  /** Absent: `Cluster`. */
  readonly trafficPolicy?: "Local";
  /** Recorded for `externalTrafficPolicy: Local`: kube-proxy answers `/healthz` there. */
  readonly healthCheckNodePort?: number;
  /**
   * How the agent checks this backend's targets, when it is the backend's own: an annotation's (a path, or
   * `{ kind: "tcp" }` for `health-check: nodeport`) or a Local Service's healthCheckNodePort. Absent: the agent's
   * default for the traffic policy (`probedHealthCheck`: kube-proxy's per-Node `/healthz` for Cluster, else a TCP
   * connect to the nodePort). The agent alone reads it; the edge does not.
   */
  readonly healthCheck?: HealthCheck;
  /** Absent: no affinity, every request balanced by weight. */
  readonly affinity?: Affinity;
  readonly targets: TargetSet;
  /** Node names whose target failed its health checks: listed in `targets` but not to be used. Absent: none. */
  readonly down?: readonly string[];
  /**
   * Every target failed the agent's health checks, so none is marked down and all are served (failing open).
   * Informational: `targets` minus `down` is what to use either way. Absent (never `false`): not failed open.
   * Never beside `down`, never on a backend without targets. Added within schema 1: a table that has no such
   * backend is byte for byte what it was before, so its version is unchanged.
   */
  readonly failedOpen?: true;
}

/*
 * Defaults are left out rather than written (compiler output never carries `down: []`, nor a TCP check unless an
 * annotation asks for one in place of the default): at 10,000 Ingresses every byte per backend counts. These read
 * them back.
 */
export const TCP_CHECK: HealthCheck = { kind: "tcp" };

export function protocolOf(backend: Backend): BackendProtocol {
  return backend.protocol ?? "http";
}

export function downOf(backend: Backend): readonly string[] {
  return backend.down ?? [];
}

export function isFailedOpen(backend: Backend): boolean {
  return backend.failedOpen === true;
}

export interface Rule {
  readonly path: string;
  readonly pathType: PathType;
  /** RegularExpression only: the pattern matches without regard to case (nginx's `~*`). Absent: with case. */
  readonly ignoreCase?: true;
  /** Backend id. */
  readonly backend: string;
  /**
   * The rule's source: `namespace/name` of the Ingress it came from, or `Service namespace/name` for a
   * LoadBalancer Service the edge serves (no Ingress key has a space, so the two never mix up). Read it with
   * `ruleSource`.
   */
  readonly ingress: string;
  /**
   * A canary Ingress (ingress-nginx `canary: "true"`) of the same host and path: some requests go to its backend.
   * Absent on most rules, so their tables keep their bytes and hash (see route-policy.ts: deploy the worker first).
   */
  readonly canary?: RuleCanary;
  /**
   * What else a request must carry, beyond host and path: a Gateway API HTTPRoute match (scheme from the
   * listener it is attached to, method, headers, query parameters). Absent on Ingress rules, so their tables keep
   * their bytes and hash; an older worker refuses a table that has it (deploy the worker first).
   */
  readonly match?: RuleMatch;
  /**
   * Weighted backends (HTTPRoute backendRefs): each request goes to one, in proportion to its weight; an entry
   * without a backend (its reference is invalid) answers 500 for its share. When present, `backend` names the
   * first entry's backend or is "" (tools that show one backend read it); the matcher reads `split`.
   */
  readonly split?: readonly RuleSplit[];
}

/** A Gateway API HTTPRoute match beyond host and path; every condition listed must hold. */
export interface RuleMatch {
  /** The listener's side: a route attached only to the port 80 (http) or 443 (https) listener. */
  readonly scheme?: "http" | "https";
  /** Exact, upper case as HTTP methods are written. */
  readonly method?: string;
  /** Exact values, or RE2 patterns matching the whole value (`regex`); names lower case (header names compare without case). */
  readonly headers?: readonly HeaderCondition[];
  /** Exact values; names compare exactly (query parameter names have case). */
  readonly query?: readonly NameValue[];
}

export interface NameValue {
  readonly name: string;
  readonly value: string;
}

export interface HeaderCondition extends NameValue {
  /** `value` is an RE2 pattern the whole header value must match (Gateway API RegularExpression). Absent: exact. */
  readonly regex?: true;
}

export interface RuleSplit {
  /** Backend id; absent: the reference did not resolve, so this share answers 500. */
  readonly backend?: string;
  /** Positive (weight-0 references are left out by the compiler: they never receive a request). */
  readonly weight: number;
}

/** Which requests a rule sends to its canary, in ingress-nginx's order: header, then cookie, then weight. */
export interface RuleCanary {
  readonly backend: string;
  readonly ingress: string;
  /** Request header: `always` → canary, `never` → mainline (or equal to `headerValue`, or matching `headerPattern` → canary); else go on. */
  readonly header?: string;
  readonly headerValue?: string;
  /** Without `headerValue`: a header value this RE2 pattern is found in → canary, else go on (`canary-by-header-pattern`). */
  readonly headerPattern?: string;
  /** Cookie: `always` → canary, `never` → mainline; else go on. */
  readonly cookie?: string;
  /** Out of `weightTotal` (default 100): the share of the remaining requests sent to the canary. */
  readonly weight?: number;
  readonly weightTotal?: number;
}

/** The object a rule (or default backend) came from. */
export interface RuleSource {
  readonly kind: "Ingress" | "Service" | "HTTPRoute";
  /** `namespace/name`. */
  readonly name: string;
  /** For an HTTPRoute: which of its rules (from 0). */
  readonly rule?: number;
}

const SERVICE_SOURCE = "Service ";
const ROUTE_SOURCE = "HTTPRoute ";

/** A rule of a Gateway API HTTPRoute as a table rule's source (and its policy's key): `HTTPRoute ns/name#rule`. */
export function routeSource(routeKey: string, rule: number): string {
  return `${ROUTE_SOURCE}${routeKey}#${rule}`;
}

/** A LoadBalancer Service as a rule's source, written into `Rule.ingress`. */
export function serviceSource(serviceKey: string): string {
  return `${SERVICE_SOURCE}${serviceKey}`;
}

export function ruleSource(ingress: string): RuleSource {
  if (ingress.startsWith(SERVICE_SOURCE)) return { kind: "Service", name: ingress.slice(SERVICE_SOURCE.length) };
  if (ingress.startsWith(ROUTE_SOURCE)) {
    const hash = ingress.lastIndexOf("#");
    return { kind: "HTTPRoute", name: ingress.slice(ROUTE_SOURCE.length, hash), rule: Number(ingress.slice(hash + 1)) };
  }
  return { kind: "Ingress", name: ingress };
}

export interface HostRoutes {
  /**
   * Exact host, wildcard `*.example.com` (one label, as Ingress hosts), `**.example.com` (any number of labels, as
   * Gateway API hostnames), or `""` for rules without a host (they apply to every host).
   */
  readonly host: string;
  readonly rules: readonly Rule[];
}

export interface TlsHost {
  /** Exact or wildcard host from an Ingress's `spec.tls`. */
  readonly host: string;
  /** Plain http gets a 308 to https unless the Ingress said `edge-ingress.dev/ssl-redirect: "false"`. */
  readonly redirect: boolean;
}

export interface DefaultBackend {
  readonly backend: string;
  readonly ingress: string;
}

export interface Problem {
  readonly kind: string;
  /** `namespace/name` (or `name` for cluster-scoped objects). */
  readonly object: string;
  readonly reason: string;
}

/** Everything the compiler decides; hashed to give the table's version. */
export interface TableContent {
  readonly schema: typeof TABLE_SCHEMA;
  readonly nodes: readonly TableNode[];
  readonly hosts: readonly HostRoutes[];
  readonly defaultBackend: DefaultBackend | null;
  readonly backends: readonly Backend[];
  readonly tls: readonly TlsHost[];
  readonly problems: readonly Problem[];
  /**
   * Per-Ingress policies (ingress-nginx annotations the edge honours), sorted by Ingress; absent when there are
   * none, so older tables keep their bytes and hash. See route-policy.ts: deploy the worker before the agent.
   */
  readonly policies?: readonly RoutePolicy[];
  /** `from-to-www-redirect` hosts, sorted by `from`; absent when none (same bytes and hash as before). */
  readonly hostRedirects?: readonly HostRedirect[];
}

export interface RoutingTable extends TableContent {
  /** `sha256:<hex>` of the canonical content: the same cluster gives the same version. */
  readonly version: string;
  /**
   * Monotonic counter set by the publisher (milliseconds since the epoch at publication), so that the edge can
   * refuse a table older than the one it holds. Not part of the version.
   */
  readonly generation: number;
}

const BACKEND_ID = /^([^/@:]+\/[^/@:]+):([^/@:]+)(?:@([^/@:]+\/[^/@:]+))?$/;

/** The Service (`namespace/name`) and port (number or name, as written) a backend id names; null if malformed. */
export function backendService(id: string): { readonly service: string; readonly port: number | string } | null {
  const match = BACKEND_ID.exec(id);
  if (match === null || match[1] === undefined || match[2] === undefined) return null;
  // Service port names must contain a letter (IANA_SVC_NAME), so all digits means a number.
  return { service: match[1], port: /^\d+$/.test(match[2]) ? Number(match[2]) : match[2] };
}
