import { type CorsPolicy, type RoutePolicy, splitRedirectLocation } from "../table/route-policy.ts";
import { type CompiledHeaderEdits, compileHeaderEdits } from "./header-edits.ts";
import { replacePath, routeRedirectStep } from "./route-redirect.ts";
import { type IpRange, parseIp, parseIpRange, rangeContains } from "./ip-range.ts";
import type { PolicyAnswer, PolicyRequest, PolicyStep } from "./policy-step.ts";

/**
 * An Ingress's policy made ready once per table: steps in ingress-nginx's order. `before` runs ahead of the
 * https redirect — app-root (nginx's server rewrite phase), body size (its find-config phase), the CORS preflight
 * and `permanent-`/`temporal-redirect` (rewrite-module directives of the location) — and `after` behind it: the
 * deny- and allow-lists (nginx's access phase, after ingress-nginx's Lua redirect in the rewrite phase).
 */
export interface CompiledPolicy {
  readonly before: readonly PolicyStep[];
  readonly forceSslRedirect: boolean;
  /** The Host the backend sees where the transport can send it (`upstream-vhost`); null: the client's. */
  readonly upstreamHost: string | null;
  /** The backend's time to answer in ms (`proxy-read-timeout`); null: the edge's default. */
  readonly responseTimeoutMs: number | null;
  /** The time to open a connection to a target in ms (`proxy-connect-timeout`, socket transport); null: the edge's. */
  readonly connectTimeoutMs: number | null;
  /** `proxy-body-size` in bytes, for a body whose length is not declared (the edge counts it); null when none. */
  readonly maxBodyBytes: number | null;
  readonly after: readonly PolicyStep[];
  /**
   * `rewrite-target` and the `x-forwarded-prefix` sent with it, null when none: made into a rule's step
   * (rewrite-path.ts) for each RegularExpression rule whose pattern it rewrites, since the captures are the rule's.
   */
  readonly rewrite: { readonly target: string; readonly forwardedPrefix: string | null } | null;
  /** Headers added to the backend's response (CORS); null when the policy adds none. */
  readonly responseHeaders: ((request: PolicyRequest) => readonly (readonly [string, string])[] | null) | null;
  /** HTTPRoute RequestHeaderModifier (and a URLRewrite hostname's X-Forwarded-Host); null when none. */
  readonly requestEdits: CompiledHeaderEdits | null;
  /** HTTPRoute ResponseHeaderModifier; null when none. */
  readonly responseEdits: CompiledHeaderEdits | null;
  /** HTTPRoute URLRewrite path: the path the backend receives; null when unchanged. */
  readonly rewritePath: ((request: PolicyRequest) => string) | null;
}

export function compilePolicy(policy: RoutePolicy): CompiledPolicy {
  const before: PolicyStep[] = [];
  const after: PolicyStep[] = [];
  if (policy.appRoot !== undefined) before.push(appRootStep(policy.appRoot));
  if (policy.maxBodyBytes !== undefined) before.push(bodySizeStep(policy.maxBodyBytes));
  const cors = policy.cors === undefined ? null : compileCors(policy.cors);
  if (cors !== null) before.push(cors.preflight);
  if (policy.redirect !== undefined) before.push(redirectStep(policy.redirect.status, policy.redirect.location));
  if (policy.routeRedirect !== undefined) before.push(routeRedirectStep(policy.routeRedirect));
  if (policy.deny !== undefined || policy.allow !== undefined) after.push(sourceRangeStep(policy.deny ?? [], policy.allow ?? []));
  const rewrite = policy.rewritePath;
  // The backend is told the rewritten host where its transport cannot send it as Host (fetch).
  const requestEdits = policy.rewriteHost === undefined
    ? policy.requestHeaders
    : { ...policy.requestHeaders, set: [...(policy.requestHeaders?.set ?? []), { name: "x-forwarded-host", value: policy.rewriteHost }] };
  return {
    before,
    forceSslRedirect: policy.forceSslRedirect === true,
    maxBodyBytes: policy.maxBodyBytes ?? null,
    responseTimeoutMs: policy.responseTimeoutMs ?? null,
    connectTimeoutMs: policy.connectTimeoutMs ?? null,
    upstreamHost: policy.rewriteHost ?? policy.upstreamHost ?? null,
    after,
    rewrite: policy.rewriteTarget === undefined ? null : { target: policy.rewriteTarget, forwardedPrefix: policy.forwardedPrefix ?? null },
    responseHeaders: cors === null ? null : cors.headers,
    requestEdits: requestEdits === undefined ? null : compileHeaderEdits(requestEdits),
    responseEdits: policy.responseHeaders === undefined ? null : compileHeaderEdits(policy.responseHeaders),
    rewritePath: rewrite === undefined ? null : (request) => replacePath(request.path, request.matchedPrefix, rewrite),
  };
}

function appRootStep(appRoot: string): PolicyStep {
  return (request) => request.path === "/"
    ? { status: 302, headers: [["location", `${request.scheme}://${request.host}${appRoot}`]], reason: "app-root" }
    : null;
}

function bodySizeStep(max: number): PolicyStep {
  return (request) => {
    const length = request.header("content-length");
    if (length === null || !/^\d+$/.test(length) || Number(length) <= max) return null;
    return { status: 413, headers: [], reason: `payload too large: the body may be at most ${max} bytes` };
  };
}

function redirectStep(status: number, location: string): PolicyStep {
  const parts = splitRedirectLocation(location) ?? [location];
  return (request) => {
    let target = "";
    for (const part of parts) {
      if (typeof part === "string") target += part;
      else if (part.variable === "request_uri") target += request.rawPath + request.query;
      else if (part.variable === "uri") target += request.path;
      else if (part.variable === "args") target += request.query.slice(1);
      else if (part.variable === "is_args") target += request.query === "" ? "" : "?";
      else if (part.variable === "host") target += request.host;
      else target += request.scheme;
    }
    return { status, headers: [["location", target]], reason: "redirect" };
  };
}

/** nginx's `deny` lines, then `allow` lines, then `deny all` when there are any: the first that matches decides. */
function sourceRangeStep(deny: readonly string[], allow: readonly string[]): PolicyStep {
  const parse = (list: readonly string[]): IpRange[] => list.map(parseIpRange).filter((range): range is IpRange => range !== null);
  const denied = parse(deny);
  const allowed = parse(allow);
  const refuse = (why: string): PolicyAnswer => ({ status: 403, headers: [], reason: `forbidden: ${why}` });
  return (request) => {
    const ip = request.clientIp === null ? null : parseIp(request.clientIp);
    // Without a client address the lists cannot be applied: fail closed.
    if (ip === null) return refuse("the client address is unknown");
    if (denied.some((range) => rangeContains(range, ip))) return refuse("the client address is denied");
    if (allowed.length > 0 && !allowed.some((range) => rangeContains(range, ip))) return refuse("the client address is not allowed");
    return null;
  };
}

function compileCors(cors: CorsPolicy): { preflight: PolicyStep; headers: (request: PolicyRequest) => readonly (readonly [string, string])[] | null } {
  const any = cors.origins.length === 1 && cors.origins[0] === "*";
  // ingress-nginx builds `(origin)|…` with `*.` standing for one DNS label, compared without case.
  const patterns = cors.origins.map((origin) => {
    const escaped = origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("\\*", "[A-Za-z0-9-]+");
    return new RegExp(`^${escaped}$`, "i");
  });
  const common: [string, string][] = [
    ...(cors.credentials ? [["access-control-allow-credentials", "true"] as [string, string]] : []),
    ["access-control-allow-methods", cors.methods],
    ["access-control-allow-headers", cors.headers],
    ...(cors.expose === undefined ? [] : [["access-control-expose-headers", cors.expose] as [string, string]]),
    ["access-control-max-age", String(cors.maxAge)],
  ];
  const headersFor = (request: PolicyRequest): [string, string][] | null => {
    if (any) return [["access-control-allow-origin", "*"], ...common];
    const origin = request.header("origin");
    if (origin === null || !patterns.some((pattern) => pattern.test(origin))) return null;
    return [["access-control-allow-origin", origin], ...common];
  };
  return {
    preflight: (request) => {
      if (request.method !== "OPTIONS") return null;
      const headers = headersFor(request);
      if (headers === null) return null;
      return { status: 204, headers: [...headers, ["content-type", "text/plain charset=UTF-8"], ["content-length", "0"]], reason: "CORS preflight" };
    },
    headers: headersFor,
  };
}
