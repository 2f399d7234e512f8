import { importPushPublicKey, PushTokenError, pushTokenStatus, verifyPushTokenClaims, type PushOperation, type PushTokenClaims, type PushTokenErrorCode } from "../../core/push/push-token.ts";

export type Authentication =
  | { readonly ok: true; readonly claims: PushTokenClaims & { readonly bodySha256: string } }
  | { readonly ok: false; readonly status: 401 | 403; readonly code: PushTokenErrorCode | "token-missing"; readonly message: string };


export async function authenticate(request: Request, publicKey: CryptoKey, nowSeconds: number, operation: PushOperation): Promise<Authentication> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+([A-Za-z0-9_\-.]+)\s*$/.exec(header);
  if (match === null || match[1] === undefined) {
    return { ok: false, status: 401, code: "token-missing", message: "Authorization: Bearer <push token> required" };
  }
  try {
    return { ok: true, claims: await verifyPushTokenClaims(match[1], publicKey, nowSeconds, { operation }) };
  } catch (error) {
    if (!(error instanceof PushTokenError)) throw error;
    return { ok: false, status: pushTokenStatus(error.code), code: error.code, message: error.message };
  }
}

/** The public key from the secret, imported once per secret value (a finished value, never a promise). */
export class PushKeyCache {
  #source: string | null = null;
  #key: CryptoKey | null = null;

  async get(secret: string): Promise<CryptoKey> {
    if (this.#source === secret && this.#key !== null) return this.#key;
    let jwk: unknown;
    try {
      jwk = JSON.parse(secret);
    } catch {
      throw new PushTokenError("key-invalid", "EDGE_PUSH_PUBLIC_JWK is not JSON");
    }
    const key = await importPushPublicKey(jwk);
    this.#source = secret;
    this.#key = key;
    return key;
  }
}
