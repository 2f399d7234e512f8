import { chmod, readdir, readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { join, resolve } from "node:path";
import { importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AgentBundle, bundleAgent } from "../../../scripts/agent/bundle-agent.ts";
import { runCli } from "../../../sync-agent/cli/main.ts";
import { renderAgentPod, podIdentity } from "../../support/agent-pod.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";
import { readStoredTable } from "../../support/fake-cloudflare-api/stored-table.ts";
import { FakeKubeApi, kubeconfigYaml } from "../../support/fake-kube-api/index.ts";
import { makeReadOnlyDir, type PodIdentity, runInPod, startInPod } from "../../support/pod-process.ts";
import { makeTempDir } from "../../support/temp-dir.ts";
import { seedShop } from "../../sync-agent/support/demo-cluster.ts";
import { EdgeReceiver } from "../../sync-agent/support/edge-receiver.ts";
import { generatePushKeys } from "../../sync-agent/support/push-keys.ts";
import { waitFor } from "../../sync-agent/support/wait-for.ts";

/** Packages that the bundled code requires inside try/catch and runs without (ws's and node-fetch's speed-ups). */
const OPTIONAL_PACKAGES = ["bufferutil", "utf-8-validate", "encoding"];

type Folder = { dir: string; remove: () => Promise<void> };

/** The CLI run in this process from the source, as the bundle's reference. */
async function runSource(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const code = await runCli(args, { stdout: (text) => out.push(text), stderr: () => {}, env: {} });
  return { code, stdout: out.join("") };
}

describe("the agent bundle, run as the Deployment's user from an empty folder it cannot write, with a read-only HOME and TMPDIR", () => {
  let built: AgentBundle;
  let bundleDir: Folder;
  let identity: PodIdentity;
  let cwd: Folder;
  let home: Folder;
  let tmp: Folder;
  let manifests: Folder;
  beforeAll(async () => {
    bundleDir = await makeTempDir({});
    built = await bundleAgent(join(bundleDir.dir, "edge-ingress.mjs"));
    await chmod(bundleDir.dir, 0o755); // mkdtemp's 0700 would keep the Pod's user out, as no image would
    const { pod, container } = await renderAgentPod();
    identity = podIdentity(pod, container);
    [cwd, home, tmp] = await Promise.all([makeReadOnlyDir(), makeReadOnlyDir(), makeReadOnlyDir()]);
    const demo: Record<string, string> = {};
    for (const file of await readdir("examples/demo")) demo[file] = await readFile(join("examples/demo", file), "utf8");
    manifests = await makeReadOnlyDir(demo);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([bundleDir, cwd, home, tmp, manifests].map((folder) => folder?.remove()));
  });

  /** A container's environment: nothing of this test runner's (no NODE_OPTIONS, no NODE_PATH). */
  const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: home.dir, TMPDIR: tmp.dir });
  const run = (args: readonly string[]) => runInPod(identity, [built.outfile, ...args], { cwd: cwd.dir, env: env() });

  test("is one file that imports nothing but Node's built-ins (and optional packages it runs without)", () => {
    const outputs = Object.keys(built.metafile.outputs).filter((file) => !file.endsWith(".map"));
    expect(outputs).toHaveLength(1);
    const imports = Object.values(built.metafile.outputs).flatMap((output) => output.imports.map((imported) => imported.path));
    expect(imports.length).toBeGreaterThan(0);
    expect([...new Set(imports.filter((path) => !isBuiltin(path)))].sort()).toEqual([...OPTIONAL_PACKAGES].sort());
  });

  test("help prints the usage, as the source does", async () => {
    const result = await run(["help"]);
    expect(result.stderr).toBe("");
    expect(result).toMatchObject({ code: 0, stdout: (await runSource(["help"])).stdout });
  });

  test("compile --manifests DIR prints the table the source compiles", async () => {
    const result = await run(["compile", "--manifests", manifests.dir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { hosts: { host: string }[] }).hosts.map((h) => h.host)).toEqual(["blog.example.test", "shop.example.test", "status.example.test"]);
    expect(result.stdout).toBe((await runSource(["compile", "--manifests", manifests.dir])).stdout);
  });

  test("explain answers as the source does", async () => {
    const args = ["explain", "--manifests", manifests.dir, "http://shop.example.test/cart", "https://blog.example.test/admin"];
    const result = await run(args);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"ingress":"shop/cart"');
    expect(result.stdout).toBe((await runSource(args)).stdout);
  });

  test("keygen --json makes a key pair that signs and verifies", async () => {
    const result = await run(["keygen", "--json"]);
    expect(result.code).toBe(0);
    const { privateJwk, publicJwk } = JSON.parse(result.stdout) as { privateJwk: JWK; publicJwk: JWK };
    const token = await new SignJWT({}).setProtectedHeader({ alg: "ES256" }).sign(await importJWK(privateJwk, "ES256"));
    await expect(jwtVerify(token, await importJWK(publicJwk, "ES256"))).resolves.toBeDefined();
  });

  test("sync watches the API server, pushes signed tables, writes status, serves /readyz and /metrics, and stops cleanly on SIGTERM", async () => {
    const api = new FakeKubeApi();
    const edge = new EdgeReceiver();
    await Promise.all([api.start(), edge.start()]);
    const keys = await generatePushKeys();
    await edge.trust("pod", keys.publicJwk);
    seedShop(api);
    const secrets = await makeReadOnlyDir({ kubeconfig: kubeconfigYaml(api.url, api.tokens[0] ?? ""), "private.jwk": JSON.stringify(keys.privateJwk) });
    try {
      const agent = startInPod(identity, [
        built.outfile, "sync",
        "--kubeconfig", join(secrets.dir, "kubeconfig"),
        "--edge-url", edge.url,
        "--edge-hostname", "edge.example.test",
        "--push-key-file", join(secrets.dir, "private.jwk"),
        "--identity", "agent-pod-1",
        "--lease-namespace", "edge-ingress",
        "--metrics-port", "0",
        "--no-health-checks",
        "--debounce-ms", "20",
      ], { cwd: cwd.dir, env: env() });
      await waitFor("a table pushed by the bundled agent", () => edge.pushes.some((push) => push.signer === "pod" && push.table.hosts.some((h) => h.host === "shop.test")), 30_000);
      await waitFor("the Ingress status written", () => api.requests.some((request) => request.subresource === "status" && request.verb === "patch"), 30_000);
      const port = /"observe-listening".*?"port":(\d+)/.exec(agent.stderr())?.[1];
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(/^edge_ingress_leader 1$/m);
      agent.child.kill("SIGTERM");
      expect(await agent.exited).toBe(0);
      expect(agent.stderr()).toContain('"agent-stopped"');
      expect(agent.stderr()).not.toMatch(/EACCES|EPERM|EROFS/);
    } finally {
      await Promise.all([edge.stop(), api.stop(), secrets.remove()]);
    }
  }, 60_000);

  test("sync --publish kv --manage-dns writes the table to Workers KV and the Nodes' DNS records through the Cloudflare SDK", async () => {
    const cloudflare = new FakeCloudflareApi();
    await cloudflare.start();
    try {
      const agent = startInPod(identity, [
        built.outfile, "sync",
        "--manifests", manifests.dir,
        "--publish", "kv",
        "--cloudflare-api-url", cloudflare.baseUrl,
        "--cloudflare-account-id", cloudflare.accountId,
        "--kv-namespace-id", cloudflare.namespaceId,
        "--cloudflare-zone-id", cloudflare.zoneId,
        "--owner-id", "cluster-a",
        "--manage-dns",
        "--node-domain", "nodes.example.com",
        "--metrics-port", "0",
        "--no-health-checks",
      ], { cwd: cwd.dir, env: { ...env(), CLOUDFLARE_API_TOKEN: cloudflare.token } });
      await waitFor("the table in KV", () => readStoredTable(cloudflare.kv), 30_000);
      await waitFor("a DNS record per Node", () => cloudflare.dns.all().filter((record) => record.type === "A").length === 3, 30_000);
      agent.child.kill("SIGTERM");
      expect(await agent.exited).toBe(0);
    } finally {
      await cloudflare.stop();
    }
  }, 60_000);

  test("while the source CLI through tsx fails there: tsx writes its cache under the temp dir", async () => {
    const result = await runInPod(identity, [resolve("bin/edge-ingress.js"), "help"], { cwd: cwd.dir, env: env() });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/EACCES|EPERM/);
    expect(result.stderr).toContain(tmp.dir);
  }, 60_000);
});
