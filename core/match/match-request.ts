import { type CompiledPolicy, compilePolicy } from "../policy/compile-policy.ts";
import { chooseCanary, type CompiledCanary, compileCanary } from "../policy/choose-canary.ts";
import type { CompiledHeaderEdits } from "../policy/header-edits.ts";
import type { PolicyRequest } from "../policy/policy-step.ts";
import { compileRewrite, type RewriteStep } from "../policy/rewrite-path.ts";
import type { Backend, RoutingTable, Rule, RuleSplit } from "../table/schema.ts";
import { normalizeHost } from "./normalize-host.ts";
import { normalizePath } from "./normalize-path.ts";
import { parentDomain } from "./prefix-path.ts";
import { createConditionFinder } from "./condition-finder.ts";
import { createPackedFinder } from "./packed-finder.ts";
import { compileRuleRegex } from "./regex-host.ts";
import { NO_RULE, numberRules, type RouteFinder } from "./route-finder.ts";

export interface RouteRequest {
  readonly scheme: "http" | "https";
  /** The Host header (or URL authority) as received. */
  readonly host: string;
  /** The path as received, without the query. */
  readonly path: string;
  /** The query including its `?`, or "". Carried into redirects unchanged. */
  readonly query?: string;
  /** What policies need (absent: GET, no client address, no headers); read only when the route has a policy. */
  readonly method?: string;
  readonly clientIp?: string | null;
  readonly header?: (name: string) => string | null;
  /** In [0, 1): draws a canary's weighted share. Absent: never by weight (what `explain` shows). */
  readonly random?: () => number;
}

export interface RouteHit {
  /** Host bucket that matched (`""` = host-less rules); null when the default backend served. */
  readonly host: string | null;
  /** null when the default backend served. */
  readonly rule: Rule | null;
  readonly ingress: string;
  /** null: an HTTPRoute rule whose backend reference is invalid; a request that reaches it is answered 500. */
  readonly backend: Backend | null;
  /** The Ingress's policy (ingress-nginx annotations the edge honours); null when it has none. */
  readonly policy: CompiledPolicy | null;
  /** The rule's canary: its hit (the canary's backend under the mainline's policy) and when to take it; null when none. */
  readonly canary: { readonly hit: RouteHit; readonly choice: CompiledCanary } | null;
  /** An HTTPRoute rule's weighted backends: each share's hit (same rule and policy), and the running weights. */
  readonly split: { readonly hits: readonly RouteHit[]; readonly upTo: readonly number[]; readonly total: number } | null;
  /** The path the backend gets instead (`rewrite-target` on a RegularExpression rule); null when forwarded as is. */
  readonly rewrite: RewriteStep | null;
}

/** A hit with a backend to proxy to: what a `route` decision carries. */
export type ServedHit = RouteHit & { readonly backend: Backend };

export type RouteDecision =
  | {
    readonly kind: "route";
    /** The path the backend receives: the normalised path, or an HTTPRoute URLRewrite's. */
    readonly path: string;
    readonly hit: ServedHit;
    /**
     * An HTTPRoute rule's weighted backends when `hit` was drawn from them (the edge honours a session cookie of
     * another share's backend); absent otherwise.
     */
    readonly shares?: readonly RouteHit[];
    /** HTTPRoute header modifiers, applied after the edge's own forwarding headers; absent when none. */
    readonly requestEdits?: CompiledHeaderEdits;
    readonly responseEdits?: CompiledHeaderEdits;
    /** Set on the backend's response (CORS); absent when none. */
    readonly responseHeaders?: readonly (readonly [string, string])[];
    /** Set on the request to the backend (`X-Forwarded-Prefix`); absent when none. */
    readonly upstreamHeaders?: readonly (readonly [string, string])[];
    /** The normalised path the rule matched, when `path` is its rewrite (`rewrite-target`); absent otherwise. */
    readonly rewrittenFrom?: string;
    /** The most a body may hold (`proxy-body-size`): a declared length was checked, a streamed one must be counted. */
    readonly maxBodyBytes?: number;
  }
  | { readonly kind: "redirect"; readonly location: string; readonly hit: RouteHit }
  /**
   * A policy answered for the backend: a redirect of its own, a CORS preflight, a 403 or a 413; or a host
   * redirect (`from-to-www-redirect`), which has no route (hit null) but names its Ingress.
   */
  | {
    readonly kind: "answer";
    readonly status: number;
    readonly headers: readonly (readonly [string, string])[];
    readonly reason: string;
    readonly hit: RouteHit | null;
    readonly ingress: string;
  }
  | { readonly kind: "none"; readonly path: string }
  | { readonly kind: "bad-request"; readonly reason: string };

/** A table made ready for matching: built once per table, used for every request. */
export interface CompiledRoutes {
  readonly table: RoutingTable;
  readonly finder: RouteFinder;
  /**
   * Per rule in finder numbering, the hit a match answers with (null when its backend is missing): built once,
   * so a match neither allocates its answer nor looks its backend up.
   */
  readonly hits: readonly (RouteHit | null)[];
  readonly fallback: RouteHit | null;
  readonly tlsPrecise: ReadonlyMap<string, boolean>;
  readonly tlsWildcard: ReadonlyMap<string, boolean>;
  /** `from` host → where ingress-nginx's from-to-www-redirect sends it. */
  readonly hostRedirects: ReadonlyMap<string, { readonly to: string; readonly ingress: string }>;
}

export function compileRoutes(table: RoutingTable, createFinder: (table: RoutingTable) => RouteFinder = createPackedFinder): CompiledRoutes {
  const tlsPrecise = new Map<string, boolean>();
  const tlsWildcard = new Map<string, boolean>();
  for (const tls of table.tls) {
    if (tls.host.startsWith("*.")) tlsWildcard.set(tls.host.slice(2), tls.redirect);
    else tlsPrecise.set(tls.host, tls.redirect);
  }
  const backends = new Map(table.backends.map((backend) => [backend.id, backend]));
  const policies = new Map((table.policies ?? []).map((policy) => [policy.ingress, compilePolicy(policy)]));
  const hitOf = (host: string | null, rule: Rule | null, backendId: string, ingress: string): RouteHit | null => {
    // "" is an HTTPRoute rule without a usable backend: still a match (it answers 500), not a miss.
    const backend = backendId === "" ? null : backends.get(backendId);
    if (backend === undefined) return null;
    const policy = policies.get(ingress) ?? null;
    const canary = rule?.canary;
    const canaryBackend = canary === undefined ? undefined : backends.get(canary.backend);
    const rewrite = rule === null ? null : rewriteOf(rule, policy);
    let split: RouteHit["split"] = null;
    if (rule?.split !== undefined) {
      const upTo: number[] = [];
      let total = 0;
      for (const share of rule.split) upTo.push((total += share.weight));
      const shareHit = (share: RuleSplit): RouteHit => ({ host, rule, ingress, backend: share.backend === undefined ? null : backends.get(share.backend) ?? null, policy, canary: null, split: null, rewrite });
      split = { hits: rule.split.map(shareHit), upTo, total };
    }
    // One literal, fields in one order: every hit shares a shape (hundreds of thousands of them at 100k rules).
    return {
      host,
      rule,
      ingress,
      backend,
      policy,
      canary: canary === undefined || canaryBackend === undefined
        ? null
        : { hit: { host, rule, ingress: canary.ingress, backend: canaryBackend, policy, canary: null, split: null, rewrite }, choice: compileCanary(canary) },
      split,
      rewrite,
    };
  };
  const fallback = table.defaultBackend;
  return {
    table,
    finder: createConditionFinder(table, createFinder),
    hits: numberRules(table).map(({ host, rule }) => hitOf(host, rule, rule.backend, rule.ingress)),
    fallback: fallback === null ? null : hitOf(null, null, fallback.backend, fallback.ingress),
    tlsPrecise,
    tlsWildcard,
    hostRedirects: new Map((table.hostRedirects ?? []).map((r) => [r.from, { to: r.to, ingress: r.ingress }])),
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
  if (routes.hostRedirects.size > 0) {
    const redirect = routes.hostRedirects.get(host);
    // As ingress-nginx's ngx_srv_redirect.lua: the request URI as received, less one trailing slash.
    if (redirect !== undefined) {
      const uri = `${request.path}${request.query ?? ""}`;
      return {
        kind: "answer",
        status: 308,
        headers: [["location", `${request.scheme}://${redirect.to}${uri.endsWith("/") ? uri.slice(0, -1) : uri}`]],
        reason: "from-to-www-redirect",
        hit: null,
        ingress: redirect.ingress,
      };
    }
  }
  const hit = findHit(routes, host, path, request);
  if (hit === null) return { kind: "none", path };
  const policy = hit.policy;
  if (policy === null) {
    if (request.scheme === "http" && redirectsToHttps(routes, host)) return { kind: "redirect", location: `https://${host}${path}${request.query ?? ""}`, hit };
    const chosen = hit.canary === null && hit.split === null ? hit : chooseBackend(hit, request);
    if (!hasBackend(chosen)) return invalidBackend(chosen);
    return hit.split === null ? { kind: "route", path, hit: chosen } : { kind: "route", path, hit: chosen, shares: hit.split.hits };
  }
  const facts = policyRequest(request, host, path, hit.rule);
  for (const step of policy.before) {
    const answer = step(facts);
    if (answer !== null) return { kind: "answer", ...answer, hit, ingress: hit.ingress };
  }
  if (request.scheme === "http" && (policy.forceSslRedirect || redirectsToHttps(routes, host))) {
    return { kind: "redirect", location: `https://${host}${path}${request.query ?? ""}`, hit };
  }
  for (const step of policy.after) {
    const answer = step(facts);
    if (answer !== null) return { kind: "answer", ...answer, hit, ingress: hit.ingress };
  }
  const headers = policy.responseHeaders?.(facts) ?? null;
  // Last, as nginx's rewrite … break runs after the location's redirects and before proxy_pass; an HTTPRoute's
  // URLRewrite likewise.
  const rewritten = hit.rewrite === null ? null : hit.rewrite(path);
  const forwarded = rewritten !== null ? rewritten.path : policy.rewritePath === null ? path : policy.rewritePath(facts);
  return served(chooseBackend(hit, request), forwarded, {
    ...(hit.split === null ? {} : { shares: hit.split.hits }),
    ...(headers === null ? {} : { responseHeaders: headers }),
    ...(rewritten === null || rewritten.upstreamHeaders === null ? {} : { upstreamHeaders: rewritten.upstreamHeaders }),
    ...(rewritten === null ? {} : { rewrittenFrom: path }),
    ...(policy.maxBodyBytes === null ? {} : { maxBodyBytes: policy.maxBodyBytes }),
    ...(policy.requestEdits === null ? {} : { requestEdits: policy.requestEdits }),
    ...(policy.responseEdits === null ? {} : { responseEdits: policy.responseEdits }),
  });
}

type RouteExtras = Omit<Extract<RouteDecision, { kind: "route" }>, "kind" | "path" | "hit">;

/** A route to the chosen backend, or a 500 when the chosen share's backend reference did not resolve. */
function served(hit: RouteHit, path: string, extras: RouteExtras): RouteDecision {
  return hasBackend(hit) ? { kind: "route", path, hit, ...extras } : invalidBackend(hit);
}

/** Gateway API: a request for an invalid backend reference gets a 500 (for that reference's share of the traffic). */
function invalidBackend(hit: RouteHit): RouteDecision {
  return { kind: "answer", status: 500, headers: [], reason: "internal server error: the route's backend reference is invalid", hit, ingress: hit.ingress };
}

function hasBackend(hit: RouteHit): hit is ServedHit {
  return hit.backend !== null;
}

/** The canary (ingress-nginx), or one of an HTTPRoute rule's weighted backends; else the rule's own. */
function chooseBackend(hit: RouteHit, request: RouteRequest): RouteHit {
  if (hit.canary !== null) return pickCanary(hit, hit.canary, request);
  const split = hit.split;
  if (split === null) return hit;
  // Without a random source (explain), the first share: what most requests would get is not knowable.
  const draw = (request.random?.() ?? 0) * split.total;
  for (let i = 0; i < split.upTo.length; i++) if (draw < (split.upTo[i] ?? 0)) return split.hits[i] ?? hit;
  return split.hits[split.hits.length - 1] ?? hit;
}

/**
 * A rule's rewrite: its Ingress's rewrite-target, on a pattern that is not the target itself (ingress-nginx's
 * needsRewrite), with the pattern's captures. Only RegularExpression rules have captures to give.
 */
function rewriteOf(rule: Rule, policy: CompiledPolicy | null): RewriteStep | null {
  const ask = policy?.rewrite ?? null;
  if (ask === null || rule.pathType !== "RegularExpression" || rule.path === ask.target) return null;
  const regex = compileRuleRegex(rule);
  return regex === null ? null : compileRewrite(regex, ask.target, ask.forwardedPrefix);
}

/** ingress-nginx picks the canary in its balancer, after every other step: so does the edge. */
function pickCanary(hit: RouteHit, canary: NonNullable<RouteHit["canary"]>, request: RouteRequest): RouteHit {
  return chooseCanary(canary.choice, request.header ?? (() => null), request.random ?? (() => 1)) ? canary.hit : hit;
}

function policyRequest(request: RouteRequest, host: string, path: string, rule: Rule | null): PolicyRequest {
  return {
    matchedPrefix: rule === null || rule.pathType === "Exact" ? null : rule.path,
    scheme: request.scheme,
    host,
    rawPath: request.path,
    path,
    query: request.query ?? "",
    method: request.method ?? "GET",
    clientIp: request.clientIp ?? null,
    header: request.header ?? (() => null),
  };
}

function findHit(routes: CompiledRoutes, host: string, path: string, request: RouteRequest): RouteHit | null {
  const found = routes.finder.find(host, path, request);
  return found === NO_RULE ? routes.fallback : routes.hits[found] ?? null;
}

function redirectsToHttps(routes: CompiledRoutes, host: string): boolean {
  const precise = routes.tlsPrecise.get(host);
  if (precise !== undefined) return precise;
  if (routes.tlsWildcard.size === 0) return false;
  const parent = parentDomain(host);
  return parent !== null && routes.tlsWildcard.get(parent) === true;
}
