import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { CompileResult } from "../../../core/compile/compile-table.ts";
import { hashTableContent } from "../../../core/table/hash-table.ts";
import { serviceSource, TABLE_SCHEMA, type TableContent } from "../../../core/table/schema.ts";
import { createCloudflareClient } from "../../../sync-agent/cloudflare/cloudflare-client.ts";
import { HostAttachmentsHook } from "../../../sync-agent/cloudflare/host-attachments-hook.ts";
import { HostAttachmentsReconciler } from "../../../sync-agent/cloudflare/host-attachments-reconciler.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";
import { waitFor } from "../support/wait-for.ts";

const content = (...hosts: string[]): TableContent => ({
  schema: TABLE_SCHEMA,
  nodes: [],
  hosts: hosts.map((host) => ({ host, rules: [{ path: "/", pathType: "Prefix", backend: "shop/web:80", ingress: `shop/${host.split(".")[0] ?? ""}` }] })),
  defaultBackend: null,
  backends: [],
  tls: [],
  problems: [],
});
const compiled = (table: TableContent): CompileResult => ({ content: table }) as unknown as CompileResult;

describe("the --manage-hosts hook in the sync loop", () => {
  let api: FakeCloudflareApi;
  let published: string | null;
  let reruns: number;
  let registry: Registry;
  let hook: HostAttachmentsHook;

  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
    published = null;
    reruns = 0;
    registry = new Registry();
    const reconciler = new HostAttachmentsReconciler({
      client: createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl }),
      accountId: api.accountId, workerName: "edge-ingress", ownerId: "cluster-a", minCallIntervalMs: 0, retry: { sleep: async () => {} },
    });
    hook = new HostAttachmentsHook(reconciler, { registry, requestRerun: () => { reruns += 1; }, publishedVersion: () => published, retry: { initialMs: 10, maxMs: 10, factor: 1, jitter: 0 } });
  });

  afterEach(async () => {
    hook.stop();
    await api.stop();
  });

  test("attaches before the table is published, and detaches only once the edge holds a table without the host", async () => {
    await hook.afterCompile(compiled(content("a.example.com", "b.example.com")));
    expect(api.workerDomains.all().map((d) => d.hostname)).toEqual(["a.example.com", "b.example.com"]);
    const smaller = content("a.example.com");
    await hook.afterCompile(compiled(smaller));
    expect(api.workerDomains.all()).toHaveLength(2);
    published = await hashTableContent(smaller);
    await hook.afterCompile(compiled(smaller));
    expect(api.workerDomains.all().map((d) => d.hostname)).toEqual(["a.example.com"]);
  });

  test("a host that cannot be attached becomes an Ingress problem for each Ingress serving it, is counted, and asks for a pass to report it", async () => {
    await hook.afterCompile(compiled(content("a.example.com", "www.example.org")));
    expect(hook.problems()).toEqual([{ kind: "Ingress", object: "shop/www", reason: "host www.example.org is not attached to the edge: www.example.org is in no zone of the Cloudflare account: add the zone, or attach the host by hand" }]);
    expect(reruns).toBe(1);
    const text = await registry.getSingleMetricAsString("edge_ingress_hosts");
    expect(text).toContain('edge_ingress_hosts{state="attached"} 1');
    expect(text).toContain('edge_ingress_hosts{state="failed"} 1');
  });

  test("a host of a LoadBalancer Service that cannot be attached becomes a problem of that Service", async () => {
    const table = content("a.example.com");
    const withService: TableContent = { ...table, hosts: [...table.hosts, { host: "shop.example.org", rules: [{ path: "/", pathType: "Prefix", backend: "shop/web:80", ingress: serviceSource("shop/web") }] }] };
    await hook.afterCompile(compiled(withService));
    expect(hook.problems()).toEqual([{ kind: "Service", object: "shop/web", reason: "host shop.example.org is not attached to the edge: shop.example.org is in no zone of the Cloudflare account: add the zone, or attach the host by hand" }]);
  });

  test("a failed run is retried after a backoff by asking the loop for another pass", async () => {
    api.fail(() => true, { status: 503 }, 1);
    await hook.afterCompile(compiled(content("a.example.com")));
    await waitFor("a rerun", () => reruns === 1);
    await hook.afterCompile(compiled(content("a.example.com")));
    expect(api.workerDomains.all()).toHaveLength(1);
  });
});
