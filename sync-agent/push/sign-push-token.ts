import { importJWK, type JWK } from "jose";
import { signPushToken } from "../../core/push/push-token.ts";

export class PushKeyError extends Error {
  readonly code = "PUSH_KEY_INVALID";
}

export type PushSigner = (body: string, nowSeconds: number) => Promise<string>;

/**
 * Checks the private JWK once, up front (so a bad key fails at start-up, not at the first push), and returns a
 * function that signs one push token per body, by the contract in core/push/push-token.ts.
 */
export async function createPushSigner(privateJwk: unknown): Promise<PushSigner> {
  const jwk = await checkPrivateKey(privateJwk);
  return (body, nowSeconds) => signPushToken(jwk, body, nowSeconds);
}

async function checkPrivateKey(jwk: unknown): Promise<JWK> {
  if (typeof jwk !== "object" || jwk === null) throw new PushKeyError("the push key must be a JWK object");
  const { kty, crv, x, y, d } = jwk as JWK;
  if (kty !== "EC" || crv !== "P-256") throw new PushKeyError("the push key must be an EC P-256 JWK (ES256)");
  if (d === undefined) throw new PushKeyError("the push key is a public key: the agent needs the private JWK (with \"d\")");
  try {
    const key = await importJWK({ kty, crv, x, y, d }, "ES256");
    if (key instanceof Uint8Array) throw new PushKeyError("the push key is not an asymmetric key");
  } catch (error) {
    if (error instanceof PushKeyError) throw error;
    throw new PushKeyError(`the push key cannot be imported: ${(error as Error).message}`);
  }
  return { kty, crv, x, y, d };
}
