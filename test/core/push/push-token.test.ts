import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  hashPushBody,
  importPushPublicKey,
  PUSH_BODY_CLAIM,
  PUSH_OPERATION_CLAIM,
  PUSH_TOKEN_AUDIENCE,
  PUSH_TOKEN_ISSUER,
  PUSH_TOKEN_TYPE,
  PushTokenError,
  signPushToken,
  verifyPushToken,
  type PushTokenErrorCode,
} from "../../../core/push/push-token.ts";

const now = 1_750_000_000;
const body = '{"schema":1}';
let privateJwk: JWK;
let publicKey: CryptoKey;
let otherPrivateJwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateJwk = await exportJWK(pair.privateKey);
  publicKey = await importPushPublicKey(await exportJWK(pair.publicKey));
  otherPrivateJwk = await exportJWK((await generateKeyPair("ES256", { extractable: true })).privateKey);
});

async function rejection(promise: Promise<unknown>): Promise<PushTokenErrorCode | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (error instanceof PushTokenError) return error.code;
    throw error;
  }
}

async function handMade(claims: Record<string, unknown>, iat: number, exp: number, typ = PUSH_TOKEN_TYPE): Promise<string> {
  const { importJWK } = await import("jose");
  const key = await importJWK(privateJwk, "ES256");
  const payload = { iss: PUSH_TOKEN_ISSUER, aud: PUSH_TOKEN_AUDIENCE, [PUSH_BODY_CLAIM]: await hashPushBody(body), [PUSH_OPERATION_CLAIM]: "table", ...claims };
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "ES256", typ })
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .setJti("jti-1")
    .sign(key);
}

describe("push token", () => {
  it("verifies a token signed for exactly this body and operation", async () => {
    const token = await signPushToken(privateJwk, body, now, { jti: "abc" });
    const claims = await verifyPushToken(token, publicKey, new TextEncoder().encode(body), now + 10, { operation: "table" });
    expect(claims).toEqual({ jti: "abc", iat: now, exp: now + 60, operation: "table" });
  });

  it("refuses a token whose body hash does not match the body", async () => {
    const token = await signPushToken(privateJwk, body, now);
    expect(await rejection(verifyPushToken(token, publicKey, body + " ", now, { operation: "table" }))).toBe("body-mismatch");
  });

  it("refuses an expired token", async () => {
    const token = await signPushToken(privateJwk, body, now, { lifetimeSeconds: 60 });
    expect(await rejection(verifyPushToken(token, publicKey, body, now + 200, { operation: "table" }))).toBe("token-expired");
  });

  it("refuses a token issued in the future", async () => {
    const token = await signPushToken(privateJwk, body, now + 600);
    expect(await rejection(verifyPushToken(token, publicKey, body, now, { operation: "table" }))).toBe("token-not-yet-valid");
  });

  it("refuses a token living longer than five minutes, and will not sign one", async () => {
    const token = await handMade({}, now, now + 301);
    expect(await rejection(verifyPushToken(token, publicKey, body, now, { operation: "table" }))).toBe("lifetime-too-long");
    expect(await rejection(signPushToken(privateJwk, body, now, { lifetimeSeconds: 301 }))).toBe("lifetime-too-long");
  });

  it("refuses a token signed by another key", async () => {
    const token = await signPushToken(otherPrivateJwk, body, now);
    expect(await rejection(verifyPushToken(token, publicKey, body, now, { operation: "table" }))).toBe("signature-invalid");
  });

  it("refuses a status token used to push a table", async () => {
    const token = await signPushToken(privateJwk, body, now, { operation: "status" });
    expect(await rejection(verifyPushToken(token, publicKey, body, now, { operation: "table" }))).toBe("wrong-operation");
  });

  it("refuses wrong issuer, audience and JOSE type", async () => {
    expect(await rejection(verifyPushToken(await handMade({ iss: "someone" }, now, now + 60), publicKey, body, now, { operation: "table" }))).toBe("wrong-issuer");
    expect(await rejection(verifyPushToken(await handMade({ aud: "other" }, now, now + 60), publicKey, body, now, { operation: "table" }))).toBe("wrong-audience");
    expect(await rejection(verifyPushToken(await handMade({}, now, now + 60, "JWT"), publicKey, body, now, { operation: "table" }))).toBe("token-malformed");
  });

  it("refuses garbage and a tampered payload", async () => {
    expect(await rejection(verifyPushToken("not.a.jwt", publicKey, body, now, { operation: "table" }))).toBe("token-malformed");
    const [header, , signature] = (await signPushToken(privateJwk, body, now)).split(".");
    const forged = btoa(JSON.stringify({ iss: PUSH_TOKEN_ISSUER })).replace(/=+$/, "");
    expect(await rejection(verifyPushToken(`${header}.${forged}.${signature}`, publicKey, body, now, { operation: "table" }))).toBe("signature-invalid");
  });

  it("will not take a private key as the edge's public key", async () => {
    expect(await rejection(importPushPublicKey(privateJwk))).toBe("key-invalid");
    expect(await rejection(importPushPublicKey({ kty: "RSA" }))).toBe("key-invalid");
  });
});
