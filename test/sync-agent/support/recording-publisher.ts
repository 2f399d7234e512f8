import type { RoutingTable } from "../../../core/table/schema.ts";
import { PublishError, type PublishReceipt, type TablePublisher } from "../../../sync-agent/push/table-publisher.ts";

/** A TablePublisher that keeps what it was given; `failNext` makes the next calls fail. */
export class RecordingPublisher implements TablePublisher {
  readonly destination = "memory";
  readonly published: { table: RoutingTable; body: string; at: number }[] = [];
  attempts = 0;
  /** `performance.now()` of every call, failed or not. */
  readonly attemptedAt: number[] = [];
  /** What each successful call answers (an edge's word on its transport). */
  receipt: PublishReceipt = {};
  private failures = 0;
  private retryAfterMs: number | undefined;

  /** The next `times` calls fail; with `retryAfterMs`, as a destination that says when to come back. */
  failNext(times: number, retryAfterMs?: number): void {
    this.failures += times;
    this.retryAfterMs = retryAfterMs;
  }

  async publish(table: RoutingTable, body: string): Promise<PublishReceipt> {
    this.attempts += 1;
    this.attemptedAt.push(performance.now());
    if (this.failures > 0) {
      this.failures -= 1;
      throw new PublishError("failed", "injected failure", this.retryAfterMs === undefined ? 503 : 429, this.retryAfterMs);
    }
    this.published.push({ table, body, at: performance.now() });
    return this.receipt;
  }
}
