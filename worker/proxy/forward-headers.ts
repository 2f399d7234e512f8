import { ORIGIN_TOKEN_HEADER } from "../../core/origin/origin-token.ts";

/**
 * RFC 9110 §7.6.1: a proxy removes Connection, the fields it names, and Proxy-Connection, Keep-Alive, TE,
 * Transfer-Encoding and Upgrade. Both senders write Host, Connection, Keep-Alive, TE, Trailer, Transfer-Encoding
 * and Upgrade themselves whatever the headers hold (the runtime's fetch(), checked on the wire by
 * test/worker/fetch-transport.test.ts; the socket transport's request head, core/http1/request-head.ts), and
 * the runtime does the same for responses (test/worker-runtime/response-framing.test.ts). What is left to
 * remove by hand: Proxy-Connection, and on requests Proxy-Authorization, credentials meant for a forward proxy
 * that no backend should receive.
 */
const REMOVED_FROM_REQUESTS = ["proxy-connection", "proxy-authorization"];
const PASSED_BY_RUNTIME = "proxy-connection";
const WEBSOCKET_HANDSHAKE = ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"];

export interface ForwardInfo {
  /** From CF-Connecting-IP; null when unknown (local requests without it). */
  readonly clientIp: string | null;
  readonly scheme: "http" | "https";
  /** The Host as received (with port, if any). */
  readonly host: string;
  readonly port: string;
}

/**
 * Turns a copy of the client's headers, in place, into the headers a backend receives: the client's end-to-end
 * headers, no hop-by-hop ones (including any the client named in Connection), X-Forwarded-For appended with the
 * client address, and X-Forwarded-Proto/-Host/-Port, X-Real-IP and the origin token set by the edge — never
 * taken from the client. True when the request is a WebSocket handshake.
 */
export function forwardHeaders(headers: Headers, info: ForwardInfo): boolean {
  // Every Headers call crosses into the runtime: ~3k instructions each, about 1 % of a proxied request (callgrind,
  // bench/README.md), and these edits are the largest cost of the edge's own. Each header is read once, and
  // nothing the sender drops anyway is deleted.
  const connection = headers.get("connection");
  const upgrade = headers.get("upgrade");
  const websocket = upgrade !== null && upgrade.toLowerCase() === "websocket";
  for (const name of REMOVED_FROM_REQUESTS) headers.delete(name);
  if (connection !== null) removeNamedIn(headers, connection);
  headers.delete(ORIGIN_TOKEN_HEADER);
  if (websocket) {
    // The runtime performs its own handshake with the target (own key, version, extensions) and relays
    // messages; forwarding the client's handshake headers would duplicate them. The subprotocol is end-to-end.
    for (const name of WEBSOCKET_HANDSHAKE) headers.delete(name);
    headers.set("upgrade", "websocket");
    headers.set("connection", "Upgrade");
  }
  if (info.clientIp !== null) {
    const forwardedFor = headers.get("x-forwarded-for");
    const appended = appendForwardedFor(forwardedFor, info.clientIp);
    // Behind Cloudflare the client is usually listed already: nothing to rewrite.
    if (appended !== forwardedFor) headers.set("x-forwarded-for", appended);
    headers.set("x-real-ip", info.clientIp);
  } else {
    headers.delete("x-real-ip");
  }
  headers.set("x-forwarded-proto", info.scheme);
  headers.set("x-forwarded-host", info.host);
  headers.set("x-forwarded-port", info.port);
  return websocket;
}

/**
 * The response the client receives: the upstream status and headers without hop-by-hop ones, the body streamed
 * through. Only the hop-by-hop headers the runtime would send on are looked for (Connection's names and
 * Proxy-Connection). A copy when headers are to be added (`mustCopy`; the upstream's headers are immutable),
 * looked at and trimmed in place; otherwise the upstream response itself unless it has something to trim — a
 * copy costs more than looking, and looking at the copy spares looking at the original too.
 */
export function buildDownstreamResponse(upstream: Response, mustCopy = true): Response {
  const response = mustCopy ? new Response(upstream.body, upstream) : upstream;
  const headers = response.headers;
  const connection = headers.get("connection");
  if (connection === null && !headers.has(PASSED_BY_RUNTIME)) return response;
  const trimmed = mustCopy ? response : new Response(upstream.body, upstream);
  trimmed.headers.delete(PASSED_BY_RUNTIME);
  if (connection !== null) removeNamedIn(trimmed.headers, connection);
  return trimmed;
}

/**
 * Cloudflare itself appends the client address to X-Forwarded-For before the Worker runs; appending it again
 * would list the client twice, so it is appended only when it is not already the last entry.
 */
function appendForwardedFor(existing: string | null, clientIp: string): string {
  if (existing === null || existing.trim() === "") return clientIp;
  const last = existing.split(",").pop()?.trim();
  return last === clientIp ? existing : `${existing}, ${clientIp}`;
}

/** Connection and the headers its value names. */
function removeNamedIn(headers: Headers, connection: string): void {
  headers.delete("connection");
  for (const token of connection.split(",")) {
    const name = token.trim().toLowerCase();
    if (name !== "") headers.delete(name);
  }
}
