import { describe, expect, it } from "vitest";
import { affinityCookie, readCookie } from "../../worker/affinity/cookie-affinity.ts";
import { readConfig } from "../../worker/config.ts";
import type { EdgeEnv } from "../../worker/env.ts";
import { requestIdOf } from "../../worker/error-response.ts";
import { buildDownstreamResponse, forwardHeaders } from "../../worker/proxy/forward-headers.ts";
import { mayRetry } from "../../worker/proxy/retry-policy.ts";
import { JtiLedger } from "../../worker/sync/jti-ledger.ts";
import { TransportError } from "../../worker/transport/transport.ts";

const bareEnv = { TABLE_KV: {} as KVNamespace } satisfies EdgeEnv;

describe("configuration defaults", () => {
  it("are the safe production ones", () => {
    const reading = readConfig(bareEnv, ["fetch"]);
    expect(reading).toMatchObject({
      ok: true,
      config: { transport: "fetch", allowIpTargets: false, hsts: "max-age=31536000", maxTries: 3, cookieKey: null, pushPublicJwk: null },
    });
  });

  it("list every bad var at once", () => {
    const reading = readConfig({ ...bareEnv, EDGE_COOLDOWN_MS: "-1", EDGE_TABLE_REFRESH_MS: "1e3", EDGE_PUSH_MAX_BYTES: "999999999" }, ["fetch"]);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.problems).toHaveLength(3);
  });
});

describe("retry policy", () => {
  const refused = new TransportError("connect-failed", "refused", "unknown");
  const timedOut = new TransportError("timeout", "slow", true);
  const neverSent = new TransportError("connect-failed", "refused before sending", false);

  it("retries idempotent methods without a body on any failure", () => {
    expect(mayRetry("GET", false, refused)).toBe(true);
    expect(mayRetry("PUT", false, timedOut)).toBe(true);
  });

  it("retries other methods without a body only after a connection failure", () => {
    expect(mayRetry("POST", false, refused)).toBe(true);
    expect(mayRetry("POST", false, timedOut)).toBe(false);
  });

  it("never repeats a streamed body unless the transport proves nothing was sent", () => {
    expect(mayRetry("PUT", true, refused)).toBe(false);
    expect(mayRetry("POST", true, neverSent)).toBe(true);
  });
});

describe("affinity cookie", () => {
  it("is read by exact name, the first occurrence winning", () => {
    expect(readCookie("a=1; EDGE=x; EDGE=y", "EDGE")).toBe("x");
    expect(readCookie("XEDGE=1; EDGE_X=2", "EDGE")).toBeNull();
    expect(readCookie('EDGE="quoted"', "EDGE")).toBe("quoted");
    expect(readCookie(null, "EDGE")).toBeNull();
  });

  it("is a session cookie without Max-Age when the Ingress gives none", () => {
    expect(affinityCookie({ mode: "cookie", name: "S", path: "/app" }, "v", true)).toBe("S=v; Path=/app; Secure; HttpOnly");
  });
});

describe("forwarded headers", () => {
  it("rewrite X-Forwarded-For only when the client is not already its last entry", () => {
    const written: string[] = [];
    class RecordingHeaders extends Headers {
      override set(name: string, value: string): void {
        written.push(name);
        super.set(name, value);
      }
    }
    const listed = new RecordingHeaders({ "x-forwarded-for": "203.0.113.1, 198.51.100.7" });
    forwardHeaders(listed, { clientIp: "198.51.100.7", scheme: "https", host: "a", port: "443" });
    expect(written).not.toContain("x-forwarded-for");
    expect(listed.get("x-forwarded-for")).toBe("203.0.113.1, 198.51.100.7");
    const unlisted = new RecordingHeaders({ "x-forwarded-for": "203.0.113.1" });
    forwardHeaders(unlisted, { clientIp: "198.51.100.7", scheme: "https", host: "a", port: "443" });
    expect(written).toContain("x-forwarded-for");
    expect(unlisted.get("x-forwarded-for")).toBe("203.0.113.1, 198.51.100.7");
  });

  it("leave X-Real-IP and X-Forwarded-For alone when the client address is unknown, and drop a spoofed X-Real-IP", () => {
    const headers = new Headers({ "x-real-ip": "1.2.3.4", "x-forwarded-for": "5.6.7.8" });
    forwardHeaders(headers, { clientIp: null, scheme: "http", host: "a", port: "80" });
    expect(headers.get("x-real-ip")).toBeNull();
    expect(headers.get("x-forwarded-for")).toBe("5.6.7.8");
  });
});

describe("downstream response", () => {
  it("keeps status, status text, body and end-to-end headers, and drops Connection, the headers it names and Proxy-Connection", async () => {
    const upstream = new Response("hello", {
      status: 207,
      statusText: "Multi",
      headers: { connection: "x-private, close", "x-private": "1", "proxy-connection": "keep-alive", "x-kept": "yes", "set-cookie": "a=1" },
    });
    const response = buildDownstreamResponse(upstream);
    expect(response.status).toBe(207);
    expect(response.statusText).toBe("Multi");
    expect(await response.text()).toBe("hello");
    expect([...response.headers.keys()].sort()).toEqual(["content-type", "set-cookie", "x-kept"]);
  });

  it("leaves Proxy-Authenticate (end-to-end under RFC 9110) and Trailer (the runtime writes its own) in place", () => {
    const upstream = new Response("hello", { headers: { "proxy-authenticate": "Basic", trailer: "x-sum" } });
    const response = buildDownstreamResponse(upstream);
    expect(response.headers.get("proxy-authenticate")).toBe("Basic");
    expect(response.headers.get("trailer")).toBe("x-sum");
  });
});

describe("downstream response without additions", () => {
  it("is the upstream response itself when it has no hop-by-hop header, and a trimmed copy when it has one", () => {
    const clean = new Response("ok", { headers: { "x-kept": "yes" } });
    expect(buildDownstreamResponse(clean, false)).toBe(clean);
    const hop = new Response("ok", { headers: { "x-kept": "yes", "proxy-connection": "keep-alive" } });
    const trimmed = buildDownstreamResponse(hop, false);
    expect(trimmed).not.toBe(hop);
    expect(trimmed.headers.has("proxy-connection")).toBe(false);
    expect(trimmed.headers.get("x-kept")).toBe("yes");
  });
  it("is the upstream response itself when its only hop-by-hop headers are ones the runtime writes itself", () => {
    const framed = new Response("ok", { headers: { "keep-alive": "timeout=5", "transfer-encoding": "chunked", "x-kept": "yes" } });
    expect(buildDownstreamResponse(framed, false)).toBe(framed);
  });
});

describe("request ids", () => {
  it("are 16 lower-case hex digits, fresh for every request without a ray id", () => {
    const ids = Array.from({ length: 300 }, () => requestIdOf(new Headers()));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("are Cloudflare's ray id when there is one", () => {
    expect(requestIdOf(new Headers({ "cf-ray": "8f1e2d3c4b5a6978-AMS" }))).toBe("8f1e2d3c4b5a6978-AMS");
  });
});

describe("token ledger", () => {
  it("accepts a token id once and forgets it after expiry", () => {
    const ledger = new JtiLedger();
    expect(ledger.claim("a", 100, 50)).toBe(true);
    expect(ledger.claim("a", 100, 60)).toBe(false);
    expect(ledger.claim("b", 500, 200)).toBe(true);
    expect(ledger.claim("a", 600, 200)).toBe(true);
  });
});
