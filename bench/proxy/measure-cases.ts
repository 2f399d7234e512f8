import { wasInterrupted } from "../harness/child-processes.ts";
import type { LoadResult } from "../harness/parse-wrk-report.ts";
import { readProcessCpuSeconds } from "../harness/process-cpu.ts";
import { runWrk } from "../harness/run-wrk.ts";
import type { FailedCase, ReadyCase } from "./prepare-cases.ts";
import type { ProxyBenchOptions } from "./proxy-options.ts";

export interface CaseRun {
  readonly load: LoadResult;
  /** CPU the proxying process used during the measured run; null for direct or without /proc. */
  readonly proxyCpuSeconds: number | null;
}

export interface MeasuredCase extends ReadyCase {
  readonly runs: readonly CaseRun[];
}

/**
 * Every case once per round, rounds interleaved so that a noisy neighbour's burst does not hit one case only, and
 * every other round in reverse order so that no case always runs first: cases compared in pairs (a and b) sit
 * next to each other and share each round's conditions. A case whose run fails (its proxy died, say) is left out
 * with the reason; the others go on.
 */
export async function measureCases(
  wrkPath: string,
  options: ProxyBenchOptions,
  cases: readonly ReadyCase[],
): Promise<{ measured: MeasuredCase[]; failed: FailedCase[] }> {
  const runs: CaseRun[][] = cases.map(() => []);
  const failures = new Map<number, string>();
  for (let round = 1; round <= options.rounds; round++) {
    const order = [...cases.entries()];
    if (round % 2 === 0) order.reverse();
    for (const [index, ready] of order) {
      if (failures.has(index)) continue;
      try {
        const run = await measureOnce(wrkPath, options, ready);
        console.log(`  round ${round}/${options.rounds} ${ready.case.label}: ${Math.round(run.load.requestsPerSecond)} req/s`);
        runs[index]?.push(run);
      } catch (error) {
        if (wasInterrupted()) throw error;
        const reason = describeFailure(ready, error);
        console.log(`  round ${round}/${options.rounds} ${ready.case.label}: failed, left out (${reason.split("\n")[0] ?? ""})`);
        failures.set(index, reason);
      }
    }
  }
  const measured: MeasuredCase[] = [];
  const failed: FailedCase[] = [];
  for (const [index, ready] of cases.entries()) {
    const failure = failures.get(index);
    if (failure === undefined) measured.push({ ...ready, runs: runs[index] ?? [] });
    else failed.push({ case: ready.case, error: failure });
  }
  return { measured, failed };
}

async function measureOnce(wrkPath: string, options: ProxyBenchOptions, ready: ReadyCase): Promise<CaseRun> {
  const load = { url: ready.endpoint.url, connections: options.connections, threads: options.threads, headers: ready.headers };
  if (options.warmupSeconds > 0) await runWrk(wrkPath, { ...load, durationSeconds: options.warmupSeconds });
  const pid = ready.endpoint.process?.child.pid;
  const cpuBefore = pid === undefined ? null : readProcessCpuSeconds(pid);
  const result = await runWrk(wrkPath, { ...load, durationSeconds: options.durationSeconds });
  const cpuAfter = pid === undefined ? null : readProcessCpuSeconds(pid);
  return { load: result, proxyCpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

function describeFailure(ready: ReadyCase, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const owner = ready.endpoint.process;
  if (owner === undefined) return message;
  const { exitCode, signalCode } = owner.child;
  if (exitCode === null && signalCode === null) return message;
  return `${owner.name} exited (${String(exitCode ?? signalCode)}) during the run: ${message}\n${owner.output().slice(-2000)}`;
}
