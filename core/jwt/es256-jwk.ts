import { errors, importJWK, type JWK } from "jose";

export const ES256 = "ES256";

export type KeyUse = "private" | "public";

/**
 * Why a value cannot serve as an ES256 key for `use` (a sentence), or null when it can. Shared by the push
 * and origin tokens, which wrap the sentence in their own typed errors.
 */
export function describeEs256JwkProblem(jwk: unknown, use: KeyUse): string | null {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return "a key must be a JWK object";
  const candidate = jwk as JWK;
  if (candidate.kty !== "EC" || candidate.crv !== "P-256" || typeof candidate.x !== "string" || typeof candidate.y !== "string") {
    return "the key must be an EC P-256 JWK (ES256)";
  }
  if (use === "public" && candidate.d !== undefined) return "a private key was given where the public key belongs (drop \"d\"; keep the private key with its owner)";
  if (use === "private" && typeof candidate.d !== "string") return "signing needs the private JWK (with \"d\")";
  return null;
}

/** Imports a JWK already checked by {@link describeEs256JwkProblem}; throws a plain Error saying why not. */
export async function importEs256Jwk(jwk: JWK, use: KeyUse): Promise<CryptoKey> {
  const { kty, crv, x, y, d } = jwk;
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(use === "public" ? { kty, crv, x, y } : { kty, crv, x, y, d }, ES256);
  } catch (error) {
    throw new Error(`cannot import the key: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (key instanceof Uint8Array) throw new Error("not an asymmetric key");
  return key;
}

export type JwtFailure =
  | { readonly kind: "expired" }
  | { readonly kind: "not-yet-valid" }
  | { readonly kind: "wrong-issuer" }
  | { readonly kind: "wrong-audience" }
  | { readonly kind: "signature-invalid" }
  | { readonly kind: "malformed"; readonly detail: string };

/** What a jose verification error means, in the terms both token contracts report. */
export function classifyJwtFailure(error: unknown): JwtFailure {
  if (error instanceof errors.JWTExpired) return { kind: "expired" };
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "iss":
        return { kind: "wrong-issuer" };
      case "aud":
        return { kind: "wrong-audience" };
      case "nbf":
      case "iat":
        return { kind: "not-yet-valid" };
      default:
        return { kind: "malformed", detail: `claim check failed: ${error.claim} ${error.reason}` };
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return { kind: "signature-invalid" };
  return { kind: "malformed", detail: error instanceof Error ? error.message : String(error) };
}

/** The error codes every token contract shares for a token that fails verification. */
export type JwtFailureCode = "token-expired" | "token-not-yet-valid" | "wrong-issuer" | "wrong-audience" | "signature-invalid" | "token-malformed";

/** A verification failure as a shared code and a sentence, naming the issuer and audience the contract expects. */
export function describeJwtFailure(
  error: unknown,
  contract: { readonly issuer: string; readonly audience: string; readonly malformed: (detail: string) => string },
): { readonly code: JwtFailureCode; readonly message: string } {
  const failure = classifyJwtFailure(error);
  switch (failure.kind) {
    case "expired":
      return { code: "token-expired", message: "token expired" };
    case "not-yet-valid":
      return { code: "token-not-yet-valid", message: "token not yet valid" };
    case "wrong-issuer":
      return { code: "wrong-issuer", message: `issuer must be ${contract.issuer}` };
    case "wrong-audience":
      return { code: "wrong-audience", message: `audience must be ${contract.audience}` };
    case "signature-invalid":
      return { code: "signature-invalid", message: "signature does not verify" };
    case "malformed":
      return { code: "token-malformed", message: contract.malformed(failure.detail) };
  }
}
