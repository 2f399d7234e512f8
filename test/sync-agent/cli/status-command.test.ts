import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPushPublicKey, verifyPushToken } from "../../../core/push/push-token.ts";
import { generatePushKeyPair } from "../../../sync-agent/cli/keygen-command.ts";
import { runCli } from "../../../sync-agent/cli/main.ts";
import { createCloudflareClient } from "../../../sync-agent/cloudflare/cloudflare-client.ts";
import { HostAttachmentsReconciler } from "../../../sync-agent/cloudflare/host-attachments-reconciler.ts";
import { formatHostClaim, hostClaimName } from "../../../sync-agent/cloudflare/host-ownership.ts";
import { FakeCloudflareApi } from "../../support/fake-cloudflare-api/index.ts";

let server: Server;
let url: string;
let keys: Awaited<ReturnType<typeof generatePushKeyPair>>;
let answer = '{"table":{"version":"sha256:x"}}';

beforeAll(async () => {
  keys = await generatePushKeyPair();
  const publicKey = await importPushPublicKey(keys.publicJwk);
  // Stands in for the edge's status endpoint: answers only a valid status token bound to the empty body.
  server = createServer((request, response) => {
    const token = (request.headers.authorization ?? "").replace(/^Bearer /, "");
    verifyPushToken(token, publicKey, "", Math.floor(Date.now() / 1000), { operation: "status" }).then(
      () => response.writeHead(200, { "content-type": "application/json" }).end(answer),
      (error: Error) => response.writeHead(401).end(JSON.stringify({ error: error.message })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env });
  return { code, stdout, stderr };
}

describe("edge-ingress status", () => {
  it("--hosts adds what reaches the Worker, whose claim covers it, and the hosts claimed but not attached, read from the Cloudflare API", async () => {
    const api = new FakeCloudflareApi({ moreZones: [{ id: "9a7806061c88ada191ed06f989cc3dac", name: "example.net" }] });
    await api.start();
    try {
      const client = createCloudflareClient({ apiToken: api.token, baseUrl: api.baseUrl });
      const hosts = new HostAttachmentsReconciler({ client, accountId: api.accountId, workerName: "edge-ingress", ownerId: "prod-eu", minCallIntervalMs: 0 });
      await hosts.reconcile([{ host: "shop.example.com", ingresses: ["shop/web"] }, { host: "*.example.net", ingresses: ["shop/web"] }], { detach: true });
      api.workerDomains.attach({ hostname: "blog.example.com", service: "edge-ingress" });
      api.dns.create({ type: "TXT", name: hostClaimName("api.example.com"), content: formatHostClaim("prod-eu") });
      const result = await run(["status", "--edge-url", url, "--hosts", "--cloudflare-api-url", api.baseUrl], {
        EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.privateJwk), CLOUDFLARE_API_TOKEN: api.token, CLOUDFLARE_ACCOUNT_ID: api.accountId, EDGE_MANAGE_DNS: "true",
      });
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual({
        table: { version: "sha256:x" },
        hosts: {
          worker: "edge-ingress",
          attached: [
            { host: "*.example.net", via: "route", zone: "example.net", owner: "prod-eu" },
            { host: "blog.example.com", via: "custom-domain", zone: "example.com", owner: null },
            { host: "shop.example.com", via: "custom-domain", zone: "example.com", owner: "prod-eu" },
          ],
          notAttached: [{ host: "api.example.com", zone: "example.com", owner: "prod-eu" }],
        },
      });
    } finally {
      await api.stop();
    }
  });
  it("--hosts without an account id or token names both, before any request", async () => {
    const result = await run(["status", "--edge-url", url, "--hosts"], { EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.privateJwk) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("a Cloudflare API token is required: set CLOUDFLARE_API_TOKEN or --cloudflare-api-token-file");
    expect(result.stderr).toContain("--cloudflare-account-id (CLOUDFLARE_ACCOUNT_ID) is required with --hosts");
  });
  it("asks the edge with a status token signed by the agent's key and prints its answer", async () => {
    const result = await run(["status", "--edge-url", url], { EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.privateJwk) });
    expect(result).toMatchObject({ code: 0, stdout: '{"table":{"version":"sha256:x"}}\n' });
  });
  it("says so on stderr when the edge's transport cannot reach the targets (fetch, targets without DNS names)", async () => {
    answer = JSON.stringify({ table: { version: "sha256:x" }, transport: { name: "fetch", ready: false, unreachableTargets: 4, code: "target-needs-hostname", problem: "target has no DNS name" } });
    try {
      const result = await run(["status", "--edge-url", url], { EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.privateJwk) });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ transport: { ready: false } });
      expect(result.stderr).toContain("edge-ingress status: 4 targets: targets have no DNS names; the fetch transport cannot reach them");
    } finally {
      answer = '{"table":{"version":"sha256:x"}}';
    }
  });
  it("exits 1 when the edge refuses the token", async () => {
    const other = await generatePushKeyPair();
    const result = await run(["status", "--edge-url", url], { EDGE_PUSH_PRIVATE_JWK: JSON.stringify(other.privateJwk) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the edge answered 401");
  });
  it("refuses a public key and a missing URL together, before any request", async () => {
    const result = await run(["status"], { EDGE_PUSH_PRIVATE_JWK: JSON.stringify(keys.publicJwk) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--edge-url");
    expect(result.stderr).toContain("signing needs the private JWK");
  });
});
