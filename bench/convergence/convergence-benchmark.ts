import type { Benchmark } from "../harness/benchmark.ts";
import { currentLoad, describeMachine, warnIfBusy } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { startLocalEdge } from "../harness/start-local-edge.ts";
import { type SampleSummary, summarizeSamples } from "../harness/summarize-samples.ts";
import { writeResults } from "../harness/write-results.ts";
import { parseConvergenceOptions } from "./convergence-options.ts";
import { measureConvergence } from "./measure-convergence.ts";

/** Issue 7's goal: a manifest change is served within a second (median). */
const GOAL_SERVED_MEDIAN_MS = 1000;

export const convergenceBenchmark: Benchmark = {
  name: "convergence",
  summary: "time from a manifest change to the first request served by the new route, through the local edge",
  run: async (args) => {
    const options = parseConvergenceOptions(args);
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
      const busy = warnIfBusy(loadBefore, machine);
      if (busy !== null) console.log(busy);
      console.log("");
      await writeResults("convergence", {
        measuredAt: new Date().toISOString(),
        machine: { ...machine, loadAverageBefore: loadBefore },
        settings: {
          changes: options.changes,
          quietMs: options.quietMs,
          probeEveryMs: options.probeEveryMs,
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

function fixed(value: number): string {
  return Number.isFinite(value) ? value.toFixed(0) : "—";
}
