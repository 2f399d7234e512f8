import { beforeAll, describe, expect, it } from "vitest";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { standardTable } from "./support/tables.ts";

beforeAll(async () => {
  await storeTable(await standardTable(backends));
});

describe("TLS", () => {
  it("redirects plain http for a TLS host with 308 to https, same host, path and query", async () => {
    const response = await startEdge().send("http://secure.example/a/b?c=1&d=2");
    expect(response.status).toBe(308);
    expect(response.headers.get("location")).toBe("https://secure.example/a/b?c=1&d=2");
  });

  it("redirects to the normalised path", async () => {
    const response = await startEdge().send("http://secure.example/a/%2e%2e/b");
    expect(response.headers.get("location")).toBe("https://secure.example/b");
  });

  it("serves plain http for a TLS host whose Ingress turned the redirect off", async () => {
    const response = await startEdge().send("http://noredirect.example/");
    expect(response.status).toBe(200);
    expect(response.headers.get("strict-transport-security")).toBeNull();
  });

  it("proxies https with HSTS and tells the backend the request was https on 443", async () => {
    const response = await startEdge().send("https://secure.example/x");
    expect(response.status).toBe(200);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000");
    const echo = await echoOf(response);
    expect(echo.headers["x-forwarded-proto"]).toBe("https");
    expect(echo.headers["x-forwarded-port"]).toBe("443");
  });

  it("keeps a backend's own HSTS header rather than putting the edge's over it", async () => {
    const response = await startEdge().send("https://secure.example/own-hsts");
    expect(response.status).toBe(200);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=60; includeSubDomains");
  });

  it("puts HSTS on the edge's own https answers too", async () => {
    const response = await startEdge().send("https://unknown.example/");
    expect(response.status).toBe(404);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000");
  });

  it("takes the HSTS value from EDGE_HSTS, and none when it is off", async () => {
    const custom = await startEdge({ EDGE_HSTS: "max-age=600; includeSubDomains" }).send("https://secure.example/");
    expect(custom.headers.get("strict-transport-security")).toBe("max-age=600; includeSubDomains");
    const off = await startEdge({ EDGE_HSTS: "off" }).send("https://secure.example/");
    expect(off.headers.get("strict-transport-security")).toBeNull();
  });
});
