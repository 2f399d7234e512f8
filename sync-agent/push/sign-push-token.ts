import type { JWK } from "jose";
import { describeEs256JwkProblem, importEs256Jwk } from "../../core/jwt/es256-jwk.ts";
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
  const problem = describeEs256JwkProblem(privateJwk, "private");
  if (problem !== null) throw new PushKeyError(`the push key: ${problem}`);
  const jwk = privateJwk as JWK;
  await importEs256Jwk(jwk, "private").catch((error: unknown) => {
    throw new PushKeyError(`the push key: ${(error as Error).message}`);
  });
  return (body, nowSeconds) => signPushToken(jwk, body, nowSeconds);
}
