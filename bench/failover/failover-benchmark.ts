import type { Benchmark } from "../harness/benchmark.ts";
import { currentLoad, describeMachine, warnIfBusy } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { startLocalEdge } from "../harness/start-local-edge.ts";
import { summarizeSamples } from "../harness/summarize-samples.ts";
import { writeResults } from "../harness/write-results.ts";
import { parseFailoverOptions } from "./failover-options.ts";
import type { GetRecord } from "./get-loops.ts";
import { HOST, measureFailover } from "./measure-failover.ts";

/** Issue 7's goal: killing a Node fails no GET. */
const GOAL_FAILED_GETS = 0;

export const failoverBenchmark: Benchmark = {
  name: "failover",
  summary: "steady GETs through the local edge while one of three Nodes dies and comes back: failed requests, time to take it out",
  run: async (args) => {
    const options = parseFailoverOptions(args);
    const loadBefore = currentLoad();
    console.log("starting the local edge (wrangler dev, http and https) …");
    const edge = await startLocalEdge({ https: true });
    try {
      console.log(`${options.loops} GET loops on https://${HOST}/ for ${options.durationSeconds} s; ${options.node} killed at ${options.killAtSeconds} s, revived at ${options.reviveAtSeconds} s …`);
      const run = await measureFailover(edge, options);
      const machine = describeMachine();
      const { records } = run;
      const failed = records.filter(isFailure);
      const takenOutEnd = run.killedAtMs + (run.takenOutMs ?? 0);
      const phase = (from: number, to: number): GetRecord[] => records.filter((record) => record.startMs >= from && record.startMs < to);
      const phases = [
        { label: "before the kill", records: phase(0, run.killedAtMs) },
        { label: "kill → taken out of the table", records: phase(run.killedAtMs, takenOutEnd) },
        { label: "out of the table → revive", records: phase(takenOutEnd, run.revivedAtMs) },
        { label: "after the revive", records: phase(run.revivedAtMs, Number.POSITIVE_INFINITY) },
      ];
      const latency = summarizeSamples(records.map((record) => record.latencyMs));
      const nodes = ["node-a", "node-b", "node-c"];
      const rows = phases.map(({ label, records: inPhase }) => {
        const summary = summarizeSamples(inPhase.map((record) => record.latencyMs));
        return [label, inPhase.length, inPhase.filter(isFailure).length, ms(summary.median), ms(summary.p90), ms(summary.max), ...nodes.map((node) => inPhase.filter((record) => record.node === node).length)];
      });
      const failures = new Map<string, number>();
      for (const record of failed) {
        const kind = record.status === 0 ? `no answer: ${record.error ?? ""}` : `${record.status} ${record.error ?? ""}`;
        failures.set(kind, (failures.get(kind) ?? 0) + 1);
      }
      const failureRate = records.length === 0 ? 0 : failed.length / records.length;
      const { intervalMs, fall, rise, timeoutMs } = edge.stack.health;

      console.log("");
      console.log(`failover: ${options.loops} keep-alive GET loops through the https edge (wrangler dev), ${options.node} killed and revived; health checks every ${intervalMs} ms, fall ${fall}, rise ${rise}`);
      console.log(formatTable(["phase", "GETs", "failed", "p50 ms", "p90 ms", "max ms", ...nodes], rows));
      console.log("");
      console.log(formatTable(["event", "ms"], [
        ["kill → agent's first table marking the Node down (pushed to both edges)", ms(run.firstMarkedDownMs)],
        ["kill → agent's table marks it down on every backend", ms(run.takenOutMs)],
        ["kill → http edge's status shows that table", ms(run.edgeLoadedMs)],
        ["revive → agent's table lists the Node again", ms(run.backInTableMs)],
        ["revive → first GET answered by the Node", ms(run.firstServedAfterReviveMs)],
      ]));
      console.log("(each nodePort is checked on its own; a second table waits for the agent's one-push-a-second turn, KV's write rate)");
      console.log(`failed GETs: ${failed.length} of ${records.length} (${(failureRate * 100).toFixed(3)} %; goal ${GOAL_FAILED_GETS}); ${(records.length / options.durationSeconds).toFixed(0)} GETs/s; latency p50 ${ms(latency.median)} ms, max ${ms(latency.max)} ms`);
      for (const [kind, count] of failures) console.log(`  ${count} × ${kind}`);
      const busy = warnIfBusy(loadBefore, machine);
      if (busy !== null) console.log(busy);
      console.log("");
      await writeResults("failover", {
        measuredAt: new Date().toISOString(),
        machine: { ...machine, loadAverageBefore: loadBefore },
        settings: { ...options, host: HOST, edge: "https (wrangler dev)", health: { intervalMs, timeoutMs, rise, fall } },
        requests: records.length,
        failedRequests: failed.length,
        failureRate,
        failures: Object.fromEntries(failures),
        requestsPerSecond: Math.round(records.length / options.durationSeconds),
        latencyMs: { p50: round(latency.median), p90: round(latency.p90), max: round(latency.max) },
        firstMarkedDownMs: run.firstMarkedDownMs,
        takenOutMs: run.takenOutMs,
        edgeLoadedMs: run.edgeLoadedMs,
        backInTableMs: run.backInTableMs,
        firstServedAfterReviveMs: run.firstServedAfterReviveMs === null ? null : round(run.firstServedAfterReviveMs),
        phases: phases.map(({ label, records: inPhase }) => ({
          label,
          requests: inPhase.length,
          failed: inPhase.filter(isFailure).length,
          maxLatencyMs: round(summarizeSamples(inPhase.map((record) => record.latencyMs)).max),
          byNode: Object.fromEntries(nodes.map((node) => [node, inPhase.filter((record) => record.node === node).length])),
        })),
        goals: { failedGets: GOAL_FAILED_GETS },
      });
    } finally {
      await edge.stop();
    }
  },
};

/** A GET failed when it got no answer or a 5xx: a client would have seen an error. */
function isFailure(record: GetRecord): boolean {
  return record.status === 0 || record.status >= 500;
}

function ms(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "—" : value.toFixed(0);
}

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 10) / 10 : Number.NaN;
}
