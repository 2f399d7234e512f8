import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { sealTable, serializeTable } from "../../../core/table/hash-table.ts";
import { TABLE_SCHEMA } from "../../../core/table/schema.ts";
import { EdgePublisher } from "../../../sync-agent/push/edge-publisher.ts";
import { createPushSigner, PushKeyError } from "../../../sync-agent/push/sign-push-token.ts";
import { PublishError } from "../../../sync-agent/push/table-publisher.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { generatePushKeys } from "../support/push-keys.ts";

const emptyContent = { schema: TABLE_SCHEMA, nodes: [], hosts: [], defaultBackend: null, backends: [], tls: [], problems: [] } as const;

describe("the edge publisher", () => {
  let edge: EdgeReceiver;
  let keys: Awaited<ReturnType<typeof generatePushKeys>>;

  beforeEach(async () => {
    edge = new EdgeReceiver();
    keys = await generatePushKeys();
    await edge.trust("agent", keys.publicJwk);
    await edge.start();
  });
  afterEach(() => edge.stop());

  const publisher = async (options: { fetch?: typeof fetch; timeoutMs?: number; edgeUrl?: string } = {}) =>
    new EdgePublisher({ edgeUrl: options.edgeUrl ?? edge.url, sign: await createPushSigner(keys.privateJwk), ...options });

  test("posts the serialised table with an ES256 token that the edge verifies with jose", async () => {
    const table = await sealTable(emptyContent, 1234);
    await (await publisher()).publish(table, serializeTable(table));
    expect(edge.pushes).toHaveLength(1);
    expect(edge.pushes[0]?.body).toBe(serializeTable(table));
    expect(edge.pushes[0]?.table.generation).toBe(1234);
  });

  test("signs each push afresh: two pushes carry different token ids and both are accepted", async () => {
    const p = await publisher();
    const first = await sealTable(emptyContent, 1);
    const second = await sealTable(emptyContent, 2);
    await p.publish(first, serializeTable(first));
    await p.publish(second, serializeTable(second));
    expect(edge.pushes).toHaveLength(2);
  });

  test("a token is bound to its body: the same token with other bytes is refused", async () => {
    const sign = await createPushSigner(keys.privateJwk);
    const tampering: typeof fetch = (url, init) => globalThis.fetch(url, { ...init, body: `${String(init?.body)} ` });
    const table = await sealTable(emptyContent, 1);
    const p = new EdgePublisher({ edgeUrl: edge.url, sign, fetch: tampering });
    await expect(p.publish(table, serializeTable(table))).rejects.toMatchObject({ code: "unauthorized", status: 403 });
    expect(edge.refusals.at(-1)?.reason).toBe("body-mismatch");
  });

  test("hands back what the edge's answer says of its transport, and nothing when the answer says nothing", async () => {
    const p = await publisher();
    const first = await sealTable(emptyContent, 1);
    expect(await p.publish(first, serializeTable(first))).toEqual({});
    edge.answerWith = () => ({ transport: { name: "fetch", ready: false, unreachableTargets: 3, code: "target-needs-hostname", problem: "no DNS name" } });
    const second = await sealTable(emptyContent, 2);
    expect(await p.publish(second, serializeTable(second))).toEqual({
      edgeTransport: { name: "fetch", ready: false, unreachableTargets: 3, code: "target-needs-hostname", problem: "no DNS name" },
    });
  });

  test("a key the edge does not trust is refused as unauthorized", async () => {
    const other = await generatePushKeys();
    const p = new EdgePublisher({ edgeUrl: edge.url, sign: await createPushSigner(other.privateJwk) });
    const table = await sealTable(emptyContent, 1);
    await expect(p.publish(table, serializeTable(table))).rejects.toMatchObject({ code: "unauthorized" });
  });

  test("an older generation than the edge holds is reported as stale", async () => {
    const p = await publisher();
    const newer = await sealTable(emptyContent, 10);
    const older = await sealTable(emptyContent, 5);
    await p.publish(newer, serializeTable(newer));
    await expect(p.publish(older, serializeTable(older))).rejects.toMatchObject({ code: "stale", status: 409 });
  });

  test("server errors, refusals and unreachable edges become typed errors", async () => {
    const p = await publisher();
    const table = await sealTable(emptyContent, 1);
    edge.failNext(503, 422);
    await expect(p.publish(table, serializeTable(table))).rejects.toMatchObject({ code: "failed", status: 503 });
    await expect(p.publish(table, serializeTable(table))).rejects.toMatchObject({ code: "rejected", status: 422 });
    const nowhere = await publisher({ edgeUrl: "http://127.0.0.1:1" });
    await expect(nowhere.publish(table, serializeTable(table))).rejects.toBeInstanceOf(PublishError);
    await expect(nowhere.publish(table, serializeTable(table))).rejects.toMatchObject({ code: "unreachable" });
  });

  test("a hung edge is a timeout, not a hang", async () => {
    const hanging: typeof fetch = (_url, init) => new Promise((_resolve, reject) => {
      init?.signal?.addEventListener("abort", () => reject(init.signal?.reason as Error));
    });
    const p = await publisher({ fetch: hanging, timeoutMs: 50 });
    const table = await sealTable(emptyContent, 1);
    await expect(p.publish(table, serializeTable(table))).rejects.toMatchObject({ code: "timeout" });
  });

  test("the signer refuses public keys and other curves up front", async () => {
    await expect(createPushSigner(keys.publicJwk)).rejects.toBeInstanceOf(PushKeyError);
    await expect(createPushSigner({ kty: "RSA", n: "x", e: "AQAB", d: "y" })).rejects.toThrow(/P-256/);
    await expect(createPushSigner("not a key")).rejects.toThrow(/JWK object/);
  });
});
