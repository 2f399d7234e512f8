import { chooseTarget } from "../../core/balance/choose-target.ts";
import type { RouteHit } from "../../core/match/match-request.ts";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import { affinityCookie, buildCookieIndex, readCookie, type CookieIndex } from "../affinity/cookie-affinity.ts";
import type { EdgeConfig } from "../config.ts";
import { errorResponse } from "../error-response.ts";
import type { HealthRegistry } from "../health/health-registry.ts";
import { logEvent } from "../log-event.ts";
import { targetsOf, type LoadedTable } from "../table/loaded-table.ts";
import { TransportError, type Transport } from "../transport/transport.ts";
import { buildDownstreamHeaders, buildUpstreamHeaders, type ForwardInfo } from "./forward-headers.ts";
import { mayRetry } from "./retry-policy.ts";

export interface ProxyContext {
  readonly request: Request;
  readonly hit: RouteHit;
  /** Normalised path + query: what the backend receives. */
  readonly pathAndQuery: string;
  readonly forward: ForwardInfo;
  readonly loaded: LoadedTable;
  readonly config: EdgeConfig;
  readonly transport: Transport;
  readonly health: HealthRegistry;
  /** Null when cookie affinity is off (no secret). */
  readonly cookieKey: CryptoKey | null;
  readonly requestId: string;
  readonly now: () => number;
  readonly random: () => number;
  readonly logOnce: (key: string, level: "warn" | "error", event: string, fields?: Record<string, unknown>) => void;
}

/** Balances one routed request onto the backend's targets, failing over within bounds. */
export async function proxyRoute(ctx: ProxyContext): Promise<Response> {
  const { hit, loaded, config, transport, health, requestId } = ctx;
  const backend = hit.backend;
  const generation = loaded.table.generation;
  const targets = targetsOf(loaded, backend);
  if (targets.length === 0) return errorResponse(503, "service unavailable: the service has no ready target", requestId);
  const reachable = targets.filter((target) => transport.unreachableReason(target) === null);
  if (reachable.length === 0) {
    const reason = targets.map((target) => transport.unreachableReason(target)).find((found) => found !== null);
    ctx.logOnce(`unreachable:${loaded.table.version}:${backend.id}`, "error", "targets-unreachable", {
      backend: backend.id,
      transport: transport.name,
      code: reason?.code,
      detail: reason?.message,
    });
    return errorResponse(502, "bad gateway: the edge cannot reach this service's targets (they have no DNS names; see the status endpoint)", requestId);
  }

  const affinity = backend.affinity;
  const cookieIndex = affinity?.mode === "cookie" ? await cookieIndexOf(ctx, targets) : null;
  const stickyNode = cookieIndex !== null && affinity?.mode === "cookie" ? cookieIndex.nodeByValue.get(readCookie(ctx.request.headers.get("cookie"), affinity.name) ?? "") ?? null : null;
  const affinityKey = affinity?.mode === "client-ip" && ctx.forward.clientIp !== null ? ctx.forward.clientIp : undefined;

  const upstreamHeaders = buildUpstreamHeaders(ctx.request.headers, ctx.forward);
  const hasBody = ctx.request.body !== null;
  const tried = new Set<string>();
  const tries = Math.min(config.maxTries, reachable.length);
  let lastError: TransportError | null = null;
  for (let attempt = 0; attempt < tries; attempt++) {
    const now = ctx.now();
    const down = health.downNodes(reachable, now, generation);
    const sticky = stickyNode !== null && !tried.has(stickyNode) && !down.has(stickyNode) ? reachable.find((t) => t.node === stickyNode) : undefined;
    const target = sticky ?? chooseTarget(reachable, { ...(affinityKey === undefined ? {} : { affinityKey }), tried, down, random: ctx.random });
    if (target === null) break;
    tried.add(target.node);
    try {
      const upstream = await transport.send(target, {
        method: ctx.request.method,
        pathAndQuery: ctx.pathAndQuery,
        headers: upstreamHeaders,
        originalHost: ctx.forward.host,
        body: ctx.request.body,
        timeoutMs: config.upstreamTimeoutMs,
      });
      health.recordSuccess(target);
      if (upstream.status === 101) return upstream;
      const headers = buildDownstreamHeaders(upstream.headers);
      if (cookieIndex !== null && affinity?.mode === "cookie") {
        const value = cookieIndex.valueByNode.get(target.node);
        if (value !== undefined && target.node !== stickyNode) headers.append("set-cookie", affinityCookie(affinity, value, ctx.forward.scheme === "https"));
      }
      return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers });
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      lastError = error;
      health.recordFailure(target, ctx.now(), generation, config);
      if (!mayRetry(ctx.request.method, hasBody, error)) break;
    }
  }
  logEvent("error", "upstream-failed", {
    requestId,
    backend: backend.id,
    tried: [...tried],
    code: lastError?.code ?? "no-target",
    detail: lastError?.message,
  });
  return lastError?.code === "timeout"
    ? errorResponse(504, "gateway timeout: the service did not answer in time", requestId)
    : errorResponse(502, "bad gateway: no target of the service could be reached", requestId);
}

async function cookieIndexOf(ctx: ProxyContext, targets: readonly ResolvedTarget[]): Promise<CookieIndex | null> {
  const key = ctx.cookieKey;
  if (key === null) return null;
  const cached = ctx.loaded.cookieIndexes.get(ctx.hit.backend.id);
  if (cached !== undefined) return cached;
  // Built per request until one finishes; only the finished index is shared (no in-flight promise in module scope).
  const index = await buildCookieIndex(key, ctx.hit.backend, targets);
  ctx.loaded.cookieIndexes.set(ctx.hit.backend.id, index);
  return index;
}
