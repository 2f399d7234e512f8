import type { JWK } from "jose";
import { ORIGIN_TOKEN_DEFAULT_LIFETIME_SECONDS, ORIGIN_TOKEN_MAX_LIFETIME_SECONDS } from "../../core/origin/origin-token.ts";
import type { EdgeEnv } from "../env.ts";

export interface OriginTokenConfig {
  /** The edge's private P-256 JWK; verifiers hold the public half. */
  readonly privateJwk: JWK;
  readonly lifetimeSeconds: number;
}

/**
 * Origin tokens are off unless the `EDGE_ORIGIN_PRIVATE_JWK` secret is set. Its shape is checked here, at
 * start-up, with the other settings; problems are added to `problems`.
 */
export function readOriginTokenConfig(env: EdgeEnv, problems: string[]): OriginTokenConfig | null {
  const rawLifetime = env.EDGE_ORIGIN_TOKEN_LIFETIME_S;
  let lifetimeSeconds = ORIGIN_TOKEN_DEFAULT_LIFETIME_SECONDS;
  if (rawLifetime !== undefined && rawLifetime !== "") {
    lifetimeSeconds = /^\d+$/.test(rawLifetime.trim()) ? Number(rawLifetime.trim()) : NaN;
    if (!Number.isSafeInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > ORIGIN_TOKEN_MAX_LIFETIME_SECONDS) {
      problems.push(`EDGE_ORIGIN_TOKEN_LIFETIME_S must be an integer in 1..${ORIGIN_TOKEN_MAX_LIFETIME_SECONDS}, got ${JSON.stringify(rawLifetime)}`);
    }
  }
  const raw = env.EDGE_ORIGIN_PRIVATE_JWK;
  if (raw === undefined || raw === "") return null;
  let jwk: unknown;
  try {
    jwk = JSON.parse(raw);
  } catch {
    problems.push("EDGE_ORIGIN_PRIVATE_JWK must be a JWK as JSON");
    return null;
  }
  const candidate = (typeof jwk === "object" && jwk !== null ? jwk : {}) as JWK;
  if (candidate.kty !== "EC" || candidate.crv !== "P-256" || typeof candidate.x !== "string" || typeof candidate.y !== "string" || typeof candidate.d !== "string") {
    problems.push("EDGE_ORIGIN_PRIVATE_JWK must be a private EC P-256 JWK (kty EC, crv P-256, x, y and d)");
    return null;
  }
  return { privateJwk: candidate, lifetimeSeconds };
}
