import { connect as connectSocket } from "cloudflare:sockets";
import { beforeAll, describe, expect, it } from "vitest";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";
import { createFetchTransport } from "../../worker/transport/fetch-transport.ts";
import { createSocketTransport, type Connect } from "../../worker/transport/socket-transport.ts";
import type { UpstreamRequest } from "../../worker/transport/transport.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { backend, loopbackNodes, prefix, sealed } from "./support/tables.ts";

/*
 * Backends the table says to speak HTTPS to, reached for real over TLS: the tls-web echo backends serve a test
 * certificate that vitest.config.mts makes the runtime trust (as a private CA would be), the untrusted ones one it
 * does not. What the backend reports about its connection (TLS, server name) is the evidence.
 */
const all = [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }];
const nodeAddresses = new Set(backends.nodes.map((node) => node.address));
const socketEdge = () => startEdge({ EDGE_TRANSPORT: "socket", EDGE_ALLOW_IP_TARGETS: "false" });

beforeAll(async () => {
  const { ports } = backends;
  await storeTable(
    await sealed({
      nodes: loopbackNodes(backends),
      backends: [
        backend("default/secure:443", ports.tlsWeb, { protocol: "https", targets: all }),
        backend("default/untrusted:443", ports.untrustedTls, { protocol: "https", targets: all }),
        backend("default/plain-to-tls:443", ports.tlsWeb, { targets: all }),
      ],
      hosts: [
        { host: "plain-to-tls.example", rules: [prefix("/", "default/plain-to-tls:443")] },
        { host: "secure.example", rules: [prefix("/", "default/secure:443")] },
        { host: "untrusted.example", rules: [prefix("/", "default/untrusted:443")] },
      ],
    }),
  );
});

describe.each([
  ["fetch", () => startEdge()],
  ["socket", socketEdge],
] as const)("the edge with the %s transport and a backend it speaks HTTPS to", (transport, edge) => {
  it("reaches the backend over TLS, telling it the scheme the client used, not its own", async () => {
    const plain = await echoOf(await edge().send("http://secure.example/hello?x=1"));
    expect(plain.service).toBe("tls-web");
    expect(plain.url).toBe("/hello?x=1");
    expect(plain.tls).toBeDefined();
    expect(plain.headers["x-forwarded-proto"]).toBe("http");
    const secure = await echoOf(await edge().send("https://secure.example/"));
    expect(secure.tls).toBeDefined();
    expect(secure.headers["x-forwarded-proto"]).toBe("https");
  });

  it("sends the name it checks the certificate against as the server name (SNI): here, with no DNS names, the Node's address", async () => {
    const echo = await echoOf(await edge().send("http://secure.example/"));
    expect(nodeAddresses.has(echo.tls?.servername ?? "")).toBe(true);
  });

  it("points an https:// redirect to the backend's own address back at the client's scheme and host", async () => {
    const response = await edge().send("https://secure.example/redirect-self");
    expect(response.status).toBe(302);
    // The socket transport hands the backend the client's Host, so the backend already named it.
    expect(response.headers.get("location")).toBe("https://secure.example/landing?from=self");
  });

  it("relays a WebSocket to the backend over TLS", async () => {
    const response = await edge().send("http://secure.example/ws", {
      headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" },
    });
    expect(response.status).toBe(101);
    const socket = response.webSocket;
    if (socket === null) throw new Error("a 101 without a WebSocket");
    const messages: string[] = [];
    const echoed = new Promise<void>((resolve) => {
      socket.addEventListener("message", (event) => {
        messages.push(String(event.data));
        if (messages.length === 2) resolve();
      });
    });
    socket.accept();
    socket.send("over tls");
    await echoed;
    expect(messages).toEqual([expect.stringMatching(/^hello from node-[abc] at \/ws$/), "over tls"]);
    socket.close(1000, "done");
  });

  it("refuses a backend whose certificate it cannot verify: 502, nothing served unverified", async () => {
    const response = await edge().send("http://untrusted.example/");
    expect(response.status).toBe(502);
  });

  it(`speaks plain HTTP to a backend the table does not mark HTTPS, which a TLS port does not answer (${transport})`, async () => {
    expect((await edge().send("http://plain-to-tls.example/")).status).toBe(502);
  });
});

const attempt: UpstreamRequest = {
  method: "GET",
  pathAndQuery: "/where?x=1",
  clientHeaders: new Headers(),
  prepareHeaders: () => {},
  originalHost: "app.example",
  originalScheme: "https",
  body: null,
  client: new Request("https://app.example/where?x=1"),
  timeoutMs: 2000,
};

describe("the fetch transport's URL for an HTTPS backend", () => {
  it("is https://<the Node's DNS name>:<nodePort>, the name the runtime checks the certificate against", async () => {
    const urls: string[] = [];
    const transport = createFetchTransport({ allowIpTargets: false, fetch: async (request) => { urls.push(request.url); return new Response("ok"); } });
    const https: ResolvedTarget = { node: "node-a", address: "192.0.2.10", hostname: "node-a.nodes.example", nodePort: 30443, protocol: "https", weight: 1 };
    const http: ResolvedTarget = { node: "node-a", address: "192.0.2.10", hostname: "node-a.nodes.example", nodePort: 30080, weight: 1 };
    await transport.send(https, attempt);
    await transport.send(http, attempt);
    expect(urls).toEqual(["https://node-a.nodes.example:30443/where?x=1", "http://node-a.nodes.example:30080/where?x=1"]);
  });

  it("recognises a redirect to https://<that name>:<nodePort> as the backend's own", async () => {
    const transport = createFetchTransport({
      allowIpTargets: false,
      fetch: async () => new Response(null, { status: 301, headers: { location: "https://NODE-A.nodes.example:30443/next" } }),
    });
    const https: ResolvedTarget = { node: "node-a", address: "192.0.2.10", hostname: "node-a.nodes.example", nodePort: 30443, protocol: "https", weight: 1 };
    expect((await transport.send(https, attempt)).headers.get("location")).toBe("https://app.example/next");
  });
});

describe("the fetch transport's answer when Cloudflare cannot verify an HTTPS backend", () => {
  const https: ResolvedTarget = { node: "node-a", address: "192.0.2.10", hostname: "node-a.nodes.example", nodePort: 30443, protocol: "https", weight: 1 };

  it.each([525, 526])("takes Cloudflare's %i for a failed connection, so the edge tries another Node, and passes it through for plain HTTP", async (status) => {
    const transport = createFetchTransport({ allowIpTargets: false, fetch: async () => new Response("origin TLS failed", { status }) });
    await expect(transport.send(https, attempt)).rejects.toMatchObject({ code: "connect-failed", requestSent: "unknown" });
    expect((await transport.send({ ...https, protocol: undefined }, attempt)).status).toBe(status);
  });
});

describe("the socket transport's connection to an HTTPS backend", () => {
  /** The runtime's connect(), recording what it was asked for; DNS names are dialled at the Node's loopback address. */
  function recordingConnect(calls: { hostname: string; secureTransport: string | undefined }[], addressOf: ReadonlyMap<string, string>): Connect {
    return (address, options) => {
      calls.push({ hostname: address.hostname, secureTransport: options.secureTransport });
      return connectSocket({ hostname: addressOf.get(address.hostname) ?? address.hostname, port: address.port }, options);
    };
  }

  it("dials the Node's DNS name with TLS on, so the certificate is checked against that name, and its address for plain HTTP", async () => {
    const calls: { hostname: string; secureTransport: string | undefined }[] = [];
    const transport = createSocketTransport({ connectTimeoutMs: 1000, connect: recordingConnect(calls, new Map([["node-a.nodes.test", "127.0.0.2"]])) });
    const named = { node: "node-a", address: "127.0.0.2", hostname: "node-a.nodes.test", weight: 1 };
    const overTls = await transport.send({ ...named, nodePort: backends.ports.tlsWeb, protocol: "https" }, attempt);
    expect((await echoOf(overTls)).tls).toBeDefined();
    const inClear = await transport.send({ ...named, nodePort: backends.ports.web }, attempt);
    expect((await echoOf(inClear)).tls).toBeUndefined();
    expect(calls).toEqual([{ hostname: "node-a.nodes.test", secureTransport: "on" }, { hostname: "127.0.0.2", secureTransport: "off" }]);
  });

  it("reports a certificate it cannot verify as a failed connection with nothing sent, so any method may go to another Node", async () => {
    const transport = createSocketTransport({ connectTimeoutMs: 1000 });
    const untrusted: ResolvedTarget = { node: "node-a", address: "127.0.0.2", nodePort: backends.ports.untrustedTls, protocol: "https", weight: 1 };
    await expect(transport.send(untrusted, attempt)).rejects.toMatchObject({ code: "connect-failed", requestSent: false });
  });

  it("dials the address with TLS on when the Node has no DNS name", async () => {
    const calls: { hostname: string; secureTransport: string | undefined }[] = [];
    const transport = createSocketTransport({ connectTimeoutMs: 1000, connect: recordingConnect(calls, new Map()) });
    const response = await transport.send({ node: "node-b", address: "127.0.0.3", nodePort: backends.ports.tlsWeb, protocol: "https", weight: 1 }, attempt);
    expect((await echoOf(response)).tls).toEqual({ servername: "127.0.0.3" });
    expect(calls).toEqual([{ hostname: "127.0.0.3", secureTransport: "on" }]);
  });
});
