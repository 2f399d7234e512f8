import { fileURLToPath } from "node:url";
import { runToCompletion } from "./child-processes.ts";
import { parseWrkReport, type LoadResult } from "./parse-wrk-report.ts";

export interface LoadOptions {
  readonly url: string;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly threads: number;
  readonly headers?: Readonly<Record<string, string>>;
}

const reportScript = fileURLToPath(new URL("./wrk-report.lua", import.meta.url));

/** Runs wrk against `url` for a bounded time and returns its figures. */
export async function runWrk(wrkPath: string, options: LoadOptions): Promise<LoadResult> {
  const args = [
    `--threads=${options.threads}`,
    `--connections=${options.connections}`,
    `--duration=${options.durationSeconds}s`,
    "--timeout=2s",
    `--script=${reportScript}`,
  ];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push("--header", `${name}: ${value}`);
  args.push(options.url);
  return parseWrkReport(await runToCompletion("wrk", wrkPath, args));
}
