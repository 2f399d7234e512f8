import { base64url, importJWK, type JWK, SignJWT } from "jose";

/*
 * The push-token contract, signing side. The contract is defined by core/push/push-token.ts (branch `worker`);
 * these constants mirror it. When that module is on main, this file should become a re-export of its
 * `signPushToken`, so that one module holds the contract.
 */
export const PUSH_TOKEN_ISSUER = "edge-ingress.dev/sync-agent";
export const PUSH_TOKEN_AUDIENCE = "edge-ingress.dev/edge";
export const PUSH_TOKEN_TYPE = "edge-ingress-push+jwt";
export const PUSH_BODY_CLAIM = "body_sha256";
export const PUSH_OPERATION_CLAIM = "op";
const LIFETIME_SECONDS = 60;

export class PushKeyError extends Error {
  readonly code = "PUSH_KEY_INVALID";
}

export type PushSigner = (body: string, nowSeconds: number) => Promise<string>;

/** Checks the private JWK once, up front, and returns a function that signs one push token per body. */
export async function createPushSigner(privateJwk: unknown): Promise<PushSigner> {
  const key = await importPrivateKey(privateJwk);
  return async (body, nowSeconds) =>
    new SignJWT({ [PUSH_BODY_CLAIM]: await hashBody(body), [PUSH_OPERATION_CLAIM]: "table" })
      .setProtectedHeader({ alg: "ES256", typ: PUSH_TOKEN_TYPE })
      .setIssuer(PUSH_TOKEN_ISSUER)
      .setAudience(PUSH_TOKEN_AUDIENCE)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + LIFETIME_SECONDS)
      .setJti(crypto.randomUUID())
      .sign(key);
}

async function importPrivateKey(jwk: unknown): Promise<CryptoKey> {
  if (typeof jwk !== "object" || jwk === null) throw new PushKeyError("the push key must be a JWK object");
  const { kty, crv, x, y, d } = jwk as JWK;
  if (kty !== "EC" || crv !== "P-256") throw new PushKeyError("the push key must be an EC P-256 JWK (ES256)");
  if (d === undefined) throw new PushKeyError("the push key is a public key: the agent needs the private JWK (with \"d\")");
  try {
    const key = await importJWK({ kty, crv, x, y, d }, "ES256");
    if (key instanceof Uint8Array) throw new PushKeyError("the push key is not an asymmetric key");
    return key;
  } catch (error) {
    if (error instanceof PushKeyError) throw error;
    throw new PushKeyError(`the push key cannot be imported: ${(error as Error).message}`);
  }
}

/** base64url (no padding) SHA-256 of the UTF-8 body. */
export async function hashBody(body: string): Promise<string> {
  return base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body))));
}
