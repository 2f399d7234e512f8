import { downOf, type RoutingTable } from "../../core/table/schema.ts";
import type { LocalEdge } from "../harness/start-local-edge.ts";
import type { FailoverOptions } from "./failover-options.ts";
import { type GetRecord, startGetLoops } from "./get-loops.ts";

export const HOST = "shop.example.test";

export interface FailoverRun {
  readonly records: readonly GetRecord[];
  /** ms since the load started. */
  readonly killedAtMs: number;
  readonly revivedAtMs: number;
  /** Kill → the first table of the agent (accepted by every edge) that marks the Node down on some backend. */
  readonly firstMarkedDownMs: number | null;
  /** Kill → the agent's table marks the Node down on every backend that lists it. */
  readonly takenOutMs: number | null;
  /** Kill → the http edge's status endpoint reports that table. */
  readonly edgeLoadedMs: number | null;
  /** Revive → the agent's table no longer marks the Node down anywhere. */
  readonly backInTableMs: number | null;
  /** Revive → the first GET of the load answered by the Node. */
  readonly firstServedAfterReviveMs: number | null;
}

/** Steady GETs through the https edge; one Node killed, then revived, on a timeline. */
export async function measureFailover(edge: LocalEdge, options: FailoverOptions): Promise<FailoverRun> {
  const https = edge.stack.httpsUrl;
  if (https === null) throw new Error("the failover benchmark needs the https edge");
  await waitUntil("every Node healthy in the agent's table", () => {
    const published = edge.stack.published();
    return published !== null && published.table.backends.every((backend) => downOf(backend).length === 0);
  }, 30_000);

  const load = startGetLoops(https, HOST, options.loops);
  const sinceStart = (): number => performance.now() - load.startedAt;
  try {
    await sleepUntil(load.startedAt + options.killAtSeconds * 1000);
    const killedAtMs = sinceStart();
    const killedWall = Date.now();
    await edge.stack.killNode(options.node);
    let firstMarkedDownMs: number | null = null;
    const dropped = await waitUntil("the agent to take the Node out", () => {
      const published = edge.stack.published();
      if (published === null || published.at < killedWall) return false;
      if (firstMarkedDownMs === null && published.table.backends.some((backend) => downOf(backend).includes(options.node))) firstMarkedDownMs = published.at - killedWall;
      return takenOut(published.table, options.node) ? published : false;
    }, 20_000).catch(() => null);
    const takenOutMs = dropped === null ? null : dropped.at - killedWall;
    let edgeLoadedMs: number | null = null;
    if (dropped !== null) {
      const seen = await waitUntil("the edge to report that table", async () => ((await edge.stack.readStatus()).table?.version === dropped.table.version ? Date.now() : false), 10_000, 20).catch(() => null);
      edgeLoadedMs = seen === null ? null : seen - killedWall;
    }

    await sleepUntil(load.startedAt + options.reviveAtSeconds * 1000);
    const revivedAtMs = sinceStart();
    const revivedWall = Date.now();
    await edge.stack.reviveNode(options.node);
    const back = await waitUntil("the agent to list the Node again", () => {
      const published = edge.stack.published();
      return published !== null && published.at >= revivedWall && !published.table.backends.some((backend) => downOf(backend).includes(options.node)) ? published : false;
    }, 20_000).catch(() => null);
    const backInTableMs = back === null ? null : back.at - revivedWall;

    await sleepUntil(load.startedAt + options.durationSeconds * 1000);
    const records = await load.stop();
    const firstServed = records.filter((record) => record.node === options.node && record.startMs >= revivedAtMs).sort((a, b) => a.startMs - b.startMs)[0];
    return {
      records,
      killedAtMs,
      revivedAtMs,
      firstMarkedDownMs,
      takenOutMs,
      edgeLoadedMs,
      backInTableMs,
      firstServedAfterReviveMs: firstServed === undefined ? null : firstServed.startMs + firstServed.latencyMs - revivedAtMs,
    };
  } finally {
    await load.stop();
  }
}

/** Every backend that would send traffic to `node` marks it down. */
export function takenOut(table: RoutingTable, node: string): boolean {
  return table.backends.every((backend) => {
    const listed = backend.targets === "all-nodes" || backend.targets.some((target) => target.node === node);
    return !listed || downOf(backend).includes(node);
  });
}

async function waitUntil<T>(what: string, check: () => T | false | Promise<T | false>, timeoutMs: number, everyMs = 5): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

async function sleepUntil(at: number): Promise<void> {
  const wait = at - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
