import type { Cloudflare } from "cloudflare";
import type { RoutingTable } from "../../core/table/schema.ts";
import { PublishError, type PublishErrorCode, type TablePublisher } from "../push/table-publisher.ts";
import { type CloudflareApiError, type CloudflareErrorCode, toCloudflareApiError } from "./cloudflare-api-error.ts";
import { type RateLimitRetryOptions, retryRateLimited, sleep as realSleep } from "./retry-rate-limited.ts";

/** The key the worker reads (worker/table/table-store.ts `TABLE_KEY`). */
export const TABLE_KEY = "routing-table";
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
  readonly key?: string;
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
 * Publishes the table straight to Workers KV through the Cloudflare API (the bulk write endpoint, one pair),
 * for deployments where the agent holds an API token rather than a push key. The value is the table's exact
 * bytes; its metadata carries version and generation, as the worker's own writes do, so a reader can skip an
 * unchanged table. Never writes the key twice within a second.
 */
export class KvPublisher implements TablePublisher {
  readonly destination: string;
  private readonly key: string;
  private readonly nowMs: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private lastWriteAt = Number.NEGATIVE_INFINITY;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: KvPublisherOptions) {
    this.key = options.key ?? TABLE_KEY;
    this.destination = `workers-kv:${options.accountId}/${options.namespaceId}/${this.key}`;
    this.nowMs = options.nowMs ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  publish(table: RoutingTable, body: string): Promise<void> {
    // Serialised, so that two overlapping calls cannot write the key within the same second.
    const run = this.queue.then(() => this.write(table, body));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(table: RoutingTable, body: string): Promise<void> {
    const bytes = new TextEncoder().encode(body).length;
    if (bytes > MAX_VALUE_BYTES) {
      throw new PublishError("rejected", `the table is ${bytes} bytes; a Workers KV value holds at most ${MAX_VALUE_BYTES}`);
    }
    const budgetMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = this.nowMs() + budgetMs;
    const wait = this.lastWriteAt + (this.options.minWriteIntervalMs ?? KEY_WRITE_INTERVAL_MS) - this.nowMs();
    if (wait > 0) await this.sleep(wait);

    const { client, accountId, namespaceId } = this.options;
    const action = `write ${this.key} to KV namespace ${namespaceId}`;
    let result: { unsuccessful_keys?: string[] } | null;
    try {
      result = await retryRateLimited(action, async () => {
        try {
          return await client.kv.namespaces.bulkUpdate(namespaceId, {
            account_id: accountId,
            body: [{ key: this.key, value: body, metadata: { version: table.version, generation: table.generation } }],
          }, { timeout: Math.max(1, deadline - this.nowMs()) });
        } finally {
          // Counted from the answer, not the request: KV stamps the write somewhere in between.
          this.lastWriteAt = this.nowMs();
        }
      }, { sleep: this.sleep, nowMs: this.nowMs, ...this.options.retry, budgetMs: Math.max(0, deadline - this.nowMs()) });
    } catch (error) {
      throw toPublishError(toCloudflareApiError(error, action));
    }
    if (result?.unsuccessful_keys?.includes(this.key) === true) {
      throw new PublishError("failed", `${action}: Workers KV reported the key as not written to every store; retry`);
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
