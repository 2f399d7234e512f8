const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"];

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
 * The headers a backend receives: the client's end-to-end headers, no hop-by-hop ones (including any the client
 * named in Connection), X-Forwarded-For appended with the client address, and X-Forwarded-Proto/-Host/-Port and
 * X-Real-IP set by the edge — never taken from the client.
 */
export function buildUpstreamHeaders(incoming: Headers, info: ForwardInfo): Headers {
  const headers = new Headers(incoming);
  const websocket = isWebSocketUpgrade(incoming);
  removeHopByHop(headers);
  headers.delete("host");
  if (websocket) {
    // The runtime performs its own handshake with the target (own key, version, extensions) and relays
    // messages; forwarding the client's handshake headers would duplicate them. The subprotocol is end-to-end.
    for (const name of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"]) headers.delete(name);
    headers.set("upgrade", "websocket");
    headers.set("connection", "Upgrade");
  }
  const forwardedFor = incoming.get("x-forwarded-for");
  if (info.clientIp !== null) {
    headers.set("x-forwarded-for", appendForwardedFor(forwardedFor, info.clientIp));
    headers.set("x-real-ip", info.clientIp);
  } else {
    headers.delete("x-real-ip");
  }
  headers.set("x-forwarded-proto", info.scheme);
  headers.set("x-forwarded-host", info.host);
  headers.set("x-forwarded-port", info.port);
  return headers;
}

/** The upstream response's headers without hop-by-hop ones. */
export function buildDownstreamHeaders(upstream: Headers): Headers {
  const headers = new Headers(upstream);
  removeHopByHop(headers);
  return headers;
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

function removeHopByHop(headers: Headers): void {
  const named = (headers.get("connection") ?? "").split(",").map((token) => token.trim().toLowerCase()).filter((token) => token !== "");
  for (const name of [...HOP_BY_HOP, ...named]) headers.delete(name);
}
