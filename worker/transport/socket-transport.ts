import { connect as connectSocket } from "cloudflare:sockets";
import { Http1Error } from "../../core/http1/http1-error.ts";
import { serializeRequestHead } from "../../core/http1/request-head.ts";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import { checkHandshakeAnswer, websocketAcceptFor, websocketKeyOf } from "../../core/websocket/handshake.ts";
import { HeadTimeout, readAnswer } from "./socket-response-reader.ts";
import { bridgeWebSocket } from "./socket-websocket.ts";
import { chooseRequestFraming, messageOf, writeRequest, type SendOutcome } from "./socket-request-writer.ts";
import { TransportError, upstreamHeadersOf, type Transport, type UpstreamRequest } from "./transport.ts";

export type Connect = (address: SocketAddress, options: SocketOptions) => Socket;

export interface SocketTransportOptions {
  /** Until the TCP connection is open (capped by the request's own timeout). */
  readonly connectTimeoutMs: number;
  /** The largest response head accepted, interim responses included. Default 64 KiB. */
  readonly maxHeadBytes?: number;
  /** `connect` from `cloudflare:sockets`, unless a test passes another. */
  readonly connect?: Connect;
}

export const DEFAULT_MAX_HEAD_BYTES = 64 * 1024;

/**
 * HTTP/1.1 over a raw TCP socket to the target's address and nodePort: what a deployed Worker can do that its
 * fetch() cannot — reach a bare IP on any port and send the client's own Host. One request per connection
 * (`Connection: close`; Workers cannot keep sockets between requests anyway), so no response can be mistaken
 * for the next one's; strict parsing on top, so no malformed response is passed on. A WebSocket handshake is
 * made with the backend on the edge's own key, checked as a client checks it, and the connection then relayed
 * message by message (socket-websocket.ts). A backend spoken to over HTTPS gets the same over TLS
 * (`secureTransport: "on"`; see socketAddressOf for the name its certificate is checked against).
 */
export function createSocketTransport(options: SocketTransportOptions): Transport {
  const problems: string[] = [];
  if (!Number.isSafeInteger(options.connectTimeoutMs) || options.connectTimeoutMs < 1) problems.push("connectTimeoutMs must be a positive integer");
  const maxHeadBytes = options.maxHeadBytes ?? DEFAULT_MAX_HEAD_BYTES;
  if (!Number.isSafeInteger(maxHeadBytes) || maxHeadBytes < 1024 || maxHeadBytes > 1024 * 1024) problems.push("maxHeadBytes must be an integer in 1024..1048576");
  if (problems.length > 0) throw new TypeError(`invalid socket transport options: ${problems.join("; ")}`);
  const connect = options.connect ?? connectSocket;
  return {
    name: "socket",
    // Every target has an address, and connect() reaches IPs on any port (25 aside).
    unreachableReason: () => null,
    send: (target, request) => sendOverSocket(connect, target, request, { connectTimeoutMs: options.connectTimeoutMs, maxHeadBytes }),
  };
}

async function sendOverSocket(connect: Connect, target: ResolvedTarget, request: UpstreamRequest, limits: { connectTimeoutMs: number; maxHeadBytes: number }): Promise<Response> {
  const started = Date.now();
  const headers = upstreamHeadersOf(request);
  const framing = chooseRequestFraming(request.method, headers, request.body !== null);
  // forwardHeaders sets Upgrade only on a WebSocket handshake, a GET without a body.
  const websocket = headers.get("upgrade") === "websocket" && request.method === "GET" ? await offerWebSocket(headers) : null;
  let head: Uint8Array;
  try {
    head = serializeRequestHead({
      method: request.method,
      target: request.pathAndQuery,
      host: request.upstreamHost ?? request.originalHost,
      fields: headers.entries(),
      framing,
      ...(websocket === null ? {} : { websocketKey: websocket.key }),
    });
  } catch (error) {
    throw new TransportError("protocol-error", `the request cannot be written as HTTP/1.1: ${messageOf(error)}`, false);
  }

  let socket: Socket;
  try {
    socket = connect(socketAddressOf(target), { secureTransport: target.protocol === "https" ? "on" : "off", allowHalfOpen: true });
  } catch (error) {
    throw new TransportError("connect-failed", `connect() refused the address: ${messageOf(error)}`, false);
  }
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    socket.close().catch(() => undefined);
  };

  const connectTimeoutMs = Math.min(request.connectTimeoutMs ?? limits.connectTimeoutMs, request.timeoutMs);
  const opened = await settleWithin(socket.opened, connectTimeoutMs);
  if (opened !== "ok") {
    close();
    const detail = opened === "timeout" ? `no connection within ${connectTimeoutMs} ms` : `connection failed: ${messageOf(opened.error)}`;
    throw new TransportError("connect-failed", detail, false);
  }

  const sending: { outcome: SendOutcome | null } = { outcome: null };
  const written = writeRequest(socket.writable, head, framing, request.body).then((result) => {
    sending.outcome = result;
    // A half-sent request must not be completed by whatever the backend reads next: abort the connection.
    if (!result.ok && result.fault === "client") close();
  });
  const remainingMs = Math.max(1, request.timeoutMs - (Date.now() - started));
  try {
    const reader = socket.readable.getReader();
    const answer = await readAnswer(reader, { method: request.method, maxHeadBytes: limits.maxHeadBytes, timeoutMs: remainingMs, close, upgradeOffered: websocket !== null });
    if (answer.kind === "response") return answer.response;
    const problem = websocket === null ? "a 101 to no upgrade" : checkHandshakeAnswer(answer.head, websocket.accept, websocket.protocols);
    if (problem !== null) throw new Http1Error("unexpected-status", `the WebSocket handshake failed: ${problem}`);
    const protocol = answer.head.fields.find(([name]) => name.toLowerCase() === "sec-websocket-protocol")?.[1].trim();
    const client = bridgeWebSocket({ socket, reader, rest: answer.rest, headWritten: written, close });
    return new Response(null, { status: 101, webSocket: client, headers: protocol === undefined ? {} : { "sec-websocket-protocol": protocol } });
  } catch (error) {
    close();
    const sendFailure = sending.outcome;
    const why = sendFailure !== null && !sendFailure.ok ? ` (${sendFailure.detail})` : "";
    if (error instanceof HeadTimeout) throw new TransportError("timeout", `${error.message}${why}`, true);
    if (error instanceof Http1Error) throw new TransportError("protocol-error", `invalid response (${error.code}): ${error.message}${why}`, true);
    throw new TransportError("protocol-error", `reading the response failed: ${messageOf(error)}${why}`, true);
  }
}

/**
 * Where to dial. Plain HTTP: the Node's address, whatever DNS says. HTTPS: the Node's DNS name when the table has
 * one, because the runtime checks the certificate against the name dialled (and sends it as SNI) and offers no
 * other name to check against (workerd marks `startTls({ expectedServerHostname })` unsupported); a bare address
 * is dialled only without a name, and then the certificate must name that IP address.
 */
function socketAddressOf(target: ResolvedTarget): SocketAddress {
  const hostname = target.protocol === "https" && target.hostname !== undefined ? target.hostname : target.address;
  return { hostname, port: target.nodePort };
}

/** The edge's side of a handshake: its own key, the accept that key calls for, and the subprotocols offered. */
async function offerWebSocket(headers: Headers): Promise<{ key: string; accept: string; protocols: string[] }> {
  const key = websocketKeyOf(crypto.getRandomValues(new Uint8Array(16)));
  const offered = headers.get("sec-websocket-protocol");
  const protocols = offered === null ? [] : offered.split(",").map((token) => token.trim()).filter((token) => token !== "");
  return { key, accept: await websocketAcceptFor(key), protocols };
}

async function settleWithin(promise: Promise<unknown>, ms: number): Promise<"ok" | "timeout" | { error: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([promise.then(() => "ok" as const, (error: unknown) => ({ error })), timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
