import type { Cloudflare } from "cloudflare";
import type { RoutingTable } from "../../core/table/schema.ts";
import { advanceHead, HEAD_KEY, keysToCollect, manifestKey, partsToWrite, readHead, type TableHead } from "../../core/table/table-head.ts";
import { readManifest, shardTable, type TableManifest } from "../../core/table/table-shards.ts";
import { PublishError, type PublishErrorCode, type TablePublisher } from "../push/table-publisher.ts";
import { type CloudflareApiError, type CloudflareErrorCode, toCloudflareApiError } from "./cloudflare-api-error.ts";
import { type RateLimitRetryOptions, retryRateLimited, sleep as realSleep } from "./retry-rate-limited.ts";

/** The key whose write makes a version current (core/table/table-head.ts). */
export const TABLE_KEY = HEAD_KEY;
/** The bulk write endpoint's limit per request. */
const MAX_PAIRS_PER_WRITE = 10_000;
/** Workers KV's limit on one value. */
export const MAX_VALUE_BYTES = 25 * 1024 * 1024;
/** Workers KV takes one write per second per key. */
export const KEY_WRITE_INTERVAL_MS = 1000;
/** As the edge publisher's push timeout: below the Lease's takeover margin. */
export const DEFAULT_TIMEOUT_MS = 4000;

export interface KvPublisherOptions {
  readonly client: Cloudflare;
  readonly accountId: string;
  readonly namespaceId: string;
  /** Least time between two writes of the key (KV's limit: one per second). */
  readonly minWriteIntervalMs?: number;
  /**
   * The most one `publish` may take, waits and retries included. Keep it below the Lease's takeover margin
   * (the agent's push timeout, 4 s by default), so that a write never outlives the leadership it began under.
   */
  readonly timeoutMs?: number;
  /** 429s are waited out within one `publish`, as Retry-After says, within `timeoutMs`. */
  readonly retry?: RateLimitRetryOptions;
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A publish refused with 429 whose Retry-After was longer than the publisher would wait: the loop should wait that long. */
export class RateLimitedPublishError extends PublishError {
  constructor(message: string, retryAfterMs: number | undefined) {
    super("failed", message, 429, retryAfterMs);
  }
}

/**
 * Publishes the table straight to Workers KV through the Cloudflare API, in the layout the worker reads
 * (core/table/table-shards.ts): one bulk write of the parts no kept version already stored plus the manifest, then
 * a second of the head (`table-head`), so that a reader never finds a head before its parts; versions beyond the
 * last three are then collected with the bulk delete endpoint. Never writes the head twice within a second. A
 * worker with the TABLE_POINTER Durable Object adopts a head written here within about 30 s (plus KV's cache time
 * at the object's location): pushing to the worker is the fast path.
 */
export class KvPublisher implements TablePublisher {
  readonly destination: string;
  private readonly nowMs: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();
  /** The head as last read or written; undefined until read once. */
  private head: TableHead | null | undefined;
  /** Manifests this publisher wrote or read, by hash: which parts are already stored. */
  private readonly manifests = new Map<string, TableManifest>();

  constructor(private readonly options: KvPublisherOptions) {
    this.destination = `workers-kv:${options.accountId}/${options.namespaceId}/${HEAD_KEY}`;
    this.nowMs = options.nowMs ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  publish(table: RoutingTable, _body: string): Promise<void> {
    // Serialised, so that two overlapping calls cannot write the head within the same second.
    const run = this.queue.then(() => this.write(table));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(table: RoutingTable): Promise<void> {
    const sharded = await shardTable(table);
    for (const [hash, text] of sharded.parts) {
      const bytes = new TextEncoder().encode(text).length;
      if (bytes > MAX_VALUE_BYTES) throw new PublishError("rejected", `part ${hash} of the table is ${bytes} bytes; a Workers KV value holds at most ${MAX_VALUE_BYTES}`);
    }
    const budgetMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = this.nowMs() + budgetMs;
    const wait = this.lastWriteAt + (this.options.minWriteIntervalMs ?? KEY_WRITE_INTERVAL_MS) - this.nowMs();
    if (wait > 0) await this.sleep(wait);

    if (this.head === undefined) this.head = readHead(await this.readJson(HEAD_KEY, deadline));
    const previous = this.head;
    const known = async (hash: string): Promise<TableManifest | null> => {
      const cached = this.manifests.get(hash);
      if (cached !== undefined) return cached;
      const read = readManifest(JSON.stringify(await this.readJson(manifestKey(hash), deadline)));
      if (!read.ok) return null;
      this.manifests.set(hash, read.value);
      return read.value;
    };
    const kept = (await Promise.all((previous?.kept ?? []).map(known))).filter((found): found is TableManifest => found !== null);
    const pairs = [...partsToWrite(sharded, kept)].map(([key, value]) => ({ key, value }));
    pairs.push({ key: manifestKey(sharded.manifestHash), value: sharded.manifestText });
    for (let at = 0; at < pairs.length; at += MAX_PAIRS_PER_WRITE) await this.bulk(pairs.slice(at, at + MAX_PAIRS_PER_WRITE), deadline);
    this.manifests.set(sharded.manifestHash, sharded.manifest);

    let head = advanceHead(previous, { version: table.version, generation: table.generation, manifest: sharded.manifestHash });
    const keptNow = (await Promise.all(head.kept.map(known))).filter((found): found is TableManifest => found !== null);
    const collected: string[] = [];
    const doomed: string[] = [];
    for (const dropped of head.garbage) {
      const manifest = await known(dropped);
      doomed.push(...(manifest === null ? [manifestKey(dropped)] : keysToCollect(dropped, manifest, keptNow)));
      collected.push(dropped);
      if (doomed.length >= MAX_PAIRS_PER_WRITE) break;
    }
    await this.bulk([{ key: HEAD_KEY, value: JSON.stringify({ ...head, garbage: head.garbage.filter((hash) => !collected.includes(hash)) }) }], deadline, true);
    head = { ...head, garbage: head.garbage.filter((hash) => !collected.includes(hash)) };
    this.head = head;
    if (doomed.length > 0) {
      const { client, accountId, namespaceId } = this.options;
      // After the head: a reader may still be on a dropped version only until its next check.
      await client.kv.namespaces.bulkDelete(namespaceId, { account_id: accountId, body: doomed }, { timeout: Math.max(1, deadline - this.nowMs()) }).catch(() => undefined);
      for (const hash of collected) this.manifests.delete(hash);
    }
  }

  private async readJson(key: string, deadline: number): Promise<unknown> {
    const { client, accountId, namespaceId } = this.options;
    try {
      const response = await client.kv.namespaces.values.get(key, { account_id: accountId, namespace_id: namespaceId }, { timeout: Math.max(1, deadline - this.nowMs()) });
      return JSON.parse(await response.text()) as unknown;
    } catch (error) {
      const failure = toCloudflareApiError(error, `read ${key} from KV namespace ${namespaceId}`);
      if (failure.code === "not-found") return null;
      throw toPublishError(failure);
    }
  }

  private async bulk(body: { key: string; value: string }[], deadline: number, isHead = false): Promise<void> {
    const { client, accountId, namespaceId } = this.options;
    const action = `write ${isHead ? HEAD_KEY : `${body.length} keys`} to KV namespace ${namespaceId}`;
    let result: { unsuccessful_keys?: string[] } | null;
    try {
      result = await retryRateLimited(action, async () => {
        try {
          return await client.kv.namespaces.bulkUpdate(namespaceId, { account_id: accountId, body }, { timeout: Math.max(1, deadline - this.nowMs()) });
        } finally {
          // Counted from the answer, not the request: KV stamps the write somewhere in between.
          if (isHead) this.lastWriteAt = this.nowMs();
        }
      }, { sleep: this.sleep, nowMs: this.nowMs, ...this.options.retry, budgetMs: Math.max(0, deadline - this.nowMs()) });
    } catch (error) {
      throw toPublishError(toCloudflareApiError(error, action));
    }
    if ((result?.unsuccessful_keys ?? []).length > 0) {
      throw new PublishError("failed", `${action}: Workers KV reported ${result?.unsuccessful_keys?.length ?? 0} keys as not written to every store; retry`);
    }
  }
}

const PUBLISH_CODES: Readonly<Record<CloudflareErrorCode, PublishErrorCode>> = {
  unreachable: "unreachable",
  timeout: "timeout",
  unauthorized: "unauthorized",
  rejected: "rejected",
  "not-found": "failed",
  "rate-limited": "failed",
  failed: "failed",
};

function toPublishError(error: CloudflareApiError): PublishError {
  if (error.code === "rate-limited") {
    const after = error.retryAfterMs === undefined ? "" : ` (retry after ${Math.ceil(error.retryAfterMs / 1000)} s)`;
    return new RateLimitedPublishError(`${error.message}${after}`, error.retryAfterMs);
  }
  return new PublishError(PUBLISH_CODES[error.code], error.message, error.status);
}
