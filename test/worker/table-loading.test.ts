import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { sealTable, serializeTable } from "../../core/table/hash-table.ts";
import { TABLE_KEY } from "../../worker/table/table-store.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { readStatus } from "./support/push.ts";
import { backend, loopbackNodes, nextGeneration, prefix, sealed, standardTable } from "./support/tables.ts";

afterAll(async () => {
  await storeTable(await standardTable(backends));
});

async function onlyApiTable() {
  return sealed({ nodes: loopbackNodes(backends), backends: [backend("default/api:80", backends.ports.api)], hosts: [{ host: "app.example", rules: [prefix("/", "default/api:80")] }] });
}

describe("the routing table", () => {
  it("answers 503 saying so when no table was ever published", async () => {
    await env.TABLE_KV.delete(TABLE_KEY);
    const response = await startEdge().send("http://app.example/");
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/no routing table has been published/);
  });

  it("answers 503 when the only table in KV is invalid", async () => {
    await env.TABLE_KV.put(TABLE_KEY, '{"schema":1}');
    expect((await startEdge().send("http://app.example/")).status).toBe(503);
  });

  it("never replaces the last good table with an unreadable, invalid or altered one", async () => {
    await storeTable(await standardTable(backends));
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    const good = await onlyApiTable();
    const altered = { ...good, hosts: [{ host: "app.example", rules: [prefix("/", "default/web:80")] }] };
    for (const bad of ["not json", '{"schema":1,"nodes":"x"}', serializeTable(altered)]) {
      await env.TABLE_KV.put(TABLE_KEY, bad, { metadata: { version: good.version, generation: nextGeneration() } });
      expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
      expect((await readStatus(edge)).lastRefresh?.outcome).toBe("rejected");
    }
  });

  it("loads a newer table from KV, also one written without metadata", async () => {
    await storeTable(await standardTable(backends));
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    await env.TABLE_KV.put(TABLE_KEY, serializeTable(await onlyApiTable()));
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
  });

  it("ignores an older table that a lagging KV location still serves", async () => {
    const older = await standardTable(backends);
    await storeTable(await onlyApiTable());
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
    await storeTable(older);
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
    expect((await readStatus(edge)).lastRefresh?.outcome).toBe("unchanged");
  });

  it("reads KV at most once per refresh interval", async () => {
    let clock = Date.now();
    await storeTable(await standardTable(backends));
    const edge = startEdge({ EDGE_TABLE_REFRESH_MS: "5000" }, { now: () => clock });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    await storeTable(await onlyApiTable());
    clock += 4_000;
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    clock += 1_000;
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
  });

  it("keeps serving when a table's generation equals the current one but its content differs", async () => {
    const generation = nextGeneration();
    await storeTable(await standardTable(backends, generation));
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    const { version: _v, generation: _g, ...content } = await onlyApiTable();
    await storeTable(await sealTable(content, generation));
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
  });
});
