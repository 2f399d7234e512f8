import { compileRegexPath } from "../../match/regex-path.ts";
import { compileHeaderPattern } from "../../match/rule-conditions.ts";
import { type HeaderCondition, type Rule, type RuleMatch, type RuleSplit, routeSource } from "../../table/schema.ts";
import { ruleSlot } from "../nginx/attach-canary.ts";
import { parsePolicy } from "../parse-policy.ts";
import { type BackendContext, resolveBackend } from "../resolve-backend.ts";
import { checkPath } from "../validate-ingress-path.ts";
import { compileRouteFilters } from "./compile-route-filters.ts";
import { compileSessionPersistence } from "./compile-session-persistence.ts";
import type { Side } from "./evaluate-listeners.ts";
import { GATEWAY_GROUP, type HTTPRoute, type ReferenceGrant, type RouteMatch } from "./gateway-objects.ts";
import type { GatewaySink } from "./gateway-sink.ts";
import { type Condition, condition } from "./gateway-status.ts";
import { granted } from "./reference-grants.ts";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/;
const HEADER_VALUE = /^[\x20-\x7e]{0,4096}$/;

/**
 * An attached route's rules into the table: per match and per host it is served on (with the scheme of the
 * listeners' side when only one side takes it), onto its filters' policy and its backends, resolved as Ingress
 * backends are; the route's ResolvedRefs condition.
 */
export function compileRules(
  route: HTTPRoute,
  key: string,
  namespace: string,
  sides: ReadonlyMap<string, ReadonlySet<Side>>,
  grants: readonly ReferenceGrant[],
  context: BackendContext,
  sink: GatewaySink,
  report: (reason: string) => void,
  nextOrder: () => number,
): Condition {
  let resolved: Condition = condition("ResolvedRefs", true, "ResolvedRefs", "every backend reference resolved");
  const unresolved = (reason: string, message: string): void => {
    if (resolved.status === "True") resolved = condition("ResolvedRefs", false, reason, message);
    report(`${message}; its share of requests is answered 500`);
  };
  const policy = parsePolicy(undefined).policy;
  (route.spec?.rules ?? []).forEach((rule, index) => {
    const source = routeSource(key, index);
    const where = `rule ${index}`;
    const filters = compileRouteFilters(rule.filters ?? [], `${where}: `);
    filters.problems.forEach(report);
    const persistence = compileSessionPersistence(rule.sessionPersistence, source, where);
    persistence.problems.forEach(report);
    const refused = [
      ...(rule.timeouts === undefined ? [] : [`${where}: timeouts are not supported at the edge; requests are answered 500`]),
      ...(rule.retry === undefined ? [] : [`${where}: retry is not supported at the edge; requests are answered 500`]),
    ];
    refused.forEach(report);
    // A filter or a feature the edge cannot apply must not be skipped: the rule answers 500 instead (fails closed).
    const broken = filters.problems.length > 0 || refused.length > 0 || persistence.unsupported;
    // Session persistence is the rule's own: its backends carry the cookie under an id of the rule's
    // (`…@ns/route#rule`), apart from the same Service's backend elsewhere.
    const rulePolicy = persistence.cookie === null ? policy : { ...policy, cookie: persistence.cookie };
    if (!broken && filters.policy !== null) sink.policies.push({ ingress: source, ...filters.policy });
    const split: RuleSplit[] = [];
    if (!broken && !filters.redirects) {
      for (const ref of rule.backendRefs ?? []) {
        const weight = ref.weight ?? 1;
        const shown = `${where}: backendRef ${ref.kind ?? "Service"} ${ref.namespace ?? namespace}/${ref.name ?? ""}`;
        let id: string | undefined;
        if ((ref.group ?? "") !== "" || (ref.kind ?? "Service") !== "Service") {
          unresolved("InvalidKind", `${shown}: only Services are backends`);
        } else if ((ref.namespace ?? namespace) !== namespace && !granted(grants, { group: GATEWAY_GROUP, kind: "HTTPRoute", namespace }, { group: "", kind: "Service", namespace: ref.namespace ?? namespace, name: ref.name ?? "" })) {
          unresolved("RefNotPermitted", `${shown}: no ReferenceGrant in ${ref.namespace ?? ""} allows it`);
        } else if ((ref.filters ?? []).length > 0) {
          unresolved("UnsupportedValue", `${shown}: filters on a backendRef are not supported at the edge`);
        } else if (ref.port === undefined) {
          unresolved("UnsupportedValue", `${shown}: port is required`);
        } else {
          const backend = resolveBackend(ref.namespace ?? namespace, { service: { name: ref.name ?? "", port: { number: ref.port } } }, `${key}#${index}`, rulePolicy, context);
          if (!backend.ok) unresolved("BackendNotFound", `${shown}: ${backend.reason}`);
          else {
            sink.backends.set(backend.backend.id, backend.backend);
            id = backend.backend.id;
          }
        }
        if (weight > 0) split.push(id === undefined ? { weight } : { backend: id, weight });
      }
    }
    const only = split.length === 1 ? split[0] : undefined;
    const target: Pick<Rule, "backend" | "split"> = filters.redirects && !broken
      ? { backend: "" }
      : split.length === 0
        ? { backend: "" }
        : only !== undefined
          ? { backend: only.backend ?? "" }
          : { backend: split[0]?.backend ?? "", split };
    if (target.backend === "" && target.split === undefined && !filters.redirects && !broken && (rule.backendRefs ?? []).length === 0) {
      report(`${where}: no backendRefs and no filter that answers; requests are answered 500`);
    }
    for (const [m, match] of (rule.matches === undefined || rule.matches.length === 0 ? [{}] : rule.matches).entries()) {
      const compiled = compileMatch(match, `${where} match ${m}`, report);
      if (compiled === null) continue;
      const order = nextOrder();
      for (const [host, hostSides] of sides) {
        const scheme = hostSides.size === 1 ? [...hostSides][0] : undefined;
        const conditions: RuleMatch = { ...(scheme === undefined ? {} : { scheme }), ...compiled.match };
        const tableRule: Rule = {
          path: compiled.path,
          pathType: compiled.pathType,
          ...target,
          ingress: source,
          ...(Object.keys(conditions).length === 0 ? {} : { match: conditions }),
        };
        const rules = sink.hosts.get(host) ?? new Map<string, Rule>();
        // A scheme is not a precedence criterion: a rule whose other conditions are none ties with an Ingress's.
        const shadow = Object.keys(compiled.match).length === 0 ? rules.get(ruleSlot(compiled.pathType, compiled.path)) : undefined;
        if (shadow !== undefined && !shadow.ingress.startsWith("HTTPRoute ")) {
          report(`${host === "" ? "(any host)" : host} ${compiled.path} (${compiled.pathType}) is served by ${shadow.ingress}: an Ingress wins a tie with a route`);
        }
        rules.set(`route\u0000${order}\u0000${host}`, tableRule);
        sink.hosts.set(host, rules);
        sink.routeOrder.set(tableRule, order);
      }
    }
  });
  return resolved;
}

function compileMatch(match: RouteMatch, where: string, report: (reason: string) => void): { path: string; pathType: "Exact" | "Prefix" | "RegularExpression"; match: Omit<RuleMatch, "scheme"> } | null {
  const type = match.path?.type ?? "PathPrefix";
  let pathType: "Exact" | "Prefix" | "RegularExpression";
  let value: string;
  if (type === "RegularExpression") {
    // Gateway API leaves the dialect to implementations: RE2 (the edge's linear-time engine), matching the whole
    // path, as Envoy-based implementations do. The table's patterns match from the path's start (nginx's `^`).
    const pattern = `(?:${match.path?.value ?? ""})$`;
    const compiled = compileRegexPath(pattern, { ignoreCase: false });
    if ((match.path?.value ?? "") === "" || !compiled.ok) {
      report(`${where}: RegularExpression path ${JSON.stringify(match.path?.value ?? "")}: ${compiled.ok ? "the pattern is empty" : compiled.problem}; match left out`);
      return null;
    }
    pathType = "RegularExpression";
    value = pattern;
  } else if (type === "Exact" || type === "PathPrefix") {
    pathType = type === "Exact" ? "Exact" : "Prefix";
    const path = checkPath(match.path?.value ?? "/", pathType);
    if (!path.ok) {
      report(`${where}: ${path.reason}; match left out`);
      return null;
    }
    value = path.value;
  } else {
    report(`${where}: path type ${type} is not supported; match left out`);
    return null;
  }
  const headers = nameValues(match.headers, where, "header", (name) => name.toLowerCase(), report, true);
  const query = nameValues(match.queryParams, where, "query parameter", (name) => name, report, false);
  if (headers === null || query === null) return null;
  let method: string | undefined;
  if (match.method !== undefined) {
    if (!METHODS.has(match.method)) {
      report(`${where}: method ${match.method} is not an HTTP method; match left out`);
      return null;
    }
    method = match.method;
  }
  return {
    path: value,
    pathType,
    match: {
      ...(method === undefined ? {} : { method }),
      ...(headers.length === 0 ? {} : { headers }),
      ...(query.length === 0 ? {} : { query }),
    },
  };
}

function nameValues(
  list: RouteMatch["headers"],
  where: string,
  what: string,
  canonical: (name: string) => string,
  report: (reason: string) => void,
  patterns: boolean,
): HeaderCondition[] | null {
  const out: HeaderCondition[] = [];
  for (const entry of list ?? []) {
    const type = entry.type ?? "Exact";
    const regex = type === "RegularExpression" && patterns;
    if (type !== "Exact" && !regex) {
      report(`${where}: ${type} ${what} matches are not supported at the edge; match left out`);
      return null;
    }
    const name = entry.name ?? "";
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(entry.value ?? "")) {
      report(`${where}: ${what} ${JSON.stringify(name)}: invalid name or value; match left out`);
      return null;
    }
    if (regex && compileHeaderPattern(entry.value ?? "") === null) {
      report(`${where}: ${what} ${JSON.stringify(name)}: RegularExpression ${JSON.stringify(entry.value ?? "")} is not one the edge's engine (RE2) takes; match left out`);
      return null;
    }
    // Gateway API: of entries with an equivalent name, only the first counts.
    if (out.some((seen) => seen.name === canonical(name))) continue;
    out.push({ name: canonical(name), value: entry.value ?? "", ...(regex ? { regex: true as const } : {}) });
  }
  return out.slice(0, 16);
}

