import { describe, expect, it } from "vitest";
import { encodeChunk, LAST_CHUNK, serializeRequestHead, type RequestHeadInput } from "../../../core/http1/request-head.ts";

const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
const input = (overrides: Partial<RequestHeadInput> = {}): RequestHeadInput => ({
  method: "GET",
  target: "/a/b?c=d",
  host: "app.example",
  fields: [],
  framing: { kind: "none" },
  ...overrides,
});

describe("serializeRequestHead", () => {
  it("writes the request line, the original Host, the fields, Connection: close and an empty line", () => {
    const head = text(serializeRequestHead(input({ fields: [["x-forwarded-for", "198.51.100.7"], ["accept", "*/*"]] })));
    expect(head).toBe("GET /a/b?c=d HTTP/1.1\r\nhost: app.example\r\nx-forwarded-for: 198.51.100.7\r\naccept: */*\r\nconnection: close\r\n\r\n");
  });

  it("declares the body's framing itself: a length, or chunked when the length is unknown", () => {
    expect(text(serializeRequestHead(input({ method: "POST", framing: { kind: "length", length: 12 } })))).toContain("\r\ncontent-length: 12\r\n");
    const chunked = text(serializeRequestHead(input({ method: "POST", framing: { kind: "chunked" } })));
    expect(chunked).toContain("\r\ntransfer-encoding: chunked\r\n");
    expect(chunked).not.toContain("content-length");
  });

  it("never copies framing, connection, upgrade, expect or host fields from the caller", () => {
    const head = text(
      serializeRequestHead(
        input({
          fields: [["Host", "evil.example"], ["content-length", "0"], ["transfer-encoding", "chunked"], ["connection", "keep-alive"], ["keep-alive", "1"], ["upgrade", "h2c"], ["expect", "100-continue"], ["te", "trailers"], ["trailer", "x"]],
        }),
      ),
    );
    expect(head).toBe("GET /a/b?c=d HTTP/1.1\r\nhost: app.example\r\nconnection: close\r\n\r\n");
  });

  it("writes a WebSocket handshake's own fields in place of Connection: close, and none of the client's", () => {
    const head = text(serializeRequestHead(input({ websocketKey: "dGhlIHNhbXBsZSBub25jZQ==", fields: [["Sec-WebSocket-Key", "client"], ["sec-websocket-extensions", "permessage-deflate"], ["sec-websocket-protocol", "chat"]] })));
    expect(head).toBe(
      "GET /a/b?c=d HTTP/1.1\r\nhost: app.example\r\nsec-websocket-protocol: chat\r\nconnection: upgrade\r\nupgrade: websocket\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n",
    );
    expect(() => serializeRequestHead(input({ websocketKey: "short\r\nx: y" }))).toThrow(/WebSocket key/);
  });

  it("sends obs-text in a value as single bytes", () => {
    expect([...serializeRequestHead(input({ fields: [["x-a", "caf\u00e9"]] }))]).toContain(0xe9);
  });

  it.each([
    [{ method: "GET /x HTTP/1.1\r\nHost: evil" }],
    [{ method: "" }],
    [{ target: "/a b" }],
    [{ target: "/a\r\nX-Injected: 1" }],
    [{ target: "http://evil.example/" }],
    [{ target: "/caf\u00e9" }],
    [{ host: "app.example\r\nX-Injected: 1" }],
    [{ host: "user@app.example" }],
    [{ host: "" }],
    [{ fields: [["x-a", "1\r\nX-Injected: 1"]] as [string, string][] }],
    [{ fields: [["x a", "1"]] as [string, string][] }],
    [{ fields: [["x-a", "\u20ac"]] as [string, string][] }],
  ])("refuses anything that could add a line or a request: %j", (overrides) => {
    expect(() => serializeRequestHead(input(overrides))).toThrow(expect.objectContaining({ code: "bad-request" }));
  });

  it("accepts IPv6 and ported hosts", () => {
    expect(text(serializeRequestHead(input({ host: "[2001:db8::1]:8443" })))).toContain("host: [2001:db8::1]:8443\r\n");
  });
});

describe("encodeChunk", () => {
  it("frames data as hex size, CRLF, data, CRLF", () => {
    expect(text(encodeChunk(new Uint8Array(26).fill(0x61)))).toBe(`1a\r\n${"a".repeat(26)}\r\n`);
  });

  it("yields nothing for empty data, which would otherwise end the body", () => {
    expect(encodeChunk(new Uint8Array(0)).length).toBe(0);
    expect(text(LAST_CHUNK)).toBe("0\r\n\r\n");
  });
});
