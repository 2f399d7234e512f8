import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importPushPublicKey, verifyPushToken } from "../../../core/push/push-token.ts";
import { generatePushKeyPair } from "../../../sync-agent/cli/keygen-command.ts";
import { runCli } from "../../../sync-agent/cli/main.ts";

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
