import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { runToCompletion } from "./child-processes.ts";

const run = promisify(execFile);

/**
 * The share of a process's CPU samples (0..1) whose call stack includes `symbol`, read from the "Children" column
 * of `perf report --children`; null when the symbol is not in the report.
 */
export function readChildrenShare(report: string, symbol: string): number | null {
  for (const line of report.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^\s*([\d.]+)%\s+[\d.]+%\s+\S+\s+(.*)$/.exec(line);
    if (match === null || match[2]?.trim() !== symbol) continue;
    return Number(match[1]) / 100;
  }
  return null;
}

export interface ProfileOptions {
  readonly perfPath: string;
  readonly pid: number;
  readonly seconds: number;
  /** Where perf writes its sample file. */
  readonly directory: string;
  readonly symbol: string;
}

/** Samples `pid` with call stacks for `seconds` (user space and, as this machine allows, the kernel) and reads the share. */
export async function profileChildrenShare(options: ProfileOptions): Promise<number> {
  const data = join(options.directory, `perf-${options.pid}.data`);
  await runToCompletion("perf record", options.perfPath, ["record", "-F", "2999", "-g", "-p", String(options.pid), "-o", data, "--", "sleep", String(options.seconds)]);
  // The whole report (megabytes of C++ symbol names): the process manager keeps only an output's tail.
  const { stdout: report } = await run(options.perfPath, ["report", "-i", data, "--children", "--sort", "sym", "-g", "none", "--stdio"], { maxBuffer: 512 * 1024 * 1024 });
  const share = readChildrenShare(report, options.symbol);
  if (share === null || share === 0) throw new Error(`perf saw no sample under ${options.symbol} in process ${options.pid}`);
  return share;
}
