import type { ServerResponse } from "node:http";
import type { KubeObject } from "./object-store.ts";

/** One open watch: a chunked HTTP response carrying one JSON event per line. */
export class WatchStream {
  private closed = false;
  constructor(private readonly response: ServerResponse, readonly bookmarks: boolean, private readonly onClose: () => void) {
    response.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache" });
    response.flushHeaders();
    response.on("close", () => this.finish());
  }

  send(type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR", object: KubeObject | Record<string, unknown>): void {
    if (this.closed) return;
    this.response.write(`${JSON.stringify({ type, object })}\n`);
  }

  /** The API server's way of saying "your resourceVersion is too old": an ERROR event with a 410 Status, then EOF. */
  expire(message: string): void {
    this.send("ERROR", { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Expired", code: 410 });
    this.end();
  }

  /** A clean end, as when `timeoutSeconds` runs out. */
  end(): void {
    if (this.closed) return;
    this.response.end();
    this.finish();
  }

  /** The connection is cut mid-stream: no terminating chunk, as when a load balancer or the server dies. */
  drop(): void {
    if (this.closed) return;
    this.response.socket?.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
