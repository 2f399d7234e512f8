import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { serializeTable } from "../../../core/table/hash-table.ts";
import { createCloudflareClient } from "../../../sync-agent/cloudflare/cloudflare-client.ts";
import { KvPublisher, RateLimitedPublishError, TABLE_KEY } from "../../../sync-agent/cloudflare/kv-publisher.ts";
import { PublishError } from "../../../sync-agent/push/table-publisher.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";
import { readStoredTable } from "../../support/fake-cloudflare-api/stored-table.ts";
import { buildTable } from "../../support/table-builder.ts";

const table = buildTable({ "shop.example.com": [["/", "Prefix"]] });
const body = serializeTable(table);

describe("the Workers KV publisher, against the fake Cloudflare API", () => {
  let api: FakeCloudflareApi;
  let waits: number[];

  const publisher = (options: { token?: string; namespaceId?: string; maxWaitMs?: number; realSleep?: boolean } = {}) =>
    new KvPublisher({
      client: createCloudflareClient({ apiToken: options.token ?? api.token, baseUrl: api.baseUrl }),
      accountId: api.accountId,
      namespaceId: options.namespaceId ?? api.namespaceId,
      ...(options.realSleep === true ? {} : { sleep: async (ms: number) => { waits.push(ms); } }),
      ...(options.maxWaitMs === undefined ? {} : { retry: { maxWaitMs: options.maxWaitMs } }),
    });

  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
    waits = [];
  });

  afterEach(async () => {
    await api.stop();
  });

  test("stores the table in the sharded layout the worker reads: parts and manifest in one bulk write, then the head", async () => {
    await publisher().publish(table, body);
    expect(readStoredTable(api.kv)).toMatchObject({ version: table.version, generation: table.generation, hosts: table.hosts });
    const bulk = `PUT /accounts/${api.accountId}/storage/kv/namespaces/${api.namespaceId}/bulk`;
    expect(api.writes().map((w) => `${w.method} ${w.path}`)).toEqual([bulk, bulk]);
    expect(api.kv.writes[0]).toEqual(expect.arrayContaining([expect.stringMatching(/^table-part-/), expect.stringMatching(/^table-manifest-/)]));
    expect(api.kv.writes[1]).toEqual([TABLE_KEY]);
  });

  test("writes only what changed, and collects the keys of versions older than the last three", async () => {
    await api.stop();
    api = new FakeCloudflareApi({ kvWriteIntervalMs: 0 });
    await api.start();
    const kv = publisher();
    const tables = [1, 2, 3, 4, 5].map((n) => ({ ...buildTable({ "shop.example.com": [["/", "Prefix"]], [`v${n}.example.com`]: [["/", "Prefix"]] }), generation: n }));
    for (const each of tables) await kv.publish(each, serializeTable(each));
    expect(readStoredTable(api.kv)).toMatchObject({ generation: 5 });
    // Each version after the first: its changed bucket(s), index unchanged, the manifest.
    for (const written of api.kv.writes.slice(2).filter((keys) => keys[0] !== TABLE_KEY)) expect(written.length).toBeLessThanOrEqual(3);
    expect(api.kv.deletes.flat()).toEqual(expect.arrayContaining([expect.stringMatching(/^table-manifest-/)]));
    expect(api.kv.keys().filter((key) => key.startsWith("table-manifest-"))).toHaveLength(3);
  });

  test("never writes the head twice within a second: the second publish waits its turn", async () => {
    const kv = publisher({ realSleep: true });
    const started = performance.now();
    const second = { ...table, generation: 2 };
    await Promise.all([kv.publish(table, body), kv.publish(second, serializeTable(second))]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(api.requests.filter((r) => r.method === "PUT").map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(readStoredTable(api.kv)).toMatchObject({ generation: 2 });
  });

  test("a 429 is waited out as Retry-After says, then the write goes through", async () => {
    api.fail((r) => r.method === "PUT", { status: 429, retryAfter: "3" });
    await publisher().publish(table, body);
    expect(waits).toEqual([3000]);
    expect(readStoredTable(api.kv)).toMatchObject({ version: table.version });
  });

  test("a 429 asking for a longer wait than allowed fails as rate-limited, carrying the wait for the loop", async () => {
    api.fail((r) => r.method === "PUT", { status: 429, retryAfter: "120" });
    const error = await publisher({ maxWaitMs: 60_000 }).publish(table, body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error).toMatchObject({ code: "failed", status: 429, retryAfterMs: 120_000 });
    expect(waits).toEqual([]);
  });

  test("never waits past its timeout, so that a write cannot outlive the leadership it began under", async () => {
    api.fail((r) => r.method === "PUT", { status: 429, retryAfter: "5" });
    await expect(publisher().publish(table, body)).rejects.toMatchObject({ code: "failed", status: 429, retryAfterMs: 5000 });
    expect(waits).toEqual([]);
  });

  test("gives up after a bounded number of 429s", async () => {
    api.fail((r) => r.method === "PUT", { status: 429, retryAfter: "1" }, 10);
    await expect(publisher().publish(table, body)).rejects.toBeInstanceOf(RateLimitedPublishError);
    expect(api.requests.filter((r) => r.method === "PUT")).toHaveLength(4);
  });

  test("a token the API refuses, or one without KV permission, fails as unauthorized and stores nothing", async () => {
    await expect(publisher({ token: "stolen" }).publish(table, body)).rejects.toMatchObject({ code: "unauthorized", status: 403 });
    await api.stop();
    api = new FakeCloudflareApi({ permissions: ["dns"] });
    await api.start();
    await expect(publisher().publish(table, body)).rejects.toMatchObject({ code: "unauthorized", message: expect.stringContaining("10000") });
    expect(api.kv.peek(TABLE_KEY)).toBeUndefined();
  });

  test("a wrong namespace id fails with a message naming it", async () => {
    await expect(publisher({ namespaceId: "ffffffffffffffffffffffffffffffff" }).publish(table, body)).rejects.toMatchObject({
      code: "failed",
      status: 404,
      message: expect.stringContaining("ffffffffffffffffffffffffffffffff"),
    });
  });

  test("a server error fails once, for the loop to retry with the newest table", async () => {
    api.fail((r) => r.method === "PUT", { status: 503 });
    await expect(publisher().publish(table, body)).rejects.toMatchObject({ code: "failed", status: 503 });
    expect(api.requests.filter((r) => r.method === "PUT")).toHaveLength(1);
  });

  test("a key Workers KV reports as unwritten is a failure", async () => {
    const original = api.kv.bulkWrite.bind(api.kv);
    api.kv.bulkWrite = (input) => ({ ...original(input), unsuccessful_keys: [TABLE_KEY] });
    await expect(publisher().publish(table, body)).rejects.toMatchObject({ code: "failed", message: expect.stringContaining("not written") });
  });

  test("a table with a part over KV's 25 MiB value limit is refused before any call", async () => {
    const huge = buildTable({ "shop.example.com": [[`/${"x".repeat(25 * 1024 * 1024)}`, "Prefix"]] });
    const error = await publisher().publish(huge, serializeTable(huge)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ code: "rejected" });
    expect(api.requests).toEqual([]);
  });

  test("an API that cannot be reached fails as unreachable", async () => {
    await api.stop();
    await expect(publisher().publish(table, body)).rejects.toMatchObject({ code: "unreachable" });
  });
});
