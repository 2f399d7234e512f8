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

/** The edge's transport's verdict on a table it took (the worker's push answer; see worker/transport/transport-readiness.ts). */
export interface EdgeTransportReport {
  readonly name: string;
  readonly ready: boolean;
  readonly unreachableTargets: number;
  readonly problem?: string;
  readonly code?: string;
}

/** What a destination said about a table it took. */
export interface PublishReceipt {
  /** Absent when the destination cannot say (Workers KV, an older worker). */
  readonly edgeTransport?: EdgeTransportReport;
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
  publish(table: RoutingTable, body: string): Promise<PublishReceipt | void>;
}
