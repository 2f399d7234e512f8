import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, canaryHits, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { backend, exact, loopbackNodes, prefix, sealed, standardTable } from "./support/tables.ts";

const canary = `127.0.0.1:${backends.ports.canary}`;
const tableTargets = new Set(backends.nodes.map((node) => node.name));

beforeAll(async () => {
  await storeTable(
    await sealed({
      nodes: loopbackNodes(backends),
      backends: [backend("default/web:80", backends.ports.web), backend("default/api:80", backends.ports.api)],
      hosts: [
        { host: "app.example", rules: [prefix("/", "default/web:80"), prefix("/admin", "default/api:80"), exact("/exact", "default/api:80")] },
      ],
    }),
  );
});

afterAll(async () => {
  await storeTable(await standardTable(backends));
});

/** Whatever came back, it came from a table target (or from the edge itself), never from elsewhere. */
async function expectOnlyTableTargets(response: Response): Promise<void> {
  if (response.headers.get("content-type") !== "application/json") {
    expect(response.status).toBeGreaterThanOrEqual(300);
    expect(await response.text()).not.toContain("canary");
    return;
  }
  const echo = await echoOf(response);
  expect(tableTargets.has(echo.node)).toBe(true);
}

describe("no request can reach anything outside the table", () => {
  it("has a live canary, counting whatever reaches it", async () => {
    const before = await canaryHits();
    await (await fetch(`http://${canary}/`)).text();
    expect(await canaryHits()).toBe(before + 1);
  });

  it("ignores Host, X-Forwarded-Host and absolute-form tricks, path-smuggled authorities and cookies", async () => {
    const before = await canaryHits();
    const edge = startEdge();
    const attempts: [string, RequestInit?][] = [
      [`http://app.example/`, { headers: { host: canary } }],
      [`http://app.example/`, { headers: { "x-forwarded-host": canary, forwarded: `host=${canary}` } }],
      [`http://${canary}/`],
      [`http://127.0.0.2:${backends.ports.canary}/`],
      [`http://app.example/http://${canary}/`],
      [`http://app.example//${canary}/x`],
      [`http://app.example/@${canary}/`],
      [`http://app.example/\\\\${canary}/`],
      [`http://app.example/%2F%2F${canary}/`],
      [`http://app.example/`, { headers: { cookie: `EDGE_AFFINITY=${canary}` } }],
      [`http://app.example/`, { headers: { "cf-connecting-ip": canary } }],
      [`http://app.example:${backends.ports.canary}/`],
    ];
    for (const [url, init] of attempts) await expectOnlyTableTargets(await edge.send(url, init));
    expect(await canaryHits()).toBe(before);
  });

  it("forwards a path-smuggled authority as a path on a table target", async () => {
    const echo = await echoOf(await startEdge().send(`http://app.example//${canary}/x`));
    expect(tableTargets.has(echo.node)).toBe(true);
    expect(echo.url).toBe(`//${canary}/x`);
  });
});

describe("paths are routed and forwarded exactly as normalised", () => {
  const cases: [string, string, string][] = [
    ["/admin/users", "api", "/admin/users"],
    ["/public/../admin", "api", "/admin"],
    ["/public/%2e%2e/admin", "api", "/admin"],
    ["/public/%2E%2E/admin", "api", "/admin"],
    ["/public/.%2e/admin", "api", "/admin"],
    ["/admin/./x/../y", "api", "/admin/y"],
    ["/%61dmin", "api", "/admin"],
    ["/../../admin", "api", "/admin"],
    ["/ex%61ct", "api", "/exact"],
    ["/admin%2F..%2Fpublic", "web", "/admin%2F..%2Fpublic"],
    ["/public%2F..%2Fadmin", "web", "/public%2F..%2Fadmin"],
    ["/adminx", "web", "/adminx"],
  ];
  for (const [path, service, forwarded] of cases) {
    it(`${path} reaches ${service} as ${forwarded}`, async () => {
      const echo = await echoOf(await startEdge().send(`http://app.example${path}?q=%2e%2e`));
      expect({ service: echo.service, url: echo.url }).toEqual({ service, url: `${forwarded}?q=%2e%2e` });
    });
  }

  it("routes an encoded and a plain spelling of one path identically", async () => {
    const edge = startEdge();
    const plain = await echoOf(await edge.send("http://app.example/admin/a b"));
    const encoded = await echoOf(await edge.send("http://app.example/%61dmin/a%20b"));
    expect({ service: encoded.service, url: encoded.url }).toEqual({ service: plain.service, url: plain.url });
  });
});
