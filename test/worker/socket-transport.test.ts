import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import { createSocketTransport, type Connect } from "../../worker/transport/socket-transport.ts";
import { TransportError, type UpstreamRequest } from "../../worker/transport/transport.ts";
import { MALFORMED_RESPONSES } from "./node/raw-http-contract.ts";
import { backends } from "./support/edge.ts";

const raw = inject("rawHttp");
const transport = createSocketTransport({ connectTimeoutMs: 1000 });
const rawTarget: ResolvedTarget = { node: "node-a", address: "127.0.0.2", nodePort: raw.port, weight: 1 };

function request(pathAndQuery: string, overrides: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return {
    method: "GET",
    pathAndQuery,
    clientHeaders: new Headers({ "x-forwarded-host": "app.example" }),
    prepareHeaders: () => {},
    originalHost: "app.example",
    originalScheme: "http",
    body: null,
    client: new Request(`http://app.example${pathAndQuery}`),
    timeoutMs: 2000,
    ...overrides,
  };
}

async function failureOf(promise: Promise<Response>): Promise<TransportError> {
  try {
    const response = await promise;
    throw new Error(`expected a TransportError, got ${response.status}`);
  } catch (error) {
    if (error instanceof TransportError) return error;
    throw error;
  }
}

/** What the raw server received, split into head lines and body. */
async function wireOf(response: Response): Promise<{ lines: string[]; body: string }> {
  const text = await response.text();
  const split = text.indexOf("\r\n\r\n");
  return { lines: text.slice(0, split).split("\r\n"), body: text.slice(split + 4) };
}

function streamOf(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      const next = parts.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(encoder.encode(next));
    },
  });
}

describe("socket transport: what it sends", () => {
  it("sends the client's original Host, the path and query as given, and Connection: close", async () => {
    const wire = await wireOf(await transport.send(rawTarget, request("/raw-request?q=1&r=%2F", { originalHost: "shop.example:8443" })));
    expect(wire.lines[0]).toBe("GET /raw-request?q=1&r=%2F HTTP/1.1");
    expect(wire.lines).toContain("host: shop.example:8443");
    expect(wire.lines).toContain("connection: close");
    expect(wire.lines).toContain("x-forwarded-host: app.example");
    expect(wire.lines.filter((line) => line.startsWith("host:"))).toHaveLength(1);
  });

  it("sends a body of known length with its Content-Length", async () => {
    const headers = new Headers({ "content-length": "11", "content-type": "text/plain" });
    const wire = await wireOf(await transport.send(rawTarget, request("/raw-request", { method: "POST", clientHeaders: headers, body: streamOf(["hello", " world"]) })));
    expect(wire.lines).toContain("content-length: 11");
    expect(wire.lines.some((line) => line.startsWith("transfer-encoding"))).toBe(false);
    expect(wire.body).toBe("hello world");
  });

  it("streams a body of unknown length as chunks", async () => {
    const wire = await wireOf(await transport.send(rawTarget, request("/raw-request", { method: "PUT", body: streamOf(["abc", "", "defghijklmnopq"]) })));
    expect(wire.lines).toContain("transfer-encoding: chunked");
    expect(wire.lines.some((line) => line.startsWith("content-length"))).toBe(false);
    expect(wire.body).toBe("3\r\nabc\r\ne\r\ndefghijklmnopq\r\n0\r\n\r\n");
  });

  it("sends Content-Length: 0 for a POST without a body", async () => {
    const wire = await wireOf(await transport.send(rawTarget, request("/raw-request", { method: "POST" })));
    expect(wire.lines).toContain("content-length: 0");
  });

  it("never forwards framing, connection or upgrade fields given in the headers (a WebSocket handshake aside)", async () => {
    const headers = new Headers({ "transfer-encoding": "chunked", "content-length": "5", connection: "keep-alive", upgrade: "h2c", host: "evil.example", "x-kept": "1" });
    const wire = await wireOf(await transport.send(rawTarget, request("/raw-request", { clientHeaders: headers })));
    expect(wire.lines.slice(1).sort()).toEqual(["connection: close", "host: app.example", "x-kept: 1"]);
  });

  it("makes a WebSocket handshake on its own key, offering the client's subprotocols and no extension", async () => {
    const headers = new Headers({ upgrade: "websocket", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13", "sec-websocket-extensions": "permessage-deflate", "sec-websocket-protocol": "chat, v2" });
    // The raw server answers the handshake with a plain 200 echoing the request: passed on as any response is.
    const wire = await wireOf(await transport.send(rawTarget, request("/raw-request", { clientHeaders: headers })));
    const fields = wire.lines.slice(1);
    expect(fields).toEqual(expect.arrayContaining(["connection: upgrade", "upgrade: websocket", "sec-websocket-version: 13", "sec-websocket-protocol: chat, v2"]));
    const key = fields.find((line) => line.startsWith("sec-websocket-key: "));
    expect(key).toMatch(/^sec-websocket-key: [A-Za-z0-9+/]{22}==$/);
    expect(key).not.toBe("sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==");
    expect(fields.some((line) => line.startsWith("sec-websocket-extensions"))).toBe(false);
  });

  it("refuses, before connecting, a request whose path could end the request line", async () => {
    const error = await failureOf(transport.send(rawTarget, request("/a b HTTP/1.1\r\nX: 1")));
    expect(error).toMatchObject({ code: "protocol-error", requestSent: false });
  });

  it("aborts the connection rather than send more bytes than the declared Content-Length", async () => {
    const headers = new Headers({ "content-length": "3" });
    // The server never answers: only aborting the connection ends this request before its timeout.
    const error = await failureOf(transport.send(rawTarget, request("/silent", { method: "POST", clientHeaders: headers, body: streamOf(["abc", "GET /smuggled HTTP/1.1\r\n\r\n"]), timeoutMs: 5000 })));
    expect(error.code).toBe("protocol-error");
    expect(error.message).toMatch(/longer than its Content-Length/);
  });
});

describe("socket transport: what it reads", () => {
  it("passes status, reason and every header on, repeated Set-Cookie included", async () => {
    const response = await transport.send(rawTarget, request("/length"));
    expect(response.status).toBe(200);
    expect(response.statusText).toBe("OK");
    expect(response.headers.get("x-scenario")).toBe("length");
    expect(response.headers.getAll("set-cookie")).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("hello world");
  });

  it("decodes a chunked body written in pieces, and drops its transfer coding", async () => {
    const response = await transport.send(rawTarget, request("/chunked"));
    expect(response.headers.get("transfer-encoding")).toBeNull();
    expect(await response.text()).toBe("hello, chunked world");
  });

  it("reads a body without framing until the server closes", async () => {
    expect(await (await transport.send(rawTarget, request("/until-close"))).text()).toBe("the body runs until the server closes");
  });

  it("skips interim 1xx responses and returns the final one", async () => {
    const response = await transport.send(rawTarget, request("/interim"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("final");
  });

  it("expects no body after HEAD and after 204", async () => {
    const head = await transport.send(rawTarget, request("/length", { method: "HEAD" }));
    expect(head.headers.get("content-length")).toBe("11");
    expect(head.body).toBeNull();
    const empty = await transport.send(rawTarget, request("/no-content"));
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("streams the body: the first chunk is readable before the server has sent the rest", async () => {
    const id = crypto.randomUUID();
    const response = await transport.send(rawTarget, request(`/hold/${id}`));
    const reader = (response.body ?? new ReadableStream()).getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("first;");
    await (await transport.send(rawTarget, request(`/release/${id}`))).arrayBuffer();
    let rest = "";
    for (let read = await reader.read(); !read.done; read = await reader.read()) rest += new TextDecoder().decode(read.value);
    expect(rest).toBe("second");
  });

  it("also speaks to an ordinary Node HTTP server", async () => {
    const web: ResolvedTarget = { node: "node-b", address: "127.0.0.3", nodePort: backends.ports.web, weight: 1 };
    const response = await transport.send(web, request("/plain?x=1", { originalHost: "plain.example" }));
    const echo = (await response.json()) as { node: string; url: string; headers: Record<string, string> };
    expect(echo).toMatchObject({ node: "node-b", url: "/plain?x=1" });
    expect(echo.headers["host"]).toBe("plain.example");
  });
});

describe("socket transport: failures", () => {
  it.each(Object.keys(MALFORMED_RESPONSES))("refuses the malformed response %s as a protocol error", async (name) => {
    const error = await failureOf(transport.send(rawTarget, request(`/bad/${name}`)));
    expect(error.code).toBe("protocol-error");
    expect(error.requestSent).toBe(true);
  });

  it("errors the body stream when a chunk breaks the framing after a good head", async () => {
    const response = await transport.send(rawTarget, request("/bad-chunk"));
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toMatchObject({ code: "bad-chunk" });
  });

  it("errors the body stream when the connection closes before Content-Length bytes arrived", async () => {
    const response = await transport.send(rawTarget, request("/truncated"));
    await expect(response.text()).rejects.toMatchObject({ code: "body-truncated" });
  });

  it("reports a closed connection without an answer as a protocol error", async () => {
    expect(await failureOf(transport.send(rawTarget, request("/close")))).toMatchObject({ code: "protocol-error", requestSent: true });
  });

  it("times out when no response head arrives, and says the request was sent", async () => {
    const started = Date.now();
    const error = await failureOf(transport.send(rawTarget, request("/silent", { timeoutMs: 300 })));
    expect(error).toMatchObject({ code: "timeout", requestSent: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("reports a refused connection as connect-failed with nothing sent, so any method may be retried", async () => {
    const dead: ResolvedTarget = { node: "node-a", address: "127.0.0.2", nodePort: backends.ports.dead, weight: 1 };
    const error = await failureOf(transport.send(dead, request("/", { method: "POST", body: streamOf(["x"]) })));
    expect(error).toMatchObject({ code: "connect-failed", requestSent: false });
  });

  it("gives up connecting after the connect timeout, with nothing sent", async () => {
    // A platform socket whose connection never opens (loopback always answers at once).
    const neverOpens: Connect = () => {
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      return { readable, writable, opened: new Promise(() => undefined), closed: new Promise(() => undefined), upgraded: false, secureTransport: "off", close: async () => undefined, startTls: () => { throw new Error("no TLS"); } };
    };
    const slow = createSocketTransport({ connectTimeoutMs: 100, connect: neverOpens });
    const error = await failureOf(slow.send(rawTarget, request("/")));
    expect(error).toMatchObject({ code: "connect-failed", requestSent: false });
    expect(error.message).toMatch(/no connection within 100 ms/);
  });

  it("gives up connecting after the request's own connect timeout (proxy-connect-timeout) in place of its own", async () => {
    const neverOpens: Connect = () => {
      const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
      return { readable, writable, opened: new Promise(() => undefined), closed: new Promise(() => undefined), upgraded: false, secureTransport: "off", close: async () => undefined, startTls: () => { throw new Error("no TLS"); } };
    };
    const patient = createSocketTransport({ connectTimeoutMs: 60_000, connect: neverOpens });
    const error = await failureOf(patient.send(rawTarget, request("/", { connectTimeoutMs: 150 })));
    expect(error).toMatchObject({ code: "connect-failed", requestSent: false });
    expect(error.message).toMatch(/no connection within 150 ms/);
  });

  it("checks its options up front", () => {
    expect(() => createSocketTransport({ connectTimeoutMs: 0, maxHeadBytes: 10 })).toThrow(/connectTimeoutMs.*maxHeadBytes/);
  });
});
