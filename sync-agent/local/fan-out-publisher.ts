import type { RoutingTable } from "../../core/table/schema.ts";
import type { TablePublisher } from "../push/table-publisher.ts";

/**
 * Publishes each table to every one of several publishers at once; fails (with the first failure) unless all
 * took it, so the loop retries, and a publisher that already holds the table answers "unchanged".
 */
export function fanOutPublisher(publishers: readonly TablePublisher[], onPublished: (table: RoutingTable) => void = () => {}): TablePublisher {
  return {
    destination: publishers.map((publisher) => publisher.destination).join(" + "),
    async publish(table, body) {
      const results = await Promise.allSettled(publishers.map((publisher) => publisher.publish(table, body)));
      const failed = results.find((result) => result.status === "rejected");
      if (failed !== undefined) throw failed.reason;
      onPublished(table);
    },
  };
}
