import { env, exports } from "cloudflare:workers";
import { exportJWK, generateKeyPair } from "jose";
import { beforeEach, describe, expect, it } from "vitest";
import { serializeTable } from "../../core/table/hash-table.ts";
import { manifestKey } from "../../core/table/table-head.ts";
import { readManifest } from "../../core/table/table-shards.ts";
import { pointerClientOf } from "../../worker/pointer/pointer-client.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { nowSeconds, push, pushToken, readStatus } from "./support/push.ts";
import { backend, loopbackNodes, nextGeneration, prefix, sealed, standardTable } from "./support/tables.ts";

const TABLE_URL = "https://edge.example/.well-known/edge-ingress/table";
const STATUS_URL = "https://edge.example/.well-known/edge-ingress/status";

/** The version pointer's record: what the edge holds as current. */
async function storedText(): Promise<string | null> {
  return JSON.stringify(await pointerClientOf(env).read());
}

async function apiTable(generation = nextGeneration()) {
  return sealed({ nodes: loopbackNodes(backends), backends: [backend("default/api:80", backends.ports.api)], hosts: [{ host: "app.example", rules: [prefix("/", "default/api:80")] }] }, generation);
}

beforeEach(async () => {
  await storeTable(await standardTable(backends));
});

describe("POST /.well-known/edge-ingress/table", () => {
  it("stores a signed, valid, newer table in KV and serves it at once", async () => {
    const edge = startEdge({ EDGE_TABLE_REFRESH_MS: "60000" });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
    const table = await apiTable();
    const body = serializeTable(table);
    const response = await push(edge, body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: "stored", version: table.version, generation: table.generation });
    expect(body.length).toBeGreaterThan(0);
    const head = await pointerClientOf(env).read();
    expect(head).toMatchObject({ version: table.version, generation: table.generation });
    const manifest = readManifest((await env.TABLE_KV.get(manifestKey(head?.manifest ?? ""))) ?? "");
    expect(manifest).toMatchObject({ ok: true, value: { version: table.version, counts: { hosts: 1, rules: 1, backends: 1 } } });
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("api");
    expect((await echoOf(await startEdge().send("http://app.example/"))).service).toBe("api");
  });

  it("answers 200 without writing for the table it already holds", async () => {
    const edge = startEdge();
    const body = serializeTable(await apiTable());
    expect((await push(edge, body)).status).toBe(200);
    const again = await push(edge, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ result: "unchanged" });
  });

  it("refuses an older generation with 409 and keeps the stored table", async () => {
    const edge = startEdge();
    const older = await apiTable(1);
    const before = await storedText();
    const response = await push(edge, serializeTable(older));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "stale-generation" });
    expect(await storedText()).toBe(before);
  });

  it("refuses a different table with the same generation with 409", async () => {
    const edge = startEdge();
    const current = await standardTable(backends);
    await storeTable(current);
    const rival = await apiTable(current.generation);
    expect((await push(edge, serializeTable(rival))).status).toBe(409);
  });

  it("refuses pushes without a valid token, and changes nothing", async () => {
    const edge = startEdge();
    const before = await storedText();
    const body = serializeTable(await apiTable());
    const strangers = await generateKeyPair("ES256", { extractable: true });
    const { signPushToken } = await import("../../core/push/push-token.ts");
    const cases: [string, Record<string, string>, number, string][] = [
      ["no token", {}, 401, "token-missing"],
      ["basic auth", { authorization: "Basic YWRtaW46YWRtaW4=" }, 401, "token-missing"],
      ["garbage", { authorization: "Bearer abc.def.ghi" }, 401, "token-malformed"],
      ["expired", { authorization: `Bearer ${await pushToken(body, {}, nowSeconds() - 400)}` }, 401, "token-expired"],
      ["foreign key", { authorization: `Bearer ${await signPushToken(await exportJWK(strangers.privateKey), body, nowSeconds())}` }, 401, "signature-invalid"],
      ["other body", { authorization: `Bearer ${await pushToken(body.replace("api", "apx"))}` }, 403, "body-mismatch"],
      ["status token", { authorization: `Bearer ${await pushToken(body, { operation: "status" })}` }, 403, "wrong-operation"],
    ];
    for (const [name, headers, status, error] of cases) {
      const response = await edge.send(TABLE_URL, { method: "POST", body, headers });
      expect({ name, status: response.status, error: ((await response.json()) as { error: string }).error }).toEqual({ name, status, error });
    }
    expect(await storedText()).toBe(before);
    expect((await echoOf(await edge.send("http://app.example/"))).service).toBe("web");
  });

  it("refuses a replayed token", async () => {
    const edge = startEdge();
    const body = serializeTable(await apiTable());
    const token = await pushToken(body);
    expect((await push(edge, body, token)).status).toBe(200);
    const replay = await push(edge, body, token);
    expect(replay.status).toBe(403);
    expect(await replay.json()).toMatchObject({ error: "token-replayed" });
  });

  it("refuses a body over the size limit with 413", async () => {
    const edge = startEdge({ EDGE_PUSH_MAX_BYTES: "1000" });
    const before = await storedText();
    const body = serializeTable(await standardTable(backends));
    const response = await push(edge, body);
    expect(response.status).toBe(413);
    expect(await storedText()).toBe(before);
  });

  it("refuses an invalid table with 422 listing what is wrong", async () => {
    const edge = startEdge();
    const before = await storedText();
    const table = await apiTable();
    const broken = { ...table, backends: [{ ...table.backends[0], nodePort: 70000 }] };
    const altered = { ...table, hosts: [] };
    for (const [body, error] of [
      ["{", "invalid-json"],
      [JSON.stringify(broken), "invalid-table"],
      [serializeTable(altered), "version-mismatch"],
    ] as const) {
      const response = await push(edge, body);
      expect(response.status).toBe(422);
      const answer = (await response.json()) as { error: string; issues: { path: string }[] };
      expect(answer.error).toBe(error);
      expect(answer.issues.length).toBeGreaterThan(0);
    }
    const invalid = (await (await push(edge, JSON.stringify(broken))).json()) as { issues: { path: string }[] };
    expect(invalid.issues.map((issue) => issue.path)).toContain("backends[0].nodePort");
    expect(await storedText()).toBe(before);
  });

  it("answers 503 when the worker has no push key", async () => {
    const edge = startEdge({ EDGE_PUSH_PUBLIC_JWK: "" });
    const body = serializeTable(await apiTable());
    const response = await push(edge, body);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "push-key-missing" });
  });
});

describe("GET /.well-known/edge-ingress/status", () => {
  it("reports the table, counts, transport and cookie affinity", async () => {
    const table = await standardTable(backends);
    await storeTable(table);
    const status = await readStatus(startEdge());
    expect(status.table).toMatchObject({ version: table.version, generation: table.generation, source: "kv" });
    expect(status.table?.ageSeconds).toBeLessThan(60);
    expect(status.counts).toMatchObject({ hosts: table.hosts.length, backends: table.backends.length, nodes: table.nodes.length });
    expect(status.counts?.backendsWithoutTargets).toBe(2);
    expect(status.transport).toEqual({ name: "fetch", ready: true, unreachableTargets: 0 });
    expect(status.cookieAffinity).toBe("enabled");
    expect(status.down).toEqual([]);
    expect(status.failedOpen).toEqual([]);
    expect(status.counts?.backendsFailedOpen).toBe(0);
  });

  it("names the backends the agent failed open, and the edge serves them on every target", async () => {
    const nodes = loopbackNodes(backends);
    const targets = nodes.map((node) => ({ node: node.name, weight: 1 }));
    const table = await sealed({
      nodes,
      backends: [backend("default/api:80", backends.ports.api, { targets, failedOpen: true }), backend("default/web:80", backends.ports.web, { targets, down: ["node-a"] })],
      hosts: [{ host: "app.example", rules: [prefix("/", "default/api:80"), prefix("/web", "default/web:80")] }],
    });
    // Pushed as the agent does: the edge checks the table against the shared schema on the way in.
    const edge = startEdge({}, { random: () => 0 });
    expect((await push(edge, serializeTable(table))).status).toBe(200);
    const status = await readStatus(edge);
    expect(status.failedOpen).toEqual(["default/api:80"]);
    expect(status.counts?.backendsFailedOpen).toBe(1);
    expect(status.counts?.targets).toBe(5);
    // random() = 0 picks the first listed target: the failed-open backend's first Node is served.
    expect((await echoOf(await edge.send("http://app.example/"))).node).toBe("node-a");
    expect((await echoOf(await edge.send("http://app.example/web"))).node).toBe("node-b");
  });

  it("needs a status token of its own", async () => {
    const edge = startEdge();
    expect((await edge.send(STATUS_URL)).status).toBe(401);
    const tableToken = await pushToken("", { operation: "table" });
    expect((await edge.send(STATUS_URL, { headers: { authorization: `Bearer ${tableToken}` } })).status).toBe(403);
    const token = await pushToken("", { operation: "status" });
    expect((await edge.send(STATUS_URL, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await edge.send(STATUS_URL, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
  });
});

describe("the control paths", () => {
  it("are never proxied, however they are spelled", async () => {
    const table = await sealed({ nodes: loopbackNodes(backends), backends: [backend("default/web:80", backends.ports.web)], hosts: [{ host: "", rules: [prefix("/", "default/web:80")] }] });
    await storeTable(table);
    const edge = startEdge();
    for (const path of [
      "/.well-known/edge-ingress/",
      "/.well-known/edge-ingress/other",
      "/.well-known/edge-ingress/x/../table/",
      "/.WELL-KNOWN/Edge-Ingress/table",
      "/%2Ewell-known/edge-ingress/table",
      "/.well-known/edge-ingress",
    ]) {
      const response = await edge.send(`http://app.example${path}`);
      const body = (await response.json()) as { error?: string; service?: string };
      expect({ path, proxied: body.service !== undefined }).toEqual({ path, proxied: false });
      expect([404, 405]).toContain(response.status);
    }
    expect((await edge.send(`http://app.example/.well-known/edge-ingress/table`)).status).toBe(405);
  });
});

describe("the deployed entry point", () => {
  it("serves pushes, status and traffic through the module's default export", async () => {
    const table = await apiTable();
    const body = serializeTable(table);
    const pushed = await exports.default.fetch(TABLE_URL, { method: "POST", body, headers: { authorization: `Bearer ${await pushToken(body)}` } });
    expect(pushed.status).toBe(200);
    const status = await exports.default.fetch(STATUS_URL, { headers: { authorization: `Bearer ${await pushToken("", { operation: "status" })}` } });
    expect(((await status.json()) as { table: { version: string } }).table.version).toBe(table.version);
    expect((await echoOf(await exports.default.fetch("http://app.example/"))).service).toBe("api");
  });
});
