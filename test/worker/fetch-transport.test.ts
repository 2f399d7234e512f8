import { describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import { forwardHeaders } from "../../worker/proxy/forward-headers.ts";
import { createFetchTransport } from "../../worker/transport/fetch-transport.ts";
import { TransportError, type UpstreamRequest } from "../../worker/transport/transport.ts";

const raw = inject("rawHttp");
const transport = createFetchTransport({ allowIpTargets: true });
const rawTarget: ResolvedTarget = { node: "node-a", address: "127.0.0.2", nodePort: raw.port, weight: 1 };
const forward = { clientIp: "198.51.100.7", scheme: "https", host: "app.example", port: "443" } as const;

/** What the raw server received: the head's lines, names lower-cased. */
async function wireLinesOf(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .slice(0, text.indexOf("\r\n\r\n"))
    .split("\r\n")
    .map((line, index) => (index === 0 ? line : line.replace(/^[^:]+/, (name) => name.toLowerCase())));
}

/** The attempt for a client's request, as the edge makes it. */
function attemptFor(client: Request, prepareHeaders: (headers: Headers) => void = () => {}): UpstreamRequest {
  const url = new URL(client.url);
  return {
    clientHeaders: client.headers,
    body: client.body,
    client,
    method: client.method,
    pathAndQuery: `${url.pathname}${url.search}`,
    prepareHeaders,
    originalHost: "app.example",
    originalScheme: "https",
    timeoutMs: 2000,
  };
}

// Requests from the network arrive with redirect "manual"; one from a service binding or a test may say "follow".
describe.each(["manual", "follow"] as const)("fetch transport, for a client request whose redirect mode is %s", (redirect) => {
  it("sends no hop-by-hop field a client gave: the runtime writes its own, the edge removes the rest", async () => {
    const client = new Request("http://app.example/raw-request?q=1", {
      redirect,
      headers: {
        connection: "keep-alive, x-client-private",
        "x-client-private": "secret",
        "keep-alive": "timeout=5",
        te: "trailers",
        trailer: "x-sum",
        upgrade: "h2c",
        "proxy-connection": "keep-alive",
        "proxy-authorization": "Basic abc",
        host: "evil.example",
        "x-kept": "yes",
      },
    });
    const lines = await wireLinesOf(await transport.send(rawTarget, attemptFor(client, (headers) => void forwardHeaders(headers, forward))));
    expect(lines[0]).toBe("GET /raw-request?q=1 HTTP/1.1");
    const names = lines.slice(1).map((line) => line.slice(0, line.indexOf(":")));
    for (const hopByHop of ["keep-alive", "te", "trailer", "upgrade", "proxy-connection", "proxy-authorization", "x-client-private"]) {
      expect(names).not.toContain(hopByHop);
    }
    expect(lines).toContain(`host: 127.0.0.2:${raw.port}`);
    expect(lines).toContain("x-kept: yes");
    expect(lines).toContain("x-forwarded-host: app.example");
    expect(lines).toContain("x-forwarded-for: 198.51.100.7");
  });

  it("sends the client's method and body", async () => {
    const client = new Request("http://app.example/raw-request", { redirect, method: "PUT", body: "hello body" });
    const text = await (await transport.send(rawTarget, attemptFor(client))).text();
    expect(text.split("\r\n")[0]).toBe("PUT /raw-request HTTP/1.1");
    expect(text.endsWith("\r\n\r\nhello body")).toBe(true);
  });

  it("passes a redirect back instead of following it", async () => {
    const upstream = await transport.send(rawTarget, attemptFor(new Request("http://app.example/redirect", { redirect })));
    expect(upstream.status).toBe(302);
  });
});

describe("fetch transport: failures", () => {
  it("turns an injected fetch that throws into a connect failure whose delivery is unknown", async () => {
    const throwing = createFetchTransport({
      allowIpTargets: true,
      fetch: () => {
        throw new TypeError("network down");
      },
    });
    const attempt = throwing.send(rawTarget, attemptFor(new Request("http://app.example/")));
    await expect(attempt).rejects.toBeInstanceOf(TransportError);
    await expect(attempt).rejects.toMatchObject({ code: "connect-failed", requestSent: "unknown", message: "network down" });
  });
});
