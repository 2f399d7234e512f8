import type { EdgeEnv } from "./env.ts";
import { readOriginTokenConfig, type OriginTokenConfig } from "./transport/origin-token-config.ts";

export interface EdgeConfig {
  readonly transport: string;
  readonly allowIpTargets: boolean;
  /** Without the Durable Object: how often an isolate re-reads the head from KV. */
  readonly tableRefreshMs: number;
  /** With the Durable Object: how often an isolate asks it for the current version. */
  readonly pointerCheckMs: number;
  readonly upstreamTimeoutMs: number;
  readonly maxTries: number;
  readonly coolDownMs: number;
  readonly maxCoolDownMs: number;
  /** The Strict-Transport-Security value for https responses; null = off. */
  readonly hsts: string | null;
  readonly pushMaxBytes: number;
  /** Null: cookie affinity disabled (no secret). */
  readonly cookieKey: string | null;
  readonly pushPublicJwk: string | null;
  /** Socket transport: until the TCP connection to a target is open. */
  readonly connectTimeoutMs: number;
  /** Null: no origin tokens (the default). */
  readonly originToken: OriginTokenConfig | null;
}

export type ConfigReading = { readonly ok: true; readonly config: EdgeConfig } | { readonly ok: false; readonly problems: readonly string[] };

/** KV's value limit: a bigger table could not be stored anyway. */
export const KV_VALUE_LIMIT = 25 * 1024 * 1024;

/**
 * Reads every var and secret and reports every problem at once. Defaults are the safe production ones: fetch
 * transport, no bare-IP targets, HSTS on.
 */
export function readConfig(env: EdgeEnv, transports: readonly string[]): ConfigReading {
  const problems: string[] = [];
  const integer = (name: keyof EdgeEnv, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = typeof raw === "string" && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const flag = (name: keyof EdgeEnv): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === "" || raw === "false") return false;
    if (raw === "true") return true;
    problems.push(`${name} must be "true" or "false", got ${JSON.stringify(raw)}`);
    return false;
  };

  const transport = env.EDGE_TRANSPORT === undefined || env.EDGE_TRANSPORT === "" ? "fetch" : env.EDGE_TRANSPORT;
  if (!transports.includes(transport)) {
    problems.push(`EDGE_TRANSPORT must be one of ${transports.join(", ")}; "${transport}" is not available in this build`);
  }
  const coolDownMs = integer("EDGE_COOLDOWN_MS", 10_000, 0, 3_600_000);
  const maxCoolDownMs = integer("EDGE_MAX_COOLDOWN_MS", 60_000, 0, 3_600_000);
  if (maxCoolDownMs < coolDownMs) problems.push("EDGE_MAX_COOLDOWN_MS must not be below EDGE_COOLDOWN_MS");
  const hstsRaw = env.EDGE_HSTS ?? "max-age=31536000";
  const hsts = hstsRaw === "off" || hstsRaw === "" ? null : hstsRaw;
  if (hsts !== null && !/^max-age=\d+(\s*;\s*(includeSubDomains|preload))*$/i.test(hsts)) {
    problems.push(`EDGE_HSTS must be "off" or a Strict-Transport-Security value such as "max-age=31536000; includeSubDomains"`);
  }
  const cookieKey = env.EDGE_COOKIE_KEY === undefined || env.EDGE_COOKIE_KEY === "" ? null : env.EDGE_COOKIE_KEY;
  if (cookieKey !== null && cookieKey.length < 32) problems.push("EDGE_COOKIE_KEY must be at least 32 characters");
  const config: EdgeConfig = {
    transport,
    allowIpTargets: flag("EDGE_ALLOW_IP_TARGETS"),
    tableRefreshMs: integer("EDGE_TABLE_REFRESH_MS", 5_000, 0, 300_000),
    pointerCheckMs: integer("EDGE_POINTER_CHECK_MS", 4_000, 0, 300_000),
    upstreamTimeoutMs: integer("EDGE_UPSTREAM_TIMEOUT_MS", 30_000, 1, 600_000),
    maxTries: integer("EDGE_MAX_TRIES", 3, 1, 10),
    coolDownMs,
    maxCoolDownMs,
    hsts,
    pushMaxBytes: integer("EDGE_PUSH_MAX_BYTES", KV_VALUE_LIMIT, 1, KV_VALUE_LIMIT),
    cookieKey,
    pushPublicJwk: env.EDGE_PUSH_PUBLIC_JWK === undefined || env.EDGE_PUSH_PUBLIC_JWK === "" ? null : env.EDGE_PUSH_PUBLIC_JWK,
    connectTimeoutMs: integer("EDGE_CONNECT_TIMEOUT_MS", 5_000, 1, 600_000),
    originToken: readOriginTokenConfig(env, problems),
  };
  return problems.length === 0 ? { ok: true, config } : { ok: false, problems };
}
