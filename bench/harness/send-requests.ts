import { Agent } from "node:http";
import { probeHttp } from "./probe-http.ts";

export interface RequestBatch {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly count: number;
  /** Requests in flight at once, each on its own kept-alive connection. */
  readonly concurrency: number;
  /** Whether an answer is the one expected (a backend's, not an error page); every answer is checked. */
  readonly accept: (status: number, body: string) => boolean;
}

/** Generous: under valgrind a request takes milliseconds, not microseconds. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Sends exactly `count` GET requests (wrk sends for a time, not a count): for measures taken per request, like
 * instruction counts. A request whose kept-alive connection the server closed under it is sent once more; any
 * other failure, or an answer not accepted, rejects the batch.
 */
export async function sendRequests(batch: RequestBatch): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: batch.concurrency });
  let sent = 0;
  const sendOne = async (): Promise<void> => {
    try {
      await getOnce(batch, agent);
    } catch (error) {
      if (!isConnectionReset(error)) throw error;
      await getOnce(batch, agent);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: batch.concurrency }, async () => {
        while (sent < batch.count) {
          sent++;
          await sendOne();
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

async function getOnce(batch: RequestBatch, agent: Agent): Promise<void> {
  const answer = await probeHttp(batch.url, batch.headers, ANSWER_TIMEOUT_MS, agent);
  if (!batch.accept(answer.status, answer.body)) throw new Error(`GET ${batch.url} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
}

function isConnectionReset(error: unknown): boolean {
  return error instanceof Error && "code" in error && (error.code === "ECONNRESET" || error.code === "EPIPE");
}
