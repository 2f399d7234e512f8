import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runToCompletion, startProcess } from "../harness/child-processes.ts";
import { pickMedian } from "../harness/median-run.ts";
import { readCallgrindSelfCosts } from "../harness/read-callgrind-self-costs.ts";
import { readCallgrindTotal } from "../harness/read-callgrind-total.ts";
import { sendRequests } from "../harness/send-requests.ts";
import type { RunningWorkerd } from "../harness/start-workerd.ts";
import { waitForPort } from "../harness/wait-for-port.ts";
import type { ReadyCase } from "./prepare-cases.ts";

export interface CountTools {
  readonly valgrind: string;
  readonly callgrindControl: string;
}

export interface InstructionCount {
  readonly key: string;
  readonly label: string;
  /** User-space instructions the proxying process executed per request (JIT code, runtime, GC): the median batch. */
  readonly instructionsPerRequest: number;
  readonly byBatch: readonly number[];
  /** The median batch's instructions per request by function (self cost): where they went. */
  readonly selfCostsPerRequest: ReadonlyMap<string, number>;
}

/**
 * V8 without background threads: under valgrind its compiler threads hardly run (hot functions would stay in the
 * baseline tiers a native run leaves within a second), and concurrent GC work varies with timing (batches of
 * the same case differed by a third). Single-threaded, functions are optimised on the main thread as they
 * would be natively, and repeated counts agree within a few percent (checked 2026-11-26: two runs, four cases,
 * medians within 2.5 %). Both workers run so, alike.
 */
const V8_FLAGS = ["--single-threaded"];
const CONCURRENCY = 8;
/** Requests sent before the first count of a process (JIT and heap settle), then before each further case. */
const FIRST_WARMUP = 20_000;
const NEXT_WARMUP = 5_000;
/** Counted batches per case, the median reported: a batch with a full GC in it counts up to ~8 % more. */
const BATCHES = 3;

/**
 * Instructions per request of the two workers, counted by callgrind: steady within a few percent where
 * requests/s and CPU time move by tens of percent with the machine's other tenants (not exact: when the GC runs,
 * and how many requests each event-loop turn finds, still vary). Each workerd is restarted under callgrind on
 * its port, warmed, and counted over `BATCHES` batches of exactly `count` requests per case. Kernel work is not
 * counted: it is the same per request for both workers (the same system calls), so this ratio is larger than the
 * CPU-time ratio it explains.
 */
export async function countInstructions(tools: CountTools, cases: readonly ReadyCase[], count: number, directory: string): Promise<InstructionCount[]> {
  const byWorkerd = new Map<RunningWorkerd, ReadyCase[]>();
  for (const ready of cases) {
    const workerd = ready.endpoint.workerd;
    if (workerd === undefined) continue;
    byWorkerd.set(workerd, [...(byWorkerd.get(workerd) ?? []), ready]);
  }
  const counts: InstructionCount[] = [];
  for (const [position, [workerd, served]] of [...byWorkerd].entries()) {
    await workerd.process.stop();
    const config = await workerd.writeConfigWith(V8_FLAGS);
    const outputName = `callgrind-${position}`;
    const counted = startProcess(`callgrind (${workerd.process.name})`, tools.valgrind, [
      "--tool=callgrind",
      "--smc-check=all-non-file",
      "--instr-atstart=no",
      `--callgrind-out-file=${join(directory, outputName)}.%p`,
      workerd.binary,
      "serve",
      config,
    ]);
    try {
      const { hostname, port } = new URL(workerd.url);
      await waitForPort(hostname, Number(port), counted, 120_000);
      const pid = String(counted.child.pid);
      for (const [index, ready] of served.entries()) {
        const batch = { url: ready.endpoint.url, headers: ready.headers, concurrency: CONCURRENCY, accept: isBackendAnswer };
        await sendRequests({ ...batch, count: index === 0 ? FIRST_WARMUP : NEXT_WARMUP });
        const batches: { perRequest: number; dump: string }[] = [];
        for (let round = 0; round < BATCHES; round++) {
          await runToCompletion("callgrind_control", tools.callgrindControl, ["--instr=on", pid]);
          await sendRequests({ ...batch, count });
          await runToCompletion("callgrind_control", tools.callgrindControl, ["--instr=off", pid]);
          await runToCompletion("callgrind_control", tools.callgrindControl, ["--dump", pid]);
          const dump = await readNewestDump(directory, `${outputName}.${pid}.`);
          batches.push({ perRequest: Math.round(dump.total / count), dump: dump.text });
        }
        const median = pickMedian(batches, (batch) => batch.perRequest);
        const byBatch = batches.map((batch) => batch.perRequest);
        console.log(`  instructions ${ready.case.label}: ${(median.perRequest / 1000).toFixed(1)} k per request (batches ${byBatch.map((value) => (value / 1000).toFixed(1)).join(", ")})`);
        const selfCostsPerRequest = new Map([...readCallgrindSelfCosts(median.dump)].map(([name, cost]) => [name, cost / count]));
        counts.push({ key: ready.case.key, label: ready.case.label, instructionsPerRequest: median.perRequest, byBatch, selfCostsPerRequest });
      }
    } finally {
      await counted.stop();
    }
  }
  return counts;
}

function isBackendAnswer(status: number, body: string): boolean {
  return status === 200 && body.startsWith("node ");
}

/** Callgrind numbers its dumps `<prefix><n>`; the highest is the one just written. */
async function readNewestDump(directory: string, prefix: string): Promise<{ total: number; text: string }> {
  const dumps = (await readdir(directory))
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)));
  const newest = dumps.at(-1);
  if (newest === undefined) throw new Error(`callgrind wrote no dump named ${prefix}<n> in ${directory}`);
  const text = await readFile(join(directory, newest), "utf8");
  const total = readCallgrindTotal(text);
  if (total === null) throw new Error(`${newest} carries no instruction total`);
  return { total, text };
}
