import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { TableNode } from "../../../core/table/schema.ts";
import { createCloudflareClient } from "../../../sync-agent/cloudflare/cloudflare-client.ts";
import { formatOwnerContent, ownerRecordName } from "../../../sync-agent/cloudflare/dns-ownership.ts";
import { NodeDnsError, NodeDnsReconciler } from "../../../sync-agent/cloudflare/node-dns-reconciler.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";

const domain = "nodes.example.com";
const node = (name: string, address: string): TableNode => ({ name, address, hostname: `${name}.${domain}` });
const noWait = { sleep: async () => {} };

describe("the node DNS reconciler, against the fake Cloudflare API", () => {
  let api: FakeCloudflareApi;
  let logs: string[];
  let clock: number;

  const reconciler = (options: { ownerId?: string; token?: string; maxAttempts?: number } = {}) =>
    new NodeDnsReconciler({
      client: createCloudflareClient({ apiToken: options.token ?? api.token, baseUrl: api.baseUrl }),
      zoneId: api.zoneId,
      nodeDomain: domain,
      ownerId: options.ownerId ?? "cluster-a",
      retry: { ...noWait, ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }) },
      logger: createLogger({ write: (line) => logs.push(line) }),
      nowMs: () => clock,
    });
  const addresses = () => api.dns.all().filter((r) => r.type !== "TXT").map((r) => `${r.name} ${r.type} ${r.content} proxied=${r.proxied}`);

  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
    logs = [];
    clock = 0;
  });

  afterEach(async () => {
    await api.stop();
  });

  test("creates a grey-clouded record per Node, with an ownership record beside each", async () => {
    const report = await reconciler().reconcile([node("node-a", "203.0.113.5"), node("node-b", "2001:db8::6")]);
    expect(report).toMatchObject({ created: 4, updated: 0, deleted: 0, conflicts: [] });
    expect(addresses()).toEqual([`node-a.${domain} A 203.0.113.5 proxied=false`, `node-b.${domain} AAAA 2001:db8::6 proxied=false`]);
    expect(api.dns.all().filter((r) => r.type === "TXT").map((r) => `${r.name} ${r.content}`)).toEqual([
      `_edge-ingress-owner.node-a.${domain} "heritage=edge-ingress,edge-ingress/owner=cluster-a"`,
      `_edge-ingress-owner.node-b.${domain} "heritage=edge-ingress,edge-ingress/owner=cluster-a"`,
    ]);
  });

  test("updates a Node's record when its address changes, and deletes the records of a Node that is gone", async () => {
    const dns = reconciler();
    await dns.reconcile([node("node-a", "203.0.113.5"), node("node-b", "203.0.113.6")]);
    const idOfA = api.dns.all().find((r) => r.name === `node-a.${domain}`)?.id;
    const report = await dns.reconcile([node("node-a", "203.0.113.50")]);
    expect(report).toMatchObject({ created: 0, updated: 1, deleted: 2 });
    expect(addresses()).toEqual([`node-a.${domain} A 203.0.113.50 proxied=false`]);
    expect(api.dns.all().find((r) => r.name === `node-a.${domain}`)?.id).toBe(idOfA);
    expect(api.dns.all().map((r) => r.name)).not.toContain(`_edge-ingress-owner.node-b.${domain}`);
  });

  test("leaves a foreign record with a Node's name alone and reports it", async () => {
    const foreign = api.dns.create({ type: "A", name: `node-a.${domain}`, content: "198.51.100.1", ttl: 300, proxied: true });
    const report = await reconciler().reconcile([node("node-a", "203.0.113.5"), node("node-b", "203.0.113.6")]);
    expect(report?.conflicts).toEqual([{ node: "node-a", name: `node-a.${domain}`, reason: "a A record not created by edge-ingress exists (198.51.100.1)" }]);
    expect(api.dns.get(foreign.id)).toEqual(foreign);
    expect(addresses()).toEqual([`node-a.${domain} A 198.51.100.1 proxied=true`, `node-b.${domain} A 203.0.113.6 proxied=false`]);
    expect(logs.some((line) => line.includes('"event":"node-dns-conflict"') && line.includes("node-a"))).toBe(true);
  });

  test("never deletes another agent's records, even for a Node it does not have", async () => {
    api.dns.create({ type: "TXT", name: ownerRecordName(`node-z.${domain}`), content: formatOwnerContent("cluster-b") });
    api.dns.create({ type: "A", name: `node-z.${domain}`, content: "198.51.100.9", ttl: 60 });
    await reconciler().reconcile([node("node-a", "203.0.113.5")]);
    expect(addresses()).toContain(`node-z.${domain} A 198.51.100.9 proxied=false`);
    expect(api.writes().every((w) => w.method === "POST")).toBe(true);
  });

  test("two agents with different owner ids share a zone without touching each other's Nodes", async () => {
    await reconciler({ ownerId: "cluster-a" }).reconcile([node("a-1", "203.0.113.1")]);
    await reconciler({ ownerId: "cluster-b" }).reconcile([node("b-1", "203.0.113.2")]);
    await reconciler({ ownerId: "cluster-a" }).reconcile([]);
    expect(addresses()).toEqual([`b-1.${domain} A 203.0.113.2 proxied=false`]);
  });

  test("calls the API only when the set of Nodes changes, or when the resync interval has passed", async () => {
    const dns = reconciler();
    await dns.reconcile([node("node-a", "203.0.113.5")]);
    const calls = api.requests.length;
    expect(await dns.reconcile([node("node-a", "203.0.113.5")])).toBeNull();
    expect(api.requests.length).toBe(calls);
    clock += 11 * 60_000;
    expect(await dns.reconcile([node("node-a", "203.0.113.5")])).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    expect(api.requests.length).toBe(calls + 1);
    expect(api.writes()).toHaveLength(2);
  });

  test("reads every page of a large zone, and acts on what only page 2 holds", async () => {
    const dns = reconciler();
    await dns.reconcile([node("node-a", "203.0.113.5"), node("zz-gone", "203.0.113.7")]);
    // Listed by name, 1,000 a page: zz-gone's address record now sorts after the others, on page 2.
    for (let i = 0; i < 1205; i += 1) api.dns.create({ type: "A", name: `other-${i}.${domain}`, content: "198.51.100.1", ttl: 60 });
    const gets = api.requests.length;
    const report = await dns.reconcile([node("node-a", "203.0.113.5")]);
    expect(api.requests.slice(gets).filter((r) => r.method === "GET").map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
    expect(report).toMatchObject({ created: 0, updated: 0, deleted: 2 });
    expect(addresses().filter((line) => !line.startsWith("other-"))).toEqual([`node-a.${domain} A 203.0.113.5 proxied=false`]);
  });

  test("a rejected step fails only its own name and is reported with the API's error code; the next call retries", async () => {
    api.fail((r) => r.method === "POST" && (r.body as { name?: string }).name === `node-a.${domain}`, { status: 400, errors: [{ code: 9005, message: "Content for A record must be a valid IPv4 address." }] });
    const dns = reconciler();
    const error = await dns.reconcile([node("node-a", "203.0.113.5"), node("node-b", "203.0.113.6")]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeDnsError);
    expect(error).toMatchObject({ code: "rejected", failures: [{ name: `node-a.${domain}`, step: "create", error: { status: 400, apiErrors: [{ code: 9005 }] } }] });
    expect(addresses()).toEqual([`node-b.${domain} A 203.0.113.6 proxied=false`]);
    await dns.reconcile([node("node-a", "203.0.113.5"), node("node-b", "203.0.113.6")]);
    expect(addresses()).toHaveLength(2);
  });

  test("a 429 is waited out as Retry-After says, then the call goes through", async () => {
    const waits: number[] = [];
    api.fail((r) => r.method === "POST", { status: 429, retryAfter: "2" }, 2);
    const dns = new NodeDnsReconciler({
      client: createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl }),
      zoneId: api.zoneId, nodeDomain: domain, ownerId: "cluster-a",
      retry: { sleep: async (ms) => { waits.push(ms); } },
    });
    await dns.reconcile([node("node-a", "203.0.113.5")]);
    expect(waits).toEqual([2000, 2000]);
    expect(addresses()).toHaveLength(1);
  });

  test("a token without DNS permission fails as unauthorized, changing nothing", async () => {
    await api.stop();
    api = new FakeCloudflareApi({ permissions: ["kv"] });
    await api.start();
    await expect(reconciler().reconcile([node("node-a", "203.0.113.5")])).rejects.toMatchObject({ code: "unauthorized", message: expect.stringContaining("Authentication error (10000)") });
    await expect(reconciler({ token: "wrong" }).reconcile([node("node-a", "203.0.113.5")])).rejects.toMatchObject({ code: "unauthorized" });
    expect(api.dns.all()).toEqual([]);
  });

  test("an API that is down fails as unreachable", async () => {
    await api.stop();
    await expect(reconciler().reconcile([node("node-a", "203.0.113.5")])).rejects.toMatchObject({ code: "unreachable" });
  });

  test("a server error fails as failed, and is not retried blindly", async () => {
    api.fail((r) => r.method === "POST", { status: 502 });
    await expect(reconciler().reconcile([node("node-a", "203.0.113.5")])).rejects.toMatchObject({ code: "failed" });
    expect(api.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });
});
