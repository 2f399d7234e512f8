import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { cookieValueOf, importCookieKey } from "../../worker/affinity/cookie-affinity.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { sealTable } from "../../core/table/hash-table.ts";
import { nextGeneration, standardTable } from "./support/tables.ts";

beforeEach(async () => {
  await storeTable(await standardTable(backends));
});

function affinityCookie(response: Response): string | null {
  const header = response.headers.getAll("set-cookie").find((cookie: string) => cookie.startsWith("EDGE_AFFINITY="));
  return header ?? null;
}

function valueOf(setCookie: string | null): string {
  return /^EDGE_AFFINITY=([^;]*)/.exec(setCookie ?? "")?.[1] ?? "";
}

describe("cookie affinity", () => {
  it("issues an opaque signed cookie with the Ingress's attributes, HttpOnly, not Secure on http", async () => {
    const edge = startEdge();
    const response = await edge.send("http://sticky.example/");
    const cookie = affinityCookie(response);
    expect(cookie).toMatch(/^EDGE_AFFINITY=[A-Za-z0-9_-]{22}; Path=\/; Max-Age=3600; SameSite=Lax; HttpOnly$/);
    const echo = await echoOf(response);
    expect(cookie).not.toContain(echo.node);
    expect(cookie).not.toContain("127.0.0");
  });

  it("marks the cookie Secure on https", async () => {
    const edge = startEdge();
    expect(affinityCookie(await edge.send("https://sticky.example/"))).toMatch(/; Secure; HttpOnly$/);
  });

  it("keeps a client with the cookie on its target, without re-issuing it", async () => {
    const edge = startEdge();
    const first = await edge.send("http://sticky.example/");
    const value = valueOf(affinityCookie(first));
    const node = (await echoOf(first)).node;
    for (let i = 0; i < 20; i++) {
      const response = await edge.send("http://sticky.example/", { headers: { cookie: `other=1; EDGE_AFFINITY=${value}` } });
      expect(affinityCookie(response)).toBeNull();
      expect((await echoOf(response)).node).toBe(node);
    }
  });

  it("resolves the cookie alike at another edge location (a fresh isolate)", async () => {
    const first = await startEdge().send("http://sticky.example/");
    const node = (await echoOf(first)).node;
    const elsewhere = startEdge();
    const response = await elsewhere.send("http://sticky.example/", { headers: { cookie: `EDGE_AFFINITY=${valueOf(affinityCookie(first))}` } });
    expect((await echoOf(response)).node).toBe(node);
  });

  it("spreads clients without the cookie over the targets", async () => {
    const edge = startEdge();
    const nodes = new Set<string>();
    for (let i = 0; i < 30; i++) nodes.add((await echoOf(await edge.send("http://sticky.example/"))).node);
    expect(nodes.size).toBeGreaterThan(1);
  });

  it("re-balances a tampered cookie and issues a valid one", async () => {
    const edge = startEdge();
    const value = valueOf(affinityCookie(await edge.send("http://sticky.example/")));
    const tampered = `${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`;
    for (const forged of [tampered, "node-a", "0", "127.0.0.2:1", ""]) {
      const response = await edge.send("http://sticky.example/", { headers: { cookie: `EDGE_AFFINITY=${forged}` } });
      expect(response.status).toBe(200);
      expect(valueOf(affinityCookie(response))).toMatch(/^[A-Za-z0-9_-]{22}$/);
    }
  });

  it("does not accept a cookie signed with another key", async () => {
    const otherKey = await importCookieKey("another-key-another-key-another-key!!");
    const forged = await cookieValueOf(otherKey, "default/sticky:80", { node: "node-a", address: "127.0.0.2", nodePort: backends.ports.web, weight: 1 });
    const response = await startEdge().send("http://sticky.example/", { headers: { cookie: `EDGE_AFFINITY=${forged}` } });
    expect(affinityCookie(response)).not.toBeNull();
  });

  it("moves a client whose sticky target failed to another target and re-issues the cookie", async () => {
    const key = await importCookieKey(env.EDGE_COOKIE_KEY ?? "");
    const deadCookie = await cookieValueOf(key, "default/sticky-flaky:80", { node: "node-dead", address: "127.0.0.5", nodePort: backends.ports.web, weight: 1 });
    const edge = startEdge();
    const response = await edge.send("https://sticky-flaky.example/", { headers: { cookie: `EDGE_AFFINITY=${deadCookie}` } });
    expect((await echoOf(response.clone())).node).toBe("node-b");
    const reissued = affinityCookie(response);
    expect(reissued).toMatch(/SameSite=None; Secure; HttpOnly$/);
    expect(valueOf(reissued)).not.toBe(deadCookie);
  });

  it("leaves SameSite=None off on plain http, where browsers would drop the cookie", async () => {
    const edge = startEdge({}, { random: () => 0.99 });
    const cookie = affinityCookie(await edge.send("http://sticky-flaky.example/"));
    expect(cookie).not.toBeNull();
    expect(cookie).not.toContain("SameSite");
  });

  it("serves without stickiness when the cookie key secret is missing", async () => {
    const edge = startEdge({ EDGE_COOKIE_KEY: "" });
    const response = await edge.send("http://sticky.example/");
    expect(response.status).toBe(200);
    expect(affinityCookie(response)).toBeNull();
  });
});

describe("client-IP affinity", () => {
  it("sends one client to one target, at every edge location", async () => {
    const nodes = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const response = await startEdge().send("http://ip.example/", { headers: { "cf-connecting-ip": "198.51.100.23" } });
      nodes.add((await echoOf(response)).node);
    }
    expect(nodes.size).toBe(1);
  });

  it("spreads different clients over the targets", async () => {
    const edge = startEdge();
    const nodes = new Set<string>();
    for (let i = 0; i < 30; i++) {
      nodes.add((await echoOf(await edge.send("http://ip.example/", { headers: { "cf-connecting-ip": `203.0.113.${i}` } }))).node);
    }
    expect(nodes.size).toBe(3);
  });

  it("gives the clients of a Node that fails one other Node each, the same at every edge location, and keeps the rest", async () => {
    // node-dead refuses connections but is still in the table: its clients are found out by failing over.
    const clients = Array.from({ length: 30 }, (_, i) => `203.0.113.${i}`);
    const first = new Map<string, string>();
    for (const ip of clients) {
      const response = await startEdge().send("http://ip-flaky.example/", { headers: { "cf-connecting-ip": ip } });
      expect(response.status).toBe(200);
      first.set(ip, (await echoOf(response)).node);
    }
    // Another location, and this one again after it has marked node-dead down: every client lands where it did.
    const warm = startEdge();
    for (const edge of [startEdge(), warm, warm]) {
      for (const ip of clients) expect((await echoOf(await edge.send("http://ip-flaky.example/", { headers: { "cf-connecting-ip": ip } }))).node).toBe(first.get(ip));
    }
    expect(new Set(first.values())).toEqual(new Set(["node-b", "node-c"]));
  });

  it("moves only the clients of a target that left the table", async () => {
    const edge = startEdge();
    const before = new Map<string, string>();
    for (let i = 0; i < 30; i++) {
      const ip = `203.0.113.${i}`;
      before.set(ip, (await echoOf(await edge.send("http://ip.example/", { headers: { "cf-connecting-ip": ip } }))).node);
    }
    const { version: _version, generation: _generation, ...content } = await standardTable(backends);
    const drained = await sealTable({ ...content, backends: content.backends.map((b) => (b.id === "default/client-ip:80" ? { ...b, down: ["node-b"] } : b)) }, nextGeneration());
    await storeTable(drained);
    for (const [ip, node] of before) {
      const now = (await echoOf(await edge.send("http://ip.example/", { headers: { "cf-connecting-ip": ip } }))).node;
      if (node === "node-b") expect(now).not.toBe("node-b");
      else expect(now).toBe(node);
    }
  });
});
