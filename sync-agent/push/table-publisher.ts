import type { RoutingTable } from "../../core/table/schema.ts";

export type PublishErrorCode =
  /** No answer: connection refused, reset, DNS. */
  | "unreachable"
  | "timeout"
  /** The edge refused the token (401/403): wrong key, clock skew. */
  | "unauthorized"
  /** The edge holds a newer table (409): another publisher's generation is ahead. */
  | "stale"
  /** The edge refused the table itself (413/422). */
  | "rejected"
  /** Any other answer (5xx, 429, unexpected). */
  | "failed";

export class PublishError extends Error {
  constructor(
    readonly code: PublishErrorCode,
    message: string,
    readonly status?: number,
    /** The destination asked us to wait this long before trying again (Retry-After): the loop waits at least that. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "PublishError";
  }
}

/**
 * Where tables go. One attempt per call: the loop owns retries (it recompiles before each, so a retry never
 * pushes a table older than the cluster). Implementations: the edge worker's sync endpoint; later, Workers KV
 * through the Cloudflare API.
 */
export interface TablePublisher {
  /** For logs: where tables go. */
  readonly destination: string;
  /** `body` is `serializeTable(table)`: the exact bytes to store. Throws {@link PublishError}. */
  publish(table: RoutingTable, body: string): Promise<void>;
}
