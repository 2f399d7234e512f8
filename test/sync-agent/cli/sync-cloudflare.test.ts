import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { compileTable } from "../../../core/compile/compile-table.ts";
import { hashTableContent } from "../../../core/table/hash-table.ts";
import { runSync } from "../../../sync-agent/cli/sync-command.ts";
import { loadManifests } from "../../../sync-agent/manifests/load-manifests.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";
import { readStoredTable } from "../../support/fake-cloudflare-api/stored-table.ts";
import { FakeKubeApi, writeKubeconfig } from "../../support/fake-kube-api/index.ts";
import { makeTempDir } from "../../support/temp-dir.ts";
import { kubeEdgeClass, kubeIngress, kubeNamedSlice, kubeNode, kubeService } from "../support/kube-objects.ts";
import { waitFor } from "../support/wait-for.ts";

const fixture = (name: string): string => readFileSync(join("test/sync-agent/cloudflare/fixtures", name), "utf8");
const b64 = (text: string): string => Buffer.from(text).toString("base64");
const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

/** One `sync` run in the background; `stop` ends it the way SIGTERM would and returns its exit code. */
function startSync(args: string[], env: NodeJS.ProcessEnv) {
  const err: string[] = [];
  const abort = new AbortController();
  const io = { stdout: () => {}, stderr: (text: string) => err.push(text), env };
  const running = runSync([...args, "--debounce-ms", "20", "--metrics-port", "0", "--no-health-checks"], io, { signal: abort.signal });
  return {
    err,
    running,
    async stop(): Promise<number> {
      abort.abort();
      return running;
    },
  };
}

describe("edge-ingress sync with the Cloudflare API", () => {
  let api: FakeCloudflareApi;
  let dir: string;
  let removeDir: () => Promise<void>;
  let env: NodeJS.ProcessEnv;
  const kvFlags = (): string[] => ["--publish", "kv", "--cloudflare-api-url", api.baseUrl, "--cloudflare-account-id", api.accountId, "--kv-namespace-id", api.namespaceId];
  const zoneFlags = (): string[] => ["--cloudflare-zone-id", api.zoneId, "--owner-id", "cluster-a"];

  beforeEach(async () => {
    api = new FakeCloudflareApi();
    await api.start();
    env = { CLOUDFLARE_API_TOKEN: api.token };
    ({ dir, remove: removeDir } = await makeTempDir({
      "cluster.yaml": await readFile("examples/demo/cluster.yaml", "utf8"),
      "shop.yaml": await readFile("examples/demo/shop.yaml", "utf8"),
    }));
  });

  afterEach(async () => {
    await api.stop();
    await removeDir();
  });

  test("--publish kv writes the compiled table's exact bytes to Workers KV, with no edge URL and no push key", async () => {
    const sync = startSync(["--manifests", dir, ...kvFlags()], env);
    const stored = await waitFor("the table in KV", () => readStoredTable(api.kv));
    expect(await sync.stop()).toBe(0);

    const expected = compileTable(await loadManifests(dir), { ingressClass: "edge", allowInternalIp: false }).content;
    expect(stored.version).toBe(await hashTableContent(expected));
    expect(stored.nodes).toEqual(expected.nodes);
    expect(stored.hosts).toEqual([...expected.hosts].sort((a, b) => (a.host < b.host ? -1 : 1)));
    expect(sync.err.join("")).toContain(`"destination":"workers-kv:${api.accountId}/${api.namespaceId}/table-head"`);
    // KV cannot answer which transport the edge runs: without --node-domain the agent warns at start.
    expect(sync.err.join("")).toContain('"targets-without-dns-names"');
    expect(sync.err.join("")).toContain("targets have no DNS names; the fetch transport (the worker's default) cannot reach them");
  });

  test("--manage-dns keeps one grey-clouded record per Node under --node-domain, and deletes the record of a Node that is gone", async () => {
    const sync = startSync(["--manifests", dir, ...kvFlags(), "--manage-dns", "--node-domain", "nodes.example.com", ...zoneFlags()], env);
    const addresses = () => api.dns.all().filter((r) => r.type === "A").map((r) => `${r.name}=${r.content}${r.proxied ? " proxied" : ""}`).sort();
    await waitFor("three node records", () => addresses().length === 3);
    expect(addresses()).toEqual(["node-a.nodes.example.com=127.0.0.2", "node-b.nodes.example.com=127.0.0.3", "node-c.nodes.example.com=127.0.0.4"]);
    // Records first, then the table that names them.
    const table = await waitFor("the table in KV", () => readStoredTable(api.kv));
    expect(table.nodes.map((n) => n.hostname)).toEqual(["node-a.nodes.example.com", "node-b.nodes.example.com", "node-c.nodes.example.com"]);

    const cluster = await readFile(join(dir, "cluster.yaml"), "utf8");
    await writeFile(join(dir, "cluster.yaml"), cluster.slice(0, cluster.indexOf("apiVersion: v1\nkind: Node\nmetadata:\n  name: node-c")));
    await waitFor("node-c's record deleted", () => addresses().length === 2);
    expect(addresses()).toEqual(["node-a.nodes.example.com=127.0.0.2", "node-b.nodes.example.com=127.0.0.3"]);
    expect(await sync.stop()).toBe(0);
    expect(sync.err.join("")).not.toContain("targets-without-dns-names");
  });

  test("--upload-certificates in manifests mode uploads the certificate of a folder Secret that a served Ingress names", async () => {
    const shop = (await readFile(join(dir, "shop.yaml"), "utf8")).replaceAll("shop.example.test", "shop.example.com");
    await writeFile(join(dir, "shop.yaml"), shop);
    await writeFile(join(dir, "secrets.yaml"), [
      `kind: Secret\napiVersion: v1\nmetadata: { name: shop-tls, namespace: shop }\ntype: kubernetes.io/tls\ndata:\n  tls.crt: ${b64(fixture("shop-v1.crt.pem"))}\n  tls.key: ${b64(fixture("shop-v1.key.pem"))}\n`,
      // Named by no Ingress: never uploaded.
      `kind: Secret\napiVersion: v1\nmetadata: { name: api-tls, namespace: shop }\ntype: kubernetes.io/tls\nstringData:\n  tls.crt: |\n${indent(fixture("api.crt.pem"))}\n  tls.key: |\n${indent(fixture("api.key.pem"))}\n`,
    ].join("---\n"));
    const sync = startSync(["--manifests", dir, ...kvFlags(), "--upload-certificates", ...zoneFlags()], env);
    await waitFor("a certificate uploaded", () => api.certificates.all().length > 0);
    const [certificate] = api.certificates.all();
    expect(certificate?.hosts).toEqual(["shop.example.com"]);
    expect(api.certificates.fingerprints.get(certificate?.id ?? "")).toBe(fingerprint(fixture("shop-v1.crt.pem")));
    expect(await sync.stop()).toBe(0);
    expect(api.certificates.all()).toHaveLength(1);
  });

  test("the start-up check lists every problem, flags and API access alike, exits 1 and writes nothing", async () => {
    const io = { stdout: () => {}, stderr: (text: string) => err.push(text), env };
    const err: string[] = [];
    const code = await runSync([
      "--manifests", dir,
      "--publish", "kv", "--cloudflare-api-url", api.baseUrl, "--cloudflare-account-id", api.accountId, "--kv-namespace-id", "ffffffffffffffffffffffffffffffff",
      "--manage-dns", "--node-domain", "nodes.example.org", ...zoneFlags(),
      "--debounce-ms", "900",
    ], io);
    expect(code).toBe(1);
    const text = err.join("");
    expect(text).toContain("--debounce-ms");
    expect(text).toContain(`--node-domain nodes.example.org is not in the zone example.com (--cloudflare-zone-id ${api.zoneId})`);
    expect(text).toContain("--kv-namespace-id ffffffffffffffffffffffffffffffff: read KV namespace");
    expect(text).not.toContain("give --edge-url");
    expect(api.writes()).toEqual([]);
  });

  test("with --manage-hosts the start-up check names a Worker that does not exist beside every other problem, and writes nothing", async () => {
    const err: string[] = [];
    const code = await runSync([
      "--manifests", dir, "--publish", "kv", "--cloudflare-api-url", api.baseUrl, "--cloudflare-account-id", api.accountId, "--kv-namespace-id", "ffffffffffffffffffffffffffffffff",
      "--manage-hosts", "--worker-name", "edge-ingres", "--owner-id", "cluster-a", "--debounce-ms", "900",
    ], { stdout: () => {}, stderr: (text) => err.push(text), env });
    expect(code).toBe(1);
    const text = err.join("");
    expect(text).toContain("--debounce-ms");
    expect(text).toContain("--worker-name edge-ingres: read the Worker edge-ingres: This Worker does not exist on your account. (10007)");
    expect(text).toContain("--kv-namespace-id ffffffffffffffffffffffffffffffff: read KV namespace");
    expect(api.writes()).toEqual([]);
  });

  test("a token the API refuses is a start-up problem, not a failure on the first write", async () => {
    const err: string[] = [];
    const code = await runSync(["--manifests", dir, ...kvFlags()], { stdout: () => {}, stderr: (text) => err.push(text), env: { CLOUDFLARE_API_TOKEN: "not-the-token" } });
    expect(code).toBe(1);
    expect(err.join("")).toContain("Invalid access token (9109)");
  });
});

describe("edge-ingress sync --kubeconfig --upload-certificates", () => {
  let kube: FakeKubeApi;
  let api: FakeCloudflareApi;

  beforeEach(async () => {
    kube = new FakeKubeApi();
    api = new FakeCloudflareApi();
    await Promise.all([kube.start(), api.start()]);
  });

  afterEach(async () => {
    await Promise.all([kube.stop(), api.stop()]);
  });

  const tlsSecret = (name: string, cert: string, key: string, type = "kubernetes.io/tls") => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { namespace: "shop", name },
    type,
    data: { "tls.crt": b64(fixture(cert)), "tls.key": b64(fixture(key)) },
  });

  test("uploads the certificate of a TLS Secret a served Ingress names, rotates it when the Secret changes, and reads only TLS Secrets", async () => {
    kube.apply(kubeEdgeClass());
    kube.apply(kubeNode("node-a", "127.0.0.2"));
    kube.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: 30080 }]));
    kube.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }], ["http"]));
    kube.apply(kubeIngress("shop/web", [{ host: "shop.example.com", service: "web", port: 80 }], { tls: ["shop.example.com"] })); // secretName "tls"
    kube.apply(tlsSecret("tls", "shop-v1.crt.pem", "shop-v1.key.pem"));
    kube.apply(tlsSecret("unused-tls", "api.crt.pem", "api.key.pem"));
    kube.apply({ apiVersion: "v1", kind: "Secret", metadata: { namespace: "shop", name: "database" }, type: "Opaque", data: { password: b64("hunter2") } });

    const sync = startSync([
      "--kubeconfig", await writeKubeconfig(kube), "--no-leader-election",
      "--publish", "kv", "--cloudflare-api-url", api.baseUrl, "--cloudflare-account-id", api.accountId, "--kv-namespace-id", api.namespaceId,
      "--upload-certificates", "--cloudflare-zone-id", api.zoneId, "--owner-id", "cluster-a",
    ], { CLOUDFLARE_API_TOKEN: api.token });
    const uploaded = () => api.certificates.all().map((c) => ({ hosts: c.hosts, fingerprint: api.certificates.fingerprints.get(c.id) }));
    await waitFor("the certificate uploaded", () => uploaded().length > 0);
    expect(uploaded()).toEqual([{ hosts: ["shop.example.com"], fingerprint: fingerprint(fixture("shop-v1.crt.pem")) }]);

    kube.apply(tlsSecret("tls", "shop-v2.crt.pem", "shop-v2.key.pem"));
    await waitFor("the certificate rotated", () => uploaded()[0]?.fingerprint === fingerprint(fixture("shop-v2.crt.pem")));
    expect(uploaded()).toHaveLength(1);
    expect(api.certificates.all().map((c) => c.hosts)).toEqual([["shop.example.com"]]);
    expect(await sync.stop()).toBe(0);

    const secretCalls = kube.requests.filter((r) => r.resource === "secrets");
    expect(new Set(secretCalls.map((r) => r.verb))).toEqual(new Set(["list", "watch"]));
    expect(secretCalls.every((r) => r.query.fieldSelector === "type=kubernetes.io/tls" && r.namespace === null)).toBe(true);
  });

  test("without --upload-certificates the agent never asks for a Secret", async () => {
    kube.apply(kubeEdgeClass());
    kube.apply(kubeNode("node-a", "127.0.0.2"));
    const sync = startSync([
      "--kubeconfig", await writeKubeconfig(kube), "--no-leader-election",
      "--publish", "kv", "--cloudflare-api-url", api.baseUrl, "--cloudflare-account-id", api.accountId, "--kv-namespace-id", api.namespaceId,
    ], { CLOUDFLARE_API_TOKEN: api.token });
    await waitFor("the table in KV", () => readStoredTable(api.kv));
    expect(await sync.stop()).toBe(0);
    expect(kube.requests.filter((r) => r.resource === "secrets")).toEqual([]);
  });
});

describe("edge-ingress sync --kubeconfig --manage-hosts", () => {
  let kube: FakeKubeApi;
  let api: FakeCloudflareApi;

  beforeEach(async () => {
    kube = new FakeKubeApi();
    api = new FakeCloudflareApi({ moreZones: [{ id: "9a7806061c88ada191ed06f989cc3dac", name: "example.net" }] });
    await Promise.all([kube.start(), api.start()]);
  });

  afterEach(async () => {
    await Promise.all([kube.stop(), api.stop()]);
  });

  test("attaches the table's hosts to the Worker, reports one outside every zone as a Warning Event, and detaches a host once a table without it is published", async () => {
    kube.apply(kubeEdgeClass());
    kube.apply(kubeNode("node-a", "127.0.0.2"));
    kube.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: 30080 }]));
    kube.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }], ["http"]));
    kube.apply(kubeIngress("shop/web", [{ host: "shop.example.com", service: "web", port: 80 }, { host: "*.example.net", service: "web", port: 80 }]));
    kube.apply(kubeIngress("shop/lost", [{ host: "www.example.org", service: "web", port: 80 }]));

    let registry: Registry | undefined;
    const err: string[] = [];
    const abort = new AbortController();
    const running = runSync([
      "--kubeconfig", await writeKubeconfig(kube), "--no-leader-election", "--debounce-ms", "20", "--metrics-port", "0", "--no-health-checks",
      "--publish", "kv", "--cloudflare-api-url", api.baseUrl, "--cloudflare-account-id", api.accountId, "--kv-namespace-id", api.namespaceId,
      "--manage-hosts", "--owner-id", "cluster-a",
    ], { stdout: () => {}, stderr: (text) => err.push(text), env: { CLOUDFLARE_API_TOKEN: api.token } }, { signal: abort.signal, onStarted: (_agent, r) => { registry = r; } });
    const domains = () => api.workerDomains.all().map((d) => `${d.hostname} → ${d.service}`);
    await waitFor("shop.example.com attached", () => domains().length === 1);
    expect(domains()).toEqual(["shop.example.com → edge-ingress"]);
    await waitFor("the wildcard route", () => api.zone("example.net").routes.all().length === 1);
    expect(api.zone("example.net").routes.all().map((r) => `${r.pattern} → ${r.script ?? ""}`)).toEqual(["*.example.net/* → edge-ingress"]);

    const event = await waitFor("a Warning Event on the Ingress of the lost host", () => kube.list("Event").find((e) => (e.involvedObject as { name?: string }).name === "lost"));
    expect(event).toMatchObject({ type: "Warning", reason: "EdgeIngressProblem", involvedObject: { kind: "Ingress", namespace: "shop", name: "lost" } });
    expect(String(event.message)).toBe("host www.example.org is not attached to the edge: www.example.org is in no zone of the Cloudflare account: add the zone, or attach the host by hand");
    const metrics = await registry?.getSingleMetricAsString("edge_ingress_hosts");
    expect(metrics).toContain('edge_ingress_hosts{state="attached"} 2');
    expect(metrics).toContain('edge_ingress_hosts{state="failed"} 1');

    const isTableWrite = (r: { method: string; path: string }) => r.method === "PUT" && r.path.endsWith("/bulk");
    const tablesBefore = api.requests.filter(isTableWrite).length;
    kube.apply(kubeIngress("shop/web", [{ host: "*.example.net", service: "web", port: 80 }]));
    await waitFor("shop.example.com detached", () => domains().length === 0);
    // Detached only after the table without it reached the edge: a table was written between the change and the detach.
    const detachAt = api.requests.findIndex((r) => r.method === "DELETE" && r.path.includes("/workers/domains/"));
    expect(api.requests.slice(0, detachAt).filter(isTableWrite).length).toBeGreaterThan(tablesBefore);
    const table = readStoredTable(api.kv) ?? { hosts: [] };
    expect(table.hosts.map((h) => h.host)).not.toContain("shop.example.com");
    expect(api.zone("example.net").routes.all()).toHaveLength(1);
    abort.abort();
    expect(await running).toBe(0);
    expect(err.join("")).toContain('"event":"hosts-reconciled"');
  });

  test("--dry-run logs the plan and writes nothing to Cloudflare but the table", async () => {
    kube.apply(kubeEdgeClass());
    kube.apply(kubeNode("node-a", "127.0.0.2"));
    kube.apply(kubeService("shop/web", [{ name: "http", port: 80, nodePort: 30080 }]));
    kube.apply(kubeNamedSlice("web-1", "shop/web", [{ node: "node-a" }], ["http"]));
    kube.apply(kubeIngress("shop/web", [{ host: "shop.example.com", service: "web", port: 80 }]));
    const sync = startSync([
      "--kubeconfig", await writeKubeconfig(kube), "--no-leader-election",
      "--publish", "kv", "--cloudflare-api-url", api.baseUrl, "--cloudflare-account-id", api.accountId, "--kv-namespace-id", api.namespaceId,
      "--manage-hosts", "--dry-run", "--owner-id", "cluster-a",
    ], { CLOUDFLARE_API_TOKEN: api.token });
    await waitFor("the plan logged", () => sync.err.join("").includes('"event":"hosts-plan"'));
    expect(await sync.stop()).toBe(0);
    const line = sync.err.join("").split("\n").find((l) => l.includes('"event":"hosts-plan"')) ?? "{}";
    expect(JSON.parse(line)).toMatchObject({ host: "shop.example.com", kind: "attach", zone: "example.com", steps: ["create TXT _edge-ingress-host.shop.example.com (ownership)", "attach Custom Domain shop.example.com"] });
    expect(api.writes().filter((w) => !w.path.includes("/storage/kv/"))).toEqual([]);
  });
});

function indent(text: string): string {
  return text.trim().split("\n").map((line) => `    ${line}`).join("\n");
}
