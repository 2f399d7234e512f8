import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importOriginSigningKey, signOriginToken } from "../../../core/origin/origin-token.ts";
import { runVerify } from "../../../sync-agent/cli/verify-command.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-verify-"));
const keyFile = join(dir, "origin-public.jwk");
let privateJwk: JWK;
let token: string;

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runVerify(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateJwk = await exportJWK(pair.privateKey);
  writeFileSync(keyFile, JSON.stringify(await exportJWK(pair.publicKey)));
  token = await signOriginToken(await importOriginSigningKey(privateJwk), { method: "GET", host: "shop.example", path: "/cart" }, Math.floor(Date.now() / 1000));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("edge-ingress verify", () => {
  it("exits 0 and prints the claims for a token minted for this method, host and path", async () => {
    const result = await run(["--public-jwk", keyFile, "--method", "GET", "--host", "shop.example", "--path", "/cart?x=1", "--token", token]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, claims: { method: "GET", host: "shop.example", path: "/cart" } });
  });

  it("exits 1 with the reason for a token minted for another path", async () => {
    const result = await run(["--public-jwk", keyFile, "--method", "GET", "--host", "shop.example", "--path", "/admin", "--token", token]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, code: "path-mismatch" });
    expect(result.stderr).toMatch(/rejected \(path-mismatch\): token is for path \/cart/);
  });

  it("exits 1 when there is no token at all", async () => {
    const result = await run(["--public-jwk", keyFile, "--method", "GET", "--host", "shop.example", "--path", "/cart"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ code: "token-missing" });
  });

  it("takes the key and the token from the environment, and the token from a file", async () => {
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, `${token}\n`);
    const fromEnv = await run(["--method", "GET", "--host", "SHOP.example", "--path", "/cart"], { EDGE_ORIGIN_PUBLIC_JWK: `{"keys": [${readFileSync(keyFile, "utf8")}]}`, EDGE_ORIGIN_TOKEN: token });
    expect(fromEnv.code).toBe(0);
    const fromFile = await run(["--public-jwk", keyFile, "--method", "GET", "--host", "shop.example", "--path", "/cart", "--token-file", tokenFile]);
    expect(fromFile.code).toBe(0);
  });

  it("exits 1 when handed the private key, which belongs to the edge alone", async () => {
    const privateFile = join(dir, "private.jwk");
    writeFileSync(privateFile, JSON.stringify(privateJwk));
    const result = await run(["--public-jwk", privateFile, "--method", "GET", "--host", "shop.example", "--path", "/cart", "--token", token]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ code: "key-invalid" });
  });

  it("exits 2 listing every usage problem at once", async () => {
    const result = await run(["--clock-tolerance", "soon", "--token", "a", "--token-file", "b"]);
    expect(result.code).toBe(2);
    for (const problem of ["--method is required", "--host is required", "--path is required", "--clock-tolerance", "not both", "public key"]) expect(result.stderr).toContain(problem);
    expect((await run(["--unknown"])).code).toBe(2);
  });
});
