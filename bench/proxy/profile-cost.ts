import { profileChildrenShare } from "../harness/perf-children-share.ts";
import { runWrk } from "../harness/run-wrk.ts";
import type { ReadyCase } from "./prepare-cases.ts";
import type { ProxyBenchOptions } from "./proxy-options.ts";

/**
 * The kernel's system-call work: the same per proxied request in both workers (a read and a write with the
 * client, a write and a read with the Node — counted with strace — and on loopback the kernel delivers each write
 * within the writer's call), so the unit their costs are counted in. Until 2026-11-26 the unit was the samples
 * under the runtime's incoming fetch() handler, which include the worker's own synchronous work: it understated
 * the difference, and rated a copy of our worker without its header edits dearer than with them.
 */
export const UNIT_SYMBOL = "do_syscall_64";
const PAIRS = 2;

export interface ProfiledCost {
  /** Our worker's CPU per request over the pass-through's, one figure per profiled pair. */
  readonly workerOverPassThroughByPair: readonly number[];
  readonly workerOverPassThrough: number;
  /** Each profile's samples per sample under a system call, in the order taken. */
  readonly costInSyscallUnits: readonly { readonly key: string; readonly cost: number }[];
}

/**
 * CPU per request of our worker over the pass-through's, from call-stack profiles rather than req/s. Each worker
 * is profiled under the same wrk load; its samples over those under system calls give its cost per request in
 * units of one request's system calls. Whatever slows this shared machine down slows both the numerator and the
 * unit: pairs moved between 1.05 and 1.23 on 2026-11-26, where one round's req/s ratio moved by tens of percent.
 */
export async function profileCost(perfPath: string, wrkPath: string, options: ProxyBenchOptions, cases: readonly ReadyCase[], directory: string): Promise<ProfiledCost> {
  const worker = cases.find((ready) => ready.case.key === "worker");
  const passThrough = cases.find((ready) => ready.case.key === "passThrough");
  if (worker === undefined || passThrough === undefined) throw new Error("both workers must be running to profile them");
  const costs: { key: string; cost: number }[] = [];
  const byPair: number[] = [];
  for (let pair = 0; pair < PAIRS; pair++) {
    // Alternating which goes first, as the rounds do.
    const order = pair % 2 === 0 ? [worker, passThrough] : [passThrough, worker];
    const cost = new Map<string, number>();
    for (const ready of order) {
      const value = await profileUnderLoad(perfPath, wrkPath, options, ready, directory);
      cost.set(ready.case.key, value);
      costs.push({ key: ready.case.key, cost: value });
      console.log(`  profile ${pair + 1}/${PAIRS} ${ready.case.label}: ${value.toFixed(2)} system-call units per request`);
    }
    byPair.push((cost.get("worker") ?? 0) / (cost.get("passThrough") ?? 1));
  }
  return {
    workerOverPassThroughByPair: byPair,
    workerOverPassThrough: byPair.reduce((sum, value) => sum + value, 0) / byPair.length,
    costInSyscallUnits: costs,
  };
}

async function profileUnderLoad(perfPath: string, wrkPath: string, options: ProxyBenchOptions, ready: ReadyCase, directory: string): Promise<number> {
  const pid = ready.endpoint.process?.child.pid;
  if (pid === undefined) throw new Error(`${ready.case.label} has no process to profile`);
  const seconds = options.profileSeconds;
  const load = runWrk(wrkPath, { url: ready.endpoint.url, connections: options.connections, threads: options.threads, headers: ready.headers, durationSeconds: seconds + 2 });
  try {
    // Under way before sampling starts, and still running when it stops.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return 1 / (await profileChildrenShare({ perfPath, pid, seconds, directory, symbol: UNIT_SYMBOL }));
  } finally {
    await load;
  }
}
