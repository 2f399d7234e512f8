import { compileRoutes, matchRequest, type RouteDecision } from "../../core/match/match-request.ts";
import { indexNodes, resolveTargets } from "../../core/table/resolve-targets.ts";
import type { RoutePolicy } from "../../core/table/route-policy.ts";
import { backendService, type RoutingTable, type RuleMatch, ruleSource } from "../../core/table/schema.ts";
import type { CommandIo } from "./command-io.ts";
import { compileSnapshot, parseCompileArgs } from "./compile-command.ts";
import { UsageError } from "./usage-error.ts";

export const explainUsage = `edge-ingress explain (--manifests DIR | --kubeconfig PATH) [compile flags] [--client-ip ADDR] [--method M] [--header 'Name: value']... URL [URL...]
  One JSON object per URL: which Ingress rule (or LoadBalancer Service), Service and NodePort targets the edge would use.
  --client-ip, --method and --header describe the request, for the policies that read them (allow-lists, CORS,
  body size, canaries); without --client-ip an allow-listed route answers 403, as the edge does with no address.`;

export interface Explanation {
  readonly url: string;
  /** 200, 308 (https), 400, 404, 503; or what a policy answers: a redirect, 204 (CORS preflight), 403, 413. */
  readonly status: number;
  /** The Ingress the route comes from; null when none does (then `service` names its source, if any). */
  readonly ingress: string | null;
  /** Present when the route's source is a LoadBalancer Service of class edge-ingress.dev/edge: its `namespace/name`. */
  readonly service?: string;
  /** Present when the route's source is a Gateway API HTTPRoute: its `namespace/name` and which rule (from 0). */
  readonly route?: { readonly name: string; readonly rule: number };
  /** The HTTPRoute match's conditions beyond host and path (scheme, method, headers, query); absent when none. */
  readonly match?: RuleMatch;
  /** The HTTPRoute rule's weighted backends (a null backend: an invalid reference, answered 500). */
  readonly split?: readonly { readonly backend: { readonly service: string; readonly port: number | string } | null; readonly weight: number }[];
  /** The HTTPRoute rule's filters, as the table holds them. */
  readonly filters?: Omit<RoutePolicy, "ingress">;
  readonly rule: { readonly host: string | null; readonly path: string; readonly pathType: string } | null;
  readonly backend: { readonly service: string; readonly port: number | string } | null;
  /** Present only when the edge speaks HTTPS to the targets (plain HTTP otherwise). */
  readonly protocol?: "https";
  readonly targets: readonly string[];
  readonly location?: string;
  readonly reason?: string;
  /** The rule's canary (ingress-nginx `canary`) when the mainline was picked: who gets a share, and how. */
  readonly canary?: { readonly ingress: string; readonly backend: { readonly service: string; readonly port: number | string } | null; readonly weight: number; readonly weightTotal: number; readonly header?: string; readonly cookie?: string };
  /** The path the backend is sent when the rule rewrites it (`rewrite-target`, an HTTPRoute's URLRewrite); absent otherwise. */
  readonly upstreamPath?: string;
  /** The ingress-nginx annotations of the picked rule's Ingress that the edge serves it without; absent when none. */
  readonly ignoredAnnotations?: readonly string[];
}

export async function runExplain(args: readonly string[], io: CommandIo): Promise<number> {
  const urls: URL[] = [];
  const parsed = parseCompileArgs(args, io, (positionals, problems) => {
    if (positionals.length === 0) problems.push("give at least one URL to explain");
    for (const raw of positionals) {
      const url = URL.canParse(raw) ? new URL(raw) : null;
      if (url === null || (url.protocol !== "http:" && url.protocol !== "https:")) problems.push(`"${raw}" is not an absolute http(s) URL`);
      else urls.push(url);
    }
  }, ["client-ip", "method", "header"]);
  const { extra } = parsed;
  const headers = new Map<string, string>();
  const problems: string[] = [];
  for (const line of extra.header ?? []) {
    const colon = line.indexOf(":");
    if (colon <= 0) problems.push(`--header "${line}" is not "Name: value"`);
    else headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const method = (extra.method ?? []).at(-1)?.toUpperCase() ?? "GET";
  if (!/^[A-Z]+$/.test(method)) problems.push(`--method "${method}" is not an HTTP method`);
  if (problems.length > 0) throw new UsageError(problems);
  const clientIp = (extra["client-ip"] ?? []).at(-1) ?? null;
  const { table, verdicts } = await compileSnapshot(parsed, io);
  const routes = compileRoutes(table);
  parsed.positionals.forEach((raw, i) => {
    const url = urls[i];
    if (url === undefined) return;
    const decision = matchRequest(routes, {
      scheme: url.protocol === "https:" ? "https" : "http",
      host: url.host,
      path: url.pathname,
      query: url.search,
      method,
      clientIp,
      header: (name) => headers.get(name) ?? null,
    });
    const explanation = explainDecision(raw, decision, table);
    const ignored = explanation.ingress === null ? [] : verdicts.get(explanation.ingress)?.ignored ?? [];
    io.stdout(`${JSON.stringify(ignored.length === 0 ? explanation : { ...explanation, ignoredAnnotations: ignored })}\n`);
  });
  return 0;
}

/** One decision in the CLI's words: the same decision the edge worker takes for that request. */
export function explainDecision(url: string, decision: RouteDecision, table: RoutingTable): Explanation {
  if (decision.kind === "bad-request") {
    return { url, status: 400, ingress: null, rule: null, backend: null, targets: [], reason: decision.reason };
  }
  if (decision.kind === "none") return { url, status: 404, ingress: null, rule: null, backend: null, targets: [] };
  const { hit } = decision;
  if (hit === null) {
    const location = decision.kind === "answer" ? decision.headers.find(([name]) => name === "location")?.[1] : undefined;
    return { url, status: decision.kind === "answer" ? decision.status : 308, ingress: decision.kind === "answer" ? decision.ingress : null, rule: null, backend: null, targets: [], ...(location === undefined ? {} : { location }), ...(decision.kind === "answer" ? { reason: decision.reason } : {}) };
  }
  const shown = decision.kind === "route" ? decision.hit : hit;
  const targets = shown.backend === null ? [] : resolveTargets(indexNodes(table.nodes), shown.backend).map((t) => `${t.address}:${t.nodePort}`);
  const status = decision.kind === "redirect" ? 308 : decision.kind === "answer" ? decision.status : targets.length > 0 ? 200 : 503;
  const source = ruleSource(hit.ingress);
  const filters = source.kind === "HTTPRoute" ? table.policies?.find((policy) => policy.ingress === hit.ingress) : undefined;
  const explanation: Explanation = {
    url,
    status,
    ...(source.kind === "Ingress" ? { ingress: source.name } : source.kind === "Service" ? { ingress: null, service: source.name } : { ingress: null, route: { name: source.name, rule: source.rule ?? 0 } }),
    rule: hit.rule === null ? null : { host: hit.host === "" ? null : hit.host, path: hit.rule.path, pathType: hit.rule.pathType },
    ...(hit.rule?.match === undefined ? {} : { match: hit.rule.match }),
    backend: shown.backend === null ? null : backendService(shown.backend.id),
    ...(shown.backend?.protocol === undefined ? {} : { protocol: shown.backend.protocol }),
    targets,
    ...(hit.rule?.split === undefined ? {} : { split: hit.rule.split.map((share) => ({ backend: share.backend === undefined ? null : backendService(share.backend), weight: share.weight })) }),
    ...(filters === undefined ? {} : { filters: withoutKey(filters) }),
    ...(decision.kind === "route" && (decision.rewrittenFrom !== undefined || (source.kind === "HTTPRoute" && decision.path !== new URL(url).pathname)) ? { upstreamPath: decision.path } : {}),
  };
  if (decision.kind === "redirect") return { ...explanation, location: decision.location };
  const canary = hit.canary;
  if (decision.kind === "route" && canary !== null) {
    const { choice } = canary;
    return {
      ...explanation,
      canary: {
        ingress: canary.hit.ingress,
        backend: canary.hit.backend === null ? null : backendService(canary.hit.backend.id),
        weight: choice.weight,
        weightTotal: choice.weightTotal,
        ...(choice.header === null ? {} : { header: choice.header }),
        ...(choice.cookie === null ? {} : { cookie: choice.cookie }),
      },
    };
  }
  if (decision.kind === "answer") {
    const location = decision.headers.find(([name]) => name === "location")?.[1];
    return { ...explanation, ...(location === undefined ? {} : { location }), reason: decision.reason };
  }
  return explanation;
}

function withoutKey(policy: RoutePolicy): Omit<RoutePolicy, "ingress"> {
  const { ingress: _key, ...rest } = policy;
  return rest;
}
