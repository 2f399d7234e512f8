import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { toCanonicalJson } from "../../core/table/canonical-json.ts";
import { generatePushKeyPair } from "../../sync-agent/cli/keygen-command.ts";
import { fetchLocal } from "../../sync-agent/local/local-request.ts";
import { EdgePublisher } from "../../sync-agent/push/edge-publisher.ts";
import { createPushSigner } from "../../sync-agent/push/sign-push-token.ts";
import type { Benchmark } from "../harness/benchmark.ts";
import { currentLoad, describeMachine, warnIfBusy } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { startEdgeFleet } from "../harness/start-edge-fleet.ts";
import { startLocalEdge } from "../harness/start-local-edge.ts";
import { type SampleSummary, summarizeSamples } from "../harness/summarize-samples.ts";
import { writeResults } from "../harness/write-results.ts";
import { type ConvergenceOptions, parseConvergenceOptions } from "./convergence-options.ts";
import { measureConvergence } from "./measure-convergence.ts";
import { measureFleetConvergence } from "./measure-fleet-convergence.ts";

/** Issue 7's goal: a manifest change is served within a second (median). */
const GOAL_SERVED_MEDIAN_MS = 1000;
/** Issue 18's goal: every location serves a change within 5 s. */
const GOAL_EVERY_EDGE_MAX_MS = 5000;

export const convergenceBenchmark: Benchmark = {
  name: "convergence",
  summary: "time from a manifest change to the first request served by the new route, through the local edge",
  run: async (args) => {
    const options = parseConvergenceOptions(args);
    if (options.edges > 1) return runFleet(options);
    const loadBefore = currentLoad();
    console.log(`starting the local edge (wrangler dev${options.https ? ", http and https" : ""}) …`);
    const edge = await startLocalEdge({ https: options.https });
    try {
      const samples = await measureConvergence(edge, options, (sample) => {
        console.log(`  change ${sample.change}: served after ${sample.servedMs} ms (pushed after ${sample.pushedMs} ms, ${sample.probes} requests)`);
      });
      const served = summarizeSamples(samples.map((sample) => sample.servedMs));
      const pushed = summarizeSamples(samples.map((sample) => sample.pushedMs).filter((value) => Number.isFinite(value)));
      const machine = describeMachine();
      const row = (label: string, summary: SampleSummary): (string | number)[] => [label, summary.count, fixed(summary.median), fixed(summary.p90), fixed(summary.max), fixed(summary.min)];
      console.log("");
      console.log(`convergence: ${samples.length} manifest edits (an Ingress host renamed), each after ${options.quietMs} ms of quiet; agent in manifests mode, edges under wrangler dev`);
      console.log(formatTable(["edit →", "samples", "median ms", "p90 ms", "max ms", "min ms"], [row("both edges accepted the push", pushed), row("first request served by the new route", served)]));
      console.log(`median ${fixed(served.median)} ms (goal ≤ ${GOAL_SERVED_MEDIAN_MS} ms)`);
      await reportResults(options, loadBefore, machine, {
        settings: {
          edges: options.https ? ["http", "https"] : ["http"],
          path: "file written → fs watch (100 ms debounce) → sync loop (50 ms debounce) → compile → push to every edge (the isolate that takes the push serves it at once; others re-read KV every 250 ms) → request",
        },
        servedMs: served,
        pushedMs: pushed,
        samples,
        goals: { servedMedianMs: GOAL_SERVED_MEDIAN_MS },
      });
    } finally {
      await edge.stop();
    }
  },
};

/** Several edge processes sharing KV and the version pointer; a signed push to the first, timed until every edge serves it. */
async function runFleet(options: ConvergenceOptions): Promise<void> {
  const loadBefore = currentLoad();
  const backend = createServer((request, response) => {
    request.resume();
    response.end("served");
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  const keys = await generatePushKeyPair();
  const pointer = options.pointer === "durable-object";
  const vars: Record<string, string> = pointer ? { EDGE_POINTER_CHECK_MS: String(options.checkMs) } : { EDGE_TABLE_REFRESH_MS: String(options.checkMs) };
  console.log(`starting ${options.edges} edge processes (workerd through Miniflare; one KV, ${pointer ? "the TABLE_POINTER Durable Object" : "the head polled in KV"}, checked every ${options.checkMs} ms) …`);
  const fleet = await startEdgeFleet({ count: options.edges, pushPublicJwk: keys.publicJwk, pointer, vars, quiet: true });
  try {
    const publisher = new EdgePublisher({ edgeUrl: fleet.edges[0]?.url ?? "", sign: await createPushSigner(keys.privateJwk), fetch: fetchLocal });
    const samples = await measureFleetConvergence(fleet, async (table) => { await publisher.publish(table, toCanonicalJson(table)); }, (backend.address() as AddressInfo).port, options, (sample) => {
      console.log(`  change ${sample.change}: every edge after ${sample.servedMs} ms (${sample.edgesMs.map((ms, n) => `edge-${n} ${ms}`).join(", ")}; push answered after ${sample.pushedMs} ms)`);
    });
    const served = summarizeSamples(samples.map((sample) => sample.servedMs));
    const pushed = summarizeSamples(samples.map((sample) => sample.pushedMs));
    const perEdge = fleet.edges.map((edge, n) => ({ edge: edge.name, servedMs: summarizeSamples(samples.map((sample) => sample.edgesMs[n] ?? Number.NaN)) }));
    const others = summarizeSamples(samples.flatMap((sample) => sample.edgesMs.slice(1)));
    const machine = describeMachine();
    const row = (label: string, summary: SampleSummary): (string | number)[] => [label, summary.count, fixed(summary.median), fixed(summary.p90), fixed(summary.max), fixed(summary.min)];
    console.log("");
    console.log(`convergence: ${samples.length} pushes of a new host to edge-0 of ${options.edges} edge processes; ${pointer ? "EDGE_POINTER_CHECK_MS" : "EDGE_TABLE_REFRESH_MS (no Durable Object)"}=${options.checkMs}`);
    console.log(formatTable(["push →", "samples", "median ms", "p90 ms", "max ms", "min ms"], [
      row("edge-0 answered the push", pushed),
      ...perEdge.map((entry, n) => row(`${entry.edge} served the new route${n === 0 ? " (pushed to)" : ""}`, entry.servedMs)),
      row("every edge served it", served),
    ]));
    console.log(`every edge: median ${fixed(served.median)} ms, max ${fixed(served.max)} ms (goal ≤ ${GOAL_EVERY_EDGE_MAX_MS} ms)`);
    await reportResults(options, loadBefore, machine, {
      settings: {
        edges: fleet.edges.map((edge) => edge.name),
        pointer: options.pointer,
        checkMs: options.checkMs,
        path: `signed push of a new host to edge-0 (writes KV, advances the pointer, serves it at once) → each other edge, requested all along, finds the new version at its next check (${pointer ? "the Durable Object" : "the head in KV"}) and reads the manifest, index and bucket from the shared KV → request`,
      },
      servedMs: served,
      pushedMs: pushed,
      perEdge,
      otherEdgesServedMs: others,
      samples,
      goals: { everyEdgeMaxMs: GOAL_EVERY_EDGE_MAX_MS },
    });
  } finally {
    await fleet.stop();
    backend.closeAllConnections();
    await new Promise((resolve) => backend.close(resolve));
  }
}

/** Warns when other work ran alongside, then writes the results: the run's settings first, then `figures`. */
async function reportResults(options: ConvergenceOptions, loadBefore: number, machine: ReturnType<typeof describeMachine>, figures: { readonly settings: Record<string, unknown> } & Record<string, unknown>): Promise<void> {
  const busy = warnIfBusy(loadBefore, machine);
  if (busy !== null) console.log(busy);
  console.log("");
  await writeResults("convergence", {
    measuredAt: new Date().toISOString(),
    machine: { ...machine, loadAverageBefore: loadBefore },
    ...figures,
    settings: { changes: options.changes, quietMs: options.quietMs, probeEveryMs: options.probeEveryMs, ...figures.settings },
  });
}

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(0) : "—";
}
