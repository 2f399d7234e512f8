import { afterAll, describe, expect, it } from "vitest";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { serializeTable } from "../../core/table/hash-table.ts";
import { push, readStatus } from "./support/push.ts";
import { backend, loopbackNodes, prefix, sealed, standardTable } from "./support/tables.ts";

afterAll(async () => {
  await storeTable(await standardTable(backends));
});

describe("how the edge reaches targets", () => {
  it("refuses bare-IP targets clearly unless EDGE_ALLOW_IP_TARGETS is on", async () => {
    await storeTable(await standardTable(backends));
    const edge = startEdge({ EDGE_ALLOW_IP_TARGETS: "false" });
    const response = await edge.send("http://app.example/");
    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/no DNS names/);
    const status = await readStatus(edge);
    expect(status.transport.ready).toBe(false);
    expect(status.transport.unreachableTargets).toBeGreaterThan(0);
    expect(status.transport.problem).toMatch(/--node-domain/);
  });

  it("reaches a target by its DNS name, not its address, when the table gives one", async () => {
    await storeTable(
      await sealed({
        nodes: [{ name: "node-named", address: "192.0.2.10", hostname: "localhost" }],
        backends: [backend("default/web:80", backends.ports.web)],
        hosts: [{ host: "app.example", rules: [prefix("/", "default/web:80")] }],
      }),
    );
    const edge = startEdge({ EDGE_ALLOW_IP_TARGETS: "false" });
    const echo = await echoOf(await edge.send("http://app.example/named"));
    expect(echo.node).toBe("local-127.0.0.1");
    expect(echo.headers.host).toBe(`localhost:${backends.ports.web}`);
    expect(echo.headers["x-forwarded-host"]).toBe("app.example");
    expect((await readStatus(edge)).transport).toEqual({ name: "fetch", ready: true, unreachableTargets: 0 });
  });

  it("treats a hostname that is really an IP literal as an address", async () => {
    await storeTable(
      await sealed({
        nodes: [
          { name: "dotted", address: "192.0.2.10", hostname: "127.0.0.2" },
          { name: "decimal", address: "192.0.2.11", hostname: "2130706434" },
        ],
        backends: [backend("default/web:80", backends.ports.web)],
        hosts: [{ host: "app.example", rules: [prefix("/", "default/web:80")] }],
      }),
    );
    const edge = startEdge({ EDGE_ALLOW_IP_TARGETS: "false" });
    expect((await edge.send("http://app.example/")).status).toBe(502);
    expect((await readStatus(edge)).transport.unreachableTargets).toBe(2);
  });

  it("says in the push answer whether it can reach the pushed table's targets, so that the agent can warn", async () => {
    const edge = startEdge({ EDGE_ALLOW_IP_TARGETS: "false" });
    const bare = await sealed({ nodes: loopbackNodes(backends), backends: [backend("default/web:80", backends.ports.web)], hosts: [{ host: "app.example", rules: [prefix("/", "default/web:80")] }] });
    const refused = await push(edge, serializeTable(bare));
    expect(refused.status).toBe(200);
    expect(await refused.json()).toMatchObject({
      result: "stored",
      transport: { name: "fetch", ready: false, unreachableTargets: loopbackNodes(backends).length, code: "target-needs-hostname", problem: expect.stringMatching(/--node-domain/) },
    });
    const named = await sealed({
      nodes: [{ name: "node-named", address: "192.0.2.10", hostname: "localhost" }],
      backends: [backend("default/web:80", backends.ports.web)],
      hosts: [{ host: "app.example", rules: [prefix("/", "default/web:80")] }],
    });
    const served = await push(edge, serializeTable(named));
    expect(await served.json()).toMatchObject({ result: "stored", transport: { name: "fetch", ready: true, unreachableTargets: 0 } });
    const again = await push(edge, serializeTable(named));
    expect(await again.json()).toMatchObject({ result: "unchanged", transport: { ready: true } });
  });

  it("uses the fetch transport unless told otherwise", async () => {
    await storeTable(await sealed({ nodes: loopbackNodes(backends), backends: [backend("default/web:80", backends.ports.web)], hosts: [{ host: "app.example", rules: [prefix("/", "default/web:80")] }] }));
    expect((await readStatus(startEdge())).transport.name).toBe("fetch");
  });
});

describe("configuration", () => {
  it("refuses traffic and lists every problem when the vars are wrong", async () => {
    const edge = startEdge({ EDGE_TRANSPORT: "carrier-pigeon", EDGE_MAX_TRIES: "many", EDGE_HSTS: "forever", EDGE_ALLOW_IP_TARGETS: "yes", EDGE_COOKIE_KEY: "short" });
    const response = await edge.send("http://app.example/");
    expect(response.status).toBe(500);
    expect(await response.text()).not.toMatch(/EDGE_/);
    const status = await edge.send("https://edge.example/.well-known/edge-ingress/status");
    expect(status.status).toBe(500);
    const { problems } = (await status.json()) as { problems: string[] };
    expect(problems).toHaveLength(5);
    expect(problems.join("\n")).toMatch(/EDGE_TRANSPORT[\s\S]*EDGE_MAX_TRIES|EDGE_MAX_TRIES[\s\S]*EDGE_TRANSPORT/);
  });
});
