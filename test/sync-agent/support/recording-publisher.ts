import type { RoutingTable } from "../../../core/table/schema.ts";
import { PublishError, type TablePublisher } from "../../../sync-agent/push/table-publisher.ts";

/** A TablePublisher that keeps what it was given; `failNext` makes the next calls fail. */
export class RecordingPublisher implements TablePublisher {
  readonly destination = "memory";
  readonly published: { table: RoutingTable; body: string; at: number }[] = [];
  attempts = 0;
  private failures = 0;

  failNext(times: number): void {
    this.failures += times;
  }

  async publish(table: RoutingTable, body: string): Promise<void> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new PublishError("failed", "injected failure", 503);
    }
    this.published.push({ table, body, at: performance.now() });
  }
}
