import { parseArgs } from "node:util";

export interface ConvergenceOptions {
  /** Manifest changes measured. */
  readonly changes: number;
  /** Quiet time before each change: the agent pushes at most once a second (KV's write rate per key). */
  readonly quietMs: number;
  /** Pause between two probes of the new route. */
  readonly probeEveryMs: number;
  readonly https: boolean;
  /**
   * Edge processes. 1: the local edge as `npm start` runs it (wrangler dev, the agent in manifests mode). More:
   * edge processes sharing one KV namespace and one version pointer, a signed push to the first of them.
   */
  readonly edges: number;
  /** With several edges: EDGE_POINTER_CHECK_MS (pointer "durable-object") or EDGE_TABLE_REFRESH_MS ("kv"). */
  readonly checkMs: number;
  readonly pointer: "durable-object" | "kv";
}

export const CONVERGENCE_USAGE = `npm run bench -- convergence [options]
  --changes N         manifest changes to time                          (default 10)
  --quiet-ms N        quiet time before each change (the agent pushes at most once a second)  (default 1200)
  --probe-every-ms N  pause between two requests for the new route      (default 5)
  --no-https          run the http edge only (default: http and https, as npm start does)
  --edges N           edge processes sharing one KV and one version pointer; each change is a signed push to
                      the first, timed until every edge serves it (default 1: the local edge of npm start)
  --check-ms N        with --edges: how often an isolate checks for a new version  (default 4000, the worker's)
  --pointer do|kv     with --edges: the TABLE_POINTER Durable Object, or the head polled in KV  (default do)`;

export function parseConvergenceOptions(args: readonly string[]): ConvergenceOptions {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      changes: { type: "string", default: "10" },
      "quiet-ms": { type: "string", default: "1200" },
      "probe-every-ms": { type: "string", default: "5" },
      "no-https": { type: "boolean", default: false },
      edges: { type: "string", default: "1" },
      "check-ms": { type: "string", default: "4000" },
      pointer: { type: "string", default: "do" },
    },
  });
  const problems: string[] = [];
  const integer = (name: string, text: string, min: number, max: number): number => {
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) problems.push(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const changes = integer("changes", values.changes, 1, 1000);
  const quietMs = integer("quiet-ms", values["quiet-ms"], 0, 60_000);
  const probeEveryMs = integer("probe-every-ms", values["probe-every-ms"], 0, 1000);
  const edges = integer("edges", values.edges, 1, 16);
  const checkMs = integer("check-ms", values["check-ms"], 0, 300_000);
  if (values.pointer !== "do" && values.pointer !== "kv") problems.push(`--pointer must be do or kv, got "${values.pointer}"`);
  if (problems.length > 0) throw new Error(`convergence benchmark options:\n  ${problems.join("\n  ")}\n\n${CONVERGENCE_USAGE}`);
  return { changes, quietMs, probeEveryMs, https: !values["no-https"], edges, checkMs, pointer: values.pointer === "kv" ? "kv" : "durable-object" };
}
