import { serializeTable } from "../../core/table/hash-table.ts";
import type { RoutingTable } from "../../core/table/schema.ts";
import { validateTable, verifyTableVersion, type TableIssue } from "../../core/table/validate-table.ts";
import { logEvent } from "../log-event.ts";
import { loadTable, type LoadedTable } from "./loaded-table.ts";

export const TABLE_KEY = "routing-table";

/** KV's minimum edge-cache time: the shortest staleness a read of another location's write can have. */
export const TABLE_CACHE_TTL_SECONDS = 30;

/** Stored next to the value so a refresh can skip reading an unchanged table. */
export interface TableMetadata {
  readonly version: string;
  readonly generation: number;
}

export type TableCheck =
  | { readonly ok: true; readonly table: RoutingTable }
  | { readonly ok: false; readonly reason: "invalid-json" | "invalid-table" | "version-mismatch"; readonly issues: readonly TableIssue[] };

export interface RefreshRecord {
  readonly at: number;
  readonly outcome: "loaded" | "unchanged" | "empty" | "rejected" | "stale" | "error";
  readonly detail?: string;
}

/** Parses and checks a table from its bytes: the shared schema, references, and the version hash. */
export async function checkTableText(text: string): Promise<TableCheck> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: "invalid-json", issues: [{ path: "(root)", message: error instanceof Error ? error.message : "not JSON" }] };
  }
  const validation = validateTable(value);
  if (!validation.ok) return { ok: false, reason: "invalid-table", issues: validation.issues };
  if (!(await verifyTableVersion(validation.table))) {
    return { ok: false, reason: "version-mismatch", issues: [{ path: "version", message: "is not the hash of the table's content" }] };
  }
  return { ok: true, table: validation.table };
}

/**
 * The isolate's table: read from KV at most every `refreshMs`, kept between requests as a finished value. A
 * refresh never installs an unreadable, invalid or older table (KV may serve stale values for up to a minute),
 * and never shares its in-flight read with other requests.
 */
export class TableStore {
  #current: LoadedTable | null = null;
  #checkedAt = -Infinity;
  #rejected: string | null = null;
  #lastRefresh: RefreshRecord | null = null;

  get current(): LoadedTable | null {
    return this.#current;
  }

  get lastRefresh(): RefreshRecord | null {
    return this.#lastRefresh;
  }

  /** The current table when no refresh is due yet (what almost every request finds); else null: call get. */
  fresh(now: number, refreshMs: number): LoadedTable | null {
    return now - this.#checkedAt < refreshMs ? this.#current : null;
  }

  async get(kv: KVNamespace, now: number, refreshMs: number): Promise<LoadedTable | null> {
    if (this.#current === null || now - this.#checkedAt >= refreshMs) {
      // Claimed before awaiting, so concurrent requests keep serving the current table instead of all reading KV.
      this.#checkedAt = now;
      this.#lastRefresh = await this.#refresh(kv, now);
    }
    return this.#current;
  }

  /** Installs a table (from a push) when it is newer than the current one. */
  install(table: RoutingTable, source: "kv" | "push", now: number): boolean {
    const current = this.#current;
    if (current !== null && !isNewer(table, current.table)) return false;
    this.#current = loadTable(table, source, now);
    if (source === "push") this.#checkedAt = now;
    logEvent("info", "table-installed", { version: table.version, generation: table.generation, source });
    return true;
  }

  async #refresh(kv: KVNamespace, now: number): Promise<RefreshRecord> {
    let text: string;
    let stamp: string | null = null;
    try {
      const { value, metadata } = await kv.getWithMetadata<TableMetadata>(TABLE_KEY, { type: "stream", cacheTtl: TABLE_CACHE_TTL_SECONDS });
      if (value === null) return { at: now, outcome: "empty" };
      const current = this.#current?.table;
      if (isMetadata(metadata)) {
        stamp = `${metadata.version}@${metadata.generation}`;
        if (stamp === this.#rejected || (current !== undefined && !isNewer(metadata, current))) {
          await value.cancel();
          return { at: now, outcome: stamp === this.#rejected ? "rejected" : "unchanged" };
        }
      }
      text = await new Response(value).text();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      logEvent("error", "table-read-failed", { detail, keeping: this.#current?.table.version ?? null });
      return { at: now, outcome: "error", detail };
    }
    const check = await checkTableText(text);
    if (!check.ok) {
      if (stamp === null || stamp !== this.#rejected) {
        logEvent("error", "table-rejected", { reason: check.reason, issues: check.issues.slice(0, 20), keeping: this.#current?.table.version ?? null });
      }
      this.#rejected = stamp;
      return { at: now, outcome: "rejected", detail: check.reason };
    }
    const current = this.#current?.table;
    if (current !== undefined && !isNewer(check.table, current)) {
      return { at: now, outcome: current.version === check.table.version ? "unchanged" : "stale" };
    }
    this.install(check.table, "kv", now);
    return { at: now, outcome: "loaded" };
  }
}

/** Newer = a higher generation. Equal generations never replace each other (the first one seen wins). */
export function isNewer(candidate: TableMetadata, current: TableMetadata): boolean {
  return candidate.generation > current.generation;
}

export function tableMetadata(table: RoutingTable): TableMetadata {
  return { version: table.version, generation: table.generation };
}

export async function writeTable(kv: KVNamespace, table: RoutingTable): Promise<void> {
  await kv.put(TABLE_KEY, serializeTable(table), { metadata: tableMetadata(table) });
}

function isMetadata(value: unknown): value is TableMetadata {
  return typeof value === "object" && value !== null && typeof (value as TableMetadata).version === "string" && typeof (value as TableMetadata).generation === "number";
}
