import type { RoutingTable } from "../../core/table/schema.ts";
import type { PushSigner } from "./sign-push-token.ts";
import { readEdgeTransportReport } from "./edge-transport-report.ts";
import { PublishError, type PublishReceipt, type TablePublisher } from "./table-publisher.ts";

export const TABLE_ENDPOINT = "/.well-known/edge-ingress/table";

export interface EdgePublisherOptions {
  /** The worker's base URL, e.g. `https://edge.example.com`. */
  readonly edgeUrl: string;
  readonly sign: PushSigner;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /** Seconds since the epoch, for the token's iat/exp. */
  readonly nowSeconds?: () => number;
}

/** Publishes to the edge worker's sync endpoint: `POST` the table's bytes with a push token bound to them. */
export class EdgePublisher implements TablePublisher {
  readonly destination: string;
  private readonly fetch: typeof fetch;
  private readonly url: URL;

  constructor(private readonly options: EdgePublisherOptions) {
    this.url = new URL(TABLE_ENDPOINT, options.edgeUrl);
    this.destination = this.url.href;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async publish(_table: RoutingTable, body: string): Promise<PublishReceipt> {
    const now = this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
    const token = await this.options.sign(body, now);
    let response: Response;
    try {
      response = await this.fetch(this.url, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const name = (error as Error).name;
      if (name === "TimeoutError" || name === "AbortError") throw new PublishError("timeout", `no answer from ${this.destination} within ${this.options.timeoutMs ?? 10_000} ms`);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PublishError("unreachable", `cannot reach ${this.destination}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text().catch(() => "");
    if (response.ok) {
      const edgeTransport = readEdgeTransportReport(parseJson(text));
      return edgeTransport === null ? {} : { edgeTransport };
    }
    const detail = `${response.status} from ${this.destination}: ${summarise(text)}`;
    switch (response.status) {
      case 401:
      case 403:
        throw new PublishError("unauthorized", detail, response.status);
      case 409:
        throw new PublishError("stale", detail, response.status);
      case 413:
      case 422:
        throw new PublishError("rejected", detail, response.status);
      default:
        throw new PublishError("failed", detail, response.status);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The edge answers errors as JSON; keep logs short whatever it sent. */
function summarise(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown; code?: unknown };
    const parts = [parsed.code, parsed.error, parsed.message].filter((p) => typeof p === "string");
    if (parts.length > 0) return parts.join(": ").slice(0, 300);
  } catch {
    // not JSON
  }
  return text.slice(0, 300) || "(empty body)";
}
