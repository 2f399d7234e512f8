import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Benchmark } from "../harness/benchmark.ts";
import { findTools, requireTool } from "../harness/check-tools.ts";
import { stopAllProcesses } from "../harness/child-processes.ts";
import { describeMachine } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { pickMedianRun } from "../harness/median-run.ts";
import type { LoadResult } from "../harness/parse-wrk-report.ts";
import { probeHttp } from "../harness/probe-http.ts";
import { runWrk } from "../harness/run-wrk.ts";
import { NODE_ADDRESSES, startBackends } from "../harness/start-backends.ts";
import { writeResults } from "../harness/write-results.ts";
import { parseProxyOptions, type ProxyBenchOptions } from "./proxy-options.ts";
import { resolveWorker, type ResolvedWorker } from "./resolve-worker.ts";
import { START_TARGET, TARGET_KEYS, TARGET_LABELS, type TargetEndpoint, type TargetKey, type TargetSetup } from "./proxy-targets.ts";

const HOST = "bench.example";
const COOKIE = "EDGE";
const NODE_NAMES = ["node-a", "node-b", "node-c"];
/** Issue 7's goal: our worker keeps at least 90% of a bare pass-through worker's throughput. */
const GOAL_WORKER_OVER_PASS_THROUGH = 0.9;

type TargetOutcome =
  | { readonly key: TargetKey; readonly ok: true; readonly endpoint: TargetEndpoint; readonly runs: LoadResult[] }
  | { readonly key: TargetKey; readonly ok: false; readonly error: string };

export const proxyBenchmark: Benchmark = {
  name: "proxy",
  summary: "requests/s and p50/p99 latency through our worker, a pass-through worker, HAProxy, and direct",
  run: async (args) => {
    const options = parseProxyOptions(args);
    const worker = resolveWorker(options);
    const tools = findTools([
      { command: "wrk", install: "apt-get update && apt-get install -y wrk" },
      { command: "haproxy", install: "apt-get update && apt-get install -y haproxy" },
    ]);
    const workDirectory = await mkdtemp(join(tmpdir(), "edge-ingress-bench-proxy-"));
    try {
      const outcomes = await measureAll(options, worker, workDirectory, requireTool(tools, "wrk"), requireTool(tools, "haproxy"));
      await report(options, worker, outcomes);
    } finally {
      await stopAllProcesses();
      await rm(workDirectory, { recursive: true, force: true });
    }
  },
};

async function measureAll(options: ProxyBenchOptions, worker: ResolvedWorker, workDirectory: string, wrkPath: string, haproxyPath: string): Promise<TargetOutcome[]> {
  console.log(`starting ${options.backendServer} backends on ${NODE_ADDRESSES.join(", ")} …`);
  const backends = await startBackends({ server: options.backendServer, haproxyPath });
  const nodes = backends.addresses.map((address, index) => ({ name: NODE_NAMES[index] ?? `node-${index}`, address }));
  const setup: TargetSetup = { worker, backends, nodes, workDirectory, haproxyPath, cookieName: COOKIE, host: HOST };
  const headers = { Host: HOST };

  const ready: { key: TargetKey; endpoint: TargetEndpoint; runs: LoadResult[] }[] = [];
  const failed: TargetOutcome[] = [];
  for (const key of TARGET_KEYS) {
    console.log(`starting ${TARGET_LABELS[key]} …`);
    try {
      const endpoint = await START_TARGET[key](setup);
      await checkAnswers(endpoint.url, headers);
      ready.push({ key, endpoint, runs: [] });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.log(`  ${TARGET_LABELS[key]} left out: ${message.split("\n")[0] ?? ""}`);
      failed.push({ key, ok: false, error: message });
    }
  }

  for (let round = 1; round <= options.rounds; round++) {
    for (const target of ready) {
      const load = { url: target.endpoint.url, connections: options.connections, threads: options.threads, headers };
      if (options.warmupSeconds > 0) await runWrk(wrkPath, { ...load, durationSeconds: options.warmupSeconds });
      const result = await runWrk(wrkPath, { ...load, durationSeconds: options.durationSeconds });
      console.log(`  round ${round}/${options.rounds} ${TARGET_LABELS[target.key]}: ${Math.round(result.requestsPerSecond)} req/s`);
      target.runs.push(result);
    }
  }
  const outcomes: TargetOutcome[] = [...ready.map((target) => ({ ...target, ok: true as const })), ...failed];
  return TARGET_KEYS.flatMap((key) => outcomes.filter((outcome) => outcome.key === key));
}

/** A target that does not answer 200 from a Node is not measured: its requests/s would be of errors. */
async function checkAnswers(url: string, headers: Readonly<Record<string, string>>): Promise<void> {
  const answer = await probeHttp(url, headers);
  if (answer.status !== 200 || !answer.body.startsWith("node ")) {
    throw new Error(`GET ${url} answered ${answer.status}, not a backend's 200: ${answer.body.slice(0, 200)}`);
  }
}

async function report(options: ProxyBenchOptions, worker: ResolvedWorker, outcomes: readonly TargetOutcome[]): Promise<void> {
  const medians = new Map<TargetKey, LoadResult>();
  for (const outcome of outcomes) if (outcome.ok) medians.set(outcome.key, pickMedianRun(outcome.runs));

  const rows = outcomes.map((outcome) => {
    const result = medians.get(outcome.key);
    if (result === undefined) return [TARGET_LABELS[outcome.key], "—", "—", "—", "—", "left out"];
    const errors = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
    return [TARGET_LABELS[outcome.key], Math.round(result.requestsPerSecond), result.latencyMs.p50.toFixed(2), result.latencyMs.p99.toFixed(2), errors, ""];
  });
  const ratio = (over: TargetKey, under: TargetKey): number | null => {
    const top = medians.get(over)?.requestsPerSecond;
    const bottom = medians.get(under)?.requestsPerSecond;
    return top === undefined || bottom === undefined || bottom === 0 ? null : Math.round((top / bottom) * 1000) / 1000;
  };
  const workerOverPassThrough = ratio("worker", "passThrough");
  const workerOverHaproxy = ratio("worker", "haproxy");

  console.log("");
  console.log(
    `proxy: ${options.connections} connections, ${options.threads} wrk thread(s), ${options.durationSeconds} s per target, ` +
      `${options.rounds} round(s), ${options.backendServer} backends`,
  );
  console.log(formatTable(["target", "req/s", "p50 ms", "p99 ms", "errors", "note"], rows));
  console.log(`a/b (worker / pass-through) req/s: ${workerOverPassThrough ?? "—"}   goal ≥ ${GOAL_WORKER_OVER_PASS_THROUGH}`);
  console.log(`a/c (worker / HAProxy) req/s:      ${workerOverHaproxy ?? "—"}`);
  for (const outcome of outcomes) if (!outcome.ok) console.log(`\n${TARGET_LABELS[outcome.key]} left out:\n${outcome.error}`);
  console.log("");

  const targets = Object.fromEntries(
    outcomes.map((outcome) => {
      const result = medians.get(outcome.key);
      if (!outcome.ok || result === undefined) return [outcome.key, { label: TARGET_LABELS[outcome.key], error: outcome.ok ? "no runs" : outcome.error }];
      return [
        outcome.key,
        {
          label: TARGET_LABELS[outcome.key],
          detail: outcome.endpoint.detail,
          requestsPerSecond: Math.round(result.requestsPerSecond),
          latencyMs: result.latencyMs,
          errors: result.errors,
          requestsPerSecondByRound: outcome.runs.map((run) => Math.round(run.requestsPerSecond)),
        },
      ];
    }),
  );
  await writeResults("proxy", {
    measuredAt: new Date().toISOString(),
    machine: describeMachine(),
    settings: {
      backends: options.backendServer,
      connections: options.connections,
      wrkThreads: options.threads,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      rounds: options.rounds,
      worker: worker.entry,
      wranglerConfig: worker.wranglerConfig ?? null,
      workerVars: worker.vars.map((binding) => binding.name),
      compatibilityDate: worker.compatibilityDate,
      compatibilityFlags: worker.compatibilityFlags,
    },
    targets,
    ratios: { workerOverPassThrough, workerOverHaproxy },
    goals: { workerOverPassThrough: GOAL_WORKER_OVER_PASS_THROUGH },
  });
}
