import { ORIGIN_TOKEN_HEADER } from "../../core/origin/origin-token.ts";

/** Hop-by-hop headers besides Connection and Upgrade, which are read first and deleted only when present. */
const ALWAYS_REMOVED = ["keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding"];
/**
 * The hop-by-hop response headers the runtime would put on the wire. It writes Connection, Keep-Alive, TE,
 * Transfer-Encoding and Upgrade itself, whatever a Response holds, so an upstream response carrying only those
 * (and no Connection, whose named headers would pass) can be returned as it is.
 */
const PASSED_BY_RUNTIME = ["proxy-authenticate", "proxy-connection", "trailer"];
const WEBSOCKET_HANDSHAKE = ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"];

export interface ForwardInfo {
  /** From CF-Connecting-IP; null when unknown (local requests without it). */
  readonly clientIp: string | null;
  readonly scheme: "http" | "https";
  /** The Host as received (with port, if any). */
  readonly host: string;
  readonly port: string;
}

/** True for a WebSocket handshake, whose Upgrade/Connection pair must survive the hop. */
export function isWebSocketUpgrade(headers: Headers): boolean {
  return (headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}

/**
 * Turns a copy of the client's headers, in place, into the headers a backend receives: the client's end-to-end
 * headers, no hop-by-hop ones (including any the client named in Connection), X-Forwarded-For appended with the
 * client address, and X-Forwarded-Proto/-Host/-Port, X-Real-IP and the origin token set by the edge — never
 * taken from the client.
 */
export function forwardHeaders(headers: Headers, info: ForwardInfo): void {
  // Every Headers call crosses into the runtime: each header is read once, and a hop-by-hop header already
  // known to be absent is not deleted.
  const connection = headers.get("connection");
  const upgrade = headers.get("upgrade");
  const websocket = upgrade !== null && upgrade.toLowerCase() === "websocket";
  removeHopByHop(headers, connection, upgrade !== null);
  headers.delete("host");
  headers.delete(ORIGIN_TOKEN_HEADER);
  if (websocket) {
    // The runtime performs its own handshake with the target (own key, version, extensions) and relays
    // messages; forwarding the client's handshake headers would duplicate them. The subprotocol is end-to-end.
    for (const name of WEBSOCKET_HANDSHAKE) headers.delete(name);
    headers.set("upgrade", "websocket");
    headers.set("connection", "Upgrade");
  }
  if (info.clientIp !== null) {
    headers.set("x-forwarded-for", appendForwardedFor(headers.get("x-forwarded-for"), info.clientIp));
    headers.set("x-real-ip", info.clientIp);
  } else {
    headers.delete("x-real-ip");
  }
  headers.set("x-forwarded-proto", info.scheme);
  headers.set("x-forwarded-host", info.host);
  headers.set("x-forwarded-port", info.port);
}

/**
 * The response the client receives: the upstream status and headers without hop-by-hop ones, the body streamed
 * through. Hop-by-hop headers are looked for among those the runtime would send on, and when one is there every
 * hop-by-hop header goes. The upstream response itself when nothing is to be added (`mustCopy` false) and none
 * is there: a copy costs more than looking; otherwise a copy (the upstream's headers are immutable).
 */
export function buildDownstreamResponse(upstream: Response, mustCopy = true): Response {
  const headers = upstream.headers;
  const connection = headers.get("connection");
  const trim = connection !== null || hasHopByHop(headers);
  if (!mustCopy && !trim) return upstream;
  const response = new Response(upstream.body, upstream);
  if (trim) removeHopByHop(response.headers, connection, true);
  return response;
}

function hasHopByHop(headers: Headers): boolean {
  for (const name of PASSED_BY_RUNTIME) if (headers.has(name)) return true;
  return false;
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

/** `connection`: that header's value (null when absent, so it need not be deleted); `upgrade`: whether one may be present. */
function removeHopByHop(headers: Headers, connection: string | null, upgrade: boolean): void {
  for (const name of ALWAYS_REMOVED) headers.delete(name);
  if (upgrade) headers.delete("upgrade");
  if (connection === null) return;
  headers.delete("connection");
  for (const token of connection.split(",")) {
    const name = token.trim().toLowerCase();
    if (name !== "") headers.delete(name);
  }
}
