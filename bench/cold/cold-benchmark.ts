import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileTable } from "../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../core/compile/compile-options.ts";
import { sealTable } from "../../core/table/hash-table.ts";
import type { Benchmark } from "../harness/benchmark.ts";
import { bundleWorker } from "../harness/bundle-worker.ts";
import { currentLoad, describeMachine, warnIfBusy } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { readProcessCpuSeconds } from "../harness/process-cpu.ts";
import { readWranglerConfig } from "../harness/read-wrangler-config.ts";
import { startWorkerd } from "../harness/start-workerd.ts";
import { summarizeSamples } from "../harness/summarize-samples.ts";
import { writeResults } from "../harness/write-results.ts";
import { generateCluster } from "../match/generate-cluster.ts";
import { type TableLayout, writeTableLayout } from "./write-table-layout.ts";

/** Issue 18's goal: the first request of a cold isolate costs at most this much more than with a one-Ingress table. */
const GOAL_ADDED_MS = 5;

interface ColdOptions {
  readonly sizes: readonly number[];
  readonly samples: number;
  readonly layouts: readonly TableLayout[];
}

function parseColdOptions(args: readonly string[]): ColdOptions {
  let sizes = [1, 1000, 10_000, 100_000];
  let samples = 5;
  let layouts: TableLayout[] = ["sharded", "single-value"];
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1] ?? "";
    switch (args[i]) {
      case "--sizes": sizes = value.split(",").map(Number); i++; break;
      case "--samples": samples = Number(value); i++; break;
      case "--layouts": layouts = value.split(",") as TableLayout[]; i++; break;
      default: throw new Error(`cold: unknown option ${args[i] ?? ""} (--sizes 1,1000,10000,100000 --samples 5 --layouts sharded,single-value)`);
    }
  }
  if (!sizes.includes(1)) sizes = [1, ...sizes];
  if (!Number.isInteger(samples) || samples < 1 || sizes.some((size) => !Number.isInteger(size) || size < 1) || layouts.some((l) => l !== "sharded" && l !== "single-value")) {
    throw new Error("cold: --sizes are positive integers, --samples ≥ 1, --layouts of sharded and single-value");
  }
  return { sizes, samples, layouts };
}

interface ColdSample {
  readonly ms: number;
  readonly cpuMs: number | null;
}

/**
 * A fresh workerd per sample, the table in a disk-backed TABLE_KV, one request: its latency from the client (the
 * isolate is created, the code runs for the first time, the table — or the parts a request needs — is read and
 * checked) and workerd's CPU over it. The request's host has no rule (127.0.0.1), so nothing is proxied: the answer
 * is the edge's 404 after loading what that host needs. Without TABLE_POINTER, as on an edge without the Durable
 * Object: the head is read from KV (one read more than with the object, for every size alike).
 */
export const coldBenchmark: Benchmark = {
  name: "cold",
  summary: "first-request latency of a cold isolate over tables of 1, 1k, 10k and 100k Ingresses, sharded layout beside the single value",
  run: async (args) => {
    const options = parseColdOptions(args);
    const loadBefore = currentLoad();
    const work = await mkdtemp(join(tmpdir(), "edge-cold-"));
    try {
      const config = await readWranglerConfig("wrangler.toml");
      const compatibilityDate = config.compatibilityDate ?? "2026-04-01";
      console.log("bundling the worker …");
      const bundle = await bundleWorker({ entry: "worker/index.ts", compatibilityDate, compatibilityFlags: config.compatibilityFlags, wranglerConfig: "wrangler.toml" }, join(work, "worker"));
      const results: Record<TableLayout, Map<number, { samples: ColdSample[]; keys: number; bytes: number }>> = { sharded: new Map(), "single-value": new Map() };
      for (const size of options.sizes) {
        const compiled = compileTable(generateCluster(size, 5), defaultCompileOptions).content;
        const table = await sealTable(compiled, Date.now());
        for (const layout of options.layouts) {
          const directory = join(work, `kv-${layout}-${size}`);
          const written = await writeTableLayout(directory, table, layout);
          const samples: ColdSample[] = [];
          for (let sample = 0; sample < options.samples; sample++) {
            const running = await startWorkerd({
              name: `workerd (cold, ${layout}, ${size})`,
              bundle,
              compatibilityDate,
              compatibilityFlags: config.compatibilityFlags,
              bindings: [
                { kind: "kv-directory", name: "TABLE_KV", directory },
                { kind: "text", name: "EDGE_ALLOW_IP_TARGETS", value: "true" },
                { kind: "text", name: "EDGE_TRANSPORT", value: "fetch" },
              ],
            });
            try {
              const pid = running.process.child.pid ?? 0;
              const cpuBefore = readProcessCpuSeconds(pid);
              const started = performance.now();
              const response = await fetch(`${running.url}/cold`);
              const body = await response.text();
              const ms = performance.now() - started;
              const cpuAfter = readProcessCpuSeconds(pid);
              if (response.status !== 404) throw new Error(`expected the edge's 404 for a host without rules, got ${response.status}: ${body.slice(0, 200)}`);
              samples.push({ ms, cpuMs: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) * 1000 });
            } finally {
              await running.process.stop();
            }
          }
          results[layout].set(size, { samples, keys: written.keys, bytes: written.bytes });
          console.log(`  ${layout} ${size} Ingresses (${written.keys} keys, ${written.bytes} bytes): ${samples.map((s) => s.ms.toFixed(1)).join(", ")} ms`);
        }
      }
      const cases = [];
      const rows: (string | number)[][] = [];
      for (const layout of options.layouts) {
        const base = summarizeSamples(results[layout].get(1)?.samples.map((s) => s.ms) ?? []).median;
        const baseCpu = summarizeSamples(results[layout].get(1)?.samples.flatMap((s) => (s.cpuMs === null ? [] : [s.cpuMs])) ?? []).median;
        for (const size of options.sizes) {
          const found = results[layout].get(size);
          if (found === undefined) continue;
          const latency = summarizeSamples(found.samples.map((s) => s.ms));
          const cpu = summarizeSamples(found.samples.flatMap((s) => (s.cpuMs === null ? [] : [s.cpuMs])));
          const entry = {
            ingresses: size,
            layout,
            coldAddedMs: round(latency.median - base),
            medianMs: round(latency.median),
            minMs: round(latency.min),
            maxMs: round(latency.max),
            cpuMedianMs: round(cpu.median),
            cpuAddedMs: round(cpu.median - baseCpu),
            samples: found.samples.length,
            keys: found.keys,
            bytes: found.bytes,
          };
          cases.push(entry);
          rows.push([layout, size, found.keys, found.bytes, entry.medianMs, entry.coldAddedMs, entry.cpuMedianMs, entry.cpuAddedMs]);
        }
      }
      const machine = describeMachine();
      console.log("");
      console.log(`cold: a fresh workerd per sample, median of ${options.samples}; added = median − the one-Ingress median of the same layout (goal ≤ ${GOAL_ADDED_MS} ms, sharded)`);
      console.log(formatTable(["layout", "Ingresses", "KV keys", "bytes", "first request ms", "added ms", "workerd CPU ms", "CPU added ms"], rows));
      const busy = warnIfBusy(loadBefore, machine);
      if (busy !== null) console.log(busy);
      await writeResults("cold", { measuredAt: new Date().toISOString(), machine: { ...machine, loadAverageBefore: loadBefore }, goals: { coldAddedMs: GOAL_ADDED_MS }, cases });
      // The last line: the sharded layout's cases first (the edge as it ships), the single value's after.
      console.log(JSON.stringify({ benchmark: "cold", cases }));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

function round(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : Number.NaN;
}
