import { parseArgs } from "node:util";

export interface ConvergenceOptions {
  /** Manifest changes measured. */
  readonly changes: number;
  /** Quiet time before each change: the agent pushes at most once a second (KV's write rate per key). */
  readonly quietMs: number;
  /** Pause between two probes of the new route. */
  readonly probeEveryMs: number;
  readonly https: boolean;
}

export const CONVERGENCE_USAGE = `npm run bench -- convergence [options]
  --changes N         manifest changes to time                          (default 10)
  --quiet-ms N        quiet time before each change (the agent pushes at most once a second)  (default 1200)
  --probe-every-ms N  pause between two requests for the new route      (default 5)
  --no-https          run the http edge only (default: http and https, as npm start does)`;

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
  if (problems.length > 0) throw new Error(`convergence benchmark options:\n  ${problems.join("\n  ")}\n\n${CONVERGENCE_USAGE}`);
  return { changes, quietMs, probeEveryMs, https: !values["no-https"] };
}
