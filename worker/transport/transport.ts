import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";

/**
 * How the edge reaches a target. One small interface, several implementations chosen by `EDGE_TRANSPORT`:
 * `fetch` (DNS names; bare IPs only for local development) now, `socket` (HTTP/1.1 over `connect()`) later.
 */
export interface Transport {
  readonly name: string;
  /** Null when this transport can reach the target; otherwise the reason it never will. Checked before sending. */
  unreachableReason(target: ResolvedTarget): UnreachableReason | null;
  /** Sends one attempt. Resolves with the upstream response head (body streaming); rejects with {@link TransportError}. */
  send(target: ResolvedTarget, request: UpstreamRequest): Promise<Response>;
}

export interface UpstreamRequest {
  readonly method: string;
  /** The normalised path plus the query, exactly as matched. */
  readonly pathAndQuery: string;
  /** The client's headers as received: read, never changed. Method, headers and body are each read once, by the caller. */
  readonly clientHeaders: Headers;
  /**
   * Turns a copy of `clientHeaders` into what the backend receives: end-to-end headers plus X-Forwarded-*. Host
   * and the framing fields are each sender's own. Applied to the copy a transport makes anyway (the fetch
   * transport's upstream Request) because a copy of Headers is among the dearest things a request does here.
   */
  readonly prepareHeaders: (headers: Headers) => void;
  /** The original Host, for transports that can send it (socket); fetch sends it as X-Forwarded-Host only. */
  readonly originalHost: string;
  /** The Host to send in its place (a policy's `upstream-vhost`), for transports that can; absent: `originalHost`. */
  readonly upstreamHost?: string;
  /** The scheme the client used: with the original Host, what a redirect to the target's own name is pointed back at. */
  readonly originalScheme: "http" | "https";
  readonly body: ReadableStream<Uint8Array> | null;
  /**
   * The client's request as received. The fetch API refuses a GET or HEAD with a body built from parts, yet
   * clients send them (search APIs; `Content-Length: 0`), and the runtime forwards one only as a copy of the
   * Request it arrived in.
   */
  readonly client: Request;
  /** Until the response head arrives. */
  readonly timeoutMs: number;
  /**
   * Until the connection is open, in place of the transport's own limit (a policy's `proxy-connect-timeout`), for
   * transports that see the connection open (socket); absent: the transport's own.
   */
  readonly connectTimeoutMs?: number;
}

export interface UnreachableReason {
  readonly code: "target-needs-hostname";
  readonly message: string;
}

export type TransportErrorCode = "connect-failed" | "timeout" | "target-needs-hostname" | "protocol-error";

export class TransportError extends Error {
  readonly code: TransportErrorCode;
  /**
   * Whether any of the request may have reached the target. `fetch` cannot tell a refused connection from one
   * reset after sending, so it reports "unknown"; a socket transport can report false when connect() failed.
   */
  readonly requestSent: boolean | "unknown";
  constructor(code: TransportErrorCode, message: string, requestSent: boolean | "unknown") {
    super(message);
    this.name = "TransportError";
    this.code = code;
    this.requestSent = requestSent;
  }
}

/** The headers a backend receives, in a copy of their own: for transports that write the request themselves. */
export function upstreamHeadersOf(request: UpstreamRequest): Headers {
  const headers = new Headers(request.clientHeaders);
  request.prepareHeaders(headers);
  return headers;
}
