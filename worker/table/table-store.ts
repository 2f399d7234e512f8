import { normalizeHost } from "../../core/match/normalize-host.ts";
import { indexNodes } from "../../core/table/resolve-targets.ts";
import type { RoutingTable, TableNode } from "../../core/table/schema.ts";
import { LEGACY_TABLE_KEY, manifestKey, partKey, type TableHead } from "../../core/table/table-head.ts";
import {
  assembleHostTable, bucketOf, readBucket, readIndex, readManifest, readSlice, sha256Hex, sliceKeysFor,
  type HostSlice, type TableIndex, type TableManifest,
} from "../../core/table/table-shards.ts";
import { validateTable, verifyTableVersion, type TableIssue } from "../../core/table/validate-table.ts";
import { logEvent } from "../log-event.ts";
import type { PointerClient } from "../pointer/pointer-client.ts";
import { loadTable, type LoadedTable } from "./loaded-table.ts";

/** The single-value table of earlier releases, still read while no head exists. */
export const TABLE_KEY = LEGACY_TABLE_KEY;

/** KV's minimum edge-cache time: the shortest staleness a read of another location's write can have. */
export const TABLE_CACHE_TTL_SECONDS = 30;
/** Immutable keys (named by their hash) may be cached as long as KV's default. */
const PART_CACHE_TTL_SECONDS = 60;
/** Host views and parsed buckets kept per isolate: enough for a busy isolate's hosts, bounded for 128 MB. */
const MAX_VIEWS = 4096;
const MAX_BUCKETS = 64;
/** A bucket that could not be read is not asked for again sooner (a host's requests keep its last good view). */
const RETRY_PART_MS = 2000;

export interface TableMetadata {
  readonly version: string;
  readonly generation: number;
}

export type TableCheck =
  | { readonly ok: true; readonly table: RoutingTable }
  | { readonly ok: false; readonly reason: "invalid-json" | "invalid-table" | "version-mismatch"; readonly issues: readonly TableIssue[] };

export interface RefreshRecord {
  readonly at: number;
  /** `pending`: the pointer names a version whose keys this location cannot read yet; the previous one serves. */
  readonly outcome: "loaded" | "unchanged" | "empty" | "rejected" | "stale" | "pending" | "error";
  readonly detail?: string;
}

/** Where the store reads: KV for the parts, the pointer for the current version. */
export interface TableSource {
  readonly kv: KVNamespace;
  readonly pointer: PointerClient;
}

/** What the status endpoint reports of the table this isolate serves. */
export interface TableSummary {
  readonly version: string;
  readonly generation: number;
  readonly loadedAt: number;
  readonly source: "kv" | "push";
  readonly layout: "sharded" | "single-value";
  readonly nodes: readonly TableNode[];
  /** The whole table's (single-value layout) or the manifest's counts; targets and backends without targets included. */
  readonly counts: { readonly hosts: number; readonly rules: number; readonly backends: number; readonly backendsWithoutTargets?: number; readonly backendsFailedOpen: number; readonly nodes: number; readonly targets?: number; readonly problems: number };
  readonly failedOpen: readonly string[];
  /** Single-value layout: the whole table, loaded. */
  readonly loaded: LoadedTable | null;
  /** Sharded: host views this isolate has built. */
  readonly hostViews: number;
}

interface Current {
  readonly head: TableHead;
  readonly manifest: TableManifest;
  readonly index: TableIndex;
  readonly nodes: ReadonlyMap<string, TableNode>;
  readonly loadedAt: number;
  readonly source: "kv" | "push";
}

interface HostView {
  readonly manifest: string;
  readonly loaded: LoadedTable;
}

/** Parses and checks a whole table from its bytes: the shared schema, references, and the version hash. */
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
 * The isolate's table. The version pointer is checked at most every `checkMs`; a new version's manifest and index
 * (small) are read then; a host's slices when a request for it comes, once per version that changed them. Kept
 * between requests as finished values only, never as a shared in-flight read.
 *
 * Never a mixed table: a host's view is built from one manifest's index and buckets, each checked against the
 * hash that manifest names. Last good rules: an unreadable or invalid manifest keeps the previous version; an
 * unreadable or invalid bucket keeps that host's previous view.
 */
export class TableStore {
  #current: Current | null = null;
  #legacy: LoadedTable | null = null;
  #views = new Map<string, HostView>();
  #buckets = new Map<string, ReadonlyMap<string, unknown>>();
  #failedParts = new Map<string, number>();
  #checkedAt = -Infinity;
  #rejected: string | null = null;
  #lastRefresh: RefreshRecord | null = null;

  get lastRefresh(): RefreshRecord | null {
    return this.#lastRefresh;
  }

  /** The version this isolate serves, if any. */
  get version(): TableMetadata | null {
    if (this.#current !== null) return { version: this.#current.head.version, generation: this.#current.head.generation };
    return this.#legacy === null ? null : { version: this.#legacy.table.version, generation: this.#legacy.table.generation };
  }

  /** The host's table when no check is due and its view is built (what almost every request finds); else null. */
  fresh(host: string, now: number, checkMs: number): LoadedTable | null {
    if (now - this.#checkedAt >= checkMs) return null;
    const current = this.#current;
    if (current === null) return this.#legacy;
    const view = this.#views.get(normalizeHost(host) ?? "");
    return view !== undefined && view.manifest === current.head.manifest ? view.loaded : null;
  }

  /** The table a request for `host` (as received) is routed by; null when none was ever published (or readable). */
  async forHost(source: TableSource, host: string, now: number, checkMs: number): Promise<LoadedTable | null> {
    await this.refresh(source, now, checkMs);
    const current = this.#current;
    if (current === null) return this.#legacy;
    const key = normalizeHost(host) ?? "";
    const view = this.#views.get(key);
    if (view !== undefined && view.manifest === current.head.manifest) return view.loaded;
    return (await this.#buildView(source.kv, current, key, now)) ?? view?.loaded ?? null;
  }

  /** Checks the pointer when a check is due (or nothing is held). */
  async refresh(source: TableSource, now: number, checkMs: number): Promise<void> {
    if ((this.#current !== null || this.#legacy !== null) && now - this.#checkedAt < checkMs) return;
    // Claimed before awaiting, so concurrent requests keep serving the current table instead of all reading.
    this.#checkedAt = now;
    this.#lastRefresh = await this.#check(source, now);
  }

  /** A version this isolate just published (the push): served at once, without waiting for the next check. */
  adopt(head: TableHead, manifest: TableManifest, index: TableIndex, now: number): void {
    if (this.#current !== null && head.generation <= this.#current.head.generation) return;
    this.#install(head, manifest, index, "push", now);
    this.#checkedAt = now;
  }

  summary(): TableSummary | null {
    const current = this.#current;
    if (current !== null) {
      return {
        version: current.head.version,
        generation: current.head.generation,
        loadedAt: current.loadedAt,
        source: current.source,
        layout: "sharded",
        nodes: current.index.nodes,
        counts: current.manifest.counts,
        failedOpen: current.manifest.failedOpen,
        loaded: null,
        hostViews: this.#views.size,
      };
    }
    const legacy = this.#legacy;
    if (legacy === null) return null;
    const t = legacy.table;
    const failedOpen = t.backends.filter((backend) => backend.failedOpen === true).map((backend) => backend.id);
    return {
      version: t.version,
      generation: t.generation,
      loadedAt: legacy.loadedAt,
      source: legacy.source,
      layout: "single-value",
      nodes: t.nodes,
      counts: { hosts: t.hosts.length, rules: t.hosts.reduce((sum, host) => sum + host.rules.length, 0), backends: t.backends.length, backendsFailedOpen: failedOpen.length, nodes: t.nodes.length, problems: t.problems.length },
      failedOpen,
      loaded: legacy,
      hostViews: 0,
    };
  }

  async #check(source: TableSource, now: number): Promise<RefreshRecord> {
    let head: TableHead | null;
    try {
      head = await source.pointer.read();
    } catch (error) {
      return this.#readFailed(error, now);
    }
    if (head === null) return this.#checkLegacy(source.kv, now);
    const current = this.#current;
    if (current !== null && head.generation <= current.head.generation) return { at: now, outcome: current.head.manifest === head.manifest ? "unchanged" : "stale" };
    if (head.manifest === this.#rejected) return { at: now, outcome: "rejected" };
    let manifestText: string | null;
    try {
      manifestText = await source.kv.get(manifestKey(head.manifest), { type: "text", cacheTtl: PART_CACHE_TTL_SECONDS });
    } catch (error) {
      return this.#readFailed(error, now);
    }
    if (manifestText === null) return { at: now, outcome: "pending", detail: `manifest ${head.manifest} not readable here yet` };
    const manifest = await checkPart(manifestText, head.manifest, readManifest);
    if (!manifest.ok || manifest.value.version !== head.version) return this.#reject(head, "invalid-manifest", manifest.ok ? [{ path: "version", message: "differs from the pointer's" }] : manifest.issues, now);
    const index = await this.#readPart(source.kv, manifest.value.index, readIndex);
    if (index === "missing") return { at: now, outcome: "pending", detail: `index ${manifest.value.index} not readable here yet` };
    if (!index.ok) return this.#reject(head, "invalid-index", index.issues, now);
    this.#install(head, manifest.value, index.value, "kv", now);
    return { at: now, outcome: "loaded" };
  }

  #install(head: TableHead, manifest: TableManifest, index: TableIndex, source: "kv" | "push", now: number): void {
    const previous = this.#current;
    const nodes = previous !== null && previous.manifest.index === manifest.index ? previous.nodes : indexNodes(index.nodes);
    this.#current = { head, manifest, index, nodes, loadedAt: now, source };
    this.#legacy = null;
    logEvent("info", "table-installed", { version: head.version, generation: head.generation, source });
  }

  async #buildView(kv: KVNamespace, current: Current, host: string, now: number): Promise<LoadedTable | null> {
    const { manifest, index, head } = current;
    const keys = sliceKeysFor(host);
    const wanted = [keys.exact, ...(manifest.wildcards && keys.wildcard !== null ? [keys.wildcard] : []), ...(manifest.deepWildcards === true ? keys.deep : [])];
    const slices: HostSlice[] = [];
    for (const key of wanted) {
      const hash = manifest.buckets[bucketOf(key, manifest.buckets.length)] ?? "";
      const bucket = await this.#bucket(kv, hash, now);
      if (bucket === null) return null;
      const stored = bucket.get(key);
      if (stored === undefined) continue;
      const slice = readSlice(stored, index);
      if (!slice.ok) {
        logEvent("error", "table-slice-rejected", { host: key, bucket: hash, issues: slice.issues.slice(0, 20), version: head.version });
        return null;
      }
      slices.push(slice.value);
    }
    const table = assembleHostTable(head.version, head.generation, index, slices);
    const loaded = loadTable(table, current.source, now, current.nodes);
    if (this.#views.size >= MAX_VIEWS) this.#views.delete(this.#views.keys().next().value ?? "");
    this.#views.set(host, { manifest: head.manifest, loaded });
    return loaded;
  }

  async #bucket(kv: KVNamespace, hash: string, now: number): Promise<ReadonlyMap<string, unknown> | null> {
    const cached = this.#buckets.get(hash);
    if (cached !== undefined) return cached;
    if (now - (this.#failedParts.get(hash) ?? -Infinity) < RETRY_PART_MS) return null;
    let read: "missing" | PartResult<ReadonlyMap<string, unknown>>;
    try {
      read = await this.#readPart(kv, hash, readBucket);
    } catch (error) {
      this.#failedParts.set(hash, now);
      logEvent("error", "table-read-failed", { part: hash, detail: error instanceof Error ? error.message : String(error) });
      return null;
    }
    if (read === "missing" || !read.ok) {
      this.#failedParts.set(hash, now);
      logEvent("error", read === "missing" ? "table-part-missing" : "table-part-rejected", { part: hash, ...(read === "missing" ? {} : { issues: read.issues.slice(0, 20) }) });
      return null;
    }
    this.#failedParts.delete(hash);
    if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.delete(this.#buckets.keys().next().value ?? "");
    this.#buckets.set(hash, read.value);
    return read.value;
  }

  async #readPart<T>(kv: KVNamespace, hash: string, read: (text: string) => PartResult<T>): Promise<"missing" | PartResult<T>> {
    const text = await kv.get(partKey(hash), { type: "text", cacheTtl: PART_CACHE_TTL_SECONDS });
    if (text === null) return "missing";
    return checkPart(text, hash, read);
  }

  #reject(head: TableHead, reason: string, issues: readonly TableIssue[], now: number): RefreshRecord {
    if (this.#rejected !== head.manifest) logEvent("error", "table-rejected", { reason, issues: issues.slice(0, 20), version: head.version, keeping: this.version?.version ?? null });
    this.#rejected = head.manifest;
    return { at: now, outcome: "rejected", detail: reason };
  }

  #readFailed(error: unknown, now: number): RefreshRecord {
    const detail = error instanceof Error ? error.message : String(error);
    logEvent("error", "table-read-failed", { detail, keeping: this.version?.version ?? null });
    return { at: now, outcome: "error", detail };
  }

  /** No head: the single-value table of an earlier release, if KV holds one. */
  async #checkLegacy(kv: KVNamespace, now: number): Promise<RefreshRecord> {
    let text: string;
    let stamp: string | null = null;
    try {
      const { value, metadata } = await kv.getWithMetadata<TableMetadata>(TABLE_KEY, { type: "stream", cacheTtl: TABLE_CACHE_TTL_SECONDS });
      if (value === null) return { at: now, outcome: "empty" };
      const current = this.#legacy?.table;
      if (isMetadata(metadata)) {
        stamp = `${metadata.version}@${metadata.generation}`;
        if (stamp === this.#rejected || (current !== undefined && !isNewer(metadata, current))) {
          await value.cancel();
          return { at: now, outcome: stamp === this.#rejected ? "rejected" : "unchanged" };
        }
      }
      text = await new Response(value).text();
    } catch (error) {
      return this.#readFailed(error, now);
    }
    const check = await checkTableText(text);
    if (!check.ok) {
      if (stamp === null || stamp !== this.#rejected) {
        logEvent("error", "table-rejected", { reason: check.reason, issues: check.issues.slice(0, 20), keeping: this.version?.version ?? null });
      }
      this.#rejected = stamp;
      return { at: now, outcome: "rejected", detail: check.reason };
    }
    const current = this.#legacy?.table;
    if (current !== undefined && !isNewer(check.table, current)) {
      return { at: now, outcome: current.version === check.table.version ? "unchanged" : "stale" };
    }
    this.#legacy = loadTable(check.table, "kv", now);
    logEvent("info", "table-installed", { version: check.table.version, generation: check.table.generation, source: "kv", layout: "single-value" });
    return { at: now, outcome: "loaded" };
  }
}

type PartResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly TableIssue[] };

/** A part is what its name says only if its bytes hash to it: checked before its shape. */
async function checkPart<T>(text: string, hash: string, read: (text: string) => PartResult<T>): Promise<PartResult<T>> {
  if ((await sha256Hex(text)) !== hash) return { ok: false, issues: [{ path: "(root)", message: `bytes do not hash to ${hash}` }] };
  return read(text);
}

/** Newer = a higher generation. Equal generations never replace each other (the first one seen wins). */
export function isNewer(candidate: TableMetadata, current: TableMetadata): boolean {
  return candidate.generation > current.generation;
}

function isMetadata(value: unknown): value is TableMetadata {
  return typeof value === "object" && value !== null && typeof (value as TableMetadata).version === "string" && typeof (value as TableMetadata).generation === "number";
}
