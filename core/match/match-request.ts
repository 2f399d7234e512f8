import type { Backend, RoutingTable, Rule } from "../table/schema.ts";
import { normalizeHost } from "./normalize-host.ts";
import { normalizePath } from "./normalize-path.ts";
import { parentDomain } from "./prefix-path.ts";
import type { RouteFinder } from "./route-finder.ts";
import { createTrieFinder } from "./trie-finder.ts";

export interface RouteRequest {
  readonly scheme: "http" | "https";
  /** The Host header (or URL authority) as received. */
  readonly host: string;
  /** The path as received, without the query. */
  readonly path: string;
  /** The query including its `?`, or "". Carried into redirects unchanged. */
  readonly query?: string;
}

export interface RouteHit {
  /** Host bucket that matched (`""` = host-less rules); null when the default backend served. */
  readonly host: string | null;
  /** null when the default backend served. */
  readonly rule: Rule | null;
  readonly ingress: string;
  readonly backend: Backend;
}

export type RouteDecision =
  | { readonly kind: "route"; readonly path: string; readonly hit: RouteHit }
  | { readonly kind: "redirect"; readonly location: string; readonly hit: RouteHit }
  | { readonly kind: "none"; readonly path: string }
  | { readonly kind: "bad-request"; readonly reason: string };

/** A table made ready for matching: built once per table, used for every request. */
export interface CompiledRoutes {
  readonly table: RoutingTable;
  readonly finder: RouteFinder;
  readonly backends: ReadonlyMap<string, Backend>;
  readonly tlsPrecise: ReadonlyMap<string, boolean>;
  readonly tlsWildcard: ReadonlyMap<string, boolean>;
}

export function compileRoutes(table: RoutingTable, createFinder: (table: RoutingTable) => RouteFinder = createTrieFinder): CompiledRoutes {
  const tlsPrecise = new Map<string, boolean>();
  const tlsWildcard = new Map<string, boolean>();
  for (const tls of table.tls) {
    if (tls.host.startsWith("*.")) tlsWildcard.set(tls.host.slice(2), tls.redirect);
    else tlsPrecise.set(tls.host, tls.redirect);
  }
  return {
    table,
    finder: createFinder(table),
    backends: new Map(table.backends.map((backend) => [backend.id, backend])),
    tlsPrecise,
    tlsWildcard,
  };
}

/**
 * The route decision for one request — the same function for the edge worker and the `explain` CLI. The path
 * returned with a route is the normalised path: the one to forward.
 */
export function matchRequest(routes: CompiledRoutes, request: RouteRequest): RouteDecision {
  const host = normalizeHost(request.host);
  if (host === null) return { kind: "bad-request", reason: "invalid Host" };
  const normalized = normalizePath(request.path);
  if (!normalized.ok) return { kind: "bad-request", reason: normalized.reason };
  const path = normalized.path;
  const hit = findHit(routes, host, path);
  if (hit === null) return { kind: "none", path };
  if (request.scheme === "http" && redirectsToHttps(routes, host)) {
    return { kind: "redirect", location: `https://${host}${path}${request.query ?? ""}`, hit };
  }
  return { kind: "route", path, hit };
}

function findHit(routes: CompiledRoutes, host: string, path: string): RouteHit | null {
  const found = routes.finder.find(host, path);
  if (found !== null) {
    const backend = routes.backends.get(found.rule.backend);
    return backend === undefined ? null : { host: found.host, rule: found.rule, ingress: found.rule.ingress, backend };
  }
  const fallback = routes.table.defaultBackend;
  if (fallback === null) return null;
  const backend = routes.backends.get(fallback.backend);
  return backend === undefined ? null : { host: null, rule: null, ingress: fallback.ingress, backend };
}

function redirectsToHttps(routes: CompiledRoutes, host: string): boolean {
  const precise = routes.tlsPrecise.get(host);
  if (precise !== undefined) return precise;
  const parent = parentDomain(host);
  return parent !== null && routes.tlsWildcard.get(parent) === true;
}
