import { type HeaderEdits, type PathReplacement, POLICY_SYNTAX, type RoutePolicy, type RouteRedirect } from "../../table/route-policy.ts";
import type { HeaderModifier, PathModifier, RouteFilter } from "./gateway-objects.ts";

export interface CompiledFilters {
  /** The rule's policy; null when its filters ask for nothing. */
  readonly policy: Omit<RoutePolicy, "ingress"> | null;
  /** A RequestRedirect answers every request: the rule's backends are never used. */
  readonly redirects: boolean;
  /** Filters the edge cannot apply (the rule then answers 500, as Gateway API asks). */
  readonly problems: readonly string[];
}

const STATUS = new Set([301, 302, 303, 307, 308]);

/**
 * An HTTPRoute rule's filters as the table's policy fields (compiled into policy steps once per table, like
 * ingress-nginx annotations): RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect and URLRewrite.
 * Anything else, or a value the edge cannot send, is a problem.
 */
export function compileRouteFilters(filters: readonly RouteFilter[], where: string): CompiledFilters {
  const policy: { -readonly [K in keyof Omit<RoutePolicy, "ingress">]?: Omit<RoutePolicy, "ingress">[K] } = {};
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const filter of filters) {
    const type = filter.type ?? "";
    if (seen.has(type)) {
      problems.push(`${where}filter ${type} is listed twice`);
      continue;
    }
    seen.add(type);
    switch (type) {
      case "RequestHeaderModifier": {
        const edits = headerEdits(filter.requestHeaderModifier, `${where}${type}`, problems);
        if (edits !== null) policy.requestHeaders = edits;
        break;
      }
      case "ResponseHeaderModifier": {
        const edits = headerEdits(filter.responseHeaderModifier, `${where}${type}`, problems);
        if (edits !== null) policy.responseHeaders = edits;
        break;
      }
      case "RequestRedirect": {
        const redirect = filter.requestRedirect ?? {};
        const status = redirect.statusCode ?? 302;
        const out: { -readonly [K in keyof RouteRedirect]: RouteRedirect[K] } = { status: 302 };
        if (!STATUS.has(status)) problems.push(`${where}RequestRedirect statusCode ${status} is not 301, 302, 303, 307 or 308`);
        else out.status = status as RouteRedirect["status"];
        if (redirect.scheme !== undefined) {
          if (redirect.scheme === "http" || redirect.scheme === "https") out.scheme = redirect.scheme;
          else problems.push(`${where}RequestRedirect scheme ${redirect.scheme} is not http or https`);
        }
        if (redirect.hostname !== undefined) {
          if (POLICY_SYNTAX.hostname.test(redirect.hostname)) out.hostname = redirect.hostname;
          else problems.push(`${where}RequestRedirect hostname "${redirect.hostname}" is not a host name`);
        }
        if (redirect.port !== undefined) {
          if (Number.isInteger(redirect.port) && redirect.port >= 1 && redirect.port <= 65535) out.port = redirect.port;
          else problems.push(`${where}RequestRedirect port ${redirect.port} is not a port`);
        }
        if (redirect.path !== undefined) {
          const path = pathReplacement(redirect.path, `${where}RequestRedirect`, problems);
          if (path !== null) out.path = path;
        }
        policy.routeRedirect = out;
        break;
      }
      case "URLRewrite": {
        const rewrite = filter.urlRewrite ?? {};
        if (rewrite.hostname !== undefined) {
          if (POLICY_SYNTAX.hostname.test(rewrite.hostname)) policy.rewriteHost = rewrite.hostname;
          else problems.push(`${where}URLRewrite hostname "${rewrite.hostname}" is not a host name`);
        }
        if (rewrite.path !== undefined) {
          const path = pathReplacement(rewrite.path, `${where}URLRewrite`, problems);
          if (path !== null) policy.rewritePath = path;
        }
        break;
      }
      default:
        problems.push(`${where}filter ${type === "" ? "(no type)" : type} is not supported at the edge`);
    }
  }
  if (policy.routeRedirect !== undefined && (policy.rewriteHost !== undefined || policy.rewritePath !== undefined)) {
    problems.push(`${where}RequestRedirect and URLRewrite cannot be used together`);
  }
  return { policy: Object.keys(policy).length === 0 ? null : policy, redirects: policy.routeRedirect !== undefined, problems };
}

function headerEdits(modifier: HeaderModifier | undefined, where: string, problems: string[]): HeaderEdits | null {
  const pairs = (list: HeaderModifier["set"]) => (list ?? []).flatMap(({ name, value }) => {
    if (name === undefined || !POLICY_SYNTAX.headerName.test(name) || !POLICY_SYNTAX.headerValue.test(value ?? "")) {
      problems.push(`${where}: header ${JSON.stringify(name ?? "")}: invalid name or value`);
      return [];
    }
    return [{ name: name.toLowerCase(), value: value ?? "" }];
  });
  const set = pairs(modifier?.set);
  const add = pairs(modifier?.add);
  const remove = (modifier?.remove ?? []).flatMap((name) => {
    if (POLICY_SYNTAX.headerName.test(name)) return [name.toLowerCase()];
    problems.push(`${where}: header ${JSON.stringify(name)}: invalid name`);
    return [];
  });
  if (set.length + add.length + remove.length === 0) return null;
  return { ...(set.length === 0 ? {} : { set }), ...(add.length === 0 ? {} : { add }), ...(remove.length === 0 ? {} : { remove }) };
}

function pathReplacement(path: PathModifier, where: string, problems: string[]): PathReplacement | null {
  if (path.type === "ReplaceFullPath" && path.replaceFullPath !== undefined && POLICY_SYNTAX.replacementPath.test(path.replaceFullPath)) {
    return { full: path.replaceFullPath };
  }
  if (path.type === "ReplacePrefixMatch" && (path.replacePrefixMatch === undefined || path.replacePrefixMatch === "" || POLICY_SYNTAX.replacementPath.test(path.replacePrefixMatch))) {
    return { prefix: path.replacePrefixMatch ?? "" };
  }
  problems.push(`${where}: path ${JSON.stringify(path)} is not a ReplaceFullPath or ReplacePrefixMatch the edge can apply`);
  return null;
}
