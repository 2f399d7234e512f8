import { z } from "zod";

/** What one wrk run measured. Errors count non-2xx/3xx answers (`status`) and socket failures. */
export interface LoadResult {
  readonly requests: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly errors: { readonly connect: number; readonly read: number; readonly write: number; readonly status: number; readonly timeout: number };
}

const MARKER = "WRK_REPORT ";
const count = z.number().int().min(0);
const rawReport = z.object({
  requests: count,
  durationUs: count,
  errors: z.object({ connect: count, read: count, write: count, status: count, timeout: count }),
  latencyUs: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() }),
});

/** Reads the line that bench/harness/wrk-report.lua prints at the end of a run. */
export function parseWrkReport(stdout: string): LoadResult {
  const line = stdout.split("\n").find((candidate) => candidate.startsWith(MARKER));
  if (line === undefined) throw new Error(`wrk printed no report line:\n${stdout}`);
  const parsed = rawReport.safeParse(JSON.parse(line.slice(MARKER.length)));
  if (!parsed.success) throw new Error(`wrk report line is malformed (${parsed.error.message}):\n${line}`);
  const raw = parsed.data;
  const durationSeconds = raw.durationUs / 1e6;
  return {
    requests: raw.requests,
    durationSeconds,
    requestsPerSecond: durationSeconds > 0 ? raw.requests / durationSeconds : 0,
    latencyMs: {
      p50: raw.latencyUs.p50 / 1000,
      p90: raw.latencyUs.p90 / 1000,
      p99: raw.latencyUs.p99 / 1000,
      max: raw.latencyUs.max / 1000,
    },
    errors: raw.errors,
  };
}
