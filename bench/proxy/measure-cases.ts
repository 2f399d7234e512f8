import type { LoadResult } from "../harness/parse-wrk-report.ts";
import { readProcessCpuSeconds } from "../harness/process-cpu.ts";
import { runWrk } from "../harness/run-wrk.ts";
import type { ReadyCase } from "./prepare-cases.ts";
import type { ProxyBenchOptions } from "./proxy-options.ts";

export interface CaseRun {
  readonly load: LoadResult;
  /** CPU the proxying process used during the measured run; null for direct or without /proc. */
  readonly proxyCpuSeconds: number | null;
}

export interface MeasuredCase extends ReadyCase {
  readonly runs: readonly CaseRun[];
}

/** Every case once per round, rounds interleaved so that a noisy neighbour's burst does not hit one case only. */
export async function measureCases(wrkPath: string, options: ProxyBenchOptions, cases: readonly ReadyCase[]): Promise<MeasuredCase[]> {
  const runs = cases.map(() => [] as CaseRun[]);
  for (let round = 1; round <= options.rounds; round++) {
    for (const [index, ready] of cases.entries()) {
      const load = { url: ready.endpoint.url, connections: options.connections, threads: options.threads, headers: ready.headers };
      if (options.warmupSeconds > 0) await runWrk(wrkPath, { ...load, durationSeconds: options.warmupSeconds });
      const pid = ready.endpoint.pid;
      const cpuBefore = pid === undefined ? null : readProcessCpuSeconds(pid);
      const result = await runWrk(wrkPath, { ...load, durationSeconds: options.durationSeconds });
      const cpuAfter = pid === undefined ? null : readProcessCpuSeconds(pid);
      const proxyCpuSeconds = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
      console.log(`  round ${round}/${options.rounds} ${ready.case.label}: ${Math.round(result.requestsPerSecond)} req/s`);
      runs[index]?.push({ load: result, proxyCpuSeconds });
    }
  }
  return cases.map((ready, index) => ({ ...ready, runs: runs[index] ?? [] }));
}
