import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { CompileResult } from "../../../core/compile/compile-table.ts";
import { TABLE_SCHEMA } from "../../../core/table/schema.ts";
import { buildCloudflare, checkCloudflareAccess, CloudflareReconcileHook, nodeDnsGate } from "../../../sync-agent/cloudflare/build-cloudflare.ts";
import type { CloudflareConfig } from "../../../sync-agent/cloudflare/cloudflare-flags.ts";
import { KvPublisher } from "../../../sync-agent/cloudflare/kv-publisher.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";
import { waitFor } from "../support/wait-for.ts";

const compiled = (nodes: { name: string; address: string; hostname: string }[]): CompileResult =>
  ({ content: { schema: TABLE_SCHEMA, nodes, hosts: [], defaultBackend: null, backends: [], tls: [], problems: [] } }) as unknown as CompileResult;

describe("building the Cloudflare side of sync", () => {
  let api: FakeCloudflareApi;
  const config = (overrides: Partial<CloudflareConfig> = {}): CloudflareConfig => ({
    publish: "kv",
    api: { token: api.token, baseUrl: api.baseUrl },
    kv: { accountId: api.accountId, namespaceId: api.namespaceId },
    dns: { zoneId: api.zoneId, nodeDomain: "nodes.example.com", ownerId: "cluster-a" },
    certificates: { zoneId: api.zoneId, ownerId: "cluster-a" },
    hosts: null,
    ...overrides,
  });

  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
  });

  afterEach(async () => {
    await api.stop();
  });

  test("builds nothing when no API is configured", () => {
    expect(buildCloudflare({ publish: "edge", api: null, kv: null, dns: null, certificates: null, hosts: null })).toEqual({ client: null, publisher: null, nodeDns: null, certificates: null, hosts: null });
  });

  test("builds the KV publisher and both reconcilers from one config", () => {
    const parts = buildCloudflare(config());
    expect(parts.publisher).toBeInstanceOf(KvPublisher);
    expect(parts.publisher?.destination).toBe(`workers-kv:${api.accountId}/${api.namespaceId}/table-head`);
    expect(parts.nodeDns).not.toBeNull();
    expect(parts.certificates).not.toBeNull();
  });

  test("the start-up check passes a good config and lists every problem of a bad one", async () => {
    expect(await checkCloudflareAccess(config(), buildCloudflare(config()))).toEqual([]);
    const bad = config({
      kv: { accountId: api.accountId, namespaceId: "ffffffffffffffffffffffffffffffff" },
      dns: { zoneId: api.zoneId, nodeDomain: "nodes.example.org", ownerId: "cluster-a" },
    });
    expect(await checkCloudflareAccess(bad, buildCloudflare(bad))).toEqual([
      `--node-domain nodes.example.org is not in the zone example.com (--cloudflare-zone-id ${api.zoneId})`,
      expect.stringMatching(/^--kv-namespace-id ffffffffffffffffffffffffffffffff: read KV namespace ffffffffffffffffffffffffffffffff: .*\(7003\)$/),
    ]);
    const wrongToken = config({ api: { token: "wrong", baseUrl: api.baseUrl } });
    expect(await checkCloudflareAccess(wrongToken, buildCloudflare(wrongToken))).toEqual([
      expect.stringContaining("Invalid access token (9109)"),
      expect.stringContaining("Invalid access token (9109)"),
    ]);
  });

  test("the start-up check names the permission a token lacks, for DNS and for certificates", async () => {
    await api.stop();
    api = new FakeCloudflareApi({ permissions: ["kv"] });
    await api.start();
    expect(await checkCloudflareAccess(config(), buildCloudflare(config()))).toEqual([
      expect.stringMatching(/list DNS records of example\.com: .*\(10000\) \(the token needs Zone DNS Edit\)$/),
      expect.stringMatching(/list custom certificates of example\.com: .*\(10000\) \(the token needs Zone SSL and Certificates Edit\)$/),
    ]);
  });

  test("with --manage-hosts the start-up check passes a good config, and names a missing Worker and a token without Workers permission", async () => {
    const hosts = config({ hosts: { accountId: api.accountId, workerName: "edge-ingress", ownerId: "cluster-a", dryRun: false } });
    expect(buildCloudflare(hosts).hosts).not.toBeNull();
    expect(await checkCloudflareAccess(hosts, buildCloudflare(hosts))).toEqual([]);
    const missing = config({ hosts: { accountId: api.accountId, workerName: "edge-ingres", ownerId: "cluster-a", dryRun: false } });
    expect(await checkCloudflareAccess(missing, buildCloudflare(missing))).toEqual([
      expect.stringMatching(/^--worker-name edge-ingres: read the Worker edge-ingres: This Worker does not exist on your account\. \(10007\)$/),
    ]);
    await api.stop();
    api = new FakeCloudflareApi({ permissions: ["dns", "kv", "ssl"] });
    await api.start();
    const noWorkers = config({ hosts: { accountId: api.accountId, workerName: "edge-ingress", ownerId: "cluster-a", dryRun: false } });
    expect(await checkCloudflareAccess(noWorkers, buildCloudflare(noWorkers))).toEqual([
      expect.stringMatching(/^--worker-name edge-ingress: .*\(10000\) \(the token needs Account · Workers Scripts: Edit\)$/),
      expect.stringMatching(/^--cloudflare-account-id .*: list Workers Custom Domains: .*\(10000\) \(the token needs Account · Workers Scripts: Edit\)$/),
    ]);
  });

  test("the after-compile hook leaves node records to the loop's target gate, and certificates alone until Secrets are known", async () => {
    const parts = buildCloudflare(config());
    const hook = new CloudflareReconcileHook(parts, { requestRerun: () => {} });
    await hook.afterCompile(compiled([{ name: "node-a", address: "203.0.113.5", hostname: "node-a.nodes.example.com" }]));
    expect(api.requests).toEqual([]);
    hook.stop();
  });

  test("the node DNS gate makes a Node's record before answering, and holds out a Node whose record failed", async () => {
    const parts = buildCloudflare(config());
    if (parts.nodeDns === null) throw new Error("no node DNS");
    api.fail((r) => r.method === "POST" && (r.body as { name?: string }).name === "node-b.nodes.example.com", { status: 400 });
    const gate = nodeDnsGate(parts.nodeDns);
    const readiness = await gate.prepare([
      { name: "node-a", address: "203.0.113.5", hostname: "node-a.nodes.example.com" },
      { name: "node-b", address: "203.0.113.6", hostname: "node-b.nodes.example.com" },
    ]);
    expect(api.dns.all().filter((r) => r.type === "A").map((r) => r.name)).toEqual(["node-a.nodes.example.com"]);
    expect([...readiness.withheld.keys()]).toEqual(["node-b"]);
    expect(readiness.retry).toBe(true);
  });

  test("a failed certificates reconcile asks the loop for another pass after a backoff", async () => {
    let reruns = 0;
    api.fail(() => true, { status: 500 }, 10);
    const hook = new CloudflareReconcileHook(buildCloudflare(config()), { requestRerun: () => { reruns += 1; }, retry: { initialMs: 20, maxMs: 20, factor: 1, jitter: 0 } });
    hook.setTlsSecrets([]);
    await hook.afterCompile(compiled([{ name: "node-a", address: "203.0.113.5", hostname: "node-a.nodes.example.com" }]));
    await waitFor("a rerun", () => reruns === 1);
    hook.stop();
  });
});
