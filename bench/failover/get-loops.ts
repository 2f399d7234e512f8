import { Agent } from "node:https";
import { requestLocal } from "../../sync-agent/local/local-request.ts";

/** One GET as the load saw it. Times in ms since the load started. */
export interface GetRecord {
  readonly startMs: number;
  readonly latencyMs: number;
  /** HTTP status, or 0 when no answer came (connection refused, reset, timeout). */
  readonly status: number;
  /** The demo Node that answered, if one did. */
  readonly node: string | null;
  readonly error: string | null;
}

export interface GetLoops {
  readonly records: readonly GetRecord[];
  /** performance.now() when the load started: the zero of every record. */
  readonly startedAt: number;
  stop(): Promise<readonly GetRecord[]>;
}

/** `loops` keep-alive clients sending GETs for `host` back to back through the https edge, until stopped. */
export function startGetLoops(edgeUrl: string, host: string, loops: number): GetLoops {
  const agent = new Agent({ keepAlive: true, maxSockets: loops, rejectUnauthorized: false });
  const records: GetRecord[] = [];
  const startedAt = performance.now();
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const start = performance.now();
      let status = 0;
      let node: string | null = null;
      let error: string | null = null;
      try {
        const answer = await requestLocal(`${edgeUrl}/`, { host, agent, timeoutMs: 15_000 });
        status = answer.status;
        const header = answer.headers["x-demo-node"];
        node = typeof header === "string" ? header : null;
        if (status >= 500) error = answer.body.split("\n")[0] ?? "";
      } catch (failure) {
        error = (failure as Error).message;
      }
      const end = performance.now();
      records.push({ startMs: start - startedAt, latencyMs: end - start, status, node, error });
    }
  };
  const all = Promise.all(Array.from({ length: loops }, loop));
  return {
    records,
    startedAt,
    async stop() {
      running = false;
      await all;
      agent.destroy();
      return records;
    },
  };
}
