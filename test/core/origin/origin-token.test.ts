import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  importOriginSigningKey,
  importOriginVerifyKeys,
  signOriginToken,
  verifyOriginToken,
  type OriginSigningKey,
  type OriginVerifyKeys,
} from "../../../core/origin/origin-token.ts";

const NOW = 1_800_000_000;
const request = { method: "POST", host: "Shop.Example:8443", path: "/cart/items" };

let privateJwk: JWK;
let publicJwk: JWK;
let signing: OriginSigningKey;
let verifying: OriginVerifyKeys;

async function keyPair(): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const pair = await generateKeyPair("ES256", { extractable: true });
  return { privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

beforeAll(async () => {
  ({ privateJwk, publicJwk } = await keyPair());
  signing = await importOriginSigningKey(privateJwk);
  verifying = await importOriginVerifyKeys(publicJwk);
});

describe("origin tokens", () => {
  it("verify for the request they were signed for, host compared without case and query ignored", async () => {
    const token = await signOriginToken(signing, request, NOW);
    const claims = await verifyOriginToken(token, { method: "POST", host: "shop.example:8443", path: "/cart/items?page=2" }, verifying, { nowSeconds: NOW + 5 });
    expect(claims).toMatchObject({ method: "POST", host: "shop.example:8443", path: "/cart/items", iat: NOW, exp: NOW + 30, kid: signing.kid });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuse another method, host or path", async () => {
    const token = await signOriginToken(signing, request, NOW);
    expect(await codeOf(verifyOriginToken(token, { ...request, method: "DELETE" }, verifying, { nowSeconds: NOW }))).toBe("method-mismatch");
    expect(await codeOf(verifyOriginToken(token, { ...request, method: "post" }, verifying, { nowSeconds: NOW }))).toBe("method-mismatch");
    expect(await codeOf(verifyOriginToken(token, { ...request, host: "shop.example" }, verifying, { nowSeconds: NOW }))).toBe("host-mismatch");
    expect(await codeOf(verifyOriginToken(token, { ...request, path: "/admin" }, verifying, { nowSeconds: NOW }))).toBe("path-mismatch");
    expect(await codeOf(verifyOriginToken(token, { ...request, path: "/cart/items/" }, verifying, { nowSeconds: NOW }))).toBe("path-mismatch");
  });

  it("expire after their lifetime, beyond the clock tolerance", async () => {
    const token = await signOriginToken(signing, request, NOW, { lifetimeSeconds: 10 });
    expect(await codeOf(verifyOriginToken(token, request, verifying, { nowSeconds: NOW + 10 + 14 }))).toBe("accepted");
    expect(await codeOf(verifyOriginToken(token, request, verifying, { nowSeconds: NOW + 10 + 16 }))).toBe("token-expired");
  });

  it("are not valid before they were issued, beyond the clock tolerance", async () => {
    const token = await signOriginToken(signing, request, NOW + 60);
    expect(await codeOf(verifyOriginToken(token, request, verifying, { nowSeconds: NOW }))).toBe("token-not-yet-valid");
  });

  it("refuse a missing, malformed or tampered token", async () => {
    const token = await signOriginToken(signing, request, NOW);
    expect(await codeOf(verifyOriginToken(undefined, request, verifying, { nowSeconds: NOW }))).toBe("token-missing");
    expect(await codeOf(verifyOriginToken("", request, verifying, { nowSeconds: NOW }))).toBe("token-missing");
    expect(await codeOf(verifyOriginToken("not.a.jwt", request, verifying, { nowSeconds: NOW }))).toBe("token-malformed");
    const [header, payload, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload ?? "", "base64url").toString()), htp: "/admin" })).toString("base64url");
    expect(await codeOf(verifyOriginToken(`${header}.${forged}.${signature}`, { ...request, path: "/admin" }, verifying, { nowSeconds: NOW }))).toBe("signature-invalid");
  });

  it("refuse a token signed by another key, with the same kid or an unknown one", async () => {
    const other = await keyPair();
    const impostor = await importOriginSigningKey({ ...other.privateJwk, kid: signing.kid });
    expect(await codeOf(verifyOriginToken(await signOriginToken(impostor, request, NOW), request, verifying, { nowSeconds: NOW }))).toBe("signature-invalid");
    const unknown = await importOriginSigningKey(other.privateJwk);
    expect(await codeOf(verifyOriginToken(await signOriginToken(unknown, request, NOW), request, verifying, { nowSeconds: NOW }))).toBe("unknown-key");
  });

  it("accept every key of a JWK Set, so keys can be rotated", async () => {
    const next = await keyPair();
    const both = await importOriginVerifyKeys({ keys: [publicJwk, next.publicJwk] });
    const nextSigning = await importOriginSigningKey(next.privateJwk);
    for (const key of [signing, nextSigning]) {
      expect(await codeOf(verifyOriginToken(await signOriginToken(key, request, NOW), request, both, { nowSeconds: NOW }))).toBe("accepted");
    }
  });

  it("refuse HS256 and unsigned tokens, and other JWTs signed with the same key", async () => {
    const hs = await new SignJWT({ htm: "POST", hth: "shop.example:8443", htp: "/cart/items" })
      .setProtectedHeader({ alg: "HS256", typ: "edge-ingress-origin+jwt", kid: signing.kid })
      .setIssuer("edge-ingress.dev/edge")
      .setAudience("edge-ingress.dev/origin")
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 30)
      .setJti("x")
      .sign(new TextEncoder().encode(JSON.stringify(publicJwk)));
    expect(await codeOf(verifyOriginToken(hs, request, verifying, { nowSeconds: NOW }))).toBe("token-malformed");
    const unsigned = `${Buffer.from(JSON.stringify({ alg: "none", typ: "edge-ingress-origin+jwt", kid: signing.kid })).toString("base64url")}.${Buffer.from(JSON.stringify({ htm: "POST" })).toString("base64url")}.`;
    expect(await codeOf(verifyOriginToken(unsigned, request, verifying, { nowSeconds: NOW }))).toBe("token-malformed");
    const otherType = await new SignJWT({ htm: "POST", hth: "shop.example:8443", htp: "/cart/items" })
      .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: signing.kid })
      .setIssuer("edge-ingress.dev/edge")
      .setAudience("edge-ingress.dev/origin")
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 30)
      .setJti("x")
      .sign(signing.key);
    expect(await codeOf(verifyOriginToken(otherType, request, verifying, { nowSeconds: NOW }))).toBe("token-malformed");
  });

  it("refuse a token living longer than the maximum, even when validly signed", async () => {
    const long = await new SignJWT({ htm: "POST", hth: "shop.example:8443", htp: "/cart/items" })
      .setProtectedHeader({ alg: "ES256", typ: "edge-ingress-origin+jwt", kid: signing.kid })
      .setIssuer("edge-ingress.dev/edge")
      .setAudience("edge-ingress.dev/origin")
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 3600)
      .setJti("x")
      .sign(signing.key);
    expect(await codeOf(verifyOriginToken(long, request, verifying, { nowSeconds: NOW }))).toBe("lifetime-too-long");
    expect(await codeOf(signOriginToken(signing, request, NOW, { lifetimeSeconds: 301 }))).toBe("lifetime-too-long");
  });

  it("keep private keys away from verifiers, and public keys away from the signer", async () => {
    expect(await codeOf(importOriginVerifyKeys(privateJwk))).toBe("key-invalid");
    expect(await codeOf(importOriginVerifyKeys({ keys: [publicJwk, privateJwk] }))).toBe("key-invalid");
    expect(await codeOf(importOriginSigningKey(publicJwk))).toBe("key-invalid");
    expect(await codeOf(importOriginVerifyKeys({ kty: "oct", k: "c2VjcmV0" }))).toBe("key-invalid");
    expect(await codeOf(importOriginVerifyKeys({ keys: [] }))).toBe("key-invalid");
    expect(await codeOf(importOriginVerifyKeys("{}"))).toBe("key-invalid");
  });
});
