import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { defaultCompileOptions } from "../../../core/compile/compile-options.ts";
import type { RoutingTable, TableNode } from "../../../core/table/schema.ts";
import { nodeDnsGate } from "../../../sync-agent/cloudflare/build-cloudflare.ts";
import { createCloudflareClient } from "../../../sync-agent/cloudflare/cloudflare-client.ts";
import { formatOwnerContent, ownerRecordName } from "../../../sync-agent/cloudflare/dns-ownership.ts";
import { nodesWithoutRecords, splitAroundPublish } from "../../../sync-agent/cloudflare/node-dns-order.ts";
import { type ExistingRecord, planNodeDns } from "../../../sync-agent/cloudflare/node-dns-plan.ts";
import { NodeDnsError, NodeDnsReconciler } from "../../../sync-agent/cloudflare/node-dns-reconciler.ts";
import { soleLeader } from "../../../sync-agent/loop/leadership.ts";
import { noHealthChecks } from "../../../sync-agent/loop/health-source.ts";
import { SyncLoop } from "../../../sync-agent/loop/sync-loop.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";
import { cluster, ingress, node, service, slice } from "../../support/cluster-builder.ts";
import { MemoryClusterSource } from "../support/memory-cluster-source.ts";
import { RecordingPublisher } from "../support/recording-publisher.ts";
import { waitFor } from "../support/wait-for.ts";

const domain = "nodes.example.com";
const tableNode = (name: string, address: string): TableNode => ({ name, address, hostname: `${name}.${domain}` });
const owned = (name: string, address: string, id: string): ExistingRecord[] => [
  { id: `${id}-txt`, type: "TXT", name: ownerRecordName(`${name}.${domain}`), content: formatOwnerContent("cluster-a"), proxied: false, ttl: 60 },
  { id, type: "A", name: `${name}.${domain}`, content: address, proxied: false, ttl: 60 },
];
const plan = (nodes: TableNode[], existing: ExistingRecord[]) => planNodeDns({ nodes, nodeDomain: domain, ownerId: "cluster-a", existing, ttl: 60 });

describe("the order of node records and tables (pure)", () => {
  test("records of Nodes in the table are made before the publish; a gone Node's records are deleted after it", () => {
    const existing = [...owned("node-a", "203.0.113.1", "a"), ...owned("node-gone", "203.0.113.9", "g")];
    const { beforePublish, afterPublish } = splitAroundPublish(plan([tableNode("node-a", "203.0.113.10"), tableNode("node-new", "203.0.113.2")], existing));
    expect(beforePublish.map((c) => `${c.name}: ${c.steps.map((s) => s.op).join(",")}`)).toEqual([`node-a.${domain}: update`, `node-new.${domain}: create,create`]);
    expect(afterPublish.map((c) => `${c.name}: ${c.steps.map((s) => s.op).join(",")}`)).toEqual([`node-gone.${domain}: delete,delete`]);
  });

  test("a Node whose record failed is held out, with the failure as its reason; the others are not", () => {
    const nodes = [tableNode("node-a", "203.0.113.1"), tableNode("node-b", "203.0.113.2")];
    const held = nodesWithoutRecords(plan(nodes, []), [], new Map([[`node-b.${domain}`, "create failed: rejected"]]));
    expect([...held]).toEqual([["node-b", `DNS record node-b.${domain} not in place: create failed: rejected`]]);
  });

  test("a record kept by hand that points at the Node serves; one pointing elsewhere holds the Node out", () => {
    const byHand: ExistingRecord[] = [
      { id: "h1", type: "A", name: `node-a.${domain}`, content: "203.0.113.1", proxied: false, ttl: 300 },
      { id: "h2", type: "A", name: `node-b.${domain}`, content: "198.51.100.7", proxied: false, ttl: 300 },
    ];
    const nodes = [tableNode("node-a", "203.0.113.1"), tableNode("node-b", "203.0.113.2")];
    const held = nodesWithoutRecords(plan(nodes, byHand), byHand, new Map());
    expect([...held.keys()]).toEqual(["node-b"]);
    expect(held.get("node-b")).toContain("not created by edge-ingress exists (198.51.100.7)");
  });

  test("a Node that cannot have a record is held out", () => {
    const held = nodesWithoutRecords(plan([{ name: "bare", address: "203.0.113.1" }], []), [], new Map());
    expect(held.get("bare")).toMatch(/^cannot have a DNS record: has no hostname/);
  });
});

describe("node records around publishes, against the fake Cloudflare API", () => {
  let api: FakeCloudflareApi;
  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
  });
  afterEach(() => api.stop());

  const reconciler = () =>
    new NodeDnsReconciler({ client: createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl }), zoneId: api.zoneId, nodeDomain: domain, ownerId: "cluster-a", retry: { sleep: async () => {} } });
  const names = () => api.dns.all().filter((r) => r.type === "A").map((r) => r.name).sort();

  test("prepare makes the records of the table's Nodes and keeps a gone Node's; cleanUp then deletes it", async () => {
    const dns = reconciler();
    await dns.reconcile([tableNode("node-a", "203.0.113.1"), tableNode("node-b", "203.0.113.2")]);
    const readiness = await dns.prepare([tableNode("node-a", "203.0.113.1"), tableNode("node-c", "203.0.113.3")]);
    expect(readiness).toMatchObject({ error: null, report: { created: 2 } });
    expect(readiness.withheld.size).toBe(0);
    expect(names()).toEqual([`node-a.${domain}`, `node-b.${domain}`, `node-c.${domain}`]);
    expect(await dns.cleanUp()).toMatchObject({ deleted: 2 });
    expect(names()).toEqual([`node-a.${domain}`, `node-c.${domain}`]);
  });

  test("a record the API refuses holds its Node out and says why; the next prepare makes it", async () => {
    api.fail((r) => r.method === "POST" && (r.body as { name?: string }).name === `node-b.${domain}`, { status: 400, errors: [{ code: 9005, message: "bad content" }] });
    const dns = reconciler();
    const nodes = [tableNode("node-a", "203.0.113.1"), tableNode("node-b", "203.0.113.2")];
    const first = await dns.prepare(nodes);
    expect(first.error).toBeInstanceOf(NodeDnsError);
    expect([...first.withheld.keys()]).toEqual(["node-b"]);
    expect(first.withheld.get("node-b")).toContain("bad content");
    const second = await dns.prepare(nodes);
    expect(second).toMatchObject({ error: null });
    expect(second.withheld.size).toBe(0);
    expect(names()).toEqual([`node-a.${domain}`, `node-b.${domain}`]);
  });

  test("when the zone cannot be listed, only Nodes new since the last listing are held out; with no listing yet it cannot tell", async () => {
    const dns = reconciler();
    await dns.reconcile([tableNode("node-a", "203.0.113.1")]);
    api.fail((r) => r.method === "GET", { status: 500 }, 5);
    const readiness = await dns.prepare([tableNode("node-a", "203.0.113.1"), tableNode("node-b", "203.0.113.2")]);
    expect([...readiness.withheld.keys()]).toEqual(["node-b"]);
    expect(readiness.error).toBeInstanceOf(NodeDnsError);
    await expect(reconciler().prepare([tableNode("node-a", "203.0.113.1")])).rejects.toBeInstanceOf(NodeDnsError);
  });
});

describe("the sync loop with node DNS as its target gate, against the fake Cloudflare API", () => {
  let api: FakeCloudflareApi;
  const loops: SyncLoop[] = [];
  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
  });
  afterEach(async () => {
    await Promise.all(loops.splice(0).map((loop) => loop.stop()));
    await api.stop();
  });

  const shop = (nodes: ReturnType<typeof node>[]) => cluster({
    nodes,
    services: [service("shop/web", [{ port: 80, nodePort: 30080 }])],
    endpointSlices: [slice("shop/web", nodes.map((n) => ({ node: n.metadata?.name ?? "" })))],
    ingresses: [ingress("shop/web", [{ host: "shop.test", service: "web", port: 80 }])],
  });

  /** Each push, with the A records the zone held at that moment. */
  function start() {
    const source = new MemoryClusterSource();
    const publisher = new RecordingPublisher();
    const recordsAtPush: { table: RoutingTable; records: string[] }[] = [];
    const publish = publisher.publish.bind(publisher);
    publisher.publish = async (table, body) => {
      recordsAtPush.push({ table, records: api.dns.all().filter((r) => r.type === "A").map((r) => r.name).sort() });
      return publish(table, body);
    };
    const lines: string[] = [];
    const dns = new NodeDnsReconciler({ client: createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl }), zoneId: api.zoneId, nodeDomain: domain, ownerId: "cluster-a", retry: { sleep: async () => {} } });
    const loop = new SyncLoop({
      source,
      publisher,
      compileOptions: { ...defaultCompileOptions, nodeDomain: domain },
      health: noHealthChecks,
      leadership: soleLeader,
      logger: createLogger({ write: (line) => lines.push(line) }),
      targetGate: nodeDnsGate(dns),
      debounceMs: 10,
      minPublishIntervalMs: 20,
      retry: { initialMs: 20, maxMs: 50, factor: 2, jitter: 0 },
    });
    loops.push(loop);
    loop.start();
    return { source, publisher, recordsAtPush, lines };
  }
  const hostnames = (table: RoutingTable | undefined) => (table?.nodes ?? []).map((n) => n.hostname ?? "").sort();

  test("a new Node's record is created before any pushed table names it", async () => {
    const { source, publisher, recordsAtPush } = start();
    source.set(shop([node("node-a", "203.0.113.1")]));
    await waitFor("the first push", () => publisher.published.length === 1);
    source.set(shop([node("node-a", "203.0.113.1"), node("node-b", "203.0.113.2")]));
    await waitFor("node-b served", () => hostnames(publisher.published.at(-1)?.table).includes(`node-b.${domain}`));
    for (const push of recordsAtPush) for (const name of hostnames(push.table)) expect(push.records, `push of ${push.table.version}`).toContain(name);
  });

  test("a Node whose record cannot be created stays out of the table, reported, while the rest is served; it enters once the record exists", async () => {
    api.fail((r) => r.method === "POST" && (r.body as { name?: string }).name === `node-b.${domain}`, { status: 400, errors: [{ code: 9005, message: "bad content" }] }, 2);
    const { source, publisher, recordsAtPush, lines } = start();
    source.set(shop([node("node-a", "203.0.113.1"), node("node-b", "203.0.113.2")]));
    await waitFor("the first push", () => publisher.published.length >= 1);
    const first = publisher.published[0]?.table;
    expect(hostnames(first)).toEqual([`node-a.${domain}`]);
    expect(first?.backends.map((b) => b.targets)).toEqual(["all-nodes"]);
    expect(first?.problems).toContainEqual({ kind: "Node", object: "node-b", reason: expect.stringContaining("held out of the table: DNS record node-b.nodes.example.com not in place") });
    expect(lines.some((line) => line.includes('"nodes-held-out"') && line.includes("node-b"))).toBe(true);
    await waitFor("node-b served once its record exists", () => hostnames(publisher.published.at(-1)?.table).includes(`node-b.${domain}`));
    for (const push of recordsAtPush) for (const name of hostnames(push.table)) expect(push.records).toContain(name);
  });

  test("a removed Node leaves the table first; its record is deleted after the push", async () => {
    const { source, publisher, recordsAtPush } = start();
    source.set(shop([node("node-a", "203.0.113.1"), node("node-b", "203.0.113.2")]));
    await waitFor("both served", () => hostnames(publisher.published.at(-1)?.table).length === 2);
    source.set(shop([node("node-a", "203.0.113.1")]));
    await waitFor("node-b's record deleted", () => !api.dns.all().some((r) => r.name === `node-b.${domain}`));
    const without = recordsAtPush.find((push) => !hostnames(push.table).includes(`node-b.${domain}`));
    expect(without?.records).toContain(`node-b.${domain}`);
  });
});
