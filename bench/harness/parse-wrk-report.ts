/** What one wrk run measured. Errors count non-2xx/3xx answers (`status`) and socket failures. */
export interface LoadResult {
  readonly requests: number;
  readonly durationSeconds: number;
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  readonly errors: { readonly connect: number; readonly read: number; readonly write: number; readonly status: number; readonly timeout: number };
}

const MARKER = "WRK_REPORT ";

/** Reads the line that bench/harness/wrk-report.lua prints at the end of a run. */
export function parseWrkReport(stdout: string): LoadResult {
  const line = stdout.split("\n").find((candidate) => candidate.startsWith(MARKER));
  if (line === undefined) throw new Error(`wrk printed no report line:\n${stdout}`);
  const raw = JSON.parse(line.slice(MARKER.length)) as RawReport;
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

interface RawReport {
  readonly requests: number;
  readonly durationUs: number;
  readonly errors: LoadResult["errors"];
  readonly latencyUs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
}
