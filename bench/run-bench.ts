/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name> [options]` runs one. Each prints a readable
 * table and, last, one JSON line with its figures, and writes bench/results/<name>.json.
 */
import type { Benchmark } from "./harness/benchmark.ts";
import { coldBenchmark } from "./cold/cold-benchmark.ts";
import { convergenceBenchmark } from "./convergence/convergence-benchmark.ts";
import { failoverBenchmark } from "./failover/failover-benchmark.ts";
import { wasInterrupted } from "./harness/child-processes.ts";
import { healthBenchmark } from "./health/health-benchmark.ts";
import { matchBenchmark } from "./match/match-benchmark.ts";
import { proxyBenchmark } from "./proxy/proxy-benchmark.ts";
import { stickinessBenchmark } from "./stickiness/stickiness-benchmark.ts";

const benchmarks: readonly Benchmark[] = [matchBenchmark, proxyBenchmark, convergenceBenchmark, failoverBenchmark, stickinessBenchmark, healthBenchmark, coldBenchmark];

const [name, ...rest] = process.argv.slice(2);

function usage(): string {
  const lines = benchmarks.map((benchmark) => `  ${benchmark.name.padEnd(12)} ${benchmark.summary}`);
  return `usage: npm run bench [-- <name> [options]]\n\nbenchmarks:\n${lines.join("\n")}`;
}

async function main(): Promise<number> {
  if (name === "--help" || name === "-h") {
    console.log(usage());
    return 0;
  }
  if (name !== undefined && name.startsWith("-")) {
    console.error(`options belong to one benchmark: name it first.\n\n${usage()}`);
    return 2;
  }
  const selected = name === undefined ? benchmarks : benchmarks.filter((benchmark) => benchmark.name === name);
  if (selected.length === 0) {
    console.error(`no benchmark named "${name ?? ""}".\n\n${usage()}`);
    return 2;
  }
  let failures = 0;
  for (const benchmark of selected) {
    console.log(`== ${benchmark.name} ==`);
    try {
      await benchmark.run(name === undefined ? [] : rest);
    } catch (error) {
      if (wasInterrupted()) break;
      failures++;
      console.error(`${benchmark.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (wasInterrupted()) break;
  }
  if (wasInterrupted()) {
    console.error("interrupted: everything started was stopped");
    return 130;
  }
  return failures === 0 ? 0 : 1;
}

process.exitCode = await main();
