import { Agent } from "node:http";
import { sealTable } from "../../core/table/hash-table.ts";
import type { RoutingTable } from "../../core/table/schema.ts";
import { requestLocal } from "../../sync-agent/local/local-request.ts";
import type { EdgeFleet } from "../harness/start-edge-fleet.ts";
import type { ConvergenceOptions } from "./convergence-options.ts";
import { probeHost } from "./probe-ingress.ts";

export interface FleetSample {
  readonly change: number;
  /** Push sent → the edge pushed to answered it. */
  readonly pushedMs: number;
  /** Push sent → every edge served the new route. */
  readonly servedMs: number;
  /** Push sent → edge n served the new route (edge 0 is the one pushed to). */
  readonly edgesMs: readonly number[];
}

const GIVE_UP_MS = 30_000;

/**
 * Times `options.changes` pushes of a table with a new host to the fleet's first edge, each until every edge serves
 * that host. Every edge is requested all along, as traffic would (a check happens only inside a request), so that
 * a push lands anywhere in an edge's check interval; the quiet time before each push is drawn from
 * [quietMs, quietMs + checkMs) for the same reason, and each edge's first request (its checks' phase) from [0, checkMs).
 */
export async function measureFleetConvergence(
  fleet: EdgeFleet,
  push: (table: RoutingTable) => Promise<void>,
  backendPort: number,
  options: ConvergenceOptions,
  onSample: (sample: FleetSample) => void,
): Promise<FleetSample[]> {
  let generation = Date.now();
  const tableFor = (change: number): Promise<RoutingTable> => {
    generation = Math.max(Date.now(), generation + 1);
    return sealTable({
      schema: 1,
      nodes: [{ name: "node-a", address: "127.0.0.1" }],
      hosts: [{ host: probeHost(change), rules: [{ path: "/", pathType: "Prefix", backend: "web/blog:80", ingress: "web/convergence-probe" }] }],
      defaultBackend: null,
      backends: [{ id: "web/blog:80", nodePort: backendPort, targets: "all-nodes" }],
      tls: [],
      problems: [],
    }, generation);
  };
  // What the probe loops look for: the change under way, when its push was sent, and who has served it.
  const state = { change: 0, start: performance.now(), served: new Map<number, number>() };
  let stopped = false;
  let failure: Error | null = null;
  const loops = fleet.edges.map(async (edge, n) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // Each edge's checks start at its first request: a random start gives every edge a phase of its own, as
    // independent locations have.
    await delay(Math.random() * options.checkMs);
    try {
      while (!stopped) {
        const change = state.change;
        try {
          const answer = await requestLocal(`${edge.url}/`, { host: probeHost(change), agent });
          if (answer.status === 200 && change === state.change && !state.served.has(n)) state.served.set(n, performance.now() - state.start);
        } catch (error) {
          failure ??= new Error(`${edge.name}: ${(error as Error).message}`);
        }
        if (options.probeEveryMs > 0) await delay(options.probeEveryMs);
      }
    } finally {
      agent.destroy();
    }
  });
  const waitUntilEveryEdge = async (change: number): Promise<void> => {
    const deadline = performance.now() + GIVE_UP_MS;
    while (state.served.size < fleet.edges.length) {
      if (failure !== null) throw failure;
      if (performance.now() > deadline) throw new Error(`change ${change}: served by ${[...state.served.keys()].map((n) => `edge-${n}`).join(", ") || "no edge"} only after ${GIVE_UP_MS} ms`);
      await delay(2);
    }
  };
  try {
    await push(await tableFor(0));
    await waitUntilEveryEdge(0);
    const samples: FleetSample[] = [];
    for (let change = 1; change <= options.changes; change++) {
      await delay(options.quietMs + Math.random() * options.checkMs);
      const table = await tableFor(change);
      state.served = new Map();
      state.start = performance.now();
      state.change = change;
      await push(table);
      const pushedMs = performance.now() - state.start;
      await waitUntilEveryEdge(change);
      const edgesMs = fleet.edges.map((_edge, n) => round(state.served.get(n) ?? Number.NaN));
      const sample = { change, pushedMs: round(pushedMs), servedMs: Math.max(...edgesMs), edgesMs };
      samples.push(sample);
      onSample(sample);
    }
    return samples;
  } finally {
    stopped = true;
    await Promise.all(loops);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
