import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { serializeTable } from "../../core/table/hash-table.ts";
import { HEAD_KEY, manifestKey, partKey } from "../../core/table/table-head.ts";
import { bucketOf, shardTable } from "../../core/table/table-shards.ts";
import { createEdgeWorker } from "../../worker/edge-worker.ts";
import { pointerClientOf } from "../../worker/pointer/pointer-client.ts";
import { TABLE_KEY } from "../../worker/table/table-store.ts";
import { backends, echoOf, startEdge, storeTable, withoutPointer } from "./support/edge.ts";
import { readStatus } from "./support/push.ts";
import { backend, loopbackNodes, nextGeneration, prefix, sealed, standardTable } from "./support/tables.ts";

afterAll(async () => {
  await storeTable(await standardTable(backends));
});

async function onlyApiTable(generation = nextGeneration()) {
  return sealed({ nodes: loopbackNodes(backends), backends: [backend("default/api:80", backends.ports.api)], hosts: [{ host: "app.example", rules: [prefix("/", "default/api:80")] }] }, generation);
}

/** A KV binding that records the keys read through it. */
function countingKv(reads: string[]): KVNamespace {
  const kv = env.TABLE_KV;
  const counting = {
    get: (key: string, options: KVNamespaceGetOptions<"text">) => {
      reads.push(key);
      return kv.get(key, options);
    },
    getWithMetadata: (key: string, options: KVNamespaceGetOptions<"stream">) => {
      reads.push(key);
      return kv.getWithMetadata(key, options);
    },
  };
  return counting as unknown as KVNamespace;
}

describe("the routing table", () => {
  it("answers 503 saying so when no table was ever published", async () => {
    await env.TABLE_KV.delete(HEAD_KEY);
    await env.TABLE_KV.delete(TABLE_KEY);
    const response = await startEdge({}, { pointer: false }).send("http://app.example/");
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/no routing table has been published/);
  });

  it("still serves the single-value table of an earlier release while no version pointer exists", async () => {
    await env.TABLE_KV.delete(HEAD_KEY);
    const table = await onlyApiTable();
    await env.TABLE_KV.put(TABLE_KEY, serializeTable(table), { metadata: { version: table.version, generation: table.generation } });
    const edge = startEdge({}, { pointer: false });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
    expect((await readStatus(edge)).table).toMatchObject({ layout: "single-value", version: table.version });
    await env.TABLE_KV.put(TABLE_KEY, "not json", { metadata: { version: table.version, generation: nextGeneration() } });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
    await env.TABLE_KV.delete(TABLE_KEY);
  });

  it("serves a published table from its manifest, its index and one bucket: a cold isolate reads no other key", async () => {
    await storeTable(await standardTable(backends));
    const reads: string[] = [];
    const cold = { ...env, TABLE_KV: countingKv(reads) };
    const head = await pointerClientOf(env).read();
    const worker = createEdgeWorker();
    expect((await echoOf(await worker.fetch(new Request("http://app.example/"), cold))).service).toBe("web");
    expect(reads).toEqual([manifestKey(head?.manifest ?? ""), expect.stringMatching(/^table-part-/), expect.stringMatching(/^table-part-/)]);
    reads.length = 0;
    expect((await echoOf(await worker.fetch(new Request("http://app.example/api"), cold))).service).toBe("api");
    expect(reads).toEqual([]);
  });

  it("loads a newer version at the next check, and a host's requests all see one version", async () => {
    await storeTable(await standardTable(backends));
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    await storeTable(await onlyApiTable());
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
    expect((await edge.send("http://sticky.example/")).status).toBe(404);
    expect((await readStatus(edge)).table).toMatchObject({ layout: "sharded" });
  });

  it("keeps the previous version while the new one's manifest is not readable here yet, and never takes an altered one", async () => {
    await storeTable(await standardTable(backends));
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    // A version never stored before (a problem of its own), so that its manifest is not in KV yet.
    const { version: _version, generation: _generation, ...content } = await onlyApiTable();
    const next = await sealed({ ...content, problems: [{ kind: "Test", object: `t/${nextGeneration()}`, reason: "unique" }] });
    const sharded = await shardTable(next);
    const previous = await pointerClientOf(env).read();
    const headOf = (manifest: string) => ({ version: next.version, generation: nextGeneration(), manifest, kept: [manifest, ...(previous?.kept ?? [])].slice(0, 3), garbage: [] });
    await pointerClientOf(env).advance(headOf(sharded.manifestHash));
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    expect((await readStatus(edge)).lastRefresh?.outcome).toBe("pending");
    await env.TABLE_KV.put(manifestKey(sharded.manifestHash), sharded.manifestText.replace('"hosts":1,', '"hosts":2,'));
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    expect((await readStatus(edge)).lastRefresh?.outcome).toBe("rejected");
    await env.TABLE_KV.delete(manifestKey(sharded.manifestHash));
  });

  it("keeps a host's last good rules when its bucket of the new version is altered, and serves the hosts it can read", async () => {
    await storeTable(await standardTable(backends));
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    const next = await sealed({
      nodes: loopbackNodes(backends),
      backends: [backend("default/api:80", backends.ports.api)],
      hosts: [{ host: "app.example", rules: [prefix("/", "default/api:80")] }, { host: "other.example", rules: [prefix("/", "default/api:80")] }],
    });
    const sharded = await shardTable(next);
    const bucketOfApp = sharded.manifest.buckets[bucketOf("app.example", sharded.manifest.buckets.length)] ?? "";
    expect(sharded.manifest.buckets[bucketOf("other.example", sharded.manifest.buckets.length)]).toBe(bucketOfApp);
    for (const [hash, text] of sharded.parts) await env.TABLE_KV.put(partKey(hash), hash === bucketOfApp ? text.replace(`${backends.ports.api}`, `${backends.ports.web}`) : text);
    await env.TABLE_KV.put(manifestKey(sharded.manifestHash), sharded.manifestText);
    const previous = await pointerClientOf(env).read();
    await pointerClientOf(env).advance({ version: next.version, generation: next.generation, manifest: sharded.manifestHash, kept: [sharded.manifestHash, ...(previous?.kept ?? [])].slice(0, 3), garbage: [] });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    expect((await readStatus(edge)).table?.version).toBe(next.version);
    await env.TABLE_KV.put(partKey(bucketOfApp), sharded.parts.get(bucketOfApp) ?? "");
    const fresh = startEdge();
    expect((await echoOf(await fresh.send("http://other.example/"))).service).toBe("api");
  });

  it("asks the version pointer at most once per EDGE_POINTER_CHECK_MS", async () => {
    let clock = Date.now();
    await storeTable(await standardTable(backends));
    const edge = startEdge({ EDGE_POINTER_CHECK_MS: "5000" }, { now: () => clock });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    await storeTable(await onlyApiTable());
    clock += 4_000;
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    clock += 1_000;
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
  });

  it("without the Durable Object, polls the head in KV every EDGE_TABLE_REFRESH_MS and says so", async () => {
    let clock = Date.now();
    await storeTable(await standardTable(backends), { pointer: false });
    const edge = startEdge({ EDGE_TABLE_REFRESH_MS: "5000" }, { now: () => clock, pointer: false });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    await storeTable(await onlyApiTable(), { pointer: false });
    clock += 4_000;
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    clock += 1_000;
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
    expect((await readStatus(edge)).pointer).toMatchObject({ kind: "kv", checkMs: 5000 });
    expect((await readStatus(startEdge())).pointer).toMatchObject({ kind: "durable-object", checkMs: 0 });
    expect(withoutPointer(edge.env).TABLE_POINTER).toBeUndefined();
  });

  it("keeps serving when a table's generation equals the current one but its content differs", async () => {
    const generation = nextGeneration();
    await storeTable(await standardTable(backends, generation));
    const edge = startEdge();
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    expect(await storeTable(await onlyApiTable(generation))).toMatchObject({ result: "stale" });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
  });
});
