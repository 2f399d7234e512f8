/**
 * The raw HTTP/1.1 server the socket-transport tests talk to (through vitest's provide/inject): it writes the
 * exact bytes each scenario names, including ones no HTTP library would produce. Runtime-neutral.
 */
export interface RawHttpServer {
  /** The same port on every loopback Node (127.0.0.2, .3, .4). */
  readonly port: number;
}

/**
 * `GET /bad/<name>` answers with exactly these bytes, then closes. Each breaks HTTP/1.1 in a way that, read
 * leniently, lets a backend smuggle a response or desynchronise a proxy.
 */
export const MALFORMED_RESPONSES: Readonly<Record<string, string>> = {
  "te-and-cl": "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled",
  "cl-and-te": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n",
  "duplicate-cl": "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
  "conflicting-cl": "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 13\r\n\r\nhello smuggle",
  "cl-list": "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello",
  "negative-cl": "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nhello",
  "te-gzip-chunked": "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
  "te-obfuscated": "HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
  "te-in-http10": "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  "space-before-colon": "HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\nhello",
  "obs-fold": "HTTP/1.1 200 OK\r\nX-A: 1\r\n Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello",
  "bare-lf": "HTTP/1.1 200 OK\nContent-Length: 2\n\nok",
  "bare-lf-in-field": "HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 2\r\n\r\nok",
  "bare-cr": "HTTP/1.1 200 OK\rContent-Length: 2\r\n\r\nok",
  "bad-status": "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok",
  "garbage": "hello there\r\n\r\n",
  // A switch of protocols nobody asked for, or (to a handshake) with an accept that cannot match the edge's own key.
  "switching-protocols": "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
  "no-head": "<html>an HTTP/0.9 style body</html>",
  "nul-in-value": "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 2\r\n\r\nok",
  "unrequested-101": "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n",
  "oversized-head": `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(100 * 1024)}\r\nContent-Length: 2\r\n\r\nok`,
};

declare module "vitest" {
  export interface ProvidedContext {
    rawHttp: RawHttpServer;
  }
}
