import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { compileTable } from "../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../core/compile/compile-options.ts";
import { compileRoutes, matchRequest } from "../../core/match/match-request.ts";
import { sealTable, serializeTable } from "../../core/table/hash-table.ts";
import type { Benchmark } from "../harness/benchmark.ts";
import { describeMachine } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { writeResults } from "../harness/write-results.ts";
import { generateCluster } from "./generate-cluster.ts";
import { createSeededRandom } from "../harness/seeded-random.ts";
import { generateRequests, generateRoutingTable, type HostSpread } from "./generate-routing-table.ts";

const RULE_COUNTS = [1_000, 10_000, 100_000];
const INGRESS_COUNTS = [1_000, 10_000];
const BATCH = 200;
const SAMPLES = 2_000;

interface MatchFigures {
  readonly rules: number;
  readonly spread: HostSpread;
  readonly medianNs: number;
  readonly p99Ns: number;
  readonly buildMs: number;
}

/**
 * Match time per request — `matchRequest` as the worker calls it: host and path normalised, finder, default
 * backend — timed over batches of requests.
 */
function measureMatch(rules: number, spread: HostSpread): MatchFigures {
  const random = createSeededRandom(rules);
  const table = generateRoutingTable(rules, random);
  const started = performance.now();
  const routes = compileRoutes(table);
  const buildMs = performance.now() - started;
  const requests = generateRequests(table, 4_096, random, spread);
  let sink = 0;
  const run = (offset: number): void => {
    for (let i = 0; i < BATCH; i++) {
      const request = requests[(offset + i) & 4095];
      if (request === undefined) continue;
      const decision = matchRequest(routes, { scheme: "https", host: request.host, path: request.path });
      if (decision.kind === "route") sink++;
    }
  };
  for (let i = 0; i < 500; i++) run(i * BATCH); // warm up the JIT
  const perRequest: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const start = process.hrtime.bigint();
    run(s * BATCH);
    perRequest.push(Number(process.hrtime.bigint() - start) / BATCH);
  }
  if (sink < 0) console.log(sink);
  perRequest.sort((a, b) => a - b);
  return { rules, spread, medianNs: round(quantile(perRequest, 0.5)), p99Ns: round(quantile(perRequest, 0.99)), buildMs: round(buildMs) };
}

interface CompileFigures {
  readonly ingresses: number;
  readonly compileMs: number;
  readonly tableBytes: number;
  readonly bytesPerRule: number;
}

async function measureCompile(ingresses: number): Promise<CompileFigures> {
  const cluster = generateCluster(ingresses, 100);
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const { content } = compileTable(cluster, defaultCompileOptions);
    bytes = serializeTable(await sealTable(content, 1)).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { ingresses, compileMs: round(quantile(times, 0.5)), tableBytes: bytes, bytesPerRule: round(bytes / (ingresses * 2)) };
}

async function measurePeakRss(ingresses: number, nodes: number): Promise<{ peakRssMiB: number; baselineRssMiB: number; bytes: number }> {
  const script = fileURLToPath(new URL("./compile-peak-rss.ts", import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script, String(ingresses), String(nodes)], { maxBuffer: 1 << 20 });
  const figures = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as { peakRssMiB: number; baselineRssMiB: number; bytes: number };
  return { peakRssMiB: round(figures.peakRssMiB), baselineRssMiB: round(figures.baselineRssMiB), bytes: figures.bytes };
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export const matchBenchmark: Benchmark = {
  name: "match",
  summary: "route match time at 1k/10k/100k rules; compile time, table bytes, peak RSS at 10k Ingresses",
  async run() {
    const matches = (["uniform", "zipf"] as const).flatMap((spread) => RULE_COUNTS.map((rules) => measureMatch(rules, spread)));
    console.log(formatTable(
      ["rules", "hosts hit", "median ns/match", "p99 ns/match", "index build ms"],
      matches.map((m) => [m.rules, m.spread, m.medianNs, m.p99Ns, m.buildMs]),
    ));
    const compiles: CompileFigures[] = [];
    for (const count of INGRESS_COUNTS) compiles.push(await measureCompile(count));
    console.log();
    console.log(formatTable(
      ["ingresses (2 paths, 100 nodes)", "compile+seal ms", "table bytes", "bytes/rule"],
      compiles.map((c) => [c.ingresses, c.compileMs, c.tableBytes, c.bytesPerRule]),
    ));
    const rss = await measurePeakRss(10_000, 1_000);
    console.log();
    console.log(`agent peak RSS compiling 10k Ingresses over 1k Nodes: ${rss.peakRssMiB} MiB (process baseline ${rss.baselineRssMiB} MiB; table ${rss.bytes} bytes)`);
    const at = (rules: number, spread: HostSpread) => matches.find((m) => m.rules === rules && m.spread === spread)?.medianNs ?? Number.NaN;
    const ratios = { uniform: round2(at(100_000, "uniform") / at(1_000, "uniform")), zipf: round2(at(100_000, "zipf") / at(1_000, "zipf")) };
    console.log(`100k/1k median ratio: uniform ${ratios.uniform}, zipf ${ratios.zipf} (goal ≤ 2); median at 10k: uniform ${at(10_000, "uniform")} ns, zipf ${at(10_000, "zipf")} ns (goal ≤ 1000)`);
    await writeResults("match", { machine: describeMachine(), matches, compiles, peakRss: rss, ratio100kTo1k: ratios });
  },
};
