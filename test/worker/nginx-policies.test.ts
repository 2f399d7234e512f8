import { beforeAll, describe, expect, it } from "vitest";
import { compileTable } from "../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../core/compile/compile-options.ts";
import { sealTable } from "../../core/table/hash-table.ts";
import { validateTable } from "../../core/table/validate-table.ts";
import { cluster, ingress, node, service, slice } from "../support/cluster-builder.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { nextGeneration } from "./support/tables.ts";

const P = "nginx.ingress.kubernetes.io/";

/** Ingresses written for ingress-nginx, compiled by the real compiler onto the loopback echo backends. */
function nginxCluster() {
  const at = (host: string, annotations: Record<string, string>, options: { tls?: boolean; path?: string } = {}) =>
    ingress(`default/${host.split(".")[0] ?? host}`, [{ host, path: options.path ?? "/", service: "web", port: 80 }], { annotations, ...(options.tls === true ? { tls: [host] } : {}) });
  return cluster({
    nodes: backends.nodes.map((n) => node(n.name, n.address)),
    services: [service("default/web", [{ port: 80, nodePort: backends.ports.web }]), service("default/api", [{ port: 80, nodePort: backends.ports.api }]), service("default/hang", [{ port: 80, nodePort: backends.ports.hang }])],
    endpointSlices: [slice("default/web", backends.nodes.map((n) => ({ node: n.name }))), slice("default/api", backends.nodes.map((n) => ({ node: n.name }))), slice("default/hang", [{ node: "node-a" }])],
    ingresses: [
      at("allow.example", { [`${P}whitelist-source-range`]: "10.0.0.0/8, 2001:db8::/32" }),
      at("deny.example", { [`${P}denylist-source-range`]: "192.0.2.0/24" }),
      at("moved.example", { [`${P}permanent-redirect`]: "https://new.example$request_uri", [`${P}permanent-redirect-code`]: "308" }),
      at("temp.example", { [`${P}temporal-redirect`]: "https://maintenance.example/", [`${P}permanent-redirect`]: "https://ignored.example/" }),
      at("root.example", { [`${P}app-root`]: "/app1" }),
      at("small.example", { [`${P}proxy-body-size`]: "1k" }),
      at("cors.example", { [`${P}enable-cors`]: "true", [`${P}cors-allow-origin`]: "https://a.example, https://*.b.example", [`${P}cors-allow-credentials`]: "false" }),
      at("force.example", { [`${P}force-ssl-redirect`]: "true" }),
      at("prefixed.example", { [`${P}rewrite-target`]: "/$2", [`${P}x-forwarded-prefix`]: "/$1" }, { path: "/(shop)/(.*)" }),
      at("rewrite.example", { [`${P}use-regex`]: "true", [`${P}rewrite-target`]: "/$2" }, { path: "/something(/|$)(.*)" }),
      at("vhost.example", { [`${P}upstream-vhost`]: "internal.svc:8080" }),
      ingress("default/slow", [{ host: "slow.example", service: "hang", port: 80 }], { annotations: { [`${P}proxy-read-timeout`]: "1" } }),
      ingress("default/www", [{ host: "www.site.example", service: "web", port: 80 }], { annotations: { [`${P}from-to-www-redirect`]: "true" } }),
      at("split.example", { [`${P}whitelist-source-range`]: "10.0.0.0/8" }),
      ingress("default/split-canary", [{ host: "split.example", path: "/", service: "api", port: 80 }], {
        annotations: { [`${P}canary`]: "true", [`${P}canary-weight`]: "30", [`${P}canary-by-header`]: "X-Canary", [`${P}canary-by-cookie`]: "canary" },
      }),
      at("pattern.example", {}),
      ingress("default/pattern-canary", [{ host: "pattern.example", path: "/", service: "api", port: 80 }], {
        annotations: { [`${P}canary`]: "true", [`${P}canary-by-header`]: "X-Release", [`${P}canary-by-header-pattern`]: "^(beta|rc)-[0-9]+$" },
      }),
      at("order.example", { [`${P}whitelist-source-range`]: "10.0.0.0/8", [`${P}enable-cors`]: "true", [`${P}app-root`]: "/app" }, { tls: true }),
    ],
  });
}

beforeAll(async () => {
  const { content } = compileTable(nginxCluster(), defaultCompileOptions);
  expect(content.problems.map((p) => p.object)).toEqual(["default/vhost"]);
  const table = await sealTable(content, nextGeneration());
  expect(validateTable(JSON.parse(JSON.stringify(table))).ok).toBe(true);
  await storeTable(table);
});

const from = (ip: string, headers: Record<string, string> = {}): RequestInit => ({ headers: { "cf-connecting-ip": ip, ...headers } });

describe("ingress-nginx annotations at the edge", () => {
  describe("whitelist-source-range / denylist-source-range on the real client address", () => {
    it("serves a client inside the allow-list, IPv4 or IPv6, and answers 403 to any other", async () => {
      const edge = startEdge();
      expect((await edge.send("http://allow.example/x", from("10.1.2.3"))).status).toBe(200);
      expect((await edge.send("http://allow.example/x", from("2001:db8::7"))).status).toBe(200);
      const outside = await edge.send("http://allow.example/x", from("203.0.113.5"));
      expect(outside.status).toBe(403);
      expect(await outside.text()).toContain("forbidden: the client address is not allowed");
    });
    it("fails closed when the client address is unknown", async () => {
      expect((await startEdge().send("http://allow.example/x")).status).toBe(403);
    });
    it("answers 403 to a denied client and serves the others", async () => {
      const edge = startEdge();
      expect((await edge.send("http://deny.example/", from("192.0.2.9"))).status).toBe(403);
      expect((await edge.send("http://deny.example/", from("198.51.100.1"))).status).toBe(200);
    });
  });

  describe("redirects", () => {
    it("permanent-redirect answers with its code and fills in $request_uri", async () => {
      const response = await startEdge().send("http://moved.example/a/b?c=1", from("198.51.100.1"));
      expect(response.status).toBe(308);
      expect(response.headers.get("location")).toBe("https://new.example/a/b?c=1");
    });
    it("temporal-redirect wins over permanent-redirect, 302 by default, the URL as written", async () => {
      const response = await startEdge().send("http://temp.example/anything?x=1", from("198.51.100.1"));
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe("https://maintenance.example/");
    });
    it("app-root sends / (only /) to the application's root with a 302", async () => {
      const edge = startEdge();
      const root = await edge.send("http://root.example/", from("198.51.100.1"));
      expect(root.status).toBe(302);
      expect(root.headers.get("location")).toBe("http://root.example/app1");
      expect((await echoOf(await edge.send("http://root.example/app1/page", from("198.51.100.1")))).url).toBe("/app1/page");
    });
    it("force-ssl-redirect sends plain http to https on a host without TLS", async () => {
      const response = await startEdge().send("http://force.example/p?q=1", from("198.51.100.1"));
      expect(response.status).toBe(308);
      expect(response.headers.get("location")).toBe("https://force.example/p?q=1");
      expect((await startEdge().send("https://force.example/p", from("198.51.100.1"))).status).toBe(200);
    });
  });

  it("proxy-body-size answers 413 to a body declared larger, and passes one within it", async () => {
    const edge = startEdge();
    const big = await edge.send("http://small.example/upload", { method: "POST", body: "x".repeat(1025), headers: { "cf-connecting-ip": "198.51.100.1", "content-length": "1025" } });
    expect(big.status).toBe(413);
    const fits = await edge.send("http://small.example/upload", { method: "POST", body: "x".repeat(1024), headers: { "cf-connecting-ip": "198.51.100.1", "content-length": "1024" } });
    expect((await echoOf(fits)).bodyLength).toBe(1024);
  });

  it("proxy-body-size counts a body of undeclared length too: 413 above it, forwarded whole within it", async () => {
    const stream = (size: number) => new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent < size; sent += 300) controller.enqueue(new Uint8Array(Math.min(300, size - sent)).fill(120));
        controller.close();
      },
    });
    const edge = startEdge();
    const post = (size: number) => edge.send("http://small.example/upload", { method: "POST", body: stream(size), headers: { "cf-connecting-ip": "198.51.100.1" } });
    const big = await post(1025);
    expect(big.status).toBe(413);
    expect((await echoOf(await post(1024))).bodyLength).toBe(1024);
  });

  describe("enable-cors", () => {
    it("answers the preflight of an allowed origin at the edge with ingress-nginx's defaults", async () => {
      const response = await startEdge().send("http://cors.example/api", { method: "OPTIONS", headers: { origin: "https://x.b.example", "cf-connecting-ip": "198.51.100.1" } });
      expect(response.status).toBe(204);
      expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("access-control-")))).toEqual({
        "access-control-allow-origin": "https://x.b.example",
        "access-control-allow-methods": "GET, PUT, POST, DELETE, PATCH, OPTIONS",
        "access-control-allow-headers": "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization",
        "access-control-max-age": "1728000",
      });
    });
    it("adds the CORS headers to the backend's answer for an allowed origin, and none for another", async () => {
      const edge = startEdge();
      const allowed = await edge.send("http://cors.example/api", from("198.51.100.1", { origin: "https://a.example" }));
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://a.example");
      expect((await echoOf(allowed)).service).toBe("web");
      const other = await edge.send("http://cors.example/api", { method: "OPTIONS", headers: { origin: "https://evil.example", "cf-connecting-ip": "198.51.100.1" } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
      expect((await echoOf(other)).method).toBe("OPTIONS"); // not a preflight the edge answers: the backend's to answer
    });
  });

  it("from-to-www-redirect sends the bare host to www with a 308, the URI less one trailing slash, as ingress-nginx's Lua does", async () => {
    const edge = startEdge();
    const bare = await edge.send("https://site.example/a/b/?q=1", from("198.51.100.1"));
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("https://www.site.example/a/b/?q=1");
    expect((await edge.send("http://site.example/shop/", from("198.51.100.1"))).headers.get("location")).toBe("http://www.site.example/shop");
    expect((await echoOf(await edge.send("https://www.site.example/a", from("198.51.100.1")))).url).toBe("/a");
  });

  it("proxy-read-timeout bounds the wait for the backend's answer: 504 after it, not after the edge's 30 s", async () => {
    const started = Date.now();
    const response = await startEdge().send("http://slow.example/", from("198.51.100.1"));
    expect(response.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("upstream-vhost is the Host the backend sees over the socket transport; the fetch transport keeps its own", async () => {
    const socket = await echoOf(await startEdge({ EDGE_TRANSPORT: "socket" }).send("http://vhost.example/", from("198.51.100.1")));
    expect(socket.headers.host).toBe("internal.svc:8080");
    expect(socket.headers["x-forwarded-host"]).toBe("vhost.example");
    const fetched = await echoOf(await startEdge().send("http://vhost.example/", from("198.51.100.1")));
    expect(fetched.headers.host).not.toBe("internal.svc:8080");
  });

  describe("rewrite-target on regex paths", () => {
    it("sends the backend the rewritten path, query kept, as ingress-nginx's documented example", async () => {
      const edge = startEdge();
      expect((await echoOf(await edge.send("http://rewrite.example/something/new?x=1", from("198.51.100.1")))).url).toBe("/new?x=1");
      expect((await echoOf(await edge.send("http://rewrite.example/SOMETHING", from("198.51.100.1")))).url).toBe("/");
      expect((await edge.send("http://rewrite.example/other", from("198.51.100.1"))).status).toBe(404);
    });
    it("sends x-forwarded-prefix with the rewrite's captures, over what the client sent", async () => {
      const echo = await echoOf(await startEdge().send("http://prefixed.example/shop/cart", from("198.51.100.1", { "x-forwarded-prefix": "/client" })));
      expect(echo.headers["x-forwarded-prefix"]).toBe("/shop");
      expect(echo.url).toBe("/cart");
    });
  });

  describe("canary", () => {
    const inside = (headers: Record<string, string> = {}) => from("10.0.0.1", headers);
    it("sends `always` in its header to the canary's Service and `never` to the mainline's", async () => {
      const edge = startEdge({}, { random: () => 0 });
      expect((await echoOf(await edge.send("http://split.example/", inside({ "x-canary": "always" })))).service).toBe("api");
      expect((await echoOf(await edge.send("http://split.example/", inside({ "x-canary": "never" })))).service).toBe("web");
    });
    it("follows the cookie when the header says nothing", async () => {
      const edge = startEdge({}, { random: () => 0 });
      expect((await echoOf(await edge.send("http://split.example/", inside({ cookie: "canary=never" })))).service).toBe("web");
      expect((await echoOf(await edge.send("http://split.example/", inside({ cookie: "canary=always" })))).service).toBe("api");
    });
    it("splits the rest by weight, 30 in 100: the draws below 0.30 go to the canary, the others to the mainline", async () => {
      expect((await echoOf(await startEdge({}, { random: () => 0.29 }).send("http://split.example/", inside()))).service).toBe("api");
      expect((await echoOf(await startEdge({}, { random: () => 0.3 }).send("http://split.example/", inside()))).service).toBe("web");
      expect((await echoOf(await startEdge({}, { random: () => 0.3 }).send("http://split.example/", inside({ "x-canary": "maybe" })))).service).toBe("web");
    });
    it("sends a header value its pattern matches (canary-by-header-pattern) to the canary, and any other to the mainline", async () => {
      const edge = startEdge({}, { random: () => 0 });
      expect((await echoOf(await edge.send("http://pattern.example/", from("198.51.100.1", { "x-release": "rc-2" })))).service).toBe("api");
      expect((await echoOf(await edge.send("http://pattern.example/", from("198.51.100.1", { "x-release": "rc-2x" })))).service).toBe("web");
      expect((await echoOf(await edge.send("http://pattern.example/", from("198.51.100.1", { "x-release": "always" })))).service).toBe("web");
    });
    it("applies the mainline's allow-list to the canary's traffic too", async () => {
      expect((await startEdge().send("http://split.example/", from("203.0.113.5", { "x-canary": "always" }))).status).toBe(403);
    });
  });

  it("applies the steps in ingress-nginx's order: app-root, then CORS preflight, then the https redirect, then the allow-list", async () => {
    const edge = startEdge();
    // app-root runs in nginx's server rewrite phase: before the redirect to https and before the allow-list.
    expect((await edge.send("http://order.example/", from("203.0.113.5"))).headers.get("location")).toBe("http://order.example/app");
    // The preflight is a rewrite-phase `return` in the location: answered even for a client the allow-list refuses.
    expect((await edge.send("https://order.example/x", { method: "OPTIONS", headers: { "cf-connecting-ip": "203.0.113.5" } })).status).toBe(204);
    // ingress-nginx's Lua redirect to https comes before the access phase…
    expect((await edge.send("http://order.example/x", from("203.0.113.5"))).status).toBe(308);
    // …which then refuses the client on https.
    expect((await edge.send("https://order.example/x", from("203.0.113.5"))).status).toBe(403);
    expect((await edge.send("https://order.example/x", from("10.0.0.1"))).status).toBe(200);
  });
});
