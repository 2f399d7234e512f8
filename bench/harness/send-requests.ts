import { Agent, request } from "node:http";

export interface RequestBatch {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly count: number;
  /** Requests in flight at once, each on its own kept-alive connection. */
  readonly concurrency: number;
  /** Whether an answer is the one expected (a backend's, not an error page); every answer is checked. */
  readonly accept: (status: number, body: string) => boolean;
}

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

function getOnce(batch: RequestBatch, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const outgoing = request(batch.url, { agent, headers: batch.headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (batch.accept(status, body)) resolve();
        else reject(new Error(`GET ${batch.url} answered ${status}: ${body.slice(0, 200)}`));
      });
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

function isConnectionReset(error: unknown): boolean {
  return error instanceof Error && "code" in error && (error.code === "ECONNRESET" || error.code === "EPIPE");
}
