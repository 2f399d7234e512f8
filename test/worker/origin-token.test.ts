import { exportJWK, generateKeyPair, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { importOriginVerifyKeys, ORIGIN_TOKEN_HEADER, verifyOriginToken, type OriginVerifyKeys } from "../../core/origin/origin-token.ts";
import { backends, echoOf, startEdge, storeTable } from "./support/edge.ts";
import { backend, loopbackNodes, prefix, sealed } from "./support/tables.ts";

let privateJwk: JWK;
let verifyKeys: OriginVerifyKeys;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateJwk = await exportJWK(pair.privateKey);
  verifyKeys = await importOriginVerifyKeys(await exportJWK(pair.publicKey));
  await storeTable(
    await sealed({
      nodes: loopbackNodes(backends),
      backends: [backend("default/web:80", backends.ports.web, { targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }] })],
      hosts: [{ host: "app.example", rules: [prefix("/", "default/web:80")] }],
    }),
  );
});

const tokenOf = (headers: Record<string, string | string[] | undefined>): string | undefined => {
  const value = headers[ORIGIN_TOKEN_HEADER];
  return Array.isArray(value) ? value.join(",") : value;
};

describe("origin tokens at the edge", () => {
  it("with the fetch transport: a token the backend verifies against the method, X-Forwarded-Host and path it received", async () => {
    const edge = startEdge({ EDGE_ORIGIN_PRIVATE_JWK: JSON.stringify(privateJwk) });
    const echo = await echoOf(await edge.send("http://app.example/cart/../orders?id=7", { method: "DELETE" }));
    const host = String(echo.headers["x-forwarded-host"]);
    const claims = await verifyOriginToken(tokenOf(echo.headers), { method: echo.method, host, path: echo.url }, verifyKeys);
    expect(claims).toMatchObject({ method: "DELETE", host: "app.example", path: "/orders" });
    expect(claims.exp - claims.iat).toBe(30);
  });

  it("with the socket transport: a token bound to the Host header the backend received", async () => {
    const edge = startEdge({ EDGE_TRANSPORT: "socket", EDGE_ORIGIN_PRIVATE_JWK: JSON.stringify(privateJwk), EDGE_ORIGIN_TOKEN_LIFETIME_S: "5" });
    const echo = await echoOf(await edge.send("http://app.example:8080/a/b"));
    const claims = await verifyOriginToken(tokenOf(echo.headers), { method: echo.method, host: String(echo.headers["host"]), path: echo.url }, verifyKeys);
    expect(claims).toMatchObject({ method: "GET", host: "app.example:8080", path: "/a/b" });
    expect(claims.exp - claims.iat).toBe(5);
  });

  it("a token minted for one request does not verify for another path", async () => {
    const edge = startEdge({ EDGE_ORIGIN_PRIVATE_JWK: JSON.stringify(privateJwk) });
    const echo = await echoOf(await edge.send("http://app.example/public"));
    await expect(verifyOriginToken(tokenOf(echo.headers), { method: "GET", host: "app.example", path: "/admin" }, verifyKeys)).rejects.toMatchObject({ code: "path-mismatch" });
  });

  it("never passes on a token the client sent, whether signing is on or off", async () => {
    for (const vars of [{}, { EDGE_ORIGIN_PRIVATE_JWK: JSON.stringify(privateJwk) }]) {
      const echo = await echoOf(await startEdge(vars).send("http://app.example/", { headers: { [ORIGIN_TOKEN_HEADER]: "forged.by.client" } }));
      expect(tokenOf(echo.headers)).not.toBe("forged.by.client");
    }
    const off = await echoOf(await startEdge().send("http://app.example/", { headers: { [ORIGIN_TOKEN_HEADER]: "forged.by.client" } }));
    expect(tokenOf(off.headers)).toBeUndefined();
  });

  it("refuses to start with a key that is not a private P-256 JWK, or a lifetime out of range", async () => {
    const { d: _d, ...publicOnly } = privateJwk;
    for (const vars of [{ EDGE_ORIGIN_PRIVATE_JWK: "not json" }, { EDGE_ORIGIN_PRIVATE_JWK: JSON.stringify(publicOnly) }, { EDGE_ORIGIN_TOKEN_LIFETIME_S: "3600" }]) {
      const response = await startEdge(vars).send("http://app.example/");
      expect(response.status).toBe(500);
    }
  });
});
