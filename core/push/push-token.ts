import { CodedError } from "../coded-error.ts";
import { describeEs256JwkProblem, describeJwtFailure, importEs256Jwk, type KeyUse } from "../jwt/es256-jwk.ts";
import { base64url, jwtVerify, SignJWT, type JWK } from "jose";

/**
 * The push-token contract between the sync agent (signs) and the edge worker (verifies): an ES256 JWT bound to
 * the exact bytes of the request body, short-lived, single-use (jti), and scoped to one operation so a token
 * minted to read the status can never publish a table. Runtime-neutral: Web Crypto through jose.
 */
export const PUSH_TOKEN_ISSUER = "edge-ingress.dev/sync-agent";
export const PUSH_TOKEN_AUDIENCE = "edge-ingress.dev/edge";
export const PUSH_TOKEN_ALGORITHM = "ES256";
/** JOSE header `typ`: keeps any other JWT signed by the same key from being accepted as a push token. */
export const PUSH_TOKEN_TYPE = "edge-ingress-push+jwt";
/** base64url (no padding) of the SHA-256 of the request body; the empty body for reads. */
export const PUSH_BODY_CLAIM = "body_sha256";
export const PUSH_OPERATION_CLAIM = "op";
export const PUSH_TOKEN_MAX_LIFETIME_SECONDS = 300;
export const PUSH_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

export type PushOperation = "table" | "status";

export type PushTokenErrorCode =
  | "key-invalid"
  | "token-malformed"
  | "signature-invalid"
  | "token-expired"
  | "token-not-yet-valid"
  | "lifetime-too-long"
  | "wrong-issuer"
  | "wrong-audience"
  | "wrong-operation"
  | "body-mismatch";

export class PushTokenError extends CodedError<PushTokenErrorCode> {
  override readonly name = "PushTokenError";
}

/** 401: no valid token at all (missing, malformed, bad signature, expired). 403: a valid token not good for this. */
const FORBIDDEN: ReadonlySet<PushTokenErrorCode> = new Set(["wrong-issuer", "wrong-audience", "wrong-operation", "lifetime-too-long", "body-mismatch"]);

/** The HTTP status with which the edge refuses a push token, by the token's error code. */
export function pushTokenStatus(code: PushTokenErrorCode): 401 | 403 {
  return FORBIDDEN.has(code) ? 403 : 401;
}

export interface PushTokenClaims {
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  readonly operation: PushOperation;
}

export interface SignPushTokenOptions {
  readonly operation?: PushOperation;
  /** Seconds, at most {@link PUSH_TOKEN_MAX_LIFETIME_SECONDS}; default 60. */
  readonly lifetimeSeconds?: number;
  readonly jti?: string;
}

export interface VerifyPushTokenOptions {
  readonly operation: PushOperation;
  readonly clockToleranceSeconds?: number;
}

/** For the agent: a token authorising exactly `body` for `operation`. */
export async function signPushToken(privateJwk: JWK, body: string | Uint8Array, nowSeconds: number, options: SignPushTokenOptions = {}): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? 60;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > PUSH_TOKEN_MAX_LIFETIME_SECONDS) {
    throw new PushTokenError("lifetime-too-long", `lifetimeSeconds must be an integer in 1..${PUSH_TOKEN_MAX_LIFETIME_SECONDS}`);
  }
  const key = await importKey(privateJwk, "private");
  return new SignJWT({ [PUSH_BODY_CLAIM]: await hashPushBody(body), [PUSH_OPERATION_CLAIM]: options.operation ?? "table" })
    .setProtectedHeader({ alg: PUSH_TOKEN_ALGORITHM, typ: PUSH_TOKEN_TYPE })
    .setIssuer(PUSH_TOKEN_ISSUER)
    .setAudience(PUSH_TOKEN_AUDIENCE)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + lifetime)
    .setJti(options.jti ?? crypto.randomUUID())
    .sign(key);
}

/** For the edge: import the public JWK once (a Worker secret), then verify many tokens with it. */
export async function importPushPublicKey(jwk: unknown): Promise<CryptoKey> {
  if (typeof jwk !== "object" || jwk === null) throw new PushTokenError("key-invalid", "public key must be a JWK object");
  return importKey(jwk as JWK, "public");
}

/** Verifies signature, type, issuer, audience, lifetime, operation and the body binding; throws {@link PushTokenError}. */
export async function verifyPushToken(
  token: string,
  publicKey: CryptoKey,
  body: string | Uint8Array,
  nowSeconds: number,
  options: VerifyPushTokenOptions,
): Promise<PushTokenClaims> {
  const claims = await verifyPushTokenClaims(token, publicKey, nowSeconds, options);
  await checkPushBody(claims, body);
  return { jti: claims.jti, iat: claims.iat, exp: claims.exp, operation: claims.operation };
}

/**
 * Everything but the body binding. Lets the edge refuse an unauthenticated request before reading its body;
 * follow with {@link checkPushBody}.
 */
export async function verifyPushTokenClaims(
  token: string,
  publicKey: CryptoKey,
  nowSeconds: number,
  options: VerifyPushTokenOptions,
): Promise<PushTokenClaims & { readonly bodySha256: string }> {
  const tolerance = options.clockToleranceSeconds ?? PUSH_TOKEN_CLOCK_TOLERANCE_SECONDS;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, publicKey, {
      algorithms: [PUSH_TOKEN_ALGORITHM],
      typ: PUSH_TOKEN_TYPE,
      issuer: PUSH_TOKEN_ISSUER,
      audience: PUSH_TOKEN_AUDIENCE,
      currentDate: new Date(nowSeconds * 1000),
      clockTolerance: tolerance,
      requiredClaims: ["iat", "exp", "jti", PUSH_BODY_CLAIM, PUSH_OPERATION_CLAIM],
    }));
  } catch (error) {
    throw translateJoseError(error);
  }
  const { iat, exp, jti } = payload;
  const bodySha256 = payload[PUSH_BODY_CLAIM];
  if (typeof iat !== "number" || typeof exp !== "number" || typeof jti !== "string" || jti === "" || typeof bodySha256 !== "string") {
    throw new PushTokenError("token-malformed", "iat, exp, jti and body_sha256 must be present and well-typed");
  }
  if (iat > nowSeconds + tolerance) throw new PushTokenError("token-not-yet-valid", "token issued in the future");
  if (exp - iat > PUSH_TOKEN_MAX_LIFETIME_SECONDS) {
    throw new PushTokenError("lifetime-too-long", `token lifetime exceeds ${PUSH_TOKEN_MAX_LIFETIME_SECONDS} s`);
  }
  const operation = payload[PUSH_OPERATION_CLAIM];
  if (operation !== options.operation) {
    throw new PushTokenError("wrong-operation", `token is for operation ${JSON.stringify(operation)}, not "${options.operation}"`);
  }
  return { jti, iat, exp, operation: options.operation, bodySha256 };
}

export async function checkPushBody(claims: { readonly bodySha256: string }, body: string | Uint8Array): Promise<void> {
  if (claims.bodySha256 !== (await hashPushBody(body))) {
    throw new PushTokenError("body-mismatch", "body does not match the token's body_sha256");
  }
}

/** base64url SHA-256 of the body bytes (UTF-8 for a string). */
export async function hashPushBody(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : new Uint8Array(body);
  return base64url.encode(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

async function importKey(jwk: JWK, use: KeyUse): Promise<CryptoKey> {
  const problem = describeEs256JwkProblem(jwk, use);
  if (problem !== null) throw new PushTokenError("key-invalid", problem);
  try {
    return await importEs256Jwk(jwk, use);
  } catch (error) {
    throw new PushTokenError("key-invalid", (error as Error).message);
  }
}

function translateJoseError(error: unknown): PushTokenError {
  if (error instanceof PushTokenError) return error;
  const failure = describeJwtFailure(error, { issuer: PUSH_TOKEN_ISSUER, audience: PUSH_TOKEN_AUDIENCE, malformed: () => "not a valid ES256 JWT" });
  return new PushTokenError(failure.code, failure.message);
}
