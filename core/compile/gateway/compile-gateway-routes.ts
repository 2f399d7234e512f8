import type { RoutePolicy } from "../../table/route-policy.ts";
import { type Backend, type HeaderCondition, type Problem, type Rule, type RuleMatch, type RuleSplit, routeSource, type TlsHost } from "../../table/schema.ts";
import { namespacedKey, namespaceOf, timestampMillis } from "../cluster-objects.ts";
import { parsePolicy } from "../parse-policy.ts";
import { type BackendContext, resolveBackend } from "../resolve-backend.ts";
import { ruleSlot } from "../nginx/attach-canary.ts";
import { compileRegexPath } from "../../match/regex-path.ts";
import { compileHeaderPattern } from "../../match/rule-conditions.ts";
import { checkPath } from "../validate-ingress-path.ts";
import { compileRouteFilters } from "./compile-route-filters.ts";
import { EDGE_CONTROLLER, GATEWAY_GROUP, type Gateway, type GatewayObjects, type HTTPRoute, type Listener, type ParentReference, type ReferenceGrant, type RouteMatch } from "./gateway-objects.ts";
import { type Condition, condition, type GatewayVerdicts, type ListenerVerdict, type RouteParentVerdict } from "./gateway-status.ts";
import { intersectHostnames, isGatewayHostname, tableHostOf } from "./intersect-hostnames.ts";
import { namespaceLabels, selectorMatches } from "./select-namespaces.ts";

/** Where the compiler's other parts collect the table; Gateway API routes add to the same. */
export interface GatewaySink {
  readonly hosts: Map<string, Map<string, Rule>>;
  readonly tls: Map<string, TlsHost>;
  readonly backends: Map<string, Backend>;
  readonly policies: RoutePolicy[];
  readonly problems: Problem[];
  /** Route rules' order (routes oldest first, then by namespace/name, rule, match): the tie-break among equals. */
  readonly routeOrder: Map<Rule, number>;
}

type Side = "http" | "https";

/** A Gateway's listener; one the edge serves takes routes on its side: port 80 is the edge's http side, 443 its https side. */
interface ServedListener {
  readonly gateway: string;
  readonly gatewayNamespace: string;
  readonly name: string;
  readonly port: number;
  readonly hostname: string | undefined;
  readonly side: Side;
  readonly allows: (namespace: string) => boolean;
  readonly verdict: { attachedRoutes: number };
}

const SIDE_OF_PORT: Readonly<Record<number, Side>> = { 80: "http", 443: "https" };
const ROUTE_KIND = { group: GATEWAY_GROUP, kind: "HTTPRoute" } as const;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]{1,256}$/;
const HEADER_VALUE = /^[\x20-\x7e]{0,4096}$/;

/**
 * Gateway API into the routing table: GatewayClasses whose controller is the edge's, their Gateways' HTTP (port 80)
 * and HTTPS (port 443) listeners, and the HTTPRoutes attached to them — each match a table rule (host × path ×
 * conditions) onto backends resolved exactly as Ingress backends are. Pure: everything it cannot serve is a
 * problem, and what it decided about each object comes back as status conditions.
 */
export function compileGatewayRoutes(cluster: GatewayObjects, context: BackendContext, sink: GatewaySink): GatewayVerdicts {
  const classes = (cluster.gatewayClasses ?? []).filter((c) => c.spec?.controllerName === EDGE_CONTROLLER);
  const classNames = new Set(classes.map((c) => c.metadata?.name ?? ""));
  const labelsOf = namespaceLabels(cluster.namespaces);
  const grants = cluster.referenceGrants ?? [];
  const listeners = new Map<string, ServedListener[]>();
  const gatewayVerdicts = [];
  const gateways = [...(cluster.gateways ?? [])]
    .filter((g) => classNames.has(g.spec?.gatewayClassName ?? ""))
    .sort((a, b) => compareKeys(namespacedKey(a.metadata), namespacedKey(b.metadata)));
  const listenerVerdicts = new Map<string, ListenerVerdict[]>();
  const certificates = new Map<string, Set<string>>();
  for (const gateway of gateways) {
    const key = namespacedKey(gateway.metadata);
    const served: ServedListener[] = [];
    const verdicts = evaluateListeners(gateway, key, labelsOf, grants, served, sink, certificates);
    listeners.set(key, served);
    listenerVerdicts.set(key, verdicts.listeners);
    gatewayVerdicts.push({ key, generation: gateway.metadata?.generation ?? 0, conditions: verdicts.conditions, listeners: verdicts.listeners });
  }

  const routes = [...(cluster.httpRoutes ?? [])].sort((a, b) =>
    timestampMillis(a.metadata?.creationTimestamp) - timestampMillis(b.metadata?.creationTimestamp) || compareKeys(namespacedKey(a.metadata), namespacedKey(b.metadata)));
  const routeVerdicts = [];
  let order = 0;
  for (const route of routes) {
    const key = namespacedKey(route.metadata);
    const namespace = namespaceOf(route.metadata);
    const report = (reason: string): void => { sink.problems.push({ kind: "HTTPRoute", object: key, reason }); };
    const hostnames = (route.spec?.hostnames ?? []).filter((hostname) => {
      if (isGatewayHostname(hostname)) return true;
      report(`hostname "${hostname}" is not a valid host name; ignored`);
      return false;
    });
    // Which sides of the edge serve each table host, over every listener the route attaches to.
    const sides = new Map<string, Set<Side>>();
    const parents: { ref: RouteParentVerdict["parentRef"]; accepted: Condition }[] = [];
    for (const ref of route.spec?.parentRefs ?? []) {
      const parent = parentOf(ref, namespace);
      if (parent === null) continue;
      const gatewayListeners = listeners.get(`${parent.namespace}/${parent.name}`);
      if (gatewayListeners === undefined) continue; // Not a Gateway of the edge's: another controller's to answer.
      parents.push({ ref: parent, accepted: attach(parent, gatewayListeners, namespace, hostnames, sides) });
    }
    if (parents.length === 0) continue;
    const resolved = sides.size === 0
      ? condition("ResolvedRefs", true, "ResolvedRefs", "not attached to any listener")
      : compileRules(route, key, namespace, sides, grants, context, sink, report, () => order++);
    routeVerdicts.push({
      key,
      generation: route.metadata?.generation ?? 0,
      parents: parents.map(({ ref, accepted }) => ({ parentRef: ref, conditions: [accepted, resolved] })),
    });
  }
  return {
    classes: classes.map((c) => ({
      name: c.metadata?.name ?? "",
      generation: c.metadata?.generation ?? 0,
      conditions: [
        condition("Accepted", true, "Accepted", "served by edge-ingress"),
        condition("SupportedVersion", true, "SupportedVersion", "gateway.networking.k8s.io/v1"),
      ],
    })),
    gateways: gatewayVerdicts.map((g) => ({ ...g, listeners: listenerVerdicts.get(g.key) ?? g.listeners })),
    routes: routeVerdicts,
    certificates: [...certificates].sort(([a], [b]) => compareKeys(a, b)).map(([secret, hosts]) => ({ secret, hosts: [...hosts].sort() })),
  };
}

function evaluateListeners(
  gateway: Gateway,
  key: string,
  labelsOf: (namespace: string) => Readonly<Record<string, string>>,
  grants: readonly ReferenceGrant[],
  served: ServedListener[],
  sink: GatewaySink,
  certificates: Map<string, Set<string>>,
): { conditions: Condition[]; listeners: ListenerVerdict[] } {
  const namespace = namespaceOf(gateway.metadata);
  const report = (reason: string): void => { sink.problems.push({ kind: "Gateway", object: key, reason }); };
  const seen = new Map<string, string>();
  const verdicts: ListenerVerdict[] = [];
  for (const listener of gateway.spec?.listeners ?? []) {
    const name = listener.name ?? "";
    const kinds = supportedKinds(listener);
    const problems: { reason: string; message: string }[] = [];
    const side = SIDE_OF_PORT[listener.port ?? 0];
    const protocolOk = listener.protocol === "HTTP" || listener.protocol === "HTTPS";
    if (!protocolOk) problems.push({ reason: "UnsupportedProtocol", message: `protocol ${listener.protocol ?? "(none)"}: the edge serves HTTP and HTTPS` });
    else if (side === undefined || (side === "http") !== (listener.protocol === "HTTP")) {
      problems.push({ reason: "PortUnavailable", message: `${listener.protocol} on port ${listener.port ?? "(none)"}: the edge serves HTTP on port 80 and HTTPS on 443` });
    }
    if (listener.hostname !== undefined && !isGatewayHostname(listener.hostname)) problems.push({ reason: "Invalid", message: `hostname "${listener.hostname}" is not a valid host name` });
    const refs = listener.protocol === "HTTPS" ? checkCertificateRefs(listener, namespace, grants) : null;
    const slot = `${listener.port ?? 0}/${listener.hostname ?? ""}`;
    const holder = seen.get(slot);
    const conflicted = holder !== undefined;
    if (!conflicted) seen.set(slot, name);
    const accepted = problems.length === 0;
    const serving = accepted && !conflicted && (refs === null || refs.ok);
    const attachedRoutes = { attachedRoutes: 0 };
    problems.forEach((p) => report(`listener ${name}: ${p.message}; not served`));
    if (conflicted) report(`listener ${name}: port ${listener.port ?? ""} and hostname "${listener.hostname ?? ""}" are already the listener ${holder}'s; not served`);
    if (refs !== null && !refs.ok) report(`listener ${name}: ${refs.message}; not served`);
    if (kinds.problem !== null) report(`listener ${name}: ${kinds.problem}`);
    // Every listener is listed, so that a parentRef naming one the edge does not serve is NotAllowedByListeners
    // (rather than NoMatchingParent); one for other route kinds only takes no HTTPRoute either.
    const allows = serving && side !== undefined && kinds.ok !== null ? allowsNamespace(listener, namespace, labelsOf) : () => false;
    served.push({ gateway: key, gatewayNamespace: namespace, name, port: listener.port ?? 0, hostname: listener.hostname, side: side ?? "http", allows, verdict: attachedRoutes });
    if (serving && side === "https") {
      if (listener.hostname !== undefined && !sink.tls.has(listener.hostname)) sink.tls.set(listener.hostname, { host: listener.hostname, redirect: false });
      for (const ref of listener.tls?.certificateRefs ?? []) {
        const id = `${ref.namespace ?? namespace}/${ref.name ?? ""}`;
        const hosts = certificates.get(id) ?? new Set<string>();
        if (listener.hostname !== undefined) hosts.add(listener.hostname);
        certificates.set(id, hosts);
      }
    }
    const first = problems[0];
    verdicts.push({
      name,
      supportedKinds: kinds.ok ?? [],
      get attachedRoutes() { return attachedRoutes.attachedRoutes; },
      conditions: [
        condition("Accepted", accepted, first?.reason ?? "Accepted", first?.message ?? "served by the edge"),
        condition("Programmed", serving, serving ? "Programmed" : "Invalid", serving ? "in the edge's routing table" : "not served"),
        refs !== null && !refs.ok
          ? condition("ResolvedRefs", false, refs.reason, refs.message)
          : kinds.problem !== null
            ? condition("ResolvedRefs", false, "InvalidRouteKinds", kinds.problem)
            : condition("ResolvedRefs", true, "ResolvedRefs", "references resolved"),
        condition("Conflicted", conflicted, conflicted ? "HostnameConflict" : "NoConflicts", conflicted ? `same port and hostname as listener ${holder}` : "no conflict"),
      ],
    });
  }
  const any = verdicts.some((v) => v.conditions[1]?.status === "True");
  return {
    conditions: [
      condition("Accepted", any || verdicts.length === 0, any || verdicts.length === 0 ? "Accepted" : "ListenersNotValid", any ? "served by the edge" : "no listener can be served"),
      condition("Programmed", any, any ? "Programmed" : "Invalid", any ? "in the edge's routing table" : "no listener can be served"),
    ],
    listeners: verdicts,
  };
}

function supportedKinds(listener: Listener): { ok: { group: string; kind: string }[] | null; problem: string | null } {
  const kinds = listener.allowedRoutes?.kinds;
  if (kinds === undefined || kinds.length === 0) return { ok: [ROUTE_KIND], problem: null };
  const ok = kinds.filter((k) => (k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === "HTTPRoute").map(() => ROUTE_KIND).slice(0, 1);
  const bad = kinds.filter((k) => !((k.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === "HTTPRoute"));
  return { ok: ok.length === 0 ? null : ok, problem: bad.length === 0 ? null : `route kinds ${bad.map((k) => `${k.group ?? GATEWAY_GROUP}/${k.kind ?? "?"}`).join(", ")} are not supported (only HTTPRoute)` };
}

function checkCertificateRefs(listener: Listener, namespace: string, grants: readonly ReferenceGrant[]): { ok: true } | { ok: false; reason: string; message: string } {
  if ((listener.tls?.mode ?? "Terminate") !== "Terminate") return { ok: false, reason: "Invalid", message: `TLS mode ${listener.tls?.mode ?? ""}: the edge terminates TLS` };
  const refs = listener.tls?.certificateRefs ?? [];
  if (refs.length === 0) return { ok: false, reason: "InvalidCertificateRef", message: "an HTTPS listener needs a certificateRef" };
  for (const ref of refs) {
    if ((ref.group ?? "") !== "" || (ref.kind ?? "Secret") !== "Secret") return { ok: false, reason: "InvalidCertificateRef", message: `certificateRef ${ref.kind ?? ""} ${ref.name ?? ""}: only Secrets` };
    const target = ref.namespace ?? namespace;
    if (target !== namespace && !granted(grants, { group: GATEWAY_GROUP, kind: "Gateway", namespace }, { group: "", kind: "Secret", namespace: target, name: ref.name ?? "" })) {
      return { ok: false, reason: "RefNotPermitted", message: `certificateRef Secret ${target}/${ref.name ?? ""}: no ReferenceGrant in ${target} allows it` };
    }
  }
  return { ok: true };
}

function allowsNamespace(listener: Listener, gatewayNamespace: string, labelsOf: (namespace: string) => Readonly<Record<string, string>>): (namespace: string) => boolean {
  const from = listener.allowedRoutes?.namespaces?.from ?? "Same";
  if (from === "All") return () => true;
  if (from === "Selector") {
    const selector = listener.allowedRoutes?.namespaces?.selector;
    return (namespace) => selector !== undefined && selectorMatches(selector, labelsOf(namespace));
  }
  return from === "Same" ? (namespace) => namespace === gatewayNamespace : () => false;
}

function parentOf(ref: ParentReference, routeNamespace: string): RouteParentVerdict["parentRef"] | null {
  const group = ref.group ?? GATEWAY_GROUP;
  const kind = ref.kind ?? "Gateway";
  if (group !== GATEWAY_GROUP || kind !== "Gateway" || ref.name === undefined) return null;
  return {
    group,
    kind,
    namespace: ref.namespace ?? routeNamespace,
    name: ref.name,
    ...(ref.sectionName === undefined ? {} : { sectionName: ref.sectionName }),
    ...(ref.port === undefined ? {} : { port: ref.port }),
  };
}

/** A parentRef's attachment: which listeners take the route, and on which hosts; the Accepted condition. */
function attach(parent: RouteParentVerdict["parentRef"], listeners: readonly ServedListener[], namespace: string, hostnames: readonly string[], sides: Map<string, Set<Side>>): Condition {
  const named = listeners.filter((l) => (parent.sectionName === undefined || l.name === parent.sectionName) && (parent.port === undefined || l.port === parent.port));
  if (named.length === 0) return condition("Accepted", false, "NoMatchingParent", "no listener of the Gateway matches the parentRef's sectionName and port");
  const allowed = named.filter((l) => l.allows(namespace));
  if (allowed.length === 0) return condition("Accepted", false, "NotAllowedByListeners", `no listener allows routes from namespace ${namespace}`);
  let attached = false;
  for (const listener of allowed) {
    const hosts = intersectHostnames(listener.hostname, hostnames);
    if (hosts.length === 0) continue;
    attached = true;
    listener.verdict.attachedRoutes++;
    for (const host of hosts) {
      const tableHost = tableHostOf(host);
      const set = sides.get(tableHost) ?? new Set<Side>();
      set.add(listener.side);
      sides.set(tableHost, set);
    }
  }
  return attached
    ? condition("Accepted", true, "Accepted", "attached")
    : condition("Accepted", false, "NoMatchingListenerHostname", "no hostname of the route matches a listener's");
}

function compileRules(
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
    // A filter the edge cannot apply must not be skipped: the rule answers 500 instead (fails closed).
    const broken = filters.problems.length > 0;
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
          const backend = resolveBackend(ref.namespace ?? namespace, { service: { name: ref.name ?? "", port: { number: ref.port } } }, key, policy, context);
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

/** A ReferenceGrant in the target's namespace lets `from` refer to `to`. */
export function granted(
  grants: readonly ReferenceGrant[],
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  return grants.some((grant) =>
    namespaceOf(grant.metadata) === to.namespace &&
    (grant.spec?.from ?? []).some((f) => (f.group ?? "") === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
    (grant.spec?.to ?? []).some((t) => (t.group ?? "") === to.group && t.kind === to.kind && (t.name === undefined || t.name === "" || t.name === to.name)));
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
