import { parseArgs } from "node:util";
import type { BackendServer } from "../harness/start-backends.ts";

export interface ProxyBenchOptions {
  /** Entry file of the worker measured as (a); any worker can stand in. Default: the config's `main`. */
  readonly worker?: string;
  /** Path, or "none"; default: wrangler.toml at the repository root when there is one. */
  readonly wranglerConfig?: string;
  /** Text bindings given to worker (a) over the config's `[vars]`, e.g. the switch allowing bare IP targets. */
  readonly vars: Readonly<Record<string, string>>;
  /** Both workers run with the same date and flags; default: the config's, else 2024-09-23 + nodejs_compat. */
  readonly compatibilityDate?: string;
  readonly compatibilityFlags?: readonly string[];
  readonly backendServer: BackendServer;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly threads: number;
  /** Each round measures every target once; the median round is reported (rounds interleave against drift). */
  readonly rounds: number;
  /** Seconds of CPU profile per worker and pair (two pairs), after the rounds; 0 = no profiles. Needs perf. */
  readonly profileSeconds: number;
  /** Requests per case over which callgrind counts the two workers' instructions, after all else; 0 = off. */
  readonly instructionRequests: number;
}

export const PROXY_USAGE = `npm run bench -- proxy [options]
  --worker FILE             worker entry measured as (a)     (default: the config's main, else worker/index.ts)
  --wrangler-config FILE    bundle (a) with this config, or "none"   (default: ./wrangler.toml if present)
  --var NAME=VALUE          text binding for (a), over the config's [vars] and the bench's
                            EDGE_ALLOW_IP_TARGETS=true and random EDGE_COOKIE_KEY; repeatable
  --compatibility-date D    for both workers          (default: the config's, else 2024-09-23)
  --compatibility-flag F    for both workers; repeatable (default: the config's, else nodejs_compat)
  --backends haproxy|node   what answers on the Nodes               (default haproxy: fastest here)
  --duration S              seconds measured per target and round   (default 5)
  --warmup S                seconds of unmeasured load first        (default 1)
  --connections N           wrk connections                         (default 32)
  --threads N               wrk threads                             (default 1)
  --rounds N                interleaved rounds; median reported     (default 1)
  --profile S               then profile (a) and (b) S seconds each, twice, with perf:
                            CPU per request in units of its system calls   (default 0: off)
  --instructions N          then count the two workers' instructions per request under
                            valgrind's callgrind, three batches of N requests per case
                            (5000 or more: a GC weighs on a small batch)  (default 0: off)`;

/** Reads the options, listing every problem at once. */
export function parseProxyOptions(args: readonly string[]): ProxyBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      worker: { type: "string" },
      "wrangler-config": { type: "string" },
      var: { type: "string", multiple: true, default: [] },
      "compatibility-date": { type: "string" },
      "compatibility-flag": { type: "string", multiple: true },
      backends: { type: "string", default: "haproxy" },
      duration: { type: "string", default: "5" },
      warmup: { type: "string", default: "1" },
      connections: { type: "string", default: "32" },
      threads: { type: "string", default: "1" },
      rounds: { type: "string", default: "1" },
      profile: { type: "string", default: "0" },
      instructions: { type: "string", default: "0" },
    },
  });
  const problems: string[] = [];
  const number = (name: string, raw: string, min: number, max: number): number => {
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) problems.push(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return parsed;
  };
  const vars: Record<string, string> = {};
  for (const entry of values.var) {
    const equals = entry.indexOf("=");
    if (equals <= 0) problems.push(`--var must be NAME=VALUE, got "${entry}"`);
    else vars[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  const date = values["compatibility-date"];
  if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) problems.push(`--compatibility-date must be YYYY-MM-DD, got "${date}"`);
  const backendServer = values.backends;
  if (backendServer !== "haproxy" && backendServer !== "node") problems.push(`--backends must be haproxy or node, got "${backendServer}"`);
  const options: ProxyBenchOptions = {
    ...(values.worker === undefined ? {} : { worker: values.worker }),
    ...(values["wrangler-config"] === undefined ? {} : { wranglerConfig: values["wrangler-config"] }),
    vars,
    ...(date === undefined ? {} : { compatibilityDate: date }),
    ...(values["compatibility-flag"] === undefined ? {} : { compatibilityFlags: values["compatibility-flag"] }),
    backendServer: backendServer === "node" ? "node" : "haproxy",
    durationSeconds: number("duration", values.duration, 1, 600),
    warmupSeconds: number("warmup", values.warmup, 0, 60),
    connections: number("connections", values.connections, 1, 10_000),
    threads: number("threads", values.threads, 1, 64),
    rounds: number("rounds", values.rounds, 1, 20),
    profileSeconds: number("profile", values.profile, 0, 120),
    instructionRequests: number("instructions", values.instructions, 0, 1_000_000),
  };
  if (problems.length > 0) throw new Error(`proxy benchmark options:\n  ${problems.join("\n  ")}\n\n${PROXY_USAGE}`);
  return options;
}
