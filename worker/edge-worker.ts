import { Hono } from "hono";
import { matchRequest } from "../core/match/match-request.ts";
import { normalizePath } from "../core/match/normalize-path.ts";
import { applyHeaderEdits, type CompiledHeaderEdits } from "../core/policy/header-edits.ts";
import { checkPushBody } from "../core/push/push-token.ts";
import { importCookieKey } from "./affinity/cookie-affinity.ts";
import { readConfig, type ConfigReading, type EdgeConfig } from "./config.ts";
import type { EdgeEnv } from "./env.ts";
import { errorResponse, jsonResponse, lazyRequestId, requestIdOf } from "./error-response.ts";
import { HealthRegistry } from "./health/health-registry.ts";
import { createOnceLogger, logEvent } from "./log-event.ts";
import { proxyRoute } from "./proxy/proxy-route.ts";
import { readRequestBody } from "./proxy/request-body.ts";
import { readLimitedBody } from "./sync/read-limited-body.ts";
import { readRequestTarget, type RequestTarget } from "./proxy/request-target.ts";
import { authenticate, PushKeyCache } from "./sync/authenticate.ts";
import { JtiLedger } from "./sync/jti-ledger.ts";
import { publicKeyOf, pushTable } from "./sync/push-table.ts";
import { readStatus } from "./sync/read-status.ts";
import type { LoadedTable } from "./table/loaded-table.ts";
import { pointerClientOf } from "./pointer/pointer-client.ts";
import { TableStore, type TableSource } from "./table/table-store.ts";
import { selectTransport, TRANSPORTS } from "./transport/select-transport.ts";
import type { Transport } from "./transport/transport.ts";

/** The largest proxy-body-size the edge holds a streamed body in memory to enforce (a Worker has 128 MB). */
const MAX_COUNTED_BODY = 8 * 1024 * 1024;

export const CONTROL_PREFIX = "/.well-known/edge-ingress";
export const TABLE_PATH = `${CONTROL_PREFIX}/table`;
export const STATUS_PATH = `${CONTROL_PREFIX}/status`;

export interface EdgeWorkerOptions {
  /** Epoch milliseconds; injected for tests. */
  readonly now?: () => number;
  /** In [0, 1); injected for tests. */
  readonly random?: () => number;
}

interface Prepared {
  readonly reading: ConfigReading;
  readonly transport: Transport | null;
}

/** What is read of a client's request once and passed along (each read is a call into the runtime). */
interface ClientFacts {
  readonly headers: Headers;
  readonly method: string;
  readonly requestId: () => string;
}

type AppEnv = { Bindings: EdgeEnv; Variables: { requestId: string; prepared: Prepared } };

/**
 * The edge worker. Everything kept between requests lives in this closure — finished values only: the table
 * store, passive health, seen token ids, imported keys.
 */
export function createEdgeWorker(options: EdgeWorkerOptions = {}): { fetch: (request: Request, env: EdgeEnv, ctx?: ExecutionContext) => Promise<Response> } {
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const tables = new TableStore();
  const health = new HealthRegistry();
  const ledger = new JtiLedger();
  const pushKeys = new PushKeyCache();
  const logOnce = createOnceLogger();
  const preparedByEnv = new WeakMap<object, Prepared>();
  const sources = new WeakMap<object, TableSource>();
  const sourceOf = (env: EdgeEnv): TableSource => {
    let source = sources.get(env);
    if (source === undefined) {
      source = { kv: env.TABLE_KV, pointer: pointerClientOf(env) };
      sources.set(env, source);
    }
    return source;
  };
  let cookieKey: { readonly secret: string; readonly key: CryptoKey } | null = null;

  const prepare = (env: EdgeEnv): Prepared => {
    let prepared = preparedByEnv.get(env);
    if (prepared === undefined) {
      const reading = readConfig(env, Object.keys(TRANSPORTS));
      prepared = { reading, transport: reading.ok ? selectTransport(reading.config) : null };
      if (!reading.ok) logOnce(`config-invalid:${reading.problems.join("|")}`, "error", "config-invalid", { problems: reading.problems });
      else if (reading.config.cookieKey === null) logOnce("cookie-key-missing", "warn", "cookie-affinity-disabled", { detail: "EDGE_COOKIE_KEY is not set" });
      preparedByEnv.set(env, prepared);
    }
    return prepared;
  };

  /** Synchronous once the key is imported: the common request awaits nothing. */
  const cookieKeyFor = (secret: string | null): CryptoKey | null | Promise<CryptoKey> => {
    if (secret === null) return null;
    if (cookieKey?.secret === secret) return cookieKey.key;
    return importCookieKey(secret).then((key) => {
      cookieKey = { secret, key };
      return key;
    });
  };

  const hstsFor = (reading: ConfigReading, scheme: "http" | "https", response: Response): void => {
    if (reading.ok && reading.config.hsts !== null && scheme === "https" && response.status !== 101 && !response.headers.has("strict-transport-security")) {
      response.headers.set("strict-transport-security", reading.config.hsts);
    }
  };

  const unhandled = (error: Error, requestId: string): Response => {
    logEvent("error", "unhandled-error", { requestId, detail: error.message });
    return errorResponse(500, "internal error at the edge", requestId);
  };

  // The control endpoints, on Hono. Proxied requests, the hot path, skip it: see `serveProxied`.
  const app = new Hono<AppEnv>();

  app.use(async (c, next) => {
    const requestId = requestIdOf(c.req.raw.headers);
    c.set("requestId", requestId);
    c.set("prepared", prepare(c.env));
    await next();
    hstsFor(c.get("prepared").reading, readRequestTarget(c.req.url)?.scheme ?? "http", c.res);
  });

  app.onError((error, c) => unhandled(error, c.get("requestId")));

  const controlConfig = (c: { get(key: "prepared"): Prepared; get(key: "requestId"): string }) => {
    const prepared = c.get("prepared");
    if (!prepared.reading.ok || prepared.transport === null) {
      const problems = prepared.reading.ok ? [] : prepared.reading.problems;
      return jsonResponse(500, { error: "config-invalid", problems, requestId: c.get("requestId") }, c.get("requestId"));
    }
    return { config: prepared.reading.config, transport: prepared.transport };
  };

  app.post(TABLE_PATH, async (c) => {
    const ready = controlConfig(c);
    if (ready instanceof Response) return ready;
    return pushTable(c.req.raw, { env: c.env, config: ready.config, tables, ledger, pushKeys, transport: ready.transport, now, requestId: c.get("requestId") });
  });

  app.get(STATUS_PATH, async (c) => {
    const requestId = c.get("requestId");
    const ready = controlConfig(c);
    if (ready instanceof Response) return ready;
    const key = await publicKeyOf({ config: ready.config, pushKeys, requestId });
    if (key instanceof Response) return key;
    const nowSeconds = Math.floor(now() / 1000);
    const auth = await authenticate(c.req.raw, key, nowSeconds, "status");
    if (!auth.ok) return jsonResponse(auth.status, { error: auth.code, message: auth.message, requestId }, requestId);
    try {
      await checkPushBody(auth.claims, new Uint8Array(0));
    } catch {
      return jsonResponse(403, { error: "body-mismatch", message: "status tokens are bound to the empty body", requestId }, requestId);
    }
    if (!ledger.claim(auth.claims.jti, auth.claims.exp, nowSeconds)) {
      return jsonResponse(403, { error: "token-replayed", message: "this token was already used", requestId }, requestId);
    }
    const source = sourceOf(c.env);
    await tables.refresh(source, now(), checkMsOf(ready.config, c.env));
    return readStatus({ config: ready.config, tables, health, transport: ready.transport, pointer: source.pointer.kind, now, requestId });
  });

  app.all("*", (c) => {
    const requestId = c.get("requestId");
    const pathname = new URL(c.req.url).pathname;
    const known = pathname === TABLE_PATH || pathname === STATUS_PATH;
    return jsonResponse(known ? 405 : 404, { error: known ? "method-not-allowed" : "not-found", requestId }, requestId, known ? { allow: pathname === TABLE_PATH ? "POST" : "GET" } : {});
  });

  /** Synchronous up to the proxying itself when the table is fresh and the cookie key imported (almost always). */
  const routeRequest = (request: Request, env: EdgeEnv, target: RequestTarget, prepared: Prepared, client: ClientFacts): Response | Promise<Response> => {
    if (!prepared.reading.ok || prepared.transport === null) {
      logOnce("config-invalid", "error", "request-refused-config-invalid", { problems: prepared.reading.ok ? [] : prepared.reading.problems });
      return errorResponse(500, "the edge is misconfigured; its operator has been told in the logs", client.requestId());
    }
    const config = prepared.reading.config;
    const transport = prepared.transport;
    const at = now();
    const checkMs = checkMsOf(config, env);
    const fresh = tables.fresh(target.host, at, checkMs);
    if (fresh === null) return tables.forHost(sourceOf(env), target.host, at, checkMs).then((loaded) => routeOn(loaded, request, target, config, transport, client));
    return routeOn(fresh, request, target, config, transport, client);
  };

  const routeOn = (loaded: LoadedTable | null, request: Request, target: RequestTarget, config: EdgeConfig, transport: Transport, client: ClientFacts): Response | Promise<Response> => {
    const { requestId } = client;
    if (loaded === null) return errorResponse(503, "service unavailable: no routing table has been published to this edge yet", requestId());
    const { scheme, host, search } = target;
    const clientIp = client.headers.get("cf-connecting-ip");
    const decision = matchRequest(loaded.routes, {
      scheme,
      host,
      path: target.path,
      query: search,
      method: client.method,
      clientIp,
      header: (name) => client.headers.get(name),
      random,
    });
    switch (decision.kind) {
      case "bad-request":
        return errorResponse(400, `bad request: ${decision.reason}`, requestId());
      case "none":
        return errorResponse(404, "not found: no route for this host and path", requestId());
      case "redirect":
        return new Response(null, { status: 308, headers: { location: decision.location, "x-edge-request-id": requestId() } });
      case "route": {
        const send = (body: ReadableStream<Uint8Array> | null): Promise<Response> => {
          const proxy = (cookieKey: CryptoKey | null): Promise<Response> =>
            proxyRoute({
              clientHeaders: client.headers,
              method: client.method,
              body,
              client: request,
              hit: decision.hit,
              ...(decision.shares === undefined ? {} : { shares: decision.shares }),
              pathAndQuery: `${decision.path}${search}`,
              forward: { clientIp, scheme, host, port: target.port },
              ...(decision.upstreamHeaders === undefined ? {} : { upstreamHeaders: decision.upstreamHeaders }),
              ...(decision.requestEdits === undefined ? {} : { requestEdits: decision.requestEdits }),
              loaded,
              config,
              transport,
              health,
              cookieKey,
              requestId,
              now,
              random,
              logOnce,
            });
          const key = cookieKeyFor(config.cookieKey);
          const extra = decision.responseHeaders;
          const edits = decision.responseEdits;
          const proxied = key instanceof Promise ? key.then(proxy) : proxy(key);
          const withExtra = extra === undefined ? proxied : proxied.then((response) => withHeaders(response, extra));
          return edits === undefined ? withExtra : withExtra.then((response) => withEdits(response, edits));
        };
        const limit = decision.maxBodyBytes;
        // proxy-body-size over a body of undeclared length (a declared one was checked by the policy): counted
        // before it goes anywhere, as nginx reads the whole body first. Above MAX_COUNTED_BODY it is not held.
        if (limit !== undefined && limit <= MAX_COUNTED_BODY && request.body !== null && client.headers.get("content-length") === null) {
          return readLimitedBody(request, limit).then((read) =>
            read.ok
              ? send(read.bytes.byteLength === 0 ? null : new Response(read.bytes).body)
              : errorResponse(413, `payload too large: the body may be at most ${limit} bytes`, requestId()));
        }
        return send(readRequestBody(request, client.headers));
      }
      case "answer":
        return answerResponse(decision.status, decision.headers, decision.reason, requestId());
    }
  };

  /**
   * Every request outside the control prefix, without Hono: the same steps its middleware and error handler
   * take (request id, config, HSTS on https, a 500 for an unexpected error, no body for HEAD), at a fraction of
   * the cost per request.
   */
  const serveProxied = async (request: Request, env: EdgeEnv, target: RequestTarget | null): Promise<Response> => {
    const headers = request.headers;
    const client: ClientFacts = { headers, method: request.method, requestId: lazyRequestId(headers) };
    let prepared: Prepared | null = null;
    let response: Response;
    try {
      prepared = prepare(env);
      response = target === null ? errorResponse(400, "bad request: not an http or https URL", client.requestId()) : await routeRequest(request, env, target, prepared, client);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      response = unhandled(error, client.requestId());
    }
    if (prepared !== null && target !== null) hstsFor(prepared.reading, target.scheme, response);
    return client.method === "HEAD" ? new Response(null, response) : response;
  };

  return {
    fetch: (request, env, ctx) => {
      const target = readRequestTarget(request.url);
      return target !== null && isControlPath(target.path) ? Promise.resolve(app.fetch(request, env, ctx)) : serveProxied(request, env, target);
    },
  };
}

/** How often an isolate asks which table is current: the Durable Object's interval where one is bound, else KV's. */
function checkMsOf(config: EdgeConfig, env: EdgeEnv): number {
  return env.TABLE_POINTER === undefined ? config.tableRefreshMs : config.pointerCheckMs;
}

/** A policy's answer: a redirect or preflight as it is; a refusal (403, 413) as the edge's plain-text error. */
function answerResponse(status: number, headers: readonly (readonly [string, string])[], reason: string, requestId: string): Response {
  if (status >= 400) return errorResponse(status, reason, requestId);
  const response = new Response(null, { status, headers: headers.map(([name, value]) => [name, value]) });
  response.headers.set("x-edge-request-id", requestId);
  return response;
}

/** The response with headers set over the backend's (as nginx's more_set_headers does); a 101 is left alone. */
function withHeaders(response: Response, headers: readonly (readonly [string, string])[]): Response {
  if (response.status === 101) return response;
  const copy = new Response(response.body, response);
  for (const [name, value] of headers) copy.headers.set(name, value);
  return copy;
}

/** The response with an HTTPRoute ResponseHeaderModifier's edits applied; a 101 is left alone. */
function withEdits(response: Response, edits: CompiledHeaderEdits): Response {
  if (response.status === 101) return response;
  const copy = new Response(response.body, response);
  applyHeaderEdits(copy.headers, edits);
  return copy;
}

/** Reserved for the edge itself, whatever the spelling: never proxied. */
export function isControlPath(pathname: string): boolean {
  // Only a path with a dot or a percent-escape can normalise to one starting `/.well-known`.
  if (!pathname.includes(".") && !pathname.includes("%")) return false;
  const normalized = normalizePath(pathname);
  const path = (normalized.ok ? normalized.path : pathname).toLowerCase();
  return path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
}
