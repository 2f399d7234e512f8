import { chooseTarget } from "../../core/balance/choose-target.ts";
import type { RouteHit, ServedHit } from "../../core/match/match-request.ts";
import { applyHeaderEdits, type CompiledHeaderEdits } from "../../core/policy/header-edits.ts";
import { readCookie } from "../affinity/cookie-affinity.ts";
import { chooseStickyShare } from "../affinity/sticky-share.ts";
import type { EdgeConfig } from "../config.ts";
import { errorResponse } from "../error-response.ts";
import type { HealthRegistry } from "../health/health-registry.ts";
import { logEvent } from "../log-event.ts";
import type { LoadedTable } from "../table/loaded-table.ts";
import { TransportError, type Transport, type UpstreamRequest } from "../transport/transport.ts";
import { planBackend } from "./backend-plan.ts";
import { buildDownstreamResponse, forwardHeaders, type ForwardInfo } from "./forward-headers.ts";
import { mayRetry } from "./retry-policy.ts";

export interface ProxyContext {
  /** The client's headers, method and body, read once by the caller (each read is a call into the runtime). */
  readonly clientHeaders: Headers;
  readonly method: string;
  readonly body: ReadableStream<Uint8Array> | null;
  /** The client's request itself: see {@link UpstreamRequest.client}. */
  readonly client: Request;
  readonly hit: ServedHit;
  /** The rule's weighted backends when `hit` was drawn from them: a session cookie may name another's Node. */
  readonly shares?: readonly RouteHit[];
  /** Normalised path + query: what the backend receives. */
  readonly pathAndQuery: string;
  readonly forward: ForwardInfo;
  /** Set on the request to the backend after the forwarding headers (a policy's, e.g. X-Forwarded-Prefix). */
  readonly upstreamHeaders?: readonly (readonly [string, string])[];
  /** An HTTPRoute RequestHeaderModifier's edits, applied last: the route says what the backend receives. */
  readonly requestEdits?: CompiledHeaderEdits;
  readonly loaded: LoadedTable;
  readonly config: EdgeConfig;
  readonly transport: Transport;
  readonly health: HealthRegistry;
  /** Null when cookie affinity is off (no secret). */
  readonly cookieKey: CryptoKey | null;
  /** Worked out on first use: only errors and logs need it. */
  readonly requestId: () => string;
  readonly now: () => number;
  readonly random: () => number;
  readonly logOnce: (key: string, level: "warn" | "error", event: string, fields?: Record<string, unknown>) => void;
}

/** Balances one routed request onto the backend's targets, failing over within bounds. */
export async function proxyRoute(ctx: ProxyContext): Promise<Response> {
  const { hit, loaded, config, transport, health, requestId, clientHeaders, method, body } = ctx;
  const backend = ctx.shares === undefined || ctx.cookieKey === null
    ? hit.backend
    : await chooseStickyShare(ctx.shares, hit.backend, clientHeaders.get("cookie"), (share) => planBackend(loaded, share, transport, ctx.cookieKey));
  const generation = loaded.table.generation;
  const planned = planBackend(loaded, backend, transport, ctx.cookieKey);
  const plan = planned instanceof Promise ? await planned : planned;
  if (plan.targets.length === 0) return errorResponse(503, "service unavailable: the service has no ready target", requestId());
  const reachable = plan.reachable;
  if (reachable.length === 0) {
    ctx.logOnce(`unreachable:${loaded.table.version}:${backend.id}`, "error", "targets-unreachable", {
      backend: backend.id,
      transport: transport.name,
      code: plan.unreachable?.code,
      detail: plan.unreachable?.message,
    });
    return errorResponse(502, "bad gateway: the edge cannot reach this service's targets (they have no DNS names; see the status endpoint)", requestId());
  }

  const affinity = backend.affinity;
  const cookies = plan.cookies;
  const stickyNode = cookies !== null && affinity?.mode === "cookie" ? cookies.nodeByValue.get(readCookie(clientHeaders.get("cookie"), affinity.name) ?? "") ?? null : null;
  const affinityKey = affinity?.mode === "client-ip" && ctx.forward.clientIp !== null ? ctx.forward.clientIp : undefined;

  // Set when the upstream headers are prepared: only a WebSocket handshake can be answered with 101.
  let websocket = false;
  const extra = ctx.upstreamHeaders;
  const edits = ctx.requestEdits;
  const upstreamHost = hit.policy?.upstreamHost ?? null;
  const connectTimeoutMs = hit.policy?.connectTimeoutMs ?? null;
  const prepareHeaders = (headers: Headers): void => {
    websocket = forwardHeaders(headers, ctx.forward);
    if (extra !== undefined) for (const [name, value] of extra) headers.set(name, value);
    if (edits !== undefined) applyHeaderEdits(headers, edits);
  };
  const hasBody = body !== null;
  const tried = new Set<string>();
  const tries = Math.min(config.maxTries, reachable.length);
  let lastError: TransportError | null = null;
  for (let attempt = 0; attempt < tries; attempt++) {
    const down = health.downNodes(reachable, ctx.now(), generation);
    const sticky = stickyNode !== null && !tried.has(stickyNode) && !down.has(stickyNode) ? plan.reachableByNode.get(stickyNode) : undefined;
    const target = sticky ?? chooseTarget(reachable, affinityKey === undefined ? { tried, down, random: ctx.random } : { affinityKey, tried, down, random: ctx.random });
    if (target === null) break;
    tried.add(target.node);
    try {
      const upstream = await transport.send(target, {
        method,
        pathAndQuery: ctx.pathAndQuery,
        clientHeaders,
        prepareHeaders,
        body,
        client: ctx.client,
        originalHost: ctx.forward.host,
        ...(upstreamHost === null ? {} : { upstreamHost }),
        originalScheme: ctx.forward.scheme,
        timeoutMs: hit.policy?.responseTimeoutMs ?? config.upstreamTimeoutMs,
        ...(connectTimeoutMs === null ? {} : { connectTimeoutMs }),
      });
      health.recordSuccess(target);
      if (websocket && upstream.status === 101) return upstream;
      const cookie = cookies !== null && target.node !== stickyNode ? cookies.setCookieByNode.get(target.node) : undefined;
      // A copy when headers are to be added (the cookie here, HSTS on https later); else maybe the upstream itself.
      const response = buildDownstreamResponse(upstream, cookie !== undefined || (ctx.forward.scheme === "https" && config.hsts !== null));
      if (cookie !== undefined) response.headers.append("set-cookie", ctx.forward.scheme === "https" ? cookie.https : cookie.http);
      return response;
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      lastError = error;
      health.recordFailure(target, ctx.now(), generation, config);
      if (!mayRetry(method, hasBody, error)) break;
    }
  }
  logEvent("error", "upstream-failed", {
    requestId: requestId(),
    backend: backend.id,
    tried: [...tried],
    code: lastError?.code ?? "no-target",
    detail: lastError?.message,
  });
  return lastError?.code === "timeout"
    ? errorResponse(504, "gateway timeout: the service did not answer in time", requestId())
    : errorResponse(502, "bad gateway: no target of the service could be reached", requestId());
}
