import type { TablePointer } from "./pointer/table-pointer.ts";

/** The Worker's bindings: KV, secrets and vars (all vars are strings; {@link readConfig} checks them). */
export interface EdgeEnv {
  readonly TABLE_KV: KVNamespace;
  /** The version pointer (SQLite-backed Durable Object). Absent: the edge polls a head in KV instead (reported in status). */
  readonly TABLE_POINTER?: DurableObjectNamespace<TablePointer>;
  /** With TABLE_POINTER: how often an isolate asks it for the current version, in ms (default 4000). */
  readonly EDGE_POINTER_CHECK_MS?: string;
  /** Secret: HMAC key for affinity cookies (≥ 32 characters). Absent: cookie affinity is off (reported). */
  readonly EDGE_COOKIE_KEY?: string;
  /** Secret: the sync agent's public ES256 JWK, as JSON. Absent: the sync endpoints answer 503. */
  readonly EDGE_PUSH_PUBLIC_JWK?: string;
  readonly EDGE_TRANSPORT?: string;
  readonly EDGE_ALLOW_IP_TARGETS?: string;
  readonly EDGE_TABLE_REFRESH_MS?: string;
  readonly EDGE_UPSTREAM_TIMEOUT_MS?: string;
  readonly EDGE_MAX_TRIES?: string;
  readonly EDGE_COOLDOWN_MS?: string;
  readonly EDGE_MAX_COOLDOWN_MS?: string;
  readonly EDGE_HSTS?: string;
  readonly EDGE_PUSH_MAX_BYTES?: string;
  /** Socket transport: connect timeout in ms (default 5000). */
  readonly EDGE_CONNECT_TIMEOUT_MS?: string;
  /** Secret: the edge's private ES256 JWK, as JSON. Set: every proxied request carries a signed origin token. */
  readonly EDGE_ORIGIN_PRIVATE_JWK?: string;
  /** Origin token lifetime in seconds (default 30, at most 300). */
  readonly EDGE_ORIGIN_TOKEN_LIFETIME_S?: string;
}
