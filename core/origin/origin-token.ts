import { CodedError } from "../coded-error.ts";
import { describeEs256JwkProblem, describeJwtFailure, importEs256Jwk, type KeyUse } from "../jwt/es256-jwk.ts";
import { calculateJwkThumbprint, jwtVerify, SignJWT, type JWK, type JWTHeaderParameters } from "jose";

/**
 * Origin tokens: a short-lived ES256 JWT the edge adds to every proxied request, bound to its method, original
 * host and path, so a backend (or one verifying proxy in front of the NodePorts) can refuse traffic that did not
 * come through the edge. ES256 rather than HS256 because verifiers are many and sit in the cluster: with a
 * public key none of them can mint tokens, and the key can be published as a plain ConfigMap. Runtime-neutral
 * (Web Crypto through jose): the worker signs with it, `edge-ingress verify` and Node backends verify with it.
 */
export const ORIGIN_TOKEN_HEADER = "edge-ingress-origin-token";
export const ORIGIN_TOKEN_ISSUER = "edge-ingress.dev/edge";
export const ORIGIN_TOKEN_AUDIENCE = "edge-ingress.dev/origin";
export const ORIGIN_TOKEN_ALGORITHM = "ES256";
/** JOSE `typ`: a push token or any other JWT signed with the same key is never taken for an origin token. */
export const ORIGIN_TOKEN_TYPE = "edge-ingress-origin+jwt";
export const ORIGIN_METHOD_CLAIM = "htm";
export const ORIGIN_HOST_CLAIM = "hth";
export const ORIGIN_PATH_CLAIM = "htp";
export const ORIGIN_TOKEN_DEFAULT_LIFETIME_SECONDS = 30;
export const ORIGIN_TOKEN_MAX_LIFETIME_SECONDS = 300;
/** Edge and cluster clocks differ; the lifetime is short, so the tolerance is too. */
export const ORIGIN_TOKEN_CLOCK_TOLERANCE_SECONDS = 15;

export type OriginTokenErrorCode =
  | "key-invalid"
  | "token-missing"
  | "token-malformed"
  | "unknown-key"
  | "signature-invalid"
  | "token-expired"
  | "token-not-yet-valid"
  | "lifetime-too-long"
  | "wrong-issuer"
  | "wrong-audience"
  | "method-mismatch"
  | "host-mismatch"
  | "path-mismatch";

export class OriginTokenError extends CodedError<OriginTokenErrorCode> {
  override readonly name = "OriginTokenError";
}

/** What the token is bound to: the request as the backend receives it. */
export interface OriginRequest {
  readonly method: string;
  /** The client's original Host (Host under the socket transport, X-Forwarded-Host under fetch). Case-insensitive. */
  readonly host: string;
  /** The request-target's path; a query, if given, is ignored. */
  readonly path: string;
}

export interface OriginTokenClaims {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly iat: number;
  readonly exp: number;
  readonly jti: string;
  readonly kid: string;
}

export interface OriginSigningKey {
  readonly key: CryptoKey;
  readonly kid: string;
}

/** Public keys by `kid`: more than one while a key is being rotated. */
export interface OriginVerifyKeys {
  readonly byKid: ReadonlyMap<string, CryptoKey>;
}

/** For the edge: the private P-256 JWK (a Worker secret). Its `kid` is the JWK's own, else its RFC 7638 thumbprint. */
export async function importOriginSigningKey(jwk: unknown): Promise<OriginSigningKey> {
  const checked = checkJwk(jwk, "private");
  return { key: await importEcKey(checked, "private"), kid: await kidOf(checked) };
}

/** For verifiers: one public JWK or a JWK Set (`{"keys": [...]}`). Private keys are refused: they stay at the edge. */
export async function importOriginVerifyKeys(jwks: unknown): Promise<OriginVerifyKeys> {
  const list = typeof jwks === "object" && jwks !== null && "keys" in jwks ? (jwks as { keys: unknown }).keys : [jwks];
  if (!Array.isArray(list) || list.length === 0) throw new OriginTokenError("key-invalid", "a JWK Set needs at least one key");
  const byKid = new Map<string, CryptoKey>();
  for (const [index, entry] of list.entries()) {
    let checked: JWK;
    try {
      checked = checkJwk(entry, "public");
    } catch (error) {
      throw new OriginTokenError("key-invalid", list.length === 1 ? messageOf(error) : `key ${index}: ${messageOf(error)}`);
    }
    byKid.set(await kidOf(checked), await importEcKey(checked, "public"));
  }
  return { byKid };
}

export interface SignOriginTokenOptions {
  /** Seconds, 1..{@link ORIGIN_TOKEN_MAX_LIFETIME_SECONDS}; default {@link ORIGIN_TOKEN_DEFAULT_LIFETIME_SECONDS}. */
  readonly lifetimeSeconds?: number;
  readonly jti?: string;
}

export async function signOriginToken(signing: OriginSigningKey, request: OriginRequest, nowSeconds: number, options: SignOriginTokenOptions = {}): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? ORIGIN_TOKEN_DEFAULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > ORIGIN_TOKEN_MAX_LIFETIME_SECONDS) {
    throw new OriginTokenError("lifetime-too-long", `lifetimeSeconds must be an integer in 1..${ORIGIN_TOKEN_MAX_LIFETIME_SECONDS}`);
  }
  const bound = bindingOf(request);
  return new SignJWT({ [ORIGIN_METHOD_CLAIM]: bound.method, [ORIGIN_HOST_CLAIM]: bound.host, [ORIGIN_PATH_CLAIM]: bound.path })
    .setProtectedHeader({ alg: ORIGIN_TOKEN_ALGORITHM, typ: ORIGIN_TOKEN_TYPE, kid: signing.kid })
    .setIssuer(ORIGIN_TOKEN_ISSUER)
    .setAudience(ORIGIN_TOKEN_AUDIENCE)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + lifetime)
    .setJti(options.jti ?? crypto.randomUUID())
    .sign(signing.key);
}

export interface VerifyOriginTokenOptions {
  /** Default: the current time. */
  readonly nowSeconds?: number;
  readonly clockToleranceSeconds?: number;
}

/**
 * Checks that `token` was minted by the edge for exactly this request: signature by a known key, type, issuer,
 * audience, expiry (with a small clock tolerance), a lifetime within the maximum, and method, host and path.
 * Throws {@link OriginTokenError} with a typed code; returns the claims. Replay within the token's few seconds
 * is not prevented here (the claims include a `jti` for verifiers that keep a cache of seen ids).
 */
export async function verifyOriginToken(token: string | null | undefined, request: OriginRequest, keys: OriginVerifyKeys, options: VerifyOriginTokenOptions = {}): Promise<OriginTokenClaims> {
  if (token === null || token === undefined || token.trim() === "") throw new OriginTokenError("token-missing", `no ${ORIGIN_TOKEN_HEADER} header`);
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.clockToleranceSeconds ?? ORIGIN_TOKEN_CLOCK_TOLERANCE_SECONDS;
  let payload: Record<string, unknown>;
  let kid = "";
  try {
    ({ payload } = await jwtVerify(
      token.trim(),
      (header: JWTHeaderParameters) => {
        kid = header.kid ?? "";
        const key = keys.byKid.get(kid);
        if (key === undefined) throw new OriginTokenError("unknown-key", `no verification key with kid ${JSON.stringify(kid.slice(0, 64))}`);
        return key;
      },
      {
        algorithms: [ORIGIN_TOKEN_ALGORITHM],
        typ: ORIGIN_TOKEN_TYPE,
        issuer: ORIGIN_TOKEN_ISSUER,
        audience: ORIGIN_TOKEN_AUDIENCE,
        currentDate: new Date(nowSeconds * 1000),
        clockTolerance: tolerance,
        requiredClaims: ["iat", "exp", "jti", ORIGIN_METHOD_CLAIM, ORIGIN_HOST_CLAIM, ORIGIN_PATH_CLAIM],
      },
    ));
  } catch (error) {
    throw translateJoseError(error);
  }
  const { iat, exp, jti } = payload;
  const method = payload[ORIGIN_METHOD_CLAIM];
  const host = payload[ORIGIN_HOST_CLAIM];
  const path = payload[ORIGIN_PATH_CLAIM];
  if (typeof iat !== "number" || typeof exp !== "number" || typeof jti !== "string" || typeof method !== "string" || typeof host !== "string" || typeof path !== "string") {
    throw new OriginTokenError("token-malformed", "iat, exp, jti, htm, hth and htp must be present and well-typed");
  }
  if (iat > nowSeconds + tolerance) throw new OriginTokenError("token-not-yet-valid", "token issued in the future");
  if (exp - iat > ORIGIN_TOKEN_MAX_LIFETIME_SECONDS) throw new OriginTokenError("lifetime-too-long", `token lifetime exceeds ${ORIGIN_TOKEN_MAX_LIFETIME_SECONDS} s`);
  const expected = bindingOf(request);
  if (method !== expected.method) throw new OriginTokenError("method-mismatch", `token is for method ${method}, the request is ${expected.method}`);
  if (host !== expected.host) throw new OriginTokenError("host-mismatch", `token is for host ${host}, the request is for ${expected.host}`);
  if (path !== expected.path) throw new OriginTokenError("path-mismatch", `token is for path ${path.slice(0, 200)}, the request is for ${expected.path.slice(0, 200)}`);
  return { method, host, path, iat, exp, jti, kid };
}

/** Methods are case-sensitive (RFC 9110 §9.1); hosts are not. The query is not part of the binding. */
function bindingOf(request: OriginRequest): { method: string; host: string; path: string } {
  const query = request.path.indexOf("?");
  return { method: request.method, host: request.host.toLowerCase(), path: query === -1 ? request.path : request.path.slice(0, query) };
}

function checkJwk(jwk: unknown, use: KeyUse): JWK {
  const problem = describeEs256JwkProblem(jwk, use);
  if (problem !== null) throw new OriginTokenError("key-invalid", problem);
  return jwk as JWK;
}

async function importEcKey(jwk: JWK, use: KeyUse): Promise<CryptoKey> {
  try {
    return await importEs256Jwk(jwk, use);
  } catch (error) {
    throw new OriginTokenError("key-invalid", messageOf(error));
  }
}

async function kidOf(jwk: JWK): Promise<string> {
  return typeof jwk.kid === "string" && jwk.kid !== "" ? jwk.kid : calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
}

function translateJoseError(error: unknown): OriginTokenError {
  if (error instanceof OriginTokenError) return error;
  const failure = describeJwtFailure(error, { issuer: ORIGIN_TOKEN_ISSUER, audience: ORIGIN_TOKEN_AUDIENCE, malformed: (detail) => `not a valid origin token: ${detail}` });
  return new OriginTokenError(failure.code, failure.message);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
