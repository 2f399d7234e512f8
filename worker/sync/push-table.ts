import { checkPushBody, PushTokenError, pushTokenStatus } from "../../core/push/push-token.ts";
import type { EdgeConfig } from "../config.ts";
import type { EdgeEnv } from "../env.ts";
import { jsonResponse } from "../error-response.ts";
import { logEvent } from "../log-event.ts";
import { checkTableReadiness, type TransportReadiness } from "../transport/transport-readiness.ts";
import type { Transport } from "../transport/transport.ts";
import type { RoutingTable } from "../../core/table/schema.ts";
import type { TableHead } from "../../core/table/table-head.ts";
import { pointerClientOf } from "../pointer/pointer-client.ts";
import { publishTable, type Publication } from "../table/publish-table.ts";
import { checkTableText, isNewer, type TableMetadata, type TableStore } from "../table/table-store.ts";
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
 * hash, then the generation against the version pointer; only then are the table's keys written (the parts first,
 * the pointer last). Any refusal changes nothing.
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

  const pointer = pointerClientOf(deps.env);
  let stored: TableHead | null;
  try {
    stored = await pointer.read();
  } catch (error) {
    logEvent("error", "table-read-failed", { requestId, detail: error instanceof Error ? error.message : String(error) });
    return fail(503, "pointer-unavailable", "could not read the stored version; nothing was written", {}, { "retry-after": "1" });
  }
  const held = [stored, deps.tables.version].filter((found): found is TableMetadata => found !== null);
  for (const current of held) {
    if (current.generation === table.generation && current.version === table.version) {
      return jsonResponse(200, { result: "unchanged", version: table.version, generation: table.generation, ...readinessOf(table, deps), requestId }, requestId);
    }
    if (!isNewer(table, current)) return staleAnswer(table, current);
  }
  let publication: Publication;
  try {
    publication = await publishTable(deps.env.TABLE_KV, pointer, table, stored);
  } catch (error) {
    logEvent("error", "table-write-failed", { requestId, detail: error instanceof Error ? error.message : String(error) });
    return fail(503, "kv-write-failed", "could not store the table (KV allows one write per second per key); retry", {}, { "retry-after": "1" });
  }
  if (publication.result === "stale") return staleAnswer(table, publication.head);
  deps.tables.adopt(publication.head, publication.manifest, publication.index, deps.now());
  return jsonResponse(200, {
    result: "stored", version: table.version, generation: table.generation, ...readinessOf(table, deps),
    keys: { written: publication.written, deleted: publication.deleted }, requestId,
  }, requestId);

  function staleAnswer(pushed: TableMetadata, current: TableMetadata): Response {
    return fail(409, "stale-generation", `generation ${pushed.generation} is not newer than the stored ${current.generation}`, {
      stored: { version: current.version, generation: current.generation },
    });
  }
}

/** The transport's verdict on the pushed table's targets (the agent cannot know this edge's transport otherwise). */
function readinessOf(table: RoutingTable, deps: Pick<PushDeps, "transport">): { transport?: TransportReadiness } {
  return { transport: checkTableReadiness(table, deps.transport) };
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
