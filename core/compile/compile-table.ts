import type { Backend, DefaultBackend, HostRoutes, Problem, Rule, TableContent, TlsHost } from "../table/schema.ts";
import { backendService, TABLE_SCHEMA } from "../table/schema.ts";
import { type ClusterState, type EndpointSlice, type Ingress, type IngressBackend, namespacedKey, namespaceOf, type Service } from "./cluster-objects.ts";
import { type CompileOptions, DEFAULT_KUBE_PROXY_HEALTH_PORT } from "./compile-options.ts";
import { selectEligibleNodes } from "./eligible-nodes.ts";
import type { RoutePolicy } from "../table/route-policy.ts";
import { compileGatewayRoutes } from "./gateway/compile-gateway-routes.ts";
import type { GatewayVerdicts } from "./gateway/gateway-status.ts";
import { collectLoadBalancerServices } from "./load-balancer-services.ts";
import { type AnnotationVerdict, classifyNginxAnnotations, ignoredReason } from "./nginx/classify-annotations.ts";
import { attachCanary, ruleSlot } from "./nginx/attach-canary.ts";
import { collectHostRedirects } from "./nginx/collect-host-redirects.ts";
import { isCanary, parseCanary } from "./nginx/parse-canary.ts";
import { parseNginxPolicy, type RegexAsk } from "./nginx/parse-nginx-policy.ts";
import { applyRegexMode, originKey, type RuleOrigin } from "./nginx/regex-mode.ts";
import { type IngressPolicy, parsePolicy } from "./parse-policy.ts";
import { type BackendContext, resolveBackend } from "./resolve-backend.ts";
import { selectIngresses } from "./select-ingresses.ts";
import { checkHost, checkPath, checkPathType } from "./validate-ingress-path.ts";

export interface CompileResult {
  readonly content: TableContent;
  /**
   * `namespace/name` of every Ingress of our classes that is not refused, sorted: the ones whose status carries
   * the edge address.
   */
  readonly served: readonly string[];
  /** Every Ingress of our classes, oldest first → what the edge made of its ingress-nginx annotations. */
  readonly verdicts: ReadonlyMap<string, AnnotationVerdict>;
  /** `namespace/name` of every LoadBalancer Service of our class served on at least one host, sorted. */
  readonly servedServices: readonly string[];
  /**
   * Node name → the address its health checks probe (`CompileOptions.probeAddress`): what `listHealthChecks` needs
   * to make the keys this compiler reads `unhealthy` by.
   */
  readonly probeAddresses: ReadonlyMap<string, string>;
  /** `CompileOptions.kubeProxyHealthPort` as this compile read it: `listHealthChecks` needs it too. */
  readonly kubeProxyHealthPort: number | null;
  /** What the compiler made of each Gateway API object of the edge's GatewayClasses: their status conditions. */
  readonly gateway: GatewayVerdicts;
}

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";

/**
 * Cluster objects in, routing table out. Pure and total: whatever the objects say, it returns a table, and
 * everything it had to leave out is a problem in that table. Ingresses are visited oldest first, so that on a
 * conflict (same host and path, several default backends, several TLS sections for one host) the oldest wins.
 */
export function compileTable(cluster: ClusterState, options: CompileOptions): CompileResult {
  const problems: Problem[] = [];
  const selection = selectIngresses(cluster.ingresses, cluster.ingressClasses, options.ingressClass);
  problems.push(...selection.problems);
  const nodes = selectEligibleNodes(cluster.nodes, options);
  problems.push(...nodes.problems);
  const context: BackendContext = {
    services: indexServices(cluster.services),
    slices: indexSlices(cluster.endpointSlices),
    nodes,
    unhealthy: options.unhealthy ?? new Set(),
    kubeProxyHealthPort: options.kubeProxyHealthPort === undefined ? DEFAULT_KUBE_PROXY_HEALTH_PORT : options.kubeProxyHealthPort,
  };

  const backends = new Map<string, Backend>();
  const hosts = new Map<string, Map<string, Rule>>();
  const tls = new Map<string, TlsHost>();
  let defaultBackend: DefaultBackend | null = null;
  const verdicts = new Map<string, AnnotationVerdict>();
  const served: string[] = [];
  const policies: RoutePolicy[] = [];
  // Canaries attach to mainlines, whatever their age: after every mainline is in.
  const canaries: (() => void)[] = [];
  const wwwAskers: { ingress: string; hosts: string[] }[] = [];
  const origins = new Map<string, RuleOrigin>();

  for (const ingress of selection.ingresses) {
    const key = namespacedKey(ingress.metadata);
    const namespace = namespaceOf(ingress.metadata);
    const report = (reason: string): void => { problems.push({ kind: "Ingress", object: key, reason }); };
    const classified = classifyNginxAnnotations(ingress.metadata?.annotations);
    const nginx = parseNginxPolicy(ingress.metadata?.annotations);
    const verdict = { ...classified, refusals: [...classified.refusals, ...nginx.refusals] };
    verdicts.set(key, verdict);
    if (verdict.refusals.length > 0) {
      verdict.refusals.forEach(report);
      continue;
    }
    verdict.ignored.forEach((name) => report(ignoredReason(name)));
    const canary = isCanary(ingress.metadata?.annotations);
    // A canary's other annotations are its mainline's to give (ingress-nginx inherits them), save affinity.
    if (!canary) {
      nginx.problems.forEach(report);
      if (nginx.policy !== null) policies.push({ ingress: key, ...nginx.policy });
      served.push(key);
    }
    const parsed = parsePolicy(ingress.metadata?.annotations);
    parsed.problems.forEach(report);
    const addBackend = (ref: IngressBackend, where: string): string | null => {
      const resolved = resolveBackend(namespace, ref, key, parsed.policy, context);
      if (!resolved.ok) {
        report(`${where}: ${resolved.reason}; left out`);
        return null;
      }
      if (resolved.serviceProblem !== null) {
        const service = backendService(resolved.backend.id)?.service ?? resolved.backend.id;
        problems.push({ kind: "Service", object: service, reason: resolved.serviceProblem });
      }
      backends.set(resolved.backend.id, resolved.backend);
      if (resolved.backend.failedOpen === true) report(failedOpenReason(resolved.backend.id));
      return resolved.backend.id;
    };

    if (canary) {
      const { settings, problems: canaryProblems } = parseCanary(ingress.metadata?.annotations);
      canaryProblems.forEach(report);
      canaries.push(() => {
        if (attachCanary(ingress, key, settings, hosts, addBackend, report)) served.push(key);
      });
      continue;
    }
    const spec = ingress.spec ?? {};
    if (spec.defaultBackend !== undefined && spec.defaultBackend !== null) {
      if (defaultBackend !== null) {
        report(`defaultBackend ignored: the older Ingress ${defaultBackend.ingress} already sets one`);
      } else {
        const id = addBackend(spec.defaultBackend, "defaultBackend");
        if (id !== null) defaultBackend = { backend: id, ingress: key };
      }
    }
    if ((spec.rules ?? []).length === 0 && (spec.defaultBackend === undefined || spec.defaultBackend === null)) {
      report("has neither rules nor a defaultBackend");
    }
    collectTls(ingress, parsed.policy, tls, report);
    collectRules(ingress, key, nginx.regex, { hosts, origins }, addBackend, report);
    if (nginx.wwwRedirect) {
      const named = (spec.rules ?? []).map((rule) => (rule.host === undefined || rule.host === null ? null : checkHost(rule.host)));
      wwwAskers.push({ ingress: key, hosts: named.flatMap((host) => (host?.ok === true ? [host.value] : [])) });
    }
  }
  for (const attach of canaries) attach();
  // Host-wide, over every Ingress of the host: after all are in, canaries attached to their mainline paths.
  applyRegexMode(hosts, origins, (ingress, reason) => problems.push({ kind: "Ingress", object: ingress, reason }));
  // After every Ingress, so that an Ingress keeps a host whatever the ages.
  const servedServices = collectLoadBalancerServices(cluster.services, context, { hosts, tls, backends, problems });
  const hostRedirects = collectHostRedirects(wwwAskers, hosts, (ingress, reason) => problems.push({ kind: "Ingress", object: ingress, reason }));
  // After every Ingress and Service: on a full tie (host, path, no conditions) an Ingress's rule wins.
  const routeOrder = new Map<Rule, number>();
  const gateway = compileGatewayRoutes(cluster, context, { hosts, tls, backends, policies, problems, routeOrder });

  return {
    content: {
      schema: TABLE_SCHEMA,
      nodes: nodes.nodes,
      hosts: sortHosts(hosts, routeOrder),
      defaultBackend,
      backends: [...backends.values()].sort(byKey((b) => b.id)),
      tls: [...tls.values()].sort(byKey((t) => t.host)),
      problems: dedupe(problems).sort(byKey((p) => `${p.kind}\u0000${p.object}\u0000${p.reason}`)),
      // Absent rather than empty, so that a table without policies keeps the bytes and hash it always had.
      ...(policies.length === 0 ? {} : { policies: policies.sort(byKey((p) => p.ingress)) }),
      ...(hostRedirects.length === 0 ? {} : { hostRedirects }),
    },
    served: served.sort(),
    verdicts,
    servedServices,
    probeAddresses: nodes.probeAddresses,
    kubeProxyHealthPort: context.kubeProxyHealthPort,
    gateway,
  };
}

/**
 * Said once per Ingress and backend (problems are deduplicated), in words that do not change while it lasts:
 * the Warning Event is written when it starts, and again only if it ends and starts anew.
 */
export function failedOpenReason(backendId: string): string {
  return `backend ${backendId}: every target failed the agent's health checks, so all of them are served (failing open) until one passes; if the Service is up, the agent cannot reach the Nodes: see --probe-address`;
}

function collectRules(
  ingress: Ingress,
  key: string,
  regex: RegexAsk,
  { hosts, origins }: { hosts: Map<string, Map<string, Rule>>; origins: Map<string, RuleOrigin> },
  addBackend: (ref: IngressBackend, where: string) => string | null,
  report: (reason: string) => void,
): void {
  for (const rule of ingress.spec?.rules ?? []) {
    let host = "";
    if (rule.host !== undefined && rule.host !== null && rule.host !== "") {
      const checked = checkHost(rule.host);
      if (!checked.ok) {
        report(`${checked.reason}; rule left out`);
        continue;
      }
      host = checked.value;
    }
    const shown = host === "" ? "(any host)" : host;
    const paths = rule.http?.paths ?? [];
    if (paths.length === 0) {
      report(`rule for ${shown} has no http paths; left out`);
      continue;
    }
    for (const entry of paths) {
      const pathType = checkPathType(entry.pathType);
      if (!pathType.ok) {
        report(`${shown} ${entry.path ?? ""}: ${pathType.reason}; left out`);
        continue;
      }
      const path = checkPath(entry.path, pathType.value);
      if (!path.ok) {
        report(`${shown}: ${path.reason}; left out`);
        continue;
      }
      // A regex location keeps its pattern as written (normalising `/a/./b` would change what `.` means).
      const raw = entry.path === undefined || entry.path === "" ? "/" : entry.path;
      const regexLocation = regex.useRegex || (regex.rewriteTarget !== null && regex.rewriteTarget !== raw);
      const served = regexLocation ? raw : path.value;
      const rules = hosts.get(host) ?? new Map<string, Rule>();
      // ImplementationSpecific is served as Prefix, so it conflicts with a Prefix of the same path.
      const slot = ruleSlot(pathType.value, served);
      const holder = rules.get(slot);
      if (holder !== undefined) {
        report(
          holder.ingress === key
            ? `${shown} ${path.value} (${pathType.value}) is listed twice; the first is served`
            : `${shown} ${path.value} (${pathType.value}) is already served by the older Ingress ${holder.ingress}; left out`,
        );
        continue;
      }
      if (entry.backend === undefined || entry.backend === null) {
        report(`${shown} ${path.value}: no backend; left out`);
        continue;
      }
      const backend = addBackend(entry.backend, `${shown} ${path.value}`);
      if (backend === null) continue;
      rules.set(slot, { path: served, pathType: pathType.value, backend, ingress: key });
      origins.set(originKey(host, slot), { rawPath: served, regexLocation });
      hosts.set(host, rules);
    }
  }
}

function collectTls(
  ingress: Ingress,
  policy: IngressPolicy,
  tls: Map<string, TlsHost>,
  report: (reason: string) => void,
): void {
  for (const section of ingress.spec?.tls ?? []) {
    for (const host of section.hosts ?? []) {
      const checked = checkHost(host);
      if (!checked.ok) {
        report(`tls: ${checked.reason}; ignored`);
        continue;
      }
      if (!tls.has(checked.value)) tls.set(checked.value, { host: checked.value, redirect: policy.sslRedirect });
    }
  }
}

/**
 * Rules by path and type; an HTTPRoute's after an Ingress's of the same path and type, routes among themselves in
 * Gateway API order (the finders' tie-break is table order).
 */
function sortHosts(hosts: Map<string, Map<string, Rule>>, routeOrder: ReadonlyMap<Rule, number>): HostRoutes[] {
  const keyOf = (rule: Rule): string => {
    const order = routeOrder.get(rule);
    return `${rule.path}\u0000${rule.pathType}${order === undefined ? "" : `\u0000${String(order).padStart(9, "0")}`}`;
  };
  return [...hosts]
    .map(([host, rules]) => ({ host, rules: [...rules.values()].sort(byKey(keyOf)) }))
    .sort(byKey((h) => h.host));
}

function indexServices(services: readonly Service[]): Map<string, Service> {
  return new Map(services.map((service) => [namespacedKey(service.metadata), service]));
}

function indexSlices(slices: readonly EndpointSlice[]): Map<string, EndpointSlice[]> {
  const index = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
    if (service === undefined) continue;
    const key = `${namespaceOf(slice.metadata)}/${service}`;
    const list = index.get(key) ?? [];
    list.push(slice);
    index.set(key, list);
  }
  return index;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const id = `${p.kind}\u0000${p.object}\u0000${p.reason}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  };
}
