import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createCloudflareClient } from "../../../sync-agent/cloudflare/cloudflare-client.ts";
import { HostAttachmentsError, HostAttachmentsReconciler } from "../../../sync-agent/cloudflare/host-attachments-reconciler.ts";
import { formatHostClaim, hostClaimName } from "../../../sync-agent/cloudflare/host-ownership.ts";
import type { ServedHost } from "../../../sync-agent/cloudflare/served-hosts.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";

const other = { id: "9a7806061c88ada191ed06f989cc3dac", name: "shop.example.net" };
const served = (...hosts: string[]): ServedHost[] => hosts.map((host) => ({ host, ingresses: [`default/${host.replace("*.", "wild.")}`] }));
const noWait = { sleep: async () => {} };

describe("the host attachments reconciler, against the fake Cloudflare API", () => {
  let api: FakeCloudflareApi;
  let logs: string[];
  let clock: number;

  const reconciler = (options: { ownerId?: string; dryRun?: boolean; sleep?: (ms: number) => Promise<void> } = {}) =>
    new HostAttachmentsReconciler({
      client: createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl }),
      accountId: api.accountId,
      workerName: "edge-ingress",
      ownerId: options.ownerId ?? "cluster-a",
      dryRun: options.dryRun ?? false,
      minCallIntervalMs: 0,
      retry: { sleep: options.sleep ?? noWait.sleep },
      logger: createLogger({ write: (line) => logs.push(line) }),
      nowMs: () => clock,
    });
  const domains = () => api.workerDomains.all().map((d) => `${d.hostname} → ${d.service} (${d.zone_name})`);
  const routes = (zone = "example.com") => api.zone(zone).routes.all().map((r) => `${r.pattern} → ${r.script ?? "-"}`);
  const records = (zone = "example.com") => api.zone(zone).dns.all().map((r) => `${r.name} ${r.type} ${r.content}${r.proxied ? " proxied" : ""}`).sort();

  beforeEach(async () => {
    api = new FakeCloudflareApi({ moreZones: [other] });
    await api.start();
    logs = [];
    clock = 0;
  });

  afterEach(async () => {
    await api.stop();
  });

  test("attaches exact hosts as Custom Domains in their own zone, and a wildcard as a route plus a proxied record, each claimed", async () => {
    const report = await reconciler().reconcile(served("www.example.com", "api.shop.example.net", "*.example.com"), { detach: true });
    expect(report).toMatchObject({ attached: ["*.example.com", "api.shop.example.net", "www.example.com"], failed: [] });
    expect(domains()).toEqual(["api.shop.example.net → edge-ingress (shop.example.net)", "www.example.com → edge-ingress (example.com)"]);
    expect(routes()).toEqual(["*.example.com/* → edge-ingress"]);
    expect(records()).toEqual([
      "*.example.com AAAA 100:: proxied",
      `_edge-ingress-host._wildcard.example.com TXT ${formatHostClaim("cluster-a")}`,
      `_edge-ingress-host.www.example.com TXT ${formatHostClaim("cluster-a")}`,
    ]);
    expect(records(other.name)).toEqual([`_edge-ingress-host.api.shop.example.net TXT ${formatHostClaim("cluster-a")}`]);
    // The claim is written before the attachment it speaks for.
    const writes = api.writes().map((w) => `${w.method} ${w.path.replace(/[0-9a-f]{32}/g, "ID")}`);
    expect(writes.indexOf("PUT /accounts/ID/workers/domains")).toBeGreaterThan(writes.indexOf("POST /zones/ID/dns_records"));
  });

  test("detaches only when told the edge no longer serves the host, and then removes exactly what it made", async () => {
    const hosts = reconciler();
    await hosts.reconcile(served("www.example.com", "*.example.com"), { detach: true });
    api.dns.create({ type: "A", name: "mail.example.com", content: "198.51.100.7" });
    const kept = await hosts.reconcile(served(), { detach: false });
    expect(kept?.changes).toEqual([]);
    expect(domains()).toHaveLength(1);
    await hosts.reconcile(served(), { detach: true });
    expect(domains()).toEqual([]);
    expect(routes()).toEqual([]);
    expect(records()).toEqual(["mail.example.com A 198.51.100.7"]);
  });

  test("never takes over a Custom Domain, route or record it did not create: each is reported and left as it is", async () => {
    await api.stop();
    api = new FakeCloudflareApi({ moreZones: [other], workerScripts: ["edge-ingress", "marketing"] });
    await api.start();
    api.workerDomains.attach({ hostname: "shop.example.com", service: "marketing" });
    api.dns.create({ type: "CNAME", name: "legacy.example.com", content: "old.example.org" });
    api.zone("example.com").routes.create({ pattern: "*.example.com/*", script: "marketing" });
    const before = { domains: domains(), routes: routes(), records: records() };

    const report = await reconciler().reconcile(served("shop.example.com", "legacy.example.com", "*.example.com"), { detach: true }).catch((e: unknown) => e);
    expect(report).toBeInstanceOf(HostAttachmentsError);
    const failed = (report as HostAttachmentsError).report?.failed ?? [];
    expect(failed.map((f) => [f.host, f.ingresses])).toEqual([
      ["*.example.com", ["default/wild.example.com"]],
      ["shop.example.com", ["default/shop.example.com"]],
      ["legacy.example.com", ["default/legacy.example.com"]],
    ]);
    expect(failed.map((f) => f.reason)).toEqual([
      "the Workers route *.example.com/* runs the Worker marketing, not created by edge-ingress: left as it is",
      "shop.example.com is a Custom Domain of the Worker marketing, not created by edge-ingress: left as it is",
      expect.stringMatching(/^legacy\.example\.com could not be attached: attach Custom Domain legacy\.example\.com: .*externally managed DNS records.*\(100117\)$/),
    ]);
    expect({ domains: domains(), routes: routes() }).toEqual({ domains: before.domains, routes: before.routes });
    expect(records().filter((r) => !r.includes("TXT"))).toEqual(before.records);
    expect(logs.some((line) => line.includes('"event":"host-not-attached"') && line.includes("shop.example.com"))).toBe(true);
  });

  test("a host attached by hand to this Worker counts as attached, and is never detached", async () => {
    api.workerDomains.attach({ hostname: "blog.example.com", service: "edge-ingress" });
    const hosts = reconciler();
    expect(await hosts.reconcile(served("blog.example.com"), { detach: true })).toMatchObject({ attached: ["blog.example.com"], changes: [] });
    await hosts.reconcile(served(), { detach: true });
    expect(domains()).toEqual(["blog.example.com → edge-ingress (example.com)"]);
    expect(api.writes()).toEqual([]);
  });

  test("a host outside every zone of the account is reported, and the others are attached", async () => {
    // A host in no zone is a problem of the plan, not a failed call: the run itself succeeds.
    const report = await reconciler().reconcile(served("www.example.org", "www.example.com"), { detach: true });
    expect(report).toMatchObject({ failed: [{ host: "www.example.org", reason: "www.example.org is in no zone of the Cloudflare account: add the zone, or attach the host by hand" }], attached: ["www.example.com"] });
    expect(domains()).toEqual(["www.example.com → edge-ingress (example.com)"]);
  });

  test("another owner's host is neither attached nor detached", async () => {
    await reconciler({ ownerId: "cluster-b" }).reconcile(served("www.example.com"), { detach: true });
    const report = await reconciler().reconcile(served("www.example.com"), { detach: true });
    expect(report?.failed).toEqual([{ host: "www.example.com", ingresses: ["default/www.example.com"], reason: "www.example.com is claimed by another edge-ingress owner (cluster-b)" }]);
    await reconciler().reconcile(served(), { detach: true });
    expect(domains()).toEqual(["www.example.com → edge-ingress (example.com)"]);
  });

  test("a crash between the claim and the attach is finished by the next run, which adopts the claim rather than adding one", async () => {
    // The attach never happens: the process "dies" after the claim was written.
    api.fail((r) => r.method === "PUT" && r.path.endsWith("/workers/domains"), { status: 500 });
    await expect(reconciler().reconcile(served("www.example.com"), { detach: true })).rejects.toMatchObject({ code: "failed" });
    expect(records()).toEqual([`_edge-ingress-host.www.example.com TXT ${formatHostClaim("cluster-a")}`]);
    expect(domains()).toEqual([]);

    const restarted = reconciler();
    expect(await restarted.reconcile(served("www.example.com"), { detach: true })).toMatchObject({ attached: ["www.example.com"], failed: [] });
    expect(domains()).toEqual(["www.example.com → edge-ingress (example.com)"]);
    expect(records()).toHaveLength(1);
  });

  test("a crash between detaching and unclaiming is finished by the next run", async () => {
    await reconciler().reconcile(served("*.example.com"), { detach: true });
    api.fail((r) => r.method === "DELETE" && r.path.includes("/dns_records/"), { status: 502 });
    await expect(reconciler().reconcile(served(), { detach: true })).rejects.toBeInstanceOf(HostAttachmentsError);
    expect(routes()).toEqual([]);
    await reconciler().reconcile(served(), { detach: true });
    expect(records()).toEqual([]);
  });

  test("a claim written twice (an answer lost, the create retried) is cleaned up to one", async () => {
    api.dns.create({ type: "TXT", name: hostClaimName("www.example.com"), content: formatHostClaim("cluster-a") });
    // The same claim, unquoted: the fake refuses a byte-identical twin, Cloudflare's dedup is no stronger.
    api.dns.create({ type: "TXT", name: hostClaimName("www.example.com"), content: formatHostClaim("cluster-a").slice(1, -1) });
    await reconciler().reconcile(served("www.example.com"), { detach: true });
    expect(records()).toEqual([`_edge-ingress-host.www.example.com TXT ${formatHostClaim("cluster-a")}`]);
    expect(domains()).toEqual(["www.example.com → edge-ingress (example.com)"]);
  });

  test("a dry run prints the plan and writes nothing", async () => {
    const report = await reconciler({ dryRun: true }).reconcile(served("www.example.com", "*.example.com"), { detach: true });
    expect(report?.changes.map((c) => c.host)).toEqual(["*.example.com", "www.example.com"]);
    expect(api.writes()).toEqual([]);
    const plan = logs.filter((line) => line.includes('"event":"hosts-plan"')).map((line) => (JSON.parse(line) as { steps: string[] }).steps);
    expect(plan).toEqual([
      ["create TXT _edge-ingress-host._wildcard.example.com (ownership)", "create Workers route *.example.com/*", "create proxied AAAA *.example.com 100::"],
      ["create TXT _edge-ingress-host.www.example.com (ownership)", "attach Custom Domain www.example.com"],
    ]);
  });

  test("reads every page of the account's zones and acts on a zone only page 2 holds", async () => {
    await api.stop();
    const many = Array.from({ length: 60 }, (_, i) => ({ id: (i + 1).toString(16).padStart(32, "a"), name: `z${String(i).padStart(2, "0")}.example.org` }));
    api = new FakeCloudflareApi({ moreZones: many });
    await api.start();
    await reconciler().reconcile(served("www.z59.example.org"), { detach: true });
    expect(api.requests.filter((r) => r.path === "/zones").map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
    expect(domains()).toEqual(["www.z59.example.org → edge-ingress (z59.example.org)"]);
  });

  test("a 429 is waited out as Retry-After says; calls are paced", async () => {
    const waits: number[] = [];
    api.fail((r) => r.method === "PUT", { status: 429, retryAfter: "3" }, 1);
    await reconciler({ sleep: async (ms) => { waits.push(ms); } }).reconcile(served("www.example.com"), { detach: true });
    expect(waits).toEqual([3000]);
    expect(domains()).toHaveLength(1);

    const paced: number[] = [];
    const slow = new HostAttachmentsReconciler({
      client: createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl }),
      accountId: api.accountId, workerName: "edge-ingress", ownerId: "cluster-a", minCallIntervalMs: 250,
      retry: { sleep: async (ms) => { paced.push(ms); } },
      nowMs: () => clock,
    });
    await slow.reconcile(served("www.example.com"), { detach: true });
    // The clock stands still: every call after the first waits the whole interval.
    expect(paced.length).toBeGreaterThan(2);
    expect(new Set(paced)).toEqual(new Set([250]));
  });

  test("a token without Workers permission fails as unauthorized, naming the API's error", async () => {
    await api.stop();
    api = new FakeCloudflareApi({ permissions: ["dns"] });
    await api.start();
    await expect(reconciler().reconcile(served("www.example.com"), { detach: true })).rejects.toMatchObject({ code: "unauthorized", message: expect.stringContaining("Authentication error (10000)") });
  });

  test("calls the API only when the hosts change or the resync interval has passed", async () => {
    const hosts = reconciler();
    await hosts.reconcile(served("www.example.com"), { detach: true });
    const calls = api.requests.length;
    expect(await hosts.reconcile(served("www.example.com"), { detach: true })).toBeNull();
    expect(api.requests.length).toBe(calls);
    clock += 11 * 60_000;
    expect(await hosts.reconcile(served("www.example.com"), { detach: true })).toMatchObject({ changes: [] });
    expect(api.requests.length).toBeGreaterThan(calls);
  });
});
