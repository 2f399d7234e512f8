import type { PathReplacement, RouteRedirect } from "../table/route-policy.ts";
import type { PolicyStep } from "./policy-step.ts";

const WELL_KNOWN_PORT = { http: 80, https: 443 } as const;

/**
 * Gateway API RequestRedirect: scheme, host, port and path each the filter's or else the request's. The port is
 * written only when it is not the scheme's well-known one; without a port of its own, the redirect keeps the
 * listener's, which at the edge is the scheme's (80 for http, 443 for https). The query is kept.
 */
export function routeRedirectStep(redirect: RouteRedirect): PolicyStep {
  return (request) => {
    const scheme = redirect.scheme ?? request.scheme;
    const host = redirect.hostname ?? request.host;
    const port = redirect.port === undefined || redirect.port === WELL_KNOWN_PORT[scheme] ? "" : `:${redirect.port}`;
    const path = redirect.path === undefined ? request.path : replacePath(request.path, request.matchedPrefix, redirect.path);
    return { status: redirect.status, headers: [["location", `${scheme}://${host}${port}${path}${request.query}`]], reason: "HTTPRoute RequestRedirect" };
  };
}

/**
 * ReplaceFullPath, or ReplacePrefixMatch: the matched prefix (element-wise, trailing `/` ignored) replaced, as the
 * table in apis/v1/httproute_types.go gives it (`/foo/bar` with prefix `/foo` → `/xyz/bar`; replacement "" or
 * `/` → `/bar`; never an empty path). Without a matched prefix (an Exact match) the whole path is the prefix.
 */
export function replacePath(path: string, matchedPrefix: string | null, replacement: PathReplacement): string {
  if ("full" in replacement) return replacement.full;
  const matched = (matchedPrefix ?? path).replace(/\/+$/, "");
  const rest = path.slice(matched.length);
  const replaced = `${replacement.prefix.replace(/\/+$/, "")}${rest}`;
  return replaced === "" ? "/" : replaced;
}
