import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { runCli } from "../../../sync-agent/cli/main.ts";
import { runSync } from "../../../sync-agent/cli/sync-command.ts";
import { EdgeReceiver } from "../support/edge-receiver.ts";
import { generatePushKeys } from "../support/push-keys.ts";
import { waitFor } from "../support/wait-for.ts";

function capture(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env }, out, err };
}

describe("edge-ingress sync: configuration", () => {
  test("lists every problem at once and exits 1", async () => {
    const { io, err } = capture();
    const code = await runCli(["sync", "--edge-hostname", "not a name", "--debounce-ms", "900", "--log-level", "loud", "--probe-address", "public", "--kube-proxy-health-port", "healthz"], io);
    expect(code).toBe(1);
    const text = err.join("");
    expect(text).toContain("give --manifests DIR or --kubeconfig PATH, or run inside a cluster");
    expect(text).toContain("give --edge-url URL");
    expect(text).toContain('--edge-hostname "not a name" is not a DNS name');
    expect(text).toContain("give the push key");
    expect(text).toContain("--debounce-ms");
    expect(text).toContain("--log-level");
    expect(text).toContain('--probe-address "public" must be internal or external');
    expect(text).toContain('--kube-proxy-health-port "healthz" must be a port from 1 to 65535, or 0 or off (no kube-proxy)');
  });

  test("help lists --probe-address and --kube-proxy-health-port with their variables", async () => {
    const { io, out } = capture();
    expect(await runCli(["help"], io)).toBe(0);
    expect(out.join("")).toMatch(/--probe-address internal +which Node address the checks probe \(EDGE_PROBE_ADDRESS\)/);
    expect(out.join("")).toMatch(/--kube-proxy-health-port 10256\n +kube-proxy's health port \(EDGE_KUBE_PROXY_HEALTH_PORT\)/);
  });

  test("a public key where the private key belongs, an unreadable key file, a bad URL and a missing kubeconfig are reported", async () => {
    const keys = await generatePushKeys();
    const first = capture({ EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.publicJwk) });
    expect(await runSync(["--manifests", "examples/demo", "--edge-url", "ftp://edge"], first.io)).toBe(1);
    expect(first.err.join("")).toContain("the push key: signing needs the private JWK");
    expect(first.err.join("")).toContain("is not an http(s) URL");
    const second = capture();
    expect(await runSync(["--kubeconfig", "/nonexistent/kubeconfig", "--edge-url", "http://127.0.0.1:1", "--push-key-file", "/nonexistent/key.jwk"], second.io)).toBe(1);
    expect(second.err.join("")).toContain("cannot read --push-key-file /nonexistent/key.jwk: ENOENT");
    expect(second.err.join("")).toContain("cannot load Kubernetes configuration from /nonexistent/kubeconfig");
  });

  test("inside a cluster, the Pod's service account is the default source", async () => {
    const { io, err } = capture({ KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" });
    expect(await runSync(["--edge-url", "http://127.0.0.1:1", "--push-key-file", "/nonexistent"], io)).toBe(1);
    expect(err.join("")).not.toContain("give --manifests DIR");
  });
});

describe("edge-ingress sync --manifests", () => {
  let edge: EdgeReceiver;
  let dir: string;
  beforeEach(async () => {
    edge = new EdgeReceiver();
    await edge.start();
    dir = await mkdtemp(join(tmpdir(), "edge-manifests-"));
    for (const file of ["cluster.yaml", "shop.yaml"]) await writeFile(join(dir, file), await readFile(join("examples/demo", file), "utf8"));
  });
  afterEach(() => edge.stop());

  test("pushes the folder's table, follows edits, keeps the last good table on a broken file, and stops on request", async () => {
    const keys = await generatePushKeys();
    await edge.trust("cli", keys.publicJwk);
    const { io, err } = capture({ EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.privateJwk) });
    const stop = new AbortController();
    const running = runSync(["--manifests", dir, "--edge-url", edge.url, "--debounce-ms", "20", "--metrics-port", "0"], io, { signal: stop.signal });
    const hosts = () => edge.latest()?.hosts.map((h) => h.host) ?? [];
    await waitFor("the first push", () => hosts().includes("shop.example.test"));

    const blog = await readFile("examples/demo/blog.yaml", "utf8");
    await writeFile(join(dir, "blog.yaml"), blog);
    await waitFor("the edit pushed", () => hosts().includes("blog.example.test"), 15_000);

    await writeFile(join(dir, "broken.yaml"), "kind: Service\nmetadata: [unclosed\n");
    await waitFor("the problem logged", () => err.join("").includes('"manifests-invalid"'));
    expect(err.join("")).toContain("broken.yaml");
    expect(hosts()).toContain("blog.example.test");

    await writeFile(join(dir, "broken.yaml"), "");
    await writeFile(join(dir, "blog.yaml"), blog.replaceAll("blog.example.test", "journal.example.test"));
    await waitFor("edits apply again once the folder is valid", () => hosts().includes("journal.example.test"), 15_000);

    stop.abort();
    expect(await running).toBe(0);
    expect(err.join("")).toContain('"agent-stopped"');
  });
});

describe("edge-ingress sync: what a running agent serves on its metrics port", () => {
  test("/readyz answers ready once the table is out, and /metrics carries the figures the README names", async () => {
    const edge = new EdgeReceiver();
    await edge.start();
    const dir = await mkdtemp(join(tmpdir(), "edge-manifests-"));
    for (const file of ["cluster.yaml", "shop.yaml"]) await writeFile(join(dir, file), await readFile(join("examples/demo", file), "utf8"));
    const keys = await generatePushKeys();
    await edge.trust("cli", keys.publicJwk);
    const { io, err } = capture({ EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.privateJwk) });
    const stop = new AbortController();
    const running = runSync(["--manifests", dir, "--edge-url", edge.url, "--debounce-ms", "20", "--metrics-port", "0", "--log-level", "info"], io, { signal: stop.signal });
    try {
      const port = await waitFor("the metrics port", () => /"event":"observe.listening"[^\n]*"port":(\d+)/.exec(err.join(""))?.[1]);
      const get = async (path: string) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        return { status: response.status, text: await response.text() };
      };
      await waitFor("the first push", () => edge.latest() !== undefined);
      expect((await get("/healthz")).status).toBe(200);
      const version = edge.latest()?.version ?? "";
      // The agent records a push once the edge has answered it: wait for that, not for a time.
      const metrics = await waitFor("the push in the metrics", async () => {
        const { text } = await get("/metrics");
        return text.includes(`edge_ingress_last_pushed_version_info{version="${version}"} 1`) ? text : false;
      });
      expect(await get("/readyz")).toMatchObject({ status: 200 });
      expect(metrics).toMatch(/^edge_ingress_leader 1$/m);
      expect(metrics).toMatch(/^edge_ingress_pushes_total\{result="ok",code=""\} 1$/m);
      expect(metrics).toMatch(/^edge_ingress_push_duration_seconds_count 1$/m);
      expect(metrics).toMatch(/^edge_ingress_convergence_seconds_count 1$/m);
      expect(metrics).toMatch(/^edge_ingress_table_problems 0$/m);
      expect(metrics).toMatch(/^edge_ingress_last_pushed_generation \d+$/m);

      // A broken object shows as a table problem, and the rest is still pushed.
      await writeFile(join(dir, "broken.yaml"), "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: broken, namespace: shop }\nspec:\n  ingressClassName: edge\n  rules: [{ host: broken.example.test, http: { paths: [{ path: /, pathType: Prefix, backend: { service: { name: missing, port: { number: 80 } } } }] } }]\n");
      await waitFor("the problem counted", async () => /^edge_ingress_table_problems [1-9]/m.test((await get("/metrics")).text));
    } finally {
      stop.abort();
      expect(await running).toBe(0);
      await edge.stop();
    }
  });
});

describe("edge-ingress keygen", () => {
  test("prints a private JWK that signs and a public JWK that verifies, with the same kid", async () => {
    const { io, out } = capture();
    expect(await runCli(["keygen", "--json"], io)).toBe(0);
    const { privateJwk, publicJwk } = JSON.parse(out.join("")) as { privateJwk: Record<string, unknown>; publicJwk: Record<string, unknown> };
    expect(privateJwk).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256" });
    expect(typeof privateJwk.d).toBe("string");
    expect(publicJwk.d).toBeUndefined();
    expect(publicJwk.kid).toBe(privateJwk.kid);
    const edge = new EdgeReceiver();
    await edge.trust("generated", publicJwk);
    const { createPushSigner } = await import("../../../sync-agent/push/sign-push-token.ts");
    const { jwtVerify, importJWK } = await import("jose");
    const token = await (await createPushSigner(privateJwk))("{}", Math.floor(Date.now() / 1000));
    await expect(jwtVerify(token, await importJWK(publicJwk, "ES256"))).resolves.toBeDefined();
  });

  test("--out writes the private key with mode 600 and prints only the public one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edge-keys-"));
    const { io, out } = capture();
    expect(await runCli(["keygen", "--out", dir], io)).toBe(0);
    const { stat } = await import("node:fs/promises");
    expect((await stat(join(dir, "push-key.private.jwk"))).mode & 0o777).toBe(0o600);
    expect(out.join("")).not.toContain('"d"');
    expect(out.join("")).toContain("EDGE_PUSH_PUBLIC_JWK");
    expect(out.join("")).toContain(`Private key written to ${join(dir, "push-key.private.jwk")}`);
    expect(out.join("")).toContain("must not be committed");
  });

  test("--out over an older key readable by others leaves the new one mode 600", async () => {
    const dir = await mkdtemp(join(tmpdir(), "edge-keys-"));
    await writeFile(join(dir, "push-key.private.jwk"), "old\n", { mode: 0o644 });
    const { io, out } = capture();
    expect(await runCli(["keygen", "--out", dir, "--json"], io)).toBe(0);
    const { stat } = await import("node:fs/promises");
    expect((await stat(join(dir, "push-key.private.jwk"))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(out.join(""))).toMatchObject({ privateKeyFile: join(dir, "push-key.private.jwk") });
  });

  test("git ignores the keys folder and private JWKs anywhere in the repository", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    // check-ignore exits 0 for paths ignored, 1 (a rejection) when one is not.
    const { stdout } = await promisify(execFile)("git", ["check-ignore", "--no-index", "keys/push-key.private.jwk", "keys/push-key.public.jwk", "deploy/push-key.private.jwk"]);
    expect(stdout.trim().split("\n")).toEqual(["keys/push-key.private.jwk", "keys/push-key.public.jwk", "deploy/push-key.private.jwk"]);
  });
});
