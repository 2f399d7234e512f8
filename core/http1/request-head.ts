import { FIELD_VALUE, TOKEN } from "./field-syntax.ts";
import { Http1Error } from "./http1-error.ts";
import { encodeLatin1 } from "./latin1.ts";

/** How the request body is delimited on the wire. */
export type RequestFraming = { readonly kind: "none" } | { readonly kind: "length"; readonly length: number } | { readonly kind: "chunked" };

export interface RequestHeadInput {
  readonly method: string;
  /** origin-form: an absolute path plus query. */
  readonly target: string;
  readonly host: string;
  readonly fields: Iterable<readonly [string, string]>;
  readonly framing: RequestFraming;
  /** A WebSocket opening handshake with this key (RFC 6455 §4.1) in place of `Connection: close`. */
  readonly websocketKey?: string;
}

/**
 * Fields this head writes itself, or that must not cross a connection that carries one request and closes:
 * connection management, framing (decided here, never copied), upgrades and 100-continue (not offered).
 */
const OWN_FIELDS = new Set(["host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length", "te", "trailer", "upgrade", "expect"]);
/** A handshake's own fields: the key is this connection's, and no extension is offered (none is implemented). */
const HANDSHAKE_FIELDS = new Set(["sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept"]);
const WEBSOCKET_KEY = /^[A-Za-z0-9+/]{22}==$/;
/** origin-form request-target: no whitespace, controls or non-ASCII, so it cannot end the request line early. */
const ORIGIN_FORM = /^\/[\x21-\x7e]*$/;
/** RFC 9110 §7.2 Host: reg-name / IPv4 / [IPv6], optional port; no userinfo, path or whitespace. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::[0-9]{1,5})?$/;

/**
 * The bytes of a request head: request line, Host, the caller's end-to-end fields, `Connection: close` (or a
 * WebSocket handshake's Connection, Upgrade, key and version) and the framing field. Every part is checked, so
 * nothing a client sent can add a line or a second request.
 */
export function serializeRequestHead(input: RequestHeadInput): Uint8Array {
  if (!TOKEN.test(input.method)) throw new Http1Error("bad-request", `invalid method ${JSON.stringify(input.method.slice(0, 40))}`);
  if (!ORIGIN_FORM.test(input.target)) throw new Http1Error("bad-request", "request-target is not an origin-form path");
  if (!HOST.test(input.host)) throw new Http1Error("bad-request", `invalid Host ${JSON.stringify(input.host.slice(0, 80))}`);
  let head = `${input.method} ${input.target} HTTP/1.1\r\nhost: ${input.host}\r\n`;
  for (const [name, value] of input.fields) {
    const lower = name.toLowerCase();
    if (OWN_FIELDS.has(lower) || (input.websocketKey !== undefined && HANDSHAKE_FIELDS.has(lower))) continue;
    if (!TOKEN.test(name)) throw new Http1Error("bad-request", `invalid header name ${JSON.stringify(name.slice(0, 40))}`);
    if (!FIELD_VALUE.test(value)) throw new Http1Error("bad-request", `header ${name} has a control character in its value`);
    head += `${lower}: ${value}\r\n`;
  }
  if (input.websocketKey === undefined) {
    head += "connection: close\r\n";
  } else {
    if (!WEBSOCKET_KEY.test(input.websocketKey)) throw new Http1Error("bad-request", "a WebSocket key is 16 bytes in base64");
    head += `connection: upgrade\r\nupgrade: websocket\r\nsec-websocket-key: ${input.websocketKey}\r\nsec-websocket-version: 13\r\n`;
  }
  if (input.framing.kind === "length") head += `content-length: ${input.framing.length}\r\n`;
  else if (input.framing.kind === "chunked") head += "transfer-encoding: chunked\r\n";
  head += "\r\n";
  const bytes = encodeLatin1(head);
  if (bytes === null) throw new Http1Error("bad-request", "a header value has a character outside Latin-1");
  return bytes;
}

const CRLF = Uint8Array.of(13, 10);
/** `0 CRLF CRLF`: the end of a chunked body, with no trailers. */
export const LAST_CHUNK = Uint8Array.of(0x30, 13, 10, 13, 10);

/** One chunk on the wire: size in hex, CRLF, the data, CRLF. Empty data would end the body, so it yields nothing. */
export function encodeChunk(data: Uint8Array): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const size = encodeLatin1(`${data.length.toString(16)}\r\n`) ?? new Uint8Array(0);
  const chunk = new Uint8Array(size.length + data.length + CRLF.length);
  chunk.set(size, 0);
  chunk.set(data, size.length);
  chunk.set(CRLF, size.length + data.length);
  return chunk;
}
