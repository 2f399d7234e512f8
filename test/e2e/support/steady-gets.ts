import type { IsolatedDemo } from "../../../sync-agent/local/isolated-demo.ts";
import type { CookieJar } from "./cookie-jar.ts";
import { type EdgeGet, getThroughEdge, keepAliveAgent } from "./e2e-demo.ts";

export interface SteadyGets {
  /** Stops the loops; resolves with what they saw. */
  stop(): Promise<SteadyTally>;
  /** Answers so far, by the demo Node that gave them. */
  readonly byNode: ReadonlyMap<string, number>;
}

export interface SteadyTally {
  readonly requests: number;
  /** Answers with a status of 500 or more, and requests that got no answer at all. */
  readonly failures: readonly string[];
  readonly byNode: ReadonlyMap<string, number>;
}

/** `loops` clients sending GETs back to back through the edge (keep-alive), until stopped. */
export function startSteadyGets(demo: IsolatedDemo, request: Omit<EdgeGet, "agent">, loops: number, jar?: CookieJar): SteadyGets {
  let running = true;
  let requests = 0;
  const failures: string[] = [];
  const byNode = new Map<string, number>();
  const agent = keepAliveAgent(request.edge ?? "https", loops);
  const loop = async (): Promise<void> => {
    while (running) {
      requests++;
      try {
        const answer = await getThroughEdge(demo, { ...request, agent, ...(jar === undefined ? {} : { jar }) });
        if (answer.status >= 500) failures.push(`${answer.status}: ${answer.body.slice(0, 200)}`);
        const node = answer.echo?.node;
        if (node !== undefined) byNode.set(node, (byNode.get(node) ?? 0) + 1);
      } catch (error) {
        failures.push(`no answer: ${(error as Error).message}`);
      }
    }
  };
  const all = Promise.all(Array.from({ length: loops }, loop));
  return {
    byNode,
    async stop() {
      running = false;
      await all;
      agent.destroy();
      return { requests, failures, byNode };
    },
  };
}
