import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import { rewriteLocation } from "../proxy/rewrite-location.ts";
import { TransportError, type Transport, type UnreachableReason, type UpstreamRequest } from "./transport.ts";

export interface FetchTransportOptions {
  /** Local development only: Workers' fetch() cannot reach IP literals once deployed (error 1003). */
  readonly allowIpTargets: boolean;
  readonly fetch?: (request: Request) => Promise<Response>;
}

const NEEDS_HOSTNAME: UnreachableReason = {
  code: "target-needs-hostname",
  message:
    "target has no DNS name and a deployed Worker's fetch() cannot reach an IP address (error 1003): run the sync agent with --node-domain, or set EDGE_ALLOW_IP_TARGETS=true for local development only",
};

/**
 * What Cloudflare answers, in place of the backend's response, when TLS to an https:// origin fails: 525 (the
 * handshake failed) and 526 (the certificate is not valid for the name). Locally workerd rejects instead.
 */
const TLS_FAILURE_STATUSES = new Set([525, 526]);

/**
 * Plain `fetch()` to `http://<hostname>:<nodePort>`, or `https://` for a backend spoken to over TLS (the runtime
 * then checks the certificate against that hostname; it has no way to skip the check). The runtime sets Host from
 * the URL. The upstream Request is built from the client's headers and edited in place: one copy of the headers
 * per attempt, as a bare pass-through Worker makes. A GET or HEAD with a body is copied from the client's Request
 * instead, the only form in which the runtime sends one.
 */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  const send = options.fetch ?? ((request: Request) => fetch(request));
  // Target → "http(s)://authority:port", or null when this transport cannot reach it. Targets belong to a loaded
  // table and never change, so each is worked out once (parsing a host is not free) and forgotten with its table.
  const origins = new WeakMap<ResolvedTarget, string | null>();
  const originOf = (target: ResolvedTarget): string | null => {
    let origin = origins.get(target);
    if (origin === undefined) {
      const authority = authorityOf(target);
      origin = authority === null ? null : `${target.protocol ?? "http"}://${authority}:${target.nodePort}`;
      origins.set(target, origin);
    }
    return origin;
  };
  const authorityOf = (target: ResolvedTarget): string | null => {
    const named = target.hostname === undefined ? null : canonicalHost(target.hostname);
    if (named !== null && !isIpLiteral(named)) return named;
    if (!options.allowIpTargets) return null;
    return named ?? canonicalHost(target.address);
  };
  return {
    name: "fetch",
    unreachableReason: (target) => (originOf(target) === null ? NEEDS_HOSTNAME : null),
    send(target, request: UpstreamRequest) {
      const origin = originOf(target);
      if (origin === null) return Promise.reject(new TransportError(NEEDS_HOSTNAME.code, NEEDS_HOSTNAME.message, false));
      const url = `${origin}${request.pathAndQuery}`;
      const upstream =
        request.body !== null && (request.method === "GET" || request.method === "HEAD")
          ? new Request(new Request(url, request.client), { redirect: "manual" })
          : new Request(url, { method: request.method, headers: request.clientHeaders, body: request.body, redirect: "manual" });
      request.prepareHeaders(upstream.headers);
      // No AbortController (one per attempt costs more than the timer, itself 1–2 % of a proxied request's CPU):
      // an attempt that times out is abandoned; the runtime cancels a subrequest nobody awaits when the client's
      // request ends. One promise settled by whichever comes first, not Promise.race over an async function.
      return new Promise<Response>((resolve, reject) => {
        const timer = setTimeout(() => reject(new TransportError("timeout", `no response within ${request.timeoutMs} ms`, true)), request.timeoutMs);
        const failed = (error: unknown): void => {
          clearTimeout(timer);
          reject(new TransportError("connect-failed", error instanceof Error ? error.message : String(error), "unknown"));
        };
        let sent: Promise<Response>;
        try {
          sent = send(upstream);
        } catch (error) {
          failed(error);
          return;
        }
        sent.then((response) => {
          clearTimeout(timer);
          if (target.protocol === "https" && TLS_FAILURE_STATUSES.has(response.status)) {
            response.body?.cancel().catch(() => undefined);
            reject(new TransportError("connect-failed", `no verified TLS connection to the target (Cloudflare answered ${response.status})`, "unknown"));
            return;
          }
          resolve(pointRedirectBack(response, origin, request));
        }, failed);
      });
    },
  };
}

/**
 * The response, or a copy whose Location names the client's host where the backend named the target itself
 * (see rewriteLocation). Only a redirect or a 201 is looked at: one status read for every other response.
 */
function pointRedirectBack(response: Response, origin: string, request: UpstreamRequest): Response {
  const status = response.status;
  if (status !== 201 && (status < 300 || status > 399)) return response;
  const location = response.headers.get("location");
  if (location === null) return response;
  const rewritten = rewriteLocation(location, origin.slice(origin.indexOf("//") + 2), { scheme: request.originalScheme, host: request.originalHost });
  if (rewritten === null) return response;
  const copy = new Response(response.body, response);
  copy.headers.set("location", rewritten);
  return copy;
}

/**
 * The host as the URL parser will read it — so "2130706433" or "0x7f.1" are recognised as the IP literals
 * fetch() would turn them into. Null for something that is no host at all.
 */
function canonicalHost(host: string): string | null {
  const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  try {
    const url = new URL(`http://${bracketed}/`);
    return url.port === "" && url.username === "" && url.pathname === "/" ? url.hostname : null;
  } catch {
    return null;
  }
}

function isIpLiteral(host: string): boolean {
  return host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);
}
