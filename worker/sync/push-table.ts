import { checkPushBody, PushTokenError, pushTokenStatus } from "../../core/push/push-token.ts";
import type { EdgeConfig } from "../config.ts";
import type { EdgeEnv } from "../env.ts";
import { jsonResponse } from "../error-response.ts";
import { logEvent } from "../log-event.ts";
import { checkTransportReadiness, type TransportReadiness } from "../transport/transport-readiness.ts";
import type { Transport } from "../transport/transport.ts";
import { checkTableText, isNewer, TABLE_CACHE_TTL_SECONDS, TABLE_KEY, writeTable, type TableMetadata, type TableStore } from "../table/table-store.ts";
import { authenticate, type PushKeyCache } from "./authenticate.ts";
import type { JtiLedger } from "./jti-ledger.ts";
import { readLimitedBody } from "./read-limited-body.ts";

export interface PushDeps {
  readonly env: EdgeEnv;
  readonly config: EdgeConfig;
  readonly tables: TableStore;
  readonly ledger: JtiLedger;
  readonly pushKeys: PushKeyCache;
  /** The answer says whether it can reach the table's targets: the agent cannot know this edge's transport otherwise. */
  readonly transport: Transport;
  readonly now: () => number;
  readonly requestId: string;
}

/**
 * `POST /.well-known/edge-ingress/table`. Order matters: the token is checked before the body is read (an
 * unauthenticated sender cannot make the edge read 25 MiB), then size, body binding, replay, schema and version
 * hash, then the generation against what KV holds; only then is KV written. Any refusal changes nothing.
 */
export async function pushTable(request: Request, deps: PushDeps): Promise<Response> {
  const { requestId } = deps;
  const fail = (status: number, error: string, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    jsonResponse(status, { error, message, requestId, ...extra }, requestId, headers);

  const key = await publicKeyOf(deps);
  if (key instanceof Response) return key;
  const nowSeconds = Math.floor(deps.now() / 1000);
  const auth = await authenticate(request, key, nowSeconds, "table");
  if (!auth.ok) return fail(auth.status, auth.code, auth.message, {}, auth.status === 401 ? { "www-authenticate": 'Bearer realm="edge-ingress"' } : {});

  const body = await readLimitedBody(request, deps.config.pushMaxBytes);
  if (!body.ok) return fail(413, "too-large", `table body exceeds ${deps.config.pushMaxBytes} bytes`, { limit: deps.config.pushMaxBytes });
  try {
    await checkPushBody(auth.claims, body.bytes);
  } catch (error) {
    if (error instanceof PushTokenError) return fail(pushTokenStatus(error.code), error.code, error.message);
    throw error;
  }
  if (!deps.ledger.claim(auth.claims.jti, auth.claims.exp, nowSeconds)) return fail(403, "token-replayed", "this token was already used");

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body.bytes);
  } catch {
    return fail(422, "invalid-json", "body is not UTF-8");
  }
  const check = await checkTableText(text);
  if (!check.ok) return fail(422, check.reason, "table refused", { issues: check.issues.slice(0, 100), issueCount: check.issues.length });
  const table = check.table;

  let stored: TableMetadata | null;
  try {
    stored = await readStoredMetadata(deps.env.TABLE_KV);
  } catch (error) {
    logEvent("error", "table-read-failed", { requestId, detail: error instanceof Error ? error.message : String(error) });
    return fail(503, "kv-unavailable", "could not read the stored table; nothing was written", {}, { "retry-after": "1" });
  }
  const held = [stored, deps.tables.current?.table ?? null].filter((found): found is TableMetadata => found !== null);
  for (const current of held) {
    if (current.generation === table.generation && current.version === table.version) {
      return jsonResponse(200, { result: "unchanged", version: table.version, generation: table.generation, ...readinessOf(table, deps), requestId }, requestId);
    }
    if (!isNewer(table, current)) {
      return fail(409, "stale-generation", `generation ${table.generation} is not newer than the stored ${current.generation}`, {
        stored: { version: current.version, generation: current.generation },
      });
    }
  }
  try {
    await writeTable(deps.env.TABLE_KV, table);
  } catch (error) {
    logEvent("error", "table-write-failed", { requestId, detail: error instanceof Error ? error.message : String(error) });
    return fail(503, "kv-write-failed", "could not store the table (KV allows one write per second per key); retry", {}, { "retry-after": "1" });
  }
  deps.tables.install(table, "push", deps.now());
  return jsonResponse(200, { result: "stored", version: table.version, generation: table.generation, ...readinessOf(table, deps), requestId }, requestId);
}

/** The transport's verdict on the table this isolate holds, when it is the one pushed (it is, unless a newer one came in between). */
function readinessOf(table: TableMetadata, deps: Pick<PushDeps, "tables" | "transport">): { transport?: TransportReadiness } {
  const loaded = deps.tables.current;
  if (loaded === null || loaded.table.version !== table.version) return {};
  return { transport: checkTransportReadiness(loaded, deps.transport).readiness };
}

/** The key, or the 503 that says why the sync endpoints are off. */
export async function publicKeyOf(deps: Pick<PushDeps, "config" | "pushKeys" | "requestId">): Promise<CryptoKey | Response> {
  const secret = deps.config.pushPublicJwk;
  if (secret === null) {
    return jsonResponse(503, { error: "push-key-missing", message: "EDGE_PUSH_PUBLIC_JWK is not set on this worker", requestId: deps.requestId }, deps.requestId);
  }
  try {
    return await deps.pushKeys.get(secret);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logEvent("error", "push-key-invalid", { detail: message });
    return jsonResponse(503, { error: "push-key-invalid", message, requestId: deps.requestId }, deps.requestId);
  }
}

/** What KV holds now: from the metadata, or (a value written without it) by reading the table. */
async function readStoredMetadata(kv: KVNamespace): Promise<TableMetadata | null> {
  const { value, metadata } = await kv.getWithMetadata<TableMetadata>(TABLE_KEY, { type: "stream", cacheTtl: TABLE_CACHE_TTL_SECONDS });
  if (value === null) return null;
  if (typeof metadata === "object" && metadata !== null && typeof metadata.version === "string" && typeof metadata.generation === "number") {
    await value.cancel();
    return { version: metadata.version, generation: metadata.generation };
  }
  const check = await checkTableText(await new Response(value).text());
  // An invalid stored value protects nothing: any valid table may replace it.
  return check.ok ? { version: check.table.version, generation: check.table.generation } : null;
}
