import { describeMachine, warnIfBusy } from "../harness/describe-machine.ts";
import { formatTable } from "../harness/format-table.ts";
import { pickMedian } from "../harness/median-run.ts";
import { writeResults } from "../harness/write-results.ts";
import { attributeInstructions, type InstructionAttribution } from "./attribute-instructions.ts";
import type { InstructionCount } from "./count-instructions.ts";
import type { CaseRun, MeasuredCase } from "./measure-cases.ts";
import type { FailedCase } from "./prepare-cases.ts";
import type { ProfiledCost } from "./profile-cost.ts";
import type { ProxyBenchOptions } from "./proxy-options.ts";
import type { ResolvedWorker } from "./resolve-worker.ts";

/** Issue 7's goal: our worker keeps at least 90% of a bare pass-through worker's throughput. */
const GOAL_WORKER_OVER_PASS_THROUGH = 0.9;

interface CaseFigures {
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly proxyCpuMicrosecondsPerRequest: number | null;
  /**
   * The least CPU per request of any round. Other work on a shared machine only ever adds to a process's CPU
   * time (cache misses, stolen cycles counted as its own), so the lowest round is the nearest to the proxy's own
   * cost.
   */
  readonly lowestProxyCpuMicrosecondsPerRequest: number | null;
  readonly errors: number;
  readonly requestsPerSecondByRound: readonly number[];
  readonly proxyCpuMicrosecondsPerRequestByRound: readonly number[];
  readonly detail: string;
}

export async function reportProxy(
  options: ProxyBenchOptions,
  worker: ResolvedWorker,
  measured: readonly MeasuredCase[],
  failed: readonly FailedCase[],
  loadBefore: number,
  profiled: ProfiledCost | null = null,
  counted: readonly InstructionCount[] | null = null,
): Promise<void> {
  const machine = describeMachine();
  const busy = warnIfBusy(loadBefore, machine);
  const figures = new Map<string, CaseFigures>(measured.map((measuredCase) => [measuredCase.case.key, summarize(measuredCase)]));
  const ratio = (over: string, under: string, of: (case_: CaseFigures) => number | null): number | null => {
    const top = figures.get(over);
    const bottom = figures.get(under);
    const topValue = top === undefined ? null : of(top);
    const bottomValue = bottom === undefined ? null : of(bottom);
    return topValue === null || bottomValue === null || bottomValue === 0 ? null : round(topValue / bottomValue, 3);
  };
  const throughput = (case_: CaseFigures): number => case_.requestsPerSecond;
  const cpu = (case_: CaseFigures): number | null => case_.proxyCpuMicrosecondsPerRequest;
  // a/b from the runs of one round at a time, measured back to back: on a shared machine the load drifts
  // between rounds more than between neighbouring runs, so the median of paired ratios is the steadier figure.
  const pairedByRound = pairRatios(measured, "worker", "passThrough");
  const ratios = {
    workerOverPassThrough: pairedByRound.length === 0 ? ratio("worker", "passThrough", throughput) : round(pickMedian(pairedByRound, (value) => value), 3),
    workerOverPassThroughByRound: pairedByRound.map((value) => round(value, 3)),
    workerOverHaproxy: ratio("worker", "haproxy", throughput),
    returningWorkerOverHaproxy: ratio("workerReturning", "haproxyReturning", throughput),
    cpuPerRequestWorkerOverPassThrough: ratio("worker", "passThrough", cpu),
    lowestCpuPerRequestWorkerOverPassThrough: ratio("worker", "passThrough", (case_) => case_.lowestProxyCpuMicrosecondsPerRequest),
    cpuPerRequestWorkerOverHaproxy: ratio("worker", "haproxy", cpu),
    withoutAffinityWorkerOverPassThrough: ratio("workerWithoutAffinity", "passThrough", throughput),
    cpuPerRequestWithoutAffinityWorkerOverPassThrough: ratio("workerWithoutAffinity", "passThrough", cpu),
  };

  const order = [...measured.map((measuredCase) => measuredCase.case), ...failed.map((failure) => failure.case)];
  const rows = order.map((proxyCase) => {
    const case_ = figures.get(proxyCase.key);
    if (case_ === undefined) return [proxyCase.label, "—", "—", "—", "—", "—", "—"];
    return [
      proxyCase.label,
      case_.requestsPerSecond,
      case_.latencyMs.p50.toFixed(2),
      case_.latencyMs.p99.toFixed(2),
      case_.proxyCpuMicrosecondsPerRequest === null ? "—" : case_.proxyCpuMicrosecondsPerRequest.toFixed(1),
      case_.lowestProxyCpuMicrosecondsPerRequest === null ? "—" : case_.lowestProxyCpuMicrosecondsPerRequest.toFixed(1),
      case_.errors,
    ];
  });
  const show = (value: number | null): string => (value === null ? "—" : value.toFixed(3));
  console.log("");
  console.log(
    `proxy: ${options.connections} connections, ${options.threads} wrk thread(s), ${options.durationSeconds} s per case ` +
      `after ${options.warmupSeconds} s warm-up, ${options.rounds} round(s) (median shown), ${options.backendServer} backends`,
  );
  console.log(formatTable(["case", "req/s", "p50 ms", "p99 ms", "proxy CPU µs/req", "lowest round", "errors"], rows));
  const spread = pairedByRound.length > 1 ? ` (median of ${pairedByRound.length} rounds, each a and b back to back: ${Math.min(...pairedByRound).toFixed(2)}–${Math.max(...pairedByRound).toFixed(2)})` : "";
  console.log(`a/b  worker / pass-through   req/s ${show(ratios.workerOverPassThrough)}${spread} (goal ≥ ${GOAL_WORKER_OVER_PASS_THROUGH})   CPU/req ${show(ratios.cpuPerRequestWorkerOverPassThrough)} (lowest rounds ${show(ratios.lowestCpuPerRequestWorkerOverPassThrough)})`);
  if (profiled !== null) {
    console.log(`a/b  CPU per request from profiles (system-call units): ${show(profiled.workerOverPassThrough)} (pairs ${profiled.workerOverPassThroughByPair.map((value) => value.toFixed(3)).join(", ")}; goal ≤ ${(1 / GOAL_WORKER_OVER_PASS_THROUGH).toFixed(3)} for a CPU-bound proxy)`);
  }
  console.log(`a/b  Ingress without affinity  req/s ${show(ratios.withoutAffinityWorkerOverPassThrough)} (from the medians)   CPU/req ${show(ratios.cpuPerRequestWithoutAffinityWorkerOverPassThrough)}`);
  console.log(`a/c  worker / HAProxy        req/s ${show(ratios.workerOverHaproxy)}   CPU/req ${show(ratios.cpuPerRequestWorkerOverHaproxy)}`);
  console.log(`a/c  returning clients       req/s ${show(ratios.returningWorkerOverHaproxy)}`);
  const instructions = counted === null ? null : summarizeInstructions(counted);
  if (instructions !== null) {
    console.log("");
    console.log("instructions per request (callgrind, user space, every thread of the process; median batch):");
    console.log(formatTable(["case", "k instructions/req", "batches", "over (b)"], instructions.rows));
  }
  const attribution = counted === null ? null : attributeGoalCase(counted);
  if (attribution !== null) {
    const k = (value: number): string => (value / 1000).toFixed(1);
    const rows = (list: InstructionAttribution["topFunctions"]) => list.map((row) => [shorten(row.name, NAME_WIDTH), k(row.over), k(row.under), k(row.difference)]);
    console.log("");
    console.log("where (a)'s instructions beyond (b)'s go, per request (self cost in the median batches):");
    console.log(formatTable(["kind of code", "(a) k", "(b) k", "a − b k"], rows(attribution.byKind)));
    console.log("");
    console.log(formatTable(["function (largest differences)", "(a) k", "(b) k", "a − b k"], rows(attribution.topFunctions)));
  }
  if (busy !== null) console.log(busy);
  for (const failure of failed) console.log(`\n${failure.case.label} left out:\n${failure.error}`);
  console.log("");

  const cases: Record<string, CaseFigures | { readonly label: string; readonly error: string }> = {};
  for (const proxyCase of order) {
    cases[proxyCase.key] = figures.get(proxyCase.key) ?? {
      label: proxyCase.label,
      error: failed.find((failure) => failure.case.key === proxyCase.key)?.error ?? "not measured",
    };
  }
  await writeResults("proxy", {
    measuredAt: new Date().toISOString(),
    machine: { ...machine, loadAverageBefore: loadBefore },
    ...(busy === null ? {} : { warning: busy }),
    settings: {
      backends: options.backendServer,
      connections: options.connections,
      wrkThreads: options.threads,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      rounds: options.rounds,
      profileSeconds: options.profileSeconds,
      instructionRequests: options.instructionRequests,
      worker: worker.entry,
      wranglerConfig: worker.wranglerConfig ?? null,
      workerVars: worker.vars.map((binding) => binding.name),
      compatibilityDate: worker.compatibilityDate,
      compatibilityFlags: worker.compatibilityFlags,
    },
    cases,
    ratios,
    profiledCost:
      profiled === null
        ? null
        : {
            workerOverPassThrough: round(profiled.workerOverPassThrough, 3),
            workerOverPassThroughByPair: profiled.workerOverPassThroughByPair.map((value) => round(value, 3)),
            costInSyscallUnits: profiled.costInSyscallUnits.map(({ key, cost }) => ({ key, cost: round(cost, 3) })),
          },
    instructionsPerRequest: instructions?.byKey ?? null,
    instructionAttribution:
      attribution === null
        ? null
        : {
            over: "worker",
            under: "passThrough",
            byKind: attribution.byKind.map(({ kind, over, under, difference }) => ({ kind, over: Math.round(over), under: Math.round(under), difference: Math.round(difference) })),
            topFunctions: attribution.topFunctions.map(({ name, over, under, difference }) => ({ name: shorten(name, 160), over: Math.round(over), under: Math.round(under), difference: Math.round(difference) })),
          },
    goals: { workerOverPassThrough: GOAL_WORKER_OVER_PASS_THROUGH },
  });
}

const NAME_WIDTH = 100;
const TOP_FUNCTIONS = 15;

/** The goal's case (a) against the pass-through (b), by kind of code and by function; null unless both were counted. */
function attributeGoalCase(counted: readonly InstructionCount[]): InstructionAttribution | null {
  const worker = counted.find((count) => count.key === "worker");
  const passThrough = counted.find((count) => count.key === "passThrough");
  if (worker === undefined || passThrough === undefined) return null;
  return attributeInstructions(worker.selfCostsPerRequest, passThrough.selfCostsPerRequest, TOP_FUNCTIONS);
}

/** C++ names run to hundreds of characters of template arguments: the start says which function it is. */
function shorten(name: string, width: number): string {
  return name.length <= width ? name : `${name.slice(0, width - 1)}…`;
}

/** Each counted case, and over the pass-through's count (b = 1). */
function summarizeInstructions(counted: readonly InstructionCount[]): {
  rows: (string | number)[][];
  byKey: Record<string, { instructions: number; byBatch: readonly number[]; overPassThrough: number | null }>;
} {
  const base = counted.find((count) => count.key === "passThrough")?.instructionsPerRequest ?? null;
  const rows: (string | number)[][] = [];
  const byKey: Record<string, { instructions: number; byBatch: readonly number[]; overPassThrough: number | null }> = {};
  const thousands = (value: number): string => (value / 1000).toFixed(1);
  for (const count of counted) {
    const over = base === null || base === 0 ? null : round(count.instructionsPerRequest / base, 3);
    rows.push([count.label, thousands(count.instructionsPerRequest), count.byBatch.map(thousands).join(", "), over === null ? "—" : over.toFixed(3)]);
    byKey[count.key] = { instructions: count.instructionsPerRequest, byBatch: count.byBatch, overPassThrough: over };
  }
  return { rows, byKey };
}

function summarize(measuredCase: MeasuredCase): CaseFigures {
  const { load }: CaseRun = pickMedian(measuredCase.runs, (run) => run.load.requestsPerSecond);
  // CPU per request has its own median: the run with median throughput need not have the median cost.
  const cpuPerRequest = measuredCase.runs.flatMap((run) =>
    run.proxyCpuSeconds === null || run.load.requests === 0 ? [] : [(run.proxyCpuSeconds * 1e6) / run.load.requests],
  );
  return {
    label: measuredCase.case.label,
    requestsPerSecond: Math.round(load.requestsPerSecond),
    latencyMs: load.latencyMs,
    proxyCpuMicrosecondsPerRequest: cpuPerRequest.length === 0 ? null : round(pickMedian(cpuPerRequest, (value) => value), 1),
    lowestProxyCpuMicrosecondsPerRequest: cpuPerRequest.length === 0 ? null : round(Math.min(...cpuPerRequest), 1),
    errors: Object.values(load.errors).reduce((sum, count) => sum + count, 0),
    requestsPerSecondByRound: measuredCase.runs.map((run) => Math.round(run.load.requestsPerSecond)),
    proxyCpuMicrosecondsPerRequestByRound: cpuPerRequest.map((value) => round(value, 1)),
    detail: measuredCase.endpoint.detail,
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Requests/s of `over` divided by `under`, round by round, for the rounds both completed. */
function pairRatios(measured: readonly MeasuredCase[], over: string, under: string): number[] {
  const top = measured.find((measuredCase) => measuredCase.case.key === over)?.runs ?? [];
  const bottom = measured.find((measuredCase) => measuredCase.case.key === under)?.runs ?? [];
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(top.length, bottom.length); i++) {
    const a = top[i]?.load.requestsPerSecond ?? 0;
    const b = bottom[i]?.load.requestsPerSecond ?? 0;
    if (b > 0) ratios.push(a / b);
  }
  return ratios;
}
